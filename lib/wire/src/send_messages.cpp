#include "mipgate/wire/send_messages.hpp"

#include "icmp_common.hpp"

namespace mipgate::wire {
using detail::check_icmp;
using detail::icmp_head;
using detail::writer;

parsed<cps_msg> parse_cps(bytes_view icmp) noexcept {
    parsed<cps_msg> r;
    if ((r.status = check_icmp(icmp, icmp6_cps, 8)) != wire_status::ok) {
        return r;
    }
    r.msg = cps_msg{load_be16(&icmp[4]), load_be16(&icmp[6]), icmp.subspan(8)};
    r.status = nd_options_well_formed(r.msg.options) ? wire_status::ok : wire_status::bad_options;
    return r;
}

parsed<cpa_msg> parse_cpa(bytes_view icmp) noexcept {
    parsed<cpa_msg> r;
    if ((r.status = check_icmp(icmp, icmp6_cpa, 12)) != wire_status::ok) {
        return r;
    }
    r.msg =
        cpa_msg{load_be16(&icmp[4]), load_be16(&icmp[6]), load_be16(&icmp[8]), icmp.subspan(12)};
    r.status = nd_options_well_formed(r.msg.options) ? wire_status::ok : wire_status::bad_options;
    return r;
}

build_result build_cps(bytes_mut out, const cps_msg& m) noexcept {
    writer w(out);
    icmp_head(w, icmp6_cps, 0);
    w.be16(m.identifier);
    w.be16(m.component);
    w.bytes(m.options);
    return w.result();
}

build_result build_cpa(bytes_mut out, const cpa_msg& m) noexcept {
    writer w(out);
    icmp_head(w, icmp6_cpa, 0);
    w.be16(m.identifier);
    w.be16(m.all_components);
    w.be16(m.component);
    w.be16(0);
    w.bytes(m.options);
    return w.result();
}

} // namespace mipgate::wire
