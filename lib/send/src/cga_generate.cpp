// RFC 3972 §4 CGA generation.

#include "mipgate/send/cga.hpp"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <memory>
#include <string>

namespace mipgate::send {

namespace {

struct md_ctx_free {
    void operator()(EVP_MD_CTX* c) const noexcept { EVP_MD_CTX_free(c); }
};

error gen_error(send_reason r, std::string msg) {
    return make_error(static_cast<int>(r), std::move(msg));
}

void increment(cga_modifier& m) noexcept {
    // The modifier is a 128-bit big-endian integer (RFC 3972 §3), incremented with wrap-around.
    for (std::size_t i = m.size(); i-- > 0;) {
        if (++m[i] != 0) {
            break;
        }
    }
}

} // namespace

result<cga_generated> cga_generate(const cga_generate_request& req, const cga_in_use_fn& in_use) {
    if (req.sec > 7) {
        return gen_error(send_reason::cga_sec_too_high, "CGA Sec must be 0..7");
    }
    cga_generated g;
    // Step 1: random modifier.
    if (req.start_modifier) {
        g.modifier = *req.start_modifier;
    } else if (RAND_bytes(g.modifier.data(), static_cast<int>(g.modifier.size())) != 1) {
        return gen_error(send_reason::internal_error, "RAND_bytes failed");
    }

    // Step 2: Hash2 loop. One context reused: this loop runs ~2^(16·Sec) times.
    std::vector<std::uint8_t> buf(cga_fixed_len + req.public_key.size() + req.extensions.size());
    std::size_t len = encode_cga_params(buf, g.modifier, ipv6_addr{}, 0, req.public_key,
                                        req.extensions);
    if (len != buf.size()) {
        return gen_error(send_reason::internal_error, "CGA parameter encoding failed");
    }
    std::unique_ptr<EVP_MD_CTX, md_ctx_free> ctx(EVP_MD_CTX_new());
    std::unique_ptr<EVP_MD, decltype(&EVP_MD_free)> md(EVP_MD_fetch(nullptr, "SHA1", nullptr),
                                                       &EVP_MD_free);
    if (!ctx || !md) {
        return gen_error(send_reason::internal_error, "SHA-1 unavailable");
    }
    const unsigned zero_bytes = 2 * req.sec;
    for (;;) {
        // buf holds modifier | 8 zero prefix octets | zero collision count | key | extensions,
        // which is exactly the Hash2 input.
        std::uint8_t d[EVP_MAX_MD_SIZE];
        if (EVP_DigestInit_ex(ctx.get(), md.get(), nullptr) != 1 ||
            EVP_DigestUpdate(ctx.get(), buf.data(), buf.size()) != 1 ||
            EVP_DigestFinal_ex(ctx.get(), d, nullptr) != 1) {
            return gen_error(send_reason::internal_error, "SHA-1 failed");
        }
        ++g.hash2_iterations;
        bool good = true;
        for (unsigned i = 0; i < zero_bytes; ++i) {
            if (d[i] != 0) {
                good = false;
                break;
            }
        }
        if (good) {
            break;
        }
        if (req.max_hash2_iterations != 0 && g.hash2_iterations >= req.max_hash2_iterations) {
            return gen_error(send_reason::cga_hash2_mismatch, "Hash2 iteration limit reached");
        }
        increment(g.modifier);
        std::copy(g.modifier.begin(), g.modifier.end(), buf.begin());
    }

    // Steps 3-7: collision count 0, 1, 2 → Hash1 → address → DAD.
    for (unsigned cc = 0; cc <= 2; ++cc) {
        len = encode_cga_params(buf, g.modifier, req.subnet, static_cast<std::uint8_t>(cc),
                                req.public_key, req.extensions);
        cga_hash1_value h1;
        if (!cga_hash1(bytes_view(buf.data(), len), h1)) {
            return gen_error(send_reason::internal_error, "SHA-1 failed");
        }
        ipv6_addr a = req.subnet;
        std::copy(h1.begin(), h1.end(), a.b.begin() + 8);
        // Sec into the 3 leftmost IID bits; u and g (bits 6, 7) cleared.
        a.b[8] = static_cast<std::uint8_t>((h1[0] & 0x1c) | (req.sec << 5));
        if (in_use && in_use(a)) {
            continue;
        }
        g.address = a;
        g.collision_count = static_cast<std::uint8_t>(cc);
        g.params = std::move(buf);
        return g;
    }
    return gen_error(send_reason::cga_collision_limit, "address in use after 3 collisions");
}

} // namespace mipgate::send
