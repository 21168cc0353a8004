// wire_vectors: test-only tool for the wire interop test (tests/interop/wire/wire_interop.py).
//   wire_vectors emit   → one line per message mipgate can build: "<name> <hex IPv6 packet>"
//   wire_vectors parse  → reads hex IPv6 packets (one per line) on stdin, prints one JSON object
//                         per line with what lib/wire parsed.
// Signatures/ciphertexts are filler bytes: the test judges formats, not cryptography.

#include "mipgate/wire/checksum.hpp"
#include "mipgate/wire/fmip_messages.hpp"
#include "mipgate/wire/fmip_options.hpp"
#include "mipgate/wire/icmpv6.hpp"
#include "mipgate/wire/ipv6.hpp"
#include "mipgate/wire/mh.hpp"
#include "mipgate/wire/mip6_messages.hpp"
#include "mipgate/wire/nd_messages.hpp"
#include "mipgate/wire/nd_option_codecs.hpp"
#include "mipgate/wire/nd_options.hpp"
#include "mipgate/wire/send_messages.hpp"
#include "mipgate/wire/send_options.hpp"

#include <array>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

using namespace mipgate;
using namespace mipgate::wire;

namespace {

using bytes = std::vector<std::uint8_t>;

bytes from_hex(std::string_view h) {
    bytes out;
    int hi = -1;
    for (char c : h) {
        int v = (c >= '0' && c <= '9')   ? c - '0'
                : (c >= 'a' && c <= 'f') ? c - 'a' + 10
                : (c >= 'A' && c <= 'F') ? c - 'A' + 10
                                         : -1;
        if (v < 0) {
            continue;
        }
        if (hi < 0) {
            hi = v;
        } else {
            out.push_back(static_cast<std::uint8_t>(hi * 16 + v));
            hi = -1;
        }
    }
    return out;
}

std::string hex(bytes_view b) {
    static const char* d = "0123456789abcdef";
    std::string s;
    for (auto c : b) {
        s += d[c >> 4];
        s += d[c & 15];
    }
    return s;
}

ipv6_addr A(const char* s) {
    auto a = ipv6_addr::parse(s);
    if (!a) {
        std::fprintf(stderr, "bad address %s\n", s);
        std::exit(2);
    }
    return *a;
}

void check(build_result r, const char* what) {
    if (!r.ok()) {
        std::fprintf(stderr, "build failed: %s (%d)\n", what, int(r.err));
        std::exit(2);
    }
}

// Test data: RFC 3972 Appendix A key and parameters; a self-signed P-256 certificate.
const bytes rfc3972_key =
    from_hex("305c300d06092a864886f70d0101010500034b003048024100c2c2f137305454f10bd9cea36844b530e92"
             "11a4b262b16467cb7dfba1f595c0194f275be5a4d386f2c3c2382508773c7867f9b3b9e63a09c7bc48f7a"
             "54ebefaf0203010001");
bytes cga_params() {
    auto p = from_hex("89a8a8b2e858d8b8f2633f44d2d4ce9b"
                      "fe80000000000000"
                      "00");
    p.insert(p.end(), rfc3972_key.begin(), rfc3972_key.end());
    return p;
}
const bytes test_cert =
    from_hex("3082017f30820125a00302010202143c57211b53413dcf5cdbbe65bcaad8c93ba7263e300a06082a8648c"
             "e3d040302301531"
             "13301106035504030c0a61722e6578616d706c65301e170d3236313132363132323330335a170d3336313"
             "132333132323330"
             "335a30153113301106035504030c0a61722e6578616d706c653059301306072a8648ce3d020106082a864"
             "8ce3d0301070342"
             "0004619c183b7208332aabc5de4364c6a60bd26dde587c9ea40dd02bd3f373d1b3b7891d36b2165cf9441"
             "868856fcbaa3fdd"
             "a9cbc8be6b64f544b0285237c7d6cad1a3533051301d0603551d0e0416041411b07ee81739e10fd359f2e"
             "741da4ede29a7f6"
             "f9301f0603551d2304183016801411b07ee81739e10fd359f2e741da4ede29a7f6f9300f0603551d13010"
             "1ff040530030101"
             "ff300a06082a8648ce3d040302034800304502201025a755928a47968801fe607586802395eb29a8bc72e"
             "0b1863774a6cf5e"
             "8d9f022100864fd16091161840ed56dba5600f88d2dda794dd9e20397f2fc5806c625f1dce");
const bytes ta_name = from_hex("30153113301106035504030c0a61722e6578616d706c65"); // CN=ar.example
const bytes mn_mac = from_hex("020000000001");
const bytes ap_mac = from_hex("0200000000aa");
const bytes nar_mac = from_hex("0200000000bb");
const bytes ar_mac = from_hex("020000000002");

/// Appends ND options built in place.
struct opts {
    std::array<std::uint8_t, 2048> buf{};
    std::size_t len = 0;
    bytes_mut tail() { return bytes_mut{buf}.subspan(len); }
    void add(build_result r, const char* what) {
        check(r, what);
        len += r.len;
    }
    bytes_view view() const { return bytes_view{buf.data(), len}; }
    // SEND set: CGA, Timestamp, Nonce, RSA Signature (filler signature, 1024-bit size).
    void send_set() {
        add(build_cga_opt(tail(), cga_params()), "cga");
        add(build_timestamp_opt(tail(), (std::uint64_t{1700000000} << 16) | 0x8000), "ts");
        add(build_nonce_opt(tail(), from_hex("a1a2a3a4a5a6")), "nonce");
        bytes hash(16, 0x11);
        bytes sig(128, 0x5a);
        add(build_rsa_sig_opt(tail(), hash, sig), "rsa");
    }
};

struct packet_spec {
    packet_spec(ipv6_addr s, ipv6_addr d, std::uint8_t hl,
                std::optional<ipv6_addr> h = std::nullopt,
                std::optional<ipv6_addr> r = std::nullopt)
        : src(s), dst(d), hop_limit(hl), hao(h), rh2(r) {}
    ipv6_addr src;
    ipv6_addr dst;
    std::uint8_t hop_limit = 64;
    std::optional<ipv6_addr> hao; // Destination Options with HAO
    std::optional<ipv6_addr> rh2; // type 2 Routing header
};

// IPv6 [RH2] [DstOpts HAO] + upper; fixes the upper-layer checksum.
bytes wrap(const packet_spec& p, std::uint8_t proto, bytes_view upper) {
    bytes out(40 + 48 + upper.size());
    std::size_t off = 40;
    std::uint8_t first = proto;
    if (p.hao) {
        first = nh_dstopts;
    }
    if (p.rh2) {
        check(build_rh2(bytes_mut{out}.subspan(off), p.hao ? nh_dstopts : proto, *p.rh2), "rh2");
        off += 24;
        first = nh_routing;
    }
    if (p.hao) {
        check(build_hao_dstopts(bytes_mut{out}.subspan(off), proto, *p.hao), "hao");
        off += 24;
    }
    std::copy(upper.begin(), upper.end(), out.begin() + static_cast<std::ptrdiff_t>(off));
    out.resize(off + upper.size());
    ipv6_fields f;
    f.payload_len = static_cast<std::uint16_t>(out.size() - 40);
    f.next_header = first;
    f.hop_limit = p.hop_limit;
    f.src = p.src;
    f.dst = p.dst;
    check(build_ipv6_hdr(out, f), "ipv6");
    bytes_mut up = bytes_mut{out}.subspan(off);
    const ipv6_addr cs_src = p.hao ? *p.hao : p.src;
    const ipv6_addr cs_dst = p.rh2 ? *p.rh2 : p.dst;
    if (proto == nh_icmpv6) {
        icmpv6_fill_checksum(cs_src, cs_dst, up);
    } else if (proto == nh_mh) {
        mh_fill_checksum(cs_src, cs_dst, up);
    }
    return out;
}

bytes icmp(const packet_spec& p, const std::function<build_result(bytes_mut)>& build) {
    std::array<std::uint8_t, 2048> b{};
    auto r = build(b);
    check(r, "icmp");
    return wrap(p, nh_icmpv6, bytes_view{b.data(), r.len});
}

bytes mh(const packet_spec& p, const std::function<void(mh_writer&, bytes_mut)>& build) {
    std::array<std::uint8_t, 512> b{};
    mh_writer w(b);
    std::size_t len = 0;
    build(w, b);
    auto r = w.finish();
    check(r, "mh");
    len = r.len;
    return wrap(p, nh_mh, bytes_view{b.data(), len});
}

const ipv6_addr mn_ll = A("fe80::ff:fe00:1");
const ipv6_addr ar_ll = A("fe80::ff:fe00:2");
const ipv6_addr pcoa = A("2001:db8:1::100");
const ipv6_addr par = A("2001:db8:1::1");
const ipv6_addr nar = A("2001:db8:2::1");
const ipv6_addr ncoa = A("2001:db8:2::100");
const ipv6_addr ha = A("2001:db8:a::1");
const ipv6_addr hoa = A("2001:db8:a::100");
const ipv6_addr cn = A("2001:db8:c::1");

std::vector<std::pair<std::string, bytes>> emit_all() {
    std::vector<std::pair<std::string, bytes>> v;
    auto add = [&](const char* n, bytes b) { v.emplace_back(n, std::move(b)); };

    add("rs", icmp({mn_ll, A("ff02::2"), 255}, [](bytes_mut o) {
            opts op;
            op.add(build_lla_opt(op.tail(), nd_opt_slla, mac_addr{{2, 0, 0, 0, 0, 1}}), "slla");
            return build_rs(o, rs_msg{op.view()});
        }));
    add("ra", icmp({ar_ll, A("ff02::1"), 255}, [](bytes_mut o) {
            opts op;
            op.add(build_lla_opt(op.tail(), nd_opt_slla, mac_addr{{2, 0, 0, 0, 0, 2}}), "slla");
            op.add(build_mtu_opt(op.tail(), 1500), "mtu");
            op.add(build_prefix_info_opt(
                       op.tail(), prefix_info_opt{64, prefix_flag_onlink | prefix_flag_autonomous,
                                                  86400, 14400, A("2001:db8:1::")}),
                   "pi");
            return build_ra(o, ra_msg{64, ra_flag_other, 1800, 30000, 1000, op.view()});
        }));
    add("ns", icmp({pcoa, A("ff02::1:ff00:1"), 255}, [](bytes_mut o) {
            opts op;
            op.add(build_lla_opt(op.tail(), nd_opt_slla, mac_addr{{2, 0, 0, 0, 0, 1}}), "slla");
            op.send_set();
            return build_ns(o, ns_msg{par, op.view()});
        }));
    add("na", icmp({par, pcoa, 255}, [](bytes_mut o) {
            opts op;
            op.add(build_lla_opt(op.tail(), nd_opt_tlla, mac_addr{{2, 0, 0, 0, 0, 2}}), "tlla");
            return build_na(
                o, na_msg{na_flag_router | na_flag_solicited | na_flag_override, par, op.view()});
        }));
    add("una", icmp({ncoa, A("ff02::1"), 255}, [](bytes_mut o) {
            opts op;
            op.add(build_lla_opt(op.tail(), nd_opt_tlla, mac_addr{{2, 0, 0, 0, 0, 1}}), "tlla");
            return build_na(o, na_msg{0, ncoa, op.view()});
        }));
    add("ra_naack", icmp({A("fe80::ff:fe00:3"), ncoa, 255}, [](bytes_mut o) {
            opts op;
            op.add(build_naack_opt(op.tail(),
                                   naack_opt{0, naack_use_supplied_ncoa, A("2001:db8:2::200")}),
                   "naack");
            return build_ra(o, ra_msg{64, 0, 1800, 0, 0, op.view()});
        }));
    add("rtsolpr", icmp({pcoa, ar_ll, 255}, [](bytes_mut o) {
            opts op;
            op.add(build_lla_fmip_opt(op.tail(), lla_code_source, mn_mac), "lla4");
            op.add(build_lla_fmip_opt(op.tail(), lla_code_new_ap, ap_mac), "lla1");
            op.add(build_hk_request_opt(op.tail(), 0, rfc3972_key), "hkreq");
            op.send_set();
            return build_fmip(o, fmip_msg{fmip_subtype_rtsolpr, 0, 0, 0x1234, op.view()});
        }));
    add("prrtadv", icmp({ar_ll, pcoa, 255}, [](bytes_mut o) {
            opts op;
            op.add(build_lla_fmip_opt(op.tail(), lla_code_new_ap, ap_mac), "lla1");
            op.add(build_lla_fmip_opt(op.tail(), lla_code_nar, nar_mac), "lla3");
            op.add(build_ip_addr_opt(op.tail(), ip_addr_opt{ip_addr_code_nar_ip, 128, nar}), "ip3");
            op.add(build_ip_addr_opt(op.tail(),
                                     ip_addr_opt{ip_addr_code_nar_prefix, 64, A("2001:db8:2::")}),
                   "ip4");
            op.add(build_hk_reply_opt(op.tail(), 0, 43200, bytes(128, 0xc3)), "hkrep");
            op.send_set();
            return build_fmip(o, fmip_msg{fmip_subtype_prrtadv, 0, 0, 0x1234, op.view()});
        }));
    add("hi", icmp({par, nar, 64}, [](bytes_mut o) {
            opts op;
            op.add(build_lla_fmip_opt(op.tail(), lla_code_mn, mn_mac), "lla2");
            op.add(build_ip_addr_opt(op.tail(), ip_addr_opt{ip_addr_code_pcoa, 128, pcoa}), "ip1");
            op.add(build_ip_addr_opt(op.tail(), ip_addr_opt{ip_addr_code_ncoa, 128, ncoa}), "ip2");
            return build_fmip(
                o, fmip_msg{fmip_subtype_hi, 0, hi_flag_s | hi_flag_u, 0x0101, op.view()});
        }));
    add("hack", icmp({nar, par, 64}, [](bytes_mut o) {
            opts op;
            op.add(build_ip_addr_opt(op.tail(), ip_addr_opt{ip_addr_code_ncoa, 128, ncoa}), "ip2");
            return build_fmip(
                o, fmip_msg{fmip_subtype_hack, hack_code_accepted_assigned, 0, 0x0101, op.view()});
        }));
    add("cps", icmp({mn_ll, A("ff02::2"), 255}, [](bytes_mut o) {
            opts op;
            op.add(build_trust_anchor_opt(op.tail(), ta_name_der, ta_name), "ta");
            return build_cps(o, cps_msg{0x2222, cps_all_components, op.view()});
        }));
    add("cpa", icmp({ar_ll, A("ff02::1"), 255}, [](bytes_mut o) {
            opts op;
            op.add(build_trust_anchor_opt(op.tail(), ta_name_der, ta_name), "ta");
            op.add(build_certificate_opt(op.tail(), cert_type_x509, test_cert), "cert");
            return build_cpa(o, cpa_msg{0, 1, 0, op.view()});
        }));
    // FBU from the PAR link: its MH equals protocol-facts §1.5 (authenticator copied from there).
    add("fbu", mh({pcoa, par, 64, pcoa, std::nullopt}, [](mh_writer& w, bytes_mut b) {
            w.bu(bu_msg{42, bu_flag_a | bu_flag_h, 10}, mh_type_fbu);
            w.alt_coa(ncoa);
            const std::size_t at = w.badf(0, 12);
            const bytes auth = from_hex("83e0c9adae0ba0d0230e7a2a");
            std::copy(auth.begin(), auth.end(), b.begin() + static_cast<std::ptrdiff_t>(at));
        }));
    add("fback", mh({par, ncoa, 64}, [](mh_writer& w, bytes_mut b) {
            w.ba(ba_msg{0, 0, 42, 10}, mh_type_fback);
            const std::size_t at = w.badf(0, 12);
            std::fill(b.begin() + static_cast<std::ptrdiff_t>(at),
                      b.begin() + static_cast<std::ptrdiff_t>(at + 12), 0x77);
        }));
    add("bu_dnsu", mh({ncoa, ha, 64, hoa, std::nullopt}, [](mh_writer& w, bytes_mut) {
            w.bu(bu_msg{7, bu_flag_a | bu_flag_h | bu_flag_k, 100});
            w.alt_coa(ncoa);
            const bytes fqdn = from_hex("026d6e076578616d706c6503636f6d00"); // mn.example.com
            w.dns_update(0, 0, fqdn);
        }));
    add("ba_rh2", mh({ha, ncoa, 64, std::nullopt, hoa}, [](mh_writer& w, bytes_mut) {
            w.ba(ba_msg{0, ba_flag_k, 7, 100});
            w.bra(25);
            const bytes fqdn = from_hex("026d6e076578616d706c6503636f6d00");
            w.dns_update(0, 0, fqdn);
        }));
    add("be", mh({cn, ncoa, 64}, [](mh_writer& w, bytes_mut) { w.be(be_msg{1, hoa}); }));
    add("brr", mh({cn, hoa, 64}, [](mh_writer& w, bytes_mut) { w.brr(); }));
    add("hoti", mh({hoa, cn, 64}, [](mh_writer& w, bytes_mut) {
            ti_msg t;
            t.cookie = {1, 2, 3, 4, 5, 6, 7, 8};
            w.ti(mh_type_hoti, t);
        }));
    add("coti", mh({ncoa, cn, 64}, [](mh_writer& w, bytes_mut) {
            ti_msg t;
            t.cookie = {8, 7, 6, 5, 4, 3, 2, 1};
            w.ti(mh_type_coti, t);
        }));
    add("hot", mh({cn, hoa, 64}, [](mh_writer& w, bytes_mut) {
            test_msg t;
            t.nonce_index = 0x0102;
            t.cookie = {1, 2, 3, 4, 5, 6, 7, 8};
            t.keygen_token = {9, 9, 9, 9, 9, 9, 9, 9};
            w.test(mh_type_hot, t);
        }));
    add("cot", mh({cn, ncoa, 64}, [](mh_writer& w, bytes_mut) {
            test_msg t;
            t.nonce_index = 0x0203;
            t.cookie = {8, 7, 6, 5, 4, 3, 2, 1};
            t.keygen_token = {7, 7, 7, 7, 7, 7, 7, 7};
            w.test(mh_type_cot, t);
        }));
    add("bu_nonce", mh({hoa, cn, 64}, [](mh_writer& w, bytes_mut) {
            w.bu(bu_msg{8, bu_flag_a, 50});
            w.nonce_indices(0x0102, 0x0203);
            w.bad();
        }));
    add("dhaad_req", icmp({ncoa, A("2001:db8:a::fdff:ffff:ffff:fffe"), 64}, [](bytes_mut o) {
            return build_dhaad_request(o, dhaad_request_msg{0x3333, 0});
        }));
    add("dhaad_rep", icmp({ha, ncoa, 64}, [](bytes_mut o) {
            bytes a;
            for (const auto& x : {ha, A("2001:db8:a::2")}) {
                a.insert(a.end(), x.b.begin(), x.b.end());
            }
            return build_dhaad_reply(o, dhaad_reply_msg{0x3333, 0, a});
        }));
    add("mps", icmp({ncoa, ha, 64, hoa, std::nullopt},
                    [](bytes_mut o) { return build_mps(o, mps_msg{0x4444}); }));
    add("mpa", icmp({ha, ncoa, 64, std::nullopt, hoa}, [](bytes_mut o) {
            opts op;
            op.add(build_prefix_info_opt(
                       op.tail(), prefix_info_opt{64,
                                                  prefix_flag_onlink | prefix_flag_autonomous |
                                                      prefix_flag_router,
                                                  86400, 14400, A("2001:db8:a::")}),
                   "pi");
            return build_mpa(o, mpa_msg{0x4444, mpa_flag_managed, op.view()});
        }));
    return v;
}

// ---- parse mode ----

struct json {
    std::string s = "{";
    bool first = true;
    void key(const char* k) {
        if (!first) {
            s += ",";
        }
        first = false;
        s += "\"";
        s += k;
        s += "\":";
    }
    void num(const char* k, long long v) {
        key(k);
        s += std::to_string(v);
    }
    void str(const char* k, const std::string& v) {
        key(k);
        s += "\"" + v + "\"";
    }
    void boolean(const char* k, bool v) {
        key(k);
        s += v ? "true" : "false";
    }
    void raw(const char* k, const std::string& v) {
        key(k);
        s += v;
    }
    std::string done() { return s + "}"; }
};

// ND options → JSON array of objects with decoded fields.
std::string nd_opts_json(bytes_view area, bool& ok) {
    auto l = parse_nd_options(area);
    ok = l.ok();
    std::string s = "[";
    for (std::size_t i = 0; i < l.count; ++i) {
        const auto& o = l.opts[i];
        json j;
        j.num("type", o.type);
        j.num("len", static_cast<long long>(o.raw.size()));
        switch (o.type) {
        case nd_opt_slla:
        case nd_opt_tlla: {
            auto p = parse_lla_opt(o.raw);
            j.boolean("ok", p.ok());
            if (p.ok()) {
                j.str("mac", p->mac().to_string());
            }
            break;
        }
        case nd_opt_prefix_info: {
            auto p = parse_prefix_info_opt(o.raw);
            j.boolean("ok", p.ok());
            if (p.ok()) {
                j.num("plen", p->prefix_len);
                j.num("flags", p->flags);
                j.num("valid", p->valid_lifetime);
                j.num("preferred", p->preferred_lifetime);
                j.str("prefix", p->prefix.to_string());
            }
            break;
        }
        case nd_opt_mtu: {
            auto p = parse_mtu_opt(o.raw);
            j.boolean("ok", p.ok());
            if (p.ok()) {
                j.num("mtu", p->mtu);
            }
            break;
        }
        case nd_opt_cga: {
            auto p = parse_cga_opt(o.raw);
            j.boolean("ok", p.ok());
            if (p.ok()) {
                j.num("pad", p->pad_length);
                j.str("params", hex(p->params));
            }
            break;
        }
        case nd_opt_rsa_sig: {
            auto p = parse_rsa_sig_opt(o.raw);
            j.boolean("ok", p.ok());
            if (p.ok()) {
                j.str("key_hash", hex(p->key_hash));
            }
            break;
        }
        case nd_opt_timestamp: {
            auto p = parse_timestamp_opt(o.raw);
            j.boolean("ok", p.ok());
            if (p.ok()) {
                j.num("ts", static_cast<long long>(p->value));
            }
            break;
        }
        case nd_opt_nonce: {
            auto p = parse_nonce_opt(o.raw);
            j.boolean("ok", p.ok());
            if (p.ok()) {
                j.str("nonce", hex(p->nonce));
            }
            break;
        }
        case nd_opt_trust_anchor: {
            auto p = parse_trust_anchor_opt(o.raw);
            j.boolean("ok", p.ok());
            if (p.ok()) {
                j.num("name_type", p->name_type);
                j.str("name", hex(p->name));
            }
            break;
        }
        case nd_opt_certificate: {
            auto p = parse_certificate_opt(o.raw);
            j.boolean("ok", p.ok());
            if (p.ok()) {
                j.num("cert_type", p->cert_type);
                j.str("cert", hex(p->certificate));
            }
            break;
        }
        case nd_opt_ip_addr: {
            auto p = parse_ip_addr_opt(o.raw);
            j.boolean("ok", p.ok());
            if (p.ok()) {
                j.num("code", p->code);
                j.num("plen", p->prefix_len);
                j.str("addr", p->addr.to_string());
            }
            break;
        }
        case nd_opt_lla_fmip: {
            auto p = parse_lla_fmip_opt(o.raw);
            j.boolean("ok", p.ok());
            if (p.ok()) {
                j.num("code", p->code);
                j.str("mac", p->mac().to_string());
            }
            break;
        }
        case nd_opt_naack: {
            auto p = parse_naack_opt(o.raw);
            j.boolean("ok", p.ok());
            if (p.ok()) {
                j.num("status", p->status);
                if (p->ncoa) {
                    j.str("ncoa", p->ncoa->to_string());
                }
            }
            break;
        }
        case nd_opt_hk_request: {
            auto p = parse_hk_request_opt(o.raw);
            j.boolean("ok", p.ok());
            if (p.ok()) {
                j.num("at", p->at);
                j.str("key", hex(p->public_key));
            }
            break;
        }
        case nd_opt_hk_reply: {
            auto p = parse_hk_reply_opt(o.raw);
            j.boolean("ok", p.ok());
            if (p.ok()) {
                j.num("at", p->at);
                j.num("lifetime", p->lifetime);
                j.str("key", hex(p->encrypted_key));
            }
            break;
        }
        default:
            break;
        }
        s += (i ? "," : "") + j.done();
    }
    return s + "]";
}

std::string mh_opts_json(const mh_view& v) {
    std::string s = "[";
    for (std::size_t i = 0; i < v.options.count; ++i) {
        const auto& o = v.options.opts[i];
        json j;
        j.num("type", o.type);
        j.num("offset", o.offset);
        j.num("len", static_cast<long long>(o.data.size()));
        if (o.type == mh_opt_alt_coa) {
            j.str("addr", mh_alt_coa(o)->to_string());
        } else if (o.type == mh_opt_nonce_indices) {
            j.num("home", mh_nonce_indices(o)->home);
            j.num("care_of", mh_nonce_indices(o)->care_of);
        } else if (o.type == mh_opt_bra) {
            j.num("interval", *mh_bra(o));
        } else if (o.type == mh_opt_dns_update) {
            auto d = mh_dns_update(o);
            j.num("status", d->status);
            j.num("flags", d->flags);
            j.str("fqdn", hex(d->fqdn));
        } else if (o.type == mh_opt_lla) {
            auto d = mh_lla(o);
            j.num("code", d->code);
            j.str("lla", hex(d->lla));
        } else if (o.type == mh_opt_badf) {
            auto d = mh_badf(o);
            j.num("spi", d->spi);
            j.str("auth", hex(d->authenticator));
        } else if (o.type == mh_opt_bad) {
            j.str("auth", hex(o.data));
        }
        s += (i ? "," : "") + j.done();
    }
    return s + "]";
}

std::string parse_one(bytes_view pkt) {
    json j;
    auto v = parse_ipv6(pkt);
    j.num("ipv6_status", static_cast<int>(v.status));
    if (!v.ok()) {
        return j.done();
    }
    j.num("proto", v.upper_proto);
    j.num("hop_limit", v.hdr->hop_limit);
    if (v.home_address) {
        j.str("hoa", v.home_address->to_string());
    }
    if (v.rh2_address) {
        j.str("rh2", v.rh2_address->to_string());
    }
    const ipv6_addr cs_src = v.home_address ? *v.home_address : v.hdr->src_addr();
    const ipv6_addr cs_dst = v.rh2_address ? *v.rh2_address : v.hdr->dst_addr();
    const bytes_view up = v.upper(pkt);
    if (v.upper_proto == nh_icmpv6) {
        j.boolean("csum_ok", icmpv6_checksum_ok(cs_src, cs_dst, up));
        if (up.size() < 4) {
            return j.done();
        }
        j.num("icmp_type", up[0]);
        j.num("icmp_code", up[1]);
        bytes_view options;
        bool have_opts = false;
        int st = -1;
        switch (up[0]) {
        case icmp6_rs: {
            auto p = parse_rs(up);
            st = int(p.status);
            options = p->options;
            have_opts = true;
            break;
        }
        case icmp6_ra: {
            auto p = parse_ra(up);
            st = int(p.status);
            if (p.ok()) {
                j.num("cur_hop_limit", p->cur_hop_limit);
                j.num("flags", p->flags);
                j.num("router_lifetime", p->router_lifetime);
                j.num("reachable", p->reachable_time);
                j.num("retrans", p->retrans_timer);
            }
            options = p->options;
            have_opts = true;
            break;
        }
        case icmp6_ns: {
            auto p = parse_ns(up);
            st = int(p.status);
            if (p.ok()) {
                j.str("target", p->target.to_string());
            }
            options = p->options;
            have_opts = true;
            break;
        }
        case icmp6_na: {
            auto p = parse_na(up);
            st = int(p.status);
            if (p.ok()) {
                j.str("target", p->target.to_string());
                j.num("flags", p->flags);
            }
            options = p->options;
            have_opts = true;
            break;
        }
        case icmp6_fmip: {
            auto p = parse_fmip(up);
            st = int(p.status);
            if (p.ok()) {
                j.num("subtype", p->subtype);
                j.num("flags", p->flags);
                j.num("identifier", p->identifier);
            }
            options = p->options;
            have_opts = true;
            break;
        }
        case icmp6_cps: {
            auto p = parse_cps(up);
            st = int(p.status);
            if (p.ok()) {
                j.num("identifier", p->identifier);
                j.num("component", p->component);
            }
            options = p->options;
            have_opts = true;
            break;
        }
        case icmp6_cpa: {
            auto p = parse_cpa(up);
            st = int(p.status);
            if (p.ok()) {
                j.num("identifier", p->identifier);
                j.num("all_components", p->all_components);
                j.num("component", p->component);
            }
            options = p->options;
            have_opts = true;
            break;
        }
        case icmp6_dhaad_request: {
            auto p = parse_dhaad_request(up);
            st = int(p.status);
            if (p.ok()) {
                j.num("identifier", p->identifier);
                j.num("reserved", p->reserved);
            }
            break;
        }
        case icmp6_dhaad_reply: {
            auto p = parse_dhaad_reply(up);
            st = int(p.status);
            if (p.ok()) {
                j.num("identifier", p->identifier);
                std::string a = "[";
                for (std::size_t i = 0; i < p->count(); ++i) {
                    a += (i ? ",\"" : "\"") + p->address(i).to_string() + "\"";
                }
                j.raw("addresses", a + "]");
            }
            break;
        }
        case icmp6_mps: {
            auto p = parse_mps(up);
            st = int(p.status);
            if (p.ok()) {
                j.num("identifier", p->identifier);
            }
            break;
        }
        case icmp6_mpa: {
            auto p = parse_mpa(up);
            st = int(p.status);
            if (p.ok()) {
                j.num("identifier", p->identifier);
                j.num("flags", p->flags);
            }
            options = p->options;
            have_opts = true;
            break;
        }
        default:
            break;
        }
        j.num("status", st);
        if (have_opts && st == 0) {
            bool ok = false;
            j.raw("options", nd_opts_json(options, ok));
            j.boolean("options_ok", ok);
        }
    } else if (v.upper_proto == nh_mh) {
        j.boolean("csum_ok", mh_checksum(cs_src, cs_dst, up) == 0);
        auto m = parse_mh(up);
        j.num("status", int(m.status));
        j.num("mh_type", m.type);
        if (!m.ok()) {
            return j.done();
        }
        if (auto b = mh_bu(m); b.ok()) {
            j.num("seq", b->seq);
            j.num("flags", b->flags);
            j.num("lifetime", b->lifetime);
        } else if (auto a = mh_ba(m); a.ok()) {
            j.num("mh_status", a->status);
            j.num("flags", a->flags);
            j.num("seq", a->seq);
            j.num("lifetime", a->lifetime);
        } else if (auto e = mh_be(m); e.ok()) {
            j.num("mh_status", e->status);
            j.str("home_address", e->home_address.to_string());
        } else if (auto t = mh_ti(m); t.ok()) {
            j.str("cookie", hex(t->cookie));
        } else if (auto h = mh_test(m); h.ok()) {
            j.num("nonce_index", h->nonce_index);
            j.str("cookie", hex(h->cookie));
            j.str("token", hex(h->keygen_token));
        }
        j.raw("options", mh_opts_json(m));
    }
    return j.done();
}

} // namespace

int main(int argc, char** argv) {
    const std::string mode = argc > 1 ? argv[1] : "emit";
    if (mode == "emit") {
        for (const auto& [name, b] : emit_all()) {
            std::printf("%s %s\n", name.c_str(), hex(b).c_str());
        }
        return 0;
    }
    if (mode == "parse") {
        std::string line;
        while (std::getline(std::cin, line)) {
            const auto b = from_hex(line);
            std::printf("%s\n", parse_one(b).c_str());
        }
        return 0;
    }
    std::fprintf(stderr, "usage: wire_vectors emit|parse\n");
    return 2;
}
