#include "mipgate/fastpath/neighbor_table.hpp"

#include <rte_errno.h>
#include <rte_hash.h>
#include <rte_hash_crc.h>

#include <cerrno>

namespace mipgate::fastpath {

neighbor_table& neighbor_table::operator=(neighbor_table&& o) noexcept {
    if (this != &o) {
        rte_hash_free(_h);
        _h = o._h;
        o._h = nullptr;
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
