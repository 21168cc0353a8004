#pragma once
// Per-worker state (house style 5): one cache-aligned object per worker lcore, passed explicitly
// to every stage. Holds the queues it polls, its TX staging per egress port, burst scratch arrays
// (reset per burst, never allocated on the fast path), its counters, and the slow-path ring to
// the control plane.

#include "mipgate/fastpath/counters.hpp"
#include "mipgate/fastpath/forwarding_tables.hpp"
#include "mipgate/fastpath/neighbor_table.hpp"
#include "mipgate/fmip/badf_mb.hpp"
#include "mipgate/tables/binding_table.hpp"
#include "mipgate/tables/key_table.hpp"
#include "mipgate/wire/mh.hpp"

#include <atomic>
#include <cstdint>
#include <memory>

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
    local_control,///< ICMPv6 for the control plane: RS, NS, CPS, RtSolPr (154/2); with FMIP also
                  ///< HI (154/4) and HAck (154/5) → control_ring
    local_tunnel, ///< IPv6-in-IPv6 (upper layer 41) to us: decapsulated when accepted (FMIPv6)
};
inline constexpr unsigned packet_class_count = 8;

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
    /// The forwarding tables the control thread publishes (release store; a reload swaps them and
    /// frees the old ones after an RCU QSBR grace period). nullptr: `tables` is used as set.
    std::atomic<const forwarding_tables*> tables_pub{nullptr};
    /// This burst's tables: process_burst loads tables_pub once (acquire) and every stage of the
    /// burst reads this snapshot, so FIB verdicts and next-hop indices never mix two generations.
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
    // FMIPv6 (attach_fmip, fmip_attach.hpp). All null: FMIP off — MH to us is mh_local_unhandled,
    // HI/HAck stay local ICMPv6, no binding lookups (tunnelled packets to us are still
    // decapsulated from configured tunnel peers).
    const tables::key_table* keys = nullptr;         ///< handover keys (FBU BADF verification)
    const tables::binding_table* bindings = nullptr; ///< PAR bindings PCoA → NCoA (tunnel)
    std::unique_ptr<fmip::badf_engine> badf;         ///< this worker's own BADF verifier

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
    // Filled by classify for packets to us (offsets from the IPv6 header).
    std::uint16_t l4_off[max_burst];      ///< upper-layer offset (after the extension headers)
    std::uint16_t l4_len[max_burst];      ///< upper-layer length
    std::uint16_t hao_off[max_burst];     ///< offset of the HAO's home address, 0 = none
    // FBU stage (fbu_stage.cpp), in gather order.
    std::uint16_t fbu_idx[max_burst];     ///< burst index of each candidate FBU
    ipv6_addr fbu_hoa[max_burst];         ///< HAO address (PCoA): the key lookup's keys
    const ipv6_addr* fbu_hoa_ptr[max_burst];
    ipv6_addr fbu_ncoa[max_burst];
    const tables::key_record* fbu_key[max_burst];
    wire::mh_view fbu_mh[max_burst];
    fmip::badf_job fbu_job[max_burst];
    std::uint16_t fbu_jidx[max_burst];    ///< candidate index of each job
    bool fbu_ok[max_burst];
    // Tunnel stage (tunnel_stage.cpp).
    ipv6_addr tun_key[max_burst];         ///< binding lookup keys (transit dst / inner src)
    const ipv6_addr* tun_key_ptr[max_burst];
    const tables::binding_record* tun_rec[max_burst]; ///< lookup results, in gather order
    const tables::binding_record* brec[max_burst];    ///< binding per burst index (encapsulated)
    rte_mbuf* inner[max_burst];           ///< decapsulated packets for the second round

    // --- this lcore's counters ---
    counter_block counters;
};

} // namespace mipgate::fastpath
