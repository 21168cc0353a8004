// mipgate: EAL bring-up from the configuration, lcore roles, signals, shutdown and summary.
// Thin by design: the data plane lives in lib/fastpath, the configuration in lib/config.

#include "options.hpp"
#include "summary.hpp"

#include "mipgate/config/load.hpp"
#include "mipgate/fastpath/burst.hpp"
#include "mipgate/fastpath/eal_args.hpp"
#include "mipgate/fastpath/forwarding_tables.hpp"
#include "mipgate/fastpath/generator.hpp"
#include "mipgate/fastpath/ports.hpp"
#include "mipgate/fastpath/worker_ctx.hpp"

#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>
#include <rte_ring.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <unistd.h>
#include <vector>

namespace {

using namespace mipgate;
namespace fp = mipgate::fastpath;

volatile std::sig_atomic_t g_signal = 0;

void on_signal(int sig) { g_signal = sig; }

// EAL leaves its runtime directory behind (empty with --no-shconf once telemetry's own atexit
// handler removed its socket). Registered before rte_eal_init so that it runs after EAL's.
char g_runtime_dir[4096];

void remove_runtime_dir() {
    if (g_runtime_dir[0] != '\0') {
        rmdir(g_runtime_dir); // fails harmlessly when something is still in it
    }
}

struct worker_launch {
    fp::worker_ctx* ctx;
    const std::atomic<bool>* quit;
};

int worker_main(void* arg) {
    auto* l = static_cast<worker_launch*>(arg);
    while (!l->quit->load(std::memory_order_relaxed)) {
        fp::poll_once(*l->ctx);
    }
    return 0;
}

const char* kind_name(config::port_kind k) {
    switch (k) {
    case config::port_kind::ring: return "ring";
    case config::port_kind::vdev: return "vdev";
    case config::port_kind::pci: return "pci";
    }
    return "?";
}

/// Everything that exists between EAL init and cleanup, torn down in reverse order.
struct runtime {
    const config::config& cfg;
    rte_mempool* pool = nullptr;
    fp::port_set ports;
    std::unique_ptr<fp::forwarding_tables> tables;
    std::vector<std::unique_ptr<fp::worker_ctx>> workers;
    std::vector<worker_launch> launches;
    std::vector<unsigned> worker_lcores; ///< empty → single-lcore mode (main runs worker 0)
    std::optional<fp::generator> gen;
    std::vector<std::uint64_t> wire_tx;  ///< per port
    std::atomic<bool> quit{false};

    explicit runtime(const config::config& c) : cfg(c) {}

    fp::counter_totals totals() const {
        std::vector<const fp::counter_block*> blocks;
        for (const auto& w : workers) {
            blocks.push_back(&w->counters);
        }
        return fp::sum_counters(blocks);
    }

