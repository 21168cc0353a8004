// FMIPv6 on the worker: process_burst on 32 valid FBUs (checks, one key lookup, one BADF burst,
// control-ring enqueue), beside the bare BADF engine and a raw one-shot OpenSSL HMAC of the same
// MAC input (the crypto floor); and transit forwarding of 32 packets, plain vs encapsulated
// towards a binding's NCoA. EAL without hugepages, two ring ports, one worker_ctx on the main
// lcore; the mbufs are recycled between iterations (outside the timed region).
#include "mipgate/fastpath/burst.hpp"
#include "mipgate/fastpath/fmip_attach.hpp"
#include "mipgate/fastpath/forwarding_tables.hpp"
#include "mipgate/fastpath/ports.hpp"
#include "mipgate/fastpath/worker_ctx.hpp"
#include "mipgate/fmip/badf_mh.hpp"
#include "mipgate/tables/binding_table.hpp"
#include "mipgate/tables/key_table.hpp"
#include "mipgate/wire/ipv6.hpp"
#include "mipgate/wire/mh.hpp"

#include <benchmark/benchmark.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>
#include <rte_rcu_qsbr.h>
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
namespace fmip = mipgate::fmip;
namespace tables = mipgate::tables;
namespace wire = mipgate::wire;
using mipgate::ipv6_addr;
using mipgate::ipv6_prefix;
using mipgate::mac_addr;

namespace {

char g_runtime_dir[4096];
void remove_runtime_dir() {
    if (g_runtime_dir[0] != '\0') {
        rmdir(g_runtime_dir);
    }
}

constexpr unsigned burst_n = 32;
constexpr std::uint8_t key_fill = 0x4b;

ipv6_addr A(const char* s) { return *ipv6_addr::parse(s); }

ipv6_addr nth(const char* base, unsigned i) {
    ipv6_addr a = A(base);
    a.b[14] = static_cast<std::uint8_t>(i >> 8);
    a.b[15] = static_cast<std::uint8_t>(i + 1);
    return a;
}

struct world {
    rte_mempool* pool = nullptr;
    cfgns::config cfg;
    fp::port_set ports;
    std::unique_ptr<fp::forwarding_tables> tables;
    std::vector<std::uint8_t> rcu_mem;
    rte_rcu_qsbr* qsbr = nullptr;
    std::unique_ptr<tables::key_table> keys;
    std::unique_ptr<tables::binding_table> bindings;
    rte_ring* control = nullptr;
    std::unique_ptr<fp::worker_ctx> w;
};
world* g = nullptr;

const ipv6_addr par_addr = A("2001:db8:1::1");

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
    c.routes = {cfgns::route{*ipv6_prefix::parse("2001:db8:2::/48"), A("2001:db8:ff::2"), "core"}};
    c.neighbors = {cfgns::neighbor{A("2001:db8:ff::2"), *mac_addr::parse("02:00:00:00:ff:02"), "core"}};
    return c;
}

rte_mbuf* make_frame(const std::vector<std::uint8_t>& ip) {
    rte_mbuf* m = rte_pktmbuf_alloc(g->pool);
    auto* p = reinterpret_cast<std::uint8_t*>(rte_pktmbuf_append(m, static_cast<std::uint16_t>(14 + ip.size())));
    std::memcpy(p, g->cfg.ports[0].mac->b.data(), 6);
    const std::uint8_t smac[6] = {0x02, 0, 0, 0, 0x99, 0x99};
    std::memcpy(p + 6, smac, 6);
    p[12] = 0x86;
    p[13] = 0xdd;
    std::memcpy(p + 14, ip.data(), ip.size());
    m->port = g->ports.ports()[0].port_id;
    return m;
}

std::vector<std::uint8_t> ip6(const ipv6_addr& src, const ipv6_addr& dst, std::uint8_t nh,
                              const std::vector<std::uint8_t>& payload) {
    std::vector<std::uint8_t> b(40);
    b[0] = 0x60;
    b[4] = static_cast<std::uint8_t>(payload.size() >> 8);
    b[5] = static_cast<std::uint8_t>(payload.size());
    b[6] = nh;
    b[7] = 64;
    std::memcpy(b.data() + 8, src.b.data(), 16);
    std::memcpy(b.data() + 24, dst.b.data(), 16);
    b.insert(b.end(), payload.begin(), payload.end());
    return b;
}

/// The i-th MN's FBU: HAO = PCoA i, Alternate CoA = NCoA i, BADF with AT 0 (HMAC-SHA1).
std::vector<std::uint8_t> fbu_mh(unsigned i, const fmip::badf_key& key) {
    std::vector<std::uint8_t> mh(128, 0);
    wire::mh_writer mw(mh);
    mw.bu(wire::bu_msg{static_cast<std::uint16_t>(i), wire::bu_flag_a | wire::bu_flag_h, 30}, wire::mh_type_fbu);
    mw.alt_coa(nth("2001:db8:2::", i));
    const std::size_t auth = mw.badf(0, 12);
    const auto r = mw.finish();
    mh.resize(r.len);
    fmip::sign_mh_badf(key, nth("2001:db8:2::", i), par_addr, mh, auth);
    wire::mh_fill_checksum(nth("2001:db8:1::1:0", i), par_addr, mh);
    return mh;
}

