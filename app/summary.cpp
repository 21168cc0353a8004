#include "summary.hpp"

#include <cinttypes>

namespace mipgate::app {

using fastpath::counter_id;

void print_summary(std::FILE* out, const run_summary& s) {
    const auto& c = s.counters;
    std::fprintf(out, "== mipgate summary: %.1f s, %u worker(s) ==\n", s.seconds, s.workers);
    std::fprintf(out, "packets in:  %" PRIu64 "\n", c[counter_id::rx]);
    std::fprintf(out, "forwarded:   %" PRIu64 "\n", c[counter_id::forwarded]);
    std::fprintf(out, "to control:  %" PRIu64 "\n", c[counter_id::to_control]);
    std::fprintf(out, "dropped:     %" PRIu64 "\n", c.drops());
    const std::uint64_t accounted = c[counter_id::forwarded] + c[counter_id::to_control] + c.drops();
    if (accounted != c[counter_id::rx]) {
        std::fprintf(out, "warning: %" PRIu64 " packet(s) in flight or unaccounted\n",
                     c[counter_id::rx] - accounted);
    }
    std::fprintf(out, "counters (name, value, what):\n");
    for (std::size_t i = 0; i < fastpath::counter_count; ++i) {
        const auto& info = fastpath::counter_table[i];
        std::fprintf(out, "counter %-26.*s %12" PRIu64 "  %s%.*s\n", static_cast<int>(info.name.size()),
                     info.name.data(), c.v[i], info.kind == fastpath::counter_kind::drop ? "drop: " : "",
                     static_cast<int>(info.description.size()), info.description.data());
    }
    std::fprintf(out, "ports (rte_eth_stats; wire_tx = frames drained from a ring port's TX ring):\n");
    for (const auto& p : s.ports) {
        std::fprintf(out,
                     "port %s kind=%s dpdk=%u rx=%" PRIu64 " tx=%" PRIu64 " rx_missed=%" PRIu64
                     " rx_errors=%" PRIu64 " tx_errors=%" PRIu64 " rx_nombuf=%" PRIu64,
                     p.name.c_str(), p.kind.c_str(), p.port_id, p.rx, p.tx, p.rx_missed, p.rx_errors,
                     p.tx_errors, p.rx_nombuf);
        if (p.wire_tx) {
            std::fprintf(out, " wire_tx=%" PRIu64, *p.wire_tx);
        }
        std::fprintf(out, "\n");
    }
    if (s.generator) {
        const auto& g = *s.generator;
        std::fprintf(out,
                     "generator injected=%" PRIu64 " ipv6=%" PRIu64 " hop_limit_1=%" PRIu64
                     " non_ipv6=%" PRIu64 "\n",
                     g.injected, g.ipv6, g.hop_limit_1, g.non_ipv6);
    }
    if (s.control) {
        const auto& k = *s.control;
        std::fprintf(out,
                     "control router=%s keys=%" PRIu32 " key_capacity=%" PRIu32 " ring_rx=%" PRIu64
                     " rx_bad=%" PRIu64 " tx=%" PRIu64 " tx_handoff=%" PRIu64 " tx_dropped=%" PRIu64
                     " keys_expired=%" PRIu64 "\n",
                     k.router.c_str(), k.keys, k.key_capacity, k.ring_rx, k.rx_bad, k.tx, k.tx_handoff,
                     k.tx_dropped, k.keys_expired);
        std::fprintf(out, "SEND service counters (name, value):\n");
        for (const auto& [name, v] : k.service) {
            std::fprintf(out, "service %-34s %12" PRIu64 "\n", name.c_str(), v);
        }
    }
    std::fflush(out);
}

void print_tick(std::FILE* out, double t, const fastpath::counter_totals& c) {
    std::fprintf(out, "mipgate: t=%.0fs rx=%" PRIu64 " forwarded=%" PRIu64 " dropped=%" PRIu64 "\n", t,
                 c[counter_id::rx], c[counter_id::forwarded], c.drops());
    std::fflush(out);
}

} // namespace mipgate::app