    /// Frees what ring ports transmitted: the far end of the virtual wire. Returns frames.
    unsigned drain_wire() {
        unsigned total = 0;
        auto& ps = ports.ports();
        for (std::size_t i = 0; i < ps.size(); ++i) {
            if (ps[i].tx_ring == nullptr) {
                continue;
            }
            void* objs[64];
            unsigned n;
            while ((n = rte_ring_dequeue_burst(ps[i].tx_ring, objs, 64, nullptr)) != 0) {
                rte_pktmbuf_free_bulk(reinterpret_cast<rte_mbuf**>(objs), n);
                wire_tx[i] += n;
                total += n;
            }
        }
        return total;
    }
};

int start_and_run(runtime& rt, const app::options& opts) {
    const auto& cfg = rt.cfg;
    const unsigned lcores = rte_lcore_count();
    const bool single = lcores == 1;
    const unsigned nworkers = single ? 1 : std::max(1u, cfg.system.workers);
    if (!single && nworkers > lcores - 1) {
        std::fprintf(stderr, "mipgate: %u worker(s) configured but lcores \"%s\" leave %u after the control lcore\n",
                     nworkers, cfg.system.lcores.c_str(), lcores - 1);
        return 1;
    }

    rt.pool = rte_pktmbuf_pool_create("mg_mbufs", cfg.system.mbufs, 256, 0, RTE_MBUF_DEFAULT_BUF_SIZE,
                                      static_cast<int>(rte_socket_id()));
    if (rt.pool == nullptr) {
        std::fprintf(stderr, "mipgate: mbuf pool of %u: %s (raise system.memory_mb?)\n", cfg.system.mbufs,
                     rte_strerror(rte_errno));
        return 1;
    }
    auto ps = fp::port_set::bring_up(cfg, rt.pool, nworkers);
    if (!ps) {
        std::fprintf(stderr, "mipgate: %s\n", ps.err().message.c_str());
        return 1;
    }
    rt.ports = std::move(ps.value());
    rt.wire_tx.assign(rt.ports.ports().size(), 0);
    auto tb = fp::forwarding_tables::build(cfg, rt.ports.bindings(), "mg", static_cast<int>(rte_socket_id()));
    if (!tb) {
        std::fprintf(stderr, "mipgate: %s\n", tb.err().message.c_str());
        return 1;
    }
    rt.tables = std::move(tb.value());

    const auto& rps = rt.ports.ports();
    for (unsigned w = 0; w < nworkers; ++w) {
        auto ctx = std::make_unique<fp::worker_ctx>();
        ctx->tables = rt.tables.get();
        ctx->worker_id = w;
        ctx->burst = static_cast<std::uint16_t>(std::clamp(cfg.system.burst, 1u, fp::max_burst));
        for (std::size_t p = 0; p < rps.size(); ++p) {
            if (w < rps[p].nb_rxq) {
                ctx->rx[ctx->n_rx++] = fp::rx_queue_ref{rps[p].port_id, static_cast<std::uint16_t>(w)};
            }
            ctx->tx[p].port_id = rps[p].port_id;
            ctx->tx[p].queue_id = static_cast<std::uint16_t>(w);
            ctx->tx[p].enabled = w < rps[p].nb_txq;
        }
        rt.workers.push_back(std::move(ctx));
    }

    if (cfg.generator.enabled) {
        int gi = -1;
        for (std::size_t p = 0; p < rps.size(); ++p) {
            if (rps[p].name == cfg.generator.port) {
                gi = static_cast<int>(p);
            }
        }
        if (gi < 0 || rps[static_cast<std::size_t>(gi)].rx_ring == nullptr) {
            std::fprintf(stderr, "mipgate: generator.port '%s' is not a ring port\n", cfg.generator.port.c_str());
            return 1;
        }
        const auto& gp = rps[static_cast<std::size_t>(gi)];
        rt.gen.emplace(cfg.generator, rt.pool, gp.rx_ring, gp.port_id, gp.mac);
    }

    std::signal(SIGINT, on_signal);
    std::signal(SIGTERM, on_signal);

    if (!single) {
        rt.launches.reserve(nworkers);
        unsigned w = 0;
        unsigned lcore;
        RTE_LCORE_FOREACH_WORKER(lcore) {
            if (w == nworkers) {
                break;
            }
            rt.launches.push_back(worker_launch{rt.workers[w].get(), &rt.quit});
            if (int rc = rte_eal_remote_launch(worker_main, &rt.launches.back(), lcore); rc != 0) {
                std::fprintf(stderr, "mipgate: launching worker on lcore %u failed\n", lcore);
                rt.quit.store(true);
                rte_eal_mp_wait_lcore();
                return 1;
            }
            rt.worker_lcores.push_back(lcore);
            ++w;
        }
    }
    std::printf("mipgate: running, %u port(s), %u worker(s)%s, config %s\n", static_cast<unsigned>(rps.size()),
                nworkers, single ? " on the main lcore" : "", cfg.source.c_str());
    std::fflush(stdout);

    // Control loop (main lcore): generator, virtual wire, stats tick; in single-lcore mode also
    // the worker loop, interleaved.
    using clock = std::chrono::steady_clock;
    const auto t0 = clock::now();
    auto next_tick = t0 + std::chrono::seconds(1);
    while (g_signal == 0) {
        const auto now = clock::now();
        const double elapsed = std::chrono::duration<double>(now - t0).count();
        if (opts.duration_s && elapsed >= *opts.duration_s) {
            break;
        }
        unsigned work = 0;
        if (single) {
            work += fp::poll_once(*rt.workers[0]);
        }
        if (rt.gen) {
            work += rt.gen->step(cfg.system.burst);
        }
        work += rt.drain_wire();
        if (now >= next_tick) {
            app::print_tick(stdout, elapsed, rt.totals());
            next_tick += std::chrono::seconds(1);
        }
        if (work == 0) {
            usleep(200); // idle: leave the CPU to others (the control lcore is not a poller)
        }
    }
    const double seconds = std::chrono::duration<double>(clock::now() - t0).count();

    // Stop: workers leave their loop (their TX stages are flushed every burst), then the wire is
    // drained one last time, stats read, ports stopped and closed.
    rt.quit.store(true);
    rte_eal_mp_wait_lcore();
    rt.drain_wire();

    app::run_summary sum;
    sum.seconds = seconds;
    sum.workers = nworkers;
    sum.counters = rt.totals();
    for (std::size_t p = 0; p < rps.size(); ++p) {
        app::port_summary s;
        s.name = rps[p].name;
        s.kind = kind_name(rps[p].kind);
        s.port_id = rps[p].port_id;
        rte_eth_stats st{};
        if (rte_eth_stats_get(rps[p].port_id, &st) == 0) {
            s.rx = st.ipackets;
            s.tx = st.opackets;
            s.rx_missed = st.imissed;
            s.rx_errors = st.ierrors;
            s.tx_errors = st.oerrors;
            s.rx_nombuf = st.rx_nombuf;
        }
        if (rps[p].tx_ring != nullptr) {
            s.wire_tx = rt.wire_tx[p];
        }
        sum.ports.push_back(std::move(s));
    }
    if (rt.gen) {
        sum.generator = rt.gen->stats();
    }
    rt.ports.close_all();
    if (g_signal != 0) {
        std::printf("mipgate: stopping on signal %d\n", static_cast<int>(g_signal));
    }
    app::print_summary(stdout, sum);
    return 0;
}

} // namespace

