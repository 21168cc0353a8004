#include "mipgate/fmip/handover_key.hpp"

#include "mipgate/fmip/at.hpp"

#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include <cstring>
#include <string>
#include <utility>

namespace mipgate::fmip {

namespace {

error fail(hk_errc c, std::string msg) { return make_error(static_cast<int>(c), std::move(msg)); }

struct pkey_free {
    void operator()(EVP_PKEY* p) const noexcept { EVP_PKEY_free(p); }
};
struct pctx_free {
    void operator()(EVP_PKEY_CTX* p) const noexcept { EVP_PKEY_CTX_free(p); }
};
using pkey_ptr = std::unique_ptr<EVP_PKEY, pkey_free>;
using pctx_ptr = std::unique_ptr<EVP_PKEY_CTX, pctx_free>;

// DER TLV header at the start of `in` with tag `tag` and minimal definite length (at most two
// length bytes: SPKIs of RSA keys up to 4096 bits fit); returns {header length, content length}
// or {0, 0}.
std::pair<std::size_t, std::size_t> der_header(bytes_view in, std::uint8_t tag) noexcept {
    if (in.size() < 2 || in[0] != tag) {
        return {0, 0};
    }
    std::size_t hdr = 2;
    std::size_t len = in[1];
    if (in[1] == 0x81) {
        if (in.size() < 3 || in[2] < 0x80) {
            return {0, 0};
        }
        hdr = 3;
        len = in[2];
    } else if (in[1] == 0x82) {
        if (in.size() < 4 || in[2] == 0) {
            return {0, 0};
        }
        hdr = 4;
        len = std::size_t{in[2]} << 8 | in[3];
    } else if (in[1] >= 0x80) {
        return {0, 0};
    }
    if (len > in.size() - hdr) {
        return {0, 0};
    }
    return {hdr, len};
}

// AlgorithmIdentifier { rsaEncryption, NULL } in DER (RFC 3279 §2.3.1).
constexpr std::uint8_t rsa_encryption_alg_id[] = {0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86,
                                                  0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00};

// Fast path for the common case, an rsaEncryption SPKI: OpenSSL 3.0's d2i_PUBKEY goes through the
// provider decoder framework (about 95 us per call measured here), while decoding the inner
// RSAPublicKey with d2i_PublicKey takes under 1 us. Anything else returns nullptr and takes the
// generic path.
pkey_ptr parse_rsa_spki_fast(bytes_view der) {
    const auto [h1, l1] = der_header(der, 0x30);
    if (h1 == 0 || h1 + l1 != der.size()) {
        return nullptr;
    }
    bytes_view body = der.subspan(h1);
    if (body.size() < sizeof(rsa_encryption_alg_id) ||
        std::memcmp(body.data(), rsa_encryption_alg_id, sizeof(rsa_encryption_alg_id)) != 0) {
        return nullptr;
    }
    body = body.subspan(sizeof(rsa_encryption_alg_id));
    const auto [h2, l2] = der_header(body, 0x03);
    if (h2 == 0 || h2 + l2 != body.size() || l2 < 2 || body[h2] != 0) { // 0 unused bits
        return nullptr;
    }
    const bytes_view rsa_pub = body.subspan(h2 + 1);
    const unsigned char* p = rsa_pub.data();
    pkey_ptr k(d2i_PublicKey(EVP_PKEY_RSA, nullptr, &p, static_cast<long>(rsa_pub.size())));
    if (k && p != rsa_pub.data() + rsa_pub.size()) {
        return nullptr;
    }
    return k;
}

// Whole-input DER SPKI parse: trailing bytes would let two different option contents map to one key.
pkey_ptr parse_spki(bytes_view der) {
    if (der.empty() || der.size() > 0x7fffffff) {
        return nullptr;
    }
    if (pkey_ptr fast = parse_rsa_spki_fast(der)) {
        return fast;
    }
    const unsigned char* p = der.data();
    pkey_ptr k(d2i_PUBKEY(nullptr, &p, static_cast<long>(der.size())));
    if (k && p != der.data() + der.size()) {
        return nullptr;
    }
    return k;
}

const char* alg_name(int id) {
    switch (id) {
    case EVP_PKEY_RSA: return "RSA";
    case EVP_PKEY_RSA_PSS: return "RSA-PSS";
    case EVP_PKEY_EC: return "EC";
    case EVP_PKEY_ED25519: return "Ed25519";
    case EVP_PKEY_ED448: return "Ed448";
    case EVP_PKEY_DSA: return "DSA";
    default: return "other";
    }
}

} // namespace

result<secret_bytes> generate_handover_key(unsigned at) {
    const std::size_t n = at_key_len(at);
    if (n == 0) {
        return fail(hk_errc::unknown_at, "unknown AT " + std::to_string(at));
    }
    secret_bytes key(n);
    if (RAND_priv_bytes(key.data(), static_cast<int>(n)) != 1) {
        return fail(hk_errc::rng_failed, "RAND_priv_bytes failed");
    }
    return key;
}

result<spki_params> inspect_spki(bytes_view spki_der) {
    const pkey_ptr k = parse_spki(spki_der);
    if (!k) {
        return fail(hk_errc::bad_spki, "not a DER SubjectPublicKeyInfo");
    }
    return spki_params{EVP_PKEY_get_base_id(k.get()), static_cast<unsigned>(EVP_PKEY_get_bits(k.get()))};
}

result<void> check_same_key_params(bytes_view hk_spki, bytes_view cga_spki) {
    const auto hk = inspect_spki(hk_spki);
    if (!hk) {
        return fail(hk_errc::bad_spki, "HK-Encryption public key: " + hk.err().message);
    }
    const auto cga = inspect_spki(cga_spki);
    if (!cga) {
        return fail(hk_errc::bad_spki, "CGA public key: " + cga.err().message);
    }
    if (hk->algorithm != cga->algorithm) {
        return fail(hk_errc::algorithm_mismatch, std::string("HK-Encryption key algorithm ") +
                                                     alg_name(hk->algorithm) + " differs from CGA key " +
                                                     alg_name(cga->algorithm));
    }
    if (hk->bits != cga->bits) {
        return fail(hk_errc::size_mismatch, "HK-Encryption key has " + std::to_string(hk->bits) +
                                                " bits, CGA key " + std::to_string(cga->bits));
    }
    return {};
}

result<hk_public_key> hk_public_key::parse(bytes_view spki_der, unsigned min_bits, unsigned max_bits) {
    pkey_ptr k = parse_spki(spki_der);
    if (!k) {
        return fail(hk_errc::bad_spki, "not a DER SubjectPublicKeyInfo");
    }
    // RSAES-PKCS1-v1_5 needs an rsaEncryption key; RSA-PSS keys are signature-only.
    if (EVP_PKEY_get_base_id(k.get()) != EVP_PKEY_RSA) {
        return fail(hk_errc::not_rsa, std::string("HK-Encryption key is ") +
                                          alg_name(EVP_PKEY_get_base_id(k.get())) + ", not RSA");
    }
    const int bits = EVP_PKEY_get_bits(k.get());
    if (bits < static_cast<int>(min_bits) || bits > static_cast<int>(max_bits)) {
        return fail(hk_errc::key_size_range, "RSA key of " + std::to_string(bits) + " bits outside [" +
                                                 std::to_string(min_bits) + ", " +
                                                 std::to_string(max_bits) + "]");
    }
    return hk_public_key(k.release(), static_cast<unsigned>(bits));
}

hk_public_key::hk_public_key(hk_public_key&& o) noexcept : _pkey(std::exchange(o._pkey, nullptr)), _bits(o._bits) {}

hk_public_key& hk_public_key::operator=(hk_public_key&& o) noexcept {
    if (this != &o) {
        EVP_PKEY_free(_pkey);
        _pkey = std::exchange(o._pkey, nullptr);
        _bits = o._bits;
    }
    return *this;
}

hk_public_key::~hk_public_key() { EVP_PKEY_free(_pkey); }

result<std::vector<std::uint8_t>> hk_public_key::encrypt(bytes_view key) const {
    // PKCS#1 v1.5 padding needs at least 11 bytes (RFC 3447 §7.2.1 step 1).
    if (key.empty() || key.size() + 11 > ciphertext_len()) {
        return fail(hk_errc::bad_key_len, "handover key length " + std::to_string(key.size()) +
                                              " does not fit a " + std::to_string(_bits) + "-bit modulus");
    }
    const pctx_ptr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, _pkey, nullptr));
    if (!ctx || EVP_PKEY_encrypt_init(ctx.get()) != 1 ||
        EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_PADDING) != 1) {
        return fail(hk_errc::encrypt_failed, "EVP_PKEY_encrypt_init failed");
    }
    std::vector<std::uint8_t> out(ciphertext_len());
    std::size_t out_len = out.size();
    if (EVP_PKEY_encrypt(ctx.get(), out.data(), &out_len, key.data(), key.size()) != 1 ||
        out_len != out.size()) {
        return fail(hk_errc::encrypt_failed, "EVP_PKEY_encrypt failed");
    }
    return out;
}

