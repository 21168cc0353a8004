#include "mipgate/wire/nd_options.hpp"

namespace mipgate::wire {

const nd_option* nd_option_list::find(std::uint8_t type) const noexcept {
    for (std::size_t i = 0; i < count; ++i) {
        if (opts[i].type == type) {
            return &opts[i];
        }
    }
    return nullptr;
}

nd_option_list parse_nd_options(bytes_view options) noexcept {
    nd_option_list l;
    std::size_t off = 0;
    while (off < options.size()) {
        const std::size_t left = options.size() - off;
        if (left < 2) {
            l.status = nd_status::truncated;
            return l;
        }
        const std::size_t len = std::size_t{options[off + 1]} * 8;
        if (len == 0) {
            l.status = nd_status::zero_length;
            return l;
        }
        if (len > left) {
            l.status = nd_status::truncated;
            return l;
        }
        if (l.count == nd_max_options) {
            l.status = nd_status::too_many;
            return l;
        }
        l.opts[l.count++] =
            nd_option{options[off], static_cast<std::uint16_t>(off), options.subspan(off, len)};
        off += len;
    }
    return l;
}

} // namespace mipgate::wire
