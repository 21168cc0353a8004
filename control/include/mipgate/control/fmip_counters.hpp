#pragma once
// The FMIPv6 service's counters (fmip_counters.def): one relaxed atomic each, written by the
// control lcore, read by the CLI, telemetry and tests by name.

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace mipgate::control {

enum class fmip_counter : std::uint8_t {
#define MIPGATE_FMIP(name, kind, desc) name,
#include "mipgate/control/fmip_counters.def"
#undef MIPGATE_FMIP
};

inline constexpr std::size_t fmip_counter_count = 0
#define MIPGATE_FMIP(name, kind, desc) +1
#include "mipgate/control/fmip_counters.def"
#undef MIPGATE_FMIP
    ;

/// Name ("hi_sent"). Any thread; no allocation; never null.
const char* to_string(fmip_counter c) noexcept;
/// One-line description. Any thread; no allocation; never null.
const char* describe(fmip_counter c) noexcept;
/// True for drop counters. Any thread; no allocation.
bool is_drop(fmip_counter c) noexcept;

class fmip_counters {
public:
    /// Any thread; no allocation; never blocks.
    void add(fmip_counter c, std::uint64_t n = 1) noexcept {
        _c[static_cast<std::size_t>(c)].fetch_add(n, std::memory_order_relaxed);
    }
    /// Any thread; no allocation; never blocks.
    std::uint64_t get(fmip_counter c) const noexcept {
        return _c[static_cast<std::size_t>(c)].load(std::memory_order_relaxed);
    }
    /// By name (0 for unknown names). Any thread; no allocation.
    std::uint64_t get(const char* name) const noexcept;
    /// Every counter as (name, value) in .def order. Any thread; allocates.
    std::vector<std::pair<std::string, std::uint64_t>> all() const;

private:
    std::array<std::atomic<std::uint64_t>, fmip_counter_count> _c{};
};

} // namespace mipgate::control
