#include "mipgate/wire/fmip_messages.hpp"
#include "mipgate/wire/fmip_options.hpp"
#include "mipgate/wire/icmpv6.hpp"
#include "mipgate/wire/mip6_messages.hpp"
#include "mipgate/wire/nd_messages.hpp"
#include "mipgate/wire/nd_option_codecs.hpp"
#include "mipgate/wire/send_messages.hpp"
#include "test_util.hpp"

#include <gtest/gtest.h>

#include <array>

using namespace mipgate;
using namespace mipgate::wire;
using namespace mipgate::wire::test;

namespace {
const auto ll_mn = addr("fe80::1");
const auto ll_ar = addr("fe80::2");
} // namespace

TEST(icmpv6, checksum_fill_and_verify_golden) {
    // Echo request fe80::1 → fe80::2, id 1 seq 2: checksum computed with Python (RFC 8200 §8.1).
    auto m = from_hex("8000000000010002");
    ASSERT_TRUE(icmpv6_fill_checksum(ll_mn, ll_ar, m));
    EXPECT_EQ(to_hex(m), "800082b500010002"); // scapy 2.5
    EXPECT_TRUE(icmpv6_checksum_ok(ll_mn, ll_ar, m));
    m[7] ^= 0x10;
    EXPECT_FALSE(icmpv6_checksum_ok(ll_mn, ll_ar, m));
    std::array<std::uint8_t, 3> tiny{};
    EXPECT_FALSE(icmpv6_fill_checksum(ll_mn, ll_ar, tiny));
    EXPECT_FALSE(icmpv6_checksum_ok(ll_mn, ll_ar, tiny));
}

TEST(nd_messages, round_trip) {
    std::array<std::uint8_t, 256> buf{};
    std::array<std::uint8_t, 64> ob{};
    const mac_addr mac{{0x02, 0, 0, 0, 0, 1}};
    auto o = build_lla_opt(ob, nd_opt_slla, mac);
    ASSERT_TRUE(o.ok());
    const bytes_view opts{ob.data(), o.len};

    auto r = build_rs(buf, rs_msg{opts});
    ASSERT_TRUE(r.ok());
    auto rs = parse_rs(bytes_view{buf.data(), r.len});
    ASSERT_TRUE(rs.ok());
    EXPECT_EQ(rs->options.size(), 8u);

    ra_msg ra{64, ra_flag_other, 1800, 30000, 1000, opts};
    r = build_ra(buf, ra);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r.len, 24u);
    auto pra = parse_ra(bytes_view{buf.data(), r.len});
    ASSERT_TRUE(pra.ok());
    EXPECT_EQ(pra->cur_hop_limit, 64);
    EXPECT_EQ(pra->flags, ra_flag_other);
    EXPECT_EQ(pra->router_lifetime, 1800);
    EXPECT_EQ(pra->reachable_time, 30000u);
    EXPECT_EQ(pra->retrans_timer, 1000u);

    r = build_ns(buf, ns_msg{addr("2001:db8::5"), opts});
    ASSERT_TRUE(r.ok());
    auto ns = parse_ns(bytes_view{buf.data(), r.len});
    ASSERT_TRUE(ns.ok());
    EXPECT_EQ(ns->target, addr("2001:db8::5"));

    r = build_na(buf, na_msg{na_flag_solicited | na_flag_override, addr("2001:db8::5"), {}});
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(to_hex(buf.data(), 8), "8800000060000000");
    auto na = parse_na(bytes_view{buf.data(), r.len});
    ASSERT_TRUE(na.ok());
    EXPECT_EQ(na->flags, na_flag_solicited | na_flag_override);
}

