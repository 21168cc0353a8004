// Good configs: values land in the right struct fields, defaults fill the rest, relative file
// paths resolve against the config file's directory, the embedded default loads cleanly.
#include "mipgate/config/load.hpp"
#include "mipgate/config/sizing.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <unistd.h>

namespace {

using mipgate::ipv6_addr;
using mipgate::ipv6_prefix;
using mipgate::mac_addr;
using namespace mipgate::config;
using cfg_t = mipgate::config::config;

ipv6_addr A(const char* s) {
    return *ipv6_addr::parse(s);
}
ipv6_prefix P(const char* s) {
    return *ipv6_prefix::parse(s);
}
mac_addr M(const char* s) {
    return *mac_addr::parse(s);
}

std::string errors_of(const load_result& r) {
    std::string s;
    for (const auto& d : r.errors) {
        s += d.str() + "\n";
    }
    return s;
}

/// A scratch directory removed at the end of the test.
struct temp_dir {
    std::filesystem::path path;
    temp_dir() {
        char tmpl[] = "/tmp/mipgate-config-test-XXXXXX";
        path = ::mkdtemp(tmpl);
    }
    ~temp_dir() {
        std::error_code ec;
        std::filesystem::remove_all(path, ec);
    }
    void write(const std::string& rel, const std::string& text) const {
        std::filesystem::create_directories((path / rel).parent_path());
        std::ofstream(path / rel) << text;
    }
};

const char* full_yaml = R"(# every key set to a non-default value
system:
  lcores: "0,2-4"
  workers: 3
  memory_mb: 1024
  hugepages: yes
  file_prefix: mg-test
  eal_args: ["--log-level=lib.eal:debug", "--no-telemetry"]
  mbufs: 32767
  burst: 16
ports:
  - name: access
    kind: vdev
    devargs: "net_pcap0,rx_pcap=in.pcap,tx_pcap=out.pcap"
    mac: "02:AA:bb:cc:dd:01"
    addresses: ["2001:db8:1::1/64", "fe80::1/64"]
    mtu: 9000
    rx_desc: 2048
    tx_desc: 512
  - name: core
    kind: pci
    devargs: "0000:03:00.1,mprq_en=1"
    addresses:
      - 2001:db8:ff::1/64
routes:
  - prefix: "2001:db8:2::/48"
    via: "2001:db8:ff::2"
    port: core
  - prefix: "2001:db8:3::/48"
    port: access
neighbors:
  - address: "2001:db8:ff::2"
    mac: "02:00:00:00:ff:02"
    port: core
neighbor_routers:
  - ap_id: "02:AA:bb:cc:dd:ee"
    nar_mac: "02:00:00:00:0a:01"
    nar_address: "2001:db8:a::1"
    nar_prefix: "2001:db8:a::/64"
    ipsec_sa: par-nar-1
handover_keys:
  lifetime_s: 600
  algorithms: [hmac-sha1, hmac-sha256]
  capacity: 4096
  max_tunnel_lifetime_s: 30
limits:
  rsa_min_bits: 2048
  rsa_max_bits: 8192
  cga_max_sec: 1
  timestamp_delta_s: 120
  timestamp_fuzz_s: 2
  timestamp_drift_pct: 5
  max_cpa_rate: 20
  rtsolpr_rate_per_source: 4
  rtsolpr_rate_global: 5000
  slow_path_ring: 4096
  timestamp_cache: 2048
generator:
  enabled: false
  packets: 10
  destinations: ["2001:db8:2::10"]
  source: "2001:db8:1::100"
)";

