#pragma once
// The EAL world of the fast-path tests: EAL without hugepages under its own file prefix, an mbuf
// pool, the configuration's ring ports brought up for one worker and their forwarding tables.
// Each test binary passes its configuration and a name; tests reach it through g_env.

#include "mipgate/config/config.hpp"
#include "mipgate/fastpath/forwarding_tables.hpp"
#include "mipgate/fastpath/ports.hpp"

#include <gtest/gtest.h>
#include <rte_eal.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>
#include <rte_ring.h>

#include <cstdio>
#include <cstdlib>
#include <functional>
#include <memory>
#include <string>
#include <unistd.h>
#include <vector>

namespace mipgate::fp_test {

struct env {
    rte_mempool* pool = nullptr;
    config::config cfg;
    fastpath::port_set ports;
    std::unique_ptr<fastpath::forwarding_tables> tables;
};
inline env* g_env = nullptr;

// EAL's runtime directory is emptied by telemetry's atexit handler; remove it after that one.
inline char g_runtime_dir[4096];
inline void remove_runtime_dir() {
    if (g_runtime_dir[0] != '\0') {
        rmdir(g_runtime_dir);
    }
}

class eal_environment : public ::testing::Environment {
public:
    /// `name`: file prefix, pool and table names; `make_cfg`: the ports, routes and neighbours.
    eal_environment(std::string name, std::function<config::config()> make_cfg)
        : _name(std::move(name)), _make_cfg(std::move(make_cfg)) {}

    void SetUp() override {
        std::string prefix = "--file-prefix=mg_" + _name + "_" + std::to_string(getpid());
        std::vector<std::string> args{_name, "--no-huge", "--no-pci", "-m", "128", "--no-shconf",
                                      "-l", "0", "--log-level=lib.eal:error", prefix};
        std::vector<char*> argv;
        for (auto& s : args) {
            argv.push_back(s.data());
        }
        std::atexit(remove_runtime_dir);
        ASSERT_GE(rte_eal_init(static_cast<int>(argv.size()), argv.data()), 0);
        std::snprintf(g_runtime_dir, sizeof(g_runtime_dir), "%s", rte_eal_get_runtime_dir());
        g_env = new env();
        g_env->cfg = _make_cfg();
        g_env->pool = rte_pktmbuf_pool_create((_name + "_pool").c_str(), 2047, 0, 0, RTE_MBUF_DEFAULT_BUF_SIZE,
                                              static_cast<int>(rte_socket_id()));
        ASSERT_NE(g_env->pool, nullptr);
        auto ps = fastpath::port_set::bring_up(g_env->cfg, g_env->pool, 1);
        ASSERT_TRUE(ps.ok()) << ps.err().message;
        g_env->ports = std::move(ps.value());
        auto t = fastpath::forwarding_tables::build(g_env->cfg, g_env->ports.bindings(), _name,
                                                    static_cast<int>(rte_socket_id()));
        ASSERT_TRUE(t.ok()) << t.err().message;
        g_env->tables = std::move(t.value());
    }
    void TearDown() override {
        if (g_env != nullptr) {
            g_env->ports.close_all();
            g_env->tables.reset();
            rte_mempool_free(g_env->pool);
            delete g_env;
            g_env = nullptr;
        }
        rte_eal_cleanup();
    }

private:
    std::string _name;
    std::function<config::config()> _make_cfg;
};

/// Frames the ring port at index `idx` transmitted (taken from its TX ring; the caller frees them).
inline std::vector<rte_mbuf*> sent(int idx) {
    std::vector<rte_mbuf*> out;
    void* o = nullptr;
    while (rte_ring_dequeue(g_env->ports.ports()[static_cast<std::size_t>(idx)].tx_ring, &o) == 0) {
        out.push_back(static_cast<rte_mbuf*>(o));
    }
    return out;
}

/// Frees whatever every port transmitted.
inline void drain_all() {
    for (std::size_t i = 0; i < g_env->ports.ports().size(); ++i) {
        for (auto* m : sent(static_cast<int>(i))) {
            rte_pktmbuf_free(m);
        }
    }
}

} // namespace mipgate::fp_test
