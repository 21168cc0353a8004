// RFC 3972 §5 CGA verification, in the RFC's step order.

#include "mipgate/send/cga.hpp"
#include "sha1.hpp"

#include <algorithm>
#include <cstring>

namespace mipgate::send {

bool cga_hash1(bytes_view params, cga_hash1_value& out) noexcept {
    detail::sha1_digest d;
    if (!detail::sha1({params}, d)) {
        return false;
    }
    std::copy_n(d.begin(), out.size(), out.begin());
    return true;
}

bool cga_hash2(bytes_view modifier, bytes_view public_key, bytes_view extensions,
               cga_hash2_value& out) noexcept {
    // Prefix and collision count are hashed as zero octets (RFC 3972 §4 step 3).
    static constexpr std::uint8_t zeros[cga_prefix_len + 1] = {};
    detail::sha1_digest d;
    if (!detail::sha1({modifier, bytes_view(zeros, sizeof(zeros)), public_key, extensions}, d)) {
        return false;
    }
    std::copy_n(d.begin(), out.size(), out.begin());
    return true;
}

send_reason cga_verify(const ipv6_addr& addr, const cga_params_view& params,
                       unsigned max_sec) noexcept {
    // Step 1: collision count.
    if (params.collision_count > 2) {
        return send_reason::cga_cc_invalid;
    }
    // Step 2: subnet prefix.
    if (params.prefix.size() != cga_prefix_len ||
        std::memcmp(params.prefix.data(), addr.b.data(), cga_prefix_len) != 0) {
        return send_reason::cga_prefix_mismatch;
    }
    // Steps 3-4: Hash1 against the interface identifier, ignoring Sec (3 leftmost bits) and
    // u, g (bits 6, 7): mask 0x1c on the first octet.
    cga_hash1_value h1;
    if (!cga_hash1(params.raw, h1)) {
        return send_reason::internal_error;
    }
    if ((h1[0] & 0x1c) != (addr.b[8] & 0x1c) ||
        std::memcmp(h1.data() + 1, addr.b.data() + 9, 7) != 0) {
        return send_reason::cga_hash1_mismatch;
    }
    // Step 5: Sec from the address, checked against local policy before paying for Hash2.
    unsigned sec = cga_sec(addr);
    if (sec > max_sec) {
        return send_reason::cga_sec_too_high;
    }
    if (sec == 0) {
        return send_reason::ok;  // 16×0 bits: nothing to check, Hash2 not needed
    }
    // Steps 6-7: leftmost 16×Sec bits of Hash2 are zero (Sec ≤ 7 → at most 14 octets).
    cga_hash2_value h2;
    if (!cga_hash2(params.modifier, params.public_key, params.extensions, h2)) {
        return send_reason::internal_error;
    }
    for (unsigned i = 0; i < 2 * sec; ++i) {
        if (h2[i] != 0) {
            return send_reason::cga_hash2_mismatch;
        }
    }
    return send_reason::ok;
}

} // namespace mipgate::send
