#pragma once
// Receiver-side SEND validation (RFC 3971 §5.1.2, §5.2.2, §5.3.4) in one pass whose order the
// caller can rely on (design.md §2: cheap checks before any RSA operation):
//
//   verify_order: presence → lengths → CGA hash → timestamp → nonce → key size → key hash →
//                 RSA verify → (on success only) timestamp cache update, nonce consumed.
//
// Every refusal names its reason (reasons.def).

#include "mipgate/common/bytes.hpp"
#include "mipgate/common/ipv6_addr.hpp"
#include "mipgate/send/nonce.hpp"
#include "mipgate/send/reasons.hpp"
#include "mipgate/send/rsa_key.hpp"
#include "mipgate/send/timestamp.hpp"

#include <array>
#include <cstddef>
#include <cstdint>

namespace mipgate::send {

/// The stages of send_verifier::verify, in the order they run.
enum class verify_stage : std::uint8_t {
    presence,    ///< CGA / RSA Signature / Timestamp / Nonce options present
    lengths,     ///< option lengths, CGA Parameters parse
    cga,         ///< RFC 3972 §5
    timestamp,   ///< RFC 3971 §5.3.4.2 (read-only check)
    nonce,       ///< RFC 3971 §5.3.4.1
    key_size,    ///< decode the key, policy min/max bits
    key_hash,    ///< Key Hash names the key
    signature,   ///< RSA verify
};
inline constexpr std::array<verify_stage, 8> verify_order = {
    verify_stage::presence, verify_stage::lengths,  verify_stage::cga,      verify_stage::timestamp,
    verify_stage::nonce,    verify_stage::key_size, verify_stage::key_hash, verify_stage::signature};

/// The stage that reports `r` (presence for ok and non-verify reasons). Any thread.
verify_stage stage_of(send_reason r) noexcept;

/// Nonce requirement of the message being checked (RFC 3971 §5.3.4.1).
enum class nonce_rule : std::uint8_t {
    none,          ///< ignore any Nonce (unsolicited advertisements)
    required,      ///< solicitations: must carry a Nonce
    echo,          ///< answers to our solicitations: must carry a Nonce we issued
    echo_if_present, ///< advertisements: a Nonce, if present, must be one we issued
};

/// Receiver limits (design.md §4 "Limits"; config limits_cfg).
struct send_policy {
    unsigned rsa_min_bits = 1024;
    unsigned rsa_max_bits = 4096;
    unsigned cga_max_sec = 2;
    bool require_cga = true;  ///< false: a known (certified) key may stand in for a CGA option
    unsigned key_cache = 64;  ///< decoded CGA keys kept (rsa_key_cache)
};

/// One received message.
struct send_message {
    ipv6_addr src;
    ipv6_addr dst;
    bytes_view icmp;                  ///< the whole ICMPv6 message
    std::size_t options_offset = 0;   ///< 0 → nd_options_offset(icmp[0])
    const ipv6_addr* cga_address = nullptr; ///< the address the CGA must match (NS for DAD: the
                                      ///< Target); null → src. Also the timestamp-cache peer.
    nonce_rule nonce = nonce_rule::none;
    std::uint32_t ifindex = 0;
    send_time received = 0;           ///< RDnew
    const rsa_public_key* known_key = nullptr; ///< e.g. the router's certified key: the Key Hash
                                      ///< must name it (and a CGA option's key must be it)
};

/// What a verification found (valid fields depend on how far it got).
struct send_verified {
    send_reason reason = send_reason::ok;
    unsigned sec = 0;
    send_time timestamp = 0;
    bytes_view nonce;                 ///< into the message
    bytes_view cga_params;            ///< into the message
    std::size_t rsa_sig_offset = 0;   ///< of the first RSA Signature option in the message
    rsa_public_key key;               ///< the key that verified (on ok)
};

/// Runs verify_order against a policy, a timestamp cache and (optionally) a nonce table.
/// Not thread-safe (the cache and table are single-owner): one verifier per SEND service thread.
class send_verifier {
public:
    /// `nonces` may be null when no rule other than none/required is used.
    /// Control thread; allocates the key cache.
    send_verifier(send_policy policy, timestamp_cache& timestamps, nonce_table* nonces)
        : _policy(policy), _timestamps(timestamps), _nonces(nonces), _keys(policy.key_cache) {}

    /// Verifies `m` in verify_order; on ok records the timestamp and consumes an echoed nonce.
    /// Owner thread; allocates (key decode, EVP contexts); never blocks; one RSA verify at most.
    send_reason verify(const send_message& m, send_verified* out = nullptr);

    const send_policy& policy() const noexcept { return _policy; }
    const rsa_key_cache& key_cache() const noexcept { return _keys; }

private:
    send_policy _policy;
    timestamp_cache& _timestamps;
    nonce_table* _nonces;
    rsa_key_cache _keys;
};

} // namespace mipgate::send
