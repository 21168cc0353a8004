#include "mipgate/wire/icmpv6.hpp"

#include "mipgate/wire/checksum.hpp"
#include "mipgate/wire/ipv6.hpp"

namespace mipgate::wire {

bool icmpv6_checksum_ok(const ipv6_addr& src, const ipv6_addr& dst, bytes_view msg) noexcept {
    return msg.size() >= sizeof(icmpv6_hdr) && pseudo_checksum(src, dst, nh_icmpv6, msg) == 0;
}

bool icmpv6_fill_checksum(const ipv6_addr& src, const ipv6_addr& dst, bytes_mut msg) noexcept {
    if (msg.size() < sizeof(icmpv6_hdr)) {
        return false;
    }
    msg[2] = 0;
    msg[3] = 0;
    store_be16(&msg[2], pseudo_checksum(src, dst, nh_icmpv6, msg));
    return true;
}

bool nd_options_well_formed(bytes_view options) noexcept {
    std::size_t off = 0;
    while (off < options.size()) {
        if (options.size() - off < 2) {
            return false;
        }
        const std::size_t len = std::size_t{options[off + 1]} * 8;
        if (len == 0 || len > options.size() - off) {
            return false;
        }
        off += len;
    }
    return true;
}

} // namespace mipgate::wire
