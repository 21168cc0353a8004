#include "validate.hpp"

#include "mipgate/config/sizing.hpp"

#include <algorithm>

namespace mipgate::config::detail {

namespace {

const char* kind_str(port_kind k) {
    switch (k) {
    case port_kind::ring:
        return "ring";
    case port_kind::vdev:
        return "vdev";
    case port_kind::pci:
        return "pci";
    }
    return "?";
}

void check_ports(walker& w, const config& c) {
    for (std::size_t i = 0; i < c.ports.size(); ++i) {
        const port& p = c.ports[i];
        std::string path = item("ports", i);
        for (std::size_t j = 0; j < i; ++j) {
            const port& q = c.ports[j];
            if (!p.name.empty() && p.name == q.name) {
                w.error_at(path + ".name", "duplicate port name " + quote(p.name) + " (first at " +
                                                item("ports", j) + ")");
            }
            // Two ports cannot open the same DPDK device.
            std::string_view dp = std::string_view(p.devargs).substr(0, p.devargs.find(','));
            std::string_view dq = std::string_view(q.devargs).substr(0, q.devargs.find(','));
            if (!dp.empty() && dp == dq) {
                w.error_at(path + ".devargs", "device " + quote(dp) + " is already used by " +
                                                  item("ports", j));
            }
        }
    }
}

void check_system(walker& w, const config& c) {
    auto lcores = parse_lcore_list(c.system.lcores);
    if (lcores && !w.is_bad("system.lcores") && !w.is_bad("system.workers") &&
        c.system.workers + 1 > lcores->size() &&
        !(lcores->size() == 1 && c.system.workers == 1)) { // one lcore: it runs both roles
        w.error_at("system.workers", std::to_string(c.system.workers) + " workers need " +
                                         std::to_string(c.system.workers + 1) + " lcores (1 control + " +
                                         std::to_string(c.system.workers) + "), system.lcores " +
                                         quote(c.system.lcores) + " has " + std::to_string(lcores->size()));
    }
    if (w.any_bad_under("ports") || w.is_bad("system.mbufs") || w.is_bad("system.workers") ||
        w.is_bad("system.burst") || w.is_bad("limits.slow_path_ring")) {
        return;
    }
    unsigned long need = mbufs_needed(c);
    if (c.system.mbufs < need) {
        unsigned long desc = 0;
        for (const auto& p : c.ports) {
            desc += static_cast<unsigned long>(p.rx_desc) + p.tx_desc;
        }
        w.error_at("system.mbufs",
                   std::to_string(c.system.mbufs) + " is too small: need at least " + std::to_string(need) +
                       " (port descriptors " + std::to_string(desc) + " + " +
                       std::to_string(c.system.workers + 1) + " lcores x (cache " +
                       std::to_string(mempool_cache_size) + " + burst " + std::to_string(c.system.burst) +
                       ") + slow_path_ring " + std::to_string(c.limits.slow_path_ring) + ")");
    }
}

/// False when some port entry or name was itself refused: an unknown name is then most likely
/// that port's and is already reported there. Taken before the duplicate-name check.
bool port_names_trusted(const walker& w, const config& c) {
    if (w.is_bad("ports")) {
        return false;
    }
    for (std::size_t i = 0; i < c.ports.size(); ++i) {
        std::string p = item("ports", i);
        if (w.is_bad(p) || w.is_bad(p + ".name")) {
            return false;
        }
    }
    return true;
}

void check_neighbors(walker& w, const config& c, bool names_trusted) {
    for (std::size_t i = 0; i < c.neighbors.size(); ++i) {
        const neighbor& n = c.neighbors[i];
        std::string path = item("neighbors", i);
        if (w.any_bad_under(path)) {
            continue;
        }
        if (c.port_index(n.port) < 0) {
            if (names_trusted) {
                w.error_at(path + ".port", "unknown port " + quote(n.port));
            }
            continue;
        }
        for (std::size_t j = 0; j < i; ++j) {
            const neighbor& m = c.neighbors[j];
            if (m.address == n.address && m.port == n.port) {
                w.error_at(path + ".address", "duplicate neighbor " + n.address.to_string() + " on port " +
                                                  quote(n.port) + " (first at " + item("neighbors", j) + ")");
                break;
            }
        }
    }
}

void check_routes(walker& w, const config& c, bool names_trusted) {
    bool neighbors_ok = !w.any_bad_under("neighbors");
    for (std::size_t i = 0; i < c.routes.size(); ++i) {
        const route& r = c.routes[i];
        std::string path = item("routes", i);
        if (w.any_bad_under(path)) {
            continue;
        }
        if (c.port_index(r.port) < 0) {
            if (names_trusted) {
                w.error_at(path + ".port", "unknown port " + quote(r.port));
            }
            continue;
        }
        for (std::size_t j = 0; j < i; ++j) {
            if (c.routes[j].prefix == r.prefix) {
                w.error_at(path + ".prefix", "duplicate route " + r.prefix.to_string() + " (first at " +
                                                 item("routes", j) + ")");
                break;
            }
        }
        if (r.via && neighbors_ok) {
            bool found = std::any_of(c.neighbors.begin(), c.neighbors.end(), [&](const neighbor& n) {
                return n.address == *r.via && n.port == r.port;
            });
            if (!found) {
                w.error_at(path + ".via", r.via->to_string() + " is not a configured neighbor on port " +
                                              quote(r.port) + " (add it under neighbors)");
            }
        }
    }
}

void check_neighbor_routers(walker& w, const config& c) {
    for (std::size_t i = 0; i < c.neighbor_routers.size(); ++i) {
        const neighbor_router& r = c.neighbor_routers[i];
        std::string path = item("neighbor_routers", i);
        if (r.ap_id.empty() || w.is_bad(path + ".ap_id")) {
            continue;
        }
        // RFC 4301 §4.1: inbound SAs are told apart by SPI, so two neighbours cannot share one.
        if (r.ipsec && r.ipsec->spi_in != 0 && !w.any_bad_under(path + ".ipsec")) {
            for (std::size_t j = 0; j < i; ++j) {
                const auto& o = c.neighbor_routers[j].ipsec;
                if (o && o->spi_in == r.ipsec->spi_in) {
                    w.error_at(path + ".ipsec.spi_in", "SPI " + std::to_string(r.ipsec->spi_in) +
                                                           " is already the spi_in of " +
                                                           item("neighbor_routers", j));
                    break;
                }
            }
        }
        for (std::size_t j = 0; j < i; ++j) {
            if (c.neighbor_routers[j].ap_id == r.ap_id) {
                w.error_at(path + ".ap_id", "duplicate access point " + quote(r.ap_id) + " (first at " +
                                                item("neighbor_routers", j) + ")");
                break;
            }
        }
    }
}

void check_limits(walker& w, const config& c) {
    const limits_cfg& l = c.limits;
    if (!w.is_bad("limits.rsa_min_bits") && !w.is_bad("limits.rsa_max_bits") && l.rsa_min_bits > l.rsa_max_bits) {
        w.error_at("limits.rsa_min_bits", std::to_string(l.rsa_min_bits) +
                                              " is greater than limits.rsa_max_bits (" +
                                              std::to_string(l.rsa_max_bits) + ")");
    }
}

void check_generator(walker& w, const config& c, bool names_trusted) {
    const traffic_generator& g = c.generator;
    if (w.any_bad_under("generator")) {
        return;
    }
    if (!g.port.empty()) {
        int idx = c.port_index(g.port);
        if (idx < 0) {
            if (names_trusted) {
                w.error_at("generator.port", "unknown port " + quote(g.port));
            }
        } else if (c.ports[static_cast<std::size_t>(idx)].kind != port_kind::ring) {
            w.error_at("generator.port", "port " + quote(g.port) + " is a " +
                                             kind_str(c.ports[static_cast<std::size_t>(idx)].kind) +
                                             " port; the generator needs a ring port");
        }
    }
    if (!g.enabled) {
        return;
    }
    if (g.port.empty()) {
        w.error_at("generator.port", "required when generator.enabled is true");
    }
    if (g.packets == 0) {
        w.error_at("generator.packets", "must be at least 1 when generator.enabled is true");
    }
    if (g.destinations.empty()) {
        w.error_at("generator.destinations", "at least one destination is required when generator.enabled is true");
    }
    if (g.source.is_unspecified()) {
        w.error_at("generator.source", "required when generator.enabled is true");
    }
}

void collect_warnings(const config& c, std::vector<diagnostic>& out, walker& w) {
    if (c.limits.rsa_min_bits < 1024) {
        pos p = w.where("limits.rsa_min_bits");
        out.push_back(diagnostic{w.file(), p.line, p.col, "limits.rsa_min_bits",
                                 std::to_string(c.limits.rsa_min_bits) +
                                     " accepts RSA keys below 1024 bits; 1024 or more is recommended"});
    }
}

} // namespace

void check_router(walker& w, const config& c) {
    if (!c.router || w.is_bad("router.ra_interval_min_s") || w.is_bad("router.ra_interval_max_s")) {
        return;
    }
    if (c.router->ra_interval_min_s > c.router->ra_interval_max_s) {
        w.error_at("router.ra_interval_min_s", std::to_string(c.router->ra_interval_min_s) +
                                                   " is greater than router.ra_interval_max_s (" +
                                                   std::to_string(c.router->ra_interval_max_s) + ")");
    }
}

void validate(walker& w, const config& c, std::vector<diagnostic>& warnings) {
    bool names_trusted = port_names_trusted(w, c);
    check_ports(w, c);
    check_system(w, c);
    check_neighbors(w, c, names_trusted);
    check_routes(w, c, names_trusted);
    check_neighbor_routers(w, c);
    check_router(w, c);
    check_limits(w, c);
    check_generator(w, c, names_trusted);
    collect_warnings(c, warnings, w);
}

} // namespace mipgate::config::detail
