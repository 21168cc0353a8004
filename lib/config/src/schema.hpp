#pragma once
// The YAML schema, section by section: reads a document into a `config`, checking each field on
// its own (type, syntax, range). Cross-field checks are in validate.hpp.

#include "mipgate/config/config.hpp"
#include "yaml_walk.hpp"

#include <string>
#include <string_view>

namespace mipgate::config::detail {

/// Names accepted in handover_keys.algorithms and their AT codes (design §4).
struct algorithm_name {
    const char* name;
    unsigned at;
};
inline constexpr algorithm_name algorithm_names[] = {{"hmac-sha256", 1}, {"hmac-sha1", 0}};

/// logging.level / logging.types values (rte_log levels, lib/log) and the logtypes of
/// logging.types (lib/log's "mipgate.<name>").
inline constexpr std::string_view log_level_names[] = {"emergency", "alert",  "critical", "error",
                                                       "warning",   "notice", "info",     "debug"};
inline constexpr const char* log_type_names[] = {"app", "send", "keys", "fmip", "cli", "config"};

/// Reads the top-level mapping `root` into `c`; relative file paths resolve against `base_dir`.
void read_document(walker& w, const YAML::Node& root, const std::string& base_dir, config& c);

} // namespace mipgate::config::detail
