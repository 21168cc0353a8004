#include "mipgate/fmip/badf_mh.hpp"

namespace mipgate::fmip {

badf_prepared prepare_badf_job(const badf_key& key, const ipv6_addr& ncoa, const ipv6_addr& par,
                               const wire::mh_view& v) noexcept {
    badf_prepared out;
    if (!v.ok()) {
        return out;
    }
    const wire::mh_option* o = v.options.find(wire::mh_opt_badf);
    if (o == nullptr) {
        out.reason = badf_reason::no_badf;
        return out;
    }
    const auto b = wire::mh_badf(*o);
    if (!b) {
        out.reason = badf_reason::no_badf;
        return out;
    }
    if (b->spi != badf_spi_handover_key) {
        out.reason = badf_reason::bad_spi;
        return out;
    }
    if (b->authenticator.size() != key.auth_len()) {
        out.reason = badf_reason::bad_length;
        return out;
    }
    out.reason = badf_reason::ok;
    out.job = badf_job{&key, ncoa, par, v.mh, b->auth_offset, b->authenticator};
    return out;
}

badf_reason verify_mh_badf(const badf_key& key, const ipv6_addr& ncoa, const ipv6_addr& par,
                           const wire::mh_view& v) noexcept {
    const badf_prepared p = prepare_badf_job(key, ncoa, par, v);
    if (p.reason != badf_reason::ok) {
        return p.reason;
    }
    const badf_job& j = p.job;
    return key.verify(j.ncoa, j.par, j.mh, j.auth_offset, j.authenticator) ? badf_reason::ok
                                                                            : badf_reason::bad_mac;
}

bool sign_mh_badf(const badf_key& key, const ipv6_addr& ncoa, const ipv6_addr& par, bytes_mut mh,
                  std::size_t auth_offset) noexcept {
    if (auth_offset > mh.size() || mh.size() - auth_offset < key.auth_len()) {
        return false;
    }
    // compute() reads only mh[0, auth_offset) and writes only the slot after it.
    return key.compute(ncoa, par, bytes_view(mh.data(), mh.size()), auth_offset,
                       mh.subspan(auth_offset, key.auth_len())) != 0;
}

} // namespace mipgate::fmip
