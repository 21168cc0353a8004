#include "mipgate/wire/checksum.hpp"
#include "test_util.hpp"

#include <gtest/gtest.h>

using namespace mipgate;
using namespace mipgate::wire;
using namespace mipgate::wire::test;

TEST(checksum, rfc1071_example) {
    // RFC 1071 §3 example: 0001 f203 f4f5 f6f7 → sum ddf2.
    const auto d = from_hex("0001f203f4f5f6f7");
    EXPECT_EQ(csum_fold(csum_add(0, d)), 0xddf2);
}

TEST(checksum, odd_length_pads_zero) {
    const auto a = from_hex("abcdef");
    const auto b = from_hex("abcdef00");
    EXPECT_EQ(csum_fold(csum_add(0, a)), csum_fold(csum_add(0, b)));
}

TEST(checksum, chaining_equals_one_shot) {
    std::vector<std::uint8_t> d(70000);
    for (std::size_t i = 0; i < d.size(); ++i) {
        d[i] = static_cast<std::uint8_t>(0xff - (i % 7));
    }
    std::uint32_t s = 0;
    for (std::size_t i = 0; i < d.size(); i += 1000) {
        s = csum_add(s, bytes_view{d}.subspan(i, std::min<std::size_t>(1000, d.size() - i)));
    }
    EXPECT_EQ(csum_fold(s), csum_fold(csum_add(0, d)));
}

TEST(checksum, mh_pseudo_header_golden) {
    // protocol-facts §1.5 FBU as sent: checksum 0x1d0e with HoA 2001:db8:1::100 → PAR 2001:db8:1::1
    // (pair recomputed independently with Python).
    auto mh = from_hex("3b0608001d0e002ac000000a0100031020010db800020000000000000000010001040000000"
                       "015100000000083e0c9adae0ba0d0230e7a2a");
    const auto src = addr("2001:db8:1::100");
    const auto dst = addr("2001:db8:1::1");
    EXPECT_EQ(pseudo_checksum(src, dst, 135, mh), 0);
    mh[4] = 0;
    mh[5] = 0;
    EXPECT_EQ(pseudo_checksum(src, dst, 135, mh), 0x1d0e);
    EXPECT_NE(pseudo_checksum(src, dst, 58, mh), 0x1d0e);
}
