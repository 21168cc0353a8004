// FMIPv6 on the worker, on mbufs built in-process: FBU verification (each refusal with its own
// counter, the verified one on the control ring), HI/HAck to control, PAR encapsulation (outer
// header bytes checked), NAR and reverse-tunnel decapsulation, nested tunnels, the counter
// invariant; and neighbor_table::erase with RCU while a reader looks entries up.
#include "fp_env.hpp"

#include "mipgate/fastpath/burst.hpp"
#include "mipgate/fastpath/fmip_attach.hpp"
#include "mipgate/fastpath/forwarding_tables.hpp"
#include "mipgate/fastpath/ports.hpp"
#include "mipgate/fastpath/worker_ctx.hpp"
#include "mipgate/fmip/badf_mh.hpp"
#include "mipgate/tables/binding_table.hpp"
#include "mipgate/tables/key_table.hpp"
#include "mipgate/wire/checksum.hpp"
#include "mipgate/wire/ipv6.hpp"
#include "mipgate/wire/mh.hpp"

#include <gtest/gtest.h>

#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>
#include <rte_rcu_qsbr.h>
#include <rte_ring.h>

#include <array>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <thread>
#include <unistd.h>
#include <vector>

namespace fp = mipgate::fastpath;
namespace cfgns = mipgate::config;
namespace wire = mipgate::wire;
namespace fmip = mipgate::fmip;
namespace tables = mipgate::tables;
using fp::counter_id;
using fp::packet_class;
using mipgate::ipv6_addr;
using mipgate::ipv6_prefix;
using mipgate::mac_addr;
using bytes = std::vector<std::uint8_t>;

namespace {


ipv6_addr A(const char* s) { return *ipv6_addr::parse(s); }
ipv6_prefix P(const char* s) { return *ipv6_prefix::parse(s); }
mac_addr M(const char* s) { return *mac_addr::parse(s); }

const mac_addr access_mac = M("02:00:00:00:00:01");
const mac_addr core_mac = M("02:00:00:00:00:02");
const mac_addr nexthop_mac = M("02:00:00:00:ff:02");
const mac_addr mn_mac = M("02:00:00:00:01:00");
const mac_addr cn_mac = M("02:00:00:00:02:00");

const ipv6_addr par_addr = A("2001:db8:1::1");   // our address on the MN's former link
const ipv6_addr core_addr = A("2001:db8:ff::1"); // our address towards the NAR
const ipv6_addr nar_addr = A("2001:db8:ff::2");  // the neighbour router (nar_address)
const ipv6_addr pcoa = A("2001:db8:1::100");
const ipv6_addr ncoa = A("2001:db8:2::100");     // on the NAR's prefix, routed via core
const ipv6_addr cn = A("2001:db8:1::200");       // a host on the access link

cfgns::config test_config() {
    cfgns::config c;
    cfgns::port a;
    a.name = "access";
    a.kind = cfgns::port_kind::ring;
    a.mac = access_mac;
    a.addresses = {P("2001:db8:1::1/64")};
    cfgns::port b;
    b.name = "core";
    b.kind = cfgns::port_kind::ring;
    b.mac = core_mac;
    b.mtu = 1280;
    b.addresses = {P("2001:db8:ff::1/64")};
    c.ports = {a, b};
    c.routes = {cfgns::route{P("2001:db8:2::/48"), nar_addr, "core"}};
    c.neighbors = {cfgns::neighbor{nar_addr, nexthop_mac, "core"}, cfgns::neighbor{pcoa, mn_mac, "access"},
                   cfgns::neighbor{cn, cn_mac, "access"}};
    cfgns::neighbor_router nr;
    nr.ap_id = "02:00:00:00:00:02";
    nr.nar_mac = nexthop_mac;
    nr.nar_address = nar_addr;
    nr.nar_prefix = P("2001:db8:2::/64");
    c.neighbor_routers = {nr};
    return c;
}

/// RCU variable with a cache-aligned backing store.
struct rcu {
    explicit rcu(unsigned threads) {
        _mem.resize((rte_rcu_qsbr_get_memsize(threads) + 63) / 64);
        v = reinterpret_cast<rte_rcu_qsbr*>(_mem.front().b);
        rte_rcu_qsbr_init(v, threads);
    }
    rte_rcu_qsbr* v;

private:
    struct alignas(64) line { std::uint8_t b[64]; };
    std::vector<line> _mem;
};

using mipgate::fp_test::drain_all;
using mipgate::fp_test::g_env;
using mipgate::fp_test::sent;

/// A raw IPv6 packet: header fields and the bytes after the fixed header.
struct pkt6 {
    ipv6_addr src;
    ipv6_addr dst;
    std::uint8_t next_header = 17;
    std::uint8_t hop_limit = 64;
    bytes payload = bytes(16, 0xab);

