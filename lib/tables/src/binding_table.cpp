#include "mipgate/tables/binding_table.hpp"

#include "lf_hash.hpp"

#include <rte_errno.h>
#include <rte_hash.h>
#include <rte_rcu_qsbr.h>

#include <cerrno>
#include <string>
#include <vector>

// Reclamation, two paths:
// - erase/expire: rte_hash_del_key. With rte_hash_rcu_qsbr_add (DQ mode) the hash puts the key
//   slot on its defer queue and calls free_record on the data after the grace period.
// - replace: rte_hash_add_key_data on an existing key stores the new data pointer atomically (LF
//   mode), but DPDK 22.11 leaves the old data to the application ("the application to manage any
//   memory associated with the old value"; automatic deferred free on replace came later). We
//   retire it ourselves with the stable token API (house style 7): rte_rcu_qsbr_start when it is
//   replaced, then rte_rcu_qsbr_check (non-blocking) on later writer calls, and delete it when
//   every reader has reported since. rte_rcu_qsbr_dq_* would do the same but is experimental in
//   22.11; delete+add would open a window in which readers miss the PCoA and forward a packet
//   untunnelled.

namespace mipgate::tables {

result<std::unique_ptr<binding_table>> binding_table::create(const char* name, std::uint32_t capacity,
                                                             rte_rcu_qsbr* qsbr, int socket_id) {
    if (capacity == 0 || qsbr == nullptr) {
        return make_error(EINVAL, "binding table: capacity must be > 0 and an RCU variable given");
    }
    std::unique_ptr<binding_table> t(new binding_table());
    t->_capacity = capacity;
    t->_qsbr = qsbr;

    auto h = detail::create_lf_hash("binding table", name, capacity, socket_id, qsbr, t.get(),
                                    &binding_table::free_record);
    if (!h) {
        return h.err();
    }
    t->_h = h.value();
    return t;
}

binding_table::~binding_table() {
    for (const auto& r : _replaced) {
        delete r.rec;
    }
    detail::destroy_lf_hash(_h, [](void* r) { delete static_cast<binding_record*>(r); });
}

void binding_table::free_record(void* table, void* rec) {
    delete static_cast<binding_record*>(rec);
    ++static_cast<binding_table*>(table)->_freed;
}

void binding_table::reclaim() noexcept {
    // Tokens grow monotonically, so the queue is in grace-period order: stop at the first one
    // still waiting.
    while (!_replaced.empty() && rte_rcu_qsbr_check(_qsbr, _replaced.front().token, false) == 1) {
        delete _replaced.front().rec;
        _replaced.pop_front();
    }
}

binding_table::insert_status binding_table::upsert(std::unique_ptr<binding_record> rec) {
    reclaim();
    void* old = nullptr;
    const bool exists = rte_hash_lookup_data(_h, detail::hash_key(rec->pcoa).b, &old) >= 0;
    if (!exists && size() >= _capacity) {
        return insert_status::full;
    }
    // On an existing key this is one atomic store of the data pointer (RW_CONCURRENCY_LF).
    const int rc = rte_hash_add_key_data(_h, detail::hash_key(rec->pcoa).b, rec.get());
    if (rc == -ENOSPC) {
        return insert_status::full;
    }
    if (rc != 0) {
        return insert_status::failed;
    }
    rec.release();
    if (exists) {
        // Readers may still hold `old`: free it only after every one reported quiescence.
        _replaced.push_back(retired{rte_rcu_qsbr_start(_qsbr), static_cast<binding_record*>(old)});
        return insert_status::replaced;
    }
    _count.store(size() + 1, std::memory_order_relaxed);
    return insert_status::inserted;
}

bool binding_table::erase(const ipv6_addr& pcoa) {
    reclaim();
    if (rte_hash_del_key(_h, detail::hash_key(pcoa).b) < 0) {
        return false;
    }
    _count.store(size() - 1, std::memory_order_relaxed);
    ++_deleted;
    return true;
}

std::uint32_t binding_table::expire(std::uint64_t now,
                                    const std::function<void(const binding_record&)>& on_expired) {
    // Collect, then delete: deleting while iterating an rte_hash may skip entries.
    std::vector<const binding_record*> dead;
    const void* key = nullptr;
    void* data = nullptr;
    std::uint32_t it = 0;
    while (rte_hash_iterate(_h, &key, &data, &it) >= 0) {
        auto* r = static_cast<const binding_record*>(data);
        if (!r->live(now)) {
            dead.push_back(r);
        }
    }
    std::uint32_t removed = 0;
    for (const binding_record* r : dead) {
        if (on_expired) {
            on_expired(*r);
        }
        // Copy the key out: the record may be freed by the delete's reclamation pass.
        const ipv6_addr pcoa = r->pcoa;
        removed += erase(pcoa) ? 1 : 0;
    }
    return removed;
}

const binding_record* binding_table::find(const ipv6_addr& pcoa) const noexcept {
    void* data = nullptr;
    if (rte_hash_lookup_data(_h, detail::hash_key(pcoa).b, &data) < 0) {
        return nullptr;
    }
    return static_cast<const binding_record*>(data);
}

unsigned binding_table::lookup_bulk(const ipv6_addr* const* pcoas, unsigned n,
                                    const binding_record** out) const noexcept {
    return detail::lookup_bulk_lf(_h, pcoas, n, out);
}

void binding_table::for_each(const std::function<void(const binding_record&)>& fn) const {
    const void* key = nullptr;
    void* data = nullptr;
    std::uint32_t it = 0;
    while (rte_hash_iterate(_h, &key, &data, &it) >= 0) {
        fn(*static_cast<const binding_record*>(data));
    }
}

std::uint64_t binding_table::pending_free() const noexcept {
    return (_deleted - _freed) + _replaced.size();
}

} // namespace mipgate::tables
