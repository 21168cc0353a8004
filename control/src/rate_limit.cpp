#include "mipgate/control/rate_limit.hpp"

#include <algorithm>
#include <cstring>
#include <ctime>
#include <iterator>

namespace mipgate::control {

std::uint64_t mono_ns() noexcept {
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<std::uint64_t>(ts.tv_sec) * 1000000000ull + static_cast<std::uint64_t>(ts.tv_nsec);
}

token_bucket::token_bucket(double rate_per_s, double burst) noexcept
    : _rate(rate_per_s), _burst(std::max(burst, 1.0)), _tokens(_burst) {}

void token_bucket::refill(std::uint64_t now_ns) noexcept {
    if (!_started) {
        _started = true;
        _last_ns = now_ns;
        return;
    }
    if (now_ns > _last_ns) {
        _tokens = std::min(_burst, _tokens + _rate * static_cast<double>(now_ns - _last_ns) * 1e-9);
        _last_ns = now_ns;
    }
}

bool token_bucket::take(std::uint64_t now_ns, double n) noexcept {
    refill(now_ns);
    if (_tokens + 1e-9 < n) {
        return false;
    }
    _tokens -= n;
    return true;
}

double token_bucket::available(std::uint64_t now_ns) noexcept {
    refill(now_ns);
    return _tokens;
}

std::size_t ipv6_addr_hash::operator()(const ipv6_addr& a) const noexcept {
    std::uint64_t hi;
    std::uint64_t lo;
    std::memcpy(&hi, a.b.data(), 8);
    std::memcpy(&lo, a.b.data() + 8, 8);
    // splitmix-style finaliser: cheap and spreads the IID bits.
    std::uint64_t x = hi ^ (lo * 0x9E3779B97F4A7C15ull);
    x ^= x >> 31;
    x *= 0xBF58476D1CE4E5B9ull;
    x ^= x >> 29;
    return static_cast<std::size_t>(x);
}

source_limiter::source_limiter(double rate_per_s, double burst, std::size_t max_sources)
    : _rate(rate_per_s), _burst(burst), _max(std::max<std::size_t>(max_sources, 1)) {}

bool source_limiter::take(const ipv6_addr& src, std::uint64_t now_ns) {
    auto it = _buckets.find(src);
    if (it == _buckets.end()) {
        if (_buckets.size() >= _max) {
            // Forget idle sources (their bucket refilled completely): nothing is lost by that.
            for (auto b = _buckets.begin(); b != _buckets.end();) {
                b = b->second.available(now_ns) >= _burst - 1e-9 ? _buckets.erase(b) : std::next(b);
            }
            if (_buckets.size() >= _max) {
                return false;
            }
        }
        it = _buckets.emplace(src, token_bucket(_rate, _burst)).first;
    }
    return it->second.take(now_ns);
}

} // namespace mipgate::control
