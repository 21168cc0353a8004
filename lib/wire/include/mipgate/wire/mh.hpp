#pragma once
// Mobility Header (RFC 6275 §6.1): header, checksum, message fixed parts, mobility options
// (§6.2) including FMIPv6 MH-LLA and BADF (RFC 5268 §6.5.3–6.5.4, design.md §4) and the DNS
// Update option (RFC 5026 §8.1); FBU/FBack per RFC 5268 §6.3.

#include "mipgate/common/bytes.hpp"
#include "mipgate/common/ipv6_addr.hpp"
#include "mipgate/wire/icmpv6.hpp"
#include "mipgate/wire/status.hpp"

#include <array>
#include <cstdint>

namespace mipgate::wire {

// MH Types (RFC 6275 §6.1.2–6.1.9, RFC 5268 §6.3).
inline constexpr std::uint8_t mh_type_brr = 0;
inline constexpr std::uint8_t mh_type_hoti = 1;
inline constexpr std::uint8_t mh_type_coti = 2;
inline constexpr std::uint8_t mh_type_hot = 3;
inline constexpr std::uint8_t mh_type_cot = 4;
inline constexpr std::uint8_t mh_type_bu = 5;
inline constexpr std::uint8_t mh_type_ba = 6;
inline constexpr std::uint8_t mh_type_be = 7;
inline constexpr std::uint8_t mh_type_fbu = 8;
inline constexpr std::uint8_t mh_type_fback = 9;

// Mobility option types (RFC 6275 §6.2, RFC 5268 §6.5, RFC 5026 §8.1, RFC 5568 §11).
inline constexpr std::uint8_t mh_opt_pad1 = 0;
inline constexpr std::uint8_t mh_opt_padn = 1;
inline constexpr std::uint8_t mh_opt_bra = 2;           ///< Binding Refresh Advice, 2n
inline constexpr std::uint8_t mh_opt_alt_coa = 3;       ///< Alternate Care-of Address, 8n+6
inline constexpr std::uint8_t mh_opt_nonce_indices = 4; ///< Nonce Indices, 2n
inline constexpr std::uint8_t mh_opt_bad = 5;           ///< Binding Authorization Data, 8n+2, last
inline constexpr std::uint8_t mh_opt_lla = 7;           ///< MH Link-Layer Address (FMIPv6)
inline constexpr std::uint8_t mh_opt_dns_update = 17;   ///< DNS Update (RFC 5026)
inline constexpr std::uint8_t mh_opt_badf = 21;         ///< BADF (FMIPv6), last, ends the MH on 8n (8n+6 for AT 0, 8n+2 for AT 1)

// BU/FBU flags: the 16-bit word after the Sequence Number (RFC 6275 §6.1.7, RFC 5268 §6.3.1).
inline constexpr std::uint16_t bu_flag_a = 0x8000;
inline constexpr std::uint16_t bu_flag_h = 0x4000;
inline constexpr std::uint16_t bu_flag_l = 0x2000;
inline constexpr std::uint16_t bu_flag_k = 0x1000;
// BA/FBack flags byte (RFC 6275 §6.1.8, RFC 5268 §6.3.2).
inline constexpr std::uint8_t ba_flag_k = 0x80;
inline constexpr std::uint8_t ba_flag_r = 0x40; ///< NEMO (RFC 3963)
// DNS Update option R flag (RFC 5026 §8.1).
inline constexpr std::uint8_t dns_update_flag_r = 0x80;

/// BADF authenticator starts 6 bytes into the option (after T, L, SPI).
inline constexpr std::size_t badf_auth_skip = 6;
inline constexpr std::size_t mh_max_options = 16;

/// Mobility Header fixed part, RFC 6275 §6.1.1.
struct [[gnu::packed]] mh_hdr {
    std::uint8_t payload_proto; ///< SHOULD be 59
    std::uint8_t hdr_len;       ///< 8-octet units excluding the first 8
    std::uint8_t type;
    std::uint8_t reserved;
    be16 checksum;
};
static_assert(sizeof(mh_hdr) == 6);

/// MH checksum (next header 135) with the pseudo-header source = the Home Address from the HAO
/// when the packet has one, else the IPv6 source (RFC 6275 §6.1.1). Same contract as
/// pseudo_checksum: the value to store over a zeroed field, 0 when the MH is correct.
/// Any thread; no allocation; never blocks.
std::uint16_t mh_checksum(const ipv6_addr& src_or_hoa, const ipv6_addr& dst,
                          bytes_view mh) noexcept;
/// Stores the checksum into mh (size ≥ 6). Any thread; no allocation; never blocks.
bool mh_fill_checksum(const ipv6_addr& src_or_hoa, const ipv6_addr& dst, bytes_mut mh) noexcept;

/// Message-data bytes after the 6-byte header for a known MH type (options start after them),
/// or 0 for types this codec does not know.
std::size_t mh_fixed_len(std::uint8_t type) noexcept;

struct mh_option {
    std::uint8_t type = 0;
    std::uint16_t offset = 0; ///< of the Type byte, from the start of the MH
    bytes_view data;          ///< option data, excluding Type and Length
};

struct mh_option_list {
    std::array<mh_option, mh_max_options> opts{};
    std::uint8_t count = 0;

