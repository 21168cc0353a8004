// libFuzzer target: ND options area (parse_nd_options) and every ND option codec on each
// option found; options that parse are rebuilt and re-parsed (round trip of their contents).
#include "mipgate/wire/fmip_options.hpp"
#include "mipgate/wire/nd_option_codecs.hpp"
#include "mipgate/wire/nd_options.hpp"
#include "mipgate/wire/send_options.hpp"

#include <algorithm>
#include <array>
#include <cstdlib>

using namespace mipgate;
using namespace mipgate::wire;

namespace {

bool same(bytes_view a, bytes_view b) {
    return std::equal(a.begin(), a.end(), b.begin(), b.end());
}

void require(bool c) {
    if (!c) {
        std::abort();
    }
}

void codecs(bytes_view raw) {
    std::array<std::uint8_t, 2048> out{};
    switch (raw[0]) {
    case nd_opt_slla:
    case nd_opt_tlla:
        (void)parse_lla_opt(raw);
        break;
    case nd_opt_prefix_info:
        if (auto p = parse_prefix_info_opt(raw); p.ok()) {
            auto r = build_prefix_info_opt(out, *p);
            require(r.ok() &&
                    same(bytes_view{out.data(), r.len}.subspan(0, 12), raw.subspan(0, 12)));
        }
        break;
    case nd_opt_mtu:
        (void)parse_mtu_opt(raw);
        break;
    case nd_opt_cga:
        if (auto p = parse_cga_opt(raw); p.ok()) {
            auto r = build_cga_opt(out, p->params);
            require(r.ok());
            auto q = parse_cga_opt(bytes_view{out.data(), r.len});
            require(q.ok() && same(q->params, p->params));
        }
        break;
    case nd_opt_rsa_sig:
        if (auto p = parse_rsa_sig_opt(raw); p.ok()) {
            (void)parse_rsa_sig_opt(raw, raw.size() > 24 ? raw.size() - 24 : 1);
            (void)parse_rsa_sig_opt(raw, 128);
        }
        break;
    case nd_opt_timestamp:
        if (auto p = parse_timestamp_opt(raw); p.ok()) {
            auto r = build_timestamp_opt(out, p->value);
            require(r.ok() &&
                    parse_timestamp_opt(bytes_view{out.data(), r.len})->value == p->value);
        }
        break;
    case nd_opt_nonce:
        (void)parse_nonce_opt(raw);
        break;
    case nd_opt_trust_anchor:
        if (auto p = parse_trust_anchor_opt(raw); p.ok()) {
            auto r = build_trust_anchor_opt(out, p->name_type, p->name);
            require(r.ok());
            auto q = parse_trust_anchor_opt(bytes_view{out.data(), r.len});
            require(q.ok() && same(q->name, p->name) && q->name_type == p->name_type);
        }
        break;
    case nd_opt_certificate:
        if (auto p = parse_certificate_opt(raw); p.ok()) {
            auto r = build_certificate_opt(out, p->cert_type, p->certificate);
            require(r.ok());
            auto q = parse_certificate_opt(bytes_view{out.data(), r.len});
            require(q.ok() && same(q->certificate, p->certificate));
        }
        break;
    case nd_opt_ip_addr:
        if (auto p = parse_ip_addr_opt(raw); p.ok()) {
            auto r = build_ip_addr_opt(out, *p);
            require(r.ok() && parse_ip_addr_opt(bytes_view{out.data(), r.len})->addr == p->addr);
        }
        break;
    case nd_opt_lla_fmip:
        (void)parse_lla_fmip_opt(raw);
        break;
    case nd_opt_naack:
        if (auto p = parse_naack_opt(raw); p.ok()) {
            auto r = build_naack_opt(out, *p);
            require(r.ok() && r.len == raw.size());
        }
        break;
    case nd_opt_hk_request:
        if (auto p = parse_hk_request_opt(raw); p.ok()) {
            auto r = build_hk_request_opt(out, p->at, p->public_key);
            require(r.ok());
            auto q = parse_hk_request_opt(bytes_view{out.data(), r.len});
            require(q.ok() && q->at == p->at && same(q->public_key, p->public_key));
        }
        break;
    case nd_opt_hk_reply:
        if (auto p = parse_hk_reply_opt(raw); p.ok()) {
            auto r = build_hk_reply_opt(out, p->at, p->lifetime, p->encrypted_key);
            require(r.ok());
            auto q = parse_hk_reply_opt(bytes_view{out.data(), r.len});
            require(q.ok() && q->lifetime == p->lifetime &&
                    same(q->encrypted_key, p->encrypted_key));
        }
        break;
    default:
        break;
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const bytes_view area{data, size};
    const auto l = parse_nd_options(area);
    std::size_t covered = 0;
    for (const auto& o : l) {
        require(o.offset == covered && !o.raw.empty() && o.raw.size() % 8 == 0 &&
                o.raw.data() == data + o.offset && std::size_t{o.offset} + o.raw.size() <= size);
        covered += o.raw.size();
        codecs(o.raw);
    }
    require(!l.ok() || covered == size);
    return 0;
}
