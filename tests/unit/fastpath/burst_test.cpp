// Classification and forwarding on mbufs built in-process: EAL without hugepages, two ring
// ports brought up by port_set, tables from a hand-written config, one worker_ctx.
#include "fp_env.hpp"

#include "mipgate/fastpath/burst.hpp"
#include "mipgate/fastpath/forwarding_tables.hpp"
#include "mipgate/fastpath/generator.hpp"
#include "mipgate/fastpath/ports.hpp"
#include "mipgate/fastpath/worker_ctx.hpp"

#include <gtest/gtest.h>

#include <rte_eal.h>
#include <rte_fib6.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>
#include <rte_ring.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <unistd.h>
#include <vector>

namespace fp = mipgate::fastpath;
namespace cfgns = mipgate::config;
using fp::counter_id;
using fp::packet_class;
using mipgate::ipv6_addr;
using mipgate::ipv6_prefix;
using mipgate::mac_addr;

namespace {


ipv6_addr A(const char* s) { return *ipv6_addr::parse(s); }
ipv6_prefix P(const char* s) { return *ipv6_prefix::parse(s); }
mac_addr M(const char* s) { return *mac_addr::parse(s); }

const mac_addr access_mac = M("02:00:00:00:00:01");
const mac_addr core_mac = M("02:00:00:00:00:02");
const mac_addr nexthop_mac = M("02:00:00:00:ff:02");
const mac_addr mn_mac = M("02:00:00:00:01:00");

cfgns::config test_config() {
    cfgns::config c;
    cfgns::port a;
    a.name = "access";
    a.kind = cfgns::port_kind::ring;
    a.mac = access_mac;
    a.addresses = {P("2001:db8:1::1/64"), P("fe80::1/64")};
    cfgns::port b;
    b.name = "core";
    b.kind = cfgns::port_kind::ring;
    b.mac = core_mac;
    b.mtu = 1280;
    b.addresses = {P("2001:db8:ff::1/64")};
    c.ports = {a, b};
    c.routes = {cfgns::route{P("2001:db8:2::/48"), A("2001:db8:ff::2"), "core"}};
    c.neighbors = {cfgns::neighbor{A("2001:db8:ff::2"), nexthop_mac, "core"},
                   cfgns::neighbor{A("2001:db8:1::100"), mn_mac, "access"}};
    return c;
}

using mipgate::fp_test::drain_all;
using mipgate::fp_test::g_env;
using mipgate::fp_test::sent;

/// A frame as a test describes it; build() turns it into an mbuf received on `port`.
struct frame {
    mac_addr eth_dst = access_mac;
    std::uint16_t ethertype = 0x86dd;
    int version = 6;
    ipv6_addr src = A("2001:db8:1::100");
    ipv6_addr dst = A("2001:db8:2::10");
    std::uint8_t next_header = 17;
    std::uint8_t hop_limit = 64;
    std::vector<std::uint8_t> payload = std::vector<std::uint8_t>(16, 0xab);
    int payload_len_delta = 0; ///< lie in Payload Length
    std::size_t truncate_to = 0; ///< cut the frame to this many bytes (0 = no)
};

class burst : public ::testing::Test {
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
    }
    void TearDown() override { drain_all(); }

    std::uint16_t port_id(int idx) const { return g_env->ports.ports()[static_cast<std::size_t>(idx)].port_id; }