std::vector<std::uint8_t> key_bytes() { return std::vector<std::uint8_t>(20, key_fill); }

void setup() {
    std::string prefix = "--file-prefix=mg_fp_fmip_bench_" + std::to_string(getpid());
    std::vector<std::string> args{"bench_fastpath_fmip", "--no-huge", "--no-pci", "-m", "256", "--no-shconf",
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
    g->pool = rte_pktmbuf_pool_create("fmip_bench_pool", 4095, 0, 0, RTE_MBUF_DEFAULT_BUF_SIZE,
                                      static_cast<int>(rte_socket_id()));
    auto ps = fp::port_set::bring_up(g->cfg, g->pool, 1);
    if (!ps) {
        std::fprintf(stderr, "%s\n", ps.err().message.c_str());
        std::abort();
    }
    g->ports = std::move(ps.value());
    auto t = fp::forwarding_tables::build(g->cfg, g->ports.bindings(), "fmipb", static_cast<int>(rte_socket_id()));
    if (!t) {
        std::fprintf(stderr, "%s\n", t.err().message.c_str());
        std::abort();
    }
    g->tables = std::move(t.value());
    g->rcu_mem.resize(rte_rcu_qsbr_get_memsize(1) + 64);
    g->qsbr = reinterpret_cast<rte_rcu_qsbr*>((reinterpret_cast<std::uintptr_t>(g->rcu_mem.data()) + 63) &
                                              ~std::uintptr_t{63});
    rte_rcu_qsbr_init(g->qsbr, 1);
    g->keys = std::move(tables::key_table::create("fmipb_keys", 1024, g->qsbr, 0).value());
    g->bindings = std::move(tables::binding_table::create("fmipb_bind", 1024, g->qsbr, 0).value());
    for (unsigned i = 0; i < burst_n; ++i) {
        const auto kb = key_bytes();
        mipgate::secret_bytes k{std::span<const std::uint8_t>(kb)};
        auto mac = fmip::badf_key::create(fmip::at_hmac_sha1, k.view());
        g->keys->insert(std::make_unique<tables::key_record>(nth("2001:db8:1::1:0", i), 0, ~0ull, std::move(k),
                                                             std::move(mac.value())));
        g->bindings->upsert(std::make_unique<tables::binding_record>(nth("2001:db8:1::2:0", i),
                                                                     nth("2001:db8:2::", i), par_addr, 0, ~0ull, 1));
    }
    g->control = rte_ring_create("fmipb_slow", 256, SOCKET_ID_ANY, RING_F_SC_DEQ);
    g->w = std::make_unique<fp::worker_ctx>();
    g->w->tables = g->tables.get();
    g->w->control_ring = g->control;
    const auto& rps = g->ports.ports();
    for (std::size_t p = 0; p < rps.size(); ++p) {
        g->w->tx[p] = fp::tx_stage{};
        g->w->tx[p].port_id = rps[p].port_id;
        g->w->tx[p].enabled = true;
    }
    if (!fp::attach_fmip(*g->w, g->keys.get(), g->bindings.get()).ok()) {
        std::abort();
    }
}

std::vector<rte_mbuf*> fbu_burst() {
    auto key = fmip::badf_key::create(fmip::at_hmac_sha1, key_bytes());
    std::vector<rte_mbuf*> v;
    for (unsigned i = 0; i < burst_n; ++i) {
        std::vector<std::uint8_t> pl(24);
        (void)wire::build_hao_dstopts(pl, wire::nh_mh, nth("2001:db8:1::1:0", i));
        const auto mh = fbu_mh(i, *key);
        pl.insert(pl.end(), mh.begin(), mh.end());
        v.push_back(make_frame(ip6(nth("2001:db8:1::1:0", i), par_addr, wire::nh_dstopts, pl)));
    }
    return v;
}

void report(benchmark::State& state, std::uint64_t cycles) {
    state.counters["cycles_per_pkt"] = static_cast<double>(cycles) / (static_cast<double>(state.iterations()) * burst_n);
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * burst_n));
}

void BM_process_burst_32_fbu(benchmark::State& state) {
    std::vector<rte_mbuf*> burst = fbu_burst();
    std::uint64_t cycles = 0;
    for (auto _ : state) {
        const std::uint64_t t0 = rte_rdtsc();
        fp::process_burst(*g->w, burst.data(), burst_n);
        cycles += rte_rdtsc() - t0;
        state.PauseTiming();
        // Verified FBUs are on the control ring, untouched: they are the next burst.
        const unsigned n = rte_ring_dequeue_burst(g->control, reinterpret_cast<void**>(burst.data()), burst_n, nullptr);
        if (n != burst_n) {
            state.SkipWithError("FBUs not verified");
            break;
        }
        state.ResumeTiming();
    }
    report(state, cycles);
}
BENCHMARK(BM_process_burst_32_fbu);

