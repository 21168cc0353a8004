// RFC 3971 §5.3.1 Timestamp option and §5.3.4.2 timestamp checks.

#include "mipgate/send/timestamp.hpp"
#include "mipgate/wire/send_options.hpp"

#include <cstring>
#include <ctime>

namespace mipgate::send {

namespace {
constexpr std::uint8_t timestamp_option_type = 13;
using i128 = __int128;
} // namespace

send_time send_time_now() noexcept {
    timespec ts{};
    clock_gettime(CLOCK_REALTIME, &ts);
    auto frac = (static_cast<std::uint64_t>(ts.tv_nsec) << 16) / 1000000000u;
    return send_seconds(static_cast<std::uint64_t>(ts.tv_sec)) | frac;
}

bool parse_timestamp_option(bytes_view option, send_time& out) noexcept {
    if (option.size() < timestamp_option_len || option[0] != timestamp_option_type || option[1] != 2) {
        return false;
    }
    out = load_be64(option.data() + 8);
    return true;
}

std::size_t build_timestamp_option(bytes_mut out, send_time ts) noexcept {
    const auto r = wire::build_timestamp_opt(out, ts);
    return r.ok() ? r.len : 0;
}

timestamp_cache::timestamp_cache(std::size_t capacity, timestamp_params params)
    : _entries(capacity == 0 ? 1 : capacity), _params(params) {}

bool timestamp_cache::alive(const entry& e, send_time now) const noexcept {
    return e.used && (now < e.rd_last || now - e.rd_last < _params.delta);
}

const timestamp_cache::entry* timestamp_cache::find(const ipv6_addr& peer, std::uint32_t ifindex,
                                                     send_time now) const noexcept {
    for (const auto& e : _entries) {
        if (e.used && e.ifindex == ifindex && e.peer == peer) {
            return alive(e, now) ? &e : nullptr;
        }
    }
    return nullptr;
}

send_reason timestamp_cache::check(const ipv6_addr& peer, std::uint32_t ifindex, send_time ts_new,
                                   send_time rd_new) const noexcept {
    const entry* e = find(peer, ifindex, rd_new);
    if (e == nullptr) {
        // New peer: −Delta < RDnew − TSnew < +Delta (strict, as in the RFC).
        i128 diff = static_cast<i128>(rd_new) - static_cast<i128>(ts_new);
        i128 delta = static_cast<i128>(_params.delta);
        return (diff > -delta && diff < delta) ? send_reason::ok
                                               : send_reason::timestamp_out_of_window;
    }
    // Known peer: TSnew + fuzz > TSlast + (RDnew − RDlast)·(1 − drift) − fuzz.
    i128 elapsed = rd_new > e->rd_last ? static_cast<i128>(rd_new - e->rd_last) : 0;
    i128 allowed = elapsed * (100 - static_cast<i128>(_params.drift_pct % 101)) / 100;
    i128 lhs = static_cast<i128>(ts_new) + static_cast<i128>(_params.fuzz);
    i128 rhs = static_cast<i128>(e->ts_last) + allowed - static_cast<i128>(_params.fuzz);
    return lhs > rhs ? send_reason::ok : send_reason::timestamp_replay;
}

void timestamp_cache::commit(const ipv6_addr& peer, std::uint32_t ifindex, unsigned sec,
                             send_time ts_new, send_time rd_new) noexcept {
    entry* slot = nullptr;
    for (auto& e : _entries) {
        if (e.used && e.ifindex == ifindex && e.peer == peer) {
            if (alive(e, rd_new)) {
                if (ts_new > e.ts_last) {
                    e.rd_last = rd_new;
                    e.ts_last = ts_new;
                }
                return;
            }
            slot = &e;  // dead entry of the same peer: start over
            break;
        }
    }
    if (slot == nullptr) {
        entry* victim = nullptr;
        for (auto& e : _entries) {
            if (!e.used || !alive(e, rd_new)) {
                slot = &e;
                break;
            }
            if (victim == nullptr || e.sec < victim->sec ||
                (e.sec == victim->sec && e.rd_last < victim->rd_last)) {
                victim = &e;
            }
        }
        if (slot == nullptr) {
            slot = victim;
        }
    }
    *slot = entry{peer, ifindex, static_cast<std::uint8_t>(sec), true, rd_new, ts_new};
}

std::size_t timestamp_cache::live(send_time now) const noexcept {
    std::size_t n = 0;
    for (const auto& e : _entries) {
        n += alive(e, now) ? 1 : 0;
    }
    return n;
}

} // namespace mipgate::send
