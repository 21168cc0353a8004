#include "mipgate/control/router_identity.hpp"

#include "mipgate/send/cga.hpp"

#include <openssl/asn1.h>
#include <openssl/x509.h>

#include <algorithm>
#include <cerrno>
#include <fstream>
#include <iterator>
#include <sys/stat.h>

namespace mipgate::control {

namespace {

error fail(const std::string& what) { return make_error(EINVAL, "router identity: " + what); }

bool file_exists(const std::string& p) {
    struct stat st {};
    return ::stat(p.c_str(), &st) == 0;
}

/// The /64 subnet a CGA is formed in (RFC 3972 §4: the leftmost 64 bits).
ipv6_addr subnet64(const ipv6_addr& a) {
    ipv6_addr s = a;
    std::fill(s.b.begin() + 8, s.b.end(), 0);
    return s;
}

result<router_address> form(const ipv6_addr& subnet, const send::rsa_private_key& key, unsigned sec,
                            const send::cga_modifier& modifier, int port) {
    send::cga_generate_request req;
    req.subnet = subnet;
    req.public_key = key.public_key().spki();
    req.sec = sec;
    req.start_modifier = modifier;
    req.max_hash2_iterations = 1; // the modifier already satisfies Sec: Hash1 only
    auto g = send::cga_generate(req, {});
    if (!g) {
        return fail("forming the CGA in " + subnet.to_string() + "/64: " + g.err().message);
    }
    return router_address{g->address, std::move(g->params), port};
}

} // namespace

bool router_identity::same_as(const router_identity& o) const {
    return _key.public_key().spki() == o._key.public_key().spki() && _cpa_certs == o._cpa_certs &&
           _anchor_names == o._anchor_names;
}

const router_address* router_identity::find(const ipv6_addr& a) const noexcept {
    for (const auto& r : _addresses) {
        if (r.address == a) {
            return &r;
        }
    }
    return nullptr;
}

result<std::unique_ptr<router_identity>> router_identity::load(const config::config& cfg,
                                                               bool replace_foreign_params) {
    if (!cfg.router) {
        return fail("no 'router' section: a SEND router needs a key, a certificate chain and trust anchors");
    }
    const config::router_identity& rc = *cfg.router;
    std::unique_ptr<router_identity> id(new router_identity());

    auto key = send::rsa_private_key::load_file(rc.key_file);
    if (!key) {
        return fail("key " + rc.key_file + ": " + key.err().message);
    }
    id->_key = std::move(key.value());

    std::vector<send::certificate> chain;
    for (const auto& f : rc.cert_chain) {
        auto certs = send::certificate::load_file(f);
        if (!certs) {
            return fail("certificate " + f + ": " + certs.err().message);
        }
        chain.insert(chain.end(), certs->begin(), certs->end());
    }
    auto anchors = send::trust_store::load_files(rc.trust_anchors);
    if (!anchors) {
        return fail("trust anchors: " + anchors.err().message);
    }
    id->_anchors = std::move(anchors.value());

    send::certpath_options po;
    po.rsa_min_bits = cfg.limits.rsa_min_bits;
    po.rsa_max_bits = cfg.limits.rsa_max_bits;
    id->_path = send::validate_certpath(id->_anchors, chain, po);
    if (id->_path.reason != send::send_reason::ok) {
        std::string m = std::string("certification path does not validate: ") + send::to_string(id->_path.reason) +
                        " (" + send::describe(id->_path.reason) + ")";
        return fail(m);
    }
    if (id->_path.router_key.spki() != id->_key.public_key().spki()) {
        return fail("the router certificate (first of cert_chain) does not certify key " + rc.key_file);
    }
    id->_cpa_certs = send::cpa_certificates(id->_path);
    if (!id->_path.path.empty()) {
        // notAfter as seconds since 1970: the distance from the epoch in days and seconds.
        int days = 0;
        int secs = 0;
        ASN1_TIME* epoch = ASN1_TIME_set(nullptr, 0);
        if (epoch != nullptr &&
            ASN1_TIME_diff(&days, &secs, epoch, X509_get0_notAfter(id->_path.path.front().native())) == 1) {
            id->_not_after = std::int64_t{days} * 86400 + secs;
        }
        ASN1_TIME_free(epoch);
    }
    for (const auto& a : id->_anchors.anchors()) {
        id->_anchor_names.push_back(a.subject_der());
    }

    // The modifier: from the saved CGA Parameters, or one Hash2 search.
    send::cga_modifier modifier{};
    bool have_modifier = false;
    if (!rc.cga_params_file.empty() && file_exists(rc.cga_params_file)) {
        std::ifstream in(rc.cga_params_file, std::ios::binary);
        std::vector<std::uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        send::cga_params_view v;
        if (!in.good() && !in.eof()) {
            return fail("cga_params_file " + rc.cga_params_file + ": unreadable");
        }
        if (send::parse_cga_params(bytes, v) != send::cga_parse_status::ok) {
            return fail("cga_params_file " + rc.cga_params_file + ": not CGA Parameters (RFC 3972 §3)");
        }
        const bool foreign = !std::equal(v.public_key.begin(), v.public_key.end(),
                                         id->_key.public_key().spki().begin(), id->_key.public_key().spki().end());
        if (foreign && !replace_foreign_params) {
            return fail("cga_params_file " + rc.cga_params_file +
                        ": holds another public key than the certified one (delete it to generate anew)");
        }
        if (!foreign) {
            std::copy(v.modifier.begin(), v.modifier.end(), modifier.begin());
            have_modifier = true;
        }
    }
    const ipv6_addr ll_subnet = *ipv6_addr::parse("fe80::");
    if (!have_modifier) {
        send::cga_generate_request req;
        req.subnet = ll_subnet;
        req.public_key = id->_key.public_key().spki();
        req.sec = rc.cga_sec;
        auto g = send::cga_generate(req, {});
        if (!g) {
            return fail("CGA generation: " + g.err().message);
        }
        modifier = g->modifier;
        id->_iterations = g->hash2_iterations;
        if (!rc.cga_params_file.empty()) {
            std::ofstream out(rc.cga_params_file, std::ios::binary | std::ios::trunc);
            out.write(reinterpret_cast<const char*>(g->params.data()), static_cast<std::streamsize>(g->params.size()));
            if (!out) {
                return fail("cannot write cga_params_file " + rc.cga_params_file);
            }
        }
    }
    auto ll = form(ll_subnet, id->_key, rc.cga_sec, modifier, -1);
    if (!ll) {
        return fail(ll.err().message + (have_modifier ? " (cga_params_file's modifier does not satisfy cga_sec?)" : ""));
    }
    id->_addresses.push_back(std::move(ll.value()));

    for (std::size_t p = 0; p < cfg.ports.size(); ++p) {
        for (const auto& pfx : cfg.ports[p].addresses) {
            if (pfx.addr.is_link_local() || pfx.addr.is_multicast()) {
                continue;
            }
            const ipv6_addr sub = subnet64(pfx.addr);
            if (pfx.len > 64) {
                id->_warnings.push_back("port " + cfg.ports[p].name + ": " + pfx.to_string() +
                                        " is longer than /64; its CGA is formed in " + sub.to_string() + "/64");
            }
            bool dup = false;
            for (const auto& a : id->_addresses) {
                dup = dup || (a.port == static_cast<int>(p) && subnet64(a.address) == sub);
            }
            if (dup) {
                continue;
            }
            auto ga = form(sub, id->_key, rc.cga_sec, modifier, static_cast<int>(p));
            if (!ga) {
                return ga.err();
            }
            if (!id->_path.authorizes(ipv6_prefix{sub, 64})) {
                id->_warnings.push_back("port " + cfg.ports[p].name + ": " + sub.to_string() +
                                        "/64 lies outside the router certificate's RFC 3779 blocks");
            }
            id->_addresses.push_back(std::move(ga.value()));
        }
    }
    return id;
}

} // namespace mipgate::control
