#pragma once
// FMIPv6 ND options (RFC 5268 §6.4) and Handover Key Request/Reply (RFC 5269 §4). Parsers take
// the option from its Type byte (nd_option::raw); builders write one option, padded to 8n.

#include "mipgate/common/bytes.hpp"
#include "mipgate/common/ipv6_addr.hpp"
#include "mipgate/wire/icmpv6.hpp"
#include "mipgate/wire/nd_options.hpp"

#include <cstdint>
#include <optional>

namespace mipgate::wire {

// IP Address/Prefix option codes (RFC 5268 §6.4.1).
inline constexpr std::uint8_t ip_addr_code_pcoa = 1;
inline constexpr std::uint8_t ip_addr_code_ncoa = 2;
inline constexpr std::uint8_t ip_addr_code_nar_ip = 3;
inline constexpr std::uint8_t ip_addr_code_nar_prefix = 4;
// Link-Layer Address option codes (RFC 5268 §6.4.3).
inline constexpr std::uint8_t lla_code_wildcard = 0;
inline constexpr std::uint8_t lla_code_new_ap = 1;
inline constexpr std::uint8_t lla_code_mn = 2;
inline constexpr std::uint8_t lla_code_nar = 3;
inline constexpr std::uint8_t lla_code_source = 4;
inline constexpr std::uint8_t lla_code_current_ap = 5;
inline constexpr std::uint8_t lla_code_no_prefix = 6;
inline constexpr std::uint8_t lla_code_no_fast_handover = 7;
// NAACK status (RFC 5268 §6.4.2).
inline constexpr std::uint8_t naack_ncoa_invalid = 1;
inline constexpr std::uint8_t naack_use_supplied_ncoa = 2;
inline constexpr std::uint8_t naack_use_nar_ip = 3;
inline constexpr std::uint8_t naack_pcoa_supplied = 4;
inline constexpr std::uint8_t naack_lla_unrecognized = 128;

/// IP Address/Prefix option (17): T, L=3, Option-Code, Prefix Length, Reserved(4), Address(16).
struct ip_addr_opt {
    std::uint8_t code = ip_addr_code_ncoa;
    std::uint8_t prefix_len = 128;
    ipv6_addr addr;
};

/// FMIPv6 Link-Layer Address option (19): T, L, Option-Code, LLA, zero pad to 8n.
struct lla_fmip_opt {
    std::uint8_t code = lla_code_mn;
    bytes_view lla; ///< LLA plus padding (the LLA length is link-specific; Ethernet = first 6)

    mac_addr mac() const noexcept; ///< first 6 bytes; meaningful when lla.size() >= 6
};

/// Neighbor Advertisement Acknowledgment (20): T, L=1|3, Option-Code=0, Status, Reserved(4)
/// [, NCoA(16) when L=3 — RFC 5268 §6.4.2 places it after Reserved].
struct naack_opt {
    std::uint8_t code = 0;
    std::uint8_t status = 0;
    std::optional<ipv6_addr> ncoa;
};

/// Handover Key Request (27): T, L, Pad Length, AT(high nibble)|Reserved, public key, padding.
struct hk_request_opt {
    std::uint8_t pad_length = 0;
    std::uint8_t at = 0;   ///< 0–15 (design.md §4: 0 HMAC-SHA1, 1 HMAC-SHA256)
    bytes_view public_key; ///< DER SubjectPublicKeyInfo
};

/// Handover Key Reply (28): T, L, Pad Length, AT|Reserved, Key Lifetime(2), encrypted key, pad.
struct hk_reply_opt {
    std::uint8_t pad_length = 0;
    std::uint8_t at = 0;
    std::uint16_t lifetime = 0; ///< seconds
    bytes_view encrypted_key;   ///< RSAES-PKCS1-v1_5 ciphertext
};

// Parsers: any thread; no allocation; never block.
/// Length exactly 3, prefix length ≤ 128.
parsed<ip_addr_opt> parse_ip_addr_opt(bytes_view raw) noexcept;
/// Length ≥ 1; the LLA view includes the zero padding. Any thread; no allocation; never blocks.
parsed<lla_fmip_opt> parse_lla_fmip_opt(bytes_view raw) noexcept;
/// Length 1 or 3.
parsed<naack_opt> parse_naack_opt(bytes_view raw) noexcept;
/// Pad Length must leave ≥ 1 key byte inside the option (bad_padding otherwise).
parsed<hk_request_opt> parse_hk_request_opt(bytes_view raw) noexcept;
/// Pad Length must leave ≥ 1 encrypted-key byte after the Key Lifetime (bad_padding). Any thread;
/// no allocation; never blocks.
parsed<hk_reply_opt> parse_hk_reply_opt(bytes_view raw) noexcept;

// Builders: any thread; no allocation; never block.
/// 24 bytes, L=3; prefix_len ≤ 128. Any thread; no allocation; never blocks.
build_result build_ip_addr_opt(bytes_mut out, const ip_addr_opt& o) noexcept;
/// Code + LLA bytes, zero padded to 8n (Ethernet: 16 bytes, L=2).
build_result build_lla_fmip_opt(bytes_mut out, std::uint8_t code, bytes_view lla) noexcept;
/// L=1, or L=3 with the NCoA after Reserved when `ncoa` is set. Any thread; no allocation; never
/// blocks.
build_result build_naack_opt(bytes_mut out, const naack_opt& o) noexcept;
/// at ≤ 15, key non-empty.
build_result build_hk_request_opt(bytes_mut out, std::uint8_t at, bytes_view public_key) noexcept;
build_result build_hk_reply_opt(bytes_mut out, std::uint8_t at, std::uint16_t lifetime,
                                bytes_view encrypted_key) noexcept;

} // namespace mipgate::wire
