#pragma once
// Internet checksum (RFC 1071) and the IPv6 upper-layer pseudo-header checksum (RFC 8200 §8.1),
// shared by ICMPv6 (RFC 4443 §2.3) and the Mobility Header (RFC 6275 §6.1.1).

#include "mipgate/common/bytes.hpp"
#include "mipgate/common/ipv6_addr.hpp"

#include <cstdint>

namespace mipgate::wire {

/// Adds `data` to a 16-bit one's-complement partial sum, reading big-endian 16-bit words; an odd
/// trailing byte is padded with zero (so only the last chunk of a chain may have odd length).
/// The returned sum is already folded enough that chaining never overflows.
/// Any thread; no allocation; never blocks.
std::uint32_t csum_add(std::uint32_t sum, bytes_view data) noexcept;

/// Folds a partial sum to 16 bits with end-around carry (not complemented).
/// Any thread; no allocation; never blocks.
std::uint16_t csum_fold(std::uint32_t sum) noexcept;

/// One's complement of the folded sum of the RFC 8200 §8.1 pseudo-header (src, dst, 32-bit
/// upper-layer length = upper.size(), 3 zero bytes, next_header) followed by `upper`.
/// With upper's checksum field zero this is the value to store; when upper already carries a
/// correct checksum it is 0 (verify: `pseudo_checksum(...) == 0`).
/// Any thread; no allocation; never blocks.
std::uint16_t pseudo_checksum(const ipv6_addr& src, const ipv6_addr& dst, std::uint8_t next_header,
                              bytes_view upper) noexcept;

} // namespace mipgate::wire
