#pragma once
// Start-up installation of handover keys from an operator file (handover_keys.preload_file,
// format in mipgate/fmip/key_file.hpp): the keys a line-rate FBU benchmark replays against.

#include "mipgate/common/result.hpp"
#include "mipgate/config/config.hpp"
#include "mipgate/tables/key_table.hpp"

#include <cstdint>
#include <string>

namespace mipgate::control {

/// Reads `path` (refused unless a regular file only its owner can read or write: mode 0600 or
/// stricter), parses every line, then installs every key (AT from the file, lifetime from the
/// file or policy.lifetime_s). All or nothing: any bad line, a CGA already in the table or a full
/// table is an error "path:line: reason" and nothing is installed. Key bytes are never part of a
/// message. Control thread at start-up, before the signer threads exist (it writes the table
/// without key_service's mutex); allocates; file I/O.
result<std::uint32_t> preload_keys(const std::string& path, const config::handover_key_policy& policy,
                                   tables::key_table& table);

} // namespace mipgate::control
