#pragma once
// Typed field readers over a yaml-cpp tree. Every reader reports at most one diagnostic per field
// (at the field's own line/column) and leaves the default in place on error, so the schema code
// can keep going and collect every bad field in one pass. Control thread only; allocates.

#include "mipgate/common/ipv6_addr.hpp"
#include "mipgate/config/load.hpp"

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <initializer_list>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace mipgate::config::detail {

/// 1-based position; 0/0 when unknown.
struct pos {
    int line = 0;
    int col = 0;
};

/// Position of a node, 1-based (yaml-cpp marks are 0-based, -1 when unknown).
pos pos_of(const YAML::Node& n);
pos pos_of(const YAML::Mark& m);

/// `s` in double quotes, control and non-ASCII bytes escaped, cut after 80 bytes: safe to print.
std::string quote(std::string_view s);
/// "a list", "a mapping", "a string", "nothing".
std::string kind_name(const YAML::Node& n);
/// "ports[1].addresses" + "[0]" style path helpers.
std::string child(const std::string& path, std::string_view key);
std::string item(const std::string& path, std::size_t index);

/// Collects diagnostics and remembers where every field was, for the cross-field checks.
class walker {
public:
    explicit walker(std::string file) : _file(std::move(file)) {}

    /// Records a diagnostic, unless `key` already has one (one diagnostic per field).
    void error(pos p, const std::string& key, std::string reason);
    /// Records a diagnostic at the position remembered for `key` (or its nearest parent).
    void error_at(const std::string& key, std::string reason) { error(where(key), key, std::move(reason)); }
    bool is_bad(const std::string& key) const { return _bad.count(key) != 0; }
    /// True when `key` or anything below it (`key.x`, `key[3]`) has a diagnostic.
    bool any_bad_under(const std::string& key) const;

    void remember(const std::string& key, pos p) { _where.emplace(key, p); }
    /// Position of `key`; falls back to its parents ("a.b[2].c" → "a.b[2]" → "a.b" → "a" → "").
    pos where(const std::string& key) const;

    const std::string& file() const { return _file; }
    std::vector<diagnostic> take_sorted();

private:
    std::string _file;
    std::vector<diagnostic> _diags;
    std::set<std::string> _bad;
    std::map<std::string, pos> _where;
};

/// Item readers: nullopt (after a diagnostic at `path`) when `n` is not a valid value.
std::optional<std::string> read_string(walker& w, const YAML::Node& n, const std::string& path);
std::optional<std::uint64_t> read_uint(walker& w, const YAML::Node& n, const std::string& path,
                                       std::uint64_t min, std::uint64_t max);
std::optional<bool> read_bool(walker& w, const YAML::Node& n, const std::string& path);
/// Unicast (not multicast, not ::) IPv6 address.
std::optional<ipv6_addr> read_addr(walker& w, const YAML::Node& n, const std::string& path);
/// "addr/len"; `want_network` refuses host bits (route prefixes), else the address must be unicast.
std::optional<ipv6_prefix> read_prefix(walker& w, const YAML::Node& n, const std::string& path,
                                       bool want_network);
/// Unicast MAC "02:00:00:00:00:01".
std::optional<mac_addr> read_mac(walker& w, const YAML::Node& n, const std::string& path);
/// A YAML sequence; nullopt after "expected a list" otherwise.
std::optional<std::vector<YAML::Node>> read_list(walker& w, const YAML::Node& n,
                                                 const std::string& path);

/// A YAML mapping checked against its allowed keys: reports non-mappings, unknown keys (with a
/// "did you mean"), duplicate keys and non-string keys. Null values count as absent.
class map_reader {
public:
    map_reader(walker& w, const YAML::Node& n, std::string path,
               std::initializer_list<std::string_view> keys);

    bool ok() const { return _ok; }
    const std::string& path() const { return _path; }
    std::string path(std::string_view key) const { return child(_path, key); }
    /// The value of `key`, or nullptr when absent/null (or the map was bad).
    const YAML::Node* find(std::string_view key) const;
    bool has(std::string_view key) const { return find(key) != nullptr; }
    /// Reports "missing required key" at the mapping's position when `key` is absent.
    bool require(std::string_view key);
    /// Reports `reason` at `key`'s value.
    void fail(std::string_view key, std::string reason);

    // Typed field readers: leave `out` unchanged when absent or bad; return true when set.
    bool str(std::string_view key, std::string& out, bool required = false);
    template <class T>
    bool uint(std::string_view key, T& out, std::uint64_t min, std::uint64_t max, bool required = false) {
        const YAML::Node* n = lookup(key, required);
        if (n == nullptr) {
            return false;
        }
        auto v = read_uint(_w, *n, path(key), min, max);
        if (v) {
            out = static_cast<T>(*v);
        }
        return v.has_value();
    }
    bool boolean(std::string_view key, bool& out, bool required = false);
    bool addr(std::string_view key, ipv6_addr& out, bool required = false);
    bool addr(std::string_view key, std::optional<ipv6_addr>& out, bool required = false);
    bool prefix(std::string_view key, ipv6_prefix& out, bool want_network, bool required = false);
    bool mac(std::string_view key, mac_addr& out, bool required = false);
    bool mac(std::string_view key, std::optional<mac_addr>& out, bool required = false);
    /// The list under `key` (empty when absent); nullopt when it is not a list.
    std::optional<std::vector<YAML::Node>> list(std::string_view key, bool required = false);
    /// The mapping under `key`, or nullptr when absent.
    const YAML::Node* section(std::string_view key, bool required = false) { return lookup(key, required); }

private:
    const YAML::Node* lookup(std::string_view key, bool required);

    struct entry {
        std::string key;
        YAML::Node value;
        pos key_pos;
    };
    walker& _w;
    std::string _path;
    pos _pos;
    bool _ok = false;
    std::vector<entry> _entries;
};

} // namespace mipgate::config::detail
