// libFuzzer: CGA Parameters parser and RFC 3972 §5 verification. Bytes 0-15 are the address,
// the rest the CGA Parameters (or, when byte 0 is odd, a whole CGA option).

#include "mipgate/send/cga.hpp"

#include <cstdint>
#include <cstring>

using namespace mipgate;
using namespace mipgate::send;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 16) {
        return 0;
    }
    ipv6_addr a = ipv6_addr::from_bytes(data);
    bytes_view rest(data + 16, size - 16);
    bytes_view params = rest;
    if ((data[0] & 1) && !cga_option_params(rest, params)) {
        return 0;
    }
    cga_params_view v;
    if (parse_cga_params(params, v) != cga_parse_status::ok) {
        return 0;
    }
    // Views must lie inside the input and tile it.
    if (v.raw.size() != cga_fixed_len + v.public_key.size() + v.extensions.size() ||
        v.public_key.data() != params.data() + cga_fixed_len) {
        __builtin_trap();
    }
    (void)cga_verify(a, v, 7);
    return 0;
}
