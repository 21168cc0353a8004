#pragma once
// IPv6 address and prefix values, free of DPDK and socket types.

#include <array>
#include <compare>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>

namespace mipgate {

struct ipv6_addr {
    std::array<std::uint8_t, 16> b{};

    static ipv6_addr from_bytes(const std::uint8_t* p) noexcept {
        ipv6_addr a;
        std::memcpy(a.b.data(), p, 16);
        return a;
    }
    /// Parses textual IPv6 (RFC 4291 §2.2). Any thread; allocates nothing.
    static std::optional<ipv6_addr> parse(std::string_view text);
    /// RFC 5952 text. Any thread; allocates the string.
    std::string to_string() const;

    bool is_unspecified() const noexcept;
    bool is_multicast() const noexcept { return b[0] == 0xff; }
    bool is_link_local() const noexcept { return b[0] == 0xfe && (b[1] & 0xc0) == 0x80; }

    auto operator<=>(const ipv6_addr&) const = default;
};

struct ipv6_prefix {
    ipv6_addr addr{};
    std::uint8_t len = 0;

    /// Parses "addr/len"; a missing "/len" is refused. Host bits need not be zero.
    static std::optional<ipv6_prefix> parse(std::string_view text);
    std::string to_string() const;
    /// True when the first `len` bits of `a` equal this prefix's.
    bool contains(const ipv6_addr& a) const noexcept;
    /// The prefix with host bits cleared.
    ipv6_prefix masked() const noexcept;

    bool operator==(const ipv6_prefix&) const = default;
};

/// Solicited-node multicast address ff02::1:ffXX:XXXX for `a` (RFC 4291 §2.7.1).
ipv6_addr solicited_node(const ipv6_addr& a) noexcept;

struct mac_addr {
    std::array<std::uint8_t, 6> b{};
    static std::optional<mac_addr> parse(std::string_view text);
    std::string to_string() const;
    bool operator==(const mac_addr&) const = default;
};

} // namespace mipgate
