#pragma once
// Turning FMIPv6 on for one worker (docs/fmip-interface.md): the handover-key table for FBU
// verification, the PAR binding table for tunnelling, and the worker's own BADF engine.

#include "mipgate/common/result.hpp"
#include "mipgate/fastpath/worker_ctx.hpp"

namespace mipgate::fastpath {

/// Points `w` at the FMIPv6 tables and, when `keys` is given, creates the worker's badf_engine
/// (fmip::badf_default_backend). With `keys` the worker verifies FBUs (MH type 8) and hands the
/// verified ones, and ICMPv6 HI/HAck (154/4, 154/5), to w.control_ring; with `bindings` it
/// encapsulates transit packets for live bindings and accepts reverse tunnels from their NCoAs.
/// Both null leaves the worker as it was (FMIP off). The tables must outlive the worker's loop.
/// Control thread at start-up, before the worker runs; allocates (about 70 KiB for the engine);
/// never blocks.
result<void> attach_fmip(worker_ctx& w, const tables::key_table* keys,
                         const tables::binding_table* bindings);

} // namespace mipgate::fastpath
