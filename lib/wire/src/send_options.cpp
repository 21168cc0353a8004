#include "mipgate/wire/send_options.hpp"

#include "opt_common.hpp"

namespace mipgate::wire {
using detail::check_opt;
using detail::finish_opt;
using detail::opt_total;
using detail::writer;

std::size_t der_tlv_length(bytes_view der) noexcept {
    if (der.size() < 2) {
        return 0;
    }
    std::size_t hdr = 2;
    std::size_t len = der[1];
    if (len & 0x80) {
        const std::size_t n = len & 0x7f;
        if (n == 0 || n > 4 || der.size() < 2 + n) {
            return 0; // indefinite or absurd lengths are not DER
        }
        len = 0;
        for (std::size_t i = 0; i < n; ++i) {
            len = (len << 8) | der[2 + i];
        }
        hdr += n;
    }
    if (len > der.size() - hdr) {
        return 0;
    }
    return hdr + len;
}

// Pad Length options: fixed header of `fixed` bytes, then data, then pad_length zero bytes.
static wire_status split_padded(bytes_view raw, std::size_t fixed, std::uint8_t pad_length,
                                bytes_view& data) noexcept {
    if (raw.size() < fixed || std::size_t{pad_length} >= raw.size() - fixed) {
        return wire_status::bad_padding; // padding must leave at least one data byte
    }
    data = raw.subspan(fixed, raw.size() - fixed - pad_length);
    return wire_status::ok;
}

parsed<cga_opt> parse_cga_opt(bytes_view raw) noexcept {
    parsed<cga_opt> r;
    if ((r.status = check_opt(raw, nd_opt_cga, 8)) != wire_status::ok) {
        return r;
    }
    r.msg.pad_length = raw[2];
    r.status = split_padded(raw, 4, raw[2], r.msg.params);
    return r;
}

parsed<rsa_sig_opt> parse_rsa_sig_opt(bytes_view raw) noexcept {
    parsed<rsa_sig_opt> r;
    if ((r.status = check_opt(raw, nd_opt_rsa_sig, 24)) != wire_status::ok) {
        return r;
    }
    r.msg.key_hash = raw.subspan(4, send_key_hash_len);
    r.msg.signature = raw.subspan(20);
    return r;
}

parsed<rsa_sig_opt> parse_rsa_sig_opt(bytes_view raw, std::size_t sig_len) noexcept {
    auto r = parse_rsa_sig_opt(raw);
    if (!r.ok()) {
        return r;
    }
    const bytes_view rest = r.msg.signature;
    if (sig_len == 0 || sig_len > rest.size() || rest.size() - sig_len >= 8) {
        r.status = wire_status::bad_length;
        return r;
    }
    r.msg.signature = rest.first(sig_len);
    r.msg.padding = rest.subspan(sig_len);
    return r;
}

parsed<timestamp_opt> parse_timestamp_opt(bytes_view raw) noexcept {
    parsed<timestamp_opt> r;
    if ((r.status = check_opt(raw, nd_opt_timestamp, 16)) != wire_status::ok) {
        return r;
    }
    if (raw.size() != 16) {
        r.status = wire_status::bad_length;
        return r;
    }
    r.msg.value = load_be64(&raw[8]);
    return r;
}

parsed<nonce_opt> parse_nonce_opt(bytes_view raw) noexcept {
    parsed<nonce_opt> r;
    if ((r.status = check_opt(raw, nd_opt_nonce, 8)) != wire_status::ok) {
        return r;
    }
    r.msg.nonce = raw.subspan(2);
    return r;
}

parsed<trust_anchor_opt> parse_trust_anchor_opt(bytes_view raw) noexcept {
    parsed<trust_anchor_opt> r;
    if ((r.status = check_opt(raw, nd_opt_trust_anchor, 8)) != wire_status::ok) {
        return r;
    }
    r.msg.name_type = raw[2];
    r.msg.pad_length = raw[3];
    r.status = split_padded(raw, 4, raw[3], r.msg.name);
    return r;
}

parsed<certificate_opt> parse_certificate_opt(bytes_view raw) noexcept {
    parsed<certificate_opt> r;
    if ((r.status = check_opt(raw, nd_opt_certificate, 8)) != wire_status::ok) {
        return r;
    }
    r.msg.cert_type = raw[2];
    const bytes_view rest = raw.subspan(4);
    const std::size_t n = der_tlv_length(rest);
    if (n == 0) {
        r.status = wire_status::bad_value;
        return r;
    }
    if (rest.size() - n >= 8) {
        r.status = wire_status::bad_padding;
        return r;
    }
    r.msg.certificate = rest.first(n);
    r.msg.padding = rest.subspan(n);
    return r;
}

// T, L, Pad Length, <byte3>, data, padding.
static build_result build_padded(bytes_mut out, std::uint8_t type, std::uint8_t byte3,
                                 bytes_view data) noexcept {
    if (data.empty()) {
        return build_result::fail(build_error::bad_argument);
    }
    const std::size_t total = opt_total(4, data.size());
    if (total == 0) {
        return build_result::fail(build_error::bad_argument);
    }
    writer w(out);
    w.u8(type);
    w.u8(0);
    w.u8(static_cast<std::uint8_t>(total - 4 - data.size()));
    w.u8(byte3);
    w.bytes(data);
    return finish_opt(w);
}

build_result build_cga_opt(bytes_mut out, bytes_view params) noexcept {
    return build_padded(out, nd_opt_cga, 0, params);
}

build_result build_rsa_sig_opt(bytes_mut out, bytes_view key_hash, bytes_view signature) noexcept {
    if (key_hash.size() != send_key_hash_len || signature.empty() ||
        opt_total(20, signature.size()) == 0) {
        return build_result::fail(build_error::bad_argument);
    }
    writer w(out);
    w.u8(nd_opt_rsa_sig);
    w.u8(0);
    w.be16(0);
    w.bytes(key_hash);
    w.bytes(signature);
    return finish_opt(w);
}

build_result build_timestamp_opt(bytes_mut out, std::uint64_t value) noexcept {
    writer w(out);
    w.u8(nd_opt_timestamp);
    w.u8(2);
    w.zeros(6);
    w.be64(value);
    return w.result();
}

build_result build_nonce_opt(bytes_mut out, bytes_view nonce) noexcept {
    if (nonce.size() < 6 || (nonce.size() + 2) % 8 != 0 || opt_total(2, nonce.size()) == 0) {
        return build_result::fail(build_error::bad_argument);
    }
    writer w(out);
    w.u8(nd_opt_nonce);
    w.u8(0);
    w.bytes(nonce);
    return finish_opt(w);
}

build_result build_trust_anchor_opt(bytes_mut out, std::uint8_t name_type,
                                    bytes_view name) noexcept {
    // Byte 3 is Pad Length here and byte 2 the Name Type: build, then swap into place.
    auto r = build_padded(out, nd_opt_trust_anchor, 0, name);
    if (r.ok()) {
        out[3] = out[2];
        out[2] = name_type;
    }
    return r;
}

build_result build_certificate_opt(bytes_mut out, std::uint8_t cert_type,
                                   bytes_view certificate) noexcept {
    if (der_tlv_length(certificate) != certificate.size() || certificate.empty() ||
        opt_total(4, certificate.size()) == 0) {
        return build_result::fail(build_error::bad_argument);
    }
    writer w(out);
    w.u8(nd_opt_certificate);
    w.u8(0);
    w.u8(cert_type);
    w.u8(0);
    w.bytes(certificate);
    return finish_opt(w);
}

} // namespace mipgate::wire
