#pragma once
// Neighbor cache: (IPv6 address, egress port) → MAC. rte_hash with lock-free reader concurrency,
// so the control thread adds, replaces and (with attach_qsbr) removes entries while workers read.
// The MAC is packed into the 64-bit data word itself, so a replacement is one atomic store and
// no record ever needs freeing; a delete only has to keep the key slot from being reused before
// the readers' grace period (rte_hash_rcu_qsbr_add, defer-queue mode, no data free function).

#include "mipgate/common/ipv6_addr.hpp"
#include "mipgate/common/result.hpp"

#include <cstdint>
#include <cstring>
#include <string>

struct rte_hash;
struct rte_rcu_qsbr;

namespace mipgate::fastpath {

/// Hash key: the neighbor's address and the DPDK port it sits on (link-local addresses repeat
/// across links). 8-byte aligned and sized: rte_hash_crc reads the key 8 bytes at a time.
struct alignas(8) neighbor_key {
    std::uint8_t addr[16];
    std::uint16_t port_id;
    std::uint16_t pad[3]; ///< always 0: part of the hashed key
};
static_assert(sizeof(neighbor_key) == 24);

/// MAC → packed data word (bytes in wire order, low byte first). Any thread; no allocation.
inline std::uint64_t pack_mac(const mac_addr& m) noexcept {
    std::uint64_t v = 0;
    for (int i = 5; i >= 0; --i) {
        v = (v << 8) | m.b[static_cast<std::size_t>(i)];
    }
    return v | (std::uint64_t{1} << 63); // never 0, so a valid entry is never a null pointer
}

class neighbor_table {
public:
    neighbor_table() = default;
    neighbor_table(const neighbor_table&) = delete;
    neighbor_table& operator=(const neighbor_table&) = delete;
    neighbor_table(neighbor_table&& o) noexcept : _h(o._h), _qsbr(o._qsbr) {
        o._h = nullptr;
        o._qsbr = nullptr;
    }
    neighbor_table& operator=(neighbor_table&& o) noexcept;
    ~neighbor_table();

    /// Creates the hash (`name` unique in the process). Control thread at start; allocates.
    static result<neighbor_table> create(const std::string& name, std::uint32_t capacity, int socket_id);

    /// Adds or replaces an entry. Control thread only (single writer); may be called while
    /// workers read. Allocates nothing after create; never blocks.
    result<void> set(const ipv6_addr& addr, std::uint16_t port_id, const mac_addr& mac);

    /// Removes an entry (NAR: the MN's proxy entry once PROXY_ND_LIFETIME is over). With
    /// attach_qsbr the key slot is reused only after every worker reported quiescence; without it
    /// the slot is freed at once, which is safe only while no worker reads (start-up, tests).
    /// Control thread only (single writer); allocates nothing; never blocks. False if absent.
    bool erase(const ipv6_addr& addr, std::uint16_t port_id) noexcept;

    /// Attaches the workers' RCU QSBR variable (once, before the first erase; it must outlive the
    /// table). Control thread at start-up; allocates (the hash's defer queue); never blocks.
    result<void> attach_qsbr(rte_rcu_qsbr* qsbr);

    /// One lookup (control side / tests). Any thread; no allocation.
    bool lookup(const ipv6_addr& addr, std::uint16_t port_id, mac_addr& out) const noexcept;

    /// The hash for bulk lookups on the worker (rte_hash_lookup_bulk_data). Any thread.
    const rte_hash* handle() const noexcept { return _h; }

private:
    rte_hash* _h = nullptr;
    rte_rcu_qsbr* _qsbr = nullptr;
};

/// Builds a lookup key. Any thread.
inline neighbor_key make_neighbor_key(const std::uint8_t* addr, std::uint16_t port_id) noexcept {
    neighbor_key k;
    std::memcpy(k.addr, addr, 16);
    k.port_id = port_id;
    k.pad[0] = k.pad[1] = k.pad[2] = 0;
    return k;
}

} // namespace mipgate::fastpath