    bytes serialize() const {
        bytes b(40);
        b[0] = 0x60;
        b[4] = static_cast<std::uint8_t>(payload.size() >> 8);
        b[5] = static_cast<std::uint8_t>(payload.size());
        b[6] = next_header;
        b[7] = hop_limit;
        std::memcpy(b.data() + 8, src.b.data(), 16);
        std::memcpy(b.data() + 24, dst.b.data(), 16);
        b.insert(b.end(), payload.begin(), payload.end());
        return b;
    }
};

/// What can be wrong with a test FBU.
struct fbu_opts {
    std::uint8_t mh_type = wire::mh_type_fbu;
    std::uint16_t flags = wire::bu_flag_a | wire::bu_flag_h;
    bool hao = true;
    ipv6_addr hoa = pcoa;       ///< HAO address (the key's name)
    bool badf = true;
    std::uint32_t spi = 0;
    const fmip::badf_key* signer = nullptr; ///< nullptr: the fixture's key for pcoa
    bool break_checksum = false;
    bool break_length = false;  ///< Header Len larger than the message
};

class fmip_burst : public ::testing::Test {
protected:
    void SetUp() override {
        ASSERT_NE(g_env, nullptr);
        w = std::make_unique<fp::worker_ctx>();
        w->tables = g_env->tables.get();
        w->burst = 32;
        const auto& rps = g_env->ports.ports();
        for (std::size_t p = 0; p < rps.size(); ++p) {
            w->tx[p].port_id = rps[p].port_id;
            w->tx[p].queue_id = 0;
            w->tx[p].enabled = true;
        }
        static int seq = 0;
        const std::string n = std::to_string(seq++);
        ring = rte_ring_create(("fmip_slow" + n).c_str(), 64, SOCKET_ID_ANY, RING_F_SC_DEQ);
        ASSERT_NE(ring, nullptr);
        w->control_ring = ring;
        auto kt = tables::key_table::create(("fmip_keys" + n).c_str(), 64, qsbr.v, 0);
        ASSERT_TRUE(kt.ok());
        keys = std::move(kt.value());
        auto bt = tables::binding_table::create(("fmip_bind" + n).c_str(), 64, qsbr.v, 0);
        ASSERT_TRUE(bt.ok());
        bindings = std::move(bt.value());
        key = add_key(pcoa, 0x4b);
        auto other = fmip::badf_key::create(fmip::at_hmac_sha1, bytes(20, 0x77));
        ASSERT_TRUE(other.ok());
        wrong_key = std::make_unique<fmip::badf_key>(std::move(other.value()));
    }
    void TearDown() override {
        drain_all();
        void* o;
        while (rte_ring_dequeue(ring, &o) == 0) {
            rte_pktmbuf_free(static_cast<rte_mbuf*>(o));
        }
        rte_ring_free(ring);
        w.reset();
        bindings.reset();
        keys.reset();
    }

    void attach() { ASSERT_TRUE(fp::attach_fmip(*w, keys.get(), bindings.get()).ok()); }

    const fmip::badf_key* add_key(const ipv6_addr& cga, std::uint8_t fill, std::uint64_t expires = ~0ull) {
        mipgate::secret_bytes k(20);
        std::memset(k.data(), fill, 20);
        auto mac = fmip::badf_key::create(fmip::at_hmac_sha1, k.view());
        EXPECT_TRUE(mac.ok());
        auto rec = std::make_unique<tables::key_record>(cga, 0, expires, std::move(k), std::move(mac.value()));
        const fmip::badf_key* p = &rec->mac;
        EXPECT_EQ(keys->insert(std::move(rec)), tables::key_table::insert_status::inserted);
        return p;
    }

    std::uint16_t port_id(int idx) const { return g_env->ports.ports()[static_cast<std::size_t>(idx)].port_id; }

    rte_mbuf* frame(const pkt6& p, int rx_port = 0) {
        rte_mbuf* m = rte_pktmbuf_alloc(g_env->pool);
        EXPECT_NE(m, nullptr);
        const bytes ip = p.serialize();
        auto* d = reinterpret_cast<std::uint8_t*>(rte_pktmbuf_append(m, static_cast<std::uint16_t>(14 + ip.size())));
        std::memcpy(d, (rx_port == 0 ? access_mac : core_mac).b.data(), 6);
        const std::uint8_t smac[6] = {0x02, 0, 0, 0, 0x99, 0x99};
        std::memcpy(d + 6, smac, 6);
        d[12] = 0x86;
        d[13] = 0xdd;
        std::memcpy(d + 14, ip.data(), ip.size());
        m->port = port_id(rx_port);
        return m;
    }

