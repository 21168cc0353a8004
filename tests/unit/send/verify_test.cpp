// send_verifier: every refusal in verify_order, options after the signature ignored, state
// committed only on success.

#include "send_test_util.hpp"

#include "mipgate/send/verify.hpp"

namespace send_test {
namespace {

constexpr send_time now = send_seconds(1700000000);

class VerifyTest : public ::testing::Test {
protected:
    void SetUp() override {
        static cga_identity id1024 = make_cga(key1024(), 1);
        id = id1024;
        spec.type = 135;  // NS
        spec.src = id.address;
        spec.dst = addr("ff02::1:ff00:1");
        spec.cga_params = id.params;
        spec.ts = now;
        spec.nonce = {9, 8, 7, 6, 5, 4};
        spec.key = &key1024();
    }
    send_reason run(const std::vector<std::uint8_t>& m, nonce_rule rule = nonce_rule::required,
                    send_verified* out = nullptr, const rsa_public_key* known = nullptr) {
        send_message msg;
        msg.src = spec.src;
        msg.dst = spec.dst;
        msg.icmp = m;
        msg.nonce = rule;
        msg.received = now;
        msg.known_key = known;
        return verifier.verify(msg, out);
    }
    /// Builds `s` and verifies it with its own addresses.
    send_reason run_spec(const msg_spec& s, nonce_rule rule = nonce_rule::required) {
        auto m = build(s);
        send_message msg;
        msg.src = s.src;
        msg.dst = s.dst;
        msg.icmp = m;
        msg.nonce = rule;
        msg.received = now;
        return verifier.verify(msg);
    }

