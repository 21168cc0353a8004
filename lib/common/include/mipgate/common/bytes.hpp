#pragma once
// Byte-order helpers for wire codecs: strong big-endian types usable inside packed
// header structs, and bounds-free load/store on raw pointers (callers check bounds).

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>

namespace mipgate {

using bytes_view = std::span<const std::uint8_t>;
using bytes_mut = std::span<std::uint8_t>;

inline std::uint16_t load_be16(const std::uint8_t* p) noexcept {
    return static_cast<std::uint16_t>((p[0] << 8) | p[1]);
}
inline std::uint32_t load_be32(const std::uint8_t* p) noexcept {
    return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) |
           std::uint32_t{p[3]};
}
inline std::uint64_t load_be64(const std::uint8_t* p) noexcept {
    return (std::uint64_t{load_be32(p)} << 32) | load_be32(p + 4);
}
inline void store_be16(std::uint8_t* p, std::uint16_t v) noexcept {
    p[0] = static_cast<std::uint8_t>(v >> 8);
    p[1] = static_cast<std::uint8_t>(v);
}
inline void store_be32(std::uint8_t* p, std::uint32_t v) noexcept {
    store_be16(p, static_cast<std::uint16_t>(v >> 16));
    store_be16(p + 2, static_cast<std::uint16_t>(v));
}
inline void store_be64(std::uint8_t* p, std::uint64_t v) noexcept {
    store_be32(p, static_cast<std::uint32_t>(v >> 32));
    store_be32(p + 4, static_cast<std::uint32_t>(v));
}

/// Big-endian integers stored as they are on the wire, for packed header structs.
struct [[gnu::packed]] be16 {
    std::uint8_t raw[2];
    std::uint16_t get() const noexcept { return load_be16(raw); }
    void set(std::uint16_t v) noexcept { store_be16(raw, v); }
};
struct [[gnu::packed]] be32 {
    std::uint8_t raw[4];
    std::uint32_t get() const noexcept { return load_be32(raw); }
    void set(std::uint32_t v) noexcept { store_be32(raw, v); }
};
static_assert(sizeof(be16) == 2 && sizeof(be32) == 4);

} // namespace mipgate
