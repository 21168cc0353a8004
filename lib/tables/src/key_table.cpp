#include "mipgate/tables/key_table.hpp"

#include "lf_hash.hpp"

#include <rte_errno.h>
#include <rte_hash.h>
#include <rte_rcu_qsbr.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <string>
#include <vector>

namespace mipgate::tables {

std::uint64_t now_s() noexcept {
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
    return static_cast<std::uint64_t>(ts.tv_sec);
}

result<std::unique_ptr<key_table>> key_table::create(const char* name, std::uint32_t capacity,
                                                     rte_rcu_qsbr* qsbr, int socket_id) {
    if (capacity == 0 || qsbr == nullptr) {
        return make_error(EINVAL, "key table: capacity must be > 0 and an RCU variable given");
    }
    std::unique_ptr<key_table> t(new key_table());
    t->_capacity = capacity;

    auto h = detail::create_lf_hash("key table", name, capacity, socket_id, qsbr, t.get(), &key_table::free_record);
    if (!h) {
        return h.err();
    }
    t->_h = h.value();
    return t;
}

key_table::~key_table() {
    // No reader may run any more (caller contract): live records are freed directly, retired ones
    // by the defer queue.
    detail::destroy_lf_hash(_h, [](void* r) { delete static_cast<key_record*>(r); });
}

void key_table::free_record(void* table, void* rec) {
    // Runs on the writer (control) thread after the grace period; ~secret_bytes and ~badf_key
    // wipe the key and the HMAC states.
    delete static_cast<key_record*>(rec);
    ++static_cast<key_table*>(table)->_freed;
}

key_table::insert_status key_table::insert(std::unique_ptr<key_record> rec) {
    if (rte_hash_lookup(_h, detail::hash_key(rec->cga).b) >= 0) {
        return insert_status::exists;
    }
    if (_count >= _capacity) {
        return insert_status::full;
    }
    int rc = rte_hash_add_key_data(_h, detail::hash_key(rec->cga).b, rec.get());
    if (rc == -ENOSPC) {
        return insert_status::full;
    }
    if (rc != 0) {
        return insert_status::failed;
    }
    rec.release();
    ++_count;
    return insert_status::inserted;
}

bool key_table::erase(const ipv6_addr& cga) {
    // With RCU integration rte_hash_del_key retires the slot and its data through the defer
    // queue; the record is freed by free_record after every worker has reported quiescence.
    if (rte_hash_del_key(_h, detail::hash_key(cga).b) < 0) {
        return false;
    }
    --_count;
    ++_retired;
    return true;
}

std::uint32_t key_table::expire(std::uint64_t now) {
    // Collect in one pass, then delete: deleting while iterating an rte_hash may skip entries.
    std::vector<ipv6_addr> dead;
    const void* key = nullptr;
    void* data = nullptr;
    std::uint32_t it = 0;
    while (rte_hash_iterate(_h, &key, &data, &it) >= 0) {
        auto* r = static_cast<const key_record*>(data);
        if (!r->live(now)) {
            dead.push_back(r->cga);
        }
    }
    std::uint32_t removed = 0;
    for (const auto& cga : dead) {
        removed += erase(cga) ? 1 : 0;
    }
    return removed;
}

const key_record* key_table::find(const ipv6_addr& cga) const noexcept {
    void* data = nullptr;
    if (rte_hash_lookup_data(_h, detail::hash_key(cga).b, &data) < 0) {
        return nullptr;
    }
    return static_cast<const key_record*>(data);
}

unsigned key_table::lookup_bulk(const ipv6_addr* const* cgas, unsigned n,
                                const key_record** out) const noexcept {
    return detail::lookup_bulk_lf(_h, cgas, n, out);
}

void key_table::for_each(const std::function<void(const key_record&)>& fn) const {
    const void* key = nullptr;
    void* data = nullptr;
    std::uint32_t it = 0;
    while (rte_hash_iterate(_h, &key, &data, &it) >= 0) {
        fn(*static_cast<const key_record*>(data));
    }
}

std::uint64_t key_table::pending_free() const noexcept { return _retired - _freed; }

} // namespace mipgate::tables
