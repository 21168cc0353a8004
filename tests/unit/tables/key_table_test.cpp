// Handover-key table: publish/lookup/erase, RCU-deferred free, capacity refusal, expiry, and
// lock-free readers racing the writer.
#include "eal_env.hpp"
#include "mipgate/tables/key_table.hpp"

#include <rte_rcu_qsbr.h>

#include <atomic>
#include <cstdlib>
#include <thread>
#include <vector>

using namespace mipgate;
using namespace mipgate::tables;

namespace {

ipv6_addr cga_n(std::uint32_t n) {
    ipv6_addr a = *ipv6_addr::parse("2001:db8:1::");
    a.b[8] = 0x3c;
    a.b[12] = static_cast<std::uint8_t>(n >> 24);
    a.b[13] = static_cast<std::uint8_t>(n >> 16);
    a.b[14] = static_cast<std::uint8_t>(n >> 8);
    a.b[15] = static_cast<std::uint8_t>(n);
    return a;
}

std::unique_ptr<key_record> make_record(std::uint32_t n, std::uint64_t expires = ~0ull,
                                        unsigned at = fmip::at_hmac_sha1) {
    secret_bytes key(fmip::at_key_len(at));
    for (std::size_t i = 0; i < key.size(); ++i) {
        key.data()[i] = static_cast<std::uint8_t>(n + i);
    }
    auto mac = fmip::badf_key::create(at, key.view());
    EXPECT_TRUE(mac.ok());
    return std::make_unique<key_record>(cga_n(n), 0, expires, std::move(key),
                                        std::move(mac.value()));
}

struct rcu {
    explicit rcu(unsigned threads) {
        _mem.resize(rte_rcu_qsbr_get_memsize(threads));
        v = reinterpret_cast<rte_rcu_qsbr*>(_mem.data());
        rte_rcu_qsbr_init(v, threads);
    }
    rte_rcu_qsbr* v;

private:
    // rte_rcu_qsbr wants cache-line alignment: back it with 64-byte-aligned lines.
    struct alignas(64) line { std::uint8_t b[64]; };
    struct aligned_buf {
        std::vector<line> v;
        void resize(std::size_t n) { v.resize((n + 63) / 64); }
        std::uint8_t* data() { return v.front().b; }
    } _mem;
};

std::unique_ptr<key_table> make_table(rcu& r, std::uint32_t cap, const char* name) {
    auto t = key_table::create(name, cap, r.v, 0);
    EXPECT_TRUE(t.ok()) << (t.ok() ? "" : t.err().message);
    return std::move(t.value());
}

} // namespace

TEST(key_table, insert_find_exists_erase) {
    rcu r(2);
    auto t = make_table(r, 64, "kt_basic");
    EXPECT_EQ(t->insert(make_record(1)), key_table::insert_status::inserted);
    EXPECT_EQ(t->insert(make_record(1)), key_table::insert_status::exists);
    ASSERT_NE(t->find(cga_n(1)), nullptr);
    EXPECT_EQ(t->find(cga_n(1))->cga, cga_n(1));
    EXPECT_EQ(t->find(cga_n(2)), nullptr);
    EXPECT_EQ(t->size(), 1u);
    EXPECT_TRUE(t->erase(cga_n(1)));
    EXPECT_FALSE(t->erase(cga_n(1)));
    EXPECT_EQ(t->find(cga_n(1)), nullptr);
    EXPECT_EQ(t->size(), 0u);
}

TEST(key_table, existing_key_is_never_replaced) {
    rcu r(2);
    auto t = make_table(r, 64, "kt_keep");
    ASSERT_EQ(t->insert(make_record(7, ~0ull, fmip::at_hmac_sha1)), key_table::insert_status::inserted);
    EXPECT_EQ(t->insert(make_record(7, ~0ull, fmip::at_hmac_sha256)), key_table::insert_status::exists);
    EXPECT_EQ(t->find(cga_n(7))->at(), fmip::at_hmac_sha1);
}

TEST(key_table, record_freed_only_after_grace_period) {
    rcu r(2);
    ASSERT_EQ(rte_rcu_qsbr_thread_register(r.v, 1), 0);
    rte_rcu_qsbr_thread_online(r.v, 1);
    auto t = make_table(r, 64, "kt_grace");
    ASSERT_EQ(t->insert(make_record(1)), key_table::insert_status::inserted);
    ASSERT_EQ(t->insert(make_record(2)), key_table::insert_status::inserted);
    const key_record* held = t->find(cga_n(1)); // reader 1 holds this
    ASSERT_TRUE(t->erase(cga_n(1)));
    EXPECT_EQ(t->pending_free(), 1u);
    EXPECT_EQ(held->cga, cga_n(1)); // still valid: reader 1 has not reported quiescence
    rte_rcu_qsbr_quiescent(r.v, 1);
    ASSERT_TRUE(t->erase(cga_n(2))); // reclaims the first record on the way in
    EXPECT_EQ(t->pending_free(), 1u);
    rte_rcu_qsbr_thread_offline(r.v, 1);
    rte_rcu_qsbr_thread_unregister(r.v, 1);
}

