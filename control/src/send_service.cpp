// send_service: creation, the control-lcore dispatch (cheap checks, rate limits, signer choice),
// the signer threads and the reply queue.

#include "service_impl.hpp"

#include "mipgate/log/log.hpp"
#include "mipgate/wire/fmip_messages.hpp"
#include "mipgate/wire/icmpv6.hpp"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <pthread.h>
#include <random>
#include <string>

namespace mipgate::control {

signer_state::signer_state(const send::send_policy& policy, const config::limits_cfg& lim,
                           std::size_t replay_entries)
    : timestamps(lim.timestamp_cache,
                 send::timestamp_params::from_seconds(lim.timestamp_delta_s, lim.timestamp_fuzz_s,
                                                      lim.timestamp_drift_pct)),
      verifier(policy, timestamps, nullptr),
      replays(replay_entries, send::send_seconds(lim.timestamp_delta_s)) {}

std::vector<std::uint8_t> parse_ap_id(const std::string& text) {
    std::vector<std::uint8_t> out;
    std::size_t i = 0;
    auto hexval = [](char c) -> int {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
    };
    while (i < text.size()) {
        if (i + 1 >= text.size() + 0 || hexval(text[i]) < 0 || hexval(text[i + 1]) < 0) {
            return {};
        }
        out.push_back(static_cast<std::uint8_t>(hexval(text[i]) * 16 + hexval(text[i + 1])));
        i += 2;
        if (i < text.size()) {
            if (text[i] != ':' && text[i] != '-') {
                return {};
            }
            ++i;
        }
    }
    if (out.size() > 32) {
        return {};
    }
    return out;
}

identity_set::hit identity_set::find(const ipv6_addr& a) const noexcept {
    if (const router_address* r = current->find(a)) {
        return hit{current.get(), r};
    }
    for (const auto& old : retiring) {
        if (const router_address* r = old->find(a)) {
            return hit{old.get(), r};
        }
    }
    return {};
}

const router_identity& identity_set::for_destination(const ipv6_addr& dst) const noexcept {
    if (retiring.empty() || current->find(dst) != nullptr) {
        return *current;
    }
    for (const auto& old : retiring) {
        for (const auto& a : old->addresses()) {
            if (a.address == dst || solicited_node(a.address) == dst) {
                // A solicited-node group both share (same low 24 bits) stays with the current one.
                for (const auto& c : current->addresses()) {
                    if (solicited_node(c.address) == dst) {
                        return *current;
                    }
                }
                return *old;
            }
        }
    }
    return *current;
}

send_service::impl::impl(const config::config& c, std::shared_ptr<const router_identity> id_, key_service& keys_,
                         service_counters& ctr, std::vector<port_info> ports_, service_options o)
    : keys(keys_), counters(ctr), limits(c.limits), opts(std::move(o)), ports(std::move(ports_)),
      per_source(c.limits.rtsolpr_rate_per_source, c.limits.rtsolpr_rate_per_source, opts.max_rate_sources),
      global(c.limits.rtsolpr_rate_global, c.limits.rtsolpr_rate_global),
      cpa(c.limits.max_cpa_rate, c.limits.max_cpa_rate),
      nd_answers(opts.nd_answer_rate, opts.nd_answer_rate),
      fail_replies(opts.failure_reply_rate, opts.failure_reply_rate) {
    policy.rsa_min_bits = c.limits.rsa_min_bits;
    policy.rsa_max_bits = c.limits.rsa_max_bits;
    policy.cga_max_sec = c.limits.cga_max_sec;
    policy.require_cga = true;
    for (const auto& p : c.ports) {
        port_prefixes.push_back(p.addresses);
    }
    for (const auto& n : c.neighbor_routers) {
        nars.push_back(nar_entry{parse_ap_id(n.ap_id), n});
    }
    auto set = std::make_shared<identity_set>();
    set->current = std::move(id_);
    ids.store(std::move(set));
    if (c.router) {
        ra_min_ms = std::uint64_t{c.router->ra_interval_min_s} * 1000;
        ra_max_ms = std::max(ra_min_ms, std::uint64_t{c.router->ra_interval_max_s} * 1000);
    }
    rng.seed(std::random_device{}());
}

result<std::unique_ptr<send_service>> send_service::create(const config::config& cfg, const router_identity& id,
                                                           key_service& keys, std::vector<port_info> ports,
                                                           service_options opts) {
    // Not owned: the caller keeps `id` alive (aliasing constructor with an empty owner).
    return create(cfg, std::shared_ptr<const router_identity>(std::shared_ptr<void>(), &id), keys,
                  std::move(ports), std::move(opts));
}

result<std::unique_ptr<send_service>> send_service::create(const config::config& cfg,
                                                           std::shared_ptr<const router_identity> id,
                                                           key_service& keys, std::vector<port_info> ports,
                                                           service_options opts) {
    if (!id) {
        return make_error(EINVAL, "send service: no router identity");
    }
    if (ports.size() != cfg.ports.size()) {
        return make_error(EINVAL, "send service: port list does not match the configuration");
    }
    for (const auto& n : cfg.neighbor_routers) {
        if (parse_ap_id(n.ap_id).empty()) {
            return make_error(EINVAL, "send service: neighbor router ap_id '" + n.ap_id + "' is not hex octets");
        }
    }
    std::unique_ptr<send_service> s(new send_service(keys));
    s->_impl = std::make_unique<impl>(cfg, std::move(id), keys, s->_counters, std::move(ports), std::move(opts));
    impl& m = *s->_impl;
    const unsigned n = std::max(1u, m.opts.signer_threads);
    for (unsigned i = 0; i < n; ++i) {
        m.signers.push_back(std::make_unique<signer_state>(m.policy, m.limits, m.opts.replay_cache));
    }
    if (m.opts.signer_threads > 0) {
        unsigned idx = 0;
        for (auto& sg : m.signers) {
            signer_state* st = sg.get();
            st->thread = std::thread([&m, st] { m.run_signer(*st); });
            // Named so top -H, ps -L and the bench's thread table tell signers apart (≤ 15 chars).
            const std::string name = "mg-signer-" + std::to_string(idx++);
            pthread_setname_np(st->thread.native_handle(), name.c_str());
        }
    }
    return s;
}

send_service::send_service(key_service& keys) : _keys(keys) {}

std::shared_ptr<const router_identity> send_service::identity() const { return _impl->identities()->current; }

std::vector<ipv6_addr> send_service::addresses() const {
    const auto set = _impl->identities();
    std::vector<ipv6_addr> out;
    for (const auto& a : set->current->addresses()) {
        out.push_back(a.address);
    }
    for (const auto& old : set->retiring) {
        for (const auto& a : old->addresses()) {
            if (std::find(out.begin(), out.end(), a.address) == out.end()) {
                out.push_back(a.address);
            }
        }
    }
    return out;
}

std::size_t send_service::retiring_identities() const { return _impl->identities()->retiring.size(); }

void send_service::on_identity_retired(std::function<void()> cb) { _impl->on_retired = std::move(cb); }

void send_service::rotate_identity(std::shared_ptr<const router_identity> fresh, std::uint64_t old_until_ns) {
    impl& m = *_impl;
    const auto cur = m.identities();
    if (!fresh || fresh == cur->current) {
        return;
    }
    auto next = std::make_shared<identity_set>();
    next->current = std::move(fresh);
    next->retiring.push_back(cur->current);
    for (const auto& old : cur->retiring) {
        next->retiring.push_back(old);
    }
    const std::shared_ptr<const router_identity> old = cur->current;
    m.retire_at.push_back(impl::retiring_entry{old.get(), old_until_ns});
    m.ids.store(std::move(next), std::memory_order_release);
    // RFC 4861 §6.2.8: a link-local address change is announced with RAs from the old address
    // with Router Lifetime 0 and from the new one (the timers restart: MAX_INITIAL_RTR_ADVERTISEMENTS).
    if (!(old->link_local().address == m.identities()->current->link_local().address)) {
        const std::vector<bool> on = m.ra_ports(*old);
        for (std::size_t p = 0; p < on.size(); ++p) {
            if (!on[p]) {
                continue;
            }
            job j;
            j.kind = job_kind::unsolicited_ra;
            j.port = static_cast<std::uint16_t>(p);
            j.router_lifetime = 0;
            j.as = old;
            m.dispatch(std::move(j), old->link_local().address);
        }
    }
    m.restart_ra = true;
    m.ra_now = true;
}

send_service::~send_service() { stop(); }

void send_service::stop() {
    if (!_impl) {
        return;
    }
    for (auto& sg : _impl->signers) {
        {
            std::lock_guard<std::mutex> lock(sg->mu);
            sg->stopping = true;
        }
        sg->cv.notify_all();
    }
    for (auto& sg : _impl->signers) {
        if (sg->thread.joinable()) {
            sg->thread.join();
        }
    }
}

void send_service::submit(std::uint16_t port, const mac_addr& src_mac, bytes_view ip) {
    impl& m = *_impl;
    const wire::ipv6_view v = wire::parse_ipv6(ip);
    if (!v.ok() || v.is_fragment || v.upper_proto != wire::nh_icmpv6 || v.upper_length < 4 ||
        port >= m.ports.size()) {
        m.counters.add(svc_counter::malformed_packet);
        return;
    }
    const bytes_view icmp = v.upper(ip);
    if (icmp[0] == wire::icmp6_fmip && icmp.size() >= 5 && icmp[4] == wire::fmip_subtype_rtsolpr) {
        m.on_rtsolpr(port, src_mac, v, ip);
    } else if (icmp[0] == wire::icmp6_cps) {
        m.on_cps(port, src_mac, v, ip);
    } else if (icmp[0] == wire::icmp6_rs || icmp[0] == wire::icmp6_ns) {
        m.on_nd(port, src_mac, v, ip);
    } else {
        m.counters.add(svc_counter::unsupported_message);
    }
}

void send_service::impl::on_rtsolpr(std::uint16_t port, const mac_addr& src_mac, const wire::ipv6_view& v,
                                    bytes_view ip) {
    counters.add(svc_counter::rtsolpr_received);
    const ipv6_addr src = v.hdr->src_addr();
    const ipv6_addr dst = v.hdr->dst_addr();
    const bytes_view icmp = v.upper(ip);
    if (src.is_multicast() || src.is_unspecified()) {
        counters.add(svc_counter::malformed_packet); // nobody to answer
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
    if (icmp.size() < 8) {
        counters.add(svc_counter::options_malformed);
        return;
    }
    const wire::nd_option_list nd = wire::parse_nd_options(icmp.subspan(8));
    if (nd.status == wire::nd_status::zero_length) {
        counters.add(svc_counter::option_length_zero);
        return;
    }
    if (!nd.ok() || !wire::parse_fmip(icmp, wire::fmip_subtype_rtsolpr)) {
        counters.add(svc_counter::options_malformed);
        return;
    }
    if (const wire::nd_option* hk = nd.find(wire::nd_opt_hk_request)) {
        if (!wire::parse_hk_request_opt(hk->raw)) {
            counters.add(svc_counter::hk_request_malformed);
            return;
        }
    }
    const std::uint64_t t = mono_ns();
    if (!per_source.take(src, t)) {
        counters.add(svc_counter::rate_limited_source);
        MG_LOG_INFO(send, "RtSolPr from %s refused: rate_limited_source (limits.rtsolpr_rate_per_source)",
                    src.to_string().c_str());
        return;
    }
    if (!global.take(t)) {
        counters.add(svc_counter::rate_limited_global);
        MG_LOG_WARN(send, "RtSolPr refused: rate_limited_global (limits.rtsolpr_rate_global)");
        return;
    }
    dispatch(job::packet(port, src_mac, ip.subspan(0, v.end)), src);
}

void send_service::impl::dispatch(job&& j, const ipv6_addr& src) {
    signer_state& s = *signers[ipv6_addr_hash{}(src) % signers.size()];
    if (opts.signer_threads == 0) {
        in_flight.fetch_add(1);
        handle_job(s, j);
        finished_job();
        return;
    }
    {
        std::lock_guard<std::mutex> lock(s.mu);
        if (s.stopping || s.queue.size() >= opts.signer_queue) {
            counters.add(svc_counter::signer_queue_full);
            MG_LOG_WARN(send, "RtSolPr refused: signer_queue_full (signers busy)");
            return;
        }
        in_flight.fetch_add(1);
        s.queue.push_back(std::move(j));
    }
    s.cv.notify_one();
}

void send_service::impl::handle_job(signer_state& s, const job& j) {
    if (j.kind == job_kind::unsolicited_ra) {
        handle_unsolicited_ra(j);
        return;
    }
    const wire::ipv6_view v = wire::parse_ipv6(j.ip);
    if (v.upper(j.ip)[0] == wire::icmp6_fmip) {
        handle_rtsolpr(s, j);
    } else {
        handle_nd(s, j);
    }
}

void send_service::impl::run_signer(signer_state& s) {
    for (;;) {
        job j;
        {
            std::unique_lock<std::mutex> lock(s.mu);
            s.cv.wait(lock, [&] { return s.stopping || !s.queue.empty(); });
            if (s.stopping) {
                in_flight.fetch_sub(s.queue.size());
                s.queue.clear();
                break;
            }
            j = std::move(s.queue.front());
            s.queue.pop_front();
        }
        handle_job(s, j);
        finished_job();
    }
    std::lock_guard<std::mutex> lock(idle_mu);
    idle_cv.notify_all();
}

void send_service::impl::finished_job() {
    if (in_flight.fetch_sub(1) == 1) {
        std::lock_guard<std::mutex> lock(idle_mu);
        idle_cv.notify_all();
    }
}

bool send_service::impl::emit(tx_frame&& f) {
    std::lock_guard<std::mutex> lock(reply_mu);
    if (replies.size() >= opts.reply_queue) {
        counters.add(svc_counter::reply_queue_full);
        return false;
    }
    replies.push_back(std::move(f));
    return true;
}

std::size_t send_service::take_replies(std::vector<tx_frame>& out, std::size_t max) {
    impl& m = *_impl;
    std::lock_guard<std::mutex> lock(m.reply_mu);
    std::size_t n = 0;
    while (n < max && !m.replies.empty()) {
        out.push_back(std::move(m.replies.front()));
        m.replies.pop_front();
        ++n;
    }
    return n;
}

void send_service::set_rate_limits(const config::limits_cfg& lim) {
    impl& m = *_impl;
    m.per_source = source_limiter(lim.rtsolpr_rate_per_source, lim.rtsolpr_rate_per_source, m.opts.max_rate_sources);
    m.global = token_bucket(lim.rtsolpr_rate_global, lim.rtsolpr_rate_global);
    m.cpa = token_bucket(lim.max_cpa_rate, lim.max_cpa_rate);
    m.limits.rtsolpr_rate_per_source = lim.rtsolpr_rate_per_source;
    m.limits.rtsolpr_rate_global = lim.rtsolpr_rate_global;
    m.limits.max_cpa_rate = lim.max_cpa_rate;
}

std::uint32_t send_service::expire_keys(std::uint64_t now_s) {
    const std::uint32_t n = _keys.expire(now_s);
    if (n != 0) {
        MG_LOG_INFO(keys, "%u handover key(s) expired (HK-LIFETIME ended)", n);
    }
    _counters.add(svc_counter::keys_expired, n);
    return n;
}

void send_service::wait_idle() {
    impl& m = *_impl;
    std::unique_lock<std::mutex> lock(m.idle_mu);
    m.idle_cv.wait_for(lock, std::chrono::seconds(30), [&] { return m.in_flight.load() == 0; });
}

} // namespace mipgate::control
