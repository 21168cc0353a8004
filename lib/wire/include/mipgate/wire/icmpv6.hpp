#pragma once
// ICMPv6 header and checksum (RFC 4443 §2.1, §2.3), type numbers used by mipgate, and the
// `parsed<T>` wrapper the message parsers return.

#include "mipgate/common/bytes.hpp"
#include "mipgate/common/ipv6_addr.hpp"
#include "mipgate/wire/status.hpp"

#include <cstdint>

namespace mipgate::wire {

inline constexpr std::uint8_t icmp6_dst_unreach = 1;
inline constexpr std::uint8_t icmp6_packet_too_big = 2;
inline constexpr std::uint8_t icmp6_time_exceeded = 3;
inline constexpr std::uint8_t icmp6_param_problem = 4;
inline constexpr std::uint8_t icmp6_echo_request = 128;
inline constexpr std::uint8_t icmp6_echo_reply = 129;
inline constexpr std::uint8_t icmp6_rs = 133;            ///< RFC 4861 §4.1
inline constexpr std::uint8_t icmp6_ra = 134;            ///< RFC 4861 §4.2
inline constexpr std::uint8_t icmp6_ns = 135;            ///< RFC 4861 §4.3
inline constexpr std::uint8_t icmp6_na = 136;            ///< RFC 4861 §4.4
inline constexpr std::uint8_t icmp6_redirect = 137;      ///< RFC 4861 §4.5
inline constexpr std::uint8_t icmp6_dhaad_request = 144; ///< RFC 6275 §6.5
inline constexpr std::uint8_t icmp6_dhaad_reply = 145;   ///< RFC 6275 §6.6
inline constexpr std::uint8_t icmp6_mps = 146;           ///< RFC 6275 §6.7
inline constexpr std::uint8_t icmp6_mpa = 147;           ///< RFC 6275 §6.8
inline constexpr std::uint8_t icmp6_cps = 148;           ///< RFC 3971 §6.4.1
inline constexpr std::uint8_t icmp6_cpa = 149;           ///< RFC 3971 §6.4.2
inline constexpr std::uint8_t icmp6_fmip = 154;          ///< RFC 5268 §6.1 (IANA; RFC 5568)

/// ICMPv6 message header, RFC 4443 §2.1.
struct [[gnu::packed]] icmpv6_hdr {
    std::uint8_t type;
    std::uint8_t code;
    be16 checksum;
};
static_assert(sizeof(icmpv6_hdr) == 4);

/// A parser's answer: status plus the decoded message (meaningful only when ok()).
/// bytes_view members point into the parsed buffer.
template <class T>
struct parsed {
    wire_status status = wire_status::truncated;
    T msg{};

    bool ok() const noexcept { return status == wire_status::ok; }
    explicit operator bool() const noexcept { return ok(); }
    const T* operator->() const noexcept { return &msg; }
    const T& operator*() const noexcept { return msg; }
};

/// True when `msg` (the whole ICMPv6 message) carries a correct checksum for src → dst.
/// Any thread; no allocation; never blocks.
bool icmpv6_checksum_ok(const ipv6_addr& src, const ipv6_addr& dst, bytes_view msg) noexcept;

/// Computes and stores the checksum of `msg` (size ≥ 4) for src → dst; returns false when the
/// message is shorter than the ICMPv6 header. Any thread; no allocation; never blocks.
bool icmpv6_fill_checksum(const ipv6_addr& src, const ipv6_addr& dst, bytes_mut msg) noexcept;

/// Checks that an ND-style options area splits into whole options (no zero Length, no overrun);
/// the cheap validation every ND message parser runs (RFC 4861 §6.1.1). No allocation.
bool nd_options_well_formed(bytes_view options) noexcept;

} // namespace mipgate::wire
