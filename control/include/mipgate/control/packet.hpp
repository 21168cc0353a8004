#pragma once
// What the SEND service exchanges with the data plane, free of DPDK types: a received IPv6
// packet (copied out of its mbuf by the control lcore) and a finished Ethernet frame to send.

#include "mipgate/common/ipv6_addr.hpp"

#include <cstdint>
#include <vector>

namespace mipgate::control {

/// A finished Ethernet II frame for the control TX queue of port `port` (config port order).
struct tx_frame {
    std::uint16_t port = 0;
    std::vector<std::uint8_t> bytes;
};

/// Per-port facts the service needs to answer on that port.
struct port_info {
    mac_addr mac;              ///< the port's own MAC (Ethernet source of replies)
    std::uint16_t mtu = 1500;  ///< replies larger than this are not sent (counted)
};

/// Ethernet multicast MAC for an IPv6 multicast group (RFC 2464 §7: 33:33 + last 32 bits).
/// Any thread; no allocation.
mac_addr ipv6_multicast_mac(const ipv6_addr& group) noexcept;

} // namespace mipgate::control
