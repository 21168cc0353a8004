#include "mipgate/fmip/at.hpp"

namespace mipgate::fmip {

std::optional<unsigned> negotiate_at(unsigned requested, std::span<const unsigned> enabled) noexcept {
    const int want = at_strength(requested);
    std::optional<unsigned> at_least;  // weakest enabled with strength >= want
    std::optional<unsigned> strongest; // fallback
    for (const unsigned at : enabled) {
        const int s = at_strength(at);
        if (s < 0) {
            continue;
        }
        if (at == requested) {
            return at;
        }
        if (!strongest || s > at_strength(*strongest)) {
            strongest = at;
        }
        if (want >= 0 && s >= want && (!at_least || s < at_strength(*at_least))) {
            at_least = at;
        }
    }
    return at_least ? at_least : strongest;
}

} // namespace mipgate::fmip
