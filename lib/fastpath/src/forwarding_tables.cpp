#include "mipgate/fastpath/forwarding_tables.hpp"

#include <rte_errno.h>
#include <rte_fib6.h>

#include <cstring>

namespace mipgate::fastpath {

namespace {

int find_port(const config::config& cfg, const std::string& name) {
    for (std::size_t i = 0; i < cfg.ports.size(); ++i) {
        if (cfg.ports[i].name == name) {
            return static_cast<int>(i);
        }
    }
    return -1;
}

error fib_error(const std::string& what, int rc) {
    return make_error(-rc, "FIB: " + what + ": " + rte_strerror(-rc));
}

} // namespace

forwarding_tables::~forwarding_tables() { rte_fib6_free(_fib); }

result<std::unique_ptr<forwarding_tables>> forwarding_tables::build(const config::config& cfg,
                                                                    std::span<const port_binding> ports,
                                                                    const std::string& name,
                                                                    int socket_id,
                                                                    std::span<const ipv6_addr> local_addresses) {
    if (ports.size() != cfg.ports.size() || ports.size() > max_ports) {
        return make_error(EINVAL, "forwarding tables: " + std::to_string(ports.size()) +
                                      " ports (at most " + std::to_string(max_ports) + ")");
    }
    std::unique_ptr<forwarding_tables> t(new forwarding_tables());
    t->_index_of_port.fill(-1);
    for (std::size_t i = 0; i < ports.size(); ++i) {
        const auto& p = ports[i];
        if (p.port_id >= max_port_ids) {
            return make_error(EINVAL, "port " + p.name + ": DPDK port id too large");
        }
        port_entry e{};
        e.port_id = p.port_id;
        e.mtu = p.mtu;
        std::memcpy(e.mac, p.mac.b.data(), 6);
        t->_ports.push_back(e);
        t->_index_of_port[p.port_id] = static_cast<std::int16_t>(i);
    }

    if (cfg.neighbor_routers.size() > max_tunnel_peers) {
        return make_error(EINVAL, "forwarding tables: " + std::to_string(cfg.neighbor_routers.size()) +
                                      " neighbor_routers (at most " + std::to_string(max_tunnel_peers) + ")");
    }
    for (const auto& nr : cfg.neighbor_routers) {
        std::memcpy(t->_peers[t->_npeers++].address, nr.nar_address.b.data(), 16);
    }

    std::size_t addresses = 0;
    for (const auto& p : cfg.ports) {
        addresses += p.addresses.size();
    }
    addresses += local_addresses.size();
    int max_routes = static_cast<int>(cfg.routes.size() + 3 * addresses + 16);
    rte_fib6_conf fc{};
    fc.type = RTE_FIB6_TRIE;
    fc.default_nh = nh_no_route;
    fc.max_routes = max_routes;
    fc.rib_ext_sz = 0;
    fc.trie.nh_sz = RTE_FIB6_TRIE_2B; // 2^15 next hops; tbl24 of 32 MiB instead of 64
    // A /128 needs up to 13 tbl8 groups beyond the 24-bit first level.
    fc.trie.num_tbl8 = static_cast<std::uint32_t>(max_routes) * 14 + 64;
    t->_fib = rte_fib6_create((name + "_fib6").c_str(), socket_id, &fc);
    if (t->_fib == nullptr) {
        return make_error(rte_errno, "FIB: rte_fib6_create: " + std::string(rte_strerror(rte_errno)));
    }

    auto add = [&](const ipv6_prefix& pfx, std::uint64_t nh) -> result<void> {
        ipv6_prefix m = pfx.masked();
        int rc = rte_fib6_add(t->_fib, m.addr.b.data(), m.len, nh);
        if (rc < 0) {
            return fib_error("add " + pfx.to_string(), rc);
        }
        return {};
    };
    auto must = [](ipv6_addr a, std::uint8_t len) { return ipv6_prefix{a, len}; };

    // Scope rules first; more specific entries below override them by longest match.
    ipv6_addr ll{};
    ll.b[0] = 0xfe;
    ll.b[1] = 0x80;
    ipv6_addr mc{};
    mc.b[0] = 0xff;
    if (auto r = add(must(ll, 10), nh_link_local); !r) {
        return r.err();
    }
    if (auto r = add(must(mc, 8), nh_multicast); !r) {
        return r.err();
    }

    // Connected routes: each port address's prefix is on-link on that port (link-local prefixes
    // excepted: never forwarded). Configured routes come after and win on an equal prefix.
    std::vector<config::route> all_routes;
    for (const auto& p : cfg.ports) {
        for (const auto& a : p.addresses) {
            if (!a.addr.is_link_local() && a.len < 128) {
                all_routes.push_back(config::route{a.masked(), std::nullopt, p.name});
            }
        }
    }
    all_routes.insert(all_routes.end(), cfg.routes.begin(), cfg.routes.end());

    for (const auto& rt : all_routes) {
        int pi = find_port(cfg, rt.port);
        if (pi < 0) {
            return make_error(EINVAL, "route " + rt.prefix.to_string() + ": unknown port " + rt.port);
        }
        nexthop h{};
        h.port_index = static_cast<std::uint16_t>(pi);
        h.port_id = ports[static_cast<std::size_t>(pi)].port_id;
        h.on_link = !rt.via.has_value();
        if (rt.via) {
            std::memcpy(h.via, rt.via->b.data(), 16);
        }
        std::size_t idx = 0;
        for (; idx < t->_nexthops.size(); ++idx) {
            const nexthop& o = t->_nexthops[idx];
            if (o.port_index == h.port_index && o.on_link == h.on_link &&
                std::memcmp(o.via, h.via, 16) == 0) {
                break;
            }
        }
        if (idx == t->_nexthops.size()) {
            if (idx + nh_first >= (1u << 15)) {
                return make_error(ENOSPC, "FIB: too many next hops");
            }
            t->_nexthops.push_back(h);
        }
        if (auto r = add(rt.prefix, nh_first + idx); !r) {
            return r.err();
        }
    }

    // Receive entries: our addresses, and the groups we listen on (RFC 4291 §2.8: all-nodes,
    // all-routers, solicited-node of each address).
    ipv6_addr all_nodes{};
    all_nodes.b[0] = 0xff;
    all_nodes.b[1] = 0x02;
    all_nodes.b[15] = 0x01;
    ipv6_addr all_routers = all_nodes;
    all_routers.b[15] = 0x02;
    for (const auto& a : {all_nodes, all_routers}) {
        if (auto r = add(must(a, 128), nh_local); !r) {
            return r.err();
        }
    }
    auto add_local = [&](const ipv6_addr& a) -> result<void> {
        if (auto r = add(must(a, 128), nh_local); !r) {
            return r;
        }
        return add(must(solicited_node(a), 128), nh_local);
    };
    for (const auto& p : cfg.ports) {
        for (const auto& a : p.addresses) {
            if (auto r = add_local(a.addr); !r) {
                return r.err();
            }
        }
    }
    for (const auto& a : local_addresses) {
        if (auto r = add_local(a); !r) {
            return r.err();
        }
    }

    auto nt = neighbor_table::create(name + "_nbr", static_cast<std::uint32_t>(cfg.neighbors.size()) * 2 + 1024,
                                     socket_id);
    if (!nt) {
        return nt.err();
    }
    t->_neighbors = std::move(nt.value());
    for (const auto& n : cfg.neighbors) {
        int pi = find_port(cfg, n.port);
        if (pi < 0) {
            return make_error(EINVAL, "neighbor " + n.address.to_string() + ": unknown port " + n.port);
        }
        if (auto r = t->_neighbors.set(n.address, ports[static_cast<std::size_t>(pi)].port_id, n.mac); !r) {
            return r.err();
        }
    }
    return t;
}

} // namespace mipgate::fastpath
