#include "mipgate/fastpath/burst.hpp"

#include "mipgate/fastpath/mbuf_view.hpp"
#include "mipgate/wire/icmpv6.hpp"
#include "mipgate/wire/ipv6.hpp"

#include <rte_ethdev.h>
#include <rte_fib6.h>
#include <rte_hash.h>
#include <rte_mbuf.h>
#include <rte_prefetch.h>
#include <rte_ring.h>

#include <cstring>

namespace mipgate::fastpath {

namespace {

constexpr std::uint32_t eth_len = 14;
constexpr std::uint32_t ip6_len = 40;
constexpr std::uint16_t ethertype_ipv6 = 0x86dd;
constexpr unsigned prefetch_ahead = 4;

inline void set_drop(worker_ctx& w, unsigned i, counter_id r) noexcept {
    w.cls[i] = packet_class::drop;
    w.reason[i] = r;
}

counter_id status_reason(wire::ipv6_status s) noexcept {
    switch (s) {
    case wire::ipv6_status::truncated: return counter_id::ipv6_truncated;
    case wire::ipv6_status::bad_version: return counter_id::ipv6_bad_version;
    case wire::ipv6_status::bad_payload_length: return counter_id::ipv6_bad_payload_length;
    case wire::ipv6_status::bad_ext_header: return counter_id::ipv6_bad_ext_header;
    case wire::ipv6_status::bad_hao: return counter_id::ipv6_bad_hao;
    case wire::ipv6_status::bad_rh2: return counter_id::ipv6_bad_rh2;
    case wire::ipv6_status::too_many_ext: return counter_id::ipv6_too_many_ext;
    case wire::ipv6_status::ok: break;
    }
    return counter_id::ipv6_bad_ext_header;
}

/// ICMPv6 the SEND service answers (design §2): RS, NS, CPS, and RtSolPr (FMIPv6 154 subtype 2,
/// RFC 5268 §6.1.1). Everything else (echo, errors, RA, NA, PrRtAdv …) stays local_icmpv6.
inline bool for_control(bytes_view upper) noexcept {
    if (upper.size() < 4) [[unlikely]] {
        return false;
    }
    const std::uint8_t type = upper[0];
    if (type == wire::icmp6_rs || type == wire::icmp6_ns || type == wire::icmp6_cps) {
        return true;
    }
    return type == wire::icmp6_fmip && upper.size() > 4 && upper[4] == 2;
}

/// Packets to us: walk the extension headers to the upper layer (wire codec, no DPDK types).
[[gnu::noinline]] void classify_local(worker_ctx& w, unsigned i, const rte_mbuf* m) noexcept {
    const bytes_view pkt = mbuf_bytes(m, eth_len);
    const wire::ipv6_view v = wire::parse_ipv6(pkt);
    if (!v.ok()) [[unlikely]] {
        set_drop(w, i, status_reason(v.status));
        return;
    }
    if (v.is_fragment) {
        set_drop(w, i, counter_id::fragment_local_unhandled);
        return;
    }
    switch (v.upper_proto) {
    case wire::nh_icmpv6:
        w.cls[i] = for_control(v.upper(pkt)) ? packet_class::local_control : packet_class::local_icmpv6;
        break;
    case wire::nh_mh: w.cls[i] = packet_class::local_mh; break;
    case wire::nh_esp: w.cls[i] = packet_class::local_esp; break;
    default: w.cls[i] = packet_class::local_other; break;
    }
}

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

void classify_burst(worker_ctx& w, rte_mbuf* const* pkts, std::uint16_t n) noexcept {
    const forwarding_tables& t = *w.tables;
    const auto ports = t.ports();
    std::uint16_t k = 0;
    for (unsigned i = 0; i < prefetch_ahead && i < n; ++i) {
        rte_prefetch0(rte_pktmbuf_mtod(pkts[i], void*));
    }
    for (unsigned i = 0; i < n; ++i) {
        if (i + prefetch_ahead < n) {
            rte_prefetch0(rte_pktmbuf_mtod(pkts[i + prefetch_ahead], void*));
        }
        const rte_mbuf* m = pkts[i];
        const auto* p = rte_pktmbuf_mtod(m, const std::uint8_t*);
        const std::uint32_t dlen = rte_pktmbuf_data_len(m);
        if (dlen < eth_len) [[unlikely]] {
            set_drop(w, i, counter_id::frame_too_short);
            continue;
        }
        // Unicast frames must be for the receiving port's MAC (group bit = multicast/broadcast).
        const int pi = t.port_index(m->port);
        if ((p[0] & 1) == 0 && pi >= 0 &&
            std::memcmp(p, ports[static_cast<std::size_t>(pi)].mac, 6) != 0) [[unlikely]] {
            set_drop(w, i, counter_id::l2_other_host);
            continue;
        }
        if (load_be16(p + 12) != ethertype_ipv6) [[unlikely]] {
            set_drop(w, i, counter_id::not_ipv6);
            continue;
        }
        if (dlen < eth_len + ip6_len) [[unlikely]] {
            set_drop(w, i, counter_id::ipv6_truncated);
            continue;
        }
        const std::uint8_t* ip = p + eth_len;
        if ((ip[0] >> 4) != 6) [[unlikely]] {
            set_drop(w, i, counter_id::ipv6_bad_version);
            continue;
        }
        const std::uint32_t l3 = ip6_len + load_be16(ip + 4);
        if (l3 > m->pkt_len - eth_len) [[unlikely]] {
            set_drop(w, i, counter_id::ipv6_bad_payload_length);
            continue;
        }
        w.l3_len[i] = static_cast<std::uint16_t>(l3);
        std::memcpy(w.dst[k], ip + 24, 16);
        w.sel[k++] = static_cast<std::uint16_t>(i);
    }
    if (k == 0) {
        return;
    }
    rte_fib6_lookup_bulk(t.fib(), w.dst, w.fib_nh, k);
    for (unsigned j = 0; j < k; ++j) {
        const unsigned i = w.sel[j];
        const std::uint64_t nh = w.fib_nh[j];
        if (nh >= nh_first) [[likely]] {
            w.cls[i] = packet_class::transit;
            w.nh[i] = nh;
        } else if (nh == nh_local) {
            classify_local(w, i, pkts[i]);
        } else if (nh == nh_no_route) {
            set_drop(w, i, counter_id::no_route);
        } else if (nh == nh_multicast) {
            set_drop(w, i, counter_id::multicast_unhandled);
        } else {
            set_drop(w, i, counter_id::transit_link_local_dst);
        }
    }
}

void forward_transit(worker_ctx& w, rte_mbuf* const* pkts, const std::uint16_t* sel, std::uint16_t k,
                     std::uint16_t* ndropped) noexcept {
    const forwarding_tables& t = *w.tables;
    const auto ports = t.ports();
    std::uint16_t keep[max_burst];
    std::uint16_t nk = 0;
    std::uint16_t nd = *ndropped;
    auto drop = [&](unsigned i, counter_id r) {
        w.counters.add(r);
        w.dropped[nd++] = pkts[i];
    };
    for (unsigned j = 0; j < k; ++j) {
        const unsigned i = sel[j];
        const std::uint8_t* ip = rte_pktmbuf_mtod_offset(pkts[i], const std::uint8_t*, eth_len);
        if (ip[7] <= 1) [[unlikely]] {
            drop(i, counter_id::hop_limit_exceeded);
            continue;
        }
        if (bad_transit_source(ip + 8)) [[unlikely]] {
            drop(i, counter_id::transit_bad_source);
            continue;
        }
        const nexthop& h = t.hop(w.nh[i]);
        if (w.l3_len[i] > ports[h.port_index].mtu) [[unlikely]] {
            drop(i, counter_id::mtu_exceeded);
            continue;
        }
        w.nkeys[nk] = make_neighbor_key(h.on_link ? ip + 24 : h.via, h.port_id);
        w.nkey_ptrs[nk] = &w.nkeys[nk];
        keep[nk++] = static_cast<std::uint16_t>(i);
    }
    if (nk != 0) {
        std::uint64_t hits = 0;
        rte_hash_lookup_bulk_data(t.neighbors().handle(), w.nkey_ptrs, nk, &hits, w.ndata);
        for (unsigned j = 0; j < nk; ++j) {
            const unsigned i = keep[j];
            if (((hits >> j) & 1) == 0) [[unlikely]] {
                drop(i, counter_id::no_neighbor);
                continue;
            }
            rte_mbuf* m = pkts[i];
            const nexthop& h = t.hop(w.nh[i]);
            tx_stage& s = w.tx[h.port_index];
            if (!s.enabled) [[unlikely]] {
                drop(i, counter_id::tx_full); // port has no TX queue for this worker
                continue;
            }
            auto* p = rte_pktmbuf_mtod(m, std::uint8_t*);
            const auto mac = static_cast<std::uint64_t>(reinterpret_cast<std::uintptr_t>(w.ndata[j]));
            for (unsigned b = 0; b < 6; ++b) {
                p[b] = static_cast<std::uint8_t>(mac >> (8 * b));
            }
            std::memcpy(p + 6, ports[h.port_index].mac, 6);
            p[eth_len + 7] = static_cast<std::uint8_t>(p[eth_len + 7] - 1); // RFC 8200 §3
            s.pkts[s.n++] = m;
        }
    }
    *ndropped = nd;
}

void flush_tx(worker_ctx& w) noexcept {
    const std::size_t np = w.tables->ports().size();
    for (std::size_t p = 0; p < np; ++p) {
        tx_stage& s = w.tx[p];
        if (s.n == 0) {
            continue;
        }
        const std::uint16_t sent = rte_eth_tx_burst(s.port_id, s.queue_id, s.pkts, s.n);
        // Only transit packets are staged so far; local replies (later issues) will count apart.
        w.counters.add(counter_id::forwarded, sent);
        w.counters.add(counter_id::tx, sent);
        if (sent < s.n) [[unlikely]] {
            rte_pktmbuf_free_bulk(s.pkts + sent, s.n - sent);
            w.counters.add(counter_id::tx_full, s.n - sent);
        }
        s.n = 0;
    }
}

void process_burst(worker_ctx& w, rte_mbuf** pkts, std::uint16_t n) noexcept {
    w.counters.add(counter_id::rx, n);
    classify_burst(w, pkts, n);

    // Pass 2: group by class, then one tight loop per class.
    std::uint16_t ntransit = 0;
    std::uint16_t nctl = 0;
    std::uint16_t nd = 0;
    for (unsigned i = 0; i < n; ++i) {
        counter_id r;
        switch (w.cls[i]) {
        case packet_class::transit:
            w.sel[ntransit++] = static_cast<std::uint16_t>(i);
            continue;
        case packet_class::local_control:
            if (w.control_ring != nullptr) [[likely]] {
                w.to_control[nctl++] = pkts[i];
                continue;
            }
            r = counter_id::icmpv6_local_unhandled; // no control plane (no router identity)
            break;
        case packet_class::drop: r = w.reason[i]; break;
        // Local classes: handled by later issues (MH, ESP); counted for now.
        case packet_class::local_icmpv6: r = counter_id::icmpv6_local_unhandled; break;
        case packet_class::local_mh: r = counter_id::mh_local_unhandled; break;
        case packet_class::local_esp: r = counter_id::esp_unhandled; break;
        default: r = counter_id::other_local_unhandled; break;
        }
        w.counters.add(r);
        w.dropped[nd++] = pkts[i];
    }
    if (nctl != 0) {
        // The ring is MP: every worker enqueues, the control lcore alone dequeues. What went in
        // belongs to the control lcore now; what did not fit is dropped here.
        const unsigned q =
            rte_ring_mp_enqueue_burst(w.control_ring, reinterpret_cast<void* const*>(w.to_control), nctl, nullptr);
        w.counters.add(counter_id::to_control, q);
        if (q < nctl) [[unlikely]] {
            w.counters.add(counter_id::control_ring_full, nctl - q);
            for (unsigned j = q; j < nctl; ++j) {
                w.dropped[nd++] = w.to_control[j];
            }
        }
    }
    if (ntransit != 0) {
        forward_transit(w, pkts, w.sel, ntransit, &nd);
    }
    if (nd != 0) {
        rte_pktmbuf_free_bulk(w.dropped, nd);
    }
    flush_tx(w);
}

unsigned send_control_frames(worker_ctx& w, const control_tx_ref& ref) noexcept {
    rte_mbuf* m[max_burst];
    const unsigned n = rte_ring_sc_dequeue_burst(ref.ring, reinterpret_cast<void**>(m), max_burst, nullptr);
    if (n == 0) [[likely]] {
        return 0;
    }
    const tx_stage& s = w.tx[ref.port_index];
    const std::uint16_t sent =
        s.enabled ? rte_eth_tx_burst(s.port_id, s.queue_id, m, static_cast<std::uint16_t>(n)) : 0;
    w.counters.add(counter_id::control_tx, sent);
    w.counters.add(counter_id::tx, sent);
    if (sent < n) [[unlikely]] {
        rte_pktmbuf_free_bulk(m + sent, n - sent);
        w.counters.add(counter_id::control_tx_full, n - sent);
    }
    return n;
}

unsigned poll_once(worker_ctx& w) noexcept {
    unsigned total = 0;
    for (unsigned q = 0; q < w.n_rx; ++q) {
        const std::uint16_t n = rte_eth_rx_burst(w.rx[q].port_id, w.rx[q].queue_id, w.pkts, w.burst);
        if (n != 0) {
            process_burst(w, w.pkts, n);
            total += n;
        }
    }
    for (unsigned c = 0; c < w.n_control_tx; ++c) {
        total += send_control_frames(w, w.control_tx[c]);
    }
    return total;
}

} // namespace mipgate::fastpath
