#pragma once
// Prometheus text exposition format 0.0.4 (what `mipgatectl metrics` prints and what a scraper
// reads): "# HELP", "# TYPE", then one `name{label="value"} number` line per sample.

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mipgate::cli {

enum class metric_type : std::uint8_t { counter, gauge };

struct metric_sample {
    std::vector<std::pair<std::string, std::string>> labels;
    std::uint64_t value = 0;
};

struct metric_family {
    std::string name; ///< full name: counters end in _total ("mipgate_no_route_total")
    std::string help;
    metric_type type = metric_type::counter;
    std::vector<metric_sample> samples;
};

/// True for [a-zA-Z_:][a-zA-Z0-9_:]*. Any thread.
bool valid_metric_name(std::string_view name) noexcept;
/// Replaces characters a metric name cannot hold with '_'. Any thread; allocates.
std::string sanitize_metric_name(std::string_view name);
/// The exposition text of `families` (invalid names sanitized; families without samples are
/// still described). Label values escape \ " and newline; HELP escapes \ and newline.
/// Any thread; allocates.
std::string format_prometheus(const std::vector<metric_family>& families);

} // namespace mipgate::cli
