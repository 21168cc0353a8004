// libFuzzer target: Mobility Header and mobility options (parse_mh, the message and option
// decoders). Every listed option must lie inside the header; BADF must be the last option.
#include "mipgate/wire/mh.hpp"

#include <cstdlib>

using namespace mipgate;
using namespace mipgate::wire;

namespace {
void require(bool c) {
    if (!c) {
        std::abort();
    }
}
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const bytes_view in{data, size};
    const auto v = parse_mh(in);
    if (!v.ok()) {
        return 0;
    }
    require(size % 8 == 0 && v.mh.size() == size && v.options_offset <= size);
    (void)mh_bu(v);
    (void)mh_ba(v);
    (void)mh_be(v);
    (void)mh_ti(v);
    (void)mh_test(v);
    std::size_t prev_end = v.options_offset;
    for (const auto& o : v.options) {
        require(o.offset >= prev_end && std::size_t{o.offset} + 2 + o.data.size() <= size);
        require(o.data.data() == data + o.offset + 2);
        prev_end = o.offset + 2 + o.data.size();
        switch (o.type) {
        case mh_opt_alt_coa:
            require(mh_alt_coa(o).ok());
            break;
        case mh_opt_nonce_indices:
            require(mh_nonce_indices(o).ok());
            break;
        case mh_opt_bra:
            require(mh_bra(o).ok());
            break;
        case mh_opt_dns_update:
            require(mh_dns_update(o).ok());
            break;
        case mh_opt_lla:
            require(mh_lla(o).ok());
            break;
        case mh_opt_badf: {
            auto b = mh_badf(o);
            require(b.ok() && &o == v.options.end() - 1 && (o.offset + 2 + o.data.size()) % 8 == 0);
            require(std::size_t{b->auth_offset} + b->authenticator.size() <= size);
            break;
        }
        default:
            break;
        }
    }
    return 0;
}
