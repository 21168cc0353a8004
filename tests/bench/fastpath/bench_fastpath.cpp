// Cycles per packet of classification and of the whole classify+forward pipeline on a burst of
// prebuilt mbufs (EAL without hugepages, two ring ports, one worker_ctx on the main lcore).
// The TX ring is drained back into the burst after every iteration, so the same mbufs cycle.
#include "mipgate/fastpath/burst.hpp"
#include "mipgate/fastpath/forwarding_tables.hpp"
#include "mipgate/fastpath/ports.hpp"
#include "mipgate/fastpath/worker_ctx.hpp"

#include <benchmark/benchmark.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>
#include <rte_ring.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <unistd.h>
#include <vector>

namespace fp = mipgate::fastpath;
namespace cfgns = mipgate::config;
using mipgate::ipv6_addr;
using mipgate::ipv6_prefix;
using mipgate::mac_addr;

namespace {

// EAL's runtime directory is emptied by telemetry's atexit handler; remove it after that one.
char g_runtime_dir[4096];
void remove_runtime_dir() {
    if (g_runtime_dir[0] != '\0') {
        rmdir(g_runtime_dir);
    }
}

constexpr unsigned burst_n = 32;

struct world {
    rte_mempool* pool = nullptr;
    cfgns::config cfg;
    fp::port_set ports;
    std::unique_ptr<fp::forwarding_tables> tables;
    std::unique_ptr<fp::worker_ctx> w;
};
world* g = nullptr;

cfgns::config bench_config() {
    cfgns::config c;
    cfgns::port a;
    a.name = "access";
    a.mac = mac_addr::parse("02:00:00:00:00:01");
    a.addresses = {*ipv6_prefix::parse("2001:db8:1::1/64")};
    a.tx_desc = 4096;
    cfgns::port b = a;
    b.name = "core";
    b.mac = mac_addr::parse("02:00:00:00:00:02");
    b.addresses = {*ipv6_prefix::parse("2001:db8:ff::1/64")};
    c.ports = {a, b};
    // A few hundred routes so the trie is not trivially shallow.
    for (unsigned i = 0; i < 512; ++i) {
        char buf[64];
        std::snprintf(buf, sizeof(buf), "2001:db8:%x:%x::/64", 0x100 + i / 16, i % 16);
        c.routes.push_back(cfgns::route{*ipv6_prefix::parse(buf), ipv6_addr::parse("2001:db8:ff::2"), "core"});
    }
    c.neighbors = {cfgns::neighbor{*ipv6_addr::parse("2001:db8:ff::2"), *mac_addr::parse("02:00:00:00:ff:02"), "core"}};
    return c;
}

rte_mbuf* make_pkt(const char* dst, std::uint16_t port_id) {
    rte_mbuf* m = rte_pktmbuf_alloc(g->pool);
    auto* p = rte_pktmbuf_mtod(m, std::uint8_t*);
    const std::size_t len = 14 + 40 + 8 + 18; // 80-byte frame
    rte_pktmbuf_append(m, len);
    std::memset(p, 0, len);
    std::memcpy(p, g->cfg.ports[0].mac->b.data(), 6);
    p[12] = 0x86;
    p[13] = 0xdd;
    p[14] = 0x60;
    p[19] = 26;
    p[20] = 17;
    p[21] = 64;
    auto src = *ipv6_addr::parse("2001:db8:1::100");
    std::memcpy(p + 22, src.b.data(), 16);
    auto d = *ipv6_addr::parse(dst);
    std::memcpy(p + 38, d.b.data(), 16);
    m->port = port_id;
    return m;
}

void setup() {
    std::string prefix = "--file-prefix=mg_fp_bench_" + std::to_string(getpid());
    std::vector<std::string> args{"bench_fastpath", "--no-huge", "--no-pci", "-m", "256", "--no-shconf",
                                  "-l", "0", "--log-level=lib.eal:error", prefix};
    std::vector<char*> argv;
    for (auto& s : args) {
        argv.push_back(s.data());
    }
    std::atexit(remove_runtime_dir);
    if (rte_eal_init(static_cast<int>(argv.size()), argv.data()) < 0) {
        std::abort();
    }
    std::snprintf(g_runtime_dir, sizeof(g_runtime_dir), "%s", rte_eal_get_runtime_dir());
    g = new world();
    g->cfg = bench_config();
    g->pool = rte_pktmbuf_pool_create("bench_pool", 4095, 0, 0, RTE_MBUF_DEFAULT_BUF_SIZE,
                                      static_cast<int>(rte_socket_id()));
    auto ps = fp::port_set::bring_up(g->cfg, g->pool, 1);
    if (!ps) {
        std::fprintf(stderr, "%s\n", ps.err().message.c_str());
        std::abort();
    }
    g->ports = std::move(ps.value());
    auto t = fp::forwarding_tables::build(g->cfg, g->ports.bindings(), "bench", static_cast<int>(rte_socket_id()));
    if (!t) {
        std::fprintf(stderr, "%s\n", t.err().message.c_str());
        std::abort();
    }
    g->tables = std::move(t.value());
    g->w = std::make_unique<fp::worker_ctx>();
    g->w->tables = g->tables.get();
    const auto& rps = g->ports.ports();
    for (std::size_t p = 0; p < rps.size(); ++p) {
        g->w->tx[p] = fp::tx_stage{};
        g->w->tx[p].port_id = rps[p].port_id;
        g->w->tx[p].enabled = true;
    }
}

std::vector<rte_mbuf*> transit_burst() {
    std::vector<rte_mbuf*> v;
    for (unsigned i = 0; i < burst_n; ++i) {
        char buf[64];
        std::snprintf(buf, sizeof(buf), "2001:db8:%x:%x::%x", 0x100 + (i * 7) % 32, i % 16, i + 1);
        v.push_back(make_pkt(buf, g->ports.ports()[0].port_id));
    }
    return v;
}

void BM_classify_burst(benchmark::State& state) {
    auto pkts = transit_burst();
    std::uint64_t cycles = 0;
    for (auto _ : state) {
        const std::uint64_t t0 = rte_rdtsc();
        fp::classify_burst(*g->w, pkts.data(), burst_n);
        cycles += rte_rdtsc() - t0;
        benchmark::DoNotOptimize(g->w->cls[burst_n - 1]);
    }
    state.counters["cycles_per_pkt"] = static_cast<double>(cycles) / (state.iterations() * burst_n);
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * burst_n));
    rte_pktmbuf_free_bulk(pkts.data(), burst_n);
}
BENCHMARK(BM_classify_burst);

