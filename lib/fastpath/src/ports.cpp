#include "mipgate/fastpath/ports.hpp"

#include <rte_common.h>
#include <rte_errno.h>
#include <rte_eth_ring.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>
#include <rte_ring.h>

#include <algorithm>
#include <cstring>

namespace mipgate::fastpath {

namespace {

error port_error(const std::string& port, const std::string& what, int rc) {
    return make_error(rc < 0 ? -rc : rc, "port " + port + ": " + what + ": " + rte_strerror(rc < 0 ? -rc : rc));
}

result<void> create_ring_port(const config::port& pc, std::size_t index, unsigned workers, running_port& rp) {
    const int socket = static_cast<int>(rte_socket_id());
    const std::string base = "mg" + std::to_string(index);
    unsigned size = rte_align32pow2(std::max<unsigned>(pc.rx_desc, 256));
    // Multi-producer/multi-consumer: every RX queue shares the RX ring, every TX queue the TX ring.
    rp.rx_ring = rte_ring_create((base + "rx").c_str(), size, socket, 0);
    rp.tx_ring = rte_ring_create((base + "tx").c_str(), rte_align32pow2(std::max<unsigned>(pc.tx_desc, 256)),
                                 socket, 0);
    if (rp.rx_ring == nullptr || rp.tx_ring == nullptr) {
        return port_error(pc.name, "rte_ring_create", rte_errno);
    }
    std::vector<rte_ring*> rxs(workers, rp.rx_ring);
    std::vector<rte_ring*> txs(workers + 1, rp.tx_ring);
    // net_ring's probe matches the "net_ring" name prefix.
    int id = rte_eth_from_rings(("net_ring_" + pc.name).c_str(), rxs.data(), workers, txs.data(),
                                workers + 1, static_cast<unsigned>(socket));
    if (id < 0) {
        return port_error(pc.name, "rte_eth_from_rings", rte_errno);
    }
    rp.port_id = static_cast<std::uint16_t>(id);
    rp.opened = true;
    return {};
}

result<void> find_port(const config::port& pc, running_port& rp) {
    std::string name = pc.devargs.substr(0, pc.devargs.find(','));
    std::uint16_t id = 0;
    int rc = rte_eth_dev_get_port_by_name(name.c_str(), &id);
    if (rc != 0) {
        return make_error(ENODEV, "port " + pc.name + ": no DPDK device named '" + name + "'" +
                                      (pc.kind == config::port_kind::pci ? " (is it bound to a DPDK driver?)" : ""));
    }
    rp.port_id = id;
    rp.opened = true;
    return {};
}

result<void> configure(const config::port& pc, rte_mempool* pool, unsigned workers, running_port& rp) {
    const std::uint16_t pid = rp.port_id;
    rte_eth_dev_info info{};
    if (int rc = rte_eth_dev_info_get(pid, &info); rc != 0) {
        return port_error(pc.name, "rte_eth_dev_info_get", rc);
    }
    rp.nb_rxq = static_cast<std::uint16_t>(std::min<unsigned>(workers, info.max_rx_queues));
    rp.nb_txq = static_cast<std::uint16_t>(std::min<unsigned>(workers + 1, info.max_tx_queues));
    if (rp.nb_rxq == 0 || rp.nb_txq < workers) {
        return make_error(EINVAL, "port " + pc.name + ": device offers " + std::to_string(info.max_rx_queues) +
                                      " RX / " + std::to_string(info.max_tx_queues) + " TX queues, " +
                                      std::to_string(workers) + " worker(s) need one TX queue each");
    }
    rp.control_txq = rp.nb_txq > workers ? static_cast<int>(workers) : -1;
    rte_eth_conf conf{};
    if (rp.nb_rxq > 1) {
        // One RX queue per worker: RSS spreads flows over them by the IPv6 addresses (and ports
        // where the NIC hashes them), so one flow stays on one worker and keeps its order. Only
        // the hash types the device supports are asked for; a device without RSS gets none.
        const std::uint64_t want = RTE_ETH_RSS_IPV6 | RTE_ETH_RSS_NONFRAG_IPV6_UDP | RTE_ETH_RSS_NONFRAG_IPV6_TCP |
                                   RTE_ETH_RSS_IPV6_EX;
        const std::uint64_t hf = want & info.flow_type_rss_offloads;
        if (hf != 0) {
            conf.rxmode.mq_mode = RTE_ETH_MQ_RX_RSS;
            conf.rx_adv_conf.rss_conf.rss_key = nullptr; // the driver's default key
            conf.rx_adv_conf.rss_conf.rss_hf = hf;
        }
    }
    if (int rc = rte_eth_dev_configure(pid, rp.nb_rxq, rp.nb_txq, &conf); rc != 0) {
        return port_error(pc.name, "rte_eth_dev_configure", rc);
    }
    std::uint16_t nb_rxd = pc.rx_desc;
    std::uint16_t nb_txd = pc.tx_desc;
    if (int rc = rte_eth_dev_adjust_nb_rx_tx_desc(pid, &nb_rxd, &nb_txd); rc != 0) {
        return port_error(pc.name, "rte_eth_dev_adjust_nb_rx_tx_desc", rc);
    }
    const int socket = rte_eth_dev_socket_id(pid) < 0 ? static_cast<int>(rte_socket_id())
                                                       : rte_eth_dev_socket_id(pid);
    for (std::uint16_t q = 0; q < rp.nb_rxq; ++q) {
        if (int rc = rte_eth_rx_queue_setup(pid, q, nb_rxd, static_cast<unsigned>(socket), nullptr, pool); rc != 0) {
            return port_error(pc.name, "rte_eth_rx_queue_setup", rc);
        }
    }
    for (std::uint16_t q = 0; q < rp.nb_txq; ++q) {
        if (int rc = rte_eth_tx_queue_setup(pid, q, nb_txd, static_cast<unsigned>(socket), nullptr); rc != 0) {
            return port_error(pc.name, "rte_eth_tx_queue_setup", rc);
        }
    }
    rp.mtu = pc.mtu;
    if (pc.mtu != RTE_ETHER_MTU) {
        int rc = rte_eth_dev_set_mtu(pid, pc.mtu);
        if (rc != 0 && rc != -ENOTSUP) {
            return port_error(pc.name, "rte_eth_dev_set_mtu", rc);
        }
    }
    rte_ether_addr ea{};
    if (pc.mac) {
        std::memcpy(ea.addr_bytes, pc.mac->b.data(), 6);
        int rc = rte_eth_dev_default_mac_addr_set(pid, &ea);
        if (rc != 0 && rc != -ENOTSUP) {
            return port_error(pc.name, "set MAC", rc);
        }
        rp.mac = *pc.mac; // the address mipgate uses as source even if the device ignored it
    } else {
        if (int rc = rte_eth_macaddr_get(pid, &ea); rc != 0) {
            return port_error(pc.name, "rte_eth_macaddr_get", rc);
        }
        std::memcpy(rp.mac.b.data(), ea.addr_bytes, 6);
    }
    if (int rc = rte_eth_dev_start(pid); rc != 0) {
        return port_error(pc.name, "rte_eth_dev_start", rc);
    }
    rp.started = true;
    return {};
}

} // namespace

port_set& port_set::operator=(port_set&& o) noexcept {
    if (this != &o) {
        close_all();
        _ports = std::move(o._ports);
        o._ports.clear();
    }
    return *this;
}

result<port_set> port_set::bring_up(const config::config& cfg, rte_mempool* pool, unsigned workers) {
    port_set ps;
    for (std::size_t i = 0; i < cfg.ports.size(); ++i) {
        const auto& pc = cfg.ports[i];
        ps._ports.emplace_back();
        running_port& rp = ps._ports.back();
        rp.name = pc.name;
        rp.kind = pc.kind;
        auto r = pc.kind == config::port_kind::ring ? create_ring_port(pc, i, workers, rp) : find_port(pc, rp);
        if (!r) {
            return r.err();
        }
        if (auto c = configure(pc, pool, workers, rp); !c) {
            return c.err();
        }
    }
    return ps;
}

void port_set::close_all() noexcept {
    for (auto& rp : _ports) {
        if (rp.started) {
            rte_eth_dev_stop(rp.port_id);
            rp.started = false;
        }
        if (rp.opened) {
            rte_eth_dev_close(rp.port_id);
            rp.opened = false;
        }
        for (rte_ring* r : {rp.rx_ring, rp.tx_ring}) {
            void* m = nullptr;
            while (r != nullptr && rte_ring_dequeue(r, &m) == 0) {
                rte_pktmbuf_free(static_cast<rte_mbuf*>(m));
            }
        }
        rte_ring_free(rp.rx_ring);
        rte_ring_free(rp.tx_ring);
        rp.rx_ring = nullptr;
        rp.tx_ring = nullptr;
    }
    _ports.clear();
}

std::vector<port_binding> port_set::bindings() const {
    std::vector<port_binding> b;
    for (const auto& rp : _ports) {
        b.push_back(port_binding{rp.name, rp.port_id, rp.mac, rp.mtu});
    }
    return b;
}

} // namespace mipgate::fastpath
