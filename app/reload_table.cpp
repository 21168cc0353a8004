// The reload classification of every configuration option (docs/operations.md is generated from
// it). When adding an option to lib/config, add its row here: reload_test checks that every key
// of docs/configuration.md has one.

#include "reload_table.hpp"

#include <string>

namespace mipgate::app {

namespace {

using config::config;

// Whole-field comparison and copy of `config::MEMBER`.
#define MG_FIELD(PATH, CLS, TARGET, MEMBER, NOTE)                                                      \
    option_info {                                                                                      \
        PATH, apply_class::CLS, apply_target::TARGET, NOTE,                                            \
            [](const config& a, const config& b) { return !(a.MEMBER == b.MEMBER); },                  \
            [](config& d, const config& s) { d.MEMBER = s.MEMBER; }                                    \
    }

// A field of the optional `router` section: absent on both sides = same; a section added or
// removed is the `router` row's change.
#define MG_ROUTER(PATH, CLS, TARGET, MEMBER, NOTE)                                                     \
    option_info {                                                                                      \
        PATH, apply_class::CLS, apply_target::TARGET, NOTE,                                            \
            [](const config& a, const config& b) {                                                     \
                return a.router.has_value() && b.router.has_value() && !(a.router->MEMBER == b.router->MEMBER); \
            },                                                                                         \
            [](config& d, const config& s) {                                                           \
                if (d.router && s.router) {                                                            \
                    d.router->MEMBER = s.router->MEMBER;                                               \
                }                                                                                      \
            }                                                                                          \
    }

bool same_port_boot(const mipgate::config::port& a, const mipgate::config::port& b) {
    return a.name == b.name && a.kind == b.kind && a.devargs == b.devargs && a.mac == b.mac && a.mtu == b.mtu &&
           a.rx_desc == b.rx_desc && a.tx_desc == b.tx_desc;
}

bool ports_boot_differ(const config& a, const config& b) {
    if (a.ports.size() != b.ports.size()) {
        return true;
    }
    for (std::size_t i = 0; i < a.ports.size(); ++i) {
        if (!same_port_boot(a.ports[i], b.ports[i])) {
            return true;
        }
    }
    return false;
}

void take_ports_boot(config& d, const config& s) {
    // Only reached when the port list keeps its shape; a restart option is never taken anyway.
    for (std::size_t i = 0; i < d.ports.size() && i < s.ports.size(); ++i) {
        auto addrs = d.ports[i].addresses;
        d.ports[i] = s.ports[i];
        d.ports[i].addresses = std::move(addrs);
    }
}

bool port_addresses_differ(const config& a, const config& b) {
    if (a.ports.size() != b.ports.size()) {
        return false; // reported by ports[]
    }
    for (std::size_t i = 0; i < a.ports.size(); ++i) {
        if (!(a.ports[i].addresses == b.ports[i].addresses)) {
            return true;
        }
    }
    return false;
}

void take_port_addresses(config& d, const config& s) {
    for (std::size_t i = 0; i < d.ports.size() && i < s.ports.size(); ++i) {
        d.ports[i].addresses = s.ports[i].addresses;
    }
}

bool routes_differ(const config& a, const config& b) {
    if (a.routes.size() != b.routes.size()) {
        return true;
    }
    for (std::size_t i = 0; i < a.routes.size(); ++i) {
        const auto &x = a.routes[i], &y = b.routes[i];
        if (!(x.prefix == y.prefix) || x.via != y.via || x.port != y.port) {
            return true;
        }
    }
    return false;
}

bool neighbors_differ(const config& a, const config& b) {
    if (a.neighbors.size() != b.neighbors.size()) {
        return true;
    }
    for (std::size_t i = 0; i < a.neighbors.size(); ++i) {
        const auto &x = a.neighbors[i], &y = b.neighbors[i];
        if (x.address != y.address || !(x.mac == y.mac) || x.port != y.port) {
            return true;
        }
    }
    return false;
}

bool same_ipsec(const std::optional<mipgate::config::neighbor_ipsec>& a, const std::optional<mipgate::config::neighbor_ipsec>& b) {
    if (a.has_value() != b.has_value()) {
        return false;
    }
    return !a || (a->spi_out == b->spi_out && a->spi_in == b->spi_in && a->auth == b->auth &&
                  a->key_file == b->key_file);
}

bool neighbor_routers_differ(const config& a, const config& b) {
    if (a.neighbor_routers.size() != b.neighbor_routers.size()) {
        return true;
    }
    for (std::size_t i = 0; i < a.neighbor_routers.size(); ++i) {
        const auto &x = a.neighbor_routers[i], &y = b.neighbor_routers[i];
        if (x.ap_id != y.ap_id || !(x.nar_mac == y.nar_mac) || x.nar_address != y.nar_address ||
            !(x.nar_prefix == y.nar_prefix) || x.ipsec_sa != y.ipsec_sa || !same_ipsec(x.ipsec, y.ipsec)) {
            return true;
        }
    }
    return false;
}

constexpr const char* boot_system = "EAL and lcore layout are set up once, at start";
constexpr const char* boot_port = "ports are configured and started once";
constexpr const char* by_tables = "rebuilt into new forwarding tables and swapped in (RCU); packets in flight keep the old ones";
constexpr const char* send_start = "read by the SEND service when it starts (per-signer verifiers and caches)";
constexpr const char* by_identity = "router key and certificate rotation: new CGAs formed, old ones answered until they expire";
constexpr const char* by_fmip = "handovers started after the reload; running ones keep their timers";
constexpr const char* ra_start = "the unsolicited-RA timer is set when the SEND service starts";
constexpr const char* built_once = "built once at start";

const option_info table[] = {
    MG_FIELD("system.lcores", restart, none, system.lcores, boot_system),
    MG_FIELD("system.workers", restart, none, system.workers, boot_system),
    MG_FIELD("system.memory_mb", restart, none, system.memory_mb, boot_system),
    MG_FIELD("system.hugepages", restart, none, system.hugepages, boot_system),
    MG_FIELD("system.file_prefix", restart, none, system.file_prefix, boot_system),
    MG_FIELD("system.eal_args", restart, none, system.eal_args, boot_system),
    MG_FIELD("system.mbufs", restart, none, system.mbufs, "the mbuf pool is created once"),
    MG_FIELD("system.burst", restart, none, system.burst, "workers take it at start"),
    MG_FIELD("system.signer_threads", restart, none, system.signer_threads, "signer threads are started once"),
    MG_FIELD("system.signer_cpus", restart, none, system.signer_cpus, "signer threads are pinned when they start"),
    option_info{"ports[] (name, kind, devargs, mac, mtu, rx_desc, tx_desc; adding or removing a port)",
                apply_class::restart, apply_target::none, boot_port, ports_boot_differ, take_ports_boot},
    option_info{"ports[].addresses", apply_class::live, apply_target::tables, by_tables, port_addresses_differ,
                take_port_addresses},
    option_info{"routes[]", apply_class::live, apply_target::tables, by_tables, routes_differ,
                [](config& d, const config& s) { d.routes = s.routes; }},
    option_info{"neighbors[]", apply_class::live, apply_target::tables, by_tables, neighbors_differ,
                [](config& d, const config& s) { d.neighbors = s.neighbors; }},
    option_info{"neighbor_routers[]", apply_class::restart, apply_target::none,
                "read by the SEND (PrRtAdv) and FMIP (HI) services when they start", neighbor_routers_differ,
                [](config& d, const config& s) { d.neighbor_routers = s.neighbor_routers; }},
    option_info{"router (adding or removing the section)", apply_class::restart, apply_target::none,
                "the control plane (SEND, keys, FMIP) exists only when started with a router",
                [](const config& a, const config& b) { return a.router.has_value() != b.router.has_value(); },
                [](config& d, const config& s) { d.router = s.router; }},
    MG_ROUTER("router.key_file", live, identity, key_file, by_identity),
    MG_ROUTER("router.cert_chain", live, identity, cert_chain, by_identity),
    MG_ROUTER("router.trust_anchors", live, identity, trust_anchors, by_identity),
    MG_ROUTER("router.cga_sec", live, identity, cga_sec, by_identity),
    MG_ROUTER("router.cga_params_file", live, identity, cga_params_file, by_identity),
    MG_ROUTER("router.ra_interval_min_s", restart, none, ra_interval_min_s, ra_start),
    MG_ROUTER("router.ra_interval_max_s", restart, none, ra_interval_max_s, ra_start),
    MG_ROUTER("router.rotation_grace_s", live, identity, rotation_grace_s, by_identity),
    MG_FIELD("handover_keys.lifetime_s", new_state, key_policy, handover_keys.lifetime_s,
             "keys created after the reload; existing keys keep their expiry"),
    MG_FIELD("handover_keys.algorithms", new_state, key_policy, handover_keys.algorithms,
             "keys created after the reload; existing keys keep their AT"),
    MG_FIELD("handover_keys.capacity", restart, none, handover_keys.capacity, "the key table is sized once"),
    MG_FIELD("handover_keys.max_tunnel_lifetime_s", new_state, fmip, handover_keys.max_tunnel_lifetime_s,
             "bindings made after the reload; existing bindings keep their lifetime"),
    MG_FIELD("handover_keys.preload_file", restart, none, handover_keys.preload_file, "keys are preloaded at start"),
    MG_FIELD("limits.rsa_min_bits", restart, none, limits.rsa_min_bits, send_start),
    MG_FIELD("limits.rsa_max_bits", restart, none, limits.rsa_max_bits, send_start),
    MG_FIELD("limits.cga_max_sec", restart, none, limits.cga_max_sec, send_start),
    MG_FIELD("limits.timestamp_delta_s", restart, none, limits.timestamp_delta_s, send_start),
    MG_FIELD("limits.timestamp_fuzz_s", restart, none, limits.timestamp_fuzz_s, send_start),
    MG_FIELD("limits.timestamp_drift_pct", restart, none, limits.timestamp_drift_pct, send_start),
    MG_FIELD("limits.max_cpa_rate", live, rate_limits, limits.max_cpa_rate,
             "the CPA token bucket is replaced (starts full)"),
    MG_FIELD("limits.rtsolpr_rate_per_source", live, rate_limits, limits.rtsolpr_rate_per_source,
             "the per-source buckets are replaced (start full)"),
    MG_FIELD("limits.rtsolpr_rate_global", live, rate_limits, limits.rtsolpr_rate_global,
             "the global bucket is replaced (starts full)"),
    MG_FIELD("limits.slow_path_ring", restart, none, limits.slow_path_ring, "the ring is created once"),
    MG_FIELD("limits.timestamp_cache", restart, none, limits.timestamp_cache, send_start),
    MG_FIELD("generator.enabled", restart, none, generator.enabled, built_once),
    MG_FIELD("generator.port", restart, none, generator.port, built_once),
    MG_FIELD("generator.packets", restart, none, generator.packets, built_once),
    MG_FIELD("generator.destinations", restart, none, generator.destinations, built_once),
    MG_FIELD("generator.source", restart, none, generator.source, built_once),
    option_info{"fmip.roles", apply_class::new_state, apply_target::fmip, by_fmip,
                [](const config& a, const config& b) { return a.fmip.par != b.fmip.par || a.fmip.nar != b.fmip.nar; },
                [](config& d, const config& s) {
                    d.fmip.par = s.fmip.par;
                    d.fmip.nar = s.fmip.nar;
                }},
    MG_FIELD("fmip.hi_retries", new_state, fmip, fmip.hi_retries, by_fmip),
    MG_FIELD("fmip.hi_timeout_ms", new_state, fmip, fmip.hi_timeout_ms, by_fmip),
    MG_FIELD("fmip.proxy_nd_lifetime_ms", new_state, fmip, fmip.proxy_nd_lifetime_ms, by_fmip),
    MG_FIELD("fmip.bindings", restart, none, fmip.bindings, "the binding table is sized once"),
    MG_FIELD("control.socket", restart, none, control.socket, "the socket is created once"),
    MG_FIELD("control.metrics_listen", restart, none, control.metrics_listen, "the endpoint is opened once"),
    MG_FIELD("logging.level", live, logging, logging.level, "rte_log levels set at once"),
    MG_FIELD("logging.types", live, logging, logging.types, "rte_log levels set at once"),
    MG_FIELD("logging.rate_per_s", live, logging, logging.rate_per_s, "every call site's next message"),
    MG_FIELD("logging.burst", live, logging, logging.burst, "every call site's next message"),
};

#undef MG_FIELD
#undef MG_ROUTER

} // namespace

std::span<const option_info> option_table() {
    return table;
}

const char* class_label(apply_class c) noexcept {
    switch (c) {
    case apply_class::live: return "applied live";
    case apply_class::new_state: return "applies to new state only";
    case apply_class::restart: return "needs a restart";
    }
    return "?";
}

const char* class_key(apply_class c) noexcept {
    switch (c) {
    case apply_class::live: return "live";
    case apply_class::new_state: return "new-state";
    case apply_class::restart: return "restart";
    }
    return "?";
}

std::string reload_table_markdown() {
    std::string out = "| option | on reload | how |\n|---|---|---|\n";
    for (const auto& o : table) {
        out += "| `";
        out += o.path;
        out += "` | ";
        out += class_label(o.cls);
        out += " | ";
        out += o.note;
        out += " |\n";
    }
    return out;
}

} // namespace mipgate::app
