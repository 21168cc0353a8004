#pragma once
// Private: OpenSSL's plain SHA_CTX / SHA256_CTX API. OpenSSL 3.0 marks it deprecated in favour of
// EVP_MD_CTX, but an EVP context cannot be copied without allocating (EVP_MD_CTX_copy_ex calls the
// provider's dupctx), and a worker must not allocate per packet. These structs are plain data, so
// a precomputed HMAC state is copied with memcpy. Only this library's sources include this file.

#ifndef OPENSSL_SUPPRESS_DEPRECATED
#define OPENSSL_SUPPRESS_DEPRECATED
#endif
#include <openssl/sha.h>

#include <cstddef>

namespace mipgate::fmip::detail {

struct sha1_ops {
    using ctx = SHA_CTX;
    static constexpr std::size_t digest_len = SHA_DIGEST_LENGTH;
    static void init(ctx* c) noexcept { SHA1_Init(c); }
    static void update(ctx* c, const void* p, std::size_t n) noexcept { SHA1_Update(c, p, n); }
    static void final(unsigned char* d, ctx* c) noexcept { SHA1_Final(d, c); }
};

struct sha256_ops {
    using ctx = SHA256_CTX;
    static constexpr std::size_t digest_len = SHA256_DIGEST_LENGTH;
    static void init(ctx* c) noexcept { SHA256_Init(c); }
    static void update(ctx* c, const void* p, std::size_t n) noexcept { SHA256_Update(c, p, n); }
    static void final(unsigned char* d, ctx* c) noexcept { SHA256_Final(d, c); }
};

inline constexpr std::size_t hmac_block_len = 64; // SHA-1 and SHA-256 (RFC 2104 B)

} // namespace mipgate::fmip::detail
