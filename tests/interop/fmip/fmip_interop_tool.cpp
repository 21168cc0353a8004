// Interop helper for tests/interop/fmip/fmip_interop.py: runs lib/fmip on inputs the Python side
// makes, one command per stdin line, one answer per stdout line (hex). Test-only: it prints keys it
// is given, which production code never does.
//   badf   AT KEY NCOA PAR MH OFFSET          -> "auth HEX"        (badf_key::compute)
//   verify AT KEY NCOA PAR MH OFFSET AUTH     -> "verify S I O"    (single, IPsec-MB, OpenSSL engine; 1/0)
//   rsaenc SPKI KEY                           -> "ct HEX" | "error MSG"
//   rsadec PKCS8 CT EXPLEN                    -> "key HEX" | "error MSG"
//   check  SPKI_A SPKI_B                      -> "same" | "error CODE"

#include "mipgate/fmip/badf.hpp"
#include "mipgate/fmip/badf_mb.hpp"
#include "mipgate/fmip/handover_key.hpp"

#include <cstdio>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

namespace {

using namespace mipgate;
using namespace mipgate::fmip;

std::vector<std::uint8_t> unhex(const std::string& s) {
    std::vector<std::uint8_t> out;
    if (s == "-") {
        return out; // empty
    }
    for (std::size_t i = 0; i + 1 < s.size(); i += 2) {
        out.push_back(static_cast<std::uint8_t>(std::stoul(s.substr(i, 2), nullptr, 16)));
    }
    return out;
}

std::string hex(bytes_view b) {
    std::string s;
    char buf[3];
    for (const auto c : b) {
        std::snprintf(buf, sizeof(buf), "%02x", c);
        s += buf;
    }
    return s;
}

ipv6_addr addr(const std::string& h) {
    const auto b = unhex(h);
    return b.size() == 16 ? ipv6_addr::from_bytes(b.data()) : ipv6_addr{};
}

} // namespace

int main() {
    auto imb = badf_engine::create(badf_backend::ipsec_mb);
    auto ossl = badf_engine::create(badf_backend::openssl);
    if (!imb || !ossl) {
        std::cerr << "engine creation failed\n";
        return 2;
    }
    std::string line;
    while (std::getline(std::cin, line)) {
        std::istringstream in(line);
        std::string cmd;
        in >> cmd;
        if (cmd == "badf" || cmd == "verify") {
            unsigned at = 0;
            std::string key, ncoa, par, mh, auth;
            std::size_t off = 0;
            in >> at >> key >> ncoa >> par >> mh >> off;
            const auto k = badf_key::create(at, unhex(key));
            if (!k) {
                std::cout << "error " << k.err().message << '\n';
                continue;
            }
            const auto m = unhex(mh);
            if (cmd == "badf") {
                std::uint8_t out[at_max_auth_len];
                const std::size_t n = k->compute(addr(ncoa), addr(par), m, off, out);
                std::cout << "auth " << (n == 0 ? std::string("-") : hex(bytes_view(out, n))) << '\n';
            } else {
                in >> auth;
                const auto a = unhex(auth);
                badf_job j;
                j.key = &*k;
                j.ncoa = addr(ncoa);
                j.par = addr(par);
                j.mh = m;
                j.auth_offset = off;
                j.authenticator = a;
                const bool s = k->verify(j.ncoa, j.par, j.mh, off, a);
                bool i = false;
                bool o = false;
                (void)imb->verify_burst(std::span<const badf_job>(&j, 1), std::span<bool>(&i, 1));
                (void)ossl->verify_burst(std::span<const badf_job>(&j, 1), std::span<bool>(&o, 1));
                std::cout << "verify " << s << ' ' << i << ' ' << o << '\n';
            }
        } else if (cmd == "rsaenc") {
            std::string spki, key;
            in >> spki >> key;
            const auto sp = unhex(spki);
            const auto ct = encrypt_handover_key(sp, sp, unhex(key));
            if (ct) {
                std::cout << "ct " << hex(*ct) << '\n';
            } else {
                std::cout << "error " << ct.err().message << '\n';
            }
        } else if (cmd == "rsadec") {
            std::string der, ct;
            std::size_t exp_len = 0;
            in >> der >> ct >> exp_len;
            const auto key = decrypt_handover_key(unhex(der), unhex(ct), exp_len);
            if (key) {
                std::cout << "key " << hex(key->view()) << '\n';
            } else {
                std::cout << "error " << key.err().message << '\n';
            }
        } else if (cmd == "check") {
            std::string a, b;
            in >> a >> b;
            const auto r = check_same_key_params(unhex(a), unhex(b));
            if (r) {
                std::cout << "same\n";
            } else {
                std::cout << "error " << r.err().code << '\n';
            }
        } else {
            std::cout << "error unknown command\n";
        }
        std::cout.flush();
    }
    return 0;
}
