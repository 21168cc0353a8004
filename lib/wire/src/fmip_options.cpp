#include "mipgate/wire/fmip_options.hpp"

#include "opt_common.hpp"

#include <cstring>

namespace mipgate::wire {
using detail::check_opt;
using detail::finish_opt;
using detail::opt_total;
using detail::writer;

mac_addr lla_fmip_opt::mac() const noexcept {
    mac_addr m;
    if (lla.size() >= 6) {
        std::memcpy(m.b.data(), lla.data(), 6);
    }
    return m;
}

parsed<ip_addr_opt> parse_ip_addr_opt(bytes_view raw) noexcept {
    parsed<ip_addr_opt> r;
    if ((r.status = check_opt(raw, nd_opt_ip_addr, 24)) != wire_status::ok) {
        return r;
    }
    if (raw.size() != 24) {
        r.status = wire_status::bad_length;
        return r;
    }
    r.msg = ip_addr_opt{raw[2], raw[3], ipv6_addr::from_bytes(&raw[8])};
    if (r.msg.prefix_len > 128) {
        r.status = wire_status::bad_value;
    }
    return r;
}

parsed<lla_fmip_opt> parse_lla_fmip_opt(bytes_view raw) noexcept {
    parsed<lla_fmip_opt> r;
    if ((r.status = check_opt(raw, nd_opt_lla_fmip, 8)) != wire_status::ok) {
        return r;
    }
    r.msg = lla_fmip_opt{raw[2], raw.subspan(3)};
    return r;
}

parsed<naack_opt> parse_naack_opt(bytes_view raw) noexcept {
    parsed<naack_opt> r;
    if ((r.status = check_opt(raw, nd_opt_naack, 8)) != wire_status::ok) {
        return r;
    }
    if (raw.size() != 8 && raw.size() != 24) {
        r.status = wire_status::bad_length;
        return r;
    }
    r.msg.code = raw[2];
    r.msg.status = raw[3];
    if (raw.size() == 24) {
        r.msg.ncoa = ipv6_addr::from_bytes(&raw[8]);
    }
    return r;
}

parsed<hk_request_opt> parse_hk_request_opt(bytes_view raw) noexcept {
    parsed<hk_request_opt> r;
    if ((r.status = check_opt(raw, nd_opt_hk_request, 8)) != wire_status::ok) {
        return r;
    }
    r.msg.pad_length = raw[2];
    r.msg.at = static_cast<std::uint8_t>(raw[3] >> 4);
    if (std::size_t{raw[2]} >= raw.size() - 4) {
        r.status = wire_status::bad_padding;
        return r;
    }
    r.msg.public_key = raw.subspan(4, raw.size() - 4 - raw[2]);
    return r;
}

parsed<hk_reply_opt> parse_hk_reply_opt(bytes_view raw) noexcept {
    parsed<hk_reply_opt> r;
    if ((r.status = check_opt(raw, nd_opt_hk_reply, 8)) != wire_status::ok) {
        return r;
    }
    r.msg.pad_length = raw[2];
    r.msg.at = static_cast<std::uint8_t>(raw[3] >> 4);
    r.msg.lifetime = load_be16(&raw[4]);
    if (std::size_t{raw[2]} >= raw.size() - 6) {
        r.status = wire_status::bad_padding;
        return r;
    }
    r.msg.encrypted_key = raw.subspan(6, raw.size() - 6 - raw[2]);
    return r;
}

build_result build_ip_addr_opt(bytes_mut out, const ip_addr_opt& o) noexcept {
    if (o.prefix_len > 128) {
        return build_result::fail(build_error::bad_argument);
    }
    writer w(out);
    w.u8(nd_opt_ip_addr);
    w.u8(3);
    w.u8(o.code);
    w.u8(o.prefix_len);
    w.be32(0);
    w.addr(o.addr);
    return w.result();
}

build_result build_lla_fmip_opt(bytes_mut out, std::uint8_t code, bytes_view lla) noexcept {
    if (opt_total(3, lla.size()) == 0) {
        return build_result::fail(build_error::bad_argument);
    }
    writer w(out);
    w.u8(nd_opt_lla_fmip);
    w.u8(0);
    w.u8(code);
    w.bytes(lla);
    return finish_opt(w);
}

build_result build_naack_opt(bytes_mut out, const naack_opt& o) noexcept {
    writer w(out);
    w.u8(nd_opt_naack);
    w.u8(o.ncoa ? 3 : 1);
    w.u8(o.code);
    w.u8(o.status);
    w.be32(0);
    if (o.ncoa) {
        w.addr(*o.ncoa);
    }
    return w.result();
}

build_result build_hk_request_opt(bytes_mut out, std::uint8_t at, bytes_view public_key) noexcept {
    const std::size_t total = opt_total(4, public_key.size());
    if (at > 15 || public_key.empty() || total == 0) {
        return build_result::fail(build_error::bad_argument);
    }
    writer w(out);
    w.u8(nd_opt_hk_request);
    w.u8(0);
    w.u8(static_cast<std::uint8_t>(total - 4 - public_key.size()));
    w.u8(static_cast<std::uint8_t>(at << 4));
    w.bytes(public_key);
    return finish_opt(w);
}

build_result build_hk_reply_opt(bytes_mut out, std::uint8_t at, std::uint16_t lifetime,
                                bytes_view encrypted_key) noexcept {
    const std::size_t total = opt_total(6, encrypted_key.size());
    if (at > 15 || encrypted_key.empty() || total == 0) {
        return build_result::fail(build_error::bad_argument);
    }
    writer w(out);
    w.u8(nd_opt_hk_reply);
    w.u8(0);
    w.u8(static_cast<std::uint8_t>(total - 6 - encrypted_key.size()));
    w.u8(static_cast<std::uint8_t>(at << 4));
    w.be16(lifetime);
    w.bytes(encrypted_key);
    return finish_opt(w);
}

} // namespace mipgate::wire
