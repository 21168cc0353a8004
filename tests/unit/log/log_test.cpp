// lib/log: level names, logtype names, per-logtype levels through rte_log, the per-call-site rate
// limiter (a fake clock), and what reaches rte_log's stream ("N similar suppressed").

#include "mipgate/log/log.hpp"

#include <rte_log.h>

#include <gtest/gtest.h>

#include <cstdio>
#include <string>

namespace {

using namespace mipgate;
namespace lg = mipgate::log;

/// Captures rte_log's output in a memory stream for one test.
class captured {
public:
    captured() {
        _f = open_memstream(&_buf, &_len);
        rte_openlog_stream(_f);
    }
    ~captured() {
        rte_openlog_stream(nullptr);
        std::fclose(_f);
        std::free(_buf);
    }
    std::string text() {
        std::fflush(_f);
        return std::string(_buf, _len);
    }

private:
    std::FILE* _f = nullptr;
    char* _buf = nullptr;
    std::size_t _len = 0;
};

TEST(Log, LevelNamesRoundTrip) {
    for (const char* n : {"emergency", "alert", "critical", "error", "warning", "notice", "info", "debug"}) {
        auto l = lg::parse_level(n);
        ASSERT_TRUE(l.has_value()) << n;
        EXPECT_EQ(lg::level_name(*l), n);
    }
    EXPECT_EQ(static_cast<std::uint32_t>(lg::level::debug), RTE_LOG_DEBUG);
    EXPECT_EQ(static_cast<std::uint32_t>(lg::level::emergency), RTE_LOG_EMERG);
    EXPECT_FALSE(lg::parse_level("verbose"));
    EXPECT_FALSE(lg::parse_level(""));
}

TEST(Log, TypesAreRegisteredWithRteLog) {
    lg::init();
    EXPECT_EQ(lg::parse_type("send"), lg::type::send);
    EXPECT_EQ(lg::parse_type("mipgate.keys"), lg::type::keys);
    EXPECT_FALSE(lg::parse_type("mipgate.nope"));
    EXPECT_FALSE(lg::parse_type("mipgate"));
    for (const char* n : {"mipgate.app", "mipgate.send", "mipgate.keys", "mipgate.fmip", "mipgate.cli",
                          "mipgate.config"}) {
        // rte_log_register returns the existing id for a registered name.
        EXPECT_GE(rte_log_register(n), 0) << n;
        auto t = lg::parse_type(n);
        ASSERT_TRUE(t);
        EXPECT_EQ(lg::type_name(*t), n);
    }
}

TEST(Log, SetLevelPerTypeAndAll) {
    ASSERT_TRUE(lg::set_level(lg::level::info));
    EXPECT_TRUE(lg::enabled(lg::type::send, lg::level::info));
    EXPECT_FALSE(lg::enabled(lg::type::send, lg::level::debug));
    ASSERT_TRUE(lg::set_level(lg::level::debug, "send"));
    EXPECT_TRUE(lg::enabled(lg::type::send, lg::level::debug));
    EXPECT_FALSE(lg::enabled(lg::type::keys, lg::level::debug));
    EXPECT_EQ(lg::get_level(lg::type::send), lg::level::debug);
    ASSERT_TRUE(lg::set_level(lg::level::error));
    EXPECT_FALSE(lg::enabled(lg::type::send, lg::level::warning));
    EXPECT_TRUE(lg::enabled(lg::type::app, lg::level::error));
    auto bad = lg::set_level(lg::level::debug, "mipgate.nope");
    ASSERT_FALSE(bad);
    EXPECT_NE(bad.err().message.find("unknown logtype"), std::string::npos);
    ASSERT_TRUE(lg::set_level(lg::level::info));
}

TEST(Log, SiteTokenBucket) {
    lg::set_rate(10, 3);
    lg::site s;
    std::uint64_t sup = 99;
    const std::uint64_t t0 = 1'000'000'000;
    // A burst of 3, then refusals counted.
    for (int i = 0; i < 3; ++i) {
        ASSERT_TRUE(s.admit(t0, sup)) << i;
        EXPECT_EQ(sup, 0u);
    }
    for (int i = 0; i < 50; ++i) {
        EXPECT_FALSE(s.admit(t0 + 1000, sup));
    }
    // 10/s: one token after 100 ms; the admitted message reports the 50 refused.
    EXPECT_FALSE(s.admit(t0 + 50'000'000, sup));
    ASSERT_TRUE(s.admit(t0 + 101'000'000, sup));
    EXPECT_EQ(sup, 51u);
    EXPECT_FALSE(s.admit(t0 + 102'000'000, sup));
    // Idle for a long time: back to a full burst, not more.
    for (int i = 0; i < 3; ++i) {
        ASSERT_TRUE(s.admit(t0 + 100'000'000'000ull, sup));
    }
    EXPECT_FALSE(s.admit(t0 + 100'000'000'000ull, sup));
    // Rate 0: unlimited.
    lg::set_rate(0, 1);
    for (int i = 0; i < 1000; ++i) {
        ASSERT_TRUE(s.admit(t0 + 100'000'000'000ull, sup));
    }
    lg::set_rate(10, 20);
}

TEST(Log, FloodIsSuppressedAndCounted) {
    ASSERT_TRUE(lg::set_level(lg::level::info));
    lg::set_rate(1, 2); // 1 per second after a burst of 2: the loop below takes far less than 1 s
    std::string out;
    {
        captured cap;
        for (int i = 0; i < 500; ++i) {
            MG_LOG_WARN(send, "RtSolPr from %s refused: %s", "2001:db8::1", "bad_signature");
        }
        MG_LOG_DEBUG(send, "not shown at info level %d", 1);
        out = cap.text();
    }
    lg::set_rate(10, 20);
    std::size_t lines = 0;
    for (char c : out) {
        lines += c == '\n';
    }
    EXPECT_LE(lines, 3u) << out;
    EXPECT_GE(lines, 2u) << out;
    EXPECT_NE(out.find("mipgate.send: RtSolPr from 2001:db8::1 refused: bad_signature"), std::string::npos) << out;
    EXPECT_EQ(out.find("not shown"), std::string::npos);
}

TEST(Log, SuppressedCountIsReportedOnTheNextLine) {
    ASSERT_TRUE(lg::set_level(lg::level::info));
    lg::set_rate(1000, 1); // one token per millisecond
    std::string out;
    {
        captured cap;
        for (int round = 0; round < 2; ++round) {
            for (int i = 0; i < 20; ++i) {
                MG_LOG_INFO(keys, "key created for %s", "2001:db8::2");
            }
            // Wait for a token (2 ms).
            const auto t = lg::now_ns();
            while (lg::now_ns() - t < 2'000'000) {
            }
        }
        out = cap.text();
    }
    lg::set_rate(10, 20);
    EXPECT_NE(out.find("similar suppressed)"), std::string::npos) << out;
}

TEST(Log, WriteIsNotLimitedAndLongMessagesAreCut) {
    ASSERT_TRUE(lg::set_level(lg::level::info));
    std::string out;
    {
        captured cap;
        lg::write(lg::type::app, lg::level::notice, "%s", std::string(3000, 'x').c_str());
        for (int i = 0; i < 30; ++i) {
            lg::write(lg::type::app, lg::level::info, "reload %d", i);
        }
        out = cap.text();
    }
    EXPECT_NE(out.find("[cut]"), std::string::npos);
    EXPECT_NE(out.find("reload 29"), std::string::npos);
}

} // namespace
