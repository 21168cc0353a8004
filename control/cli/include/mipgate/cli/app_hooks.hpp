#pragma once
// Handlers for the declared commands, built over plain data callbacks so that they are testable
// without DPDK. The app fills an app_hooks with what it owns and calls bind_app_hooks once;
// every hook left empty keeps its command answering "not implemented yet".
// dpdk_hooks.hpp builds these callbacks from lib/fastpath and control/ objects.

#include "mipgate/cli/command_table.hpp"
#include "mipgate/cli/prometheus.hpp"
#include "mipgate/common/ipv6_addr.hpp"

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace mipgate::cli {

/// A set of counters: one row per counter, one value per column (lcore), same order everywhere.
struct counter_row {
    std::string name;
    std::string kind; ///< "drop" or "info"
    std::string description;
    std::vector<std::uint64_t> values; ///< one per column
};
struct counter_set {
    std::vector<std::string> columns; ///< lcore ids ("1", "2") or one column ("total")
    std::vector<counter_row> rows;
};
using counters_fn = std::function<counter_set()>;

/// A handover key as the operator sees it (never its bytes).
struct key_row {
    std::string cga;
    unsigned at = 0;
    std::uint32_t remaining_s = 0;
    std::uint64_t uses = 0;
    std::string kcv;
};

/// The key service, as the CLI reaches it. Called on the control lcore only.
class keys_source {
public:
    virtual ~keys_source() = default;
    virtual std::vector<key_row> list(std::size_t max) const = 0;
    virtual std::optional<key_row> find(const ipv6_addr& cga) const = 0;
    virtual bool erase(const ipv6_addr& cga) = 0;
    virtual std::uint32_t size() const = 0;
    virtual std::uint32_t capacity() const = 0;
};

/// One FMIPv6 PAR binding (the PCoA → NCoA tunnel), as `show bindings` / `show tunnels` list it.
struct binding_row {
    std::string pcoa;
    std::string ncoa;
    std::string tunnel_src;
    std::uint64_t remaining_s = 0;
    unsigned seq = 0;
    std::uint64_t encapsulated = 0; ///< packets tunnelled to the NCoA
    std::uint64_t reverse = 0;      ///< reverse-tunnelled packets accepted from the NCoA
};

/// rte_eth_stats of one port, with its configured name.
struct port_row {
    std::string name;
    std::string kind; ///< ring, vdev, pci
    unsigned port_id = 0;
    std::uint64_t rx_packets = 0, tx_packets = 0, rx_bytes = 0, tx_bytes = 0;
    std::uint64_t rx_missed = 0, rx_errors = 0, tx_errors = 0, rx_nombuf = 0;
};

/// A neighbor entry.
struct neighbor_row {
    std::string port;
    std::string address;
    std::string mac;
    std::string state; ///< "static" for configured ones
};

struct app_hooks {
    counters_fn worker_counters;                  ///< show/clear counters, metrics (per lcore)
    counters_fn service_counters;                 ///< show send, metrics (one column)
    std::shared_ptr<keys_source> keys;            ///< show keys/key, clear key, key gauges
    counters_fn fmip_counters;                    ///< show fmip, metrics (one column)
    std::function<std::vector<binding_row>()> bindings; ///< show bindings/tunnels, binding gauge
    std::function<std::vector<port_row>()> ports; ///< show ports, port metrics
    std::function<std::vector<neighbor_row>()> neighbors;
    std::function<std::string()> config_source; ///< file name or "<embedded>"
    std::function<std::string()> config_yaml;   ///< the running YAML (no secrets in the schema)
    /// (level, logtype); logtype "" = every mipgate logtype.
    std::function<result<void>(const std::string&, const std::string&)> set_log_level;
    /// Options changed in the file but waiting for a restart (`show config`), may be empty.
    std::function<std::vector<std::string>()> pending_restart;
    std::function<result<value>()> reload;
    /// More metric families for `metrics` (each capability adds its own).
    std::vector<std::function<void(std::vector<metric_family>&)>> metrics;
};

/// Binds every command whose hook is set. Handlers keep copies of the hooks (and the counters'
/// clear baselines). Control thread, before serving; allocates.
void bind_app_hooks(command_table& t, app_hooks hooks);

/// `show counters` output: rows (all, or only non-zero), summed or per column. Any thread.
value counters_value(const counter_set& s, bool all, bool per_column);
/// Metric families for a counter set: mipgate_<prefix><name>_total, with label `label`=column
/// when there is more than one column or `label` is not empty. Any thread; allocates.
void counter_metrics(const counter_set& s, const std::string& prefix, const std::string& label,
                     std::vector<metric_family>& out);
/// `s` minus `base` (matched by row name and column; missing base = 0, never below 0). Any thread.
counter_set subtract(const counter_set& s, const counter_set& base);

} // namespace mipgate::cli
