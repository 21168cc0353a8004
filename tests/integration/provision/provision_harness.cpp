// End-to-end harness for the SEND service without the fast path: EAL with one port (a vdev such as
// net_af_packet on a veth), the control plane exactly as the app wires it (worker-style
// classification onto the slow-path ring, control_poll, control TX queue, telemetry), and the
// router identity from tests/data/send. Prints "READY <runtime dir> <router link-local>" when up;
// stops on SIGINT/SIGTERM. Used by provision_test.py against the independent Python MN.

#include "mipgate/control/dpdk_glue.hpp"
#include "mipgate/control/key_service.hpp"
#include "mipgate/control/router_identity.hpp"
#include "mipgate/control/send_service.hpp"
#include "mipgate/control/telemetry.hpp"
#include "mipgate/wire/icmpv6.hpp"
#include "mipgate/wire/ipv6.hpp"

#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_mbuf.h>
#include <rte_rcu_qsbr.h>
#include <rte_ring.h>

#include <csignal>
#include <cstdio>
#include <cstring>
#include <string>
#include <unistd.h>
#include <vector>

using namespace mipgate;
namespace ctl = mipgate::control;

namespace {

volatile std::sig_atomic_t g_stop = 0;
void on_signal(int) { g_stop = 1; }

/// What a worker would put on the slow-path ring: local ICMPv6 154/2, 148, 133, 135.
bool for_control(const rte_mbuf* m) {
    const auto* p = rte_pktmbuf_mtod(m, const std::uint8_t*);
    const std::uint32_t len = rte_pktmbuf_data_len(m);
    if (len < 14 + 40 + 4 || p[12] != 0x86 || p[13] != 0xdd) {
        return false;
    }
    const auto v = wire::parse_ipv6(bytes_view(p + 14, len - 14));
    if (!v.ok() || v.upper_proto != wire::nh_icmpv6 || v.upper_length < 4) {
        return false;
    }
    const std::uint8_t type = p[14 + v.upper_offset];
    const std::uint8_t subtype = v.upper_length > 4 ? p[14 + v.upper_offset + 4] : 0;
    return (type == wire::icmp6_fmip && subtype == 2) || type == wire::icmp6_cps || type == wire::icmp6_rs ||
           type == wire::icmp6_ns;
}

} // namespace

