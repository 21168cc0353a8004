// mipgate-mn messages: every field through lib/wire builders/parsers, every SEND operation
// through lib/send, the key decryption through lib/fmip.

#include "messages.hpp"

#include "mipgate/fmip/at.hpp"
#include "mipgate/fmip/handover_key.hpp"
#include "mipgate/send/cga.hpp"
#include "mipgate/send/nonce.hpp"
#include "mipgate/send/signature.hpp"
#include "mipgate/send/verify.hpp"
#include "mipgate/wire/checksum.hpp"
#include "mipgate/wire/fmip_messages.hpp"
#include "mipgate/wire/fmip_options.hpp"
#include "mipgate/wire/icmpv6.hpp"
#include "mipgate/wire/ipv6.hpp"
#include "mipgate/wire/send_messages.hpp"
#include "mipgate/wire/send_options.hpp"

#include <algorithm>
#include <cstring>

namespace mipgate::mn {
namespace {

constexpr std::size_t ip_hdr_len = 40;
constexpr std::size_t eth_hdr_len = 14;
constexpr std::size_t max_packet = 4096;

ipv6_addr all_routers() {
    return *ipv6_addr::parse("ff02::2");
}

/// Writes the IPv6 header in front of an ICMPv6 message of `icmp_len` bytes; shrinks `pkt`.
bool finish_ipv6(std::vector<std::uint8_t>& pkt, std::size_t icmp_len, const ipv6_addr& src,
                 const ipv6_addr& dst) {
    wire::ipv6_fields h;
    h.payload_len = static_cast<std::uint16_t>(icmp_len);
    h.next_header = wire::nh_icmpv6;
    h.hop_limit = 255; // RFC 4861 / RFC 5268 §6.1.1: link-scope ND-style message
    h.src = src;
    h.dst = dst;
    if (!wire::build_ipv6_hdr(bytes_mut(pkt).subspan(0, ip_hdr_len), h)) {
        return false;
    }
    pkt.resize(ip_hdr_len + icmp_len);
    return true;
}

} // namespace

std::vector<std::uint8_t> build_rtsolpr(const identity& id, const rtsolpr_fields& f) {
    std::vector<std::uint8_t> pkt(max_packet, 0);
    const bytes_mut icmp = bytes_mut(pkt).subspan(ip_hdr_len);
    const cga_address& me = id.source();
    ipv6_addr src = me.address;
    if (f.variant == rtsolpr_variant::cga_mismatch) {
        src.b[15] ^= 0x01; // Hash1 no longer matches the IID; the signature is still good
    }
    wire::fmip_msg m;
    m.subtype = wire::fmip_subtype_rtsolpr;
    m.identifier = f.identifier;
    auto hdr = wire::build_fmip(icmp, m);
    if (!hdr) {
        return {};
    }
    std::size_t len = hdr.len;
    bool ok = true;
    auto add = [&](wire::build_result r) {
        ok = ok && r.ok();
        len += r.len;
    };
    auto add_n = [&](std::size_t n) {
        ok = ok && n != 0;
        len += n;
    };
    add(wire::build_lla_fmip_opt(icmp.subspan(len), wire::lla_code_source, f.own_mac.b));
    add(wire::build_lla_fmip_opt(icmp.subspan(len), wire::lla_code_new_ap, f.ap_id));
    add(wire::build_hk_request_opt(icmp.subspan(len), static_cast<std::uint8_t>(f.at),
                                   id.hk_key.public_key().spki()));
    add_n(send::build_cga_option(icmp.subspan(len), me.params));
    add_n(send::build_timestamp_option(icmp.subspan(len), f.timestamp));
    add(wire::build_nonce_opt(icmp.subspan(len), f.nonce));
    if (!ok) {
        return {};
    }
    const std::size_t sig_at = len;
    len = send::append_rsa_signature(icmp, len, src, f.dst, id.cga_key);
    if (len == 0) {
        return {};
    }
    if (f.variant == rtsolpr_variant::bad_signature) {
        icmp[sig_at + send::rsa_sig_header_len + 7] ^= 0x40;
        icmp[2] = icmp[3] = 0;
        wire::icmpv6_fill_checksum(src, f.dst, icmp.subspan(0, len)); // only the signature is bad
    }
    if (!finish_ipv6(pkt, len, src, f.dst)) {
        return {};
    }
    return pkt;
}

std::vector<std::uint8_t> build_cps(const ipv6_addr& src, std::uint16_t identifier, bytes_view ta_subject) {
    std::vector<std::uint8_t> pkt(max_packet, 0);
    const bytes_mut icmp = bytes_mut(pkt).subspan(ip_hdr_len);
    wire::cps_msg m;
    m.identifier = identifier;
    m.component = wire::cps_all_components;
    auto hdr = wire::build_cps(icmp, m);
    if (!hdr) {
        return {};
    }
    auto ta = wire::build_trust_anchor_opt(icmp.subspan(hdr.len), wire::ta_name_der, ta_subject);
    if (!ta) {
        return {};
    }
    const std::size_t len = hdr.len + ta.len;
    const ipv6_addr dst = all_routers();
    if (!wire::icmpv6_fill_checksum(src, dst, icmp.subspan(0, len)) || !finish_ipv6(pkt, len, src, dst)) {
        return {};
    }
    return pkt;
}

mac_addr multicast_mac(const ipv6_addr& group) noexcept {
    mac_addr m;
    m.b = {0x33, 0x33, group.b[12], group.b[13], group.b[14], group.b[15]};
    return m;
}

std::vector<std::uint8_t> eth_frame(const mac_addr& dst, const mac_addr& src, bytes_view ipv6) {
    std::vector<std::uint8_t> f(eth_hdr_len + ipv6.size());
    std::memcpy(f.data(), dst.b.data(), 6);
    std::memcpy(f.data() + 6, src.b.data(), 6);
    store_be16(f.data() + 12, ethertype_ipv6);
    std::copy(ipv6.begin(), ipv6.end(), f.begin() + eth_hdr_len);
    return f;
}

std::optional<rx_packet> filter_frame(bytes_view frame, const std::vector<ipv6_addr>& ours) {
    if (frame.size() < eth_hdr_len + ip_hdr_len + 8 || load_be16(frame.data() + 12) != ethertype_ipv6) {
        return std::nullopt;
    }
    const bytes_view ip = frame.subspan(eth_hdr_len);
    const wire::ipv6_view v = wire::parse_ipv6(ip);
    if (!v.ok() || v.upper_proto != wire::nh_icmpv6 || v.is_fragment || v.upper_length < 8) {
        return std::nullopt;
    }
    const bytes_view icmp = v.upper(ip);
    const bool cpa = icmp[0] == wire::icmp6_cpa;
    const bool prrtadv = icmp[0] == wire::icmp6_fmip && icmp[4] == wire::fmip_subtype_prrtadv;
    if (!cpa && !prrtadv) {
        return std::nullopt;
    }
    const ipv6_addr dst = v.hdr->dst_addr();
    bool to_us = dst == *ipv6_addr::parse("ff02::1");
    for (const auto& a : ours) {
        to_us = to_us || dst == a || dst == solicited_node(a);
    }
    if (!to_us || !wire::icmpv6_checksum_ok(v.hdr->src_addr(), dst, icmp)) {
        return std::nullopt;
    }
    rx_packet p;
    std::memcpy(p.eth_src.b.data(), frame.data() + 6, 6);
    p.src = v.hdr->src_addr();
    p.dst = dst;
    p.hop_limit = v.hdr->hop_limit;
    p.icmp.assign(icmp.begin(), icmp.end());
    return p;
}

std::optional<cpa_part> parse_cpa_part(const rx_packet& p) {
    const auto cpa = wire::parse_cpa(p.icmp);
    if (!cpa || p.hop_limit != 255) {
        return std::nullopt;
    }
    cpa_part out;
    out.identifier = cpa->identifier;
    out.all_components = cpa->all_components;
    out.component = cpa->component;
    const auto opts = wire::parse_nd_options(cpa->options);
    if (!opts.ok()) {
        return std::nullopt;
    }
    for (const auto& o : opts) {
        if (o.type != wire::nd_opt_certificate) {
            continue;
        }
        const auto c = wire::parse_certificate_opt(o.raw);
        if (!c || c->cert_type != wire::cert_type_x509) {
            return std::nullopt;
        }
        out.certificates.emplace_back(c->certificate.begin(), c->certificate.end());
    }
    return out;
}

prrtadv_result check_prrtadv(const rx_packet& p, const identity& id, const rtsolpr_fields& sent,
                             const send::rsa_public_key& router_key) {
    prrtadv_result r;
    r.router = p.src;
    const auto m = wire::parse_fmip(p.icmp, wire::fmip_subtype_prrtadv);
    if (!m) {
        r.reason = "malformed PrRtAdv";
        return r;
    }
    r.code = m->code;
    if (p.hop_limit != 255) {
        r.reason = "PrRtAdv with Hop Limit " + std::to_string(p.hop_limit) + " (not from the link)";
        return r;
    }
    if (m->identifier != sent.identifier) {
        r.reason = "PrRtAdv answers another RtSolPr (identifier)";
        return r;
    }
    // RFC 3971 §5: CGA of the source, Key Hash naming the certified key, RSA signature,
    // timestamp window, and the nonce we sent echoed (§5.3.4.1).
    send::timestamp_cache ts(4);
    send::nonce_table nonces(4, send::send_seconds(60));
    const send::send_time now = send::send_time_now();
    nonces.add(sent.nonce, now);
    send::send_policy policy;
    policy.key_cache = 2;
    send::send_verifier verifier(policy, ts, &nonces);
    send::send_message msg;
    msg.src = p.src;
    msg.dst = p.dst;
    msg.icmp = p.icmp;
    msg.options_offset = 8;
    msg.nonce = send::nonce_rule::echo;
    msg.received = now;
    msg.known_key = &router_key;
    const send::send_reason why = verifier.verify(msg);
    if (why != send::send_reason::ok) {
        r.reason = std::string("PrRtAdv fails the SEND checks against the certified router key: ") + send::to_string(why) +
                   " (" + send::describe(why) + ")";
        return r;
    }
    r.verified = true;
    // Only options before the RSA Signature are covered by it.
    const auto all = wire::parse_nd_options(m->options);
    const wire::nd_option* hk = nullptr;
    for (const auto& o : all) {
        if (o.type == wire::nd_opt_rsa_sig) {
            break;
        }
        if (o.type == wire::nd_opt_hk_reply && hk == nullptr) {
            hk = &o;
        }
    }
    if (hk == nullptr) {
        r.reason = "signed PrRtAdv (code " + std::to_string(r.code) + ") without a Handover Key Reply: the router refused";
        return r;
    }
    r.has_hk_reply = true;
    const auto reply = wire::parse_hk_reply_opt(hk->raw);
    if (!reply) {
        r.reason = "malformed Handover Key Reply";
        return r;
    }
    r.at = reply->at;
    r.lifetime = reply->lifetime;
    if (!fmip::at_known(reply->at)) {
        r.reason = "Handover Key Reply with unknown AT " + std::to_string(reply->at);
        return r;
    }
    if (fmip::at_known(sent.at) && fmip::at_strength(reply->at) < fmip::at_strength(sent.at)) {
        r.reason = "granted AT " + std::to_string(reply->at) + " is weaker than the requested AT " +
                   std::to_string(sent.at);
        return r;
    }
    auto der = private_key_der(id.hk_key);
    if (!der) {
        r.reason = der.err().message;
        return r;
    }
    auto key = fmip::decrypt_handover_key(der->view(), reply->encrypted_key, fmip::at_key_len(reply->at));
    if (!key) {
        r.reason = "Handover Key Reply does not decrypt: " + key.err().message;
        return r;
    }
    r.key = std::move(key.value());
    r.ok = true;
    r.reason = "ok";
    return r;
}

} // namespace mipgate::mn
