#include "schema.hpp"

#include "files.hpp"
#include "mipgate/config/sizing.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <cctype>

namespace mipgate::config::detail {

namespace {

bool is_hex(char c) {
    return std::isxdigit(static_cast<unsigned char>(c)) != 0;
}

bool name_ok(std::string_view s, std::size_t max) {
    return !s.empty() && s.size() <= max && std::all_of(s.begin(), s.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '-';
    });
}

bool power_of_two(std::uint64_t v) {
    return v != 0 && (v & (v - 1)) == 0;
}

/// "0000:03:00.0" or "03:00.0", optionally followed by ",driver args".
bool pci_address_ok(std::string_view s) {
    s = s.substr(0, s.find(','));
    auto hex_run = [&](std::size_t n) {
        if (s.size() < n || !std::all_of(s.begin(), s.begin() + static_cast<long>(n), is_hex)) {
            return false;
        }
        s.remove_prefix(n);
        return true;
    };
    auto sep = [&](char c) {
        if (s.empty() || s[0] != c) {
            return false;
        }
        s.remove_prefix(1);
        return true;
    };
    if (s.size() == 12 && !(hex_run(4) && sep(':'))) {
        return false;
    }
    return s.size() == 7 && hex_run(2) && sep(':') && hex_run(2) && sep('.') && s[0] >= '0' && s[0] <= '7';
}

/// "aa:bb:cc" — 1..32 bytes of hex, lower-cased into `out`.
bool ap_id_ok(std::string_view s, std::string& out) {
    if (s.size() < 2 || s.size() > 32 * 3 - 1 || (s.size() + 1) % 3 != 0) {
        return false;
    }
    out.clear();
    for (std::size_t i = 0; i < s.size(); ++i) {
        bool colon_slot = i % 3 == 2;
        if (colon_slot ? s[i] != ':' : !is_hex(s[i])) {
            return false;
        }
        out += static_cast<char>(std::tolower(static_cast<unsigned char>(s[i])));
    }
    return true;
}

void read_system(walker& w, const YAML::Node& n, system_cfg& s) {
    map_reader m(w, n, "system",
                 {"lcores", "workers", "memory_mb", "hugepages", "file_prefix", "eal_args", "mbufs",
                  "burst", "signer_threads", "signer_cpus"});
    std::string lcores;
    if (m.str("lcores", lcores)) {
        if (parse_lcore_list(lcores)) {
            s.lcores = lcores;
        } else {
            m.fail("lcores", "not an lcore list like \"0-3\" or \"0,2,4\" (ids 0.." +
                                 std::to_string(max_lcore_id) + ", no repeats): " + quote(lcores));
        }
    }
    m.uint("workers", s.workers, 1, max_lcore_id);
    m.uint("memory_mb", s.memory_mb, 64, 1u << 20);
    m.boolean("hugepages", s.hugepages);
    std::string prefix;
    if (m.str("file_prefix", prefix)) {
        if (prefix.empty() || name_ok(prefix, 64)) {
            s.file_prefix = prefix;
        } else {
            m.fail("file_prefix", "must be 1..64 letters, digits, '_' or '-': " + quote(prefix));
        }
    }
    if (auto args = m.list("eal_args")) {
        for (std::size_t i = 0; i < args->size(); ++i) {
            if (auto a = read_string(w, (*args)[i], item(m.path("eal_args"), i))) {
                s.eal_args.push_back(*a);
            }
        }
    }
    m.uint("mbufs", s.mbufs, 1024, (1u << 24) - 1);
    m.uint("burst", s.burst, 1, 64);
    m.uint("signer_threads", s.signer_threads, 0, 64);
    std::string cpus;
    if (m.str("signer_cpus", cpus)) {
        if (cpus.empty() || parse_cpu_list(cpus)) { // empty: the default placement (app/main.cpp)
            s.signer_cpus = cpus;
        } else {
            m.fail("signer_cpus", "not a CPU list like \"1\" or \"0-1\" (ids 0.." + std::to_string(max_cpu_id) +
                                      ", no repeats): " + quote(cpus));
        }
    }
}

void read_port(walker& w, const YAML::Node& n, const std::string& path, port& p) {
    map_reader m(w, n, path,
                 {"name", "kind", "devargs", "mac", "addresses", "mtu", "rx_desc", "tx_desc"});
    if (!m.ok()) {
        return;
    }
    std::string name;
    if (m.str("name", name, true)) {
        if (name_ok(name, 32)) {
            p.name = name;
        } else {
            m.fail("name", "must be 1..32 letters, digits, '_' or '-': " + quote(name));
        }
    }
    std::string kind;
    bool kind_ok = true;
    if (m.str("kind", kind)) {
        if (kind == "ring") {
            p.kind = port_kind::ring;
        } else if (kind == "vdev") {
            p.kind = port_kind::vdev;
        } else if (kind == "pci") {
            p.kind = port_kind::pci;
        } else {
            kind_ok = false;
            m.fail("kind", "expected one of ring, vdev, pci, got " + quote(kind));
        }
    }
    std::string devargs;
    m.str("devargs", devargs);
    if (kind_ok && !w.is_bad(m.path("devargs"))) {
        switch (p.kind) {
        case port_kind::ring:
            if (!devargs.empty()) {
                m.fail("devargs", "ring ports take no devargs (set kind: vdev or pci)");
            }
            break;
        case port_kind::vdev: {
            std::string_view dev = std::string_view(devargs).substr(0, devargs.find(','));
            if (devargs.empty()) {
                if (m.require("devargs")) {
                    m.fail("devargs", "required for kind vdev, e.g. \"net_pcap0,rx_pcap=in.pcap\"");
                }
            } else if (!name_ok(dev, 64)) {
                m.fail("devargs", "not a vdev name with arguments like \"net_pcap0,rx_pcap=in.pcap\": " +
                                      quote(devargs));
            } else {
                p.devargs = devargs;
            }
            break;
        }
        case port_kind::pci:
            if (devargs.empty()) {
                if (m.require("devargs")) {
                    m.fail("devargs", "required for kind pci, e.g. \"0000:03:00.0\"");
                }
            } else if (!pci_address_ok(devargs)) {
                m.fail("devargs", "not a PCI address like \"0000:03:00.0\": " + quote(devargs));
            } else {
                p.devargs = devargs;
            }
            break;
        }
    }
    m.mac("mac", p.mac);
    if (auto addrs = m.list("addresses")) {
        for (std::size_t i = 0; i < addrs->size(); ++i) {
            std::string ipath = item(m.path("addresses"), i);
            auto a = read_prefix(w, (*addrs)[i], ipath, false);
            if (!a) {
                continue;
            }
            bool dup = std::any_of(p.addresses.begin(), p.addresses.end(),
                                   [&](const ipv6_prefix& x) { return x.addr == a->addr; });
            if (dup) {
                w.error_at(ipath, "duplicate address " + a->addr.to_string());
                continue;
            }
            p.addresses.push_back(*a);
        }
    }
    m.uint("mtu", p.mtu, 1280, 9600);
    for (const char* key : {"rx_desc", "tx_desc"}) {
        std::uint16_t v = 0;
        if (m.uint(key, v, 64, 16384)) {
            if (power_of_two(v)) {
                (std::string_view(key) == "rx_desc" ? p.rx_desc : p.tx_desc) = v;
            } else {
                m.fail(key, std::to_string(v) + " is not a power of two in 64..16384");
            }
        }
    }
}

void read_route(walker& w, const YAML::Node& n, const std::string& path, route& r) {
    map_reader m(w, n, path, {"prefix", "via", "port"});
    m.prefix("prefix", r.prefix, true, true);
    m.addr("via", r.via);
    m.str("port", r.port, true);
}

void read_neighbor(walker& w, const YAML::Node& n, const std::string& path, neighbor& nb) {
    map_reader m(w, n, path, {"address", "mac", "port"});
    m.addr("address", nb.address, true);
    m.mac("mac", nb.mac, true);
    m.str("port", nb.port, true);
}

std::string read_file_name(walker& w, const YAML::Node& n, const std::string& path, const std::string& base_dir);

/// An SPI: decimal or 0x-hex, 256..2^32-1 (RFC 4303 §2.1: 1..255 are reserved, 0 is local use).
void read_spi(map_reader& m, walker& w, std::string_view key, std::uint32_t& out) {
    if (!m.require(key)) {
        return;
    }
    const YAML::Node& n = *m.find(key);
    const std::string path = m.path(key);
    w.remember(path, pos_of(n));
    const std::string s = n.IsScalar() ? n.Scalar() : std::string();
    std::string_view d = s;
    int base = 10;
    if (d.size() > 2 && d[0] == '0' && (d[1] == 'x' || d[1] == 'X')) {
        d.remove_prefix(2);
        base = 16;
    }
    std::uint64_t v = 0;
    bool ok = !d.empty() && d.size() <= 10;
    for (char c : d) {
        const int x = (c >= '0' && c <= '9') ? c - '0'
                      : (base == 16 && std::isxdigit(static_cast<unsigned char>(c)) != 0)
                          ? std::tolower(static_cast<unsigned char>(c)) - 'a' + 10
                          : -1;
        if (x < 0) {
            ok = false;
            break;
        }
        v = v * static_cast<std::uint64_t>(base) + static_cast<std::uint64_t>(x);
    }
    if (!ok || v < 256 || v > 0xffffffffu) {
        m.fail(key, "expected an SPI in 256..4294967295 (decimal or 0x hex), got " +
                        (n.IsScalar() ? quote(s) : kind_name(n)));
        return;
    }
    out = static_cast<std::uint32_t>(v);
}

/// neighbor_routers[].ipsec (RFC 5268 §10; pending: validated and shown, not used yet).
void read_neighbor_ipsec(walker& w, const YAML::Node& n, const std::string& path, const std::string& base_dir,
                         neighbor_ipsec& s) {
    map_reader m(w, n, path, {"spi_out", "spi_in", "auth", "key_file"});
    if (!m.ok()) {
        return;
    }
    read_spi(m, w, "spi_out", s.spi_out);
    read_spi(m, w, "spi_in", s.spi_in);
    std::string auth;
    if (m.str("auth", auth)) {
        if (auth == "hmac-sha256" || auth == "hmac-sha1") {
            s.auth = auth;
        } else {
            m.fail("auth", "expected one of hmac-sha256, hmac-sha1, got " + quote(auth));
        }
    }
    if (m.require("key_file")) {
        s.key_file = read_file_name(w, *m.find("key_file"), m.path("key_file"), base_dir);
    }
}

void read_neighbor_router(walker& w, const YAML::Node& n, const std::string& path, const std::string& base_dir,
                          neighbor_router& r) {
    map_reader m(w, n, path, {"ap_id", "nar_mac", "nar_address", "nar_prefix", "ipsec_sa", "ipsec"});
    std::string ap;
    if (m.str("ap_id", ap, true) && !ap_id_ok(ap, r.ap_id)) {
        r.ap_id.clear();
        m.fail("ap_id", "not a link-layer id of 1..32 hex bytes like \"02:aa:bb:cc:dd:01\": " + quote(ap));
    }
    m.mac("nar_mac", r.nar_mac, true);
    m.addr("nar_address", r.nar_address, true);
    m.prefix("nar_prefix", r.nar_prefix, true, true);
    m.str("ipsec_sa", r.ipsec_sa);
    if (const YAML::Node* s = m.section("ipsec")) {
        r.ipsec.emplace();
        read_neighbor_ipsec(w, *s, m.path("ipsec"), base_dir, *r.ipsec);
    }
}

/// Reads one file name, resolves it and checks it can be read; empty on error.
std::string read_file_name(walker& w, const YAML::Node& n, const std::string& path,
                           const std::string& base_dir) {
    auto s = read_string(w, n, path);
    if (!s) {
        return {};
    }
    if (s->empty()) {
        w.error(pos_of(n), path, "empty file name");
        return {};
    }
    std::string abs = resolve_path(base_dir, *s);
    if (auto why = check_readable(abs)) {
        w.error(pos_of(n), path, "cannot read " + quote(abs) + ": " + *why);
        return {};
    }
    return abs;
}

void read_router(walker& w, const YAML::Node& n, const std::string& base_dir, router_identity& r) {
    map_reader m(w, n, "router", {"key_file", "cert_chain", "trust_anchors", "cga_sec", "cga_params_file",
                                  "ra_interval_min_s", "ra_interval_max_s", "rotation_grace_s"});
    if (!m.ok()) {
        return;
    }
    if (m.require("key_file")) {
        r.key_file = read_file_name(w, *m.find("key_file"), m.path("key_file"), base_dir);
    }
    for (const char* key : {"cert_chain", "trust_anchors"}) {
        bool required = std::string_view(key) == "cert_chain";
        auto files = m.list(key, required);
        if (!files) {
            continue;
        }
        if (required && files->empty() && m.has(key)) {
            m.fail(key, "at least one certificate (the router's own first) is required");
        }
        auto& out = required ? r.cert_chain : r.trust_anchors;
        for (std::size_t i = 0; i < files->size(); ++i) {
            std::string abs = read_file_name(w, (*files)[i], item(m.path(key), i), base_dir);
            if (!abs.empty()) {
                out.push_back(abs);
            }
        }
    }
    m.uint("cga_sec", r.cga_sec, 0, 2);
    // The CGA parameters file is written on first start when missing: resolve, don't require it.
    std::string params;
    if (m.str("cga_params_file", params) && !params.empty()) {
        r.cga_params_file = resolve_path(base_dir, params);
    }
    // RFC 4861 §6.2.1 allows 4..1800 (max) and 3..0.75*max (min); below that only for tests.
    m.uint("ra_interval_min_s", r.ra_interval_min_s, 1, 1800);
    m.uint("ra_interval_max_s", r.ra_interval_max_s, 1, 1800);
    m.uint("rotation_grace_s", r.rotation_grace_s, 0, 31u * 24 * 3600);
}

void read_handover_keys(walker& w, const YAML::Node& n, const std::string& base_dir, handover_key_policy& h) {
    map_reader m(w, n, "handover_keys",
                 {"lifetime_s", "algorithms", "capacity", "max_tunnel_lifetime_s", "preload_file"});
    m.uint("lifetime_s", h.lifetime_s, 1, 65535);
    if (m.has("algorithms")) {
        if (auto names = m.list("algorithms")) {
            std::vector<unsigned> ats;
            bool bad = false;
            for (std::size_t i = 0; i < names->size(); ++i) {
                std::string ipath = item(m.path("algorithms"), i);
                auto s = read_string(w, (*names)[i], ipath);
                if (!s) {
                    bad = true;
                    continue;
                }
                auto known = std::find_if(std::begin(algorithm_names), std::end(algorithm_names),
                                          [&](const algorithm_name& a) { return *s == a.name; });
                if (known == std::end(algorithm_names)) {
                    w.error_at(ipath, "unknown algorithm " + quote(*s) + " (known: hmac-sha256, hmac-sha1)");
                    bad = true;
                } else if (std::find(ats.begin(), ats.end(), known->at) != ats.end()) {
                    w.error_at(ipath, "algorithm " + quote(*s) + " listed twice");
                    bad = true;
                } else {
                    ats.push_back(known->at);
                }
            }
            if (names->empty()) {
                m.fail("algorithms", "at least one algorithm is required (hmac-sha256, hmac-sha1)");
            } else if (!bad) {
                h.algorithms = std::move(ats);
            }
        }
    }
    m.uint("capacity", h.capacity, 64, 1u << 24);
    m.uint("max_tunnel_lifetime_s", h.max_tunnel_lifetime_s, 1, 65535);
    if (const YAML::Node* f = m.find("preload_file")) {
        h.preload_file = read_file_name(w, *f, m.path("preload_file"), base_dir);
    }
}

void read_fmip(walker& w, const YAML::Node& n, fmip_cfg& f) {
    map_reader m(w, n, "fmip", {"roles", "hi_retries", "hi_timeout_ms", "proxy_nd_lifetime_ms", "bindings"});
    if (!m.ok()) {
        return;
    }
    if (m.has("roles")) {
        if (auto roles = m.list("roles")) {
            bool par = false;
            bool nar = false;
            bool bad = false;
            for (std::size_t i = 0; i < roles->size(); ++i) {
                const std::string ipath = item(m.path("roles"), i);
                auto s = read_string(w, (*roles)[i], ipath);
                if (!s) {
                    bad = true;
                } else if ((*s == "par" && par) || (*s == "nar" && nar)) {
                    w.error_at(ipath, "role " + quote(*s) + " listed twice");
                    bad = true;
                } else if (*s == "par" || *s == "nar") {
                    (*s == "par" ? par : nar) = true;
                } else {
                    w.error_at(ipath, "unknown role " + quote(*s) + " (known: par, nar)");
                    bad = true;
                }
            }
            if (!bad) {
                f.par = par; // an empty list turns both roles off
                f.nar = nar;
            }
        }
    }
    m.uint("hi_retries", f.hi_retries, 0, 10);
    m.uint("hi_timeout_ms", f.hi_timeout_ms, 10, 10000);
    m.uint("proxy_nd_lifetime_ms", f.proxy_nd_lifetime_ms, 100, 600000);
    m.uint("bindings", f.bindings, 64, 1u << 24);
}

void read_limits(walker& w, const YAML::Node& n, limits_cfg& l) {
    map_reader m(w, n, "limits",
                 {"rsa_min_bits", "rsa_max_bits", "cga_max_sec", "timestamp_delta_s", "timestamp_fuzz_s",
                  "timestamp_drift_pct", "max_cpa_rate", "rtsolpr_rate_per_source", "rtsolpr_rate_global",
                  "slow_path_ring", "timestamp_cache"});
    m.uint("rsa_min_bits", l.rsa_min_bits, 512, 8192);
    m.uint("rsa_max_bits", l.rsa_max_bits, 512, 8192);
    m.uint("cga_max_sec", l.cga_max_sec, 0, 7);
    m.uint("timestamp_delta_s", l.timestamp_delta_s, 1, 86400);
    m.uint("timestamp_fuzz_s", l.timestamp_fuzz_s, 0, 60);
    m.uint("timestamp_drift_pct", l.timestamp_drift_pct, 0, 100);
    m.uint("max_cpa_rate", l.max_cpa_rate, 1, 1000000);
    m.uint("rtsolpr_rate_per_source", l.rtsolpr_rate_per_source, 1, 1000000);
    m.uint("rtsolpr_rate_global", l.rtsolpr_rate_global, 1, 10000000);
    unsigned ring = 0;
    if (m.uint("slow_path_ring", ring, 64, 1u << 20)) {
        if (power_of_two(ring)) {
            l.slow_path_ring = ring;
        } else {
            m.fail("slow_path_ring", std::to_string(ring) + " is not a power of two in 64..1048576");
        }
    }
    m.uint("timestamp_cache", l.timestamp_cache, 16, 1u << 20);
}

void read_generator(walker& w, const YAML::Node& n, traffic_generator& g) {
    map_reader m(w, n, "generator", {"enabled", "port", "packets", "destinations", "source"});
    m.boolean("enabled", g.enabled);
    m.str("port", g.port);
    m.uint("packets", g.packets, 0, 1000000000);
    if (auto dsts = m.list("destinations")) {
        for (std::size_t i = 0; i < dsts->size(); ++i) {
            if (auto a = read_addr(w, (*dsts)[i], item(m.path("destinations"), i))) {
                g.destinations.push_back(*a);
            }
        }
    }
    m.addr("source", g.source);
}

/// "127.0.0.1:9464" or "[::1]:9464": a numeric address and a port 1..65535.
bool listen_address_ok(std::string_view s) {
    const auto colon = s.rfind(':');
    if (colon == std::string_view::npos || colon == 0 || colon + 1 == s.size() || s.size() - colon - 1 > 5) {
        return false;
    }
    const std::string_view port = s.substr(colon + 1);
    if (!std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        return false;
    }
    const unsigned long p = std::stoul(std::string(port));
    if (p == 0 || p > 65535) {
        return false;
    }
    std::string host(s.substr(0, colon));
    unsigned char buf[16];
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
        return inet_pton(AF_INET6, host.substr(1, host.size() - 2).c_str(), buf) == 1;
    }
    return inet_pton(AF_INET, host.c_str(), buf) == 1;
}

