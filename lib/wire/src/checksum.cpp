#include "mipgate/wire/checksum.hpp"

namespace mipgate::wire {

std::uint32_t csum_add(std::uint32_t sum, bytes_view data) noexcept {
    std::uint64_t acc = sum;
    const std::uint8_t* p = data.data();
    std::size_t n = data.size();
    // 64-bit accumulator: 2^48 words before overflow, far beyond any packet.
    while (n >= 2) {
        acc += load_be16(p);
        p += 2;
        n -= 2;
    }
    if (n == 1) {
        acc += std::uint64_t{p[0]} << 8;
    }
    while (acc >> 32) {
        acc = (acc & 0xffffffffu) + (acc >> 32);
    }
    // Keep headroom so callers can add more without wrapping 32 bits.
    while (acc >> 16) {
        acc = (acc & 0xffffu) + (acc >> 16);
    }
    return static_cast<std::uint32_t>(acc);
}

std::uint16_t csum_fold(std::uint32_t sum) noexcept {
    while (sum >> 16) {
        sum = (sum & 0xffffu) + (sum >> 16);
    }
    return static_cast<std::uint16_t>(sum);
}

std::uint16_t pseudo_checksum(const ipv6_addr& src, const ipv6_addr& dst, std::uint8_t next_header,
                              bytes_view upper) noexcept {
    std::uint8_t ph[40];
    for (int i = 0; i < 16; ++i) {
        ph[i] = src.b[static_cast<std::size_t>(i)];
        ph[16 + i] = dst.b[static_cast<std::size_t>(i)];
    }
    store_be32(ph + 32, static_cast<std::uint32_t>(upper.size()));
    ph[36] = 0;
    ph[37] = 0;
    ph[38] = 0;
    ph[39] = next_header;
    std::uint32_t sum = csum_add(0, bytes_view{ph, sizeof ph});
    sum = csum_add(sum, upper);
    return static_cast<std::uint16_t>(~csum_fold(sum));
}

} // namespace mipgate::wire