void BM_classify_forward_transit(benchmark::State& state) {
    auto pkts = transit_burst();
    rte_ring* tx = g->ports.ports()[1].tx_ring;
    std::uint64_t cycles = 0;
    std::vector<rte_mbuf*> burst(pkts);
    for (auto _ : state) {
        const std::uint64_t t0 = rte_rdtsc();
        fp::process_burst(*g->w, burst.data(), burst_n);
        cycles += rte_rdtsc() - t0;
        state.PauseTiming();
        unsigned n = rte_ring_dequeue_burst(tx, reinterpret_cast<void**>(burst.data()), burst_n, nullptr);
        if (n != burst_n) {
            for (std::size_t i = 0; i < fp::counter_count; ++i) {
                if (g->w->counters.v[i] != 0) {
                    std::fprintf(stderr, "%s=%lu\n", fp::counter_table[i].name.data(),
                                 static_cast<unsigned long>(g->w->counters.v[i]));
                }
            }
            state.SkipWithError("packets lost");
            break;
        }
        for (auto* m : burst) { // undo the rewrite: back to a frame received on access
            auto* p = rte_pktmbuf_mtod(m, std::uint8_t*);
            std::memcpy(p, g->cfg.ports[0].mac->b.data(), 6);
            p[14 + 7] = 64;
        }
        state.ResumeTiming();
    }
    state.counters["cycles_per_pkt"] = static_cast<double>(cycles) / (state.iterations() * burst_n);
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * burst_n));
}
BENCHMARK(BM_classify_forward_transit);

} // namespace

int main(int argc, char** argv) {
    setup();
    benchmark::Initialize(&argc, argv);
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    g->ports.close_all();
    g->tables.reset();
    g->w.reset();
    rte_eal_cleanup();
    return 0;
}
