// FMIPv6 control plane (RFC 5268 §5–6): PAR — verified FBU → HI → HAck → binding → FBack, its
// retransmissions, refusals, sequence numbers, Lifetime 0 and expiry with the handover key
// discarded (RFC 5269 §3.6); NAR — HI → HAck and the NCoA's neighbour entry for its lifetime.
// Frames are taken apart with lib/wire and the FBack's BADF is checked with lib/fmip the way
// the MN would (key from key_service, NCoA | PAR address).

#include "eal_env.hpp"

#include "mipgate/control/fmip_service.hpp"
#include "mipgate/control/key_service.hpp"
#include "mipgate/fastpath/neighbor_table.hpp"
#include "mipgate/fmip/badf_mh.hpp"
#include "mipgate/tables/binding_table.hpp"
#include "mipgate/tables/key_table.hpp"
#include "mipgate/wire/fmip_messages.hpp"
#include "mipgate/wire/fmip_options.hpp"
#include "mipgate/wire/icmpv6.hpp"
#include "mipgate/wire/ipv6.hpp"
#include "mipgate/wire/mh.hpp"

#include <gtest/gtest.h>
#include <rte_rcu_qsbr.h>

#include <atomic>
#include <cstring>
#include <memory>
#include <new>
#include <optional>
#include <string>
#include <vector>