TEST(load_good, full_config_round_trips) {
    auto r = load_string(full_yaml, "full.yaml");
    ASSERT_TRUE(r.cfg) << errors_of(r);
    EXPECT_TRUE(r.warnings.empty());
    const cfg_t& c = *r.cfg;
    EXPECT_EQ(c.source, "full.yaml");

    EXPECT_EQ(c.system.lcores, "0,2-4");
    EXPECT_EQ(c.system.workers, 3u);
    EXPECT_EQ(c.system.memory_mb, 1024u);
    EXPECT_TRUE(c.system.hugepages);
    EXPECT_EQ(c.system.file_prefix, "mg-test");
    EXPECT_EQ(c.system.eal_args, (std::vector<std::string>{"--log-level=lib.eal:debug", "--no-telemetry"}));
    EXPECT_EQ(c.system.mbufs, 32767u);
    EXPECT_EQ(c.system.burst, 16u);

    ASSERT_EQ(c.ports.size(), 2u);
    EXPECT_EQ(c.ports[0].name, "access");
    EXPECT_EQ(c.ports[0].kind, port_kind::vdev);
    EXPECT_EQ(c.ports[0].devargs, "net_pcap0,rx_pcap=in.pcap,tx_pcap=out.pcap");
    ASSERT_TRUE(c.ports[0].mac);
    EXPECT_EQ(*c.ports[0].mac, M("02:aa:bb:cc:dd:01"));
    EXPECT_EQ(c.ports[0].addresses, (std::vector<ipv6_prefix>{P("2001:db8:1::1/64"), P("fe80::1/64")}));
    EXPECT_EQ(c.ports[0].mtu, 9000);
    EXPECT_EQ(c.ports[0].rx_desc, 2048);
    EXPECT_EQ(c.ports[0].tx_desc, 512);
    EXPECT_EQ(c.ports[1].kind, port_kind::pci);
    EXPECT_EQ(c.ports[1].devargs, "0000:03:00.1,mprq_en=1");
    EXPECT_FALSE(c.ports[1].mac);
    EXPECT_EQ(c.ports[1].addresses, (std::vector<ipv6_prefix>{P("2001:db8:ff::1/64")}));
    EXPECT_EQ(c.port_index("core"), 1);
    EXPECT_EQ(c.port_index("nope"), -1);

    ASSERT_EQ(c.routes.size(), 2u);
    EXPECT_EQ(c.routes[0].prefix, P("2001:db8:2::/48"));
    ASSERT_TRUE(c.routes[0].via);
    EXPECT_EQ(*c.routes[0].via, A("2001:db8:ff::2"));
    EXPECT_EQ(c.routes[0].port, "core");
    EXPECT_FALSE(c.routes[1].via);
    EXPECT_EQ(c.routes[1].port, "access");

    ASSERT_EQ(c.neighbors.size(), 1u);
    EXPECT_EQ(c.neighbors[0].address, A("2001:db8:ff::2"));
    EXPECT_EQ(c.neighbors[0].mac, M("02:00:00:00:ff:02"));
    EXPECT_EQ(c.neighbors[0].port, "core");

    ASSERT_EQ(c.neighbor_routers.size(), 1u);
    EXPECT_EQ(c.neighbor_routers[0].ap_id, "02:aa:bb:cc:dd:ee");
    EXPECT_EQ(c.neighbor_routers[0].nar_mac, M("02:00:00:00:0a:01"));
    EXPECT_EQ(c.neighbor_routers[0].nar_address, A("2001:db8:a::1"));
    EXPECT_EQ(c.neighbor_routers[0].nar_prefix, P("2001:db8:a::/64"));
    EXPECT_EQ(c.neighbor_routers[0].ipsec_sa, "par-nar-1");

    EXPECT_FALSE(c.router);

    EXPECT_EQ(c.handover_keys.lifetime_s, 600u);
    EXPECT_EQ(c.handover_keys.algorithms, (std::vector<unsigned>{0, 1}));
    EXPECT_EQ(c.handover_keys.capacity, 4096u);
    EXPECT_EQ(c.handover_keys.max_tunnel_lifetime_s, 30u);

    EXPECT_EQ(c.limits.rsa_min_bits, 2048u);
    EXPECT_EQ(c.limits.rsa_max_bits, 8192u);
    EXPECT_EQ(c.limits.cga_max_sec, 1u);
    EXPECT_EQ(c.limits.timestamp_delta_s, 120u);
    EXPECT_EQ(c.limits.timestamp_fuzz_s, 2u);
    EXPECT_EQ(c.limits.timestamp_drift_pct, 5u);
    EXPECT_EQ(c.limits.max_cpa_rate, 20u);
    EXPECT_EQ(c.limits.rtsolpr_rate_per_source, 4u);
    EXPECT_EQ(c.limits.rtsolpr_rate_global, 5000u);
    EXPECT_EQ(c.limits.slow_path_ring, 4096u);
    EXPECT_EQ(c.limits.timestamp_cache, 2048u);

    EXPECT_FALSE(c.generator.enabled);
    EXPECT_EQ(c.generator.packets, 10u);
    EXPECT_EQ(c.generator.destinations, (std::vector<ipv6_addr>{A("2001:db8:2::10")}));
    EXPECT_EQ(c.generator.source, A("2001:db8:1::100"));
}

