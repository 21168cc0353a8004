// FMIPv6 binding table: upsert (insert and atomic replace), RCU-deferred free of erased and
// replaced records, capacity refusal, expiry with its callback, bulk lookup, and lock-free
// readers racing the writer.
#include "eal_env.hpp"
#include "mipgate/tables/binding_table.hpp"

#include <rte_rcu_qsbr.h>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

using namespace mipgate;
using namespace mipgate::tables;

namespace {

ipv6_addr addr_n(std::uint8_t net, std::uint32_t n) {
    ipv6_addr a = *ipv6_addr::parse("2001:db8::");
    a.b[3] = net;
    a.b[12] = static_cast<std::uint8_t>(n >> 24);
    a.b[13] = static_cast<std::uint8_t>(n >> 16);
    a.b[14] = static_cast<std::uint8_t>(n >> 8);
    a.b[15] = static_cast<std::uint8_t>(n);
    return a;
}
ipv6_addr pcoa_n(std::uint32_t n) { return addr_n(1, n); }
ipv6_addr ncoa_n(std::uint32_t n) { return addr_n(2, n); }

std::unique_ptr<binding_record> make_binding(std::uint32_t n, std::uint16_t seq = 1,
                                             std::uint64_t expires = ~0ull) {
    return std::make_unique<binding_record>(pcoa_n(n), ncoa_n(n), *ipv6_addr::parse("2001:db8:1::1"), 0,
                                            expires, seq);
}

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

std::unique_ptr<binding_table> make_table(rcu& r, std::uint32_t cap, const char* name) {
    auto t = binding_table::create(name, cap, r.v, 0);
    EXPECT_TRUE(t.ok()) << (t.ok() ? "" : t.err().message);
    return std::move(t.value());
}

} // namespace

TEST(binding_table, create_needs_capacity_and_rcu) {
    rcu r(1);
    EXPECT_FALSE(binding_table::create("bt_bad0", 0, r.v, 0).ok());
    EXPECT_FALSE(binding_table::create("bt_bad1", 16, nullptr, 0).ok());
}

TEST(binding_table, upsert_find_erase) {
    rcu r(2);
    auto t = make_table(r, 64, "bt_basic");
    EXPECT_EQ(t->size(), 0u);
    EXPECT_EQ(t->upsert(make_binding(1)), binding_table::insert_status::inserted);
    const binding_record* b = t->find(pcoa_n(1));
    ASSERT_NE(b, nullptr);
    EXPECT_EQ(b->ncoa, ncoa_n(1));
    EXPECT_EQ(b->seq, 1);
    EXPECT_EQ(t->find(pcoa_n(2)), nullptr);
    EXPECT_EQ(t->size(), 1u);
    EXPECT_EQ(t->capacity(), 64u);
    EXPECT_TRUE(t->erase(pcoa_n(1)));
    EXPECT_FALSE(t->erase(pcoa_n(1)));
    EXPECT_EQ(t->find(pcoa_n(1)), nullptr);
    EXPECT_EQ(t->size(), 0u);
}

