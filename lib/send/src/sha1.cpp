#include "sha1.hpp"

#include <openssl/evp.h>

namespace mipgate::send::detail {

namespace {
// Fetched once (explicit fetch avoids the per-call implicit fetch of EVP_sha1()); EVP_MD is
// immutable and reference counted, so sharing it between threads is fine.
const EVP_MD* sha1_md() noexcept {
    static EVP_MD* md = EVP_MD_fetch(nullptr, "SHA1", nullptr);
    return md;
}
} // namespace

bool sha1(std::initializer_list<bytes_view> parts, sha1_digest& out) noexcept {
    const EVP_MD* md = sha1_md();
    if (md == nullptr) {
        return false;
    }
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    if (ctx == nullptr) {
        return false;
    }
    bool ok = EVP_DigestInit_ex(ctx, md, nullptr) == 1;
    for (const auto& p : parts) {
        if (ok && !p.empty()) {
            ok = EVP_DigestUpdate(ctx, p.data(), p.size()) == 1;
        }
    }
    unsigned int len = 0;
    ok = ok && EVP_DigestFinal_ex(ctx, out.data(), &len) == 1 && len == out.size();
    EVP_MD_CTX_free(ctx);
    return ok;
}

} // namespace mipgate::send::detail
