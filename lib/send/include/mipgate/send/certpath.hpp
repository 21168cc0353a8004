#pragma once
// Router authorization (RFC 3971 §6.3): certification path validation against trust anchors
// with OpenSSL, the RFC 3779 IP address blocks that bound the prefixes a router may advertise,
// and the certificate list a CPA carries (RFC 3971 §6.4.2).

#include "mipgate/common/bytes.hpp"
#include "mipgate/common/ipv6_addr.hpp"
#include "mipgate/common/result.hpp"
#include "mipgate/send/reasons.hpp"
#include "mipgate/send/rsa_key.hpp"

#include <array>
#include <cstdint>
#include <ctime>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

struct x509_st;        // OpenSSL's X509
struct x509_store_st;  // OpenSSL's X509_STORE

namespace mipgate::send {

struct x509_deleter {
    void operator()(x509_st* c) const noexcept;
};
struct x509_store_deleter {
    void operator()(x509_store_st* s) const noexcept;
};

/// One X.509v3 certificate. Copies share the immutable OpenSSL object.
class certificate {
public:
    certificate() = default;
    /// From DER (a Certificate option's payload, RFC 3971 §6.4.4). Any thread; allocates.
    static result<certificate> from_der(bytes_view der);
    /// Every certificate in PEM text, in order. Any thread; allocates.
    static result<std::vector<certificate>> from_pem(std::string_view pem);
    /// Every certificate in a PEM file. Control thread; allocates; blocks on file I/O.
    static result<std::vector<certificate>> load_file(const std::string& path);

    /// Wraps an OpenSSL X509, taking ownership of one reference. Any thread.
    static certificate adopt(x509_st* x);

    bool empty() const noexcept { return !_cert; }
    /// DER encoding. Any thread; allocates.
    std::vector<std::uint8_t> der() const;
    /// DER of the subject Name (what a Trust Anchor option names, RFC 3971 §6.4.3).
    std::vector<std::uint8_t> subject_der() const;
    bool self_signed() const noexcept;
    x509_st* native() const noexcept { return _cert.get(); }

private:
    std::shared_ptr<x509_st> _cert;
};

/// Configured trust anchors (RFC 3971 §6.1). Immutable after building; shareable across threads.
class trust_store {
public:
    trust_store() = default;
    /// Control thread; allocates.
    static result<trust_store> from_certificates(const std::vector<certificate>& anchors);
    /// From PEM files (each may hold several certificates). Control thread; blocks on file I/O.
    static result<trust_store> load_files(const std::vector<std::string>& paths);

    const std::vector<certificate>& anchors() const noexcept { return _anchors; }
    x509_store_st* native() const noexcept { return _store.get(); }

private:
    std::shared_ptr<x509_store_st> _store;
    std::vector<certificate> _anchors;
};

/// An inclusive IPv6 address range from an RFC 3779 IPAddressOrRange.
struct ipv6_range {
    ipv6_addr min;
    ipv6_addr max;
    bool operator==(const ipv6_range&) const = default;
};

/// Outcome of certification path validation.
struct certpath_result {
    send_reason reason = send_reason::cert_invalid;
    /// The prefixes the router may advertise: the blocks of the nearest certificate (router
    /// first, towards the anchor) that lists IPv6 prefixes other than ::/0 (RFC 3971 §6.3.1:
    /// missing or ::/0 → the parent's). `unconstrained` when no certificate constrains IPv6.
    std::vector<ipv6_range> blocks;
    bool unconstrained = false;
    rsa_public_key router_key;          ///< the last (router's) certificate's RSA key
    std::vector<certificate> path;      ///< validated path: router first, trust anchor last
    int openssl_error = 0;              ///< X509_V_ERR_* when validation failed there

    /// True when `p` lies inside the certified blocks (RFC 3971 §7.3). Any thread.
    bool authorizes(const ipv6_prefix& p) const noexcept;
};

/// Validation knobs.
struct certpath_options {
    unsigned rsa_min_bits = 1024;        ///< router key floor (key_too_small)
    unsigned rsa_max_bits = 4096;        ///< router key ceiling (key_too_large)
    std::optional<std::time_t> at;       ///< validation time (tests); empty = now
};

/// Validates `chain` (router certificate first, then issuers; the anchor may be omitted) against
/// `anchors` with X509_verify_cert (which also runs RFC 3779 X509v3_addr_validate_path: each
/// certificate's blocks within its issuer's), then requires the router certificate to hold an
/// RSA key within the size limits. Reasons: cert_chain_empty, cert_untrusted, cert_expired,
/// cert_bad_signature, cert_prefix_unnested, cert_not_rsa, key_too_small, key_too_large,
/// cert_invalid. Control thread; allocates; never blocks.
certpath_result validate_certpath(const trust_store& anchors, const std::vector<certificate>& chain,
                                  const certpath_options& opts = {});

/// Checks every advertised prefix against a validated path: prefix_not_authorized on the first
/// outside the blocks. Any thread; no allocation.
send_reason check_prefixes(const certpath_result& path, const std::vector<ipv6_prefix>& prefixes) noexcept;

/// The certificates a CPA carries for `path` (RFC 3971 §6.4.2), as DER in sending order: the one
/// issued by the trust anchor first, the router's own last, the anchor itself never.
/// Component numbers: the first message gets N−1 … the last 0. Control thread; allocates.
std::vector<std::vector<std::uint8_t>> cpa_certificates(const certpath_result& path);

} // namespace mipgate::send
