#pragma once
// Builds app_hooks from what the mipgate binary owns (lib/fastpath workers and ports, the SEND
// service, the running config). Control thread at start; the hooks run on the control lcore
// inside cli_server::poll().

#include "mipgate/cli/app_hooks.hpp"
#include "mipgate/config/config.hpp"
#include "mipgate/fastpath/counters.hpp"

#include <string>
#include <utility>
#include <vector>

namespace mipgate::fastpath {
class port_set;
}
namespace mipgate::control {
class send_service;
class fmip_service;
}

namespace mipgate::cli {

/// One worker's counters and the lcore it runs on.
struct worker_counters_ref {
    unsigned lcore = 0;
    const fastpath::counter_block* block = nullptr;
};

struct dpdk_hook_inputs {
    std::vector<worker_counters_ref> workers;  ///< blocks must outlive the server
    const fastpath::port_set* ports = nullptr; ///< show ports, port metrics
    control::send_service* send = nullptr;     ///< show keys/key/send, clear key (may be null)
    control::fmip_service* fmip = nullptr;     ///< show fmip/bindings/tunnels (may be null)
    const config::config* cfg = nullptr;       ///< show config source, show neighbors
    std::string config_yaml;                   ///< the running YAML text (file or embedded)
};

/// Hooks over the inputs: worker counters (per lcore, descriptions from counters.def), ports
/// (rte_eth_stats_get), keys and SEND counters (key_service, service_counters), static
/// neighbors, config text, and set log-level (lib/log: the mipgate.* rte_log logtypes).
/// Control thread; allocates.
app_hooks make_dpdk_hooks(dpdk_hook_inputs in);

/// The worker counters as a counter_set (one column per lcore). Control thread; no DPDK calls.
counter_set worker_counter_set(const std::vector<worker_counters_ref>& workers);

} // namespace mipgate::cli
