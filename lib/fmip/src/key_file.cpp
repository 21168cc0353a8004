#include "mipgate/fmip/key_file.hpp"

#include "mipgate/fmip/at.hpp"

#include <openssl/crypto.h>

#include <algorithm>
#include <charconv>
#include <set>

namespace mipgate::fmip {

namespace {

bool is_space(char c) {
    return c == ' ' || c == '\t' || c == '\r';
}

/// Splits a line into whitespace-separated fields (views into the line).
std::vector<std::string_view> fields_of(std::string_view line) {
    std::vector<std::string_view> out;
    std::size_t i = 0;
    while (i < line.size()) {
        while (i < line.size() && is_space(line[i])) {
            ++i;
        }
        const std::size_t b = i;
        while (i < line.size() && !is_space(line[i])) {
            ++i;
        }
        if (i > b) {
            out.push_back(line.substr(b, i - b));
        }
    }
    return out;
}

int hex_value(char c) {
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

bool parse_uint(std::string_view s, std::uint64_t& v) {
    const auto r = std::from_chars(s.data(), s.data() + s.size(), v);
    return r.ec == std::errc() && r.ptr == s.data() + s.size();
}

} // namespace

key_file_parsed parse_key_file(std::string_view text) {
    key_file_parsed out;
    std::set<ipv6_addr> seen;
    unsigned lineno = 0;
    std::size_t pos = 0;
    while (pos <= text.size()) {
        const std::size_t nl = text.find('\n', pos);
        std::string_view line = text.substr(pos, nl == std::string_view::npos ? text.size() - pos : nl - pos);
        pos = nl == std::string_view::npos ? text.size() + 1 : nl + 1;
        ++lineno;
        if (const auto hash = line.find('#'); hash != std::string_view::npos) {
            line = line.substr(0, hash);
        }
        const auto f = fields_of(line);
        if (f.empty()) {
            continue;
        }
        auto fail = [&](std::string reason) { out.errors.push_back(key_file_error{lineno, std::move(reason)}); };
        if (f.size() < 3 || f.size() > 4) {
            fail("expected <cga> <at> <key hex> [<lifetime s>], got " + std::to_string(f.size()) + " field(s)");
            continue;
        }
        const auto cga = ipv6_addr::parse(std::string(f[0]));
        if (!cga) {
            fail("not an IPv6 address: '" + std::string(f[0]) + "'");
            continue;
        }
        std::uint64_t at = 0;
        if (!parse_uint(f[1], at) || !at_known(static_cast<unsigned>(at)) || at > 15) {
            fail("unknown AT '" + std::string(f[1]) + "' (0 = HMAC-SHA1, 1 = HMAC-SHA256)");
            continue;
        }
        const std::size_t want = at_key_len(static_cast<unsigned>(at));
        const std::string_view hex = f[2];
        if (hex.size() != 2 * want) {
            fail("key of AT " + std::to_string(at) + " must be " + std::to_string(want) + " bytes (" +
                 std::to_string(2 * want) + " hex digits), got " + std::to_string(hex.size()) + " digits");
            continue;
        }
        secret_bytes key(want);
        bool hex_ok = true;
        for (std::size_t i = 0; i < want && hex_ok; ++i) {
            const int hi = hex_value(hex[2 * i]);
            const int lo = hex_value(hex[2 * i + 1]);
            hex_ok = hi >= 0 && lo >= 0;
            key.data()[i] = static_cast<std::uint8_t>(hex_ok ? (hi << 4) | lo : 0);
        }
        if (!hex_ok) {
            fail("key is not hexadecimal"); // never echo key material
            continue;
        }
        std::optional<std::uint32_t> lifetime;
        if (f.size() == 4) {
            std::uint64_t l = 0;
            if (!parse_uint(f[3], l) || l < 1 || l > 65535) {
                fail("lifetime must be 1..65535 seconds (RFC 5269 Key Lifetime is 16 bits), got '" +
                     std::string(f[3]) + "'");
                continue;
            }
            lifetime = static_cast<std::uint32_t>(l);
        }
        if (!seen.insert(*cga).second) {
            fail("duplicate CGA " + cga->to_string());
            continue;
        }
        out.entries.push_back(key_file_entry{*cga, static_cast<unsigned>(at), std::move(key), lifetime, lineno});
    }
    return out;
}

std::string format_key_file_line(const ipv6_addr& cga, unsigned at, bytes_view key,
                                 std::optional<std::uint32_t> lifetime_s) {
    static constexpr char digits[] = "0123456789abcdef";
    std::string s = cga.to_string();
    s += ' ';
    s += std::to_string(at);
    s += ' ';
    s.reserve(s.size() + 2 * key.size() + 8);
    for (const std::uint8_t b : key) {
        s += digits[b >> 4];
        s += digits[b & 15];
    }
    if (lifetime_s) {
        s += ' ';
        s += std::to_string(*lifetime_s);
    }
    s += '\n';
    return s;
}

} // namespace mipgate::fmip
