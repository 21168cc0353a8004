#include "mipgate/log/log.hpp"

#include <rte_log.h>

#include <cerrno>
#include <cstdarg>
#include <cstdio>
#include <ctime>
#include <mutex>

namespace mipgate::log {

namespace {

constexpr std::string_view type_names[type_count] = {
    "mipgate.app", "mipgate.send", "mipgate.keys", "mipgate.fmip", "mipgate.cli", "mipgate.config",
};

constexpr std::string_view level_names[] = {
    "", "emergency", "alert", "critical", "error", "warning", "notice", "info", "debug",
};

// rte_log ids of the logtypes; -1 until init() ran (or when registration failed).
std::atomic<int> g_ids[type_count] = {-1, -1, -1, -1, -1, -1};
std::once_flag g_once;

std::atomic<unsigned> g_rate{10};
std::atomic<unsigned> g_burst{20};

int id_of(type t) noexcept {
    init();
    return g_ids[static_cast<std::size_t>(t)].load(std::memory_order_relaxed);
}

constexpr std::size_t max_message = 1024;

void vwrite(type t, level l, std::uint64_t suppressed, const char* fmt, va_list ap) noexcept {
    const int id = id_of(t);
    if (id < 0) {
        return;
    }
    char buf[max_message];
    const int n = std::vsnprintf(buf, sizeof(buf), fmt, ap);
    const char* cut = n >= static_cast<int>(sizeof(buf)) ? " [cut]" : "";
    const std::string_view name = type_name(t);
    if (suppressed > 0) {
        rte_log(static_cast<std::uint32_t>(l), static_cast<std::uint32_t>(id),
                "%.*s: %s%s (%llu similar suppressed)\n", static_cast<int>(name.size()), name.data(), buf,
                cut, static_cast<unsigned long long>(suppressed));
    } else {
        rte_log(static_cast<std::uint32_t>(l), static_cast<std::uint32_t>(id), "%.*s: %s%s\n",
                static_cast<int>(name.size()), name.data(), buf, cut);
    }
}

} // namespace

void init() {
    std::call_once(g_once, [] {
        for (std::size_t i = 0; i < type_count; ++i) {
            const std::string name(type_names[i]);
            g_ids[i].store(rte_log_register_type_and_pick_level(name.c_str(), RTE_LOG_INFO),
                           std::memory_order_relaxed);
        }
    });
}

std::string_view type_name(type t) noexcept {
    const auto i = static_cast<std::size_t>(t);
    return i < type_count ? type_names[i] : std::string_view("mipgate.?");
}

std::optional<type> parse_type(std::string_view name) noexcept {
    for (std::size_t i = 0; i < type_count; ++i) {
        const std::string_view full = type_names[i];
        if (name == full || name == full.substr(full.find('.') + 1)) {
            return static_cast<type>(i);
        }
    }
    return std::nullopt;
}

std::optional<level> parse_level(std::string_view name) noexcept {
    for (std::size_t i = 1; i < std::size(level_names); ++i) {
        if (name == level_names[i]) {
            return static_cast<level>(i);
        }
    }
    return std::nullopt;
}

std::string_view level_name(level l) noexcept {
    const auto i = static_cast<std::size_t>(l);
    return i >= 1 && i < std::size(level_names) ? level_names[i] : std::string_view("?");
}

bool enabled(type t, level l) noexcept {
    const int id = id_of(t);
    return id >= 0 && rte_log_can_log(static_cast<std::uint32_t>(id), static_cast<std::uint32_t>(l));
}

level get_level(type t) noexcept {
    const int id = id_of(t);
    const int l = id >= 0 ? rte_log_get_level(static_cast<std::uint32_t>(id)) : -1;
    return l >= 1 && l <= 8 ? static_cast<level>(l) : level::info;
}

result<void> set_level(level l, std::string_view logtype) {
    init();
    std::optional<type> only;
    if (!logtype.empty()) {
        only = parse_type(logtype);
        if (!only) {
            return make_error(EINVAL, "unknown logtype '" + std::string(logtype) +
                                          "' (app, send, keys, fmip, cli, config, or mipgate.<name>)");
        }
    }
    const auto lv = static_cast<std::uint32_t>(l);
    if (rte_log_get_global_level() < lv) {
        rte_log_set_global_level(lv);
    }
    for (std::size_t i = 0; i < type_count; ++i) {
        if (only && static_cast<std::size_t>(*only) != i) {
            continue;
        }
        const int id = g_ids[i].load(std::memory_order_relaxed);
        if (id < 0 || rte_log_set_level(static_cast<std::uint32_t>(id), lv) != 0) {
            return make_error(EIO, "rte_log_set_level failed for " + std::string(type_names[i]));
        }
    }
    return {};
}

void set_rate(unsigned per_s, unsigned burst) noexcept {
    g_rate.store(per_s, std::memory_order_relaxed);
    g_burst.store(burst == 0 ? 1 : burst, std::memory_order_relaxed);
}

unsigned rate_per_s() noexcept { return g_rate.load(std::memory_order_relaxed); }
unsigned rate_burst() noexcept { return g_burst.load(std::memory_order_relaxed); }

std::uint64_t now_ns() noexcept {
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<std::uint64_t>(ts.tv_sec) * 1000000000ull + static_cast<std::uint64_t>(ts.tv_nsec);
}

bool site::admit(std::uint64_t now, std::uint64_t& suppressed) noexcept {
    const unsigned rate = rate_per_s();
    const double burst = static_cast<double>(rate_burst());
    while (_lock.test_and_set(std::memory_order_acquire)) {
    }
    bool ok = true;
    if (rate == 0) {
        _started = false; // unlimited; a later limit starts from a full bucket
    } else {
        if (!_started) {
            _started = true;
            _tokens = burst;
        } else if (now > _last_ns) {
            _tokens += static_cast<double>(now - _last_ns) * 1e-9 * rate;
            if (_tokens > burst) {
                _tokens = burst;
            }
        }
        _last_ns = now;
        if (_tokens >= 1.0) {
            _tokens -= 1.0;
        } else {
            ok = false;
        }
    }
    if (ok) {
        suppressed = _suppressed;
        _suppressed = 0;
    } else {
        ++_suppressed;
    }
    _lock.clear(std::memory_order_release);
    return ok;
}

void emit(site& s, type t, level l, const char* fmt, ...) noexcept {
    std::uint64_t suppressed = 0;
    if (!s.admit(now_ns(), suppressed)) {
        return;
    }
    va_list ap;
    va_start(ap, fmt);
    vwrite(t, l, suppressed, fmt, ap);
    va_end(ap);
}

void write(type t, level l, const char* fmt, ...) noexcept {
    va_list ap;
    va_start(ap, fmt);
    vwrite(t, l, 0, fmt, ap);
    va_end(ap);
}

} // namespace mipgate::log
