// The burst pipeline: pass 1 (classify_stage.cpp), then pass 2 grouped by class — FBUs
// (fbu_stage.cpp), the control-ring enqueue, transit with the binding lookup and encapsulation
// (tunnel_stage.cpp, forward_stage.cpp), decapsulation — and a second small round for the
// decapsulated inner packets; then the drops are freed in bulk and the TX stages flushed.
#include "mipgate/fastpath/burst.hpp"
#include "stages.hpp"

#include <rte_ethdev.h>
#include <rte_mbuf.h>
#include <rte_ring.h>

namespace mipgate::fastpath {

using namespace detail;

namespace {

/// Pass 2 over pkts[0..n) classified in w.cls. Inner: the packets are decapsulated ones; a tunnel
/// inside them is not opened again (tunnel_nested). Returns the packets decapsulated into w.inner
/// (always 0 for the inner round).
template <bool Inner>
std::uint16_t handle_round(worker_ctx& w, rte_mbuf* const* pkts, std::uint16_t n, std::uint16_t* nd) noexcept {
    std::uint16_t transit[max_burst];
    std::uint16_t mh[max_burst];
    std::uint16_t tunnels[max_burst];
    std::uint16_t ntransit = 0;
    std::uint16_t nmh = 0;
    std::uint16_t ntun = 0;
    std::uint16_t nctl = 0;
    const bool fbu_on = w.keys != nullptr && w.badf != nullptr && w.control_ring != nullptr;
    for (unsigned i = 0; i < n; ++i) {
        counter_id r;
        switch (w.cls[i]) {
        case packet_class::transit:
            transit[ntransit++] = static_cast<std::uint16_t>(i);
            continue;
        case packet_class::local_control:
            if (w.control_ring != nullptr) [[likely]] {
                w.to_control[nctl++] = pkts[i];
                continue;
            }
            r = counter_id::icmpv6_local_unhandled; // no control plane (no router identity)
            break;
        case packet_class::local_mh:
            if (fbu_on) {
                mh[nmh++] = static_cast<std::uint16_t>(i);
                continue;
            }
            r = counter_id::mh_local_unhandled;
            break;
        case packet_class::local_tunnel:
            if constexpr (!Inner) {
                tunnels[ntun++] = static_cast<std::uint16_t>(i);
                continue;
            }
            r = counter_id::tunnel_nested;
            break;
        case packet_class::drop: r = w.reason[i]; break;
        // Local classes handled by later issues (ESP) or never (other); counted.
        case packet_class::local_icmpv6: r = counter_id::icmpv6_local_unhandled; break;
        case packet_class::local_esp: r = counter_id::esp_unhandled; break;
        default: r = counter_id::other_local_unhandled; break;
        }
        drop_now(w, pkts[i], r, nd);
    }
    if (nmh != 0) {
        fbu_stage(w, pkts, mh, nmh, &nctl, nd); // verified FBUs join the control enqueue
    }
    if (nctl != 0) {
        // The ring is MP: every worker enqueues, the control lcore alone dequeues. What went in
        // belongs to the control lcore now; what did not fit is dropped here.
        const unsigned q =
            rte_ring_mp_enqueue_burst(w.control_ring, reinterpret_cast<void* const*>(w.to_control), nctl, nullptr);
        w.counters.add(counter_id::to_control, q);
        if (q < nctl) [[unlikely]] {
            w.counters.add(counter_id::control_ring_full, nctl - q);
            for (unsigned j = q; j < nctl; ++j) {
                w.dropped[(*nd)++] = w.to_control[j];
            }
        }
    }
    if (ntransit != 0) {
        if (w.bindings != nullptr && w.bindings->size() != 0) {
            std::uint16_t plain[max_burst];
            std::uint16_t enc[max_burst];
            std::uint16_t nplain = 0;
            std::uint16_t nenc = 0;
            encap_stage(w, pkts, transit, ntransit, plain, &nplain, enc, &nenc, nd);
            forward_group<false>(w, pkts, plain, nplain, nd);
            if (nenc != 0) {
                forward_group<true>(w, pkts, enc, nenc, nd);
            }
        } else {
            forward_group<false>(w, pkts, transit, ntransit, nd);
        }
    }
    if constexpr (!Inner) {
        if (ntun != 0) {
            return decap_stage(w, pkts, tunnels, ntun, nd);
        }
    }
    return 0;
}

} // namespace

void process_burst(worker_ctx& w, rte_mbuf** pkts, std::uint16_t n) noexcept {
    if (const forwarding_tables* t = w.tables_pub.load(std::memory_order_acquire)) {
        w.tables = t; // one generation for the whole burst
    }
    w.counters.add(counter_id::rx, n);
    classify_burst(w, pkts, n);
    std::uint16_t nd = 0;
    const std::uint16_t ninner = handle_round<false>(w, pkts, n, &nd);
    if (ninner != 0) [[unlikely]] {
        // Decapsulated packets are classified again (FIB, local or transit) as a small burst of
        // their own; the first round is finished with the scratch arrays by now.
        classify_burst(w, w.inner, ninner);
        handle_round<true>(w, w.inner, ninner, &nd);
    }
    if (nd != 0) {
        rte_pktmbuf_free_bulk(w.dropped, nd);
    }
    flush_tx(w);
}

unsigned send_control_frames(worker_ctx& w, const control_tx_ref& ref) noexcept {
    rte_mbuf* m[max_burst];
    const unsigned n = rte_ring_sc_dequeue_burst(ref.ring, reinterpret_cast<void**>(m), max_burst, nullptr);
    if (n == 0) [[likely]] {
        return 0;
    }
    const tx_stage& s = w.tx[ref.port_index];
    const std::uint16_t sent =
        s.enabled ? rte_eth_tx_burst(s.port_id, s.queue_id, m, static_cast<std::uint16_t>(n)) : 0;
    w.counters.add(counter_id::control_tx, sent);
    w.counters.add(counter_id::tx, sent);
    if (sent < n) [[unlikely]] {
        rte_pktmbuf_free_bulk(m + sent, n - sent);
        w.counters.add(counter_id::control_tx_full, n - sent);
    }
    return n;
}

unsigned poll_once(worker_ctx& w) noexcept {
    unsigned total = 0;
    for (unsigned q = 0; q < w.n_rx; ++q) {
        const std::uint16_t n = rte_eth_rx_burst(w.rx[q].port_id, w.rx[q].queue_id, w.pkts, w.burst);
        if (n != 0) {
            process_burst(w, w.pkts, n);
            total += n;
        }
    }
    for (unsigned c = 0; c < w.n_control_tx; ++c) {
        total += send_control_frames(w, w.control_tx[c]);
    }
    return total;
}

} // namespace mipgate::fastpath
