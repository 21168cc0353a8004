#pragma once
// What mipgate-mn sends and receives, built and taken apart with lib/wire and lib/send:
// CPS (RFC 3971 §6.4.1) and CPA (§6.4.2), the SEND-signed RtSolPr with a Handover Key Request
// (RFC 5268 §6.1.1, RFC 5269 §4.1) and the PrRtAdv with its Handover Key Reply (RFC 5269 §4.2).

#include "identity.hpp"

#include "mipgate/common/bytes.hpp"
#include "mipgate/common/ipv6_addr.hpp"
#include "mipgate/send/certpath.hpp"
#include "mipgate/send/timestamp.hpp"
#include "mipgate/wire/nd_options.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace mipgate::mn {

inline constexpr std::uint16_t ethertype_ipv6 = 0x86dd;

/// How a crafted RtSolPr is broken (pcap --invalid).
enum class rtsolpr_variant : std::uint8_t {
    valid,
    bad_signature, ///< one signature bit flipped after signing (checksum still correct)
    cga_mismatch,  ///< source = the CGA with an IID bit flipped, signed for that source
};

struct rtsolpr_fields {
    std::uint16_t identifier = 0;
    unsigned at = 1;
    std::vector<std::uint8_t> ap_id;   ///< LLA option code 1 (new AP)
    mac_addr own_mac;                  ///< LLA option code 4 (source)
    ipv6_addr dst;                     ///< ff02::2 or the router
    std::vector<std::uint8_t> nonce;   ///< 6 bytes (8n−2)
    send::send_time timestamp = 0;
    rtsolpr_variant variant = rtsolpr_variant::valid;
};

/// The IPv6 packet (header + ICMPv6) of a signed RtSolPr from id.source(), or empty on failure.
/// Any thread; allocates; one RSA sign.
std::vector<std::uint8_t> build_rtsolpr(const identity& id, const rtsolpr_fields& f);

/// The IPv6 packet of a CPS from `src` to ff02::2 naming the trust anchor by DER subject.
/// Any thread; allocates.
std::vector<std::uint8_t> build_cps(const ipv6_addr& src, std::uint16_t identifier, bytes_view ta_subject);

/// Ethernet II frame around an IPv6 packet. Any thread; allocates.
std::vector<std::uint8_t> eth_frame(const mac_addr& dst, const mac_addr& src, bytes_view ipv6);

/// 33:33 + low 32 bits of a multicast group (RFC 2464 §7). Any thread.
mac_addr multicast_mac(const ipv6_addr& group) noexcept;

/// One received IPv6/ICMPv6 frame that passed the in-code filter.
struct rx_packet {
    mac_addr eth_src;
    ipv6_addr src;
    ipv6_addr dst;
    std::uint8_t hop_limit = 0;
    std::vector<std::uint8_t> icmp; ///< the whole ICMPv6 message
};

/// The in-code filter: Ethernet IPv6, ICMPv6 of type 149 (CPA) or 154 subtype 3 (PrRtAdv),
/// destined to one of `ours` (unicast or their solicited-node groups) or ff02::1, correct
/// checksum. Any thread; allocates the copy.
std::optional<rx_packet> filter_frame(bytes_view frame, const std::vector<ipv6_addr>& ours);

/// A CPA component taken from a received message.
struct cpa_part {
    std::uint16_t identifier = 0;
    std::uint16_t all_components = 0;
    std::uint16_t component = 0;
    std::vector<std::vector<std::uint8_t>> certificates; ///< DER, in option order
};
/// Any thread; allocates.
std::optional<cpa_part> parse_cpa_part(const rx_packet& p);

/// What a verified PrRtAdv gave us.
struct prrtadv_result {
    bool ok = false;
    std::string reason;             ///< why not (operator-readable; never key bytes)
    ipv6_addr router;
    std::uint8_t code = 0;
    bool verified = false;          ///< SEND checks passed (signed by the certified router key)
    bool has_hk_reply = false;
    unsigned at = 0;
    std::uint16_t lifetime = 0;
    secret_bytes key;
};

/// Checks a PrRtAdv answering our RtSolPr: Hop Limit 255, identifier, SEND verification with the
/// router's certified key (CGA option for the source, Key Hash, signature, timestamp, our nonce
/// echoed) and decrypts the Handover Key Reply with the HK-Encryption key; refuses an unknown AT
/// or one weaker than requested. Main thread; allocates; one RSA verify + one decrypt.
prrtadv_result check_prrtadv(const rx_packet& p, const identity& id, const rtsolpr_fields& sent,
                             const send::rsa_public_key& router_key);

} // namespace mipgate::mn
