#include "mipgate/config/sizing.hpp"

#include <algorithm>

namespace mipgate::config {

namespace {

std::optional<unsigned> take_number(std::string_view& s, unsigned max_id) {
    if (s.empty() || s[0] < '0' || s[0] > '9') {
        return std::nullopt;
    }
    unsigned v = 0;
    while (!s.empty() && s[0] >= '0' && s[0] <= '9') {
        v = v * 10 + static_cast<unsigned>(s[0] - '0');
        if (v > max_id) {
            return std::nullopt;
        }
        s.remove_prefix(1);
    }
    return v;
}

/// "a", "a-b", comma-separated, ids 0..max_id, no repeats; ascending.
std::optional<std::vector<unsigned>> parse_id_list(std::string_view text, unsigned max_id) {
    std::vector<unsigned> ids;
    std::string_view s = text;
    for (;;) {
        auto lo = take_number(s, max_id);
        if (!lo) {
            return std::nullopt;
        }
        unsigned hi = *lo;
        if (!s.empty() && s[0] == '-') {
            s.remove_prefix(1);
            auto h = take_number(s, max_id);
            if (!h || *h < *lo) {
                return std::nullopt;
            }
            hi = *h;
        }
        for (unsigned id = *lo; id <= hi; ++id) {
            if (std::find(ids.begin(), ids.end(), id) != ids.end()) {
                return std::nullopt;
            }
            ids.push_back(id);
        }
        if (s.empty()) {
            break;
        }
        if (s[0] != ',') {
            return std::nullopt;
        }
        s.remove_prefix(1);
    }
    std::sort(ids.begin(), ids.end());
    return ids;
}

} // namespace

std::optional<std::vector<unsigned>> parse_lcore_list(std::string_view text) {
    return parse_id_list(text, max_lcore_id);
}

std::optional<std::vector<unsigned>> parse_cpu_list(std::string_view text) {
    return parse_id_list(text, max_cpu_id);
}

unsigned long mbufs_needed(const config& c) {
    unsigned long n = 0;
    for (const auto& p : c.ports) {
        n += static_cast<unsigned long>(p.rx_desc) + p.tx_desc;
    }
    n += static_cast<unsigned long>(c.system.workers + 1) * (mempool_cache_size + c.system.burst);
    n += c.limits.slow_path_ring;
    return n;
}

} // namespace mipgate::config
