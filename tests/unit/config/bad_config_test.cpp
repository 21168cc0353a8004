// Refusals: each bad config must produce exactly the listed diagnostics, in document order.
// Line/column values are counted by hand from the YAML text (1-based).
#include "mipgate/config/load.hpp"

#include <gtest/gtest.h>

#include <ostream>
#include <string>
#include <vector>

namespace {

using mipgate::config::load_string;

struct bad_case {
    const char* name;
    const char* yaml;
    std::vector<std::string> expected;
};

std::vector<std::string> rendered(const mipgate::config::load_result& r) {
    std::vector<std::string> out;
    for (const auto& d : r.errors) {
        out.push_back(d.str());
    }
    return out;
}

// A minimal good prefix many cases build on: one ring port "a".
const bad_case cases[] = {
    {"prefix_too_long", R"(ports:
  - name: a
    addresses:
      - "2001:db8::1/129"
)",
     {R"(bad.yaml:4:9: ports[0].addresses[0]: not an IPv6 prefix: "2001:db8::1/129")"}},
    {"prefix_without_length", R"(ports:
  - name: a
    addresses: ["2001:db8::1"]
)",
     {R"(bad.yaml:3:17: ports[0].addresses[0]: not an IPv6 prefix: "2001:db8::1")"}},
    {"multicast_interface_address", R"(ports:
  - name: a
    addresses: ["ff02::1/64"]
)",
     {R"(bad.yaml:3:17: ports[0].addresses[0]: not a unicast address: "ff02::1/64")"}},
    {"unknown_top_level_key_close", R"(portz: []
ports:
  - name: a
)",
     {R"(bad.yaml:1:1: portz: unknown key; did you mean "ports"?)"}},
    {"unknown_system_key_close", R"(system:
  wrokers: 1
ports:
  - name: a
)",
     {R"(bad.yaml:2:3: system.wrokers: unknown key; did you mean "workers"?)"}},
    {"unknown_system_key_far", R"(system:
  colour: red
ports:
  - name: a
)",
     {"bad.yaml:2:3: system.colour: unknown key; expected one of: lcores, workers, memory_mb, hugepages, "
      "file_prefix, eal_args, mbufs, burst, signer_threads, signer_cpus"}},
    {"unknown_port_key", R"(ports:
  - name: a
    speed: 10G
)",
     {"bad.yaml:3:5: ports[0].speed: unknown key; expected one of: name, kind, devargs, mac, addresses, "
      "mtu, rx_desc, tx_desc"}},
    {"section_wrong_type", R"(system: [1]
ports:
  - name: a
)",
     {"bad.yaml:1:9: system: expected a mapping, got a list"}},
    {"ports_wrong_type", "ports: a\n", {R"(bad.yaml:1:8: ports: expected a list, got a string "a")"}},
    {"workers_not_a_number", R"(system:
  workers: two
ports:
  - name: a
)",
     {R"(bad.yaml:2:12: system.workers: expected an integer in 1..127, got "two")"}},
    {"workers_negative", R"(system:
  workers: -1
ports:
  - name: a
)",
     {"bad.yaml:2:12: system.workers: -1 is out of range 1..127"}},
    {"burst_out_of_range", R"(system:
  burst: 65
ports:
  - name: a
)",
     {"bad.yaml:2:10: system.burst: 65 is out of range 1..64"}},
    {"workers_exceed_lcores", R"(system:
  lcores: "0,2,4"
  workers: 3
ports:
  - name: a
)",
     {R"(bad.yaml:3:12: system.workers: 3 workers need 4 lcores (1 control + 3), system.lcores "0,2,4" has 3)"}},
    {"two_workers_on_one_lcore", R"(system:
  lcores: "3"
  workers: 2
ports:
  - name: a
)",
     {R"(bad.yaml:3:12: system.workers: 2 workers need 3 lcores (1 control + 2), system.lcores "3" has 1)"}},
    {"signer_threads_out_of_range", R"(system:
  signer_threads: 65
ports:
  - name: a
)",
     {"bad.yaml:2:19: system.signer_threads: 65 is out of range 0..64"}},
    {"bad_signer_cpu_list", R"(system:
  signer_cpus: 0-x
ports:
  - name: a
)",
     {R"(bad.yaml:2:16: system.signer_cpus: not a CPU list like "1" or "0-1" (ids 0..1023, no repeats): "0-x")"}},
    {"signer_cpu_range_backwards", R"(system:
  signer_cpus: "2-1"
ports:
  - name: a
)",
     {R"(bad.yaml:2:16: system.signer_cpus: not a CPU list like "1" or "0-1" (ids 0..1023, no repeats): "2-1")"}},
    {"signer_cpu_repeated", R"(system:
  signer_cpus: "0-1,1"
ports:
  - name: a
)",
     {R"(bad.yaml:2:16: system.signer_cpus: not a CPU list like "1" or "0-1" (ids 0..1023, no repeats): "0-1,1")"}},
    {"signer_cpu_too_high", R"(system:
  signer_cpus: 1024
ports:
  - name: a
)",
     {R"(bad.yaml:2:16: system.signer_cpus: not a CPU list like "1" or "0-1" (ids 0..1023, no repeats): "1024")"}},
    {"signer_cpus_not_a_string", R"(system:
  signer_cpus: [0, 1]
ports:
  - name: a
)",
     {R"(bad.yaml:2:16: system.signer_cpus: expected a string, got a list)"}},
    {"bad_lcore_list", R"(system:
  lcores: 0-x
ports:
  - name: a
)",
     {R"(bad.yaml:2:11: system.lcores: not an lcore list like "0-3" or "0,2,4" (ids 0..127, no repeats): "0-x")"}},
    {"mbufs_too_small", R"(system:
  mbufs: 2048
ports:
  - name: a
)",
     // 1024 + 1024 descriptors + 2 x (256 + 32) + 1024 = 3648
     {"bad.yaml:2:10: system.mbufs: 2048 is too small: need at least 3648 (port descriptors 2048 + 2 lcores x "
      "(cache 256 + burst 32) + slow_path_ring 1024)"}},
    {"hugepages_not_bool", R"(system:
  hugepages: maybe
ports:
  - name: a
)",
     {R"(bad.yaml:2:14: system.hugepages: expected true or false, got "maybe")"}},
    {"slow_path_ring_not_power_of_two", R"(ports:
  - name: a
limits:
  slow_path_ring: 1000
)",
     {"bad.yaml:4:19: limits.slow_path_ring: 1000 is not a power of two in 64..1048576"}},
    {"rsa_min_above_max", R"(ports:
  - name: a
limits:
  rsa_min_bits: 4096
  rsa_max_bits: 2048
)",
     {"bad.yaml:4:17: limits.rsa_min_bits: 4096 is greater than limits.rsa_max_bits (2048)"}},
    {"rsa_max_out_of_range", R"(ports:
  - name: a
limits:
  rsa_max_bits: 16384
)",
     {"bad.yaml:4:17: limits.rsa_max_bits: 16384 is out of range 512..8192"}},
    {"router_files_missing_and_cga_sec", R"(ports:
  - name: a
router:
  key_file: /nonexistent/key.pem
  cert_chain: [/nonexistent/cert.pem]
  cga_sec: 3
)",
     {R"(bad.yaml:4:13: router.key_file: cannot read "/nonexistent/key.pem": No such file or directory)",
      R"(bad.yaml:5:16: router.cert_chain[0]: cannot read "/nonexistent/cert.pem": No such file or directory)",
      "bad.yaml:6:12: router.cga_sec: 3 is out of range 0..2"}},
    {"router_ra_intervals", R"(ports:
  - name: a
router:
  key_file: /nonexistent/key.pem
  cert_chain: [/nonexistent/cert.pem]
  ra_interval_min_s: 30
  ra_interval_max_s: 20
  rotation_grace_s: 99999999
)",
     {R"(bad.yaml:4:13: router.key_file: cannot read "/nonexistent/key.pem": No such file or directory)",
      R"(bad.yaml:5:16: router.cert_chain[0]: cannot read "/nonexistent/cert.pem": No such file or directory)",
      "bad.yaml:6:22: router.ra_interval_min_s: 30 is greater than router.ra_interval_max_s (20)",
      "bad.yaml:8:21: router.rotation_grace_s: 99999999 is out of range 0..2678400"}},
    {"preload_file_missing", R"(ports:
  - name: a
handover_keys:
  preload_file: /nonexistent/keys.txt
)",
     {R"(bad.yaml:4:17: handover_keys.preload_file: cannot read "/nonexistent/keys.txt": No such file or directory)"}},
    {"router_without_key", R"(ports:
  - name: a
router:
  cga_sec: 1
)",
     {"bad.yaml:4:3: router.key_file: missing required key", "bad.yaml:4:3: router.cert_chain: missing required key"}},
    {"lifetime_zero", R"(ports:
  - name: a
handover_keys:
  lifetime_s: 0
)",
     {"bad.yaml:4:15: handover_keys.lifetime_s: 0 is out of range 1..65535"}},
    {"lifetime_too_long", R"(ports:
  - name: a
handover_keys:
  lifetime_s: 65536
)",
     {"bad.yaml:4:15: handover_keys.lifetime_s: 65536 is out of range 1..65535"}},
    {"unknown_algorithm", R"(ports:
  - name: a
handover_keys:
  algorithms: [hmac-sha256, hmac-md5]
)",
     {R"(bad.yaml:4:29: handover_keys.algorithms[1]: unknown algorithm "hmac-md5" (known: hmac-sha256, hmac-sha1))"}},
    {"empty_algorithms", R"(ports:
  - name: a
handover_keys:
  algorithms: []
)",
     {"bad.yaml:4:15: handover_keys.algorithms: at least one algorithm is required (hmac-sha256, hmac-sha1)"}},
    {"duplicate_port_name", R"(ports:
  - name: a
  - name: a
)",
     {R"(bad.yaml:3:11: ports[1].name: duplicate port name "a" (first at ports[0]))"}},
    {"route_unknown_port", R"(ports:
  - name: a
routes:
  - prefix: "2001:db8::/32"
    port: b
)",
     {R"(bad.yaml:5:11: routes[0].port: unknown port "b")"}},
    {"route_via_not_a_neighbor", R"(ports:
  - name: a
  - name: b
neighbors:
  - address: "2001:db8:ff::2"
    mac: "02:00:00:00:00:02"
    port: b
routes:
  - prefix: "2001:db8:2::/48"
    via: "2001:db8:ff::2"
    port: a
)",
     {R"(bad.yaml:10:10: routes[0].via: 2001:db8:ff::2 is not a configured neighbor on port "a" (add it under neighbors))"}},
    {"route_host_bits", R"(ports:
  - name: a
routes:
  - prefix: 2001:db8:2::1/48
    port: a
)",
     {R"(bad.yaml:4:13: routes[0].prefix: host bits set in "2001:db8:2::1/48" (did you mean 2001:db8:2::/48?))"}},
    {"neighbor_unknown_port", R"(ports:
  - name: a
neighbors:
  - address: "2001:db8::2"
    mac: "02:00:00:00:00:02"
    port: core
)",
     {R"(bad.yaml:6:11: neighbors[0].port: unknown port "core")"}},
    {"short_mac", R"(ports:
  - name: a
    mac: 02:00:00:00:00
)",
     {R"(bad.yaml:3:10: ports[0].mac: not a MAC address: "02:00:00:00:00")"}},
    {"multicast_mac", R"(ports:
  - name: a
    mac: "01:00:5e:00:00:01"
)",
     {R"(bad.yaml:3:10: ports[0].mac: not a unicast MAC address: "01:00:5e:00:00:01")"}},
    {"bad_neighbor_address", R"(ports:
  - name: a
neighbors:
  - address: "2001:db8::g"
    mac: "02:00:00:00:00:02"
    port: a
)",
     {R"(bad.yaml:4:14: neighbors[0].address: not an IPv6 address: "2001:db8::g")"}},
    {"generator_on_vdev_port", R"(ports:
  - name: a
    kind: vdev
    devargs: net_null0
generator:
  port: a
)",
     {R"(bad.yaml:6:9: generator.port: port "a" is a vdev port; the generator needs a ring port)"}},
    {"generator_enabled_incomplete", R"(ports:
  - name: a
generator:
  enabled: true
  port: a
)",
     {"bad.yaml:4:3: generator.packets: must be at least 1 when generator.enabled is true",
      "bad.yaml:4:3: generator.destinations: at least one destination is required when generator.enabled is true",
      "bad.yaml:4:3: generator.source: required when generator.enabled is true"}},
    {"bad_kind", R"(ports:
  - name: a
    kind: nic
)",
     {R"(bad.yaml:3:11: ports[0].kind: expected one of ring, vdev, pci, got "nic")"}},
    {"vdev_without_devargs", R"(ports:
  - name: a
    kind: vdev
)",
     {"bad.yaml:2:5: ports[0].devargs: missing required key"}},
    {"pci_bad_address", R"(ports:
  - name: a
    kind: pci
    devargs: "0000:03:00"
)",
     {R"(bad.yaml:4:14: ports[0].devargs: not a PCI address like "0000:03:00.0": "0000:03:00")"}},
    {"ring_with_devargs", R"(ports:
  - name: a
    devargs: net_ring0
)",
     {"bad.yaml:3:14: ports[0].devargs: ring ports take no devargs (set kind: vdev or pci)"}},
    {"two_ports_same_device", R"(ports:
  - name: a
    kind: vdev
    devargs: net_pcap0,rx_pcap=a.pcap
  - name: b
    kind: vdev
    devargs: net_pcap0,rx_pcap=b.pcap
)",
     {R"(bad.yaml:7:14: ports[1].devargs: device "net_pcap0" is already used by ports[0])"}},
    {"rx_desc_not_power_of_two", R"(ports:
  - name: a
    rx_desc: 1000
)",
     {"bad.yaml:3:14: ports[0].rx_desc: 1000 is not a power of two in 64..16384"}},
    {"mtu_below_ipv6_minimum", R"(ports:
  - name: a
    mtu: 1000
)",
     {"bad.yaml:3:10: ports[0].mtu: 1000 is out of range 1280..9600"}},
    {"missing_port_name", R"(ports:
  - kind: ring
)",
     {"bad.yaml:2:5: ports[0].name: missing required key"}},
    {"empty_port_name_value", R"(ports:
  - name:
)",
     {"bad.yaml:2:5: ports[0].name: missing value"}},
    {"duplicate_key", R"(ports:
  - name: a
    name: b
)",
     {"bad.yaml:3:5: ports[0].name: duplicate key (first on line 2)"}},
    {"missing_ports", R"(system:
  workers: 1
)",
     {"bad.yaml:1:1: ports: missing required key"}},
    {"empty_ports", "ports: []\n", {"bad.yaml:1:8: ports: at least one port is required"}},
    {"bad_ap_id", R"(ports:
  - name: a
neighbor_routers:
  - ap_id: "zz:01"
    nar_mac: "02:00:00:00:00:09"
    nar_address: "2001:db8:9::1"
    nar_prefix: "2001:db8:9::/64"
)",
     {R"(bad.yaml:4:12: neighbor_routers[0].ap_id: not a link-layer id of 1..32 hex bytes like "02:aa:bb:cc:dd:01": "zz:01")"}},
    {"fmip_unknown_role", R"(ports:
  - name: a
fmip:
  roles: [par, nap]
)",
     {R"(bad.yaml:4:16: fmip.roles[1]: unknown role "nap" (known: par, nar))"}},
    {"fmip_role_twice", R"(ports:
  - name: a
fmip:
  roles: [nar, nar]
)",
     {R"(bad.yaml:4:16: fmip.roles[1]: role "nar" listed twice)"}},
    {"fmip_ranges", R"(ports:
  - name: a
fmip:
  hi_retries: 11
  hi_timeout_ms: 5
  proxy_nd_lifetime_ms: 99
  bindings: 10
)",
     {"bad.yaml:4:15: fmip.hi_retries: 11 is out of range 0..10",
      "bad.yaml:5:18: fmip.hi_timeout_ms: 5 is out of range 10..10000",
      "bad.yaml:6:25: fmip.proxy_nd_lifetime_ms: 99 is out of range 100..600000",
      "bad.yaml:7:13: fmip.bindings: 10 is out of range 64..16777216"}},
    {"fmip_unknown_key", R"(ports:
  - name: a
fmip:
  hi_timout_ms: 100
)",
     {R"(bad.yaml:4:3: fmip.hi_timout_ms: unknown key; did you mean "hi_timeout_ms"?)"}},
    {"neighbor_ipsec_fields", R"(ports:
  - name: a
neighbor_routers:
  - ap_id: "02:01"
    nar_mac: "02:00:00:00:00:09"
    nar_address: "2001:db8:9::1"
    nar_prefix: "2001:db8:9::/64"
    ipsec:
      spi_out: 0x10
      spi_in: 0x1g02
      auth: hmac-md5
)",
     {"bad.yaml:9:7: neighbor_routers[0].ipsec.key_file: missing required key",
      R"(bad.yaml:9:16: neighbor_routers[0].ipsec.spi_out: expected an SPI in 256..4294967295 (decimal or 0x hex), got "0x10")",
      R"(bad.yaml:10:15: neighbor_routers[0].ipsec.spi_in: expected an SPI in 256..4294967295 (decimal or 0x hex), got "0x1g02")",
      R"(bad.yaml:11:13: neighbor_routers[0].ipsec.auth: expected one of hmac-sha256, hmac-sha1, got "hmac-md5")"}},
    {"neighbor_ipsec_unreadable_key", R"(ports:
  - name: a
neighbor_routers:
  - ap_id: "02:01"
    nar_mac: "02:00:00:00:00:09"
    nar_address: "2001:db8:9::1"
    nar_prefix: "2001:db8:9::/64"
    ipsec: {spi_out: 4097, spi_in: 4098, key_file: /nonexistent/par-nar.key}
)",
     {R"(bad.yaml:8:52: neighbor_routers[0].ipsec.key_file: cannot read "/nonexistent/par-nar.key": No such file or directory)"}},
    {"neighbor_ipsec_spi_in_shared", R"(ports:
  - name: a
neighbor_routers:
  - ap_id: "02:01"
    nar_mac: "02:00:00:00:00:09"
    nar_address: "2001:db8:9::1"
    nar_prefix: "2001:db8:9::/64"
    ipsec: {spi_out: 4097, spi_in: 4098, key_file: /etc/passwd}
  - ap_id: "02:02"
    nar_mac: "02:00:00:00:00:0a"
    nar_address: "2001:db8:a::1"
    nar_prefix: "2001:db8:a::/64"
    ipsec: {spi_out: 4099, spi_in: 0x1002, key_file: /etc/passwd}
)",
     {"bad.yaml:13:36: neighbor_routers[1].ipsec.spi_in: SPI 4098 is already the spi_in of neighbor_routers[0]"}},
    {"yaml_syntax_error", "ports: [a, b\n", {"bad.yaml:2:1: yaml: syntax error: end of sequence flow not found"}},
    {"yaml_tab_indent", "ports:\n  - name: a\n\t- name: b\n",
     {"bad.yaml:3:1: yaml: syntax error: illegal tab when looking for indentation"}},
    // yaml-cpp 0.7 loops on a lone "," (jbeder/yaml-cpp#1040): must be a syntax error, quickly.
    {"lone_comma", ",", {R"(bad.yaml:1:1: yaml: syntax error: unexpected token ",")"}},
    {"comma_then_text", ",ports: a\n", {R"(bad.yaml:1:1: yaml: syntax error: unexpected token ",")"}},
    {"empty_document", "", {"bad.yaml:1:1: document: empty document"}},
    {"comment_only_document", "# nothing here\n", {"bad.yaml:1:1: document: empty document"}},
    {"top_level_list", "- a\n", {"bad.yaml:1:1: document: expected a mapping of sections (system, ports, ...), got a list"}},
    {"two_documents", "ports:\n  - name: a\n---\nports: []\n", {"bad.yaml:3:1: document: only one YAML document is allowed"}},
};

