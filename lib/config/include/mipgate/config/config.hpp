#pragma once
// mipgate's typed configuration (docs/configuration.md). Plain values: built off the fast path by
// the loader, validated in full, then handed to the app as one immutable object.
// Boot-only settings are marked [boot]; everything else may change on reload (issue 6).

#include "mipgate/common/ipv6_addr.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace mipgate::config {

enum class port_kind {
    ring,  ///< in-process rte_ring pair (rte_eth_from_rings): the virtual wire of the embedded default
    vdev,  ///< any DPDK virtual device by devargs: "net_pcap0,rx_pcap=…", "net_af_packet0,iface=…"
    pci,   ///< a NIC by PCI address, bound to a DPDK driver (scripts/prepare-host)
};

struct port {
    std::string name;                      ///< [boot] unique, used by routes/neighbors/CLI
    port_kind kind = port_kind::ring;      ///< [boot]
    std::string devargs;                   ///< [boot] vdev string or PCI address; empty for ring
    std::optional<mac_addr> mac;           ///< [boot] override the device's MAC
    std::vector<ipv6_prefix> addresses;    ///< mipgate's own addresses on this link, with prefix length
    std::uint16_t mtu = 1500;              ///< [boot]
    std::uint16_t rx_desc = 1024;          ///< [boot]
    std::uint16_t tx_desc = 1024;          ///< [boot]
};

struct route {
    ipv6_prefix prefix;                    ///< destination prefix
    std::optional<ipv6_addr> via;          ///< next hop (a static neighbor); absent = on-link
    std::string port;                      ///< egress port name
};

struct neighbor {
    ipv6_addr address;
    mac_addr mac;
    std::string port;
};

/// FMIPv6 neighbour access routers (RFC 5268): what a PrRtAdv tells about each AP, and what the
/// PAR needs to reach the NAR with HI. `ipsec_*` fields are carried for RFC 5268 §10 (pending).
struct neighbor_router {
    std::string ap_id;                     ///< access point link-layer id, hex "aa:bb:…" (1..32 bytes)
    mac_addr nar_mac;                      ///< NAR's link-layer address (LLA option code 3)
    ipv6_addr nar_address;                 ///< NAR's IP address (IP Address option code 3)
    ipv6_prefix nar_prefix;                ///< NAR's prefix (IP Address option code 4)
    std::string ipsec_sa;                  ///< name of the PAR–NAR SA (empty until IPsec lands)
};

struct system_cfg {
    std::string lcores = "0-1";            ///< [boot] EAL -l list; the first is the control lcore
    unsigned workers = 1;                  ///< [boot] worker lcores taken from `lcores` after control
    unsigned memory_mb = 256;              ///< [boot] EAL -m
    bool hugepages = false;                ///< [boot] false → --no-huge
    std::string file_prefix;               ///< [boot] EAL --file-prefix; empty → "mipgate-<pid>"
    std::vector<std::string> eal_args;     ///< [boot] extra EAL arguments, passed as they are
    unsigned mbufs = 8191;                 ///< [boot] mbuf pool size
    unsigned burst = 32;                   ///< [boot] RX/TX burst (1..64)
    unsigned signer_threads = 1;           ///< [boot] SEND service RSA threads; 0 = inline on control
};

/// The SEND router's certified identity (RFC 3971 §6, RFC 5269 §3.2).
struct router_identity {
    std::string key_file;                  ///< PEM RSA private key
    std::vector<std::string> cert_chain;   ///< PEM certificates, router's own first
    std::vector<std::string> trust_anchors;///< PEM trust anchor certificates
    unsigned cga_sec = 1;                  ///< CGA Sec for the router's addresses (0..2)
    std::string cga_params_file;           ///< saved CGA Parameters (stable addresses); empty = generate
};

struct handover_key_policy {
    std::uint32_t lifetime_s = 43200;      ///< HK-LIFETIME (RFC 5269 §3.7), 1..65535
    std::vector<unsigned> algorithms{1, 0};///< enabled AT codes (design §4): 0 HMAC-SHA1, 1 HMAC-SHA256
    std::uint32_t capacity = 1u << 20;     ///< [boot] key table entries
    std::uint32_t max_tunnel_lifetime_s = 60; ///< cap on FMIPv6 forwarding (RFC 5268 §4)
};

struct limits_cfg {
    unsigned rsa_min_bits = 1024;
    unsigned rsa_max_bits = 4096;
    unsigned cga_max_sec = 2;
    unsigned timestamp_delta_s = 300;      ///< TIMESTAMP_DELTA
    unsigned timestamp_fuzz_s = 1;         ///< TIMESTAMP_FUZZ
    unsigned timestamp_drift_pct = 1;      ///< TIMESTAMP_DRIFT
    unsigned max_cpa_rate = 10;            ///< MAX_CPA_RATE per second
    unsigned rtsolpr_rate_per_source = 3;  ///< MAX_RTSOLPR_RATE per second per source
    unsigned rtsolpr_rate_global = 1000;   ///< per second, all sources
    unsigned slow_path_ring = 1024;        ///< [boot] worker→control ring size (power of two)
    unsigned timestamp_cache = 1024;       ///< per-peer SEND timestamp cache entries
};

/// Built-in traffic source for the embedded default and demos: injects IPv6 packets into a ring
/// port's RX side and drains every ring port's TX side (a virtual wire with nothing on it).
struct traffic_generator {
    bool enabled = false;
    std::string port;                      ///< ring port that receives the generated packets
    std::uint32_t packets = 0;             ///< total to inject
    std::vector<ipv6_addr> destinations;   ///< cycled through; hop limits and one bad class mixed in
    ipv6_addr source{};
};

struct config {
    std::string source;                    ///< file the config came from, or "<embedded>"
    system_cfg system;
    std::vector<port> ports;
    std::vector<route> routes;
    std::vector<neighbor> neighbors;
    std::vector<neighbor_router> neighbor_routers;
    std::optional<router_identity> router;
    handover_key_policy handover_keys;
    limits_cfg limits;
    traffic_generator generator;

    /// Index of the port named `name`, or -1. Any thread; allocates nothing.
    int port_index(const std::string& name) const;
};

} // namespace mipgate::config
