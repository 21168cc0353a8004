#pragma once
// The FMIPv6 control plane (RFC 5268, design §1–2, docs/fmip-interface.md "Control side").
//
// PAR: a worker verified an FBU's BADF with the PCoA's handover key and put it on the slow-path
// ring. Here: per-PCoA sequence check (RFC 6275 §9.5.1) → NAR by longest-prefix match of the NCoA
// over cfg.neighbor_routers → HI (ICMPv6 154/4) with retransmissions → HAck (154/5) → binding
// PCoA → NCoA in the binding table the workers tunnel with → FBack (MH 9, BADF signed with the
// same key). Lifetime 0 ends the binding; a binding that ends discards the PCoA's handover key
// (RFC 5269 §3.6).
// NAR: HI → checks → HAck, and a neighbour entry NCoA → MN link-layer address on the port whose
// prefix holds the NCoA, removed after max(PROXY_ND_LIFETIME, max tunnel lifetime).
//
// Threads: everything runs on the control lcore (no RSA here, so no helper threads); the binding
// table and neighbour table have this service as their single writer. list_bindings() and the
// counters may be read from other threads (telemetry).

#include "mipgate/common/bytes.hpp"
#include "mipgate/common/ipv6_addr.hpp"
#include "mipgate/common/result.hpp"
#include "mipgate/config/config.hpp"
#include "mipgate/control/fmip_counters.hpp"
#include "mipgate/control/key_service.hpp"
#include "mipgate/control/packet.hpp"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

namespace mipgate::tables {
class binding_table;
}
namespace mipgate::fastpath {
class neighbor_table;
class forwarding_tables;
}

namespace mipgate::control {

/// Where a frame for some IPv6 destination leaves: config port index and next-hop MAC.
struct fmip_next_hop {
    std::uint16_t port = 0;
    mac_addr mac;
};
/// Resolves a destination to its egress; nullopt = no route or no neighbour (no_route_out).
using fmip_resolver = std::function<std::optional<fmip_next_hop>(const ipv6_addr&)>;

/// The resolver over the running forwarding state: FIB route → next hop (the destination when
/// on-link) → neighbour table on that port, else a neighbor_routers[] entry whose nar_address is
/// that next hop (its nar_mac). `fwd` and `cfg` must outlive it. Control lcore; no allocation
/// per call; never blocks.
fmip_resolver make_fib_resolver(const fastpath::forwarding_tables& fwd, const config::config& cfg);

/// One binding as the operator sees it (`show bindings`, `show tunnels`, /mipgate/bindings).
struct binding_info {
    ipv6_addr pcoa, ncoa, tunnel_src;
    std::uint64_t remaining_s = 0;
    std::uint16_t seq = 0;
    std::uint64_t encapsulated = 0;
    std::uint64_t reverse = 0;
};

struct fmip_deps {
    key_service* keys = nullptr;                ///< handover keys: FBack signing, discard
    tables::binding_table* bindings = nullptr;  ///< PAR role; null → FBUs refused (FBack 130)
    fastpath::neighbor_table* neighbors = nullptr; ///< NAR role proxy entries; null → HAck 130
    std::vector<port_info> ports;               ///< indexed like cfg.ports
    std::vector<std::uint16_t> port_ids;        ///< DPDK port ids (neighbour table key), like cfg.ports
    fmip_resolver resolve;                      ///< egress for HI, HAck, FBack
    /// Monotonic milliseconds; empty = CLOCK_MONOTONIC. Binding lifetimes use now_ms / 1000,
    /// the tables::now_s() base the workers compare with.
    std::function<std::uint64_t()> clock_ms;
};

class fmip_service {
public:
    /// Builds the service (no threads). `cfg` and everything in `deps` must outlive it.
    /// Control thread; allocates.
    static result<std::unique_ptr<fmip_service>> create(const config::config& cfg, fmip_deps deps);
    ~fmip_service();
    fmip_service(const fmip_service&) = delete;
    fmip_service& operator=(const fmip_service&) = delete;

    /// One packet from the slow-path ring (`ip` = IPv6 header onwards) received on config port
    /// `port` from Ethernet source `src_mac`: a verified FBU (MH type 8), an HI or a HAck.
    /// Anything else is counted (not_fmip). Control lcore; allocates; never blocks.
    void submit(std::uint16_t port, const mac_addr& src_mac, bytes_view ip);

    /// Timers: HI retransmissions and timeouts, binding expiry (→ key discard), proxy entry
    /// removal. Call often (every control_poll). Returns the work done. Control lcore; allocates.
    unsigned tick();

    /// Moves up to `max` finished frames into `out` (appended). Control lcore; never blocks.
    std::size_t take_frames(std::vector<tx_frame>& out, std::size_t max = SIZE_MAX);

    /// Reload: fmip.roles, hi_retries, hi_timeout_ms, proxy_nd_lifetime_ms and
    /// handover_keys.max_tunnel_lifetime_s from `next` apply to handovers, bindings and proxy
    /// entries made from now on (running ones keep their timers). Control lcore; no allocation.
    void set_policy(const config::config& next) noexcept;

    /// Forwarding tables were rebuilt (reload): moves the NAR's proxy entries into the new
    /// neighbour table and uses `resolve` from now on. Call before the new tables are published.
    /// Control lcore; never blocks.
    void retarget(fastpath::neighbor_table* neighbors, fmip_resolver resolve);

    /// True when `ip` (IPv6 header onwards) is for this service: MH, or ICMPv6 154 subtype 4/5.
    /// Any thread; no allocation; never blocks.
    static bool wants(bytes_view ip) noexcept;

    /// Up to `max` bindings for the operator. Any thread (takes the service's view mutex).
    std::vector<binding_info> list_bindings(std::size_t max = SIZE_MAX) const;
    /// Handovers waiting for a HAck, proxy entries held (NAR). Control lcore.
    std::size_t pending_handovers() const noexcept;
    std::size_t proxy_entries() const noexcept;

    const fmip_counters& counters() const noexcept { return _counters; }

    struct impl;

private:
    fmip_service() = default;
    fmip_counters _counters;
    std::unique_ptr<impl> _impl;
};

} // namespace mipgate::control
