// BADF and handover-key micro-benchmarks, each beside its raw primitive measured in the same
// binary (docs/crypto-choices.md). Compare the CPU column: the machine is shared. Messages are FBU-sized: the protocol-facts §1.5 FBU (56 B MH,
// authenticator at 44) for AT 0; the same with a 16-byte authenticator for AT 1.
//   build-fmip/tests/bench/fmip/bench_fmip --benchmark_min_time=0.5

#include "mipgate/fmip/badf.hpp"
#include "mipgate/fmip/badf_mb.hpp"
#include "mipgate/fmip/handover_key.hpp"
#include "rsa_test_keys.hpp"

#define NO_COMPAT_IMB_API_053
#include <intel-ipsec-mb.h>

#include <benchmark/benchmark.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/params.h>
#include <openssl/rsa.h>

#include <array>
#include <cstring>
#include <memory>
#include <random>
#include <vector>

namespace {

using namespace mipgate;
using namespace mipgate::fmip;

constexpr std::size_t auth_offset = 44;
constexpr std::size_t burst = 32;

const char* const fbu_hex =
    "3b0608001d0e002ac000000a0100031020010db800020000000000000000010001040000000015100000000";

std::vector<std::uint8_t> from_hex(const char* s) {
    std::vector<std::uint8_t> out;
    auto nib = [](char c) { return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10; };
    for (; s[0] != 0 && s[1] != 0; s += 2) {
        out.push_back(static_cast<std::uint8_t>(nib(s[0]) << 4 | nib(s[1])));
    }
    return out;
}

// `burst` FBUs (differing sequence numbers), each with its own key of the given AT and a correct
// authenticator.
struct fixture {
    unsigned at;
    std::vector<std::vector<std::uint8_t>> raw_keys;
    std::vector<badf_key> keys;
    std::vector<std::vector<std::uint8_t>> mh;
    std::vector<badf_job> jobs;
    ipv6_addr ncoa = *ipv6_addr::parse("2001:db8:2::100");
    ipv6_addr par = *ipv6_addr::parse("2001:db8:1::1");

