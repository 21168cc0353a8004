// Periodic unsolicited signed RAs (RFC 4861 §6.2.4 with RFC 3971 §7) driven by
// send_service::tick over a fake clock, and router identity rotation (issue 6 item 6): signing
// switches to the new key, the old identity keeps answering for its CGAs until retired.

#include "mn_util.hpp"

#include "mipgate/wire/nd_messages.hpp"
#include "mipgate/wire/nd_option_codecs.hpp"

#include <map>

namespace ctl_test {
namespace {

constexpr std::uint64_t ms = 1000000ull;
constexpr std::uint64_t sec = 1000 * ms;

config::config two_port_config(const std::string& key, const std::string& cert) {
    config::config c = make_config(key, {cert}, "ta.pem", "2001:db8:1::1/64", "");
    config::port p;
    p.name = "p1"; // no address: no router CGA on it, so no periodic RA there
    c.ports.push_back(p);
    return c;
}

std::shared_ptr<const ctl::router_identity> load_identity(const config::config& c) {
    auto r = ctl::router_identity::load(c);
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.err().message);
    return std::shared_ptr<const ctl::router_identity>(std::move(r.value()));
}

const config::config& old_config() {
    static config::config c = two_port_config("router1024.key", "router1024.pem");
    return c;
}
const config::config& new_config() {
    static config::config c = two_port_config("router.key", "router.pem");
    return c;
}
std::shared_ptr<const ctl::router_identity> old_identity() {
    static auto id = load_identity(old_config());
    return id;
}
std::shared_ptr<const ctl::router_identity> new_identity() {
    static auto id = load_identity(new_config());
    return id;
}

const mn& ra_mn() {
    static mn m = mn::make("other-router.key", "router1024.key", "fe80::", 0x62);
    return m;
}

class PeriodicRaTest : public ::testing::Test {
protected:
    void make(config::config cfg, unsigned threads) {
        static unsigned n = 0;
        auto t = tables::key_table::create(("ut_ra_" + std::to_string(n++)).c_str(), 8, rcu.v, 0);
        ASSERT_TRUE(t.ok());
        table = std::move(t.value());
        keys = std::make_unique<ctl::key_service>(*table, cfg.handover_keys);
        std::vector<ctl::port_info> ports(2);
        ports[0].mac = *mac_addr::parse("02:00:00:00:00:01");
        ports[1].mac = *mac_addr::parse("02:00:00:00:00:02");
        ctl::service_options o;
        o.signer_threads = threads;
        auto s = ctl::send_service::create(cfg, old_identity(), *keys, std::move(ports), o);
        ASSERT_TRUE(s.ok()) << s.err().message;
        svc = std::move(s.value());
    }
    std::vector<ctl::tx_frame> drain() {
        svc->wait_idle();
        std::vector<ctl::tx_frame> out;
        svc->take_replies(out);
        return out;
    }
    std::vector<ctl::tx_frame> exchange(const std::vector<std::uint8_t>& pkt) {
        svc->submit(0, ra_mn().mac, pkt);
        return drain();
    }
    /// An unsolicited RA: to all-nodes from `as`'s link-local CGA, CGA + Timestamp + RSA
    /// Signature by `as`'s certified key, no Nonce (RFC 3971 §7).
    void expect_unsolicited_ra(const reply& r, const ctl::router_identity& as, std::uint16_t lifetime) {
        EXPECT_EQ(r.src, as.link_local().address);
        EXPECT_EQ(r.dst, addr("ff02::1"));
        EXPECT_EQ(r.eth_dst, *mac_addr::parse("33:33:00:00:00:01"));
        EXPECT_EQ(r.eth_src, *mac_addr::parse("02:00:00:00:00:01"));
        EXPECT_EQ(r.hop_limit, 255);
        EXPECT_TRUE(wire::icmpv6_checksum_ok(r.src, r.dst, r.icmp));
        auto ra = wire::parse_ra(r.icmp);
        ASSERT_TRUE(ra.ok());
        EXPECT_EQ(ra->router_lifetime, lifetime);
        const std::size_t sig = r.offset_of(wire::nd_opt_rsa_sig);
        ASSERT_NE(sig, 0u);
        EXPECT_EQ(send::verify_rsa_signature(r.src, r.dst, r.icmp, sig, as.path().router_key), send::send_reason::ok);
        const auto* c = r.find(wire::nd_opt_cga);
        ASSERT_NE(c, nullptr);
        auto co = wire::parse_cga_opt(c->raw);
        ASSERT_TRUE(co.ok());
        send::cga_params_view pv;
        ASSERT_EQ(send::parse_cga_params(co->params, pv), send::cga_parse_status::ok);
        EXPECT_EQ(send::cga_verify(r.src, pv), send::send_reason::ok);
        EXPECT_NE(r.find(wire::nd_opt_timestamp), nullptr);
        EXPECT_EQ(r.find(wire::nd_opt_nonce), nullptr);
        const auto* pio = r.find(wire::nd_opt_prefix_info);
        ASSERT_NE(pio, nullptr);
        EXPECT_EQ(wire::parse_prefix_info_opt(pio->raw)->prefix, addr("2001:db8:1::"));
    }

