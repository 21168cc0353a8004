#pragma once
// Built-in traffic source (config.generator): IPv6/UDP packets into a ring port's RX ring, the
// other side of the virtual wire. Runs on the control lcore, paced by the ring's free space.
// Mix, by packet number i: i % 10 == 9 → a non-IPv6 frame (ARP EtherType), i % 10 == 4 → Hop
// Limit 1 (exercises hop_limit_exceeded), else Hop Limit 64; IPv6 destinations cycle through
// generator.destinations.

#include "mipgate/common/ipv6_addr.hpp"
#include "mipgate/common/result.hpp"
#include "mipgate/config/config.hpp"

#include <cstdint>

struct rte_mempool;
struct rte_ring;

namespace mipgate::fastpath {

struct generator_stats {
    std::uint64_t injected = 0;    ///< frames enqueued
    std::uint64_t ipv6 = 0;        ///< of which IPv6 with Hop Limit 64
    std::uint64_t hop_limit_1 = 0; ///< of which IPv6 with Hop Limit 1
    std::uint64_t non_ipv6 = 0;    ///< of which not IPv6
    std::uint64_t alloc_failed = 0;///< mbuf pool empty at the time (retried later)
};

class generator {
public:
    /// Control thread; allocates nothing per packet later; `cfg` must outlive the generator.
    /// `port_id` is stamped into mbuf->port
    /// (net_ring does not). `dst_mac` = the receiving port's MAC.
    generator(const config::traffic_generator& cfg, rte_mempool* pool, rte_ring* rx_ring,
              std::uint16_t port_id, const mac_addr& dst_mac);

    /// Builds and enqueues up to `max` frames, fewer when the ring is nearly full or the pool is
    /// empty. Returns frames enqueued. Control thread; never blocks.
    unsigned step(unsigned max) noexcept;

    /// True once `packets` frames were built. Control thread.
    bool done() const noexcept { return _next >= _total; }
    /// What was injected so far. Control thread.
    const generator_stats& stats() const noexcept { return _stats; }

private:
    const config::traffic_generator& _cfg;
    rte_mempool* _pool;
    rte_ring* _ring;
    std::uint16_t _port_id;
    mac_addr _dst_mac;
    std::uint64_t _next = 0;
    std::uint64_t _total;
    std::uint64_t _ipv6_seq = 0;
    generator_stats _stats;
};

} // namespace mipgate::fastpath