namespace {

using namespace mipgate;
namespace ctl = mipgate::control;

ipv6_addr addr(const char* s) { return *ipv6_addr::parse(s); }
mac_addr mac(const char* s) { return *mac_addr::parse(s); }

// PAR: p0 is the MN's former link, p1 leads to the NAR.
const ipv6_addr par_addr = addr("2001:db8:1::1");
const ipv6_addr par_uplink = addr("2001:db8:9::1");
const ipv6_addr nar_addr = addr("2001:db8:2::1");
const ipv6_addr pcoa = addr("2001:db8:1::1c2a:3b4c:5d6e:7f80");
const ipv6_addr ncoa = addr("2001:db8:2::1c2a:3b4c:5d6e:7f80");
const mac_addr mn_mac = mac("02:00:00:00:00:10");
const mac_addr nar_mac = mac("02:00:00:00:01:01");
const mac_addr port_mac0 = mac("02:00:00:00:00:01");
const mac_addr port_mac1 = mac("02:00:00:00:00:02");

struct rcu_var {
    explicit rcu_var(unsigned threads) {
        const std::size_t sz = rte_rcu_qsbr_get_memsize(threads);
        mem = static_cast<std::uint8_t*>(::operator new(sz, std::align_val_t(64)));
        v = reinterpret_cast<rte_rcu_qsbr*>(mem);
        rte_rcu_qsbr_init(v, threads);
    }
    ~rcu_var() { ::operator delete(mem, std::align_val_t(64)); }
    std::uint8_t* mem = nullptr;
    rte_rcu_qsbr* v = nullptr;
};

config::config par_config() {
    config::config c;
    config::port p0;
    p0.name = "p0";
    p0.addresses.push_back(*ipv6_prefix::parse("2001:db8:1::1/64"));
    config::port p1;
    p1.name = "p1";
    p1.addresses.push_back(*ipv6_prefix::parse("2001:db8:9::1/64"));
    c.ports = {p0, p1};
    config::neighbor_router n;
    n.ap_id = "02:00:00:00:00:aa";
    n.nar_mac = nar_mac;
    n.nar_address = nar_addr;
    n.nar_prefix = *ipv6_prefix::parse("2001:db8:2::/64");
    c.neighbor_routers.push_back(n);
    c.router.emplace();
    c.fmip.hi_retries = 2;
    c.fmip.hi_timeout_ms = 100;
    c.fmip.proxy_nd_lifetime_ms = 1500;
    c.handover_keys.max_tunnel_lifetime_s = 60;
    return c;
}

/// A parsed frame: Ethernet, IPv6, upper layer.
struct frame {
    std::uint16_t port = 0;
    mac_addr eth_dst, eth_src;
    ipv6_addr src, dst;
    std::uint8_t nh = 0;
    std::uint8_t hop_limit = 0;
    std::vector<std::uint8_t> upper;
};

frame parse_frame(const ctl::tx_frame& f) {
    frame r;
    r.port = f.port;
    EXPECT_GE(f.bytes.size(), 14u + 40u);
    std::memcpy(r.eth_dst.b.data(), f.bytes.data(), 6);
    std::memcpy(r.eth_src.b.data(), f.bytes.data() + 6, 6);
    EXPECT_EQ(f.bytes[12], 0x86);
    EXPECT_EQ(f.bytes[13], 0xdd);
    const bytes_view ip = bytes_view(f.bytes).subspan(14);
    const auto v = wire::parse_ipv6(ip);
    EXPECT_TRUE(v.ok());
    EXPECT_EQ(v.end, ip.size());
    r.src = v.hdr->src_addr();
    r.dst = v.hdr->dst_addr();
    r.nh = v.upper_proto;
    r.hop_limit = v.hdr->hop_limit;
    const auto up = v.upper(ip);
    r.upper.assign(up.begin(), up.end());
    return r;
}

/// The IPv6 FBU packet an MN sends (RFC 5268 §6.3.1): HAO = PCoA, A|H, optional Alternate CoA
/// and MH-LLA, BADF signed with `key` over NCoA | PAR address, checksum with the HAO.
std::vector<std::uint8_t> build_fbu(const fmip::badf_key& key, const ipv6_addr& src, const ipv6_addr& hoa,
                                    const ipv6_addr& care_of, bool alt, std::uint16_t seq, std::uint16_t lifetime,
                                    std::optional<mac_addr> lla) {
    std::vector<std::uint8_t> pkt(512, 0);
    const bytes_mut mh = bytes_mut(pkt).subspan(64);
    wire::mh_writer w(mh);
    w.bu(wire::bu_msg{seq, static_cast<std::uint16_t>(wire::bu_flag_a | wire::bu_flag_h), lifetime},
         wire::mh_type_fbu);
    if (alt) {
        w.alt_coa(care_of);
    }
    if (lla) {
        w.mh_lla(2, lla->b);
    }
    const std::size_t auth = w.badf(fmip::badf_spi_handover_key, key.auth_len());
    const auto r = w.finish();
    EXPECT_TRUE(r.ok());
    EXPECT_TRUE(fmip::sign_mh_badf(key, care_of, par_addr, mh.subspan(0, r.len), auth));
    EXPECT_TRUE(wire::mh_fill_checksum(hoa, par_addr, mh.subspan(0, r.len)));
    EXPECT_TRUE(wire::build_hao_dstopts(bytes_mut(pkt).subspan(40, 24), wire::nh_mh, hoa).ok());
    wire::ipv6_fields h;
    h.payload_len = static_cast<std::uint16_t>(24 + r.len);
    h.next_header = wire::nh_dstopts;
    h.src = src;
    h.dst = par_addr;
    EXPECT_TRUE(wire::build_ipv6_hdr(bytes_mut(pkt).subspan(0, 40), h).ok());
    pkt.resize(64 + r.len);
    return pkt;
}

/// An ICMPv6 154 packet (HI or HAck) with the given options.
std::vector<std::uint8_t> build_fmip_pkt(const ipv6_addr& src, const ipv6_addr& dst, std::uint8_t subtype,
                                         std::uint8_t code, std::uint8_t flags, std::uint16_t id,
                                         const std::optional<mac_addr>& lla, const std::optional<ipv6_addr>& pcoa_opt,
                                         const std::optional<ipv6_addr>& ncoa_opt) {
    std::vector<std::uint8_t> pkt(256, 0);
    const bytes_mut icmp = bytes_mut(pkt).subspan(40);
    wire::fmip_msg m;
    m.subtype = subtype;
    m.code = code;
    m.flags = flags;
    m.identifier = id;
    std::size_t len = wire::build_fmip(icmp.subspan(0, 8), m).len;
    EXPECT_EQ(len, 8u);
    if (lla) {
        len += wire::build_lla_fmip_opt(icmp.subspan(len), wire::lla_code_mn, lla->b).len;
    }
    if (pcoa_opt) {
        len += wire::build_ip_addr_opt(icmp.subspan(len), {wire::ip_addr_code_pcoa, 128, *pcoa_opt}).len;
    }
    if (ncoa_opt) {
        len += wire::build_ip_addr_opt(icmp.subspan(len), {wire::ip_addr_code_ncoa, 128, *ncoa_opt}).len;
    }
    EXPECT_TRUE(wire::icmpv6_fill_checksum(src, dst, icmp.subspan(0, len)));
    wire::ipv6_fields h;
    h.payload_len = static_cast<std::uint16_t>(len);
    h.next_header = wire::nh_icmpv6;
    h.src = src;
    h.dst = dst;
    EXPECT_TRUE(wire::build_ipv6_hdr(bytes_mut(pkt).subspan(0, 40), h).ok());
    pkt.resize(40 + len);
    return pkt;
}

/// An HI taken apart.
struct hi_view {
    frame f;
    std::uint8_t code = 0xff, flags = 0xff;
    std::uint16_t id = 0;
    std::optional<mac_addr> lla;
    std::optional<ipv6_addr> pcoa, ncoa;
};

hi_view parse_hi(const ctl::tx_frame& tf) {
    hi_view h;
    h.f = parse_frame(tf);
    EXPECT_EQ(h.f.nh, wire::nh_icmpv6);
    EXPECT_TRUE(wire::icmpv6_checksum_ok(h.f.src, h.f.dst, h.f.upper));
    const auto m = wire::parse_fmip(h.f.upper, wire::fmip_subtype_hi);
    EXPECT_TRUE(m.ok());
    if (!m) {
        return h;
    }
    EXPECT_EQ(h.f.upper[0], 154);
    h.code = m->code;
    h.flags = m->flags;
    h.id = m->identifier;
    for (const auto& o : wire::parse_nd_options(m->options)) {
        if (o.type == wire::nd_opt_lla_fmip) {
            auto l = wire::parse_lla_fmip_opt(o.raw);
            EXPECT_TRUE(l.ok());
            EXPECT_EQ(l->code, wire::lla_code_mn);
            h.lla = l->mac();
        } else if (o.type == wire::nd_opt_ip_addr) {
            auto a = wire::parse_ip_addr_opt(o.raw);
            EXPECT_TRUE(a.ok());
            (a->code == wire::ip_addr_code_pcoa ? h.pcoa : h.ncoa) = a->addr;
        }
    }
    return h;
}

/// An FBack taken apart and authenticated like the MN does.
struct fback_view {
    frame f;
    std::uint8_t status = 0xff;
    std::uint16_t seq = 0, lifetime = 0xffff;
    bool badf_ok = false;
    bool checksum_ok = false;
    std::optional<ipv6_addr> alt;
};

fback_view parse_fback(const ctl::tx_frame& tf, const fmip::badf_key& key, const ipv6_addr& mac_ncoa) {
    fback_view b;
    b.f = parse_frame(tf);
    EXPECT_EQ(b.f.nh, wire::nh_mh);
    const auto v = wire::parse_mh(b.f.upper);
    EXPECT_TRUE(v.ok());
    EXPECT_EQ(v.type, wire::mh_type_fback);
    EXPECT_EQ(v.payload_proto, wire::nh_none);
    const auto ba = wire::mh_ba(v);
    EXPECT_TRUE(ba.ok());
    if (!ba) {
        return b;
    }
    b.status = ba->status;
    b.seq = ba->seq;
    b.lifetime = ba->lifetime;
    b.checksum_ok = wire::mh_checksum(b.f.src, b.f.dst, b.f.upper) == 0;
    // BADF last (the parser checks), SPI 0, authenticator over NCoA | PAR address | MH.
    b.badf_ok = fmip::verify_mh_badf(key, mac_ncoa, b.f.src, v) == fmip::badf_reason::ok;
    if (const auto* o = v.options.find(wire::mh_opt_alt_coa)) {
        b.alt = *wire::mh_alt_coa(*o);
    }
    return b;
}

class FmipTest : public ::testing::Test {
protected:
    void SetUp() override { make(par_config()); }