TEST(binding_table, replace_publishes_new_and_retires_old_after_grace_period) {
    rcu r(2);
    ASSERT_EQ(rte_rcu_qsbr_thread_register(r.v, 1), 0);
    rte_rcu_qsbr_thread_online(r.v, 1);
    auto t = make_table(r, 64, "bt_replace");
    ASSERT_EQ(t->upsert(make_binding(5, 10)), binding_table::insert_status::inserted);
    const binding_record* old = t->find(pcoa_n(5)); // reader 1 holds this
    auto newer = std::make_unique<binding_record>(pcoa_n(5), ncoa_n(99), *ipv6_addr::parse("2001:db8:1::1"), 0,
                                                  ~0ull, 11);
    EXPECT_EQ(t->upsert(std::move(newer)), binding_table::insert_status::replaced);
    EXPECT_EQ(t->size(), 1u);
    const binding_record* now = t->find(pcoa_n(5));
    ASSERT_NE(now, nullptr);
    EXPECT_NE(now, old);
    EXPECT_EQ(now->seq, 11);
    EXPECT_EQ(now->ncoa, ncoa_n(99));
    EXPECT_EQ(t->pending_free(), 1u);
    t->reclaim();
    EXPECT_EQ(t->pending_free(), 1u);  // reader 1 has not reported
    EXPECT_EQ(old->seq, 10);           // still readable (ASan would flag a premature free)
    rte_rcu_qsbr_quiescent(r.v, 1);
    t->reclaim();
    EXPECT_EQ(t->pending_free(), 0u);
    // Erase goes through the hash's defer queue: pending until the next quiescent report.
    ASSERT_TRUE(t->erase(pcoa_n(5)));
    EXPECT_EQ(t->pending_free(), 1u);
    rte_rcu_qsbr_thread_offline(r.v, 1);
    rte_rcu_qsbr_thread_unregister(r.v, 1);
}

TEST(binding_table, full_table_refuses_new_but_replaces_existing) {
    rcu r(2);
    constexpr std::uint32_t cap = 100;
    auto t = make_table(r, cap, "bt_full");
    for (std::uint32_t i = 0; i < cap; ++i) {
        ASSERT_EQ(t->upsert(make_binding(i)), binding_table::insert_status::inserted) << i;
    }
    EXPECT_EQ(t->upsert(make_binding(cap)), binding_table::insert_status::full);
    EXPECT_EQ(t->size(), cap);
    EXPECT_EQ(t->upsert(make_binding(7, 2)), binding_table::insert_status::replaced);
    EXPECT_EQ(t->find(pcoa_n(7))->seq, 2);
    for (std::uint32_t i = 0; i < cap; ++i) {
        ASSERT_NE(t->find(pcoa_n(i)), nullptr) << i;
    }
    ASSERT_TRUE(t->erase(pcoa_n(3)));
    EXPECT_EQ(t->upsert(make_binding(cap)), binding_table::insert_status::inserted);
}

TEST(binding_table, expire_calls_back_then_removes_only_dead) {
    rcu r(2);
    auto t = make_table(r, 256, "bt_expire");
    for (std::uint32_t i = 0; i < 100; ++i) {
        ASSERT_EQ(t->upsert(make_binding(i, 1, i % 2 ? 100 : 200)), binding_table::insert_status::inserted);
    }
    std::vector<ipv6_addr> seen;
    auto cb = [&](const binding_record& b) {
        EXPECT_FALSE(b.live(100));
        EXPECT_EQ(b.ncoa, ncoa_n(b.pcoa.b[15])); // the record is whole during the callback
        seen.push_back(b.pcoa);
    };
    EXPECT_EQ(t->expire(99, cb), 0u);
    EXPECT_TRUE(seen.empty());
    EXPECT_EQ(t->expire(100, cb), 50u);
    EXPECT_EQ(seen.size(), 50u);
    EXPECT_EQ(t->size(), 50u);
    EXPECT_EQ(t->find(pcoa_n(1)), nullptr);
    EXPECT_NE(t->find(pcoa_n(2)), nullptr);
    EXPECT_EQ(t->expire(1000, nullptr), 50u); // no callback is fine
    EXPECT_EQ(t->size(), 0u);
}

