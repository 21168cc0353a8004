#pragma once
// Binding Authorization Data for FMIPv6 (BADF, mobility option 21; RFC 5268 §6.5.4 = RFC 5568
// §6.4.5) authenticator with a per-key precomputed HMAC state (design §4 "BADF").
//
// Authenticator = First(at_auth_len(AT), HMAC(key, NCoA(16) | PAR address(16) | MH Data)), where
// MH Data is the Mobility Header from its first byte up to but excluding the authenticator, with
// the MH checksum (bytes 4-5, RFC 6275 §6.1.1) taken as zero; the BADF Type, Length and SPI are
// covered. FBack is authenticated the same way with the same key and addresses.

#include "mipgate/common/bytes.hpp"
#include "mipgate/common/ipv6_addr.hpp"
#include "mipgate/common/result.hpp"
#include "mipgate/fmip/at.hpp"

#include <cstddef>
#include <cstdint>

namespace mipgate::fmip {

inline constexpr std::size_t badf_max_mh_len = 2048;  ///< largest MH accepted (bounded scratch)
inline constexpr std::size_t mh_checksum_offset = 4;  ///< RFC 6275 §6.1.1
inline constexpr std::size_t mh_min_auth_offset = 6;  ///< the checksum must lie inside the MAC input
inline constexpr std::size_t badf_prefix_len = 32;    ///< NCoA | PAR address

/// True when `auth_offset` can start an authenticator in an MH of `mh_size` bytes: the checksum
/// field is inside the MAC input and nothing is read past `mh_size` or badf_max_mh_len.
/// Any thread; no allocation; never blocks.
constexpr bool badf_geometry_ok(std::size_t mh_size, std::size_t auth_offset) noexcept {
    return auth_offset >= mh_min_auth_offset && auth_offset <= mh_size && mh_size <= badf_max_mh_len;
}

/// Reason codes of badf_key::create in mipgate::error::code.
enum class badf_errc : int {
    unknown_at = 1, ///< AT not known
    bad_key,        ///< empty key
    imb_failed,     ///< IPsec-MB manager could not be created for the precompute
};

/// One handover key ready for BADF: the HMAC inner and outer hash states after the key^ipad and
/// key^opad blocks, computed once, in two forms (OpenSSL SHA contexts for the single-message path,
/// IPsec-MB digests for badf_engine). The raw key is not kept. Move-only; the states are wiped on
/// destruction. A const badf_key may be used by any number of threads at once.
class badf_key {
public:
    /// Precomputes the states for `key` (any length; keys longer than the 64-byte block are
    /// hashed first, RFC 2104 §2). Control thread(s); allocates nothing except the first call,
    /// which creates the process-wide IPsec-MB manager used for one-block hashes; never blocks.
    static result<badf_key> create(unsigned at, bytes_view key);

    badf_key(const badf_key&) = delete;
    badf_key& operator=(const badf_key&) = delete;
    badf_key(badf_key&& o) noexcept;
    badf_key& operator=(badf_key&& o) noexcept;
    ~badf_key();

    /// The key's AT and authenticator length. Any thread; no allocation; never blocks.
    unsigned at() const noexcept { return _at; }
    std::size_t auth_len() const noexcept { return at_auth_len(_at); }

    /// Writes the auth_len() authenticator for `mh[0, auth_offset)` into `out` and returns
    /// auth_len(); returns 0 (writes nothing) when badf_geometry_ok(mh.size(), auth_offset) is
    /// false or `out` is shorter than auth_len(). `mh` is never modified.
    /// Any thread (worker included); no allocation; never blocks.
    std::size_t compute(const ipv6_addr& ncoa, const ipv6_addr& par, bytes_view mh,
                        std::size_t auth_offset, bytes_mut out) const noexcept;

    /// True when `authenticator` (exactly auth_len() bytes) is the authenticator of
    /// `mh[0, auth_offset)`; constant-time compare (CRYPTO_memcmp). False on bad geometry.
    /// Any thread (worker included); no allocation; never blocks.
    bool verify(const ipv6_addr& ncoa, const ipv6_addr& par, bytes_view mh, std::size_t auth_offset,
                bytes_view authenticator) const noexcept;

    /// IPsec-MB precomputed HMAC pads (state after hashing key^0x36.. / key^0x5c..), for
    /// badf_engine jobs. Any thread; no allocation; never blocks.
    const std::uint8_t* imb_ipad() const noexcept { return _imb_ipad; }
    const std::uint8_t* imb_opad() const noexcept { return _imb_opad; }

private:
    badf_key() = default;
    void wipe() noexcept;

    // Plain OpenSSL SHA_CTX / SHA256_CTX images (copyable structs, so a verify copies them on the
    // stack instead of allocating an EVP context); sizes checked in badf.cpp.
    alignas(16) std::uint8_t _ossl_inner[128] = {};
    alignas(16) std::uint8_t _ossl_outer[128] = {};
    alignas(16) std::uint8_t _imb_ipad[at_max_digest_len] = {};
    alignas(16) std::uint8_t _imb_opad[at_max_digest_len] = {};
    unsigned _at = at_hmac_sha1;
};

} // namespace mipgate::fmip