    cga_identity id;
    msg_spec spec;
    timestamp_cache cache{16};
    nonce_table nonces{8, send_seconds(5)};
    send_policy policy;
    send_verifier verifier{policy, cache, &nonces};
};

TEST_F(VerifyTest, GoodMessageCommitsState) {
    send_verified v;
    auto m = build(spec);
    EXPECT_REASON(run(m, nonce_rule::required, &v), send_reason::ok);
    EXPECT_EQ(v.sec, 1u);
    EXPECT_EQ(v.timestamp, now);
    EXPECT_EQ(v.nonce.size(), 6u);
    EXPECT_EQ(v.key.bits(), 1024u);
    EXPECT_EQ(cache.live(now), 1u);
    // The same message again, later: the known-peer rule now applies and refuses the replay.
    send_message msg{spec.src, spec.dst, m, 0, nullptr, nonce_rule::required, 0, now + send_seconds(60), nullptr};
    EXPECT_REASON(verifier.verify(msg), send_reason::timestamp_replay);
}

TEST_F(VerifyTest, OptionsAfterSignatureAreIgnored) {
    // Garbage, a second CGA option, even a zero-... no: a malformed trailing option after the
    // signature must not matter.
    spec.after = {11, 1, 0, 0, 0, 0, 0, 0, 99, 1, 1, 2, 3, 4, 5, 6, 1, 5};  // CGA, unknown, truncated
    EXPECT_REASON(run(build(spec)), send_reason::ok);
}

TEST_F(VerifyTest, Presence) {
    auto s = spec;
    s.key = nullptr;
    EXPECT_REASON(run(build(s)), send_reason::no_rsa_sig);
    s = spec;
    s.cga_params.clear();
    EXPECT_REASON(run(build(s)), send_reason::no_cga_option);
    s = spec;
    s.timestamp = false;
    EXPECT_REASON(run(build(s)), send_reason::no_timestamp);
    s = spec;
    s.nonce.clear();
    EXPECT_REASON(run(build(s)), send_reason::no_nonce);
    EXPECT_REASON(run(build(s), nonce_rule::echo), send_reason::no_nonce);
    EXPECT_REASON(run(build(s), nonce_rule::echo_if_present), send_reason::ok);
    // A CGA option after the signature does not count.
    s = spec;
    s.cga_params.clear();
    std::vector<std::uint8_t> cga_opt(512);
    cga_opt.resize(build_cga_option(cga_opt, id.params));
    s.after = cga_opt;
    EXPECT_REASON(run(build(s)), send_reason::no_cga_option);
    // Two Timestamp options before the signature.
    s = spec;
    s.extra_before = {13, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
    EXPECT_REASON(run(build(s)), send_reason::duplicate_option);
    // Truncated message / unknown type / zero-length option.
    EXPECT_REASON(run({135, 0}), send_reason::malformed_message);
    auto m = build(spec);
    m[0] = 1;
    EXPECT_REASON(run(m), send_reason::malformed_message);
    s = spec;
    s.extra_before = {1, 0, 0, 0, 0, 0, 0, 0};
    EXPECT_REASON(run(build(s)), send_reason::malformed_message);
}

TEST_F(VerifyTest, Lengths) {
    auto s = spec;
    s.timestamp = false;
    s.extra_before = {13, 1, 0, 0, 0, 0, 0, 0};  // Timestamp with Length 1
    EXPECT_REASON(run(build(s)), send_reason::bad_option_length);
    s = spec;
    s.nonce.clear();
    s.extra_before = {14, 5};  // a 38-byte nonce: longer than we accept
    s.extra_before.resize(40, 0xaa);
    EXPECT_REASON(run(build(s)), send_reason::bad_option_length);
    // CGA option whose Pad Length exceeds its size.
    auto m = build(spec);
    std::size_t cga_off = 24;
    ASSERT_EQ(m[cga_off], 11);
    auto t = m;
    t[cga_off + 2] = 255;
    EXPECT_REASON(run(t), send_reason::bad_option_length);
    // CGA Parameters whose key is not DER.
    t = m;
    t[cga_off + 4 + 25] = 0x04;
    EXPECT_REASON(run(t), send_reason::cga_params_malformed);
}

TEST_F(VerifyTest, CgaStepsInOrder) {
    auto m = build(spec);
    std::size_t p = 24 + 4;  // CGA Parameters
    auto t = m;
    t[p + 24] = 3;
    EXPECT_REASON(run(t), send_reason::cga_cc_invalid);
    t = m;
    t[p + 16] ^= 1;
    EXPECT_REASON(run(t), send_reason::cga_prefix_mismatch);
    t = m;
    t[p] ^= 1;  // modifier
    EXPECT_REASON(run(t), send_reason::cga_hash1_mismatch);
    policy.cga_max_sec = 0;
    send_verifier strict{policy, cache, &nonces};
    send_message msg{spec.src, spec.dst, m, 0, nullptr, nonce_rule::required, 0, now, nullptr};
    EXPECT_REASON(strict.verify(msg), send_reason::cga_sec_too_high);
    // Claim Sec 7 with an otherwise matching IID: Hash2 fails.
    ipv6_addr claimed = spec.src;
    claimed.b[8] = static_cast<std::uint8_t>((claimed.b[8] & 0x1f) | (7 << 5));
    policy.cga_max_sec = 7;
    send_verifier lax{policy, cache, &nonces};
    msg.cga_address = &claimed;
    EXPECT_REASON(lax.verify(msg), send_reason::cga_hash2_mismatch);
}

TEST_F(VerifyTest, TimestampAndNonce) {
    auto s = spec;
    s.ts = now - send_seconds(301);
    EXPECT_REASON(run(build(s)), send_reason::timestamp_out_of_window);
    // An advertisement echoing a nonce we never sent.
    s = spec;
    s.type = 136;
    auto m = build(s);
    EXPECT_REASON(run(m, nonce_rule::echo), send_reason::nonce_unknown);
    EXPECT_REASON(run(m, nonce_rule::echo_if_present), send_reason::nonce_unknown);
    EXPECT_REASON(run(m, nonce_rule::none), send_reason::ok);
    // Once issued it is accepted exactly once (consumed on success).
    timestamp_cache fresh(4);
    send_verifier v2{policy, fresh, &nonces};
    ASSERT_TRUE(nonces.add(s.nonce, now));
    send_message msg{spec.src, spec.dst, m, 0, nullptr, nonce_rule::echo, 0, now, nullptr};
    EXPECT_REASON(v2.verify(msg), send_reason::ok);
    EXPECT_FALSE(nonces.contains(s.nonce, now));
}

TEST_F(VerifyTest, KeySizeLimits) {
    policy.rsa_min_bits = 2048;
    send_verifier big_only{policy, cache, &nonces};
    send_message msg{spec.src, spec.dst, {}, 0, nullptr, nonce_rule::required, 0, now, nullptr};
    auto m = build(spec);
    msg.icmp = m;
    EXPECT_REASON(big_only.verify(msg), send_reason::key_too_small);
    policy.rsa_min_bits = 512;
    policy.rsa_max_bits = 1000;
    send_verifier small_only{policy, cache, &nonces};
    EXPECT_REASON(small_only.verify(msg), send_reason::key_too_large);
    // The 512-bit fixture against the default floor.
    auto k512 = rsa_private_key::load_file(data_path("router512.key"));
    ASSERT_TRUE(k512.ok());
    auto id512 = make_cga(*k512);
    auto s = spec;
    s.src = id512.address;
    s.cga_params = id512.params;
    s.key = &*k512;
    EXPECT_REASON(run_spec(s), send_reason::key_too_small);
}

TEST_F(VerifyTest, KeyHashAndSignature) {
    // Signed with another key than the CGA's: Key Hash names the other key.
    auto s = spec;
    s.key = &key2048();
    EXPECT_REASON(run(build(s)), send_reason::key_hash_mismatch);
    // Known (certified) key given, message signed by the CGA key → mismatch; by it → ok.
    const rsa_public_key& other = key2048().public_key();
    EXPECT_REASON(run(build(spec), nonce_rule::required, nullptr, &other), send_reason::key_hash_mismatch);
    s = spec;
    s.cga_params.clear();
    s.key = &key2048();
    policy.require_cga = false;
    send_verifier cert_ok{policy, cache, &nonces};
    send_message msg{spec.src, spec.dst, {}, 0, nullptr, nonce_rule::required, 0, now, &other};
    auto m = build(s);
    msg.icmp = m;
    EXPECT_REASON(cert_ok.verify(msg), send_reason::ok);
    // Tampered body → bad_signature, and no state is committed.
    timestamp_cache fresh(4);
    send_verifier v{send_policy{}, fresh, &nonces};
    auto t = build(spec);
    t[10] ^= 1;  // target address
    msg = send_message{spec.src, spec.dst, t, 0, nullptr, nonce_rule::required, 0, now, nullptr};
    EXPECT_REASON(v.verify(msg), send_reason::bad_signature);
    EXPECT_EQ(fresh.live(now), 0u);
    // A CGA key that is not RSA-decodable (valid DER SEQUENCE, not a key).
    std::vector<std::uint8_t> fake{0x30, 0x03, 0x02, 0x01, 0x05};
    cga_generate_request req;
    req.subnet = addr("fe80::");
    req.public_key = fake;
    req.sec = 0;
    auto g = cga_generate(req, {});
    ASSERT_TRUE(g.ok());
    s = spec;
    s.src = g->address;
    s.cga_params = g->params;
    EXPECT_REASON(run_spec(s), send_reason::key_unsupported);
}

TEST(VerifyOrder, StagesAreOrderedAndMapped) {
    EXPECT_EQ(verify_order.front(), verify_stage::presence);
    EXPECT_EQ(verify_order.back(), verify_stage::signature);
    for (std::size_t i = 1; i < verify_order.size(); ++i) {
        EXPECT_LT(static_cast<int>(verify_order[i - 1]), static_cast<int>(verify_order[i]));
    }
    EXPECT_EQ(stage_of(send_reason::cga_hash2_mismatch), verify_stage::cga);
    EXPECT_EQ(stage_of(send_reason::timestamp_replay), verify_stage::timestamp);
    EXPECT_EQ(stage_of(send_reason::nonce_unknown), verify_stage::nonce);
    EXPECT_EQ(stage_of(send_reason::key_too_small), verify_stage::key_size);
    EXPECT_EQ(stage_of(send_reason::key_hash_mismatch), verify_stage::key_hash);
    EXPECT_EQ(stage_of(send_reason::bad_signature), verify_stage::signature);
    // Cheap before expensive: a message failing both timestamp and signature reports timestamp.
}

} // namespace
} // namespace send_test
