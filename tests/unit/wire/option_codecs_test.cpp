#include "mipgate/wire/fmip_options.hpp"
#include "mipgate/wire/nd_option_codecs.hpp"
#include "mipgate/wire/send_options.hpp"
#include "test_util.hpp"

#include <gtest/gtest.h>

#include <array>
#include <vector>

using namespace mipgate;
using namespace mipgate::wire;
using namespace mipgate::wire::test;

namespace {
// RFC 3972 Appendix A public key (94 bytes DER SPKI), per protocol-facts §3.3.
const auto rfc3972_key = from_hex("305c300d06092a864886f70d0101010500034b003048024100c2c2f137305454"
                                  "f10bd9cea36844b530e9211a4b262b16467cb7dfba1f595c0194f275be5a4d38"
                                  "6f2c3c2382508773c7867f9b3b9e63a09c7bc48f7a54ebefaf0203010001");

std::vector<std::uint8_t> cga_params() {
    auto p = from_hex("89a8a8b2e858d8b8f2633f44d2d4ce9b"
                      "fe80000000000000"
                      "00");
    p.insert(p.end(), rfc3972_key.begin(), rfc3972_key.end());
    return p; // 119 bytes
}
} // namespace

TEST(send_options, cga_round_trip_and_pad_rules) {
    std::array<std::uint8_t, 256> buf{};
    const auto params = cga_params();
    ASSERT_EQ(params.size(), 119u);
    auto r = build_cga_opt(buf, params);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r.len, 128u);
    EXPECT_EQ(buf[0], nd_opt_cga);
    EXPECT_EQ(buf[1], 16);
    EXPECT_EQ(buf[2], 5);
    auto p = parse_cga_opt(bytes_view{buf.data(), r.len});
    ASSERT_TRUE(p.ok());
    EXPECT_EQ(to_hex(p->params), to_hex(params));
    // Pad Length reaching past the option
    buf[2] = 124;
    EXPECT_EQ(parse_cga_opt(bytes_view{buf.data(), r.len}).status, wire_status::bad_padding);
    buf[2] = 255;
    EXPECT_EQ(parse_cga_opt(bytes_view{buf.data(), r.len}).status, wire_status::bad_padding);
    buf[2] = 5;
    buf[1] = 0;
    EXPECT_EQ(parse_cga_opt(bytes_view{buf.data(), r.len}).status, wire_status::bad_length);
    buf[1] = 17;
    EXPECT_EQ(parse_cga_opt(bytes_view{buf.data(), r.len}).status, wire_status::truncated);
    EXPECT_EQ(parse_cga_opt(from_hex("0c01000000000000")).status, wire_status::bad_type);
}

TEST(send_options, rsa_signature_layout) {
    // 1024-bit key → 128-byte signature → 20+128 = 148 → 152 bytes, L=19, 4 pad (protocol-facts
    // §2.1).
    std::array<std::uint8_t, 256> buf{};
    std::vector<std::uint8_t> sig(128, 0xab);
    std::vector<std::uint8_t> hash(16, 0x11);
    auto r = build_rsa_sig_opt(buf, hash, sig);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r.len, 152u);
    EXPECT_EQ(buf[1], 19);
    EXPECT_EQ(buf[2], 0);
    EXPECT_EQ(buf[3], 0);
    auto p = parse_rsa_sig_opt(bytes_view{buf.data(), r.len}, 128);
    ASSERT_TRUE(p.ok());
    EXPECT_EQ(to_hex(p->key_hash), to_hex(hash));
    EXPECT_EQ(p->signature.size(), 128u);
    EXPECT_EQ(p->padding.size(), 4u);
    EXPECT_EQ(parse_rsa_sig_opt(bytes_view{buf.data(), r.len})->signature.size(), 132u);
    EXPECT_EQ(parse_rsa_sig_opt(bytes_view{buf.data(), r.len}, 256).status,
              wire_status::bad_length);
    EXPECT_EQ(parse_rsa_sig_opt(bytes_view{buf.data(), r.len}, 64).status, wire_status::bad_length);
    EXPECT_EQ(build_rsa_sig_opt(buf, bytes_view{hash}.first(15), sig).err,
              build_error::bad_argument);
    EXPECT_EQ(parse_rsa_sig_opt(from_hex("0c02000000000000 0000000000000000")).status,
              wire_status::bad_length);
}

