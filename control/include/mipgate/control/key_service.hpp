#pragma once
// The handover-key service (RFC 5269 §3.2, §3.6): get-or-create of the per-CGA key, expiry, and
// the operator read-out (never the key bytes: a key check value instead).
//
// Single writer: every write to the key table (insert, erase, expire) and every walk of it
// happens under this object's mutex, so the signer threads and the control lcore never write
// concurrently (rte_hash LF allows one writer). Workers never take the mutex: they only call
// key_table::find / lookup_bulk, which are lock-free.

#include "mipgate/common/ipv6_addr.hpp"
#include "mipgate/common/secret_bytes.hpp"
#include "mipgate/config/config.hpp"
#include "mipgate/control/rate_limit.hpp"
#include "mipgate/tables/key_table.hpp"

#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace mipgate::control {

/// What a verified RtSolPr gets.
struct key_grant {
    secret_bytes key;              ///< a copy for the encryption, wiped with the grant
    unsigned at = 0;
    std::uint32_t lifetime_s = 0;  ///< remaining lifetime (the HK Reply's Key Lifetime)
    bool created = false;          ///< false: the CGA's existing key was returned
};

enum class grant_status : std::uint8_t { granted, table_full, no_enabled_at, failed };

/// Operator view of one key (no secret).
struct key_info {
    ipv6_addr cga;
    unsigned at = 0;
    std::uint32_t remaining_s = 0;
    std::uint64_t uses = 0;
    std::string kcv;               ///< key_check_value(key)
};

/// KCV = hex of the first 8 bytes of HMAC-SHA256(key, "mipgate-kcv"): identifies a key without
/// revealing it (tests compare it with what the MN decrypted). Any thread; allocates the string.
std::string key_check_value(bytes_view key);

class key_service {
public:
    /// `table` must outlive the service. Control thread.
    key_service(tables::key_table& table, const config::handover_key_policy& policy);

    /// RFC 5269 §3.2: the CGA's live key (same key, AT, remaining lifetime) or a new one (CSPRNG,
    /// AT from negotiate_at over policy.algorithms, lifetime policy.lifetime_s). Call only after
    /// the RtSolPr verified (§5). A dead-but-unexpired record is replaced. A full table refuses.
    /// Control-side threads (signers, control lcore); takes the writer mutex; allocates.
    grant_status get_or_create(const ipv6_addr& cga, unsigned requested_at, key_grant& out);

    /// Removes keys whose lifetime ended; returns how many. Control lcore; takes the mutex.
    std::uint32_t expire(std::uint64_t now_s);
    /// Removes one key (forwarding for the PCoA ended). Control side; takes the mutex.
    bool erase(const ipv6_addr& cga);

    /// Calls `fn` with the CGA's record (live or not) while holding the writer mutex, so the
    /// record cannot be retired meanwhile (FBack signing). False when there is none. `fn` must not
    /// call back into the service. Control side; takes the mutex; never allocates.
    bool with_key(const ipv6_addr& cga, const std::function<void(const tables::key_record&)>& fn) const;

    /// Records the link-layer address the MN used with a verified RtSolPr from `cga` (the RtSolPr's
    /// source LLA option, else its Ethernet source): the FMIPv6 PAR puts it in the HI when the
    /// FBU carries no MH-LLA option. Forgotten with the key. Control-side threads; takes the mutex.
    void note_link_layer(const ipv6_addr& cga, const mac_addr& mac);
    /// The address recorded for `cga`, or nullopt. Control side; takes the mutex.
    std::optional<mac_addr> link_layer(const ipv6_addr& cga) const;

    /// Up to `max` keys for the operator. Control side (telemetry thread included); takes the mutex.
    std::vector<key_info> list(std::size_t max = SIZE_MAX) const;
    /// One key, or nullopt. Control side; takes the mutex.
    std::optional<key_info> find(const ipv6_addr& cga) const;
    /// Keys stored. Control side; takes the mutex.
    std::uint32_t size() const;
    std::uint32_t capacity() const noexcept { return _table.capacity(); }

    /// Reload (issue 6): lifetime and algorithms for keys created from now on; existing keys keep
    /// theirs (capacity is fixed at start). Control side; takes the mutex.
    void set_policy(const config::handover_key_policy& policy);

private:
    tables::key_table& _table;
    config::handover_key_policy _policy;
    mutable std::mutex _mu;
    std::unordered_map<ipv6_addr, mac_addr, ipv6_addr_hash> _lla; ///< cga → MN link-layer address
};

} // namespace mipgate::control
