#pragma once
// mipgate's logs: rte_log with one logtype per concern ("mipgate.app", "mipgate.send", …) and a
// token-bucket rate limit per call site, so a flood of one failure logs a few lines and then
// "(N similar suppressed)" instead of N lines.
//
// Rules (house style 12): never called per packet on the workers (workers count, the control
// plane logs); never given key bytes or other secrets (log CGAs, ATs, lifetimes, KCVs).
// Output goes wherever rte_log writes (after EAL init on Linux: stdout and syslog).

#include "mipgate/common/result.hpp"

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace mipgate::log {

/// mipgate's logtypes; registered with rte_log as "mipgate.<name>".
enum class type : std::uint8_t { app, send, keys, fmip, cli, config };
inline constexpr std::size_t type_count = 6;

/// rte_log levels (RTE_LOG_EMERG .. RTE_LOG_DEBUG).
enum class level : std::uint32_t {
    emergency = 1,
    alert = 2,
    critical = 3,
    error = 4,
    warning = 5,
    notice = 6,
    info = 7,
    debug = 8,
};

/// Registers the logtypes with rte_log_register_type_and_pick_level (default level info, or what
/// an EAL `--log-level=mipgate.send:debug` parsed before asked for). Idempotent; called lazily by
/// every other function. Any thread; allocates once.
void init();

/// "mipgate.send". Any thread; allocates nothing.
std::string_view type_name(type t) noexcept;
/// "send" or "mipgate.send" → the type. Any thread; allocates nothing.
std::optional<type> parse_type(std::string_view name) noexcept;
/// "debug" → level::debug (the names of `set log-level`). Any thread; allocates nothing.
std::optional<level> parse_level(std::string_view name) noexcept;
/// level::debug → "debug". Any thread; allocates nothing.
std::string_view level_name(level l) noexcept;

/// Whether a message of `l` on `t` would be written (rte_log_can_log). Any thread; never blocks.
bool enabled(type t, level l) noexcept;
/// The current level of `t`. Any thread.
level get_level(type t) noexcept;
/// Sets the level of one logtype (`logtype` "send", "mipgate.send") or, with an empty name, of
/// every mipgate logtype. Raises rte_log's global level when it would hide the new level (never
/// lowers it: DPDK's own logtypes keep theirs). EINVAL for an unknown logtype. Control thread;
/// allocates nothing.
result<void> set_level(level l, std::string_view logtype = {});

/// Rate limit of every call site: `per_s` messages per second, bursts of `burst`; per_s 0 turns
/// the limit off. Any thread (relaxed atomics; sites pick it up on their next message).
void set_rate(unsigned per_s, unsigned burst) noexcept;
unsigned rate_per_s() noexcept;
unsigned rate_burst() noexcept;

/// Monotonic nanoseconds (CLOCK_MONOTONIC). Any thread.
std::uint64_t now_ns() noexcept;

/// One call site's token bucket (a function-local static of MG_LOG: constant-initialised, no
/// constructor runs). Thread-safe through a tiny spin lock: sites are called by the control lcore
/// and the SEND signer threads, never per packet, so contention is nil.
class site {
public:
    constexpr site() noexcept = default;
    /// True when a message may be written at time `now_ns`; then `suppressed` is the number of
    /// messages this site refused since its last admitted one (and the count restarts).
    /// Any thread; never blocks for long (spin lock held for a few instructions).
    bool admit(std::uint64_t now_ns, std::uint64_t& suppressed) noexcept;

private:
    std::atomic_flag _lock = ATOMIC_FLAG_INIT;
    bool _started = false;
    double _tokens = 0;
    std::uint64_t _last_ns = 0;
    std::uint64_t _suppressed = 0;
};

/// Formats and writes one message through `s`'s limiter ("mipgate.send: <text>", plus
/// " (N similar suppressed)" after a suppression). The caller checked enabled(). Any thread;
/// no allocation (formats into a stack buffer, long messages are cut at 1 KiB).
void emit(site& s, type t, level l, const char* fmt, ...) noexcept __attribute__((format(printf, 4, 5)));
/// Writes without a rate limit (one-off events: start, stop, reload). Any thread.
void write(type t, level l, const char* fmt, ...) noexcept __attribute__((format(printf, 3, 4)));

} // namespace mipgate::log

/// MG_LOG(send, info, "RtSolPr from %s accepted", cga): checked against the type's level first
/// (one rte_log_can_log call when disabled), then rate-limited per call site.
#define MG_LOG(TYPE, LEVEL, ...)                                                                  \
    do {                                                                                          \
        if (::mipgate::log::enabled(::mipgate::log::type::TYPE, ::mipgate::log::level::LEVEL)) { \
            static ::mipgate::log::site mg_log_site_;                                             \
            ::mipgate::log::emit(mg_log_site_, ::mipgate::log::type::TYPE,                        \
                                 ::mipgate::log::level::LEVEL, __VA_ARGS__);                      \
        }                                                                                         \
    } while (0)
#define MG_LOG_ERR(TYPE, ...) MG_LOG(TYPE, error, __VA_ARGS__)
#define MG_LOG_WARN(TYPE, ...) MG_LOG(TYPE, warning, __VA_ARGS__)
#define MG_LOG_NOTICE(TYPE, ...) MG_LOG(TYPE, notice, __VA_ARGS__)
#define MG_LOG_INFO(TYPE, ...) MG_LOG(TYPE, info, __VA_ARGS__)
#define MG_LOG_DEBUG(TYPE, ...) MG_LOG(TYPE, debug, __VA_ARGS__)
