#pragma once
// Per-worker state (house style 5): one cache-aligned object per worker lcore, passed explicitly
// to every stage. Holds the queues it polls, its TX staging per egress port, burst scratch arrays
// (reset per burst, never allocated on the fast path), its counters, and the slow-path ring to
// the control plane.

#include "mipgate/fastpath/counters.hpp"
#include "mipgate/fastpath/forwarding_tables.hpp"
#include "mipgate/fastpath/neighbor_table.hpp"

#include <cstdint>

struct rte_mbuf;
struct rte_ring;

namespace mipgate::fastpath {

/// Largest burst a worker handles (rte_hash bulk lookups take at most 64 keys).
inline constexpr unsigned max_burst = 64;

/// What pass 1 decided for a packet (house style 4).
enum class packet_class : std::uint8_t {
    transit,      ///< not for us, routed: FIB next hop in nh[]
    local_icmpv6, ///< other ICMPv6 to one of our addresses or groups (echo, errors, RA/NA …)
    local_mh,     ///< Mobility Header to us (FBU, BU)
    local_esp,    ///< ESP to us (home agent)
    local_other,  ///< anything else to us
    drop,         ///< dropped; the reason is in reason[]
    local_control,///< ICMPv6 for the SEND service: RS, NS, CPS, RtSolPr (154/2) → control_ring
};
inline constexpr unsigned packet_class_count = 7;

struct rx_queue_ref {
    std::uint16_t port_id;
    std::uint16_t queue_id;
};

/// Packets waiting for one egress port's TX queue (flushed at the end of every burst).
struct alignas(64) tx_stage {
    std::uint16_t port_id = 0;
    std::uint16_t queue_id = 0;
    std::uint16_t n = 0;
    bool enabled = false;
    rte_mbuf* pkts[max_burst];
};

/// Control-plane frames (SEND replies) this worker transmits for a port that has no TX queue to
/// spare for the control plane: the control lcore hands finished mbufs over through an SP/SC ring
/// and the worker sends them on its own TX queue, so every TX queue keeps a single owner.
struct control_tx_ref {
    rte_ring* ring = nullptr;
    std::uint16_t port_index = 0;   ///< index into tx[]
};

struct alignas(64) worker_ctx {
    // --- set up once by the control thread before the worker starts ---
    const forwarding_tables* tables = nullptr;
    unsigned worker_id = 0;
    std::uint16_t burst = 32;             ///< RX burst size, <= max_burst
    std::uint16_t n_rx = 0;
    rx_queue_ref rx[max_ports]{};         ///< queues this worker polls
    tx_stage tx[max_ports];               ///< by port index (forwarding_tables::ports order)
    /// Worker → control slow-path ring (MP enqueue; control::create_slow_path_ring). nullptr: no
    /// control plane (no router identity): local_control packets are counted as unhandled.
    rte_ring* control_ring = nullptr;
    std::uint16_t n_control_tx = 0;
    control_tx_ref control_tx[max_ports]{}; ///< hand-over rings this worker drains (worker 0 only)

    // --- burst scratch, overwritten every burst ---
    alignas(64) rte_mbuf* pkts[max_burst];
    packet_class cls[max_burst];
    counter_id reason[max_burst];
    std::uint16_t l3_len[max_burst];      ///< IPv6 bytes in the frame (40 + payload length)
    std::uint64_t nh[max_burst];          ///< FIB next hop per packet (transit)
    std::uint64_t fib_nh[max_burst];      ///< bulk FIB results, in gather order
    std::uint8_t dst[max_burst][16];      ///< gathered destinations for the bulk FIB lookup
    std::uint16_t sel[max_burst];         ///< indices of packets in a group
    neighbor_key nkeys[max_burst];
    const void* nkey_ptrs[max_burst];
    void* ndata[max_burst];
    rte_mbuf* dropped[max_burst];
    rte_mbuf* to_control[max_burst];      ///< local_control packets gathered for one ring enqueue

    // --- this lcore's counters ---
    counter_block counters;
};

} // namespace mipgate::fastpath
