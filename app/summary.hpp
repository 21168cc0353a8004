#pragma once
// The counters summary printed when mipgate stops. One fact per line, "key value" shaped, so
// that people read it and tests parse it:
//   counter <name> <value>  <description>
//   port <name> kind=<k> dpdk=<id> rx=<n> tx=<n> …
//   control router=<CGA> keys=<n> key_capacity=<n> ring_rx=<n> … (with a router identity)
//   service <name> <value>  (every SEND service counter, control/service_counters.def)

#include "mipgate/fastpath/counters.hpp"
#include "mipgate/fastpath/generator.hpp"

#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace mipgate::app {

struct port_summary {
    std::string name;
    std::string kind;
    std::uint16_t port_id = 0;
    std::uint64_t rx = 0, tx = 0, rx_missed = 0, rx_errors = 0, tx_errors = 0, rx_nombuf = 0;
    std::optional<std::uint64_t> wire_tx; ///< ring ports: frames that left on the virtual wire
};

/// The control plane's side (present when a router identity is configured).
struct control_summary {
    std::string router;                   ///< the link-local CGA
    std::uint32_t keys = 0;               ///< handover keys in the table at stop
    std::uint32_t key_capacity = 0;
    std::uint64_t ring_rx = 0, rx_bad = 0, tx = 0, tx_handoff = 0, tx_dropped = 0, keys_expired = 0;
    std::vector<std::pair<std::string, std::uint64_t>> service; ///< SEND service counters by name
};

struct run_summary {
    double seconds = 0;
    unsigned workers = 0;
    fastpath::counter_totals counters;
    std::vector<port_summary> ports;
    std::optional<fastpath::generator_stats> generator;
    std::optional<control_summary> control;
};

/// Prints the final summary. Main thread; allocates.
void print_summary(std::FILE* out, const run_summary& s);

/// One-line periodic stats. Main thread.
void print_tick(std::FILE* out, double t, const fastpath::counter_totals& c);

} // namespace mipgate::app
