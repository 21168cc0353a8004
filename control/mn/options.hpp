#pragma once
// mipgate-mn command line.

#include "mipgate/common/ipv6_addr.hpp"
#include "mipgate/common/result.hpp"

#include <optional>
#include <string>
#include <vector>

namespace mipgate::mn {

inline constexpr int exit_ok = 0;
inline constexpr int exit_protocol = 1; ///< the exchange failed (reason printed)
inline constexpr int exit_usage = 2;    ///< bad arguments or a system error

enum class invalid_kind : std::uint8_t { none, bad_signature, cga_mismatch, bad_mac, no_key };

struct options {
    std::string command;                 ///< provision | pcap | fbu-pcap
    // provision
    std::string iface;
    std::string trust_anchor;
    std::string state;
    double timeout_s = 3.0;
    bool show_key = false;
    bool json = false;
    // shared
    std::optional<mac_addr> router_mac;
    std::optional<ipv6_addr> prefix;     ///< global /64 for a second CGA
    unsigned sec = 1;
    unsigned bits = 1024;
    unsigned at = 1;
    std::vector<std::uint8_t> ap_id{0x02, 0x00, 0x00, 0x00, 0xaa, 0x01};
    // pcap
    std::string out;
    unsigned count = 0;
    unsigned mns = 1;
    std::optional<ipv6_addr> router_ll;  ///< RtSolPr destination instead of ff02::2
    mac_addr mac{{0x02, 0x00, 0x00, 0x00, 0x00, 0x01}}; ///< pcap: first MN's MAC
    invalid_kind invalid = invalid_kind::none;
    // fbu-pcap
    std::string keys_out;                ///< key preload file written beside the FBU pcap
    std::string data_out;                ///< optional pcap of UDP packets to the PCoAs
    std::optional<ipv6_addr> par;        ///< FBU destination (a PAR address)
    std::optional<ipv6_addr> ncoa_prefix;///< /64 the NCoAs are formed on
    std::optional<ipv6_addr> cn;         ///< source of the data packets
    unsigned lifetime = 10;              ///< FBU Lifetime (seconds)
};

/// Parses argv; the error message is a usage line. Main thread; allocates.
result<options> parse_options(int argc, char** argv);

/// The full usage text. Any thread.
const char* usage_text() noexcept;

} // namespace mipgate::mn
