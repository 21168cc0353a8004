// RFC 3972 §3 CGA Parameters codec and the RFC 3971 §5.1 CGA option framing.

#include "mipgate/send/cga.hpp"
#include "mipgate/wire/send_options.hpp"

#include <cstring>

namespace mipgate::send {

namespace {
constexpr std::uint8_t cga_option_type = 11;  // RFC 3971 §5.1
constexpr std::uint8_t der_sequence = 0x30;
} // namespace

std::size_t der_element_length(bytes_view in) noexcept {
    if (in.size() < 2) {
        return 0;
    }
    std::size_t len = in[1];
    std::size_t header = 2;
    if (len & 0x80) {
        std::size_t n = len & 0x7f;
        // 0x80 (indefinite) is not DER; 3 length bytes already allow 16 MB.
        if (n == 0 || n > 3 || in.size() < 2 + n) {
            return 0;
        }
        len = 0;
        for (std::size_t i = 0; i < n; ++i) {
            len = (len << 8) | in[2 + i];
        }
        header += n;
    }
    if (len > in.size() - header) {
        return 0;
    }
    return header + len;
}

cga_parse_status parse_cga_params(bytes_view in, cga_params_view& out) noexcept {
    if (in.size() < cga_fixed_len + 2) {
        return cga_parse_status::too_short;
    }
    bytes_view key_area = in.subspan(cga_fixed_len);
    if (key_area[0] != der_sequence) {
        return cga_parse_status::bad_der;
    }
    std::size_t key_len = der_element_length(key_area);
    if (key_len == 0) {
        return cga_parse_status::bad_der;
    }
    bytes_view ext = key_area.subspan(key_len);
    // RFC 4581 §3: Type(2) | Length(2) | Data(Length); they must tile the rest exactly.
    bytes_view walk = ext;
    while (!walk.empty()) {
        if (walk.size() < 4) {
            return cga_parse_status::bad_extension;
        }
        std::size_t data_len = load_be16(walk.data() + 2);
        if (data_len > walk.size() - 4) {
            return cga_parse_status::bad_extension;
        }
        walk = walk.subspan(4 + data_len);
    }
    out.raw = in;
    out.modifier = in.subspan(0, cga_modifier_len);
    out.prefix = in.subspan(cga_modifier_len, cga_prefix_len);
    out.collision_count = in[cga_modifier_len + cga_prefix_len];
    out.public_key = key_area.subspan(0, key_len);
    out.extensions = ext;
    return cga_parse_status::ok;
}

bool cga_option_params(bytes_view option, bytes_view& params) noexcept {
    if (option.size() < 4 || option[0] != cga_option_type) {
        return false;
    }
    std::size_t total = std::size_t{option[1]} * 8;
    std::size_t pad = option[2];
    if (total == 0 || total > option.size() || total < 4 + pad) {
        return false;
    }
    params = option.subspan(4, total - 4 - pad);
    return true;
}

std::size_t encode_cga_params(bytes_mut out, const cga_modifier& modifier, const ipv6_addr& subnet,
                              std::uint8_t collision_count, bytes_view public_key,
                              bytes_view extensions) noexcept {
    std::size_t len = cga_fixed_len + public_key.size() + extensions.size();
    if (out.size() < len) {
        return 0;
    }
    std::uint8_t* p = out.data();
    std::memcpy(p, modifier.data(), cga_modifier_len);
    std::memcpy(p + cga_modifier_len, subnet.b.data(), cga_prefix_len);
    p[cga_modifier_len + cga_prefix_len] = collision_count;
    if (!public_key.empty()) {
        std::memcpy(p + cga_fixed_len, public_key.data(), public_key.size());
    }
    if (!extensions.empty()) {
        std::memcpy(p + cga_fixed_len + public_key.size(), extensions.data(), extensions.size());
    }
    return len;
}

std::size_t build_cga_option(bytes_mut out, bytes_view params) noexcept {
    // One encoder per option: lib/wire's (0 on any error, as before).
    const auto r = wire::build_cga_opt(out, params);
    return r.ok() ? r.len : 0;
}

} // namespace mipgate::send
