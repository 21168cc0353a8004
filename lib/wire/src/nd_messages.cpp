#include "mipgate/wire/nd_messages.hpp"

#include "icmp_common.hpp"

namespace mipgate::wire {
using detail::check_icmp;
using detail::icmp_head;
using detail::writer;

namespace {
template <class T>
parsed<T> finish(T m) noexcept {
    parsed<T> r;
    r.msg = m;
    r.status = nd_options_well_formed(m.options) ? wire_status::ok : wire_status::bad_options;
    return r;
}
} // namespace

parsed<rs_msg> parse_rs(bytes_view icmp) noexcept {
    parsed<rs_msg> r;
    if ((r.status = check_icmp(icmp, icmp6_rs, 8)) != wire_status::ok) {
        return r;
    }
    return finish(rs_msg{icmp.subspan(8)});
}

parsed<ra_msg> parse_ra(bytes_view icmp) noexcept {
    parsed<ra_msg> r;
    if ((r.status = check_icmp(icmp, icmp6_ra, 16)) != wire_status::ok) {
        return r;
    }
    ra_msg m;
    m.cur_hop_limit = icmp[4];
    m.flags = icmp[5];
    m.router_lifetime = load_be16(&icmp[6]);
    m.reachable_time = load_be32(&icmp[8]);
    m.retrans_timer = load_be32(&icmp[12]);
    m.options = icmp.subspan(16);
    return finish(m);
}

parsed<ns_msg> parse_ns(bytes_view icmp) noexcept {
    parsed<ns_msg> r;
    if ((r.status = check_icmp(icmp, icmp6_ns, 24)) != wire_status::ok) {
        return r;
    }
    ns_msg m{ipv6_addr::from_bytes(&icmp[8]), icmp.subspan(24)};
    if (m.target.is_multicast()) {
        r.status = wire_status::bad_value;
        return r;
    }
    return finish(m);
}

parsed<na_msg> parse_na(bytes_view icmp) noexcept {
    parsed<na_msg> r;
    if ((r.status = check_icmp(icmp, icmp6_na, 24)) != wire_status::ok) {
        return r;
    }
    na_msg m{icmp[4], ipv6_addr::from_bytes(&icmp[8]), icmp.subspan(24)};
    if (m.target.is_multicast()) {
        r.status = wire_status::bad_value;
        return r;
    }
    return finish(m);
}

build_result build_rs(bytes_mut out, const rs_msg& m) noexcept {
    writer w(out);
    icmp_head(w, icmp6_rs, 0);
    w.be32(0);
    w.bytes(m.options);
    return w.result();
}

build_result build_ra(bytes_mut out, const ra_msg& m) noexcept {
    writer w(out);
    icmp_head(w, icmp6_ra, 0);
    w.u8(m.cur_hop_limit);
    w.u8(m.flags);
    w.be16(m.router_lifetime);
    w.be32(m.reachable_time);
    w.be32(m.retrans_timer);
    w.bytes(m.options);
    return w.result();
}

build_result build_ns(bytes_mut out, const ns_msg& m) noexcept {
    if (m.target.is_multicast()) {
        return build_result::fail(build_error::bad_argument);
    }
    writer w(out);
    icmp_head(w, icmp6_ns, 0);
    w.be32(0);
    w.addr(m.target);
    w.bytes(m.options);
    return w.result();
}

build_result build_na(bytes_mut out, const na_msg& m) noexcept {
    if (m.target.is_multicast()) {
        return build_result::fail(build_error::bad_argument);
    }
    writer w(out);
    icmp_head(w, icmp6_na, 0);
    w.u8(static_cast<std::uint8_t>(m.flags & 0xe0));
    w.zeros(3);
    w.addr(m.target);
    w.bytes(m.options);
    return w.result();
}

} // namespace mipgate::wire
