#pragma once
// Operator read-out over DPDK telemetry (<runtime dir>/dpdk_telemetry.v2), never key bytes:
//   /mipgate/keys          parallel arrays cga[], at[], remaining_s[], uses[], kcv[] (first 512)
//   /mipgate/key,<CGA>     one key: cga, at, remaining_s, uses, kcv
//   /mipgate/send          every SEND service counter by name (service_counters::all)
//   /mipgate/fmip          every FMIPv6 service counter by name (fmip_counters.def)
//   /mipgate/bindings      PAR bindings: parallel arrays pcoa[], ncoa[], tunnel_src[],
//                          remaining_s[], seq[], encapsulated[], reverse[] (first 512)

#include "mipgate/common/result.hpp"

namespace mipgate::control {

class send_service;
class fmip_service;

/// Registers the three commands (once per process; later calls only retarget them) to read
/// `svc`. Control thread, after rte_eal_init; allocates. Callbacks run on DPDK's telemetry thread
/// and reach `svc` only through key_service's mutex and the counters' atomics.
result<void> register_telemetry(send_service& svc);

/// Registers /mipgate/fmip and /mipgate/bindings (once per process; later calls retarget them)
/// to read `svc`. Control thread, after rte_eal_init; allocates. Callbacks run on DPDK's
/// telemetry thread and reach `svc` only through its counters' atomics and list_bindings().
result<void> register_fmip_telemetry(fmip_service& svc);

/// Detaches the commands from the service (they answer with an error afterwards); call before
/// destroying the service. DPDK 22.11 cannot unregister commands. Control thread; may block
/// briefly while a telemetry request is being answered.
void unregister_telemetry() noexcept;

} // namespace mipgate::control
