#pragma once
// The SEND router's certified identity (RFC 3971 §6, RFC 5269 §3.2): RSA key, validated
// certification path, trust anchors, and the router's CGAs (RFC 3972) — link-local fe80::/64 and
// one per global /64 of each port — all formed from the certified key with one modifier.
// Built once at start (or reload) on the control thread; immutable and shareable afterwards.

#include "mipgate/common/ipv6_addr.hpp"
#include "mipgate/common/result.hpp"
#include "mipgate/config/config.hpp"
#include "mipgate/send/certpath.hpp"
#include "mipgate/send/rsa_key.hpp"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace mipgate::control {

/// One of the router's CGAs with the CGA Parameters that prove it (the CGA option's payload).
struct router_address {
    ipv6_addr address;
    std::vector<std::uint8_t> cga_params;
    int port = -1;                ///< config port index; -1 for the link-local CGA (every port)
};

class router_identity {
public:
    /// Loads `cfg.router`: the key, the chain (router certificate first) and the anchors; validates
    /// the path (limits.rsa_min_bits/max_bits; the router certificate must certify this key); then
    /// forms the CGAs at cga_sec. The modifier comes from `cga_params_file` when it exists (its key
    /// must be the certified key and its modifier must satisfy Sec), else from one Hash2 search,
    /// saved to `cga_params_file` when that is set. Hash2 does not cover the subnet prefix, so
    /// one modifier serves every prefix and the addresses stay stable across restarts.
    /// Errors name the file and the reason. Control thread; allocates; blocks on file I/O and on
    /// the modifier search (seconds at Sec 1, far longer at Sec 2).
    /// With `replace_foreign_params` (key rotation), a cga_params_file that holds another key is
    /// not an error: a new modifier is searched and the file overwritten.
    static result<std::unique_ptr<router_identity>> load(const config::config& cfg,
                                                         bool replace_foreign_params = false);

    const send::rsa_private_key& key() const noexcept { return _key; }
    const send::certpath_result& path() const noexcept { return _path; }
    const send::trust_store& anchors() const noexcept { return _anchors; }
    /// The link-local CGA (source of PrRtAdv, CPA, RA). Any thread.
    const router_address& link_local() const noexcept { return _addresses.front(); }
    /// Every CGA, link-local first. Any thread.
    const std::vector<router_address>& addresses() const noexcept { return _addresses; }
    /// The entry for `a`, or null. Any thread; no allocation.
    const router_address* find(const ipv6_addr& a) const noexcept;
    /// DER certificates for CPA in sending order (send::cpa_certificates). Any thread.
    const std::vector<std::vector<std::uint8_t>>& cpa_certs() const noexcept { return _cpa_certs; }
    /// DER subject names of the trust anchors (to match CPS Trust Anchor options). Any thread.
    const std::vector<std::vector<std::uint8_t>>& anchor_names() const noexcept { return _anchor_names; }
    /// Accepted but worth telling the operator (e.g. a port prefix outside the certified blocks).
    const std::vector<std::string>& warnings() const noexcept { return _warnings; }
    /// Modifier search iterations spent at load (0 when loaded from the file).
    std::uint64_t hash2_iterations() const noexcept { return _iterations; }
    /// The router certificate's notAfter (seconds since 1970). Any thread.
    std::int64_t not_after() const noexcept { return _not_after; }
    /// True when `other` has the same key, certification path and trust anchors: a reload or
    /// rotate-identity over unchanged files need not rotate (without a cga_params_file a fresh
    /// load picks another modifier, so the CGAs are not compared). Any thread.
    bool same_as(const router_identity& other) const;

private:
    router_identity() = default;
    send::rsa_private_key _key;
    send::certpath_result _path;
    send::trust_store _anchors;
    std::vector<router_address> _addresses;
    std::vector<std::vector<std::uint8_t>> _cpa_certs;
    std::vector<std::vector<std::uint8_t>> _anchor_names;
    std::vector<std::string> _warnings;
    std::uint64_t _iterations = 0;
    std::int64_t _not_after = 0;
};

} // namespace mipgate::control
