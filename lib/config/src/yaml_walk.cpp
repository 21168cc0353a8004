#include "yaml_walk.hpp"

#include <algorithm>
#include <cstdio>

namespace mipgate::config::detail {

pos pos_of(const YAML::Mark& m) {
    if (m.line < 0 || m.column < 0) {
        return {};
    }
    return {m.line + 1, m.column + 1};
}

pos pos_of(const YAML::Node& n) {
    return n.IsDefined() ? pos_of(n.Mark()) : pos{};
}

std::string quote(std::string_view s) {
    constexpr std::size_t max = 80;
    std::string out = "\"";
    for (std::size_t i = 0; i < s.size() && i < max; ++i) {
        auto c = static_cast<unsigned char>(s[i]);
        if (c == '"' || c == '\\') {
            out += '\\';
            out += static_cast<char>(c);
        } else if (c < 0x20 || c >= 0x7f) {
            char buf[8];
            std::snprintf(buf, sizeof(buf), "\\x%02x", c);
            out += buf;
        } else {
            out += static_cast<char>(c);
        }
    }
    if (s.size() > max) {
        out += "...";
    }
    out += '"';
    return out;
}

std::string kind_name(const YAML::Node& n) {
    switch (n.Type()) {
    case YAML::NodeType::Sequence:
        return "a list";
    case YAML::NodeType::Map:
        return "a mapping";
    case YAML::NodeType::Scalar:
        return "a string " + quote(n.Scalar());
    default:
        return "nothing";
    }
}

namespace {

bool plain_key(std::string_view k) {
    if (k.empty()) {
        return false;
    }
    return std::all_of(k.begin(), k.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
               c == '-';
    });
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) {
        row[j] = j;
    }
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t diag = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            std::size_t up = row[j];
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
            diag = up;
        }
    }
    return row[b.size()];
}

std::string range(std::uint64_t min, std::uint64_t max) {
    return std::to_string(min) + ".." + std::to_string(max);
}

} // namespace

std::string child(const std::string& path, std::string_view key) {
    std::string k = plain_key(key) ? std::string(key) : quote(key);
    return path.empty() ? k : path + "." + k;
}

std::string item(const std::string& path, std::size_t index) {
    return path + "[" + std::to_string(index) + "]";
}

// --- walker -------------------------------------------------------------------------------------

void walker::error(pos p, const std::string& key, std::string reason) {
    if (!_bad.insert(key).second) {
        return;
    }
    _diags.push_back(diagnostic{_file, p.line, p.col, key, std::move(reason)});
}

bool walker::any_bad_under(const std::string& key) const {
    for (auto it = _bad.lower_bound(key); it != _bad.end(); ++it) {
        const std::string& k = *it;
        if (k.compare(0, key.size(), key) != 0) {
            break;
        }
        if (k.size() == key.size() || k[key.size()] == '.' || k[key.size()] == '[') {
            return true;
        }
    }
    return false;
}

pos walker::where(const std::string& key) const {
    std::string k = key;
    for (;;) {
        auto it = _where.find(k);
        if (it != _where.end()) {
            return it->second;
        }
        if (k.empty()) {
            return {};
        }
        auto cut = k.find_last_of(".[");
        k = cut == std::string::npos ? std::string() : k.substr(0, cut);
    }
}

std::vector<diagnostic> walker::take_sorted() {
    std::stable_sort(_diags.begin(), _diags.end(), [](const diagnostic& a, const diagnostic& b) {
        return a.line != b.line ? a.line < b.line : a.col < b.col;
    });
    return std::move(_diags);
}

// --- item readers -------------------------------------------------------------------------------

std::optional<std::string> read_string(walker& w, const YAML::Node& n, const std::string& path) {
    w.remember(path, pos_of(n));
    if (!n.IsScalar()) {
        w.error(pos_of(n), path, "expected a string, got " + kind_name(n));
        return std::nullopt;
    }
    return n.Scalar();
}

