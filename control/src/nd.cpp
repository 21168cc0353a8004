// RS → signed RA and NS (for one of the router's CGAs) → signed NA (RFC 4861 §6.2.6, §7.2.4 with
// RFC 3971 §5). A solicitation carrying SEND options must verify; an unsecured one is still
// answered (the answer creates no state here), and counted.

#include "service_impl.hpp"

#include "mipgate/wire/icmpv6.hpp"
#include "mipgate/wire/nd_messages.hpp"

namespace mipgate::control {

namespace {

constexpr std::size_t ns_options_offset = 24; // RFC 4861 §4.3
constexpr std::size_t rs_options_offset = 8;  // RFC 4861 §4.1

} // namespace

void send_service::impl::on_nd(std::uint16_t port, const mac_addr& src_mac, const wire::ipv6_view& v,
                               bytes_view ip) {
    const bytes_view icmp = v.upper(ip);
    const bool is_ns = icmp[0] == wire::icmp6_ns;
    counters.add(is_ns ? svc_counter::ns_received : svc_counter::rs_received);
    const ipv6_addr src = v.hdr->src_addr();
    const ipv6_addr dst = v.hdr->dst_addr();
    if (src.is_multicast()) {
        counters.add(svc_counter::nd_malformed);
        return;
    }
    if (v.hdr->hop_limit != 255) {
        counters.add(svc_counter::bad_hop_limit);
        return;
    }
    if (!wire::icmpv6_checksum_ok(src, dst, icmp)) {
        counters.add(svc_counter::bad_checksum);
        return;
    }
    const std::size_t off = is_ns ? ns_options_offset : rs_options_offset;
    if (icmp.size() >= off && wire::parse_nd_options(icmp.subspan(off)).status == wire::nd_status::zero_length) {
        counters.add(svc_counter::option_length_zero);
        return;
    }
    if (is_ns) {
        const auto ns = wire::parse_ns(icmp);
        if (!ns) {
            counters.add(svc_counter::nd_malformed);
            return;
        }
        const router_address* t = id.find(ns->target);
        if (t == nullptr || (t->port >= 0 && t->port != port)) {
            counters.add(svc_counter::ns_not_our_target);
            return;
        }
    } else if (!wire::parse_rs(icmp)) {
        counters.add(svc_counter::nd_malformed);
        return;
    }
    {
        std::lock_guard<std::mutex> lock(nd_mu);
        if (!nd_answers.take(mono_ns())) {
            counters.add(svc_counter::nd_answer_rate_limited);
            return;
        }
    }
    dispatch(job{port, src_mac, std::vector<std::uint8_t>(ip.begin(), ip.begin() + v.end)}, src);
}

void send_service::impl::handle_nd(signer_state& s, const job& j) {
    const bytes_view ip(j.ip);
    const wire::ipv6_view v = wire::parse_ipv6(ip);
    const bytes_view icmp = v.upper(ip);
    const bool is_ns = icmp[0] == wire::icmp6_ns;
    const ipv6_addr src = v.hdr->src_addr();
    const ipv6_addr dst = v.hdr->dst_addr();
    const std::size_t off = is_ns ? ns_options_offset : rs_options_offset;
    const wire::nd_option_list all = wire::parse_nd_options(icmp.subspan(off));
    const wire::nd_option_list opts = signed_part(all);
    const bytes_view nonce = nonce_of(opts);

    const bool secured = all.find(wire::nd_opt_cga) != nullptr || all.find(wire::nd_opt_rsa_sig) != nullptr;
    if (secured && !src.is_unspecified()) {
        send::send_message msg;
        msg.src = src;
        msg.dst = dst;
        msg.icmp = icmp;
        msg.options_offset = off;
        msg.nonce = send::nonce_rule::required; // solicitations carry a Nonce (RFC 3971 §5.3.2)
        msg.ifindex = j.port;
        msg.received = now();
        const send::send_reason r = s.verifier.verify(msg);
        if (r != send::send_reason::ok) {
            counters.add(r);
            return;
        }
    } else {
        counters.add(svc_counter::nd_unsecured);
    }

    // From :: the answer goes to all-nodes (RFC 4861 §7.2.4, §6.2.6), else unicast to the source.
    const bool to_all = src.is_unspecified();
    const ipv6_addr all_nodes = *ipv6_addr::parse("ff02::1");
    const ipv6_addr to = to_all ? all_nodes : src;
    const mac_addr eth = to_all ? ipv6_multicast_mac(all_nodes) : j.src_mac;
    std::optional<tx_frame> f;
    if (is_ns) {
        const router_address* t = id.find(wire::parse_ns(icmp)->target);
        f = build_na(j, *t, to, eth, !to_all, nonce);
    } else {
        f = build_ra(j, to, eth, nonce);
    }
    if (f && emit(std::move(*f))) {
        counters.add(is_ns ? svc_counter::na_sent : svc_counter::ra_sent);
    }
}

} // namespace mipgate::control
