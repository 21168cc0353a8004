#include "options.hpp"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <string_view>

namespace mipgate::app {

const char* usage_text() {
    return "usage: mipgate [--config FILE] [--duration SECONDS] [--file-prefix PREFIX] [--signer-threads N]\n"
           "       mipgate --print-default-config\n"
           "\n"
           "  --config FILE           YAML configuration (default: the embedded default: ring ports\n"
           "                          and the built-in traffic generator, no NIC, no hugepages)\n"
           "  --print-default-config  print the embedded default configuration and exit\n"
           "  --duration SECONDS      stop by itself after SECONDS (as on SIGINT/SIGTERM)\n"
           "  --file-prefix PREFIX    EAL --file-prefix, overrides system.file_prefix\n"
           "  --control-socket PATH   mipgatectl's UNIX socket, overrides control.socket\n"
           "  --metrics-listen A:P    Prometheus HTTP endpoint (GET /metrics), overrides\n"
           "                          control.metrics_listen\n"
           "  --signer-threads N      SEND service threads for RSA verification and signing\n"
           "                          (overrides system.signer_threads; 0 = on the control lcore)\n"
           "  --print-reload-table    print what a reload does with each option (docs/operations.md)\n"
           "                          and exit\n"
           "  --help                  this text\n"
           "\n"
           "SIGHUP (or `mipgatectl reload`) re-reads and validates the configuration file and applies\n"
           "what can change without a restart (docs/operations.md, Reload).\n"
           "Exit status: 0 after a clean stop, 2 on a usage or configuration error, 1 on a start-up\n"
           "failure. A counters summary is printed on stop.\n";
}

control_endpoints resolve_control(const options& o, const config::config& cfg) {
    control_endpoints e;
    if (!o.control_socket.empty()) {
        e.socket = o.control_socket;
        e.socket_explicit = true;
    } else if (cfg.control.socket) {
        e.socket = *cfg.control.socket;
        e.socket_explicit = true;
    } else {
        const std::string& prefix = o.file_prefix.empty() ? cfg.system.file_prefix : o.file_prefix;
        e.socket = "/run/mipgate/" + (prefix.empty() ? std::string("mipgate") : prefix) + ".sock";
    }
    e.metrics_listen = o.metrics_listen.empty() ? cfg.control.metrics_listen : o.metrics_listen;
    return e;
}

parse_outcome parse_options(int argc, char** argv) {
    parse_outcome out;
    auto& o = out.opts;
    for (int i = 1; i < argc; ++i) {
        std::string_view a = argv[i];
        std::string_view value;
        bool has_value = false;
        if (auto eq = a.find('='); a.starts_with("--") && eq != std::string_view::npos) {
            value = a.substr(eq + 1);
            a = a.substr(0, eq);
            has_value = true;
        }
        auto take = [&](std::string_view name) -> std::optional<std::string> {
            if (has_value) {
                return std::string(value);
            }
            if (i + 1 >= argc) {
                out.errors.push_back(std::string(name) + " needs a value");
                return std::nullopt;
            }
            return std::string(argv[++i]);
        };
        if (a == "--help" || a == "-h") {
            o.help = true;
        } else if (a == "--print-default-config") {
            o.print_default = true;
        } else if (a == "--print-reload-table") {
            o.print_reload_table = true;
        } else if (a == "--config") {
            if (auto v = take(a)) {
                o.config_path = *v;
            }
        } else if (a == "--file-prefix") {
            if (auto v = take(a)) {
                if (v->empty()) {
                    out.errors.emplace_back("--file-prefix must not be empty");
                }
                o.file_prefix = *v;
            }
        } else if (a == "--signer-threads") {
            if (auto v = take(a)) {
                char* end = nullptr;
                errno = 0;
                const unsigned long n = std::strtoul(v->c_str(), &end, 10);
                if (v->empty() || *end != '\0' || errno != 0 || (*v)[0] == '-' || n > 64) {
                    out.errors.push_back("--signer-threads: '" + *v + "' is not a number from 0 to 64");
                } else {
                    o.signer_threads = static_cast<unsigned>(n);
                }
            }
        } else if (a == "--control-socket") {
            if (auto v = take(a)) {
                if (v->empty()) {
                    out.errors.emplace_back("--control-socket must not be empty");
                }
                o.control_socket = *v;
            }
        } else if (a == "--metrics-listen") {
            if (auto v = take(a)) {
                o.metrics_listen = *v;
            }
        } else if (a == "--duration") {
            if (auto v = take(a)) {
                char* end = nullptr;
                errno = 0;
                double d = std::strtod(v->c_str(), &end);
                if (v->empty() || *end != '\0' || errno != 0 || !std::isfinite(d) || d <= 0) {
                    out.errors.push_back("--duration: '" + *v + "' is not a positive number of seconds");
                } else {
                    o.duration_s = d;
                }
            }
        } else {
            out.errors.push_back("unknown argument '" + std::string(argv[i]) + "'");
        }
    }
    return out;
}

} // namespace mipgate::app
