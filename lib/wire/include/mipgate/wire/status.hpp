#pragma once
// Parse and build outcomes shared by the wire codecs (house style 12: per-packet errors are
// codes, never exceptions or strings).

#include <cstddef>
#include <cstdint>

namespace mipgate::wire {

/// Why a message or option was refused. Parsers put it in their view's `status`.
enum class wire_status : std::uint8_t {
    ok,
    truncated,     ///< shorter than the fixed part, or a length field runs past the data
    bad_type,      ///< type/subtype is not the one this parser handles
    bad_code,      ///< ICMPv6 Code not allowed for this message
    bad_length,    ///< length field inconsistent with the data or with the message's rules
    bad_value,     ///< a field holds a value the RFC forbids (e.g. multicast target, prefix > 128)
    bad_padding,   ///< Pad Length does not fit inside the option
    bad_options,   ///< option area malformed (zero length, truncated, too many)
    bad_alignment, ///< option not at its required alignment (BADF ending on 8n, BAD 8n+2)
    not_last,      ///< an option that must be last (BADF, BAD) is followed by another option
    duplicate,     ///< an option that may appear once appears twice
};

/// Outcome of a builder: bytes written into the caller's buffer, or why nothing usable was.
enum class build_error : std::uint8_t {
    none,
    no_space,     ///< the caller's buffer is too small
    bad_argument, ///< an input violates the wire format (e.g. nonce size not 8n-2)
};

struct [[nodiscard]] build_result {
    std::size_t len = 0;
    build_error err = build_error::none;

    bool ok() const noexcept { return err == build_error::none; }
    explicit operator bool() const noexcept { return ok(); }
    static build_result fail(build_error e) noexcept { return build_result{0, e}; }
};

/// Smallest multiple of 8 that holds n bytes.
constexpr std::size_t round8(std::size_t n) noexcept {
    return (n + 7) & ~std::size_t{7};
}

} // namespace mipgate::wire