    /// An FBU from the MN on the PAR link (source PCoA, NCoA in an Alternate CoA option) to us.
    pkt6 fbu(const fbu_opts& o = {}) {
        bytes mh(128, 0);
        wire::mh_writer mw(mh);
        mw.bu(wire::bu_msg{7, o.flags, 30}, o.mh_type);
        mw.alt_coa(ncoa);
        std::size_t auth = 0;
        if (o.badf) {
            auth = mw.badf(o.spi, 12);
        }
        const auto r = mw.finish();
        EXPECT_TRUE(r.ok());
        mh.resize(r.len);
        if (o.badf) {
            EXPECT_TRUE(fmip::sign_mh_badf(o.signer != nullptr ? *o.signer : *key, ncoa, par_addr, mh, auth));
        }
        EXPECT_TRUE(wire::mh_fill_checksum(o.hao ? o.hoa : pcoa, par_addr, mh));
        if (o.break_checksum) {
            mh[5] ^= 0x01;
        }
        if (o.break_length) {
            mh[1] = static_cast<std::uint8_t>(mh[1] + 1);
        }
        pkt6 p;
        p.src = pcoa;
        p.dst = par_addr;
        p.hop_limit = 255;
        if (o.hao) {
            bytes d(24);
            EXPECT_TRUE(wire::build_hao_dstopts(d, wire::nh_mh, o.hoa).ok());
            d.insert(d.end(), mh.begin(), mh.end());
            p.next_header = wire::nh_dstopts;
            p.payload = d;
        } else {
            p.next_header = wire::nh_mh;
            p.payload = mh;
        }
        return p;
    }

    /// IPv6-in-IPv6 from `outer_src` to `outer_dst` carrying `inner`.
    static pkt6 tunnelled(const ipv6_addr& outer_src, const ipv6_addr& outer_dst, const pkt6& inner) {
        pkt6 p;
        p.src = outer_src;
        p.dst = outer_dst;
        p.next_header = 41;
        p.hop_limit = 60;
        p.payload = inner.serialize();
        return p;
    }


    void run(std::vector<rte_mbuf*> ms) { fp::process_burst(*w, ms.data(), static_cast<std::uint16_t>(ms.size())); }
    std::uint64_t c(counter_id id) const { return w->counters.get(id); }
    void expect_invariant() const {
        const fp::counter_block* blocks[] = {&w->counters};
        auto t = fp::sum_counters(blocks);
        EXPECT_EQ(t[counter_id::rx], t[counter_id::forwarded] + t[counter_id::to_control] + t.drops());
    }

    rcu qsbr{1};
    rte_ring* ring = nullptr;
    std::unique_ptr<tables::key_table> keys;
    std::unique_ptr<tables::binding_table> bindings;
    const fmip::badf_key* key = nullptr;
    std::unique_ptr<fmip::badf_key> wrong_key;
    std::unique_ptr<fp::worker_ctx> w;
};

} // namespace

TEST_F(fmip_burst, verified_fbu_goes_to_the_control_ring_untouched) {
    attach();
    const pkt6 p = fbu();
    run({frame(p)});
    EXPECT_EQ(c(counter_id::fbu_verified), 1u);
    EXPECT_EQ(c(counter_id::to_control), 1u);
    EXPECT_EQ(keys->find(pcoa)->uses.load(), 1u);
    ASSERT_EQ(rte_ring_count(ring), 1u);
    void* o = nullptr;
    ASSERT_EQ(rte_ring_dequeue(ring, &o), 0);
    auto* m = static_cast<rte_mbuf*>(o);
    const bytes want = p.serialize();
    ASSERT_EQ(rte_pktmbuf_pkt_len(m), 14 + want.size());
    EXPECT_EQ(std::memcmp(rte_pktmbuf_mtod_offset(m, const std::uint8_t*, 14), want.data(), want.size()), 0);
    rte_pktmbuf_free(m);
    expect_invariant();
}

