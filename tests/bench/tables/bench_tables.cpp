// The handover-key table at 1M CGAs (issue 7, hktable scenario): lock-free find and lookup_bulk
// (32) per lookup, bytes per key (RSS delta / keys), and the insert rate while a reader thread
// looks up concurrently. Reference in the same binary: a bare rte_hash with the same flags
// (RW_CONCURRENCY_LF | EXT_TABLE, jhash) and the same 16-byte keys, no records (its data is the
// key's index), so ours/raw shows what the record + RCU layer costs on a lookup.
// EAL without hugepages (-m 3072), like tests/unit/tables/eal_env.hpp.
#include "mipgate/fmip/badf.hpp"
#include "mipgate/tables/key_record.hpp"
#include "mipgate/tables/key_table.hpp"

#include <benchmark/benchmark.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_hash.h>
#include <rte_jhash.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_rcu_qsbr.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <algorithm>
#include <random>
#include <string>
#include <thread>
#include <unistd.h>
#include <vector>

namespace tb = mipgate::tables;
using mipgate::ipv6_addr;

namespace {

std::uint32_t g_keys = 1u << 20; // 1M (MIPGATE_BENCH_HK_KEYS overrides)
constexpr unsigned bulk_n = 32;

std::vector<ipv6_addr> g_cgas;          // the keys, in insertion order
std::vector<std::uint32_t> g_order;     // a random lookup order over them
rte_rcu_qsbr* g_qsbr = nullptr;
std::unique_ptr<tb::key_table> g_table; // ours, filled
rte_hash* g_raw = nullptr;              // reference, filled
double g_insert_rate = 0, g_reader_rate = 0, g_bytes_per_key = 0, g_raw_bytes_per_key = 0;

long rss_kb() {
    std::ifstream f("/proc/self/status");
    std::string k;
    while (f >> k) {
        if (k == "VmRSS:") {
            long v = 0;
            f >> v;
            return v;
        }
        std::getline(f, k);
    }
    return 0;
}

ipv6_addr make_cga(std::uint32_t i) {
    // fe80::/64 with a pseudo-random IID (the hash sees what it sees for real CGAs: random bits)
    ipv6_addr a{};
    a.b[0] = 0xfe;
    a.b[1] = 0x80;
    std::uint64_t x = 0x9e3779b97f4a7c15ull * (i + 1);
    x ^= x >> 31;
    x *= 0xbf58476d1ce4e5b9ull;
    x ^= x >> 29;
    std::memcpy(&a.b[8], &x, 8);
    a.b[8] &= 0xfc; // u/g bits 0, as in a CGA
    return a;
}

std::unique_ptr<tb::key_record> make_record(const ipv6_addr& cga, std::uint32_t i) {
    std::uint8_t k[20];
    for (unsigned j = 0; j < sizeof(k); ++j) {
        k[j] = static_cast<std::uint8_t>(i * 31 + j);
    }
    auto mac = mipgate::fmip::badf_key::create(0, mipgate::bytes_view(k, sizeof(k)));
    if (!mac) {
        std::fprintf(stderr, "bench_tables: badf_key::create failed\n");
        std::exit(1);
    }
    mipgate::secret_bytes key(std::span<const std::uint8_t>(k, sizeof(k)));
    return std::make_unique<tb::key_record>(cga, 0, ~0ull, std::move(key), std::move(*mac));
}

/// Builds both tables once: ours is filled while a reader thread looks up (the insert rate is
/// measured then), the reference is filled after.
void setup_once() {
    if (g_table) {
        return;
    }
    g_cgas.resize(g_keys);
    for (std::uint32_t i = 0; i < g_keys; ++i) {
        g_cgas[i] = make_cga(i);
    }
    g_order.resize(g_keys);
    for (std::uint32_t i = 0; i < g_keys; ++i) {
        g_order[i] = i;
    }
    std::shuffle(g_order.begin(), g_order.end(), std::mt19937(7));
    // Records are built before the timed part: the insert rate is the table's, not badf_key's.
    std::vector<std::unique_ptr<tb::key_record>> recs(g_keys);
    const long rss_before_recs = rss_kb();
    for (std::uint32_t i = 0; i < g_keys; ++i) {
        recs[i] = make_record(g_cgas[i], i);
    }
    const long rss_recs = rss_kb() - rss_before_recs;

    const std::size_t qsz = rte_rcu_qsbr_get_memsize(2);
    g_qsbr = static_cast<rte_rcu_qsbr*>(rte_zmalloc("bench_qsbr", qsz, RTE_CACHE_LINE_SIZE));
    rte_rcu_qsbr_init(g_qsbr, 2);
    const long rss0 = rss_kb();
    auto t = tb::key_table::create("bench_hk", g_keys, g_qsbr, SOCKET_ID_ANY);
    if (!t) {
        std::fprintf(stderr, "bench_tables: key_table::create: %s\n", t.err().message.c_str());
        std::exit(1);
    }
    g_table = std::move(*t);
    std::atomic<bool> stop{false};
    std::atomic<std::uint64_t> reads{0};
    std::thread reader([&] {
        std::uint64_t n = 0, hits = 0;
        std::uint32_t i = 0;
        while (!stop.load(std::memory_order_relaxed)) {
            hits += g_table->find(g_cgas[g_order[i]]) != nullptr;
            i = (i + 1) % g_keys;
            ++n;
        }
        reads.store(n);
        benchmark::DoNotOptimize(hits);
    });
    const auto a = std::chrono::steady_clock::now();
    for (std::uint32_t i = 0; i < g_keys; ++i) {
        if (g_table->insert(std::move(recs[i])) != tb::key_table::insert_status::inserted) {
            std::fprintf(stderr, "bench_tables: insert %u failed\n", i);
            std::exit(1);
        }
    }
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - a).count();
    stop.store(true);
    reader.join();
    g_insert_rate = g_keys / s;
    g_reader_rate = reads.load() / s;
    // Table memory (hash + records): the RSS grew by the hash when it was created and filled;
    // the records were allocated before, so add their share measured then.
    g_bytes_per_key = (static_cast<double>(rss_kb() - rss0) + rss_recs) * 1024.0 / g_keys;

