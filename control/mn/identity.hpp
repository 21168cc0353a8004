#pragma once
// The mobile node's SEND identity: RSA CGA key, handover-key-encryption (HK) key of the same
// size (RFC 5269 §4.1), and its CGAs (RFC 3972) on the link-local and optionally a global /64.
// Kept across runs in a state file (private keys in PEM: the file is written 0600).

#include "mipgate/common/ipv6_addr.hpp"
#include "mipgate/common/result.hpp"
#include "mipgate/common/secret_bytes.hpp"
#include "mipgate/send/rsa_key.hpp"

#include <optional>
#include <string>
#include <vector>

namespace mipgate::mn {

/// One CGA: the address and its encoded CGA Parameters.
struct cga_address {
    ipv6_addr address;
    std::vector<std::uint8_t> params;
};

struct identity {
    send::rsa_private_key cga_key;
    send::rsa_private_key hk_key;
    cga_address link_local;
    std::optional<cga_address> global;

    /// The address signed messages come from: the global CGA when there is one, else the
    /// link-local CGA. Any thread.
    const cga_address& source() const noexcept { return global ? *global : link_local; }
};

/// What to generate when there is no state (or the state does not fit the request).
struct identity_request {
    unsigned bits = 1024;
    unsigned sec = 0;
    std::optional<ipv6_addr> global_prefix; ///< leftmost 64 bits used
};

/// A CGA of `key` on `prefix` (RFC 3972 §4). Main thread; allocates; CPU-bound (Sec 1 ≈ 2^16 SHA-1).
result<cga_address> make_cga(const send::rsa_private_key& key, const ipv6_addr& prefix, unsigned sec);

/// Fresh keys and CGAs. Main thread; allocates; slow (RSA key generation, CGA search).
result<identity> generate_identity(const identity_request& req);

/// Loads `path` when it exists and matches `req` (key size, Sec, global prefix): a missing CGA on
/// a new global prefix is generated and the file rewritten; a missing file is created.
/// `created` tells which happened. Main thread; blocks on file I/O.
result<identity> load_or_create(const std::string& path, const identity_request& req, bool& created);

/// Writes the identity (PEM keys + hex CGA Parameters) with mode 0600. Main thread; file I/O.
result<void> save_identity(const std::string& path, const identity& id);

/// DER (PKCS#8) of a private key in wiped memory (for fmip::decrypt_handover_key).
/// Any thread; allocates.
result<secret_bytes> private_key_der(const send::rsa_private_key& key);

} // namespace mipgate::mn
