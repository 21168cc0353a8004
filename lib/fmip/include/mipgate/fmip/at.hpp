#pragma once
// Handover-key algorithm types (the 4-bit AT field of RFC 5269 §4.1/§4.2). Neither RFC 5269 nor
// RFC 5268/5568 defines codepoints, so the values are the project's (design §4 "AT codes").

#include <cstddef>
#include <optional>
#include <span>

namespace mipgate::fmip {

inline constexpr unsigned at_hmac_sha1 = 0;   ///< HMAC-SHA1, authenticator First(96) (RFC 5268 default)
inline constexpr unsigned at_hmac_sha256 = 1; ///< HMAC-SHA256, authenticator First(128)
inline constexpr unsigned at_field_max = 15;  ///< the AT field is 4 bits wide

/// Largest authenticator / key / digest over all known ATs (for fixed buffers).
inline constexpr std::size_t at_max_auth_len = 16;
inline constexpr std::size_t at_max_key_len = 32;
inline constexpr std::size_t at_max_digest_len = 32;

/// True for an AT value this implementation knows. Any thread; no allocation; never blocks.
constexpr bool at_known(unsigned at) noexcept {
    return at == at_hmac_sha1 || at == at_hmac_sha256;
}

/// Handover key length in bytes for `at` (20 for AT 0, 32 for AT 1: the digest size, as RFC 2104
/// §3 recommends), 0 for an unknown AT. Any thread; no allocation; never blocks.
constexpr std::size_t at_key_len(unsigned at) noexcept {
    return at == at_hmac_sha1 ? 20 : at == at_hmac_sha256 ? 32 : 0;
}

/// BADF authenticator length in bytes (12 for AT 0, 16 for AT 1), 0 for an unknown AT.
/// Any thread; no allocation; never blocks.
constexpr std::size_t at_auth_len(unsigned at) noexcept {
    return at == at_hmac_sha1 ? 12 : at == at_hmac_sha256 ? 16 : 0;
}

/// Full HMAC output length in bytes, 0 for an unknown AT. Any thread; no allocation; never blocks.
constexpr std::size_t at_digest_len(unsigned at) noexcept {
    return at == at_hmac_sha1 ? 20 : at == at_hmac_sha256 ? 32 : 0;
}

/// Strength rank (design §4: SHA256 > SHA1); -1 for an unknown AT.
/// Any thread; no allocation; never blocks.
constexpr int at_strength(unsigned at) noexcept {
    return at == at_hmac_sha1 ? 0 : at == at_hmac_sha256 ? 1 : -1;
}

/// The AT an access router answers with (design §4): `requested` if it is known and enabled; else
/// the weakest enabled AT at least as strong as `requested`; else the strongest enabled AT. An
/// unknown `requested` has no strength to compare, so it gets the strongest enabled AT. Unknown
/// values in `enabled` count as not enabled; duplicates are harmless. nullopt when no known AT is
/// enabled. Any thread; no allocation; never blocks.
std::optional<unsigned> negotiate_at(unsigned requested, std::span<const unsigned> enabled) noexcept;

} // namespace mipgate::fmip
