#pragma once
// The YAML schema, section by section: reads a document into a `config`, checking each field on
// its own (type, syntax, range). Cross-field checks are in validate.hpp.

#include "mipgate/config/config.hpp"
#include "yaml_walk.hpp"

#include <string>

namespace mipgate::config::detail {

/// Names accepted in handover_keys.algorithms and their AT codes (design §4).
struct algorithm_name {
    const char* name;
    unsigned at;
};
inline constexpr algorithm_name algorithm_names[] = {{"hmac-sha256", 1}, {"hmac-sha1", 0}};

/// Reads the top-level mapping `root` into `c`; relative file paths resolve against `base_dir`.
void read_document(walker& w, const YAML::Node& root, const std::string& base_dir, config& c);

} // namespace mipgate::config::detail
