#pragma once
// Read-only forwarding state shared by all workers: the IPv6 FIB (rte_fib6, DIR-24-8-style trie),
// the next-hop table, the neighbor table and per-port data. Built once by the control thread from
// the configuration; later issues rebuild and publish a new one on reload.
//
// "For us" is decided by the FIB too: mipgate's own addresses and the multicast groups it listens
// on are /128 entries whose next hop is nh_local (a receive entry, as in VPP or Linux's local
// table), so one bulk lookup classifies local vs transit vs no route.

#include "mipgate/common/ipv6_addr.hpp"
#include "mipgate/common/result.hpp"
#include "mipgate/config/config.hpp"
#include "mipgate/fastpath/neighbor_table.hpp"

#include <array>
#include <cstring>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

struct rte_fib6;

namespace mipgate::fastpath {

/// Upper bound on ports a worker handles (config ports map to indices 0..n-1).
inline constexpr unsigned max_ports = 16;
/// Upper bound on DPDK port ids we index directly.
inline constexpr unsigned max_port_ids = 64;

// FIB next-hop values: a few reserved verdicts, then indices into forwarding_tables::nexthops
// offset by nh_first.
inline constexpr std::uint64_t nh_no_route = 0;   ///< FIB default
inline constexpr std::uint64_t nh_local = 1;      ///< one of mipgate's addresses or groups
inline constexpr std::uint64_t nh_multicast = 2;  ///< ff00::/8 not listened on
inline constexpr std::uint64_t nh_link_local = 3; ///< fe80::/10 not ours: never forwarded
inline constexpr std::uint64_t nh_first = 8;

/// Most FMIPv6 neighbour routers whose tunnels a worker accepts (cfg.neighbor_routers).
inline constexpr unsigned max_tunnel_peers = 16;

/// A neighbour access router allowed to tunnel to us (cfg.neighbor_routers[].nar_address).
/// Only the router's own address is trusted as an outer source: its nar_prefix is the prefix of
/// its access link, where MNs and any other host live, and a tunnel accepted by prefix would let
/// any of them inject packets with any inner source past the binding check (RFC 5268 §4; the
/// MN's reverse tunnel is accepted by its binding instead).
struct tunnel_peer {
    std::uint8_t address[16];

    /// True when `src` (16 bytes, network order) is this peer. Any thread; no allocation.
    bool matches(const std::uint8_t* src) const noexcept { return std::memcmp(src, address, 16) == 0; }
};

/// A running port as the app brought it up, in configuration order.
struct port_binding {
    std::string name;
    std::uint16_t port_id = 0;
    mac_addr mac;
    std::uint16_t mtu = 1500;
};

struct port_entry {
    std::uint16_t port_id;
    std::uint16_t mtu;
    std::uint8_t mac[6];
};

/// Where a route sends packets. `on_link`: the neighbor is the destination itself.
struct nexthop {
    std::uint16_t port_index;  ///< index into ports (and into worker TX stages)
    std::uint16_t port_id;
    bool on_link;
    std::uint8_t via[16];
};

class forwarding_tables {
public:
    forwarding_tables(const forwarding_tables&) = delete;
    forwarding_tables& operator=(const forwarding_tables&) = delete;
    ~forwarding_tables();

    /// Builds FIB, next hops and neighbors from `cfg`; `ports` are the running ports in the order
    /// of cfg.ports; cfg.neighbor_routers' nar_address become the tunnel peers (at most
    /// max_tunnel_peers).
    /// `local_addresses` are more addresses of mipgate's own (the SEND router's
    /// CGAs, link-local and global): each, and its solicited-node group, becomes a /128 receive
    /// entry like the configured port addresses. `name` makes DPDK object names unique.
    /// Control thread; allocates; start-up or reload only.
    static result<std::unique_ptr<forwarding_tables>> build(const config::config& cfg,
                                                            std::span<const port_binding> ports,
                                                            const std::string& name, int socket_id,
                                                            std::span<const ipv6_addr> local_addresses = {});

    // Readers below: any thread (workers read concurrently), no allocation, never block.
    /// The FIB for rte_fib6_lookup_bulk.
    rte_fib6* fib() const noexcept { return _fib; }
    /// Neighbor table (read side).
    const neighbor_table& neighbors() const noexcept { return _neighbors; }
    /// Neighbor table (write side): control thread only.
    neighbor_table& neighbors() noexcept { return _neighbors; }
    /// The next hop behind a FIB value >= nh_first.
    const nexthop& hop(std::uint64_t nh) const noexcept { return _nexthops[nh - nh_first]; }
    /// Number of distinct next hops.
    std::size_t nexthop_count() const noexcept { return _nexthops.size(); }
    /// Per-port MAC/MTU, in configuration order.
    std::span<const port_entry> ports() const noexcept { return _ports; }
    /// Neighbour routers whose IPv6-in-IPv6 tunnels we decapsulate (by router address).
    std::span<const tunnel_peer> tunnel_peers() const noexcept { return {_peers.data(), _npeers}; }
    /// True when an outer source `src` (16 bytes) is a configured tunnel peer. A scan of at most
    /// max_tunnel_peers entries: tunnelled packets are a small share, the list is tiny, and a
    /// second FIB would cost a 32 MiB tbl24 for 16 prefixes. Any thread; no allocation.
    bool is_tunnel_peer(const std::uint8_t* src) const noexcept {
        for (std::size_t i = 0; i < _npeers; ++i) {
            if (_peers[i].matches(src)) {
                return true;
            }
        }
        return false;
    }
    /// Index into ports() of a DPDK port id, or -1.
    int port_index(std::uint16_t port_id) const noexcept {
        return port_id < max_port_ids ? _index_of_port[port_id] : -1;
    }

private:
    forwarding_tables() = default;

    rte_fib6* _fib = nullptr;
    neighbor_table _neighbors;
    std::vector<nexthop> _nexthops;
    std::vector<port_entry> _ports;
    std::array<std::int16_t, max_port_ids> _index_of_port{};
    std::array<tunnel_peer, max_tunnel_peers> _peers{};
    std::size_t _npeers = 0;
};

} // namespace mipgate::fastpath