TEST(load_good, defaults_fill_absent_keys) {
    auto r = load_string("ports:\n  - name: only\n", "min.yaml");
    ASSERT_TRUE(r.cfg) << errors_of(r);
    const cfg_t& c = *r.cfg;
    const cfg_t d{};
    EXPECT_EQ(c.system.lcores, "0-1");
    EXPECT_EQ(c.system.workers, 1u);
    EXPECT_EQ(c.system.memory_mb, 256u);
    EXPECT_FALSE(c.system.hugepages);
    EXPECT_EQ(c.system.file_prefix, "");
    EXPECT_TRUE(c.system.eal_args.empty());
    EXPECT_EQ(c.system.mbufs, 8191u);
    EXPECT_EQ(c.system.burst, 32u);
    EXPECT_EQ(c.system.signer_threads, 1u);
    EXPECT_EQ(c.system.signer_cpus, "");
    ASSERT_EQ(c.ports.size(), 1u);
    EXPECT_EQ(c.ports[0].kind, port_kind::ring);
    EXPECT_EQ(c.ports[0].devargs, "");
    EXPECT_FALSE(c.ports[0].mac);
    EXPECT_TRUE(c.ports[0].addresses.empty());
    EXPECT_EQ(c.ports[0].mtu, 1500);
    EXPECT_EQ(c.ports[0].rx_desc, 1024);
    EXPECT_EQ(c.ports[0].tx_desc, 1024);
    EXPECT_TRUE(c.routes.empty());
    EXPECT_TRUE(c.neighbors.empty());
    EXPECT_TRUE(c.neighbor_routers.empty());
    EXPECT_FALSE(c.router);
    EXPECT_EQ(c.handover_keys.lifetime_s, 43200u);
    EXPECT_EQ(c.handover_keys.algorithms, (std::vector<unsigned>{1, 0}));
    EXPECT_EQ(c.handover_keys.capacity, 1u << 20);
    EXPECT_EQ(c.handover_keys.max_tunnel_lifetime_s, 60u);
    EXPECT_EQ(c.limits.rsa_min_bits, d.limits.rsa_min_bits);
    EXPECT_EQ(c.limits.rsa_max_bits, 4096u);
    EXPECT_EQ(c.limits.cga_max_sec, 2u);
    EXPECT_EQ(c.limits.timestamp_delta_s, 300u);
    EXPECT_EQ(c.limits.timestamp_fuzz_s, 1u);
    EXPECT_EQ(c.limits.timestamp_drift_pct, 1u);
    EXPECT_EQ(c.limits.max_cpa_rate, 10u);
    EXPECT_EQ(c.limits.slow_path_ring, 1024u);
    EXPECT_FALSE(c.generator.enabled);
}

TEST(load_good, fmip_section_and_neighbor_ipsec) {
    auto d = load_string("ports:\n  - name: a\n", "f0.yaml");
    ASSERT_TRUE(d.cfg) << errors_of(d);
    EXPECT_TRUE(d.cfg->fmip.par);
    EXPECT_TRUE(d.cfg->fmip.nar);
    EXPECT_EQ(d.cfg->fmip.hi_retries, 3u);
    EXPECT_EQ(d.cfg->fmip.hi_timeout_ms, 200u);
    EXPECT_EQ(d.cfg->fmip.proxy_nd_lifetime_ms, 1500u);
    EXPECT_EQ(d.cfg->fmip.bindings, 65536u);

    auto r = load_string(R"(ports:
  - name: a
fmip:
  roles: [nar]
  hi_retries: 0
  hi_timeout_ms: 50
  proxy_nd_lifetime_ms: 3000
  bindings: 1024
neighbor_routers:
  - ap_id: "02:00:00:00:00:02"
    nar_mac: "02:00:00:00:00:22"
    nar_address: "2001:db8:2::1"
    nar_prefix: "2001:db8:2::/64"
    ipsec:
      spi_out: 0x1001
      spi_in: 4098
      auth: hmac-sha1
      key_file: /etc/passwd
  - ap_id: "02:00:00:00:00:03"
    nar_mac: "02:00:00:00:00:33"
    nar_address: "2001:db8:3::1"
    nar_prefix: "2001:db8:3::/64"
)",
                         "f1.yaml");
    ASSERT_TRUE(r.cfg) << errors_of(r);
    const auto& f = r.cfg->fmip;
    EXPECT_FALSE(f.par);
    EXPECT_TRUE(f.nar);
    EXPECT_EQ(f.hi_retries, 0u);
    EXPECT_EQ(f.hi_timeout_ms, 50u);
    EXPECT_EQ(f.proxy_nd_lifetime_ms, 3000u);
    EXPECT_EQ(f.bindings, 1024u);
    ASSERT_EQ(r.cfg->neighbor_routers.size(), 2u);
    ASSERT_TRUE(r.cfg->neighbor_routers[0].ipsec);
    EXPECT_EQ(r.cfg->neighbor_routers[0].ipsec->spi_out, 0x1001u);
    EXPECT_EQ(r.cfg->neighbor_routers[0].ipsec->spi_in, 4098u);
    EXPECT_EQ(r.cfg->neighbor_routers[0].ipsec->auth, "hmac-sha1");
    EXPECT_EQ(r.cfg->neighbor_routers[0].ipsec->key_file, "/etc/passwd");
    EXPECT_FALSE(r.cfg->neighbor_routers[1].ipsec);

    auto none = load_string("ports:\n  - name: a\nfmip:\n  roles: []\n", "f2.yaml");
    ASSERT_TRUE(none.cfg) << errors_of(none);
    EXPECT_FALSE(none.cfg->fmip.par);
    EXPECT_FALSE(none.cfg->fmip.nar);
}

