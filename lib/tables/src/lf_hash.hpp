#pragma once
// The one way lib/tables makes a control-written, worker-read table: an rte_hash keyed by a
// 16-byte IPv6 address with lock-free readers and extendable buckets, whose deleted records are
// freed after an RCU QSBR grace period by the hash's own defer queue (house style 7).

#include "mipgate/common/result.hpp"

#include <cstdint>

struct rte_hash;
struct rte_rcu_qsbr;

namespace mipgate::tables::detail {

/// `free_fn(ctx, data)` frees one record after its grace period. `what` names the table in errors.
/// Control thread; allocates (DPDK memory).
result<rte_hash*> create_lf_hash(const char* what, const char* name, std::uint32_t capacity, int socket_id,
                                 rte_rcu_qsbr* qsbr, void* ctx, void (*free_fn)(void*, void*));

/// Deletes every live record with `del(data)`, then frees the hash (which drains its defer queue
/// through the free function). No reader may run any more. Control thread.
void destroy_lf_hash(rte_hash* h, void (*del)(void*));

} // namespace mipgate::tables::detail
