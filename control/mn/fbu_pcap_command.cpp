// `mipgate-mn fbu-pcap`: line-rate FBU traffic for a PAR (issue 7 item 5). For M mobile nodes it
// draws a PCoA on --prefix and an NCoA on --ncoa-prefix, a handover key per PCoA (CSPRNG, AT
// --at), writes N FBUs cycling over them (HAO = PCoA, Alternate CoA = NCoA, BADF SPI 0, the
// authenticator by lib/fmip, MH checksum over the HAO), the key file mipgate preloads
// (handover_keys.preload_file; mode 0600) and, with --data, UDP packets from --cn to the PCoAs
// (what the PAR tunnels once the bindings exist). The PCoAs need not be CGAs: a preloaded key is
// indexed by the address alone, exactly as the PAR looks it up (RFC 5269 §3.5).

#include "commands.hpp"
#include "messages.hpp"
#include "pcap_writer.hpp"

#include "mipgate/fmip/at.hpp"
#include "mipgate/fmip/badf.hpp"
#include "mipgate/fmip/badf_mh.hpp"
#include "mipgate/fmip/handover_key.hpp"
#include "mipgate/fmip/key_file.hpp"
#include "mipgate/wire/checksum.hpp"
#include "mipgate/wire/ipv6.hpp"
#include "mipgate/wire/mh.hpp"

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include <cstdio>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

namespace mipgate::mn {

namespace {

struct fbu_mn {
    ipv6_addr pcoa;
    ipv6_addr ncoa;
    secret_bytes key;
};

/// prefix(64) | random interface id with u/g bits cleared.
bool random_address(const ipv6_addr& prefix, ipv6_addr& out) {
    out = prefix;
    if (RAND_bytes(out.b.data() + 8, 8) != 1) {
        return false;
    }
    out.b[8] &= 0xfc;
    return true;
}

/// Writes the key file with mode 0600 from the start (never world-readable, not even briefly).
bool write_key_file(const std::string& path, const std::vector<fbu_mn>& mns, unsigned at, unsigned lifetime) {
    const int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0 || fchmod(fd, 0600) != 0) {
        if (fd >= 0) {
            close(fd);
        }
        return false;
    }
    bool ok = true;
    const std::string head = "# mipgate handover-key preload file (mipgate-mn fbu-pcap): <cga> <at> <key> [lifetime]\n";
    ok = write(fd, head.data(), head.size()) == static_cast<ssize_t>(head.size());
    for (const auto& m : mns) {
        std::string line = fmip::format_key_file_line(m.pcoa, at, m.key.view(),
                                                      lifetime > 0 ? std::optional<std::uint32_t>(lifetime)
                                                                   : std::nullopt);
        ok = ok && write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size());
        OPENSSL_cleanse(line.data(), line.size());
    }
    return close(fd) == 0 && ok;
}

/// IPv6 + Destination Options (HAO) + FBU with Alternate CoA and BADF.
std::vector<std::uint8_t> build_fbu(const fbu_mn& m, const fmip::badf_key& key, const ipv6_addr& par,
                                    std::uint16_t seq, std::uint16_t lifetime, bool corrupt_mac) {
    std::uint8_t mhbuf[128]{};
    wire::mh_writer w(bytes_mut(mhbuf, sizeof(mhbuf)));
    w.bu(wire::bu_msg{seq, static_cast<std::uint16_t>(wire::bu_flag_a | wire::bu_flag_h), lifetime},
         wire::mh_type_fbu);
    w.alt_coa(m.ncoa);
    const std::size_t auth = w.badf(0, key.auth_len());
    const auto len = w.finish();
    if (!len || auth == 0) {
        return {};
    }
    const bytes_mut mh(mhbuf, len.len);
    if (!fmip::sign_mh_badf(key, m.ncoa, par, mh, auth)) {
        return {};
    }
    if (corrupt_mac) {
        mhbuf[auth] ^= 0x01;
    }
    wire::mh_fill_checksum(m.pcoa, par, mh); // the HAO's address is the pseudo-header source
    constexpr std::size_t ip = 40;
    constexpr std::size_t dopt = 24;
    std::vector<std::uint8_t> pkt(ip + dopt + len.len);
    wire::ipv6_fields h;
    h.payload_len = static_cast<std::uint16_t>(dopt + len.len);
    h.next_header = wire::nh_dstopts;
    h.hop_limit = 64;
    h.src = m.pcoa;
    h.dst = par;
    if (!wire::build_ipv6_hdr(bytes_mut(pkt).subspan(0, ip), h) ||
        !wire::build_hao_dstopts(bytes_mut(pkt).subspan(ip, dopt), wire::nh_mh, m.pcoa)) {
        return {};
    }
    std::copy(mhbuf, mhbuf + len.len, pkt.begin() + ip + dopt);
    return pkt;
}

