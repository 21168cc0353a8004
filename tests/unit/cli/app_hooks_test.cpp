// Handlers over plain callbacks (what the app wires): counters (summed/per lcore, zero rows,
// clear baseline), keys (show/clear, bad CGA, unknown CGA, no secret fields), ports, config,
// log level, metrics.

#include "mipgate/cli/app_hooks.hpp"

#include <gtest/gtest.h>

#include <cerrno>
#include <map>

using namespace mipgate;
using namespace mipgate::cli;

namespace {

std::vector<std::string> w(std::string_view line) {
    return tokenize(line).value();
}

struct fake_keys final : keys_source {
    std::map<std::string, key_row> keys;
    std::vector<key_row> list(std::size_t max) const override {
        std::vector<key_row> out;
        for (const auto& [k, v] : keys) {
            if (out.size() < max) {
                out.push_back(v);
            }
        }
        return out;
    }
    std::optional<key_row> find(const ipv6_addr& cga) const override {
        auto it = keys.find(cga.to_string());
        if (it == keys.end()) {
            return std::nullopt;
        }
        return it->second;
    }
    bool erase(const ipv6_addr& cga) override { return keys.erase(cga.to_string()) == 1; }
    std::uint32_t size() const override { return static_cast<std::uint32_t>(keys.size()); }
    std::uint32_t capacity() const override { return 64; }
};

struct fixture : ::testing::Test {
    counter_set workers;
    std::shared_ptr<fake_keys> keys = std::make_shared<fake_keys>();
    std::string level;
    std::string logtype;
    command_table t = standard_table();

    void SetUp() override {
        workers.columns = {"1", "2"};
        workers.rows = {{"rx", "info", "packets received by workers", {5, 7}},
                        {"no_route", "drop", "no route to the destination", {0, 0}},
                        {"tx_full", "drop", "egress TX queue full", {1, 0}}};
        keys->keys["2001:db8::1"] = key_row{"2001:db8::1", 1, 300, 4, "0011223344556677"};
        app_hooks h;
        h.worker_counters = [this] { return workers; };
        h.service_counters = [] {
            counter_set s;
            s.columns = {"total"};
            s.rows = {{"rtsolpr_received", "info", "RtSolPr handed to the service", {3}}};
            return s;
        };
        h.keys = keys;
        h.ports = [] {
            return std::vector<port_row>{port_row{"p0", "ring", 0, 10, 9, 1000, 900, 0, 0, 0, 0}};
        };
        h.config_source = [] { return std::string("/etc/m.yaml"); };
        h.config_yaml = [] { return std::string("system:\n  lcores: 0-1\n"); };
        h.set_log_level = [this](const std::string& l, const std::string& type) -> result<void> {
            level = l;
            logtype = type;
            return {};
        };
        bind_app_hooks(t, std::move(h));
    }
};

} // namespace

TEST_F(fixture, ShowCountersHidesZeroRowsAndSums) {
    auto r = t.execute(w("show counters"));
    ASSERT_TRUE(r.ok()) << r.err().message;
    const auto& rows = r->find("counters")->as_array();
    ASSERT_EQ(rows.size(), 2u);
    EXPECT_EQ(*rows[0].find("name"), value("rx"));
    EXPECT_EQ(*rows[0].find("total"), value(12));
    EXPECT_EQ(*rows[0].find("description"), value("packets received by workers"));
    EXPECT_EQ(rows[0].find("lcore_1"), nullptr);
    r = t.execute(w("show counters all per-lcore"));
    const auto& all = r->find("counters")->as_array();
    ASSERT_EQ(all.size(), 3u);
    EXPECT_EQ(*all[0].find("lcore_1"), value(5));
    EXPECT_EQ(*all[0].find("lcore_2"), value(7));
    EXPECT_EQ(*all[1].find("total"), value(0));
}

TEST_F(fixture, ClearCountersKeepsABaseline) {
    ASSERT_TRUE(t.execute(w("clear counters")).ok());
    auto r = t.execute(w("show counters"));
    EXPECT_TRUE(r->find("counters")->as_array().empty());
    workers.rows[0].values = {6, 7};
    r = t.execute(w("show counters per-lcore"));
    const auto& rows = r->find("counters")->as_array();
    ASSERT_EQ(rows.size(), 1u);
    EXPECT_EQ(*rows[0].find("lcore_1"), value(1));
    EXPECT_EQ(*rows[0].find("total"), value(1));
    // Metrics stay monotonic: the raw values.
    const auto m = t.execute(w("metrics"));
    EXPECT_NE(m->as_string().find("mipgate_rx_total{lcore=\"1\"} 6\n"), std::string::npos);
    // show send is cleared too.
    EXPECT_TRUE(t.execute(w("show send"))->find("counters")->as_array().empty());
    EXPECT_EQ(t.execute(w("show send all"))->find("counters")->as_array().size(), 1u);
}

TEST_F(fixture, ShowKeysAndKey) {
    auto r = t.execute(w("show keys"));
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(*r->find("count"), value(1));
    EXPECT_EQ(*r->find("capacity"), value(64));
    const auto& k = r->find("keys")->as_array().at(0);
    std::vector<std::string> fields;
    for (const auto& [name, v] : k.as_object()) {
        fields.push_back(name);
    }
    EXPECT_EQ(fields, (std::vector<std::string>{"cga", "at", "remaining_s", "uses", "kcv"}))
        << "no key bytes";
    r = t.execute(w("show key 2001:DB8:0::1"));
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(*r->find("kcv"), value("0011223344556677"));
    r = t.execute(w("show key 2001:db8::2"));
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.err().code, ENOENT);
    r = t.execute(w("show key not-an-address"));
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.err().code, EINVAL);
    EXPECT_NE(r.err().message.find("usage: show key <cga>"), std::string::npos);
}

