// Reason table sanity, and (when the whole suite runs) a check that every reason a receiver or
// generator can report was produced by some test.

#include "send_test_util.hpp"

#include <set>
#include <string>

namespace send_test {
namespace {

TEST(Reasons, NamesAndDescriptions) {
    std::set<std::string> names;
    for (std::size_t i = 0; i < send_reason_count; ++i) {
        auto r = static_cast<send_reason>(i);
        ASSERT_NE(to_string(r), nullptr);
        EXPECT_GT(std::string(describe(r)).size(), 3u);
        EXPECT_TRUE(names.insert(to_string(r)).second) << to_string(r);
    }
    EXPECT_STREQ(to_string(send_reason::ok), "ok");
    EXPECT_STREQ(to_string(send_reason::cga_hash1_mismatch), "cga_hash1_mismatch");
    EXPECT_STREQ(to_string(static_cast<send_reason>(250)), "unknown");
}

// Reasons no test can provoke without fault injection.
const std::set<send_reason> untestable = {send_reason::internal_error, send_reason::buffer_too_small};

class CoverageCheck : public ::testing::Environment {
public:
    void TearDown() override {
        if (::testing::GTEST_FLAG(filter) != "*") {
            return;  // a filtered run cannot cover everything
        }
        for (std::size_t i = 0; i < send_reason_count; ++i) {
            auto r = static_cast<send_reason>(i);
            if (!untestable.count(r) && !seen_reasons().count(r)) {
                ADD_FAILURE() << "no test produced send_reason::" << to_string(r);
            }
        }
    }
};

[[maybe_unused]] auto* const coverage = ::testing::AddGlobalTestEnvironment(new CoverageCheck);

} // namespace
} // namespace send_test