TEST_F(fmip_burst, every_bad_fbu_has_its_own_counter_and_none_reaches_the_ring) {
    attach();
    add_key(A("2001:db8:1::dead"), 0x11, 0); // expired (expires_s 0 < now)
    std::vector<std::pair<fbu_opts, counter_id>> cases;
    fbu_opts o;
    o.hao = false;
    cases.push_back({o, counter_id::fbu_no_hao});
    o = {};
    o.break_length = true;
    cases.push_back({o, counter_id::fbu_malformed});
    o = {};
    o.break_checksum = true;
    cases.push_back({o, counter_id::fbu_bad_checksum});
    o = {};
    o.flags = wire::bu_flag_a;
    cases.push_back({o, counter_id::fbu_bad_flags});
    o = {};
    o.flags = wire::bu_flag_h;
    cases.push_back({o, counter_id::fbu_bad_flags});
    o = {};
    o.hoa = A("2001:db8:1::beef"); // no key for this PCoA
    cases.push_back({o, counter_id::fbu_no_key});
    o = {};
    o.hoa = A("2001:db8:1::dead"); // key expired
    cases.push_back({o, counter_id::fbu_no_key});
    o = {};
    o.badf = false;
    cases.push_back({o, counter_id::fbu_bad_badf});
    o = {};
    o.spi = 5;
    cases.push_back({o, counter_id::fbu_bad_badf});
    o = {};
    o.signer = wrong_key.get();
    cases.push_back({o, counter_id::fbu_bad_mac});
    for (const auto& [opts, want] : cases) {
        const std::uint64_t before = c(want);
        const std::uint64_t drops_before = fp::sum_counters(std::array<const fp::counter_block*, 1>{&w->counters}).drops();
        run({frame(fbu(opts))});
        EXPECT_EQ(c(want), before + 1) << fp::counter_name(want);
        EXPECT_EQ(fp::sum_counters(std::array<const fp::counter_block*, 1>{&w->counters}).drops(), drops_before + 1)
            << fp::counter_name(want);
    }
    EXPECT_EQ(rte_ring_count(ring), 0u);
    EXPECT_EQ(c(counter_id::to_control), 0u);
    EXPECT_EQ(c(counter_id::fbu_verified), 0u);
    // The same refusals in one burst, with two good FBUs among them: only those reach the ring.
    std::vector<rte_mbuf*> ms{frame(fbu())};
    for (const auto& [opts, want] : cases) {
        ms.push_back(frame(fbu(opts)));
    }
    ms.push_back(frame(fbu()));
    run(ms);
    EXPECT_EQ(c(counter_id::fbu_verified), 2u);
    EXPECT_EQ(rte_ring_count(ring), 2u);
    EXPECT_EQ(c(counter_id::fbu_bad_flags), 4u);
    EXPECT_EQ(c(counter_id::fbu_no_key), 4u);
    EXPECT_EQ(c(counter_id::fbu_bad_badf), 4u);
    EXPECT_EQ(c(counter_id::fbu_bad_mac), 2u);
    expect_invariant();
}

TEST_F(fmip_burst, badf_not_last_or_misaligned_is_bad_badf) {
    attach();
    // BADF followed by another option (not last).
    pkt6 p = fbu();
    // Locate the MH (after the 24-byte HAO dstopts) and append 8 bytes holding a BRA option.
    bytes mh(p.payload.begin() + 24, p.payload.end());
    mh[1] = static_cast<std::uint8_t>(mh[1] + 1);
    const bytes tail{wire::mh_opt_bra, 2, 0, 1, wire::mh_opt_padn, 2, 0, 0};
    mh.insert(mh.end(), tail.begin(), tail.end());
    mh[4] = mh[5] = 0;
    ASSERT_TRUE(wire::mh_fill_checksum(pcoa, par_addr, mh));
    p.payload.resize(24);
    p.payload.insert(p.payload.end(), mh.begin(), mh.end());
    run({frame(p)});
    EXPECT_EQ(c(counter_id::fbu_bad_badf), 1u);
    EXPECT_EQ(c(counter_id::fbu_malformed), 0u);
    EXPECT_EQ(rte_ring_count(ring), 0u);
}

TEST_F(fmip_burst, other_mobility_headers_and_fmip_off) {
    // FMIP off: an FBU is unhandled MH, as before issue 5.
    run({frame(fbu())});
    EXPECT_EQ(c(counter_id::mh_local_unhandled), 1u);
    EXPECT_EQ(c(counter_id::fbu_verified), 0u);
    attach();
    fbu_opts bu;
    bu.mh_type = wire::mh_type_bu;
    run({frame(fbu(bu))});
    EXPECT_EQ(c(counter_id::mh_local_unhandled), 2u);
    EXPECT_EQ(rte_ring_count(ring), 0u);
    expect_invariant();
}

