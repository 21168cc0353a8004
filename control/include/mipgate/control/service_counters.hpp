#pragma once
// The SEND service's counters: one atomic per service reason (service_counters.def) and one
// per SEND verification reason (mipgate::send::send_reason). Written by the control lcore and
// the signer threads (relaxed atomics), read by telemetry and tests by name.

#include "mipgate/send/reasons.hpp"

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace mipgate::control {

enum class svc_counter : std::uint8_t {
#define MIPGATE_SVC(name, kind, desc) name,
#include "mipgate/control/service_counters.def"
#undef MIPGATE_SVC
};

inline constexpr std::size_t svc_counter_count = 0
#define MIPGATE_SVC(name, kind, desc) +1
#include "mipgate/control/service_counters.def"
#undef MIPGATE_SVC
    ;

/// Name ("replayed_nonce"). Any thread; no allocation; never null.
const char* to_string(svc_counter c) noexcept;
/// One-line description. Any thread; no allocation; never null.
const char* describe(svc_counter c) noexcept;
/// True for drop counters. Any thread.
bool is_drop(svc_counter c) noexcept;

class service_counters {
public:
    /// Any thread; no allocation; never blocks.
    void add(svc_counter c, std::uint64_t n = 1) noexcept {
        _svc[static_cast<std::size_t>(c)].fetch_add(n, std::memory_order_relaxed);
    }
    /// Counts a SEND verification refusal (ok is not counted). Any thread.
    void add(send::send_reason r) noexcept {
        if (r != send::send_reason::ok) {
            _send[static_cast<std::size_t>(r)].fetch_add(1, std::memory_order_relaxed);
        }
    }
    std::uint64_t get(svc_counter c) const noexcept {
        return _svc[static_cast<std::size_t>(c)].load(std::memory_order_relaxed);
    }
    std::uint64_t get(send::send_reason r) const noexcept {
        return _send[static_cast<std::size_t>(r)].load(std::memory_order_relaxed);
    }
    /// Value of a service or SEND counter by name (0 for unknown names). Any thread; no allocation.
    std::uint64_t get(const char* name) const noexcept;
    /// Every counter as (name, value): service counters first, then SEND reasons (prefixed
    /// "send_"). Any thread; allocates.
    std::vector<std::pair<std::string, std::uint64_t>> all() const;

private:
    std::array<std::atomic<std::uint64_t>, svc_counter_count> _svc{};
    std::array<std::atomic<std::uint64_t>, send::send_reason_count> _send{};
};

} // namespace mipgate::control
