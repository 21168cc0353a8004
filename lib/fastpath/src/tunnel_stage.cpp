// FMIPv6 IPv6-in-IPv6 tunnel (RFC 5268 §5.1, RFC 2473): the PAR encapsulates transit packets for
// a PCoA with a live binding towards the NCoA; the NAR decapsulates what a configured PAR
// tunnels to it, and the PAR what the MN reverse-tunnels from its NCoA.
#include "stages.hpp"

#include <rte_fib6.h>
#include <rte_mbuf.h>

#include <atomic>
#include <cstring>

namespace mipgate::fastpath::detail {

namespace {

constexpr std::uint8_t outer_hop_limit = 64;

inline bool bad_inner_source(const std::uint8_t* s) noexcept {
    if (s[0] == 0xff || (s[0] == 0xfe && (s[1] & 0xc0) == 0x80)) {
        return true;
    }
    std::uint64_t hi;
    std::uint64_t lo;
    std::memcpy(&hi, s, 8);
    std::memcpy(&lo, s + 8, 8);
    return (hi | lo) == 0;
}

/// Cuts Ethernet padding (or anything) past the IPv6 packet so lengths add up after the
/// header change. Single-segment frames (all that mipgate receives with MTU ≤ 1500).
inline void trim_to(rte_mbuf* m, std::uint32_t frame_len) noexcept {
    if (m->pkt_len > frame_len && m->nb_segs == 1) {
        rte_pktmbuf_trim(m, static_cast<std::uint16_t>(m->pkt_len - frame_len));
    }
}

} // namespace

void encap_stage(worker_ctx& w, rte_mbuf* const* pkts, const std::uint16_t* sel, std::uint16_t k,
                 std::uint16_t* plain, std::uint16_t* nplain, std::uint16_t* tun, std::uint16_t* ntun,
                 std::uint16_t* nd) noexcept {
    for (unsigned j = 0; j < k; ++j) {
        const std::uint8_t* ip = rte_pktmbuf_mtod_offset(pkts[sel[j]], const std::uint8_t*, eth_len);
        std::memcpy(w.tun_key[j].b.data(), ip + 24, 16);
        w.tun_key_ptr[j] = &w.tun_key[j];
    }
    if (w.bindings->lookup_bulk(w.tun_key_ptr, k, w.tun_rec) == 0) [[likely]] {
        for (unsigned j = 0; j < k; ++j) {
            plain[(*nplain)++] = sel[j];
        }
        return;
    }
    const std::uint64_t now = tables::now_s();
    std::uint16_t g[max_burst]; // encapsulated, waiting for the FIB lookup of their NCoA
    std::uint16_t ng = 0;
    for (unsigned j = 0; j < k; ++j) {
        const unsigned i = sel[j];
        const tables::binding_record* rec = w.tun_rec[j];
        if (rec == nullptr || !rec->live(now)) {
            plain[(*nplain)++] = static_cast<std::uint16_t>(i);
            continue;
        }
        rte_mbuf* m = pkts[i];
        auto* ip = rte_pktmbuf_mtod_offset(m, std::uint8_t*, eth_len);
        // The PAR forwards the inner packet (RFC 2473 §3.1 hop limit rules), so the inner
        // header gets the checks and the decrement of any transit packet.
        if (ip[7] <= 1) [[unlikely]] {
            drop_now(w, m, counter_id::hop_limit_exceeded, nd);
            continue;
        }
        if (bad_inner_source(ip + 8)) [[unlikely]] {
            drop_now(w, m, counter_id::transit_bad_source, nd);
            continue;
        }
        const std::uint32_t inner_len = w.l3_len[i];
        if (inner_len + ip6_len > 0xffffu) [[unlikely]] {
            drop_now(w, m, counter_id::mtu_exceeded, nd);
            continue;
        }
        trim_to(m, eth_len + inner_len);
        ip[7] = static_cast<std::uint8_t>(ip[7] - 1);
        auto* p = reinterpret_cast<std::uint8_t*>(rte_pktmbuf_prepend(m, ip6_len));
        if (p == nullptr) [[unlikely]] {
            drop_now(w, m, counter_id::tunnel_no_headroom, nd);
            continue;
        }
        // The Ethernet header moves to the new front (addresses are rewritten by forwarding),
        // the outer IPv6 header goes between it and the inner packet (RFC 2473 §5).
        std::memmove(p, p + ip6_len, eth_len);
        std::uint8_t* o = p + eth_len;
        o[0] = 0x60;
        o[1] = o[2] = o[3] = 0;
        o[4] = static_cast<std::uint8_t>(inner_len >> 8);
        o[5] = static_cast<std::uint8_t>(inner_len);
        o[6] = 41; // IPv6
        o[7] = outer_hop_limit;
        std::memcpy(o + 8, rec->tunnel_src.b.data(), 16);
        std::memcpy(o + 24, rec->ncoa.b.data(), 16);
        w.l3_len[i] = static_cast<std::uint16_t>(inner_len + ip6_len);
        w.brec[i] = rec;
        std::memcpy(w.dst[ng], rec->ncoa.b.data(), 16);
        g[ng++] = static_cast<std::uint16_t>(i);
    }
    if (ng == 0) {
        return;
    }
    // The outer destination picks the egress: one FIB lookup for the encapsulated group.
    rte_fib6_lookup_bulk(w.tables->fib(), w.dst, w.fib_nh, ng);
    for (unsigned j = 0; j < ng; ++j) {
        const unsigned i = g[j];
        const std::uint64_t nh = w.fib_nh[j];
        if (nh < nh_first) [[unlikely]] {
            drop_now(w, pkts[i], fib_verdict_reason(nh), nd);
            continue;
        }
        w.nh[i] = nh;
        tun[(*ntun)++] = static_cast<std::uint16_t>(i);
    }
}

std::uint16_t decap_stage(worker_ctx& w, rte_mbuf* const* pkts, const std::uint16_t* sel, std::uint16_t k,
                          std::uint16_t* nd) noexcept {
    std::uint16_t ninner = 0;
    std::uint16_t ilen[max_burst];       // inner IPv6 length per burst index (accepted ones)
    std::uint16_t pend[max_burst];       // not from a tunnel peer: reverse-tunnel candidates
    std::uint16_t np = 0;
    std::uint16_t accept[max_burst];
    std::uint16_t na = 0;
    const forwarding_tables& t = *w.tables;
    const bool reverse = w.bindings != nullptr && w.bindings->size() != 0;
    for (unsigned j = 0; j < k; ++j) {
        const unsigned i = sel[j];
        rte_mbuf* m = pkts[i];
        const std::uint8_t* ip = rte_pktmbuf_mtod_offset(m, const std::uint8_t*, eth_len);
        const std::uint8_t* in = ip + w.l4_off[i];
        const std::uint32_t avail = w.l4_len[i];
        if (avail < ip6_len) [[unlikely]] {
            drop_now(w, m, counter_id::ipv6_truncated, nd);
            continue;
        }
        if ((in[0] >> 4) != 6) [[unlikely]] {
            drop_now(w, m, counter_id::ipv6_bad_version, nd);
            continue;
        }
        const std::uint32_t len = ip6_len + load_be16(in + 4);
        if (len > avail) [[unlikely]] {
            drop_now(w, m, counter_id::ipv6_bad_payload_length, nd);
            continue;
        }
        ilen[i] = static_cast<std::uint16_t>(len);
        // A configured neighbour router tunnels to us from its own address (nar_address).
        if (t.is_tunnel_peer(ip + 8)) {
            accept[na++] = static_cast<std::uint16_t>(i);
            continue;
        }
        if (!reverse) {
            drop_now(w, m, counter_id::tunnel_refused, nd);
            continue;
        }
        std::memcpy(w.tun_key[np].b.data(), in + 8, 16); // inner source: the PCoA
        w.tun_key_ptr[np] = &w.tun_key[np];
        pend[np++] = static_cast<std::uint16_t>(i);
    }
    if (np != 0) {
        // PAR role: the MN reverse-tunnels from its NCoA with its PCoA as inner source.
        w.bindings->lookup_bulk(w.tun_key_ptr, np, w.tun_rec);
        const std::uint64_t now = tables::now_s();
        for (unsigned j = 0; j < np; ++j) {
            const unsigned i = pend[j];
            const tables::binding_record* rec = w.tun_rec[j];
            const std::uint8_t* ip = rte_pktmbuf_mtod_offset(pkts[i], const std::uint8_t*, eth_len);
            if (rec == nullptr || !rec->live(now) || std::memcmp(ip + 8, rec->ncoa.b.data(), 16) != 0) {
                drop_now(w, pkts[i], counter_id::tunnel_refused, nd);
                continue;
            }
            rec->reverse.fetch_add(1, std::memory_order_relaxed);
            accept[na++] = static_cast<std::uint16_t>(i);
        }
    }
    for (unsigned j = 0; j < na; ++j) {
        const unsigned i = accept[j];
        rte_mbuf* m = pkts[i];
        // Strip the outer header and its extension headers; the Ethernet header moves up to sit
        // in front of the inner packet (its ethertype is IPv6 already).
        std::uint8_t eth[eth_len];
        std::memcpy(eth, rte_pktmbuf_mtod(m, const std::uint8_t*), eth_len);
        auto* p = reinterpret_cast<std::uint8_t*>(rte_pktmbuf_adj(m, w.l4_off[i]));
        if (p == nullptr) [[unlikely]] { // cannot happen: classify parsed within the first segment
            drop_now(w, m, counter_id::ipv6_truncated, nd);
            continue;
        }
        std::memcpy(p, eth, eth_len);
        trim_to(m, eth_len + ilen[i]);
        w.counters.add(counter_id::decapsulated);
        w.inner[ninner++] = m;
    }
    return ninner;
}

} // namespace mipgate::fastpath::detail
