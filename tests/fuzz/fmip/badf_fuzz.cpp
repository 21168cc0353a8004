// libFuzzer target: BADF compute/verify on arbitrary MH bytes, offsets and authenticator lengths,
// single path and both badf_engine backends. Besides memory errors (ASan/UBSan) it traps when the
// paths disagree or when a freshly computed authenticator does not verify.
// Input: [0] flags (bit0 AT, bits1-2 burst size-1), [1-2] auth_offset (BE), [3] authenticator
// length adjust, [4..] MH bytes (also parsed with wire::parse_mh and checked with verify_mh_badf).

#include "mipgate/fmip/badf.hpp"
#include "mipgate/fmip/badf_mb.hpp"
#include "mipgate/fmip/badf_mh.hpp"

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace {

using namespace mipgate;
using namespace mipgate::fmip;

struct state {
    badf_key k0 = badf_key::create(at_hmac_sha1, bytes_view(reinterpret_cast<const std::uint8_t*>(
                                                               "fuzz-key-sha1-20-byte"), 20)).value();
    badf_key k1 = badf_key::create(at_hmac_sha256, bytes_view(reinterpret_cast<const std::uint8_t*>(
                                                                 "fuzz-key-sha256-32-bytes-long..."), 32)).value();
    badf_engine imb = badf_engine::create(badf_backend::ipsec_mb).value();
    badf_engine ossl = badf_engine::create(badf_backend::openssl).value();
    badf_engine hyb = badf_engine::create(badf_backend::hybrid).value();
};

state& st() {
    static state s;
    return s;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 4) {
        return 0;
    }
    state& s = st();
    const badf_key& key = (data[0] & 1) ? s.k1 : s.k0;
    const std::size_t burst = 1 + ((data[0] >> 1) & 3);
    const std::size_t off = (std::size_t{data[1]} << 8 | data[2]) % (badf_max_mh_len + 16);
    const bytes_view mh(data + 4, size - 4);
    const ipv6_addr ncoa = *ipv6_addr::parse("2001:db8:2::100");
    const ipv6_addr par = *ipv6_addr::parse("2001:db8:1::1");

    // The received authenticator: bytes after the offset, length nudged by data[3].
    const std::size_t want_len = key.auth_len() + (data[3] % 3) - 1;
    bytes_view recv;
    if (off <= mh.size()) {
        const std::size_t avail = mh.size() - off;
        recv = mh.subspan(off, want_len < avail ? want_len : avail);
    }

    std::uint8_t out[at_max_auth_len];
    const std::size_t n = key.compute(ncoa, par, mh, off, out);
    if ((n != 0) != badf_geometry_ok(mh.size(), off)) {
        __builtin_trap();
    }
    const bool single = key.verify(ncoa, par, mh, off, recv);

    badf_job jobs[4];
    for (std::size_t i = 0; i < burst; ++i) {
        jobs[i] = badf_job{&key, ncoa, par, mh, off, recv};
    }
    bool a[4] = {};
    bool b[4] = {};
    bool c[4] = {};
    s.imb.verify_burst(std::span<const badf_job>(jobs, burst), std::span<bool>(a, burst));
    s.ossl.verify_burst(std::span<const badf_job>(jobs, burst), std::span<bool>(b, burst));
    s.hyb.verify_burst(std::span<const badf_job>(jobs, burst), std::span<bool>(c, burst));
    for (std::size_t i = 0; i < burst; ++i) {
        if (a[i] != single || b[i] != single || c[i] != single) {
            __builtin_trap();
        }
    }
    // A computed authenticator must verify on every path.
    if (n != 0) {
        const badf_job good{&key, ncoa, par, mh, off, bytes_view(out, n)};
        bool g1 = false;
        bool g2 = false;
        s.imb.verify_burst(std::span<const badf_job>(&good, 1), std::span<bool>(&g1, 1));
        s.ossl.verify_burst(std::span<const badf_job>(&good, 1), std::span<bool>(&g2, 1));
        if (!key.verify(ncoa, par, mh, off, bytes_view(out, n)) || !g1 || !g2) {
            __builtin_trap();
        }
    }
    // Through the wire parser: whatever BADF it finds, the reasons and the MAC must agree.
    const auto v = wire::parse_mh(mh);
    if (v.ok()) {
        const badf_reason r = verify_mh_badf(key, ncoa, par, v);
        const badf_prepared p = prepare_badf_job(key, ncoa, par, v);
        if ((r == badf_reason::ok || r == badf_reason::bad_mac) != (p.reason == badf_reason::ok)) {
            __builtin_trap();
        }
        if (p.reason == badf_reason::ok) {
            bool g = false;
            s.hyb.verify_burst(std::span<const badf_job>(&p.job, 1), std::span<bool>(&g, 1));
            if (g != (r == badf_reason::ok)) {
                __builtin_trap();
            }
        }
    }
    return 0;
}
