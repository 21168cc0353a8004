#pragma once
// Mobile IPv6 ICMPv6 messages (RFC 6275 §6.5–6.8): Home Agent Address Discovery Request/Reply
// (144/145) and Mobile Prefix Solicitation/Advertisement (146/147). Builders leave Checksum 0.

#include "mipgate/common/bytes.hpp"
#include "mipgate/common/ipv6_addr.hpp"
#include "mipgate/wire/icmpv6.hpp"

#include <cstdint>

namespace mipgate::wire {

inline constexpr std::uint16_t dhaad_flag_nemo_r = 0x8000; ///< RFC 3963 R bit in Reserved
inline constexpr std::uint16_t mpa_flag_managed = 0x8000;  ///< M
inline constexpr std::uint16_t mpa_flag_other = 0x4000;    ///< O

/// DHAAD Request (144): Identifier(2) | Reserved(2).
struct dhaad_request_msg {
    std::uint16_t identifier = 0;
    std::uint16_t reserved = 0; ///< kept as sent (NEMO R = 0x8000)
};

/// DHAAD Reply (145): Identifier(2) | Reserved(2) | Home Agent Addresses (16 each).
struct dhaad_reply_msg {
    std::uint16_t identifier = 0;
    std::uint16_t reserved = 0;
    bytes_view addresses; ///< n × 16 bytes

    std::size_t count() const noexcept { return addresses.size() / 16; }
    ipv6_addr address(std::size_t i) const noexcept {
        return ipv6_addr::from_bytes(&addresses[i * 16]);
    }
};

/// MPS (146): Identifier(2) | Reserved(2).
struct mps_msg {
    std::uint16_t identifier = 0;
};

/// MPA (147): Identifier(2) | M|O + Reserved(14) | options (Prefix Information).
struct mpa_msg {
    std::uint16_t identifier = 0;
    std::uint16_t flags = 0; ///< mpa_flag_*
    bytes_view options;
};

// Parsers: Type, Code 0, minimum length 8; reply addresses a multiple of 16; MPA options well
// formed. Any thread; no allocation; never block.
/// Type 144, Code 0, ≥ 8 bytes. Any thread; no allocation; never blocks.
parsed<dhaad_request_msg> parse_dhaad_request(bytes_view icmp) noexcept;
/// Type 145, Code 0, ≥ 8 bytes, addresses a multiple of 16 (bad_length). Any thread; no allocation;
/// never blocks.
parsed<dhaad_reply_msg> parse_dhaad_reply(bytes_view icmp) noexcept;
/// Type 146, Code 0, ≥ 8 bytes. Any thread; no allocation; never blocks.
parsed<mps_msg> parse_mps(bytes_view icmp) noexcept;
/// Type 147, Code 0, ≥ 8 bytes, options well formed. Any thread; no allocation; never blocks.
parsed<mpa_msg> parse_mpa(bytes_view icmp) noexcept;

// Builders (checksum 0). Any thread; no allocation; never block.
/// 8 bytes, checksum 0. Any thread; no allocation; never blocks.
build_result build_dhaad_request(bytes_mut out, const dhaad_request_msg& m) noexcept;
/// 8 + 16n bytes (addresses must be a multiple of 16), checksum 0. Any thread; no allocation; never
/// blocks.
build_result build_dhaad_reply(bytes_mut out, const dhaad_reply_msg& m) noexcept;
/// 8 bytes, Reserved 0, checksum 0. Any thread; no allocation; never blocks.
build_result build_mps(bytes_mut out, const mps_msg& m) noexcept;
/// 8 bytes + options, only M/O kept in the flags, checksum 0. Any thread; no allocation; never
/// blocks.
build_result build_mpa(bytes_mut out, const mpa_msg& m) noexcept;

} // namespace mipgate::wire
