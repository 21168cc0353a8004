#include "mipgate/cli/render.hpp"

#include <algorithm>

namespace mipgate::cli {

namespace {

bool all_objects(const array& a) {
    return !a.empty() &&
           std::all_of(a.begin(), a.end(), [](const value& e) { return e.is_object(); });
}

std::string pad(const std::string& s, std::size_t w, bool right) {
    if (s.size() >= w) {
        return s;
    }
    return right ? std::string(w - s.size(), ' ') + s : s + std::string(w - s.size(), ' ');
}

std::string inline_text(const value& v) {
    if (v.is_array()) {
        std::string out;
        for (const auto& e : v.as_array()) {
            out += (out.empty() ? "" : ", ") + inline_text(e);
        }
        return out;
    }
    return scalar_text(v);
}

void render_into(std::string& out, const value& v, const std::string& indent);

void render_object(std::string& out, const object& o, const std::string& indent) {
    std::size_t w = 0;
    for (const auto& [k, e] : o) {
        const bool block = e.is_object() || (e.is_array() && all_objects(e.as_array())) ||
                           (e.is_string() && e.as_string().find('\n') != std::string::npos);
        if (!block) {
            w = std::max(w, k.size() + 1);
        }
    }
    for (const auto& [k, e] : o) {
        if (e.is_object()) {
            out += indent + k + ":\n";
            render_object(out, e.as_object(), indent + "  ");
        } else if (e.is_array() && all_objects(e.as_array())) {
            out += indent + k + ":\n";
            const auto t = render_table(e.as_array());
            std::size_t i = 0;
            while (i < t.size()) {
                const auto nl = t.find('\n', i);
                out += indent + "  " + t.substr(i, nl - i) + "\n";
                i = nl + 1;
            }
        } else if (e.is_array() && e.as_array().empty()) {
            out += indent + pad(k + ":", w, false) + " (none)\n";
        } else if (e.is_string() && e.as_string().find('\n') != std::string::npos) {
            out += indent + k + ":\n" + e.as_string();
            if (e.as_string().back() != '\n') {
                out += '\n';
            }
        } else {
            out += indent + pad(k + ":", w, false) + " " + inline_text(e) + "\n";
        }
    }
}

void render_into(std::string& out, const value& v, const std::string& indent) {
    if (v.is_string()) {
        out += v.as_string();
        if (!v.as_string().empty() && v.as_string().back() != '\n') {
            out += '\n';
        }
    } else if (v.is_object()) {
        render_object(out, v.as_object(), indent);
    } else if (v.is_array() && all_objects(v.as_array())) {
        out += render_table(v.as_array());
    } else if (v.is_array() && v.as_array().empty()) {
        out += "(none)\n";
    } else {
        out += inline_text(v) + "\n";
    }
}

} // namespace

std::string render_table(const array& rows) {
    std::vector<std::string> cols;
    for (const auto& r : rows) {
        for (const auto& [k, e] : r.as_object()) {
            if (std::find(cols.begin(), cols.end(), k) == cols.end()) {
                cols.push_back(k);
            }
        }
    }
    std::vector<std::size_t> width(cols.size());
    std::vector<bool> numeric(cols.size(), true);
    std::vector<std::vector<std::string>> cells;
    for (std::size_t c = 0; c < cols.size(); ++c) {
        width[c] = cols[c].size();
    }
    for (const auto& r : rows) {
        std::vector<std::string> line;
        for (std::size_t c = 0; c < cols.size(); ++c) {
            const value* e = r.find(cols[c]);
            const std::string s = e == nullptr ? "-" : inline_text(*e);
            if (e != nullptr && !e->is_number()) {
                numeric[c] = false;
            }
            width[c] = std::max(width[c], s.size());
            line.push_back(s);
        }
        cells.push_back(std::move(line));
    }
    std::string out;
    auto emit = [&](const std::vector<std::string>& line, bool header) {
        std::string l;
        for (std::size_t c = 0; c < cols.size(); ++c) {
            const bool last = c + 1 == cols.size();
            std::string cell =
                pad(line[c], last && !numeric[c] ? 0 : width[c], numeric[c] && !header);
            if (header && numeric[c]) {
                cell = pad(line[c], width[c], true);
            }
            l += (c == 0 ? "" : "  ") + cell;
        }
        while (!l.empty() && l.back() == ' ') {
            l.pop_back();
        }
        out += l + "\n";
    };
    emit(cols, true);
    std::vector<std::string> dashes;
    for (std::size_t c = 0; c < cols.size(); ++c) {
        dashes.emplace_back(width[c], '-');
    }
    emit(dashes, true);
    for (const auto& line : cells) {
        emit(line, false);
    }
    return out;
}

std::string render_text(const value& v) {
    std::string out;
    render_into(out, v, "");
    return out;
}

} // namespace mipgate::cli
