#pragma once
// SEND Nonce option (RFC 3971 §5.3.2) and the table of nonces we sent and still expect echoed.

#include "mipgate/common/bytes.hpp"
#include "mipgate/send/timestamp.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace mipgate::send {

/// Shortest nonce (RFC 3971 §5.3.2: at least 6 octets) and the longest this library keeps.
inline constexpr std::size_t nonce_min_len = 6;
inline constexpr std::size_t nonce_max_len = 30;  // option Length ≤ 4

/// The Nonce bytes of a whole Nonce option (Type 14 | Length | Nonce): false unless the type
/// matches and the nonce is 6..30 octets. Any thread; no allocation.
bool parse_nonce_option(bytes_view option, bytes_view& nonce) noexcept;
/// Writes a Nonce option; `nonce` must be 8n−2 octets (6, 14, 22, 30). Returns the option
/// length or 0 (bad size / no space). Any thread; no allocation.
std::size_t build_nonce_option(bytes_mut out, bytes_view nonce) noexcept;

/// Nonces carried by our solicitations, awaiting the advertisement that echoes one
/// (RFC 3971 §5.3.4.1). Fixed capacity; when full the entry closest to expiry is replaced.
/// Not thread-safe: one owner (the SEND service thread that sends solicitations).
class nonce_table {
public:
    /// Control thread; allocates `capacity` entries once.
    nonce_table(std::size_t capacity, send_time lifetime);

    /// Fills `out` (6..30 octets) from the OpenSSL CSPRNG and records it until now + lifetime.
    /// False when `out` has a bad size or the CSPRNG fails. Owner thread; no allocation.
    bool issue(send_time now, bytes_mut out) noexcept;
    /// Records a nonce chosen elsewhere. Owner thread; no allocation.
    bool add(bytes_view nonce, send_time now) noexcept;
    /// True when `nonce` is outstanding (issued, not consumed, not expired). No allocation.
    bool contains(bytes_view nonce, send_time now) const noexcept;
    /// Removes an outstanding nonce (after the advertisement echoing it verified); false when
    /// it was not outstanding. Owner thread; no allocation.
    bool consume(bytes_view nonce, send_time now) noexcept;
    /// Outstanding nonces at `now`.
    std::size_t outstanding(send_time now) const noexcept;

private:
    struct entry {
        std::array<std::uint8_t, nonce_max_len> bytes{};
        std::uint8_t len = 0;
        send_time expires = 0;
    };
    const entry* find(bytes_view nonce, send_time now) const noexcept;

    std::vector<entry> _entries;
    send_time _lifetime;
};

} // namespace mipgate::send
