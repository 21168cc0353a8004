#pragma once
// SEND Timestamp option (RFC 3971 §5.3.1) and the receiver's timestamp check (§5.3.4.2) with a
// bounded per-peer cache.

#include "mipgate/common/bytes.hpp"
#include "mipgate/common/ipv6_addr.hpp"
#include "mipgate/send/reasons.hpp"

#include <cstddef>
#include <cstdint>
#include <vector>

namespace mipgate::send {

/// Seconds since 1970-01-01 00:00 UTC in 48.16 fixed point: the Timestamp field's format
/// (RFC 3971 §5.3.1). All SEND times in this library use it.
using send_time = std::uint64_t;

/// Whole seconds as 48.16. Any thread.
constexpr send_time send_seconds(std::uint64_t s) noexcept { return s << 16; }

/// The real-time clock in 48.16 (exact 1/65536 s fraction, unlike sendd's usec >> 4).
/// Any thread; no allocation; never blocks.
send_time send_time_now() noexcept;

/// Timestamp option: Type 13 | Length 2 | Reserved (6) | Timestamp (8) — 16 bytes.
inline constexpr std::size_t timestamp_option_len = 16;

/// Reads a whole Timestamp option; false unless Type 13 and Length exactly 2.
/// Any thread; no allocation.
bool parse_timestamp_option(bytes_view option, send_time& out) noexcept;
/// Writes a Timestamp option; returns 16, or 0 when `out` is too small. Any thread; no allocation.
std::size_t build_timestamp_option(bytes_mut out, send_time ts) noexcept;

/// RFC 3971 §10.2 TIMESTAMP_DELTA / FUZZ / DRIFT (defaults 300 s, 1 s, 1 %).
struct timestamp_params {
    send_time delta = send_seconds(300);
    send_time fuzz = send_seconds(1);
    unsigned drift_pct = 1;

    static timestamp_params from_seconds(unsigned delta_s, unsigned fuzz_s, unsigned drift_pct) noexcept {
        return {send_seconds(delta_s), send_seconds(fuzz_s), drift_pct};
    }
};

/// RFC 3971 §5.3.4.2 per-peer state: a fixed-capacity table (no allocation after construction).
/// Entries older than Delta are dead: the peer is treated as new again and its slot reusable.
/// When full, a dead entry is replaced first, else the entry with the lowest CGA Sec, the
/// oldest among those (sendd's policy: cheap addresses are evicted first).
/// Not thread-safe: one owner (a SEND service thread).
class timestamp_cache {
public:
    /// Control thread; allocates `capacity` entries once.
    explicit timestamp_cache(std::size_t capacity, timestamp_params params = {});

    /// The §5.3.4.2 acceptance test for a message carrying `ts_new` received at `rd_new`:
    /// new (or dead) peer: ok iff −Delta < RDnew − TSnew < +Delta, else timestamp_out_of_window;
    /// known peer: ok iff TSnew + fuzz > TSlast + (RDnew − RDlast)·(1 − drift) − fuzz, else
    /// timestamp_replay. Changes nothing. Owner thread; no allocation.
    send_reason check(const ipv6_addr& peer, std::uint32_t ifindex, send_time ts_new,
                      send_time rd_new) const noexcept;

    /// Records an accepted message. Call only after check() returned ok AND the message's RSA
    /// signature verified (state comes only from signed messages). A known peer's RDlast/TSlast
    /// move only when TSnew > TSlast. Owner thread; no allocation.
    void commit(const ipv6_addr& peer, std::uint32_t ifindex, unsigned sec, send_time ts_new,
                send_time rd_new) noexcept;

    /// Live entries at `now`. Owner thread.
    std::size_t live(send_time now) const noexcept;
    std::size_t capacity() const noexcept { return _entries.size(); }
    const timestamp_params& params() const noexcept { return _params; }

private:
    struct entry {
        ipv6_addr peer{};
        std::uint32_t ifindex = 0;
        std::uint8_t sec = 0;
        bool used = false;
        send_time rd_last = 0;
        send_time ts_last = 0;
    };
    bool alive(const entry& e, send_time now) const noexcept;
    const entry* find(const ipv6_addr& peer, std::uint32_t ifindex, send_time now) const noexcept;

    std::vector<entry> _entries;
    timestamp_params _params;
};

} // namespace mipgate::send
