#pragma once
// The CLI command table (house style 11): one entry per command with its path words, arguments,
// help, an example, a handler and a thread contract. docs/cli.md is generated from it
// (`mipgatectl --print-docs`), and a unit test fails when the two disagree.

#include "mipgate/cli/value.hpp"
#include "mipgate/common/result.hpp"

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mipgate::cli {

/// One argument after the path words.
struct arg_spec {
    enum class kind : std::uint8_t {
        positional, ///< `<name>`: the next free word, in order
        flag,       ///< `[name]`: the literal word `name`, anywhere after the path
    };
    std::string name;
    kind k = kind::positional;
    bool required = true;             ///< positional only; flags are always optional
    std::vector<std::string> choices; ///< positional: allowed values (empty = any)
    std::string help;                 ///< one line for the docs
};

class command_table;

/// A parsed command line, as a handler sees it.
struct invocation {
    const command_table* table = nullptr; ///< the table that matched (for help)
    std::vector<std::string> path;        ///< the entry's full path words
    std::map<std::string, std::string>
        args; ///< positional name → value (absent if optional and not given)
    std::vector<std::string> flags; ///< flags given, in table order

    bool has_flag(std::string_view f) const;
    /// Value of positional `name`, or nullptr.
    const std::string* arg(std::string_view name) const;
};

/// A handler answers with a value tree, or an error whose message is shown to the operator.
/// error.code: EINVAL for bad arguments (the usage is added), ENOSYS for "not implemented yet",
/// anything else for failures.
using handler_fn = std::function<result<value>(const invocation&)>;

/// Where a handler may run.
enum class thread_contract : std::uint8_t {
    control_lcore, ///< touches control-plane state: runs only on the control lcore
                   ///< (cli_server::poll)
    any_thread,    ///< reads only atomics or locked state: may also run on the telemetry thread
};

struct command_entry {
    std::string path; ///< space-separated words: "show counters"
    std::vector<arg_spec> args;
    std::string help;    ///< one sentence
    std::string example; ///< a full command line: "show counters all"
    handler_fn handler;  ///< empty → "not implemented yet"
    thread_contract contract = thread_contract::control_lcore;
    std::string not_implemented; ///< message used while `handler` is empty

    /// "show key <cga>", "show counters [all] [per-lcore]".
    std::string usage() const;
    /// The path split into words.
    std::vector<std::string> words() const;
};

/// Outcome of matching a command line against the table.
struct match_result {
    const command_entry* entry = nullptr; ///< set when the path matched (even if the args are bad)
    invocation inv;
    std::optional<error> err; ///< unknown command or bad arguments (message includes the usage)
};

/// Splits a command line into words: whitespace separates, "double" and 'single' quotes group,
/// backslash escapes the next character (not inside single quotes). Any thread; allocates.
result<std::vector<std::string>> tokenize(std::string_view line);

class command_table {
public:
    /// Adds an entry, replacing any entry with the same path (so owners can bind handlers to
    /// declared commands). Control thread before or between polls; allocates.
    void add(command_entry e);
    /// Sets the handler (and contract) of a declared command; false if the path is unknown.
    bool bind(std::string_view path, handler_fn h,
              thread_contract c = thread_contract::control_lcore);
    /// Entry by exact path, or nullptr.
    const command_entry* find(std::string_view path) const;
    /// Entries sorted by path.
    const std::vector<command_entry>& entries() const noexcept { return _entries; }

    /// Matches words to an entry: the longest path whose words match (each word exactly or as a
    /// unique prefix among the candidates at that position), then binds the arguments.
    /// Any thread that owns the table; allocates.
    match_result match(const std::vector<std::string>& words) const;
    /// Matches and runs the handler; errors carry the usage. Caller's thread is the handler's.
    result<value> execute(const std::vector<std::string>& words) const;

    /// The command reference in Markdown (the generated section of docs/cli.md). Allocates.
    std::string markdown() const;
    /// The list used by `help` and `show commands`: [{command, help, runs_on}]. Allocates.
    value listing() const;
    /// Words that may follow `prefix` (for completion). Allocates.
    std::vector<std::string> next_words(const std::vector<std::string>& prefix) const;

private:
    std::vector<command_entry> _entries;
};

/// Every command mipgate declares, with its docs; handlers of the generic ones (help,
/// show commands, quit) set, the others answering "not implemented yet" until their owner binds
/// them. The docs are generated from this table. Any thread; allocates.
command_table standard_table();

/// Markers around the generated part of docs/cli.md.
inline constexpr std::string_view docs_begin_marker =
    "<!-- BEGIN GENERATED: mipgatectl --print-docs -->";
inline constexpr std::string_view docs_end_marker = "<!-- END GENERATED -->";

} // namespace mipgate::cli
