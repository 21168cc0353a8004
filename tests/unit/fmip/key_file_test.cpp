// Key preload file parser: accepted lines, every refusal with its line, no key bytes in messages.
#include "mipgate/fmip/key_file.hpp"

#include <gtest/gtest.h>

#include <string>

namespace {

using mipgate::fmip::format_key_file_line;
using mipgate::fmip::parse_key_file;

const std::string k20(40, 'a');           // AT 0: 20 bytes
const std::string k32 = std::string(62, '0') + "ff"; // AT 1: 32 bytes

TEST(KeyFile, ParsesEntriesCommentsAndBlankLines) {
    const std::string text = "# preload\n\n2001:db8::1 0 " + k20 + "\n  2001:db8::2\t1 " + k32 +
                              " 600   # lab key\n";
    const auto p = parse_key_file(text);
    ASSERT_TRUE(p.errors.empty()) << p.errors.front().reason;
    ASSERT_EQ(p.entries.size(), 2u);
    EXPECT_EQ(p.entries[0].cga.to_string(), "2001:db8::1");
    EXPECT_EQ(p.entries[0].at, 0u);
    EXPECT_EQ(p.entries[0].key.size(), 20u);
    EXPECT_EQ(p.entries[0].key.data()[0], 0xaa);
    EXPECT_FALSE(p.entries[0].lifetime_s.has_value());
    EXPECT_EQ(p.entries[0].line, 3u);
    EXPECT_EQ(p.entries[1].at, 1u);
    EXPECT_EQ(p.entries[1].key.size(), 32u);
    EXPECT_EQ(p.entries[1].key.data()[31], 0xff);
    EXPECT_EQ(p.entries[1].lifetime_s, 600u);
    EXPECT_EQ(p.entries[1].line, 4u);
}

TEST(KeyFile, RoundTripsThroughFormat) {
    const std::uint8_t key[20] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20};
    const auto cga = *mipgate::ipv6_addr::parse("2001:db8:1::42");
    const std::string line = format_key_file_line(cga, 0, key, 30);
    const auto p = parse_key_file(line);
    ASSERT_TRUE(p.errors.empty());
    ASSERT_EQ(p.entries.size(), 1u);
    EXPECT_EQ(p.entries[0].cga, cga);
    EXPECT_TRUE(std::equal(key, key + 20, p.entries[0].key.data()));
    EXPECT_EQ(p.entries[0].lifetime_s, 30u);
}

struct bad_case {
    std::string line;
    std::string reason_part;
};

TEST(KeyFile, RefusesBadLinesWithTheirLineNumber) {
    const bad_case cases[] = {
        {"2001:db8::1 0", "field(s)"},
        {"2001:db8::1 0 " + k20 + " 5 extra", "field(s)"},
        {"not-an-address 0 " + k20, "not an IPv6 address"},
        {"2001:db8::1 7 " + k20, "unknown AT"},
        {"2001:db8::1 x " + k20, "unknown AT"},
        {"2001:db8::1 1 " + k20, "must be 32 bytes"},
        {"2001:db8::1 0 " + std::string(39, 'a') + "g", "not hexadecimal"},
        {"2001:db8::1 0 " + k20 + " 0", "lifetime"},
        {"2001:db8::1 0 " + k20 + " 65536", "lifetime"},
    };
    for (const auto& c : cases) {
        const auto p = parse_key_file("# header\n" + c.line + "\n");
        ASSERT_EQ(p.errors.size(), 1u) << c.line;
        EXPECT_EQ(p.errors[0].line, 2u) << c.line;
        EXPECT_NE(p.errors[0].reason.find(c.reason_part), std::string::npos) << p.errors[0].reason;
        EXPECT_EQ(p.errors[0].reason.find(std::string(20, 'a')), std::string::npos) << "key bytes in a message";
        EXPECT_TRUE(p.entries.empty());
    }
}

TEST(KeyFile, RefusesDuplicateCga) {
    const auto p = parse_key_file("2001:db8::1 0 " + k20 + "\n2001:db8:0::1 1 " + k32 + "\n");
    ASSERT_EQ(p.errors.size(), 1u);
    EXPECT_EQ(p.errors[0].line, 2u);
    EXPECT_NE(p.errors[0].reason.find("duplicate"), std::string::npos);
}

} // namespace
