#pragma once
// RFC 5269 handover keys: generation from the CSPRNG, RSAES-PKCS1-v1_5 encryption under the MN's
// HK-Encryption public key (§4.2, RFC 3447 §7.2) and the matching decryption (MN side, tests),
// and the §4.1 rule that this public key has the same algorithm and size as the CGA key.
// Control-side code: it allocates and calls OpenSSL; never call it from a worker per packet.

#include "mipgate/common/bytes.hpp"
#include "mipgate/common/result.hpp"
#include "mipgate/common/secret_bytes.hpp"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

struct evp_pkey_st; // OpenSSL EVP_PKEY, kept out of this header

namespace mipgate::fmip {

/// Reason codes in mipgate::error::code for this file's functions.
enum class hk_errc : int {
    unknown_at = 1,     ///< AT value not known (at.hpp)
    rng_failed,         ///< RAND_priv_bytes failed (DRBG not seeded)
    bad_spki,           ///< not a DER SubjectPublicKeyInfo (or trailing bytes)
    not_rsa,            ///< algorithm is not rsaEncryption
    key_size_range,     ///< modulus outside the accepted [min_bits, max_bits]
    algorithm_mismatch, ///< HK-Encryption key and CGA key use different algorithms
    size_mismatch,      ///< HK-Encryption key and CGA key differ in size
    bad_key_len,        ///< handover key empty or too long for the modulus
    encrypt_failed,     ///< OpenSSL refused to encrypt
    bad_private_key,    ///< private key DER not parsable / not RSA
    decrypt_failed,     ///< wrong ciphertext length, bad padding, or unexpected key length
};

inline constexpr unsigned hk_default_min_bits = 1024; ///< design §4 "Limits" (configurable floor)
inline constexpr unsigned hk_default_max_bits = 4096;

/// Fresh handover key of at_key_len(at) bytes from OpenSSL's private DRBG (RAND_priv_bytes).
/// Control thread(s); allocates; may block only while the DRBG is first seeded.
result<secret_bytes> generate_handover_key(unsigned at);

/// Algorithm and size of a DER SubjectPublicKeyInfo.
struct spki_params {
    int algorithm = 0;  ///< OpenSSL base id (EVP_PKEY_RSA = 6, EVP_PKEY_EC, ...)
    unsigned bits = 0;  ///< modulus bits for RSA (EVP_PKEY_get_bits)
};

/// Reads the algorithm and size of a DER SubjectPublicKeyInfo (whole input must be consumed).
/// Any thread; allocates (OpenSSL parse); never blocks.
result<spki_params> inspect_spki(bytes_view spki_der);

/// RFC 5269 §4.1: "the public key MUST have the same algorithm and size as the CGA key". Returns
/// ok, or the reason (bad_spki, algorithm_mismatch, size_mismatch) with a message naming both
/// values. Any thread; allocates; never blocks.
result<void> check_same_key_params(bytes_view hk_spki, bytes_view cga_spki);

/// An MN's HK-Encryption public key, parsed once (RSA only) so repeated encryptions skip the DER
/// parse. Move-only. Construct and use on control threads.
class hk_public_key {
public:
    /// Parses a DER SPKI; refuses non-RSA keys and moduli outside [min_bits, max_bits].
    /// Control thread(s); allocates; never blocks.
    static result<hk_public_key> parse(bytes_view spki_der, unsigned min_bits = hk_default_min_bits,
                                       unsigned max_bits = hk_default_max_bits);

    hk_public_key(hk_public_key&&) noexcept;
    hk_public_key& operator=(hk_public_key&&) noexcept;
    ~hk_public_key();

    /// Modulus size in bits. Any thread; no allocation; never blocks.
    unsigned bits() const noexcept { return _bits; }
    /// Ciphertext length = modulus length in bytes (RFC 3447 §7.2.1). Any thread; no allocation.
    std::size_t ciphertext_len() const noexcept { return (_bits + 7) / 8; }

    /// RSAES-PKCS1-v1_5 encryption of `key` (RFC 5269 §4.2 "Encrypted Handover Key").
    /// Control thread(s); allocates; never blocks. The same object may be used by one thread at a time.
    result<std::vector<std::uint8_t>> encrypt(bytes_view key) const;

    /// The parsed OpenSSL key (tests and benchmarks comparing against raw OpenSSL calls).
    evp_pkey_st* native_for_test() const noexcept { return _pkey; }

private:
    hk_public_key(evp_pkey_st* pkey, unsigned bits) noexcept : _pkey(pkey), _bits(bits) {}
    evp_pkey_st* _pkey = nullptr;
    unsigned _bits = 0;
};

/// AR side in one call: checks `hk_spki` against `cga_spki` (§4.1), then encrypts `key` under
/// `hk_spki`. Control thread(s); allocates; never blocks.
result<std::vector<std::uint8_t>> encrypt_handover_key(bytes_view hk_spki, bytes_view cga_spki,
                                                       bytes_view key,
                                                       unsigned min_bits = hk_default_min_bits,
                                                       unsigned max_bits = hk_default_max_bits);

/// MN side: RSAES-PKCS1-v1_5 decryption with an RSA private key in DER (PKCS#8 or PKCS#1).
/// The ciphertext must be exactly the modulus length; with `expected_len` != 0 the recovered key
/// must have that length. Control thread(s) / MN; allocates; never blocks.
result<secret_bytes> decrypt_handover_key(bytes_view private_key_der, bytes_view ciphertext,
                                          std::size_t expected_len = 0);

} // namespace mipgate::fmip