TEST(load_good, null_values_mean_default) {
    auto r = load_string("system:\n  workers:\n  eal_args:\nports:\n  - name: a\n    mac: ~\nrouter:\n", "n.yaml");
    ASSERT_TRUE(r.cfg) << errors_of(r);
    EXPECT_EQ(r.cfg->system.workers, 1u);
    EXPECT_FALSE(r.cfg->ports[0].mac);
    EXPECT_FALSE(r.cfg->router);
}

// One lcore runs the worker loop and the control duties interleaved (docs/architecture.md).
TEST(load_good, single_lcore_runs_one_worker) {
    auto r = load_string("system:\n  lcores: \"0\"\n  workers: 1\n  signer_threads: 0\nports: [{name: a}]\n",
                         "one.yaml");
    ASSERT_TRUE(r.cfg) << errors_of(r);
    EXPECT_EQ(r.cfg->system.lcores, "0");
    EXPECT_EQ(r.cfg->system.signer_threads, 0u);
}

// system.signer_cpus: kept as written (app/main.cpp turns it into the signer threads' affinity);
// empty means the default placement.
TEST(load_good, signer_cpus_lists) {
    for (const char* list : {"1", "0-1", "0,2-3", "1023", ""}) {
        auto r = load_string(std::string("system:\n  signer_cpus: \"") + list + "\"\nports: [{name: a}]\n",
                             "cpus.yaml");
        ASSERT_TRUE(r.cfg) << list << ": " << errors_of(r);
        EXPECT_EQ(r.cfg->system.signer_cpus, list);
    }
    auto r = load_string("system:\n  signer_cpus: 1\nports: [{name: a}]\n", "cpus.yaml"); // a plain YAML int
    ASSERT_TRUE(r.cfg) << errors_of(r);
    EXPECT_EQ(r.cfg->system.signer_cpus, "1");
    auto ids = mipgate::config::parse_cpu_list("0,2-3");
    ASSERT_TRUE(ids);
    EXPECT_EQ(*ids, (std::vector<unsigned>{0, 2, 3}));
    EXPECT_FALSE(mipgate::config::parse_cpu_list(""));
    EXPECT_FALSE(mipgate::config::parse_cpu_list("0,,1"));
    EXPECT_FALSE(mipgate::config::parse_cpu_list("0 -1"));
    EXPECT_TRUE(mipgate::config::parse_lcore_list("127"));
    EXPECT_FALSE(mipgate::config::parse_lcore_list("128")); // lcores keep their own, lower bound
}

TEST(load_good, algorithm_order_is_preference_order) {
    auto r = load_string("ports: [{name: a}]\nhandover_keys:\n  algorithms: [hmac-sha256]\n", "a.yaml");
    ASSERT_TRUE(r.cfg) << errors_of(r);
    EXPECT_EQ(r.cfg->handover_keys.algorithms, (std::vector<unsigned>{1}));
}

