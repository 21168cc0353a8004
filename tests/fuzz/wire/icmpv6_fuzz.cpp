// libFuzzer target: every ICMPv6 message parser, chosen by the Type byte as on the wire; the
// options area of messages that parse is split too, and parsed messages are rebuilt and
// re-parsed.
#include "mipgate/wire/fmip_messages.hpp"
#include "mipgate/wire/icmpv6.hpp"
#include "mipgate/wire/mip6_messages.hpp"
#include "mipgate/wire/nd_messages.hpp"
#include "mipgate/wire/nd_options.hpp"
#include "mipgate/wire/send_messages.hpp"

#include <algorithm>
#include <array>
#include <cstdlib>

using namespace mipgate;
using namespace mipgate::wire;

namespace {

void require(bool c) {
    if (!c) {
        std::abort();
    }
}

// Rebuilding a parsed message must reproduce the input, except reserved bits the builder zeroes.
template <class P, class B>
void round_trip(bytes_view in, P parse, B build, std::size_t cmp_from) {
    auto p = parse(in);
    if (!p.ok()) {
        return;
    }
    std::array<std::uint8_t, 70000> out;
    auto r = build(bytes_mut{out}, *p);
    require(r.ok() && r.len == in.size());
    require(std::equal(out.begin() + static_cast<std::ptrdiff_t>(cmp_from),
                       out.begin() + static_cast<std::ptrdiff_t>(r.len),
                       in.begin() + static_cast<std::ptrdiff_t>(cmp_from)));
    require(parse(bytes_view{out.data(), r.len}).ok());
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size > 65535) {
        return 0;
    }
    const bytes_view m{data, size};
    if (size == 0) {
        return 0;
    }
    auto opts = [](bytes_view o) { (void)parse_nd_options(o); };
    switch (data[0]) {
    case icmp6_rs:
        if (auto p = parse_rs(m); p.ok()) {
            opts(p->options);
        }
        round_trip(m, parse_rs, build_rs, 8);
        break;
    case icmp6_ra:
        if (auto p = parse_ra(m); p.ok()) {
            opts(p->options);
        }
        round_trip(m, parse_ra, build_ra, 4);
        break;
    case icmp6_ns:
        if (auto p = parse_ns(m); p.ok()) {
            opts(p->options);
        }
        round_trip(m, parse_ns, build_ns, 8);
        break;
    case icmp6_na:
        if (auto p = parse_na(m); p.ok()) {
            opts(p->options);
        }
        round_trip(m, parse_na, build_na, 8);
        break;
    case icmp6_fmip:
        if (auto p = parse_fmip(m); p.ok()) {
            opts(p->options);
        }
        round_trip(
            m, [](bytes_view b) { return parse_fmip(b); }, build_fmip, 6);
        break;
    case icmp6_cps:
        round_trip(m, parse_cps, build_cps, 4);
        break;
    case icmp6_cpa:
        round_trip(m, parse_cpa, build_cpa, 12);
        break;
    case icmp6_dhaad_request:
        if (size == 8) { // the parser ignores trailing bytes; the builder writes exactly 8
            round_trip(m, parse_dhaad_request, build_dhaad_request, 4);
        } else {
            (void)parse_dhaad_request(m);
        }
        break;
    case icmp6_dhaad_reply:
        round_trip(m, parse_dhaad_reply, build_dhaad_reply, 4);
        break;
    case icmp6_mps:
        if (size == 8) {
            round_trip(m, parse_mps, build_mps, 8); // Reserved is zeroed by the builder
            if (auto p = parse_mps(m); p.ok()) {
                require(p->identifier == load_be16(data + 4));
            }
        } else {
            (void)parse_mps(m);
        }
        break;
    case icmp6_mpa:
        round_trip(m, parse_mpa, build_mpa, 8);
        break;
    default:
        // Types this target does not own still go through every parser (they must refuse).
        require(!parse_rs(m).ok() && !parse_ns(m).ok() && !parse_fmip(m).ok() &&
                !parse_cps(m).ok() && !parse_mpa(m).ok());
        break;
    }
    return 0;
}