TEST_F(fmip_burst, handover_initiate_and_ack_go_to_control_with_fmip_on) {
    auto icmp = [](std::uint8_t sub) {
        pkt6 p;
        p.src = nar_addr;
        p.dst = core_addr;
        p.next_header = 58;
        p.payload = {154, 0, 0, 0, sub, 0, 0, 0};
        return p;
    };
    run({frame(icmp(4), 1), frame(icmp(5), 1)});
    EXPECT_EQ(c(counter_id::icmpv6_local_unhandled), 2u); // FMIP off
    attach();
    run({frame(icmp(4), 1), frame(icmp(5), 1), frame(icmp(3), 1)});
    EXPECT_EQ(c(counter_id::to_control), 2u);
    EXPECT_EQ(rte_ring_count(ring), 2u);
    EXPECT_EQ(c(counter_id::icmpv6_local_unhandled), 3u); // PrRtAdv (154/3) stays local
    expect_invariant();
}

TEST_F(fmip_burst, transit_to_a_bound_pcoa_is_encapsulated_to_the_ncoa) {
    attach();
    ASSERT_EQ(bindings->upsert(std::make_unique<tables::binding_record>(pcoa, ncoa, par_addr, 0, ~0ull, 7)),
              tables::binding_table::insert_status::inserted);
    pkt6 in;
    in.src = A("2001:db8:9::5");
    in.dst = pcoa;
    in.hop_limit = 30;
    in.payload.assign(100, 0x5a);
    const bytes inner = in.serialize();
    run({frame(in, 1)});
    auto out = sent(1); // towards the NAR, via core
    ASSERT_EQ(out.size(), 1u);
    EXPECT_TRUE(sent(0).empty());
    const auto* p = rte_pktmbuf_mtod(out[0], const std::uint8_t*);
    ASSERT_EQ(rte_pktmbuf_pkt_len(out[0]), 14u + 40 + inner.size());
    EXPECT_EQ(std::memcmp(p, nexthop_mac.b.data(), 6), 0);
    EXPECT_EQ(std::memcmp(p + 6, core_mac.b.data(), 6), 0);
    EXPECT_EQ(p[12], 0x86);
    EXPECT_EQ(p[13], 0xdd);
    const std::uint8_t* o = p + 14;
    EXPECT_EQ(o[0], 0x60);
    EXPECT_EQ(o[1], 0);
    EXPECT_EQ((o[4] << 8) | o[5], static_cast<int>(inner.size())); // outer payload = inner packet
    EXPECT_EQ(o[6], 41);
    EXPECT_EQ(o[7], 64);
    EXPECT_EQ(std::memcmp(o + 8, par_addr.b.data(), 16), 0);
    EXPECT_EQ(std::memcmp(o + 24, ncoa.b.data(), 16), 0);
    const std::uint8_t* i = o + 40;
    EXPECT_EQ(i[7], 29); // inner Hop Limit decremented
    bytes want = inner;
    want[7] = 29;
    EXPECT_EQ(std::memcmp(i, want.data(), want.size()), 0);
    rte_pktmbuf_free(out[0]);
    EXPECT_EQ(c(counter_id::encapsulated), 1u);
    EXPECT_EQ(c(counter_id::forwarded), 1u);
    EXPECT_EQ(bindings->find(pcoa)->encapsulated.load(), 1u);

    // Too big once encapsulated (core MTU 1280): inner 1250 bytes fits, 1290 does not.
    in.payload.assign(1210, 1);
    pkt6 fits = in;
    fits.payload.assign(1200, 1);
    pkt6 hl1 = in;
    hl1.payload.assign(10, 1);
    hl1.hop_limit = 1;
    pkt6 other = in;
    other.dst = cn; // no binding: plain forwarding on access
    run({frame(in, 1), frame(fits, 1), frame(hl1, 1), frame(other, 1)});
    EXPECT_EQ(c(counter_id::mtu_exceeded), 1u);
    EXPECT_EQ(c(counter_id::hop_limit_exceeded), 1u);
    EXPECT_EQ(c(counter_id::encapsulated), 2u);
    EXPECT_EQ(c(counter_id::forwarded), 3u);
    out = sent(1);
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(rte_pktmbuf_pkt_len(out[0]), 14u + 1280);
    rte_pktmbuf_free(out[0]);
    out = sent(0);
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(std::memcmp(rte_pktmbuf_mtod(out[0], const std::uint8_t*), cn_mac.b.data(), 6), 0);
    EXPECT_EQ(rte_pktmbuf_mtod(out[0], const std::uint8_t*)[14 + 7], 29);
    rte_pktmbuf_free(out[0]);
    expect_invariant();
}

