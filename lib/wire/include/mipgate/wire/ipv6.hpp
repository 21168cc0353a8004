#pragma once
// IPv6 header (RFC 8200 §3) and extension-header chain walk (RFC 8200 §4), including the Mobile
// IPv6 Home Address destination option (RFC 6275 §6.3) and the type 2 Routing header (§6.4).

#include "mipgate/common/bytes.hpp"
#include "mipgate/common/ipv6_addr.hpp"
#include "mipgate/wire/status.hpp"

#include <cstdint>
#include <optional>

namespace mipgate::wire {

// Next Header values (IANA protocol numbers).
inline constexpr std::uint8_t nh_hopopt = 0;
inline constexpr std::uint8_t nh_tcp = 6;
inline constexpr std::uint8_t nh_udp = 17;
inline constexpr std::uint8_t nh_ipv6 = 41;
inline constexpr std::uint8_t nh_routing = 43;
inline constexpr std::uint8_t nh_fragment = 44;
inline constexpr std::uint8_t nh_esp = 50;
inline constexpr std::uint8_t nh_ah = 51;
inline constexpr std::uint8_t nh_icmpv6 = 58;
inline constexpr std::uint8_t nh_none = 59;
inline constexpr std::uint8_t nh_dstopts = 60;
inline constexpr std::uint8_t nh_mh = 135;

// Destination/Hop-by-Hop option types (RFC 8200 §4.2, RFC 6275 §6.3).
inline constexpr std::uint8_t ipv6_opt_pad1 = 0;
inline constexpr std::uint8_t ipv6_opt_padn = 1;
inline constexpr std::uint8_t ipv6_opt_home_address = 201; // 0xC9
inline constexpr std::uint8_t ipv6_routing_type2 = 2;

/// Bound on extension headers walked, against header stuffing.
inline constexpr std::uint8_t ipv6_max_ext_headers = 8;

/// IPv6 fixed header, RFC 8200 §3.
struct [[gnu::packed]] ipv6_hdr {
    be32 ver_tc_flow; ///< version(4) | traffic class(8) | flow label(20)
    be16 payload_len;
    std::uint8_t next_header;
    std::uint8_t hop_limit;
    std::uint8_t src[16];
    std::uint8_t dst[16];