std::optional<std::uint64_t> read_uint(walker& w, const YAML::Node& n, const std::string& path,
                                       std::uint64_t min, std::uint64_t max) {
    w.remember(path, pos_of(n));
    if (!n.IsScalar()) {
        w.error(pos_of(n), path, "expected an integer in " + range(min, max) + ", got " + kind_name(n));
        return std::nullopt;
    }
    const std::string& s = n.Scalar();
    std::string_view digits = s;
    bool negative = !digits.empty() && digits[0] == '-';
    if (negative || (!digits.empty() && digits[0] == '+')) {
        digits.remove_prefix(1);
    }
    bool numeric = !digits.empty() && std::all_of(digits.begin(), digits.end(),
                                                  [](char c) { return c >= '0' && c <= '9'; });
    if (!numeric) {
        w.error(pos_of(n), path, "expected an integer in " + range(min, max) + ", got " + quote(s));
        return std::nullopt;
    }
    std::uint64_t v = 0;
    bool overflow = false;
    for (char c : digits) {
        auto d = static_cast<std::uint64_t>(c - '0');
        if (v > (UINT64_MAX - d) / 10) {
            overflow = true;
            break;
        }
        v = v * 10 + d;
    }
    if (overflow || (negative && v != 0) || v < min || v > max) {
        w.error(pos_of(n), path, s + " is out of range " + range(min, max));
        return std::nullopt;
    }
    return v;
}

std::optional<bool> read_bool(walker& w, const YAML::Node& n, const std::string& path) {
    w.remember(path, pos_of(n));
    if (n.IsScalar()) {
        std::string s = n.Scalar();
        std::transform(s.begin(), s.end(), s.begin(), [](char c) {
            return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
        });
        if (s == "true" || s == "yes" || s == "on") {
            return true;
        }
        if (s == "false" || s == "no" || s == "off") {
            return false;
        }
    }
    w.error(pos_of(n), path,
            "expected true or false, got " + (n.IsScalar() ? quote(n.Scalar()) : kind_name(n)));
    return std::nullopt;
}

std::optional<ipv6_addr> read_addr(walker& w, const YAML::Node& n, const std::string& path) {
    auto s = read_string(w, n, path);
    if (!s) {
        return std::nullopt;
    }
    auto a = ipv6_addr::parse(*s);
    if (!a) {
        w.error(pos_of(n), path, "not an IPv6 address: " + quote(*s));
        return std::nullopt;
    }
    if (a->is_multicast() || a->is_unspecified()) {
        w.error(pos_of(n), path, "not a unicast address: " + quote(*s));
        return std::nullopt;
    }
    return a;
}

std::optional<ipv6_prefix> read_prefix(walker& w, const YAML::Node& n, const std::string& path,
                                       bool want_network) {
    auto s = read_string(w, n, path);
    if (!s) {
        return std::nullopt;
    }
    auto p = ipv6_prefix::parse(*s);
    if (!p) {
        w.error(pos_of(n), path, "not an IPv6 prefix: " + quote(*s));
        return std::nullopt;
    }
    if (want_network) {
        if (!(p->masked() == *p)) {
            w.error(pos_of(n), path,
                    "host bits set in " + quote(*s) + " (did you mean " + p->masked().to_string() + "?)");
            return std::nullopt;
        }
    } else if (p->addr.is_multicast() || p->addr.is_unspecified()) {
        w.error(pos_of(n), path, "not a unicast address: " + quote(*s));
        return std::nullopt;
    }
    return p;
}

std::optional<mac_addr> read_mac(walker& w, const YAML::Node& n, const std::string& path) {
    auto s = read_string(w, n, path);
    if (!s) {
        return std::nullopt;
    }
    auto m = mac_addr::parse(*s);
    if (!m) {
        w.error(pos_of(n), path, "not a MAC address: " + quote(*s));
        return std::nullopt;
    }
    if ((m->b[0] & 1) != 0 || *m == mac_addr{}) {
        w.error(pos_of(n), path, "not a unicast MAC address: " + quote(*s));
        return std::nullopt;
    }
    return m;
}

std::optional<std::vector<YAML::Node>> read_list(walker& w, const YAML::Node& n,
                                                 const std::string& path) {
    w.remember(path, pos_of(n));
    if (!n.IsSequence()) {
        w.error(pos_of(n), path, "expected a list, got " + kind_name(n));
        return std::nullopt;
    }
    std::vector<YAML::Node> items;
    items.reserve(n.size());
    for (const auto& it : n) {
        items.push_back(it);
    }
    return items;
}

// --- map_reader ---------------------------------------------------------------------------------