int main(int argc, char** argv) {
    auto parsed = app::parse_options(argc, argv);
    if (!parsed.errors.empty()) {
        for (const auto& e : parsed.errors) {
            std::fprintf(stderr, "mipgate: %s\n", e.c_str());
        }
        std::fputs(app::usage_text(), stderr);
        return 2;
    }
    const auto& opts = parsed.opts;
    if (opts.help) {
        std::fputs(app::usage_text(), stdout);
        return 0;
    }
    if (opts.print_default) {
        const auto text = config::embedded_default();
        std::fwrite(text.data(), 1, text.size(), stdout);
        return 0;
    }

    // Configuration first: every error is reported before EAL touches anything.
    auto loaded = opts.config_path.empty() ? config::load_string(config::embedded_default(), "<embedded>")
                                           : config::load_file(opts.config_path);
    if (!loaded.errors.empty() || !loaded.cfg) {
        for (const auto& d : loaded.errors) {
            std::fprintf(stderr, "%s\n", d.str().c_str());
        }
        if (loaded.errors.empty()) {
            std::fprintf(stderr, "%s: invalid configuration\n", opts.config_path.c_str());
        }
        return 2;
    }
    const config::config& cfg = *loaded.cfg;

    auto eal = fp::build_eal_args(cfg, argv[0], opts.file_prefix, static_cast<int>(getpid()));
    std::vector<char*> eal_argv;
    for (auto& a : eal) {
        eal_argv.push_back(a.data());
    }
    eal_argv.push_back(nullptr);
    std::atexit(remove_runtime_dir);
    if (rte_eal_init(static_cast<int>(eal.size()), eal_argv.data()) < 0) {
        std::fprintf(stderr, "mipgate: EAL init failed: %s\n", rte_strerror(rte_errno));
        return 1;
    }
    std::snprintf(g_runtime_dir, sizeof(g_runtime_dir), "%s", rte_eal_get_runtime_dir());
    int rc;
    {
        runtime rt(cfg);
        rc = start_and_run(rt, opts);
        rt.quit.store(true);
        rte_eal_mp_wait_lcore();
        rt.ports.close_all();
        rt.tables.reset();
        rt.workers.clear();
        rte_mempool_free(rt.pool);
    }
    rte_eal_cleanup();
    return rc;
}
