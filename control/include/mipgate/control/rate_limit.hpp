#pragma once
// Token buckets for the SEND service's rate limits (RtSolPr per source and global, failure
// replies, MAX_CPA_RATE). Time is passed in (monotonic nanoseconds) so tests can drive it.

#include "mipgate/common/ipv6_addr.hpp"

#include <cstddef>
#include <cstdint>
#include <unordered_map>

namespace mipgate::control {

/// Monotonic nanoseconds (CLOCK_MONOTONIC). Any thread; no allocation.
std::uint64_t mono_ns() noexcept;

/// `rate` tokens per second, at most `burst` stored; starts full. Not thread-safe.
class token_bucket {
public:
    token_bucket(double rate_per_s, double burst) noexcept;
    /// Takes `n` tokens if available. Owner thread; no allocation.
    bool take(std::uint64_t now_ns, double n = 1) noexcept;
    /// Tokens available at `now_ns` (tests, read-out). Owner thread.
    double available(std::uint64_t now_ns) noexcept;

private:
    void refill(std::uint64_t now_ns) noexcept;
    double _rate;
    double _burst;
    double _tokens;
    std::uint64_t _last_ns = 0;
    bool _started = false;
};

struct ipv6_addr_hash {
    std::size_t operator()(const ipv6_addr& a) const noexcept;
};

/// One token bucket per source address, bounded: when `max_sources` is reached, buckets that
/// are full again (idle sources) are dropped; if none is, the newcomer is refused (a flood of
/// fresh sources cannot grow memory). Not thread-safe: the control lcore owns it.
class source_limiter {
public:
    source_limiter(double rate_per_s, double burst, std::size_t max_sources);
    /// Owner thread; allocates a bucket for a new source.
    bool take(const ipv6_addr& src, std::uint64_t now_ns);
    std::size_t size() const noexcept { return _buckets.size(); }

private:
    double _rate;
    double _burst;
    std::size_t _max;
    std::unordered_map<ipv6_addr, token_bucket, ipv6_addr_hash> _buckets;
};

} // namespace mipgate::control