    void make(config::config c) {
        static std::atomic<unsigned> n{0};
        const std::string sfx = std::to_string(n++);
        svc.reset();
        cfg = std::move(c);
        keys.reset();
        bindings.reset();
        neighbors.reset();
        ktable.reset();
        auto kt = tables::key_table::create(("ut_fk_" + sfx).c_str(), 64, rcu.v, 0);
        ASSERT_TRUE(kt.ok()) << kt.err().message;
        ktable = std::move(kt.value());
        keys = std::make_unique<ctl::key_service>(*ktable, cfg.handover_keys);
        auto bt = tables::binding_table::create(("ut_fb_" + sfx).c_str(), 64, rcu.v, 0);
        ASSERT_TRUE(bt.ok()) << bt.err().message;
        bindings = std::move(bt.value());
        auto nt = fastpath::neighbor_table::create("ut_fn_" + sfx, 64, 0);
        ASSERT_TRUE(nt.ok()) << nt.err().message;
        neighbors = std::make_unique<fastpath::neighbor_table>(std::move(nt.value()));
        now_ms = tables::now_s() * 1000;

        ctl::fmip_deps d;
        d.keys = keys.get();
        d.bindings = bindings.get();
        d.neighbors = neighbors.get();
        d.ports = {ctl::port_info{port_mac0, 1500}, ctl::port_info{port_mac1, 1500}};
        d.port_ids = {0, 1};
        d.clock_ms = [this] { return now_ms; };
        // p0: the MN's link (the MN answers for its addresses); p1: toward the NAR.
        d.resolve = [](const ipv6_addr& dst) -> std::optional<ctl::fmip_next_hop> {
            if (ipv6_prefix::parse("2001:db8:1::/64")->contains(dst)) {
                return ctl::fmip_next_hop{0, mn_mac};
            }
            if (ipv6_prefix::parse("2001:db8:2::/64")->contains(dst) ||
                ipv6_prefix::parse("2001:db8:9::/64")->contains(dst)) {
                return ctl::fmip_next_hop{1, nar_mac};
            }
            return std::nullopt;
        };
        auto s = ctl::fmip_service::create(cfg, std::move(d));
        ASSERT_TRUE(s.ok()) << s.err().message;
        svc = std::move(s.value());
    }

    /// A handover key for the PCoA (what a verified RtSolPr left behind) and its BADF state.
    void provision() {
        ctl::key_grant g;
        ASSERT_EQ(keys->get_or_create(pcoa, 1, g), ctl::grant_status::granted);
        auto k = fmip::badf_key::create(g.at, g.key.view());
        ASSERT_TRUE(k.ok());
        key = std::make_unique<fmip::badf_key>(std::move(k.value()));
    }

    std::vector<ctl::tx_frame> frames() {
        std::vector<ctl::tx_frame> out;
        svc->take_frames(out);
        return out;
    }

    std::uint64_t ctr(const char* name) const { return svc->counters().get(name); }

