// RFC 3972 CGA: the Appendix A example step by step, codec errors, every verification failure,
// and generation at Sec 0, 1, 2 with collision counts.

#include "send_test_util.hpp"

#include <fstream>
#include <iterator>

namespace send_test {
namespace {

// RFC 3972 Appendix A (protocol-facts §3.3), values recomputed independently with Python hashlib.
const char* rfc_key_hex =
    "305c300d06092a864886f70d0101010500034b003048024100c2c2f137305454f10bd9cea36844b530e9211a4b2"
    "62b16467cb7dfba1f595c0194f275be5a4d386f2c3c2382508773c7867f9b3b9e63a09c7bc48f7a54ebefaf0203"
    "010001";

std::vector<std::uint8_t> rfc_params(const char* modifier_hex = "89a8a8b2e858d8b8f2633f44d2d4ce9b") {
    auto p = hex(modifier_hex);
    auto pfx = hex("fe80000000000000");
    p.insert(p.end(), pfx.begin(), pfx.end());
    p.push_back(0);
    auto k = hex(rfc_key_hex);
    p.insert(p.end(), k.begin(), k.end());
    return p;
}

template <std::size_t N>
std::vector<std::uint8_t> vec(const std::array<std::uint8_t, N>& a) { return {a.begin(), a.end()}; }

TEST(CgaAppendixA, StepByStep) {
    auto key = hex(rfc_key_hex);
    ASSERT_EQ(key.size(), 94u);
    // The rejected first modifier: Hash2 does not start with 16 zero bits.
    cga_hash2_value h2;
    ASSERT_TRUE(cga_hash2(hex("89a8a8b2e858d8b8f2633f44d2d4ce9a"), key, {}, h2));
    EXPECT_EQ(vec(h2), hex("436b9a70dbfddbf1926e6e6629c0"));
    // Modifier + 1: accepted at Sec 1.
    ASSERT_TRUE(cga_hash2(hex("89a8a8b2e858d8b8f2633f44d2d4ce9b"), key, {}, h2));
    EXPECT_EQ(vec(h2), hex("000001ca680b83888d0912dffcce"));
    // Hash1 over the 119-byte parameters with prefix fe80::, collision count 0.
    auto params = rfc_params();
    ASSERT_EQ(params.size(), 119u);
    cga_hash1_value h1;
    ASSERT_TRUE(cga_hash1(params, h1));
    EXPECT_EQ(vec(h1), hex("fd4a5bf6ffb4ca6c"));
    // IID = Hash1 with Sec=1 in the top 3 bits and u, g cleared.
    std::uint8_t first = static_cast<std::uint8_t>((h1[0] & 0x1c) | (1 << 5));
    EXPECT_EQ(first, 0x3c);
    ipv6_addr expect = addr("fe80::3c4a:5bf6:ffb4:ca6c");
    EXPECT_EQ(expect.b[8], first);
    // Verification of the published address.
    cga_params_view v;
    ASSERT_EQ(parse_cga_params(params, v), cga_parse_status::ok);
    EXPECT_EQ(v.public_key.size(), 94u);
    EXPECT_TRUE(v.extensions.empty());
    EXPECT_REASON(cga_verify(expect, v), send_reason::ok);
    // The same file sendd's cgatool ships, kept as a fixture.
    std::ifstream f(data_path("rfc3972-example.params"), std::ios::binary);
    std::vector<std::uint8_t> file((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    EXPECT_EQ(file, params);
}

TEST(CgaAppendixA, GenerationFromFirstModifierReproducesAddress) {
    auto key = hex(rfc_key_hex);
    cga_generate_request req;
    req.subnet = addr("fe80::");
    req.public_key = key;
    req.sec = 1;
    req.start_modifier = cga_modifier{};
    auto m0 = hex("89a8a8b2e858d8b8f2633f44d2d4ce9a");
    std::copy(m0.begin(), m0.end(), req.start_modifier->begin());
    auto g = cga_generate(req, {});
    ASSERT_TRUE(g.ok()) << g.err().message;
    EXPECT_EQ(g->hash2_iterations, 2u);
    EXPECT_EQ(g->address, addr("fe80::3c4a:5bf6:ffb4:ca6c"));
    EXPECT_EQ(g->params, rfc_params());
    EXPECT_EQ(g->collision_count, 0);
}

TEST(CgaParams, ParseErrors) {
    cga_params_view v;
    auto p = rfc_params();
    EXPECT_EQ(parse_cga_params(bytes_view(p).first(20), v), cga_parse_status::too_short);
    auto bad = p;
    bad[25] = 0x31;  // not a SEQUENCE
    EXPECT_EQ(parse_cga_params(bad, v), cga_parse_status::bad_der);
    EXPECT_EQ(parse_cga_params(bytes_view(p).first(100), v), cga_parse_status::bad_der);  // key cut
    bad = p;
    bad[26] = 0x80;  // indefinite length
    EXPECT_EQ(parse_cga_params(bad, v), cga_parse_status::bad_der);
    // Extensions must tile the rest: 3 stray bytes, then a field overrunning the end.
    bad = p;
    bad.insert(bad.end(), {0, 1, 0});
    EXPECT_EQ(parse_cga_params(bad, v), cga_parse_status::bad_extension);
    bad = p;
    bad.insert(bad.end(), {0, 1, 0, 9, 1, 2});
    EXPECT_EQ(parse_cga_params(bad, v), cga_parse_status::bad_extension);
}

TEST(CgaParams, ExtensionsAreHashedNotInterpreted) {
    auto p = rfc_params();
    p.insert(p.end(), {0xab, 0xcd, 0, 3, 1, 2, 3});  // RFC 4581 unknown type, 3 data bytes
    cga_params_view v;
    ASSERT_EQ(parse_cga_params(p, v), cga_parse_status::ok);
    EXPECT_EQ(v.extensions.size(), 7u);
    // Hash1 now covers the extension, so the published address no longer matches.
    EXPECT_REASON(cga_verify(addr("fe80::3c4a:5bf6:ffb4:ca6c"), v), send_reason::cga_hash1_mismatch);
}

TEST(CgaParams, LongFormDerAndOptionFraming) {
    auto key = key2048().public_key().spki();
    ASSERT_GT(key.size(), 255u);
    EXPECT_EQ(der_element_length(key), key.size());  // 0x82 long form
    cga_modifier m{};
    std::vector<std::uint8_t> buf(600);
    std::size_t n = encode_cga_params(buf, m, addr("2001:db8::"), 2, key);
    ASSERT_EQ(n, cga_fixed_len + key.size());
    EXPECT_EQ(encode_cga_params(bytes_mut(buf).first(10), m, addr("::"), 0, key), 0u);
    std::vector<std::uint8_t> opt(700);
    std::size_t ol = build_cga_option(opt, bytes_view(buf).first(n));
    ASSERT_EQ(ol % 8, 0u);
    EXPECT_EQ(opt[0], 11);
    EXPECT_EQ(opt[1] * 8u, ol);
    EXPECT_EQ(opt[2], ol - 4 - n);
    bytes_view params;
    ASSERT_TRUE(cga_option_params(bytes_view(opt).first(ol), params));
    EXPECT_TRUE(std::equal(params.begin(), params.end(), buf.begin()) && params.size() == n);
    cga_params_view v;
    ASSERT_EQ(parse_cga_params(params, v), cga_parse_status::ok);
    EXPECT_EQ(v.collision_count, 2);
    // Length beyond the bytes given → refused; so is a Pad Length larger than the option.
    opt[1] = static_cast<std::uint8_t>(opt[1] + 1);
    EXPECT_FALSE(cga_option_params(bytes_view(opt).first(ol), params));
    std::uint8_t small[16] = {11, 2, 13, 0};
    EXPECT_FALSE(cga_option_params(small, params));
    small[2] = 12;
    ASSERT_TRUE(cga_option_params(small, params));
    EXPECT_TRUE(params.empty());
}

TEST(CgaVerify, EachStepHasItsReason) {
    auto params = rfc_params();
    cga_params_view v;
    ASSERT_EQ(parse_cga_params(params, v), cga_parse_status::ok);
    ipv6_addr good = addr("fe80::3c4a:5bf6:ffb4:ca6c");
    // Step 1: collision count 3.
    auto cc = params;
    cc[24] = 3;
    cga_params_view vcc;
    ASSERT_EQ(parse_cga_params(cc, vcc), cga_parse_status::ok);
    EXPECT_REASON(cga_verify(good, vcc), send_reason::cga_cc_invalid);
    // Step 2: prefix.
    EXPECT_REASON(cga_verify(addr("fe81::3c4a:5bf6:ffb4:ca6c"), v), send_reason::cga_prefix_mismatch);
    // Steps 3-4: IID differs in a hashed bit.
    EXPECT_REASON(cga_verify(addr("fe80::3c4a:5bf6:ffb4:ca6d"), v), send_reason::cga_hash1_mismatch);
    // u and g bits (0x03 of the first IID octet) are ignored: still the same CGA... until Sec.
    EXPECT_REASON(cga_verify(addr("fe80::3f4a:5bf6:ffb4:ca6c"), v), send_reason::ok);
    // Step 5 (policy): Sec 1 above a max of 0.
    EXPECT_REASON(cga_verify(good, v, 0), send_reason::cga_sec_too_high);
    // Steps 6-7: the address claims Sec 2 (0x5c), Hash2 has only 23 zero bits.
    EXPECT_REASON(cga_verify(addr("fe80::5c4a:5bf6:ffb4:ca6c"), v), send_reason::cga_hash2_mismatch);
    // Sec 0 never fails at step 7.
    EXPECT_REASON(cga_verify(addr("fe80::1c4a:5bf6:ffb4:ca6c"), v), send_reason::ok);
}

TEST(CgaVerify, Sec2KnownModifier) {
    // A Sec 2 modifier for the Appendix A key (found offline, checked with Python hashlib):
    // Hash2 = 00000000 95012d754b6a81cf49eb; on 2001:db8:1::/64 the IID is 5cda:19f0:bdbd:4e94.
    auto key = hex(rfc_key_hex);
    cga_hash2_value h2;
    auto mod = hex("89a8a8b2e858d8b8f2633f44d9719ed1");
    ASSERT_TRUE(cga_hash2(mod, key, {}, h2));
    EXPECT_EQ(vec(h2), hex("0000000095012d754b6a81cf49eb"));
    cga_generate_request req;
    req.subnet = addr("2001:db8:1::");
    req.public_key = key;
    req.sec = 2;
    req.start_modifier = cga_modifier{};
    auto start = hex("89a8a8b2e858d8b8f2633f44d9719ec9");  // 8 below: the loop runs 9 times
    std::copy(start.begin(), start.end(), req.start_modifier->begin());
    auto g = cga_generate(req, {});
    ASSERT_TRUE(g.ok()) << g.err().message;
    EXPECT_EQ(g->hash2_iterations, 9u);
    EXPECT_EQ(std::vector<std::uint8_t>(g->modifier.begin(), g->modifier.end()), mod);
    EXPECT_EQ(g->address, addr("2001:db8:1::5cda:19f0:bdbd:4e94"));
    cga_params_view v;
    ASSERT_EQ(parse_cga_params(g->params, v), cga_parse_status::ok);
    EXPECT_REASON(cga_verify(g->address, v, 2), send_reason::ok);
    EXPECT_REASON(cga_verify(g->address, v, 1), send_reason::cga_sec_too_high);
}

TEST(CgaGenerate, Sec0AndSec1RoundTrip) {
    for (unsigned sec : {0u, 1u}) {
        cga_generate_request req;
        req.subnet = addr("2001:db8:1:2::");
        req.public_key = key1024().public_key().spki();
        req.sec = sec;
        auto g = cga_generate(req, {});
        ASSERT_TRUE(g.ok());
        EXPECT_EQ(cga_sec(g->address), sec);
        EXPECT_EQ(g->address.b[8] & 0x03, 0);  // u, g cleared
        cga_params_view v;
        ASSERT_EQ(parse_cga_params(g->params, v), cga_parse_status::ok);
        EXPECT_REASON(cga_verify(g->address, v), send_reason::ok);
        // Another random modifier gives another address.
        auto g2 = cga_generate(req, {});
        ASSERT_TRUE(g2.ok());
        EXPECT_NE(g->address, g2->address);
    }
}

TEST(CgaGenerate, CollisionCountAndGiveUp) {
    cga_generate_request req;
    req.subnet = addr("fe80::");
    req.public_key = key1024().public_key().spki();
    req.sec = 0;
    req.start_modifier = cga_modifier{};
    std::vector<ipv6_addr> tried;
    // First two addresses "in use": collision count ends at 2 and differs in Hash1 only.
    auto g = cga_generate(req, [&](const ipv6_addr& a) {
        tried.push_back(a);
        return tried.size() <= 2;
    });
    ASSERT_TRUE(g.ok());
    EXPECT_EQ(g->collision_count, 2);
    ASSERT_EQ(tried.size(), 3u);
    EXPECT_NE(tried[0], tried[1]);
    EXPECT_EQ(g->address, tried[2]);
    cga_params_view v;
    ASSERT_EQ(parse_cga_params(g->params, v), cga_parse_status::ok);
    EXPECT_EQ(v.collision_count, 2);
    EXPECT_REASON(cga_verify(g->address, v), send_reason::ok);
    // The cc=0 address no longer verifies against the cc=2 parameters.
    EXPECT_REASON(cga_verify(tried[0], v), send_reason::cga_hash1_mismatch);
    // Always in use: give up after three collisions.
    auto fail = cga_generate(req, [](const ipv6_addr&) { return true; });
    ASSERT_FALSE(fail.ok());
    EXPECT_REASON(static_cast<send_reason>(fail.err().code), send_reason::cga_collision_limit);
}

TEST(CgaGenerate, IterationLimit) {
    cga_generate_request req;
    req.subnet = addr("fe80::");
    req.public_key = key1024().public_key().spki();
    req.sec = 3;
    req.max_hash2_iterations = 10;
    auto g = cga_generate(req, {});
    ASSERT_FALSE(g.ok());
    EXPECT_EQ(static_cast<send_reason>(g.err().code), send_reason::cga_hash2_mismatch);
}

} // namespace
} // namespace send_test
