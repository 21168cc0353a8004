#include "tables_swap.hpp"

#include <rte_rcu_qsbr.h>

#include <cerrno>

namespace mipgate::app {

void on_tables_replaced(forwarding_state& st, std::function<void(fastpath::forwarding_tables&)> cb) {
    st.on_replaced.push_back(std::move(cb));
}

std::string tables_name(unsigned g) { return g == 0 ? std::string("mg") : "mg_g" + std::to_string(g); }

result<void> swap_forwarding_tables(forwarding_state& st, const config::config& new_cfg,
                                    std::span<const ipv6_addr> router_addresses) {
    if (st.qsbr == nullptr || st.live == nullptr || !*st.live) {
        return make_error(EINVAL, "forwarding tables: no live tables or no QSBR variable to retire them with");
    }
    if (new_cfg.ports.size() != st.ports.size()) {
        return make_error(EINVAL, "forwarding tables: the port list changed (ports need a restart)");
    }
    for (std::size_t i = 0; i < st.ports.size(); ++i) {
        if (new_cfg.ports[i].name != st.ports[i].name) {
            return make_error(EINVAL, "forwarding tables: port " + std::to_string(i) + " is '" +
                                          new_cfg.ports[i].name + "', running '" + st.ports[i].name +
                                          "' (ports need a restart)");
        }
    }
    // Names must be unique while the old tables exist: one generation per attempted build.
    const unsigned gen = st.generation + 1;
    auto built = fastpath::forwarding_tables::build(new_cfg, st.ports, tables_name(gen), st.socket_id,
                                                    router_addresses);
    if (!built) {
        return built.err();
    }
    st.generation = gen;
    std::unique_ptr<fastpath::forwarding_tables> fresh = std::move(built.value());
    if (st.neighbors_qsbr) {
        if (auto q = fresh->neighbors().attach_qsbr(st.qsbr); !q) {
            return q.err();
        }
    }
    for (const auto& cb : st.on_replaced) {
        cb(*fresh);
    }

    // Publish: a release store; each worker loads it once per burst (acquire, process_burst) and
    // uses that snapshot for the whole burst.
    const fastpath::forwarding_tables* p = fresh.get();
    for (fastpath::worker_ctx* w : st.workers) {
        w->tables_pub.store(p, std::memory_order_release);
    }
    // Grace period: every worker reports a quiescent state after each poll_once, between bursts,
    // so once all have reported none can still hold the old pointer.
    rte_rcu_qsbr_synchronize(st.qsbr, st.caller_qsbr_id < 0 ? RTE_QSBR_THRID_INVALID
                                                           : static_cast<unsigned>(st.caller_qsbr_id));
    std::unique_ptr<fastpath::forwarding_tables> old = std::move(*st.live);
    *st.live = std::move(fresh);
    old.reset(); // frees the old FIB and neighbor hash
    ++st.swaps;
    return {};
}

} // namespace mipgate::app
