#pragma once
// Worker counters generated from counters.def: the enum, the per-lcore block kept inside
// worker_ctx, the summed view and the name/description table (summary, CLI, telemetry).

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace mipgate::fastpath {

enum class counter_kind : std::uint8_t { info, drop };

enum class counter_id : std::uint8_t {
#define MIPGATE_COUNTER(name, kind, description) name,
#include "mipgate/fastpath/counters.def"
#undef MIPGATE_COUNTER
};

inline constexpr std::size_t counter_count = 0
#define MIPGATE_COUNTER(name, kind, description) + 1
#include "mipgate/fastpath/counters.def"
#undef MIPGATE_COUNTER
    ;

struct counter_info {
    std::string_view name;
    counter_kind kind;
    std::string_view description;
};

/// Names, kinds and descriptions, indexed by counter_id.
inline constexpr std::array<counter_info, counter_count> counter_table{{
#define MIPGATE_COUNTER(name, kind, description) {#name, counter_kind::kind, description},
#include "mipgate/fastpath/counters.def"
#undef MIPGATE_COUNTER
}};

/// One lcore's counters: written only by the owning worker, in its own cache lines.
struct alignas(64) counter_block {
    std::uint64_t v[counter_count]{};

    /// Owning worker only; no allocation.
    void add(counter_id id, std::uint64_t n = 1) noexcept { v[static_cast<std::size_t>(id)] += n; }
    /// Owning worker (or tests); others use sum_counters.
    std::uint64_t get(counter_id id) const noexcept { return v[static_cast<std::size_t>(id)]; }
};

/// Sum over all lcores, taken when read (never maintained on the fast path).
struct counter_totals {
    std::array<std::uint64_t, counter_count> v{};

    /// Value by id. Any thread.
    std::uint64_t operator[](counter_id id) const noexcept { return v[static_cast<std::size_t>(id)]; }
    /// Sum of every drop-kind counter.
    std::uint64_t drops() const noexcept;
    /// Value of the counter named `name`; false when there is none.
    bool find(std::string_view name, std::uint64_t& out) const noexcept;
};

/// Sums blocks that workers may be writing concurrently (relaxed 64-bit loads: each value is
/// exact, the set is not a snapshot). Control thread; no allocation; never blocks.
counter_totals sum_counters(std::span<const counter_block* const> blocks) noexcept;

/// Name of a counter. Any thread.
constexpr std::string_view counter_name(counter_id id) noexcept {
    return counter_table[static_cast<std::size_t>(id)].name;
}

} // namespace mipgate::fastpath
