#include "mipgate/control/service_counters.hpp"

#include <cstring>

namespace mipgate::control {

namespace {

struct row {
    const char* name;
    bool drop;
    const char* desc;
};
constexpr row rows[] = {
#define MIPGATE_SVC(name, kind, desc) {#name, #kind[0] == 'd', desc}, // kind: info or drop
#include "mipgate/control/service_counters.def"
#undef MIPGATE_SVC
};
static_assert(sizeof(rows) / sizeof(rows[0]) == svc_counter_count);

constexpr const char* send_prefix = "send_";

} // namespace

const char* to_string(svc_counter c) noexcept { return rows[static_cast<std::size_t>(c)].name; }
const char* describe(svc_counter c) noexcept { return rows[static_cast<std::size_t>(c)].desc; }
bool is_drop(svc_counter c) noexcept { return rows[static_cast<std::size_t>(c)].drop; }

std::uint64_t service_counters::get(const char* name) const noexcept {
    for (std::size_t i = 0; i < svc_counter_count; ++i) {
        if (std::strcmp(rows[i].name, name) == 0) {
            return _svc[i].load(std::memory_order_relaxed);
        }
    }
    const std::size_t pl = std::strlen(send_prefix);
    if (std::strncmp(name, send_prefix, pl) == 0) {
        for (std::size_t i = 0; i < send::send_reason_count; ++i) {
            if (std::strcmp(send::to_string(static_cast<send::send_reason>(i)), name + pl) == 0) {
                return _send[i].load(std::memory_order_relaxed);
            }
        }
    }
    return 0;
}

std::vector<std::pair<std::string, std::uint64_t>> service_counters::all() const {
    std::vector<std::pair<std::string, std::uint64_t>> out;
    out.reserve(svc_counter_count + send::send_reason_count);
    for (std::size_t i = 0; i < svc_counter_count; ++i) {
        out.emplace_back(rows[i].name, _svc[i].load(std::memory_order_relaxed));
    }
    for (std::size_t i = 1; i < send::send_reason_count; ++i) { // 0 is ok: not a refusal
        out.emplace_back(std::string(send_prefix) + send::to_string(static_cast<send::send_reason>(i)),
                         _send[i].load(std::memory_order_relaxed));
    }
    return out;
}

} // namespace mipgate::control
