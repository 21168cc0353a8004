#include "mipgate/wire/mh.hpp"
#include "test_util.hpp"

#include <gtest/gtest.h>

#include <array>

using namespace mipgate;
using namespace mipgate::wire;
using namespace mipgate::wire::test;

namespace {
// protocol-facts §1.5: FBU + AltCoA + BADF, checksum as sent (HoA 2001:db8:1::100 → PAR ::1).
constexpr const char* fbu_vector = "3b0608001d0e002ac000000a0100031020010db800020000000000000000010"
                                   "001040000000015100000000083e0c9adae0ba0d0230e7a2a";
const auto pcoa = addr("2001:db8:1::100");
const auto par = addr("2001:db8:1::1");
const auto ncoa = addr("2001:db8:2::100");
} // namespace

TEST(mh, builds_protocol_facts_fbu_byte_for_byte) {
    std::array<std::uint8_t, 128> buf{};
    mh_writer w(buf);
    w.bu(bu_msg{42, bu_flag_a | bu_flag_h, 10}, mh_type_fbu);
    w.alt_coa(ncoa);
    const std::size_t auth_at = w.badf(0, 12);
    auto r = w.finish();
    ASSERT_TRUE(r.ok());
    ASSERT_EQ(r.len, 56u);
    EXPECT_EQ(auth_at, 44u);
    // The authenticator comes from the BADF helper (lib/fmip); the vector's is copied in here.
    const auto want = from_hex(fbu_vector);
    std::copy(want.begin() + 44, want.end(), buf.begin() + 44);
    ASSERT_TRUE(mh_fill_checksum(pcoa, par, bytes_mut{buf.data(), r.len}));
    EXPECT_EQ(to_hex(buf.data(), r.len), fbu_vector);
}

TEST(mh, parses_protocol_facts_fbu) {
    const auto mh = from_hex(fbu_vector);
    auto v = parse_mh(mh);
    ASSERT_TRUE(v.ok()) << int(v.status);
    EXPECT_EQ(mh_checksum(pcoa, par, mh), 0);
    EXPECT_NE(mh_checksum(ncoa, par, mh), 0); // pseudo-header must use the HoA
    EXPECT_EQ(v.type, mh_type_fbu);
    EXPECT_EQ(v.payload_proto, 59);
    auto bu = mh_bu(v);
    ASSERT_TRUE(bu.ok());
    EXPECT_EQ(bu->seq, 42);
    EXPECT_EQ(bu->flags, bu_flag_a | bu_flag_h);
    EXPECT_EQ(bu->lifetime, 10);
    ASSERT_EQ(v.options.count, 2);
    const auto* alt = v.options.find(mh_opt_alt_coa);
    ASSERT_NE(alt, nullptr);
    EXPECT_EQ(alt->offset, 14);
    EXPECT_EQ(*mh_alt_coa(*alt), ncoa);
    const auto* b = v.options.find(mh_opt_badf);
    ASSERT_NE(b, nullptr);
    EXPECT_EQ(b->offset, 38);
    auto badf = mh_badf(*b);
    ASSERT_TRUE(badf.ok());
    EXPECT_EQ(badf->spi, 0u);
    EXPECT_EQ(badf->auth_offset, 44);
    EXPECT_EQ(to_hex(badf->authenticator), "83e0c9adae0ba0d0230e7a2a");
    EXPECT_FALSE(mh_ba(v).ok());
}

TEST(mh, bu_without_options_is_padded) {
    std::array<std::uint8_t, 64> buf{};
    mh_writer w(buf);
    w.bu(bu_msg{1, bu_flag_a | bu_flag_h, 100});
    auto r = w.finish();
    ASSERT_TRUE(r.ok());
    ASSERT_EQ(r.len, 16u);
    EXPECT_EQ(to_hex(buf.data(), 16), "3b01050000000001c000006401020000");
    EXPECT_TRUE(parse_mh(bytes_view{buf.data(), r.len}).ok());
}

