#pragma once
// Private append-only writer over a caller buffer: every builder uses it so bounds are checked
// in one place. Overflow is sticky; the builder reports no_space at the end.

#include "mipgate/common/bytes.hpp"
#include "mipgate/common/ipv6_addr.hpp"
#include "mipgate/wire/status.hpp"

#include <cstring>

namespace mipgate::wire::detail {

class writer {
public:
    explicit writer(bytes_mut out) noexcept : _out(out) {}

    /// Reserves n zeroed bytes; nullptr once the buffer is exhausted.
    std::uint8_t* take(std::size_t n) noexcept {
        if (_overflow || _out.size() - _len < n) {
            _overflow = true;
            return nullptr;
        }
        std::uint8_t* p = _out.data() + _len;
        std::memset(p, 0, n);
        _len += n;
        return p;
    }
    void u8(std::uint8_t v) noexcept {
        if (auto* p = take(1)) {
            *p = v;
        }
    }
    void be16(std::uint16_t v) noexcept {
        if (auto* p = take(2)) {
            store_be16(p, v);
        }
    }
    void be32(std::uint32_t v) noexcept {
        if (auto* p = take(4)) {
            store_be32(p, v);
        }
    }
    void be64(std::uint64_t v) noexcept {
        if (auto* p = take(8)) {
            store_be64(p, v);
        }
    }
    void addr(const ipv6_addr& a) noexcept { bytes(bytes_view{a.b}); }
    /// Copies src (which may already sit in place, or overlap: memmove).
    void bytes(bytes_view src) noexcept {
        if (_overflow || _out.size() - _len < src.size()) {
            _overflow = true;
            return;
        }
        if (!src.empty() && src.data() != _out.data() + _len) {
            std::memmove(_out.data() + _len, src.data(), src.size());
        }
        _len += src.size();
    }
    void zeros(std::size_t n) noexcept { take(n); }

    std::size_t len() const noexcept { return _len; }
    bool overflow() const noexcept { return _overflow; }
    std::uint8_t* at(std::size_t off) noexcept { return _out.data() + off; }
    build_result result() const noexcept {
        return _overflow ? build_result::fail(build_error::no_space)
                         : build_result{_len, build_error::none};
    }

private:
    bytes_mut _out;
    std::size_t _len = 0;
    bool _overflow = false;
};

} // namespace mipgate::wire::detail
