// FMIPv6 FBU verification on the worker (design §2, RFC 5268 §6.3.1, RFC 5269 §3): per burst, the
// cheap checks per packet, ONE handover-key lookup by the HAO address (the PCoA), ONE BADF burst
// verification; verified FBUs go to the control plane, each rejected one is dropped with one
// reason. No allocation, lock, syscall (now_s is a vDSO read, once per burst) or log.
#include "stages.hpp"

#include "mipgate/fmip/badf_mh.hpp"
#include "mipgate/wire/mh.hpp"

#include <rte_mbuf.h>

#include <atomic>
#include <span>

namespace mipgate::fastpath::detail {

namespace {

/// A Mobility Header that did not parse: BADF problems (not last, misaligned, wrong length,
/// repeated) are fbu_bad_badf, anything else fbu_malformed.
counter_id parse_reason(const wire::mh_view& v) noexcept {
    if (v.status == wire::wire_status::not_last) {
        return counter_id::fbu_bad_badf; // only BAD/BADF close the option list; an FBU has BADF
    }
    const std::size_t at = v.error_offset;
    if (v.options_offset != 0 && at >= v.options_offset && at < v.mh.size() && v.mh[at] == wire::mh_opt_badf) {
        return counter_id::fbu_bad_badf;
    }
    return counter_id::fbu_malformed;
}

} // namespace

void fbu_stage(worker_ctx& w, rte_mbuf* const* pkts, const std::uint16_t* sel, std::uint16_t k,
               std::uint16_t* nctl, std::uint16_t* nd) noexcept {
    // Gather: per-packet checks that need no table (RFC 5268 §6.3.1, RFC 6275 §6.1.1).
    std::uint16_t c = 0;
    for (unsigned j = 0; j < k; ++j) {
        const unsigned i = sel[j];
        rte_mbuf* m = pkts[i];
        const std::uint8_t* ip = rte_pktmbuf_mtod_offset(m, const std::uint8_t*, eth_len);
        const bytes_view mh(ip + w.l4_off[i], w.l4_len[i]);
        if (mh.size() < 3 || mh[2] != wire::mh_type_fbu) {
            drop_now(w, m, counter_id::mh_local_unhandled, nd); // BU, other MH types: later
            continue;
        }
        if (w.hao_off[i] == 0) [[unlikely]] {
            drop_now(w, m, counter_id::fbu_no_hao, nd);
            continue;
        }
        wire::mh_view& v = w.fbu_mh[c];
        v = wire::parse_mh(mh);
        if (!v.ok()) [[unlikely]] {
            drop_now(w, m, parse_reason(v), nd);
            continue;
        }
        const ipv6_addr hoa = ipv6_addr::from_bytes(ip + w.hao_off[i]);
        if (wire::mh_checksum(hoa, ipv6_addr::from_bytes(ip + 24), mh) != 0) [[unlikely]] {
            drop_now(w, m, counter_id::fbu_bad_checksum, nd);
            continue;
        }
        const auto bu = wire::mh_bu(v);
        if (!bu) [[unlikely]] {
            drop_now(w, m, counter_id::fbu_malformed, nd);
            continue;
        }
        constexpr std::uint16_t ah = wire::bu_flag_a | wire::bu_flag_h;
        if ((bu->flags & ah) != ah) [[unlikely]] {
            drop_now(w, m, counter_id::fbu_bad_flags, nd);
            continue;
        }
        // NCoA: the Alternate CoA option if present, else the IPv6 source (design §4).
        const wire::mh_option* alt = v.options.find(wire::mh_opt_alt_coa);
        const auto coa = alt != nullptr ? wire::mh_alt_coa(*alt) : wire::parsed<ipv6_addr>{};
        w.fbu_ncoa[c] = coa ? *coa : ipv6_addr::from_bytes(ip + 8);
        w.fbu_hoa[c] = hoa;
        w.fbu_hoa_ptr[c] = &w.fbu_hoa[c];
        w.fbu_idx[c++] = static_cast<std::uint16_t>(i);
    }
    if (c == 0) {
        return;
    }

    // One lookup for the burst's FBUs, then one BADF burst over those with a live key.
    w.keys->lookup_bulk(w.fbu_hoa_ptr, c, w.fbu_key);
    const std::uint64_t now = tables::now_s();
    std::uint16_t nj = 0;
    for (unsigned j = 0; j < c; ++j) {
        const unsigned i = w.fbu_idx[j];
        const tables::key_record* rec = w.fbu_key[j];
        if (rec == nullptr || !rec->live(now)) {
            drop_now(w, pkts[i], counter_id::fbu_no_key, nd);
            continue;
        }
        const std::uint8_t* ip = rte_pktmbuf_mtod_offset(pkts[i], const std::uint8_t*, eth_len);
        const fmip::badf_prepared p =
            fmip::prepare_badf_job(rec->mac, w.fbu_ncoa[j], ipv6_addr::from_bytes(ip + 24), w.fbu_mh[j]);
        if (p.reason != fmip::badf_reason::ok) [[unlikely]] {
            drop_now(w, pkts[i], counter_id::fbu_bad_badf, nd);
            continue;
        }
        w.fbu_job[nj] = p.job;
        w.fbu_jidx[nj++] = static_cast<std::uint16_t>(j);
    }
    if (nj == 0) {
        return;
    }
    w.badf->verify_burst(std::span<const fmip::badf_job>(w.fbu_job, nj), std::span<bool>(w.fbu_ok, nj));
    for (unsigned q = 0; q < nj; ++q) {
        const unsigned j = w.fbu_jidx[q];
        rte_mbuf* m = pkts[w.fbu_idx[j]];
        if (!w.fbu_ok[q]) {
            drop_now(w, m, counter_id::fbu_bad_mac, nd);
            continue;
        }
        w.counters.add(counter_id::fbu_verified);
        w.fbu_key[j]->uses.fetch_add(1, std::memory_order_relaxed);
        w.to_control[(*nctl)++] = m;
    }
}

} // namespace mipgate::fastpath::detail
