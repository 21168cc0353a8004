#pragma once
// Neighbor Discovery option TLVs (RFC 4861 §4.6): type, length in 8-octet units, including the
// SEND (RFC 3971 §5, §6.4), FMIPv6 (RFC 5268 §6.4) and handover-key (RFC 5269 §4) types.

#include "mipgate/common/bytes.hpp"

#include <array>
#include <cstdint>

namespace mipgate::wire {

inline constexpr std::uint8_t nd_opt_slla = 1; ///< Source Link-Layer Address, RFC 4861 §4.6.1
inline constexpr std::uint8_t nd_opt_tlla = 2; ///< Target Link-Layer Address
inline constexpr std::uint8_t nd_opt_prefix_info = 3;   ///< Prefix Information, RFC 4861 §4.6.2
inline constexpr std::uint8_t nd_opt_redirected = 4;    ///< Redirected Header
inline constexpr std::uint8_t nd_opt_mtu = 5;           ///< MTU, RFC 4861 §4.6.4
inline constexpr std::uint8_t nd_opt_cga = 11;          ///< CGA, RFC 3971 §5.1
inline constexpr std::uint8_t nd_opt_rsa_sig = 12;      ///< RSA Signature, RFC 3971 §5.2
inline constexpr std::uint8_t nd_opt_timestamp = 13;    ///< Timestamp, RFC 3971 §5.3.1
inline constexpr std::uint8_t nd_opt_nonce = 14;        ///< Nonce, RFC 3971 §5.3.2
inline constexpr std::uint8_t nd_opt_trust_anchor = 15; ///< Trust Anchor, RFC 3971 §6.4.3
inline constexpr std::uint8_t nd_opt_certificate = 16;  ///< Certificate, RFC 3971 §6.4.4
inline constexpr std::uint8_t nd_opt_ip_addr = 17;      ///< IP Address/Prefix, RFC 5268 §6.4.1
inline constexpr std::uint8_t nd_opt_lla_fmip = 19; ///< FMIPv6 Link-Layer Address, RFC 5268 §6.4.3
inline constexpr std::uint8_t nd_opt_naack = 20; ///< Neighbor Advertisement Ack, RFC 5268 §6.4.2
inline constexpr std::uint8_t nd_opt_hk_request = 27; ///< Handover Key Request, RFC 5269 §4.1
inline constexpr std::uint8_t nd_opt_hk_reply = 28;   ///< Handover Key Reply, RFC 5269 §4.2

/// Most options a parse records; more → nd_status::too_many (bounds work per packet).
inline constexpr std::size_t nd_max_options = 32;

enum class nd_status : std::uint8_t {
    ok,
    zero_length, ///< an option has Length 0: the message MUST be discarded (RFC 4861 §4.6)
    truncated,   ///< an option runs past the end of the options area (or 1 stray byte)
    too_many,    ///< more than nd_max_options options
};

struct nd_option {
    std::uint8_t type;
    std::uint16_t offset; ///< from the start of the options area
    bytes_view raw;       ///< whole option incl. Type and Length: 8 * Length bytes
};

struct nd_option_list {
    std::array<nd_option, nd_max_options> opts;
    std::uint8_t count = 0;
    nd_status status = nd_status::ok;

    /// First option of `type`, or nullptr. Any thread; no allocation.
    const nd_option* find(std::uint8_t type) const noexcept;
    const nd_option* begin() const noexcept { return opts.data(); }
    const nd_option* end() const noexcept { return opts.data() + count; }
    bool ok() const noexcept { return status == nd_status::ok; }
};

/// Splits an ND options area into options. Stops at the first error; the options before it are
/// kept in the list. Length 0 → zero_length (the whole message must be discarded).
/// Any thread (worker hot path); no allocation; never blocks.
nd_option_list parse_nd_options(bytes_view options) noexcept;

} // namespace mipgate::wire