    /// First option of `type` (Pad1/PadN are never listed), or nullptr. No allocation.
    const mh_option* find(std::uint8_t type) const noexcept;
    const mh_option* begin() const noexcept { return opts.data(); }
    const mh_option* end() const noexcept { return opts.data() + count; }
};

/// A parsed Mobility Header. Views point into the parsed buffer.
struct mh_view {
    wire_status status = wire_status::truncated;
    std::uint8_t type = 0;
    std::uint8_t payload_proto = 0;
    std::uint16_t checksum = 0;
    bytes_view mh;   ///< the whole header, (Header Len + 1) × 8 bytes
    bytes_view data; ///< message data after the 6-byte header, up to the options
    std::uint16_t options_offset = 0;
    mh_option_list options;         ///< non-padding options in order
    std::uint16_t error_offset = 0; ///< option where parsing failed

    bool ok() const noexcept { return status == wire_status::ok; }
};

/// Parses a Mobility Header of exactly (Header Len + 1) × 8 bytes (the rest of the IPv6
/// payload). Checks: length 8n and equal to Header Len (bad_length), Header Len at least the
/// type's fixed part (bad_length), known MH type (bad_type; `type` is still set so the caller can
/// answer with a Binding Error status 2), option TLVs inside the header, per-option lengths
/// (Alternate CoA 16, Nonce Indices 4, BRA 2, BAD 12, BADF > 4, DNS Update ≥ 2, MH-LLA ≥ 1),
/// BAD/BADF last (only padding may follow: not_last) and aligned (BAD 8n+2, BADF ending the MH on 8n:
/// bad_alignment), no repeated option (duplicate). Unknown option types are listed, not refused
/// (RFC 6275 §6.2.1). Does not check the checksum (needs addresses: mh_checksum).
/// Any thread (worker hot path); no allocation; never blocks.
mh_view parse_mh(bytes_view mh) noexcept;

// ---- Message fixed parts ----

/// BU (5) and FBU (8): Sequence(2) | flags(16 bits, bu_flag_*) | Lifetime(2).
/// Lifetime: BU in 4-second units, FBU in seconds (RFC 5268 §6.3.1, design.md §4).
struct bu_msg {
    std::uint16_t seq = 0;
    std::uint16_t flags = 0;
    std::uint16_t lifetime = 0;
};

/// BA (6) and FBack (9): Status(1) | flags(1, ba_flag_*) | Sequence(2) | Lifetime(2).
struct ba_msg {
    std::uint8_t status = 0;
    std::uint8_t flags = 0;
    std::uint16_t seq = 0;
    std::uint16_t lifetime = 0;
};

/// BE (7): Status(1) | Reserved(1) | Home Address(16).
struct be_msg {
    std::uint8_t status = 0;
    ipv6_addr home_address;
};

/// HoTI (1) / CoTI (2): Reserved(2) | Init Cookie(8).
struct ti_msg {
    std::array<std::uint8_t, 8> cookie{};
};

/// HoT (3) / CoT (4): Nonce Index(2) | Init Cookie(8) | Keygen Token(8).
struct test_msg {
    std::uint16_t nonce_index = 0;
    std::array<std::uint8_t, 8> cookie{};
    std::array<std::uint8_t, 8> keygen_token{};
};

// Decoders of an ok mh_view's fixed part; bad_type when the view holds another message.
// Any thread; no allocation; never block.
parsed<bu_msg> mh_bu(const mh_view& v) noexcept; ///< BU or FBU
parsed<ba_msg> mh_ba(const mh_view& v) noexcept; ///< BA or FBack
/// BE. Any thread; no allocation; never blocks.
parsed<be_msg> mh_be(const mh_view& v) noexcept;
parsed<ti_msg> mh_ti(const mh_view& v) noexcept;     ///< HoTI or CoTI
parsed<test_msg> mh_test(const mh_view& v) noexcept; ///< HoT or CoT

// ---- Option decoders (take an mh_option from mh_view::options) ----

struct nonce_indices_opt {
    std::uint16_t home = 0;
    std::uint16_t care_of = 0;
};
struct dns_update_opt {
    std::uint8_t status = 0;
    std::uint8_t flags = 0; ///< dns_update_flag_r
    bytes_view fqdn;        ///< MN identity as carried (RFC 5026 does not fix text vs wire form)
};
struct mh_lla_opt {
    std::uint8_t code = 2; ///< RFC 5268 §6.5.3: 2 = MN's LLA
    bytes_view lla;
};
struct badf_opt {
    std::uint32_t spi = 0;
    bytes_view authenticator;
    std::uint16_t offset = 0;      ///< of the option's Type byte within the MH
    std::uint16_t auth_offset = 0; ///< of the authenticator within the MH (= MAC input length)
};

// Any thread; no allocation; never block. Each checks the option type (bad_type).
/// Alternate Care-of Address (16 bytes). Any thread; no allocation; never blocks.
parsed<ipv6_addr> mh_alt_coa(const mh_option& o) noexcept;
/// Nonce Indices (4 bytes). Any thread; no allocation; never blocks.
parsed<nonce_indices_opt> mh_nonce_indices(const mh_option& o) noexcept;
parsed<std::uint16_t> mh_bra(const mh_option& o) noexcept; ///< refresh interval, 4 s units
/// DNS Update (≥ 2 bytes: Status, R flag, FQDN). Any thread; no allocation; never blocks.
parsed<dns_update_opt> mh_dns_update(const mh_option& o) noexcept;
/// MH Link-Layer Address (Option-Code + LLA). Any thread; no allocation; never blocks.
parsed<mh_lla_opt> mh_lla(const mh_option& o) noexcept;
/// BADF: SPI + authenticator (Option Length = 4 + authenticator length). Any thread; no allocation;
/// never blocks.
parsed<badf_opt> mh_badf(const mh_option& o) noexcept;

// ---- Builder ----

/// Writes one Mobility Header into a caller buffer: the message's fixed part, then options, each
/// preceded by the Pad1/PadN its alignment needs (RFC 6275 §6.2), then finish() pads the header
/// to 8n, sets Header Len and leaves Checksum 0 (fill it with mh_fill_checksum once any
/// authenticator is in place). Errors are sticky and reported by finish().
/// Any thread; no allocation; never blocks.
class mh_writer {
public:
    /// Writes into `out`; nothing is written before the message call.
    explicit mh_writer(bytes_mut out) noexcept;