void PrintTo(const bad_case& c, std::ostream* os) {
    *os << c.name;
}

class bad_config : public testing::TestWithParam<bad_case> {};

TEST_P(bad_config, reports_exactly) {
    const bad_case& c = GetParam();
    auto r = load_string(c.yaml, "bad.yaml");
    EXPECT_FALSE(r.cfg.has_value());
    EXPECT_EQ(rendered(r), c.expected);
}

INSTANTIATE_TEST_SUITE_P(table, bad_config, testing::ValuesIn(cases),
                         [](const testing::TestParamInfo<bad_case>& i) { return std::string(i.param.name); });

TEST(bad_config_table, has_enough_cases) {
    EXPECT_GE(std::size(cases), 24u);
}

// Errors from the schema pass and from the cross-field pass interleave in document order, and
// every bad field is reported once even when sections come in an unusual order.
TEST(bad_config_order, several_errors_in_document_order) {
    const char* yaml = R"(routes:
  - prefix: "2001:db8:5::/48"
    port: nowhere
ports:
  - name: a
    mtu: 100
    addresses: ["2001:db8::1/64", "nonsense"]
  - name: a
system:
  workers: 4
  burst: 0
limits:
  rsa_min_bits: 4096
  rsa_max_bits: 1024
generator:
  port: b
)";
    auto r = load_string(yaml, "multi.yaml");
    std::vector<std::string> expected = {
        R"(multi.yaml:3:11: routes[0].port: unknown port "nowhere")",
        "multi.yaml:6:10: ports[0].mtu: 100 is out of range 1280..9600",
        R"(multi.yaml:7:35: ports[0].addresses[1]: not an IPv6 prefix: "nonsense")",
        R"(multi.yaml:8:11: ports[1].name: duplicate port name "a" (first at ports[0]))",
        R"(multi.yaml:10:12: system.workers: 4 workers need 5 lcores (1 control + 4), system.lcores "0-1" has 2)",
        "multi.yaml:11:10: system.burst: 0 is out of range 1..64",
        "multi.yaml:13:17: limits.rsa_min_bits: 4096 is greater than limits.rsa_max_bits (1024)",
        R"(multi.yaml:16:9: generator.port: unknown port "b")",
    };
    EXPECT_EQ(rendered(r), expected);
}

