#pragma once
// The handover-key table (RFC 5269 §3.2, §3.5): records keyed by the 16-byte CGA in an rte_hash
// with lock-free readers (RTE_HASH_EXTRA_FLAGS_RW_CONCURRENCY_LF) and one writer, the control
// thread. Deleted records are freed after an RCU QSBR grace period by the hash's integrated
// defer queue (rte_hash_rcu_qsbr_add), so a worker that found a record may use it until its next
// quiescent report (house style 7).

#include "mipgate/common/ipv6_addr.hpp"
#include "mipgate/common/result.hpp"
#include "mipgate/tables/key_record.hpp"

#include <cstdint>
#include <functional>
#include <memory>

struct rte_hash;
struct rte_rcu_qsbr;

namespace mipgate::tables {

class key_table {
public:
    enum class insert_status { inserted, exists, full, failed };

    /// Creates an empty table of at most `capacity` keys (a full table refuses new keys and never
    /// evicts a live one). `qsbr` is the RCU variable the workers report to; it must outlive the
    /// table. Control thread; allocates (DPDK memory); does not block.
    static result<std::unique_ptr<key_table>> create(const char* name, std::uint32_t capacity,
                                                     rte_rcu_qsbr* qsbr, int socket_id);
    ~key_table();
    key_table(const key_table&) = delete;
    key_table& operator=(const key_table&) = delete;

    /// Publishes a new record; `exists` (and the record is dropped) when the CGA already has one —
    /// RFC 5269 §3.2 wants the existing key returned, never replaced. Control thread only.
    insert_status insert(std::unique_ptr<key_record> rec);

    /// Removes the CGA's record; it is freed (and its secrets wiped) after a grace period.
    /// Control thread only. Returns false when there was none.
    bool erase(const ipv6_addr& cga);

    /// Removes every record with expires_s <= now. Control thread only. Returns how many.
    std::uint32_t expire(std::uint64_t now);

    /// Lock-free lookup. Any thread; a worker may use the result until its next quiescent report.
    const key_record* find(const ipv6_addr& cga) const noexcept;

    /// Bulk lock-free lookup of n ≤ 64 CGAs: out[i] = record or nullptr. Returns the hit count.
    /// Worker threads; no allocation, no lock.
    unsigned lookup_bulk(const ipv6_addr* const* cgas, unsigned n,
                         const key_record** out) const noexcept;

    /// Visits every record (CLI, telemetry). Control thread only.
    void for_each(const std::function<void(const key_record&)>& fn) const;

    std::uint32_t size() const noexcept { return _count; }
    std::uint32_t capacity() const noexcept { return _capacity; }

    /// Records handed to the defer queue and not yet freed (for tests and `show keys`).
    std::uint64_t pending_free() const noexcept;

private:
    key_table() = default;
    static void free_record(void* table, void* rec);

    rte_hash* _h = nullptr;
    std::uint32_t _capacity = 0;
    std::uint32_t _count = 0;
    std::uint64_t _freed = 0;
    std::uint64_t _retired = 0;
};

} // namespace mipgate::tables
