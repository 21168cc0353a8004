// Receiver-side SEND validation in verify_order (verify.hpp).

#include "mipgate/send/verify.hpp"
#include "mipgate/send/cga.hpp"
#include "mipgate/send/signature.hpp"
#include "mipgate/wire/nd_options.hpp"

#include <cstring>

namespace mipgate::send {

verify_stage stage_of(send_reason r) noexcept {
    switch (r) {
    case send_reason::bad_option_length:
    case send_reason::cga_params_malformed:
        return verify_stage::lengths;
    case send_reason::cga_cc_invalid:
    case send_reason::cga_prefix_mismatch:
    case send_reason::cga_hash1_mismatch:
    case send_reason::cga_sec_too_high:
    case send_reason::cga_hash2_mismatch:
        return verify_stage::cga;
    case send_reason::timestamp_out_of_window:
    case send_reason::timestamp_replay:
        return verify_stage::timestamp;
    case send_reason::nonce_unknown:
        return verify_stage::nonce;
    case send_reason::key_unsupported:
    case send_reason::key_too_small:
    case send_reason::key_too_large:
        return verify_stage::key_size;
    case send_reason::key_hash_mismatch:
        return verify_stage::key_hash;
    case send_reason::bad_signature:
        return verify_stage::signature;
    default:
        return verify_stage::presence;
    }
}

send_reason send_verifier::verify(const send_message& m, send_verified* out) {
    send_verified local;
    send_verified& v = out ? *out : local;
    v = send_verified{};
    auto fail = [&v](send_reason r) {
        v.reason = r;
        return r;
    };

    // ---- presence -------------------------------------------------------------------------
    if (m.icmp.size() < 4) {
        return fail(send_reason::malformed_message);
    }
    std::size_t off = m.options_offset != 0 ? m.options_offset : nd_options_offset(m.icmp[0]);
    if (off == 0 || off > m.icmp.size()) {
        return fail(send_reason::malformed_message);
    }
    const wire::nd_option_list opts = wire::parse_nd_options(m.icmp.subspan(off));
    if (opts.status == wire::nd_status::zero_length) {
        return fail(send_reason::malformed_message);  // RFC 4861 §4.6: discard
    }
    const wire::nd_option* cga = nullptr;
    const wire::nd_option* ts = nullptr;
    const wire::nd_option* nonce = nullptr;
    const wire::nd_option* sig = nullptr;
    bool duplicate = false;
    // Options after the first RSA Signature are ignored (RFC 3971 §5.2.2), malformed or not.
    for (const auto& o : opts) {
        const wire::nd_option** slot = nullptr;
        switch (o.type) {
        case wire::nd_opt_cga: slot = &cga; break;
        case wire::nd_opt_timestamp: slot = &ts; break;
        case wire::nd_opt_nonce: slot = &nonce; break;
        case wire::nd_opt_rsa_sig: sig = &o; break;
        default: break;
        }
        if (sig != nullptr) {
            break;
        }
        if (slot != nullptr) {
            duplicate = duplicate || *slot != nullptr;
            *slot = &o;
        }
    }
    if (sig == nullptr) {
        return fail(opts.ok() ? send_reason::no_rsa_sig : send_reason::malformed_message);
    }
    v.rsa_sig_offset = off + sig->offset;
    const bool cga_needed = _policy.require_cga || m.known_key == nullptr;
    if (cga == nullptr && cga_needed) {
        return fail(send_reason::no_cga_option);
    }
    if (ts == nullptr) {
        return fail(send_reason::no_timestamp);
    }
    if (nonce == nullptr && (m.nonce == nonce_rule::required || m.nonce == nonce_rule::echo)) {
        return fail(send_reason::no_nonce);
    }
    if (duplicate) {
        return fail(send_reason::duplicate_option);
    }

    // ---- lengths ---------------------------------------------------------------------------
    if (!parse_timestamp_option(ts->raw, v.timestamp)) {
        return fail(send_reason::bad_option_length);
    }
    if (nonce != nullptr && !parse_nonce_option(nonce->raw, v.nonce)) {
        return fail(send_reason::bad_option_length);
    }
    if (sig->raw.size() < rsa_sig_header_len + 1) {
        return fail(send_reason::bad_option_length);
    }
    cga_params_view params{};
    if (cga != nullptr) {
        if (!cga_option_params(cga->raw, v.cga_params)) {
            return fail(send_reason::bad_option_length);
        }
        if (parse_cga_params(v.cga_params, params) != cga_parse_status::ok) {
            return fail(send_reason::cga_params_malformed);
        }
    }

    // ---- CGA hash --------------------------------------------------------------------------
    const ipv6_addr& peer = m.cga_address ? *m.cga_address : m.src;
    if (cga != nullptr) {
        send_reason r = cga_verify(peer, params, _policy.cga_max_sec);
        if (r != send_reason::ok) {
            return fail(r);
        }
        v.sec = cga_sec(peer);
    }

    // ---- timestamp (read-only) -------------------------------------------------------------
    if (send_reason r = _timestamps.check(peer, m.ifindex, v.timestamp, m.received);
        r != send_reason::ok) {
        return fail(r);
    }

    // ---- nonce -----------------------------------------------------------------------------
    const bool must_match = m.nonce == nonce_rule::echo ||
                            (m.nonce == nonce_rule::echo_if_present && nonce != nullptr);
    if (must_match && (_nonces == nullptr || !_nonces->contains(v.nonce, m.received))) {
        return fail(send_reason::nonce_unknown);
    }

    // ---- key size --------------------------------------------------------------------------
    if (m.known_key != nullptr) {
        v.key = *m.known_key;
    } else {
        const rsa_public_key* k = _keys.get(params.public_key);
        if (k == nullptr) {
            return fail(send_reason::key_unsupported);
        }
        v.key = *k;
    }
    if (v.key.bits() < _policy.rsa_min_bits) {
        return fail(send_reason::key_too_small);
    }
    if (v.key.bits() > _policy.rsa_max_bits) {
        return fail(send_reason::key_too_large);
    }

    // ---- key hash --------------------------------------------------------------------------
    if (m.known_key != nullptr && cga != nullptr) {
        // One message, one key: a CGA key other than the known key is refused (§5.2.2).
        key_hash h;
        if (!compute_key_hash(params.public_key, h)) {
            return fail(send_reason::internal_error);
        }
        if (h != v.key.hash()) {
            return fail(send_reason::key_hash_mismatch);
        }
    }
    if (std::memcmp(sig->raw.data() + 4, v.key.hash().data(), 16) != 0) {
        return fail(send_reason::key_hash_mismatch);
    }

    // ---- RSA verify ------------------------------------------------------------------------
    if (send_reason r = verify_rsa_signature(m.src, m.dst, m.icmp, v.rsa_sig_offset, v.key);
        r != send_reason::ok) {
        return fail(r);
    }

    // ---- commit: state only from verified messages (§5.3.4.2) ------------------------------
    _timestamps.commit(peer, m.ifindex, v.sec, v.timestamp, m.received);
    if (must_match) {
        _nonces->consume(v.nonce, m.received);
    }
    v.reason = send_reason::ok;
    return send_reason::ok;
}

} // namespace mipgate::send
