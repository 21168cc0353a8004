// RS → signed RA and NS (for one of the router's CGAs) → signed NA (RFC 4861 §6.2.6, §7.2.4 with
// RFC 3971 §5). A solicitation carrying SEND options must verify; an unsecured one is still
// answered (the answer creates no state here), and counted.

#include "service_impl.hpp"

#include "mipgate/wire/icmpv6.hpp"
#include "mipgate/wire/nd_messages.hpp"

#include <random>

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
        const identity_set::hit t = identities()->find(ns->target);
        if (t.addr == nullptr || (t.addr->port >= 0 && t.addr->port != port)) {
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
    dispatch(job::packet(port, src_mac, ip.subspan(0, v.end)), src);
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
    const std::shared_ptr<const identity_set> set = identities();
    if (is_ns) {
        // The owner may have been retired since on_nd checked it: then there is nothing to say.
        const identity_set::hit t = set->find(wire::parse_ns(icmp)->target);
        if (t.addr == nullptr) {
            counters.add(svc_counter::ns_not_our_target);
            return;
        }
        f = build_na(j, *t.id, *t.addr, to, eth, !to_all, nonce);
    } else {
        f = build_ra(j, *set->current, to, eth, nonce);
    }
    if (f && emit(std::move(*f))) {
        counters.add(is_ns ? svc_counter::na_sent : svc_counter::ra_sent);
    }
}

std::vector<bool> send_service::impl::ra_ports(const router_identity& who) const {
    std::vector<bool> on(ports.size(), false);
    for (const auto& a : who.addresses()) {
        if (a.port >= 0 && static_cast<std::size_t>(a.port) < on.size()) {
            on[static_cast<std::size_t>(a.port)] = true;
        }
    }
    return on;
}

std::uint64_t send_service::impl::ra_interval_ns(bool initial) {
    // RFC 4861 §6.2.4: uniform in [MinRtrAdvInterval, MaxRtrAdvInterval]; the first
    // MAX_INITIAL_RTR_ADVERTISEMENTS are capped at MAX_INITIAL_RTR_ADVERT_INTERVAL (16 s).
    constexpr std::uint64_t max_initial_ms = 16000;
    std::uniform_int_distribution<std::uint64_t> d(ra_min_ms, ra_max_ms);
    std::uint64_t ms = d(rng);
    if (initial) {
        ms = std::min(ms, max_initial_ms);
    }
    return ms * 1000000ull;
}

unsigned send_service::tick(std::uint64_t now_ns) {
    constexpr unsigned max_initial_advertisements = 3; // RFC 4861 §10
    impl& m = *_impl;
    unsigned queued = 0;

    // Rotated-out identities whose grace period ended: publish the set without them.
    bool retired = false;
    for (auto it = m.retire_at.begin(); it != m.retire_at.end();) {
        if (now_ns < it->until_ns) {
            ++it;
            continue;
        }
        auto cur = m.identities();
        auto next = std::make_shared<identity_set>(*cur);
        std::erase_if(next->retiring, [&](const auto& p) { return p.get() == it->id; });
        m.ids.store(std::move(next), std::memory_order_release);
        it = m.retire_at.erase(it);
        retired = true;
    }
    if (retired && m.on_retired) {
        m.on_retired();
    }

    const std::shared_ptr<const identity_set> set = m.identities();
    if (m.restart_ra) {
        m.restart_ra = false;
        const std::vector<bool> on = m.ra_ports(*set->current);
        m.ra_timers.assign(m.ports.size(), impl::ra_timer{});
        for (std::size_t p = 0; p < on.size(); ++p) {
            if (on[p]) {
                m.ra_timers[p].armed = true;
                m.ra_timers[p].initial_left = max_initial_advertisements;
                m.ra_timers[p].next_ns = m.ra_now ? now_ns : now_ns + m.ra_interval_ns(true);
            }
        }
        m.ra_now = false;
    }
    for (std::size_t p = 0; p < m.ra_timers.size(); ++p) {
        impl::ra_timer& t = m.ra_timers[p];
        if (!t.armed || now_ns < t.next_ns) {
            continue;
        }
        job j;
        j.kind = job_kind::unsolicited_ra;
        j.port = static_cast<std::uint16_t>(p);
        m.dispatch(std::move(j), set->current->link_local().address);
        ++queued;
        const bool initial = t.initial_left > 1;
        t.initial_left = t.initial_left > 0 ? t.initial_left - 1 : 0;
        t.next_ns = now_ns + m.ra_interval_ns(initial);
    }
    return queued;
}

void send_service::impl::handle_unsolicited_ra(const job& j) {
    // RFC 3971 §7: an unsolicited RA carries CGA, Timestamp and RSA Signature, but no Nonce.
    const std::shared_ptr<const identity_set> set = identities();
    const router_identity& as = j.as ? *j.as : *set->current;
    const ipv6_addr all_nodes = *ipv6_addr::parse("ff02::1");
    auto f = build_ra(j, as, all_nodes, ipv6_multicast_mac(all_nodes), {}, j.router_lifetime);
    if (f && emit(std::move(*f))) {
        counters.add(svc_counter::ra_unsolicited_sent);
    }
}

} // namespace mipgate::control
