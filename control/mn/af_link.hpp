#pragma once
// Raw Ethernet on Linux: an AF_PACKET socket bound to one interface (IPv6 ethertype only),
// all-multicast on, so CPA to our solicited-node group and PrRtAdv to our MAC both arrive.

#include "mipgate/common/bytes.hpp"
#include "mipgate/common/ipv6_addr.hpp"
#include "mipgate/common/result.hpp"

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace mipgate::mn {

class af_link {
public:
    /// Opens and binds the socket (needs CAP_NET_RAW). Main thread; allocates.
    static result<af_link> open(const std::string& iface);

    af_link(af_link&& o) noexcept : _fd(o._fd), _ifindex(o._ifindex), _mac(o._mac) { o._fd = -1; }
    af_link& operator=(af_link&&) = delete;
    af_link(const af_link&) = delete;
    ~af_link();

    /// The interface's MAC address. Any thread; no allocation.
    const mac_addr& mac() const noexcept { return _mac; }

    /// Sends one whole Ethernet frame. Main thread; blocks briefly in the kernel.
    result<void> send(bytes_view frame);
    /// Waits until `deadline` for one frame; empty vector on timeout. Main thread; blocks.
    result<std::vector<std::uint8_t>> receive(std::chrono::steady_clock::time_point deadline);

private:
    af_link() = default;
    int _fd = -1;
    int _ifindex = 0;
    mac_addr _mac;
};

} // namespace mipgate::mn
