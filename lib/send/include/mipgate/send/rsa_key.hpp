#pragma once
// RAII RSA keys for SEND (RFC 3971 §5.2): public keys as DER SubjectPublicKeyInfo with their Key
// Hash, private keys loaded from PEM/DER and wiped by OpenSSL on free. OpenSSL's EVP_PKEY stays
// behind an opaque pointer so users need not include OpenSSL headers.

#include "mipgate/common/bytes.hpp"
#include "mipgate/common/result.hpp"

#include <array>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

struct evp_pkey_st;  // OpenSSL's EVP_PKEY

namespace mipgate::send {

/// RFC 3971 §5.2 Key Hash: leftmost 128 bits of SHA-1 over the DER SubjectPublicKeyInfo.
using key_hash = std::array<std::uint8_t, 16>;

struct evp_pkey_deleter {
    void operator()(evp_pkey_st* k) const noexcept;
};

/// An RSA public key. Copies share the immutable OpenSSL key (thread-safe to use concurrently).
class rsa_public_key {
public:
    rsa_public_key() = default;

    /// From DER SubjectPublicKeyInfo (the CGA Parameters encoding). Refuses non-RSA keys and
    /// trailing bytes. Any thread; allocates.
    static result<rsa_public_key> from_spki(bytes_view der);
    /// From PEM "PUBLIC KEY" text. Any thread; allocates.
    static result<rsa_public_key> from_pem(std::string_view pem);
    /// From a file holding PEM or DER SPKI. Control thread; allocates; blocks on file I/O.
    static result<rsa_public_key> load_file(const std::string& path);

    bool empty() const noexcept { return !_key; }
    /// Modulus length in bits (0 when empty). Any thread; no allocation.
    unsigned bits() const noexcept { return _bits; }
    /// DER SubjectPublicKeyInfo. Any thread; no allocation.
    const std::vector<std::uint8_t>& spki() const noexcept { return _spki; }
    /// Key Hash over spki(). Any thread; no allocation.
    const key_hash& hash() const noexcept { return _hash; }
    /// The OpenSSL EVP_PKEY (borrowed). Any thread.
    evp_pkey_st* native() const noexcept { return _key.get(); }

    /// Wraps an EVP_PKEY holding an RSA key (takes ownership of one reference).
    static result<rsa_public_key> adopt(evp_pkey_st* key);

private:
    std::shared_ptr<evp_pkey_st> _key;
    std::vector<std::uint8_t> _spki;
    key_hash _hash{};
    unsigned _bits = 0;
};

/// An RSA private key. Move-only; OpenSSL cleanses the key material when it is freed.
class rsa_private_key {
public:
    rsa_private_key() = default;
    rsa_private_key(rsa_private_key&&) noexcept = default;
    rsa_private_key& operator=(rsa_private_key&&) noexcept = default;

    /// From PEM (PKCS#8 or PKCS#1, unencrypted) or DER (PKCS#8 or PKCS#1) bytes; the input is
    /// not kept. Refuses non-RSA keys. Any thread; allocates.
    static result<rsa_private_key> from_bytes(bytes_view pem_or_der);
    /// From a file; the file contents are read into wiped memory. Control thread; allocates;
    /// blocks on file I/O.
    static result<rsa_private_key> load_file(const std::string& path);
    /// Fresh key from the OpenSSL CSPRNG (e65537). Control thread; allocates; slow (~0.1–1 s).
    static result<rsa_private_key> generate(unsigned bits);

    bool empty() const noexcept { return !_key; }
    unsigned bits() const noexcept { return _pub.bits(); }
    /// The matching public key (SPKI, Key Hash). Any thread; no allocation.
    const rsa_public_key& public_key() const noexcept { return _pub; }
    evp_pkey_st* native() const noexcept { return _key.get(); }

private:
    std::unique_ptr<evp_pkey_st, evp_pkey_deleter> _key;
    rsa_public_key _pub;
    static result<rsa_private_key> adopt(evp_pkey_st* key);
};

/// Recently decoded public keys by SPKI. OpenSSL 3.0 takes ~0.1 ms to decode an SPKI — more than
/// a 1024-bit RSA verify — and a SEND service sees the same peers again and again. Fixed
/// capacity, least recently used entry replaced. Not thread-safe: one owner.
class rsa_key_cache {
public:
    /// Control thread; allocates `capacity` slots once.
    explicit rsa_key_cache(std::size_t capacity);
    /// The key for this DER SPKI, decoded on a miss (undecodable or non-RSA keys → null, not
    /// remembered). The pointer stays valid until the next call. Owner thread; allocates on a miss.
    const rsa_public_key* get(bytes_view spki);
    std::size_t hits() const noexcept { return _hits; }
    std::size_t misses() const noexcept { return _misses; }

private:
    struct entry {
        key_hash hash{};
        rsa_public_key key;
        std::uint64_t last_use = 0;
    };
    std::vector<entry> _entries;
    std::uint64_t _tick = 0;
    std::size_t _hits = 0;
    std::size_t _misses = 0;
};

/// RSASSA-PKCS1-v1_5 with SHA-1 over the concatenation of `parts` (RFC 3971 §5.2); writes the
/// signature (modulus length) to `sig` and returns its length, 0 on failure or when `sig` is too
/// small. Any thread (the key is not modified); allocates an EVP context; CPU-heavy.
std::size_t rsa_sha1_sign(const rsa_private_key& key, std::initializer_list<bytes_view> parts,
                          bytes_mut sig) noexcept;

/// Verifies an RSASSA-PKCS1-v1_5/SHA-1 signature over the concatenation of `parts`.
/// Any thread; allocates an EVP context.
bool rsa_sha1_verify(const rsa_public_key& key, std::initializer_list<bytes_view> parts,
                     bytes_view sig) noexcept;

/// Key Hash (RFC 3971 §5.2) of a DER SubjectPublicKeyInfo. Any thread; false on library failure.
bool compute_key_hash(bytes_view spki, key_hash& out) noexcept;

} // namespace mipgate::send
