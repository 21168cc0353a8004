#pragma once
// Codecs for the basic ND options (RFC 4861 §4.6.1, §4.6.2, §4.6.4). Every option parser takes
// the option's bytes from its Type byte (nd_option::raw) and uses the first 8×Length bytes.
// Builders write one whole option (zero padded to 8n) and return its length.

#include "mipgate/common/bytes.hpp"
#include "mipgate/common/ipv6_addr.hpp"
#include "mipgate/wire/icmpv6.hpp"
#include "mipgate/wire/nd_options.hpp"

#include <cstdint>

namespace mipgate::wire {

inline constexpr std::uint8_t prefix_flag_onlink = 0x80;     ///< L
inline constexpr std::uint8_t prefix_flag_autonomous = 0x40; ///< A
inline constexpr std::uint8_t prefix_flag_router = 0x20;     ///< R (RFC 6275 §7.2)

/// Source/Target Link-Layer Address (types 1/2), RFC 4861 §4.6.1.
struct lla_opt {
    std::uint8_t type = nd_opt_slla;
    bytes_view lla; ///< everything after Type and Length (an Ethernet address is the first 6)

    /// The Ethernet address (first 6 bytes). Only meaningful when lla.size() >= 6.
    mac_addr mac() const noexcept;
};

/// Prefix Information (type 3), RFC 4861 §4.6.2: Length 4.
struct prefix_info_opt {
    std::uint8_t prefix_len = 0;
    std::uint8_t flags = 0; ///< prefix_flag_*
    std::uint32_t valid_lifetime = 0;
    std::uint32_t preferred_lifetime = 0;
    ipv6_addr prefix;
};

/// MTU (type 5), RFC 4861 §4.6.4: Length 1.
struct mtu_opt {
    std::uint32_t mtu = 0;
};

// Parsers: any thread; no allocation; never block.
/// Type 1 or 2; Ethernet needs ≥ 6 address bytes (Length ≥ 1 gives them).
parsed<lla_opt> parse_lla_opt(bytes_view raw) noexcept;
/// Length exactly 4, prefix length ≤ 128.
parsed<prefix_info_opt> parse_prefix_info_opt(bytes_view raw) noexcept;
/// Length exactly 1.
parsed<mtu_opt> parse_mtu_opt(bytes_view raw) noexcept;

// Builders: any thread; no allocation; never block.
/// Type 1 or 2 with a 6-byte Ethernet address (8 bytes).
build_result build_lla_opt(bytes_mut out, std::uint8_t type, const mac_addr& mac) noexcept;
/// 32 bytes, L=4; prefix_len ≤ 128. Any thread; no allocation; never blocks.
build_result build_prefix_info_opt(bytes_mut out, const prefix_info_opt& o) noexcept;
/// 8 bytes, L=1. Any thread; no allocation; never blocks.
build_result build_mtu_opt(bytes_mut out, std::uint32_t mtu) noexcept;

} // namespace mipgate::wire