TEST(binding_table, lookup_bulk_and_for_each) {
    rcu r(2);
    auto t = make_table(r, 256, "bt_bulk");
    for (std::uint32_t i = 0; i < 100; i += 2) {
        ASSERT_EQ(t->upsert(make_binding(i)), binding_table::insert_status::inserted);
    }
    std::vector<ipv6_addr> keys;
    for (std::uint32_t i = 0; i < 100; ++i) {
        keys.push_back(pcoa_n(i));
    }
    std::vector<const ipv6_addr*> ptrs;
    for (auto& k : keys) {
        ptrs.push_back(&k);
    }
    std::vector<const binding_record*> out(100);
    EXPECT_EQ(t->lookup_bulk(ptrs.data(), 100, out.data()), 50u);
    for (std::uint32_t i = 0; i < 100; ++i) {
        if (i % 2 == 0) {
            ASSERT_NE(out[i], nullptr);
            EXPECT_EQ(out[i]->pcoa, keys[i]);
        } else {
            EXPECT_EQ(out[i], nullptr);
        }
    }
    unsigned n = 0;
    t->for_each([&](const binding_record& b) {
        EXPECT_EQ(b.pcoa.b[15] % 2, 0);
        ++n;
    });
    EXPECT_EQ(n, 50u);
}

// Readers look bindings up and read whole records while the writer inserts, replaces and erases:
// a record freed too early is a use-after-free under ASan, a torn one a mismatched NCoA. A PCoA
// that is only ever replaced must never be missing (replace is one atomic pointer store).
TEST(binding_table, readers_race_writer) {
    rcu r(4);
    auto t = make_table(r, 4096, "bt_race");
    ASSERT_EQ(t->upsert(make_binding(1000)), binding_table::insert_status::inserted);
    std::atomic<bool> stop{false};
    std::atomic<std::uint64_t> seen{0}, bad{0}, missing{0};
    std::atomic<unsigned> online{0};
    auto reader = [&](unsigned id) {
        rte_rcu_qsbr_thread_register(r.v, id);
        rte_rcu_qsbr_thread_online(r.v, id);
        online.fetch_add(1);
        std::uint32_t n = id;
        const ipv6_addr stable = pcoa_n(1000);
        while (!stop.load(std::memory_order_relaxed)) {
            for (int k = 0; k < 64; ++k) {
                n = n * 1103515245u + 12345u;
                const std::uint32_t x = n % 512;
                const ipv6_addr want = pcoa_n(x);
                if (const binding_record* rec = t->find(want)) {
                    seen.fetch_add(1, std::memory_order_relaxed);
                    if (rec->pcoa != want || rec->ncoa != ncoa_n(x)) {
                        bad.fetch_add(1);
                    }
                    rec->encapsulated.fetch_add(1, std::memory_order_relaxed);
                }
                const binding_record* s = t->find(stable);
                if (s == nullptr) {
                    missing.fetch_add(1);
                } else if (s->ncoa != ncoa_n(1000)) {
                    bad.fetch_add(1);
                }
            }
            rte_rcu_qsbr_quiescent(r.v, id);
        }
        rte_rcu_qsbr_thread_offline(r.v, id);
        rte_rcu_qsbr_thread_unregister(r.v, id);
    };
    std::thread a(reader, 1), b(reader, 2);
    while (online.load() < 2) {
        std::this_thread::yield();
    }
    // The writer paces itself like the control lcore (which sleeps between passes): readers and
    // writer may share one CPU (EAL pinned this thread; std::thread inherits the affinity).
    for (int round = 0; round < 40 || (seen.load() < 10000 && round < 2000); ++round) {
        for (std::uint32_t i = 0; i < 512; ++i) {
            t->upsert(make_binding(i, static_cast<std::uint16_t>(round)));
        }
        t->upsert(make_binding(1000, static_cast<std::uint16_t>(round)));
        for (std::uint32_t i = 0; i < 512; i += 1 + round % 3) {
            t->erase(pcoa_n(i));
        }
        std::this_thread::sleep_for(std::chrono::microseconds(200));
    }
    stop = true;
    a.join();
    b.join();
    EXPECT_EQ(bad.load(), 0u);
    EXPECT_EQ(missing.load(), 0u);
    EXPECT_GT(seen.load(), 0u);
    t->reclaim();
}

int main(int argc, char** argv) {
    ::testing::InitGoogleTest(&argc, argv);
    ::testing::AddGlobalTestEnvironment(new mipgate::test::eal_env(256));
    return RUN_ALL_TESTS();
}
