#pragma once
// The thin DPDK adapter between the data plane and the SEND service (design §2): workers put
// local ICMPv6 (154/2 RtSolPr, 148 CPS; later 133 RS, 135 NS) on a bounded MP/SC ring of mbufs;
// the control lcore drains it into send_service::submit and sends the service's replies on each
// port's control TX queue. Also runs the key expiry sweep (every 10 s).

#include <cstdint>
#include <vector>

struct rte_mempool;
struct rte_ring;

namespace mipgate::control {

class send_service;
class fmip_service;

/// Creates the worker → control ring: `size` slots (power of two), multi-producer enqueue
/// (workers, rte_ring_enqueue / enqueue_burst), single-consumer dequeue (the control lcore).
/// Control thread after EAL init; allocates DPDK memory; nullptr on failure (rte_errno set).
rte_ring* create_slow_path_ring(const char* name, unsigned size, int socket_id);

/// Where replies go: per config port index, the DPDK port id and the control TX queue. A port
/// whose device had no spare queue (-1) may name a hand-over ring instead: replies are enqueued
/// there (single producer: the control lcore) and a worker sends them on its own TX queue
/// (fastpath::send_control_frames). With neither, replies for that port are dropped and counted.
struct control_io {
    rte_ring* ring = nullptr;          ///< from create_slow_path_ring
    rte_mempool* pool = nullptr;       ///< mbufs for replies
    std::vector<std::uint16_t> port_ids;
    std::vector<int> control_txq;
    std::vector<rte_ring*> tx_handoff; ///< per port, used when control_txq is -1 (may be empty)
};

/// What the adapter counted (control lcore only; read it there or after stop).
struct control_io_stats {
    std::uint64_t rx = 0;              ///< mbufs taken from the ring
    std::uint64_t rx_bad = 0;          ///< not IPv6 over Ethernet, or from an unknown port
    std::uint64_t tx = 0;              ///< reply frames accepted by a control TX queue or hand-over ring
    std::uint64_t tx_handoff = 0;      ///< of tx: handed to a worker through tx_handoff
    std::uint64_t tx_dropped = 0;      ///< no mbuf, no control queue, or the queue was full
    std::uint64_t keys_expired = 0;
};

/// One pass: up to `budget` packets from the ring into the service (mbufs freed here), every
/// finished reply transmitted, and every 10 s key_service::expire. Returns the work done
/// (packets + frames) so the caller can idle when it is 0.
/// Control lcore only; allocates (packet copies, reply vectors); never blocks.
unsigned control_poll(send_service& svc, const control_io& io, control_io_stats& stats, unsigned budget = 64);

/// control_poll with the FMIPv6 service: ring packets that are Mobility Headers (verified FBUs)
/// or ICMPv6 154 subtype 4/5 (HI, HAck) go to `fmip`, the rest to `svc`; its timers run
/// (fmip_service::tick) and its frames go out like the SEND replies. `fmip` may be null.
/// Control lcore only; allocates; never blocks.
unsigned control_poll(send_service& svc, fmip_service* fmip, const control_io& io, control_io_stats& stats,
                      unsigned budget = 64);

} // namespace mipgate::control
