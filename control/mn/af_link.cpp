// AF_PACKET link for mipgate-mn (packet(7)).

#include "af_link.hpp"

#include <arpa/inet.h>
#include <cerrno>
#include <cstring>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

namespace mipgate::mn {

af_link::~af_link() {
    if (_fd >= 0) {
        ::close(_fd);
    }
}

result<af_link> af_link::open(const std::string& iface) {
    af_link l;
    l._ifindex = static_cast<int>(if_nametoindex(iface.c_str()));
    if (l._ifindex == 0) {
        return make_error(2, "no interface " + iface);
    }
    l._fd = ::socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, htons(ETH_P_IPV6));
    if (l._fd < 0) {
        return make_error(2, std::string("AF_PACKET socket: ") + std::strerror(errno) + " (needs CAP_NET_RAW)");
    }
    sockaddr_ll sll{};
    sll.sll_family = AF_PACKET;
    sll.sll_protocol = htons(ETH_P_IPV6);
    sll.sll_ifindex = l._ifindex;
    if (::bind(l._fd, reinterpret_cast<sockaddr*>(&sll), sizeof sll) != 0) {
        return make_error(2, "bind to " + iface + ": " + std::strerror(errno));
    }
    packet_mreq mr{};
    mr.mr_ifindex = l._ifindex;
    mr.mr_type = PACKET_MR_ALLMULTI;
    (void)::setsockopt(l._fd, SOL_PACKET, PACKET_ADD_MEMBERSHIP, &mr, sizeof mr); // best effort
    ifreq ifr{};
    std::strncpy(ifr.ifr_name, iface.c_str(), IFNAMSIZ - 1);
    if (::ioctl(l._fd, SIOCGIFHWADDR, &ifr) != 0) {
        return make_error(2, "MAC of " + iface + ": " + std::strerror(errno));
    }
    std::memcpy(l._mac.b.data(), ifr.ifr_hwaddr.sa_data, 6);
    return l;
}

result<void> af_link::send(bytes_view frame) {
    const ssize_t n = ::send(_fd, frame.data(), frame.size(), 0);
    if (n != static_cast<ssize_t>(frame.size())) {
        return make_error(2, std::string("send: ") + std::strerror(errno));
    }
    return {};
}

result<std::vector<std::uint8_t>> af_link::receive(std::chrono::steady_clock::time_point deadline) {
    std::vector<std::uint8_t> buf(65536);
    for (;;) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) {
            return std::vector<std::uint8_t>{};
        }
        pollfd p{_fd, POLLIN, 0};
        const int r = ::poll(&p, 1, static_cast<int>(left.count()));
        if (r < 0 && errno == EINTR) {
            continue;
        }
        if (r < 0) {
            return make_error(2, std::string("poll: ") + std::strerror(errno));
        }
        if (r == 0) {
            return std::vector<std::uint8_t>{};
        }
        sockaddr_ll from{};
        socklen_t fl = sizeof from;
        const ssize_t n = ::recvfrom(_fd, buf.data(), buf.size(), 0, reinterpret_cast<sockaddr*>(&from), &fl);
        if (n < 0) {
            if (errno == EINTR || errno == EAGAIN) {
                continue;
            }
            return make_error(2, std::string("recv: ") + std::strerror(errno));
        }
        if (from.sll_pkttype == PACKET_OUTGOING) {
            continue; // our own transmissions
        }
        buf.resize(static_cast<std::size_t>(n));
        return buf;
    }
}

} // namespace mipgate::mn
