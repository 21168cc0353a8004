#pragma once
// SEND Certification Path Solicitation / Advertisement (RFC 3971 §6.4.1–6.4.2).
// Builders leave Checksum 0.

#include "mipgate/common/bytes.hpp"
#include "mipgate/wire/icmpv6.hpp"

#include <cstdint>

namespace mipgate::wire {

inline constexpr std::uint16_t cps_all_components = 65535;

/// CPS (148): Identifier(2) | Component(2) | options (Trust Anchor…).
struct cps_msg {
    std::uint16_t identifier = 0;
    std::uint16_t component = cps_all_components;
    bytes_view options;
};

/// CPA (149): Identifier(2) | All Components(2) | Component(2) | Reserved(2) | options.
struct cpa_msg {
    std::uint16_t identifier = 0;
    std::uint16_t all_components = 0;
    std::uint16_t component = 0;
    bytes_view options;
};

/// Type 148, Code 0, length ≥ 8, options well formed. Any thread; no allocation; never blocks.
parsed<cps_msg> parse_cps(bytes_view icmp) noexcept;
/// Type 149, Code 0, length ≥ 12, options well formed. Any thread; no allocation; never blocks.
parsed<cpa_msg> parse_cpa(bytes_view icmp) noexcept;
/// Any thread; no allocation; never blocks.
build_result build_cps(bytes_mut out, const cps_msg& m) noexcept;
/// Any thread; no allocation; never blocks.
build_result build_cpa(bytes_mut out, const cpa_msg& m) noexcept;

} // namespace mipgate::wire
