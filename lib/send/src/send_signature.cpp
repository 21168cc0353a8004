// RFC 3971 §5.2 RSA Signature option: sign and verify with the truncated-message checksum.

#include "mipgate/send/signature.hpp"
#include "mipgate/wire/checksum.hpp"

#include <array>
#include <cstring>
#include <vector>

namespace mipgate::send {

namespace {
constexpr std::uint8_t rsa_sig_option_type = 12;
constexpr std::uint8_t icmpv6_next_header = 58;
constexpr std::size_t stack_copy_max = 2048;
} // namespace

std::size_t nd_options_offset(std::uint8_t icmp_type) noexcept {
    switch (icmp_type) {
    case 133: return 8;   // RS, RFC 4861 §4.1
    case 134: return 16;  // RA, §4.2
    case 135: return 24;  // NS, §4.3
    case 136: return 24;  // NA, §4.4
    case 137: return 40;  // Redirect, §4.5
    case 148: return 8;   // CPS, RFC 3971 §6.4.1
    case 149: return 12;  // CPA, RFC 3971 §6.4.2
    case 154: return 8;   // FMIPv6 RtSolPr/PrRtAdv/HI/HAck, RFC 5268 §6.1
    default: return 0;
    }
}

std::uint16_t truncated_checksum(const ipv6_addr& src, const ipv6_addr& dst, bytes_view icmp,
                                 std::size_t truncated_len) noexcept {
    // pseudo_checksum wants the Checksum field zero; work on a copy so `icmp` stays const.
    std::array<std::uint8_t, stack_copy_max> local;
    std::vector<std::uint8_t> big;
    std::uint8_t* copy = local.data();
    if (truncated_len > local.size()) {
        big.resize(truncated_len);
        copy = big.data();
    }
    std::memcpy(copy, icmp.data(), truncated_len);
    copy[2] = 0;
    copy[3] = 0;
    return wire::pseudo_checksum(src, dst, icmpv6_next_header, bytes_view(copy, truncated_len));
}

std::size_t append_rsa_signature(bytes_mut msg, std::size_t msg_len, const ipv6_addr& src,
                                 const ipv6_addr& dst, const rsa_private_key& key) noexcept {
    if (key.empty() || msg_len < 4 || msg_len > msg.size()) {
        return 0;
    }
    std::size_t sig_len = (key.bits() + 7) / 8;
    std::size_t opt_len = rsa_sig_option_len(sig_len);
    if (msg.size() - msg_len < opt_len || opt_len / 8 > 255) {
        return 0;
    }
    std::uint8_t* m = msg.data();
    // (1) checksum over the message as it stands, before the RSA Signature option.
    store_be16(m + 2, 0);
    store_be16(m + 2, wire::pseudo_checksum(src, dst, icmpv6_next_header, bytes_view(m, msg_len)));
    // (2) sign tag | src | dst | message.
    std::uint8_t* opt = m + msg_len;
    std::size_t got = rsa_sha1_sign(key,
                                    {bytes_view(send_type_tag, sizeof(send_type_tag)),
                                     bytes_view(src.b.data(), 16), bytes_view(dst.b.data(), 16),
                                     bytes_view(m, msg_len)},
                                    bytes_mut(opt + rsa_sig_header_len, opt_len - rsa_sig_header_len));
    if (got != sig_len) {
        return 0;
    }
    // (3) option header and padding.
    opt[0] = rsa_sig_option_type;
    opt[1] = static_cast<std::uint8_t>(opt_len / 8);
    opt[2] = 0;
    opt[3] = 0;
    std::memcpy(opt + 4, key.public_key().hash().data(), 16);
    std::memset(opt + rsa_sig_header_len + sig_len, 0, opt_len - rsa_sig_header_len - sig_len);
    // (4) final checksum over the whole message.
    std::size_t total = msg_len + opt_len;
    store_be16(m + 2, 0);
    store_be16(m + 2, wire::pseudo_checksum(src, dst, icmpv6_next_header, bytes_view(m, total)));
    return total;
}

send_reason verify_rsa_signature(const ipv6_addr& src, const ipv6_addr& dst, bytes_view icmp,
                                 std::size_t sig_offset, const rsa_public_key& key) noexcept {
    if (key.empty()) {
        return send_reason::key_unsupported;
    }
    if (sig_offset < 4 || sig_offset + rsa_sig_header_len > icmp.size() ||
        icmp[sig_offset] != rsa_sig_option_type) {
        return send_reason::no_rsa_sig;
    }
    std::size_t opt_len = std::size_t{icmp[sig_offset + 1]} * 8;
    std::size_t sig_len = (key.bits() + 7) / 8;
    if (opt_len > icmp.size() - sig_offset || opt_len < rsa_sig_header_len + sig_len) {
        return send_reason::bad_option_length;
    }
    if (std::memcmp(icmp.data() + sig_offset + 4, key.hash().data(), 16) != 0) {
        return send_reason::key_hash_mismatch;
    }
    std::uint8_t cks[2];
    store_be16(cks, truncated_checksum(src, dst, icmp, sig_offset));
    bool ok = rsa_sha1_verify(key,
                              {bytes_view(send_type_tag, sizeof(send_type_tag)),
                               bytes_view(src.b.data(), 16), bytes_view(dst.b.data(), 16),
                               icmp.subspan(0, 2), bytes_view(cks, 2),
                               icmp.subspan(4, sig_offset - 4)},
                              icmp.subspan(sig_offset + rsa_sig_header_len, sig_len));
    return ok ? send_reason::ok : send_reason::bad_signature;
}

} // namespace mipgate::send
