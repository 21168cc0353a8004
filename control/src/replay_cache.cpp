#include "mipgate/control/replay_cache.hpp"

#include <algorithm>
#include <cstring>

namespace mipgate::control {

replay_cache::replay_cache(std::size_t capacity, send::send_time lifetime)
    : _entries(std::max<std::size_t>(capacity, 1)), _lifetime(lifetime) {}

bool replay_cache::contains(const ipv6_addr& src, bytes_view nonce, send::send_time now) const noexcept {
    if (nonce.size() > send::nonce_max_len) {
        return false;
    }
    for (const entry& e : _entries) {
        if (e.expires > now && e.len == nonce.size() && e.src == src &&
            std::memcmp(e.nonce.data(), nonce.data(), nonce.size()) == 0) {
            return true;
        }
    }
    return false;
}

void replay_cache::add(const ipv6_addr& src, bytes_view nonce, send::send_time now) noexcept {
    if (nonce.empty() || nonce.size() > send::nonce_max_len) {
        return;
    }
    entry* slot = &_entries.front();
    for (entry& e : _entries) {
        if (e.expires <= now) { // dead: take the first free slot
            slot = &e;
            break;
        }
        if (e.expires < slot->expires) {
            slot = &e;
        }
    }
    slot->src = src;
    std::memcpy(slot->nonce.data(), nonce.data(), nonce.size());
    slot->len = static_cast<std::uint8_t>(nonce.size());
    slot->expires = now + _lifetime;
}

std::size_t replay_cache::live(send::send_time now) const noexcept {
    return static_cast<std::size_t>(
        std::count_if(_entries.begin(), _entries.end(), [&](const entry& e) { return e.expires > now; }));
}

} // namespace mipgate::control