TEST(send_options, timestamp_nonce) {
    std::array<std::uint8_t, 64> buf{};
    const std::uint64_t ts = (std::uint64_t{1700000000} << 16) | 0x8000; // .5 s
    auto r = build_timestamp_opt(buf, ts);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(to_hex(buf.data(), r.len), "0d02000000000000"
                                         "00006553f1008000");
    EXPECT_EQ(parse_timestamp_opt(bytes_view{buf.data(), r.len})->value, ts);
    // scapy 2.5's 12-byte Timestamp with Len=2 runs past its data → truncated
    EXPECT_EQ(parse_timestamp_opt(bytes_view{buf.data(), 12}).status, wire_status::truncated);
    EXPECT_EQ(parse_timestamp_opt(from_hex("0d010000000000000")).status, wire_status::bad_length);

    const auto nonce = from_hex("010203040506");
    r = build_nonce_opt(buf, nonce);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(to_hex(buf.data(), r.len), "0e01010203040506");
    EXPECT_EQ(to_hex(parse_nonce_opt(bytes_view{buf.data(), r.len})->nonce), "010203040506");
    EXPECT_EQ(build_nonce_opt(buf, bytes_view{nonce}.first(5)).err, build_error::bad_argument);
    EXPECT_EQ(build_nonce_opt(buf, from_hex("0102030405060708")).err, build_error::bad_argument);
    EXPECT_TRUE(build_nonce_opt(buf, from_hex("0102030405060708090a0b0c0d0e")).ok());
}

TEST(send_options, trust_anchor_and_certificate) {
    std::array<std::uint8_t, 256> buf{};
    const auto name = from_hex("3012311030 0e0603550403130774657374 2d7461"); // 20-byte DER Name
    auto r = build_trust_anchor_opt(buf, ta_name_der, name);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r.len, 24u);
    EXPECT_EQ(buf[2], ta_name_der);
    EXPECT_EQ(buf[3], 0);
    auto t = parse_trust_anchor_opt(bytes_view{buf.data(), r.len});
    ASSERT_TRUE(t.ok());
    EXPECT_EQ(to_hex(t->name), to_hex(name));
    buf[3] = 20;
    EXPECT_EQ(parse_trust_anchor_opt(bytes_view{buf.data(), r.len}).status,
              wire_status::bad_padding);

    // A certificate-shaped DER blob with a long-form length (0x81 0x85 = 133 content bytes).
    std::vector<std::uint8_t> cert{0x30, 0x81, 0x85};
    cert.resize(136, 0x5a);
    r = build_certificate_opt(buf, cert_type_x509, cert);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r.len, 144u);
    auto c = parse_certificate_opt(bytes_view{buf.data(), r.len});
    ASSERT_TRUE(c.ok());
    EXPECT_EQ(c->certificate.size(), 136u);
    EXPECT_EQ(c->padding.size(), 4u);
    EXPECT_EQ(c->cert_type, cert_type_x509);
    buf[6] = 0xff; // DER length beyond the option
    EXPECT_EQ(parse_certificate_opt(bytes_view{buf.data(), r.len}).status, wire_status::bad_value);
    EXPECT_EQ(build_certificate_opt(buf, 1, bytes_view{cert}.first(100)).err,
              build_error::bad_argument);
    EXPECT_EQ(der_tlv_length(from_hex("3080")), 0u); // indefinite form refused
}

TEST(fmip_options, ip_addr_lla_naack) {
    std::array<std::uint8_t, 64> buf{};
    auto r = build_ip_addr_opt(buf, ip_addr_opt{ip_addr_code_nar_prefix, 64, addr("2001:db8:2::")});
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(to_hex(buf.data(), r.len), "1103044000000000"
                                         "20010db8000200000000000000000000");
    auto ip = parse_ip_addr_opt(bytes_view{buf.data(), r.len});
    ASSERT_TRUE(ip.ok());
    EXPECT_EQ(ip->code, ip_addr_code_nar_prefix);
    EXPECT_EQ(ip->prefix_len, 64);
    buf[3] = 129;
    EXPECT_EQ(parse_ip_addr_opt(bytes_view{buf.data(), r.len}).status, wire_status::bad_value);
    EXPECT_EQ(parse_ip_addr_opt(from_hex("1101000000000000")).status, wire_status::bad_length);

    const auto mac = from_hex("020000000001");
    r = build_lla_fmip_opt(buf, lla_code_new_ap, mac);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(to_hex(buf.data(), r.len), "130201020000000001"
                                         "00000000000000");
    auto l = parse_lla_fmip_opt(bytes_view{buf.data(), r.len});
    ASSERT_TRUE(l.ok());
    EXPECT_EQ(l->code, lla_code_new_ap);
    EXPECT_EQ(l->mac().to_string(), "02:00:00:00:00:01");

    r = build_naack_opt(buf, naack_opt{0, naack_use_supplied_ncoa, addr("2001:db8:2::7")});
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r.len, 24u);
    auto n = parse_naack_opt(bytes_view{buf.data(), r.len});
    ASSERT_TRUE(n.ok());
    ASSERT_TRUE(n->ncoa);
    EXPECT_EQ(*n->ncoa, addr("2001:db8:2::7"));
    r = build_naack_opt(buf, naack_opt{0, naack_ncoa_invalid, std::nullopt});
    EXPECT_EQ(to_hex(buf.data(), r.len), "1401000100000000");
    EXPECT_FALSE(parse_naack_opt(bytes_view{buf.data(), r.len})->ncoa);
    EXPECT_EQ(parse_naack_opt(from_hex("1402000100000000 0000000000000000")).status,
              wire_status::bad_length);
}

