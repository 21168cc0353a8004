#pragma once
// Test-side mobile node for the SEND service unit tests: builds RtSolPr / CPS with lib/wire and
// lib/send (the independent Python MN is for the end-to-end tests), and takes replies apart.

#include "eal_env.hpp"

#include "mipgate/control/key_service.hpp"
#include "mipgate/control/router_identity.hpp"
#include "mipgate/control/send_service.hpp"
#include "mipgate/fmip/handover_key.hpp"
#include "mipgate/send/cga.hpp"
#include "mipgate/send/nonce.hpp"
#include "mipgate/send/rsa_key.hpp"
#include "mipgate/send/signature.hpp"
#include "mipgate/send/timestamp.hpp"
#include "mipgate/tables/key_table.hpp"
#include "mipgate/wire/fmip_messages.hpp"
#include "mipgate/wire/fmip_options.hpp"
#include "mipgate/wire/icmpv6.hpp"
#include "mipgate/wire/ipv6.hpp"
#include "mipgate/wire/send_messages.hpp"
#include "mipgate/wire/send_options.hpp"

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <rte_rcu_qsbr.h>

#include <cstring>
#include <fstream>
#include <unistd.h>
#include <iterator>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace ctl_test {

using namespace mipgate;
namespace ctl = mipgate::control;

inline std::string data_path(const std::string& name) { return std::string(SEND_TEST_DATA) + "/" + name; }
inline ipv6_addr addr(const char* s) { return *ipv6_addr::parse(s); }

inline send::rsa_private_key load_key(const std::string& name) {
    auto k = send::rsa_private_key::load_file(data_path(name));
    EXPECT_TRUE(k.ok());
    return std::move(k.value());
}

