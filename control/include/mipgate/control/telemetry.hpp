#pragma once
// Operator read-out over DPDK telemetry (<runtime dir>/dpdk_telemetry.v2), never key bytes:
//   /mipgate/keys          parallel arrays cga[], at[], remaining_s[], uses[], kcv[] (first 512)
//   /mipgate/key,<CGA>     one key: cga, at, remaining_s, uses, kcv
//   /mipgate/send          every SEND service counter by name (service_counters::all)

#include "mipgate/common/result.hpp"

namespace mipgate::control {

class send_service;

/// Registers the three commands (once per process; later calls only retarget them) to read
/// `svc`. Control thread, after rte_eal_init; allocates. Callbacks run on DPDK's telemetry thread
/// and reach `svc` only through key_service's mutex and the counters' atomics.
result<void> register_telemetry(send_service& svc);

/// Detaches the commands from the service (they answer with an error afterwards); call before
/// destroying the service. DPDK 22.11 cannot unregister commands. Control thread; may block
/// briefly while a telemetry request is being answered.
void unregister_telemetry() noexcept;

} // namespace mipgate::control