    // Exactly one message call first.
    /// Binding Refresh Request (Reserved 2).
    void brr() noexcept;
    void ti(std::uint8_t type, const ti_msg& m) noexcept;              ///< HoTI or CoTI
    void test(std::uint8_t type, const test_msg& m) noexcept;          ///< HoT or CoT
    void bu(const bu_msg& m, std::uint8_t type = mh_type_bu) noexcept; ///< BU or FBU
    void ba(const ba_msg& m, std::uint8_t type = mh_type_ba) noexcept; ///< BA or FBack
    /// Binding Error (Status, Reserved, Home Address).
    void be(const be_msg& m) noexcept;

    // Options.
    void alt_coa(const ipv6_addr& coa) noexcept;                            ///< 8n+6
    void nonce_indices(std::uint16_t home, std::uint16_t care_of) noexcept; ///< 2n
    void bra(std::uint16_t refresh_interval) noexcept;                      ///< 2n
    void mh_lla(std::uint8_t code, bytes_view lla) noexcept;                ///< no alignment
    void dns_update(std::uint8_t status, std::uint8_t flags, bytes_view fqdn) noexcept; ///< none
    /// Any option with alignment xn+y (x = 1, 2, 4 or 8).
    void option(std::uint8_t type, bytes_view data, unsigned x = 1, unsigned y = 0) noexcept;
    /// BADF placed to end the MH on 8n (8n+6 for a 12-byte, 8n+2 for a 16-byte authenticator) with Option Length 4 + auth_len and a zeroed authenticator (design.md §4);
    /// returns the authenticator's offset in the MH (fill it after finish()), 0 on error.
    std::size_t badf(std::uint32_t spi, std::size_t auth_len) noexcept;
    /// BAD (type 5) at 8n+2 with a zeroed 12-byte authenticator; returns its offset, 0 on error.
    std::size_t bad() noexcept;

    /// Pads to 8n, sets Header Len. The length written, or the first error.
    build_result finish() noexcept;

private:
    void pad_to(unsigned x, unsigned y) noexcept;
    void head(std::uint8_t type) noexcept;
    std::uint8_t* take(std::size_t n) noexcept;

    bytes_mut _out;
    std::size_t _len = 0;
    build_error _err = build_error::none;
    bool _started = false;
    bool _closed = false; ///< a BAD/BADF was written: only padding may follow
};

} // namespace mipgate::wire