map_reader::map_reader(walker& w, const YAML::Node& n, std::string path,
                       std::initializer_list<std::string_view> keys)
    : _w(w), _path(std::move(path)), _pos(pos_of(n)) {
    _w.remember(_path, _pos);
    if (!n.IsMap()) {
        _w.error(_pos, _path, "expected a mapping, got " + kind_name(n));
        return;
    }
    _ok = true;
    for (auto it = n.begin(); it != n.end(); ++it) {
        const YAML::Node k = it->first;
        const YAML::Node v = it->second;
        pos kpos = pos_of(k);
        if (!k.IsScalar()) {
            _w.error(kpos, child(_path, "?"), "keys must be strings, got " + kind_name(k));
            continue;
        }
        const std::string& name = k.Scalar();
        std::string kpath = child(_path, name);
        if (std::find(keys.begin(), keys.end(), name) == keys.end()) {
            std::string reason = "unknown key";
            std::string_view best;
            std::size_t best_d = 3;
            for (auto allowed : keys) {
                std::size_t d = edit_distance(name, allowed);
                if (d < best_d && d < allowed.size()) {
                    best_d = d;
                    best = allowed;
                }
            }
            if (!best.empty()) {
                reason += "; did you mean \"" + std::string(best) + "\"?";
            } else {
                reason += "; expected one of:";
                const char* sep = " ";
                for (auto allowed : keys) {
                    reason += sep;
                    reason += allowed;
                    sep = ", ";
                }
            }
            _w.error(kpos, kpath, std::move(reason));
            continue;
        }
        auto dup = std::find_if(_entries.begin(), _entries.end(),
                                [&](const entry& e) { return e.key == name; });
        if (dup != _entries.end()) {
            _w.error(kpos, kpath, "duplicate key (first on line " + std::to_string(dup->key_pos.line) + ")");
            continue;
        }
        _entries.push_back(entry{name, v, kpos});
        _w.remember(kpath, v.IsNull() ? kpos : pos_of(v));
    }
}

const YAML::Node* map_reader::find(std::string_view key) const {
    for (const auto& e : _entries) {
        if (e.key == key) {
            return e.value.IsNull() ? nullptr : &e.value;
        }
    }
    return nullptr;
}

bool map_reader::require(std::string_view key) {
    if (!_ok || find(key) != nullptr) {
        return true;
    }
    for (const auto& e : _entries) {
        if (e.key == key) {
            _w.error(e.key_pos, path(key), "missing value");
            return false;
        }
    }
    _w.error(_pos, path(key), "missing required key");
    return false;
}

void map_reader::fail(std::string_view key, std::string reason) {
    _w.error_at(path(key), std::move(reason));
}

const YAML::Node* map_reader::lookup(std::string_view key, bool required) {
    if (!_ok) {
        return nullptr;
    }
    if (required && !require(key)) {
        return nullptr;
    }
    return find(key);
}

bool map_reader::str(std::string_view key, std::string& out, bool required) {
    const YAML::Node* n = lookup(key, required);
    if (n == nullptr) {
        return false;
    }
    auto v = read_string(_w, *n, path(key));
    if (v) {
        out = std::move(*v);
    }
    return v.has_value();
}

bool map_reader::boolean(std::string_view key, bool& out, bool required) {
    const YAML::Node* n = lookup(key, required);
    if (n == nullptr) {
        return false;
    }
    auto v = read_bool(_w, *n, path(key));
    if (v) {
        out = *v;
    }
    return v.has_value();
}

bool map_reader::addr(std::string_view key, ipv6_addr& out, bool required) {
    const YAML::Node* n = lookup(key, required);
    if (n == nullptr) {
        return false;
    }
    auto v = read_addr(_w, *n, path(key));
    if (v) {
        out = *v;
    }
    return v.has_value();
}

bool map_reader::addr(std::string_view key, std::optional<ipv6_addr>& out, bool required) {
    ipv6_addr a{};
    if (!addr(key, a, required)) {
        return false;
    }
    out = a;
    return true;
}

bool map_reader::prefix(std::string_view key, ipv6_prefix& out, bool want_network, bool required) {
    const YAML::Node* n = lookup(key, required);
    if (n == nullptr) {
        return false;
    }
    auto v = read_prefix(_w, *n, path(key), want_network);
    if (v) {
        out = *v;
    }
    return v.has_value();
}

bool map_reader::mac(std::string_view key, mac_addr& out, bool required) {
    const YAML::Node* n = lookup(key, required);
    if (n == nullptr) {
        return false;
    }
    auto v = read_mac(_w, *n, path(key));
    if (v) {
        out = *v;
    }
    return v.has_value();
}

bool map_reader::mac(std::string_view key, std::optional<mac_addr>& out, bool required) {
    mac_addr m{};
    if (!mac(key, m, required)) {
        return false;
    }
    out = m;
    return true;
}

std::optional<std::vector<YAML::Node>> map_reader::list(std::string_view key, bool required) {
    const YAML::Node* n = lookup(key, required);
    if (n == nullptr) {
        return std::vector<YAML::Node>{};
    }
    return read_list(_w, *n, path(key));
}

} // namespace mipgate::config::detail
