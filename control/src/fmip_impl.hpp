#pragma once
// Private state of fmip_service, shared by its source files (dispatch and timers, PAR, NAR,
// frame builders).

#include "mipgate/control/fmip_service.hpp"
#include "mipgate/control/rate_limit.hpp"
#include "mipgate/wire/ipv6.hpp"

#include <cstdint>
#include <deque>
#include <mutex>
#include <unordered_map>

namespace mipgate::control {

/// A handover waiting for the NAR's HAck (RFC 5268 §5.1: the PAR SHOULD NOT send the FBack
/// before the HAck).
struct pending_hi {
    std::uint16_t id = 0;        ///< HI Identifier, copied into the HAck
    ipv6_addr pcoa;              ///< FBU HAO
    ipv6_addr ncoa;              ///< Alternate CoA, else FBU source
    ipv6_addr par;               ///< FBU destination: the BADF "PAR address"
    ipv6_addr fbu_src;
    ipv6_addr nar;               ///< neighbor_routers[].nar_address the HI went to
    std::uint16_t seq = 0;
    std::uint16_t lifetime = 0;  ///< FBU Lifetime, seconds
    unsigned retries_left = 0;
    std::uint64_t timeout_ms = 0;
    std::uint64_t deadline_ms = 0;
    tx_frame hi;                 ///< the HI as sent, for retransmission
};

/// A neighbour entry the NAR installed for an NCoA.
struct proxy_entry {
    std::uint16_t port = 0;      ///< config port index
    mac_addr mac;
    std::uint64_t expires_ms = 0;
};

struct fmip_service::impl {
    impl(const config::config& c, fmip_deps d, fmip_counters& ctr)
        : cfg(c), deps(std::move(d)), counters(ctr), fmip(c.fmip),
          max_tunnel_lifetime_s(c.handover_keys.max_tunnel_lifetime_s) {}

    const config::config& cfg;  ///< ports and neighbor_routers (restart-only settings)
    fmip_deps deps;
    fmip_counters& counters;
    config::fmip_cfg fmip;                  ///< reloadable (set_policy)
    std::uint32_t max_tunnel_lifetime_s;    ///< reloadable (set_policy)

    // PAR
    std::unordered_map<ipv6_addr, std::uint16_t, ipv6_addr_hash> last_seq; ///< per PCoA
    std::unordered_map<std::uint16_t, pending_hi> pending;                 ///< by HI Identifier
    std::unordered_map<ipv6_addr, std::uint16_t, ipv6_addr_hash> pending_by_pcoa;
    std::uint16_t next_id = 1;
    std::uint64_t last_sweep_s = 0;
    std::uint64_t last_seq_prune_s = 0;
    /// Earliest HI deadline (or later): tick skips the walk before it. UINT64_MAX = none.
    std::uint64_t pending_next_ms = UINT64_MAX;
    /// Held around every binding-table write and by list_bindings (telemetry thread).
    mutable std::mutex view_mu;

    // NAR
    std::unordered_map<ipv6_addr, proxy_entry, ipv6_addr_hash> proxies;    ///< by NCoA
    std::uint64_t proxy_next_ms = UINT64_MAX; ///< earliest proxy expiry (or later)

    std::deque<tx_frame> out;

    std::uint64_t now_ms() const;
    std::uint64_t now_s() const { return now_ms() / 1000; }

    // dispatch
    void on_fbu(std::uint16_t port, const mac_addr& src_mac, const wire::ipv6_view& v, bytes_view ip);
    void on_hi(const wire::ipv6_view& v, bytes_view ip);
    void on_hack(const wire::ipv6_view& v, bytes_view ip);

    // PAR (fmip_par.cpp)
    /// Index into cfg.neighbor_routers whose nar_prefix is the longest covering `ncoa`, or -1.
    int nar_for(const ipv6_addr& ncoa) const noexcept;
    /// The binding's outer source (docs/fmip-interface "Tunnel").
    ipv6_addr tunnel_src_for(const ipv6_addr& par, const ipv6_addr& pcoa) const noexcept;
    /// First global address of config port `port`, if any.
    std::optional<ipv6_addr> global_address(std::uint16_t port) const noexcept;
    void send_hi(pending_hi& p, const mac_addr& mn_mac);
    void finish_handover(const pending_hi& p, std::uint8_t status, const std::optional<ipv6_addr>& assigned);
    /// Signs and queues FBack(s) for a handover: to the NCoA, and to the PCoA when the FBU came
    /// from the PAR's link. `alt` goes in an Alternate CoA option (status 1).
    void send_fback(const ipv6_addr& pcoa, const ipv6_addr& ncoa, const ipv6_addr& par, const ipv6_addr& fbu_src,
                    std::uint16_t seq, std::uint8_t status, std::uint16_t lifetime,
                    const std::optional<ipv6_addr>& alt);
    /// Removes the PCoA's handover key (RFC 5269 §3.6) and its sequence state.
    void discard_key(const ipv6_addr& pcoa);
    void cancel_pending(const ipv6_addr& pcoa);
    unsigned tick_par(std::uint64_t now);

    // NAR (fmip_nar.cpp)
    void send_hack(const wire::ipv6_view& hi, std::uint16_t id, std::uint8_t code);
    unsigned tick_nar(std::uint64_t now);

    // frames (fmip_build.cpp)
    /// Wraps an upper-layer message (`payload`, next header `nh`, checksum already set) in IPv6
    /// (Hop Limit 64) and Ethernet toward `dst` and queues it; counts no_route_out /
    /// frame_too_large. Returns the frame (for HI retransmission) or nullopt.
    std::optional<tx_frame> emit(std::uint8_t nh, const ipv6_addr& src, const ipv6_addr& dst, bytes_view payload);
};

/// RFC 6275 §9.5.1: `seq` is newer than `last` modulo 2^16.
inline bool seq_newer(std::uint16_t seq, std::uint16_t last) noexcept {
    const auto d = static_cast<std::uint16_t>(seq - last);
    return d != 0 && d < 0x8000;
}

} // namespace mipgate::control
