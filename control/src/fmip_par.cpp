// PAR side (RFC 5268 §5.1, §6.2.1, §6.3): verified FBU → sequence check → NAR → HI with
// retransmissions → HAck → binding → FBack; Lifetime 0 and expiry end the binding and discard
// the PCoA's handover key (RFC 5269 §3.6).

#include "fmip_impl.hpp"

#include "mipgate/fmip/badf_mh.hpp"
#include "mipgate/tables/binding_table.hpp"
#include "mipgate/tables/key_record.hpp"
#include "mipgate/wire/fmip_messages.hpp"
#include "mipgate/wire/fmip_options.hpp"
#include "mipgate/wire/icmpv6.hpp"
#include "mipgate/wire/mh.hpp"
#include "mipgate/wire/nd_options.hpp"

#include <algorithm>
#include <array>

namespace mipgate::control {

namespace {

constexpr std::uint64_t sweep_interval_s = 1;
constexpr std::uint64_t seq_prune_interval_s = 60;

/// HAck code → FBack status for a refusal (RFC 5268 §6.2.2, §6.3.2): 128–130 carry over.
std::uint8_t refusal_status(std::uint8_t code) noexcept {
    return code >= 128 && code <= 130 ? code : 128;
}

} // namespace

int fmip_service::impl::nar_for(const ipv6_addr& ncoa) const noexcept {
    int best = -1;
    unsigned best_len = 0;
    for (std::size_t i = 0; i < cfg.neighbor_routers.size(); ++i) {
        const ipv6_prefix& p = cfg.neighbor_routers[i].nar_prefix;
        if (p.contains(ncoa) && (best < 0 || p.len > best_len)) {
            best = static_cast<int>(i);
            best_len = p.len;
        }
    }
    return best;
}

std::optional<ipv6_addr> fmip_service::impl::global_address(std::uint16_t port) const noexcept {
    if (port >= cfg.ports.size()) {
        return std::nullopt;
    }
    for (const auto& a : cfg.ports[port].addresses) {
        if (!a.addr.is_link_local() && !a.addr.is_multicast()) {
            return a.addr;
        }
    }
    return std::nullopt;
}

ipv6_addr fmip_service::impl::tunnel_src_for(const ipv6_addr& par, const ipv6_addr& pcoa) const noexcept {
    // RFC 5268 §5.1: the PAR's global address on the MN's former link: the FBU destination when
    // it is global, else the first global address of the port whose prefix covers the PCoA.
    if (!par.is_link_local() && !par.is_multicast()) {
        return par;
    }
    for (std::size_t i = 0; i < cfg.ports.size(); ++i) {
        for (const auto& a : cfg.ports[i].addresses) {
            if (!a.addr.is_link_local() && a.contains(pcoa)) {
                if (auto g = global_address(static_cast<std::uint16_t>(i))) {
                    return *g;
                }
            }
        }
    }
    return par;
}

void fmip_service::impl::discard_key(const ipv6_addr& pcoa) {
    if (deps.keys->erase(pcoa)) {
        counters.add(fmip_counter::keys_discarded);
    }
    last_seq.erase(pcoa);
}

void fmip_service::impl::cancel_pending(const ipv6_addr& pcoa) {
    auto it = pending_by_pcoa.find(pcoa);
    if (it != pending_by_pcoa.end()) {
        pending.erase(it->second);
        pending_by_pcoa.erase(it);
    }
}

void fmip_service::impl::on_fbu(std::uint16_t /*port*/, const mac_addr& src_mac, const wire::ipv6_view& v,
                                bytes_view ip) {
    if (!fmip.par) {
        counters.add(fmip_counter::fbu_role_disabled);
        return;
    }
    // The worker verified this FBU; parse again anyway: the ring is the trust boundary's inside,
    // not a reason to index past a buffer.
    const wire::mh_view mh = wire::parse_mh(v.upper(ip));
    const auto bu = mh.ok() && mh.type == wire::mh_type_fbu ? wire::mh_bu(mh) : wire::parsed<wire::bu_msg>{};
    if (!v.home_address || !bu) {
        counters.add(fmip_counter::fbu_malformed);
        return;
    }
    counters.add(fmip_counter::fbu_received);
    const ipv6_addr pcoa = *v.home_address;
    const ipv6_addr src = v.hdr->src_addr();
    const ipv6_addr par = v.hdr->dst_addr();
    ipv6_addr ncoa = src;
    if (const wire::mh_option* o = mh.options.find(wire::mh_opt_alt_coa)) {
        if (auto a = wire::mh_alt_coa(*o)) {
            ncoa = *a;
        }
    }
    std::optional<mac_addr> mn_mac;
    if (const wire::mh_option* o = mh.options.find(wire::mh_opt_lla)) {
        auto l = wire::mh_lla(*o);
        if (l && l->code == wire::lla_code_mn && l->lla.size() >= 6) {
            mac_addr m;
            std::copy_n(l->lla.begin(), 6, m.b.begin());
            mn_mac = m;
        }
    }

    // RFC 6275 §9.5.1 (FBU is a BU, RFC 5268 §6.3.1): only a newer Sequence Number counts.
    if (auto it = last_seq.find(pcoa); it != last_seq.end() && !seq_newer(bu->seq, it->second)) {
        counters.add(fmip_counter::fbu_stale_seq);
        return;
    }
    last_seq[pcoa] = bu->seq;
    cancel_pending(pcoa); // a newer FBU supersedes a handover still waiting for its HAck

    if (bu->lifetime == 0) {
        // RFC 5268 §5.3 / design §4: the MN is back (or gives up): end the tunnel, answer, then
        // forget the key (forwarding for the PCoA ended, RFC 5269 §3.6).
        counters.add(fmip_counter::fbu_accepted);
        bool removed = false;
        if (deps.bindings != nullptr) {
            std::lock_guard<std::mutex> lock(view_mu);
            removed = deps.bindings->erase(pcoa);
        }
        if (removed) {
            counters.add(fmip_counter::bindings_removed);
        }
        send_fback(pcoa, ncoa, par, src, bu->seq, 0, 0, std::nullopt);
        discard_key(pcoa);
        return;
    }

    const int nar = nar_for(ncoa);
    if (nar < 0) {
        counters.add(fmip_counter::fbu_no_nar);
        send_fback(pcoa, ncoa, par, src, bu->seq, 128, 0, std::nullopt);
        return;
    }
    if (!mn_mac) {
        mn_mac = deps.keys->link_layer(pcoa);
    }
    if (!mn_mac && src == pcoa) {
        mn_mac = src_mac; // sent from the PAR's link: the frame came from the MN itself
    }
    if (!mn_mac) {
        counters.add(fmip_counter::fbu_no_mn_lla);
        send_fback(pcoa, ncoa, par, src, bu->seq, 128, 0, std::nullopt);
        return;
    }
    counters.add(fmip_counter::fbu_accepted);

    pending_hi p;
    for (unsigned tries = 0; tries < 0x10000; ++tries) { // an Identifier not in use
        p.id = next_id++;
        if (p.id != 0 && pending.count(p.id) == 0) {
            break;
        }
    }
    p.pcoa = pcoa;
    p.ncoa = ncoa;
    p.par = par;
    p.fbu_src = src;
    p.nar = cfg.neighbor_routers[static_cast<std::size_t>(nar)].nar_address;
    p.seq = bu->seq;
    p.lifetime = bu->lifetime;
    p.retries_left = fmip.hi_retries;
    p.timeout_ms = fmip.hi_timeout_ms;
    send_hi(p, *mn_mac);
    p.deadline_ms = now_ms() + p.timeout_ms;
    pending_next_ms = std::min(pending_next_ms, p.deadline_ms);
    pending_by_pcoa[pcoa] = p.id;
    pending.emplace(p.id, std::move(p));
}

void fmip_service::impl::send_hi(pending_hi& p, const mac_addr& mn_mac) {
    // RFC 5268 §6.2.1: Code 0 when the FBU came from the PCoA (PAR's link), 1 otherwise; S = 0
    // (we never ask the NAR to assign an NCoA), U = 0 (no buffering). Options: MN LLA (MUST),
    // PCoA, NCoA.
    std::array<std::uint8_t, 8 + 16 + 24 + 24> icmp{};
    wire::fmip_msg m;
    m.subtype = wire::fmip_subtype_hi;
    m.code = p.fbu_src == p.pcoa ? 0 : 1;
    m.identifier = p.id;
    std::size_t len = 0;
    bool ok = true;
    auto add = [&](wire::build_result r) {
        ok = ok && r.ok();
        len += r.len;
    };
    add(wire::build_fmip(bytes_mut(icmp).subspan(0, 8), m));
    add(wire::build_lla_fmip_opt(bytes_mut(icmp).subspan(len), wire::lla_code_mn, mn_mac.b));
    add(wire::build_ip_addr_opt(bytes_mut(icmp).subspan(len), wire::ip_addr_opt{wire::ip_addr_code_pcoa, 128, p.pcoa}));
    add(wire::build_ip_addr_opt(bytes_mut(icmp).subspan(len), wire::ip_addr_opt{wire::ip_addr_code_ncoa, 128, p.ncoa}));
    // Source: our global address on the link toward the NAR (the NAR answers there).
    ipv6_addr src = p.par;
    if (auto hop = deps.resolve(p.nar)) {
        if (auto g = global_address(hop->port)) {
            src = *g;
        }
    }
    if (!ok || !wire::icmpv6_fill_checksum(src, p.nar, bytes_mut(icmp).subspan(0, len))) {
        counters.add(fmip_counter::build_failed);
        return;
    }
    if (auto f = emit(wire::nh_icmpv6, src, p.nar, bytes_view(icmp).subspan(0, len))) {
        counters.add(fmip_counter::hi_sent);
        p.hi = std::move(*f);
    }
}

void fmip_service::impl::on_hack(const wire::ipv6_view& v, bytes_view ip) {
    const bytes_view icmp = v.upper(ip);
    const ipv6_addr src = v.hdr->src_addr();
    const ipv6_addr dst = v.hdr->dst_addr();
    const auto m = wire::parse_fmip(icmp, wire::fmip_subtype_hack);
    if (!m || !wire::icmpv6_checksum_ok(src, dst, icmp) || !wire::nd_options_well_formed(m->options)) {
        counters.add(fmip_counter::hack_malformed);
        return;
    }
    counters.add(fmip_counter::hack_received);
    auto it = pending.find(m->identifier);
    if (it == pending.end() || it->second.nar != src) {
        counters.add(fmip_counter::hack_unmatched);
        return;
    }
    const pending_hi p = std::move(it->second);
    pending.erase(it);
    pending_by_pcoa.erase(p.pcoa);

    if (m->code > wire::hack_code_accepted_use_pcoa) {
        counters.add(fmip_counter::hack_refused);
        finish_handover(p, refusal_status(m->code), std::nullopt);
        return;
    }
    counters.add(fmip_counter::hack_accepted);
    // Codes 1/2 may name the NCoA the NAR wants used (IP Address option code 2): FBack status 1
    // with that address in an Alternate CoA option (RFC 5268 §6.3.2).
    std::optional<ipv6_addr> assigned;
    if (m->code == wire::hack_code_accepted_invalid || m->code == wire::hack_code_accepted_assigned) {
        const wire::nd_option_list opts = wire::parse_nd_options(m->options);
        for (const auto& o : opts) {
            if (o.type != wire::nd_opt_ip_addr) {
                continue;
            }
            auto a = wire::parse_ip_addr_opt(o.raw);
            if (a && a->code == wire::ip_addr_code_ncoa && a->addr != p.ncoa) {
                assigned = a->addr;
                break;
            }
        }
    }
    finish_handover(p, assigned ? 1 : 0, assigned);
}

void fmip_service::impl::finish_handover(const pending_hi& p, std::uint8_t status,
                                         const std::optional<ipv6_addr>& assigned) {
    std::uint16_t granted = 0;
    if (status < 128) {
        granted = static_cast<std::uint16_t>(
            std::min<std::uint32_t>(p.lifetime, max_tunnel_lifetime_s));
        const std::uint64_t now = now_s();
        auto rec = std::make_unique<tables::binding_record>(p.pcoa, assigned.value_or(p.ncoa),
                                                            tunnel_src_for(p.par, p.pcoa), now, now + granted,
                                                            p.seq);
        auto st = tables::binding_table::insert_status::full;
        if (deps.bindings != nullptr) {
            std::lock_guard<std::mutex> lock(view_mu);
            st = deps.bindings->upsert(std::move(rec));
        }
        switch (st) {
        case tables::binding_table::insert_status::inserted:
        case tables::binding_table::insert_status::replaced:
            counters.add(fmip_counter::bindings_installed);
            break;
        case tables::binding_table::insert_status::full:
            counters.add(fmip_counter::binding_table_full);
            status = 130; // insufficient resources
            granted = 0;
            break;
        case tables::binding_table::insert_status::failed:
            counters.add(fmip_counter::build_failed);
            status = 128;
            granted = 0;
            break;
        }
    }
    send_fback(p.pcoa, p.ncoa, p.par, p.fbu_src, p.seq, status, granted, status == 1 ? assigned : std::nullopt);
}

void fmip_service::impl::send_fback(const ipv6_addr& pcoa, const ipv6_addr& ncoa, const ipv6_addr& par,
                                    const ipv6_addr& fbu_src, std::uint16_t seq, std::uint8_t status,
                                    std::uint16_t lifetime, const std::optional<ipv6_addr>& alt) {
    // RFC 5268 §6.3.2: FBack from the PAR to the NCoA (and optionally the PCoA), same Sequence
    // Number, BADF last, authenticated like the FBU: key of the PCoA, NCoA | PAR address
    // (design §4). The MH checksum is computed after the authenticator, per destination.
    std::array<std::uint8_t, 128> mh{};
    std::size_t mh_len = 0;
    const bool keyed = deps.keys->with_key(pcoa, [&](const tables::key_record& k) {
        wire::mh_writer w(mh);
        w.ba(wire::ba_msg{status, 0, seq, lifetime}, wire::mh_type_fback);
        if (alt) {
            w.alt_coa(*alt);
        }
        const std::size_t auth = w.badf(fmip::badf_spi_handover_key, k.mac.auth_len());
        const auto r = w.finish();
        if (auth != 0 && r && fmip::sign_mh_badf(k.mac, ncoa, par, bytes_mut(mh).subspan(0, r.len), auth)) {
            mh_len = r.len;
        }
    });
    if (!keyed) {
        counters.add(fmip_counter::fback_no_key);
        return;
    }
    if (mh_len == 0) {
        counters.add(fmip_counter::build_failed);
        return;
    }
    std::array<ipv6_addr, 2> dsts{ncoa, pcoa};
    const std::size_t n = (fbu_src == pcoa && pcoa != ncoa) ? 2 : 1;
    for (std::size_t i = 0; i < n; ++i) {
        std::array<std::uint8_t, 128> copy = mh;
        const bytes_mut body = bytes_mut(copy).subspan(0, mh_len);
        if (!wire::mh_fill_checksum(par, dsts[i], body)) {
            counters.add(fmip_counter::build_failed);
            continue;
        }
        if (emit(wire::nh_mh, par, dsts[i], body)) {
            counters.add(fmip_counter::fback_sent);
        }
    }
}

unsigned fmip_service::impl::tick_par(std::uint64_t now) {
    unsigned work = 0;
    // HI retransmission with exponential backoff (RFC 5268 §6.2.1, §9 HI_RETRIES); exhausted →
    // FBack 128 and no binding.
    std::vector<std::uint16_t> due;
    if (now >= pending_next_ms) {
        pending_next_ms = UINT64_MAX;
        for (const auto& [id, p] : pending) {
            if (p.deadline_ms <= now) {
                due.push_back(id);
            } else {
                pending_next_ms = std::min(pending_next_ms, p.deadline_ms);
            }
        }
    }
    for (const std::uint16_t id : due) {
        auto it = pending.find(id);
        pending_hi& p = it->second;
        ++work;
        if (p.retries_left > 0) {
            --p.retries_left;
            p.timeout_ms *= 2;
            p.deadline_ms = now + p.timeout_ms;
            pending_next_ms = std::min(pending_next_ms, p.deadline_ms);
            if (!p.hi.bytes.empty()) {
                out.push_back(p.hi);
                counters.add(fmip_counter::hi_retransmitted);
            }
            continue;
        }
        counters.add(fmip_counter::hi_timeout);
        const pending_hi done = std::move(p);
        pending.erase(it);
        pending_by_pcoa.erase(done.pcoa);
        finish_handover(done, 128, std::nullopt);
    }

    // Binding expiry: the tunnel ends, and with it the PCoA's handover key (RFC 5269 §3.6).
    const std::uint64_t now_sec = now / 1000;
    if (deps.bindings != nullptr && now_sec >= last_sweep_s + sweep_interval_s) {
        last_sweep_s = now_sec;
        std::vector<ipv6_addr> dead;
        {
            std::lock_guard<std::mutex> lock(view_mu);
            deps.bindings->expire(now_sec, [&](const tables::binding_record& r) { dead.push_back(r.pcoa); });
            deps.bindings->reclaim();
        }
        for (const auto& pcoa : dead) {
            counters.add(fmip_counter::bindings_expired);
            discard_key(pcoa);
            ++work;
        }
    }
    // Sequence state lives as long as the PCoA's key: keys the SEND service expired take theirs
    // along, so the map stays bounded by the key table.
    if (now_sec >= last_seq_prune_s + seq_prune_interval_s) {
        last_seq_prune_s = now_sec;
        std::erase_if(last_seq, [&](const auto& e) {
            return pending_by_pcoa.count(e.first) == 0 && !deps.keys->with_key(e.first, [](const auto&) {});
        });
    }
    return work;
}

} // namespace mipgate::control