    const long rss1 = rss_kb();
    rte_hash_parameters p{};
    p.name = "bench_raw";
    p.entries = g_keys;
    p.key_len = sizeof(ipv6_addr::b);
    p.hash_func = rte_jhash;
    p.hash_func_init_val = 0;
    p.socket_id = SOCKET_ID_ANY;
    p.extra_flag = RTE_HASH_EXTRA_FLAGS_RW_CONCURRENCY_LF | RTE_HASH_EXTRA_FLAGS_EXT_TABLE;
    g_raw = rte_hash_create(&p);
    if (g_raw == nullptr) {
        std::fprintf(stderr, "bench_tables: rte_hash_create failed\n");
        std::exit(1);
    }
    for (std::uint32_t i = 0; i < g_keys; ++i) {
        rte_hash_add_key_data(g_raw, g_cgas[i].b.data(), reinterpret_cast<void*>(std::uintptr_t{i} + 1));
    }
    g_raw_bytes_per_key = static_cast<double>(rss_kb() - rss1) * 1024.0 / g_keys;
}

void BM_hk_insert_with_reader(benchmark::State& st) {
    setup_once(); // the fill happened once, before: report what it measured
    for (auto _ : st) {
        benchmark::DoNotOptimize(g_insert_rate);
    }
    st.counters["keys"] = g_keys;
    st.counters["inserts_per_s"] = g_insert_rate;
    st.counters["reader_finds_per_s"] = g_reader_rate;
    st.counters["bytes_per_key"] = g_bytes_per_key;
    st.counters["raw_bytes_per_key"] = g_raw_bytes_per_key;
    st.counters["tsc_hz"] = static_cast<double>(rte_get_tsc_hz());
}

