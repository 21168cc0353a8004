// libFuzzer target: load_string on arbitrary bytes must never crash, hang or let an exception out,
// and must keep its contract (a config exactly when there are no errors; every diagnostic renders).
#include "mipgate/config/load.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view text(reinterpret_cast<const char*>(data), size);
    mipgate::config::load_result r = mipgate::config::load_string(text, "fuzz.yaml");
    if (r.cfg.has_value() == !r.errors.empty()) {
        std::abort();
    }
    for (const auto& d : r.errors) {
        if (d.str().empty() || d.key.empty() || d.reason.empty()) {
            std::abort();
        }
    }
    return 0;
}
