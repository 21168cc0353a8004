#pragma once
// Helpers for wire unit tests: hex <-> bytes, address literals.

#include "mipgate/common/ipv6_addr.hpp"

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace mipgate::wire::test {

inline std::vector<std::uint8_t> from_hex(std::string_view h) {
    std::vector<std::uint8_t> out;
    auto nib = [](char c) -> int {
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
    };
    int hi = -1;
    for (char c : h) {
        int v = nib(c);
        if (v < 0) {
            continue; // allow spaces
        }
        if (hi < 0) {
            hi = v;
        } else {
            out.push_back(static_cast<std::uint8_t>(hi * 16 + v));
            hi = -1;
        }
    }
    return out;
}

inline std::string to_hex(const std::uint8_t* p, std::size_t n) {
    static const char* d = "0123456789abcdef";
    std::string s;
    for (std::size_t i = 0; i < n; ++i) {
        s += d[p[i] >> 4];
        s += d[p[i] & 15];
    }
    return s;
}
template <class C>
std::string to_hex(const C& c) {
    return to_hex(c.data(), c.size());
}

inline ipv6_addr addr(std::string_view s) {
    auto a = ipv6_addr::parse(s);
    if (!a) {
        throw std::invalid_argument("bad address");
    }
    return *a;
}

} // namespace mipgate::wire::test
