// FMIPv6 frames out: IPv6 + Ethernet around an HI, HAck or FBack, toward the next hop the
// resolver finds (FIB route, neighbour table, neighbor_routers[].nar_mac).

#include "fmip_impl.hpp"

#include "mipgate/fastpath/forwarding_tables.hpp"

#include <rte_fib6.h>

#include <cstring>

namespace mipgate::control {

namespace {

constexpr std::size_t eth_len = 14;
constexpr std::size_t ip_len = 40;
constexpr std::uint8_t hop_limit = 64; // routed messages (not ND): any reasonable value

} // namespace

std::optional<tx_frame> fmip_service::impl::emit(std::uint8_t nh, const ipv6_addr& src, const ipv6_addr& dst,
                                                 bytes_view payload) {
    const auto hop = deps.resolve(dst);
    if (!hop || hop->port >= deps.ports.size()) {
        counters.add(fmip_counter::no_route_out);
        return std::nullopt;
    }
    const port_info& port = deps.ports[hop->port];
    if (ip_len + payload.size() > port.mtu || payload.size() > 0xffff) {
        counters.add(fmip_counter::frame_too_large);
        return std::nullopt;
    }
    tx_frame f;
    f.port = hop->port;
    f.bytes.assign(eth_len + ip_len + payload.size(), 0);
    std::memcpy(f.bytes.data(), hop->mac.b.data(), 6);
    std::memcpy(f.bytes.data() + 6, port.mac.b.data(), 6);
    f.bytes[12] = 0x86;
    f.bytes[13] = 0xdd;
    wire::ipv6_fields h;
    h.payload_len = static_cast<std::uint16_t>(payload.size());
    h.next_header = nh;
    h.hop_limit = hop_limit;
    h.src = src;
    h.dst = dst;
    if (!wire::build_ipv6_hdr(bytes_mut(f.bytes).subspan(eth_len, ip_len), h)) {
        counters.add(fmip_counter::build_failed);
        return std::nullopt;
    }
    std::memcpy(f.bytes.data() + eth_len + ip_len, payload.data(), payload.size());
    out.push_back(f);
    return f;
}

fmip_resolver make_fib_resolver(const fastpath::forwarding_tables& fwd, const config::config& cfg) {
    return [&fwd, &cfg](const ipv6_addr& dst) -> std::optional<fmip_next_hop> {
        std::uint8_t ip[1][RTE_FIB6_IPV6_ADDR_SIZE];
        std::memcpy(ip[0], dst.b.data(), 16);
        std::uint64_t nh = fastpath::nh_no_route;
        if (rte_fib6_lookup_bulk(fwd.fib(), ip, &nh, 1) != 0 || nh < fastpath::nh_first) {
            return std::nullopt; // no route, or local / multicast / link-local verdicts
        }
        const fastpath::nexthop& h = fwd.hop(nh);
        const ipv6_addr next = h.on_link ? dst : ipv6_addr::from_bytes(h.via);
        fmip_next_hop out;
        out.port = h.port_index;
        if (fwd.neighbors().lookup(next, h.port_id, out.mac)) {
            return out;
        }
        for (const auto& n : cfg.neighbor_routers) {
            if (n.nar_address == next) {
                out.mac = n.nar_mac;
                return out;
            }
        }
        return std::nullopt;
    };
}

} // namespace mipgate::control
