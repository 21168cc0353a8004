// mipgate: EAL bring-up from the configuration, lcore roles, signals, shutdown and summary.
// Thin by design: the data plane lives in lib/fastpath, the configuration in lib/config, the
// control plane (SEND service, handover keys, telemetry) in control/.

#include "options.hpp"
#include "identity_rotation.hpp"
#include "reload.hpp"
#include "tables_swap.hpp"
#include "summary.hpp"

#include "mipgate/cli/dpdk_hooks.hpp"
#include "mipgate/cli/metrics_http.hpp"
#include "mipgate/cli/server.hpp"
#include "mipgate/cli/telemetry_twin.hpp"
#include "mipgate/config/load.hpp"
#include "mipgate/config/sizing.hpp"
#include "mipgate/control/dpdk_glue.hpp"
#include "mipgate/control/key_preload.hpp"
#include "mipgate/control/key_service.hpp"
#include "mipgate/control/router_identity.hpp"
#include "mipgate/control/fmip_service.hpp"
#include "mipgate/control/send_service.hpp"
#include "mipgate/control/telemetry.hpp"
#include "mipgate/fastpath/burst.hpp"
#include "mipgate/fastpath/eal_args.hpp"
#include "mipgate/fastpath/fmip_attach.hpp"
#include "mipgate/fastpath/forwarding_tables.hpp"
#include "mipgate/fastpath/generator.hpp"
#include "mipgate/fastpath/ports.hpp"
#include "mipgate/fastpath/worker_ctx.hpp"
#include "mipgate/log/log.hpp"
#include "mipgate/tables/binding_table.hpp"
#include "mipgate/tables/key_table.hpp"

#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_rcu_qsbr.h>
#include <rte_ring.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <memory>
#include <optional>
#include <pthread.h>
#include <sched.h>
#include <string>
#include <unistd.h>
#include <vector>

