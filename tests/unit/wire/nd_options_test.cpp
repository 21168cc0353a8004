#include "mipgate/wire/nd_options.hpp"
#include "test_util.hpp"

#include <gtest/gtest.h>

using namespace mipgate;
using namespace mipgate::wire;
using namespace mipgate::wire::test;

TEST(nd_options, splits_options) {
    // SLLA (8) + Nonce (8) + MTU (8)
    const auto o = from_hex("0101020000000001 0e01aabbccddeeff 0501000000000500");
    auto l = parse_nd_options(o);
    ASSERT_TRUE(l.ok());
    ASSERT_EQ(l.count, 3);
    EXPECT_EQ(l.opts[1].type, nd_opt_nonce);
    EXPECT_EQ(l.opts[1].offset, 8);
    EXPECT_EQ(l.opts[1].raw.size(), 8u);
    EXPECT_EQ(l.opts[1].raw[2], 0xaa);
    ASSERT_NE(l.find(nd_opt_mtu), nullptr);
    EXPECT_EQ(l.find(nd_opt_mtu)->offset, 16);
    EXPECT_EQ(l.find(nd_opt_cga), nullptr);
    int n = 0;
    for (const auto& opt : l) {
        (void)opt;
        ++n;
    }
    EXPECT_EQ(n, 3);
}

TEST(nd_options, empty_area_is_ok) {
    auto l = parse_nd_options({});
    EXPECT_TRUE(l.ok());
    EXPECT_EQ(l.count, 0);
}

TEST(nd_options, zero_length_rejected) {
    const auto o = from_hex("0101020000000001 0e00aabbccddeeff");
    auto l = parse_nd_options(o);
    EXPECT_EQ(l.status, nd_status::zero_length);
    EXPECT_EQ(l.count, 1);
}

TEST(nd_options, truncated) {
    const auto o = from_hex("0102020000000001");
    EXPECT_EQ(parse_nd_options(o).status, nd_status::truncated);
    const auto p = from_hex("010102000000000105");
    EXPECT_EQ(parse_nd_options(p).status, nd_status::truncated);
}

TEST(nd_options, too_many) {
    std::vector<std::uint8_t> o;
    for (int i = 0; i < 33; ++i) {
        auto one = from_hex("0e01000000000000");
        o.insert(o.end(), one.begin(), one.end());
    }
    auto l = parse_nd_options(o);
    EXPECT_EQ(l.status, nd_status::too_many);
    EXPECT_EQ(l.count, 32);
    o.resize(32 * 8);
    EXPECT_TRUE(parse_nd_options(o).ok());
}