TEST_F(fmip_burst, expired_or_erased_binding_is_not_used) {
    attach();
    ASSERT_EQ(bindings->upsert(std::make_unique<tables::binding_record>(pcoa, ncoa, par_addr, 0, 0, 7)),
              tables::binding_table::insert_status::inserted); // expires_s 0: dead
    pkt6 in;
    in.src = A("2001:db8:9::5");
    in.dst = pcoa;
    run({frame(in, 1)});
    auto out = sent(0); // straight to the MN's old link
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(std::memcmp(rte_pktmbuf_mtod(out[0], const std::uint8_t*), mn_mac.b.data(), 6), 0);
    rte_pktmbuf_free(out[0]);
    EXPECT_EQ(c(counter_id::encapsulated), 0u);
    ASSERT_EQ(bindings->upsert(std::make_unique<tables::binding_record>(pcoa, ncoa, par_addr, 0, ~0ull, 8)),
              tables::binding_table::insert_status::replaced);
    run({frame(in, 1)});
    EXPECT_EQ(c(counter_id::encapsulated), 1u);
    drain_all();
    ASSERT_TRUE(bindings->erase(pcoa));
    run({frame(in, 1)});
    EXPECT_EQ(c(counter_id::encapsulated), 1u);
    EXPECT_EQ(sent(0).size(), 1u);
    expect_invariant();
}

TEST_F(fmip_burst, tunnel_from_a_neighbour_router_is_decapsulated_and_forwarded) {
    // NAR role: no FMIP tables needed; the tunnel peers come from neighbor_routers.
    pkt6 in;
    in.src = A("2001:db8:9::5");
    in.dst = cn;
    in.hop_limit = 20;
    in.payload.assign(33, 0x42);
    const bytes inner = in.serialize();
    // Only the router's own address is trusted: its nar_prefix is a link full of hosts.
    run({frame(tunnelled(nar_addr, core_addr, in), 1),                   // nar_address
         frame(tunnelled(nar_addr, core_addr, in), 1),
         frame(tunnelled(A("2001:db8:2::77"), core_addr, in), 1),        // a host in nar_prefix
         frame(tunnelled(A("2001:db8:3::1"), core_addr, in), 1)});       // nobody we know
    EXPECT_EQ(c(counter_id::decapsulated), 2u);
    EXPECT_EQ(c(counter_id::tunnel_refused), 2u);
    EXPECT_EQ(c(counter_id::forwarded), 2u);
    auto out = sent(0);
    ASSERT_EQ(out.size(), 2u);
    for (auto* m : out) {
        const auto* p = rte_pktmbuf_mtod(m, const std::uint8_t*);
        ASSERT_EQ(rte_pktmbuf_pkt_len(m), 14u + inner.size());
        EXPECT_EQ(std::memcmp(p, cn_mac.b.data(), 6), 0);
        EXPECT_EQ(std::memcmp(p + 6, access_mac.b.data(), 6), 0);
        EXPECT_EQ(p[12], 0x86);
        EXPECT_EQ(p[13], 0xdd);
        bytes want = inner;
        want[7] = 19;
        EXPECT_EQ(std::memcmp(p + 14, want.data(), want.size()), 0);
        rte_pktmbuf_free(m);
    }
    expect_invariant();
}

TEST_F(fmip_burst, reverse_tunnel_from_the_ncoa_needs_a_live_binding) {
    attach();
    pkt6 in;
    in.src = pcoa; // the MN still uses its PCoA, tunnelled from its NCoA (RFC 5268 §5.1)
    in.dst = cn;
    const ipv6_addr far_ncoa = A("2001:db8:5::100"); // not in any tunnel peer's prefix
    run({frame(tunnelled(far_ncoa, par_addr, in), 1)});
    EXPECT_EQ(c(counter_id::tunnel_refused), 1u); // no binding
    ASSERT_EQ(bindings->upsert(std::make_unique<tables::binding_record>(pcoa, far_ncoa, par_addr, 0, ~0ull, 1)),
              tables::binding_table::insert_status::inserted);
    run({frame(tunnelled(far_ncoa, par_addr, in), 1),
         frame(tunnelled(A("2001:db8:5::101"), par_addr, in), 1)}); // outer src is not the NCoA
    EXPECT_EQ(c(counter_id::decapsulated), 1u);
    EXPECT_EQ(c(counter_id::tunnel_refused), 2u);
    EXPECT_EQ(bindings->find(pcoa)->reverse.load(), 1u);
    auto out = sent(0);
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(std::memcmp(rte_pktmbuf_mtod(out[0], const std::uint8_t*), cn_mac.b.data(), 6), 0);
    rte_pktmbuf_free(out[0]);
    expect_invariant();
}

