#include "mipgate/cli/value.hpp"

#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace mipgate::cli {

std::uint64_t value::as_u64() const noexcept {
    if (auto* u = std::get_if<std::uint64_t>(&_v)) {
        return *u;
    }
    if (auto* i = std::get_if<std::int64_t>(&_v)) {
        return *i < 0 ? 0 : static_cast<std::uint64_t>(*i);
    }
    if (auto* d = std::get_if<double>(&_v)) {
        return (*d > 0 && std::isfinite(*d)) ? static_cast<std::uint64_t>(*d) : 0;
    }
    return 0;
}

double value::as_double() const noexcept {
    if (auto* u = std::get_if<std::uint64_t>(&_v)) {
        return static_cast<double>(*u);
    }
    if (auto* i = std::get_if<std::int64_t>(&_v)) {
        return static_cast<double>(*i);
    }
    if (auto* d = std::get_if<double>(&_v)) {
        return *d;
    }
    return 0;
}

const value* value::find(std::string_view key) const noexcept {
    const auto* o = std::get_if<object>(&_v);
    if (o == nullptr) {
        return nullptr;
    }
    for (const auto& [k, v] : *o) {
        if (k == key) {
            return &v;
        }
    }
    return nullptr;
}

value& value::set(std::string key, value v) {
    if (is_null()) {
        _v = object{};
    }
    auto& o = std::get<object>(_v);
    o.emplace_back(std::move(key), std::move(v));
    return o.back().second;
}

value& value::push(value v) {
    if (is_null()) {
        _v = array{};
    }
    auto& a = std::get<array>(_v);
    a.push_back(std::move(v));
    return a.back();
}

bool operator==(const value& a, const value& b) {
    if (a.is_number() && b.is_number()) {
        // 5 (u64) == 5 (i64): a parsed document compares equal to the one built.
        if (std::holds_alternative<double>(a._v) || std::holds_alternative<double>(b._v)) {
            return a.as_double() == b.as_double();
        }
        const bool an =
            std::holds_alternative<std::int64_t>(a._v) && std::get<std::int64_t>(a._v) < 0;
        const bool bn =
            std::holds_alternative<std::int64_t>(b._v) && std::get<std::int64_t>(b._v) < 0;
        if (an || bn) {
            return an && bn && std::get<std::int64_t>(a._v) == std::get<std::int64_t>(b._v);
        }
        return a.as_u64() == b.as_u64();
    }
    return a._v == b._v;
}

namespace {

void escape_into(std::string& out, std::string_view s) {
    out += '"';
    for (unsigned char c : s) {
        switch (c) {
        case '"':
            out += "\\\"";
            break;
        case '\\':
            out += "\\\\";
            break;
        case '\n':
            out += "\\n";
            break;
        case '\r':
            out += "\\r";
            break;
        case '\t':
            out += "\\t";
            break;
        case '\b':
            out += "\\b";
            break;
        case '\f':
            out += "\\f";
            break;
        default:
            if (c < 0x20) {
                char buf[8];
                std::snprintf(buf, sizeof(buf), "\\u%04x", c);
                out += buf;
            } else {
                out += static_cast<char>(c);
            }
        }
    }
    out += '"';
}

std::string number_text(const value::storage& v) {
    if (auto* u = std::get_if<std::uint64_t>(&v)) {
        return std::to_string(*u);
    }
    if (auto* i = std::get_if<std::int64_t>(&v)) {
        return std::to_string(*i);
    }
    const double d = std::get<double>(v);
    if (!std::isfinite(d)) {
        return "null";
    }
    char buf[32];
    const auto r = std::to_chars(buf, buf + sizeof(buf), d); // shortest round-trip form
    return std::string(buf, r.ptr);
}

void json_into(std::string& out, const value& v) {
    const auto& s = v.raw();
    if (v.is_null()) {
        out += "null";
    } else if (v.is_bool()) {
        out += v.as_bool() ? "true" : "false";
    } else if (v.is_number()) {
        out += number_text(s);
    } else if (v.is_string()) {
        escape_into(out, v.as_string());
    } else if (v.is_array()) {
        out += '[';
        bool first = true;
        for (const auto& e : v.as_array()) {
            if (!first) {
                out += ',';
            }
            first = false;
            json_into(out, e);
        }
        out += ']';
    } else {
        out += '{';
        bool first = true;
        for (const auto& [k, e] : v.as_object()) {
            if (!first) {
                out += ',';
            }
            first = false;
            escape_into(out, k);
            out += ':';
            json_into(out, e);
        }
        out += '}';
    }
}

class parser {
public:
    explicit parser(std::string_view t) : _t(t) {}

