// `mipgate-mn provision`: the MN side of RFC 5269 over a real link.
//   1. identity (keys + CGAs) from --state or fresh;
//   2. CPS naming the trust anchor → CPA components until the path is complete (RFC 3971 §6.4);
//      path validated against the trust anchor (lib/send certpath);
//   3. signed RtSolPr with Handover Key Request → PrRtAdv signed by the certified key, our nonce
//      echoed, Handover Key Reply decrypted (RFC 5269 §3.2, §4).
// Never prints the handover key unless --show-key.

#include "af_link.hpp"
#include "commands.hpp"
#include "identity.hpp"
#include "messages.hpp"

#include "mipgate/send/certpath.hpp"
#include "mipgate/send/timestamp.hpp"
#include "mipgate/wire/icmpv6.hpp"

#include <openssl/rand.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <map>
#include <string>

namespace mipgate::mn {
namespace {

using clock_type = std::chrono::steady_clock;

double ms_since(clock_type::time_point t0) {
    return std::chrono::duration<double, std::milli>(clock_type::now() - t0).count();
}

std::string hex(bytes_view b) {
    static const char* d = "0123456789abcdef";
    std::string s;
    for (auto c : b) {
        s.push_back(d[c >> 4]);
        s.push_back(d[c & 15]);
    }
    return s;
}

std::string fmt_ms(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f", v);
    return buf;
}

struct report {
    bool ok = false;
    std::string stage;
    std::string reason;
    std::string mn_cga;
    std::string mn_link_local;
    bool state_created = false;
    std::string router;
    std::string router_mac;
    bool path_validated = false;
    std::size_t path_len = 0;
    int code = -1;
    int at = -1;
    int lifetime = -1;
    std::string key_hex; ///< only with --show-key
    double t_identity = 0, t_cps = 0, t_rtsolpr = 0, t_total = 0;
};

int finish(const options& o, report& r, int rc) {
    if (o.json) {
        std::string s = "{\"ok\": " + std::string(r.ok ? "true" : "false");
        s += ", \"reason\": " + json_str(r.reason);
        if (!r.stage.empty()) {
            s += ", \"stage\": " + json_str(r.stage);
        }
        if (!r.mn_cga.empty()) {
            s += ", \"mn_cga\": " + json_str(r.mn_cga) + ", \"mn_link_local\": " + json_str(r.mn_link_local);
            s += ", \"state_created\": " + std::string(r.state_created ? "true" : "false");
        }
        if (!r.router.empty()) {
            s += ", \"router\": " + json_str(r.router) + ", \"router_mac\": " + json_str(r.router_mac);
        }
        s += ", \"path_validated\": " + std::string(r.path_validated ? "true" : "false");
        s += ", \"path_len\": " + std::to_string(r.path_len);
        if (r.code >= 0) {
            s += ", \"code\": " + std::to_string(r.code);
        }
        if (r.at >= 0) {
            s += ", \"at\": " + std::to_string(r.at) + ", \"lifetime\": " + std::to_string(r.lifetime);
        }
        if (!r.key_hex.empty()) {
            s += ", \"key_hex\": " + json_str(r.key_hex);
        }
        s += ", \"timings_ms\": {\"identity\": " + fmt_ms(r.t_identity) + ", \"cps_cpa\": " + fmt_ms(r.t_cps) +
             ", \"rtsolpr_prrtadv\": " + fmt_ms(r.t_rtsolpr) + ", \"total\": " + fmt_ms(r.t_total) + "}}";
        std::printf("%s\n", s.c_str());
    } else {
        if (!r.mn_cga.empty()) {
            std::printf("MN CGA            %s%s\n", r.mn_cga.c_str(), r.state_created ? " (new identity)" : "");
            std::printf("MN link-local CGA %s\n", r.mn_link_local.c_str());
        }
        if (!r.router.empty()) {
            std::printf("router            %s (%s)\n", r.router.c_str(), r.router_mac.c_str());
        }
        std::printf("router path       %s\n",
                    r.path_validated ? ("validated against the trust anchor, " + std::to_string(r.path_len) +
                                        " certificate(s)").c_str()
                                     : "NOT validated");
        if (r.at >= 0) {
            std::printf("handover key      AT %d (%s), lifetime %d s\n", r.at,
                        r.at == 0 ? "HMAC-SHA1" : "HMAC-SHA256", r.lifetime);
        }
        if (!r.key_hex.empty()) {
            std::printf("key               %s\n", r.key_hex.c_str());
        }
        std::printf("timings           identity %s ms, CPS/CPA %s ms, RtSolPr/PrRtAdv %s ms, total %s ms\n",
                    fmt_ms(r.t_identity).c_str(), fmt_ms(r.t_cps).c_str(), fmt_ms(r.t_rtsolpr).c_str(),
                    fmt_ms(r.t_total).c_str());
        std::printf("result            %s%s%s\n", r.ok ? "OK" : "FAILED", r.ok ? "" : ": ",
                    r.ok ? "" : r.reason.c_str());
    }
    std::fflush(stdout);
    if (!r.ok && !o.json) {
        std::fprintf(stderr, "mipgate-mn: %s%s%s\n", r.stage.empty() ? "" : r.stage.c_str(),
                     r.stage.empty() ? "" : ": ", r.reason.c_str());
    }
    return rc;
}

int fail(const options& o, report& r, clock_type::time_point t0, int rc, const std::string& stage,
         const std::string& reason) {
    r.ok = false;
    r.stage = stage;
    r.reason = reason;
    r.t_total = ms_since(t0);
    return finish(o, r, rc);
}

} // namespace

std::string json_str(const std::string& s) {
    std::string out = "\"";
    for (char c : s) {
        if (c == '"' || c == '\\') {
            out.push_back('\\');
            out.push_back(c);
        } else if (static_cast<unsigned char>(c) < 0x20) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(static_cast<unsigned char>(c)));
            out += buf;
        } else {
            out.push_back(c);
        }
    }
    return out + "\"";
}

