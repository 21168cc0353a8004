#pragma once
// SEND ND options (RFC 3971 §5.1, §5.2, §5.3.1, §5.3.2, §6.4.3, §6.4.4). Parsers take the option
// from its Type byte (nd_option::raw); builders write one option, padded to 8n.

#include "mipgate/common/bytes.hpp"
#include "mipgate/wire/icmpv6.hpp"
#include "mipgate/wire/nd_options.hpp"

#include <cstdint>

namespace mipgate::wire {

inline constexpr std::size_t send_key_hash_len = 16;
inline constexpr std::uint8_t ta_name_der = 1;    ///< Trust Anchor Name Type: DER X.501 Name
inline constexpr std::uint8_t ta_name_fqdn = 2;   ///< Trust Anchor Name Type: FQDN
inline constexpr std::uint8_t cert_type_x509 = 1; ///< Certificate Type: X.509v3

/// CGA option (11): T, L, Pad Length, Reserved, CGA Parameters, Padding (RFC 3971 §5.1).
struct cga_opt {
    std::uint8_t pad_length = 0;
    bytes_view params; ///< CGA Parameters (RFC 3972 §3), without the padding
};

/// RSA Signature option (12): T, L, Reserved(2), Key Hash(16), Digital Signature, Padding.
struct rsa_sig_opt {
    bytes_view key_hash;  ///< 16 bytes
    bytes_view signature; ///< sig_len bytes, or signature + padding when sig_len was not given
    bytes_view padding;
};

/// Timestamp option (13): T, L=2, Reserved(6), Timestamp(8) — 48.16 fixed-point seconds since
/// 1970 (RFC 3971 §5.3.1).
struct timestamp_opt {
    std::uint64_t value = 0;
};

/// Nonce option (14): T, L, Nonce (6, 14, 22… bytes).
struct nonce_opt {
    bytes_view nonce;
};

/// Trust Anchor option (15): T, L, Name Type, Pad Length, Name, Padding (RFC 3971 §6.4.3).
struct trust_anchor_opt {
    std::uint8_t name_type = ta_name_der;
    std::uint8_t pad_length = 0;
    bytes_view name;
};

/// Certificate option (16): T, L, Cert Type, Reserved, Certificate, Padding (RFC 3971 §6.4.4).
/// The certificate's length comes from its DER header; padding follows it.
struct certificate_opt {
    std::uint8_t cert_type = cert_type_x509;
    bytes_view certificate;
    bytes_view padding;
};

// Parsers: any thread; no allocation; never block.
/// Pad Length must leave ≥ 1 parameter byte inside the option (bad_padding otherwise).
parsed<cga_opt> parse_cga_opt(bytes_view raw) noexcept;
/// Signature = all bytes after the Key Hash (incl. padding): used before the key is known.
parsed<rsa_sig_opt> parse_rsa_sig_opt(bytes_view raw) noexcept;
/// With the signature length (= modulus length): padding must be 0–7 bytes (bad_length else).
parsed<rsa_sig_opt> parse_rsa_sig_opt(bytes_view raw, std::size_t sig_len) noexcept;
/// Length exactly 2.
parsed<timestamp_opt> parse_timestamp_opt(bytes_view raw) noexcept;
/// Length ≥ 1; the nonce is everything after Type and Length. Any thread; no allocation; never
/// blocks.
parsed<nonce_opt> parse_nonce_opt(bytes_view raw) noexcept;
/// Pad Length must leave ≥ 1 name byte.
parsed<trust_anchor_opt> parse_trust_anchor_opt(bytes_view raw) noexcept;
/// DER length of the certificate must fit and leave < 8 padding bytes.
parsed<certificate_opt> parse_certificate_opt(bytes_view raw) noexcept;

// Builders: any thread; no allocation; never block.
/// Pad Length = zero bytes needed to reach 8n; params non-empty. Any thread; no allocation; never
/// blocks.
build_result build_cga_opt(bytes_mut out, bytes_view params) noexcept;
/// key_hash must be 16 bytes.
build_result build_rsa_sig_opt(bytes_mut out, bytes_view key_hash, bytes_view signature) noexcept;
/// 16 bytes, L=2; value in 48.16 fixed point. Any thread; no allocation; never blocks.
build_result build_timestamp_opt(bytes_mut out, std::uint64_t value) noexcept;
/// nonce size must be 8n-2 (6, 14, …) so the option needs no padding.
build_result build_nonce_opt(bytes_mut out, bytes_view nonce) noexcept;
/// Name Type, Pad Length, name, zero padding to 8n; name non-empty. Any thread; no allocation;
/// never blocks.
build_result build_trust_anchor_opt(bytes_mut out, std::uint8_t name_type,
                                    bytes_view name) noexcept;
/// `certificate` is one DER encoding (its length must match its DER header).
build_result build_certificate_opt(bytes_mut out, std::uint8_t cert_type,
                                   bytes_view certificate) noexcept;

/// Length of the DER TLV at the start of `der` (header + content), or 0 if malformed/short.
/// Any thread; no allocation.
std::size_t der_tlv_length(bytes_view der) noexcept;

} // namespace mipgate::wire
