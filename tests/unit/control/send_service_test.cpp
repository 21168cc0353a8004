// SEND service: RtSolPr → signed PrRtAdv with an encrypted handover key (RFC 5269 §3.2), every
// refusal leaving the key table unchanged with its counter, CPS → CPA (RFC 3971 §6.4.2), and
// the signer threads.

#include "mn_util.hpp"

#include <atomic>
#include <cstdio>
#include <unistd.h>

namespace ctl_test {
namespace {

const config::config& base_config() {
    static config::config c =
        make_config("router.key", {"router.pem"}, "ta.pem", "2001:db8:1::1/64", "");
    return c;
}

const ctl::router_identity& identity() {
    static std::unique_ptr<ctl::router_identity> id = [] {
        auto r = ctl::router_identity::load(base_config());
        EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.err().message);
        return std::move(r.value());
    }();
    return *id;
}

const mn& mn1() {
    static mn m = mn::make("router1024.key", "other-router.key", "2001:db8:1::", 0x10);
    return m;
}

const std::vector<std::uint8_t>& mn1_hk_der() {
    static std::vector<std::uint8_t> d = private_der("other-router.key");
    return d;
}

class ServiceTest : public ::testing::Test {
protected:
    void SetUp() override { make_service(base_config(), 0); }

    void make_service(const config::config& cfg, unsigned threads) {
        static std::atomic<unsigned> n{0};
        const std::string name = "ut_keys_" + std::to_string(n++);
        svc.reset();
        keys.reset();
        table.reset();
        auto t = tables::key_table::create(name.c_str(), 16, rcu.v, 0);
        ASSERT_TRUE(t.ok()) << t.err().message;
        table = std::move(t.value());
        keys = std::make_unique<ctl::key_service>(*table, cfg.handover_keys);
        ctl::service_options o;
        o.signer_threads = threads;
        ctl::port_info p;
        p.mac = *mac_addr::parse("02:00:00:00:00:01");
        auto s = ctl::send_service::create(cfg, identity(), *keys, {p}, o);
        ASSERT_TRUE(s.ok()) << s.err().message;
        svc = std::move(s.value());
    }

    rtsolpr_spec spec() const {
        rtsolpr_spec s;
        s.dst = identity().link_local().address;
        return s;
    }

    /// Submits one packet from `m` and returns the replies it produced.
    std::vector<ctl::tx_frame> exchange(const std::vector<std::uint8_t>& pkt, const mn& m = mn1()) {
        svc->submit(0, m.mac, pkt);
        svc->wait_idle();
        std::vector<ctl::tx_frame> out;
        svc->take_replies(out);
        return out;
    }

    std::uint64_t ctr(const char* name) const { return svc->counters().get(name); }

    /// The PrRtAdv checks every reply must pass: addressing, Hop Limit, SEND signature by the
    /// router's certified key, the copied Identifier and Nonce.
    void expect_signed_prrtadv(const reply& r, const mn& m, std::uint16_t ident, bytes_view nonce) {
        EXPECT_EQ(r.eth_dst, m.mac);
        EXPECT_EQ(r.eth_src, *mac_addr::parse("02:00:00:00:00:01"));
        EXPECT_EQ(r.src, identity().link_local().address);
        EXPECT_EQ(r.dst, m.address);
        EXPECT_EQ(r.hop_limit, 255);
        EXPECT_TRUE(wire::icmpv6_checksum_ok(r.src, r.dst, r.icmp));
        auto f = wire::parse_fmip(r.icmp, wire::fmip_subtype_prrtadv);
        ASSERT_TRUE(f.ok());
        EXPECT_EQ(f->identifier, ident);
        const std::size_t sig = r.offset_of(wire::nd_opt_rsa_sig);
        ASSERT_NE(sig, 0u);
        EXPECT_EQ(send::verify_rsa_signature(r.src, r.dst, r.icmp, sig, identity().path().router_key),
                  send::send_reason::ok);
        const auto* no = r.find(wire::nd_opt_nonce);
        ASSERT_NE(no, nullptr);
        auto n = wire::parse_nonce_opt(no->raw);
        ASSERT_TRUE(n.ok());
        EXPECT_TRUE(std::equal(n->nonce.begin(), n->nonce.end(), nonce.begin(), nonce.end()));
        const auto* c = r.find(wire::nd_opt_cga);
        ASSERT_NE(c, nullptr);
        auto co = wire::parse_cga_opt(c->raw);
        ASSERT_TRUE(co.ok());
        EXPECT_TRUE(std::equal(co->params.begin(), co->params.end(), identity().link_local().cga_params.begin(),
                               identity().link_local().cga_params.end()));
        EXPECT_NE(r.find(wire::nd_opt_timestamp), nullptr);
    }