// The E2E finding: with a binding whose NCoA lies in the neighbour's prefix, another host of that
// prefix must not get a reverse tunnel accepted; the genuine one counts on the binding.
TEST_F(fmip_burst, host_in_neighbour_prefix_cannot_forge_a_reverse_tunnel) {
    attach();
    ASSERT_EQ(bindings->upsert(std::make_unique<tables::binding_record>(pcoa, ncoa, par_addr, 0, ~0ull, 1)),
              tables::binding_table::insert_status::inserted);
    pkt6 in;
    in.src = pcoa;
    in.dst = cn;
    run({frame(tunnelled(ncoa, par_addr, in), 1), frame(tunnelled(A("2001:db8:2::200"), par_addr, in), 1)});
    EXPECT_EQ(c(counter_id::decapsulated), 1u);
    EXPECT_EQ(c(counter_id::tunnel_refused), 1u);
    EXPECT_EQ(bindings->find(pcoa)->reverse.load(), 1u);
    auto out = sent(0);
    ASSERT_EQ(out.size(), 1u);
    rte_pktmbuf_free(out[0]);
    expect_invariant();
}

TEST_F(fmip_burst, inner_packets_are_classified_again) {
    attach();
    pkt6 nested_inner;
    nested_inner.src = A("2001:db8:9::5");
    nested_inner.dst = core_addr;
    pkt6 nested = tunnelled(nar_addr, core_addr, nested_inner); // 41 inside 41
    pkt6 rs;
    rs.src = A("2001:db8:2::50");
    rs.dst = core_addr;
    rs.next_header = 58;
    rs.hop_limit = 255;
    rs.payload = {133, 0, 0, 0, 0, 0, 0, 0};
    pkt6 echo = rs;
    echo.payload = {128, 0, 0, 0, 0, 0, 0, 0};
    pkt6 noroute;
    noroute.src = A("2001:db8:9::5");
    noroute.dst = A("2001:db8:77::1");
    pkt6 bad_inner = noroute;
    rte_mbuf* bad = frame(tunnelled(nar_addr, core_addr, bad_inner), 1);
    // Inner Payload Length larger than what the outer carries.
    rte_pktmbuf_mtod_offset(bad, std::uint8_t*, 14 + 40 + 4)[0] = 0x7f;
    run({frame(tunnelled(nar_addr, core_addr, nested), 1), frame(tunnelled(nar_addr, core_addr, rs), 1),
         frame(tunnelled(nar_addr, core_addr, echo), 1), frame(tunnelled(nar_addr, core_addr, noroute), 1), bad,
         frame(fbu())});
    EXPECT_EQ(c(counter_id::decapsulated), 4u);
    EXPECT_EQ(c(counter_id::tunnel_nested), 1u);
    EXPECT_EQ(c(counter_id::to_control), 2u); // the inner RS, and the FBU from the first round
    EXPECT_EQ(c(counter_id::fbu_verified), 1u);
    EXPECT_EQ(c(counter_id::icmpv6_local_unhandled), 1u);
    EXPECT_EQ(c(counter_id::no_route), 1u);
    EXPECT_EQ(c(counter_id::ipv6_bad_payload_length), 1u);
    EXPECT_EQ(rte_ring_count(ring), 2u);
    expect_invariant();
}

TEST_F(fmip_burst, attach_with_nothing_is_fmip_off) {
    ASSERT_TRUE(fp::attach_fmip(*w, nullptr, nullptr).ok());
    EXPECT_EQ(w->badf, nullptr);
    run({frame(fbu())});
    EXPECT_EQ(c(counter_id::mh_local_unhandled), 1u);
}

// ---- neighbor_table::erase / attach_qsbr ----

