// RFC 3971 §5.3 Timestamp and Nonce: codecs, the §5.3.4.2 rules, cache bound and eviction, the
// outstanding-nonce table.

#include "send_test_util.hpp"

namespace send_test {
namespace {

constexpr send_time t0 = send_seconds(1700000000);

TEST(Timestamp, OptionCodec) {
    std::uint8_t buf[16];
    send_time ts = t0 | 0x8000;  // + 0.5 s
    ASSERT_EQ(build_timestamp_option(buf, ts), 16u);
    EXPECT_EQ(buf[0], 13);
    EXPECT_EQ(buf[1], 2);
    for (int i = 2; i < 8; ++i) {
        EXPECT_EQ(buf[i], 0);
    }
    // 48.16: integer seconds in the upper 48 bits.
    EXPECT_EQ(load_be64(buf + 8) >> 16, 1700000000u);
    EXPECT_EQ(load_be64(buf + 8) & 0xffff, 0x8000u);
    send_time out = 0;
    ASSERT_TRUE(parse_timestamp_option(bytes_view(buf, 16), out));
    EXPECT_EQ(out, ts);
    buf[1] = 3;
    EXPECT_FALSE(parse_timestamp_option(bytes_view(buf, 16), out));
    EXPECT_EQ(build_timestamp_option(bytes_mut(buf, 15), ts), 0u);
    // The clock is in 48.16 too.
    send_time now = send_time_now();
    EXPECT_GT(now >> 16, 1600000000u);
}

TEST(Timestamp, NewPeerWindow) {
    timestamp_cache c(8);
    ipv6_addr p = addr("fe80::1");
    EXPECT_REASON(c.check(p, 0, t0, t0), send_reason::ok);
    EXPECT_REASON(c.check(p, 0, t0 - send_seconds(299), t0), send_reason::ok);
    EXPECT_REASON(c.check(p, 0, t0 + send_seconds(299), t0), send_reason::ok);
    // Strict inequality: exactly ±Delta is out.
    EXPECT_REASON(c.check(p, 0, t0 - send_seconds(300), t0), send_reason::timestamp_out_of_window);
    EXPECT_REASON(c.check(p, 0, t0 + send_seconds(300), t0), send_reason::timestamp_out_of_window);
    EXPECT_EQ(c.live(t0), 0u);  // check() changes nothing
}

TEST(Timestamp, KnownPeerDriftAndReplay) {
    timestamp_cache c(8);
    ipv6_addr p = addr("fe80::1");
    // Peer's clock is 200 s behind ours: fine for a new peer.
    send_time ts = t0 - send_seconds(200);
    EXPECT_REASON(c.check(p, 0, ts, t0), send_reason::ok);
    c.commit(p, 0, 1, ts, t0);
    EXPECT_EQ(c.live(t0), 1u);
    // 100 s later the peer says +100 s: accepted (known-peer rule, not the window).
    EXPECT_REASON(c.check(p, 0, ts + send_seconds(100), t0 + send_seconds(100)), send_reason::ok);
    // Replay of the old timestamp 100 s later: TS_new + fuzz > TS_last + 99 s - fuzz fails.
    EXPECT_REASON(c.check(p, 0, ts, t0 + send_seconds(100)), send_reason::timestamp_replay);
    // Drift 1 %: after 100 s, a peer clock 0.99 s slow plus 2 s of fuzz is within bounds...
    EXPECT_REASON(c.check(p, 0, ts + send_seconds(100) - send_seconds(2), t0 + send_seconds(100)),
                  send_reason::ok);
    // ...but 3 s slow is not (100·0.99 − 1 − 1 = 97 s is the least acceptable advance).
    EXPECT_REASON(c.check(p, 0, ts + send_seconds(97), t0 + send_seconds(100)), send_reason::timestamp_replay);
    EXPECT_REASON(c.check(p, 0, ts + send_seconds(97) + 1, t0 + send_seconds(100)), send_reason::ok);
    // The same timestamp immediately again is a replay only beyond fuzz: within 2·fuzz it passes.
    EXPECT_REASON(c.check(p, 0, ts, t0 + send_seconds(1)), send_reason::ok);
    // Commit with an older timestamp does not move TSlast.
    c.commit(p, 0, 1, ts - send_seconds(1), t0 + send_seconds(1));
    EXPECT_REASON(c.check(p, 0, ts + send_seconds(98), t0 + send_seconds(100)), send_reason::ok);
    // Another interface is another peer: the window rule applies.
    EXPECT_REASON(c.check(p, 7, ts, t0 + send_seconds(100)), send_reason::timestamp_out_of_window);
    EXPECT_REASON(c.check(p, 7, ts + send_seconds(100), t0 + send_seconds(100)), send_reason::ok);
}

TEST(Timestamp, EntriesOlderThanDeltaAreDead) {
    timestamp_cache c(8);
    ipv6_addr p = addr("fe80::1");
    c.commit(p, 0, 0, t0, t0);
    EXPECT_EQ(c.live(t0 + send_seconds(299)), 1u);
    EXPECT_EQ(c.live(t0 + send_seconds(300)), 0u);
    // Dead → new peer again: an old timestamp now fails the window, not the replay rule.
    EXPECT_REASON(c.check(p, 0, t0, t0 + send_seconds(400)), send_reason::timestamp_out_of_window);
    EXPECT_REASON(c.check(p, 0, t0 + send_seconds(400), t0 + send_seconds(400)), send_reason::ok);
}

TEST(Timestamp, BoundedCacheEvictsLowestSecThenOldest) {
    timestamp_cache c(4);
    EXPECT_EQ(c.capacity(), 4u);
    ipv6_addr a = addr("fe80::a"), b = addr("fe80::b"), d = addr("fe80::d"), e = addr("fe80::e");
    c.commit(a, 0, 1, t0, t0);
    c.commit(b, 0, 0, t0, t0 + 1);   // lowest Sec, newer
    c.commit(d, 0, 0, t0, t0);       // lowest Sec, oldest → first victim
    c.commit(e, 0, 2, t0, t0);
    EXPECT_EQ(c.live(t0 + 2), 4u);
    ipv6_addr f = addr("fe80::f");
    c.commit(f, 0, 1, t0, t0 + 2);
    EXPECT_EQ(c.live(t0 + 2), 4u);
    // d was evicted: a replayed old timestamp from d is judged as a new peer.
    send_time later = t0 + send_seconds(10);
    EXPECT_REASON(c.check(d, 0, t0, later), send_reason::ok);
    EXPECT_REASON(c.check(b, 0, t0 - send_seconds(5), later), send_reason::timestamp_replay);
    // Next victim: b (Sec 0), then a or f (Sec 1, older first: a).
    c.commit(addr("fe80::10"), 0, 2, t0, t0 + 3);
    EXPECT_REASON(c.check(b, 0, t0 - send_seconds(5), later), send_reason::ok);
    c.commit(addr("fe80::11"), 0, 2, t0, t0 + 4);
    EXPECT_REASON(c.check(a, 0, t0 - send_seconds(5), later), send_reason::ok);
    EXPECT_REASON(c.check(f, 0, t0 - send_seconds(5), later), send_reason::timestamp_replay);
    // Never grows past capacity.
    for (int i = 0; i < 100; ++i) {
        ipv6_addr x = addr("2001:db8::");
        x.b[15] = static_cast<std::uint8_t>(i);
        c.commit(x, 0, 0, t0, t0 + 5);
    }
    EXPECT_EQ(c.live(t0 + 5), 4u);
}

TEST(Nonce, OptionCodec) {
    std::uint8_t buf[32];
    std::uint8_t n6[6] = {1, 2, 3, 4, 5, 6};
    ASSERT_EQ(build_nonce_option(buf, bytes_view(n6, 6)), 8u);
    EXPECT_EQ(buf[0], 14);
    EXPECT_EQ(buf[1], 1);
    bytes_view got;
    ASSERT_TRUE(parse_nonce_option(bytes_view(buf, 8), got));
    EXPECT_EQ(got.size(), 6u);
    EXPECT_EQ(got[5], 6);
    std::uint8_t n7[7] = {};
    EXPECT_EQ(build_nonce_option(buf, bytes_view(n7, 7)), 0u);  // not 8n-2
    buf[1] = 0;
    EXPECT_FALSE(parse_nonce_option(bytes_view(buf, 8), got));
    buf[1] = 2;  // claims 16 bytes, only 8 given
    EXPECT_FALSE(parse_nonce_option(bytes_view(buf, 8), got));
}

TEST(Nonce, TableIssueConsumeExpire) {
    nonce_table t(2, send_seconds(3));
    std::uint8_t a[6], b[6], c[6];
    ASSERT_TRUE(t.issue(t0, a));
    ASSERT_TRUE(t.issue(t0 + 1, b));
    EXPECT_EQ(t.outstanding(t0 + 1), 2u);
    EXPECT_TRUE(t.contains(bytes_view(a, 6), t0 + 2));
    EXPECT_TRUE(t.consume(bytes_view(a, 6), t0 + 2));
    EXPECT_FALSE(t.consume(bytes_view(a, 6), t0 + 2));  // only once
    // Expiry.
    EXPECT_FALSE(t.contains(bytes_view(b, 6), t0 + 1 + send_seconds(3)));
    // Bounded: a third nonce replaces the one closest to expiry.
    ASSERT_TRUE(t.issue(t0 + 2, a));
    ASSERT_TRUE(t.issue(t0 + 3, c));
    EXPECT_EQ(t.outstanding(t0 + 3), 2u);
    EXPECT_FALSE(t.contains(bytes_view(b, 6), t0 + 3));
    EXPECT_TRUE(t.contains(bytes_view(c, 6), t0 + 3));
    std::uint8_t short_nonce[3];
    EXPECT_FALSE(t.issue(t0, short_nonce));
}

} // namespace
} // namespace send_test
