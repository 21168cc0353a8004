#pragma once
// FMIPv6 ICMPv6 messages, Type 154 (RFC 5268 §6.1–6.2; IANA type per RFC 5568):
//   0 Type | 1 Code | 2-3 Checksum | 4 Subtype | 5 Reserved (HI: S|U) | 6-7 Identifier | 8..
//   options
// RtSolPr (subtype 2), PrRtAdv (3), HI (4), HAck (5). Builders leave Checksum 0.

#include "mipgate/common/bytes.hpp"
#include "mipgate/wire/icmpv6.hpp"

#include <cstdint>

namespace mipgate::wire {

inline constexpr std::uint8_t fmip_subtype_rtsolpr = 2;
inline constexpr std::uint8_t fmip_subtype_prrtadv = 3;
inline constexpr std::uint8_t fmip_subtype_hi = 4;
inline constexpr std::uint8_t fmip_subtype_hack = 5;
inline constexpr std::uint8_t hi_flag_s = 0x80; ///< assign NCoA (MUST be 0 with Code 1)
inline constexpr std::uint8_t hi_flag_u = 0x40; ///< buffer packets for the NCoA

/// PrRtAdv codes, RFC 5268 §6.1.2.
inline constexpr std::uint8_t prrtadv_code_max = 5;
/// HI codes, RFC 5268 §6.2.1: 0 FBU from PAR link (src PCoA), 1 FBU from NAR link.
inline constexpr std::uint8_t hi_code_max = 1;
/// HAck codes, RFC 5268 §6.2.2.
inline constexpr std::uint8_t hack_code_accepted_valid = 0;
inline constexpr std::uint8_t hack_code_accepted_invalid = 1;
inline constexpr std::uint8_t hack_code_accepted_assigned = 2;
inline constexpr std::uint8_t hack_code_accepted_use_pcoa = 3;
inline constexpr std::uint8_t hack_code_unsolicited = 4;
inline constexpr std::uint8_t hack_code_not_accepted = 128;
inline constexpr std::uint8_t hack_code_admin_prohibited = 129;
inline constexpr std::uint8_t hack_code_no_resources = 130;

/// The common Type 154 layout.
struct fmip_msg {
    std::uint8_t subtype = 0;
    std::uint8_t code = 0;
    std::uint8_t flags = 0; ///< byte 5: HI S/U flags; 0 for the others (Reserved)
    std::uint16_t identifier = 0;
    bytes_view options;
};

/// Any FMIPv6 subtype 2–5, with per-subtype Code checks (RtSolPr 0, PrRtAdv 0–5, HI 0–1 with
/// S clear for Code 1, HAck any). Any thread; no allocation; never blocks.
parsed<fmip_msg> parse_fmip(bytes_view icmp) noexcept;
/// parse_fmip plus a required subtype (bad_type otherwise).
parsed<fmip_msg> parse_fmip(bytes_view icmp, std::uint8_t subtype) noexcept;

/// Writes a Type 154 message (checksum 0) after checking the same rules as parse_fmip.
/// Any thread; no allocation; never blocks.
build_result build_fmip(bytes_mut out, const fmip_msg& m) noexcept;

} // namespace mipgate::wire
