// `mipgate-mn pcap`: benchmark traffic — N signed RtSolPrs cycling over M CGAs, current
// timestamps (replay within TIMESTAMP_DELTA), optionally broken the same way in every packet.

#include "commands.hpp"
#include "identity.hpp"
#include "messages.hpp"
#include "pcap_writer.hpp"

#include "mipgate/send/timestamp.hpp"

#include <openssl/rand.h>

#include <cstdio>
#include <vector>

namespace mipgate::mn {

int run_pcap(const options& o) {
    identity_request req;
    req.bits = o.bits;
    req.sec = o.sec;
    req.global_prefix = o.prefix;
    std::vector<identity> ids;
    ids.reserve(o.mns);
    for (unsigned i = 0; i < o.mns; ++i) {
        auto id = generate_identity(req);
        if (!id) {
            std::fprintf(stderr, "mipgate-mn: %s\n", id.err().message.c_str());
            return exit_usage;
        }
        ids.push_back(std::move(id.value()));
    }
    auto w = pcap_writer::create(o.out);
    if (!w) {
        std::fprintf(stderr, "mipgate-mn: %s\n", w.err().message.c_str());
        return exit_usage;
    }
    const ipv6_addr dst = o.router_ll.value_or(*ipv6_addr::parse("ff02::2"));
    const mac_addr eth_dst = o.router_mac ? *o.router_mac : multicast_mac(dst);
    rtsolpr_fields f;
    f.at = o.at;
    f.ap_id = o.ap_id;
    f.dst = dst;
    f.variant = o.invalid == invalid_kind::bad_signature  ? rtsolpr_variant::bad_signature
                : o.invalid == invalid_kind::cga_mismatch ? rtsolpr_variant::cga_mismatch
                                                          : rtsolpr_variant::valid;
    f.nonce.resize(6);
    for (unsigned n = 0; n < o.count; ++n) {
        const unsigned m = n % o.mns;
        mac_addr src_mac = o.mac;
        src_mac.b[4] = static_cast<std::uint8_t>(src_mac.b[4] + (m >> 8));
        src_mac.b[5] = static_cast<std::uint8_t>(src_mac.b[5] + m);
        f.own_mac = src_mac;
        f.identifier = static_cast<std::uint16_t>(n);
        f.timestamp = send::send_time_now();
        if (RAND_bytes(f.nonce.data(), static_cast<int>(f.nonce.size())) != 1) {
            std::fprintf(stderr, "mipgate-mn: CSPRNG failed\n");
            return exit_usage;
        }
        const auto pkt = build_rtsolpr(ids[m], f);
        if (pkt.empty() || !w->write(eth_frame(eth_dst, src_mac, pkt))) {
            std::fprintf(stderr, "mipgate-mn: cannot build/write RtSolPr %u\n", n);
            return exit_usage;
        }
    }
    if (!w->close()) {
        std::fprintf(stderr, "mipgate-mn: write error on %s\n", o.out.c_str());
        return exit_usage;
    }
    std::printf("mipgate-mn: wrote %u %sRtSolPr(s) from %u CGA(s) to %s; replay within TIMESTAMP_DELTA (300 s)\n",
                o.count, f.variant == rtsolpr_variant::valid ? "signed " : "invalid ", o.mns, o.out.c_str());
    return exit_ok;
}

} // namespace mipgate::mn
