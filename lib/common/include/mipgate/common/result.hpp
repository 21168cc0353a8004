#pragma once
// Module-edge error handling (house style 12): a value or a {code, message} error.
// Stand-in for std::expected, which g++ 12 has only under -std=c++2b.

#include <cassert>
#include <string>
#include <utility>
#include <variant>

namespace mipgate {

struct error {
    int code = 0;          ///< errno-like or module-specific reason code
    std::string message;   ///< operator-readable, never contains secrets
};

template <class T>
class [[nodiscard]] result {
public:
    result(T value) : _v(std::in_place_index<0>, std::move(value)) {}
    result(error e) : _v(std::in_place_index<1>, std::move(e)) {}

    bool ok() const noexcept { return _v.index() == 0; }
    explicit operator bool() const noexcept { return ok(); }

    T& value() & { assert(ok()); return std::get<0>(_v); }
    const T& value() const& { assert(ok()); return std::get<0>(_v); }
    T&& value() && { assert(ok()); return std::get<0>(std::move(_v)); }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }
    T& operator*() & { return value(); }
    const T& operator*() const& { return value(); }

    const error& err() const { assert(!ok()); return std::get<1>(_v); }

private:
    std::variant<T, error> _v;
};

template <>
class [[nodiscard]] result<void> {
public:
    result() = default;
    result(error e) : _e(std::move(e)), _ok(false) {}
    bool ok() const noexcept { return _ok; }
    explicit operator bool() const noexcept { return _ok; }
    const error& err() const { assert(!_ok); return _e; }

private:
    error _e;
    bool _ok = true;
};

inline error make_error(int code, std::string msg) { return error{code, std::move(msg)}; }

} // namespace mipgate
