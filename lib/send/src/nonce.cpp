// RFC 3971 §5.3.2 Nonce option and the outstanding-nonce table.

#include "mipgate/send/nonce.hpp"
#include "mipgate/wire/send_options.hpp"

#include <openssl/rand.h>

#include <algorithm>
#include <cstring>

namespace mipgate::send {

namespace {
constexpr std::uint8_t nonce_option_type = 14;
} // namespace

bool parse_nonce_option(bytes_view option, bytes_view& nonce) noexcept {
    if (option.size() < 8 || option[0] != nonce_option_type || option[1] == 0) {
        return false;
    }
    std::size_t total = std::size_t{option[1]} * 8;
    if (total > option.size() || total - 2 > nonce_max_len) {
        return false;
    }
    nonce = option.subspan(2, total - 2);
    return true;
}

std::size_t build_nonce_option(bytes_mut out, bytes_view nonce) noexcept {
    if (nonce.size() < nonce_min_len || nonce.size() > nonce_max_len) {
        return 0; // the SEND policy's bounds; wire checks the 8n-2 framing
    }
    const auto r = wire::build_nonce_opt(out, nonce);
    return r.ok() ? r.len : 0;
}

nonce_table::nonce_table(std::size_t capacity, send_time lifetime)
    : _entries(capacity == 0 ? 1 : capacity), _lifetime(lifetime) {}

bool nonce_table::issue(send_time now, bytes_mut out) noexcept {
    if (out.size() < nonce_min_len || out.size() > nonce_max_len ||
        RAND_bytes(out.data(), static_cast<int>(out.size())) != 1) {
        return false;
    }
    return add(out, now);
}

bool nonce_table::add(bytes_view nonce, send_time now) noexcept {
    if (nonce.size() < nonce_min_len || nonce.size() > nonce_max_len) {
        return false;
    }
    // Free or expired slot first, else the one that would expire soonest.
    entry* slot = &_entries[0];
    for (auto& e : _entries) {
        if (e.len == 0 || e.expires <= now) {
            slot = &e;
            break;
        }
        if (e.expires < slot->expires) {
            slot = &e;
        }
    }
    std::copy(nonce.begin(), nonce.end(), slot->bytes.begin());
    slot->len = static_cast<std::uint8_t>(nonce.size());
    slot->expires = now + _lifetime;
    return true;
}

const nonce_table::entry* nonce_table::find(bytes_view nonce, send_time now) const noexcept {
    for (const auto& e : _entries) {
        if (e.len != 0 && e.len == nonce.size() && e.expires > now &&
            std::memcmp(e.bytes.data(), nonce.data(), e.len) == 0) {
            return &e;
        }
    }
    return nullptr;
}

bool nonce_table::contains(bytes_view nonce, send_time now) const noexcept {
    return find(nonce, now) != nullptr;
}

bool nonce_table::consume(bytes_view nonce, send_time now) noexcept {
    auto* e = const_cast<entry*>(find(nonce, now));
    if (e == nullptr) {
        return false;
    }
    e->len = 0;
    return true;
}

std::size_t nonce_table::outstanding(send_time now) const noexcept {
    return static_cast<std::size_t>(std::count_if(_entries.begin(), _entries.end(), [now](const entry& e) {
        return e.len != 0 && e.expires > now;
    }));
}

} // namespace mipgate::send
