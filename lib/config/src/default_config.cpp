// The embedded default: what `mipgate` runs with no config file, and what
// `mipgate --print-default-config` prints. Two in-process ring ports, no NIC, no hugepages, and the
// built-in generator so that a bare start moves packets. docs/configuration.md explains each key.
#include "mipgate/config/load.hpp"

namespace mipgate::config {

namespace {

constexpr std::string_view default_yaml = R"yaml(# mipgate embedded default configuration (mipgate --print-default-config).
# Runs anywhere: two virtual ring ports, no NIC, no hugepages, 1 worker lcore.
system:
  lcores: "0-1"           # lcore 0 = control, lcore 1 = worker
  workers: 1
  memory_mb: 256
  hugepages: false        # EAL --no-huge
  mbufs: 8191
  burst: 32

ports:
  - name: access          # the mobile nodes' link
    kind: ring
    mac: "02:00:00:00:00:01"
    addresses: ["2001:db8:1::1/64", "fe80::1/64"]
  - name: core            # towards the rest of the network
    kind: ring
    mac: "02:00:00:00:00:02"
    addresses: ["2001:db8:ff::1/64"]

routes:
  - prefix: "2001:db8:2::/48"
    via: "2001:db8:ff::2"
    port: core

neighbors:
  - address: "2001:db8:ff::2"      # the core-side next hop
    mac: "02:00:00:00:ff:02"
    port: core
  - address: "2001:db8:1::100"     # a mobile node on the access link
    mac: "02:00:00:00:01:00"
    port: access

handover_keys:
  lifetime_s: 43200
  algorithms: [hmac-sha256, hmac-sha1]
  capacity: 1048576
  max_tunnel_lifetime_s: 60

# The built-in traffic source: injects packets into access's RX side and drains every ring's TX.
generator:
  enabled: true
  port: access
  packets: 4000
  source: "2001:db8:1::50"       # a host on the access link
  destinations:
    - "2001:db8:2::10"     # routed via 2001:db8:ff::2 on core
    - "2001:db8:2::20"     # routed via 2001:db8:ff::2 on core
    - "2001:db8:1::100"    # on-link neighbor on access
    - "2001:db8:3::1"      # no route: counted as a drop
)yaml";

} // namespace

std::string_view embedded_default() {
    return default_yaml;
}

} // namespace mipgate::config
