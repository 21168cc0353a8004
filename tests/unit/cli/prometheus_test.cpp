// Prometheus text format: produced text parsed back with the format's own rules (HELP/TYPE
// before samples, metric-name syntax, label quoting, one sample per line, integer values).

#include "mipgate/cli/app_hooks.hpp"
#include "mipgate/cli/prometheus.hpp"

#include <gtest/gtest.h>

#include <map>
#include <regex>
#include <sstream>

using namespace mipgate::cli;

namespace {

struct parsed_sample {
    std::string name;
    std::map<std::string, std::string> labels;
    std::string value;
};
struct parsed {
    std::map<std::string, std::string> help, type;
    std::vector<parsed_sample> samples;
    std::string error;
};

// An independent reader of the exposition format (not the formatter's code).
parsed parse(const std::string& text) {
    parsed p;
    std::istringstream in(text);
    std::string line;
    const std::regex name_re("[a-zA-Z_:][a-zA-Z0-9_:]*");
    const std::regex sample_re(R"(^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? ([0-9]+)$)");
    const std::regex label_re(R"re(([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"(,|$))re");
    while (std::getline(in, line)) {
        std::smatch m;
        if (line.starts_with("# HELP ") || line.starts_with("# TYPE ")) {
            const auto rest = line.substr(7);
            const auto sp = rest.find(' ');
            const auto name = rest.substr(0, sp);
            if (!std::regex_match(name, name_re) || sp == std::string::npos) {
                p.error = "bad comment line: " + line;
                return p;
            }
            (line[2] == 'H' ? p.help : p.type)[name] = rest.substr(sp + 1);
        } else if (std::regex_match(line, m, sample_re)) {
            parsed_sample s{m[1], {}, m[4]};
            if (!p.type.contains(s.name)) {
                p.error = "sample before its TYPE: " + line;
                return p;
            }
            std::string labels = m[3];
            for (std::sregex_iterator it(labels.begin(), labels.end(), label_re), end; it != end;
                 ++it) {
                s.labels[(*it)[1]] = (*it)[2];
            }
            p.samples.push_back(std::move(s));
        } else {
            p.error = "bad line: " + line;
            return p;
        }
    }
    return p;
}

} // namespace

TEST(Prometheus, CountersWithLcoreLabels) {
    counter_set s;
    s.columns = {"1", "2"};
    s.rows.push_back(counter_row{"rx", "info", "packets received by workers", {10, 20}});
    s.rows.push_back(counter_row{"no_route", "drop", "no route to the destination", {0, 3}});
    std::vector<metric_family> fams;
    counter_metrics(s, "", "lcore", fams);
    fams.push_back(metric_family{"mipgate_handover_keys",
                                 "handover keys stored",
                                 metric_type::gauge,
                                 {metric_sample{{}, 7}}});
    const auto text = format_prometheus(fams);
    const auto p = parse(text);
    ASSERT_TRUE(p.error.empty()) << p.error << "\n" << text;
    EXPECT_EQ(p.type.at("mipgate_rx_total"), "counter");
    EXPECT_EQ(p.help.at("mipgate_rx_total"), "packets received by workers");
    EXPECT_EQ(p.type.at("mipgate_handover_keys"), "gauge");
    ASSERT_EQ(p.samples.size(), 5u);
    EXPECT_EQ(p.samples[0].name, "mipgate_rx_total");
    EXPECT_EQ(p.samples[0].labels.at("lcore"), "1");
    EXPECT_EQ(p.samples[0].value, "10");
    EXPECT_EQ(p.samples[3].name, "mipgate_no_route_total");
    EXPECT_EQ(p.samples[3].labels.at("lcore"), "2");
    EXPECT_EQ(p.samples[3].value, "3");
    EXPECT_EQ(p.samples[4].value, "7");
    EXPECT_TRUE(p.samples[4].labels.empty());
}

TEST(Prometheus, EscapesLabelValuesAndHelp) {
    std::vector<metric_family> fams{{"mipgate_port_rx_packets_total",
                                     "line1\nline2 back\\slash",
                                     metric_type::counter,
                                     {metric_sample{{{"port", "we\"ird\\\nname"}}, 1}}}};
    const auto text = format_prometheus(fams);
    EXPECT_NE(text.find("# HELP mipgate_port_rx_packets_total line1\\nline2 back\\\\slash\n"),
              std::string::npos);
    EXPECT_NE(text.find("{port=\"we\\\"ird\\\\\\nname\"} 1\n"), std::string::npos) << text;
    const auto p = parse(text);
    ASSERT_TRUE(p.error.empty()) << p.error;
    EXPECT_EQ(p.samples.at(0).labels.at("port"), "we\\\"ird\\\\\\nname");
}

TEST(Prometheus, NamesAreSanitized) {
    EXPECT_TRUE(valid_metric_name("mipgate_rx_total"));
    EXPECT_FALSE(valid_metric_name("9abc"));
    EXPECT_FALSE(valid_metric_name("a-b"));
    EXPECT_FALSE(valid_metric_name(""));
    EXPECT_EQ(sanitize_metric_name("mipgate_set-log.level"), "mipgate_set_log_level");
    EXPECT_EQ(sanitize_metric_name("1x"), "_x");
    const auto text = format_prometheus({{"a-b", "h", metric_type::gauge, {metric_sample{{}, 2}}}});
    EXPECT_EQ(text, "# HELP a_b h\n# TYPE a_b gauge\na_b 2\n");
}

TEST(Prometheus, HugeCounterValuesStayExact) {
    const auto text = format_prometheus(
        {{"c_total", "h", metric_type::counter, {metric_sample{{}, 18446744073709551615ULL}}}});
    EXPECT_NE(text.find("c_total 18446744073709551615\n"), std::string::npos);
}
