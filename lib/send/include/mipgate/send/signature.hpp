#pragma once
// SEND RSA Signature option (RFC 3971 §5.2): signing and verification.
//
// Signed octets (RFC 3971 §5.2, RFC 3972 §6; design.md §4 "SEND signature"):
//   CGA Message Type tag 086FCA5E10B200C99C8CE00164277C08 | IPv6 source | IPv6 destination |
//   ICMPv6 Type, Code, Checksum | rest of the ICMPv6 header | options before the RSA Signature
// where Checksum is computed over the message TRUNCATED just before the RSA Signature option
// (upper-layer length reduced) — the reading sendd and NDprotector interoperate on. The final
// checksum of the whole message is computed after the option is appended.

#include "mipgate/common/bytes.hpp"
#include "mipgate/common/ipv6_addr.hpp"
#include "mipgate/send/reasons.hpp"
#include "mipgate/send/rsa_key.hpp"

#include <cstddef>
#include <cstdint>

namespace mipgate::send {

/// RFC 3971 §5.2 / RFC 3972 §6 CGA Message Type tag for SEND.
inline constexpr std::uint8_t send_type_tag[16] = {0x08, 0x6F, 0xCA, 0x5E, 0x10, 0xB2, 0x00, 0xC9,
                                                   0x9C, 0x8C, 0xE0, 0x01, 0x64, 0x27, 0x7C, 0x08};

/// RSA Signature option header: Type 12 | Length | Reserved (2) | Key Hash (16).
inline constexpr std::size_t rsa_sig_header_len = 20;

/// Length of the RSA Signature option for a modulus of `sig_len` octets: 20 + sig_len rounded
/// up to 8 (1024-bit key → 152 bytes, Length 19).
constexpr std::size_t rsa_sig_option_len(std::size_t sig_len) noexcept {
    return (rsa_sig_header_len + sig_len + 7) / 8 * 8;
}

/// Offset of the options in an ND/SEND message of this ICMPv6 type (RS 8, RA 16, NS 24, NA 24,
/// Redirect 40, CPS 8, CPA 12, FMIPv6 154: 8), or 0 for types that carry no ND options.
/// Any thread; no allocation.
std::size_t nd_options_offset(std::uint8_t icmp_type) noexcept;

/// Appends an RSA Signature option to the ICMPv6 message msg[0, msg_len) and fixes the
/// checksum: (1) checksum of the truncated message into the Checksum field, (2) sign the octets
/// above, (3) append Type 12, Length, Reserved 0, Key Hash, signature, zero padding, (4) final
/// checksum. Returns the new message length, or 0 (buffer too small, msg_len < 4, crypto failure).
/// The RSA Signature must be the last option, so call this after every other option is built.
/// Any thread (the key is not modified); allocates an EVP context; CPU-heavy (one RSA sign).
std::size_t append_rsa_signature(bytes_mut msg, std::size_t msg_len, const ipv6_addr& src,
                                 const ipv6_addr& dst, const rsa_private_key& key) noexcept;

/// Verifies the RSA Signature option that starts at byte `sig_offset` of the ICMPv6 message
/// `icmp` (options after it are ignored) with `key`: Key Hash must be key's
/// (key_hash_mismatch), the option must hold a modulus-length signature (bad_option_length),
/// and the signature must verify over the truncated-checksum octets (bad_signature).
/// Any thread; allocates an EVP context (and a buffer for messages over 2 KiB); CPU: one RSA verify.
send_reason verify_rsa_signature(const ipv6_addr& src, const ipv6_addr& dst, bytes_view icmp,
                                 std::size_t sig_offset, const rsa_public_key& key) noexcept;

/// The checksum that goes into the signed octets: ICMPv6 checksum of icmp[0, truncated_len)
/// with its Checksum field taken as zero. Any thread; no allocation up to 2 KiB.
std::uint16_t truncated_checksum(const ipv6_addr& src, const ipv6_addr& dst, bytes_view icmp,
                                 std::size_t truncated_len) noexcept;

} // namespace mipgate::send
