// lib/send micro-benchmarks. Pairs (ours / raw OpenSSL on the same key and size):
//   cga_verify/sec0, sec1          vs raw_sha1_cga  (one SHA-1 over the params; Sec 1 adds Hash2)
//   send_verify/1024, 2048         vs raw_evp_verify/1024, 2048 (EVP_DigestVerify, same length)
//   send_sign/2048                 vs raw_evp_sign/2048 (EVP_DigestSign, same length)

#include "mipgate/send/cga.hpp"
#include "mipgate/send/signature.hpp"
#include "mipgate/send/verify.hpp"

#include <benchmark/benchmark.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>

#include <cstdlib>
#include <map>
#include <string>
#include <vector>

using namespace mipgate;
using namespace mipgate::send;

namespace {

const rsa_private_key& key(int bits) {
    static std::map<int, rsa_private_key> keys;
    auto it = keys.find(bits);
    if (it == keys.end()) {
        auto k = rsa_private_key::load_file(std::string(SEND_TEST_DATA) +
                                            (bits == 1024 ? "/router1024.key" : "/router.key"));
        if (!k) {
            std::abort();
        }
        it = keys.emplace(bits, std::move(k.value())).first;
    }
    return it->second;
}

struct signed_ns {
    ipv6_addr src;
    ipv6_addr dst = *ipv6_addr::parse("ff02::1:ff00:1");
    std::vector<std::uint8_t> params;
    std::vector<std::uint8_t> unsigned_msg;  // up to the RSA Signature option
    std::vector<std::uint8_t> msg;           // signed
};

const send_time t0 = send_seconds(1700000000);

signed_ns make_ns(int bits, unsigned sec) {
    signed_ns s;
    cga_generate_request req;
    req.subnet = *ipv6_addr::parse("fe80::");
    req.public_key = key(bits).public_key().spki();
    req.sec = sec;
    auto g = cga_generate(req, {});
    if (!g) {
        std::abort();
    }
    s.src = g->address;
    s.params = g->params;
    std::vector<std::uint8_t> m(2048, 0);
    m[0] = 135;
    std::size_t len = 24;
    len += build_cga_option(bytes_mut(m).subspan(len), s.params);
    len += build_timestamp_option(bytes_mut(m).subspan(len), t0);
    const std::uint8_t nonce[6] = {1, 2, 3, 4, 5, 6};
    len += build_nonce_option(bytes_mut(m).subspan(len), bytes_view(nonce, 6));
    s.unsigned_msg.assign(m.begin(), m.begin() + static_cast<long>(len));
    len = append_rsa_signature(m, len, s.src, s.dst, key(bits));
    if (len == 0) {
        std::abort();
    }
    s.msg.assign(m.begin(), m.begin() + static_cast<long>(len));
    return s;
}

void cga_verify_bench(benchmark::State& st) {
    unsigned sec = static_cast<unsigned>(st.range(0));
    auto s = make_ns(2048, sec);
    cga_params_view v;
    if (parse_cga_params(s.params, v) != cga_parse_status::ok) {
        std::abort();
    }
    for (auto _ : st) {
        benchmark::DoNotOptimize(cga_verify(s.src, v));
    }
}
BENCHMARK(cga_verify_bench)->Name("cga_verify/sec")->Arg(0)->Arg(1);

void raw_sha1_cga(benchmark::State& st) {
    // Raw primitive: SHA-1 over the same CGA Parameters (Sec 0 needs one; Sec 1 two).
    auto s = make_ns(2048, 0);
    unsigned char md[EVP_MAX_MD_SIZE];
    EVP_MD* sha1 = EVP_MD_fetch(nullptr, "SHA1", nullptr);  // fetched once, as lib/send does
    for (auto _ : st) {
        EVP_Digest(s.params.data(), s.params.size(), md, nullptr, sha1, nullptr);
        benchmark::DoNotOptimize(md);
    }
}
BENCHMARK(raw_sha1_cga);

void raw_sha1_cga_implicit(benchmark::State& st) {
    // The same with EVP_sha1()'s implicit fetch per call (what a naive caller pays).
    auto s = make_ns(2048, 0);
    unsigned char md[EVP_MAX_MD_SIZE];
    for (auto _ : st) {
        EVP_Digest(s.params.data(), s.params.size(), md, nullptr, EVP_sha1(), nullptr);
        benchmark::DoNotOptimize(md);
    }
}
BENCHMARK(raw_sha1_cga_implicit);

void send_verify_bench(benchmark::State& st) {
    int bits = static_cast<int>(st.range(0));
    auto s = make_ns(bits, 1);
    timestamp_cache cache(16);
    send_verifier v(send_policy{}, cache, nullptr);
    send_message m;
    m.src = s.src;
    m.dst = s.dst;
    m.icmp = s.msg;
    m.nonce = nonce_rule::required;
    m.received = t0;
    for (auto _ : st) {
        if (v.verify(m) != send_reason::ok) {
            st.SkipWithError("verify failed");
            break;
        }
    }
}
BENCHMARK(send_verify_bench)->Name("send_verify/bits")->Arg(1024)->Arg(2048);

void raw_evp_verify(benchmark::State& st) {
    int bits = static_cast<int>(st.range(0));
    auto s = make_ns(bits, 1);
    // Same number of signed octets as the SEND message: tag + addresses + message before the option.
    std::vector<std::uint8_t> tbs(48 + s.unsigned_msg.size(), 0x5a);
    std::vector<std::uint8_t> sig(512);
    std::size_t sl = rsa_sha1_sign(key(bits), {tbs}, sig);
    EVP_PKEY* pk = key(bits).public_key().native();
    for (auto _ : st) {
        EVP_MD_CTX* ctx = EVP_MD_CTX_new();
        EVP_PKEY_CTX* pctx = nullptr;
        EVP_DigestVerifyInit(ctx, &pctx, EVP_sha1(), nullptr, pk);
        EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING);
        int ok = EVP_DigestVerify(ctx, sig.data(), sl, tbs.data(), tbs.size());
        EVP_MD_CTX_free(ctx);
        if (ok != 1) {
            st.SkipWithError("raw verify failed");
            break;
        }
    }
}
BENCHMARK(raw_evp_verify)->Arg(1024)->Arg(2048);