    rte_mbuf* build(const frame& f, int rx_port = 0) {
        rte_mbuf* m = rte_pktmbuf_alloc(g_env->pool);
        EXPECT_NE(m, nullptr);
        std::vector<std::uint8_t> b(14 + 40 + f.payload.size());
        std::memcpy(b.data(), f.eth_dst.b.data(), 6);
        const std::uint8_t smac[6] = {0x02, 0, 0, 0, 0x99, 0x99};
        std::memcpy(b.data() + 6, smac, 6);
        b[12] = static_cast<std::uint8_t>(f.ethertype >> 8);
        b[13] = static_cast<std::uint8_t>(f.ethertype);
        b[14] = static_cast<std::uint8_t>(f.version << 4);
        const int plen = static_cast<int>(f.payload.size()) + f.payload_len_delta;
        b[18] = static_cast<std::uint8_t>(plen >> 8);
        b[19] = static_cast<std::uint8_t>(plen);
        b[20] = f.next_header;
        b[21] = f.hop_limit;
        std::memcpy(b.data() + 22, f.src.b.data(), 16);
        std::memcpy(b.data() + 38, f.dst.b.data(), 16);
        std::memcpy(b.data() + 54, f.payload.data(), f.payload.size());
        if (f.truncate_to != 0) {
            b.resize(f.truncate_to);
        }
        auto* p = rte_pktmbuf_append(m, static_cast<std::uint16_t>(b.size()));
        std::memcpy(p, b.data(), b.size());
        m->port = port_id(rx_port);
        return m;
    }


    /// classify only: returns class and reason of one frame.
    std::pair<packet_class, counter_id> classify(const frame& f, int rx_port = 0) {
        rte_mbuf* m = build(f, rx_port);
        fp::classify_burst(*w, &m, 1);
        auto r = std::make_pair(w->cls[0], w->reason[0]);
        rte_pktmbuf_free(m);
        return r;
    }

    counter_id drop_reason(const frame& f, int rx_port = 0) {
        auto [c, r] = classify(f, rx_port);
        EXPECT_EQ(c, packet_class::drop);
        return r;
    }

    std::unique_ptr<fp::worker_ctx> w;
};

std::vector<std::uint8_t> ext(std::uint8_t next, std::vector<std::uint8_t> body) {
    std::vector<std::uint8_t> h{next, static_cast<std::uint8_t>((body.size() + 2) / 8 - 1)};
    h.insert(h.end(), body.begin(), body.end());
    return h;
}

} // namespace

TEST_F(burst, transit_classes) {
    frame f;
    auto [c, r] = classify(f);
    EXPECT_EQ(c, packet_class::transit);
    EXPECT_GE(w->nh[0], fp::nh_first);
    f.dst = A("2001:db8:1::100"); // connected route on access
    EXPECT_EQ(classify(f).first, packet_class::transit);
}

TEST_F(burst, layer2_and_header_drops) {
    frame f;
    f.ethertype = 0x0806;
    EXPECT_EQ(drop_reason(f), counter_id::not_ipv6);
    f = frame{};
    f.eth_dst = M("02:00:00:00:00:77");
    EXPECT_EQ(drop_reason(f), counter_id::l2_other_host);
    f.eth_dst = M("33:33:00:00:00:01"); // multicast MAC: accepted at layer 2
    EXPECT_EQ(classify(f).first, packet_class::transit);
    f = frame{};
    f.truncate_to = 10;
    EXPECT_EQ(drop_reason(f), counter_id::frame_too_short);
    f.truncate_to = 40;
    EXPECT_EQ(drop_reason(f), counter_id::ipv6_truncated);
    f = frame{};
    f.version = 4;
    EXPECT_EQ(drop_reason(f), counter_id::ipv6_bad_version);
    f = frame{};
    f.payload_len_delta = 1;
    EXPECT_EQ(drop_reason(f), counter_id::ipv6_bad_payload_length);
}

TEST_F(burst, fib_verdicts) {
    frame f;
    f.dst = A("2001:db8:3::1");
    EXPECT_EQ(drop_reason(f), counter_id::no_route);
    f.dst = A("ff05::1:3");
    EXPECT_EQ(drop_reason(f), counter_id::multicast_unhandled);
    f.dst = A("fe80::99");
    EXPECT_EQ(drop_reason(f), counter_id::transit_link_local_dst);
}

