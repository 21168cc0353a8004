#pragma once
// Private helpers shared by the ICMPv6 message codecs.

#include "mipgate/wire/icmpv6.hpp"
#include "writer.hpp"

namespace mipgate::wire::detail {

/// Type, optional Code 0, and minimum length.
inline wire_status check_icmp(bytes_view icmp, std::uint8_t type, std::size_t min_len,
                              bool code0 = true) noexcept {
    if (icmp.size() < 4) {
        return wire_status::truncated;
    }
    if (icmp[0] != type) {
        return wire_status::bad_type;
    }
    if (code0 && icmp[1] != 0) {
        return wire_status::bad_code;
    }
    if (icmp.size() < min_len) {
        return wire_status::truncated;
    }
    return wire_status::ok;
}

/// Type, Code, zero checksum.
inline void icmp_head(writer& w, std::uint8_t type, std::uint8_t code) noexcept {
    w.u8(type);
    w.u8(code);
    w.be16(0);
}

} // namespace mipgate::wire::detail
