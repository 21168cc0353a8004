// Forwarding-table swap (app/tables_swap.cpp): a new forwarding_tables is built from a changed
// configuration, the on_replaced callbacks re-install dynamic entries before publication, every
// worker_ctx gets the new pointer, the old tables are freed only after a QSBR grace period (a
// reader thread that loads the pointer once per pass and reports quiescence, like a worker), and
// a failed build leaves the live tables untouched.

#include "eal_env.hpp"

#include "tables_swap.hpp"

#include "mipgate/fastpath/forwarding_tables.hpp"
#include "mipgate/fastpath/worker_ctx.hpp"

#include <gtest/gtest.h>
#include <rte_fib6.h>
#include <rte_malloc.h>
#include <rte_rcu_qsbr.h>

#include <atomic>
#include <thread>

namespace {

using namespace mipgate;
namespace fp = mipgate::fastpath;

ipv6_addr addr(const char* s) { return *ipv6_addr::parse(s); }

config::config base_config() {
    config::config c;
    config::port a;
    a.name = "access";
    a.addresses.push_back(*ipv6_prefix::parse("2001:db8:1::1/64"));
    config::port b;
    b.name = "core";
    b.addresses.push_back(*ipv6_prefix::parse("2001:db8:ff::1/64"));
    c.ports = {a, b};
    config::neighbor n;
    n.address = addr("2001:db8:ff::2");
    n.mac = *mac_addr::parse("02:00:00:00:ff:02");
    n.port = "core";
    c.neighbors.push_back(n);
    return c;
}

std::vector<fp::port_binding> bindings() {
    return {fp::port_binding{"access", 0, *mac_addr::parse("02:00:00:00:00:01"), 1500},
            fp::port_binding{"core", 1, *mac_addr::parse("02:00:00:00:00:02"), 1500}};
}

std::uint64_t lookup(const fp::forwarding_tables& t, const char* a) {
    std::uint8_t ip[1][16];
    std::memcpy(ip[0], addr(a).b.data(), 16);
    std::uint64_t nh = 0;
    rte_fib6_lookup_bulk(t.fib(), ip, &nh, 1);
    return nh;
}

class TablesSwapTest : public ::testing::Test {
protected:
    void SetUp() override {
        const std::size_t sz = rte_rcu_qsbr_get_memsize(1);
        qsbr = static_cast<rte_rcu_qsbr*>(rte_zmalloc("ut_swap_qsbr", sz, RTE_CACHE_LINE_SIZE));
        ASSERT_NE(qsbr, nullptr);
        ASSERT_EQ(rte_rcu_qsbr_init(qsbr, 1), 0);
        const auto b = bindings();
        auto t = fp::forwarding_tables::build(base_config(), b, "ut_swap" + std::to_string(n++), 0);
        ASSERT_TRUE(t.ok()) << t.err().message;
        live = std::move(t.value());
        ctx = std::make_unique<fp::worker_ctx>();
        ctx->tables = live.get();
        ctx->tables_pub.store(live.get());
        st.live = &live;
        st.workers = {ctx.get()};
        st.ports = b;
        st.qsbr = qsbr;
        st.generation = 100 * n; // unique DPDK names across the tests of this process
    }
    void TearDown() override {
        live.reset();
        rte_free(qsbr);
    }