    result<value> document() {
        value v;
        if (!parse(v, 0)) {
            return make_error(EINVAL, "json: " + _err + " at offset " + std::to_string(_i));
        }
        ws();
        if (_i != _t.size()) {
            return make_error(EINVAL, "json: trailing data at offset " + std::to_string(_i));
        }
        return v;
    }

private:
    std::string_view _t;
    std::size_t _i = 0;
    std::string _err;

    bool fail(const char* why) {
        _err = why;
        return false;
    }
    void ws() {
        while (_i < _t.size() &&
               (_t[_i] == ' ' || _t[_i] == '\t' || _t[_i] == '\n' || _t[_i] == '\r')) {
            ++_i;
        }
    }
    bool literal(std::string_view word) {
        if (_t.substr(_i, word.size()) != word) {
            return fail("bad literal");
        }
        _i += word.size();
        return true;
    }
    static void utf8(std::string& out, unsigned cp) {
        if (cp < 0x80) {
            out += static_cast<char>(cp);
        } else if (cp < 0x800) {
            out += static_cast<char>(0xC0 | (cp >> 6));
            out += static_cast<char>(0x80 | (cp & 0x3F));
        } else if (cp < 0x10000) {
            out += static_cast<char>(0xE0 | (cp >> 12));
            out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
            out += static_cast<char>(0x80 | (cp & 0x3F));
        } else {
            out += static_cast<char>(0xF0 | (cp >> 18));
            out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
            out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
            out += static_cast<char>(0x80 | (cp & 0x3F));
        }
    }
    bool hex4(unsigned& cp) {
        if (_i + 4 > _t.size()) {
            return fail("short \\u escape");
        }
        cp = 0;
        for (int k = 0; k < 4; ++k) {
            const char c = _t[_i++];
            cp <<= 4;
            if (c >= '0' && c <= '9') {
                cp |= static_cast<unsigned>(c - '0');
            } else if (c >= 'a' && c <= 'f') {
                cp |= static_cast<unsigned>(c - 'a' + 10);
            } else if (c >= 'A' && c <= 'F') {
                cp |= static_cast<unsigned>(c - 'A' + 10);
            } else {
                return fail("bad \\u escape");
            }
        }
        return true;
    }
    bool string(std::string& out) {
        ++_i; // opening quote
        while (_i < _t.size()) {
            const char c = _t[_i++];
            if (c == '"') {
                return true;
            }
            if (static_cast<unsigned char>(c) < 0x20) {
                return fail("control character in string");
            }
            if (c != '\\') {
                out += c;
                continue;
            }
            if (_i >= _t.size()) {
                break;
            }
            const char e = _t[_i++];
            switch (e) {
            case '"':
                out += '"';
                break;
            case '\\':
                out += '\\';
                break;
            case '/':
                out += '/';
                break;
            case 'b':
                out += '\b';
                break;
            case 'f':
                out += '\f';
                break;
            case 'n':
                out += '\n';
                break;
            case 'r':
                out += '\r';
                break;
            case 't':
                out += '\t';
                break;
            case 'u': {
                unsigned cp = 0;
                if (!hex4(cp)) {
                    return false;
                }
                if (cp >= 0xD800 && cp < 0xDC00 && _t.substr(_i, 2) == "\\u") {
                    _i += 2;
                    unsigned lo = 0;
                    if (!hex4(lo) || lo < 0xDC00 || lo >= 0xE000) {
                        return fail("bad surrogate pair");
                    }
                    cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                }
                utf8(out, cp);
                break;
            }
            default:
                return fail("bad escape");
            }
        }
        return fail("unterminated string");
    }
    bool number(value& v) {
        const std::size_t start = _i;
        bool is_float = false;
        if (_i < _t.size() && _t[_i] == '-') {
            ++_i;
        }
        while (_i < _t.size()) {
            const char c = _t[_i];
            if (c >= '0' && c <= '9') {
                ++_i;
            } else if (c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-') {
                is_float = true;
                ++_i;
            } else {
                break;
            }
        }
        const std::string_view s = _t.substr(start, _i - start);
        if (s.empty() || s == "-") {
            return fail("bad number");
        }
        const char* b = s.data();
        const char* e = s.data() + s.size();
        if (!is_float) {
            if (s[0] == '-') {
                std::int64_t x = 0;
                if (auto r = std::from_chars(b, e, x); r.ec == std::errc() && r.ptr == e) {
                    v = value(x);
                    return true;
                }
            } else {
                std::uint64_t x = 0;
                if (auto r = std::from_chars(b, e, x); r.ec == std::errc() && r.ptr == e) {
                    v = value(x);
                    return true;
                }
            }
        }
        const std::string copy(s);
        char* end = nullptr;
        errno = 0;
        const double d = std::strtod(copy.c_str(), &end);
        if (end != copy.c_str() + copy.size()) {
            return fail("bad number");
        }
        v = value(d);
        return true;
    }
    bool parse(value& v, int depth) {
        if (depth > 64) {
            return fail("nested too deep");
        }
        ws();
        if (_i >= _t.size()) {
            return fail("unexpected end");
        }
        const char c = _t[_i];
        if (c == '{') {
            ++_i;
            v = value(object{});
            ws();
            if (_i < _t.size() && _t[_i] == '}') {
                ++_i;
                return true;
            }
            for (;;) {
                ws();
                if (_i >= _t.size() || _t[_i] != '"') {
                    return fail("expected member name");
                }
                std::string key;
                if (!string(key)) {
                    return false;
                }
                ws();
                if (_i >= _t.size() || _t[_i] != ':') {
                    return fail("expected ':'");
                }
                ++_i;
                value m;
                if (!parse(m, depth + 1)) {
                    return false;
                }
                v.set(std::move(key), std::move(m));
                ws();
                if (_i < _t.size() && _t[_i] == ',') {
                    ++_i;
                    continue;
                }
                if (_i < _t.size() && _t[_i] == '}') {
                    ++_i;
                    return true;
                }
                return fail("expected ',' or '}'");
            }
        }
        if (c == '[') {
            ++_i;
            v = value(array{});
            ws();
            if (_i < _t.size() && _t[_i] == ']') {
                ++_i;
                return true;
            }
            for (;;) {
                value e;
                if (!parse(e, depth + 1)) {
                    return false;
                }
                v.push(std::move(e));
                ws();
                if (_i < _t.size() && _t[_i] == ',') {
                    ++_i;
                    continue;
                }
                if (_i < _t.size() && _t[_i] == ']') {
                    ++_i;
                    return true;
                }
                return fail("expected ',' or ']'");
            }
        }
        if (c == '"') {
            std::string s;
            if (!string(s)) {
                return false;
            }
            v = value(std::move(s));
            return true;
        }
        if (c == 't') {
            v = value(true);
            return literal("true");
        }
        if (c == 'f') {
            v = value(false);
            return literal("false");
        }
        if (c == 'n') {
            v = value(nullptr);
            return literal("null");
        }
        return number(v);
    }
};

} // namespace

std::string to_json(const value& v) {
    std::string out;
    json_into(out, v);
    return out;
}

result<value> parse_json(std::string_view text) {
    return parser(text).document();
}

std::string scalar_text(const value& v) {
    if (v.is_null()) {
        return "-";
    }
    if (v.is_bool()) {
        return v.as_bool() ? "yes" : "no";
    }
    if (v.is_string()) {
        return v.as_string();
    }
    if (v.is_number()) {
        return number_text(v.raw());
    }
    return to_json(v);
}

} // namespace mipgate::cli
