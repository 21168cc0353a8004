#pragma once
// Cryptographically Generated Addresses (RFC 3972): the CGA Parameters codec, verification in
// the exact RFC 3972 §5 order, and generation (§4).

#include "mipgate/common/bytes.hpp"
#include "mipgate/common/ipv6_addr.hpp"
#include "mipgate/common/result.hpp"
#include "mipgate/send/reasons.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

namespace mipgate::send {

inline constexpr std::size_t cga_modifier_len = 16;
inline constexpr std::size_t cga_prefix_len = 8;
/// Modifier + Subnet Prefix + Collision Count: the fixed head of CGA Parameters (RFC 3972 §3).
inline constexpr std::size_t cga_fixed_len = cga_modifier_len + cga_prefix_len + 1;
/// Hash1 is the leftmost 64 bits, Hash2 the leftmost 112 bits of SHA-1 (RFC 3972 §3).
using cga_hash1_value = std::array<std::uint8_t, 8>;
using cga_hash2_value = std::array<std::uint8_t, 14>;
using cga_modifier = std::array<std::uint8_t, cga_modifier_len>;

/// RFC 3972 §3 CGA Parameters, parsed in place: every field is a view into the caller's bytes.
/// ```
///  0..15 Modifier | 16..23 Subnet Prefix | 24 Collision Count | 25.. Public Key (DER SPKI,
///  length from its ASN.1 header) | Extension Fields (RFC 4581: Type(2) Length(2) Data)
/// ```
struct cga_params_view {
    bytes_view raw;                    ///< the whole structure (what Hash1 covers)
    bytes_view modifier;               ///< 16 bytes
    bytes_view prefix;                 ///< 8 bytes
    std::uint8_t collision_count = 0;  ///< not range-checked here (verification step 1 does it)
    bytes_view public_key;             ///< DER SubjectPublicKeyInfo
    bytes_view extensions;             ///< RFC 4581 extension fields, possibly empty
};

enum class cga_parse_status : std::uint8_t {
    ok,
    too_short,      ///< fewer than 25 bytes + a DER header
    bad_der,        ///< Public Key is not a DER SEQUENCE whose length fits
    bad_extension,  ///< an extension field overruns the structure
};

/// Total length (header + contents) of the DER element at the start of `in`, or 0 when the
/// header is malformed, uses more than 3 length bytes, or overruns `in`. Any thread; no allocation.
std::size_t der_element_length(bytes_view in) noexcept;

/// Parses CGA Parameters occupying all of `in` (no trailing padding: see cga_option_params).
/// The Public Key must be a DER SEQUENCE; what follows it must be whole RFC 4581 extension
/// fields (unknown types are accepted — they are hashed, not interpreted).
/// Any thread; no allocation.
cga_parse_status parse_cga_params(bytes_view in, cga_params_view& out) noexcept;

/// The CGA Parameters carried in a whole CGA option (RFC 3971 §5.1: Type 11, Length, Pad
/// Length, Reserved, Parameters, Padding); false when Type/Length/Pad Length do not fit.
/// Any thread; no allocation.
bool cga_option_params(bytes_view option, bytes_view& params) noexcept;

/// Writes CGA Parameters into `out`; returns the length, or 0 when `out` is too small.
/// Any thread; no allocation.
std::size_t encode_cga_params(bytes_mut out, const cga_modifier& modifier, const ipv6_addr& subnet,
                              std::uint8_t collision_count, bytes_view public_key,
                              bytes_view extensions = {}) noexcept;

/// Writes a whole CGA option (Type 11, RFC 3971 §5.1) carrying `params`, zero padded to 8n;
/// returns its length, or 0 when `out` is too small. Any thread; no allocation.
std::size_t build_cga_option(bytes_mut out, bytes_view params) noexcept;

/// The Sec parameter encoded in an address: the 3 leftmost interface-identifier bits.
inline unsigned cga_sec(const ipv6_addr& a) noexcept { return a.b[8] >> 5; }

/// Hash1 = leftmost 64 bits of SHA-1 over the whole CGA Parameters. Any thread; allocates an
/// EVP context; false on crypto library failure.
bool cga_hash1(bytes_view params, cga_hash1_value& out) noexcept;
/// Hash2 = leftmost 112 bits of SHA-1 over Modifier | 9 zero octets | Public Key | Extensions.
/// Any thread; allocates an EVP context; false on crypto library failure.
bool cga_hash2(bytes_view modifier, bytes_view public_key, bytes_view extensions,
               cga_hash2_value& out) noexcept;

/// Verifies that `addr` is the CGA of `params` (RFC 3972 §5), in the RFC's order, each
/// failure with its own reason: (1) collision count ∈ {0,1,2} → cga_cc_invalid; (2) prefix →
/// cga_prefix_mismatch; (3,4) Hash1 vs IID ignoring Sec, u and g → cga_hash1_mismatch;
/// (5) Sec from the address, above `max_sec` → cga_sec_too_high; (6,7) 16×Sec leftmost Hash2
/// bits zero → cga_hash2_mismatch. Returns ok or internal_error (crypto library failure).
/// Any thread; allocates an EVP context per hash; never blocks.
send_reason cga_verify(const ipv6_addr& addr, const cga_params_view& params,
                       unsigned max_sec = 2) noexcept;

/// What cga_generate needs (RFC 3972 §4).
struct cga_generate_request {
    ipv6_addr subnet;                        ///< leftmost 64 bits are the subnet prefix
    bytes_view public_key;                   ///< DER SubjectPublicKeyInfo
    bytes_view extensions;                   ///< RFC 4581 extension fields, usually empty
    unsigned sec = 1;                        ///< 0..7; 2 already costs ~2^32 SHA-1 on average
    std::optional<cga_modifier> start_modifier; ///< tests only: start here instead of a CSPRNG value
    std::uint64_t max_hash2_iterations = 0;  ///< 0 = no limit
};

struct cga_generated {
    ipv6_addr address;
    std::vector<std::uint8_t> params;        ///< encoded CGA Parameters (with the final collision count)
    cga_modifier modifier{};
    std::uint8_t collision_count = 0;
    std::uint64_t hash2_iterations = 0;      ///< modifiers tried
};

/// True when the address is already in use on the link (DAD failed).
using cga_in_use_fn = std::function<bool(const ipv6_addr&)>;

/// Generates a CGA (RFC 3972 §4): random modifier from the OpenSSL CSPRNG, Hash2 loop
/// incrementing the modifier until the leftmost 16×Sec bits are zero, then Hash1 with
/// collision count 0, 1, 2 while `in_use` (may be empty) says the address is taken; gives up
/// after three collisions (error code = cga_collision_limit). Error codes are send_reason values.
/// Control thread (may run for minutes at Sec 2); allocates; blocks only in `in_use`.
result<cga_generated> cga_generate(const cga_generate_request& req, const cga_in_use_fn& in_use);

} // namespace mipgate::send
