#include "mipgate/fmip/handover_key.hpp"

#include "mipgate/fmip/at.hpp"
#include "rsa_test_keys.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <vector>

namespace mipgate::fmip {
namespace {

using test::make_ec_p256;
using test::make_rsa;

int code(hk_errc c) { return static_cast<int>(c); }

// Keys are made once: RSA generation is the slow part of this suite.
struct keys {
    test::der_key_pair r1024 = make_rsa(1024);
    test::der_key_pair r1024b = make_rsa(1024);
    test::der_key_pair r2048 = make_rsa(2048);
    test::der_key_pair ec = make_ec_p256();
    test::der_key_pair pss = test::make_rsa_pss(1024);
};
const keys& k() {
    static const keys ks;
    return ks;
}

TEST(fmip_handover_key, generate_lengths) {
    for (unsigned at : {at_hmac_sha1, at_hmac_sha256}) {
        auto key = generate_handover_key(at);
        ASSERT_TRUE(key) << key.err().message;
        EXPECT_EQ(key->size(), at_key_len(at));
    }
    auto bad = generate_handover_key(9);
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.err().code, code(hk_errc::unknown_at));
}

TEST(fmip_handover_key, generated_keys_unique) {
    std::set<std::vector<std::uint8_t>> seen;
    for (int i = 0; i < 2000; ++i) {
        auto key = generate_handover_key(i % 2 == 0 ? at_hmac_sha1 : at_hmac_sha256);
        ASSERT_TRUE(key);
        EXPECT_TRUE(seen.emplace(key->view().begin(), key->view().end()).second);
        // Not all zero, not a repeated byte.
        EXPECT_FALSE(std::all_of(key->view().begin(), key->view().end(),
                                 [&](std::uint8_t b) { return b == key->view()[0]; }));
    }
}

TEST(fmip_handover_key, inspect_spki) {
    auto p = inspect_spki(k().r2048.spki);
    ASSERT_TRUE(p);
    EXPECT_EQ(p->algorithm, EVP_PKEY_RSA);
    EXPECT_EQ(p->bits, 2048u);
    auto e = inspect_spki(k().ec.spki);
    ASSERT_TRUE(e);
    EXPECT_EQ(e->algorithm, EVP_PKEY_EC);

    std::vector<std::uint8_t> trailing = k().r1024.spki;
    trailing.push_back(0);
    EXPECT_FALSE(inspect_spki(trailing));
    EXPECT_FALSE(inspect_spki(bytes_view(k().r1024.spki).first(k().r1024.spki.size() - 1)));
    EXPECT_FALSE(inspect_spki({}));
    const std::uint8_t junk[] = {0x30, 0x03, 0x02, 0x01, 0x00};
    auto j = inspect_spki(junk);
    ASSERT_FALSE(j);
    EXPECT_EQ(j.err().code, code(hk_errc::bad_spki));
}

// RSA-PSS shares the RSA key format but not the rsaEncryption OID: never an encryption key.
TEST(fmip_handover_key, rsa_pss_is_not_rsa) {
    auto p = inspect_spki(k().pss.spki);
    ASSERT_TRUE(p);
    EXPECT_EQ(p->algorithm, EVP_PKEY_RSA_PSS);
    EXPECT_EQ(p->bits, 1024u);
    auto pub = hk_public_key::parse(k().pss.spki);
    ASSERT_FALSE(pub);
    EXPECT_EQ(pub.err().code, code(hk_errc::not_rsa));
    auto m = check_same_key_params(k().pss.spki, k().r1024.spki);
    ASSERT_FALSE(m);
    EXPECT_EQ(m.err().code, code(hk_errc::algorithm_mismatch));
}

// The rsaEncryption fast parse and OpenSSL's generic d2i_PUBKEY agree on the key; broken
// variants of the structure are refused by both.
TEST(fmip_handover_key, spki_fast_path_matches_generic) {
    for (const auto* pair : {&k().r1024, &k().r2048}) {
        const auto& der = pair->spki;
        const unsigned char* p = der.data();
        EVP_PKEY* generic = d2i_PUBKEY(nullptr, &p, static_cast<long>(der.size()));
        ASSERT_NE(generic, nullptr);
        auto pub = hk_public_key::parse(der);
        ASSERT_TRUE(pub);
        EXPECT_EQ(EVP_PKEY_eq(generic, pub->native_for_test()), 1);
        EVP_PKEY_free(generic);
        // Every single-byte corruption: either refused, or parsed to the same thing OpenSSL's
        // generic parser makes of it.
        for (std::size_t i = 0; i < 40 && i < der.size(); ++i) {
            auto bad = der;
            bad[i] ^= 0x01;
            const unsigned char* q = bad.data();
            EVP_PKEY* g = d2i_PUBKEY(nullptr, &q, static_cast<long>(bad.size()));
            const bool generic_ok = g != nullptr && q == bad.data() + bad.size() &&
                                    EVP_PKEY_get_base_id(g) == EVP_PKEY_RSA;
            auto mine = hk_public_key::parse(bad, 512, 8192);
            EXPECT_EQ(static_cast<bool>(mine), generic_ok) << "byte " << i;
            if (mine && g != nullptr) {
                EXPECT_EQ(EVP_PKEY_eq(g, mine->native_for_test()), 1) << "byte " << i;
            }
            EVP_PKEY_free(g);
        }
    }
}

TEST(fmip_handover_key, same_params_check) {
    EXPECT_TRUE(check_same_key_params(k().r1024.spki, k().r1024b.spki)); // same size, other key
    auto size = check_same_key_params(k().r1024.spki, k().r2048.spki);
    ASSERT_FALSE(size);
    EXPECT_EQ(size.err().code, code(hk_errc::size_mismatch));
    EXPECT_NE(size.err().message.find("1024"), std::string::npos);
    EXPECT_NE(size.err().message.find("2048"), std::string::npos);
    auto alg = check_same_key_params(k().ec.spki, k().r2048.spki);
    ASSERT_FALSE(alg);
    EXPECT_EQ(alg.err().code, code(hk_errc::algorithm_mismatch));
    auto bad = check_same_key_params(k().r1024.spki, bytes_view{});
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.err().code, code(hk_errc::bad_spki));
}

