#include "mipgate/fmip/badf_mb.hpp"

#include "imb_util.hpp"

#include <openssl/crypto.h>

#include <cstdint>
#include <cstring>
#include <new>

namespace mipgate::fmip {

// One slot per message of a chunk: the contiguous MAC input (IPsec-MB hashes one buffer per job,
// so the checksum is zeroed in this copy, never in the packet) and the tag output.
struct badf_engine::scratch {
    struct mgr_free {
        void operator()(IMB_MGR* m) const noexcept { free_mb_mgr(m); }
    };
    std::unique_ptr<IMB_MGR, mgr_free> mgr;
    alignas(64) std::uint8_t input[badf_burst_chunk][badf_prefix_len + badf_max_mh_len];
    alignas(64) std::uint8_t tag[badf_burst_chunk][at_max_auth_len];
};

result<badf_engine> badf_engine::create(badf_backend backend) {
    std::unique_ptr<scratch> s(new (std::nothrow) scratch);
    if (!s) {
        return make_error(ENOMEM, "badf_engine: out of memory");
    }
    if (backend != badf_backend::openssl) {
        IMB_MGR* m = alloc_mb_mgr(0);
        if (m == nullptr) {
            return make_error(ENOMEM, "badf_engine: alloc_mb_mgr failed");
        }
        s->mgr.reset(m);
        init_mb_mgr_auto(m, nullptr);
        if (const int e = imb_get_errno(m); e != 0) {
            return make_error(e, std::string("badf_engine: init_mb_mgr_auto: ") + imb_get_strerror(e));
        }
    }
    return badf_engine(backend, std::move(s));
}

badf_engine::badf_engine(badf_backend b, std::unique_ptr<scratch> s) noexcept : _s(std::move(s)), _backend(b) {}
badf_engine::badf_engine(badf_engine&&) noexcept = default;
badf_engine& badf_engine::operator=(badf_engine&&) noexcept = default;
badf_engine::~badf_engine() = default;

namespace {

static_assert(at_hmac_sha1 < 2 && at_hmac_sha256 < 2, "use_imb[] is indexed by AT");

bool job_valid(const badf_job& j) noexcept {
    return j.key != nullptr && badf_geometry_ok(j.mh.size(), j.auth_offset) &&
           j.authenticator.size() == j.key->auth_len();
}

} // namespace

std::size_t badf_engine::verify_burst(std::span<const badf_job> jobs, std::span<bool> ok) noexcept {
    const std::size_t n = jobs.size() < ok.size() ? jobs.size() : ok.size();
    std::size_t good = 0;
    if (_backend == badf_backend::openssl || !_s->mgr) {
        for (std::size_t i = 0; i < n; ++i) {
            const badf_job& j = jobs[i];
            ok[i] = j.key != nullptr && j.key->verify(j.ncoa, j.par, j.mh, j.auth_offset, j.authenticator);
            good += ok[i] ? 1 : 0;
        }
        return good;
    }
    for (std::size_t base = 0; base < n; base += badf_burst_chunk) {
        const std::size_t m = n - base < badf_burst_chunk ? n - base : badf_burst_chunk;
        good += verify_chunk(jobs.subspan(base, m), ok.subspan(base, m));
    }
    return good;
}

std::size_t badf_engine::verify_chunk(std::span<const badf_job> jobs, std::span<bool> ok) noexcept {
    IMB_MGR* mgr = _s->mgr.get();
    std::size_t good = 0;
    // Which ATs go to IPsec-MB in this chunk (index = AT; both are known ATs < 2).
    bool use_imb[2] = {true, true};
    if (_backend == badf_backend::hybrid) {
        std::size_t count[2] = {0, 0};
        for (const badf_job& j : jobs) {
            if (job_valid(j)) {
                ++count[j.key->at()];
            }
        }
        use_imb[at_hmac_sha1] = count[at_hmac_sha1] >= badf_hybrid_min_sha1;
        use_imb[at_hmac_sha256] = count[at_hmac_sha256] >= badf_hybrid_min_sha256;
    }
    // Completed jobs come back in submission order; each carries its index in user_data.
    const auto finish = [&](IMB_JOB* done) noexcept {
        const auto i = reinterpret_cast<std::uintptr_t>(done->user_data);
        const badf_job& j = jobs[i];
        ok[i] = done->status == IMB_STATUS_COMPLETED &&
                CRYPTO_memcmp(_s->tag[i], j.authenticator.data(), j.authenticator.size()) == 0;
        good += ok[i] ? 1 : 0;
    };
    for (std::size_t i = 0; i < jobs.size(); ++i) {
        const badf_job& j = jobs[i];
        ok[i] = false;
        if (!job_valid(j)) {
            continue;
        }
        if (!use_imb[j.key->at()]) {
            ok[i] = j.key->verify(j.ncoa, j.par, j.mh, j.auth_offset, j.authenticator);
            good += ok[i] ? 1 : 0;
            continue;
        }
        std::uint8_t* in = _s->input[i];
        std::memcpy(in, j.ncoa.b.data(), 16);
        std::memcpy(in + 16, j.par.b.data(), 16);
        std::memcpy(in + badf_prefix_len, j.mh.data(), j.auth_offset);
        in[badf_prefix_len + mh_checksum_offset] = 0;
        in[badf_prefix_len + mh_checksum_offset + 1] = 0;

        IMB_JOB* job = IMB_GET_NEXT_JOB(mgr);
        job->cipher_mode = IMB_CIPHER_NULL;
        job->cipher_direction = IMB_DIR_ENCRYPT;
        job->chain_order = IMB_ORDER_HASH_CIPHER;
        job->hash_alg = j.key->at() == at_hmac_sha1 ? IMB_AUTH_HMAC_SHA_1 : IMB_AUTH_HMAC_SHA_256;
        job->src = in;
        job->dst = in;
        job->cipher_start_src_offset_in_bytes = 0;
        job->msg_len_to_cipher_in_bytes = 0;
        job->iv = nullptr;
        job->iv_len_in_bytes = 0;
        job->hash_start_src_offset_in_bytes = 0;
        job->msg_len_to_hash_in_bytes = badf_prefix_len + j.auth_offset;
        job->auth_tag_output = _s->tag[i];
        job->auth_tag_output_len_in_bytes = j.key->auth_len();
        job->u.HMAC._hashed_auth_key_xor_ipad = j.key->imb_ipad();
        job->u.HMAC._hashed_auth_key_xor_opad = j.key->imb_opad();
        job->user_data = reinterpret_cast<void*>(static_cast<std::uintptr_t>(i));
        for (IMB_JOB* done = IMB_SUBMIT_JOB(mgr); done != nullptr; done = IMB_GET_COMPLETED_JOB(mgr)) {
            finish(done);
        }
    }
    for (IMB_JOB* done = IMB_FLUSH_JOB(mgr); done != nullptr; done = IMB_FLUSH_JOB(mgr)) {
        finish(done);
    }
    return good;
}

} // namespace mipgate::fmip