TEST(bad_config_order, one_diagnostic_per_field) {
    // A bad route prefix is not also checked for duplicates, and an unknown port stops the `via`
    // check for that route.
    const char* yaml = R"(ports:
  - name: a
routes:
  - prefix: "2001:db8::1/32"
    via: "2001:db8::9"
    port: a
  - prefix: "2001:db8:7::/48"
    via: "2001:db8::9"
    port: b
)";
    auto r = load_string(yaml, "x.yaml");
    std::vector<std::string> expected = {
        R"(x.yaml:4:13: routes[0].prefix: host bits set in "2001:db8::1/32" (did you mean 2001:db8::/32?))",
        R"(x.yaml:9:11: routes[1].port: unknown port "b")",
    };
    EXPECT_EQ(rendered(r), expected);
}

TEST(bad_config_file, unreadable_file_is_one_line_zero_diagnostic) {
    auto r = mipgate::config::load_file("/nonexistent/mipgate.yaml");
    ASSERT_EQ(r.errors.size(), 1u);
    EXPECT_EQ(r.errors[0].str(),
              "/nonexistent/mipgate.yaml:0:0: /nonexistent/mipgate.yaml: cannot read: No such file or directory");
    EXPECT_FALSE(r.cfg);
}

TEST(bad_config_file, directory_is_unreadable) {
    auto r = mipgate::config::load_file("/");
    ASSERT_EQ(r.errors.size(), 1u);
    EXPECT_EQ(r.errors[0].str(), "/:0:0: /: cannot read: Is a directory");
}

TEST(bad_config_warnings, weak_rsa_floor_is_accepted_with_a_warning) {
    auto r = load_string("ports:\n  - name: a\nlimits:\n  rsa_min_bits: 512\n", "w.yaml");
    ASSERT_TRUE(r.cfg) << (r.errors.empty() ? "" : r.errors[0].str());
    ASSERT_EQ(r.warnings.size(), 1u);
    EXPECT_EQ(r.warnings[0].str(),
              "w.yaml:4:17: limits.rsa_min_bits: 512 accepts RSA keys below 1024 bits; 1024 or more is recommended");
}

} // namespace
