// Router identity (path validation, CGAs, saved CGA Parameters), CPS → CPA (RFC 3971 §6.4.2) and
// the telemetry read-out over DPDK's telemetry socket.

#include "mn_util.hpp"

#include "mipgate/control/telemetry.hpp"
#include "mipgate/send/certpath.hpp"

#include <rte_eal.h>

#include <sys/socket.h>
#include <sys/un.h>

namespace ctl_test {
namespace {

const config::config& ca2_config() {
    static config::config c = make_config("router-via-ca2.key", {"router-via-ca2.pem", "ca2.pem"}, "ta.pem",
                                          "2001:db8:100::1/64", "");
    return c;
}

const ctl::router_identity& ca2_identity() {
    static std::unique_ptr<ctl::router_identity> id = [] {
        auto r = ctl::router_identity::load(ca2_config());
        EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.err().message);
        return std::move(r.value());
    }();
    return *id;
}

std::vector<std::uint8_t> der_of(const std::string& pem) {
    auto c = send::certificate::load_file(data_path(pem));
    EXPECT_TRUE(c.ok());
    return c->front().der();
}

std::vector<std::uint8_t> build_cps(const ipv6_addr& src, std::uint16_t ident, std::uint16_t component,
                                    const std::string& anchor_pem = "ta.pem") {
    const ipv6_addr dst = addr("ff02::2");
    std::vector<std::uint8_t> pkt(2048, 0);
    bytes_mut icmp = bytes_mut(pkt).subspan(40);
    wire::cps_msg m;
    m.identifier = ident;
    m.component = component;
    std::size_t len = wire::build_cps(icmp, m).len;
    auto ta = send::certificate::load_file(data_path(anchor_pem));
    len += wire::build_trust_anchor_opt(icmp.subspan(len), wire::ta_name_der, ta->front().subject_der()).len;
    wire::icmpv6_fill_checksum(src, dst, icmp.subspan(0, len));
    return finish_icmpv6_packet(std::move(pkt), len, src, dst);
}

class CpaTest : public ::testing::Test {
protected:
    void SetUp() override {
        auto t = tables::key_table::create(("ut_cpa_" + std::to_string(n++)).c_str(), 8, rcu.v, 0);
        ASSERT_TRUE(t.ok());
        table = std::move(t.value());
        keys = std::make_unique<ctl::key_service>(*table, ca2_config().handover_keys);
        ctl::port_info p;
        p.mac = *mac_addr::parse("02:00:00:00:00:01");
        ctl::service_options o;
        o.signer_threads = 0;
        auto s = ctl::send_service::create(ca2_config(), ca2_identity(), *keys, {p}, o);
        ASSERT_TRUE(s.ok());
        svc = std::move(s.value());
    }
    std::vector<ctl::tx_frame> exchange(const std::vector<std::uint8_t>& pkt) {
        svc->submit(0, *mac_addr::parse("02:00:00:00:00:99"), pkt);
        std::vector<ctl::tx_frame> out;
        svc->take_replies(out);
        return out;
    }
    static inline unsigned n = 0;
    rcu_var rcu{1};
    std::unique_ptr<tables::key_table> table;
    std::unique_ptr<ctl::key_service> keys;
    std::unique_ptr<ctl::send_service> svc;
};

TEST_F(CpaTest, CpsGetsThePathInOrder) {
    const ipv6_addr mn_ll = addr("fe80::1234:5678:9abc:def0");
    const auto out = exchange(build_cps(mn_ll, 0x4321, wire::cps_all_components));
    ASSERT_EQ(out.size(), 2u);
    // RFC 3971 §6.4.2: the certificate issued by the anchor first (Component N-1), the router's last (0).
    const std::vector<std::vector<std::uint8_t>> expect = {der_of("ca2.pem"), der_of("router-via-ca2.pem")};
    for (std::size_t i = 0; i < out.size(); ++i) {
        auto r = parse_reply(out[i], 12);
        EXPECT_EQ(r->src, ca2_identity().link_local().address);
        EXPECT_EQ(r->dst, solicited_node(mn_ll));
        EXPECT_EQ(r->eth_dst, ctl::ipv6_multicast_mac(solicited_node(mn_ll)));
        EXPECT_EQ(r->hop_limit, 255);
        EXPECT_TRUE(wire::icmpv6_checksum_ok(r->src, r->dst, r->icmp));
        auto cpa = wire::parse_cpa(r->icmp);
        ASSERT_TRUE(cpa.ok());
        EXPECT_EQ(cpa->identifier, 0x4321);
        EXPECT_EQ(cpa->all_components, 2);
        EXPECT_EQ(cpa->component, 1 - i);
        const auto* c = r->find(wire::nd_opt_certificate);
        ASSERT_NE(c, nullptr);
        auto co = wire::parse_certificate_opt(c->raw);
        ASSERT_TRUE(co.ok());
        EXPECT_TRUE(std::equal(co->certificate.begin(), co->certificate.end(), expect[i].begin(), expect[i].end()));
    }
    EXPECT_EQ(svc->counters().get("cpa_sent"), 2u);
}

TEST_F(CpaTest, UnspecifiedSourceGetsAllNodesAndIdentifierZero) {
    const auto out = exchange(build_cps(ipv6_addr{}, 0x4321, 0));
    ASSERT_EQ(out.size(), 1u); // component 0 only: the router's own certificate
    auto r = parse_reply(out[0], 12);
    EXPECT_EQ(r->dst, addr("ff02::1"));
    EXPECT_EQ(r->eth_dst, *mac_addr::parse("33:33:00:00:00:01"));
    auto cpa = wire::parse_cpa(r->icmp);
    EXPECT_EQ(cpa->identifier, 0);
    EXPECT_EQ(cpa->component, 0);
}

TEST_F(CpaTest, UnknownAnchorAndBadComponentAreNotAnswered) {
    EXPECT_TRUE(exchange(build_cps(addr("fe80::1"), 1, wire::cps_all_components, "other-ta.pem")).empty());
    EXPECT_EQ(svc->counters().get("cps_unknown_anchor"), 1u);
    EXPECT_TRUE(exchange(build_cps(addr("fe80::1"), 1, 5)).empty());
    EXPECT_EQ(svc->counters().get("cps_bad_component"), 1u);
}

TEST_F(CpaTest, MaxCpaRate) {
    // MAX_CPA_RATE 10/s: five full paths of two certificates, then nothing.
    unsigned sent = 0;
    for (int i = 0; i < 6; ++i) {
        sent += static_cast<unsigned>(exchange(build_cps(addr("fe80::1"), 1, wire::cps_all_components)).size());
    }
    EXPECT_EQ(sent, 10u);
    EXPECT_EQ(svc->counters().get("cpa_rate_limited"), 1u);
}

TEST(RouterIdentity, AddressesAreCgasOfTheCertifiedKey) {
    const auto& id = ca2_identity();
    ASSERT_EQ(id.addresses().size(), 2u);
    EXPECT_TRUE(id.link_local().address.is_link_local());
    EXPECT_EQ(send::cga_sec(id.link_local().address), 1u);
    EXPECT_TRUE(ipv6_prefix::parse("2001:db8:100::/64")->contains(id.addresses()[1].address));
    for (const auto& a : id.addresses()) {
        send::cga_params_view v;
        ASSERT_EQ(send::parse_cga_params(a.cga_params, v), send::cga_parse_status::ok);
        EXPECT_EQ(send::cga_verify(a.address, v), send::send_reason::ok);
        EXPECT_TRUE(std::equal(v.public_key.begin(), v.public_key.end(), id.key().public_key().spki().begin(),
                               id.key().public_key().spki().end()));
    }
    EXPECT_TRUE(id.warnings().empty());
}

TEST(RouterIdentity, SavedParametersKeepAddressesStable) {
    const std::string f = tmp_path("stable.params");
    std::remove(f.c_str());
    auto cfg = make_config("router1024.key", {"router1024.pem"}, "ta.pem", "2001:db8:1::1/64", f);
    auto a = ctl::router_identity::load(cfg);
    ASSERT_TRUE(a.ok()) << a.err().message;
    auto b = ctl::router_identity::load(cfg);
    ASSERT_TRUE(b.ok()) << b.err().message;
    EXPECT_EQ(b.value()->hash2_iterations(), 0u); // loaded, not searched
    ASSERT_EQ(a.value()->addresses().size(), b.value()->addresses().size());
    for (std::size_t i = 0; i < a.value()->addresses().size(); ++i) {
        EXPECT_EQ(a.value()->addresses()[i].address, b.value()->addresses()[i].address);
    }
    // Parameters of another key are refused rather than silently replaced.
    auto other = make_config("router-via-ca2.key", {"router-via-ca2.pem", "ca2.pem"}, "ta.pem", "2001:db8:100::1/64", f);
    auto c = ctl::router_identity::load(other);
    ASSERT_FALSE(c.ok());
    EXPECT_NE(c.err().message.find("another public key"), std::string::npos);
    std::remove(f.c_str());
}

TEST(RouterIdentity, RefusesBadPathOrUncertifiedKey) {
    auto untrusted = ctl::router_identity::load(
        make_config("router1024.key", {"router1024.pem"}, "other-ta.pem", "2001:db8:1::1/64", ""));
    ASSERT_FALSE(untrusted.ok());
    EXPECT_NE(untrusted.err().message.find("cert_untrusted"), std::string::npos) << untrusted.err().message;
    auto wrong_key = ctl::router_identity::load(
        make_config("router1024.key", {"router.pem"}, "ta.pem", "2001:db8:1::1/64", ""));
    ASSERT_FALSE(wrong_key.ok());
    EXPECT_NE(wrong_key.err().message.find("does not certify"), std::string::npos) << wrong_key.err().message;
    config::config none;
    EXPECT_FALSE(ctl::router_identity::load(none).ok());
}

/// Minimal client of DPDK's telemetry socket (SOCK_SEQPACKET, one JSON reply per request).
std::string telemetry_query(const std::string& cmd) {
    const std::string path = std::string(rte_eal_get_runtime_dir()) + "/dpdk_telemetry.v2";
    int fd = socket(AF_UNIX, SOCK_SEQPACKET, 0);
    sockaddr_un sa{};
    sa.sun_family = AF_UNIX;
    std::snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path.c_str());
    if (connect(fd, reinterpret_cast<sockaddr*>(&sa), sizeof(sa)) != 0) {
        close(fd);
        return "connect failed: " + path;
    }
    std::vector<char> buf(65536);
    (void)read(fd, buf.data(), buf.size()); // greeting
    (void)write(fd, cmd.data(), cmd.size());
    const ssize_t n = read(fd, buf.data(), buf.size());
    close(fd);
    return n > 0 ? std::string(buf.data(), static_cast<std::size_t>(n)) : std::string("no reply");
}