TEST(load_good, relative_router_files_resolve_against_config_dir) {
    temp_dir t;
    t.write("etc/keys/router.key", "key");
    t.write("etc/certs/router.pem", "cert");
    t.write("etc/certs/ca.pem", "ca");
    t.write("ta/anchor.pem", "ta");
    t.write("etc/mipgate.yaml", R"(ports:
  - name: a
router:
  key_file: keys/router.key
  cert_chain: [certs/router.pem, ./certs/../certs/ca.pem]
  trust_anchors: [../ta/anchor.pem]
  cga_sec: 2
  cga_params_file: state/cga.params
)");
    std::string dir = t.path.string();
    auto r = load_file(dir + "/etc/mipgate.yaml");
    ASSERT_TRUE(r.cfg) << errors_of(r);
    ASSERT_TRUE(r.cfg->router);
    const router_identity& id = *r.cfg->router;
    EXPECT_EQ(id.key_file, dir + "/etc/keys/router.key");
    EXPECT_EQ(id.cert_chain, (std::vector<std::string>{dir + "/etc/certs/router.pem", dir + "/etc/certs/ca.pem"}));
    EXPECT_EQ(id.trust_anchors, (std::vector<std::string>{dir + "/ta/anchor.pem"}));
    EXPECT_EQ(id.cga_sec, 2u);
    // Written on first start when missing: resolved, not required to exist.
    EXPECT_EQ(id.cga_params_file, dir + "/etc/state/cga.params");
}

TEST(load_good, relative_config_name_resolves_against_working_directory) {
    temp_dir t;
    t.write("sub/k.pem", "key");
    char* old = ::getcwd(nullptr, 0);
    ASSERT_EQ(::chdir(t.path.c_str()), 0);
    auto r = load_string("ports: [{name: a}]\nrouter:\n  key_file: k.pem\n  cert_chain: [k.pem]\n", "sub/m.yaml");
    ASSERT_EQ(::chdir(old), 0);
    std::free(old);
    ASSERT_TRUE(r.cfg) << errors_of(r);
    std::string canonical = std::filesystem::canonical(t.path).string();
    EXPECT_EQ(r.cfg->router->key_file, canonical + "/sub/k.pem");
}

TEST(load_good, missing_relative_file_names_the_resolved_path) {
    temp_dir t;
    t.write("c.yaml", "ports: [{name: a}]\nrouter:\n  key_file: nokey.pem\n  cert_chain: [nokey.pem]\n");
    auto r = load_file((t.path / "c.yaml").string());
    ASSERT_EQ(r.errors.size(), 2u);
    std::string f = (t.path / "c.yaml").string();
    std::string k = (t.path / "nokey.pem").string();
    EXPECT_EQ(r.errors[0].str(), f + ":3:13: router.key_file: cannot read \"" + k + "\": No such file or directory");
    EXPECT_EQ(r.errors[1].str(),
              f + ":4:16: router.cert_chain[0]: cannot read \"" + k + "\": No such file or directory");
}

TEST(load_good, embedded_default_loads_cleanly) {
    auto r = load_string(embedded_default(), "<embedded>");
    ASSERT_TRUE(r.cfg) << errors_of(r);
    EXPECT_TRUE(r.warnings.empty());
    const cfg_t& c = *r.cfg;
    EXPECT_EQ(c.source, "<embedded>");
    EXPECT_EQ(c.system.lcores, "0-1");
    EXPECT_EQ(c.system.workers, 1u);
    EXPECT_FALSE(c.system.hugepages);
    ASSERT_EQ(c.ports.size(), 2u);
    EXPECT_EQ(c.ports[0].name, "access");
    EXPECT_EQ(c.ports[0].kind, port_kind::ring);
    EXPECT_EQ(c.ports[0].addresses, (std::vector<ipv6_prefix>{P("2001:db8:1::1/64"), P("fe80::1/64")}));
    EXPECT_EQ(c.ports[1].name, "core");
    EXPECT_EQ(c.ports[1].kind, port_kind::ring);
    EXPECT_EQ(c.ports[1].addresses, (std::vector<ipv6_prefix>{P("2001:db8:ff::1/64")}));
    ASSERT_EQ(c.routes.size(), 1u);
    EXPECT_EQ(c.routes[0].prefix, P("2001:db8:2::/48"));
    EXPECT_EQ(c.routes[0].via, A("2001:db8:ff::2"));
    EXPECT_EQ(c.routes[0].port, "core");
    bool mn_on_access = false;
    for (const auto& n : c.neighbors) {
        mn_on_access |= n.address == A("2001:db8:1::100") && n.port == "access";
    }
    EXPECT_TRUE(mn_on_access);
    EXPECT_FALSE(c.router);
    EXPECT_TRUE(c.generator.enabled);
    EXPECT_EQ(c.generator.port, "access");
    EXPECT_GE(c.generator.packets, 1000u);
    std::vector<ipv6_addr> want = {A("2001:db8:2::10"), A("2001:db8:2::20"), A("2001:db8:1::100")};
    ASSERT_EQ(c.generator.destinations.size(), 4u);
    for (std::size_t i = 0; i < want.size(); ++i) {
        EXPECT_EQ(c.generator.destinations[i], want[i]);
    }
    // The fourth destination is covered by no route and no connected prefix.
    const ipv6_addr& unrouted = c.generator.destinations[3];
    for (const auto& rt : c.routes) {
        EXPECT_FALSE(rt.prefix.contains(unrouted));
    }
    for (const auto& p : c.ports) {
        for (const auto& a : p.addresses) {
            EXPECT_FALSE(a.contains(unrouted));
        }
    }
    EXPECT_EQ(c.handover_keys.algorithms, (std::vector<unsigned>{1, 0}));
}

