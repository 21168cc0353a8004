#include "mipgate/fmip/badf_mb.hpp"

#include "badf_ref.hpp"

#include <gtest/gtest.h>

#include <deque>
#include <memory>
#include <random>

namespace mipgate::fmip {
namespace {

using test::random_addr;
using test::random_bytes;
using test::ref_badf;

struct message {
    ipv6_addr ncoa;
    ipv6_addr par;
    std::vector<std::uint8_t> mh; // authenticator at auth_offset, then maybe more bytes
    std::size_t auth_offset = 0;
    std::size_t auth_len = 0;
};

// Random message with a correct authenticator computed the plain way (ref_badf).
message make_good(std::mt19937& rng, unsigned at, const std::vector<std::uint8_t>& key,
                  std::size_t max_len = 300) {
    message m;
    m.ncoa = random_addr(rng);
    m.par = random_addr(rng);
    m.auth_offset = 6 + rng() % (max_len - 6);
    m.auth_len = at_auth_len(at);
    m.mh = random_bytes(rng, m.auth_offset + m.auth_len);
    const auto a = ref_badf(at, key, m.ncoa, m.par, m.mh, m.auth_offset);
    std::copy(a.begin(), a.end(), m.mh.begin() + static_cast<std::ptrdiff_t>(m.auth_offset));
    return m;
}

badf_job job_of(const badf_key* k, const message& m) {
    badf_job j;
    j.key = k;
    j.ncoa = m.ncoa;
    j.par = m.par;
    j.mh = m.mh;
    j.auth_offset = m.auth_offset;
    j.authenticator = bytes_view(m.mh).subspan(m.auth_offset, m.auth_len);
    return j;
}

class fmip_badf_engine : public ::testing::TestWithParam<badf_backend> {};

TEST_P(fmip_badf_engine, mixed_burst) {
    auto eng = badf_engine::create(GetParam());
    ASSERT_TRUE(eng) << eng.err().message;
    EXPECT_EQ(eng->backend(), GetParam());
    std::mt19937 rng(77);
    const auto k1 = random_bytes(rng, 20);
    const auto k2 = random_bytes(rng, 32);
    const auto k3 = random_bytes(rng, 16);
    auto key1 = badf_key::create(at_hmac_sha1, k1);
    auto key2 = badf_key::create(at_hmac_sha256, k2);
    auto key3 = badf_key::create(at_hmac_sha1, k3);
    ASSERT_TRUE(key1 && key2 && key3);

    // 45 jobs (more than one chunk): each kind of failure interleaved with good ones.
    std::deque<message> msgs; // stable addresses
    std::vector<badf_job> jobs;
    std::vector<bool> want;
    for (int i = 0; i < 45; ++i) {
        const int kind = i % 9;
        const bool sha256 = (i / 9) % 2 == 1;
        const badf_key* key = sha256 ? &*key2 : (i % 2 ? &*key3 : &*key1);
        const auto& raw = sha256 ? k2 : (i % 2 ? k3 : k1);
        msgs.push_back(make_good(rng, key->at(), raw));
        message& m = msgs.back();
        badf_job j = job_of(key, m);
        bool good = true;
        switch (kind) {
        case 0: break;
        case 1: m.mh[m.auth_offset - 1] ^= 0x20; good = false; break;          // tampered MH
        case 2: m.mh[m.auth_offset] ^= 0x01; good = false; break;              // tampered auth
        case 3: m.mh[4] ^= 0xff; m.mh[5] ^= 0x0f; break;                       // checksum: ignored
        case 4: j.key = nullptr; good = false; break;                          // no key
        case 5: j.auth_offset = 5; good = false; break;                        // bad geometry
        case 6: j.authenticator = j.authenticator.first(j.authenticator.size() - 1); good = false; break;
        case 7: j.key = sha256 ? &*key1 : &*key2; good = false; break;         // wrong key and AT
        case 8: j.ncoa.b[15] ^= 1; good = false; break;                        // wrong NCoA
        }
        jobs.push_back(j);
        want.push_back(good);
    }
    std::unique_ptr<bool[]> ok(new bool[jobs.size()]);
    const std::size_t n = eng->verify_burst(jobs, std::span<bool>(ok.get(), jobs.size()));
    std::size_t want_n = 0;
    for (std::size_t i = 0; i < jobs.size(); ++i) {
        EXPECT_EQ(ok[i], want[i]) << "job " << i;
        want_n += want[i] ? 1 : 0;
        // Single-message path agrees.
        const badf_job& j = jobs[i];
        const bool single = j.key != nullptr && j.key->verify(j.ncoa, j.par, j.mh, j.auth_offset, j.authenticator);
        EXPECT_EQ(single, want[i]) << "job " << i;
    }
    EXPECT_EQ(n, want_n);
}

TEST_P(fmip_badf_engine, short_ok_span_and_empty) {
    auto eng = badf_engine::create(GetParam());
    ASSERT_TRUE(eng);
    std::mt19937 rng(3);
    const auto raw = random_bytes(rng, 20);
    auto key = badf_key::create(at_hmac_sha1, raw);
    ASSERT_TRUE(key);
    std::vector<message> msgs;
    for (int i = 0; i < 4; ++i) {
        msgs.push_back(make_good(rng, at_hmac_sha1, raw));
    }
    std::vector<badf_job> jobs;
    for (const auto& m : msgs) {
        jobs.push_back(job_of(&*key, m));
    }
    bool ok[4] = {false, false, false, false};
    EXPECT_EQ(eng->verify_burst(jobs, std::span<bool>(ok, 2)), 2u);
    EXPECT_TRUE(ok[0] && ok[1]);
    EXPECT_FALSE(ok[2] || ok[3]);
    EXPECT_EQ(eng->verify_burst({}, std::span<bool>(ok, 4)), 0u);
    // Engine reused across bursts.
    EXPECT_EQ(eng->verify_burst(jobs, ok), 4u);
}

// IPsec-MB and OpenSSL backends give identical answers over random inputs (sizes up to the
// 2048-byte maximum, both ATs, good and corrupted).
TEST(fmip_badf_engine_cmp, backends_identical_random) {
    auto imb = badf_engine::create(badf_backend::ipsec_mb);
    auto ossl = badf_engine::create(badf_backend::openssl);
    auto hyb = badf_engine::create(badf_backend::hybrid);
    ASSERT_TRUE(imb && ossl && hyb);
    std::mt19937 rng(2026);
    std::vector<std::vector<std::uint8_t>> raws;
    std::vector<badf_key> keys;
    for (int i = 0; i < 8; ++i) {
        const unsigned at = i % 2 ? at_hmac_sha256 : at_hmac_sha1;
        raws.push_back(random_bytes(rng, 1 + rng() % 80));
        auto k = badf_key::create(at, raws.back());
        ASSERT_TRUE(k);
        keys.push_back(std::move(*k));
    }
    for (int round = 0; round < 60; ++round) {
        std::deque<message> msgs;
        std::vector<badf_job> jobs;
        const std::size_t burst = 1 + rng() % 70;
        for (std::size_t i = 0; i < burst; ++i) {
            // Some rounds use SHA-1 keys only, so hybrid meets both sides of its thresholds.
            const std::size_t ki = round % 3 == 0 ? 2 * (rng() % 4) : rng() % keys.size();
            const std::size_t max_len = rng() % 4 == 0 ? badf_max_mh_len - 16 : 120;
            msgs.push_back(make_good(rng, keys[ki].at(), raws[ki], max_len));
            message& m = msgs.back();
            if (rng() % 3 == 0) {
                m.mh[rng() % m.mh.size()] ^= static_cast<std::uint8_t>(1 + rng() % 255);
            }
            jobs.push_back(job_of(&keys[ki], m));
        }
        std::unique_ptr<bool[]> a(new bool[burst]);
        std::unique_ptr<bool[]> b(new bool[burst]);
        std::unique_ptr<bool[]> c(new bool[burst]);
        const auto na = imb->verify_burst(jobs, std::span<bool>(a.get(), burst));
        const auto nb = ossl->verify_burst(jobs, std::span<bool>(b.get(), burst));
        const auto nc = hyb->verify_burst(jobs, std::span<bool>(c.get(), burst));
        EXPECT_EQ(na, nb);
        EXPECT_EQ(na, nc);
        for (std::size_t i = 0; i < burst; ++i) {
            const badf_job& j = jobs[i];
            const std::size_t ki = static_cast<std::size_t>(j.key - keys.data());
            const auto ref = ref_badf(j.key->at(), raws[ki], j.ncoa, j.par,
                                      std::vector<std::uint8_t>(j.mh.begin(), j.mh.end()), j.auth_offset);
            const bool want = std::equal(ref.begin(), ref.end(), j.authenticator.begin(), j.authenticator.end());
            ASSERT_EQ(a[i], want) << "round " << round << " job " << i;
            ASSERT_EQ(b[i], want) << "round " << round << " job " << i;
            ASSERT_EQ(c[i], want) << "round " << round << " job " << i;
        }
    }
}

TEST(fmip_badf_engine_cmp, packet_not_modified) {
    auto eng = badf_engine::create(badf_backend::ipsec_mb);
    ASSERT_TRUE(eng);
    std::mt19937 rng(9);
    const auto raw = random_bytes(rng, 32);
    auto key = badf_key::create(at_hmac_sha256, raw);
    ASSERT_TRUE(key);
    message m = make_good(rng, at_hmac_sha256, raw);
    m.mh[4] = 0xab;
    m.mh[5] = 0xcd;
    const auto before = m.mh;
    const badf_job j = job_of(&*key, m);
    bool ok = false;
    EXPECT_EQ(eng->verify_burst(std::span<const badf_job>(&j, 1), std::span<bool>(&ok, 1)), 1u);
    EXPECT_TRUE(ok);
    EXPECT_EQ(m.mh, before);
}

INSTANTIATE_TEST_SUITE_P(backends, fmip_badf_engine,
                         ::testing::Values(badf_backend::ipsec_mb, badf_backend::openssl,
                                           badf_backend::hybrid),
                         [](const auto& info) {
                             switch (info.param) {
                             case badf_backend::ipsec_mb: return std::string("ipsec_mb");
                             case badf_backend::openssl: return std::string("openssl");
                             default: return std::string("hybrid");
                             }
                         });

} // namespace
} // namespace mipgate::fmip
