#include "mipgate/fastpath/neighbor_table.hpp"

#include <rte_errno.h>
#include <rte_hash.h>
#include <rte_hash_crc.h>
#include <rte_rcu_qsbr.h>

#include <cerrno>

namespace mipgate::fastpath {

neighbor_table& neighbor_table::operator=(neighbor_table&& o) noexcept {
    if (this != &o) {
        rte_hash_free(_h);
        _h = o._h;
        _qsbr = o._qsbr;
        o._h = nullptr;
        o._qsbr = nullptr;
    }
    return *this;
}

neighbor_table::~neighbor_table() { rte_hash_free(_h); }

result<neighbor_table> neighbor_table::create(const std::string& name, std::uint32_t capacity,
                                              int socket_id) {
    rte_hash_parameters p{};
    p.name = name.c_str();
    p.entries = capacity < 64 ? 64 : capacity;
    p.key_len = sizeof(neighbor_key);
    p.hash_func = rte_hash_crc;
    p.socket_id = socket_id;
    p.extra_flag = RTE_HASH_EXTRA_FLAGS_RW_CONCURRENCY_LF;
    neighbor_table t;
    t._h = rte_hash_create(&p);
    if (t._h == nullptr) {
        return make_error(rte_errno, "neighbor table " + name + ": rte_hash_create: " +
                                         rte_strerror(rte_errno));
    }
    return t;
}

result<void> neighbor_table::set(const ipv6_addr& addr, std::uint16_t port_id, const mac_addr& mac) {
    neighbor_key k = make_neighbor_key(addr.b.data(), port_id);
    void* data = reinterpret_cast<void*>(static_cast<std::uintptr_t>(pack_mac(mac)));
    int rc = rte_hash_add_key_data(_h, &k, data);
    if (rc < 0) {
        return make_error(-rc, "neighbor " + addr.to_string() + ": table full");
    }
    return {};
}

result<void> neighbor_table::attach_qsbr(rte_rcu_qsbr* qsbr) {
    if (qsbr == nullptr || _h == nullptr) {
        return make_error(EINVAL, "neighbor table: no RCU variable or no table");
    }
    if (_qsbr != nullptr) {
        return make_error(EEXIST, "neighbor table: RCU variable already attached");
    }
    // DQ mode with no free function: the MAC lives in the data word, so the defer queue only has
    // to hold the key slot back until the grace period is over.
    rte_hash_rcu_config rc{};
    rc.v = qsbr;
    rc.mode = RTE_HASH_QSBR_MODE_DQ;
    if (rte_hash_rcu_qsbr_add(_h, &rc) != 0) {
        return make_error(rte_errno, std::string("neighbor table: rte_hash_rcu_qsbr_add: ") +
                                         rte_strerror(rte_errno));
    }
    _qsbr = qsbr;
    return {};
}

bool neighbor_table::erase(const ipv6_addr& addr, std::uint16_t port_id) noexcept {
    neighbor_key k = make_neighbor_key(addr.b.data(), port_id);
    const std::int32_t pos = rte_hash_del_key(_h, &k);
    if (pos < 0) {
        return false;
    }
    if (_qsbr == nullptr) {
        // RW_CONCURRENCY_LF implies "no free on delete": without RCU the slot is ours to free.
        rte_hash_free_key_with_position(_h, pos);
    }
    return true;
}

bool neighbor_table::lookup(const ipv6_addr& addr, std::uint16_t port_id, mac_addr& out) const noexcept {
    neighbor_key k = make_neighbor_key(addr.b.data(), port_id);
    void* data = nullptr;
    if (rte_hash_lookup_data(_h, &k, &data) < 0) {
        return false;
    }
    auto v = static_cast<std::uint64_t>(reinterpret_cast<std::uintptr_t>(data));
    for (std::size_t i = 0; i < 6; ++i) {
        out.b[i] = static_cast<std::uint8_t>(v >> (8 * i));
    }
    return true;
}

} // namespace mipgate::fastpath
