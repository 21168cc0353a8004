#pragma once
// Text → one YAML document, working around yaml-cpp 0.7 parser traps.

#include "mipgate/config/load.hpp"

#include <yaml-cpp/yaml.h>

#include <optional>
#include <string>
#include <string_view>

namespace mipgate::config::detail {

/// Parses `text` as exactly one YAML document. On failure returns nullopt and sets `err` (key
/// "yaml" for syntax errors, "document" for none or several documents). May throw yaml-cpp's
/// exceptions only as std::bad_alloc. Control thread; allocates.
std::optional<YAML::Node> parse_single_document(std::string_view text, const std::string& file,
                                                diagnostic& err);

} // namespace mipgate::config::detail
