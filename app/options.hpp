#pragma once
// mipgate command line (not EAL's: EAL arguments come from the configuration).

#include "mipgate/config/config.hpp"

#include <optional>
#include <string>
#include <vector>

namespace mipgate::app {

struct options {
    std::string config_path;          ///< empty → the embedded default
    bool print_default = false;
    bool help = false;
    bool print_reload_table = false;  ///< print docs/operations.md's reload table and exit
    std::optional<double> duration_s; ///< self-stop after this many seconds
    std::string file_prefix;          ///< overrides system.file_prefix
    std::string control_socket;       ///< mipgatectl's socket; overrides control.socket
    std::string metrics_listen;       ///< Prometheus HTTP "ADDR:PORT"; overrides control.metrics_listen
    /// SEND service signer threads (RSA verify/sign); 0 = inline on the control lcore. Overrides
    /// system.signer_threads.
    std::optional<unsigned> signer_threads;
};

struct parse_outcome {
    options opts;
    std::vector<std::string> errors;  ///< non-empty → usage error (exit 2)
};

/// Parses argv. Main thread at start; allocates.
parse_outcome parse_options(int argc, char** argv);

/// The --help text.
const char* usage_text();

/// Where the operator surface listens: the flags, else the `control:` section, else the default
/// socket /run/mipgate/<file prefix>.sock (/run/mipgate/mipgate.sock without a prefix).
struct control_endpoints {
    std::string socket;          ///< "" = no control socket
    bool socket_explicit = false;///< set by a flag or control.socket: failing to create it is fatal
    std::string metrics_listen;  ///< "" = off
};

/// Resolves the control endpoints. Main thread at start; allocates.
control_endpoints resolve_control(const options& o, const config::config& cfg);

} // namespace mipgate::app
