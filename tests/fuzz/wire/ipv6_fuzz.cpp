// libFuzzer target: IPv6 header + extension-header chain walk (parse_ipv6), then the upper
// layer it finds is handed to the ICMPv6 / MH parsers. Invariants are checked with abort().
#include "mipgate/wire/icmpv6.hpp"
#include "mipgate/wire/ipv6.hpp"
#include "mipgate/wire/mh.hpp"

#include <cstdlib>

using namespace mipgate;
using namespace mipgate::wire;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const bytes_view pkt{data, size};
    const auto v = parse_ipv6(pkt);
    if (!v.ok()) {
        return 0;
    }
    // Offsets stay inside the payload the header announces, which is inside the buffer.
    if (v.end > size || std::size_t{v.upper_offset} + v.upper_length != v.end ||
        v.upper_offset < 40) {
        std::abort();
    }
    if (v.home_address && (std::size_t{v.hao_offset} + 16 > v.end)) {
        std::abort();
    }
    if (v.rh2_address && (std::size_t{v.rh2_offset} + 16 > v.end)) {
        std::abort();
    }
    const bytes_view up = v.upper(pkt);
    const ipv6_addr src = v.home_address ? *v.home_address : v.hdr->src_addr();
    const ipv6_addr dst = v.rh2_address ? *v.rh2_address : v.hdr->dst_addr();
    if (v.upper_proto == nh_icmpv6 && !v.is_fragment) {
        (void)icmpv6_checksum_ok(src, dst, up);
    } else if (v.upper_proto == nh_mh && !v.is_fragment) {
        (void)mh_checksum(src, dst, up);
        (void)parse_mh(up);
    }
    return 0;
}
