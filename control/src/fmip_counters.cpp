#include "mipgate/control/fmip_counters.hpp"

#include <cstring>

namespace mipgate::control {

namespace {

struct row {
    const char* name;
    bool drop;
    const char* desc;
};
constexpr row rows[] = {
#define MIPGATE_FMIP(name, kind, desc) {#name, #kind[0] == 'd', desc}, // kind: info or drop
#include "mipgate/control/fmip_counters.def"
#undef MIPGATE_FMIP
};
static_assert(sizeof(rows) / sizeof(rows[0]) == fmip_counter_count);

} // namespace

const char* to_string(fmip_counter c) noexcept { return rows[static_cast<std::size_t>(c)].name; }
const char* describe(fmip_counter c) noexcept { return rows[static_cast<std::size_t>(c)].desc; }
bool is_drop(fmip_counter c) noexcept { return rows[static_cast<std::size_t>(c)].drop; }

std::uint64_t fmip_counters::get(const char* name) const noexcept {
    for (std::size_t i = 0; i < fmip_counter_count; ++i) {
        if (std::strcmp(rows[i].name, name) == 0) {
            return _c[i].load(std::memory_order_relaxed);
        }
    }
    return 0;
}

std::vector<std::pair<std::string, std::uint64_t>> fmip_counters::all() const {
    std::vector<std::pair<std::string, std::uint64_t>> out;
    out.reserve(fmip_counter_count);
    for (std::size_t i = 0; i < fmip_counter_count; ++i) {
        out.emplace_back(rows[i].name, _c[i].load(std::memory_order_relaxed));
    }
    return out;
}

} // namespace mipgate::control
