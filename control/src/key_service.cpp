#include "mipgate/control/key_service.hpp"

#include "mipgate/fmip/at.hpp"
#include "mipgate/fmip/badf.hpp"
#include "mipgate/fmip/handover_key.hpp"
#include "mipgate/log/log.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <cstdio>

namespace mipgate::control {

namespace {

constexpr char kcv_label[] = "mipgate-kcv";

std::uint32_t remaining(const tables::key_record& r, std::uint64_t now) noexcept {
    if (!r.live(now)) {
        return 0;
    }
    const std::uint64_t left = r.expires_s - now;
    return left > 0xffffffffu ? 0xffffffffu : static_cast<std::uint32_t>(left);
}

key_info info_of(const tables::key_record& r, std::uint64_t now) {
    key_info k;
    k.cga = r.cga;
    k.at = r.at();
    k.remaining_s = remaining(r, now);
    k.uses = r.uses.load(std::memory_order_relaxed);
    k.kcv = key_check_value(r.key.view());
    return k;
}

} // namespace

std::string key_check_value(bytes_view key) {
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
             reinterpret_cast<const unsigned char*>(kcv_label), sizeof(kcv_label) - 1, mac, &len) == nullptr ||
        len < 8) {
        return {};
    }
    char hex[17];
    for (int i = 0; i < 8; ++i) {
        std::snprintf(hex + 2 * i, 3, "%02x", mac[i]);
    }
    OPENSSL_cleanse(mac, sizeof(mac));
    return std::string(hex, 16);
}

key_service::key_service(tables::key_table& table, const config::handover_key_policy& policy)
    : _table(table), _policy(policy) {}

grant_status key_service::get_or_create(const ipv6_addr& cga, unsigned requested_at, key_grant& out) {
    std::lock_guard<std::mutex> lock(_mu);
    const std::uint64_t now = tables::now_s();
    if (const tables::key_record* r = _table.find(cga)) {
        if (r->live(now)) {
            out.key = r->key.clone();
            out.at = r->at();
            out.lifetime_s = remaining(*r, now);
            out.created = false;
            return grant_status::granted;
        }
        _table.erase(cga); // dead, not yet swept: a fresh key replaces it
    }
    if (_table.size() >= _table.capacity()) {
        return grant_status::table_full; // checked before spending the CSPRNG
    }
    const auto at = fmip::negotiate_at(requested_at, _policy.algorithms);
    if (!at) {
        return grant_status::no_enabled_at;
    }
    auto key = fmip::generate_handover_key(*at);
    if (!key) {
        return grant_status::failed;
    }
    auto mac = fmip::badf_key::create(*at, key->view());
    if (!mac) {
        return grant_status::failed;
    }
    const std::uint32_t lifetime = _policy.lifetime_s;
    auto rec = std::make_unique<tables::key_record>(cga, now, now + lifetime, key->clone(),
                                                    std::move(mac.value()));
    switch (_table.insert(std::move(rec))) {
    case tables::key_table::insert_status::inserted: break;
    case tables::key_table::insert_status::full: return grant_status::table_full;
    case tables::key_table::insert_status::exists: // impossible under the mutex
    case tables::key_table::insert_status::failed: return grant_status::failed;
    }
    out.key = std::move(key.value());
    out.at = *at;
    out.lifetime_s = lifetime;
    out.created = true;
    return grant_status::granted;
}

void key_service::set_policy(const config::handover_key_policy& policy) {
    std::lock_guard<std::mutex> lock(_mu);
    const std::uint32_t capacity = _policy.capacity;
    _policy = policy;
    _policy.capacity = capacity;
}

std::uint32_t key_service::expire(std::uint64_t now_s) {
    std::lock_guard<std::mutex> lock(_mu);
    // Which keys go, for the debug log (CGA and AT, never the key): one more walk, only when
    // mipgate.keys is at debug.
    if (log::enabled(log::type::keys, log::level::debug)) {
        _table.for_each([&](const tables::key_record& r) {
            if (r.expires_s <= now_s) {
                MG_LOG_DEBUG(keys, "handover key expired for %s: AT %u", r.cga.to_string().c_str(), r.at());
            }
        });
    }
    const std::uint32_t n = _table.expire(now_s);
    if (n != 0) {
        std::erase_if(_lla, [&](const auto& e) { return _table.find(e.first) == nullptr; });
    }
    return n;
}

bool key_service::erase(const ipv6_addr& cga) {
    std::lock_guard<std::mutex> lock(_mu);
    _lla.erase(cga);
    return _table.erase(cga);
}

bool key_service::with_key(const ipv6_addr& cga, const std::function<void(const tables::key_record&)>& fn) const {
    std::lock_guard<std::mutex> lock(_mu);
    const tables::key_record* r = _table.find(cga);
    if (r == nullptr) {
        return false;
    }
    fn(*r);
    return true;
}

void key_service::note_link_layer(const ipv6_addr& cga, const mac_addr& mac) {
    std::lock_guard<std::mutex> lock(_mu);
    if (_table.find(cga) != nullptr) {
        _lla[cga] = mac; // bounded by the key table: only CGAs that hold a key
    }
}

std::optional<mac_addr> key_service::link_layer(const ipv6_addr& cga) const {
    std::lock_guard<std::mutex> lock(_mu);
    const auto it = _lla.find(cga);
    if (it == _lla.end()) {
        return std::nullopt;
    }
    return it->second;
}

std::vector<key_info> key_service::list(std::size_t max) const {
    std::lock_guard<std::mutex> lock(_mu);
    const std::uint64_t now = tables::now_s();
    std::vector<key_info> out;
    _table.for_each([&](const tables::key_record& r) {
        if (out.size() < max) {
            out.push_back(info_of(r, now));
        }
    });
    return out;
}

std::optional<key_info> key_service::find(const ipv6_addr& cga) const {
    std::lock_guard<std::mutex> lock(_mu);
    const tables::key_record* r = _table.find(cga);
    if (r == nullptr) {
        return std::nullopt;
    }
    return info_of(*r, tables::now_s());
}

std::uint32_t key_service::size() const {
    std::lock_guard<std::mutex> lock(_mu);
    return _table.size();
}

} // namespace mipgate::control
