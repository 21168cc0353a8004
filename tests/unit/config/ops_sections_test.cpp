// The `control:` and `logging:` sections (issue 6): defaults, accepted values, and each refusal
// with its exact file:line:col diagnostic.
#include "mipgate/config/load.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace {

using mipgate::config::load_string;

std::vector<std::string> rendered(const mipgate::config::load_result& r) {
    std::vector<std::string> out;
    for (const auto& d : r.errors) {
        out.push_back(d.str());
    }
    return out;
}

TEST(ops_sections, defaults) {
    auto r = load_string("ports:\n  - name: a\n", "d.yaml");
    ASSERT_TRUE(r.cfg) << (r.errors.empty() ? "" : r.errors[0].str());
    EXPECT_FALSE(r.cfg->control.socket.has_value());
    EXPECT_EQ(r.cfg->control.metrics_listen, "");
    EXPECT_EQ(r.cfg->logging.level, "info");
    EXPECT_TRUE(r.cfg->logging.types.empty());
    EXPECT_EQ(r.cfg->logging.rate_per_s, 10u);
    EXPECT_EQ(r.cfg->logging.burst, 20u);
}

TEST(ops_sections, accepted_values) {
    auto r = load_string(R"(ports:
  - name: a
control:
  socket: /run/mipgate/mipgate.sock
  metrics_listen: "127.0.0.1:9464"
logging:
  level: warning
  types:
    send: debug
    keys: info
  rate_per_s: 0
  burst: 5
)",
                         "ok.yaml");
    ASSERT_TRUE(r.cfg) << (r.errors.empty() ? "" : r.errors[0].str());
    EXPECT_EQ(r.cfg->control.socket, "/run/mipgate/mipgate.sock");
    EXPECT_EQ(r.cfg->control.metrics_listen, "127.0.0.1:9464");
    EXPECT_EQ(r.cfg->logging.level, "warning");
    using P = std::pair<std::string, std::string>;
    EXPECT_EQ(r.cfg->logging.types, (std::vector<P>{{"send", "debug"}, {"keys", "info"}}));
    EXPECT_EQ(r.cfg->logging.rate_per_s, 0u);
    EXPECT_EQ(r.cfg->logging.burst, 5u);

    auto off = load_string("ports:\n  - name: a\ncontrol:\n  socket: \"\"\n  metrics_listen: \"[::1]:1\"\n", "o.yaml");
    ASSERT_TRUE(off.cfg);
    EXPECT_EQ(off.cfg->control.socket, "");
    EXPECT_EQ(off.cfg->control.metrics_listen, "[::1]:1");
}

struct bad_case {
    const char* name;
    const char* yaml;
    std::vector<std::string> expected;
};

const bad_case cases[] = {
    {"relative_socket", "ports:\n  - name: a\ncontrol:\n  socket: run/x.sock\n",
     {R"(bad.yaml:4:11: control.socket: must be an absolute path of at most 107 bytes, or "" (no socket): "run/x.sock")"}},
    {"socket_not_string", "ports:\n  - name: a\ncontrol:\n  socket: [a]\n",
     {R"(bad.yaml:4:11: control.socket: expected a string, got a list)"}},
    {"listen_no_port", "ports:\n  - name: a\ncontrol:\n  metrics_listen: \"127.0.0.1\"\n",
     {R"(bad.yaml:4:19: control.metrics_listen: not a numeric ADDR:PORT like "127.0.0.1:9464" or "[::1]:9464": "127.0.0.1")"}},
    {"listen_name", "ports:\n  - name: a\ncontrol:\n  metrics_listen: \"localhost:9464\"\n",
     {R"(bad.yaml:4:19: control.metrics_listen: not a numeric ADDR:PORT like "127.0.0.1:9464" or "[::1]:9464": "localhost:9464")"}},
    {"listen_port_range", "ports:\n  - name: a\ncontrol:\n  metrics_listen: \"127.0.0.1:65536\"\n",
     {R"(bad.yaml:4:19: control.metrics_listen: not a numeric ADDR:PORT like "127.0.0.1:9464" or "[::1]:9464": "127.0.0.1:65536")"}},
    {"control_unknown_key", "ports:\n  - name: a\ncontrol:\n  sockets: /x\n",
     {R"(bad.yaml:4:3: control.sockets: unknown key; did you mean "socket"?)"}},
    {"bad_level", "ports:\n  - name: a\nlogging:\n  level: verbose\n",
     {R"(bad.yaml:4:10: logging.level: unknown log level "verbose" (emergency, alert, critical, error, warning, notice, info, debug))"}},
    {"bad_type_level", "ports:\n  - name: a\nlogging:\n  types:\n    send: loud\n",
     {R"(bad.yaml:5:11: logging.types.send: unknown log level "loud" (emergency, alert, critical, error, warning, notice, info, debug))"}},
    {"unknown_logtype", "ports:\n  - name: a\nlogging:\n  types:\n    sned: debug\n",
     {R"(bad.yaml:5:5: logging.types.sned: unknown key; did you mean "send"?)"}},
    {"burst_zero", "ports:\n  - name: a\nlogging:\n  burst: 0\n",
     {R"(bad.yaml:4:10: logging.burst: 0 is out of range 1..1000000)"}},
    {"two_errors", "ports:\n  - name: a\nlogging:\n  level: x\ncontrol:\n  socket: y\n",
     {R"(bad.yaml:4:10: logging.level: unknown log level "x" (emergency, alert, critical, error, warning, notice, info, debug))",
      R"(bad.yaml:6:11: control.socket: must be an absolute path of at most 107 bytes, or "" (no socket): "y")"}},
};

class ops_bad_config : public testing::TestWithParam<bad_case> {};

TEST_P(ops_bad_config, reports_exactly) {
    const bad_case& c = GetParam();
    auto r = load_string(c.yaml, "bad.yaml");
    EXPECT_FALSE(r.cfg.has_value());
    EXPECT_EQ(rendered(r), c.expected);
}

INSTANTIATE_TEST_SUITE_P(table, ops_bad_config, testing::ValuesIn(cases),
                         [](const testing::TestParamInfo<bad_case>& i) { return std::string(i.param.name); });

} // namespace
