#pragma once
// Test helper: the BADF authenticator computed the plain way (one contiguous buffer with the
// checksum zeroed, one-shot OpenSSL HMAC(), truncation), independent of the precomputed states.

#include "mipgate/common/ipv6_addr.hpp"
#include "mipgate/fmip/at.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <cstdint>
#include <random>
#include <vector>

namespace mipgate::fmip::test {

inline std::vector<std::uint8_t> ref_badf(unsigned at, const std::vector<std::uint8_t>& key,
                                          const ipv6_addr& ncoa, const ipv6_addr& par,
                                          const std::vector<std::uint8_t>& mh, std::size_t auth_offset) {
    std::vector<std::uint8_t> in(ncoa.b.begin(), ncoa.b.end());
    in.insert(in.end(), par.b.begin(), par.b.end());
    in.insert(in.end(), mh.begin(), mh.begin() + static_cast<std::ptrdiff_t>(auth_offset));
    in[32 + 4] = 0;
    in[32 + 5] = 0;
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned md_len = 0;
    HMAC(at == at_hmac_sha1 ? EVP_sha1() : EVP_sha256(), key.data(), static_cast<int>(key.size()),
         in.data(), in.size(), md, &md_len);
    return {md, md + at_auth_len(at)};
}

inline std::vector<std::uint8_t> random_bytes(std::mt19937& rng, std::size_t n) {
    std::vector<std::uint8_t> v(n);
    for (auto& b : v) {
        b = static_cast<std::uint8_t>(rng());
    }
    return v;
}

inline ipv6_addr random_addr(std::mt19937& rng) {
    ipv6_addr a;
    for (auto& b : a.b) {
        b = static_cast<std::uint8_t>(rng());
    }
    return a;
}

inline std::vector<std::uint8_t> from_hex(const char* s) {
    std::vector<std::uint8_t> out;
    auto nib = [](char c) { return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10; };
    for (; s[0] != 0 && s[1] != 0; s += 2) {
        out.push_back(static_cast<std::uint8_t>(nib(s[0]) << 4 | nib(s[1])));
    }
    return out;
}

} // namespace mipgate::fmip::test
