#pragma once
// Human rendering of a command's value tree (mipgatectl without --json):
//   string            printed as it is (metrics, YAML)
//   array of objects  a table: one column per member name (first-seen order), numbers right-aligned
//   object            "key: value" lines; members that are tables or text blocks get a heading
//   array of scalars  comma-separated

#include "mipgate/cli/value.hpp"

#include <string>

namespace mipgate::cli {

/// The text mipgatectl prints for `v`, ending in a newline (empty for an empty object).
/// Any thread; allocates.
std::string render_text(const value& v);
/// A table of an array of objects (header, dashes, rows). Any thread; allocates.
std::string render_table(const array& rows);

} // namespace mipgate::cli
