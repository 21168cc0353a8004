#pragma once
// Cross-field checks, run after the schema has read every field: names that must refer to
// configured things, sizes that depend on each other, duplicates.

#include "mipgate/config/config.hpp"
#include "yaml_walk.hpp"

#include <vector>

namespace mipgate::config::detail {

/// Reports every cross-field refusal into `w` (skipping fields already refused) and appends
/// advisory notes (values accepted but not recommended) to `warnings`.
void validate(walker& w, const config& c, std::vector<diagnostic>& warnings);

} // namespace mipgate::config::detail
