// Reply frames: the signed PrRtAdv (RFC 5268 §6.1.2 + RFC 5269 §4.2 + RFC 3971 SEND options)
// and the CPA (RFC 3971 §6.4.2), wrapped in IPv6 (Hop Limit 255) and Ethernet.

#include "service_impl.hpp"

#include "mipgate/send/cga.hpp"
#include "mipgate/send/signature.hpp"
#include "mipgate/send/timestamp.hpp"
#include "mipgate/wire/fmip_messages.hpp"
#include "mipgate/wire/fmip_options.hpp"
#include "mipgate/wire/nd_messages.hpp"
#include "mipgate/wire/nd_option_codecs.hpp"
#include "mipgate/wire/send_messages.hpp"
#include "mipgate/wire/send_options.hpp"

#include <cstring>

namespace mipgate::control {

namespace {

constexpr std::size_t eth_len = 14;
constexpr std::size_t ip_len = 40;
constexpr std::size_t icmp_at = eth_len + ip_len;
constexpr std::size_t max_frame = 9216;

/// Ethernet + IPv6 headers in front of an ICMPv6 message of `icmp_len` bytes at icmp_at.
bool wrap(std::vector<std::uint8_t>& buf, std::size_t icmp_len, const mac_addr& dst_mac, const mac_addr& src_mac,
          const ipv6_addr& src, const ipv6_addr& dst) {
    std::memcpy(buf.data(), dst_mac.b.data(), 6);
    std::memcpy(buf.data() + 6, src_mac.b.data(), 6);
    buf[12] = 0x86;
    buf[13] = 0xdd;
    wire::ipv6_fields f;
    f.payload_len = static_cast<std::uint16_t>(icmp_len);
    f.next_header = wire::nh_icmpv6;
    f.hop_limit = 255;
    f.src = src;
    f.dst = dst;
    if (!wire::build_ipv6_hdr(bytes_mut(buf).subspan(eth_len, ip_len), f)) {
        return false;
    }
    buf.resize(icmp_at + icmp_len);
    return true;
}

bool lla_matches(bytes_view lla, const std::vector<std::uint8_t>& ap) {
    if (lla.size() < ap.size() || std::memcmp(lla.data(), ap.data(), ap.size()) != 0) {
        return false;
    }
    for (std::size_t i = ap.size(); i < lla.size(); ++i) {
        if (lla[i] != 0) { // the rest is the option's zero padding
            return false;
        }
    }
    return true;
}

/// Writes the [AP-ID, AR-Info] tuple for one neighbour router (RFC 5268 §6.1.2 options 1, 3, 3, 4).
std::size_t put_tuple(bytes_mut out, const nar_entry& n) {
    std::size_t len = 0;
    auto add = [&](wire::build_result r) {
        if (!r) {
            return false;
        }
        len += r.len;
        return true;
    };
    wire::ip_addr_opt ip{wire::ip_addr_code_nar_ip, 128, n.cfg.nar_address};
    const ipv6_prefix pm = n.cfg.nar_prefix.masked();
    wire::ip_addr_opt pfx{wire::ip_addr_code_nar_prefix, pm.len, pm.addr};
    if (!add(wire::build_lla_fmip_opt(out.subspan(len), wire::lla_code_new_ap, n.ap_id)) ||
        !add(wire::build_lla_fmip_opt(out.subspan(len), wire::lla_code_nar, n.cfg.nar_mac.b)) ||
        !add(wire::build_ip_addr_opt(out.subspan(len), ip)) ||
        !add(wire::build_ip_addr_opt(out.subspan(len), pfx))) {
        return 0;
    }
    return len;
}

} // namespace

mac_addr ipv6_multicast_mac(const ipv6_addr& group) noexcept {
    mac_addr m;
    m.b = {0x33, 0x33, group.b[12], group.b[13], group.b[14], group.b[15]};
    return m;
}

std::optional<tx_frame> send_service::impl::build_prrtadv(const job& j, const router_identity& as,
                                                          const ipv6_addr& dst, std::uint16_t identifier,
                                                          const wire::nd_option_list& rtsolpr_opts,
                                                          const hk_reply_fields* hk, bytes_view nonce) {
    std::vector<std::uint8_t> buf(max_frame, 0);
    const bytes_mut icmp = bytes_mut(buf).subspan(icmp_at);
    const port_info& port = ports[j.port];
    std::size_t len = 8;
    bool ok = true;
    auto add = [&](wire::build_result r) {
        ok = ok && r.ok();
        len += r.len;
    };

    // NAR information for the APs the MN named (LLA code 1), or every NAR for a wildcard (code 0).
    std::vector<std::uint8_t> nar_opts(4096, 0);
    std::size_t nlen = 0;
    unsigned asked = 0;
    unsigned known = 0;
    bool wildcard = false;
    std::vector<bytes_view> unknown;
    for (const auto& o : rtsolpr_opts) {
        if (o.type != wire::nd_opt_lla_fmip) {
            continue;
        }
        auto lla = wire::parse_lla_fmip_opt(o.raw);
        if (!lla) {
            continue;
        }
        if (lla->code == wire::lla_code_wildcard) {
            wildcard = true;
        } else if (lla->code == wire::lla_code_new_ap) {
            ++asked;
            const nar_entry* hit = nullptr;
            for (const auto& n : nars) {
                hit = (hit == nullptr && lla_matches(lla->lla, n.ap_id)) ? &n : hit;
            }
            if (hit != nullptr) {
                const std::size_t t = put_tuple(bytes_mut(nar_opts).subspan(nlen), *hit);
                nlen += t;
                known += t != 0 ? 1 : 0;
            } else {
                unknown.push_back(lla->lla);
            }
        }
    }
    if (wildcard && asked == 0) {
        for (const auto& n : nars) {
            const std::size_t t = put_tuple(bytes_mut(nar_opts).subspan(nlen), n);
            nlen += t;
            known += t != 0 ? 1 : 0;
        }
        asked = known;
    }
    // RFC 5268 §6.1.2: 0 = tuples for what was asked; 3 = for a subset; 2 = no new router
    // information (each unknown AP listed with LLA code 6, "no prefix information").
    std::uint8_t code = 0;
    if (known == 0) {
        code = 2;
        for (const auto& lla : unknown) {
            auto r = wire::build_lla_fmip_opt(bytes_mut(nar_opts).subspan(nlen), wire::lla_code_no_prefix, lla);
            nlen += r.ok() ? r.len : 0;
        }
    } else if (known < asked) {
        code = 3;
    }

    wire::fmip_msg m;
    m.subtype = wire::fmip_subtype_prrtadv;
    m.code = code;
    m.identifier = identifier;
    if (!wire::build_fmip(icmp.subspan(0, 8), m)) {
        counters.add(svc_counter::sign_failed);
        return std::nullopt;
    }
    add(wire::build_lla_fmip_opt(icmp.subspan(len), wire::lla_code_source, port.mac.b));
    if (ok && nlen <= icmp.size() - len) {
        std::memcpy(icmp.data() + len, nar_opts.data(), nlen);
        len += nlen;
    }
    if (hk != nullptr) {
        add(wire::build_hk_reply_opt(icmp.subspan(len), static_cast<std::uint8_t>(hk->at), hk->lifetime,
                                     hk->encrypted_key));
    }
    if (!ok) {
        counters.add(svc_counter::sign_failed);
        return std::nullopt;
    }
    return sign_and_wrap(std::move(buf), len, j.port, j.src_mac, as, as.link_local(), dst, nonce);
}

std::optional<tx_frame> send_service::impl::sign_and_wrap(std::vector<std::uint8_t>&& buf, std::size_t len,
                                                          std::uint16_t port, const mac_addr& eth_dst,
                                                          const router_identity& as, const router_address& me,
                                                          const ipv6_addr& dst, bytes_view nonce) {
    const bytes_mut icmp = bytes_mut(buf).subspan(icmp_at);
    const std::size_t cl = send::build_cga_option(icmp.subspan(len), me.cga_params);
    bool ok = cl != 0;
    len += cl;
    const std::size_t tl = send::build_timestamp_option(icmp.subspan(len), now());
    ok = ok && tl != 0;
    len += tl;
    if (!nonce.empty()) {
        const auto r = wire::build_nonce_opt(icmp.subspan(len), nonce);
        ok = ok && r.ok();
        len += r.len;
    }
    if (!ok) {
        counters.add(svc_counter::sign_failed);
        return std::nullopt;
    }
    // RFC 3971 §5.2: the RSA Signature is the last option.
    const std::size_t signed_len = send::append_rsa_signature(icmp, len, me.address, dst, as.key());
    if (signed_len == 0) {
        counters.add(svc_counter::sign_failed);
        return std::nullopt;
    }
    if (ip_len + signed_len > ports[port].mtu) {
        counters.add(svc_counter::reply_too_large);
        return std::nullopt;
    }
    if (!wrap(buf, signed_len, eth_dst, ports[port].mac, me.address, dst)) {
        counters.add(svc_counter::sign_failed);
        return std::nullopt;
    }
    return tx_frame{port, std::move(buf)};
}

std::optional<tx_frame> send_service::impl::build_ra(const job& j, const router_identity& as, const ipv6_addr& dst,
                                                     const mac_addr& eth_dst, bytes_view nonce,
                                                     std::uint16_t router_lifetime) {
    // RFC 4861 §4.2 / §6.2.1 defaults: Router Lifetime 1800 s, prefixes valid 30 days,
    // preferred 7 days; autonomous only for /64 (RFC 4862 §5.5.3).
    std::vector<std::uint8_t> buf(max_frame, 0);
    const bytes_mut icmp = bytes_mut(buf).subspan(icmp_at);
    const port_info& port = ports[j.port];
    wire::ra_msg m;
    m.cur_hop_limit = 64;
    m.router_lifetime = router_lifetime;
    auto h = wire::build_ra(icmp, m);
    bool ok = h.ok();
    std::size_t len = h.len;
    auto add = [&](wire::build_result r) {
        ok = ok && r.ok();
        len += r.len;
    };
    add(wire::build_lla_opt(icmp.subspan(len), wire::nd_opt_slla, port.mac));
    add(wire::build_mtu_opt(icmp.subspan(len), port.mtu));
    for (const auto& p : port_prefixes[j.port]) {
        if (p.addr.is_link_local() || p.addr.is_multicast()) {
            continue;
        }
        wire::prefix_info_opt pi;
        const ipv6_prefix pm = p.masked();
        pi.prefix = pm.addr;
        pi.prefix_len = pm.len;
        pi.flags = static_cast<std::uint8_t>(wire::prefix_flag_onlink | (pm.len == 64 ? wire::prefix_flag_autonomous : 0));
        pi.valid_lifetime = 2592000;
        pi.preferred_lifetime = 604800;
        add(wire::build_prefix_info_opt(icmp.subspan(len), pi));
    }
    if (!ok) {
        counters.add(svc_counter::sign_failed);
        return std::nullopt;
    }
    return sign_and_wrap(std::move(buf), len, j.port, eth_dst, as, as.link_local(), dst, nonce);
}

std::optional<tx_frame> send_service::impl::build_na(const job& j, const router_identity& as,
                                                     const router_address& target, const ipv6_addr& dst,
                                                     const mac_addr& eth_dst, bool solicited, bytes_view nonce) {
    std::vector<std::uint8_t> buf(max_frame, 0);
    const bytes_mut icmp = bytes_mut(buf).subspan(icmp_at);
    wire::na_msg m;
    m.flags = static_cast<std::uint8_t>(wire::na_flag_router | wire::na_flag_override |
                                        (solicited ? wire::na_flag_solicited : 0));
    m.target = target.address;
    auto h = wire::build_na(icmp, m);
    auto o = h ? wire::build_lla_opt(icmp.subspan(h.len), wire::nd_opt_tlla, ports[j.port].mac)
               : wire::build_result::fail(wire::build_error::no_space);
    if (!h || !o) {
        counters.add(svc_counter::sign_failed);
        return std::nullopt;
    }
    // The NA's source is the target CGA itself, so its CGA option carries that address's parameters.
    return sign_and_wrap(std::move(buf), h.len + o.len, j.port, eth_dst, as, target, dst, nonce);
}

std::optional<tx_frame> send_service::impl::build_cpa(std::uint16_t port, const router_identity& as,
                                                      const ipv6_addr& dst, std::uint16_t identifier,
                                                      std::uint16_t all, std::uint16_t component, bytes_view cert) {
    std::vector<std::uint8_t> buf(max_frame, 0);
    const bytes_mut icmp = bytes_mut(buf).subspan(icmp_at);
    wire::cpa_msg m;
    m.identifier = identifier;
    m.all_components = all;
    m.component = component;
    auto h = wire::build_cpa(icmp, m);
    if (!h) {
        counters.add(svc_counter::sign_failed);
        return std::nullopt;
    }
    auto c = wire::build_certificate_opt(icmp.subspan(h.len), wire::cert_type_x509, cert);
    if (!c) {
        counters.add(svc_counter::sign_failed);
        return std::nullopt;
    }
    const std::size_t len = h.len + c.len;
    const ipv6_addr& src = as.link_local().address;
    if (ip_len + len > ports[port].mtu) {
        counters.add(svc_counter::reply_too_large);
        return std::nullopt;
    }
    if (!wire::icmpv6_fill_checksum(src, dst, icmp.subspan(0, len)) ||
        !wrap(buf, len, ipv6_multicast_mac(dst), ports[port].mac, src, dst)) {
        counters.add(svc_counter::sign_failed);
        return std::nullopt;
    }
    return tx_frame{port, std::move(buf)};
}

} // namespace mipgate::control
