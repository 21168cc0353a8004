// RFC 3971 §6.3 certification paths with OpenSSL X509_verify_cert and RFC 3779 address blocks.

#include "mipgate/send/certpath.hpp"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <fstream>
#include <iterator>

#ifdef OPENSSL_NO_RFC3779
#error "mipgate needs OpenSSL built with RFC 3779 support (Debian's is)"
#endif

namespace mipgate::send {

void x509_deleter::operator()(x509_st* c) const noexcept { X509_free(c); }
void x509_store_deleter::operator()(x509_store_st* s) const noexcept { X509_STORE_free(s); }

namespace {

struct bio_free {
    void operator()(BIO* b) const noexcept { BIO_free(b); }
};
struct store_ctx_free {
    void operator()(X509_STORE_CTX* c) const noexcept { X509_STORE_CTX_free(c); }
};

send_reason map_verify_error(int e) noexcept {
    switch (e) {
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
    case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
    case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
    case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
    case X509_V_ERR_CERT_UNTRUSTED:
        return send_reason::cert_untrusted;
    case X509_V_ERR_CERT_NOT_YET_VALID:
    case X509_V_ERR_CERT_HAS_EXPIRED:
        return send_reason::cert_expired;
    case X509_V_ERR_CERT_SIGNATURE_FAILURE:
    case X509_V_ERR_UNABLE_TO_DECRYPT_CERT_SIGNATURE:
        return send_reason::cert_bad_signature;
    case X509_V_ERR_UNNESTED_RESOURCE:
        return send_reason::cert_prefix_unnested;
    case X509_V_ERR_EE_KEY_TOO_SMALL:
    case X509_V_ERR_CA_KEY_TOO_SMALL:
        return send_reason::key_too_small;
    default:
        return send_reason::cert_invalid;
    }
}

// The IPv6 ranges a certificate lists. nullopt: the certificate does not constrain IPv6 here
// (no extension, no IPv6 family, inherit, or the null prefix ::/0) — the parent's apply.
std::optional<std::vector<ipv6_range>> ipv6_blocks(X509* x) {
    auto* blocks = static_cast<IPAddrBlocks*>(X509_get_ext_d2i(x, NID_sbgp_ipAddrBlock, nullptr, nullptr));
    if (blocks == nullptr) {
        return std::nullopt;
    }
    std::optional<std::vector<ipv6_range>> out;
    for (int i = 0; i < sk_IPAddressFamily_num(blocks); ++i) {
        IPAddressFamily* f = sk_IPAddressFamily_value(blocks, i);
        if (X509v3_addr_get_afi(f) != IANA_AFI_IPV6 || f->ipAddressChoice == nullptr ||
            f->ipAddressChoice->type != IPAddressChoice_addressesOrRanges) {
            continue;
        }
        std::vector<ipv6_range> ranges;
        bool null_prefix = false;
        IPAddressOrRanges* aors = f->ipAddressChoice->u.addressesOrRanges;
        for (int j = 0; j < sk_IPAddressOrRange_num(aors); ++j) {
            ipv6_range r;
            if (X509v3_addr_get_range(sk_IPAddressOrRange_value(aors, j), IANA_AFI_IPV6, r.min.b.data(),
                                      r.max.b.data(), 16) != 16) {
                continue;
            }
            ipv6_addr ones;
            ones.b.fill(0xff);
            null_prefix = null_prefix || (r.min == ipv6_addr{} && r.max == ones);
            ranges.push_back(r);
        }
        if (!null_prefix) {
            if (!out) {
                out.emplace();
            }
            out->insert(out->end(), ranges.begin(), ranges.end());
        }
    }
    sk_IPAddressFamily_pop_free(blocks, IPAddressFamily_free);
    return out;
}

// OpenSSL's RFC 3779 path check treats an issuer without the extension as holding no addresses,
// so it refuses a prefix-carrying router under a plain identity anchor. RFC 3971 §6.3.1/§6.3.2
// says the opposite (no prefix information above = unconstrained), so that one error is let
// through here and nesting is re-checked with RFC 3971's rule in nested_per_rfc3971().
int verify_cb(int ok, X509_STORE_CTX* ctx) {
    if (!ok && X509_STORE_CTX_get_error(ctx) == X509_V_ERR_UNNESTED_RESOURCE) {
        return 1;
    }
    return ok;
}

bool within(const std::vector<ipv6_range>& inner, const std::vector<ipv6_range>& outer) {
    // Canonical RFC 3779 ranges are merged, so each inner range must sit inside one outer range.
    return std::all_of(inner.begin(), inner.end(), [&](const ipv6_range& r) {
        return std::any_of(outer.begin(), outer.end(),
                           [&](const ipv6_range& o) { return o.min <= r.min && r.max <= o.max; });
    });
}

} // namespace

result<certificate> certificate::from_der(bytes_view der) {
    const unsigned char* p = der.data();
    X509* x = d2i_X509(nullptr, &p, static_cast<long>(der.size()));
    if (x == nullptr) {
        ERR_clear_error();
        return make_error(static_cast<int>(send_reason::cert_malformed), "certificate does not decode");
    }
    certificate c;
    c._cert.reset(x, x509_deleter{});
    if (p != der.data() + der.size()) {
        return make_error(static_cast<int>(send_reason::cert_malformed), "trailing bytes after certificate");
    }
    return c;
}

result<std::vector<certificate>> certificate::from_pem(std::string_view pem) {
    std::unique_ptr<BIO, bio_free> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
    if (!bio) {
        return make_error(static_cast<int>(send_reason::internal_error), "out of memory");
    }
    std::vector<certificate> out;
    while (X509* x = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr)) {
        certificate c;
        c._cert.reset(x, x509_deleter{});
        out.push_back(std::move(c));
    }
    ERR_clear_error();  // the end of the input reads as "no start line"
    if (out.empty()) {
        return make_error(static_cast<int>(send_reason::cert_malformed), "no PEM certificate found");
    }
    return out;
}

