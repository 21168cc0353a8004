#include "mipgate/wire/ipv6.hpp"
#include "test_util.hpp"

#include <gtest/gtest.h>

#include <array>

using namespace mipgate;
using namespace mipgate::wire;
using namespace mipgate::wire::test;

namespace {

// IPv6 header (src 2001:db8:1::100, dst 2001:db8:1::1) + payload; payload_len from payload size.
std::vector<std::uint8_t> ip6(std::uint8_t nh, const std::vector<std::uint8_t>& payload,
                              int plen = -1) {
    auto p = from_hex("6000000000000040"
                      "20010db8000100000000000000000100"
                      "20010db8000100000000000000000001");
    p[6] = nh;
    const std::size_t l = plen < 0 ? payload.size() : static_cast<std::size_t>(plen);
    p[4] = static_cast<std::uint8_t>(l >> 8);
    p[5] = static_cast<std::uint8_t>(l);
    p.insert(p.end(), payload.begin(), payload.end());
    return p;
}

std::vector<std::uint8_t> cat(std::initializer_list<std::vector<std::uint8_t>> parts) {
    std::vector<std::uint8_t> out;
    for (const auto& p : parts) {
        out.insert(out.end(), p.begin(), p.end());
    }
    return out;
}

const auto icmp = from_hex("8000000000010002"); // echo request
// Destination Options: next=nh, len 2, PadN(4), HAO(2001:db8:1::100) at 8n+6.
std::vector<std::uint8_t> dst_hao(std::uint8_t nh) {
    auto d = from_hex("0002010200 00c91020010db8000100000000000000000100");
    d[0] = nh;
    return d;
}
std::vector<std::uint8_t> rh2(std::uint8_t nh) {
    auto r = from_hex("0002020100000000 20010db8000a0000000000000000000a");
    r[0] = nh;
    return r;
}

} // namespace

TEST(ipv6, plain_icmpv6) {
    auto p = ip6(nh_icmpv6, icmp);
    auto v = parse_ipv6(p);
    ASSERT_TRUE(v.ok());
    EXPECT_EQ(v.hdr->hop_limit, 0x40);
    EXPECT_EQ(v.hdr->src_addr(), addr("2001:db8:1::100"));
    EXPECT_EQ(v.upper_proto, nh_icmpv6);
    EXPECT_EQ(v.upper_offset, 40);
    EXPECT_EQ(v.upper_length, 8);
    EXPECT_EQ(v.ext_count, 0);
    EXPECT_FALSE(v.home_address);
    EXPECT_EQ(to_hex(v.upper(p)), to_hex(icmp));
}

TEST(ipv6, trailing_padding_ignored) {
    auto p = ip6(nh_icmpv6, icmp);
    p.resize(p.size() + 10, 0);
    auto v = parse_ipv6(p);
    ASSERT_TRUE(v.ok());
    EXPECT_EQ(v.end, 48u);
    EXPECT_EQ(v.upper_length, 8);
}

TEST(ipv6, refuses_short_bad_version_and_length) {
    auto p = ip6(nh_icmpv6, icmp);
    EXPECT_EQ(parse_ipv6(bytes_view{p}.first(39)).status, ipv6_status::truncated);
    EXPECT_EQ(parse_ipv6(bytes_view{}).status, ipv6_status::truncated);
    auto q = p;
    q[0] = 0x40;
    EXPECT_EQ(parse_ipv6(q).status, ipv6_status::bad_version);
    auto r = ip6(nh_icmpv6, icmp, 9);
    EXPECT_EQ(parse_ipv6(r).status, ipv6_status::bad_payload_length);
}

TEST(ipv6, hao_and_rh2_found) {
    // IPv6 | RH2 | DstOpts(HAO) | MH
    const auto mh = from_hex("3b00050000000000");
    auto p = ip6(nh_routing, cat({rh2(nh_dstopts), dst_hao(nh_mh), mh}));
    auto v = parse_ipv6(p);
    ASSERT_TRUE(v.ok()) << int(v.status);
    EXPECT_EQ(v.ext_count, 2);
    ASSERT_TRUE(v.rh2_address);
    EXPECT_EQ(*v.rh2_address, addr("2001:db8:a::a"));
    EXPECT_EQ(v.rh2_offset, 48);
    ASSERT_TRUE(v.home_address);
    EXPECT_EQ(*v.home_address, addr("2001:db8:1::100"));
    EXPECT_EQ(v.hao_offset, 40 + 24 + 8);
    EXPECT_EQ(v.upper_proto, nh_mh);
    EXPECT_EQ(v.upper_offset, 40 + 24 + 24);
    EXPECT_EQ(v.upper_length, 8);
}

