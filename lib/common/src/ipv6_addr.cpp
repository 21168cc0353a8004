#include "mipgate/common/ipv6_addr.hpp"

#include <arpa/inet.h>
#include <cstdio>

namespace mipgate {

std::optional<ipv6_addr> ipv6_addr::parse(std::string_view text) {
    char buf[INET6_ADDRSTRLEN + 1];
    if (text.empty() || text.size() >= sizeof(buf)) {
        return std::nullopt;
    }
    std::memcpy(buf, text.data(), text.size());
    buf[text.size()] = '\0';
    ipv6_addr a;
    if (inet_pton(AF_INET6, buf, a.b.data()) != 1) {
        return std::nullopt;
    }
    return a;
}

std::string ipv6_addr::to_string() const {
    char buf[INET6_ADDRSTRLEN];
    inet_ntop(AF_INET6, b.data(), buf, sizeof(buf));
    return buf;
}

bool ipv6_addr::is_unspecified() const noexcept {
    for (auto x : b) {
        if (x != 0) {
            return false;
        }
    }
    return true;
}

std::optional<ipv6_prefix> ipv6_prefix::parse(std::string_view text) {
    auto slash = text.find('/');
    if (slash == std::string_view::npos) {
        return std::nullopt;
    }
    auto a = ipv6_addr::parse(text.substr(0, slash));
    auto lentxt = text.substr(slash + 1);
    if (!a || lentxt.empty() || lentxt.size() > 3) {
        return std::nullopt;
    }
    unsigned len = 0;
    for (char c : lentxt) {
        if (c < '0' || c > '9') {
            return std::nullopt;
        }
        len = len * 10 + static_cast<unsigned>(c - '0');
    }
    if (len > 128) {
        return std::nullopt;
    }
    return ipv6_prefix{*a, static_cast<std::uint8_t>(len)};
}

std::string ipv6_prefix::to_string() const { return addr.to_string() + "/" + std::to_string(len); }

bool ipv6_prefix::contains(const ipv6_addr& a) const noexcept {
    unsigned full = len / 8, rem = len % 8;
    if (std::memcmp(addr.b.data(), a.b.data(), full) != 0) {
        return false;
    }
    if (rem == 0) {
        return true;
    }
    std::uint8_t mask = static_cast<std::uint8_t>(0xff << (8 - rem));
    return (addr.b[full] & mask) == (a.b[full] & mask);
}

ipv6_prefix ipv6_prefix::masked() const noexcept {
    ipv6_prefix p = *this;
    for (unsigned i = 0; i < 16; ++i) {
        unsigned bits = len > i * 8 ? len - i * 8 : 0;
        if (bits >= 8) {
            continue;
        }
        p.addr.b[i] &= static_cast<std::uint8_t>(0xff << (8 - bits));
    }
    return p;
}

ipv6_addr solicited_node(const ipv6_addr& a) noexcept {
    ipv6_addr s{};
    s.b[0] = 0xff;
    s.b[1] = 0x02;
    s.b[11] = 0x01;
    s.b[12] = 0xff;
    s.b[13] = a.b[13];
    s.b[14] = a.b[14];
    s.b[15] = a.b[15];
    return s;
}

std::optional<mac_addr> mac_addr::parse(std::string_view text) {
    if (text.size() != 17) {
        return std::nullopt;
    }
    mac_addr m;
    for (int i = 0; i < 6; ++i) {
        auto hex = [](char c) -> int {
            if (c >= '0' && c <= '9') return c - '0';
            if (c >= 'a' && c <= 'f') return c - 'a' + 10;
            if (c >= 'A' && c <= 'F') return c - 'A' + 10;
            return -1;
        };
        int hi = hex(text[i * 3]), lo = hex(text[i * 3 + 1]);
        if (hi < 0 || lo < 0 || (i < 5 && text[i * 3 + 2] != ':')) {
            return std::nullopt;
        }
        m.b[i] = static_cast<std::uint8_t>(hi * 16 + lo);
    }
    return m;
}

std::string mac_addr::to_string() const {
    char buf[18];
    std::snprintf(buf, sizeof(buf), "%02x:%02x:%02x:%02x:%02x:%02x", b[0], b[1], b[2], b[3], b[4],
                  b[5]);
    return buf;
}

} // namespace mipgate
