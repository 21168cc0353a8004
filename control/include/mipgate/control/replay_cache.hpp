#pragma once
// (source, nonce) pairs of RtSolPrs that verified, kept for TIMESTAMP_DELTA: the SEND timestamp
// rule lets an exact copy through within TIMESTAMP_FUZZ, so a replayed solicitation is caught
// here (RFC 5269 §3.1: "The SEND Nonce MUST also be included for anti-replay protection").

#include "mipgate/common/bytes.hpp"
#include "mipgate/common/ipv6_addr.hpp"
#include "mipgate/send/nonce.hpp"
#include "mipgate/send/timestamp.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace mipgate::control {

/// Fixed capacity; when full the entry closest to expiry is replaced. Not thread-safe: one per
/// signer thread (sources are pinned to a thread by hash, so a source's entries live in one cache).
class replay_cache {
public:
    /// Control thread; allocates `capacity` entries once.
    replay_cache(std::size_t capacity, send::send_time lifetime);
    /// True when (src, nonce) was added and has not expired. Owner thread; no allocation.
    bool contains(const ipv6_addr& src, bytes_view nonce, send::send_time now) const noexcept;
    /// Records (src, nonce) until now + lifetime. Owner thread; no allocation.
    void add(const ipv6_addr& src, bytes_view nonce, send::send_time now) noexcept;
    std::size_t live(send::send_time now) const noexcept;

private:
    struct entry {
        ipv6_addr src{};
        std::array<std::uint8_t, send::nonce_max_len> nonce{};
        std::uint8_t len = 0;
        send::send_time expires = 0;
    };
    std::vector<entry> _entries;
    send::send_time _lifetime;
};

} // namespace mipgate::control
