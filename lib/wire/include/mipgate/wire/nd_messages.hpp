#pragma once
// Neighbor Discovery messages RS, RA, NS, NA (RFC 4861 §4.1–4.4). Parsers take the whole ICMPv6
// message (from the Type byte) and check Type, Code 0, minimum length and that the options area
// splits into whole options (§6.1). IP-level checks (Hop Limit 255, addresses) and the checksum
// are the caller's. Builders write the message with Checksum 0: finish with icmpv6_fill_checksum.

#include "mipgate/common/bytes.hpp"
#include "mipgate/common/ipv6_addr.hpp"
#include "mipgate/wire/icmpv6.hpp"

#include <cstdint>

namespace mipgate::wire {

inline constexpr std::uint8_t ra_flag_managed = 0x80;   ///< M
inline constexpr std::uint8_t ra_flag_other = 0x40;     ///< O
inline constexpr std::uint8_t na_flag_router = 0x80;    ///< R
inline constexpr std::uint8_t na_flag_solicited = 0x40; ///< S
inline constexpr std::uint8_t na_flag_override = 0x20;  ///< O

/// Router Solicitation, RFC 4861 §4.1: Reserved(4), options from byte 8.
struct rs_msg {
    bytes_view options;
};

/// Router Advertisement, RFC 4861 §4.2: options from byte 16.
struct ra_msg {
    std::uint8_t cur_hop_limit = 0;
    std::uint8_t flags = 0;            ///< ra_flag_* (Prf and other bits kept as sent)
    std::uint16_t router_lifetime = 0; ///< seconds
    std::uint32_t reachable_time = 0;  ///< ms
    std::uint32_t retrans_timer = 0;   ///< ms
    bytes_view options;
};

/// Neighbor Solicitation, RFC 4861 §4.3: Reserved(4), Target(16), options from byte 24.
struct ns_msg {
    ipv6_addr target;
    bytes_view options;
};

/// Neighbor Advertisement, RFC 4861 §4.4: R|S|O + 29 reserved bits, Target(16), options.
struct na_msg {
    std::uint8_t flags = 0; ///< na_flag_* (the first byte of the flags word)
    ipv6_addr target;
    bytes_view options;
};

// Parsers: any thread; no allocation; never block.
/// RS: Type 133, Code 0, length ≥ 8.
parsed<rs_msg> parse_rs(bytes_view icmp) noexcept;
/// RA: Type 134, Code 0, length ≥ 16.
parsed<ra_msg> parse_ra(bytes_view icmp) noexcept;
/// NS: Type 135, Code 0, length ≥ 24, Target not multicast.
parsed<ns_msg> parse_ns(bytes_view icmp) noexcept;
/// NA: Type 136, Code 0, length ≥ 24, Target not multicast.
parsed<na_msg> parse_na(bytes_view icmp) noexcept;

// Builders: any thread; no allocation; never block. `options` (already-built ND options) is
// copied after the fixed part; it may already sit at that place in `out`.
/// RS with Reserved 0. Any thread; no allocation; never blocks.
build_result build_rs(bytes_mut out, const rs_msg& m) noexcept;
/// RA, flags byte as given. Any thread; no allocation; never blocks.
build_result build_ra(bytes_mut out, const ra_msg& m) noexcept;
/// NS; a multicast target is refused (bad_argument). Any thread; no allocation; never blocks.
build_result build_ns(bytes_mut out, const ns_msg& m) noexcept;
/// NA; only R/S/O kept; a multicast target is refused. Any thread; no allocation; never blocks.
build_result build_na(bytes_mut out, const na_msg& m) noexcept;

} // namespace mipgate::wire
