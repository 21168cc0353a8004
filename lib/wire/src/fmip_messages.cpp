#include "mipgate/wire/fmip_messages.hpp"

#include "icmp_common.hpp"

namespace mipgate::wire {
using detail::check_icmp;
using detail::icmp_head;
using detail::writer;

namespace {

// Per-subtype Code and flag rules, RFC 5268 §6.1.1–6.2.2.
wire_status check_fields(std::uint8_t subtype, std::uint8_t code, std::uint8_t flags) noexcept {
    switch (subtype) {
    case fmip_subtype_rtsolpr:
        return code == 0 ? wire_status::ok : wire_status::bad_code;
    case fmip_subtype_prrtadv:
        return code <= prrtadv_code_max ? wire_status::ok : wire_status::bad_code;
    case fmip_subtype_hi:
        if (code > hi_code_max) {
            return wire_status::bad_code;
        }
        // S MUST be 0 when the FBU came from the NAR link (Code 1).
        return (code == 1 && (flags & hi_flag_s) != 0) ? wire_status::bad_value : wire_status::ok;
    case fmip_subtype_hack:
        return wire_status::ok;
    default:
        return wire_status::bad_type;
    }
}

} // namespace

parsed<fmip_msg> parse_fmip(bytes_view icmp) noexcept {
    parsed<fmip_msg> r;
    if ((r.status = check_icmp(icmp, icmp6_fmip, 8, false)) != wire_status::ok) {
        return r;
    }
    fmip_msg m;
    m.code = icmp[1];
    m.subtype = icmp[4];
    m.flags = icmp[5];
    m.identifier = load_be16(&icmp[6]);
    m.options = icmp.subspan(8);
    if ((r.status = check_fields(m.subtype, m.code, m.flags)) != wire_status::ok) {
        return r;
    }
    r.msg = m;
    r.status = nd_options_well_formed(m.options) ? wire_status::ok : wire_status::bad_options;
    return r;
}

parsed<fmip_msg> parse_fmip(bytes_view icmp, std::uint8_t subtype) noexcept {
    auto r = parse_fmip(icmp);
    if (r.status == wire_status::ok && r.msg.subtype != subtype) {
        r.status = wire_status::bad_type;
    }
    return r;
}

build_result build_fmip(bytes_mut out, const fmip_msg& m) noexcept {
    if (check_fields(m.subtype, m.code, m.flags) != wire_status::ok) {
        return build_result::fail(build_error::bad_argument);
    }
    writer w(out);
    icmp_head(w, icmp6_fmip, m.code);
    w.u8(m.subtype);
    w.u8(m.subtype == fmip_subtype_hi ? static_cast<std::uint8_t>(m.flags & (hi_flag_s | hi_flag_u))
                                      : 0);
    w.be16(m.identifier);
    w.bytes(m.options);
    return w.result();
}

} // namespace mipgate::wire
