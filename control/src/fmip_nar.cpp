// NAR side (RFC 5268 §5.1, §6.2.1–6.2.2): HI → checks → HAck, and a neighbour entry for the
// NCoA (the MN's link-layer address from the HI) so that packets the PAR tunnels to the NCoA
// reach the MN; removed after max(PROXY_ND_LIFETIME, the maximum tunnel lifetime).

#include "fmip_impl.hpp"

#include "mipgate/fastpath/neighbor_table.hpp"
#include "mipgate/wire/fmip_messages.hpp"
#include "mipgate/wire/fmip_options.hpp"
#include "mipgate/wire/icmpv6.hpp"
#include "mipgate/wire/nd_options.hpp"

#include <algorithm>
#include <array>

namespace mipgate::control {

void fmip_service::impl::on_hi(const wire::ipv6_view& v, bytes_view ip) {
    if (!fmip.nar) {
        counters.add(fmip_counter::hi_role_disabled);
        return;
    }
    const bytes_view icmp = v.upper(ip);
    const ipv6_addr src = v.hdr->src_addr();
    const ipv6_addr dst = v.hdr->dst_addr();
    const auto m = wire::parse_fmip(icmp, wire::fmip_subtype_hi);
    if (!m || !wire::icmpv6_checksum_ok(src, dst, icmp) || src.is_multicast() || src.is_unspecified()) {
        counters.add(fmip_counter::hi_malformed);
        return;
    }
    const wire::nd_option_list opts = wire::parse_nd_options(m->options);
    if (!opts.ok()) {
        counters.add(fmip_counter::hi_malformed);
        return;
    }
    counters.add(fmip_counter::hi_received);

    std::optional<mac_addr> mn_mac;
    std::optional<ipv6_addr> ncoa;
    for (const auto& o : opts) {
        if (o.type == wire::nd_opt_lla_fmip) {
            auto l = wire::parse_lla_fmip_opt(o.raw);
            if (l && l->code == wire::lla_code_mn && l->lla.size() >= 6 && !mn_mac) {
                mn_mac = l->mac();
            }
        } else if (o.type == wire::nd_opt_ip_addr) {
            auto a = wire::parse_ip_addr_opt(o.raw);
            if (a && a->code == wire::ip_addr_code_ncoa && !ncoa) {
                ncoa = a->addr;
            }
        }
    }
    auto refuse = [&](std::uint8_t code) {
        counters.add(fmip_counter::hi_refused);
        send_hack(v, m->identifier, code);
    };
    // S set: the PAR asks us to assign an NCoA, which is not implemented (docs/conformance.md).
    if ((m->flags & wire::hi_flag_s) != 0 || !mn_mac || !ncoa) {
        refuse(wire::hack_code_not_accepted);
        return;
    }
    // The NCoA must lie in one of our links' prefixes and not be one of our own addresses.
    int port = -1;
    for (std::size_t i = 0; i < cfg.ports.size() && port < 0; ++i) {
        for (const auto& a : cfg.ports[i].addresses) {
            if (a.addr == *ncoa) {
                port = -2;
                break;
            }
            if (!a.addr.is_link_local() && a.contains(*ncoa)) {
                port = static_cast<int>(i);
            }
        }
    }
    if (port < 0 || ncoa->is_multicast() || ncoa->is_link_local()) {
        refuse(wire::hack_code_accepted_invalid);
        return;
    }
    if (deps.neighbors == nullptr) {
        refuse(wire::hack_code_no_resources);
        return;
    }
    const auto pi = static_cast<std::uint16_t>(port);
    const std::uint16_t port_id = deps.port_ids[pi];
    // An entry we did not install for this NCoA (a configured neighbour) with another MAC: the
    // address is in use (HAck 1).
    mac_addr existing;
    if (proxies.count(*ncoa) == 0 && deps.neighbors->lookup(*ncoa, port_id, existing) && existing != *mn_mac) {
        refuse(wire::hack_code_accepted_invalid);
        return;
    }
    if (auto r = deps.neighbors->set(*ncoa, port_id, *mn_mac); !r) {
        refuse(wire::hack_code_no_resources);
        return;
    }
    const std::uint64_t hold = std::max<std::uint64_t>(fmip.proxy_nd_lifetime_ms,
                                                       std::uint64_t{max_tunnel_lifetime_s} * 1000);
    auto& e = proxies[*ncoa];
    if (e.expires_ms != 0 && e.port != pi) {
        deps.neighbors->erase(*ncoa, deps.port_ids[e.port]); // moved to another link
    }
    e.port = pi;
    e.mac = *mn_mac;
    e.expires_ms = now_ms() + hold;
    proxy_next_ms = std::min(proxy_next_ms, e.expires_ms);
    counters.add(fmip_counter::proxy_installed);
    send_hack(v, m->identifier, wire::hack_code_accepted_valid);
}

void fmip_service::impl::send_hack(const wire::ipv6_view& hi, std::uint16_t id, std::uint8_t code) {
    // RFC 5268 §6.2.2: addresses swapped from the HI, Identifier copied. No options (S is never
    // granted, so no assigned NCoA).
    const ipv6_addr src = hi.hdr->dst_addr();
    const ipv6_addr dst = hi.hdr->src_addr();
    std::array<std::uint8_t, 8> icmp{};
    wire::fmip_msg m;
    m.subtype = wire::fmip_subtype_hack;
    m.code = code;
    m.identifier = id;
    if (!wire::build_fmip(icmp, m) || !wire::icmpv6_fill_checksum(src, dst, icmp)) {
        counters.add(fmip_counter::build_failed);
        return;
    }
    if (emit(wire::nh_icmpv6, src, dst, icmp)) {
        counters.add(fmip_counter::hack_sent);
    }
}

unsigned fmip_service::impl::tick_nar(std::uint64_t now) {
    unsigned work = 0;
    if (now < proxy_next_ms) {
        return 0;
    }
    proxy_next_ms = UINT64_MAX;
    for (auto it = proxies.begin(); it != proxies.end();) {
        if (it->second.expires_ms > now) {
            proxy_next_ms = std::min(proxy_next_ms, it->second.expires_ms);
            ++it;
            continue;
        }
        if (deps.neighbors != nullptr) {
            deps.neighbors->erase(it->first, deps.port_ids[it->second.port]);
        }
        counters.add(fmip_counter::proxy_removed);
        it = proxies.erase(it);
        ++work;
    }
    return work;
}

} // namespace mipgate::control
