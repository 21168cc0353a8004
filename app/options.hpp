#pragma once
// mipgate command line (not EAL's: EAL arguments come from the configuration).

#include <optional>
#include <string>
#include <vector>

namespace mipgate::app {

struct options {
    std::string config_path;          ///< empty → the embedded default
    bool print_default = false;
    bool help = false;
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

} // namespace mipgate::app