TEST(key_table, full_table_refuses_and_never_evicts) {
    rcu r(2);
    constexpr std::uint32_t cap = 1000;
    auto t = make_table(r, cap, "kt_full");
    for (std::uint32_t i = 0; i < cap; ++i) {
        ASSERT_EQ(t->insert(make_record(i)), key_table::insert_status::inserted) << i;
    }
    EXPECT_EQ(t->insert(make_record(cap)), key_table::insert_status::full);
    EXPECT_EQ(t->size(), cap);
    for (std::uint32_t i = 0; i < cap; ++i) {
        ASSERT_NE(t->find(cga_n(i)), nullptr) << i;
    }
    // Room again after one goes.
    ASSERT_TRUE(t->erase(cga_n(3)));
    EXPECT_EQ(t->insert(make_record(cap)), key_table::insert_status::inserted);
}

TEST(key_table, expire_removes_only_dead_keys) {
    rcu r(2);
    auto t = make_table(r, 2048, "kt_expire");
    for (std::uint32_t i = 0; i < 1000; ++i) {
        ASSERT_EQ(t->insert(make_record(i, i % 2 ? 100 : 200)), key_table::insert_status::inserted);
    }
    EXPECT_EQ(t->expire(99), 0u);
    EXPECT_EQ(t->expire(100), 500u);
    EXPECT_EQ(t->size(), 500u);
    EXPECT_EQ(t->find(cga_n(1)), nullptr);
    EXPECT_NE(t->find(cga_n(2)), nullptr);
    EXPECT_EQ(t->expire(1000), 500u);
    EXPECT_EQ(t->size(), 0u);
}

TEST(key_table, lookup_bulk_reports_hits_and_misses) {
    rcu r(2);
    auto t = make_table(r, 256, "kt_bulk");
    for (std::uint32_t i = 0; i < 100; i += 2) {
        ASSERT_EQ(t->insert(make_record(i)), key_table::insert_status::inserted);
    }
    std::vector<ipv6_addr> keys;
    for (std::uint32_t i = 0; i < 100; ++i) {
        keys.push_back(cga_n(i));
    }
    std::vector<const ipv6_addr*> ptrs;
    for (auto& k : keys) {
        ptrs.push_back(&k);
    }
    std::vector<const key_record*> out(100);
    EXPECT_EQ(t->lookup_bulk(ptrs.data(), 100, out.data()), 50u);
    for (std::uint32_t i = 0; i < 100; ++i) {
        if (i % 2 == 0) {
            ASSERT_NE(out[i], nullptr);
            EXPECT_EQ(out[i]->cga, keys[i]);
        } else {
            EXPECT_EQ(out[i], nullptr);
        }
    }
}

// Readers look keys up and read the whole record while the writer churns: under ASan a record
// freed too early shows up as a use-after-free; without it, as a corrupted CGA.
TEST(key_table, readers_race_writer) {
    rcu r(4);
    auto t = make_table(r, 4096, "kt_race");
    std::atomic<bool> stop{false};
    std::atomic<std::uint64_t> seen{0}, bad{0};
    auto reader = [&](unsigned id) {
        rte_rcu_qsbr_thread_register(r.v, id);
        rte_rcu_qsbr_thread_online(r.v, id);
        std::uint32_t n = id;
        while (!stop.load(std::memory_order_relaxed)) {
            for (int k = 0; k < 64; ++k) {
                n = n * 1103515245u + 12345u;
                ipv6_addr want = cga_n(n % 512);
                if (const key_record* rec = t->find(want)) {
                    seen.fetch_add(1, std::memory_order_relaxed);
                    if (rec->cga != want || rec->key.size() != 20) {
                        bad.fetch_add(1);
                    }
                }
            }
            rte_rcu_qsbr_quiescent(r.v, id);
        }
        rte_rcu_qsbr_thread_offline(r.v, id);
        rte_rcu_qsbr_thread_unregister(r.v, id);
    };
    std::thread a(reader, 1), b(reader, 2);
    for (int round = 0; round < 40; ++round) {
        for (std::uint32_t i = 0; i < 512; ++i) {
            t->insert(make_record(i));
        }
        for (std::uint32_t i = 0; i < 512; i += 1 + round % 3) {
            t->erase(cga_n(i));
        }
    }
    stop = true;
    a.join();
    b.join();
    EXPECT_EQ(bad.load(), 0u);
    EXPECT_GT(seen.load(), 0u);
}

int main(int argc, char** argv) {
    ::testing::InitGoogleTest(&argc, argv);
    ::testing::AddGlobalTestEnvironment(new mipgate::test::eal_env(256));
    return RUN_ALL_TESTS();
}