TEST_F(fixture, ClearKey) {
    ASSERT_TRUE(t.execute(w("clear key 2001:db8::1")).ok());
    EXPECT_TRUE(keys->keys.empty());
    const auto r = t.execute(w("clear key 2001:db8::1"));
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.err().code, ENOENT);
}

TEST_F(fixture, PortsConfigLogLevel) {
    auto r = t.execute(w("show ports"));
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(*r->find("ports")->as_array().at(0).find("rx_packets"), value(10));
    r = t.execute(w("show config"));
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(*r->find("source"), value("/etc/m.yaml"));
    r = t.execute(w("set log-level debug"));
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(level, "debug");
    EXPECT_EQ(logtype, "");
    EXPECT_EQ(*r->find("logtype"), value("all"));
    r = t.execute(w("set log-level info send"));
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(level, "info");
    EXPECT_EQ(logtype, "send");
    // Unbound hooks keep their message.
    EXPECT_EQ(t.execute(w("show neighbors")).err().code, ENOSYS);
    EXPECT_EQ(t.execute(w("reload")).err().message, "reload: not available in this process");
}

TEST_F(fixture, MetricsHasEveryFamily) {
    const auto r = t.execute(w("metrics"));
    ASSERT_TRUE(r.ok());
    const auto& text = r->as_string();
    for (const char* s :
         {"# TYPE mipgate_rx_total counter\n",
          "# HELP mipgate_rx_total packets received by workers\n",
          "mipgate_rx_total{lcore=\"2\"} 7\n", "mipgate_no_route_total{lcore=\"1\"} 0\n",
          "mipgate_service_rtsolpr_received_total 3\n", "# TYPE mipgate_handover_keys gauge\n",
          "mipgate_handover_keys 1\n", "mipgate_handover_keys_capacity 64\n",
          "mipgate_port_rx_packets_total{port=\"p0\"} 10\n"}) {
        EXPECT_NE(text.find(s), std::string::npos) << s;
    }
}

// FMIPv6 (helper SVC): show fmip with the clear baseline, show bindings = show tunnels, metrics.
TEST(FmipHooks, ShowFmipBindingsTunnelsAndMetrics) {
    command_table t = standard_table();
    EXPECT_EQ(t.execute(w("show fmip")).err().message, "show fmip: FMIPv6 needs a router: section");
    counter_set fmip{{"total"},
                     {{"hi_sent", "info", "Handover Initiate sent", {3}},
                      {"fbu_stale_seq", "drop", "stale FBU", {0}}}};
    app_hooks h;
    h.fmip_counters = [&fmip] { return fmip; };
    h.bindings = [] {
        return std::vector<binding_row>{
            {"2001:db8:1::10", "2001:db8:2::10", "2001:db8:1::1", 12, 7, 100, 5}};
    };
    bind_app_hooks(t, std::move(h));
    auto r = t.execute(w("show fmip"));
    ASSERT_TRUE(r.ok());
    ASSERT_EQ(r->find("counters")->as_array().size(), 1u); // zero rows hidden
    EXPECT_EQ(t.execute(w("show fmip all"))->find("counters")->as_array().size(), 2u);
    ASSERT_TRUE(t.execute(w("clear counters")).ok());
    EXPECT_TRUE(t.execute(w("show fmip"))->find("counters")->as_array().empty());
    for (const char* cmd : {"show bindings", "show tunnels"}) {
        r = t.execute(w(cmd));
        ASSERT_TRUE(r.ok()) << cmd;
        EXPECT_EQ(r->find("count")->as_u64(), 1u);
        const auto& row = r->find("bindings")->as_array().at(0);
        EXPECT_EQ(row.find("pcoa")->as_string(), "2001:db8:1::10");
        EXPECT_EQ(row.find("ncoa")->as_string(), "2001:db8:2::10");
        EXPECT_EQ(row.find("tunnel_src")->as_string(), "2001:db8:1::1");
        EXPECT_EQ(row.find("remaining_s")->as_u64(), 12u);
        EXPECT_EQ(row.find("seq")->as_u64(), 7u);
        EXPECT_EQ(row.find("encapsulated")->as_u64(), 100u);
        EXPECT_EQ(row.find("reverse")->as_u64(), 5u);
    }
    const auto m = t.execute(w("metrics"));
    ASSERT_TRUE(m.ok());
    const auto& text = m->as_string();
    for (const char* s : {"# TYPE mipgate_fmip_hi_sent_total counter\n", "mipgate_fmip_hi_sent_total 3\n",
                          "mipgate_fmip_fbu_stale_seq_total 0\n", "# TYPE mipgate_fmip_bindings gauge\n",
                          "mipgate_fmip_bindings 1\n"}) {
        EXPECT_NE(text.find(s), std::string::npos) << s;
    }
}

TEST(Subtract, MatchesByNameAndColumnNeverNegative) {
    counter_set cur{{"1", "2"}, {{"a", "info", "", {10, 10}}, {"b", "info", "", {1, 1}}}};
    counter_set base{{"2", "1"}, {{"a", "info", "", {4, 3}}, {"b", "info", "", {5, 5}}}};
    const auto d = subtract(cur, base);
    EXPECT_EQ(d.rows[0].values, (std::vector<std::uint64_t>{7, 6}));
    EXPECT_EQ(d.rows[1].values, (std::vector<std::uint64_t>{0, 0}));
}
