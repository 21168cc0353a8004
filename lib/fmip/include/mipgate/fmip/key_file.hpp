#pragma once
// Handover-key preload files: keys an operator installs at start-up instead of provisioning them
// over RFC 5269, for benchmarks on bare metal (FBU pcaps replayed at line rate need keys mipgate
// already holds) and for lab set-ups. One key per line:
//
//   # comment
//   <CGA (IPv6 address)> <AT (0|1)> <key hex, at_key_len(AT) bytes> [<lifetime seconds>]
//
// The file is a secret: the loader refuses it unless only its owner may read it (mode 0600 or
// stricter). Parsing is pure (no I/O) so it is unit-testable and fuzzable; key bytes are held in
// secret_bytes and every text copy of them is wiped.

#include "mipgate/common/bytes.hpp"
#include "mipgate/common/ipv6_addr.hpp"
#include "mipgate/common/secret_bytes.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mipgate::fmip {

struct key_file_entry {
    ipv6_addr cga;
    unsigned at = 0;
    secret_bytes key;
    std::optional<std::uint32_t> lifetime_s; ///< absent: the configured HK-LIFETIME
    unsigned line = 0;                       ///< 1-based line in the file
};

struct key_file_error {
    unsigned line = 0;
    std::string reason;
};

struct key_file_parsed {
    std::vector<key_file_entry> entries;
    std::vector<key_file_error> errors; ///< any error: the caller should load nothing
};

/// Parses the text of a key file. Duplicate CGAs, unknown ATs, keys of the wrong length, bad hex,
/// lifetimes outside 1..65535 and trailing fields are errors (with their line). Error messages
/// never contain key material. Any thread; allocates.
key_file_parsed parse_key_file(std::string_view text);

/// One line for `e` (with a trailing newline), the inverse of parse_key_file. The returned
/// string holds key material: wipe it (OPENSSL_cleanse) when done. Any thread; allocates.
std::string format_key_file_line(const ipv6_addr& cga, unsigned at, bytes_view key,
                                 std::optional<std::uint32_t> lifetime_s = std::nullopt);

} // namespace mipgate::fmip
