#pragma once
// The thin adapter between DPDK mbufs and the DPDK-free wire codecs (house style 2).

#include "mipgate/common/bytes.hpp"

#include <rte_mbuf.h>

namespace mipgate::fastpath {

/// Bytes of the first segment from `offset` (empty when offset is beyond it). Any thread.
inline bytes_view mbuf_bytes(const rte_mbuf* m, std::uint32_t offset = 0) noexcept {
    std::uint32_t len = rte_pktmbuf_data_len(m);
    if (offset > len) {
        return {};
    }
    return {rte_pktmbuf_mtod_offset(m, const std::uint8_t*, offset), len - offset};
}

/// Writable bytes of the first segment from `offset`. Any thread.
inline bytes_mut mbuf_bytes_mut(rte_mbuf* m, std::uint32_t offset = 0) noexcept {
    std::uint32_t len = rte_pktmbuf_data_len(m);
    if (offset > len) {
        return {};
    }
    return {rte_pktmbuf_mtod_offset(m, std::uint8_t*, offset), len - offset};
}

} // namespace mipgate::fastpath
