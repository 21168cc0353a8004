// RAII RSA keys and RSASSA-PKCS1-v1_5/SHA-1 over OpenSSL 3 EVP.

#include "mipgate/send/rsa_key.hpp"
#include "mipgate/common/secret_bytes.hpp"
#include "sha1.hpp"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <algorithm>
#include <cstdio>
#include <memory>

namespace mipgate::send {

void evp_pkey_deleter::operator()(evp_pkey_st* k) const noexcept { EVP_PKEY_free(k); }

namespace {

struct bio_free {
    void operator()(BIO* b) const noexcept { BIO_free(b); }
};
struct md_ctx_free {
    void operator()(EVP_MD_CTX* c) const noexcept { EVP_MD_CTX_free(c); }
};

const EVP_MD* sha1_md() noexcept {
    static EVP_MD* md = EVP_MD_fetch(nullptr, "SHA1", nullptr);
    return md;
}

bool looks_like_pem(bytes_view b) noexcept {
    static constexpr char tag[] = "-----BEGIN";
    return std::search(b.begin(), b.end(), tag, tag + sizeof(tag) - 1) != b.end();
}

// Reads a whole file into wiped memory (it may hold a private key).
result<secret_bytes> read_file(const std::string& path) {
    std::unique_ptr<FILE, decltype(&std::fclose)> f(std::fopen(path.c_str(), "rb"), &std::fclose);
    if (!f) {
        return make_error(1, "cannot open " + path);
    }
    secret_bytes out(64 * 1024);
    std::size_t n = std::fread(out.data(), 1, out.size(), f.get());
    if (n == out.size()) {
        return make_error(1, path + ": key file larger than 64 KiB");
    }
    secret_bytes exact(bytes_view(out.data(), n));
    return exact;
}

} // namespace

bool compute_key_hash(bytes_view spki, key_hash& out) noexcept {
    detail::sha1_digest d;
    if (!detail::sha1({spki}, d)) {
        return false;
    }
    std::copy_n(d.begin(), out.size(), out.begin());
    return true;
}

result<rsa_public_key> rsa_public_key::adopt(evp_pkey_st* key) {
    std::shared_ptr<evp_pkey_st> owned(key, evp_pkey_deleter{});
    if (!key || EVP_PKEY_get_base_id(key) != EVP_PKEY_RSA) {
        return make_error(1, "not an RSA key");
    }
    rsa_public_key k;
    int len = i2d_PUBKEY(key, nullptr);
    if (len <= 0) {
        return make_error(1, "cannot encode SubjectPublicKeyInfo");
    }
    k._spki.resize(static_cast<std::size_t>(len));
    unsigned char* p = k._spki.data();
    if (i2d_PUBKEY(key, &p) != len || !compute_key_hash(k._spki, k._hash)) {
        return make_error(1, "cannot encode SubjectPublicKeyInfo");
    }
    k._bits = static_cast<unsigned>(EVP_PKEY_get_bits(key));
    k._key = std::move(owned);
    return k;
}

result<rsa_public_key> rsa_public_key::from_spki(bytes_view der) {
    const unsigned char* p = der.data();
    EVP_PKEY* key = d2i_PUBKEY(nullptr, &p, static_cast<long>(der.size()));
    if (!key) {
        ERR_clear_error();
        return make_error(1, "SubjectPublicKeyInfo does not decode");
    }
    std::shared_ptr<evp_pkey_st> owned(key, evp_pkey_deleter{});
    if (p != der.data() + der.size()) {
        return make_error(1, "trailing bytes after SubjectPublicKeyInfo");
    }
    if (EVP_PKEY_get_base_id(key) != EVP_PKEY_RSA) {
        return make_error(1, "not an RSA key");
    }
    // Keep the received octets (no re-encoding): the Key Hash is over what the peer sent.
    rsa_public_key k;
    k._spki.assign(der.begin(), der.end());
    if (!compute_key_hash(k._spki, k._hash)) {
        return make_error(1, "SHA-1 failed");
    }
    k._bits = static_cast<unsigned>(EVP_PKEY_get_bits(key));
    k._key = std::move(owned);
    return k;
}

result<rsa_public_key> rsa_public_key::from_pem(std::string_view pem) {
    std::unique_ptr<BIO, bio_free> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
    if (!bio) {
        return make_error(1, "out of memory");
    }
    EVP_PKEY* key = PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr);
    if (!key) {
        ERR_clear_error();
        return make_error(1, "PEM public key does not decode");
    }
    return adopt(key);
}

result<rsa_public_key> rsa_public_key::load_file(const std::string& path) {
    auto data = read_file(path);
    if (!data) {
        return data.err();
    }
    if (looks_like_pem(data->view())) {
        return from_pem(std::string_view(reinterpret_cast<const char*>(data->data()), data->size()));
    }
    return from_spki(data->view());
}