TEST_F(CpaTest, TelemetryShowsKeysWithoutSecrets) {
    static mn m = mn::make("router1024.key", "other-router.key", "2001:db8:100::", 0x51);
    rtsolpr_spec s;
    s.dst = ca2_identity().link_local().address;
    svc->submit(0, m.mac, build_rtsolpr(m, s));
    std::vector<ctl::tx_frame> out;
    svc->take_replies(out);
    ASSERT_EQ(out.size(), 1u);
    const auto info = keys->find(m.address);
    ASSERT_TRUE(info.has_value());
    ASSERT_TRUE(ctl::register_telemetry(*svc).ok());

    const std::string one = telemetry_query("/mipgate/key," + m.address.to_string());
    EXPECT_NE(one.find("\"kcv\":\"" + info->kcv + "\""), std::string::npos) << one;
    EXPECT_NE(one.find("\"at\":1"), std::string::npos) << one;
    const std::string all = telemetry_query("/mipgate/keys");
    EXPECT_NE(all.find(m.address.to_string()), std::string::npos) << all;
    EXPECT_NE(all.find("\"count\":1"), std::string::npos) << all;
    const std::string ctrs = telemetry_query("/mipgate/send");
    EXPECT_NE(ctrs.find("\"hk_reply_sent\":1"), std::string::npos) << ctrs;
    EXPECT_NE(ctrs.find("\"send_bad_signature\":0"), std::string::npos) << ctrs;

    // Never the key bytes: the hex of the stored key appears nowhere.
    const auto* rec = table->find(m.address);
    ASSERT_NE(rec, nullptr);
    std::string hex;
    char b[3];
    for (auto x : rec->key.view()) {
        std::snprintf(b, sizeof(b), "%02x", x);
        hex += b;
    }
    EXPECT_EQ(one.find(hex), std::string::npos);
    EXPECT_EQ(all.find(hex), std::string::npos);
    ctl::unregister_telemetry();
    EXPECT_EQ(telemetry_query("/mipgate/keys").find("\"count\""), std::string::npos);
}

} // namespace
} // namespace ctl_test