    rcu_var rcu{1};
    std::unique_ptr<tables::key_table> table;
    std::unique_ptr<ctl::key_service> keys;
    std::unique_ptr<ctl::send_service> svc;
};

TEST_F(PeriodicRaTest, DefaultIntervalsOverAnHour) {
    make(old_config(), 0); // inline signing: every tick's RA is ready when tick returns
    std::vector<std::uint64_t> at;
    const std::uint64_t t0 = 5 * sec; // any origin
    for (std::uint64_t t = t0; t <= t0 + 3600 * sec; t += 100 * ms) {
        const unsigned q = svc->tick(t);
        std::vector<ctl::tx_frame> out;
        svc->take_replies(out);
        ASSERT_EQ(out.size(), q);
        for (const auto& f : out) {
            EXPECT_EQ(f.port, 0u) << "port p1 has no router CGA";
            auto r = parse_reply(f, 16);
            expect_unsolicited_ra(*r, *old_identity(), 1800);
            at.push_back(t);
        }
    }
    // RFC 4861 §6.2.4: the first 3 at most MAX_INITIAL_RTR_ADVERT_INTERVAL (16 s) apart (from
    // the start), then uniform in [MinRtrAdvInterval 200, MaxRtrAdvInterval 600].
    ASSERT_GE(at.size(), 3u + 5u);  // ≥ (3600 - 48) / 600 after the initial three
    ASSERT_LE(at.size(), 3u + 18u); // ≤ 3600 / 200
    EXPECT_LE(at[0] - t0, 16 * sec);
    EXPECT_LE(at[1] - at[0], 16 * sec + 100 * ms);
    EXPECT_LE(at[2] - at[1], 16 * sec + 100 * ms);
    std::uint64_t lo = UINT64_MAX;
    std::uint64_t hi = 0;
    for (std::size_t i = 3; i < at.size(); ++i) {
        const std::uint64_t gap = at[i] - at[i - 1];
        EXPECT_GE(gap, 200 * sec) << i;
        EXPECT_LE(gap, 600 * sec + 100 * ms) << i;
        lo = std::min(lo, gap);
        hi = std::max(hi, gap);
    }
    EXPECT_LT(lo, hi) << "intervals are random, not fixed";
    EXPECT_EQ(svc->counters().get("ra_unsolicited_sent"), at.size());
    EXPECT_EQ(svc->counters().get("ra_sent"), 0u); // that one counts answers to RS
}

TEST_F(PeriodicRaTest, ShortIntervalsOnSignerThread) {
    config::config c = old_config();
    c.router->ra_interval_min_s = 1;
    c.router->ra_interval_max_s = 2;
    make(c, 1);
    unsigned queued = 0;
    for (std::uint64_t t = 0; t <= 20 * sec; t += 50 * ms) {
        queued += svc->tick(t);
    }
    const auto out = drain();
    ASSERT_EQ(out.size(), queued);
    EXPECT_GE(queued, 10u); // 20 s / 2 s
    EXPECT_LE(queued, 21u); // 20 s / 1 s (+ the one at the end)
    for (const auto& f : out) {
        expect_unsolicited_ra(*parse_reply(f, 16), *old_identity(), 1800);
    }
}

/// RtSolPr / NS from the test MN.
std::vector<std::uint8_t> rtsolpr_to(const ipv6_addr& dst) {
    rtsolpr_spec s;
    s.dst = dst;
    static const mn m = mn::make("router1024.key", "other-router.key", "fe80::", 0x63);
    return build_rtsolpr(m, s);
}

std::vector<std::uint8_t> ns_for(const ipv6_addr& target) {
    std::vector<std::uint8_t> pkt(2048, 0);
    bytes_mut icmp = bytes_mut(pkt).subspan(40);
    wire::ns_msg m;
    m.target = target;
    std::size_t len = wire::build_ns(icmp, m).len;
    len += wire::build_lla_opt(icmp.subspan(len), wire::nd_opt_slla, ra_mn().mac).len;
    wire::icmpv6_fill_checksum(ra_mn().address, solicited_node(target), icmp.subspan(0, len));
    return finish_icmpv6_packet(std::move(pkt), len, ra_mn().address, solicited_node(target));
}

std::vector<std::uint8_t> cps_to(const ipv6_addr& dst) {
    std::vector<std::uint8_t> pkt(2048, 0);
    bytes_mut icmp = bytes_mut(pkt).subspan(40);
    wire::cps_msg m;
    m.identifier = 0x77;
    m.component = wire::cps_all_components;
    const std::size_t len = wire::build_cps(icmp, m).len;
    wire::icmpv6_fill_checksum(ra_mn().address, dst, icmp.subspan(0, len));
    return finish_icmpv6_packet(std::move(pkt), len, ra_mn().address, dst);
}

void expect_signed_by(const reply& r, const ctl::router_address& me, const ctl::router_identity& as) {
    EXPECT_EQ(r.src, me.address);
    const std::size_t sig = r.offset_of(wire::nd_opt_rsa_sig);
    ASSERT_NE(sig, 0u);
    EXPECT_EQ(send::verify_rsa_signature(r.src, r.dst, r.icmp, sig, as.path().router_key), send::send_reason::ok);
    // …and not by the other identity's key.
    const auto& other = &as == old_identity().get() ? *new_identity() : *old_identity();
    EXPECT_NE(send::verify_rsa_signature(r.src, r.dst, r.icmp, sig, other.path().router_key), send::send_reason::ok);
}

std::vector<std::uint8_t> cert_der(const char* pem) {
    auto c = send::certificate::load_file(data_path(pem));
    EXPECT_TRUE(c.ok());
    return c->front().der();
}

TEST_F(PeriodicRaTest, RotationSwitchesSigningAndOldIdentityAnswersUntilRetired) {
    make(old_config(), 1);
    const auto& o = *old_identity();
    const auto& n = *new_identity();
    ASSERT_NE(o.link_local().address, n.link_local().address);
    svc->tick(0);
    unsigned retired_calls = 0;
    svc->on_identity_retired([&] { ++retired_calls; });

    svc->rotate_identity(new_identity(), 100 * sec);
    EXPECT_EQ(svc->identity().get(), &n);
    EXPECT_EQ(svc->retiring_identities(), 1u);
    auto addrs = svc->addresses();
    EXPECT_EQ(addrs.front(), n.link_local().address);
    EXPECT_NE(std::find(addrs.begin(), addrs.end(), o.link_local().address), addrs.end());
    EXPECT_NE(std::find(addrs.begin(), addrs.end(), o.addresses().at(1).address), addrs.end());

    // RFC 4861 §6.2.8: Router Lifetime 0 from the old link-local CGA, signed with the old key…
    auto out = drain();
    ASSERT_EQ(out.size(), 1u);
    expect_unsolicited_ra(*parse_reply(out[0], 16), o, 0);
    // …and the new one advertised at once, signed with the new key.
    EXPECT_EQ(svc->tick(1 * sec), 1u);
    out = drain();
    ASSERT_EQ(out.size(), 1u);
    expect_unsolicited_ra(*parse_reply(out[0], 16), n, 1800);

    // PrRtAdv for an RtSolPr to all-routers: the new link-local CGA, the new key.
    out = exchange(rtsolpr_to(addr("ff02::2")));
    ASSERT_EQ(out.size(), 1u);
    auto r = parse_reply(out[0]);
    ASSERT_NE(r->find(wire::nd_opt_hk_reply), nullptr);
    expect_signed_by(*r, n.link_local(), n);
    // An MN that still knows only the old router address gets its answer from there.
    out = exchange(rtsolpr_to(o.link_local().address));
    ASSERT_EQ(out.size(), 1u);
    expect_signed_by(*parse_reply(out[0]), o.link_local(), o);

    // NS for the old CGAs (link-local and global) is answered by the old identity, for the new
    // ones by the new.
    for (const auto* id : {&o, &n}) {
        for (const auto& a : id->addresses()) {
            out = exchange(ns_for(a.address));
            ASSERT_EQ(out.size(), 1u) << a.address.to_string();
            expect_signed_by(*parse_reply(out[0], 24), a, *id);
        }
    }
    // CPS to the old address's solicited-node group: the old path; to all-routers: the new one.
    out = exchange(cps_to(solicited_node(o.link_local().address)));
    ASSERT_EQ(out.size(), 1u);
    auto cpa = parse_reply(out[0], 12); // CPA options start at 12 (RFC 3971 §6.4.2)
    EXPECT_EQ(cpa->src, o.link_local().address);
    ASSERT_NE(cpa->find(wire::nd_opt_certificate), nullptr);
    auto cert = wire::parse_certificate_opt(cpa->find(wire::nd_opt_certificate)->raw);
    ASSERT_TRUE(cert.ok());
    const auto old_der = cert_der("router1024.pem");
    EXPECT_TRUE(std::equal(cert->certificate.begin(), cert->certificate.end(), old_der.begin(), old_der.end()));
    out = exchange(cps_to(addr("ff02::2")));
    ASSERT_EQ(out.size(), 1u);
    cpa = parse_reply(out[0], 12);
    EXPECT_EQ(cpa->src, n.link_local().address);
    ASSERT_NE(cpa->find(wire::nd_opt_certificate), nullptr);
    cert = wire::parse_certificate_opt(cpa->find(wire::nd_opt_certificate)->raw);
    const auto new_der = cert_der("router.pem");
    EXPECT_TRUE(std::equal(cert->certificate.begin(), cert->certificate.end(), new_der.begin(), new_der.end()));

    // Before the deadline nothing is retired; at it, the old identity goes and the app is told.
    svc->tick(99 * sec);
    drain();
    EXPECT_EQ(retired_calls, 0u);
    EXPECT_EQ(svc->retiring_identities(), 1u);
    svc->tick(100 * sec);
    drain(); // the periodic RAs of the new identity
    EXPECT_EQ(retired_calls, 1u);
    EXPECT_EQ(svc->retiring_identities(), 0u);
    addrs = svc->addresses();
    EXPECT_EQ(addrs.size(), n.addresses().size());
    EXPECT_EQ(std::find(addrs.begin(), addrs.end(), o.link_local().address), addrs.end());
    const auto before = svc->counters().get("ns_not_our_target");
    EXPECT_TRUE(exchange(ns_for(o.link_local().address)).empty());
    EXPECT_EQ(svc->counters().get("ns_not_our_target"), before + 1);
    drain();
}

std::vector<std::uint8_t> rs_packet() {
    std::vector<std::uint8_t> pkt(512, 0);
    bytes_mut icmp = bytes_mut(pkt).subspan(40);
    std::size_t len = wire::build_rs(icmp, wire::rs_msg{}).len;
    len += wire::build_lla_opt(icmp.subspan(len), wire::nd_opt_slla, ra_mn().mac).len;
    wire::icmpv6_fill_checksum(ra_mn().address, addr("ff02::2"), icmp.subspan(0, len));
    return finish_icmpv6_packet(std::move(pkt), len, ra_mn().address, addr("ff02::2"));
}

TEST_F(PeriodicRaTest, RotationWhileSignersAreBusy) {
    // Two signer threads with RS answers queued on both sides of the switch: every RA is from
    // one identity's link-local CGA and signed by that identity's key, never a mix.
    make(old_config(), 2);
    const auto& o = *old_identity();
    const auto& n = *new_identity();
    const auto pkt = rs_packet();
    for (int i = 0; i < 40; ++i) {
        svc->submit(0, ra_mn().mac, pkt);
    }
    svc->rotate_identity(new_identity(), 1000 * sec);
    for (int i = 0; i < 40; ++i) {
        svc->submit(0, ra_mn().mac, pkt);
    }
    const auto out = drain();
    ASSERT_GE(out.size(), 40u);
    unsigned from_old = 0;
    unsigned from_new = 0;
    for (const auto& f : out) {
        auto r = parse_reply(f, 16);
        if (r->dst == addr("ff02::1")) {
            continue; // the Router Lifetime 0 RA of the rotation
        }
        const bool is_old = r->src == o.link_local().address;
        ASSERT_TRUE(is_old || r->src == n.link_local().address);
        expect_signed_by(*r, is_old ? o.link_local() : n.link_local(), is_old ? o : n);
        (is_old ? from_old : from_new) += 1;
    }
    EXPECT_GT(from_new, 0u);
    EXPECT_EQ(from_old + from_new, svc->counters().get("ra_sent"));
}

TEST(RouterIdentity, NotAfterAndSameAs) {
    const auto& o = *old_identity();
    EXPECT_GT(o.not_after(), std::int64_t{1700000000}); // fixtures are valid for years
    EXPECT_TRUE(o.same_as(o));
    EXPECT_FALSE(o.same_as(*new_identity()));
}

} // namespace
} // namespace ctl_test