void BM_hk_find_ours(benchmark::State& st) {
    setup_once();
    std::uint32_t i = 0;
    std::uint64_t hits = 0;
    for (auto _ : st) {
        hits += g_table->find(g_cgas[g_order[i]]) != nullptr;
        i = (i + 1) % g_keys;
    }
    if (hits != static_cast<std::uint64_t>(st.iterations())) {
        st.SkipWithError("a key was not found");
    }
    st.SetItemsProcessed(st.iterations());
}

void BM_hk_find_raw(benchmark::State& st) {
    setup_once();
    std::uint32_t i = 0;
    std::uint64_t hits = 0;
    for (auto _ : st) {
        void* d = nullptr;
        hits += rte_hash_lookup_data(g_raw, g_cgas[g_order[i]].b.data(), &d) >= 0;
        benchmark::DoNotOptimize(d);
        i = (i + 1) % g_keys;
    }
    if (hits != static_cast<std::uint64_t>(st.iterations())) {
        st.SkipWithError("a key was not found");
    }
    st.SetItemsProcessed(st.iterations());
}

void BM_hk_lookup_bulk32_ours(benchmark::State& st) {
    setup_once();
    const ipv6_addr* keys[bulk_n];
    const tb::key_record* out[bulk_n];
    std::uint32_t i = 0;
    std::uint64_t hits = 0;
    for (auto _ : st) {
        for (unsigned j = 0; j < bulk_n; ++j) {
            keys[j] = &g_cgas[g_order[(i + j) % g_keys]];
        }
        hits += g_table->lookup_bulk(keys, bulk_n, out);
        benchmark::DoNotOptimize(out);
        i = (i + bulk_n) % g_keys;
    }
    if (hits != static_cast<std::uint64_t>(st.iterations()) * bulk_n) {
        st.SkipWithError("a key was not found");
    }
    st.SetItemsProcessed(st.iterations() * bulk_n); // per lookup, not per burst
}

void BM_hk_lookup_bulk32_raw(benchmark::State& st) {
    setup_once();
    const void* keys[bulk_n];
    void* out[bulk_n];
    std::uint64_t hit_mask = 0;
    std::uint32_t i = 0;
    std::uint64_t hits = 0;
    for (auto _ : st) {
        for (unsigned j = 0; j < bulk_n; ++j) {
            keys[j] = g_cgas[g_order[(i + j) % g_keys]].b.data();
        }
        hits += rte_hash_lookup_bulk_data(g_raw, keys, bulk_n, &hit_mask, out);
        benchmark::DoNotOptimize(out);
        i = (i + bulk_n) % g_keys;
    }
    if (hits != static_cast<std::uint64_t>(st.iterations()) * bulk_n) {
        st.SkipWithError("a key was not found");
    }
    st.SetItemsProcessed(st.iterations() * bulk_n);
}

BENCHMARK(BM_hk_insert_with_reader)->Iterations(1);
BENCHMARK(BM_hk_find_ours);
BENCHMARK(BM_hk_find_raw);
BENCHMARK(BM_hk_lookup_bulk32_ours);
BENCHMARK(BM_hk_lookup_bulk32_raw);

} // namespace

int main(int argc, char** argv) {
    if (const char* e = std::getenv("MIPGATE_BENCH_HK_KEYS")) {
        g_keys = static_cast<std::uint32_t>(std::strtoul(e, nullptr, 10));
    }
    std::string prefix = "--file-prefix=bt-" + std::to_string(getpid());
    // -l 0-1: the reader thread of the insert benchmark is a plain thread, not an lcore.
    const char* eal[] = {"bench_tables", "--no-huge", "-m", "3072", "--no-pci", "--no-shconf",
                         prefix.c_str(), "-l", "0", "--log-level=error", nullptr};
    if (rte_eal_init(10, const_cast<char**>(eal)) < 0) {
        std::fprintf(stderr, "bench_tables: EAL init failed\n");
        return 1;
    }
    benchmark::Initialize(&argc, argv);
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    g_table.reset();
    if (g_raw != nullptr) {
        rte_hash_free(g_raw);
    }
    rte_free(g_qsbr);
    rte_eal_cleanup();
    return 0;
}
