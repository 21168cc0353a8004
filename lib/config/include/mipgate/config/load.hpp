#pragma once
// Loading and validating configuration. Control thread only; allocates; never touches DPDK.

#include "mipgate/config/config.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mipgate::config {

/// One refusal, rendered as "file:line:col: key: reason" (line/col 1-based, 0 when unknown).
struct diagnostic {
    std::string file;
    int line = 0;
    int col = 0;
    std::string key;      ///< dotted path, e.g. "ports[1].addresses[0]"
    std::string reason;
    /// Any thread; allocates the string.
    std::string str() const;
};

struct load_result {
    std::optional<config> cfg;             ///< set only when `errors` is empty
    std::vector<diagnostic> errors;        ///< every bad field, in document order
    std::vector<diagnostic> warnings;      ///< accepted but not recommended (e.g. RSA floor < 1024)
};

/// Parses and validates YAML text; `name` is used as the file in diagnostics and relative paths
/// (key/cert files) are resolved against the directory of `name` (stored resolved, absolute).
/// Never throws: every failure, yaml-cpp's included, becomes a diagnostic. Control thread;
/// allocates; opens the files the config names to check they are readable.
load_result load_string(std::string_view yaml, std::string_view name);
/// Reads and validates a file; an unreadable file is one diagnostic with line 0. Never throws.
/// Control thread; allocates; blocks on file I/O.
load_result load_file(const std::string& path);
/// The embedded default (virtual ring ports, no NIC, no hugepages): `mipgate --print-default-config`.
/// Any thread; allocates nothing (static text).
std::string_view embedded_default();

} // namespace mipgate::config
