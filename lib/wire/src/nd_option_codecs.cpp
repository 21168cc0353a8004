#include "mipgate/wire/nd_option_codecs.hpp"

#include "opt_common.hpp"

#include <cstring>

namespace mipgate::wire {
using detail::check_opt;
using detail::finish_opt;
using detail::writer;

mac_addr lla_opt::mac() const noexcept {
    mac_addr m;
    if (lla.size() >= 6) {
        std::memcpy(m.b.data(), lla.data(), 6);
    }
    return m;
}

parsed<lla_opt> parse_lla_opt(bytes_view raw) noexcept {
    parsed<lla_opt> r;
    if (raw.size() >= 1 && raw[0] != nd_opt_slla && raw[0] != nd_opt_tlla) {
        r.status = wire_status::bad_type;
        return r;
    }
    const std::uint8_t type = raw.empty() ? 0 : raw[0];
    if ((r.status = check_opt(raw, type, 8)) != wire_status::ok) {
        return r;
    }
    r.msg = lla_opt{type, raw.subspan(2)};
    return r;
}

parsed<prefix_info_opt> parse_prefix_info_opt(bytes_view raw) noexcept {
    parsed<prefix_info_opt> r;
    if ((r.status = check_opt(raw, nd_opt_prefix_info, 32)) != wire_status::ok) {
        return r;
    }
    if (raw.size() != 32) {
        r.status = wire_status::bad_length;
        return r;
    }
    prefix_info_opt o;
    o.prefix_len = raw[2];
    o.flags = raw[3];
    o.valid_lifetime = load_be32(&raw[4]);
    o.preferred_lifetime = load_be32(&raw[8]);
    o.prefix = ipv6_addr::from_bytes(&raw[16]);
    if (o.prefix_len > 128) {
        r.status = wire_status::bad_value;
        return r;
    }
    r.msg = o;
    return r;
}

parsed<mtu_opt> parse_mtu_opt(bytes_view raw) noexcept {
    parsed<mtu_opt> r;
    if ((r.status = check_opt(raw, nd_opt_mtu, 8)) != wire_status::ok) {
        return r;
    }
    if (raw.size() != 8) {
        r.status = wire_status::bad_length;
        return r;
    }
    r.msg = mtu_opt{load_be32(&raw[4])};
    return r;
}

build_result build_lla_opt(bytes_mut out, std::uint8_t type, const mac_addr& mac) noexcept {
    if (type != nd_opt_slla && type != nd_opt_tlla) {
        return build_result::fail(build_error::bad_argument);
    }
    writer w(out);
    w.u8(type);
    w.u8(0);
    w.bytes(bytes_view{mac.b});
    return finish_opt(w);
}

build_result build_prefix_info_opt(bytes_mut out, const prefix_info_opt& o) noexcept {
    if (o.prefix_len > 128) {
        return build_result::fail(build_error::bad_argument);
    }
    writer w(out);
    w.u8(nd_opt_prefix_info);
    w.u8(4);
    w.u8(o.prefix_len);
    w.u8(o.flags);
    w.be32(o.valid_lifetime);
    w.be32(o.preferred_lifetime);
    w.be32(0);
    w.addr(o.prefix);
    return w.result();
}

build_result build_mtu_opt(bytes_mut out, std::uint32_t mtu) noexcept {
    writer w(out);
    w.u8(nd_opt_mtu);
    w.u8(1);
    w.be16(0);
    w.be32(mtu);
    return w.result();
}

} // namespace mipgate::wire
