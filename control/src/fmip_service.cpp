// fmip_service: creation, the dispatch of ring packets (FBU, HI, HAck), timers, the frame queue
// and the operator read-out.

#include "fmip_impl.hpp"

#include "mipgate/fastpath/neighbor_table.hpp"
#include "mipgate/tables/binding_table.hpp"
#include "mipgate/wire/fmip_messages.hpp"
#include "mipgate/wire/icmpv6.hpp"
#include "mipgate/wire/mh.hpp"

#include <cerrno>
#include <ctime>

namespace mipgate::control {

std::uint64_t fmip_service::impl::now_ms() const {
    if (deps.clock_ms) {
        return deps.clock_ms();
    }
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<std::uint64_t>(ts.tv_sec) * 1000 + static_cast<std::uint64_t>(ts.tv_nsec) / 1000000;
}

result<std::unique_ptr<fmip_service>> fmip_service::create(const config::config& cfg, fmip_deps deps) {
    if (deps.keys == nullptr) {
        return make_error(EINVAL, "fmip service: needs the handover-key service (a router: section)");
    }
    if (deps.ports.size() != cfg.ports.size() || deps.port_ids.size() != cfg.ports.size()) {
        return make_error(EINVAL, "fmip service: port list does not match the configuration");
    }
    if (!deps.resolve) {
        return make_error(EINVAL, "fmip service: no route resolver");
    }
    std::unique_ptr<fmip_service> s(new fmip_service());
    s->_impl = std::make_unique<impl>(cfg, std::move(deps), s->_counters);
    s->_impl->last_sweep_s = s->_impl->now_s();
    s->_impl->last_seq_prune_s = s->_impl->last_sweep_s;
    return s;
}

fmip_service::~fmip_service() = default;

bool fmip_service::wants(bytes_view ip) noexcept {
    const wire::ipv6_view v = wire::parse_ipv6(ip);
    if (!v.ok() || v.is_fragment) {
        return false;
    }
    if (v.upper_proto == wire::nh_mh) {
        return true;
    }
    if (v.upper_proto != wire::nh_icmpv6 || v.upper_length < 5) {
        return false;
    }
    const bytes_view icmp = v.upper(ip);
    return icmp[0] == wire::icmp6_fmip &&
           (icmp[4] == wire::fmip_subtype_hi || icmp[4] == wire::fmip_subtype_hack);
}

void fmip_service::submit(std::uint16_t port, const mac_addr& src_mac, bytes_view ip) {
    impl& m = *_impl;
    const wire::ipv6_view v = wire::parse_ipv6(ip);
    if (!v.ok() || v.is_fragment || port >= m.deps.ports.size()) {
        _counters.add(fmip_counter::not_fmip);
        return;
    }
    if (v.upper_proto == wire::nh_mh) {
        m.on_fbu(port, src_mac, v, ip);
        return;
    }
    if (v.upper_proto == wire::nh_icmpv6 && v.upper_length >= 5) {
        const bytes_view icmp = v.upper(ip);
        if (icmp[0] == wire::icmp6_fmip && icmp[4] == wire::fmip_subtype_hi) {
            m.on_hi(v, ip);
            return;
        }
        if (icmp[0] == wire::icmp6_fmip && icmp[4] == wire::fmip_subtype_hack) {
            m.on_hack(v, ip);
            return;
        }
    }
    _counters.add(fmip_counter::not_fmip);
}

unsigned fmip_service::tick() {
    impl& m = *_impl;
    const std::uint64_t now = m.now_ms();
    return m.tick_par(now) + m.tick_nar(now);
}

std::size_t fmip_service::take_frames(std::vector<tx_frame>& out, std::size_t max) {
    impl& m = *_impl;
    std::size_t n = 0;
    while (n < max && !m.out.empty()) {
        out.push_back(std::move(m.out.front()));
        m.out.pop_front();
        ++n;
    }
    return n;
}

std::vector<binding_info> fmip_service::list_bindings(std::size_t max) const {
    const impl& m = *_impl;
    std::vector<binding_info> rows;
    if (m.deps.bindings == nullptr) {
        return rows;
    }
    const std::uint64_t now = m.now_s();
    std::lock_guard<std::mutex> lock(m.view_mu);
    m.deps.bindings->for_each([&](const tables::binding_record& r) {
        if (rows.size() >= max) {
            return;
        }
        binding_info b;
        b.pcoa = r.pcoa;
        b.ncoa = r.ncoa;
        b.tunnel_src = r.tunnel_src;
        b.remaining_s = r.live(now) ? r.expires_s - now : 0;
        b.seq = r.seq;
        b.encapsulated = r.encapsulated.load(std::memory_order_relaxed);
        b.reverse = r.reverse.load(std::memory_order_relaxed);
        rows.push_back(b);
    });
    return rows;
}

void fmip_service::set_policy(const config::config& next) noexcept {
    _impl->fmip = next.fmip;
    _impl->max_tunnel_lifetime_s = next.handover_keys.max_tunnel_lifetime_s;
}

void fmip_service::retarget(fastpath::neighbor_table* neighbors, fmip_resolver resolve) {
    impl& m = *_impl;
    if (neighbors != nullptr) {
        for (const auto& [ncoa, e] : m.proxies) {
            (void)neighbors->set(ncoa, m.deps.port_ids[e.port], e.mac);
        }
    }
    m.deps.neighbors = neighbors;
    if (resolve) {
        m.deps.resolve = std::move(resolve);
    }
}

std::size_t fmip_service::pending_handovers() const noexcept { return _impl->pending.size(); }
std::size_t fmip_service::proxy_entries() const noexcept { return _impl->proxies.size(); }

} // namespace mipgate::control