    /// FBU from the PAR's link (src = PCoA, Alternate CoA = NCoA) → the HI it produced.
    hi_view proactive_fbu(std::uint16_t seq, std::uint16_t lifetime) {
        svc->submit(0, mn_mac, build_fbu(*key, pcoa, pcoa, ncoa, true, seq, lifetime, mn_mac));
        auto out = frames();
        EXPECT_EQ(out.size(), 1u);
        return out.empty() ? hi_view{} : parse_hi(out[0]);
    }

    std::vector<std::uint8_t> hack(std::uint16_t id, std::uint8_t code, const ipv6_addr& from = nar_addr) {
        return build_fmip_pkt(from, par_uplink, wire::fmip_subtype_hack, code, 0, id, std::nullopt, std::nullopt,
                              std::nullopt);
    }

    rcu_var rcu{1};
    config::config cfg;
    std::unique_ptr<tables::key_table> ktable;
    std::unique_ptr<ctl::key_service> keys;
    std::unique_ptr<tables::binding_table> bindings;
    std::unique_ptr<fastpath::neighbor_table> neighbors;
    std::unique_ptr<ctl::fmip_service> svc;
    std::unique_ptr<fmip::badf_key> key;
    std::uint64_t now_ms = 0;
};

TEST_F(FmipTest, ProactiveFbuHiHackBindingFback) {
    provision();
    const hi_view hi = proactive_fbu(7, 30);
    // RFC 5268 §6.2.1: PAR → NAR, Code 0 (FBU from the PCoA), S = U = 0, LLA 2 / IP 1 / IP 2.
    EXPECT_EQ(hi.f.port, 1);
    EXPECT_EQ(hi.f.eth_dst, nar_mac);
    EXPECT_EQ(hi.f.eth_src, port_mac1);
    EXPECT_EQ(hi.f.src, par_uplink);
    EXPECT_EQ(hi.f.dst, nar_addr);
    EXPECT_EQ(hi.code, 0);
    EXPECT_EQ(hi.flags, 0);
    EXPECT_NE(hi.id, 0);
    EXPECT_EQ(hi.lla, mn_mac);
    EXPECT_EQ(hi.pcoa, pcoa);
    EXPECT_EQ(hi.ncoa, ncoa);
    EXPECT_EQ(bindings->find(pcoa), nullptr); // no binding before the HAck (§5.1)
    EXPECT_EQ(svc->pending_handovers(), 1u);

    svc->submit(1, nar_mac, hack(hi.id, 0));
    const tables::binding_record* b = bindings->find(pcoa);
    ASSERT_NE(b, nullptr);
    EXPECT_EQ(b->ncoa, ncoa);
    EXPECT_EQ(b->tunnel_src, par_addr); // the FBU's (global) destination
    EXPECT_EQ(b->seq, 7);
    EXPECT_EQ(b->expires_s - b->created_s, 30u);
    EXPECT_EQ(svc->pending_handovers(), 0u);

    auto out = frames();
    ASSERT_EQ(out.size(), 2u); // to the NCoA and, since it came from the PAR's link, the PCoA
    const fback_view f0 = parse_fback(out[0], *key, ncoa);
    const fback_view f1 = parse_fback(out[1], *key, ncoa);
    EXPECT_EQ(f0.f.dst, ncoa);
    EXPECT_EQ(f0.f.eth_dst, nar_mac);
    EXPECT_EQ(f1.f.dst, pcoa);
    EXPECT_EQ(f1.f.eth_dst, mn_mac);
    for (const auto& f : {f0, f1}) {
        EXPECT_EQ(f.f.src, par_addr);
        EXPECT_EQ(f.status, 0);
        EXPECT_EQ(f.seq, 7);
        EXPECT_EQ(f.lifetime, 30);
        EXPECT_TRUE(f.badf_ok);
        EXPECT_TRUE(f.checksum_ok);
        EXPECT_FALSE(f.alt.has_value());
    }
    // A key of another AR does not verify it.
    const std::vector<std::uint8_t> other(32, 0x4b);
    auto wrong = fmip::badf_key::create(1, other);
    ASSERT_TRUE(wrong.ok());
    EXPECT_FALSE(parse_fback(out[0], *wrong, ncoa).badf_ok);

    EXPECT_EQ(ctr("fbu_received"), 1u);
    EXPECT_EQ(ctr("fbu_accepted"), 1u);
    EXPECT_EQ(ctr("hi_sent"), 1u);
    EXPECT_EQ(ctr("hack_received"), 1u);
    EXPECT_EQ(ctr("hack_accepted"), 1u);
    EXPECT_EQ(ctr("bindings_installed"), 1u);
    EXPECT_EQ(ctr("fback_sent"), 2u);
    const auto rows = svc->list_bindings();
    ASSERT_EQ(rows.size(), 1u);
    EXPECT_EQ(rows[0].pcoa, pcoa);
    EXPECT_EQ(rows[0].remaining_s, 30u);
}

TEST_F(FmipTest, MaxTunnelLifetimeCapsTheGrant) {
    provision();
    const hi_view hi = proactive_fbu(1, 600);
    svc->submit(1, nar_mac, hack(hi.id, 0));
    const tables::binding_record* b = bindings->find(pcoa);
    ASSERT_NE(b, nullptr);
    EXPECT_EQ(b->expires_s - b->created_s, 60u);
    const auto out = frames();
    ASSERT_FALSE(out.empty());
    EXPECT_EQ(parse_fback(out[0], *key, ncoa).lifetime, 60);
}

TEST_F(FmipTest, ReactiveFbuUsesCode1AndRecordedLinkLayer) {
    provision();
    const mac_addr seen = mac("02:00:00:00:00:77");
    keys->note_link_layer(pcoa, seen); // what the RtSolPr told the SEND service
    // From the NAR's link: source = NCoA, no Alternate CoA, no MH-LLA.
    svc->submit(1, nar_mac, build_fbu(*key, ncoa, pcoa, ncoa, false, 3, 20, std::nullopt));
    auto out = frames();
    ASSERT_EQ(out.size(), 1u);
    const hi_view hi = parse_hi(out[0]);
    EXPECT_EQ(hi.code, 1);
    EXPECT_EQ(hi.flags, 0);
    EXPECT_EQ(hi.lla, seen);
    EXPECT_EQ(hi.ncoa, ncoa);
    svc->submit(1, nar_mac, hack(hi.id, 0));
    out = frames();
    ASSERT_EQ(out.size(), 1u); // only to the NCoA
    const fback_view f = parse_fback(out[0], *key, ncoa);
    EXPECT_EQ(f.f.dst, ncoa);
    EXPECT_EQ(f.status, 0);
    EXPECT_TRUE(f.badf_ok);
}

TEST_F(FmipTest, NoLinkLayerAddressRefuses) {
    provision();
    svc->submit(1, nar_mac, build_fbu(*key, ncoa, pcoa, ncoa, false, 3, 20, std::nullopt));
    auto out = frames();
    ASSERT_EQ(out.size(), 1u);
    const fback_view f = parse_fback(out[0], *key, ncoa);
    EXPECT_EQ(f.status, 128);
    EXPECT_EQ(ctr("fbu_no_mn_lla"), 1u);
    EXPECT_EQ(ctr("hi_sent"), 0u);
}

TEST_F(FmipTest, HackRefusalGivesFback128AndNoBinding) {
    provision();
    const hi_view hi = proactive_fbu(5, 30);
    svc->submit(1, nar_mac, hack(hi.id, 129));
    EXPECT_EQ(bindings->find(pcoa), nullptr);
    auto out = frames();
    ASSERT_EQ(out.size(), 2u);
    const fback_view f = parse_fback(out[0], *key, ncoa);
    EXPECT_EQ(f.status, 129); // administratively prohibited carries over
    EXPECT_EQ(f.lifetime, 0);
    EXPECT_TRUE(f.badf_ok);
    EXPECT_EQ(ctr("hack_refused"), 1u);

    const hi_view hi2 = proactive_fbu(6, 30);
    svc->submit(1, nar_mac, hack(hi2.id, 128));
    out = frames();
    ASSERT_EQ(out.size(), 2u);
    EXPECT_EQ(parse_fback(out[0], *key, ncoa).status, 128);
    EXPECT_EQ(bindings->find(pcoa), nullptr);
}

TEST_F(FmipTest, HackAssignedNcoaGoesInFbackAlternateCoa) {
    provision();
    const hi_view hi = proactive_fbu(4, 30);
    const ipv6_addr assigned = addr("2001:db8:2::77");
    svc->submit(1, nar_mac,
                build_fmip_pkt(nar_addr, par_uplink, wire::fmip_subtype_hack, wire::hack_code_accepted_assigned, 0,
                               hi.id, std::nullopt, std::nullopt, assigned));
    const tables::binding_record* b = bindings->find(pcoa);
    ASSERT_NE(b, nullptr);
    EXPECT_EQ(b->ncoa, assigned); // the tunnel goes where the MN will be
    auto out = frames();
    ASSERT_EQ(out.size(), 2u);
    const fback_view f = parse_fback(out[0], *key, ncoa); // authenticated over the FBU's NCoA
    EXPECT_EQ(f.status, 1);
    EXPECT_EQ(f.alt, assigned);
    EXPECT_TRUE(f.badf_ok);
    EXPECT_TRUE(f.checksum_ok);
}

TEST_F(FmipTest, HackFromElsewhereOrUnknownIdIsIgnored) {
    provision();
    const hi_view hi = proactive_fbu(5, 30);
    svc->submit(1, nar_mac, hack(hi.id, 0, addr("2001:db8:2::99")));
    svc->submit(1, nar_mac, hack(static_cast<std::uint16_t>(hi.id + 1), 0));
    EXPECT_EQ(ctr("hack_unmatched"), 2u);
    EXPECT_TRUE(frames().empty());
    EXPECT_EQ(svc->pending_handovers(), 1u);
    // A corrupted checksum is malformed.
    auto bad = hack(hi.id, 0);
    bad[40 + 2] ^= 0x55;
    svc->submit(1, nar_mac, bad);
    EXPECT_EQ(ctr("hack_malformed"), 1u);
    EXPECT_EQ(svc->pending_handovers(), 1u);
}

TEST_F(FmipTest, HiRetransmitsWithBackoffThenTimesOut) {
    provision();
    const hi_view hi = proactive_fbu(9, 30); // hi_retries 2, hi_timeout_ms 100
    const std::uint64_t t0 = now_ms;
    now_ms = t0 + 99;
    svc->tick();
    EXPECT_TRUE(frames().empty());
    now_ms = t0 + 100;
    svc->tick();
    auto out = frames();
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(parse_hi(out[0]).id, hi.id); // the same HI again
    now_ms = t0 + 299; // next after 200 ms
    svc->tick();
    EXPECT_TRUE(frames().empty());
    now_ms = t0 + 300;
    svc->tick();
    EXPECT_EQ(frames().size(), 1u);
    EXPECT_EQ(ctr("hi_retransmitted"), 2u);
    now_ms = t0 + 699; // then after 400 ms: retries exhausted
    svc->tick();
    EXPECT_TRUE(frames().empty());
    now_ms = t0 + 700;
    svc->tick();
    out = frames();
    ASSERT_EQ(out.size(), 2u);
    const fback_view f = parse_fback(out[0], *key, ncoa);
    EXPECT_EQ(f.status, 128);
    EXPECT_EQ(f.seq, 9);
    EXPECT_TRUE(f.badf_ok);
    EXPECT_EQ(ctr("hi_timeout"), 1u);
    EXPECT_EQ(bindings->find(pcoa), nullptr);
    // A late HAck finds nothing.
    svc->submit(1, nar_mac, hack(hi.id, 0));
    EXPECT_EQ(ctr("hack_unmatched"), 1u);
    EXPECT_EQ(bindings->find(pcoa), nullptr);
}

TEST_F(FmipTest, StaleSequenceNumberRefused) {
    provision();
    const hi_view hi = proactive_fbu(10, 30);
    svc->submit(1, nar_mac, hack(hi.id, 0));
    frames();
    svc->submit(0, mn_mac, build_fbu(*key, pcoa, pcoa, ncoa, true, 10, 30, mn_mac));
    svc->submit(0, mn_mac, build_fbu(*key, pcoa, pcoa, ncoa, true, 9, 30, mn_mac));
    svc->submit(0, mn_mac, build_fbu(*key, pcoa, pcoa, ncoa, true, 0x800a, 30, mn_mac)); // 2^15 ahead: older
    EXPECT_EQ(ctr("fbu_stale_seq"), 3u);
    EXPECT_TRUE(frames().empty());
    // Newer, including across the wrap.
    const hi_view hi2 = proactive_fbu(11, 30);
    EXPECT_NE(hi2.id, hi.id);
    EXPECT_EQ(ctr("hi_sent"), 2u);
}

TEST_F(FmipTest, SequenceWrapsAround) {
    provision();
    proactive_fbu(0xfffe, 30);
    proactive_fbu(0x0001, 30); // newer modulo 2^16
    EXPECT_EQ(ctr("fbu_stale_seq"), 0u);
    EXPECT_EQ(svc->pending_handovers(), 1u); // the newer FBU superseded the pending one
}

TEST_F(FmipTest, SequenceStateForgottenWithTheKey) {
    provision();
    const hi_view hi = proactive_fbu(40, 30);
    svc->submit(1, nar_mac, hack(hi.id, 0));
    frames();
    // The key goes (HK-LIFETIME, `clear key`): a new key may start the MN's numbering again.
    ASSERT_TRUE(keys->erase(pcoa));
    now_ms += 61000;
    svc->tick();
    frames();
    provision();
    proactive_fbu(1, 30);
    EXPECT_EQ(ctr("fbu_stale_seq"), 0u);
}

TEST_F(FmipTest, LifetimeZeroEndsBindingAndDiscardsKey) {
    provision();
    const hi_view hi = proactive_fbu(20, 30);
    svc->submit(1, nar_mac, hack(hi.id, 0));
    frames();
    ASSERT_NE(bindings->find(pcoa), nullptr);
    // Back on the PAR's link: FBU from the PCoA with Lifetime 0 (RFC 5268 §5.3).
    svc->submit(0, mn_mac, build_fbu(*key, pcoa, pcoa, ncoa, true, 21, 0, mn_mac));
    EXPECT_EQ(bindings->find(pcoa), nullptr);
    auto out = frames();
    ASSERT_EQ(out.size(), 2u);
    const fback_view f = parse_fback(out[1], *key, ncoa);
    EXPECT_EQ(f.f.dst, pcoa);
    EXPECT_EQ(f.status, 0);
    EXPECT_EQ(f.seq, 21);
    EXPECT_EQ(f.lifetime, 0);
    EXPECT_TRUE(f.badf_ok); // signed before the key went
    EXPECT_FALSE(keys->find(pcoa).has_value());
    EXPECT_EQ(ctr("bindings_removed"), 1u);
    EXPECT_EQ(ctr("keys_discarded"), 1u);
    EXPECT_EQ(ctr("hi_sent"), 1u); // no HI for a Lifetime 0
}

TEST_F(FmipTest, ExpiryRemovesBindingAndDiscardsKey) {
    provision();
    const hi_view hi = proactive_fbu(1, 5);
    svc->submit(1, nar_mac, hack(hi.id, 0));
    frames();
    ASSERT_NE(bindings->find(pcoa), nullptr);
    now_ms += 4000;
    svc->tick();
    EXPECT_NE(bindings->find(pcoa), nullptr);
    EXPECT_TRUE(keys->find(pcoa).has_value());
    now_ms += 2000;
    svc->tick();
    EXPECT_EQ(bindings->find(pcoa), nullptr);
    EXPECT_FALSE(keys->find(pcoa).has_value());
    EXPECT_EQ(ctr("bindings_expired"), 1u);
    EXPECT_EQ(ctr("keys_discarded"), 1u);
}

TEST_F(FmipTest, NcoaOutsideEveryNarPrefixRefused) {
    provision();
    const ipv6_addr far = addr("2001:db8:7::5");
    svc->submit(0, mn_mac, build_fbu(*key, pcoa, pcoa, far, true, 1, 30, mn_mac));
    auto out = frames();
    ASSERT_EQ(out.size(), 1u); // to the PCoA only: the NCoA has no route here
    const fback_view f = parse_fback(out[0], *key, far);
    EXPECT_EQ(f.f.dst, pcoa);
    EXPECT_EQ(f.status, 128);
    EXPECT_TRUE(f.badf_ok);
    EXPECT_EQ(ctr("fbu_no_nar"), 1u);
    EXPECT_EQ(ctr("no_route_out"), 1u);
}

TEST_F(FmipTest, RolesOffDropAndCount) {
    auto c = par_config();
    c.fmip.par = false;
    c.fmip.nar = false;
    make(c);
    provision();
    svc->submit(0, mn_mac, build_fbu(*key, pcoa, pcoa, ncoa, true, 1, 30, mn_mac));
    svc->submit(0, mn_mac,
                build_fmip_pkt(nar_addr, par_addr, wire::fmip_subtype_hi, 0, 0, 5, mn_mac, pcoa, addr("2001:db8:1::99")));
    EXPECT_TRUE(frames().empty());
    EXPECT_EQ(ctr("fbu_role_disabled"), 1u);
    EXPECT_EQ(ctr("hi_role_disabled"), 1u);
}

TEST_F(FmipTest, WantsSelectsMhAndHiHack) {
    provision();
    EXPECT_TRUE(ctl::fmip_service::wants(build_fbu(*key, pcoa, pcoa, ncoa, true, 1, 30, mn_mac)));
    EXPECT_TRUE(ctl::fmip_service::wants(hack(1, 0)));
    EXPECT_TRUE(ctl::fmip_service::wants(
        build_fmip_pkt(nar_addr, par_addr, wire::fmip_subtype_hi, 0, 0, 5, mn_mac, pcoa, ncoa)));
    // An RtSolPr (154/2) stays with the SEND service.
    EXPECT_FALSE(ctl::fmip_service::wants(
        build_fmip_pkt(pcoa, par_addr, wire::fmip_subtype_rtsolpr, 0, 0, 5, std::nullopt, std::nullopt, std::nullopt)));
}

// ---- NAR ----

class NarTest : public FmipTest {
protected:
    void SetUp() override {
        // This instance is the NAR: p0 is the NCoA's link (2001:db8:1::/64 here), p1 the uplink.
        make(par_config());
    }
    std::vector<std::uint8_t> hi(std::uint16_t id, const ipv6_addr& nc, std::uint8_t flags = 0, std::uint8_t code = 0) {
        return build_fmip_pkt(addr("2001:db8:9::7"), par_uplink, wire::fmip_subtype_hi, code, flags, id, mn_mac,
                              pcoa, nc);
    }
    std::pair<frame, wire::fmip_msg> one_hack() {
        auto out = frames();
        EXPECT_EQ(out.size(), 1u);
        if (out.empty()) {
            return {};
        }
        frame f = parse_frame(out[0]);
        EXPECT_TRUE(wire::icmpv6_checksum_ok(f.src, f.dst, f.upper));
        auto m = wire::parse_fmip(f.upper, wire::fmip_subtype_hack);
        EXPECT_TRUE(m.ok());
        return {f, *m};
    }
};

TEST_F(NarTest, HiAcceptedInstallsNeighbourEntry) {
    const ipv6_addr nc = addr("2001:db8:1::abcd");
    svc->submit(1, nar_mac, hi(0x4242, nc));
    const auto [f, m] = one_hack();
    EXPECT_EQ(f.src, par_uplink); // addresses swapped from the HI
    EXPECT_EQ(f.dst, addr("2001:db8:9::7"));
    EXPECT_EQ(f.port, 1);
    EXPECT_EQ(m.code, 0);
    EXPECT_EQ(m.identifier, 0x4242);
    mac_addr got;
    ASSERT_TRUE(neighbors->lookup(nc, 0, got)); // on p0 (DPDK port id 0), the NCoA's link
    EXPECT_EQ(got, mn_mac);
    EXPECT_EQ(ctr("hi_received"), 1u);
    EXPECT_EQ(ctr("hack_sent"), 1u);
    EXPECT_EQ(ctr("proxy_installed"), 1u);
    EXPECT_EQ(svc->proxy_entries(), 1u);
}

TEST_F(NarTest, ProxyEntryRemovedAfterItsLifetime) {
    const ipv6_addr nc = addr("2001:db8:1::abcd");
    svc->submit(1, nar_mac, hi(1, nc));
    frames();
    mac_addr got;
    ASSERT_TRUE(neighbors->lookup(nc, 0, got));
    // max(PROXY_ND_LIFETIME 1.5 s, max tunnel lifetime 60 s) = 60 s.
    const std::uint64_t t0 = now_ms;
    now_ms = t0 + 59999;
    svc->tick();
    EXPECT_TRUE(neighbors->lookup(nc, 0, got));
    now_ms = t0 + 60000;
    svc->tick();
    EXPECT_FALSE(neighbors->lookup(nc, 0, got));
    EXPECT_EQ(ctr("proxy_removed"), 1u);
    EXPECT_EQ(svc->proxy_entries(), 0u);
}

TEST_F(NarTest, ProxyNdLifetimeWinsWhenLonger) {
    auto c = par_config();
    c.fmip.proxy_nd_lifetime_ms = 90000;
    make(c);
    const ipv6_addr nc = addr("2001:db8:1::abcd");
    svc->submit(1, nar_mac, hi(1, nc));
    frames();
    const std::uint64_t t0 = now_ms;
    now_ms = t0 + 89999;
    svc->tick();
    mac_addr got;
    EXPECT_TRUE(neighbors->lookup(nc, 0, got));
    now_ms = t0 + 90000;
    svc->tick();
    EXPECT_FALSE(neighbors->lookup(nc, 0, got));
}

TEST_F(NarTest, NcoaOffPrefixGetsHack1) {
    svc->submit(1, nar_mac, hi(2, addr("2001:db8:5::1")));
    const auto [f, m] = one_hack();
    EXPECT_EQ(m.code, 1);
    EXPECT_EQ(m.identifier, 2);
    EXPECT_EQ(svc->proxy_entries(), 0u);
    EXPECT_EQ(ctr("hi_refused"), 1u);
    // Our own address is not a valid NCoA either.
    svc->submit(1, nar_mac, hi(3, addr("2001:db8:1::1")));
    EXPECT_EQ(one_hack().second.code, 1);
}

TEST_F(NarTest, SFlagGetsHack128) {
    svc->submit(1, nar_mac, hi(4, addr("2001:db8:1::abcd"), wire::hi_flag_s));
    const auto [f, m] = one_hack();
    EXPECT_EQ(m.code, 128);
    EXPECT_EQ(svc->proxy_entries(), 0u);
}

TEST_F(NarTest, MissingLinkLayerOptionGetsHack128) {
    svc->submit(1, nar_mac,
                build_fmip_pkt(addr("2001:db8:9::7"), par_uplink, wire::fmip_subtype_hi, 0, 0, 5, std::nullopt, pcoa,
                               addr("2001:db8:1::abcd")));
    EXPECT_EQ(one_hack().second.code, 128);
}

TEST_F(NarTest, RetargetMovesProxyEntriesToNewTable) {
    const ipv6_addr nc = addr("2001:db8:1::abcd");
    svc->submit(1, nar_mac, hi(1, nc));
    frames();
    auto nt = fastpath::neighbor_table::create("ut_fn_retarget", 64, 0);
    ASSERT_TRUE(nt.ok());
    fastpath::neighbor_table fresh = std::move(nt.value());
    svc->retarget(&fresh, nullptr);
    mac_addr got;
    ASSERT_TRUE(fresh.lookup(nc, 0, got));
    EXPECT_EQ(got, mn_mac);
    now_ms += 60000;
    svc->tick(); // removal goes to the new table
    EXPECT_FALSE(fresh.lookup(nc, 0, got));
    svc->retarget(neighbors.get(), nullptr); // before `fresh` goes away
}

TEST_F(NarTest, SetPolicyAppliesToNewMessages) {
    auto c = par_config();
    c.fmip.nar = false;
    svc->set_policy(c);
    svc->submit(1, nar_mac, hi(1, addr("2001:db8:1::abcd")));
    EXPECT_TRUE(frames().empty());
    EXPECT_EQ(ctr("hi_role_disabled"), 1u);
    c.fmip.nar = true;
    c.fmip.proxy_nd_lifetime_ms = 100;
    c.handover_keys.max_tunnel_lifetime_s = 2;
    svc->set_policy(c);
    svc->submit(1, nar_mac, hi(2, addr("2001:db8:1::abcd")));
    EXPECT_EQ(one_hack().second.code, 0);
    now_ms += 2000;
    svc->tick();
    EXPECT_EQ(ctr("proxy_removed"), 1u);
}

TEST_F(NarTest, BadChecksumIsMalformed) {
    auto p = hi(6, addr("2001:db8:1::abcd"));
    p[40 + 2] ^= 0x01;
    svc->submit(1, nar_mac, p);
    EXPECT_TRUE(frames().empty());
    EXPECT_EQ(ctr("hi_malformed"), 1u);
}

} // namespace

int main(int argc, char** argv) {
    ::testing::InitGoogleTest(&argc, argv);
    ::testing::AddGlobalTestEnvironment(new mipgate::test::eal_env(256));
    return RUN_ALL_TESTS();
}
