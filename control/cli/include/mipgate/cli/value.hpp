#pragma once
// The structured result of a CLI command: a small JSON-like value tree. Handlers build it; the
// server sends it as JSON; mipgatectl renders it as a human table or prints the JSON (--json).
// Object members keep their insertion order (that is the column order of rendered tables).

#include "mipgate/common/result.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace mipgate::cli {

class value;
using array = std::vector<value>;
using member = std::pair<std::string, value>;
using object = std::vector<member>;

class value {
public:
    using storage = std::variant<std::nullptr_t, bool, std::int64_t, std::uint64_t, double,
                                 std::string, array, object>;

    value() : _v(nullptr) {}
    value(std::nullptr_t) : _v(nullptr) {}
    value(bool b) : _v(b) {}
    value(int i) : _v(static_cast<std::int64_t>(i)) {}
    value(long i) : _v(static_cast<std::int64_t>(i)) {}
    value(long long i) : _v(static_cast<std::int64_t>(i)) {}
    value(unsigned u) : _v(static_cast<std::uint64_t>(u)) {}
    value(unsigned long u) : _v(static_cast<std::uint64_t>(u)) {}
    value(unsigned long long u) : _v(static_cast<std::uint64_t>(u)) {}
    value(double d) : _v(d) {}
    value(const char* s) : _v(std::string(s)) {}
    value(std::string_view s) : _v(std::string(s)) {}
    value(std::string s) : _v(std::move(s)) {}
    value(array a) : _v(std::move(a)) {}
    value(object o) : _v(std::move(o)) {}

    bool is_null() const noexcept { return std::holds_alternative<std::nullptr_t>(_v); }
    bool is_bool() const noexcept { return std::holds_alternative<bool>(_v); }
    bool is_number() const noexcept {
        return std::holds_alternative<std::int64_t>(_v) ||
               std::holds_alternative<std::uint64_t>(_v) || std::holds_alternative<double>(_v);
    }
    bool is_string() const noexcept { return std::holds_alternative<std::string>(_v); }
    bool is_array() const noexcept { return std::holds_alternative<array>(_v); }
    bool is_object() const noexcept { return std::holds_alternative<object>(_v); }
    bool is_scalar() const noexcept { return !is_array() && !is_object(); }

    bool as_bool() const { return std::get<bool>(_v); }
    const std::string& as_string() const { return std::get<std::string>(_v); }
    const array& as_array() const { return std::get<array>(_v); }
    array& as_array() { return std::get<array>(_v); }
    const object& as_object() const { return std::get<object>(_v); }
    object& as_object() { return std::get<object>(_v); }
    /// Numeric value as u64 (negative → 0, double truncated); 0 for non-numbers.
    std::uint64_t as_u64() const noexcept;
    /// Numeric value as double; 0 for non-numbers.
    double as_double() const noexcept;

    /// Member `key` of an object, or nullptr (also for non-objects). No allocation.
    const value* find(std::string_view key) const noexcept;
    /// Appends a member (objects only; turns a null into an object). Allocates.
    value& set(std::string key, value v);
    /// Appends an element (arrays only; turns a null into an array). Allocates.
    value& push(value v);

    const storage& raw() const noexcept { return _v; }

    friend bool operator==(const value& a, const value& b);

private:
    storage _v;
};

/// Compact JSON (RFC 8259), strings escaped, non-finite doubles as null. Any thread; allocates.
std::string to_json(const value& v);
/// Parses JSON text into a value (depth ≤ 64). Any thread; allocates; never throws.
result<value> parse_json(std::string_view text);
/// The human text of a scalar: strings as-is, null as "-", numbers in decimal. Any thread.
std::string scalar_text(const value& v);

} // namespace mipgate::cli