void send_sign_bench(benchmark::State& st) {
    int bits = static_cast<int>(st.range(0));
    auto s = make_ns(bits, 1);
    std::vector<std::uint8_t> buf(2048);
    for (auto _ : st) {
        std::copy(s.unsigned_msg.begin(), s.unsigned_msg.end(), buf.begin());
        benchmark::DoNotOptimize(append_rsa_signature(buf, s.unsigned_msg.size(), s.src, s.dst, key(bits)));
    }
}
BENCHMARK(send_sign_bench)->Name("send_sign/bits")->Arg(2048);

void raw_evp_sign(benchmark::State& st) {
    int bits = static_cast<int>(st.range(0));
    auto s = make_ns(bits, 1);
    std::vector<std::uint8_t> tbs(48 + s.unsigned_msg.size(), 0x5a);
    std::vector<std::uint8_t> sig(512);
    EVP_PKEY* pk = key(bits).native();
    for (auto _ : st) {
        EVP_MD_CTX* ctx = EVP_MD_CTX_new();
        EVP_PKEY_CTX* pctx = nullptr;
        EVP_DigestSignInit(ctx, &pctx, EVP_sha1(), nullptr, pk);
        EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING);
        std::size_t sl = sig.size();
        EVP_DigestSign(ctx, sig.data(), &sl, tbs.data(), tbs.size());
        EVP_MD_CTX_free(ctx);
        benchmark::DoNotOptimize(sl);
    }
}
BENCHMARK(raw_evp_sign)->Arg(2048);

} // namespace

BENCHMARK_MAIN();