TEST(nd_messages, malformed) {
    auto ns = from_hex("8700000000000000 20010db8000000000000000000000005 0101020000000001");
    EXPECT_TRUE(parse_ns(ns).ok());
    EXPECT_EQ(parse_ns(bytes_view{ns}.first(23)).status, wire_status::truncated);
    auto c = ns;
    c[1] = 1;
    EXPECT_EQ(parse_ns(c).status, wire_status::bad_code);
    EXPECT_EQ(parse_na(ns).status, wire_status::bad_type);
    auto z = ns;
    z[25] = 0; // option Length 0
    EXPECT_EQ(parse_ns(z).status, wire_status::bad_options);
    auto t = ns;
    t[25] = 2; // option longer than the message
    EXPECT_EQ(parse_ns(t).status, wire_status::bad_options);
    auto mc = ns;
    mc[8] = 0xff; // multicast target
    EXPECT_EQ(parse_ns(mc).status, wire_status::bad_value);
    std::array<std::uint8_t, 10> small{};
    EXPECT_EQ(build_ns(small, ns_msg{addr("2001:db8::5"), {}}).err, build_error::no_space);
    std::array<std::uint8_t, 64> big{};
    EXPECT_EQ(build_na(big, na_msg{0, addr("ff02::1"), {}}).err, build_error::bad_argument);
    EXPECT_EQ(parse_rs(from_hex("8500000000000000")).status, wire_status::ok);
    EXPECT_EQ(parse_ra(from_hex("8600000000000000")).status, wire_status::truncated);
}

TEST(fmip_messages, round_trip_and_rules) {
    std::array<std::uint8_t, 128> buf{};
    std::array<std::uint8_t, 64> ob{};
    auto o = build_ip_addr_opt(ob, ip_addr_opt{ip_addr_code_ncoa, 128, addr("2001:db8:2::100")});
    ASSERT_TRUE(o.ok());
    fmip_msg hi{fmip_subtype_hi, 0, hi_flag_s | hi_flag_u, 0x4242, bytes_view{ob.data(), o.len}};
    auto r = build_fmip(buf, hi);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(to_hex(buf.data(), 8), "9a000000"
                                     "04c04242");
    auto p = parse_fmip(bytes_view{buf.data(), r.len}, fmip_subtype_hi);
    ASSERT_TRUE(p.ok());
    EXPECT_EQ(p->flags, hi_flag_s | hi_flag_u);
    EXPECT_EQ(p->identifier, 0x4242);
    EXPECT_EQ(p->options.size(), 24u);
    EXPECT_EQ(parse_fmip(bytes_view{buf.data(), r.len}, fmip_subtype_hack).status,
              wire_status::bad_type);

    // HI code 1 with S set is forbidden (RFC 5268 §6.2.1).
    hi.code = 1;
    EXPECT_EQ(build_fmip(buf, hi).err, build_error::bad_argument);
    auto bad = from_hex("9a01000004804242");
    EXPECT_EQ(parse_fmip(bad).status, wire_status::bad_value);
    EXPECT_EQ(parse_fmip(from_hex("9a01000002000001")).status,
              wire_status::bad_code); // RtSolPr code 1
    EXPECT_EQ(parse_fmip(from_hex("9a06000003000001")).status,
              wire_status::bad_code); // PrRtAdv code 6
    EXPECT_EQ(parse_fmip(from_hex("9a00000001000001")).status, wire_status::bad_type); // subtype 1
    EXPECT_EQ(parse_fmip(from_hex("9a000000020000")).status, wire_status::truncated);
    // Reserved byte of non-HI subtypes is written as zero.
    fmip_msg rt{fmip_subtype_rtsolpr, 0, 0xff, 7, {}};
    r = build_fmip(buf, rt);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(to_hex(buf.data(), r.len), "9a00000002000007");
    fmip_msg hack{fmip_subtype_hack, hack_code_not_accepted, 0, 7, {}};
    r = build_fmip(buf, hack);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(parse_fmip(bytes_view{buf.data(), r.len})->code, hack_code_not_accepted);
}