/// IPv6 + UDP (64 bytes of payload) from `cn` to `pcoa`.
std::vector<std::uint8_t> build_udp(const ipv6_addr& cn, const ipv6_addr& pcoa, std::uint16_t n) {
    constexpr std::size_t payload = 64;
    std::vector<std::uint8_t> pkt(40 + 8 + payload);
    wire::ipv6_fields h;
    h.payload_len = 8 + payload;
    h.next_header = wire::nh_udp;
    h.hop_limit = 64;
    h.src = cn;
    h.dst = pcoa;
    if (!wire::build_ipv6_hdr(bytes_mut(pkt).subspan(0, 40), h)) {
        return {};
    }
    std::uint8_t* u = pkt.data() + 40;
    store_be16(u, 10000);
    store_be16(u + 2, 9);          // discard
    store_be16(u + 4, 8 + payload);
    store_be16(u + 8, n);          // sequence in the first payload bytes
    const std::uint16_t c = wire::pseudo_checksum(cn, pcoa, wire::nh_udp, bytes_view(u, 8 + payload));
    store_be16(u + 6, c == 0 ? 0xffff : c); // RFC 8200 §8.1: UDP never sends 0
    return pkt;
}

} // namespace

int run_fbu_pcap(const options& o) {
    std::vector<fbu_mn> mns;
    std::vector<fmip::badf_key> keys;
    mns.reserve(o.mns);
    keys.reserve(o.mns);
    for (unsigned i = 0; i < o.mns; ++i) {
        fbu_mn m;
        if (!random_address(*o.prefix, m.pcoa) || !random_address(*o.ncoa_prefix, m.ncoa)) {
            std::fprintf(stderr, "mipgate-mn: CSPRNG failed\n");
            return exit_usage;
        }
        auto k = fmip::generate_handover_key(o.at);
        if (!k) {
            std::fprintf(stderr, "mipgate-mn: %s\n", k.err().message.c_str());
            return exit_usage;
        }
        m.key = std::move(k.value());
        auto bk = fmip::badf_key::create(o.at, m.key.view());
        if (!bk) {
            std::fprintf(stderr, "mipgate-mn: %s\n", bk.err().message.c_str());
            return exit_usage;
        }
        keys.push_back(std::move(bk.value()));
        mns.push_back(std::move(m));
    }
    // no-key: the FBUs are signed with keys mipgate will not hold (the key file names other PCoAs).
    std::vector<fbu_mn> filed;
    if (o.invalid == invalid_kind::no_key) {
        for (const auto& m : mns) {
            fbu_mn other;
            if (!random_address(*o.prefix, other.pcoa)) {
                return exit_usage;
            }
            other.key = secret_bytes(m.key.view());
            filed.push_back(std::move(other));
        }
    }
    if (!write_key_file(o.keys_out, o.invalid == invalid_kind::no_key ? filed : mns, o.at, 0)) {
        std::fprintf(stderr, "mipgate-mn: cannot write %s\n", o.keys_out.c_str());
        return exit_usage;
    }
    auto w = pcap_writer::create(o.out);
    if (!w) {
        std::fprintf(stderr, "mipgate-mn: %s\n", w.err().message.c_str());
        return exit_usage;
    }
    for (unsigned n = 0; n < o.count; ++n) {
        const unsigned i = n % o.mns;
        mac_addr src_mac = o.mac;
        src_mac.b[4] = static_cast<std::uint8_t>(src_mac.b[4] + (i >> 8));
        src_mac.b[5] = static_cast<std::uint8_t>(src_mac.b[5] + i);
        const auto seq = static_cast<std::uint16_t>(1 + n / o.mns);
        const auto pkt = build_fbu(mns[i], keys[i], *o.par, seq, static_cast<std::uint16_t>(o.lifetime),
                                   o.invalid == invalid_kind::bad_mac);
        if (pkt.empty() || !w->write(eth_frame(*o.router_mac, src_mac, pkt))) {
            std::fprintf(stderr, "mipgate-mn: cannot build/write FBU %u\n", n);
            return exit_usage;
        }
    }
    if (!w->close()) {
        std::fprintf(stderr, "mipgate-mn: write error on %s\n", o.out.c_str());
        return exit_usage;
    }
    if (!o.data_out.empty()) {
        auto d = pcap_writer::create(o.data_out);
        if (!d) {
            std::fprintf(stderr, "mipgate-mn: %s\n", d.err().message.c_str());
            return exit_usage;
        }
        const mac_addr cn_mac{{0x02, 0x00, 0x00, 0x00, 0xc0, 0x01}};
        for (unsigned n = 0; n < o.count; ++n) {
            const auto pkt = build_udp(*o.cn, mns[n % o.mns].pcoa, static_cast<std::uint16_t>(n));
            if (pkt.empty() || !d->write(eth_frame(*o.router_mac, cn_mac, pkt))) {
                std::fprintf(stderr, "mipgate-mn: cannot build/write data packet %u\n", n);
                return exit_usage;
            }
        }
        if (!d->close()) {
            std::fprintf(stderr, "mipgate-mn: write error on %s\n", o.data_out.c_str());
            return exit_usage;
        }
    }
    std::printf("mipgate-mn: wrote %u %sFBU(s) for %u PCoA(s) to %s, keys (AT %u) to %s%s%s\n", o.count,
                o.invalid == invalid_kind::none ? "" : "invalid ", o.mns, o.out.c_str(), o.at, o.keys_out.c_str(),
                o.data_out.empty() ? "" : ", data to ", o.data_out.c_str());
    return exit_ok;
}

} // namespace mipgate::mn
