#pragma once
// The telemetry twin of every `show` command (house style 11): `/mipgate/show/<words>` in DPDK
// telemetry (dpdk-telemetry.py), parameters = the command's arguments ("all,per-lcore" or a CGA).
// The telemetry thread hands the command to the control lcore (cli_server mailbox) and waits,
// so handlers keep their control-lcore contract.
//
// Answer layout (DPDK 22.11 nests one level only): scalar members as dict entries, nested
// objects flattened with '/', lists of rows as parallel arrays "<list>/<column>" (first 512
// rows), lists of scalars as arrays; errors as {"error": message}. DPDK allows only
// [A-Za-z0-9_/] in names: other characters become '_'.

#include "mipgate/cli/server.hpp"
#include "mipgate/common/result.hpp"

#include <string>
#include <vector>

struct rte_tel_data;

namespace mipgate::cli {

/// Registers /mipgate/show/<name> for every `show` entry of the server's table (later calls
/// retarget them to `server`). Control thread after rte_eal_init; allocates.
result<void> register_telemetry_twins(cli_server& server);
/// Detaches the twins (they answer with an error afterwards); call before destroying the server.
/// Control thread; may block until a running telemetry request ends (bounded by its timeout).
void unregister_telemetry_twins() noexcept;
/// The telemetry command name of a path: "show counters" → "/mipgate/show/counters". Any thread.
std::string telemetry_name(const std::string& path);
/// Fills `d` from a command's value (layout above). Any thread; allocates telemetry containers.
int to_telemetry(const value& v, rte_tel_data* d);

} // namespace mipgate::cli