    explicit fixture(unsigned a) : at(a) {
        std::mt19937 rng(a + 1);
        const auto base = from_hex(fbu_hex);
        for (std::size_t i = 0; i < burst; ++i) {
            std::vector<std::uint8_t> k(at_key_len(at));
            for (auto& b : k) {
                b = static_cast<std::uint8_t>(rng());
            }
            raw_keys.push_back(k);
            keys.push_back(badf_key::create(at, k).value());
            std::vector<std::uint8_t> m(base.begin(), base.begin() + auth_offset);
            m[7] = static_cast<std::uint8_t>(i);
            m.resize(auth_offset + at_auth_len(at));
            keys.back().compute(ncoa, par, m, auth_offset, bytes_mut(m).subspan(auth_offset));
            mh.push_back(std::move(m));
        }
        for (std::size_t i = 0; i < burst; ++i) {
            badf_job j;
            j.key = &keys[i];
            j.ncoa = ncoa;
            j.par = par;
            j.mh = mh[i];
            j.auth_offset = auth_offset;
            j.authenticator = bytes_view(mh[i]).subspan(auth_offset);
            jobs.push_back(j);
        }
    }
    // The contiguous MAC input with checksum zeroed (what the plain primitive hashes).
    std::vector<std::uint8_t> mac_input(std::size_t i) const {
        std::vector<std::uint8_t> in(ncoa.b.begin(), ncoa.b.end());
        in.insert(in.end(), par.b.begin(), par.b.end());
        in.insert(in.end(), mh[i].begin(), mh[i].begin() + auth_offset);
        in[36] = in[37] = 0;
        return in;
    }
};

const fixture& fx(unsigned at) {
    static const fixture f0(at_hmac_sha1);
    static const fixture f1(at_hmac_sha256);
    return at == at_hmac_sha1 ? f0 : f1;
}

unsigned at_arg(const benchmark::State& s) { return static_cast<unsigned>(s.range(0)); }

void set_label(benchmark::State& s, std::size_t msgs) {
    s.SetItemsProcessed(static_cast<std::int64_t>(s.iterations() * msgs));
    s.SetLabel(at_arg(s) == at_hmac_sha1 ? "HMAC-SHA1-96" : "HMAC-SHA256-128");
}

// ---- BADF verify: library paths ----

void bm_badf_verify_openssl_1(benchmark::State& s) {
    const fixture& f = fx(at_arg(s));
    const badf_job& j = f.jobs[0];
    for (auto _ : s) {
        benchmark::DoNotOptimize(j.key->verify(j.ncoa, j.par, j.mh, j.auth_offset, j.authenticator));
    }
    set_label(s, 1);
}

void run_engine(benchmark::State& s, badf_backend b, std::size_t n) {
    const fixture& f = fx(at_arg(s));
    auto eng = badf_engine::create(b);
    bool ok[burst];
    const std::span<const badf_job> jobs(f.jobs.data(), n);
    for (auto _ : s) {
        if (eng->verify_burst(jobs, std::span<bool>(ok, n)) != n) {
            s.SkipWithError("verify failed");
            break;
        }
        benchmark::ClobberMemory();
    }
    set_label(s, n);
}

// Args: AT, burst size.
void bm_badf_engine_imb(benchmark::State& s) {
    run_engine(s, badf_backend::ipsec_mb, static_cast<std::size_t>(s.range(1)));
}
void bm_badf_engine_openssl(benchmark::State& s) {
    run_engine(s, badf_backend::openssl, static_cast<std::size_t>(s.range(1)));
}
void bm_badf_engine_hybrid(benchmark::State& s) {
    run_engine(s, badf_backend::hybrid, static_cast<std::size_t>(s.range(1)));
}

// ---- raw primitives over the same bytes ----

// Fresh one-shot HMAC() per message: no precomputation at all.
void bm_raw_hmac_oneshot_1(benchmark::State& s) {
    const fixture& f = fx(at_arg(s));
    const auto in = f.mac_input(0);
    const EVP_MD* md = at_arg(s) == at_hmac_sha1 ? EVP_sha1() : EVP_sha256();
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned len = 0;
    for (auto _ : s) {
        HMAC(md, f.raw_keys[0].data(), static_cast<int>(f.raw_keys[0].size()), in.data(), in.size(), out, &len);
        benchmark::DoNotOptimize(out);
    }
    set_label(s, 1);
}

// The EVP way to reuse a keyed HMAC: EVP_MAC_CTX_dup of a pre-keyed context per message. It
// allocates per message, which is why the library copies plain SHA contexts instead.
void bm_raw_evp_mac_dup_1(benchmark::State& s) {
    const fixture& f = fx(at_arg(s));
    const auto in = f.mac_input(0);
    EVP_MAC* mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
    EVP_MAC_CTX* keyed = EVP_MAC_CTX_new(mac);
    char digest[16];
    std::strcpy(digest, at_arg(s) == at_hmac_sha1 ? "SHA1" : "SHA256");
    OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
                           OSSL_PARAM_construct_end()};
    EVP_MAC_init(keyed, f.raw_keys[0].data(), f.raw_keys[0].size(), params);
    unsigned char out[EVP_MAX_MD_SIZE];
    std::size_t len = 0;
    for (auto _ : s) {
        EVP_MAC_CTX* c = EVP_MAC_CTX_dup(keyed);
        EVP_MAC_update(c, in.data(), in.size());
        EVP_MAC_final(c, out, &len, sizeof(out));
        EVP_MAC_CTX_free(c);
        benchmark::DoNotOptimize(out);
    }
    EVP_MAC_CTX_free(keyed);
    EVP_MAC_free(mac);
    set_label(s, 1);
}

// IPsec-MB job throughput on prepared contiguous inputs: no copy, no compare. Args: AT, jobs,
// manager (0 = init_mb_mgr_auto as the library uses, 1 = init_mb_mgr_sse, which uses SHA-NI
// with 2 lanes instead of AVX-512's 16).
void bm_raw_imb_jobs(benchmark::State& s) {
    const fixture& f = fx(at_arg(s));
    const auto n = static_cast<std::size_t>(s.range(1));
    IMB_MGR* mgr = alloc_mb_mgr(0);
    if (s.range(2) == 0) {
        init_mb_mgr_auto(mgr, nullptr);
    } else {
        init_mb_mgr_sse(mgr);
    }
    std::vector<std::vector<std::uint8_t>> in;
    for (std::size_t i = 0; i < n; ++i) {
        in.push_back(f.mac_input(i));
    }
    std::array<std::array<std::uint8_t, 16>, burst> tags{};
    const auto alg = at_arg(s) == at_hmac_sha1 ? IMB_AUTH_HMAC_SHA_1 : IMB_AUTH_HMAC_SHA_256;
    const std::size_t tag_len = at_auth_len(at_arg(s));
    for (auto _ : s) {
        std::size_t done_n = 0;
        for (std::size_t i = 0; i < n; ++i) {
            IMB_JOB* j = IMB_GET_NEXT_JOB(mgr);
            j->cipher_mode = IMB_CIPHER_NULL;
            j->cipher_direction = IMB_DIR_ENCRYPT;
            j->chain_order = IMB_ORDER_HASH_CIPHER;
            j->hash_alg = alg;
            j->src = in[i].data();
            j->dst = nullptr;
            j->cipher_start_src_offset_in_bytes = 0;
            j->msg_len_to_cipher_in_bytes = 0;
            j->iv = nullptr;
            j->iv_len_in_bytes = 0;
            j->hash_start_src_offset_in_bytes = 0;
            j->msg_len_to_hash_in_bytes = in[i].size();
            j->auth_tag_output = tags[i].data();
            j->auth_tag_output_len_in_bytes = tag_len;
            j->u.HMAC._hashed_auth_key_xor_ipad = f.keys[i].imb_ipad();
            j->u.HMAC._hashed_auth_key_xor_opad = f.keys[i].imb_opad();
            for (IMB_JOB* d = IMB_SUBMIT_JOB(mgr); d != nullptr; d = IMB_GET_COMPLETED_JOB(mgr)) {
                ++done_n;
            }
        }
        while (IMB_FLUSH_JOB(mgr) != nullptr) {
            ++done_n;
        }
        if (done_n != n) {
            s.SkipWithError("job count");
            break;
        }
    }
    free_mb_mgr(mgr);
    set_label(s, n);
}

