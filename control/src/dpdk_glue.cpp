#include "mipgate/control/dpdk_glue.hpp"

#include "mipgate/control/fmip_service.hpp"
#include "mipgate/control/send_service.hpp"
#include "mipgate/tables/key_record.hpp"

#include <rte_ethdev.h>
#include <rte_mbuf.h>
#include <rte_ring.h>

#include <chrono>
#include <cstring>

namespace mipgate::control {

namespace {

constexpr std::uint32_t eth_len = 14;
constexpr std::uint64_t expiry_interval_s = 10;

int port_index(const control_io& io, std::uint16_t port_id) {
    for (std::size_t i = 0; i < io.port_ids.size(); ++i) {
        if (io.port_ids[i] == port_id) {
            return static_cast<int>(i);
        }
    }
    return -1;
}

} // namespace

rte_ring* create_slow_path_ring(const char* name, unsigned size, int socket_id) {
    return rte_ring_create(name, size, socket_id, RING_F_SC_DEQ);
}

unsigned control_poll(send_service& svc, const control_io& io, control_io_stats& stats, unsigned budget) {
    return control_poll(svc, nullptr, io, stats, budget);
}

unsigned control_poll(send_service& svc, fmip_service* fmip, const control_io& io, control_io_stats& stats,
                      unsigned budget) {
    unsigned work = 0;
    rte_mbuf* pkts[32];
    std::vector<std::uint8_t> scratch;
    while (budget > 0) {
        const unsigned want = budget < 32 ? budget : 32;
        const unsigned n = rte_ring_sc_dequeue_burst(io.ring, reinterpret_cast<void**>(pkts), want, nullptr);
        if (n == 0) {
            break;
        }
        budget -= n;
        for (unsigned i = 0; i < n; ++i) {
            rte_mbuf* m = pkts[i];
            ++stats.rx;
            const int idx = port_index(io, m->port);
            const std::uint32_t len = rte_pktmbuf_pkt_len(m);
            scratch.resize(len);
            const auto* p = static_cast<const std::uint8_t*>(rte_pktmbuf_read(m, 0, len, scratch.data()));
            if (idx < 0 || len <= eth_len || p == nullptr || p[12] != 0x86 || p[13] != 0xdd) {
                ++stats.rx_bad;
                continue;
            }
            mac_addr src;
            std::memcpy(src.b.data(), p + 6, 6);
            const bytes_view ip(p + eth_len, len - eth_len);
            if (fmip != nullptr && fmip_service::wants(ip)) {
                fmip->submit(static_cast<std::uint16_t>(idx), src, ip);
            } else {
                svc.submit(static_cast<std::uint16_t>(idx), src, ip);
            }
        }
        rte_pktmbuf_free_bulk(pkts, n);
        work += n;
    }

    std::vector<tx_frame> frames;
    svc.take_replies(frames, 64);
    if (fmip != nullptr) {
        work += fmip->tick();
        fmip->take_frames(frames, 64);
    }
    for (auto& f : frames) {
        ++work;
        if (f.port >= io.port_ids.size()) {
            ++stats.tx_dropped;
            continue;
        }
        const int txq = io.control_txq[f.port];
        rte_ring* handoff = f.port < io.tx_handoff.size() ? io.tx_handoff[f.port] : nullptr;
        if (txq < 0 && handoff == nullptr) {
            ++stats.tx_dropped;
            continue;
        }
        rte_mbuf* m = rte_pktmbuf_alloc(io.pool);
        if (m == nullptr) {
            ++stats.tx_dropped;
            continue;
        }
        char* d = rte_pktmbuf_append(m, static_cast<std::uint16_t>(f.bytes.size()));
        if (d == nullptr) {
            rte_pktmbuf_free(m);
            ++stats.tx_dropped;
            continue;
        }
        std::memcpy(d, f.bytes.data(), f.bytes.size());
        if (txq < 0) {
            if (rte_ring_sp_enqueue(handoff, m) == 0) {
                ++stats.tx;
                ++stats.tx_handoff;
            } else {
                rte_pktmbuf_free(m);
                ++stats.tx_dropped;
            }
            continue;
        }
        const auto q = static_cast<std::uint16_t>(txq);
        if (rte_eth_tx_burst(io.port_ids[f.port], q, &m, 1) == 1) {
            ++stats.tx;
        } else {
            rte_pktmbuf_free(m);
            ++stats.tx_dropped;
        }
    }

    // Periodic signed RAs and the retirement of rotated-out identities (cheap when nothing is due).
    work += svc.tick(static_cast<std::uint64_t>(
        std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
            .count()));

    // Expiry walks the whole table under the key service's mutex: every expiry_interval_s is
    // enough, since a record past expires_s is already dead for every reader (key_record::live).
    static thread_local std::uint64_t last_expiry = 0; // control lcore only: one instance
    const std::uint64_t now = tables::now_s();
    if (now >= last_expiry + expiry_interval_s) {
        last_expiry = now;
        stats.keys_expired += svc.expire_keys(now);
    }
    return work;
}

} // namespace mipgate::control
