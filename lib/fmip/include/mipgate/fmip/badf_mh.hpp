#pragma once
// BADF on Mobility Headers parsed by lib/wire: locate the option (wire::parse_mh, wire::mh_badf),
// apply design §4's receive rules (SPI 0 for RFC 5269 keys, authenticator exactly the AT's
// length), and authenticate or sign. The MAC itself is badf.hpp / badf_mb.hpp.

#include "mipgate/common/bytes.hpp"
#include "mipgate/common/ipv6_addr.hpp"
#include "mipgate/fmip/badf.hpp"
#include "mipgate/fmip/badf_mb.hpp"
#include "mipgate/wire/mh.hpp"

#include <cstddef>
#include <cstdint>

namespace mipgate::fmip {

/// SPI of BADF options made with SEND-based handover keys (RFC 5268 §6.5.4, RFC 5269 §3).
inline constexpr std::uint32_t badf_spi_handover_key = 0;

/// Why a Mobility Header did (not) authenticate with a handover key.
enum class badf_reason : std::uint8_t {
    ok,
    not_parsed, ///< the mh_view is not ok
    no_badf,    ///< no BADF option (RFC 5268 §6.3.1: an FBU MUST carry one)
    bad_spi,    ///< SPI is not 0, so the authenticator was not made with an RFC 5269 key
    bad_length, ///< authenticator length is not the negotiated AT's (design §4)
    bad_mac,    ///< authenticator does not match
};

/// A ready badf_job for a parsed MH, or the reason there is none.
struct badf_prepared {
    badf_reason reason = badf_reason::not_parsed;
    badf_job job{};
};

/// Prepares the check of `v`'s BADF option with `key` for badf_engine::verify_burst (reason ok),
/// or says why the message cannot be authenticated. `ncoa` is the Alternate CoA (else the IPv6
/// source) and `par` the destination (design §4). Views in the job point into `v.mh`.
/// Any thread (worker hot path); no allocation; never blocks.
badf_prepared prepare_badf_job(const badf_key& key, const ipv6_addr& ncoa, const ipv6_addr& par,
                               const wire::mh_view& v) noexcept;

/// prepare_badf_job + badf_key::verify for one message.
/// Any thread (worker hot path); no allocation; never blocks.
badf_reason verify_mh_badf(const badf_key& key, const ipv6_addr& ncoa, const ipv6_addr& par,
                           const wire::mh_view& v) noexcept;

/// Sender side (FBack, MN, tests): writes the authenticator into `mh` at `auth_offset` (as
/// returned by wire::mh_writer::badf, after finish()). Call before wire::mh_fill_checksum: the
/// checksum covers the authenticator, the authenticator treats the checksum as 0. False when
/// the geometry is wrong or the slot is shorter than key.auth_len().
/// Any thread; no allocation; never blocks.
bool sign_mh_badf(const badf_key& key, const ipv6_addr& ncoa, const ipv6_addr& par, bytes_mut mh,
                  std::size_t auth_offset) noexcept;

} // namespace mipgate::fmip