TEST(mh, round_trips_every_message) {
    std::array<std::uint8_t, 256> buf{};
    auto build = [&](auto&& fill) {
        buf.fill(0xee);
        mh_writer w(buf);
        fill(w);
        auto r = w.finish();
        EXPECT_TRUE(r.ok());
        EXPECT_EQ(r.len % 8, 0u);
        return parse_mh(bytes_view{buf.data(), r.len});
    };
    {
        auto v = build([](mh_writer& w) { w.brr(); });
        ASSERT_TRUE(v.ok());
        EXPECT_EQ(v.type, mh_type_brr);
        EXPECT_EQ(v.mh.size(), 8u);
    }
    {
        ti_msg t;
        for (std::size_t i = 0; i < 8; ++i) {
            t.cookie[i] = static_cast<std::uint8_t>(i + 1);
        }
        auto v = build([&](mh_writer& w) { w.ti(mh_type_hoti, t); });
        ASSERT_TRUE(v.ok());
        EXPECT_EQ(mh_ti(v)->cookie, t.cookie);
        auto c = build([&](mh_writer& w) { w.ti(mh_type_coti, t); });
        EXPECT_EQ(c.type, mh_type_coti);
    }
    {
        test_msg t;
        t.nonce_index = 0x1234;
        t.cookie.fill(7);
        t.keygen_token.fill(9);
        auto v = build([&](mh_writer& w) { w.test(mh_type_hot, t); });
        ASSERT_TRUE(v.ok());
        EXPECT_EQ(v.mh.size(), 24u);
        auto m = mh_test(v);
        ASSERT_TRUE(m.ok());
        EXPECT_EQ(m->nonce_index, 0x1234);
        EXPECT_EQ(m->keygen_token, t.keygen_token);
    }
    {
        const auto fqdn = from_hex("026d6e076578616d706c6500"); // mn.example (wire form)
        auto v = build([&](mh_writer& w) {
            w.bu(bu_msg{7, bu_flag_a | bu_flag_h | bu_flag_k, 1000});
            w.nonce_indices(3, 4);
            w.alt_coa(ncoa);
            w.dns_update(0, dns_update_flag_r, fqdn);
        });
        ASSERT_TRUE(v.ok()) << int(v.status);
        EXPECT_EQ(mh_bu(v)->lifetime, 1000);
        EXPECT_EQ(mh_nonce_indices(*v.options.find(mh_opt_nonce_indices))->care_of, 4);
        EXPECT_EQ(v.options.find(mh_opt_alt_coa)->offset % 8, 6);
        auto d = mh_dns_update(*v.options.find(mh_opt_dns_update));
        ASSERT_TRUE(d.ok());
        EXPECT_EQ(d->flags, dns_update_flag_r);
        EXPECT_EQ(to_hex(d->fqdn), to_hex(fqdn));
    }
    {
        auto v = build([&](mh_writer& w) {
            w.ba(ba_msg{134, ba_flag_k, 7, 250});
            w.bra(30);
        });
        ASSERT_TRUE(v.ok());
        auto ba = mh_ba(v);
        EXPECT_EQ(ba->status, 134);
        EXPECT_EQ(ba->flags, ba_flag_k);
        EXPECT_EQ(ba->seq, 7);
        EXPECT_EQ(*mh_bra(*v.options.find(mh_opt_bra)), 30);
    }
    {
        auto v = build([&](mh_writer& w) { w.be(be_msg{1, pcoa}); });
        ASSERT_TRUE(v.ok());
        EXPECT_EQ(mh_be(v)->home_address, pcoa);
        EXPECT_EQ(mh_be(v)->status, 1);
    }
    {
        const std::array<std::uint8_t, 6> mac{0, 0x11, 0x22, 0x33, 0x44, 0x55};
        std::size_t auth = 0;
        auto v = build([&](mh_writer& w) {
            w.ba(ba_msg{0, ba_flag_k, 9, 10}, mh_type_fback);
            w.mh_lla(2, mac);
            auth = w.badf(0, 16); // AT 1: 16-byte authenticator, BADF at 8n+2 ends the MH
        });
        ASSERT_TRUE(v.ok()) << int(v.status);
        EXPECT_EQ(v.type, mh_type_fback);
        auto lla = mh_lla(*v.options.find(mh_opt_lla));
        ASSERT_TRUE(lla.ok());
        EXPECT_EQ(lla->code, 2);
        EXPECT_EQ(lla->lla.size(), 6u);
        // RFC 5268 §6.5.3: Length in octets = Option-Code + 6-byte Ethernet address = 7.
        EXPECT_EQ(v.options.find(mh_opt_lla)->data.size(), 7u);
        auto b = mh_badf(*v.options.find(mh_opt_badf));
        ASSERT_TRUE(b.ok());
        EXPECT_EQ(b->authenticator.size(), 16u);
        EXPECT_EQ(b->offset % 8, 2);
        EXPECT_EQ(b->auth_offset, auth);
    }
    {
        std::size_t auth = 0;
        auto v = build([&](mh_writer& w) {
            w.bu(bu_msg{1, bu_flag_a, 1});
            w.nonce_indices(1, 2);
            auth = w.bad();
        });
        ASSERT_TRUE(v.ok()) << int(v.status);
        EXPECT_EQ(v.options.find(mh_opt_bad)->offset % 8, 2);
        EXPECT_EQ(auth % 8, 4u);
    }
}

