// libFuzzer target: the handover-key preload file parser on arbitrary text. Besides memory errors
// it traps when an accepted entry does not survive format → parse unchanged.

#include "mipgate/fmip/key_file.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace mipgate::fmip;
    const auto p = parse_key_file(std::string_view(reinterpret_cast<const char*>(data), size));
    for (const auto& e : p.entries) {
        const auto again = parse_key_file(format_key_file_line(e.cga, e.at, e.key.view(), e.lifetime_s));
        if (!again.errors.empty() || again.entries.size() != 1 || again.entries[0].cga != e.cga ||
            again.entries[0].at != e.at || again.entries[0].lifetime_s != e.lifetime_s ||
            !std::equal(e.key.view().begin(), e.key.view().end(), again.entries[0].key.view().begin(),
                        again.entries[0].key.view().end())) {
            std::abort();
        }
    }
    return 0;
}