TEST(load_good, diagnostic_renders_file_line_col_key_reason) {
    diagnostic d{"f.yaml", 4, 11, "ports[0].addresses[0]", "not an IPv6 prefix: \"x\""};
    EXPECT_EQ(d.str(), "f.yaml:4:11: ports[0].addresses[0]: not an IPv6 prefix: \"x\"");
}

TEST(load_robust, hostile_inputs_become_diagnostics) {
    std::string deep(100000, '[');
    std::string wide = "ports:\n";
    for (int i = 0; i < 2000; ++i) {
        wide += "  - {name: p" + std::to_string(i) + "}\n";
    }
    const std::string inputs[] = {
        deep,
        std::string("\0\xff\xfe\x01", 4),
        "ports: &x [*x]\n",
        "ports: !!binary aGVsbG8=\n",
        "? [a, b]\n: c\n",
        "ports:\n  - name: a\n    addresses: {x: y}\n",
        "system: {workers: 99999999999999999999999999}\nports: [{name: a}]\n",
        "ports: [{name: a, rx_desc: 16384, tx_desc: 16384}]\nsystem: {mbufs: 1024}\n",
        wide,
    };
    for (const auto& in : inputs) {
        load_result r;
        EXPECT_NO_THROW(r = load_string(in, "h.yaml"));
        EXPECT_FALSE(r.errors.empty() && !r.cfg);
    }
}

TEST(sizing, lcore_lists) {
    EXPECT_EQ(parse_lcore_list("0-1"), (std::vector<unsigned>{0, 1}));
    EXPECT_EQ(parse_lcore_list("0,2,4"), (std::vector<unsigned>{0, 2, 4}));
    EXPECT_EQ(parse_lcore_list("4,0-2"), (std::vector<unsigned>{0, 1, 2, 4}));
    EXPECT_EQ(parse_lcore_list("7"), (std::vector<unsigned>{7}));
    EXPECT_EQ(parse_lcore_list("127"), (std::vector<unsigned>{127}));
    for (const char* bad : {"", "128", "1-0", "0,", ",0", "0-", "0 - 1", "a", "0,0", "0-2,1", "0--1", "-1"}) {
        EXPECT_FALSE(parse_lcore_list(bad)) << bad;
    }
}

TEST(sizing, mbufs_needed_counts_descriptors_caches_and_ring) {
    cfg_t c;
    c.ports.resize(2);
    c.ports[1].rx_desc = 4096;
    c.system.workers = 3;
    c.system.burst = 32;
    c.limits.slow_path_ring = 2048;
    EXPECT_EQ(mbufs_needed(c), 1024u + 1024 + 4096 + 1024 + 4 * (256 + 32) + 2048);
}

} // namespace

namespace {

// docs/configuration.md quotes the embedded default in full; keep the two from drifting apart.
TEST(load_docs, configuration_md_quotes_the_embedded_default) {
    const char* path = std::getenv("MIPGATE_CONFIGURATION_MD");
    if (path == nullptr) {
        GTEST_SKIP() << "MIPGATE_CONFIGURATION_MD not set";
    }
    std::ifstream f(path);
    ASSERT_TRUE(f) << path;
    std::string doc((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    EXPECT_NE(doc.find("```yaml\n" + std::string(embedded_default()) + "```"), std::string::npos)
        << "the embedded default in " << path << " differs from lib/config/src/default_config.cpp";
}

} // namespace
