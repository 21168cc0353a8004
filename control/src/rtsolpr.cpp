// Signer side of the RtSolPr path (RFC 5269 §3.2): replay check, SEND verification, the §4.1
// key-parameter rule, then — only for a verified message (§5) — get-or-create of the key,
// RSAES-PKCS1-v1_5 encryption and the signed PrRtAdv. Every refusal: PrRtAdv without HK Reply.

#include "service_impl.hpp"

#include "mipgate/fmip/handover_key.hpp"
#include "mipgate/log/log.hpp"
#include "mipgate/send/cga.hpp"
#include "mipgate/wire/fmip_messages.hpp"
#include "mipgate/wire/send_options.hpp"

namespace mipgate::control {

bytes_view nonce_of(const wire::nd_option_list& opts) noexcept {
    const wire::nd_option* o = opts.find(wire::nd_opt_nonce);
    if (o == nullptr) {
        return {};
    }
    auto n = wire::parse_nonce_opt(o->raw);
    return n ? n->nonce : bytes_view{};
}

wire::nd_option_list signed_part(const wire::nd_option_list& all) noexcept {
    wire::nd_option_list out;
    out.status = all.status;
    for (const auto& o : all) {
        if (o.type == wire::nd_opt_rsa_sig) {
            break;
        }
        out.opts[out.count++] = o;
    }
    return out;
}

void send_service::impl::handle_rtsolpr(signer_state& s, const job& j) {
    const bytes_view ip(j.ip);
    const wire::ipv6_view v = wire::parse_ipv6(ip);
    const bytes_view icmp = v.upper(ip);
    const ipv6_addr src = v.hdr->src_addr();
    const ipv6_addr dst = v.hdr->dst_addr();
    const wire::nd_option_list opts = signed_part(wire::parse_nd_options(icmp.subspan(8)));
    const bytes_view nonce = nonce_of(opts);
    const send::send_time now = this->now();

    const wire::nd_option* hk_opt = opts.find(wire::nd_opt_hk_request);
    if (hk_opt == nullptr) {
        counters.add(svc_counter::hk_request_missing);
        MG_LOG_INFO(send, "RtSolPr from %s refused: hk_request_missing", src.to_string().c_str());
        fail_reply(j, v, icmp, opts, nonce);
        return;
    }
    // A copy of a solicitation that already verified: refused before any RSA work.
    if (!nonce.empty() && s.replays.contains(src, nonce, now)) {
        counters.add(svc_counter::replayed_nonce);
        MG_LOG_INFO(send, "RtSolPr from %s refused: replayed_nonce", src.to_string().c_str());
        fail_reply(j, v, icmp, opts, nonce);
        return;
    }
    send::send_message msg;
    msg.src = src;
    msg.dst = dst;
    msg.icmp = icmp;
    msg.options_offset = 8;
    msg.nonce = send::nonce_rule::required;
    msg.ifindex = j.port;
    msg.received = now;
    send::send_verified ver;
    const send::send_reason r = s.verifier.verify(msg, &ver);
    if (r != send::send_reason::ok) {
        counters.add(r);
        MG_LOG_INFO(send, "RtSolPr from %s refused: SEND verification: %s", src.to_string().c_str(),
                    send::to_string(r));
        fail_reply(j, v, icmp, opts, nonce);
        return;
    }
    s.replays.add(src, ver.nonce, now);

    // RFC 5269 §4.1: the HK-Encryption key has the CGA key's algorithm and size.
    const auto hk = wire::parse_hk_request_opt(hk_opt->raw);
    send::cga_params_view cga;
    if (!hk || send::parse_cga_params(ver.cga_params, cga) != send::cga_parse_status::ok ||
        !fmip::check_same_key_params(hk->public_key, cga.public_key)) {
        counters.add(svc_counter::hk_key_mismatch);
        MG_LOG_INFO(send, "RtSolPr from %s refused: hk_key_mismatch", src.to_string().c_str());
        fail_reply(j, v, icmp, opts, nonce);
        return;
    }
    auto pk = fmip::hk_public_key::parse(hk->public_key, policy.rsa_min_bits, policy.rsa_max_bits);
    if (!pk) {
        counters.add(svc_counter::hk_key_mismatch);
        MG_LOG_INFO(send, "RtSolPr from %s refused: hk_key_mismatch", src.to_string().c_str());
        fail_reply(j, v, icmp, opts, nonce);
        return;
    }

    key_grant g;
    switch (keys.get_or_create(src, hk->at, g)) {
    case grant_status::granted: break;
    case grant_status::table_full:
        counters.add(svc_counter::key_table_full);
        MG_LOG_INFO(send, "RtSolPr from %s refused: key_table_full", src.to_string().c_str());
        fail_reply(j, v, icmp, opts, nonce);
        return;
    case grant_status::no_enabled_at:
        counters.add(svc_counter::no_enabled_at);
        MG_LOG_INFO(send, "RtSolPr from %s refused: no_enabled_at", src.to_string().c_str());
        fail_reply(j, v, icmp, opts, nonce);
        return;
    case grant_status::failed:
        counters.add(svc_counter::key_generate_failed);
        MG_LOG_INFO(send, "RtSolPr from %s refused: key_generate_failed", src.to_string().c_str());
        fail_reply(j, v, icmp, opts, nonce);
        return;
    }
    counters.add(g.created ? svc_counter::key_created : svc_counter::key_reused);
    // CGA, AT, lifetime and a key check value only: never the key bytes.
    if (g.created) {
        MG_LOG_INFO(keys, "handover key created for %s: AT %u, lifetime %u s, KCV %s", src.to_string().c_str(), g.at,
                    g.lifetime_s, key_check_value(g.key.view()).c_str());
    } else {
        MG_LOG_DEBUG(keys, "handover key reused for %s: AT %u, %u s left, KCV %s", src.to_string().c_str(), g.at,
                     g.lifetime_s, key_check_value(g.key.view()).c_str());
    }
    note_mn_link_layer(src, j.src_mac, opts);
    auto ct = pk->encrypt(g.key.view());
    if (!ct) {
        counters.add(svc_counter::encrypt_failed);
        MG_LOG_INFO(send, "RtSolPr from %s refused: encrypt_failed", src.to_string().c_str());
        fail_reply(j, v, icmp, opts, nonce);
        return;
    }
    const hk_reply_fields reply{g.at, static_cast<std::uint16_t>(std::min<std::uint32_t>(g.lifetime_s, 0xffff)),
                                bytes_view(*ct)};
    const auto fm = wire::parse_fmip(icmp, wire::fmip_subtype_rtsolpr);
    // Answered by the identity the MN addressed (a rotated-out one until it retires), else the
    // current one (RtSolPr to all-routers).
    const std::shared_ptr<const identity_set> set = identities();
    auto frame = build_prrtadv(j, set->for_destination(dst), src, fm->identifier, opts, &reply, ver.nonce);
    if (!frame) {
        return; // counted by the builder
    }
    if (emit(std::move(*frame))) {
        counters.add(svc_counter::prrtadv_sent);
        counters.add(svc_counter::hk_reply_sent);
        MG_LOG_DEBUG(send, "RtSolPr from %s accepted: PrRtAdv with Handover Key Reply (AT %u)",
                     src.to_string().c_str(), g.at);
    }
}

void send_service::impl::note_mn_link_layer(const ipv6_addr& cga, const mac_addr& eth_src,
                                            const wire::nd_option_list& opts) {
    // FMIPv6: the PAR's HI names the MN's link-layer address (RFC 5268 §6.2.1); the RtSolPr's
    // own LLA option (code 4) says it, else the frame's source does.
    mac_addr mac = eth_src;
    for (const auto& o : opts) {
        if (o.type != wire::nd_opt_lla_fmip) {
            continue;
        }
        auto lla = wire::parse_lla_fmip_opt(o.raw);
        if (lla && lla->code == wire::lla_code_source && lla->lla.size() >= 6) {
            mac = lla->mac();
            break;
        }
    }
    keys.note_link_layer(cga, mac);
}

void send_service::impl::fail_reply(const job& j, const wire::ipv6_view& v, bytes_view icmp,
                                    const wire::nd_option_list& opts, bytes_view nonce) {
    {
        std::lock_guard<std::mutex> lock(fail_mu);
        if (!fail_replies.take(mono_ns())) {
            counters.add(svc_counter::failure_reply_rate_limited);
            return;
        }
    }
    const auto fm = wire::parse_fmip(icmp, wire::fmip_subtype_rtsolpr);
    const std::shared_ptr<const identity_set> set = identities();
    auto frame = build_prrtadv(j, set->for_destination(v.hdr->dst_addr()), v.hdr->src_addr(),
                               fm ? fm->identifier : 0, opts, nullptr, nonce);
    if (frame && emit(std::move(*frame))) {
        counters.add(svc_counter::prrtadv_sent);
        counters.add(svc_counter::failure_reply_sent);
    }
}

} // namespace mipgate::control
