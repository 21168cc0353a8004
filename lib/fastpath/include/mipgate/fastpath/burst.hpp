#pragma once
// The worker's burst pipeline (house style 3/4): pass 1 classifies every packet of a burst,
// pass 2 handles each class in bulk, then the TX stages are flushed.

#include "mipgate/fastpath/worker_ctx.hpp"

#include <cstdint>

struct rte_mbuf;

namespace mipgate::fastpath {

/// Pass 1: fills w.cls / w.reason / w.nh / w.l3_len for pkts[0..n): Ethernet and IPv6 header
/// checks, one bulk FIB lookup on every destination, and for packets to us an extension-header
/// walk (mipgate::wire::parse_ipv6) to find the upper layer. Touches no packet bytes outside
/// headers and changes nothing. Worker thread; no allocation; never blocks. n <= max_burst.
void classify_burst(worker_ctx& w, rte_mbuf* const* pkts, std::uint16_t n) noexcept;

/// Pass 2 for transit packets sel[0..k): hop limit and source checks, bulk neighbor lookup,
/// MTU check, hop limit decrement, Ethernet rewrite, staging on the egress port. Packets that
/// fail are added to w.dropped[*ndropped] with their reason counted.
/// Worker thread; no allocation; never blocks.
void forward_transit(worker_ctx& w, rte_mbuf* const* pkts, const std::uint16_t* sel, std::uint16_t k,
                     std::uint16_t* ndropped) noexcept;

/// Transmits every non-empty TX stage; what the queue refuses is freed and counted as tx_full.
/// Worker thread; no allocation; never blocks.
void flush_tx(worker_ctx& w) noexcept;

/// Whole pipeline for one received burst: counts rx, classifies, handles every class, frees drops
/// in bulk and flushes TX. local_control packets (and, with FMIP attached, FBUs whose BADF
/// verified, counted fbu_verified) go to w.control_ring in one MP enqueue (counted to_control;
/// those that do not fit are dropped as control_ring_full; with no ring they count as
/// icmpv6_local_unhandled). With a non-empty binding table, transit packets to a live binding's
/// PCoA are encapsulated towards its NCoA (encapsulated). IPv6-in-IPv6 to us from a tunnel peer
/// or a binding's NCoA is decapsulated (decapsulated) and the inner packets run through the
/// pipeline once more as a second small burst. Each other packet is dropped with exactly one
/// counter (rx == forwarded + to_control + drops). Takes ownership of every mbuf; enqueued ones
/// pass to the control lcore.
/// Worker thread; no allocation, lock, syscall or log; never blocks.
void process_burst(worker_ctx& w, rte_mbuf** pkts, std::uint16_t n) noexcept;

/// Sends what the control lcore handed over on `ref.ring` (up to max_burst frames) on this
/// worker's TX queue of that port; counts control_tx / control_tx_full. Returns frames taken.
/// Worker thread (the ring's single consumer); no allocation; never blocks.
unsigned send_control_frames(worker_ctx& w, const control_tx_ref& ref) noexcept;

/// One pass over the worker's queues: each RX burst through process_burst, then the control
/// hand-over rings (send_control_frames). Returns packets received plus control frames taken.
/// Worker thread (or the main lcore in single-lcore mode); never blocks.
unsigned poll_once(worker_ctx& w) noexcept;

} // namespace mipgate::fastpath