int main(int argc, char** argv) {
    std::string vdev;
    std::string data;
    std::string params;
    std::string mac = "02:00:00:00:00:fe";
    unsigned threads = 2;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string k = argv[i];
        const std::string v = argv[i + 1];
        if (k == "--vdev") vdev = v;
        else if (k == "--data") data = v;
        else if (k == "--params") params = v;
        else if (k == "--mac") mac = v;
        else if (k == "--threads") threads = static_cast<unsigned>(std::stoul(v));
    }
    if (vdev.empty() || data.empty()) {
        std::fprintf(stderr, "usage: provision_harness --vdev DEVARGS --data DIR [--params FILE] [--mac M] [--threads N]\n");
        return 2;
    }
    const std::string prefix = "--file-prefix=prov-" + std::to_string(getpid());
    const std::string vd = "--vdev=" + vdev;
    const char* eal[] = {"harness", "--no-huge", "-m", "256", "--no-pci", "--no-shconf", prefix.c_str(), "-l", "0",
                         "--log-level=error", vd.c_str(), nullptr};
    if (rte_eal_init(static_cast<int>(sizeof(eal) / sizeof(eal[0]) - 1), const_cast<char**>(eal)) < 0) {
        std::fprintf(stderr, "harness: EAL init failed\n");
        return 1;
    }

    config::config cfg;
    config::port port;
    port.name = "p0";
    port.addresses.push_back(*ipv6_prefix::parse("2001:db8:1::1/64"));
    cfg.ports.push_back(port);
    config::router_identity r;
    r.key_file = data + "/router.key";
    r.cert_chain = {data + "/router.pem"};
    r.trust_anchors = {data + "/ta.pem"};
    r.cga_sec = 1;
    r.cga_params_file = params;
    cfg.router = r;
    config::neighbor_router nr;
    nr.ap_id = "02:00:00:00:aa:01";
    nr.nar_mac = *mac_addr::parse("02:00:00:00:01:01");
    nr.nar_address = *ipv6_addr::parse("2001:db8:2::1");
    nr.nar_prefix = *ipv6_prefix::parse("2001:db8:2::/64");
    cfg.neighbor_routers.push_back(nr);

    int rc = 0;
    {
        auto id = ctl::router_identity::load(cfg);
        if (!id) {
            std::fprintf(stderr, "harness: %s\n", id.err().message.c_str());
            return 1;
        }
        rte_mempool* pool = rte_pktmbuf_pool_create("prov_pool", 4095, 128, 0, RTE_MBUF_DEFAULT_BUF_SIZE, 0);
        const std::uint16_t pid = 0;
        rte_eth_conf conf{};
        // Queue 0 for the "worker", queue 1 reserved for the control plane (design §2) when possible.
        rte_eth_dev_info info{};
        rte_eth_dev_info_get(pid, &info);
        const std::uint16_t ntx = info.max_tx_queues >= 2 ? 2 : 1;
        if (pool == nullptr || rte_eth_dev_configure(pid, 1, ntx, &conf) != 0 ||
            rte_eth_rx_queue_setup(pid, 0, 256, 0, nullptr, pool) != 0) {
            std::fprintf(stderr, "harness: port setup failed\n");
            return 1;
        }
        for (std::uint16_t q = 0; q < ntx; ++q) {
            if (rte_eth_tx_queue_setup(pid, q, 256, 0, nullptr) != 0) {
                std::fprintf(stderr, "harness: tx queue setup failed\n");
                return 1;
            }
        }
        rte_eth_dev_start(pid);
        rte_eth_promiscuous_enable(pid);

        std::vector<std::uint8_t> qmem(rte_rcu_qsbr_get_memsize(1) + 64);
        auto* qsbr = reinterpret_cast<rte_rcu_qsbr*>((reinterpret_cast<std::uintptr_t>(qmem.data()) + 63) & ~std::uintptr_t{63});
        rte_rcu_qsbr_init(qsbr, 1);
        auto table = tables::key_table::create("prov_keys", cfg.handover_keys.capacity, qsbr, 0);
        if (!table) {
            std::fprintf(stderr, "harness: %s\n", table.err().message.c_str());
            return 1;
        }
        ctl::key_service keys(**table, cfg.handover_keys);
        ctl::port_info pi;
        pi.mac = *mac_addr::parse(mac);
        rte_ether_addr ea;
        std::memcpy(ea.addr_bytes, pi.mac.b.data(), 6);
        rte_eth_dev_default_mac_addr_set(pid, &ea);
        ctl::service_options so;
        so.signer_threads = threads;
        auto svc = ctl::send_service::create(cfg, **id, keys, {pi}, so);
        if (!svc) {
            std::fprintf(stderr, "harness: %s\n", svc.err().message.c_str());
            return 1;
        }
        if (auto t = ctl::register_telemetry(**svc); !t) {
            std::fprintf(stderr, "harness: %s\n", t.err().message.c_str());
            return 1;
        }
        ctl::control_io io;
        io.ring = ctl::create_slow_path_ring("prov_slow", 1024, 0);
        io.pool = pool;
        io.port_ids = {pid};
        io.control_txq = {ntx - 1};
        ctl::control_io_stats st;

        std::signal(SIGINT, on_signal);
        std::signal(SIGTERM, on_signal);
        std::printf("READY %s %s\n", rte_eal_get_runtime_dir(), (*id)->link_local().address.to_string().c_str());
        std::fflush(stdout);
        rte_mbuf* pkts[32];
        while (g_stop == 0) {
            const std::uint16_t n = rte_eth_rx_burst(pid, 0, pkts, 32);
            for (std::uint16_t i = 0; i < n; ++i) {
                // Worker side: classify, enqueue (full ring → drop), never block.
                if (!for_control(pkts[i]) || rte_ring_mp_enqueue(io.ring, pkts[i]) != 0) {
                    rte_pktmbuf_free(pkts[i]);
                }
            }
            const unsigned work = ctl::control_poll(**svc, io, st);
            if (n == 0 && work == 0) {
                usleep(200);
            }
        }
        ctl::unregister_telemetry();
        (*svc)->stop();
        std::printf("STATS rx=%lu rx_bad=%lu tx=%lu tx_dropped=%lu\n", static_cast<unsigned long>(st.rx),
                    static_cast<unsigned long>(st.rx_bad), static_cast<unsigned long>(st.tx),
                    static_cast<unsigned long>(st.tx_dropped));
        rte_eth_dev_stop(pid);
        rte_eth_dev_close(pid);
        svc->reset();
        table->reset();
        rte_ring_free(io.ring);
        rte_mempool_free(pool);
    }
    rte_eal_cleanup();
    return rc;
}
