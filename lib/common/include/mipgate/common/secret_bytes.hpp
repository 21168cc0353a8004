#pragma once
// Key material (house style 15): move-only, wiped on destruction, no formatter.

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <string.h> // explicit_bzero
#include <utility>
#include <vector>

namespace mipgate {

class secret_bytes {
public:
    secret_bytes() = default;
    explicit secret_bytes(std::size_t n) : _v(n) {}
    explicit secret_bytes(std::span<const std::uint8_t> src) : _v(src.begin(), src.end()) {}
    secret_bytes(const secret_bytes&) = delete;
    secret_bytes& operator=(const secret_bytes&) = delete;
    secret_bytes(secret_bytes&& o) noexcept : _v(std::move(o._v)) { o._v.clear(); }
    secret_bytes& operator=(secret_bytes&& o) noexcept {
        if (this != &o) {
            wipe();
            _v = std::move(o._v);
            o._v.clear();
        }
        return *this;
    }
    ~secret_bytes() { wipe(); }

    std::size_t size() const noexcept { return _v.size(); }
    bool empty() const noexcept { return _v.empty(); }
    std::uint8_t* data() noexcept { return _v.data(); }
    const std::uint8_t* data() const noexcept { return _v.data(); }
    std::span<const std::uint8_t> view() const noexcept { return {_v.data(), _v.size()}; }
    std::span<std::uint8_t> mut() noexcept { return {_v.data(), _v.size()}; }

    /// Explicit deep copy, so copies of secrets are visible in review.
    secret_bytes clone() const { return secret_bytes(view()); }

    void wipe() noexcept {
        if (!_v.empty()) {
            explicit_bzero(_v.data(), _v.size());
        }
    }

private:
    std::vector<std::uint8_t> _v;
};

/// Wipes a fixed buffer that held a secret (stack copies, HMAC pads).
inline void wipe(void* p, std::size_t n) noexcept {
    if (p != nullptr) { // keeps g++ -fsanitize from seeing a null path into explicit_bzero
        explicit_bzero(p, n);
    }
}

} // namespace mipgate