    std::uint8_t version() const noexcept {
        return static_cast<std::uint8_t>(ver_tc_flow.raw[0] >> 4);
    }
    ipv6_addr src_addr() const noexcept { return ipv6_addr::from_bytes(src); }
    ipv6_addr dst_addr() const noexcept { return ipv6_addr::from_bytes(dst); }
};
static_assert(sizeof(ipv6_hdr) == 40);

/// Home Address option body as it sits in a Destination Options header, RFC 6275 §6.3.
struct [[gnu::packed]] ipv6_hao {
    std::uint8_t type;   ///< 201
    std::uint8_t length; ///< 16
    std::uint8_t home_address[16];
};
static_assert(sizeof(ipv6_hao) == 18);

/// Type 2 Routing header, RFC 6275 §6.4.
struct [[gnu::packed]] ipv6_rh2 {
    std::uint8_t next_header;
    std::uint8_t hdr_ext_len;   ///< 2
    std::uint8_t routing_type;  ///< 2
    std::uint8_t segments_left; ///< 1
    be32 reserved;
    std::uint8_t home_address[16];
};
static_assert(sizeof(ipv6_rh2) == 24);

/// Fragment header, RFC 8200 §4.5.
struct [[gnu::packed]] ipv6_frag {
    std::uint8_t next_header;
    std::uint8_t reserved;
    be16 offset_flags; ///< fragment offset(13) | res(2) | M(1)
    be32 identification;
};
static_assert(sizeof(ipv6_frag) == 8);

enum class ipv6_status : std::uint8_t {
    ok,
    truncated,   ///< buffer shorter than 40 bytes, or an extension header runs past payload end
    bad_version, ///< version field is not 6
    bad_payload_length, ///< payload_length exceeds the buffer (jumbograms are not supported)
    bad_ext_header,     ///< malformed option TLVs, misplaced/duplicated extension header
    bad_hao,            ///< Home Address option: length != 16, duplicated, or misplaced
    bad_rh2,            ///< type 2 Routing header: Hdr Ext Len != 2, Segments Left != 1, duplicated
    too_many_ext,       ///< more than ipv6_max_ext_headers extension headers
};

/// Result of parse_ipv6: offsets are from the start of the buffer handed to the parser.
/// The views point into that buffer and live as long as it does.
struct ipv6_view {
    ipv6_status status = ipv6_status::truncated;
    const ipv6_hdr* hdr = nullptr; ///< the fixed header (offset 0); null when truncated
    std::uint32_t end = 0;         ///< 40 + payload_length: trailing bytes past it are ignored
    std::uint8_t upper_proto =
        nh_none; ///< first Next Header not walked (ICMPv6, MH, ESP, AH, TCP…)
    std::uint16_t upper_offset = 0;
    std::uint16_t upper_length = 0;
    std::optional<ipv6_addr> home_address; ///< from the Home Address option
    std::uint16_t hao_offset = 0; ///< offset of the HAO's 16-byte address (valid if home_address)
    std::optional<ipv6_addr> rh2_address; ///< home address carried in a type 2 Routing header
    std::uint16_t rh2_offset = 0;         ///< offset of the RH2's 16-byte address
    bool is_fragment = false;             ///< a Fragment header was seen
    std::uint16_t frag_offset =
        0;                  ///< fragment offset in 8-byte units; non-zero → upper is not a header
    bool frag_more = false; ///< M flag
    std::uint8_t ext_count = 0; ///< extension headers walked
    /// First unrecognised option whose action bits (RFC 8200 §4.2) are not "skip": type and the
    /// offset of its type byte (the ICMPv6 Parameter Problem pointer). Not an error for transit.
    std::uint8_t unknown_opt_type = 0;
    std::uint16_t unknown_opt_offset = 0; ///< 0 = none
    std::uint16_t error_offset = 0;       ///< where parsing failed (status != ok)

    bool ok() const noexcept { return status == ipv6_status::ok; }
    /// Upper-layer bytes [upper_offset, end) of `pkt` (the buffer given to parse_ipv6).
    bytes_view upper(bytes_view pkt) const noexcept {
        return pkt.subspan(upper_offset, upper_length);
    }
};

/// Parses the IPv6 header and walks Hop-by-Hop (first only), Destination Options (before and
/// after a Routing header), Routing (type 2 checked, others skipped) and Fragment headers; stops
/// at anything else (ESP, AH, ICMPv6, MH, No Next Header, TCP/UDP, unknown). A non-first
/// fragment stops the walk at the Fragment header's Next Header. For any fragment (is_fragment)
/// the upper layer is incomplete: its checksum cannot be verified before reassembly.
/// Any thread (worker hot path); no allocation; never blocks.
ipv6_view parse_ipv6(bytes_view pkt) noexcept;

/// Fields of an IPv6 header to build.
struct ipv6_fields {
    std::uint8_t traffic_class = 0;
    std::uint32_t flow_label = 0; ///< low 20 bits
    std::uint16_t payload_len = 0;
    std::uint8_t next_header = nh_none;
    std::uint8_t hop_limit = 64;
    ipv6_addr src;
    ipv6_addr dst;
};

/// Writes the 40-byte IPv6 header. Any thread; no allocation; never blocks.
build_result build_ipv6_hdr(bytes_mut out, const ipv6_fields& f) noexcept;

/// Writes a 24-byte Destination Options header holding PadN(4) + Home Address option at 8n+6
/// (RFC 6275 §6.3). Any thread; no allocation; never blocks.
build_result build_hao_dstopts(bytes_mut out, std::uint8_t next_header,
                               const ipv6_addr& home_address) noexcept;

/// Writes a 24-byte type 2 Routing header (Segments Left 1) carrying home_address
/// (RFC 6275 §6.4). Any thread; no allocation; never blocks.
build_result build_rh2(bytes_mut out, std::uint8_t next_header,
                       const ipv6_addr& home_address) noexcept;

} // namespace mipgate::wire
