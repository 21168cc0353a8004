#pragma once
// One RFC 5269 handover key as the access router holds it (§3.2: "stored … indexed by the CGA,
// and the authentication algorithm type … and HK-LIFETIME MUST be recorded with the key").
// Immutable once published in the key table; freed only by the table after an RCU grace period.

#include "mipgate/common/ipv6_addr.hpp"
#include "mipgate/common/secret_bytes.hpp"
#include "mipgate/fmip/badf.hpp"

#include <atomic>
#include <cstdint>

namespace mipgate::tables {

struct key_record {
    key_record(const ipv6_addr& cga_, std::uint64_t created_s_, std::uint64_t expires_s_,
               secret_bytes key_, fmip::badf_key mac_)
        : cga(cga_), created_s(created_s_), expires_s(expires_s_), key(std::move(key_)),
          mac(std::move(mac_)) {}

    const ipv6_addr cga;             ///< the MN's care-of CGA (RtSolPr source), the key's name
    const std::uint64_t created_s;   ///< monotonic seconds (mipgate::tables::now_s)
    const std::uint64_t expires_s;   ///< created + HK-LIFETIME; the key is dead from this second
    const secret_bytes key;          ///< raw key: kept to return the same key on a re-request
    const fmip::badf_key mac;        ///< precomputed HMAC state (AT is mac.at())
    /// FBU verifications that used this key (workers, relaxed; statistics only).
    mutable std::atomic<std::uint64_t> uses{0};

    unsigned at() const noexcept { return mac.at(); }
    bool live(std::uint64_t now) const noexcept { return now < expires_s; }
};

/// Monotonic seconds (CLOCK_MONOTONIC_COARSE): the time base of key and binding lifetimes.
/// Any thread; a vDSO read, no syscall on Linux x86-64.
std::uint64_t now_s() noexcept;

} // namespace mipgate::tables
