#pragma once
// Replacing the workers' forwarding tables at run time (reload, router key rotation): build a new
// fastpath::forwarding_tables from a configuration and the router's CGAs, let services re-install
// their dynamic entries into it (on_tables_replaced), publish it to every worker, wait for an
// RCU QSBR grace period on the workers' QSBR variable, then free the old one (house style 7:
// validate → build → publish → retire; never a partial update).

#include "mipgate/common/ipv6_addr.hpp"
#include "mipgate/common/result.hpp"
#include "mipgate/config/config.hpp"
#include "mipgate/fastpath/forwarding_tables.hpp"
#include "mipgate/fastpath/worker_ctx.hpp"

#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

struct rte_rcu_qsbr;

namespace mipgate::app {

/// The live forwarding tables and what swapping them needs. Owned by the app's runtime; used on
/// the control lcore only.
struct forwarding_state {
    /// The owner of the tables the workers use now (the app's runtime::tables).
    std::unique_ptr<fastpath::forwarding_tables>* live = nullptr;
    std::vector<fastpath::worker_ctx*> workers;           ///< every worker's context
    std::vector<fastpath::port_binding> ports;            ///< running ports, config order
    int socket_id = 0;
    rte_rcu_qsbr* qsbr = nullptr;   ///< the workers' QSBR variable (workers report once per pass)
    /// The QSBR thread id the caller reports for (single-lcore mode: 0, the main lcore runs
    /// worker 0), or -1 when the caller is not a reader.
    int caller_qsbr_id = -1;
    unsigned generation = 0;        ///< DPDK object names: "mg" at start, "mg_g<N>" after
    std::uint64_t swaps = 0;        ///< completed swaps
    /// Attach `qsbr` to each new neighbor table (as the app does at start when a service erases
    /// neighbor entries at run time).
    bool neighbors_qsbr = false;
    /// Called with the fresh tables before they are published, so that dynamic entries installed
    /// at run time (FMIP NAR neighbours, …) are carried over. Control lcore.
    std::vector<std::function<void(fastpath::forwarding_tables&)>> on_replaced;
};

/// Registers a callback run on every swap with the fresh tables, before the workers see them.
/// Control thread; allocates.
void on_tables_replaced(forwarding_state& st, std::function<void(fastpath::forwarding_tables&)> cb);

/// The DPDK name prefix of generation `g` ("mg" for 0). Any thread; allocates.
std::string tables_name(unsigned g);

/// Builds tables from `new_cfg` (routes, neighbors, port addresses; the ports themselves must be
/// the running ones, same order) with `router_addresses` as receive entries, runs the
/// on_replaced callbacks, publishes the new tables to every worker (release store of
/// worker_ctx::tables), waits with rte_rcu_qsbr_synchronize until every worker passed a quiescent
/// state, and frees the old tables. On error nothing changed and the old tables stay live.
/// Control lcore only; allocates (a new FIB: tens of MiB of DPDK memory while both exist);
/// blocks for one worker pass.
result<void> swap_forwarding_tables(forwarding_state& st, const config::config& new_cfg,
                                    std::span<const ipv6_addr> router_addresses);

} // namespace mipgate::app