int run_provision(const options& o) {
    const auto t0 = clock_type::now();
    report r;
    const auto timeout = std::chrono::duration_cast<clock_type::duration>(std::chrono::duration<double>(o.timeout_s));

    // Trust anchor: the DER subject for the CPS and the store for path validation.
    auto anchors = send::certificate::load_file(o.trust_anchor);
    if (!anchors || anchors->empty()) {
        return fail(o, r, t0, exit_usage, "setup",
                    "cannot load trust anchor " + o.trust_anchor + (anchors ? "" : ": " + anchors.err().message));
    }
    auto store = send::trust_store::from_certificates(*anchors);
    if (!store) {
        return fail(o, r, t0, exit_usage, "setup", "trust anchor: " + store.err().message);
    }
    const auto ta_subject = anchors->front().subject_der();

    // 1. Identity.
    identity_request req;
    req.bits = o.bits;
    req.sec = o.sec;
    req.global_prefix = o.prefix;
    bool created = true;
    auto idr = o.state.empty() ? generate_identity(req) : load_or_create(o.state, req, created);
    if (!idr) {
        return fail(o, r, t0, exit_usage, "identity", idr.err().message);
    }
    const identity& id = *idr;
    r.state_created = created;
    r.mn_cga = id.source().address.to_string();
    r.mn_link_local = id.link_local.address.to_string();
    r.t_identity = ms_since(t0);

    auto link = af_link::open(o.iface);
    if (!link) {
        return fail(o, r, t0, exit_usage, "link", link.err().message);
    }
    std::vector<ipv6_addr> ours{id.link_local.address};
    if (id.global) {
        ours.push_back(id.global->address);
    }

    // 2. CPS → CPA until every component arrived.
    const auto t_cps = clock_type::now();
    std::uint16_t cps_id = 0;
    if (RAND_bytes(reinterpret_cast<unsigned char*>(&cps_id), sizeof cps_id) != 1) {
        return fail(o, r, t0, exit_usage, "cps", "CSPRNG failed");
    }
    cps_id = static_cast<std::uint16_t>(cps_id | 1); // 0 is for unsolicited CPAs
    const auto cps = build_cps(id.link_local.address, cps_id, ta_subject);
    const mac_addr router_eth = o.router_mac.value_or(multicast_mac(*ipv6_addr::parse("ff02::2")));
    const auto cps_frame = eth_frame(router_eth, link->mac(), cps);
    std::map<std::uint16_t, std::vector<std::vector<std::uint8_t>>> parts;
    int all_components = -1;
    ipv6_addr cpa_src;
    mac_addr cpa_mac;
    const auto cps_deadline = clock_type::now() + timeout;
    auto next_send = clock_type::now();
    while (clock_type::now() < cps_deadline &&
           (all_components < 0 || parts.size() < static_cast<std::size_t>(all_components))) {
        if (clock_type::now() >= next_send) {
            if (auto s = link->send(cps_frame); !s) {
                return fail(o, r, t0, exit_usage, "cps", s.err().message);
            }
            next_send = clock_type::now() + std::chrono::seconds(1); // RFC 3971 §6.4.1 retransmit
        }
        auto f = link->receive(std::min(cps_deadline, next_send));
        if (!f) {
            return fail(o, r, t0, exit_usage, "cps", f.err().message);
        }
        if (f->empty()) {
            continue;
        }
        auto p = filter_frame(*f, ours);
        if (!p || p->icmp[0] != wire::icmp6_cpa) {
            continue;
        }
        auto part = parse_cpa_part(*p);
        if (!part || (part->identifier != cps_id && part->identifier != 0) || part->all_components == 0 ||
            part->component >= part->all_components) {
            continue;
        }
        if (all_components >= 0 && part->all_components != all_components) {
            parts.clear(); // the router's path changed mid-way: start over
        }
        all_components = part->all_components;
        parts[part->component] = std::move(part->certificates);
        cpa_src = p->src;
        cpa_mac = p->eth_src;
    }
    r.t_cps = ms_since(t_cps);
    if (all_components < 0) {
        return fail(o, r, t0, exit_protocol, "cps", "no CPA: no router answered the CPS for this trust anchor");
    }
    if (parts.size() < static_cast<std::size_t>(all_components)) {
        return fail(o, r, t0, exit_protocol, "cps",
                    "incomplete certification path: " + std::to_string(parts.size()) + " of " +
                        std::to_string(all_components) + " CPA components");
    }
    // Component 0 holds the router's certificate, N−1 the one the anchor issued (RFC 3971 §6.4.2);
    // validate_certpath wants the router first.
    std::vector<send::certificate> chain;
    for (auto& [component, certs] : parts) {
        for (auto it = certs.rbegin(); it != certs.rend(); ++it) {
            auto c = send::certificate::from_der(*it);
            if (!c) {
                return fail(o, r, t0, exit_protocol, "path", "CPA certificate does not parse: " + c.err().message);
            }
            chain.push_back(std::move(c.value()));
        }
    }
    const auto path = send::validate_certpath(*store, chain);
    if (path.reason != send::send_reason::ok) {
        return fail(o, r, t0, exit_protocol, "path",
                    std::string("router certification path invalid: ") + send::to_string(path.reason) + " (" +
                        send::describe(path.reason) + ")");
    }
    r.path_validated = true;
    r.path_len = path.path.size();
    r.router = cpa_src.to_string();
    r.router_mac = cpa_mac.to_string();

    // 3. Signed RtSolPr → PrRtAdv.
    const auto t_rt = clock_type::now();
    rtsolpr_fields f;
    f.at = o.at;
    f.ap_id = o.ap_id;
    f.own_mac = link->mac();
    f.dst = *ipv6_addr::parse("ff02::2");
    f.nonce.resize(6);
    if (RAND_bytes(f.nonce.data(), 6) != 1 ||
        RAND_bytes(reinterpret_cast<unsigned char*>(&f.identifier), sizeof f.identifier) != 1) {
        return fail(o, r, t0, exit_usage, "rtsolpr", "CSPRNG failed");
    }
    f.timestamp = send::send_time_now();
    const auto rt = build_rtsolpr(id, f);
    if (rt.empty()) {
        return fail(o, r, t0, exit_usage, "rtsolpr", "cannot build the RtSolPr");
    }
    if (auto s = link->send(eth_frame(router_eth, link->mac(), rt)); !s) {
        return fail(o, r, t0, exit_usage, "rtsolpr", s.err().message);
    }
    const auto rt_deadline = clock_type::now() + timeout;
    std::string last_bad;
    while (clock_type::now() < rt_deadline) {
        auto fr = link->receive(rt_deadline);
        if (!fr) {
            return fail(o, r, t0, exit_usage, "rtsolpr", fr.err().message);
        }
        if (fr->empty()) {
            break;
        }
        auto p = filter_frame(*fr, {id.source().address});
        if (!p || p->icmp[0] != wire::icmp6_fmip || p->dst != id.source().address) {
            continue;
        }
        auto res = check_prrtadv(*p, id, f, path.router_key);
        if (!res.verified) {
            last_bad = res.reason; // unsigned/forged/other: keep waiting for a genuine answer
            continue;
        }
        r.t_rtsolpr = ms_since(t_rt);
        r.router = res.router.to_string();
        r.router_mac = p->eth_src.to_string();
        r.code = res.code;
        if (res.has_hk_reply) {
            r.at = static_cast<int>(res.at);
            r.lifetime = res.lifetime;
        }
        if (!res.ok) {
            return fail(o, r, t0, exit_protocol, "prrtadv", res.reason);
        }
        if (o.show_key) {
            r.key_hex = hex(res.key.view()); // the MN's own key, asked for explicitly
        }
        r.ok = true;
        r.reason = "ok";
        r.t_total = ms_since(t0);
        return finish(o, r, exit_ok);
    }
    r.t_rtsolpr = ms_since(t_rt);
    return fail(o, r, t0, exit_protocol, "prrtadv",
                last_bad.empty() ? "no PrRtAdv answered the RtSolPr" : "no valid PrRtAdv; last refused: " + last_bad);
}

} // namespace mipgate::mn
