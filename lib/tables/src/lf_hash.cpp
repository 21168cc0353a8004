#include "lf_hash.hpp"

#include "mipgate/common/ipv6_addr.hpp"

#include <rte_errno.h>
#include <rte_hash.h>
#include <rte_jhash.h>
#include <rte_rcu_qsbr.h>

#include <string>

namespace mipgate::tables::detail {

result<rte_hash*> create_lf_hash(const char* what, const char* name, std::uint32_t capacity, int socket_id,
                                 rte_rcu_qsbr* qsbr, void* ctx, void (*free_fn)(void*, void*)) {
    rte_hash_parameters p{};
    p.name = name;
    // rte_hash needs at least 8 entries; the extendable buckets (EXT_TABLE) make every one of
    // `capacity` slots usable whatever the cuckoo collisions, so "full" means exactly full.
    p.entries = capacity < 8 ? 8 : capacity;
    p.key_len = sizeof(ipv6_addr::b);
    p.hash_func = rte_jhash;
    p.hash_func_init_val = 0;
    p.socket_id = socket_id;
    p.extra_flag = RTE_HASH_EXTRA_FLAGS_RW_CONCURRENCY_LF | RTE_HASH_EXTRA_FLAGS_EXT_TABLE;
    rte_hash* h = rte_hash_create(&p);
    if (h == nullptr) {
        return make_error(rte_errno, std::string(what) + ": rte_hash_create: " + rte_strerror(rte_errno));
    }
    rte_hash_rcu_config rc{};
    rc.v = qsbr;
    rc.mode = RTE_HASH_QSBR_MODE_DQ;
    rc.key_data_ptr = ctx;
    rc.free_key_data_func = free_fn;
    if (rte_hash_rcu_qsbr_add(h, &rc) != 0) {
        const int e = rte_errno;
        rte_hash_free(h);
        return make_error(e, std::string(what) + ": rte_hash_rcu_qsbr_add: " + rte_strerror(e));
    }
    return h;
}

void destroy_lf_hash(rte_hash* h, void (*del)(void*)) {
    if (h == nullptr) {
        return;
    }
    const void* key = nullptr;
    void* data = nullptr;
    std::uint32_t it = 0;
    while (rte_hash_iterate(h, &key, &data, &it) >= 0) {
        del(data);
    }
    rte_hash_free(h);
}

} // namespace mipgate::tables::detail