TEST(ipv6, hbh_then_dstopts_before_and_after_rh) {
    const auto hbh = from_hex("3c00010400000000");  // next DstOpts, PadN(4)
    const auto dst1 = from_hex("2b00010400000000"); // next Routing
    auto p = ip6(nh_hopopt, cat({hbh, dst1, rh2(nh_dstopts), dst_hao(nh_icmpv6), icmp}));
    auto v = parse_ipv6(p);
    ASSERT_TRUE(v.ok()) << int(v.status);
    EXPECT_EQ(v.ext_count, 4);
    EXPECT_TRUE(v.home_address);
    EXPECT_TRUE(v.rh2_address);
    EXPECT_EQ(v.upper_proto, nh_icmpv6);
}

TEST(ipv6, hao_before_routing_header_refused) {
    auto p = ip6(nh_dstopts, cat({dst_hao(nh_routing), rh2(nh_icmpv6), icmp}));
    EXPECT_EQ(parse_ipv6(p).status, ipv6_status::bad_hao);
}

TEST(ipv6, hao_bad_length_duplicate_or_in_hbh) {
    auto d = dst_hao(nh_icmpv6);
    d[7] = 15; // HAO length 15 (+ one byte left over as Pad1)
    d[23] = 0;
    auto p = ip6(nh_dstopts, cat({d, icmp}));
    EXPECT_EQ(parse_ipv6(p).status, ipv6_status::bad_hao);

    auto h = dst_hao(nh_icmpv6);
    auto q = ip6(nh_hopopt, cat({h, icmp}));
    EXPECT_EQ(parse_ipv6(q).status, ipv6_status::bad_hao);

    // two Destination Options headers, both with a HAO (second after no RH)
    auto r = ip6(nh_dstopts, cat({dst_hao(nh_dstopts), dst_hao(nh_icmpv6), icmp}));
    EXPECT_EQ(parse_ipv6(r).status, ipv6_status::bad_hao);
}

TEST(ipv6, rh2_fields_checked) {
    auto r = rh2(nh_icmpv6);
    r[3] = 0; // Segments Left 0
    EXPECT_EQ(parse_ipv6(ip6(nh_routing, cat({r, icmp}))).status, ipv6_status::bad_rh2);
    auto r2 = rh2(nh_icmpv6);
    r2[1] = 4; // Hdr Ext Len 4 (40 bytes): give it the bytes so only the length rule fails
    r2.resize(40, 0);
    EXPECT_EQ(parse_ipv6(ip6(nh_routing, cat({r2, icmp}))).status, ipv6_status::bad_rh2);
    // two routing headers
    auto p = ip6(nh_routing, cat({rh2(nh_routing), rh2(nh_icmpv6), icmp}));
    EXPECT_EQ(parse_ipv6(p).status, ipv6_status::bad_ext_header);
}

TEST(ipv6, other_routing_types_skipped) {
    auto r = rh2(nh_icmpv6);
    r[2] = 4; // SRH-like type, not interpreted
    r[3] = 0;
    auto v = parse_ipv6(ip6(nh_routing, cat({r, icmp})));
    ASSERT_TRUE(v.ok());
    EXPECT_FALSE(v.rh2_address);
    EXPECT_EQ(v.upper_offset, 64);
}

TEST(ipv6, ext_header_truncation) {
    auto d = dst_hao(nh_icmpv6);
    auto p = ip6(nh_dstopts, d);
    p.resize(p.size() - 1);
    p[5] = static_cast<std::uint8_t>(p[5] - 1);
    EXPECT_EQ(parse_ipv6(p).status, ipv6_status::truncated);
    // header length claims more than the payload holds
    auto d2 = dst_hao(nh_icmpv6);
    d2[1] = 9;
    EXPECT_EQ(parse_ipv6(ip6(nh_dstopts, d2)).status, ipv6_status::truncated);
    // fewer than 8 bytes left for an extension header
    EXPECT_EQ(parse_ipv6(ip6(nh_routing, from_hex("3a000201"))).status, ipv6_status::truncated);
}

TEST(ipv6, option_tlv_overrun) {
    auto d = from_hex("3a00010500000000"); // PadN claims 5 bytes, only 4 remain
    EXPECT_EQ(parse_ipv6(ip6(nh_dstopts, cat({d, icmp}))).status, ipv6_status::bad_ext_header);
    auto e = from_hex("3a00000000000001"); // lone type byte at the end
    EXPECT_EQ(parse_ipv6(ip6(nh_dstopts, cat({e, icmp}))).status, ipv6_status::bad_ext_header);
}