TEST(mh, malformed_headers) {
    auto good = from_hex(fbu_vector);
    EXPECT_EQ(parse_mh(bytes_view{good}.first(7)).status, wire_status::truncated);
    EXPECT_EQ(parse_mh(bytes_view{good}.first(48)).status,
              wire_status::truncated); // Hdr Len 6 says 56
    auto longer = good;
    longer.resize(64, 0);
    EXPECT_EQ(parse_mh(longer).status, wire_status::bad_length);
    auto unknown = good;
    unknown[2] = 42;
    auto u = parse_mh(unknown);
    EXPECT_EQ(u.status, wire_status::bad_type);
    EXPECT_EQ(u.type, 42);
    // HoT needs 24 bytes: Header Len 0 is too short for it.
    auto hot = from_hex("3b00030000000000");
    EXPECT_EQ(parse_mh(hot).status, wire_status::bad_length);
}

TEST(mh, malformed_options) {
    // BU fixed part then the options below, Header Len set to fit.
    auto make = [](std::string_view opts) {
        auto m = from_hex(std::string("3b00050000000001c0000064") + std::string(opts));
        m.resize(m.size() + (8 - m.size() % 8) % 8, 0); // Pad1 up to 8n
        m[1] = static_cast<std::uint8_t>(m.size() / 8 - 1);
        return m;
    };
    // option running past the end
    EXPECT_EQ(parse_mh(make("01050000")).status, wire_status::truncated) << "padn overrun";
    EXPECT_EQ(parse_mh(make("00000003")).status, wire_status::truncated) << "lone type byte";
    // AltCoA with length 15
    EXPECT_EQ(parse_mh(make("0100030f20010db8000200000000000000000100")).status,
              wire_status::bad_length);
    // BADF with a 12-byte authenticator at 8n+4 instead of 8n+6 (does not end on 8n)
    EXPECT_EQ(parse_mh(make("1510000000000102030405060708090a0b0c")).status,
              wire_status::bad_alignment);
    // BADF followed by another option (Nonce Indices): not last
    auto nl = make("01001510000000000000000000000000000000000000040400010002");
    EXPECT_EQ(parse_mh(nl).status, wire_status::not_last);
    // BADF with Option Length 4 (no authenticator)
    EXPECT_EQ(parse_mh(make("01001504000000000000")).status, wire_status::bad_length);
    // the literal RFC reading (Option Length 12 for a 12-byte authenticator) leaves 4 bytes
    // that are not padding after the option → refused
    auto lit = from_hex(fbu_vector);
    lit[39] = 12;
    EXPECT_NE(parse_mh(lit).status, wire_status::ok);
    // duplicate AltCoA
    auto dup = make("01000310"
                    "20010db8000200000000000000000100"
                    "01040000000003102001"
                    "0db8000200000000000000000100");
    EXPECT_EQ(parse_mh(dup).status, wire_status::duplicate);
}

TEST(mh, bad_checksum_detected) {
    auto mh = from_hex(fbu_vector);
    mh[10] ^= 1;
    EXPECT_NE(mh_checksum(pcoa, par, mh), 0);
}

TEST(mh, writer_errors) {
    std::array<std::uint8_t, 40> small{};
    mh_writer w(small);
    w.bu(bu_msg{1, bu_flag_a, 1}, mh_type_fbu);
    w.alt_coa(ncoa);
    w.badf(0, 12);
    EXPECT_EQ(w.finish().err, build_error::no_space);

    std::array<std::uint8_t, 128> buf{};
    mh_writer a(buf);
    a.alt_coa(ncoa); // option before message
    a.bu(bu_msg{}, mh_type_bu);
    EXPECT_EQ(a.finish().err, build_error::bad_argument);

    mh_writer b(buf);
    b.bu(bu_msg{}, mh_type_fbu);
    b.badf(0, 12);
    b.alt_coa(ncoa); // after BADF
    EXPECT_EQ(b.finish().err, build_error::bad_argument);

    mh_writer c(buf);
    c.bu(bu_msg{}, mh_type_ba); // wrong type for bu()
    EXPECT_EQ(c.finish().err, build_error::bad_argument);

    mh_writer d(buf);
    EXPECT_EQ(d.finish().err, build_error::bad_argument); // no message
}