TEST(send_messages, cps_cpa_round_trip) {
    std::array<std::uint8_t, 64> buf{};
    auto r = build_cps(buf, cps_msg{0x1111, cps_all_components, {}});
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(to_hex(buf.data(), r.len), "940000001111ffff");
    auto c = parse_cps(bytes_view{buf.data(), r.len});
    ASSERT_TRUE(c.ok());
    EXPECT_EQ(c->component, cps_all_components);
    r = build_cpa(buf, cpa_msg{0x1111, 3, 2, {}});
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(to_hex(buf.data(), r.len), "9500000011110003"
                                         "00020000");
    auto a = parse_cpa(bytes_view{buf.data(), r.len});
    ASSERT_TRUE(a.ok());
    EXPECT_EQ(a->all_components, 3);
    EXPECT_EQ(a->component, 2);
    EXPECT_EQ(parse_cpa(bytes_view{buf.data(), 8}).status, wire_status::truncated);
}

TEST(mip6_messages, dhaad_mps_mpa_round_trip) {
    std::array<std::uint8_t, 128> buf{};
    auto r = build_dhaad_request(buf, dhaad_request_msg{9, 0});
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(parse_dhaad_request(bytes_view{buf.data(), r.len})->identifier, 9);
    std::vector<std::uint8_t> has;
    for (const auto& a : {addr("2001:db8:a::1"), addr("2001:db8:a::2")}) {
        has.insert(has.end(), a.b.begin(), a.b.end());
    }
    r = build_dhaad_reply(buf, dhaad_reply_msg{9, 0, has});
    ASSERT_TRUE(r.ok());
    auto rep = parse_dhaad_reply(bytes_view{buf.data(), r.len});
    ASSERT_TRUE(rep.ok());
    ASSERT_EQ(rep->count(), 2u);
    EXPECT_EQ(rep->address(1), addr("2001:db8:a::2"));
    EXPECT_EQ(parse_dhaad_reply(bytes_view{buf.data(), r.len - 1}).status, wire_status::bad_length);
    EXPECT_EQ(build_dhaad_reply(buf, dhaad_reply_msg{9, 0, bytes_view{has}.first(20)}).err,
              build_error::bad_argument);

    r = build_mps(buf, mps_msg{77});
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(to_hex(buf.data(), r.len), "92000000004d0000");
    EXPECT_EQ(parse_mps(bytes_view{buf.data(), r.len})->identifier, 77);

    std::array<std::uint8_t, 64> ob{};
    auto o =
        build_prefix_info_opt(ob, prefix_info_opt{64, prefix_flag_onlink | prefix_flag_autonomous,
                                                  86400, 14400, addr("2001:db8:a::")});
    ASSERT_TRUE(o.ok());
    r = build_mpa(buf, mpa_msg{77, mpa_flag_managed, bytes_view{ob.data(), o.len}});
    ASSERT_TRUE(r.ok());
    auto mpa = parse_mpa(bytes_view{buf.data(), r.len});
    ASSERT_TRUE(mpa.ok());
    EXPECT_EQ(mpa->flags, mpa_flag_managed);
    auto l = parse_nd_options(mpa->options);
    ASSERT_TRUE(l.ok());
    auto pi = parse_prefix_info_opt(l.opts[0].raw);
    ASSERT_TRUE(pi.ok());
    EXPECT_EQ(pi->prefix_len, 64);
    EXPECT_EQ(pi->valid_lifetime, 86400u);
    EXPECT_EQ(pi->prefix, addr("2001:db8:a::"));
}

TEST(nd_messages, options_in_place) {
    // Options built directly after the fixed part are kept (memmove onto itself).
    std::array<std::uint8_t, 64> buf{};
    auto o = build_mtu_opt(bytes_mut{buf}.subspan(8), 1500);
    ASSERT_TRUE(o.ok());
    auto r = build_rs(buf, rs_msg{bytes_view{buf.data() + 8, o.len}});
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(to_hex(buf.data(), r.len), "8500000000000000"
                                         "05010000000005dc");
    auto l = parse_nd_options(parse_rs(bytes_view{buf.data(), r.len})->options);
    EXPECT_EQ(parse_mtu_opt(l.opts[0].raw)->mtu, 1500u);
}
