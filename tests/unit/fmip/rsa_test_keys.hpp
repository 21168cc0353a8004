#pragma once
// Test helper: fresh RSA / EC key pairs as DER (SPKI public, PKCS#8 private), made with OpenSSL.

#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include <cstdint>
#include <stdexcept>
#include <vector>

namespace mipgate::fmip::test {

struct der_key_pair {
    std::vector<std::uint8_t> spki;
    std::vector<std::uint8_t> pkcs8;
};

inline der_key_pair der_of(EVP_PKEY* k) {
    if (k == nullptr) {
        throw std::runtime_error("key generation failed");
    }
    der_key_pair out;
    unsigned char* p = nullptr;
    int n = i2d_PUBKEY(k, &p);
    out.spki.assign(p, p + n);
    OPENSSL_free(p);
    p = nullptr;
    PKCS8_PRIV_KEY_INFO* p8 = EVP_PKEY2PKCS8(k);
    n = i2d_PKCS8_PRIV_KEY_INFO(p8, &p);
    out.pkcs8.assign(p, p + n);
    OPENSSL_free(p);
    PKCS8_PRIV_KEY_INFO_free(p8);
    EVP_PKEY_free(k);
    return out;
}

inline der_key_pair make_rsa(unsigned bits) { return der_of(EVP_RSA_gen(bits)); }
inline der_key_pair make_ec_p256() { return der_of(EVP_EC_gen("P-256")); }
inline der_key_pair make_rsa_pss(unsigned bits) {
    EVP_PKEY_CTX* c = EVP_PKEY_CTX_new_from_name(nullptr, "RSA-PSS", nullptr);
    EVP_PKEY* k = nullptr;
    if (c == nullptr || EVP_PKEY_keygen_init(c) != 1 ||
        EVP_PKEY_CTX_set_rsa_keygen_bits(c, static_cast<int>(bits)) != 1 || EVP_PKEY_keygen(c, &k) != 1) {
        k = nullptr;
    }
    EVP_PKEY_CTX_free(c);
    return der_of(k);
}

} // namespace mipgate::fmip::test
