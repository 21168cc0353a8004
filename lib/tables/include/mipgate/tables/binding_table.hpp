#pragma once
// The FMIPv6 PAR binding table (RFC 5268 §5.1: "the PAR ... establishes a binding between PCoA
// and NCoA" and tunnels packets for the PCoA to the NCoA). Records keyed by the 16-byte PCoA in an
// rte_hash with lock-free readers (RTE_HASH_EXTRA_FLAGS_RW_CONCURRENCY_LF) and one writer, the
// control thread (docs/fmip-interface: SVC's fmip_service). Records are immutable; a replacement
// publishes a new record with one atomic store of the data pointer and retires the old one after
// an RCU QSBR grace period, so a worker may use a record it found until its next quiescent report
// (house style 7).

#include "mipgate/common/ipv6_addr.hpp"
#include "mipgate/common/result.hpp"
#include "mipgate/tables/key_record.hpp"

#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>

struct rte_hash;
struct rte_rcu_qsbr;

namespace mipgate::tables {

/// One PCoA → NCoA binding as the PAR holds it. Immutable once published (the counters excepted).
struct binding_record {
    binding_record(const ipv6_addr& pcoa_, const ipv6_addr& ncoa_, const ipv6_addr& tunnel_src_,
                   std::uint64_t created_s_, std::uint64_t expires_s_, std::uint16_t seq_)
        : pcoa(pcoa_), ncoa(ncoa_), tunnel_src(tunnel_src_), created_s(created_s_),
          expires_s(expires_s_), seq(seq_) {}

    const ipv6_addr pcoa;       ///< the MN's previous CoA (the FBU's HAO), the key
    const ipv6_addr ncoa;       ///< the MN's new CoA: the tunnel's far end (outer destination)
    const ipv6_addr tunnel_src; ///< the PAR's address used as the outer source (RFC 2473 §3)
    const std::uint64_t created_s; ///< now_s() time base (key_record.hpp)
    const std::uint64_t expires_s; ///< the binding is dead from this second on
    const std::uint16_t seq;       ///< FBU sequence number that made it
    /// Packets encapsulated towards the NCoA (workers, relaxed; statistics only).
    mutable std::atomic<std::uint64_t> encapsulated{0};
    /// Reverse-tunnelled packets accepted from the NCoA (workers, relaxed; statistics only).
    mutable std::atomic<std::uint64_t> reverse{0};

    bool live(std::uint64_t now) const noexcept { return now < expires_s; }
};

class binding_table {
public:
    enum class insert_status { inserted, replaced, full, failed };

    /// Creates an empty table of at most `capacity` bindings. `qsbr` is the RCU variable the
    /// workers report to; it must outlive the table. Control thread; allocates (DPDK memory);
    /// does not block.
    static result<std::unique_ptr<binding_table>> create(const char* name, std::uint32_t capacity,
                                                         rte_rcu_qsbr* qsbr, int socket_id);
    /// Frees every record, retired or live. No worker may read the table any more.
    ~binding_table();
    binding_table(const binding_table&) = delete;
    binding_table& operator=(const binding_table&) = delete;

    /// Publishes `rec`, replacing the PCoA's existing record atomically (readers see the old or
    /// the new record, never none); the old record is freed after a grace period. `full` (and the
    /// record is dropped) when a new PCoA does not fit. Control thread only; allocates a little
    /// (the retire list) on replace; never blocks.
    insert_status upsert(std::unique_ptr<binding_record> rec);

    /// Removes the PCoA's binding; the record is freed after a grace period. Control thread only.
    /// Returns false when there was none.
    bool erase(const ipv6_addr& pcoa);

    /// Removes every record with expires_s <= now, calling on_expired(record) for each before
    /// retiring it (the record is still valid during the call). Control thread only; allocates
    /// (a list of the dead PCoAs). Returns how many were removed.
    std::uint32_t expire(std::uint64_t now,
                         const std::function<void(const binding_record&)>& on_expired);

    /// Lock-free lookup. Any thread; a worker may use the result until its next quiescent report.
    const binding_record* find(const ipv6_addr& pcoa) const noexcept;

    /// Bulk lock-free lookup of n PCoAs (any n; done in chunks of 64): out[i] = record or nullptr.
    /// Returns the hit count. Liveness is the caller's check (binding_record::live).
    /// Worker threads; no allocation, no lock; never blocks.
    unsigned lookup_bulk(const ipv6_addr* const* pcoas, unsigned n,
                         const binding_record** out) const noexcept;

    /// Visits every record (CLI, telemetry). Control thread only (the writer's thread).
    void for_each(const std::function<void(const binding_record&)>& fn) const;

    /// Bindings in the table. Any thread (relaxed atomic): workers read it once per burst to skip
    /// the transit lookup when there is no binding at all.
    std::uint32_t size() const noexcept { return _count.load(std::memory_order_relaxed); }
    std::uint32_t capacity() const noexcept { return _capacity; }

    /// Records removed or replaced and not yet freed (tests, `show bindings`). Control thread.
    std::uint64_t pending_free() const noexcept;

    /// Frees the replaced records whose grace period is over (also done by every upsert/erase).
    /// Control thread only; never blocks.
    void reclaim() noexcept;

private:
    binding_table() = default;
    static void free_record(void* table, void* rec);

    struct retired {
        std::uint64_t token;   ///< rte_rcu_qsbr_start token taken when it was replaced
        binding_record* rec;
    };

    rte_hash* _h = nullptr;
    rte_rcu_qsbr* _qsbr = nullptr;
    std::uint32_t _capacity = 0;
    std::atomic<std::uint32_t> _count{0};
    std::uint64_t _freed = 0;    ///< freed by the hash's defer queue (erase/expire)
    std::uint64_t _deleted = 0;  ///< handed to the hash's defer queue
    std::deque<retired> _replaced; ///< replaced records waiting for their grace period (FIFO)
};

} // namespace mipgate::tables