namespace {

using namespace mipgate;
namespace fp = mipgate::fastpath;
namespace ctl = mipgate::control;

volatile std::sig_atomic_t g_signal = 0;

void on_signal(int sig) { g_signal = sig; }

volatile std::sig_atomic_t g_reload = 0; // SIGHUP: the control loop reloads the configuration

void on_hup(int) { g_reload = 1; }

// EAL leaves its runtime directory behind (empty with --no-shconf once telemetry's own atexit
// handler removed its socket). Registered before rte_eal_init so that it runs after EAL's.
char g_runtime_dir[4096];

void remove_runtime_dir() {
    if (g_runtime_dir[0] != '\0') {
        rmdir(g_runtime_dir); // fails harmlessly when something is still in it
    }
}

// The CPUs the process may use, taken before rte_eal_init pins the main thread to its lcore.
cpu_set_t g_initial_cpus;
bool g_have_initial_cpus = false;

/// CPUs for the SEND signer threads: the process's CPUs minus those of the worker lcores (which
/// busy-poll), or all of them when nothing would be left. std::thread inherits the creating
/// thread's affinity, and after rte_eal_init that is the main lcore's single CPU: without this,
/// every signer would share one core and signing would not scale with the cores given to it.
cpu_set_t signer_cpus(unsigned nworkers, bool single) {
    cpu_set_t set = g_initial_cpus;
    if (!g_have_initial_cpus) {
        CPU_ZERO(&set);
        CPU_SET(rte_lcore_to_cpu_id(static_cast<int>(rte_get_main_lcore())), &set);
        return set;
    }
    if (!single) {
        unsigned w = 0;
        unsigned lcore;
        RTE_LCORE_FOREACH_WORKER(lcore) {
            if (w++ == nworkers) {
                break;
            }
            const int cpu = rte_lcore_to_cpu_id(static_cast<int>(lcore));
            if (cpu >= 0) {
                CPU_CLR(cpu, &set);
            }
        }
    }
    if (CPU_COUNT(&set) == 0) {
        set = g_initial_cpus;
    }
    return set;
}

/// system.signer_cpus (validated syntax) as a CPU set; false, with a message on stderr, when a
/// listed CPU is not one the process may run on (taskset, cgroup cpuset).
bool configured_signer_cpus(const std::string& list, cpu_set_t& out) {
    CPU_ZERO(&out);
    for (unsigned cpu : config::parse_cpu_list(list).value_or(std::vector<unsigned>{})) {
        if (cpu >= CPU_SETSIZE || (g_have_initial_cpus && !CPU_ISSET(cpu, &g_initial_cpus))) {
            std::fprintf(stderr, "mipgate: system.signer_cpus \"%s\": CPU %u is not one this process may run on\n",
                         list.c_str(), cpu);
            return false;
        }
        CPU_SET(cpu, &out);
    }
    if (CPU_COUNT(&out) == 0) {
        std::fprintf(stderr, "mipgate: system.signer_cpus \"%s\": no CPU\n", list.c_str());
        return false;
    }
    return true;
}

struct worker_launch {
    fp::worker_ctx* ctx;
    const std::atomic<bool>* quit;
    rte_rcu_qsbr* qsbr; ///< null without a control plane (no shared table to reclaim)
};

// House style 7: a worker is online for the whole loop and reports one quiescent state per
// pass, so records the control plane retires (handover keys) are freed one pass after the last
// worker could have seen them.
void qsbr_enter(rte_rcu_qsbr* q, unsigned id) {
    if (q != nullptr) {
        rte_rcu_qsbr_thread_register(q, id);
        rte_rcu_qsbr_thread_online(q, id);
    }
}

void qsbr_leave(rte_rcu_qsbr* q, unsigned id) {
    if (q != nullptr) {
        rte_rcu_qsbr_thread_offline(q, id);
        rte_rcu_qsbr_thread_unregister(q, id);
    }
}

int worker_main(void* arg) {
    auto* l = static_cast<worker_launch*>(arg);
    const unsigned id = l->ctx->worker_id;
    qsbr_enter(l->qsbr, id);
    while (!l->quit->load(std::memory_order_relaxed)) {
        fp::poll_once(*l->ctx);
        if (l->qsbr != nullptr) {
            rte_rcu_qsbr_quiescent(l->qsbr, id);
        }
    }
    qsbr_leave(l->qsbr, id);
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

    // Control plane (only with a router identity). Torn down before ports and pool.
    std::shared_ptr<const ctl::router_identity> identity; ///< current (rotation replaces it)
    rte_rcu_qsbr* qsbr = nullptr;        ///< the workers' QSBR variable (rte_zmalloc)
    std::unique_ptr<tables::key_table> key_table;
    std::unique_ptr<ctl::key_service> keys;
    std::unique_ptr<ctl::send_service> send;
    std::unique_ptr<tables::binding_table> bindings; ///< FMIPv6 PAR bindings (same QSBR)
    std::unique_ptr<ctl::fmip_service> fmip;
    bool telemetry = false;
    unsigned signer_cpu_count = 0;
    ctl::control_io ctl_io;
    ctl::control_io_stats ctl_stats;
    app::forwarding_state fwd;           ///< forwarding-table swaps (reload, rotation)
    app::rotation_context rotation;

    explicit runtime(const config::config& c) : cfg(c) {}

    /// After the workers stopped: no more telemetry reads, signer threads joined, and every mbuf
    /// still on the slow-path or hand-over rings freed. Idempotent.
    void stop_control() {
        if (telemetry) {
            ctl::unregister_telemetry();
            telemetry = false;
        }
        if (send) {
            send->stop();
        }
        std::vector<rte_ring*> rings = ctl_io.tx_handoff;
        rings.push_back(ctl_io.ring);
        for (rte_ring* r : rings) {
            if (r == nullptr) {
                continue;
            }
            void* objs[64];
            unsigned n;
            while ((n = rte_ring_dequeue_burst(r, objs, 64, nullptr)) != 0) {
                rte_pktmbuf_free_bulk(reinterpret_cast<rte_mbuf**>(objs), n);
            }
        }
    }

    /// Frees the control plane: send service, key service, key table (its deferred records are
    /// reclaimed now that no worker is online), rings, the QSBR area. Idempotent; before the ports
    /// close and the pool is freed.
    void teardown_control() {
        stop_control();
        fmip.reset();     // services before the tables they write
        send.reset();
        keys.reset();
        bindings.reset(); // tables before the QSBR area below
        key_table.reset();
        for (rte_ring* r : ctl_io.tx_handoff) {
            rte_ring_free(r);
        }
        ctl_io.tx_handoff.clear();
        rte_ring_free(ctl_io.ring);
        ctl_io.ring = nullptr;
        rte_free(qsbr);
        qsbr = nullptr;
    }

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

/// The control plane over a loaded router identity: the workers' QSBR variable, the key table and
/// its service, the SEND service (signer threads), telemetry, the slow-path ring, and per port the
/// control TX queue or, when the device has none to spare, a hand-over ring to worker 0.
int start_control(runtime& rt, const app::options& opts, unsigned nworkers, int socket) {
    const auto& cfg = rt.cfg;
    const auto& rps = rt.ports.ports();
    auto kt = tables::key_table::create("mg_keys", cfg.handover_keys.capacity, rt.qsbr, socket);
    if (!kt) {
        std::fprintf(stderr, "mipgate: handover-key table of %u: %s (raise system.memory_mb?)\n",
                     cfg.handover_keys.capacity, kt.err().message.c_str());
        return 1;
    }
    rt.key_table = std::move(kt.value());
    rt.keys = std::make_unique<ctl::key_service>(*rt.key_table, cfg.handover_keys);
    if (!cfg.handover_keys.preload_file.empty()) {
        auto n = ctl::preload_keys(cfg.handover_keys.preload_file, cfg.handover_keys, *rt.key_table);
        if (!n) {
            std::fprintf(stderr, "mipgate: handover_keys.preload_file: %s\n", n.err().message.c_str());
            return 1;
        }
        std::printf("mipgate: %u handover key(s) preloaded from %s\n", n.value(),
                    cfg.handover_keys.preload_file.c_str());
    }

    std::vector<ctl::port_info> infos;
    for (const auto& p : rps) {
        infos.push_back(ctl::port_info{p.mac, p.mtu});
    }
    ctl::service_options so;
    so.signer_threads = opts.signer_threads.value_or(cfg.system.signer_threads);
    // The signer threads inherit this thread's affinity: widen it while they are created.
    cpu_set_t mine;
    const bool have_mine = pthread_getaffinity_np(pthread_self(), sizeof(mine), &mine) == 0;
    cpu_set_t signers;
    if (cfg.system.signer_cpus.empty()) {
        signers = signer_cpus(nworkers, rte_lcore_count() == 1);
    } else if (!configured_signer_cpus(cfg.system.signer_cpus, signers)) {
        return 1;
    }
    rt.signer_cpu_count = static_cast<unsigned>(CPU_COUNT(&signers));
    pthread_setaffinity_np(pthread_self(), sizeof(signers), &signers);
    auto svc = ctl::send_service::create(cfg, rt.identity, *rt.keys, std::move(infos), so);
    if (have_mine) {
        pthread_setaffinity_np(pthread_self(), sizeof(mine), &mine);
    }
    if (!svc) {
        std::fprintf(stderr, "mipgate: SEND service: %s\n", svc.err().message.c_str());
        return 1;
    }
    rt.send = std::move(svc.value());
    if (auto t = ctl::register_telemetry(*rt.send); !t) {
        std::fprintf(stderr, "mipgate: telemetry: %s\n", t.err().message.c_str());
        return 1;
    }
    rt.telemetry = true;

    // FMIPv6 (RFC 5268): the binding table the workers tunnel with, and the PAR/NAR service that
    // writes it and the NAR's neighbour entries (erased after a grace period: same QSBR).
    auto bt = tables::binding_table::create("mg_bindings", cfg.fmip.bindings, rt.qsbr, socket);
    if (!bt) {
        std::fprintf(stderr, "mipgate: binding table of %u: %s (raise system.memory_mb?)\n", cfg.fmip.bindings,
                     bt.err().message.c_str());
        return 1;
    }
    rt.bindings = std::move(bt.value());
    if (auto q = rt.tables->neighbors().attach_qsbr(rt.qsbr); !q) {
        std::fprintf(stderr, "mipgate: neighbor table RCU: %s\n", q.err().message.c_str());
        return 1;
    }
    ctl::fmip_deps fd;
    fd.keys = rt.keys.get();
    fd.bindings = rt.bindings.get();
    fd.neighbors = &rt.tables->neighbors();
    for (const auto& p : rps) {
        fd.ports.push_back(ctl::port_info{p.mac, p.mtu});
        fd.port_ids.push_back(p.port_id);
    }
    fd.resolve = ctl::make_fib_resolver(*rt.tables, cfg);
    auto fm = ctl::fmip_service::create(cfg, std::move(fd));
    if (!fm) {
        std::fprintf(stderr, "mipgate: FMIPv6 service: %s\n", fm.err().message.c_str());
        return 1;
    }
    rt.fmip = std::move(fm.value());
    if (auto t = ctl::register_fmip_telemetry(*rt.fmip); !t) {
        std::fprintf(stderr, "mipgate: telemetry: %s\n", t.err().message.c_str());
        return 1;
    }

    rt.ctl_io.ring = ctl::create_slow_path_ring("mg_slow", cfg.limits.slow_path_ring, socket);
    if (rt.ctl_io.ring == nullptr) {
        std::fprintf(stderr, "mipgate: slow-path ring of %u: %s\n", cfg.limits.slow_path_ring,
                     rte_strerror(rte_errno));
        return 1;
    }
    rt.ctl_io.pool = rt.pool;
    rt.ctl_io.tx_handoff.assign(rps.size(), nullptr);
    for (std::size_t p = 0; p < rps.size(); ++p) {
        rt.ctl_io.port_ids.push_back(rps[p].port_id);
        rt.ctl_io.control_txq.push_back(rps[p].control_txq);
        if (rps[p].control_txq >= 0) {
            continue;
        }
        // No spare TX queue (net_pcap with one tx_pcap, net_af_packet with qpairs=1): worker 0
        // sends the replies on its own queue, so no TX queue is ever shared between lcores.
        const std::string name = "mg_ctx_" + std::to_string(p);
        rt.ctl_io.tx_handoff[p] = rte_ring_create(name.c_str(), 1024, socket, RING_F_SP_ENQ | RING_F_SC_DEQ);
        if (rt.ctl_io.tx_handoff[p] == nullptr) {
            std::fprintf(stderr, "mipgate: control hand-over ring for port %s: %s\n", rps[p].name.c_str(),
                         rte_strerror(rte_errno));
            return 1;
        }
    }
    return 0;
}

/// The YAML `show config` prints: the file as loaded, or the embedded default.
std::string config_text(const app::options& opts) {
    if (opts.config_path.empty()) {
        return std::string(config::embedded_default());
    }
    std::ifstream f(opts.config_path);
    std::stringstream ss;
    ss << f.rdbuf();
    return ss.str();
}

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

    // The router identity first: its CGAs are local addresses of the FIB.
    std::vector<ipv6_addr> router_addresses;
    if (cfg.router) {
        auto id = ctl::router_identity::load(cfg);
        if (!id) {
            std::fprintf(stderr, "mipgate: router identity: %s\n", id.err().message.c_str());
            return 1;
        }
        rt.identity = std::move(id.value());
        for (const auto& w : rt.identity->warnings()) {
            std::fprintf(stderr, "mipgate: warning: router identity: %s\n", w.c_str());
        }
        for (const auto& a : rt.identity->addresses()) {
            router_addresses.push_back(a.address);
        }
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
    const int socket = static_cast<int>(rte_socket_id());
    auto tb = fp::forwarding_tables::build(cfg, rt.ports.bindings(), "mg", socket, router_addresses);
    if (!tb) {
        std::fprintf(stderr, "mipgate: %s\n", tb.err().message.c_str());
        return 1;
    }
    rt.tables = std::move(tb.value());
    // The workers' QSBR variable: the key, binding and neighbor tables reclaim with it, and a
    // forwarding-table swap (reload, rotation) waits on it, so it exists even without a router.
    const std::size_t qsz = rte_rcu_qsbr_get_memsize(nworkers);
    rt.qsbr = static_cast<rte_rcu_qsbr*>(rte_zmalloc_socket("mg_qsbr", qsz, RTE_CACHE_LINE_SIZE, socket));
    if (rt.qsbr == nullptr || rte_rcu_qsbr_init(rt.qsbr, nworkers) != 0) {
        std::fprintf(stderr, "mipgate: RCU QSBR for %u worker(s): %s\n", nworkers, rte_strerror(rte_errno));
        return 1;
    }

    const auto& rps = rt.ports.ports();
    if (rt.identity) {
        if (int rc = start_control(rt, opts, nworkers, socket); rc != 0) {
            return rc;
        }
    }
    for (unsigned w = 0; w < nworkers; ++w) {
        auto ctx = std::make_unique<fp::worker_ctx>();
        ctx->tables = rt.tables.get();
        ctx->tables_pub.store(rt.tables.get(), std::memory_order_relaxed); // before the launch
        ctx->worker_id = w;
        ctx->burst = static_cast<std::uint16_t>(std::clamp(cfg.system.burst, 1u, fp::max_burst));
        for (std::size_t p = 0; p < rps.size(); ++p) {
            if (w < rps[p].nb_rxq) {
                ctx->rx[ctx->n_rx++] = fp::rx_queue_ref{rps[p].port_id, static_cast<std::uint16_t>(w)};
            }
            ctx->tx[p].port_id = rps[p].port_id;
            ctx->tx[p].queue_id = static_cast<std::uint16_t>(w);
            ctx->tx[p].enabled = w < rps[p].nb_txq;
            // Worker 0 sends the control plane's frames for ports without a control TX queue.
            if (w == 0 && p < rt.ctl_io.tx_handoff.size() && rt.ctl_io.tx_handoff[p] != nullptr) {
                ctx->control_tx[ctx->n_control_tx++] =
                    fp::control_tx_ref{rt.ctl_io.tx_handoff[p], static_cast<std::uint16_t>(p)};
            }
        }
        ctx->control_ring = rt.ctl_io.ring;
        if (rt.key_table) {
            if (auto a = fp::attach_fmip(*ctx, rt.key_table.get(), rt.bindings.get()); !a) {
                std::fprintf(stderr, "mipgate: FMIPv6 on worker %u: %s\n", w, a.err().message.c_str());
                return 1;
            }
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
    std::signal(SIGHUP, on_hup);

    if (!single) {
        rt.launches.reserve(nworkers);
        unsigned w = 0;
        unsigned lcore;
        RTE_LCORE_FOREACH_WORKER(lcore) {
            if (w == nworkers) {
                break;
            }
            rt.launches.push_back(worker_launch{rt.workers[w].get(), &rt.quit, rt.qsbr});
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
    // Forwarding-table swaps and identity rotation (app/tables_swap.hpp, app/identity_rotation.hpp).
    rt.fwd.live = &rt.tables;
    for (auto& w : rt.workers) {
        rt.fwd.workers.push_back(w.get());
    }
    rt.fwd.ports = rt.ports.bindings(); // by value: one copy, not two iterators of two temporaries
    rt.fwd.socket_id = socket;
    rt.fwd.qsbr = rt.qsbr;
    rt.fwd.caller_qsbr_id = single ? 0 : -1; // single-lcore: the main lcore reports for worker 0
    rt.fwd.neighbors_qsbr = rt.fmip != nullptr;

    // Reload (SIGHUP, `mipgatectl reload`): what can change without a restart (app/reload.hpp).
    app::reload_targets targets;
    targets.tables_swap = [&rt](const config::config& c) -> result<void> {
        const std::vector<ipv6_addr> a = rt.send ? rt.send->addresses() : std::vector<ipv6_addr>{};
        return app::swap_forwarding_tables(rt.fwd, c, a);
    };
    if (rt.send) {
        targets.identity = [&rt](const config::router_identity& r) -> result<void> {
            auto x = app::rotate_identity(rt.rotation, r);
            if (!x) {
                return x.err();
            }
            return {};
        };
    }
    if (rt.send) {
        targets.rate_limits = [&rt](const config::limits_cfg& l) { rt.send->set_rate_limits(l); };
        targets.key_policy = [&rt](const config::handover_key_policy& p) { rt.keys->set_policy(p); };
    }
    // Hooks left empty (no router: no SEND or FMIP service) report their options as needing a restart.
    if (rt.fmip) {
        targets.fmip = [&rt](const config::config& c) { rt.fmip->set_policy(c); };
        // Rebuilt tables: the NAR's proxy entries move over and HI/HAck/FBack route with the new FIB.
        app::on_tables_replaced(rt.fwd, [&rt, &cfg](fp::forwarding_tables& t) {
            rt.fmip->retarget(&t.neighbors(), ctl::make_fib_resolver(t, cfg));
        });
    }
    app::reloader reload(opts.config_path, cfg, config_text(opts), std::move(targets));
    rt.rotation.fwd = &rt.fwd;
    rt.rotation.send = rt.send.get();
    rt.rotation.identity = &rt.identity;
    rt.rotation.running = &reload.running();
    app::install_retirement_swap(rt.rotation);

    // Control socket (mipgatectl) and metrics endpoint: served from the control loop below.
    std::optional<cli::cli_server> cli_srv;
    std::optional<cli::metrics_http> metrics_srv;
    const app::control_endpoints endpoints = app::resolve_control(opts, cfg);
    if (!endpoints.socket.empty()) {
        cli_srv.emplace();
        cli::dpdk_hook_inputs in;
        for (unsigned w = 0; w < nworkers; ++w) {
            const unsigned lc = single ? rte_get_main_lcore() : rt.worker_lcores[w];
            in.workers.push_back(cli::worker_counters_ref{lc, &rt.workers[w]->counters});
        }
        in.ports = &rt.ports;
        in.send = rt.send.get(); // null without a `router` section: keys/send stay "not implemented"
        in.fmip = rt.fmip.get();
        in.cfg = &reload.running();
        auto hooks = cli::make_dpdk_hooks(std::move(in));
        app::bind_reload_hooks(hooks, reload);
        cli::bind_app_hooks(cli_srv->table(), std::move(hooks));
        if (rt.send) {
            cli_srv->table().bind("rotate-identity", [&rt](const cli::invocation&) -> result<cli::value> {
                const auto& running = *rt.rotation.running;
                if (!running.router) {
                    return make_error(EINVAL, "rotate-identity: no router: section in the running configuration");
                }
                auto r = app::rotate_identity(rt.rotation, *running.router);
                if (!r) {
                    return r.err();
                }
                cli::value v;
                v.set("rotated", r->rotated);
                v.set("router", r->router);
                v.set("previous", r->previous);
                v.set("addresses", static_cast<std::uint64_t>(r->addresses));
                v.set("retiring_until", static_cast<std::int64_t>(r->retiring_until));
                return v;
            });
        }
        if (auto r = cli_srv->listen(endpoints.socket); !r && endpoints.socket_explicit) {
            std::fprintf(stderr, "mipgate: %s\n", r.err().message.c_str());
            rt.quit.store(true);
            rte_eal_mp_wait_lcore();
            return 1;
        } else if (!r) { // the default path: best effort
            std::fprintf(stderr, "mipgate: warning: no control socket: %s\n", r.err().message.c_str());
            cli_srv.reset();
        }
    }
    if (cli_srv) {
        if (auto r = cli::register_telemetry_twins(*cli_srv); !r) {
            std::fprintf(stderr, "mipgate: %s\n", r.err().message.c_str()); // not fatal
        }
        if (!endpoints.metrics_listen.empty()) {
            metrics_srv.emplace([&cli_srv] {
                auto r = cli_srv->execute({"metrics"});
                return r.ok && r.result.is_string() ? r.result.as_string() : std::string();
            });
            if (auto r = metrics_srv->listen(endpoints.metrics_listen); !r) {
                std::fprintf(stderr, "mipgate: %s\n", r.err().message.c_str());
                rt.quit.store(true);
                rte_eal_mp_wait_lcore();
                return 1;
            }
        }
    }
    std::printf("mipgate: running, %u port(s), %u worker(s)%s, config %s\n", static_cast<unsigned>(rps.size()),
                nworkers, single ? " on the main lcore" : "", cfg.source.c_str());
    if (rt.identity) {
        std::printf("mipgate: router %s, %zu global CGA(s), %u signer thread(s) on %u CPU(s), telemetry "
                    "%s/dpdk_telemetry.v2\n",
                    rt.identity->link_local().address.to_string().c_str(), rt.identity->addresses().size() - 1,
                    opts.signer_threads.value_or(cfg.system.signer_threads), rt.signer_cpu_count,
                    rte_eal_get_runtime_dir());
    }
    std::fflush(stdout);

    // Control loop (main lcore): generator, virtual wire, slow-path ring into the SEND service and
    // its replies out, stats tick; in single-lcore mode also the worker loop, interleaved (the main
    // lcore then reports worker 0's quiescent states).
    if (single) {
        qsbr_enter(rt.qsbr, 0);
    }
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
            if (rt.qsbr != nullptr) {
                rte_rcu_qsbr_quiescent(rt.qsbr, 0);
            }
        }
        if (rt.send) {
            work += ctl::control_poll(*rt.send, rt.fmip.get(), rt.ctl_io, rt.ctl_stats);
        }
        if (rt.gen) {
            work += rt.gen->step(cfg.system.burst);
        }
        work += rt.drain_wire();
        if (cli_srv) {
            work += cli_srv->poll();
        }
        if (g_reload != 0) {
            g_reload = 0;
            (void)reload.reload(); // logged by the reloader (mipgate.config)
        }
        if (metrics_srv) {
            work += metrics_srv->poll();
        }
        if (now >= next_tick) {
            app::print_tick(stdout, elapsed, rt.totals());
            next_tick += std::chrono::seconds(1);
        }
        if (work == 0) {
            usleep(200); // idle: leave the CPU to others (the control lcore is not a poller)
        }
    }
    const double seconds = std::chrono::duration<double>(clock::now() - t0).count();
    if (single) {
        qsbr_leave(rt.qsbr, 0);
    }

    // Stop: workers leave their loop (their TX stages are flushed every burst), then the wire is
    // drained one last time, the control plane stopped (telemetry, signer threads, rings), stats
    // read, the control plane freed, ports stopped and closed.
    metrics_srv.reset();
    if (cli_srv) {
        cli_srv->close();                  // wakes a telemetry twin waiting for the control lcore
        cli::unregister_telemetry_twins();
        cli_srv.reset();                   // before the state its handlers read goes away
    }
    rt.quit.store(true);
    rte_eal_mp_wait_lcore();
    rt.drain_wire();
    if (rt.send) {
        // Graceful stop: RX has stopped; what the workers already handed to the control plane is
        // finished (slow-path ring drained into the service, signers idle, replies sent on the
        // control TX queues; a hand-over ring's are freed with it) rather than dropped.
        mipgate::log::write(mipgate::log::type::app, mipgate::log::level::notice,
                            "stopping: RX stopped, finishing slow-path work");
        for (int i = 0; i < 64 && ctl::control_poll(*rt.send, rt.ctl_io, rt.ctl_stats) != 0; ++i) {
        }
        rt.send->wait_idle();
        ctl::control_poll(*rt.send, rt.ctl_io, rt.ctl_stats);
        rt.drain_wire();
    }
    rt.stop_control();

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
    if (rt.send) {
        app::control_summary c;
        c.router = rt.identity->link_local().address.to_string();
        c.keys = rt.keys->size();
        c.key_capacity = rt.keys->capacity();
        c.ring_rx = rt.ctl_stats.rx;
        c.rx_bad = rt.ctl_stats.rx_bad;
        c.tx = rt.ctl_stats.tx;
        c.tx_handoff = rt.ctl_stats.tx_handoff;
        c.tx_dropped = rt.ctl_stats.tx_dropped;
        c.keys_expired = rt.ctl_stats.keys_expired;
        c.service = rt.send->counters().all();
        if (rt.fmip) {
            for (auto& [name, value] : rt.fmip->counters().all()) {
                c.service.emplace_back("fmip_" + name, value);
            }
        }
        sum.control = std::move(c);
    }
    rt.teardown_control();
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
    if (opts.print_reload_table) {
        std::fputs(app::reload_table_markdown().c_str(), stdout);
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
    g_have_initial_cpus = sched_getaffinity(0, sizeof(g_initial_cpus), &g_initial_cpus) == 0;
    if (rte_eal_init(static_cast<int>(eal.size()), eal_argv.data()) < 0) {
        std::fprintf(stderr, "mipgate: EAL init failed: %s\n", rte_strerror(rte_errno));
        return 1;
    }
    std::snprintf(g_runtime_dir, sizeof(g_runtime_dir), "%s", rte_eal_get_runtime_dir());
    mipgate::log::init();     // the mipgate.* logtypes, then the `logging` section
    app::apply_logging(cfg.logging);
    int rc;
    {
        runtime rt(cfg);
        rc = start_and_run(rt, opts);
        rt.quit.store(true);
        rte_eal_mp_wait_lcore();
        rt.teardown_control();
        rt.ports.close_all();
        rt.tables.reset();
        rt.workers.clear();
        rte_mempool_free(rt.pool);
    }
    rte_eal_cleanup();
    return rc;
}
