// Transit forwarding (hop limit, source scope, MTU, bulk neighbor lookup, Ethernet rewrite,
// staging per egress port) and the TX flush.
#include "mipgate/fastpath/burst.hpp"
#include "stages.hpp"

#include <rte_ethdev.h>
#include <rte_hash.h>
#include <rte_mbuf.h>

#include <atomic>
#include <cstring>

namespace mipgate::fastpath {

using namespace detail;

namespace {

inline bool bad_transit_source(const std::uint8_t* s) noexcept {
    if (s[0] == 0xff || (s[0] == 0xfe && (s[1] & 0xc0) == 0x80)) {
        return true; // multicast or link-local
    }
    std::uint64_t hi;
    std::uint64_t lo;
    std::memcpy(&hi, s, 8);
    std::memcpy(&lo, s + 8, 8);
    return (hi | lo) == 0; // unspecified
}

} // namespace

namespace detail {

template <bool Tunnelled>
void forward_group(worker_ctx& w, rte_mbuf* const* pkts, const std::uint16_t* sel, std::uint16_t k,
                   std::uint16_t* nd) noexcept {
    const forwarding_tables& t = *w.tables;
    const auto ports = t.ports();
    std::uint16_t keep[max_burst];
    std::uint16_t nk = 0;
    for (unsigned j = 0; j < k; ++j) {
        const unsigned i = sel[j];
        const std::uint8_t* ip = rte_pktmbuf_mtod_offset(pkts[i], const std::uint8_t*, eth_len);
        if constexpr (!Tunnelled) {
            // Encapsulated packets had these checks on the inner header (tunnel_stage.cpp); the
            // outer one is ours (Hop Limit 64, source = the PAR's global address).
            if (ip[7] <= 1) [[unlikely]] {
                drop_now(w, pkts[i], counter_id::hop_limit_exceeded, nd);
                continue;
            }
            if (bad_transit_source(ip + 8)) [[unlikely]] {
                drop_now(w, pkts[i], counter_id::transit_bad_source, nd);
                continue;
            }
        }
        const nexthop& h = t.hop(w.nh[i]);
        if (w.l3_len[i] > ports[h.port_index].mtu) [[unlikely]] {
            drop_now(w, pkts[i], counter_id::mtu_exceeded, nd);
            continue;
        }
        w.nkeys[nk] = make_neighbor_key(h.on_link ? ip + 24 : h.via, h.port_id);
        w.nkey_ptrs[nk] = &w.nkeys[nk];
        keep[nk++] = static_cast<std::uint16_t>(i);
    }
    if (nk == 0) {
        return;
    }
    std::uint64_t hits = 0;
    rte_hash_lookup_bulk_data(t.neighbors().handle(), w.nkey_ptrs, nk, &hits, w.ndata);
    for (unsigned j = 0; j < nk; ++j) {
        const unsigned i = keep[j];
        if (((hits >> j) & 1) == 0) [[unlikely]] {
            drop_now(w, pkts[i], counter_id::no_neighbor, nd);
            continue;
        }
        rte_mbuf* m = pkts[i];
        const nexthop& h = t.hop(w.nh[i]);
        tx_stage& s = w.tx[h.port_index];
        if (!s.enabled) [[unlikely]] {
            drop_now(w, m, counter_id::tx_full, nd); // port has no TX queue for this worker
            continue;
        }
        auto* p = rte_pktmbuf_mtod(m, std::uint8_t*);
        const auto mac = static_cast<std::uint64_t>(reinterpret_cast<std::uintptr_t>(w.ndata[j]));
        for (unsigned b = 0; b < 6; ++b) {
            p[b] = static_cast<std::uint8_t>(mac >> (8 * b));
        }
        std::memcpy(p + 6, ports[h.port_index].mac, 6);
        if constexpr (Tunnelled) {
            w.counters.add(counter_id::encapsulated);
            w.brec[i]->encapsulated.fetch_add(1, std::memory_order_relaxed);
        } else {
            p[eth_len + 7] = static_cast<std::uint8_t>(p[eth_len + 7] - 1); // RFC 8200 §3
        }
        s.pkts[s.n++] = m;
    }
}

template void forward_group<false>(worker_ctx&, rte_mbuf* const*, const std::uint16_t*, std::uint16_t,
                                   std::uint16_t*) noexcept;
template void forward_group<true>(worker_ctx&, rte_mbuf* const*, const std::uint16_t*, std::uint16_t,
                                  std::uint16_t*) noexcept;

} // namespace detail

void forward_transit(worker_ctx& w, rte_mbuf* const* pkts, const std::uint16_t* sel, std::uint16_t k,
                     std::uint16_t* ndropped) noexcept {
    forward_group<false>(w, pkts, sel, k, ndropped);
}

void flush_tx(worker_ctx& w) noexcept {
    const std::size_t np = w.tables->ports().size();
    for (std::size_t p = 0; p < np; ++p) {
        tx_stage& s = w.tx[p];
        if (s.n == 0) {
            continue;
        }
        const std::uint16_t sent = rte_eth_tx_burst(s.port_id, s.queue_id, s.pkts, s.n);
        // Only transit packets (plain or encapsulated) are staged; local replies will count apart.
        w.counters.add(counter_id::forwarded, sent);
        w.counters.add(counter_id::tx, sent);
        if (sent < s.n) [[unlikely]] {
            rte_pktmbuf_free_bulk(s.pkts + sent, s.n - sent);
            w.counters.add(counter_id::tx_full, s.n - sent);
        }
        s.n = 0;
    }
}

} // namespace mipgate::fastpath
