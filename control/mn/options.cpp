// mipgate-mn argument parsing: `mipgate-mn <command> --flag value …`.

#include "options.hpp"

#include <cstdlib>
#include <cstring>

namespace mipgate::mn {
namespace {

std::optional<std::vector<std::uint8_t>> parse_hex_id(std::string s) {
    std::string h;
    for (char c : s) {
        if (c != ':' && c != '-') {
            h.push_back(c);
        }
    }
    if (h.empty() || h.size() % 2 != 0 || h.size() > 64) {
        return std::nullopt;
    }
    std::vector<std::uint8_t> out;
    for (std::size_t i = 0; i < h.size(); i += 2) {
        char* end = nullptr;
        const std::string byte = h.substr(i, 2);
        const long v = std::strtol(byte.c_str(), &end, 16);
        if (end == nullptr || *end != '\0') {
            return std::nullopt;
        }
        out.push_back(static_cast<std::uint8_t>(v));
    }
    return out;
}

bool parse_uint(const std::string& s, unsigned& out) {
    char* end = nullptr;
    const unsigned long v = std::strtoul(s.c_str(), &end, 10);
    if (s.empty() || end == nullptr || *end != '\0' || v > 0xffffffffUL) {
        return false;
    }
    out = static_cast<unsigned>(v);
    return true;
}

error usage(const std::string& what) {
    return make_error(exit_usage, what + " (see mipgate-mn --help)");
}

} // namespace

const char* usage_text() noexcept {
    return "usage:\n"
           "  mipgate-mn provision --iface IF --trust-anchor ta.pem [--router-mac MAC] [--prefix P/64]\n"
           "             [--sec 0|1] [--bits 1024|2048] [--at 0|1] [--ap-id HEX] [--state FILE]\n"
           "             [--timeout S] [--json] [--show-key]\n"
           "  mipgate-mn pcap --out FILE --count N [--mns M] [--router-mac MAC] [--router-ll ADDR]\n"
           "             [--prefix P/64] [--mac MAC] [--sec 0|1] [--bits 1024|2048] [--at 0|1]\n"
           "             [--ap-id HEX] [--invalid bad-signature|cga-mismatch]\n"
           "  mipgate-mn fbu-pcap --out FILE --keys FILE --count N --par ADDR --router-mac MAC\n"
           "             --prefix P/64 --ncoa-prefix P/64 [--mns M] [--mac MAC] [--at 0|1] [--lifetime S]\n"
           "             [--data FILE --cn ADDR] [--invalid bad-mac|no-key]\n"
           "exit: 0 success, 1 protocol failure (reason printed), 2 usage or system error\n";
}

result<options> parse_options(int argc, char** argv) {
    options o;
    if (argc < 2) {
        return usage("missing command");
    }
    o.command = argv[1];
    if (o.command == "--help" || o.command == "-h" || o.command == "help") {
        o.command = "help";
        return o;
    }
    if (o.command != "provision" && o.command != "pcap" && o.command != "fbu-pcap") {
        return usage("unknown command '" + o.command + "'");
    }
    for (int i = 2; i < argc; ++i) {
        const std::string f = argv[i];
        if (f == "--json") {
            o.json = true;
            continue;
        }
        if (f == "--show-key") {
            o.show_key = true;
            continue;
        }
        if (f == "--help" || f == "-h") {
            o.command = "help";
            return o;
        }
        if (i + 1 >= argc) {
            return usage(f + " needs a value");
        }
        const std::string v = argv[++i];
        bool ok = true;
        if (f == "--iface") {
            o.iface = v;
        } else if (f == "--trust-anchor") {
            o.trust_anchor = v;
        } else if (f == "--state") {
            o.state = v;
        } else if (f == "--out") {
            o.out = v;
        } else if (f == "--keys") {
            o.keys_out = v;
        } else if (f == "--data") {
            o.data_out = v;
        } else if (f == "--par") {
            o.par = ipv6_addr::parse(v);
            ok = o.par.has_value() && !o.par->is_multicast();
        } else if (f == "--cn") {
            o.cn = ipv6_addr::parse(v);
            ok = o.cn.has_value() && !o.cn->is_multicast();
        } else if (f == "--ncoa-prefix") {
            auto p = ipv6_prefix::parse(v);
            ok = p.has_value() && p->len == 64 && !p->addr.is_link_local() && !p->addr.is_multicast();
            if (ok) {
                o.ncoa_prefix = p->masked().addr;
            }
        } else if (f == "--lifetime") {
            ok = parse_uint(v, o.lifetime) && o.lifetime <= 65535;
        } else if (f == "--timeout") {
            char* end = nullptr;
            o.timeout_s = std::strtod(v.c_str(), &end);
            ok = end != nullptr && *end == '\0' && o.timeout_s > 0 && o.timeout_s <= 3600;
        } else if (f == "--router-mac") {
            o.router_mac = mac_addr::parse(v);
            ok = o.router_mac.has_value();
        } else if (f == "--mac") {
            auto m = mac_addr::parse(v);
            ok = m.has_value();
            if (ok) {
                o.mac = *m;
            }
        } else if (f == "--prefix") {
            auto p = ipv6_prefix::parse(v);
            ok = p.has_value() && p->len == 64 && !p->addr.is_link_local() && !p->addr.is_multicast();
            if (ok) {
                o.prefix = p->masked().addr;
            }
        } else if (f == "--router-ll") {
            o.router_ll = ipv6_addr::parse(v);
            ok = o.router_ll.has_value();
        } else if (f == "--sec") {
            ok = parse_uint(v, o.sec) && o.sec <= 1;
        } else if (f == "--bits") {
            ok = parse_uint(v, o.bits) && (o.bits == 1024 || o.bits == 2048);
        } else if (f == "--at") {
            ok = parse_uint(v, o.at) && o.at <= 1;
        } else if (f == "--count") {
            ok = parse_uint(v, o.count) && o.count >= 1 && o.count <= 10000000;
        } else if (f == "--mns") {
            ok = parse_uint(v, o.mns) && o.mns >= 1 && o.mns <= 65536;
        } else if (f == "--ap-id") {
            auto id = parse_hex_id(v);
            ok = id.has_value();
            if (ok) {
                o.ap_id = *id;
            }
        } else if (f == "--invalid") {
            o.invalid = v == "bad-signature" ? invalid_kind::bad_signature
                        : v == "cga-mismatch" ? invalid_kind::cga_mismatch
                        : v == "bad-mac"      ? invalid_kind::bad_mac
                        : v == "no-key"       ? invalid_kind::no_key
                                              : invalid_kind::none;
            ok = o.invalid != invalid_kind::none;
        } else {
            return usage("unknown option " + f);
        }
        if (!ok) {
            return usage("bad value for " + f + ": '" + v + "'");
        }
    }
    if (o.command == "provision" && (o.iface.empty() || o.trust_anchor.empty())) {
        return usage("provision needs --iface and --trust-anchor");
    }
    if (o.command == "pcap" && (o.out.empty() || o.count == 0)) {
        return usage("pcap needs --out and --count");
    }
    const bool fbu_invalid = o.invalid == invalid_kind::bad_mac || o.invalid == invalid_kind::no_key;
    if (o.command == "pcap" && fbu_invalid) {
        return usage("pcap takes --invalid bad-signature|cga-mismatch");
    }
    if (o.command == "fbu-pcap") {
        if (o.out.empty() || o.keys_out.empty() || o.count == 0 || !o.par || !o.router_mac || !o.prefix ||
            !o.ncoa_prefix) {
            return usage("fbu-pcap needs --out, --keys, --count, --par, --router-mac, --prefix and --ncoa-prefix");
        }
        if (o.invalid != invalid_kind::none && !fbu_invalid) {
            return usage("fbu-pcap takes --invalid bad-mac|no-key");
        }
        if (!o.data_out.empty() && !o.cn) {
            return usage("--data needs --cn");
        }
    }
    if (o.command == "pcap" && o.router_ll && !o.router_ll->is_multicast() && !o.router_mac) {
        return usage("--router-ll with a unicast address needs --router-mac");
    }
    return o;
}

} // namespace mipgate::mn
