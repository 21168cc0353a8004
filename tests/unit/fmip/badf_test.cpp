#include "mipgate/fmip/badf.hpp"

#include "badf_ref.hpp"

#include <gtest/gtest.h>

#include <random>

namespace mipgate::fmip {
namespace {

using test::from_hex;
using test::random_addr;
using test::random_bytes;
using test::ref_badf;

// protocol-facts §1.5 self-made vector: FBU (56 B) with PadN, Alternate CoA, PadN, BADF (SPI 0,
// Option Length 16) at offset 38; authenticator at 44.
const char* const vector_mh =
    "3b0608001d0e002ac000000a0100031020010db8000200000000000000000100010400000000151000000000"
    "83e0c9adae0ba0d0230e7a2a";
constexpr std::size_t vector_auth_offset = 44;

struct vector_fixture : ::testing::Test {
    std::vector<std::uint8_t> mh = from_hex(vector_mh);
    std::vector<std::uint8_t> key = std::vector<std::uint8_t>(16, 0x4b);
    ipv6_addr ncoa = *ipv6_addr::parse("2001:db8:2::100");
    ipv6_addr par = *ipv6_addr::parse("2001:db8:1::1");
    std::vector<std::uint8_t> want = from_hex("83e0c9adae0ba0d0230e7a2a");
};

TEST_F(vector_fixture, reproduces_protocol_facts_vector) {
    ASSERT_EQ(mh.size(), 56u);
    auto k = badf_key::create(at_hmac_sha1, key);
    ASSERT_TRUE(k) << k.err().message;
    std::uint8_t out[16] = {};
    const auto before = mh;
    ASSERT_EQ(k->compute(ncoa, par, mh, vector_auth_offset, out), 12u);
    EXPECT_EQ(std::vector<std::uint8_t>(out, out + 12), want);
    EXPECT_EQ(mh, before); // the caller's packet (checksum included) is not touched
    EXPECT_TRUE(k->verify(ncoa, par, mh, vector_auth_offset, bytes_view(mh).subspan(vector_auth_offset)));
    // `mh` may also end at the authenticator.
    EXPECT_TRUE(k->verify(ncoa, par, bytes_view(mh).first(vector_auth_offset), vector_auth_offset, want));
}

TEST_F(vector_fixture, checksum_field_ignored) {
    auto k = badf_key::create(at_hmac_sha1, key);
    ASSERT_TRUE(k);
    for (const auto& [c0, c1] : {std::pair{0x00, 0x00}, std::pair{0xff, 0xff}, std::pair{0x12, 0x34}}) {
        mh[4] = static_cast<std::uint8_t>(c0);
        mh[5] = static_cast<std::uint8_t>(c1);
        EXPECT_TRUE(k->verify(ncoa, par, mh, vector_auth_offset, want));
    }
}

TEST_F(vector_fixture, tampered_byte_rejected) {
    auto k = badf_key::create(at_hmac_sha1, key);
    ASSERT_TRUE(k);
    for (std::size_t i = 0; i < vector_auth_offset; ++i) {
        if (i == 4 || i == 5) {
            continue; // checksum
        }
        auto bad = mh;
        bad[i] ^= 0x01;
        EXPECT_FALSE(k->verify(ncoa, par, bad, vector_auth_offset, want)) << "byte " << i;
    }
    for (std::size_t i = 0; i < 16; ++i) {
        ipv6_addr n = ncoa;
        n.b[i] ^= 0x80;
        EXPECT_FALSE(k->verify(n, par, mh, vector_auth_offset, want));
        ipv6_addr p = par;
        p.b[i] ^= 0x80;
        EXPECT_FALSE(k->verify(ncoa, p, mh, vector_auth_offset, want));
    }
    // NCoA and PAR swapped.
    EXPECT_FALSE(k->verify(par, ncoa, mh, vector_auth_offset, want));
    for (std::size_t i = 0; i < want.size(); ++i) {
        auto a = want;
        a[i] ^= 0x40;
        EXPECT_FALSE(k->verify(ncoa, par, mh, vector_auth_offset, a));
    }
    // Wrong key; wrong AT with the same key.
    auto other = badf_key::create(at_hmac_sha1, std::vector<std::uint8_t>(16, 0x4c));
    ASSERT_TRUE(other);
    EXPECT_FALSE(other->verify(ncoa, par, mh, vector_auth_offset, want));
}

TEST_F(vector_fixture, bad_geometry_and_lengths) {
    auto k = badf_key::create(at_hmac_sha1, key);
    ASSERT_TRUE(k);
    std::uint8_t out[16];
    EXPECT_EQ(k->compute(ncoa, par, mh, 5, out), 0u);          // checksum not covered
    EXPECT_EQ(k->compute(ncoa, par, mh, mh.size() + 1, out), 0u); // past the end
    EXPECT_EQ(k->compute(ncoa, par, mh, vector_auth_offset, bytes_mut(out, 11)), 0u); // short out
    EXPECT_EQ(k->compute(ncoa, par, mh, 6, out), 12u);         // smallest accepted
    EXPECT_EQ(k->compute(ncoa, par, mh, mh.size(), out), 12u); // whole buffer
    EXPECT_FALSE(k->verify(ncoa, par, mh, vector_auth_offset, bytes_view(want).first(11)));
    std::vector<std::uint8_t> longer = want;
    longer.push_back(0);
    EXPECT_FALSE(k->verify(ncoa, par, mh, vector_auth_offset, longer));
    std::vector<std::uint8_t> huge(badf_max_mh_len + 1, 0);
    EXPECT_EQ(k->compute(ncoa, par, huge, 44, out), 0u);
    std::vector<std::uint8_t> max(badf_max_mh_len, 0);
    EXPECT_EQ(k->compute(ncoa, par, max, badf_max_mh_len, out), 12u);
}

TEST(fmip_badf, create_errors) {
    const std::vector<std::uint8_t> key(20, 1);
    auto u = badf_key::create(2, key);
    ASSERT_FALSE(u);
    EXPECT_EQ(u.err().code, static_cast<int>(badf_errc::unknown_at));
    auto e = badf_key::create(at_hmac_sha1, {});
    ASSERT_FALSE(e);
    EXPECT_EQ(e.err().code, static_cast<int>(badf_errc::bad_key));
}

// Precomputed state == plain HMAC, both ATs, key lengths across the 64-byte block boundary.
TEST(fmip_badf, precomputed_equals_plain_hmac) {
    std::mt19937 rng(5269);
    for (int iter = 0; iter < 600; ++iter) {
        const unsigned at = iter % 2 == 0 ? at_hmac_sha1 : at_hmac_sha256;
        const std::size_t key_len = 1 + rng() % 100;
        const auto key = random_bytes(rng, key_len);
        const std::size_t mh_len = 6 + rng() % 300;
        const auto mh = random_bytes(rng, mh_len);
        const std::size_t off = 6 + rng() % (mh_len - 5);
        const ipv6_addr ncoa = random_addr(rng);
        const ipv6_addr par = random_addr(rng);
        auto k = badf_key::create(at, key);
        ASSERT_TRUE(k);
        ASSERT_EQ(k->auth_len(), at_auth_len(at));
        std::uint8_t out[16] = {};
        ASSERT_EQ(k->compute(ncoa, par, mh, off, out), at_auth_len(at));
        const auto want = ref_badf(at, key, ncoa, par, mh, off);
        ASSERT_EQ(std::vector<std::uint8_t>(out, out + want.size()), want)
            << "at " << at << " key_len " << key_len << " off " << off;
        EXPECT_TRUE(k->verify(ncoa, par, mh, off, want));
    }
}

TEST(fmip_badf, both_ats_compute_verify) {
    std::mt19937 rng(1);
    const ipv6_addr ncoa = *ipv6_addr::parse("2001:db8:2::100");
    const ipv6_addr par = *ipv6_addr::parse("2001:db8:1::1");
    auto mh = from_hex(vector_mh);
    for (unsigned at : {at_hmac_sha1, at_hmac_sha256}) {
        const auto key = random_bytes(rng, at_key_len(at));
        auto k = badf_key::create(at, key);
        ASSERT_TRUE(k);
        // AT 1's 16-byte authenticator: the MH grows by 4 bytes; geometry only matters to the MAC.
        std::vector<std::uint8_t> m(mh.begin(), mh.begin() + vector_auth_offset);
        m.resize(vector_auth_offset + k->auth_len());
        ASSERT_EQ(k->compute(ncoa, par, m, vector_auth_offset, bytes_mut(m).subspan(vector_auth_offset)),
                  k->auth_len());
        EXPECT_TRUE(k->verify(ncoa, par, m, vector_auth_offset, bytes_view(m).subspan(vector_auth_offset)));
        m[10] ^= 1;
        EXPECT_FALSE(k->verify(ncoa, par, m, vector_auth_offset, bytes_view(m).subspan(vector_auth_offset)));
    }
}

TEST(fmip_badf, move_keeps_state) {
    const std::vector<std::uint8_t> key(32, 9);
    auto k = badf_key::create(at_hmac_sha256, key);
    ASSERT_TRUE(k);
    const ipv6_addr a = *ipv6_addr::parse("2001:db8::1");
    const std::vector<std::uint8_t> mh(24, 3);
    std::uint8_t x[16];
    std::uint8_t y[16];
    ASSERT_EQ(k->compute(a, a, mh, 24, x), 16u);
    badf_key moved = std::move(*k);
    ASSERT_EQ(moved.compute(a, a, mh, 24, y), 16u);
    EXPECT_EQ(std::memcmp(x, y, 16), 0);
    EXPECT_EQ(moved.at(), at_hmac_sha256);
    const auto want = test::ref_badf(at_hmac_sha256, key, a, a, mh, 24);
    EXPECT_EQ(std::memcmp(y, want.data(), 16), 0);
}

} // namespace
} // namespace mipgate::fmip