    /// A refused RtSolPr: at most one PrRtAdv, without HK Reply, and the table as it was.
    void expect_refused(const std::vector<ctl::tx_frame>& out, std::uint32_t keys_before) {
        ASSERT_LE(out.size(), 1u);
        if (!out.empty()) {
            auto r = parse_reply(out[0]);
            EXPECT_EQ(r->find(wire::nd_opt_hk_reply), nullptr);
        }
        EXPECT_EQ(table->size(), keys_before);
    }

    ctl_test::rcu_var rcu{1};
    std::unique_ptr<tables::key_table> table;
    std::unique_ptr<ctl::key_service> keys;
    std::unique_ptr<ctl::send_service> svc;
};

TEST_F(ServiceTest, GoodRtSolPrProvisionsKey) {
    auto s = spec();
    s.nonce = {1, 2, 3, 4, 5, 6};
    const auto out = exchange(build_rtsolpr(mn1(), s));
    ASSERT_EQ(out.size(), 1u);
    auto r = parse_reply(out[0]);
    expect_signed_prrtadv(*r, mn1(), 0x1234, s.nonce);
    auto f = wire::parse_fmip(r->icmp, wire::fmip_subtype_prrtadv);
    EXPECT_EQ(f->code, 0); // the AP is a configured neighbour

    const auto* hko = r->find(wire::nd_opt_hk_reply);
    ASSERT_NE(hko, nullptr);
    auto hk = wire::parse_hk_reply_opt(hko->raw);
    ASSERT_TRUE(hk.ok());
    EXPECT_EQ(hk->at, 1u);
    EXPECT_EQ(hk->lifetime, 43200);
    EXPECT_EQ(hk->encrypted_key.size(), 128u);
    auto key = fmip::decrypt_handover_key(mn1_hk_der(), hk->encrypted_key, 32);
    ASSERT_TRUE(key.ok()) << key.err().message;

    const tables::key_record* rec = table->find(mn1().address);
    ASSERT_NE(rec, nullptr);
    EXPECT_EQ(rec->at(), 1u);
    EXPECT_TRUE(std::equal(rec->key.view().begin(), rec->key.view().end(), key->view().begin(), key->view().end()));
    const auto info = keys->find(mn1().address);
    ASSERT_TRUE(info.has_value());
    EXPECT_EQ(info->kcv, ctl::key_check_value(key->view()));
    EXPECT_EQ(ctr("key_created"), 1u);
    EXPECT_EQ(ctr("hk_reply_sent"), 1u);

    // NAR information for the AP: LLA code 1 (the AP), LLA code 3, IP Address codes 3 and 4.
    unsigned lla3 = 0;
    unsigned ip3 = 0;
    unsigned ip4 = 0;
    for (const auto& o : r->opts) {
        if (o.type == wire::nd_opt_lla_fmip) {
            auto l = wire::parse_lla_fmip_opt(o.raw);
            if (l->code == wire::lla_code_nar) {
                ++lla3;
                EXPECT_EQ(l->mac(), *mac_addr::parse("02:00:00:00:01:01"));
            }
        } else if (o.type == wire::nd_opt_ip_addr) {
            auto a = wire::parse_ip_addr_opt(o.raw);
            ip3 += a->code == wire::ip_addr_code_nar_ip && a->addr == addr("2001:db8:2::1");
            ip4 += a->code == wire::ip_addr_code_nar_prefix && a->addr == addr("2001:db8:2::") && a->prefix_len == 64;
        }
    }
    EXPECT_EQ(lla3, 1u);
    EXPECT_EQ(ip3, 1u);
    EXPECT_EQ(ip4, 1u);
    // The RSA Signature is the last option.
    EXPECT_EQ(r->opts.opts[r->opts.count - 1].type, wire::nd_opt_rsa_sig);
}

TEST_F(ServiceTest, SecondRtSolPrGetsTheSameKey) {
    auto s1 = spec();
    auto out1 = exchange(build_rtsolpr(mn1(), s1));
    auto s2 = spec();
    s2.at = 0; // a different request does not change the stored AT
    s2.identifier = 7;
    s2.nonce = {9, 9, 9, 9, 9, 9};
    auto out2 = exchange(build_rtsolpr(mn1(), s2));
    ASSERT_EQ(out1.size(), 1u);
    ASSERT_EQ(out2.size(), 1u);
    auto r1 = parse_reply(out1[0]);
    auto r2 = parse_reply(out2[0]);
    expect_signed_prrtadv(*r2, mn1(), 7, s2.nonce);
    auto h1 = wire::parse_hk_reply_opt(r1->find(wire::nd_opt_hk_reply)->raw);
    auto h2 = wire::parse_hk_reply_opt(r2->find(wire::nd_opt_hk_reply)->raw);
    auto k1 = fmip::decrypt_handover_key(mn1_hk_der(), h1->encrypted_key);
    auto k2 = fmip::decrypt_handover_key(mn1_hk_der(), h2->encrypted_key);
    ASSERT_TRUE(k1.ok() && k2.ok());
    EXPECT_TRUE(std::equal(k1->view().begin(), k1->view().end(), k2->view().begin(), k2->view().end()));
    EXPECT_EQ(h2->at, h1->at);
    EXPECT_LE(h2->lifetime, h1->lifetime);
    EXPECT_EQ(table->size(), 1u);
    EXPECT_EQ(ctr("key_created"), 1u);
    EXPECT_EQ(ctr("key_reused"), 1u);
}

TEST_F(ServiceTest, BadSignatureIsRefused) {
    auto pkt = build_rtsolpr(mn1(), spec());
    pkt[pkt.size() - 10] ^= 0x01; // inside the signature (the 1024-bit signature has 4 pad bytes)
    // Keep the ICMPv6 checksum right so the refusal is the signature's.
    wire::icmpv6_fill_checksum(mn1().address, identity().link_local().address, bytes_mut(pkt).subspan(40));
    expect_refused(exchange(pkt), 0);
    EXPECT_EQ(ctr("send_bad_signature"), 1u);
    EXPECT_EQ(ctr("failure_reply_sent"), 1u);
    EXPECT_EQ(ctr("key_created"), 0u);
}

TEST_F(ServiceTest, ForgedRtSolPrLeavesTheExistingKeyAlone) {
    ASSERT_EQ(exchange(build_rtsolpr(mn1(), spec())).size(), 1u);
    const tables::key_record* before = table->find(mn1().address);
    const std::string kcv = keys->find(mn1().address)->kcv;
    auto pkt = build_rtsolpr(mn1(), spec());
    pkt[pkt.size() - 10] ^= 0x01;
    wire::icmpv6_fill_checksum(mn1().address, identity().link_local().address, bytes_mut(pkt).subspan(40));
    expect_refused(exchange(pkt), 1);
    EXPECT_EQ(table->find(mn1().address), before);
    EXPECT_EQ(keys->find(mn1().address)->kcv, kcv);
    EXPECT_EQ(ctr("send_bad_signature"), 1u);
    EXPECT_EQ(ctr("key_reused"), 0u);
}

TEST_F(ServiceTest, FailureRepliesAreRateLimited) {
    // failure_reply_rate = 10/s: an eleventh refused RtSolPr in a burst gets no PrRtAdv at all.
    unsigned replies = 0;
    for (int i = 0; i < 11; ++i) {
        auto s = spec();
        auto src = mn1().address;
        src.b[15] = static_cast<std::uint8_t>(i); // distinct sources (so no per-source limit), none
        s.src = src;                              // of them the CGA: refused, cga_hash1_mismatch
        replies += static_cast<unsigned>(exchange(build_rtsolpr(mn1(), s)).size());
    }
    EXPECT_EQ(replies, 10u);
    EXPECT_EQ(ctr("failure_reply_rate_limited"), 1u);
    EXPECT_EQ(table->size(), 0u);
}

TEST_F(ServiceTest, CgaMismatchIsRefused) {
    auto s = spec();
    ipv6_addr other = mn1().address;
    other.b[15] ^= 0x01;
    s.src = other; // signed correctly, but the address is not the CGA of the parameters
    const auto out = exchange(build_rtsolpr(mn1(), s));
    expect_refused(out, 0);
    EXPECT_EQ(ctr("send_cga_hash1_mismatch"), 1u);
}

TEST_F(ServiceTest, ReplayedRtSolPrIsRefusedAndKeyUntouched) {
    const auto pkt = build_rtsolpr(mn1(), spec());
    const auto first = exchange(pkt);
    ASSERT_EQ(first.size(), 1u);
    const tables::key_record* before = table->find(mn1().address);
    ASSERT_NE(before, nullptr);
    const std::string kcv = keys->find(mn1().address)->kcv;
    const auto again = exchange(pkt);
    expect_refused(again, 1);
    EXPECT_EQ(ctr("replayed_nonce"), 1u);
    EXPECT_EQ(table->find(mn1().address), before);
    EXPECT_EQ(keys->find(mn1().address)->kcv, kcv);
}

TEST_F(ServiceTest, OldTimestampIsRefused) {
    auto s = spec();
    s.ts = send::send_time_now() - send::send_seconds(1000);
    expect_refused(exchange(build_rtsolpr(mn1(), s)), 0);
    EXPECT_EQ(ctr("send_timestamp_out_of_window"), 1u);
}

TEST_F(ServiceTest, MissingNonceIsRefused) {
    // Built by hand: the builder always adds a Nonce, so strip it by signing a nonce-less message.
    auto s = spec();
    auto pkt = build_rtsolpr(mn1(), s);
    // Replace the Nonce option type (14) with an unknown type (200) and re-sign: no Nonce left.
    auto v = wire::parse_ipv6(pkt);
    bytes_view icmp = v.upper(pkt);
    auto opts = wire::parse_nd_options(icmp.subspan(8));
    const auto* n = opts.find(wire::nd_opt_nonce);
    ASSERT_NE(n, nullptr);
    const std::size_t at = 40 + 8 + n->offset;
    const std::size_t sig = 40 + 8 + opts.find(wire::nd_opt_rsa_sig)->offset;
    pkt[at] = 200;
    std::vector<std::uint8_t> icmpv(pkt.begin() + 40, pkt.begin() + static_cast<long>(sig));
    icmpv.resize(4096);
    const std::size_t len = send::append_rsa_signature(icmpv, sig - 40, mn1().address, s.dst, mn1().cga_key);
    ASSERT_NE(len, 0u);
    pkt.resize(40);
    pkt.insert(pkt.end(), icmpv.begin(), icmpv.begin() + static_cast<long>(len));
    store_be16(pkt.data() + 4, static_cast<std::uint16_t>(len));
    expect_refused(exchange(pkt), 0);
    EXPECT_EQ(ctr("send_no_nonce"), 1u);
}

TEST_F(ServiceTest, CgaKeyBelowFloorIsRefused) {
    static mn weak = mn::make("router512.key", "router512.key", "2001:db8:1::", 0x20);
    auto s = spec();
    expect_refused(exchange(build_rtsolpr(weak, s), weak), 0);
    EXPECT_EQ(ctr("send_key_too_small"), 1u);
}

TEST_F(ServiceTest, HandoverKeyOfAnotherSizeIsRefused) {
    static send::rsa_private_key k2048 = load_key("router.key");
    auto s = spec();
    s.hk_key = &k2048; // CGA key is 1024 bits (RFC 5269 §4.1: same algorithm and size)
    expect_refused(exchange(build_rtsolpr(mn1(), s)), 0);
    EXPECT_EQ(ctr("hk_key_mismatch"), 1u);
    EXPECT_EQ(ctr("failure_reply_sent"), 1u);
}

TEST_F(ServiceTest, OptionOfLengthZeroDiscardsTheMessage) {
    auto s = spec();
    s.raw_before = {200, 0, 0, 0, 0, 0, 0, 0};
    const auto out = exchange(build_rtsolpr(mn1(), s));
    EXPECT_TRUE(out.empty());
    EXPECT_EQ(table->size(), 0u);
    EXPECT_EQ(ctr("option_length_zero"), 1u);
}

TEST_F(ServiceTest, HopLimitAndChecksumAreChecked) {
    auto s = spec();
    s.hop_limit = 64;
    EXPECT_TRUE(exchange(build_rtsolpr(mn1(), s)).empty());
    EXPECT_EQ(ctr("bad_hop_limit"), 1u);
    auto pkt = build_rtsolpr(mn1(), spec());
    pkt[42] ^= 0xff; // checksum
    EXPECT_TRUE(exchange(pkt).empty());
    EXPECT_EQ(ctr("bad_checksum"), 1u);
    EXPECT_EQ(table->size(), 0u);
}

TEST_F(ServiceTest, PerSourceRateLimit) {
    // limits.rtsolpr_rate_per_source = 3 (MAX_RTSOLPR_RATE): the fourth in a burst is dropped.
    unsigned replies = 0;
    for (int i = 0; i < 4; ++i) {
        replies += static_cast<unsigned>(exchange(build_rtsolpr(mn1(), spec())).size());
    }
    EXPECT_EQ(replies, 3u);
    EXPECT_EQ(ctr("rate_limited_source"), 1u);
    EXPECT_EQ(ctr("key_created"), 1u);
    EXPECT_EQ(ctr("key_reused"), 2u);
}

TEST_F(ServiceTest, UnknownApGetsNoNewRouterInformation) {
    auto s = spec();
    s.aps = {{0x02, 0, 0, 0, 0, 0xbb}};
    const auto out = exchange(build_rtsolpr(mn1(), s));
    ASSERT_EQ(out.size(), 1u);
    auto r = parse_reply(out[0]);
    EXPECT_EQ(wire::parse_fmip(r->icmp, wire::fmip_subtype_prrtadv)->code, 2);
    EXPECT_NE(r->find(wire::nd_opt_hk_reply), nullptr); // the key does not depend on the AP
    EXPECT_EQ(r->find(wire::nd_opt_ip_addr), nullptr);
}

TEST_F(ServiceTest, SignerThreadsProvisionEveryPeer) {
    make_service(base_config(), 2);
    static mn peers[3] = {mn::make("router1024.key", "other-router.key", "2001:db8:1:0::", 0x31),
                          mn::make("other-router.key", "router1024.key", "2001:db8:1:0::", 0x32),
                          mn::make("router-via-ca2.key", "router1024.key", "2001:db8:1:0::", 0x33)};
    for (int round = 0; round < 2; ++round) {
        for (const auto& p : peers) {
            svc->submit(0, p.mac, build_rtsolpr(p, spec()));
        }
    }
    svc->wait_idle();
    std::vector<ctl::tx_frame> out;
    svc->take_replies(out);
    EXPECT_EQ(out.size(), 6u);
    EXPECT_EQ(table->size(), 3u);
    EXPECT_EQ(ctr("key_created"), 3u);
    EXPECT_EQ(ctr("key_reused"), 3u);
    for (const auto& f : out) {
        EXPECT_NE(parse_reply(f)->find(wire::nd_opt_hk_reply), nullptr);
    }
}

TEST_F(ServiceTest, FullTableRefusesNewKeysWithoutEviction) {
    static mn peers[2] = {mn::make("other-router.key", "router1024.key", "2001:db8:1::", 0x41),
                          mn::make("router-via-ca2.key", "router1024.key", "2001:db8:1::", 0x42)};
    // A table of one key.
    svc.reset();
    keys.reset();
    table.reset();
    auto t = tables::key_table::create("ut_keys_full", 1, rcu.v, 0);
    ASSERT_TRUE(t.ok());
    table = std::move(t.value());
    keys = std::make_unique<ctl::key_service>(*table, base_config().handover_keys);
    ctl::port_info p;
    p.mac = *mac_addr::parse("02:00:00:00:00:01");
    ctl::service_options o;
    o.signer_threads = 0;
    svc = std::move(ctl::send_service::create(base_config(), identity(), *keys, {p}, o).value());
    ASSERT_EQ(exchange(build_rtsolpr(peers[0], spec()), peers[0]).size(), 1u);
    const auto out = exchange(build_rtsolpr(peers[1], spec()), peers[1]);
    expect_refused(out, 1);
    EXPECT_EQ(ctr("key_table_full"), 1u);
    EXPECT_NE(table->find(peers[0].address), nullptr);
}

TEST_F(ServiceTest, DeadKeyIsReplacedAndExpired) {
    auto cfg = base_config();
    cfg.handover_keys.lifetime_s = 1;
    make_service(cfg, 0);
    auto s = spec();
    ASSERT_EQ(exchange(build_rtsolpr(mn1(), s)).size(), 1u);
    const std::string first = keys->find(mn1().address)->kcv;
    usleep(2100000); // past HK-LIFETIME, not yet swept: the next request gets a fresh key
    ASSERT_EQ(exchange(build_rtsolpr(mn1(), spec())).size(), 1u);
    EXPECT_EQ(ctr("key_created"), 2u);
    EXPECT_NE(keys->find(mn1().address)->kcv, first);
    usleep(2100000);
    EXPECT_EQ(svc->expire_keys(tables::now_s()), 1u);
    EXPECT_EQ(table->size(), 0u);
    EXPECT_EQ(ctr("keys_expired"), 1u);
}

TEST(KeyCheckValue, MatchesHmacSha256) {
    // Expected values from Python: hmac.new(key, b"mipgate-kcv", sha256).hexdigest()[:16].
    std::vector<std::uint8_t> k(20);
    for (std::size_t i = 0; i < k.size(); ++i) {
        k[i] = static_cast<std::uint8_t>(i);
    }
    EXPECT_EQ(ctl::key_check_value(k), "0b9252d82c6243af");
    EXPECT_EQ(ctl::key_check_value(std::vector<std::uint8_t>(32, 0x4b)), "cd02cbe1c8ad2a96");
}

} // namespace
} // namespace ctl_test

int main(int argc, char** argv) {
    ::testing::InitGoogleTest(&argc, argv);
    ::testing::AddGlobalTestEnvironment(new mipgate::test::eal_env(256));
    return RUN_ALL_TESTS();
}
