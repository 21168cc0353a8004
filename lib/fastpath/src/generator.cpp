#include "mipgate/fastpath/generator.hpp"

#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_ring.h>
#include <rte_udp.h>

#include <algorithm>
#include <cstring>

namespace mipgate::fastpath {

namespace {

constexpr unsigned max_step = 64;
constexpr std::uint16_t payload_len = 32;
const std::uint8_t gen_src_mac[6] = {0x02, 0x00, 0x00, 0x00, 0x00, 0xfe};

} // namespace

generator::generator(const config::traffic_generator& cfg, rte_mempool* pool, rte_ring* rx_ring,
                     std::uint16_t port_id, const mac_addr& dst_mac)
    : _cfg(cfg), _pool(pool), _ring(rx_ring), _port_id(port_id), _dst_mac(dst_mac), _total(cfg.packets) {
    if (_cfg.destinations.empty()) {
        _total = 0;
    }
}

unsigned generator::step(unsigned max) noexcept {
    if (done() || _ring == nullptr) {
        return 0;
    }
    const unsigned space = rte_ring_free_count(_ring);
    unsigned n = std::min({max, max_step, space > 32 ? space - 32 : 0u,
                           static_cast<unsigned>(std::min<std::uint64_t>(_total - _next, max_step))});
    if (n == 0) {
        return 0;
    }
    rte_mbuf* pkts[max_step];
    if (rte_pktmbuf_alloc_bulk(_pool, pkts, n) != 0) {
        ++_stats.alloc_failed;
        return 0;
    }
    for (unsigned k = 0; k < n; ++k) {
        const std::uint64_t i = _next + k;
        rte_mbuf* m = pkts[k];
        m->port = _port_id;
        if (i % 10 == 9) {
            // ARP-sized frame with EtherType 0x0806: the classifier's not_ipv6 case.
            auto* p = reinterpret_cast<std::uint8_t*>(rte_pktmbuf_append(m, 14 + 28));
            std::memset(p, 0, 14 + 28);
            std::memset(p, 0xff, 6);
            std::memcpy(p + 6, gen_src_mac, 6);
            p[12] = 0x08;
            p[13] = 0x06;
            continue;
        }
        const bool hl1 = (i % 10 == 4);
        const ipv6_addr& dst = _cfg.destinations[_ipv6_seq++ % _cfg.destinations.size()];
        auto* p = reinterpret_cast<std::uint8_t*>(rte_pktmbuf_append(m, 14 + 40 + 8 + payload_len));
        std::memcpy(p, _dst_mac.b.data(), 6);
        std::memcpy(p + 6, gen_src_mac, 6);
        p[12] = 0x86;
        p[13] = 0xdd;
        auto* ip = reinterpret_cast<rte_ipv6_hdr*>(p + 14);
        ip->vtc_flow = rte_cpu_to_be_32(6u << 28);
        ip->payload_len = rte_cpu_to_be_16(8 + payload_len);
        ip->proto = IPPROTO_UDP;
        ip->hop_limits = hl1 ? 1 : 64;
        std::memcpy(ip->src_addr, _cfg.source.b.data(), 16);
        std::memcpy(ip->dst_addr, dst.b.data(), 16);
        auto* udp = reinterpret_cast<rte_udp_hdr*>(p + 14 + 40);
        udp->src_port = rte_cpu_to_be_16(40000);
        udp->dst_port = rte_cpu_to_be_16(9); // discard
        udp->dgram_len = rte_cpu_to_be_16(8 + payload_len);
        udp->dgram_cksum = 0;
        auto* pl = p + 14 + 40 + 8;
        for (unsigned b = 0; b < payload_len; ++b) {
            pl[b] = static_cast<std::uint8_t>(i + b);
        }
        udp->dgram_cksum = rte_ipv6_udptcp_cksum(ip, udp);
        if (hl1) {
            ++_stats.hop_limit_1;
        } else {
            ++_stats.ipv6;
        }
    }
    for (unsigned k = 0; k < n; ++k) {
        if ((_next + k) % 10 == 9) {
            ++_stats.non_ipv6;
        }
    }
    const unsigned q = rte_ring_enqueue_burst(_ring, reinterpret_cast<void* const*>(pkts), n, nullptr);
    if (q < n) { // cannot happen with the space check above and a single producer; be safe
        rte_pktmbuf_free_bulk(pkts + q, n - q);
    }
    _next += n;
    _stats.injected += q;
    return q;
}

} // namespace mipgate::fastpath
