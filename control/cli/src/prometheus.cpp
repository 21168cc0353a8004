#include "mipgate/cli/prometheus.hpp"

namespace mipgate::cli {

namespace {

bool name_char(char c, bool first) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':' ||
           (!first && c >= '0' && c <= '9');
}

std::string escape(std::string_view s, bool quote) {
    std::string out;
    for (char c : s) {
        if (c == '\\') {
            out += "\\\\";
        } else if (c == '\n') {
            out += "\\n";
        } else if (quote && c == '"') {
            out += "\\\"";
        } else {
            out += c;
        }
    }
    return out;
}

} // namespace

bool valid_metric_name(std::string_view name) noexcept {
    if (name.empty()) {
        return false;
    }
    for (std::size_t i = 0; i < name.size(); ++i) {
        if (!name_char(name[i], i == 0)) {
            return false;
        }
    }
    return true;
}

std::string sanitize_metric_name(std::string_view name) {
    std::string out;
    for (std::size_t i = 0; i < name.size(); ++i) {
        out += name_char(name[i], i == 0) ? name[i] : '_';
    }
    return out.empty() ? "_" : out;
}

std::string format_prometheus(const std::vector<metric_family>& families) {
    std::string out;
    for (const auto& f : families) {
        const auto name = sanitize_metric_name(f.name);
        out += "# HELP " + name + " " + escape(f.help, false) + "\n";
        out += "# TYPE " + name + (f.type == metric_type::counter ? " counter\n" : " gauge\n");
        for (const auto& s : f.samples) {
            out += name;
            if (!s.labels.empty()) {
                out += '{';
                bool first = true;
                for (const auto& [k, v] : s.labels) {
                    out += (first ? "" : ",") + sanitize_metric_name(k) + "=\"" + escape(v, true) +
                           "\"";
                    first = false;
                }
                out += '}';
            }
            out += ' ' + std::to_string(s.value) + '\n';
        }
    }
    return out;
}

} // namespace mipgate::cli