/// DER (PKCS#8) of a PEM private key file, for fmip::decrypt_handover_key.
inline std::vector<std::uint8_t> private_der(const std::string& name) {
    std::ifstream in(data_path(name));
    std::string pem((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
    EVP_PKEY* k = PEM_read_bio_PrivateKey(bio, nullptr, nullptr, nullptr);
    BIO_free(bio);
    std::vector<std::uint8_t> der;
    if (k != nullptr) {
        unsigned char* p = nullptr;
        const int n = i2d_PrivateKey(k, &p);
        if (n > 0) {
            der.assign(p, p + n);
            OPENSSL_free(p);
        }
        EVP_PKEY_free(k);
    }
    return der;
}

/// A mobile node: CGA key, CGA on `prefix`, HK-Encryption key.
struct mn {
    send::rsa_private_key cga_key;
    send::rsa_private_key hk_key;
    std::string hk_key_file;
    ipv6_addr address;
    std::vector<std::uint8_t> params;
    mac_addr mac;

    static mn make(const std::string& cga_key_file, const std::string& hk_key_file, const char* prefix,
                   std::uint8_t mac_last = 0x10) {
        mn m;
        m.cga_key = load_key(cga_key_file);
        m.hk_key = load_key(hk_key_file);
        m.hk_key_file = hk_key_file;
        send::cga_generate_request req;
        req.subnet = addr(prefix);
        req.public_key = m.cga_key.public_key().spki();
        req.sec = 0;
        auto g = send::cga_generate(req, {});
        EXPECT_TRUE(g.ok());
        m.address = g->address;
        m.params = g->params;
        m.mac.b = {0x02, 0x00, 0x00, 0x00, 0x00, mac_last};
        return m;
    }
};

/// How to build one RtSolPr (defaults make a good one).
struct rtsolpr_spec {
    std::uint16_t identifier = 0x1234;
    unsigned at = 1;
    std::vector<std::vector<std::uint8_t>> aps{{0x02, 0, 0, 0, 0, 0xaa}}; ///< LLA code 1 options
    bool hk_request = true;
    bool cga_option = true;
    bool timestamp = true;
    std::optional<send::send_time> ts;        ///< default: now
    std::vector<std::uint8_t> nonce;          ///< default: 6 random bytes
    std::vector<std::uint8_t> raw_before;     ///< raw options placed before the SEND options
    std::optional<ipv6_addr> src;             ///< default: the MN's CGA
    ipv6_addr dst{};                          ///< the router's link-local CGA, set by the test
    std::uint8_t hop_limit = 255;
    const send::rsa_private_key* hk_key = nullptr; ///< default: the MN's hk_key
    bool sign = true;
};

/// Writes the IPv6 header in front of an ICMPv6 message of `icmp_len` bytes built at pkt[40..]
/// and trims the buffer to the packet.
inline std::vector<std::uint8_t> finish_icmpv6_packet(std::vector<std::uint8_t> pkt, std::size_t icmp_len,
                                                      const ipv6_addr& src, const ipv6_addr& dst,
                                                      std::uint8_t hop_limit = 255) {
    wire::ipv6_fields h;
    h.payload_len = static_cast<std::uint16_t>(icmp_len);
    h.next_header = wire::nh_icmpv6;
    h.hop_limit = hop_limit;
    h.src = src;
    h.dst = dst;
    EXPECT_TRUE(wire::build_ipv6_hdr(bytes_mut(pkt).subspan(0, 40), h).ok());
    pkt.resize(40 + icmp_len);
    return pkt;
}

/// The IPv6 packet of an RtSolPr.
inline std::vector<std::uint8_t> build_rtsolpr(const mn& m, rtsolpr_spec s) {
    if (s.nonce.empty()) {
        s.nonce.resize(6);
        RAND_bytes(s.nonce.data(), 6);
    }
    const ipv6_addr src = s.src.value_or(m.address);
    std::vector<std::uint8_t> pkt(4096, 0);
    bytes_mut icmp = bytes_mut(pkt).subspan(40);
    wire::fmip_msg f;
    f.subtype = wire::fmip_subtype_rtsolpr;
    f.identifier = s.identifier;
    std::size_t len = wire::build_fmip(icmp, f).len;
    auto add = [&](wire::build_result r) {
        EXPECT_TRUE(r.ok());
        len += r.len;
    };
    add(wire::build_lla_fmip_opt(icmp.subspan(len), wire::lla_code_source, m.mac.b));
    for (const auto& ap : s.aps) {
        add(wire::build_lla_fmip_opt(icmp.subspan(len), wire::lla_code_new_ap, ap));
    }
    std::copy(s.raw_before.begin(), s.raw_before.end(), icmp.begin() + static_cast<long>(len));
    len += s.raw_before.size();
    if (s.hk_request) {
        const auto& hk = s.hk_key != nullptr ? *s.hk_key : m.hk_key;
        add(wire::build_hk_request_opt(icmp.subspan(len), static_cast<std::uint8_t>(s.at), hk.public_key().spki()));
    }
    if (s.cga_option) {
        len += send::build_cga_option(icmp.subspan(len), m.params);
    }
    if (s.timestamp) {
        len += send::build_timestamp_option(icmp.subspan(len), s.ts.value_or(send::send_time_now()));
    }
    add(wire::build_nonce_opt(icmp.subspan(len), s.nonce));
    if (s.sign) {
        len = send::append_rsa_signature(icmp, len, src, s.dst, m.cga_key);
        EXPECT_NE(len, 0u);
    } else {
        wire::icmpv6_fill_checksum(src, s.dst, icmp.subspan(0, len));
    }
    return finish_icmpv6_packet(std::move(pkt), len, src, s.dst, s.hop_limit);
}

/// A reply frame taken apart.
struct reply {
    mac_addr eth_dst;
    mac_addr eth_src;
    ipv6_addr src;
    ipv6_addr dst;
    std::uint8_t hop_limit = 0;
    std::vector<std::uint8_t> icmp;
    wire::nd_option_list opts; ///< views into icmp
    std::size_t options_offset = 8;

    const wire::nd_option* find(std::uint8_t type) const { return opts.find(type); }
    std::size_t offset_of(std::uint8_t type) const {
        const auto* o = find(type);
        return o == nullptr ? 0 : options_offset + o->offset;
    }
};

inline std::unique_ptr<reply> parse_reply(const ctl::tx_frame& f, std::size_t options_offset = 8) {
    auto r = std::make_unique<reply>();
    EXPECT_GE(f.bytes.size(), 14u + 40u + 8u);
    std::memcpy(r->eth_dst.b.data(), f.bytes.data(), 6);
    std::memcpy(r->eth_src.b.data(), f.bytes.data() + 6, 6);
    EXPECT_EQ(f.bytes[12], 0x86);
    EXPECT_EQ(f.bytes[13], 0xdd);
    const bytes_view ip = bytes_view(f.bytes).subspan(14);
    const auto v = wire::parse_ipv6(ip);
    EXPECT_TRUE(v.ok());
    EXPECT_EQ(v.upper_proto, wire::nh_icmpv6);
    r->src = v.hdr->src_addr();
    r->dst = v.hdr->dst_addr();
    r->hop_limit = v.hdr->hop_limit;
    const auto up = v.upper(ip);
    r->icmp.assign(up.begin(), up.end());
    r->options_offset = options_offset;
    r->opts = wire::parse_nd_options(bytes_view(r->icmp).subspan(options_offset));
    return r;
}

/// RCU variable for the key table (cache-line aligned, one reader thread registered).
struct rcu_var {
    explicit rcu_var(unsigned threads) {
        const std::size_t sz = rte_rcu_qsbr_get_memsize(threads);
        _mem.reset(static_cast<std::uint8_t*>(::operator new(sz, std::align_val_t(64))));
        v = reinterpret_cast<rte_rcu_qsbr*>(_mem.get());
        rte_rcu_qsbr_init(v, threads);
    }
    struct del {
        void operator()(std::uint8_t* p) const { ::operator delete(p, std::align_val_t(64)); }
    };
    std::unique_ptr<std::uint8_t, del> _mem;
    rte_rcu_qsbr* v = nullptr;
};

inline std::string tmp_path(const std::string& leaf) {
    return "/tmp/mipgate-ctl-ut-" + std::to_string(getpid()) + "-" + leaf;
}

inline config::config make_config(const std::string& key, const std::vector<std::string>& chain,
                           const std::string& anchor, const char* port_addr, const std::string& params_file) {
    config::config c;
    config::port p;
    p.name = "p0";
    p.addresses.push_back(*ipv6_prefix::parse(port_addr));
    c.ports.push_back(p);
    config::router_identity r;
    r.key_file = data_path(key);
    for (const auto& f : chain) {
        r.cert_chain.push_back(data_path(f));
    }
    r.trust_anchors.push_back(data_path(anchor));
    r.cga_sec = 1;
    r.cga_params_file = params_file;
    c.router = r;
    config::neighbor_router n;
    n.ap_id = "02:00:00:00:00:aa";
    n.nar_mac = *mac_addr::parse("02:00:00:00:01:01");
    n.nar_address = addr("2001:db8:2::1");
    n.nar_prefix = *ipv6_prefix::parse("2001:db8:2::/64");
    c.neighbor_routers.push_back(n);
    return c;
}

} // namespace ctl_test