// ---- RSA: handover key encryption ----

const test::der_key_pair& rsa_key(unsigned bits) {
    static const test::der_key_pair k1024 = test::make_rsa(1024);
    static const test::der_key_pair k2048 = test::make_rsa(2048);
    return bits == 1024 ? k1024 : k2048;
}

// Args: modulus bits, handover key bytes.
void bm_hk_encrypt_parsed(benchmark::State& s) {
    const auto& kp = rsa_key(static_cast<unsigned>(s.range(0)));
    auto pub = hk_public_key::parse(kp.spki);
    const std::vector<std::uint8_t> key(static_cast<std::size_t>(s.range(1)), 0x5a);
    for (auto _ : s) {
        auto ct = pub->encrypt(key);
        benchmark::DoNotOptimize(ct);
    }
    s.SetItemsProcessed(s.iterations());
}

// Full AR call per reply: SPKI parse + §4.1 comparison with the CGA key + encryption.
void bm_hk_encrypt_full(benchmark::State& s) {
    const auto& kp = rsa_key(static_cast<unsigned>(s.range(0)));
    const std::vector<std::uint8_t> key(static_cast<std::size_t>(s.range(1)), 0x5a);
    for (auto _ : s) {
        auto ct = encrypt_handover_key(kp.spki, kp.spki, key);
        benchmark::DoNotOptimize(ct);
    }
    s.SetItemsProcessed(s.iterations());
}

// Raw primitive: EVP_PKEY_encrypt on a context made once.
void bm_raw_evp_pkey_encrypt(benchmark::State& s) {
    const auto& kp = rsa_key(static_cast<unsigned>(s.range(0)));
    auto pub = hk_public_key::parse(kp.spki);
    EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new_from_pkey(nullptr, pub->native_for_test(), nullptr);
    EVP_PKEY_encrypt_init(ctx);
    EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PADDING);
    const std::vector<std::uint8_t> key(static_cast<std::size_t>(s.range(1)), 0x5a);
    std::vector<std::uint8_t> out(pub->ciphertext_len());
    for (auto _ : s) {
        std::size_t len = out.size();
        EVP_PKEY_encrypt(ctx, out.data(), &len, key.data(), key.size());
        benchmark::DoNotOptimize(out.data());
    }
    EVP_PKEY_CTX_free(ctx);
    s.SetItemsProcessed(s.iterations());
}

} // namespace

BENCHMARK(bm_badf_verify_openssl_1)->Arg(0)->Arg(1);
BENCHMARK(bm_badf_engine_openssl)->ArgsProduct({{0, 1}, {1, 2, 4, 8, 16, 32}});
BENCHMARK(bm_badf_engine_imb)->ArgsProduct({{0, 1}, {1, 2, 4, 8, 16, 32}});
BENCHMARK(bm_badf_engine_hybrid)->ArgsProduct({{0, 1}, {1, 8, 16, 32}});
BENCHMARK(bm_raw_hmac_oneshot_1)->Arg(0)->Arg(1);
BENCHMARK(bm_raw_evp_mac_dup_1)->Arg(0)->Arg(1);
BENCHMARK(bm_raw_imb_jobs)->ArgsProduct({{0, 1}, {1, 32}, {0, 1}});
BENCHMARK(bm_hk_encrypt_parsed)->ArgsProduct({{1024, 2048}, {20, 32}});
BENCHMARK(bm_hk_encrypt_full)->ArgsProduct({{1024, 2048}, {20, 32}});
BENCHMARK(bm_raw_evp_pkey_encrypt)->ArgsProduct({{1024, 2048}, {20, 32}});

BENCHMARK_MAIN();
