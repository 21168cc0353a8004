#pragma once
// The one way lib/tables makes a control-written, worker-read table: an rte_hash keyed by a
// 16-byte IPv6 address with lock-free readers and extendable buckets, whose deleted records are
// freed after an RCU QSBR grace period by the hash's own defer queue (house style 7).

#include "mipgate/common/ipv6_addr.hpp"
#include "mipgate/common/result.hpp"

#include <rte_hash.h>

#include <cstdint>
#include <cstring>

struct rte_rcu_qsbr;

namespace mipgate::tables::detail {

/// The key as rte_hash reads it: rte_jhash loads 32-bit words, and ipv6_addr (alignment 1) may
/// sit anywhere, so every call gets an aligned copy (16 bytes, cheaper than one hash).
struct alignas(8) hash_key {
    std::uint8_t b[16];
    explicit hash_key(const ipv6_addr& a) noexcept { std::memcpy(b, a.b.data(), sizeof(b)); }
};

/// Bulk lock-free lookup of n addresses in chunks of RTE_HASH_LOOKUP_BULK_MAX: out[i] = record or
/// nullptr. Returns the hits. Any thread (workers); no allocation, no lock.
template <class R>
unsigned lookup_bulk_lf(const rte_hash* h, const ipv6_addr* const* addrs, unsigned n, const R** out) noexcept {
    alignas(8) std::uint8_t copies[RTE_HASH_LOOKUP_BULK_MAX][16];
    const void* keys[RTE_HASH_LOOKUP_BULK_MAX];
    void* data[RTE_HASH_LOOKUP_BULK_MAX];
    unsigned hits = 0;
    for (unsigned base = 0; base < n; base += RTE_HASH_LOOKUP_BULK_MAX) {
        const unsigned m = n - base < RTE_HASH_LOOKUP_BULK_MAX ? n - base : RTE_HASH_LOOKUP_BULK_MAX;
        for (unsigned i = 0; i < m; ++i) {
            std::memcpy(copies[i], addrs[base + i]->b.data(), 16);
            keys[i] = copies[i];
        }
        std::uint64_t mask = 0;
        rte_hash_lookup_bulk_data(h, keys, m, &mask, data);
        for (unsigned i = 0; i < m; ++i) {
            const bool hit = (mask >> i) & 1u;
            out[base + i] = hit ? static_cast<const R*>(data[i]) : nullptr;
            hits += hit ? 1 : 0;
        }
    }
    return hits;
}

/// `free_fn(ctx, data)` frees one record after its grace period. `what` names the table in errors.
/// Control thread; allocates (DPDK memory).
result<rte_hash*> create_lf_hash(const char* what, const char* name, std::uint32_t capacity, int socket_id,
                                 rte_rcu_qsbr* qsbr, void* ctx, void (*free_fn)(void*, void*));

/// Deletes every live record with `del(data)`, then frees the hash (which drains its defer queue
/// through the free function). No reader may run any more. Control thread.
void destroy_lf_hash(rte_hash* h, void (*del)(void*));

} // namespace mipgate::tables::detail