result<std::vector<certificate>> certificate::load_file(const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    if (!f) {
        return make_error(static_cast<int>(send_reason::cert_malformed), "cannot open " + path);
    }
    std::string text((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    auto r = from_pem(text);
    if (!r) {
        return make_error(r.err().code, path + ": " + r.err().message);
    }
    return r;
}

std::vector<std::uint8_t> certificate::der() const {
    std::vector<std::uint8_t> out;
    int len = _cert ? i2d_X509(_cert.get(), nullptr) : 0;
    if (len > 0) {
        out.resize(static_cast<std::size_t>(len));
        unsigned char* p = out.data();
        i2d_X509(_cert.get(), &p);
    }
    return out;
}

std::vector<std::uint8_t> certificate::subject_der() const {
    std::vector<std::uint8_t> out;
    X509_NAME* n = _cert ? X509_get_subject_name(_cert.get()) : nullptr;
    int len = n ? i2d_X509_NAME(n, nullptr) : 0;
    if (len > 0) {
        out.resize(static_cast<std::size_t>(len));
        unsigned char* p = out.data();
        i2d_X509_NAME(n, &p);
    }
    return out;
}

certificate certificate::adopt(x509_st* x) {
    certificate c;
    c._cert.reset(x, x509_deleter{});
    return c;
}

bool certificate::self_signed() const noexcept {
    return _cert && X509_self_signed(_cert.get(), 0) == 1;
}

result<trust_store> trust_store::from_certificates(const std::vector<certificate>& anchors) {
    trust_store t;
    t._store.reset(X509_STORE_new(), x509_store_deleter{});
    if (!t._store) {
        return make_error(static_cast<int>(send_reason::internal_error), "out of memory");
    }
    for (const auto& a : anchors) {
        if (a.empty() || X509_STORE_add_cert(t._store.get(), a.native()) != 1) {
            ERR_clear_error();
            return make_error(static_cast<int>(send_reason::cert_malformed), "cannot add trust anchor");
        }
    }
    t._anchors = anchors;
    return t;
}

result<trust_store> trust_store::load_files(const std::vector<std::string>& paths) {
    std::vector<certificate> all;
    for (const auto& p : paths) {
        auto c = certificate::load_file(p);
        if (!c) {
            return c.err();
        }
        all.insert(all.end(), c->begin(), c->end());
    }
    return from_certificates(all);
}

bool certpath_result::authorizes(const ipv6_prefix& p) const noexcept {
    if (reason != send_reason::ok) {
        return false;
    }
    if (unconstrained) {
        return true;
    }
    ipv6_addr lo = p.masked().addr;
    ipv6_addr hi = lo;
    for (unsigned bit = p.len; bit < 128; ++bit) {
        hi.b[bit / 8] = static_cast<std::uint8_t>(hi.b[bit / 8] | (0x80u >> (bit % 8)));
    }
    return std::any_of(blocks.begin(), blocks.end(),
                       [&](const ipv6_range& r) { return r.min <= lo && hi <= r.max; });
}

certpath_result validate_certpath(const trust_store& anchors, const std::vector<certificate>& chain,
                                  const certpath_options& opts) {
    certpath_result res;
    if (chain.empty() || chain.front().empty()) {
        res.reason = send_reason::cert_chain_empty;
        return res;
    }
    if (anchors.native() == nullptr) {
        res.reason = send_reason::cert_untrusted;
        return res;
    }
    std::unique_ptr<X509_STORE_CTX, store_ctx_free> ctx(X509_STORE_CTX_new());
    STACK_OF(X509)* untrusted = sk_X509_new_null();
    if (!ctx || untrusted == nullptr) {
        sk_X509_free(untrusted);
        res.reason = send_reason::internal_error;
        return res;
    }
    for (std::size_t i = 1; i < chain.size(); ++i) {
        if (!chain[i].empty()) {
            sk_X509_push(untrusted, chain[i].native());  // borrowed: the stack does not own them
        }
    }
    int ok = X509_STORE_CTX_init(ctx.get(), anchors.native(), chain.front().native(), untrusted);
    if (ok == 1) {
        X509_STORE_CTX_set_verify_cb(ctx.get(), verify_cb);
    }
    if (ok == 1 && opts.at) {
        X509_VERIFY_PARAM_set_time(X509_STORE_CTX_get0_param(ctx.get()), *opts.at);
    }
    if (ok == 1) {
        // X509_verify_cert also runs X509v3_addr_validate_path (RFC 3779 §2.3) when built with
        // RFC 3779 support: each certificate's blocks must lie within its issuer's.
        ok = X509_verify_cert(ctx.get());
    }
    if (ok != 1) {
        res.openssl_error = X509_STORE_CTX_get_error(ctx.get());
        res.reason = map_verify_error(res.openssl_error);
        sk_X509_free(untrusted);
        ERR_clear_error();
        return res;
    }
    STACK_OF(X509)* verified = X509_STORE_CTX_get1_chain(ctx.get());
    for (int i = 0; verified != nullptr && i < sk_X509_num(verified); ++i) {
        X509* x = sk_X509_value(verified, i);
        X509_up_ref(x);
        res.path.push_back(certificate::adopt(x));
    }
    sk_X509_pop_free(verified, X509_free);
    sk_X509_free(untrusted);

    // RFC 3779 nesting with RFC 3971's reading: from the anchor down, each certificate's IPv6
    // blocks must lie within the nearest issuer's that has any (none above = unconstrained).
    {
        std::optional<std::vector<ipv6_range>> above;
        for (std::size_t i = res.path.size(); i-- > 0;) {
            auto b = ipv6_blocks(res.path[i].native());
            if (!b) {
                continue;
            }
            if (above && !within(*b, *above)) {
                res.openssl_error = X509_V_ERR_UNNESTED_RESOURCE;
                res.reason = send_reason::cert_prefix_unnested;
                return res;
            }
            above = std::move(b);
        }
    }

    // RFC 3971 §6.3.1: the router's certificate must hold an RSA key.
    EVP_PKEY* pk = X509_get_pubkey(chain.front().native());
    if (pk == nullptr || EVP_PKEY_get_base_id(pk) != EVP_PKEY_RSA) {
        EVP_PKEY_free(pk);
        res.reason = send_reason::cert_not_rsa;
        return res;
    }
    auto key = rsa_public_key::adopt(pk);
    if (!key) {
        res.reason = send_reason::cert_not_rsa;
        return res;
    }
    res.router_key = std::move(key.value());
    if (res.router_key.bits() < opts.rsa_min_bits) {
        res.reason = send_reason::key_too_small;
        return res;
    }
    if (res.router_key.bits() > opts.rsa_max_bits) {
        res.reason = send_reason::key_too_large;
        return res;
    }

    // Effective blocks: the nearest certificate, router first, that constrains IPv6.
    res.unconstrained = true;
    for (const auto& c : res.path) {
        if (auto b = ipv6_blocks(c.native())) {
            res.blocks = std::move(*b);
            res.unconstrained = false;
            break;
        }
    }
    res.reason = send_reason::ok;
    return res;
}

send_reason check_prefixes(const certpath_result& path, const std::vector<ipv6_prefix>& prefixes) noexcept {
    if (path.reason != send_reason::ok) {
        return path.reason;
    }
    for (const auto& p : prefixes) {
        if (!path.authorizes(p)) {
            return send_reason::prefix_not_authorized;
        }
    }
    return send_reason::ok;
}

std::vector<std::vector<std::uint8_t>> cpa_certificates(const certpath_result& path) {
    std::vector<std::vector<std::uint8_t>> out;
    if (path.reason != send_reason::ok || path.path.empty()) {
        return out;
    }
    // path = router … anchor. Send from the one below the anchor down to the router; a path that
    // is only the router's (trusted, self-signed) certificate still sends that one.
    std::size_t n = path.path.size() == 1 ? 1 : path.path.size() - 1;
    for (std::size_t i = n; i-- > 0;) {
        out.push_back(path.path[i].der());
    }
    return out;
}

} // namespace mipgate::send