TEST(mh, option_length_rules) {
    auto make = [](std::string_view opts) {
        auto m = from_hex(std::string("3b00050000000001c0000064") + std::string(opts));
        m.resize(m.size() + (8 - m.size() % 8) % 8, 0);
        m[1] = static_cast<std::uint8_t>(m.size() / 8 - 1);
        return m;
    };
    EXPECT_EQ(parse_mh(make("020300010203")).status, wire_status::bad_length) << "BRA length 3";
    EXPECT_EQ(parse_mh(make("0405000100020000")).status, wire_status::bad_length)
        << "Nonce Indices length 5";
    EXPECT_EQ(parse_mh(make("1101000000")).status, wire_status::bad_length)
        << "DNS Update length 1";
    EXPECT_EQ(parse_mh(make("0700")).status, wire_status::bad_length) << "MH-LLA length 0";
    // BAD (type 5) at 8n+4 instead of 8n+2
    EXPECT_EQ(parse_mh(make("050c000000000000000000000000")).status, wire_status::bad_alignment);
    // BAD at 8n+2 followed by padding only: fine
    auto bad = parse_mh(make("010400000000050c"
                             "000000000000000000000000"));
    ASSERT_TRUE(bad.ok()) << int(bad.status);
    EXPECT_EQ(bad.options.find(mh_opt_bad)->offset, 18);
    // unknown option types are listed, not refused (RFC 6275 §6.2.1)
    auto u = parse_mh(make("2a020102"));
    ASSERT_TRUE(u.ok());
    EXPECT_EQ(u.options.count, 1);
    EXPECT_EQ(u.options.opts[0].type, 0x2a);
    // more options than mh_max_options
    std::string many;
    for (int i = 0; i < 17; ++i) {
        many += "8000"; // distinct unknown types ≥ 64 are not checked for duplicates
    }
    EXPECT_EQ(parse_mh(make(many)).status, wire_status::bad_options);
    // option decoders refuse the wrong option type
    const mh_option other{mh_opt_bra, 12, {}};
    EXPECT_EQ(mh_alt_coa(other).status, wire_status::bad_type);
    EXPECT_EQ(mh_badf(other).status, wire_status::bad_type);
    EXPECT_EQ(mh_dns_update(other).status, wire_status::bad_type);
}

// AT 1 (16-byte authenticator): BADF must still be last and end the MH on 8n, so it starts at
// 8n+2, not 8n+6 (docs/architecture.md, "BADF placement").
TEST(mh, badf_with_16_byte_authenticator_ends_on_8n) {
    std::array<std::uint8_t, 128> buf{};
    mh_writer w(buf);
    w.bu(bu_msg{7, bu_flag_a | bu_flag_h, 10}, mh_type_fbu);
    w.alt_coa(ncoa);
    const std::size_t auth_at = w.badf(0, 16);
    auto r = w.finish();
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r.len % 8, 0u);
    EXPECT_EQ(auth_at + 16, r.len); // nothing after the authenticator
    EXPECT_EQ((auth_at - 6) % 8, 2u);
    auto v = parse_mh(bytes_view{buf.data(), r.len});
    ASSERT_TRUE(v.ok()) << int(v.status);
    const auto* b = v.options.find(mh_opt_badf);
    ASSERT_NE(b, nullptr);
    EXPECT_EQ(mh_badf(*b)->authenticator.size(), 16u);
    // The same option at 8n+6 needs 4 bytes of padding after the last option: refused.
    std::array<std::uint8_t, 40> bad{};
    const std::uint8_t hdr[] = {59, 4, mh_type_fbu, 0, 0, 0, 0, 7, 0xc0, 0, 0, 10, 1, 0};
    std::copy(std::begin(hdr), std::end(hdr), bad.begin()); // PadN(2) puts BADF at 14 = 8n+6
    bad[14] = mh_opt_badf;
    bad[15] = 20;                                            // SPI + 16-byte authenticator
    bad[36] = 1;                                             // PadN(4) to reach 40 bytes
    bad[37] = 2;
    EXPECT_EQ(parse_mh(bytes_view{bad.data(), bad.size()}).status, wire_status::bad_alignment);
}
