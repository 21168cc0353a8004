#pragma once
// Which configuration options a reload applies, and how (issue 6): one classification table, from
// which the reload diff, its reply and the docs/operations.md table are all made. DPDK-free.

#include "mipgate/config/config.hpp"

#include <span>
#include <string>

namespace mipgate::app {

enum class apply_class : std::uint8_t {
    live,      ///< applied at once to everything, existing state included
    new_state, ///< applied to what is created afterwards (keys, bindings); existing state keeps its own
    restart,   ///< read at start only: a reload reports the change and leaves it unapplied
};

/// Which part of the running app applies an option (its hook in reload_targets).
enum class apply_target : std::uint8_t { none, logging, rate_limits, key_policy, tables, identity, fmip };

/// One option (or a group of options handled as one, like a list section).
struct option_info {
    const char* path;       ///< "limits.max_cpa_rate", "routes[]", "ports[].addresses"
    apply_class cls;
    apply_target target;    ///< none for restart
    const char* note;       ///< what applies it, or why a restart is needed
    bool (*differs)(const config::config& a, const config::config& b);
    void (*take)(config::config& dst, const config::config& src); ///< copies the option from src
};

/// Every option, in configuration-file order. Any thread; static data.
std::span<const option_info> option_table();

/// "applied live", "applies to new state only", "needs a restart". Any thread.
const char* class_label(apply_class c) noexcept;
/// "live", "new-state", "restart" (the reply's machine-readable class). Any thread.
const char* class_key(apply_class c) noexcept;

/// The Markdown table of docs/operations.md (between reload_table_begin/end), generated from
/// option_table(): `mipgate --print-reload-table`. Any thread; allocates.
std::string reload_table_markdown();

inline constexpr const char* reload_table_begin = "<!-- BEGIN GENERATED: mipgate --print-reload-table -->";
inline constexpr const char* reload_table_end = "<!-- END GENERATED: reload table -->";

} // namespace mipgate::app