TEST(fmip_options, handover_key_request_reply) {
    std::array<std::uint8_t, 256> buf{};
    auto r = build_hk_request_opt(buf, 1, rfc3972_key);
    ASSERT_TRUE(r.ok());
    // 4 + 94 = 98 → 104: L=13, Pad Length 6, AT in the high nibble.
    EXPECT_EQ(r.len, 104u);
    EXPECT_EQ(to_hex(buf.data(), 4), "1b0d0610");
    auto q = parse_hk_request_opt(bytes_view{buf.data(), r.len});
    ASSERT_TRUE(q.ok());
    EXPECT_EQ(q->at, 1);
    EXPECT_EQ(q->pad_length, 6);
    EXPECT_EQ(to_hex(q->public_key), to_hex(rfc3972_key));
    buf[2] = 100; // Pad Length overflow
    EXPECT_EQ(parse_hk_request_opt(bytes_view{buf.data(), r.len}).status, wire_status::bad_padding);
    EXPECT_EQ(build_hk_request_opt(buf, 16, rfc3972_key).err, build_error::bad_argument);
    EXPECT_EQ(build_hk_request_opt(buf, 0, {}).err, build_error::bad_argument);

    std::vector<std::uint8_t> ct(128, 0xc3);
    r = build_hk_reply_opt(buf, 0, 43200, ct);
    ASSERT_TRUE(r.ok());
    // 6 + 128 = 134 → 136: L=17, Pad Length 2, lifetime 0xa8c0.
    EXPECT_EQ(r.len, 136u);
    EXPECT_EQ(to_hex(buf.data(), 6), "1c110200a8c0");
    auto p = parse_hk_reply_opt(bytes_view{buf.data(), r.len});
    ASSERT_TRUE(p.ok());
    EXPECT_EQ(p->lifetime, 43200);
    EXPECT_EQ(p->at, 0);
    EXPECT_EQ(p->encrypted_key.size(), 128u);
    buf[2] = 130;
    EXPECT_EQ(parse_hk_reply_opt(bytes_view{buf.data(), r.len}).status, wire_status::bad_padding);
    EXPECT_EQ(parse_hk_reply_opt(from_hex("1c00000000000000")).status, wire_status::bad_length);
    std::array<std::uint8_t, 100> small{};
    EXPECT_EQ(build_hk_reply_opt(small, 0, 1, ct).err, build_error::no_space);
}

TEST(nd_option_codecs, lla_prefix_mtu) {
    std::array<std::uint8_t, 64> buf{};
    const mac_addr mac{{0x02, 0x11, 0x22, 0x33, 0x44, 0x55}};
    auto r = build_lla_opt(buf, nd_opt_tlla, mac);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(to_hex(buf.data(), r.len), "0201021122334455");
    auto l = parse_lla_opt(bytes_view{buf.data(), r.len});
    ASSERT_TRUE(l.ok());
    EXPECT_EQ(l->type, nd_opt_tlla);
    EXPECT_EQ(l->mac(), mac);
    EXPECT_EQ(build_lla_opt(buf, 3, mac).err, build_error::bad_argument);
    EXPECT_EQ(parse_lla_opt(from_hex("0300000000000000")).status, wire_status::bad_type);
    EXPECT_EQ(parse_prefix_info_opt(from_hex("0301400000000000")).status, wire_status::bad_length);
    EXPECT_EQ(parse_mtu_opt(from_hex("0502000000000000 0000000000000000")).status,
              wire_status::bad_length);
}
