#pragma once
// Port bring-up from the configuration: ring ports (an RX and a TX rte_ring behind
// rte_eth_from_rings: the virtual wire), vdevs by name, PCI devices by address. One RX and one
// TX queue per worker, plus one TX queue for the control plane when the device has one to spare.

#include "mipgate/common/result.hpp"
#include "mipgate/config/config.hpp"
#include "mipgate/fastpath/forwarding_tables.hpp"

#include <cstdint>
#include <string>
#include <vector>

struct rte_mempool;
struct rte_ring;

namespace mipgate::fastpath {

struct running_port {
    std::string name;
    config::port_kind kind = config::port_kind::ring;
    std::uint16_t port_id = 0;
    std::uint16_t nb_rxq = 0;
    std::uint16_t nb_txq = 0;
    int control_txq = -1;          ///< TX queue reserved for the control plane, -1 if none
    mac_addr mac;
    std::uint16_t mtu = 1500;
    rte_ring* rx_ring = nullptr;   ///< ring ports: what the port receives (generator writes here)
    rte_ring* tx_ring = nullptr;   ///< ring ports: what the port sends (control drains it)
    bool opened = false;           ///< port_id is ours to close
    bool started = false;
};

class port_set {
public:
    port_set() = default;
    port_set(const port_set&) = delete;
    port_set& operator=(const port_set&) = delete;
    port_set(port_set&& o) noexcept : _ports(std::move(o._ports)) { o._ports.clear(); }
    port_set& operator=(port_set&& o) noexcept;
    ~port_set() { close_all(); }

    /// Creates/finds, configures and starts every port of `cfg` in order. Control thread after
    /// EAL init; allocates. On error everything already opened is closed.
    static result<port_set> bring_up(const config::config& cfg, rte_mempool* pool, unsigned workers);

    /// Stops and closes every port (net_pcap writes its TX file on close), frees ring-port rings.
    /// Control thread, after workers stopped; idempotent.
    void close_all() noexcept;

    /// The running ports in configuration order. Control thread.
    std::vector<running_port>& ports() noexcept { return _ports; }
    /// The running ports in configuration order. Control thread.
    const std::vector<running_port>& ports() const noexcept { return _ports; }
    /// The running ports as forwarding_tables::build wants them. Control thread; allocates.
    std::vector<port_binding> bindings() const;

private:
    std::vector<running_port> _ports;
};

} // namespace mipgate::fastpath