TEST(ipv6, misplaced_or_repeated_headers) {
    const auto hbh = from_hex("0000010400000000"); // HBH → HBH
    EXPECT_EQ(parse_ipv6(ip6(nh_hopopt, cat({hbh, hbh}))).status, ipv6_status::bad_ext_header);
    const auto dst = from_hex("3c00010400000000"); // DstOpts → DstOpts → DstOpts
    const auto dst_end = from_hex("3a00010400000000");
    EXPECT_EQ(parse_ipv6(ip6(nh_dstopts, cat({dst, dst, dst_end, icmp}))).status,
              ipv6_status::bad_ext_header);
    const auto frag = from_hex("2c00000100000001"); // Fragment → Fragment
    EXPECT_EQ(parse_ipv6(ip6(nh_fragment, cat({frag, frag}))).status, ipv6_status::bad_ext_header);
}

TEST(ipv6, fragments) {
    auto first = from_hex("3a00000100000007"); // offset 0, M=1
    auto v = parse_ipv6(ip6(nh_fragment, cat({first, icmp})));
    ASSERT_TRUE(v.ok());
    EXPECT_TRUE(v.is_fragment);
    EXPECT_TRUE(v.frag_more);
    EXPECT_EQ(v.frag_offset, 0);
    EXPECT_EQ(v.upper_proto, nh_icmpv6);
    EXPECT_EQ(v.upper_offset, 48);

    auto later = from_hex("2b00002000000007"); // offset 4 (units), next says Routing: not walked
    auto w = parse_ipv6(ip6(nh_fragment, cat({later, icmp})));
    ASSERT_TRUE(w.ok());
    EXPECT_EQ(w.frag_offset, 4);
    EXPECT_EQ(w.upper_proto, nh_routing);
    EXPECT_EQ(w.upper_offset, 48);
}

TEST(ipv6, hao_after_fragment_refused) {
    auto first = from_hex("3c00000100000007");
    EXPECT_EQ(parse_ipv6(ip6(nh_fragment, cat({first, dst_hao(nh_icmpv6), icmp}))).status,
              ipv6_status::bad_hao);
}

TEST(ipv6, unknown_option_recorded_not_fatal) {
    auto d = from_hex("3a00 8b02 0000 0100"); // type 0x8b (action 10), len 2; PadN(2)
    auto v = parse_ipv6(ip6(nh_dstopts, cat({d, icmp})));
    ASSERT_TRUE(v.ok());
    EXPECT_EQ(v.unknown_opt_type, 0x8b);
    EXPECT_EQ(v.unknown_opt_offset, 42);
    auto s = from_hex("3a00 0b02 0000 0100"); // action 00: skipped silently
    auto w = parse_ipv6(ip6(nh_dstopts, cat({s, icmp})));
    ASSERT_TRUE(w.ok());
    EXPECT_EQ(w.unknown_opt_offset, 0);
}

TEST(ipv6, stops_at_esp_ah_none) {
    for (std::uint8_t nh : {nh_esp, nh_ah, nh_none, nh_udp, nh_mh}) {
        auto v = parse_ipv6(ip6(nh, icmp));
        ASSERT_TRUE(v.ok());
        EXPECT_EQ(v.upper_proto, nh);
        EXPECT_EQ(v.upper_offset, 40);
    }
}

TEST(ipv6, builders_round_trip) {
    std::array<std::uint8_t, 128> buf{};
    const auto mn = addr("2001:db8:2::100");
    const auto hoa = addr("2001:db8:1::100");
    ipv6_fields f;
    f.traffic_class = 0xb8;
    f.flow_label = 0x12345;
    f.payload_len = 24 + 24 + 8;
    f.next_header = nh_routing;
    f.hop_limit = 255;
    f.src = addr("2001:db8:1::1");
    f.dst = mn;
    ASSERT_TRUE(build_ipv6_hdr(buf, f).ok());
    ASSERT_TRUE(build_rh2(bytes_mut{buf}.subspan(40), nh_dstopts, hoa).ok());
    ASSERT_TRUE(build_hao_dstopts(bytes_mut{buf}.subspan(64), nh_mh, hoa).ok());
    buf[88] = nh_none;
    buf[90] = 7;
    EXPECT_EQ(to_hex(buf.data(), 8), "6b81234500382bff");
    auto v = parse_ipv6(bytes_view{buf.data(), 96});
    ASSERT_TRUE(v.ok()) << int(v.status);
    EXPECT_EQ(v.hdr->hop_limit, 255);
    EXPECT_EQ(*v.rh2_address, hoa);
    EXPECT_EQ(*v.home_address, hoa);
    EXPECT_EQ(v.hao_offset % 8, 0); // 8n+6 within the header → address at 8n
    EXPECT_EQ(v.upper_proto, nh_mh);
    EXPECT_EQ(v.upper_offset, 88);
    std::array<std::uint8_t, 20> small{};
    EXPECT_EQ(build_rh2(small, 0, hoa).err, build_error::no_space);
}
