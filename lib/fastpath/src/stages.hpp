#pragma once
// Internal to lib/fastpath: the burst stages process_burst chains (burst.cpp), one file each.
// Every stage takes the burst's mbufs and a selection of indices into it, and either stages a
// packet for TX, hands it on in a caller array, or appends it to w.dropped with exactly one
// counter (invariant rx == forwarded + to_control + sum(drops)).

#include "mipgate/fastpath/worker_ctx.hpp"

#include <cstdint>

struct rte_mbuf;

namespace mipgate::fastpath::detail {

inline constexpr std::uint32_t eth_len = 14;
inline constexpr std::uint32_t ip6_len = 40;
inline constexpr std::uint16_t ethertype_ipv6 = 0x86dd;

/// Drops pkts[i] now: one counter, then into w.dropped (freed in bulk at the end of the burst).
inline void drop_now(worker_ctx& w, rte_mbuf* m, counter_id r, std::uint16_t* nd) noexcept {
    w.counters.add(r);
    w.dropped[(*nd)++] = m;
}

/// The drop reason for a FIB verdict below nh_first (shared by classify and encapsulation).
inline counter_id fib_verdict_reason(std::uint64_t nh) noexcept {
    if (nh == nh_multicast) {
        return counter_id::multicast_unhandled;
    }
    if (nh == nh_link_local) {
        return counter_id::transit_link_local_dst;
    }
    return counter_id::no_route;
}

/// Transit forwarding of pkts[sel[0..k)] (w.nh and w.l3_len set). Tunnelled: the packets were
/// encapsulated by us (w.brec set): their outer Hop Limit is ours (not decremented, RFC 2473
/// §3: the entry point originates the outer packet) and they count `encapsulated`.
template <bool Tunnelled>
void forward_group(worker_ctx& w, rte_mbuf* const* pkts, const std::uint16_t* sel, std::uint16_t k,
                   std::uint16_t* nd) noexcept;

/// FBUs among the local_mh packets pkts[sel[0..k)]: checks, one key lookup, one BADF burst.
/// Verified ones are appended to w.to_control[*nctl]; other MH types are mh_local_unhandled.
void fbu_stage(worker_ctx& w, rte_mbuf* const* pkts, const std::uint16_t* sel, std::uint16_t k,
               std::uint16_t* nctl, std::uint16_t* nd) noexcept;

/// Splits transit pkts[sel[0..k)] by one binding lookup: packets without a live binding go to
/// plain[*nplain]; the others are encapsulated, FIB-looked-up by NCoA and go to tun[*ntun]
/// (w.nh, w.l3_len, w.brec updated). Call only with w.bindings non-empty.
void encap_stage(worker_ctx& w, rte_mbuf* const* pkts, const std::uint16_t* sel, std::uint16_t k,
                 std::uint16_t* plain, std::uint16_t* nplain, std::uint16_t* tun, std::uint16_t* ntun,
                 std::uint16_t* nd) noexcept;

/// local_tunnel pkts[sel[0..k)]: accepted ones are decapsulated into w.inner (returned count),
/// the rest dropped (tunnel_refused, or the inner header's malformation).
std::uint16_t decap_stage(worker_ctx& w, rte_mbuf* const* pkts, const std::uint16_t* sel, std::uint16_t k,
                          std::uint16_t* nd) noexcept;

} // namespace mipgate::fastpath::detail
