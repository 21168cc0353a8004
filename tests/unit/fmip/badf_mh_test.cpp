#include "mipgate/fmip/badf_mh.hpp"

#include "badf_ref.hpp"

#include <gtest/gtest.h>

namespace mipgate::fmip {
namespace {

using test::from_hex;

const ipv6_addr ncoa = *ipv6_addr::parse("2001:db8:2::100");
const ipv6_addr par = *ipv6_addr::parse("2001:db8:1::1");
const ipv6_addr pcoa = *ipv6_addr::parse("2001:db8:1::200");

// FBU as in protocol-facts §1.5: Seq 42, A|H, Lifetime 10, Alternate CoA = NCoA, BADF SPI 0.
std::vector<std::uint8_t> build_fbu(const badf_key& key, std::size_t auth_len) {
    std::vector<std::uint8_t> buf(128, 0xee);
    wire::mh_writer w(buf);
    w.bu(wire::bu_msg{42, wire::bu_flag_a | wire::bu_flag_h, 10}, wire::mh_type_fbu);
    w.alt_coa(ncoa);
    const std::size_t off = w.badf(badf_spi_handover_key, auth_len);
    const auto r = w.finish();
    EXPECT_TRUE(r.ok());
    EXPECT_NE(off, 0u);
    buf.resize(r.len);
    EXPECT_TRUE(sign_mh_badf(key, ncoa, par, buf, off));
    EXPECT_TRUE(wire::mh_fill_checksum(pcoa, par, buf));
    return buf;
}

TEST(fmip_badf_mh, wire_built_fbu_matches_protocol_facts_vector) {
    auto key = badf_key::create(at_hmac_sha1, std::vector<std::uint8_t>(16, 0x4b));
    ASSERT_TRUE(key);
    auto fbu = build_fbu(*key, 12);
    auto want = from_hex("3b0608001d0e002ac000000a0100031020010db8000200000000000000000100010400000000"
                         "151000000000" "83e0c9adae0ba0d0230e7a2a");
    ASSERT_EQ(fbu.size(), want.size());
    // Same bytes except the checksum, whose pseudo-header source the vector does not state.
    fbu[4] = want[4];
    fbu[5] = want[5];
    EXPECT_EQ(fbu, want);
}

TEST(fmip_badf_mh, verify_parsed_both_ats) {
    for (unsigned at : {at_hmac_sha1, at_hmac_sha256}) {
        auto key = badf_key::create(at, std::vector<std::uint8_t>(at_key_len(at), 0x11));
        ASSERT_TRUE(key);
        auto fbu = build_fbu(*key, key->auth_len());
        const auto v = wire::parse_mh(fbu);
        ASSERT_TRUE(v.ok());
        EXPECT_EQ(verify_mh_badf(*key, ncoa, par, v), badf_reason::ok);
        const auto p = prepare_badf_job(*key, ncoa, par, v);
        ASSERT_EQ(p.reason, badf_reason::ok);
        auto eng = badf_engine::create();
        ASSERT_TRUE(eng);
        bool ok = false;
        EXPECT_EQ(eng->verify_burst(std::span<const badf_job>(&p.job, 1), std::span<bool>(&ok, 1)), 1u);
        // Independent recomputation.
        const auto ref = test::ref_badf(at, std::vector<std::uint8_t>(at_key_len(at), 0x11), ncoa, par,
                                        fbu, p.job.auth_offset);
        EXPECT_TRUE(std::equal(ref.begin(), ref.end(), p.job.authenticator.begin()));
        // Wrong NCoA (e.g. IPv6 source used instead of the Alternate CoA).
        EXPECT_EQ(verify_mh_badf(*key, pcoa, par, v), badf_reason::bad_mac);
    }
}

TEST(fmip_badf_mh, receive_rules) {
    auto key1 = badf_key::create(at_hmac_sha1, std::vector<std::uint8_t>(20, 1));
    auto key2 = badf_key::create(at_hmac_sha256, std::vector<std::uint8_t>(32, 2));
    ASSERT_TRUE(key1 && key2);
    auto fbu = build_fbu(*key1, 12);
    // AT 1 key against a 12-byte authenticator: length rule.
    EXPECT_EQ(verify_mh_badf(*key2, ncoa, par, wire::parse_mh(fbu)), badf_reason::bad_length);
    // SPI not 0.
    auto spi = fbu;
    spi[38 + 5] = 1;
    EXPECT_EQ(verify_mh_badf(*key1, ncoa, par, wire::parse_mh(spi)), badf_reason::bad_spi);
    // Tampered lifetime.
    auto life = fbu;
    life[11] ^= 1;
    EXPECT_EQ(verify_mh_badf(*key1, ncoa, par, wire::parse_mh(life)), badf_reason::bad_mac);
    // Not parsed.
    EXPECT_EQ(verify_mh_badf(*key1, ncoa, par, wire::parse_mh(bytes_view(fbu).first(20))),
              badf_reason::not_parsed);
    // No BADF: an FBU with only the Alternate CoA.
    std::vector<std::uint8_t> buf(64);
    wire::mh_writer w(buf);
    w.bu(wire::bu_msg{1, wire::bu_flag_a | wire::bu_flag_h, 10}, wire::mh_type_fbu);
    w.alt_coa(ncoa);
    const auto r = w.finish();
    ASSERT_TRUE(r.ok());
    buf.resize(r.len);
    EXPECT_EQ(verify_mh_badf(*key1, ncoa, par, wire::parse_mh(buf)), badf_reason::no_badf);
    // Signing refuses a short slot.
    std::vector<std::uint8_t> small(50, 0);
    EXPECT_FALSE(sign_mh_badf(*key1, ncoa, par, small, 44));
    EXPECT_FALSE(sign_mh_badf(*key1, ncoa, par, small, 51));
}

} // namespace
} // namespace mipgate::fmip
