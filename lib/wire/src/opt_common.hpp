#pragma once
// Private helpers shared by the ND option codecs.

#include "mipgate/wire/icmpv6.hpp"
#include "writer.hpp"

namespace mipgate::wire::detail {

/// Checks Type, Length ≠ 0, that 8×Length bytes are present, and a minimum size; trims raw to
/// the option.
inline wire_status check_opt(bytes_view& raw, std::uint8_t type, std::size_t min_len) noexcept {
    if (raw.size() < 2) {
        return wire_status::truncated;
    }
    if (raw[0] != type) {
        return wire_status::bad_type;
    }
    const std::size_t len = std::size_t{raw[1]} * 8;
    if (len == 0) {
        return wire_status::bad_length;
    }
    if (len > raw.size()) {
        return wire_status::truncated;
    }
    raw = raw.first(len);
    return len < min_len ? wire_status::bad_length : wire_status::ok;
}

/// Option of `fixed` header bytes (T, L, …) plus `body` bytes padded to 8n: its total length,
/// or 0 when it cannot be expressed (Length > 255).
inline std::size_t opt_total(std::size_t fixed, std::size_t body) noexcept {
    const std::size_t total = round8(fixed + body);
    return total / 8 > 255 ? 0 : total;
}

/// Zero-pads the option that starts at offset 0 of the writer to 8n and stores its Length.
inline build_result finish_opt(writer& w) noexcept {
    const std::size_t body = w.len();
    const std::size_t total = round8(body);
    if (total / 8 > 255) {
        return build_result::fail(build_error::bad_argument);
    }
    w.zeros(total - body);
    if (w.overflow()) {
        return build_result::fail(build_error::no_space);
    }
    *w.at(1) = static_cast<std::uint8_t>(total / 8);
    return w.result();
}

} // namespace mipgate::wire::detail
