#pragma once
// SEND / CGA outcome codes, generated from reasons.def (house style 6).

#include <cstddef>
#include <cstdint>

namespace mipgate::send {

enum class send_reason : std::uint8_t {
#define X(name, desc) name,
#include "mipgate/send/reasons.def"
#undef X
};

inline constexpr std::size_t send_reason_count = 0
#define X(name, desc) +1
#include "mipgate/send/reasons.def"
#undef X
    ;

/// Short name ("cga_hash1_mismatch"). Any thread; no allocation; never null.
const char* to_string(send_reason r) noexcept;
/// One-line description for operators. Any thread; no allocation; never null.
const char* describe(send_reason r) noexcept;

} // namespace mipgate::send
