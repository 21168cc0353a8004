#include "mipgate/send/reasons.hpp"

namespace mipgate::send {

namespace {
constexpr const char* names[] = {
#define X(name, desc) #name,
#include "mipgate/send/reasons.def"
#undef X
};
constexpr const char* descriptions[] = {
#define X(name, desc) desc,
#include "mipgate/send/reasons.def"
#undef X
};
static_assert(sizeof(names) / sizeof(names[0]) == send_reason_count);
} // namespace

const char* to_string(send_reason r) noexcept {
    auto i = static_cast<std::size_t>(r);
    return i < send_reason_count ? names[i] : "unknown";
}

const char* describe(send_reason r) noexcept {
    auto i = static_cast<std::size_t>(r);
    return i < send_reason_count ? descriptions[i] : "unknown reason";
}

} // namespace mipgate::send
