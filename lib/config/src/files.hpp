#pragma once
// Paths named in a config: resolved against the config file's directory, then checked readable.

#include <optional>
#include <string>
#include <string_view>

namespace mipgate::config::detail {

/// Directory that relative paths in a config named `config_name` are resolved against: the
/// config file's directory, or the working directory for "<embedded>"/bare names. Absolute.
std::string base_dir_of(std::string_view config_name);
/// `path` made absolute against `base_dir` and normalised ("a/../b" → "b").
std::string resolve_path(const std::string& base_dir, const std::string& path);
/// nullopt when `abs_path` is a regular file we can open for reading, else the reason.
std::optional<std::string> check_readable(const std::string& abs_path);

} // namespace mipgate::config::detail