result<rsa_private_key> rsa_private_key::adopt(evp_pkey_st* key) {
    std::unique_ptr<evp_pkey_st, evp_pkey_deleter> owned(key);
    if (!key || EVP_PKEY_get_base_id(key) != EVP_PKEY_RSA) {
        return make_error(1, "not an RSA private key");
    }
    // The public half gets its own EVP_PKEY so it can be shared without the private part.
    int len = i2d_PUBKEY(key, nullptr);
    std::vector<std::uint8_t> spki(len > 0 ? static_cast<std::size_t>(len) : 0);
    unsigned char* p = spki.data();
    if (len <= 0 || i2d_PUBKEY(key, &p) != len) {
        return make_error(1, "cannot encode SubjectPublicKeyInfo");
    }
    auto pub = rsa_public_key::from_spki(spki);
    if (!pub) {
        return pub.err();
    }
    rsa_private_key k;
    k._key = std::move(owned);
    k._pub = std::move(pub.value());
    return k;
}

result<rsa_private_key> rsa_private_key::from_bytes(bytes_view in) {
    EVP_PKEY* key = nullptr;
    if (looks_like_pem(in)) {
        std::unique_ptr<BIO, bio_free> bio(BIO_new_mem_buf(in.data(), static_cast<int>(in.size())));
        if (!bio) {
            return make_error(1, "out of memory");
        }
        key = PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr);
    } else {
        const unsigned char* p = in.data();
        key = d2i_AutoPrivateKey(nullptr, &p, static_cast<long>(in.size()));
    }
    if (!key) {
        ERR_clear_error();
        return make_error(1, "private key does not decode (encrypted keys are not supported)");
    }
    return adopt(key);
}

result<rsa_private_key> rsa_private_key::load_file(const std::string& path) {
    auto data = read_file(path);
    if (!data) {
        return data.err();
    }
    auto k = from_bytes(data->view());
    if (!k) {
        return make_error(k.err().code, path + ": " + k.err().message);
    }
    return k;
}

result<rsa_private_key> rsa_private_key::generate(unsigned bits) {
    EVP_PKEY* key = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<size_t>(bits));
    if (!key) {
        return make_error(1, "RSA key generation failed");
    }
    return adopt(key);
}

rsa_key_cache::rsa_key_cache(std::size_t capacity) : _entries(capacity == 0 ? 1 : capacity) {}

const rsa_public_key* rsa_key_cache::get(bytes_view spki) {
    key_hash h;
    if (!compute_key_hash(spki, h)) {
        return nullptr;
    }
    ++_tick;
    entry* victim = &_entries[0];
    for (auto& e : _entries) {
        if (!e.key.empty() && e.hash == h && e.key.spki().size() == spki.size() &&
            std::equal(spki.begin(), spki.end(), e.key.spki().begin())) {
            e.last_use = _tick;
            ++_hits;
            return &e.key;
        }
        if (e.last_use < victim->last_use) {
            victim = &e;
        }
    }
    ++_misses;
    auto k = rsa_public_key::from_spki(spki);
    if (!k) {
        return nullptr;
    }
    victim->hash = h;
    victim->key = std::move(k.value());
    victim->last_use = _tick;
    return &victim->key;
}

std::size_t rsa_sha1_sign(const rsa_private_key& key, std::initializer_list<bytes_view> parts,
                          bytes_mut sig) noexcept {
    if (key.empty() || sha1_md() == nullptr) {
        return 0;
    }
    std::size_t need = static_cast<std::size_t>(EVP_PKEY_get_size(key.native()));
    if (sig.size() < need) {
        return 0;
    }
    std::unique_ptr<EVP_MD_CTX, md_ctx_free> ctx(EVP_MD_CTX_new());
    EVP_PKEY_CTX* pctx = nullptr;  // owned by ctx
    if (!ctx || EVP_DigestSignInit(ctx.get(), &pctx, sha1_md(), nullptr, key.native()) != 1 ||
        EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) != 1) {
        return 0;
    }
    for (const auto& p : parts) {
        if (!p.empty() && EVP_DigestSignUpdate(ctx.get(), p.data(), p.size()) != 1) {
            return 0;
        }
    }
    std::size_t len = sig.size();
    if (EVP_DigestSignFinal(ctx.get(), sig.data(), &len) != 1) {
        return 0;
    }
    return len;
}

bool rsa_sha1_verify(const rsa_public_key& key, std::initializer_list<bytes_view> parts,
                     bytes_view sig) noexcept {
    if (key.empty() || sha1_md() == nullptr) {
        return false;
    }
    std::unique_ptr<EVP_MD_CTX, md_ctx_free> ctx(EVP_MD_CTX_new());
    EVP_PKEY_CTX* pctx = nullptr;
    if (!ctx || EVP_DigestVerifyInit(ctx.get(), &pctx, sha1_md(), nullptr, key.native()) != 1 ||
        EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) != 1) {
        return false;
    }
    for (const auto& p : parts) {
        if (!p.empty() && EVP_DigestVerifyUpdate(ctx.get(), p.data(), p.size()) != 1) {
            return false;
        }
    }
    if (EVP_DigestVerifyFinal(ctx.get(), sig.data(), sig.size()) != 1) {
        ERR_clear_error();  // a bad signature is a normal outcome, not a queued library error
        return false;
    }
    return true;
}

} // namespace mipgate::send
