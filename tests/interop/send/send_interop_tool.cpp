// Interop helper for tests/interop/send/send_interop.py (not a product tool).
//   send_interop_tool sign <key.pem> <ns|rtsolpr> [sec]  → signs a sample message, prints key=hex lines
//   send_interop_tool verify <src> <dst> <icmp-hex>     → runs send_verifier, prints the reason,
//                                                          exit 0 only when it is ok
//   send_interop_tool cga <key.pem> <prefix> <sec>      → generates a CGA, prints address and params
//   send_interop_tool fuzzseed <key.pem> <outdir>       → seeds for fuzz_send_verify (deterministic
//                                                          Sec 0 CGA on fe80::, timestamp 1700000000)

#include "mipgate/send/cga.hpp"
#include "mipgate/send/nonce.hpp"
#include "mipgate/send/signature.hpp"
#include "mipgate/send/timestamp.hpp"
#include "mipgate/send/verify.hpp"

#include <cstdio>
#include <fstream>
#include <cstdlib>
#include <string>
#include <vector>

using namespace mipgate;
using namespace mipgate::send;

namespace {

std::string to_hex(bytes_view b) {
    static const char* d = "0123456789abcdef";
    std::string s;
    for (auto c : b) {
        s += d[c >> 4];
        s += d[c & 15];
    }
    return s;
}

std::vector<std::uint8_t> from_hex(const std::string& h) {
    std::vector<std::uint8_t> out;
    for (std::size_t i = 0; i + 1 < h.size(); i += 2) {
        out.push_back(static_cast<std::uint8_t>(std::stoul(h.substr(i, 2), nullptr, 16)));
    }
    return out;
}

int usage() {
    std::fprintf(stderr, "usage: send_interop_tool sign KEY ns|rtsolpr [SEC] | verify SRC DST HEX | "
                         "cga KEY PREFIX SEC\n");
    return 2;
}

int do_sign(const std::string& keyfile, const std::string& kind, unsigned sec) {
    auto key = rsa_private_key::load_file(keyfile);
    if (!key) {
        std::fprintf(stderr, "%s\n", key.err().message.c_str());
        return 1;
    }
    cga_generate_request req;
    req.subnet = *ipv6_addr::parse("fe80::");
    req.public_key = key->public_key().spki();
    req.sec = sec;
    auto cga = cga_generate(req, {});
    if (!cga) {
        return 1;
    }
    ipv6_addr src = cga->address;
    ipv6_addr dst;
    std::vector<std::uint8_t> m(2048, 0);
    std::size_t len = 0;
    if (kind == "ns") {
        // NS (RFC 4861 §4.3): Type 135, Code 0, Checksum, Reserved, Target; SLLA option.
        dst = *ipv6_addr::parse("ff02::1:ff00:1");
        m[0] = 135;
        ipv6_addr target = *ipv6_addr::parse("fe80::1");
        std::copy(target.b.begin(), target.b.end(), m.begin() + 8);
        len = 24;
        const std::uint8_t slla[8] = {1, 1, 0x02, 0x00, 0x5e, 0x00, 0x53, 0x01};
        std::copy(slla, slla + 8, m.begin() + static_cast<long>(len));
        len += 8;
    } else if (kind == "rtsolpr") {
        // RtSolPr (RFC 5268 §6.1.1): Type 154, Code 0, Subtype 2, Reserved, Identifier; then
        // an FMIPv6 LLA option (type 19, code 1 = new AP) — padded to 16 bytes.
        dst = *ipv6_addr::parse("fe80::1");
        m[0] = 154;
        m[4] = 2;
        m[6] = 0x12;
        m[7] = 0x34;
        len = 8;
        const std::uint8_t lla[16] = {19, 2, 1, 0x02, 0x00, 0x5e, 0x00, 0x53, 0x99};
        std::copy(lla, lla + 16, m.begin() + static_cast<long>(len));
        len += 16;
    } else {
        return usage();
    }
    len += build_cga_option(bytes_mut(m).subspan(len), cga->params);
    len += build_timestamp_option(bytes_mut(m).subspan(len), send_time_now());
    std::uint8_t nonce[6];
    nonce_table nt(1, send_seconds(10));
    if (!nt.issue(send_time_now(), nonce)) {
        return 1;
    }
    len += build_nonce_option(bytes_mut(m).subspan(len), bytes_view(nonce, 6));
    std::size_t sig_off = len;
    len = append_rsa_signature(m, len, src, dst, *key);
    if (len == 0) {
        return 1;
    }
    std::printf("src=%s\ndst=%s\nsig_offset=%zu\nicmp=%s\ncga_params=%s\nspki=%s\n", to_hex(src.b).c_str(),
                to_hex(dst.b).c_str(), sig_off, to_hex(bytes_view(m.data(), len)).c_str(),
                to_hex(cga->params).c_str(), to_hex(key->public_key().spki()).c_str());
    return 0;
}

int do_verify(const std::string& src_s, const std::string& dst_s, const std::string& hex) {
    auto src = ipv6_addr::parse(src_s);
    auto dst = ipv6_addr::parse(dst_s);
    if (!src || !dst) {
        return usage();
    }
    auto icmp = from_hex(hex);
    timestamp_cache cache(16);
    send_verifier v(send_policy{}, cache, nullptr);
    send_message msg;
    msg.src = *src;
    msg.dst = *dst;
    msg.icmp = icmp;
    msg.nonce = (!icmp.empty() && (icmp[0] == 133 || icmp[0] == 135 || icmp[0] == 154)) ? nonce_rule::required
                                                                                          : nonce_rule::none;
    msg.received = send_time_now();
    send_reason r = v.verify(msg);
    std::printf("%s\n", to_string(r));
    return r == send_reason::ok ? 0 : 1;
}

int do_cga(const std::string& keyfile, const std::string& prefix, unsigned sec) {
    auto key = rsa_private_key::load_file(keyfile);
    auto p = ipv6_addr::parse(prefix);
    if (!key || !p) {
        return usage();
    }
    cga_generate_request req;
    req.subnet = *p;
    req.public_key = key->public_key().spki();
    req.sec = sec;
    auto g = cga_generate(req, {});
    if (!g) {
        return 1;
    }
    std::printf("address=%s\nparams=%s\n", to_hex(g->address.b).c_str(), to_hex(g->params).c_str());
    return 0;
}

int do_fuzzseed(const std::string& keyfile, const std::string& outdir) {
    // Must match tests/fuzz/send/send_verify_fuzz.cpp: selector byte, then the ICMPv6 message.
    auto key = rsa_private_key::load_file(keyfile);
    if (!key) {
        return 1;
    }
    cga_generate_request req;
    req.subnet = *ipv6_addr::parse("fe80::");
    req.public_key = key->public_key().spki();
    req.sec = 0;
    req.start_modifier = cga_modifier{};
    auto cga = cga_generate(req, {});
    if (!cga) {
        return 1;
    }
    const ipv6_addr dst = *ipv6_addr::parse("ff02::1:ff00:1");
    const send_time t0 = send_seconds(1700000000);
    const std::uint8_t nonce[6] = {1, 2, 3, 4, 5, 6};
    int n = 0;
    for (std::uint8_t type : {std::uint8_t{135}, std::uint8_t{154}, std::uint8_t{136}}) {
        std::vector<std::uint8_t> m(2048, 0);
        m[0] = type;
        std::size_t len = nd_options_offset(type);
        if (type == 154) {
            m[4] = 2;
        }
        len += build_cga_option(bytes_mut(m).subspan(len), cga->params);
        len += build_timestamp_option(bytes_mut(m).subspan(len), t0);
        len += build_nonce_option(bytes_mut(m).subspan(len), bytes_view(nonce, 6));
        len = append_rsa_signature(m, len, cga->address, dst, *key);
        if (len == 0) {
            return 1;
        }
        std::ofstream f(outdir + "/signed-" + std::to_string(type) + ".bin", std::ios::binary);
        const char sel = type == 136 ? 2 : 1;  // nonce rule: echo for the NA, required otherwise
        f.write(&sel, 1);
        f.write(reinterpret_cast<const char*>(m.data()), static_cast<std::streamsize>(len));
        ++n;
    }
    std::printf("wrote %d seeds\n", n);
    return 0;
}

} // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        return usage();
    }
    std::string cmd = argv[1];
    if (cmd == "sign" && (argc == 4 || argc == 5)) {
        return do_sign(argv[2], argv[3], argc == 5 ? static_cast<unsigned>(std::atoi(argv[4])) : 1);
    }
    if (cmd == "verify" && argc == 5) {
        return do_verify(argv[2], argv[3], argv[4]);
    }
    if (cmd == "cga" && argc == 5) {
        return do_cga(argv[2], argv[3], static_cast<unsigned>(std::atoi(argv[4])));
    }
    if (cmd == "fuzzseed" && argc == 4) {
        return do_fuzzseed(argv[2], argv[3]);
    }
    return usage();
}