/// The same 32 authenticators through the worker's engine alone (no packet handling).
void BM_badf_engine_32(benchmark::State& state) {
    auto key = fmip::badf_key::create(fmip::at_hmac_sha1, key_bytes());
    std::vector<std::vector<std::uint8_t>> mhs;
    for (unsigned i = 0; i < burst_n; ++i) {
        mhs.push_back(fbu_mh(i, *key));
    }
    std::vector<fmip::badf_job> jobs;
    for (unsigned i = 0; i < burst_n; ++i) {
        const auto v = wire::parse_mh(mhs[i]);
        jobs.push_back(fmip::prepare_badf_job(*key, nth("2001:db8:2::", i), par_addr, v).job);
    }
    bool ok[burst_n];
    std::uint64_t cycles = 0;
    for (auto _ : state) {
        const std::uint64_t t0 = rte_rdtsc();
        benchmark::DoNotOptimize(g->w->badf->verify_burst(jobs, ok));
        cycles += rte_rdtsc() - t0;
    }
    report(state, cycles);
}
BENCHMARK(BM_badf_engine_32);

/// Floor: 32 one-shot OpenSSL HMAC-SHA1 over the same MAC input (NCoA | PAR | MH data), key
/// schedule included, as a non-precomputed implementation would do it.
void BM_raw_openssl_hmac_sha1_32(benchmark::State& state) {
    auto key = fmip::badf_key::create(fmip::at_hmac_sha1, key_bytes());
    std::vector<std::vector<std::uint8_t>> inputs;
    for (unsigned i = 0; i < burst_n; ++i) {
        auto mh = fbu_mh(i, *key);
        std::vector<std::uint8_t> in(32);
        const auto n = nth("2001:db8:2::", i);
        std::memcpy(in.data(), n.b.data(), 16);
        std::memcpy(in.data() + 16, par_addr.b.data(), 16);
        mh[4] = mh[5] = 0;
        in.insert(in.end(), mh.begin(), mh.end() - 12);
        inputs.push_back(in);
    }
    const auto k = key_bytes();
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int outlen = 0;
    std::uint64_t cycles = 0;
    for (auto _ : state) {
        const std::uint64_t t0 = rte_rdtsc();
        for (const auto& in : inputs) {
            HMAC(EVP_sha1(), k.data(), static_cast<int>(k.size()), in.data(), in.size(), out, &outlen);
            benchmark::DoNotOptimize(out[0]);
        }
        cycles += rte_rdtsc() - t0;
    }
    report(state, cycles);
}
BENCHMARK(BM_raw_openssl_hmac_sha1_32);

/// 32 transit packets received on access, routed via core: to bound PCoAs (encapsulated) or to
/// plain destinations (the binding lookup still runs: the table is not empty).
std::vector<rte_mbuf*> transit_burst(bool bound) {
    std::vector<rte_mbuf*> v;
    for (unsigned i = 0; i < burst_n; ++i) {
        const ipv6_addr dst = bound ? nth("2001:db8:1::2:0", i) : nth("2001:db8:2::3:0", i);
        v.push_back(make_frame(ip6(A("2001:db8:9::5"), dst, 17, std::vector<std::uint8_t>(26, 0))));
    }
    return v;
}

void forward_bench(benchmark::State& state, bool bound) {
    std::vector<rte_mbuf*> burst = transit_burst(bound);
    rte_ring* tx = g->ports.ports()[1].tx_ring;
    std::uint64_t cycles = 0;
    for (auto _ : state) {
        const std::uint64_t t0 = rte_rdtsc();
        fp::process_burst(*g->w, burst.data(), burst_n);
        cycles += rte_rdtsc() - t0;
        state.PauseTiming();
        const unsigned n = rte_ring_dequeue_burst(tx, reinterpret_cast<void**>(burst.data()), burst_n, nullptr);
        if (n != burst_n) {
            state.SkipWithError("packets lost");
            break;
        }
        for (auto* m : burst) { // back to a frame received on access
            auto* p = rte_pktmbuf_mtod(m, std::uint8_t*);
            if (bound) {
                std::memmove(p + 40, p, 14);
                p = reinterpret_cast<std::uint8_t*>(rte_pktmbuf_adj(m, 40));
            }
            std::memcpy(p, g->cfg.ports[0].mac->b.data(), 6);
            p[14 + 7] = 64;
        }
        state.ResumeTiming();
    }
    report(state, cycles);
}

void BM_forward_plain_32(benchmark::State& state) { forward_bench(state, false); }
BENCHMARK(BM_forward_plain_32);
void BM_forward_encapsulated_32(benchmark::State& state) { forward_bench(state, true); }
BENCHMARK(BM_forward_encapsulated_32);

} // namespace

int main(int argc, char** argv) {
    setup();
    benchmark::Initialize(&argc, argv);
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    g->ports.close_all();
    g->w.reset();
    rte_ring_free(g->control);
    g->bindings.reset();
    g->keys.reset();
    g->tables.reset();
    rte_eal_cleanup();
    return 0;
}
