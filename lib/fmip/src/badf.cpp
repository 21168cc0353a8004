#include "mipgate/fmip/badf.hpp"

#include "imb_util.hpp"
#include "mipgate/common/secret_bytes.hpp"
#include "sha_lowlevel.hpp"

#include <openssl/crypto.h>

#include <cstring>
#include <memory>

namespace mipgate::fmip {

namespace detail {

IMB_MGR* one_block_mgr() noexcept {
    struct mgr_free {
        void operator()(IMB_MGR* m) const noexcept { free_mb_mgr(m); }
    };
    // Magic static: thread-safe one-time init; freed at exit.
    static const std::unique_ptr<IMB_MGR, mgr_free> mgr = []() noexcept {
        IMB_MGR* m = alloc_mb_mgr(0);
        if (m != nullptr) {
            init_mb_mgr_auto(m, nullptr);
            if (imb_get_errno(m) != 0) {
                free_mb_mgr(m);
                m = nullptr;
            }
        }
        return std::unique_ptr<IMB_MGR, mgr_free>(m);
    }();
    return mgr.get();
}

} // namespace detail

namespace {

using detail::hmac_block_len;

static_assert(sizeof(SHA_CTX) <= 128 && sizeof(SHA256_CTX) <= 128, "badf_key::_ossl_* too small");

// Inner hash over NCoA | PAR | MH[0,off) with the checksum taken as zero, fed in pieces so the
// caller's packet is never written; then the outer hash. `inner`/`outer` are the precomputed
// contexts; the stack copies are wiped.
template <class Ops>
void badf_hmac(const void* inner, const void* outer, const ipv6_addr& ncoa, const ipv6_addr& par,
               const std::uint8_t* mh, std::size_t auth_offset, std::uint8_t* digest) noexcept {
    static constexpr std::uint8_t zero_csum[2] = {0, 0};
    typename Ops::ctx c;
    std::memcpy(&c, inner, sizeof(c));
    Ops::update(&c, ncoa.b.data(), 16);
    Ops::update(&c, par.b.data(), 16);
    Ops::update(&c, mh, mh_checksum_offset);
    Ops::update(&c, zero_csum, 2);
    Ops::update(&c, mh + mh_min_auth_offset, auth_offset - mh_min_auth_offset);
    Ops::final(digest, &c);
    std::memcpy(&c, outer, sizeof(c));
    Ops::update(&c, digest, Ops::digest_len);
    Ops::final(digest, &c);
    wipe(&c, sizeof(c));
}

template <class Ops>
void precompute(bytes_view key, std::uint8_t* ossl_inner, std::uint8_t* ossl_outer, std::uint8_t* imb_ipad,
                std::uint8_t* imb_opad, IMB_MGR* mgr, bool sha1) noexcept {
    alignas(16) std::uint8_t k[hmac_block_len] = {};
    if (key.size() > hmac_block_len) {
        typename Ops::ctx c;
        Ops::init(&c);
        Ops::update(&c, key.data(), key.size());
        Ops::final(k, &c);
        wipe(&c, sizeof(c));
    } else {
        std::memcpy(k, key.data(), key.size());
    }
    alignas(16) std::uint8_t ipad[hmac_block_len];
    alignas(16) std::uint8_t opad[hmac_block_len];
    for (std::size_t i = 0; i < hmac_block_len; ++i) {
        ipad[i] = static_cast<std::uint8_t>(k[i] ^ 0x36);
        opad[i] = static_cast<std::uint8_t>(k[i] ^ 0x5c);
    }
    typename Ops::ctx c;
    Ops::init(&c);
    Ops::update(&c, ipad, hmac_block_len);
    std::memcpy(ossl_inner, &c, sizeof(c));
    Ops::init(&c);
    Ops::update(&c, opad, hmac_block_len);
    std::memcpy(ossl_outer, &c, sizeof(c));
    wipe(&c, sizeof(c));
    if (sha1) {
        IMB_SHA1_ONE_BLOCK(mgr, ipad, imb_ipad);
        IMB_SHA1_ONE_BLOCK(mgr, opad, imb_opad);
    } else {
        IMB_SHA256_ONE_BLOCK(mgr, ipad, imb_ipad);
        IMB_SHA256_ONE_BLOCK(mgr, opad, imb_opad);
    }
    wipe(k, sizeof(k));
    wipe(ipad, sizeof(ipad));
    wipe(opad, sizeof(opad));
}

} // namespace

result<badf_key> badf_key::create(unsigned at, bytes_view key) {
    if (!at_known(at)) {
        return make_error(static_cast<int>(badf_errc::unknown_at), "unknown AT " + std::to_string(at));
    }
    if (key.empty()) {
        return make_error(static_cast<int>(badf_errc::bad_key), "empty handover key");
    }
    IMB_MGR* mgr = detail::one_block_mgr();
    if (mgr == nullptr) {
        return make_error(static_cast<int>(badf_errc::imb_failed), "IPsec-MB manager unavailable");
    }
    badf_key k;
    k._at = at;
    if (at == at_hmac_sha1) {
        precompute<detail::sha1_ops>(key, k._ossl_inner, k._ossl_outer, k._imb_ipad, k._imb_opad, mgr, true);
    } else {
        precompute<detail::sha256_ops>(key, k._ossl_inner, k._ossl_outer, k._imb_ipad, k._imb_opad, mgr, false);
    }
    return k;
}

badf_key::badf_key(badf_key&& o) noexcept : _at(o._at) {
    std::memcpy(_ossl_inner, o._ossl_inner, sizeof(_ossl_inner));
    std::memcpy(_ossl_outer, o._ossl_outer, sizeof(_ossl_outer));
    std::memcpy(_imb_ipad, o._imb_ipad, sizeof(_imb_ipad));
    std::memcpy(_imb_opad, o._imb_opad, sizeof(_imb_opad));
    o.wipe();
}

badf_key& badf_key::operator=(badf_key&& o) noexcept {
    if (this != &o) {
        _at = o._at;
        std::memcpy(_ossl_inner, o._ossl_inner, sizeof(_ossl_inner));
        std::memcpy(_ossl_outer, o._ossl_outer, sizeof(_ossl_outer));
        std::memcpy(_imb_ipad, o._imb_ipad, sizeof(_imb_ipad));
        std::memcpy(_imb_opad, o._imb_opad, sizeof(_imb_opad));
        o.wipe();
    }
    return *this;
}

badf_key::~badf_key() { wipe(); }

void badf_key::wipe() noexcept {
    mipgate::wipe(_ossl_inner, sizeof(_ossl_inner));
    mipgate::wipe(_ossl_outer, sizeof(_ossl_outer));
    mipgate::wipe(_imb_ipad, sizeof(_imb_ipad));
    mipgate::wipe(_imb_opad, sizeof(_imb_opad));
}

std::size_t badf_key::compute(const ipv6_addr& ncoa, const ipv6_addr& par, bytes_view mh,
                              std::size_t auth_offset, bytes_mut out) const noexcept {
    const std::size_t n = auth_len();
    if (!badf_geometry_ok(mh.size(), auth_offset) || out.size() < n) {
        return 0;
    }
    std::uint8_t digest[at_max_digest_len];
    if (_at == at_hmac_sha1) {
        badf_hmac<detail::sha1_ops>(_ossl_inner, _ossl_outer, ncoa, par, mh.data(), auth_offset, digest);
    } else {
        badf_hmac<detail::sha256_ops>(_ossl_inner, _ossl_outer, ncoa, par, mh.data(), auth_offset, digest);
    }
    std::memcpy(out.data(), digest, n);
    return n;
}

bool badf_key::verify(const ipv6_addr& ncoa, const ipv6_addr& par, bytes_view mh, std::size_t auth_offset,
                      bytes_view authenticator) const noexcept {
    std::uint8_t expect[at_max_auth_len];
    if (authenticator.size() != auth_len() ||
        compute(ncoa, par, mh, auth_offset, bytes_mut(expect, sizeof(expect))) == 0) {
        return false;
    }
    return CRYPTO_memcmp(expect, authenticator.data(), authenticator.size()) == 0;
}

} // namespace mipgate::fmip
