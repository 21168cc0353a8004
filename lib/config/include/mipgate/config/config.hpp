#pragma once
// mipgate's typed configuration (docs/configuration.md). Plain values: built off the fast path by
// the loader, validated in full, then handed to the app as one immutable object.
// Boot-only settings are marked [boot]; everything else may change on reload (issue 6).

#include "mipgate/common/ipv6_addr.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
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

/// Manually keyed ESP for HI/HAck with one neighbour router (RFC 5268 §10). Pending: validated
/// and shown, not used yet.
struct neighbor_ipsec {
    std::uint32_t spi_out = 0;             ///< SPI of HI/HAck we send (>= 256, RFC 4303 §2.1)
    std::uint32_t spi_in = 0;              ///< SPI of HI/HAck we receive
    std::string auth = "hmac-sha256";      ///< integrity: hmac-sha256 or hmac-sha1
    std::string key_file;                  ///< the authentication key (raw bytes), resolved absolute
};

/// FMIPv6 neighbour access routers (RFC 5268): what a PrRtAdv tells about each AP, and what the
/// PAR needs to reach the NAR with HI. `ipsec_*` fields are carried for RFC 5268 §10 (pending).
struct neighbor_router {
    std::string ap_id;                     ///< access point link-layer id, hex "aa:bb:…" (1..32 bytes)
    mac_addr nar_mac;                      ///< NAR's link-layer address (LLA option code 3)
    ipv6_addr nar_address;                 ///< NAR's IP address (IP Address option code 3)
    ipv6_prefix nar_prefix;                ///< NAR's prefix (IP Address option code 4)
    std::string ipsec_sa;                  ///< name of the PAR–NAR SA (empty until IPsec lands)
    std::optional<neighbor_ipsec> ipsec;   ///< RFC 5268 §10 HI/HAck protection (pending: validated, shown)
};

/// FMIPv6 PAR and NAR behaviour (RFC 5268 §5, §6.2, §9). Needs a `router:` section (handover keys).
struct fmip_cfg {
    bool par = true;                       ///< roles: previous access router (FBU, HI, FBack, tunnel)
    bool nar = true;                       ///< roles: new access router (HI → HAck, proxy entry)
    unsigned hi_retries = 3;               ///< HI_RETRIES: retransmissions before giving up
    std::uint32_t hi_timeout_ms = 200;     ///< first HI retransmission timeout, doubled each retry
    std::uint32_t proxy_nd_lifetime_ms = 1500; ///< PROXY_ND_LIFETIME (RFC 5268 §9)
    std::uint32_t bindings = 65536;        ///< [boot] binding table capacity
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
    std::string signer_cpus;               ///< [boot] CPU list for the signer threads ("1", "0-1");
                                           ///< empty = the process's CPUs minus the workers' (all if none left)
};

/// The SEND router's certified identity (RFC 3971 §6, RFC 5269 §3.2).
struct router_identity {
    std::string key_file;                  ///< PEM RSA private key
    std::vector<std::string> cert_chain;   ///< PEM certificates, router's own first
    std::vector<std::string> trust_anchors;///< PEM trust anchor certificates
    unsigned cga_sec = 1;                  ///< CGA Sec for the router's addresses (0..2)
    std::string cga_params_file;           ///< saved CGA Parameters (stable addresses); empty = generate
    /// Unsolicited RAs (RFC 4861 §6.2.1 MinRtrAdvInterval / MaxRtrAdvInterval, §6.2.4): each
    /// interval is uniform in [min, max] seconds; the first 3 are capped at 16 s.
    unsigned ra_interval_min_s = 200;      ///< [boot]
    unsigned ra_interval_max_s = 600;      ///< [boot]
    /// After a key rotation, how long the old identity keeps answering for its old CGAs; 0 =
    /// until the old router certificate's notAfter.
    std::uint32_t rotation_grace_s = 0;
};

struct handover_key_policy {
    std::uint32_t lifetime_s = 43200;      ///< HK-LIFETIME (RFC 5269 §3.7), 1..65535
    std::vector<unsigned> algorithms{1, 0};///< enabled AT codes (design §4): 0 HMAC-SHA1, 1 HMAC-SHA256
    std::uint32_t capacity = 1u << 20;     ///< [boot] key table entries
    std::uint32_t max_tunnel_lifetime_s = 60; ///< cap on FMIPv6 forwarding (RFC 5268 §4)
    /// [boot] keys installed at start (mipgate/fmip/key_file.hpp; mode 0600): line-rate FBU benchmarks
    std::string preload_file;
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

/// The operator surface (docs/cli.md): mipgatectl's control socket and the Prometheus endpoint.
/// `mipgate --control-socket` / `--metrics-listen` override these.
struct control_cfg {
    /// [boot] UNIX socket path (absolute); absent → /run/mipgate/<file prefix>.sock, or
    /// /run/mipgate/mipgate.sock without a file prefix; "" → no control socket.
    std::optional<std::string> socket;
    std::string metrics_listen;            ///< [boot] "ADDR:PORT" (IPv4 or [IPv6]); "" = off
};

/// rte_log levels of mipgate's logtypes (lib/log) and the per-call-site rate limit.
struct logging_cfg {
    std::string level = "info";            ///< every mipgate logtype: emergency .. debug
    /// Per-logtype levels, applied after `level`: logtype name ("send" or "mipgate.send") → level.
    std::vector<std::pair<std::string, std::string>> types;
    unsigned rate_per_s = 10;              ///< messages per second per call site; 0 = unlimited
    unsigned burst = 20;                   ///< messages a call site may write at once
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
    fmip_cfg fmip;
    control_cfg control;
    logging_cfg logging;

    /// Index of the port named `name`, or -1. Any thread; allocates nothing.
    int port_index(const std::string& name) const;
};

} // namespace mipgate::config