void read_control(walker& w, const YAML::Node& n, control_cfg& c) {
    map_reader m(w, n, "control", {"socket", "metrics_listen"});
    std::string sock;
    if (m.str("socket", sock)) {
        // sockaddr_un.sun_path holds 108 bytes with the terminating NUL.
        if (!sock.empty() && (sock[0] != '/' || sock.size() > 107)) {
            m.fail("socket", "must be an absolute path of at most 107 bytes, or \"\" (no socket): " + quote(sock));
        } else {
            c.socket = sock;
        }
    }
    std::string listen;
    if (m.str("metrics_listen", listen)) {
        if (listen.empty() || listen_address_ok(listen)) {
            c.metrics_listen = listen;
        } else {
            m.fail("metrics_listen",
                   "not a numeric ADDR:PORT like \"127.0.0.1:9464\" or \"[::1]:9464\": " + quote(listen));
        }
    }
}

void read_log_level(map_reader& m, std::string_view key, std::string& out) {
    std::string level;
    if (!m.str(key, level)) {
        return;
    }
    if (std::find(std::begin(log_level_names), std::end(log_level_names), level) == std::end(log_level_names)) {
        m.fail(key, "unknown log level " + quote(level) +
                        " (emergency, alert, critical, error, warning, notice, info, debug)");
        return;
    }
    out = level;
}

