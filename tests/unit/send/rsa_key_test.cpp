// RSA key wrappers: loading, SPKI export, modulus bits, Key Hash, sign/verify primitives.

#include "send_test_util.hpp"

#include <fstream>
#include <iterator>

namespace send_test {
namespace {

TEST(RsaKey, LoadFixturesAndExport) {
    EXPECT_EQ(key1024().bits(), 1024u);
    EXPECT_EQ(key2048().bits(), 2048u);
    const auto& pub = key2048().public_key();
    EXPECT_EQ(pub.spki().size(), 294u);  // 2048-bit RSA SPKI
    auto again = rsa_public_key::from_spki(pub.spki());
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(again->bits(), 2048u);
    EXPECT_EQ(again->hash(), pub.hash());
    key_hash h;
    ASSERT_TRUE(compute_key_hash(pub.spki(), h));
    EXPECT_EQ(h, pub.hash());
}

TEST(RsaKey, RefusesGarbageAndTrailingBytes) {
    auto spki = key1024().public_key().spki();
    spki.push_back(0);
    EXPECT_FALSE(rsa_public_key::from_spki(spki).ok());
    std::vector<std::uint8_t> junk{0x30, 0x03, 0x02, 0x01, 0x00};
    EXPECT_FALSE(rsa_public_key::from_spki(junk).ok());
    EXPECT_FALSE(rsa_private_key::from_bytes(junk).ok());
    EXPECT_FALSE(rsa_private_key::load_file(data_path("no-such.key")).ok());
}

TEST(RsaKey, PemPublicKeyAndDerPrivateKey) {
    // The certificate's key is the private key's public half.
    std::ifstream f(data_path("router1024.key"), std::ios::binary);
    std::string pem((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    auto k = rsa_private_key::from_bytes(bytes_view(reinterpret_cast<const std::uint8_t*>(pem.data()), pem.size()));
    ASSERT_TRUE(k.ok());
    EXPECT_EQ(k->public_key().hash(), key1024().public_key().hash());
}

TEST(RsaKey, SignVerifyPrimitive) {
    std::uint8_t sig[256];
    std::uint8_t msg[] = {1, 2, 3};
    std::size_t n = rsa_sha1_sign(key2048(), {bytes_view(msg, 3)}, sig);
    ASSERT_EQ(n, 256u);
    EXPECT_TRUE(rsa_sha1_verify(key2048().public_key(), {bytes_view(msg, 1), bytes_view(msg + 1, 2)},
                                bytes_view(sig, n)));
    msg[0] ^= 1;
    EXPECT_FALSE(rsa_sha1_verify(key2048().public_key(), {bytes_view(msg, 3)}, bytes_view(sig, n)));
    EXPECT_EQ(rsa_sha1_sign(key2048(), {bytes_view(msg, 3)}, bytes_mut(sig, 100)), 0u);
}

TEST(RsaKey, KeyCache) {
    rsa_key_cache c(2);
    const auto& a = key1024().public_key().spki();
    const auto& b = key2048().public_key().spki();
    const rsa_public_key* ka = c.get(a);
    ASSERT_NE(ka, nullptr);
    EXPECT_EQ(ka->bits(), 1024u);
    EXPECT_EQ(c.get(a), ka);  // hit: same slot
    ASSERT_NE(c.get(b), nullptr);
    EXPECT_EQ(c.hits(), 1u);
    EXPECT_EQ(c.misses(), 2u);
    std::vector<std::uint8_t> junk{0x30, 0x03, 0x02, 0x01, 0x00};
    EXPECT_EQ(c.get(junk), nullptr);
    // Capacity 2: a third key evicts the least recently used (a).
    auto k3 = rsa_private_key::load_file(data_path("router-noext.key"));
    ASSERT_TRUE(k3.ok());
    ASSERT_NE(c.get(k3->public_key().spki()), nullptr);
    std::size_t misses = c.misses();
    ASSERT_NE(c.get(b), nullptr);
    EXPECT_EQ(c.misses(), misses);
    ASSERT_NE(c.get(a), nullptr);
    EXPECT_EQ(c.misses(), misses + 1);
}

TEST(RsaKey, Generate) {
    auto k = rsa_private_key::generate(1024);
    ASSERT_TRUE(k.ok());
    EXPECT_EQ(k->bits(), 1024u);
    EXPECT_NE(k->public_key().hash(), key1024().public_key().hash());
}

} // namespace
} // namespace send_test