TEST(fmip_handover_key, round_trip_both_sizes_and_ats) {
    for (const auto* pair : {&k().r1024, &k().r2048}) {
        for (unsigned at : {at_hmac_sha1, at_hmac_sha256}) {
            auto key = generate_handover_key(at);
            ASSERT_TRUE(key);
            auto ct = encrypt_handover_key(pair->spki, pair->spki, key->view());
            ASSERT_TRUE(ct) << ct.err().message;
            auto pub = hk_public_key::parse(pair->spki);
            ASSERT_TRUE(pub);
            EXPECT_EQ(ct->size(), pub->ciphertext_len()); // RFC 3447 §7.2.1: k octets
            auto back = decrypt_handover_key(pair->pkcs8, *ct, at_key_len(at));
            ASSERT_TRUE(back) << back.err().message;
            EXPECT_TRUE(std::equal(back->view().begin(), back->view().end(), key->view().begin(),
                                   key->view().end()));
            // PKCS#1 v1.5 padding is random: a second encryption differs.
            auto ct2 = pub->encrypt(key->view());
            ASSERT_TRUE(ct2);
            EXPECT_NE(*ct, *ct2);
        }
    }
}

TEST(fmip_handover_key, mismatched_key_size_refused) {
    auto key = generate_handover_key(at_hmac_sha1);
    ASSERT_TRUE(key);
    auto ct = encrypt_handover_key(k().r1024.spki, k().r2048.spki, key->view());
    ASSERT_FALSE(ct);
    EXPECT_EQ(ct.err().code, code(hk_errc::size_mismatch));
    auto ct_alg = encrypt_handover_key(k().ec.spki, k().r2048.spki, key->view());
    ASSERT_FALSE(ct_alg);
    EXPECT_EQ(ct_alg.err().code, code(hk_errc::algorithm_mismatch));
    // Same algorithm and size but not RSA: refused at parse.
    auto ct_ec = encrypt_handover_key(k().ec.spki, k().ec.spki, key->view());
    ASSERT_FALSE(ct_ec);
    EXPECT_EQ(ct_ec.err().code, code(hk_errc::not_rsa));
}

TEST(fmip_handover_key, size_limits) {
    auto small = hk_public_key::parse(k().r1024.spki, 2048);
    ASSERT_FALSE(small);
    EXPECT_EQ(small.err().code, code(hk_errc::key_size_range));
    auto big = hk_public_key::parse(k().r2048.spki, 1024, 1024);
    ASSERT_FALSE(big);
    EXPECT_EQ(big.err().code, code(hk_errc::key_size_range));
    auto pub = hk_public_key::parse(k().r1024.spki);
    ASSERT_TRUE(pub);
    EXPECT_EQ(pub->bits(), 1024u);
    std::vector<std::uint8_t> too_long(128 - 10, 1);
    auto r = pub->encrypt(too_long);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.err().code, code(hk_errc::bad_key_len));
    EXPECT_FALSE(pub->encrypt({}));
    std::vector<std::uint8_t> max_len(128 - 11, 1);
    EXPECT_TRUE(pub->encrypt(max_len));
}

TEST(fmip_handover_key, decrypt_failures) {
    auto key = generate_handover_key(at_hmac_sha256);
    ASSERT_TRUE(key);
    auto pub = hk_public_key::parse(k().r1024.spki);
    ASSERT_TRUE(pub);
    auto ct = pub->encrypt(key->view());
    ASSERT_TRUE(ct);
    // Wrong expected length.
    EXPECT_FALSE(decrypt_handover_key(k().r1024.pkcs8, *ct, 20));
    // Wrong private key.
    EXPECT_FALSE(decrypt_handover_key(k().r1024b.pkcs8, *ct, 32));
    // Truncated ciphertext.
    EXPECT_FALSE(decrypt_handover_key(k().r1024.pkcs8, bytes_view(*ct).first(ct->size() - 1), 32));
    // Not a private key.
    auto bad = decrypt_handover_key(k().r1024.spki, *ct, 32);
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.err().code, code(hk_errc::bad_private_key));
    auto ec = decrypt_handover_key(k().ec.pkcs8, *ct, 32);
    ASSERT_FALSE(ec);
    EXPECT_EQ(ec.err().code, code(hk_errc::bad_private_key));
    EXPECT_TRUE(decrypt_handover_key(k().r1024.pkcs8, *ct, 32));
}

TEST(fmip_handover_key, public_key_moves) {
    auto pub = hk_public_key::parse(k().r1024.spki);
    ASSERT_TRUE(pub);
    hk_public_key a = std::move(*pub);
    hk_public_key b = std::move(a);
    EXPECT_EQ(b.bits(), 1024u);
    EXPECT_TRUE(b.encrypt(std::vector<std::uint8_t>(20, 7)));
}

} // namespace
} // namespace mipgate::fmip
