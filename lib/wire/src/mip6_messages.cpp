#include "mipgate/wire/mip6_messages.hpp"

#include "icmp_common.hpp"

namespace mipgate::wire {
using detail::check_icmp;
using detail::icmp_head;
using detail::writer;

parsed<dhaad_request_msg> parse_dhaad_request(bytes_view icmp) noexcept {
    parsed<dhaad_request_msg> r;
    if ((r.status = check_icmp(icmp, icmp6_dhaad_request, 8)) != wire_status::ok) {
        return r;
    }
    r.msg = dhaad_request_msg{load_be16(&icmp[4]), load_be16(&icmp[6])};
    return r;
}

parsed<dhaad_reply_msg> parse_dhaad_reply(bytes_view icmp) noexcept {
    parsed<dhaad_reply_msg> r;
    if ((r.status = check_icmp(icmp, icmp6_dhaad_reply, 8)) != wire_status::ok) {
        return r;
    }
    if ((icmp.size() - 8) % 16 != 0) {
        r.status = wire_status::bad_length;
        return r;
    }
    r.msg = dhaad_reply_msg{load_be16(&icmp[4]), load_be16(&icmp[6]), icmp.subspan(8)};
    return r;
}

parsed<mps_msg> parse_mps(bytes_view icmp) noexcept {
    parsed<mps_msg> r;
    if ((r.status = check_icmp(icmp, icmp6_mps, 8)) != wire_status::ok) {
        return r;
    }
    r.msg = mps_msg{load_be16(&icmp[4])};
    return r;
}

parsed<mpa_msg> parse_mpa(bytes_view icmp) noexcept {
    parsed<mpa_msg> r;
    if ((r.status = check_icmp(icmp, icmp6_mpa, 8)) != wire_status::ok) {
        return r;
    }
    r.msg = mpa_msg{load_be16(&icmp[4]), load_be16(&icmp[6]), icmp.subspan(8)};
    r.status = nd_options_well_formed(r.msg.options) ? wire_status::ok : wire_status::bad_options;
    return r;
}

build_result build_dhaad_request(bytes_mut out, const dhaad_request_msg& m) noexcept {
    writer w(out);
    icmp_head(w, icmp6_dhaad_request, 0);
    w.be16(m.identifier);
    w.be16(m.reserved);
    return w.result();
}

build_result build_dhaad_reply(bytes_mut out, const dhaad_reply_msg& m) noexcept {
    if (m.addresses.size() % 16 != 0) {
        return build_result::fail(build_error::bad_argument);
    }
    writer w(out);
    icmp_head(w, icmp6_dhaad_reply, 0);
    w.be16(m.identifier);
    w.be16(m.reserved);
    w.bytes(m.addresses);
    return w.result();
}

build_result build_mps(bytes_mut out, const mps_msg& m) noexcept {
    writer w(out);
    icmp_head(w, icmp6_mps, 0);
    w.be16(m.identifier);
    w.be16(0);
    return w.result();
}

build_result build_mpa(bytes_mut out, const mpa_msg& m) noexcept {
    writer w(out);
    icmp_head(w, icmp6_mpa, 0);
    w.be16(m.identifier);
    w.be16(static_cast<std::uint16_t>(m.flags & (mpa_flag_managed | mpa_flag_other)));
    w.bytes(m.options);
    return w.result();
}

} // namespace mipgate::wire