    static inline unsigned n = 0;
    rte_rcu_qsbr* qsbr = nullptr;
    std::unique_ptr<fp::forwarding_tables> live;
    std::unique_ptr<fp::worker_ctx> ctx;
    app::forwarding_state st;
};

TEST_F(TablesSwapTest, NewRoutesNeighborsAndAddressesArePublished) {
    EXPECT_EQ(lookup(*live, "2001:db8:99::1"), fp::nh_no_route);
    config::config c = base_config();
    config::route r;
    r.prefix = *ipv6_prefix::parse("2001:db8:99::/48");
    r.via = addr("2001:db8:ff::2");
    r.port = "core";
    c.routes.push_back(r);
    c.ports[0].addresses.push_back(*ipv6_prefix::parse("2001:db8:5::1/64"));
    const std::vector<ipv6_addr> router = {addr("fe80::1234"), addr("2001:db8:1::abcd")};

    const fp::forwarding_tables* old = live.get();
    bool called = false;
    app::on_tables_replaced(st, [&](fp::forwarding_tables& fresh) {
        called = true;
        EXPECT_NE(&fresh, live.get());
        EXPECT_EQ(ctx->tables_pub.load(), live.get()) << "callbacks run before the workers see the fresh tables";
        // A dynamic entry (FMIP NAR proxy neighbour) re-installed into the fresh tables.
        EXPECT_TRUE(fresh.neighbors().set(addr("2001:db8:1::77"), 0, *mac_addr::parse("02:00:00:00:00:77")).ok());
    });
    ASSERT_TRUE(app::swap_forwarding_tables(st, c, router).ok());
    EXPECT_TRUE(called);
    EXPECT_EQ(ctx->tables_pub.load(), live.get());
    EXPECT_NE(live.get(), old);
    EXPECT_EQ(st.swaps, 1u);
    EXPECT_GE(lookup(*live, "2001:db8:99::1"), fp::nh_first);                 // the new route
    EXPECT_EQ(lookup(*live, "2001:db8:5::1"), fp::nh_local);                  // the new port address
    EXPECT_EQ(lookup(*live, "fe80::1234"), fp::nh_local);                     // router CGAs
    EXPECT_EQ(lookup(*live, "2001:db8:1::abcd"), fp::nh_local);
    mac_addr m;
    EXPECT_TRUE(live->neighbors().lookup(addr("2001:db8:1::77"), 0, m));
    EXPECT_TRUE(live->neighbors().lookup(addr("2001:db8:ff::2"), 1, m));      // configured one kept

    // Removing them again is another swap (another generation, unique DPDK names).
    ASSERT_TRUE(app::swap_forwarding_tables(st, base_config(), {}).ok());
    EXPECT_EQ(lookup(*live, "2001:db8:99::1"), fp::nh_no_route);
    EXPECT_NE(lookup(*live, "fe80::1234"), fp::nh_local);
    EXPECT_EQ(st.swaps, 2u);
}

TEST_F(TablesSwapTest, FailureLeavesTheLiveTablesAlone) {
    const fp::forwarding_tables* old = live.get();
    config::config c = base_config();
    c.ports.pop_back(); // ports need a restart
    EXPECT_FALSE(app::swap_forwarding_tables(st, c, {}).ok());
    c = base_config();
    c.ports[1].name = "other";
    EXPECT_FALSE(app::swap_forwarding_tables(st, c, {}).ok());
    EXPECT_EQ(live.get(), old);
    EXPECT_EQ(ctx->tables_pub.load(), old);
    EXPECT_EQ(st.swaps, 0u);
}

TEST_F(TablesSwapTest, WaitsForAReaderBeforeFreeingTheOldTables) {
    // A worker-like reader: online for its whole loop, one acquire load of the tables per pass,
    // a lookup through them, then a quiescent report.
    std::atomic<bool> stop{false};
    std::atomic<std::uint64_t> passes{0};
    std::atomic<std::uint64_t> bad{0};
    ASSERT_EQ(rte_rcu_qsbr_thread_register(qsbr, 0), 0);
    std::thread reader([&] {
        rte_rcu_qsbr_thread_online(qsbr, 0);
        while (!stop.load()) {
            const fp::forwarding_tables* t = ctx->tables_pub.load(std::memory_order_acquire);
            if (lookup(*t, "2001:db8:1::1") != fp::nh_local) {
                bad.fetch_add(1);
            }
            passes.fetch_add(1);
            rte_rcu_qsbr_quiescent(qsbr, 0);
        }
        rte_rcu_qsbr_thread_offline(qsbr, 0);
    });
    for (int i = 0; i < 5; ++i) {
        const std::uint64_t before = passes.load();
        ASSERT_TRUE(app::swap_forwarding_tables(st, base_config(), {}).ok());
        // synchronize returned only after the reader went through a quiescent state.
        EXPECT_GT(passes.load(), before);
    }
    stop.store(true);
    reader.join();
    rte_rcu_qsbr_thread_unregister(qsbr, 0);
    EXPECT_EQ(bad.load(), 0u); // and ASan would report a read of freed tables
}

TEST_F(TablesSwapTest, CallerThatReportsForWorkerZeroDoesNotDeadlock) {
    // Single-lcore mode: the control lcore itself is QSBR thread 0.
    ASSERT_EQ(rte_rcu_qsbr_thread_register(qsbr, 0), 0);
    rte_rcu_qsbr_thread_online(qsbr, 0);
    st.caller_qsbr_id = 0;
    EXPECT_TRUE(app::swap_forwarding_tables(st, base_config(), {}).ok());
    rte_rcu_qsbr_thread_offline(qsbr, 0);
    rte_rcu_qsbr_thread_unregister(qsbr, 0);
}

} // namespace

int main(int argc, char** argv) {
    ::testing::InitGoogleTest(&argc, argv);
    ::testing::AddGlobalTestEnvironment(new mipgate::test::eal_env(512));
    return RUN_ALL_TESTS();
}