void read_logging(walker& w, const YAML::Node& n, logging_cfg& l) {
    map_reader m(w, n, "logging", {"level", "types", "rate_per_s", "burst"});
    read_log_level(m, "level", l.level);
    if (const YAML::Node* t = m.section("types")) {
        map_reader tm(w, *t, m.path("types"), {"app", "send", "keys", "fmip", "cli", "config"});
        for (const char* name : log_type_names) {
            std::string level;
            read_log_level(tm, name, level);
            if (!level.empty()) {
                l.types.emplace_back(name, level);
            }
        }
    }
    m.uint("rate_per_s", l.rate_per_s, 0, 1000000);
    m.uint("burst", l.burst, 1, 1000000);
}

template <class T, class F>
void read_list_of(walker& w, map_reader& top, std::string_view key, bool required, std::vector<T>& out,
                  F read_one) {
    auto items = top.list(key, required);
    if (!items) {
        return;
    }
    for (std::size_t i = 0; i < items->size(); ++i) {
        T v{};
        read_one(w, (*items)[i], item(top.path(key), i), v);
        out.push_back(std::move(v));
    }
}

} // namespace

void read_document(walker& w, const YAML::Node& root, const std::string& base_dir, config& c) {
    map_reader top(w, root, "",
                   {"system", "ports", "routes", "neighbors", "neighbor_routers", "router", "handover_keys", "fmip",
                    "limits", "generator", "control", "logging"});
    if (!top.ok()) {
        return;
    }
    if (const YAML::Node* n = top.section("system")) {
        read_system(w, *n, c.system);
    }
    read_list_of(w, top, "ports", true, c.ports, read_port);
    if (top.has("ports") && c.ports.empty() && !w.is_bad("ports")) {
        top.fail("ports", "at least one port is required");
    }
    read_list_of(w, top, "routes", false, c.routes, read_route);
    read_list_of(w, top, "neighbors", false, c.neighbors, read_neighbor);
    read_list_of(w, top, "neighbor_routers", false, c.neighbor_routers,
                 [&base_dir](walker& wk, const YAML::Node& n, const std::string& path, neighbor_router& r) {
                     read_neighbor_router(wk, n, path, base_dir, r);
                 });
    if (const YAML::Node* n = top.section("router")) {
        c.router.emplace();
        read_router(w, *n, base_dir, *c.router);
    }
    if (const YAML::Node* n = top.section("handover_keys")) {
        read_handover_keys(w, *n, base_dir, c.handover_keys);
    }
    if (const YAML::Node* n = top.section("fmip")) {
        read_fmip(w, *n, c.fmip);
    }
    if (const YAML::Node* n = top.section("limits")) {
        read_limits(w, *n, c.limits);
    }
    if (const YAML::Node* n = top.section("generator")) {
        read_generator(w, *n, c.generator);
    }
    if (const YAML::Node* n = top.section("control")) {
        read_control(w, *n, c.control);
    }
    if (const YAML::Node* n = top.section("logging")) {
        read_logging(w, *n, c.logging);
    }
}

} // namespace mipgate::config::detail
