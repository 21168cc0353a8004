#include "mipgate/fastpath/counters.hpp"

namespace mipgate::fastpath {

std::uint64_t counter_totals::drops() const noexcept {
    std::uint64_t s = 0;
    for (std::size_t i = 0; i < counter_count; ++i) {
        if (counter_table[i].kind == counter_kind::drop) {
            s += v[i];
        }
    }
    return s;
}

bool counter_totals::find(std::string_view name, std::uint64_t& out) const noexcept {
    for (std::size_t i = 0; i < counter_count; ++i) {
        if (counter_table[i].name == name) {
            out = v[i];
            return true;
        }
    }
    return false;
}

counter_totals sum_counters(std::span<const counter_block* const> blocks) noexcept {
    counter_totals t;
    for (const counter_block* b : blocks) {
        for (std::size_t i = 0; i < counter_count; ++i) {
            t.v[i] += __atomic_load_n(&b->v[i], __ATOMIC_RELAXED);
        }
    }
    return t;
}

} // namespace mipgate::fastpath
