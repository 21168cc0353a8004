#pragma once
// Shared helpers for the lib/send unit tests: fixture paths, message building, and a record of
// which send_reason values the tests have produced (reasons_test.cpp checks every one was).

#include "mipgate/send/cga.hpp"
#include "mipgate/send/nonce.hpp"
#include "mipgate/send/reasons.hpp"
#include "mipgate/send/rsa_key.hpp"
#include "mipgate/send/signature.hpp"
#include "mipgate/send/timestamp.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <set>
#include <string>
#include <vector>

namespace send_test {

using namespace mipgate;
using namespace mipgate::send;

inline std::string data_path(const std::string& name) { return std::string(SEND_TEST_DATA) + "/" + name; }

inline std::set<send_reason>& seen_reasons() {
    static std::set<send_reason> s;
    return s;
}

/// Compares reasons by name and records the expected one as covered when they match.
inline ::testing::AssertionResult reason_eq(const char* a_expr, const char*, send_reason a, send_reason e) {
    if (a == e) {
        seen_reasons().insert(e);
        return ::testing::AssertionSuccess();
    }
    return ::testing::AssertionFailure() << a_expr << " is " << to_string(a) << ", expected " << to_string(e);
}
#define EXPECT_REASON(actual, expected) EXPECT_PRED_FORMAT2(::send_test::reason_eq, actual, expected)

inline std::vector<std::uint8_t> hex(const std::string& h) {
    std::vector<std::uint8_t> out;
    for (std::size_t i = 0; i + 1 < h.size(); i += 2) {
        out.push_back(static_cast<std::uint8_t>(std::stoul(h.substr(i, 2), nullptr, 16)));
    }
    return out;
}

inline ipv6_addr addr(const char* s) { return *ipv6_addr::parse(s); }

inline const rsa_private_key& key1024() {
    static rsa_private_key k = std::move(rsa_private_key::load_file(data_path("router1024.key")).value());
    return k;
}
inline const rsa_private_key& key2048() {
    static rsa_private_key k = std::move(rsa_private_key::load_file(data_path("router.key")).value());
    return k;
}

/// A CGA (Sec 0 unless asked) for `key` on fe80::/64, generated once per (key, sec).
struct cga_identity {
    ipv6_addr address;
    std::vector<std::uint8_t> params;
};
inline cga_identity make_cga(const rsa_private_key& key, unsigned sec = 0, const char* prefix = "fe80::") {
    cga_generate_request req;
    req.subnet = addr(prefix);
    req.public_key = key.public_key().spki();
    req.sec = sec;
    auto g = cga_generate(req, {});
    EXPECT_TRUE(g.ok());
    return {g->address, g->params};
}

/// Builds an ND message: header (type, zeros up to options offset, optional target), then the
/// given options in order, then the RSA Signature (when `key`), then `after` (unsigned bytes).
struct msg_spec {
    std::uint8_t type = 135;                   // NS
    ipv6_addr src;
    ipv6_addr dst;
    std::vector<std::uint8_t> cga_params;      // empty: no CGA option
    bool timestamp = true;
    send_time ts = 0;
    std::vector<std::uint8_t> nonce;           // empty: no Nonce option
    std::vector<std::uint8_t> extra_before;    // raw options placed first
    std::vector<std::uint8_t> after;           // raw bytes after the signature
    const rsa_private_key* key = nullptr;
};

inline std::vector<std::uint8_t> build(const msg_spec& s) {
    std::vector<std::uint8_t> m(4096, 0);
    std::size_t off = nd_options_offset(s.type);
    m[0] = s.type;
    std::size_t len = off;
    auto put = [&](const std::vector<std::uint8_t>& b) {
        std::copy(b.begin(), b.end(), m.begin() + static_cast<long>(len));
        len += b.size();
    };
    put(s.extra_before);
    if (!s.cga_params.empty()) {
        len += build_cga_option(bytes_mut(m).subspan(len), s.cga_params);
    }
    if (s.timestamp) {
        len += build_timestamp_option(bytes_mut(m).subspan(len), s.ts);
    }
    if (!s.nonce.empty()) {
        len += build_nonce_option(bytes_mut(m).subspan(len), s.nonce);
    }
    if (s.key != nullptr) {
        len = append_rsa_signature(m, len, s.src, s.dst, *s.key);
        EXPECT_NE(len, 0u);
    }
    put(s.after);
    m.resize(len);
    return m;
}

} // namespace send_test