TEST(neighbor_table_rcu, erase_without_and_with_rcu) {
    rcu r(2); // outlives the table: its defer queue reports to it until rte_hash_free
    auto t = fp::neighbor_table::create("nt_erase", 64, 0);
    ASSERT_TRUE(t.ok());
    auto& nt = t.value();
    const ipv6_addr a = A("2001:db8:2::100");
    mac_addr got;
    ASSERT_TRUE(nt.set(a, 3, mn_mac).ok());
    EXPECT_TRUE(nt.erase(a, 3));
    EXPECT_FALSE(nt.erase(a, 3));
    EXPECT_FALSE(nt.lookup(a, 3, got));
    ASSERT_TRUE(nt.set(a, 3, mn_mac).ok()); // the slot came back at once (no RCU yet)

    ASSERT_TRUE(nt.attach_qsbr(r.v).ok());
    EXPECT_FALSE(nt.attach_qsbr(r.v).ok());
    ASSERT_EQ(rte_rcu_qsbr_thread_register(r.v, 1), 0);
    rte_rcu_qsbr_thread_online(r.v, 1);
    EXPECT_FALSE(nt.erase(a, 4)); // other port: another key
    EXPECT_TRUE(nt.erase(a, 3));
    EXPECT_FALSE(nt.lookup(a, 3, got));
    ASSERT_TRUE(nt.set(a, 3, cn_mac).ok());
    ASSERT_TRUE(nt.lookup(a, 3, got));
    EXPECT_EQ(got, cn_mac);
    rte_rcu_qsbr_quiescent(r.v, 1);
    rte_rcu_qsbr_thread_offline(r.v, 1);
    rte_rcu_qsbr_thread_unregister(r.v, 1);
}

// A reader looks entries up while the writer adds and removes them: with RCU, a slot is never
// reused under the reader, so a found MAC always belongs to the address looked up.
TEST(neighbor_table_rcu, reader_races_erase) {
    rcu r(2);
    auto t = fp::neighbor_table::create("nt_race", 256, 0);
    ASSERT_TRUE(t.ok());
    auto& nt = t.value();
    ASSERT_TRUE(nt.attach_qsbr(r.v).ok());
    auto addr = [](std::uint32_t n) {
        ipv6_addr a = A("2001:db8:2::");
        a.b[14] = static_cast<std::uint8_t>(n >> 8);
        a.b[15] = static_cast<std::uint8_t>(n);
        return a;
    };
    auto mac = [](std::uint32_t n) {
        mac_addr m{};
        m.b[0] = 0x02;
        m.b[4] = static_cast<std::uint8_t>(n >> 8);
        m.b[5] = static_cast<std::uint8_t>(n);
        return m;
    };
    std::atomic<bool> stop{false};
    std::atomic<bool> up{false};
    std::atomic<std::uint64_t> seen{0}, bad{0}, iters{0};
    std::thread reader([&] {
        rte_rcu_qsbr_thread_register(r.v, 1);
        rte_rcu_qsbr_thread_online(r.v, 1);
        up = true;
        std::uint32_t n = 1;
        while (!stop.load(std::memory_order_relaxed)) {
            for (int k = 0; k < 64; ++k) {
                n = n * 1103515245u + 12345u;
                const std::uint32_t x = n % 128;
                mac_addr got;
                if (nt.lookup(addr(x), 1, got)) {
                    seen.fetch_add(1, std::memory_order_relaxed);
                    if (got != mac(x)) {
                        bad.fetch_add(1);
                    }
                }
            }
            rte_rcu_qsbr_quiescent(r.v, 1);
            iters.fetch_add(1, std::memory_order_relaxed);
        }
        rte_rcu_qsbr_thread_offline(r.v, 1);
        rte_rcu_qsbr_thread_unregister(r.v, 1);
    });
    while (!up.load()) {
        std::this_thread::yield();
    }
    // The writer paces itself like the control lcore (it sleeps between passes), so the reader
    // reports quiescence and erased slots come back; 22.11 reclaims them on the next add.
    std::uint64_t full = 0;
    for (int round = 0; round < 400 && (round < 50 || seen.load() < 20000); ++round) {
        for (std::uint32_t i = 0; i < 128; ++i) {
            if (!nt.set(addr(i), 1, mac(i)).ok()) {
                ++full;
            }
        }
        for (std::uint32_t i = static_cast<std::uint32_t>(round) % 2; i < 128; i += 2) {
            nt.erase(addr(i), 1);
        }
        std::this_thread::sleep_for(std::chrono::microseconds(200));
    }
    stop = true;
    reader.join();
    EXPECT_EQ(bad.load(), 0u);
    EXPECT_GT(seen.load(), 0u) << full << " refused sets, reader passes " << iters.load();
}

int main(int argc, char** argv) {
    ::testing::InitGoogleTest(&argc, argv);
    ::testing::AddGlobalTestEnvironment(new mipgate::fp_test::eal_environment("fp_fmip", test_config));
    return RUN_ALL_TESTS();
}