TEST_F(burst, local_classes) {
    frame f;
    f.next_header = 58;
    for (const char* dst : {"2001:db8:1::1", "2001:db8:ff::1", "fe80::1", "ff02::1", "ff02::2", "ff02::1:ff00:1"}) {
        f.dst = A(dst);
        EXPECT_EQ(classify(f).first, packet_class::local_icmpv6) << dst;
    }
    f.dst = A("2001:db8:1::1");
    f.next_header = 135;
    f.payload = {59, 1, 5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
    EXPECT_EQ(classify(f).first, packet_class::local_mh);
    f.next_header = 50;
    EXPECT_EQ(classify(f).first, packet_class::local_esp);
    f.next_header = 17;
    EXPECT_EQ(classify(f).first, packet_class::local_other);
    // Destination Options with a Home Address option, then a Mobility Header (RFC 6275 §6.3).
    std::vector<std::uint8_t> body{1, 2, 0, 0, 201, 16};
    auto hoa = A("2001:db8:9::5");
    body.insert(body.end(), hoa.b.begin(), hoa.b.end());
    f.next_header = 60;
    f.payload = ext(135, body);
    std::vector<std::uint8_t> mh{59, 1, 5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
    f.payload.insert(f.payload.end(), mh.begin(), mh.end());
    EXPECT_EQ(classify(f).first, packet_class::local_mh);
    // Fragment header: no reassembly.
    f.next_header = 44;
    f.payload = {58, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0};
    EXPECT_EQ(drop_reason(f), counter_id::fragment_local_unhandled);
    // An extension header running past the payload: the wire walker's verdict.
    f.next_header = 60;
    f.payload = {58, 4, 1, 2, 0, 0, 0, 0};
    auto r = drop_reason(f);
    EXPECT_TRUE(r == counter_id::ipv6_truncated || r == counter_id::ipv6_bad_ext_header) << fp::counter_name(r);
}

TEST_F(burst, forwards_via_next_hop_with_rewrite) {
    frame f;
    f.payload.assign(100, 0x5a);
    rte_mbuf* m = build(f);
    fp::process_burst(*w, &m, 1);
    auto out = sent(1);
    ASSERT_EQ(out.size(), 1u);
    EXPECT_TRUE(sent(0).empty());
    const auto* p = rte_pktmbuf_mtod(out[0], const std::uint8_t*);
    EXPECT_EQ(std::memcmp(p, nexthop_mac.b.data(), 6), 0);
    EXPECT_EQ(std::memcmp(p + 6, core_mac.b.data(), 6), 0);
    EXPECT_EQ(p[14 + 7], 63);
    EXPECT_EQ(std::memcmp(p + 14 + 24, f.dst.b.data(), 16), 0);
    EXPECT_EQ(p[54], 0x5a);
    EXPECT_EQ(p[54 + 99], 0x5a);
    EXPECT_EQ(rte_pktmbuf_pkt_len(out[0]), 14u + 40 + 100);
    rte_pktmbuf_free(out[0]);
    EXPECT_EQ(w->counters.get(counter_id::rx), 1u);
    EXPECT_EQ(w->counters.get(counter_id::forwarded), 1u);
    EXPECT_EQ(w->counters.get(counter_id::tx), 1u);
}

TEST_F(burst, forwards_on_link_to_destination_neighbor) {
    frame f;
    f.src = A("2001:db8:2::10");
    f.dst = A("2001:db8:1::100");
    f.eth_dst = core_mac;
    rte_mbuf* m = build(f, 1); // received on core
    fp::process_burst(*w, &m, 1);
    auto out = sent(0);
    ASSERT_EQ(out.size(), 1u);
    const auto* p = rte_pktmbuf_mtod(out[0], const std::uint8_t*);
    EXPECT_EQ(std::memcmp(p, mn_mac.b.data(), 6), 0);
    EXPECT_EQ(std::memcmp(p + 6, access_mac.b.data(), 6), 0);
    rte_pktmbuf_free(out[0]);
}

TEST_F(burst, frame_on_core_must_carry_core_mac) {
    frame f;
    f.dst = A("2001:db8:1::100");
    EXPECT_EQ(drop_reason(f, 1), counter_id::l2_other_host); // access MAC received on core
}

TEST_F(burst, mixed_burst_counts_every_packet_once) {
    std::vector<frame> fs;
    frame ok;
    fs.push_back(ok);                         // forwarded
    frame hl1;
    hl1.hop_limit = 1;
    fs.push_back(hl1);                        // hop_limit_exceeded
    frame hl0;
    hl0.hop_limit = 0;
    fs.push_back(hl0);                        // hop_limit_exceeded
    frame nr;
    nr.dst = A("2001:db8:3::1");
    fs.push_back(nr);                         // no_route
    frame nn;
    nn.dst = A("2001:db8:1::200");            // connected, no neighbor
    fs.push_back(nn);
    frame arp;
    arp.ethertype = 0x0806;
    fs.push_back(arp);                        // not_ipv6
    frame icmp;
    icmp.dst = A("2001:db8:1::1");
    icmp.next_header = 58;
    fs.push_back(icmp);                       // icmpv6_local_unhandled
    frame big;
    big.payload.assign(1300, 1);              // core MTU is 1280
    fs.push_back(big);                        // mtu_exceeded
    frame llsrc;
    llsrc.src = A("fe80::5");
    fs.push_back(llsrc);                      // transit_bad_source
    frame ok2;
    ok2.dst = A("2001:db8:2::20");
    fs.push_back(ok2);                        // forwarded
    std::vector<rte_mbuf*> ms;
    for (const auto& f : fs) {
        ms.push_back(build(f));
    }
    fp::process_burst(*w, ms.data(), static_cast<std::uint16_t>(ms.size()));
    const auto& c = w->counters;
    EXPECT_EQ(c.get(counter_id::rx), fs.size());
    EXPECT_EQ(c.get(counter_id::forwarded), 2u);
    EXPECT_EQ(c.get(counter_id::hop_limit_exceeded), 2u);
    EXPECT_EQ(c.get(counter_id::no_route), 1u);
    EXPECT_EQ(c.get(counter_id::no_neighbor), 1u);
    EXPECT_EQ(c.get(counter_id::not_ipv6), 1u);
    EXPECT_EQ(c.get(counter_id::icmpv6_local_unhandled), 1u);
    EXPECT_EQ(c.get(counter_id::mtu_exceeded), 1u);
    EXPECT_EQ(c.get(counter_id::transit_bad_source), 1u);
    const fp::counter_block* blocks[] = {&c};
    auto t = fp::sum_counters(blocks);
    EXPECT_EQ(t[counter_id::rx], t[counter_id::forwarded] + t.drops());
    EXPECT_EQ(sent(1).size(), 2u); // both forwarded frames left on core
}

TEST_F(burst, neighbor_update_is_seen_by_next_burst) {
    mac_addr newmac = M("02:00:00:00:ff:99");
    ASSERT_TRUE(g_env->tables->neighbors().set(A("2001:db8:1::201"), port_id(0), newmac).ok());
    mac_addr got;
    EXPECT_TRUE(g_env->tables->neighbors().lookup(A("2001:db8:1::201"), port_id(0), got));
    EXPECT_EQ(got, newmac);
    frame f;
    f.src = A("2001:db8:2::10");
    f.dst = A("2001:db8:1::201");
    f.eth_dst = core_mac;
    rte_mbuf* m = build(f, 1);
    fp::process_burst(*w, &m, 1);
    auto out = sent(0);
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(std::memcmp(rte_pktmbuf_mtod(out[0], const std::uint8_t*), newmac.b.data(), 6), 0);
    rte_pktmbuf_free(out[0]);
}

TEST_F(burst, full_tx_ring_counts_tx_full) {
    // Fill core's TX ring so the driver refuses, then forward a burst.
    rte_ring* r = g_env->ports.ports()[1].tx_ring;
    std::vector<rte_mbuf*> filler;
    while (rte_ring_free_count(r) > 0) {
        rte_mbuf* m = rte_pktmbuf_alloc(g_env->pool);
        ASSERT_NE(m, nullptr);
        ASSERT_EQ(rte_ring_enqueue(r, m), 0);
    }
    std::vector<rte_mbuf*> ms;
    for (int i = 0; i < 4; ++i) {
        ms.push_back(build(frame{}));
    }
    fp::process_burst(*w, ms.data(), 4);
    EXPECT_EQ(w->counters.get(counter_id::tx_full), 4u);
    EXPECT_EQ(w->counters.get(counter_id::forwarded), 0u);
}

TEST_F(burst, generator_mix_through_the_ring_port) {
    // 100 frames, destinations alternating routed / unroutable: i % 10 == 9 → not IPv6 (10);
    // i % 10 == 4 → Hop Limit 1 (10, alternating destinations: 5 routed, 5 unroutable).
    cfgns::traffic_generator gc;
    gc.enabled = true;
    gc.port = "access";
    gc.packets = 100;
    gc.source = A("2001:db8:1::100");
    gc.destinations = {A("2001:db8:2::10"), A("2001:db8:3::1")};
    const auto& ap = g_env->ports.ports()[0];
    fp::generator gen(gc, g_env->pool, ap.rx_ring, ap.port_id, ap.mac);
    w->rx[0] = fp::rx_queue_ref{ap.port_id, 0};
    w->n_rx = 1;
    unsigned rounds = 0;
    while (!gen.done() && rounds++ < 1000) {
        gen.step(32);
        fp::poll_once(*w);
        drain_all();
    }
    while (fp::poll_once(*w) != 0) {
    }
    EXPECT_TRUE(gen.done());
    EXPECT_EQ(gen.stats().injected, 100u);
    EXPECT_EQ(gen.stats().non_ipv6, 10u);
    EXPECT_EQ(gen.stats().hop_limit_1, 10u);
    const auto& c = w->counters;
    EXPECT_EQ(c.get(counter_id::rx), 100u);
    EXPECT_EQ(c.get(counter_id::not_ipv6), 10u);
    EXPECT_EQ(c.get(counter_id::hop_limit_exceeded), 5u);
    EXPECT_EQ(c.get(counter_id::no_route), 45u);
    EXPECT_EQ(c.get(counter_id::forwarded), 40u);
}

namespace {

/// An ICMPv6 message of `type` to the access address (payload: type, code, checksum, body).
frame icmp6(std::uint8_t type, std::uint8_t body0 = 0, const char* dst = "2001:db8:1::1") {
    frame f;
    f.dst = A(dst);
    f.next_header = 58;
    f.hop_limit = 255;
    f.payload = {type, 0, 0, 0, body0, 0, 0, 0};
    return f;
}

/// A ring as the app creates the slow-path ring (MP enqueue, SC dequeue).
struct test_ring {
    rte_ring* r;
    explicit test_ring(const char* name, unsigned size, unsigned flags = RING_F_SC_DEQ)
        : r(rte_ring_create(name, size, SOCKET_ID_ANY, flags)) {}
    ~test_ring() {
        void* o;
        while (rte_ring_dequeue(r, &o) == 0) {
            rte_pktmbuf_free(static_cast<rte_mbuf*>(o));
        }
        rte_ring_free(r);
    }
};

} // namespace

TEST_F(burst, control_plane_icmpv6_is_its_own_class) {
    // RS, NS, CPS and RtSolPr (154 subtype 2) go to the SEND service (design §2).
    for (std::uint8_t t : {133, 135, 148}) {
        EXPECT_EQ(classify(icmp6(t)).first, packet_class::local_control) << int(t);
    }
    EXPECT_EQ(classify(icmp6(154, 2)).first, packet_class::local_control);
    EXPECT_EQ(classify(icmp6(135, 0, "ff02::1:ff00:1")).first, packet_class::local_control); // solicited-node
    EXPECT_EQ(classify(icmp6(133, 0, "ff02::2")).first, packet_class::local_control);
    // The rest stays local ICMPv6: PrRtAdv (154/3), other 154 subtypes, RA, NA, echo, CPA.
    for (auto [t, sub] : {std::pair<int, int>{154, 3}, {154, 0}, {134, 0}, {136, 0}, {128, 0}, {149, 0}}) {
        EXPECT_EQ(classify(icmp6(static_cast<std::uint8_t>(t), static_cast<std::uint8_t>(sub))).first,
                  packet_class::local_icmpv6)
            << t << "/" << sub;
    }
    frame shortmsg = icmp6(154, 2);
    shortmsg.payload.resize(4); // no room for a subtype
    EXPECT_EQ(classify(shortmsg).first, packet_class::local_icmpv6);
    // Transit ICMPv6 of those types is forwarded, never punted.
    frame transit = icmp6(154, 2, "2001:db8:2::10");
    transit.hop_limit = 64;
    EXPECT_EQ(classify(transit).first, packet_class::transit);
}

TEST_F(burst, control_packets_go_to_the_slow_path_ring) {
    test_ring ring("unit_slow", 8); // 7 slots
    w->control_ring = ring.r;
    std::vector<rte_mbuf*> ms;
    ms.push_back(build(icmp6(154, 2)));
    ms.push_back(build(frame{}));           // forwarded
    ms.push_back(build(icmp6(148)));
    ms.push_back(build(icmp6(128)));        // echo: icmpv6_local_unhandled
    ms.push_back(build(icmp6(135, 0, "ff02::1:ff00:1")));
    fp::process_burst(*w, ms.data(), static_cast<std::uint16_t>(ms.size()));
    const auto& c = w->counters;
    EXPECT_EQ(c.get(counter_id::to_control), 3u);
    EXPECT_EQ(c.get(counter_id::control_ring_full), 0u);
    EXPECT_EQ(c.get(counter_id::icmpv6_local_unhandled), 1u);
    EXPECT_EQ(c.get(counter_id::forwarded), 1u);
    ASSERT_EQ(rte_ring_count(ring.r), 3u);
    // In arrival order, untouched (the control lcore owns them now).
    void* o[3];
    ASSERT_EQ(rte_ring_dequeue_bulk(ring.r, o, 3, nullptr), 3u);
    const std::uint8_t want[3] = {154, 148, 135};
    for (int i = 0; i < 3; ++i) {
        auto* m = static_cast<rte_mbuf*>(o[i]);
        EXPECT_EQ(rte_pktmbuf_mtod(m, const std::uint8_t*)[54], want[i]);
        EXPECT_EQ(rte_pktmbuf_mtod(m, const std::uint8_t*)[21], 255); // hop limit not decremented
        rte_pktmbuf_free(m);
    }

    // A full ring drops what does not fit and counts it; every packet is accounted once.
    std::vector<rte_mbuf*> more;
    for (int i = 0; i < 10; ++i) {
        more.push_back(build(icmp6(133)));
    }
    fp::process_burst(*w, more.data(), static_cast<std::uint16_t>(more.size()));
    EXPECT_EQ(c.get(counter_id::to_control), 3u + 7u);
    EXPECT_EQ(c.get(counter_id::control_ring_full), 3u);
    EXPECT_EQ(rte_ring_count(ring.r), 7u);
    const fp::counter_block* blocks[] = {&c};
    auto t = fp::sum_counters(blocks);
    EXPECT_EQ(t[counter_id::rx], t[counter_id::forwarded] + t[counter_id::to_control] + t.drops());
    EXPECT_EQ(sent(1).size(), 1u);
}

TEST_F(burst, control_packets_without_a_control_plane_are_unhandled) {
    ASSERT_EQ(w->control_ring, nullptr);
    rte_mbuf* m = build(icmp6(154, 2));
    fp::process_burst(*w, &m, 1);
    EXPECT_EQ(w->counters.get(counter_id::icmpv6_local_unhandled), 1u);
    EXPECT_EQ(w->counters.get(counter_id::to_control), 0u);
}

TEST_F(burst, worker_sends_control_frames_handed_over) {
    test_ring handoff("unit_handoff", 64, RING_F_SP_ENQ | RING_F_SC_DEQ);
    w->control_tx[0] = fp::control_tx_ref{handoff.r, 0};
    w->n_control_tx = 1;
    for (int i = 0; i < 3; ++i) {
        rte_mbuf* m = build(icmp6(154, 3, "fe80::99"));
        ASSERT_EQ(rte_ring_sp_enqueue(handoff.r, m), 0);
    }
    EXPECT_EQ(fp::poll_once(*w), 3u); // no RX queues: only the hand-over ring
    EXPECT_EQ(rte_ring_count(handoff.r), 0u);
    auto out = sent(0);
    EXPECT_EQ(out.size(), 3u);
    for (auto* m : out) {
        rte_pktmbuf_free(m);
    }
    EXPECT_EQ(w->counters.get(counter_id::control_tx), 3u);
    EXPECT_EQ(w->counters.get(counter_id::tx), 3u);
    EXPECT_EQ(w->counters.get(counter_id::forwarded), 0u);
    EXPECT_EQ(w->counters.get(counter_id::rx), 0u);
    // A port without this worker's TX queue: freed and counted, never sent.
    w->tx[0].enabled = false;
    ASSERT_EQ(rte_ring_sp_enqueue(handoff.r, build(icmp6(154, 3, "fe80::99"))), 0);
    EXPECT_EQ(fp::poll_once(*w), 1u);
    EXPECT_EQ(w->counters.get(counter_id::control_tx_full), 1u);
    EXPECT_TRUE(sent(0).empty());
}

TEST(forwarding_tables_local, router_addresses_become_receive_entries) {
    ASSERT_NE(g_env, nullptr);
    const ipv6_addr cga_ll = A("fe80::2815:d440:eceb:dcba");
    const ipv6_addr cga_gl = A("2001:db8:1::2815:d440:eceb:dcba");
    const ipv6_addr locals[] = {cga_ll, cga_gl};
    auto t = fp::forwarding_tables::build(g_env->cfg, g_env->ports.bindings(), "unit_local",
                                          static_cast<int>(rte_socket_id()), locals);
    ASSERT_TRUE(t.ok()) << t.err().message;
    std::uint8_t dst[5][16];
    const ipv6_addr probes[5] = {cga_ll, cga_gl, mipgate::solicited_node(cga_ll), mipgate::solicited_node(cga_gl),
                                 A("2001:db8:1::2815:d440:eceb:dcbb")};
    for (int i = 0; i < 5; ++i) {
        std::memcpy(dst[i], probes[i].b.data(), 16);
    }
    std::uint64_t nh[5];
    ASSERT_EQ(rte_fib6_lookup_bulk((*t)->fib(), dst, nh, 5), 0);
    for (int i = 0; i < 4; ++i) {
        EXPECT_EQ(nh[i], fp::nh_local) << probes[i].to_string();
    }
    EXPECT_GE(nh[4], fp::nh_first); // its neighbour in the /64: connected, transit
    // Without them the CGAs are not ours.
    ASSERT_EQ(rte_fib6_lookup_bulk(g_env->tables->fib(), dst, nh, 2), 0);
    EXPECT_EQ(nh[0], fp::nh_link_local);
    EXPECT_GE(nh[1], fp::nh_first);
}

int main(int argc, char** argv) {
    ::testing::InitGoogleTest(&argc, argv);
    ::testing::AddGlobalTestEnvironment(new mipgate::fp_test::eal_environment("fp_unit", test_config));
    return RUN_ALL_TESTS();
}
