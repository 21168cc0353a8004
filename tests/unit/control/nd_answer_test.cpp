// RS → signed RA and NS → signed NA (RFC 4861 with RFC 3971 SEND options).

#include "mn_util.hpp"

#include "mipgate/wire/nd_messages.hpp"
#include "mipgate/wire/nd_option_codecs.hpp"

namespace ctl_test {
namespace {

const config::config& nd_config() {
    static config::config c = make_config("router1024.key", {"router1024.pem"}, "ta.pem", "2001:db8:1::1/64", "");
    return c;
}

const ctl::router_identity& nd_identity() {
    static std::unique_ptr<ctl::router_identity> id = [] {
        auto r = ctl::router_identity::load(nd_config());
        EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.err().message);
        return std::move(r.value());
    }();
    return *id;
}

const mn& nd_mn() {
    static mn m = mn::make("other-router.key", "router1024.key", "fe80::", 0x61);
    return m;
}

/// RS (type 133) or NS (type 135, `target`) with SEND options when `secure`.
std::vector<std::uint8_t> build_sol(std::uint8_t type, const ipv6_addr& src, const ipv6_addr& dst,
                                    const ipv6_addr& target, bool secure, std::vector<std::uint8_t> nonce = {}) {
    std::vector<std::uint8_t> pkt(4096, 0);
    bytes_mut icmp = bytes_mut(pkt).subspan(40);
    std::size_t len = 0;
    if (type == wire::icmp6_ns) {
        wire::ns_msg m;
        m.target = target;
        len = wire::build_ns(icmp, m).len;
    } else {
        len = wire::build_rs(icmp, wire::rs_msg{}).len;
    }
    if (!src.is_unspecified()) {
        len += wire::build_lla_opt(icmp.subspan(len), wire::nd_opt_slla, nd_mn().mac).len;
    }
    if (secure) {
        len += send::build_cga_option(icmp.subspan(len), nd_mn().params);
        len += send::build_timestamp_option(icmp.subspan(len), send::send_time_now());
        if (nonce.empty()) {
            nonce = {7, 7, 7, 7, 7, 7};
        }
        len += wire::build_nonce_opt(icmp.subspan(len), nonce).len;
        len = send::append_rsa_signature(icmp, len, src, dst, nd_mn().cga_key);
    } else {
        wire::icmpv6_fill_checksum(src, dst, icmp.subspan(0, len));
    }
    return finish_icmpv6_packet(std::move(pkt), len, src, dst);
}

class NdTest : public ::testing::Test {
protected:
    void SetUp() override {
        auto t = tables::key_table::create(("ut_nd_" + std::to_string(n++)).c_str(), 8, rcu.v, 0);
        ASSERT_TRUE(t.ok());
        table = std::move(t.value());
        keys = std::make_unique<ctl::key_service>(*table, nd_config().handover_keys);
        ctl::port_info p;
        p.mac = *mac_addr::parse("02:00:00:00:00:01");
        ctl::service_options o;
        o.signer_threads = 1;
        auto s = ctl::send_service::create(nd_config(), nd_identity(), *keys, {p}, o);
        ASSERT_TRUE(s.ok());
        svc = std::move(s.value());
    }
    std::vector<ctl::tx_frame> exchange(const std::vector<std::uint8_t>& pkt) {
        svc->submit(0, nd_mn().mac, pkt);
        svc->wait_idle();
        std::vector<ctl::tx_frame> out;
        svc->take_replies(out);
        return out;
    }
    void expect_signed_by(const reply& r, const ctl::router_address& me) {
        EXPECT_EQ(r.src, me.address);
        EXPECT_EQ(r.hop_limit, 255);
        EXPECT_TRUE(wire::icmpv6_checksum_ok(r.src, r.dst, r.icmp));
        const std::size_t sig = r.offset_of(wire::nd_opt_rsa_sig);
        ASSERT_NE(sig, 0u);
        EXPECT_EQ(send::verify_rsa_signature(r.src, r.dst, r.icmp, sig, nd_identity().path().router_key),
                  send::send_reason::ok);
        const auto* c = r.find(wire::nd_opt_cga);
        ASSERT_NE(c, nullptr);
        auto co = wire::parse_cga_opt(c->raw);
        ASSERT_TRUE(co.ok());
        send::cga_params_view pv;
        ASSERT_EQ(send::parse_cga_params(co->params, pv), send::cga_parse_status::ok);
        EXPECT_EQ(send::cga_verify(r.src, pv), send::send_reason::ok); // the source is the CGA
        EXPECT_NE(r.find(wire::nd_opt_timestamp), nullptr);
    }
    static inline unsigned n = 0;
    rcu_var rcu{1};
    std::unique_ptr<tables::key_table> table;
    std::unique_ptr<ctl::key_service> keys;
    std::unique_ptr<ctl::send_service> svc;
};

TEST_F(NdTest, UnsecuredRsGetsSignedRaWithPrefix) {
    const auto out = exchange(build_sol(wire::icmp6_rs, nd_mn().address, addr("ff02::2"), {}, false));
    ASSERT_EQ(out.size(), 1u);
    auto r = parse_reply(out[0], 16);
    expect_signed_by(*r, nd_identity().link_local());
    EXPECT_EQ(r->dst, nd_mn().address);
    EXPECT_EQ(r->eth_dst, nd_mn().mac);
    auto ra = wire::parse_ra(r->icmp);
    ASSERT_TRUE(ra.ok());
    EXPECT_EQ(ra->router_lifetime, 1800);
    const auto* pio = r->find(wire::nd_opt_prefix_info);
    ASSERT_NE(pio, nullptr);
    auto pi = wire::parse_prefix_info_opt(pio->raw);
    EXPECT_EQ(pi->prefix, addr("2001:db8:1::"));
    EXPECT_EQ(pi->prefix_len, 64);
    EXPECT_TRUE(pi->flags & wire::prefix_flag_autonomous);
    auto sl = wire::parse_lla_opt(r->find(wire::nd_opt_slla)->raw);
    EXPECT_EQ(sl->mac(), *mac_addr::parse("02:00:00:00:00:01"));
    EXPECT_EQ(svc->counters().get("ra_sent"), 1u);
    EXPECT_EQ(svc->counters().get("nd_unsecured"), 1u);
}

TEST_F(NdTest, RsFromUnspecifiedGetsAllNodes) {
    const auto out = exchange(build_sol(wire::icmp6_rs, ipv6_addr{}, addr("ff02::2"), {}, false));
    ASSERT_EQ(out.size(), 1u);
    auto r = parse_reply(out[0], 16);
    EXPECT_EQ(r->dst, addr("ff02::1"));
    EXPECT_EQ(r->eth_dst, *mac_addr::parse("33:33:00:00:00:01"));
}

TEST_F(NdTest, SecuredNsForOurCgaGetsSignedNaEchoingNonce) {
    const auto& ll = nd_identity().link_local();
    const std::vector<std::uint8_t> nonce = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14};
    const auto out = exchange(build_sol(wire::icmp6_ns, nd_mn().address, solicited_node(ll.address), ll.address,
                                        true, nonce));
    ASSERT_EQ(out.size(), 1u);
    auto r = parse_reply(out[0], 24);
    expect_signed_by(*r, ll);
    EXPECT_EQ(r->dst, nd_mn().address);
    auto na = wire::parse_na(r->icmp);
    ASSERT_TRUE(na.ok());
    EXPECT_EQ(na->target, ll.address);
    EXPECT_EQ(na->flags & (wire::na_flag_router | wire::na_flag_solicited | wire::na_flag_override),
              wire::na_flag_router | wire::na_flag_solicited | wire::na_flag_override);
    auto tl = wire::parse_lla_opt(r->find(wire::nd_opt_tlla)->raw);
    EXPECT_EQ(tl->mac(), *mac_addr::parse("02:00:00:00:00:01"));
    auto no = wire::parse_nonce_opt(r->find(wire::nd_opt_nonce)->raw);
    EXPECT_TRUE(std::equal(no->nonce.begin(), no->nonce.end(), nonce.begin(), nonce.end()));
    EXPECT_EQ(svc->counters().get("na_sent"), 1u);
    EXPECT_EQ(svc->counters().get("nd_unsecured"), 0u);
}

TEST_F(NdTest, NsForTheGlobalCgaIsAnsweredFromIt) {
    const auto& g = nd_identity().addresses().at(1);
    const auto out = exchange(build_sol(wire::icmp6_ns, nd_mn().address, g.address, g.address, false));
    ASSERT_EQ(out.size(), 1u);
    auto r = parse_reply(out[0], 24);
    expect_signed_by(*r, g);
}

TEST_F(NdTest, ForgedOrForeignNsIsNotAnswered) {
    const auto& ll = nd_identity().link_local();
    auto pkt = build_sol(wire::icmp6_ns, nd_mn().address, ll.address, ll.address, true);
    pkt[pkt.size() - 6] ^= 0x01;
    wire::icmpv6_fill_checksum(nd_mn().address, ll.address, bytes_mut(pkt).subspan(40));
    EXPECT_TRUE(exchange(pkt).empty());
    EXPECT_EQ(svc->counters().get("send_bad_signature"), 1u);
    EXPECT_TRUE(exchange(build_sol(wire::icmp6_ns, nd_mn().address, addr("fe80::99"), addr("fe80::99"), false)).empty());
    EXPECT_EQ(svc->counters().get("ns_not_our_target"), 1u);
}

} // namespace
} // namespace ctl_test
