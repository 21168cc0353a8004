// Pass 1 of the burst pipeline: per-packet header checks, one bulk FIB lookup, and for packets to
// us the extension-header walk that picks the upper-layer class.
#include "mipgate/fastpath/burst.hpp"
#include "mipgate/fastpath/mbuf_view.hpp"
#include "stages.hpp"

#include "mipgate/wire/fmip_messages.hpp"
#include "mipgate/wire/icmpv6.hpp"
#include "mipgate/wire/ipv6.hpp"

#include <rte_fib6.h>
#include <rte_mbuf.h>
#include <rte_prefetch.h>

#include <cstring>

namespace mipgate::fastpath {

using namespace detail;

namespace {

constexpr unsigned prefetch_ahead = 4;

inline void set_drop(worker_ctx& w, unsigned i, counter_id r) noexcept {
    w.cls[i] = packet_class::drop;
    w.reason[i] = r;
}

counter_id status_reason(wire::ipv6_status s) noexcept {
    switch (s) {
    case wire::ipv6_status::truncated: return counter_id::ipv6_truncated;
    case wire::ipv6_status::bad_version: return counter_id::ipv6_bad_version;
    case wire::ipv6_status::bad_payload_length: return counter_id::ipv6_bad_payload_length;
    case wire::ipv6_status::bad_ext_header: return counter_id::ipv6_bad_ext_header;
    case wire::ipv6_status::bad_hao: return counter_id::ipv6_bad_hao;
    case wire::ipv6_status::bad_rh2: return counter_id::ipv6_bad_rh2;
    case wire::ipv6_status::too_many_ext: return counter_id::ipv6_too_many_ext;
    case wire::ipv6_status::ok: break;
    }
    return counter_id::ipv6_bad_ext_header;
}

/// ICMPv6 the control plane answers (design §2): RS, NS, CPS, RtSolPr (FMIPv6 154 subtype 2,
/// RFC 5268 §6.1.1), and with FMIP on HI (154/4) and HAck (154/5) (RFC 5268 §6.2). Everything
/// else (echo, errors, RA, NA, PrRtAdv …) stays local_icmpv6.
inline bool for_control(bytes_view upper, bool fmip) noexcept {
    if (upper.size() < 4) [[unlikely]] {
        return false;
    }
    const std::uint8_t type = upper[0];
    if (type == wire::icmp6_rs || type == wire::icmp6_ns || type == wire::icmp6_cps) {
        return true;
    }
    if (type != wire::icmp6_fmip || upper.size() <= 4) {
        return false;
    }
    const std::uint8_t sub = upper[4];
    return sub == wire::fmip_subtype_rtsolpr ||
           (fmip && (sub == wire::fmip_subtype_hi || sub == wire::fmip_subtype_hack));
}

/// Packets to us: walk the extension headers to the upper layer (wire codec, no DPDK types).
[[gnu::noinline]] void classify_local(worker_ctx& w, unsigned i, const rte_mbuf* m) noexcept {
    const bytes_view pkt = mbuf_bytes(m, eth_len);
    const wire::ipv6_view v = wire::parse_ipv6(pkt);
    if (!v.ok()) [[unlikely]] {
        set_drop(w, i, status_reason(v.status));
        return;
    }
    if (v.is_fragment) {
        set_drop(w, i, counter_id::fragment_local_unhandled);
        return;
    }
    w.l4_off[i] = v.upper_offset;
    w.l4_len[i] = v.upper_length;
    w.hao_off[i] = v.home_address ? v.hao_offset : 0;
    switch (v.upper_proto) {
    case wire::nh_icmpv6:
        w.cls[i] = for_control(v.upper(pkt), w.keys != nullptr) ? packet_class::local_control
                                                               : packet_class::local_icmpv6;
        break;
    case wire::nh_mh: w.cls[i] = packet_class::local_mh; break;
    case wire::nh_esp: w.cls[i] = packet_class::local_esp; break;
    case wire::nh_ipv6: w.cls[i] = packet_class::local_tunnel; break;
    default: w.cls[i] = packet_class::local_other; break;
    }
}

} // namespace

void classify_burst(worker_ctx& w, rte_mbuf* const* pkts, std::uint16_t n) noexcept {
    const forwarding_tables& t = *w.tables;
    const auto ports = t.ports();
    std::uint16_t k = 0;
    for (unsigned i = 0; i < prefetch_ahead && i < n; ++i) {
        rte_prefetch0(rte_pktmbuf_mtod(pkts[i], void*));
    }
    for (unsigned i = 0; i < n; ++i) {
        if (i + prefetch_ahead < n) {
            rte_prefetch0(rte_pktmbuf_mtod(pkts[i + prefetch_ahead], void*));
        }
        const rte_mbuf* m = pkts[i];
        const auto* p = rte_pktmbuf_mtod(m, const std::uint8_t*);
        const std::uint32_t dlen = rte_pktmbuf_data_len(m);
        if (dlen < eth_len) [[unlikely]] {
            set_drop(w, i, counter_id::frame_too_short);
            continue;
        }
        // Unicast frames must be for the receiving port's MAC (group bit = multicast/broadcast).
        const int pi = t.port_index(m->port);
        if ((p[0] & 1) == 0 && pi >= 0 &&
            std::memcmp(p, ports[static_cast<std::size_t>(pi)].mac, 6) != 0) [[unlikely]] {
            set_drop(w, i, counter_id::l2_other_host);
            continue;
        }
        if (load_be16(p + 12) != ethertype_ipv6) [[unlikely]] {
            set_drop(w, i, counter_id::not_ipv6);
            continue;
        }
        if (dlen < eth_len + ip6_len) [[unlikely]] {
            set_drop(w, i, counter_id::ipv6_truncated);
            continue;
        }
        const std::uint8_t* ip = p + eth_len;
        if ((ip[0] >> 4) != 6) [[unlikely]] {
            set_drop(w, i, counter_id::ipv6_bad_version);
            continue;
        }
        const std::uint32_t l3 = ip6_len + load_be16(ip + 4);
        if (l3 > m->pkt_len - eth_len) [[unlikely]] {
            set_drop(w, i, counter_id::ipv6_bad_payload_length);
            continue;
        }
        w.l3_len[i] = static_cast<std::uint16_t>(l3);
        std::memcpy(w.dst[k], ip + 24, 16);
        w.sel[k++] = static_cast<std::uint16_t>(i);
    }
    if (k == 0) {
        return;
    }
    rte_fib6_lookup_bulk(t.fib(), w.dst, w.fib_nh, k);
    for (unsigned j = 0; j < k; ++j) {
        const unsigned i = w.sel[j];
        const std::uint64_t nh = w.fib_nh[j];
        if (nh >= nh_first) [[likely]] {
            w.cls[i] = packet_class::transit;
            w.nh[i] = nh;
        } else if (nh == nh_local) {
            classify_local(w, i, pkts[i]);
        } else {
            set_drop(w, i, fib_verdict_reason(nh));
        }
    }
}

} // namespace mipgate::fastpath