result<std::vector<std::uint8_t>> encrypt_handover_key(bytes_view hk_spki, bytes_view cga_spki,
                                                       bytes_view key, unsigned min_bits,
                                                       unsigned max_bits) {
    if (auto same = check_same_key_params(hk_spki, cga_spki); !same) {
        return same.err();
    }
    auto pub = hk_public_key::parse(hk_spki, min_bits, max_bits);
    if (!pub) {
        return pub.err();
    }
    return pub->encrypt(key);
}

result<secret_bytes> decrypt_handover_key(bytes_view private_key_der, bytes_view ciphertext,
                                          std::size_t expected_len) {
    if (private_key_der.empty() || private_key_der.size() > 0x7fffffff) {
        return fail(hk_errc::bad_private_key, "empty private key");
    }
    const unsigned char* p = private_key_der.data();
    const pkey_ptr k(d2i_AutoPrivateKey(nullptr, &p, static_cast<long>(private_key_der.size())));
    if (!k || EVP_PKEY_get_base_id(k.get()) != EVP_PKEY_RSA) {
        return fail(hk_errc::bad_private_key, "not an RSA private key in DER");
    }
    const auto mod_len = static_cast<std::size_t>(EVP_PKEY_get_size(k.get()));
    if (ciphertext.size() != mod_len) {
        return fail(hk_errc::decrypt_failed, "ciphertext length " + std::to_string(ciphertext.size()) +
                                                 " != modulus length " + std::to_string(mod_len));
    }
    const pctx_ptr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, k.get(), nullptr));
    if (!ctx || EVP_PKEY_decrypt_init(ctx.get()) != 1 ||
        EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_PADDING) != 1) {
        return fail(hk_errc::decrypt_failed, "EVP_PKEY_decrypt_init failed");
    }
    secret_bytes out(mod_len);
    std::size_t out_len = out.size();
    if (EVP_PKEY_decrypt(ctx.get(), out.data(), &out_len, ciphertext.data(), ciphertext.size()) != 1) {
        return fail(hk_errc::decrypt_failed, "RSAES-PKCS1-v1_5 decryption failed");
    }
    if (out_len == 0 || (expected_len != 0 && out_len != expected_len)) {
        return fail(hk_errc::decrypt_failed, "recovered key length " + std::to_string(out_len) +
                                                 " unexpected");
    }
    secret_bytes key(bytes_view(out.data(), out_len));
    return key; // `out` is wiped by its destructor
}

} // namespace mipgate::fmip
