// MN identity: key generation, CGA generation and the state file.
//
// State file format (text, mode 0600, secret):
//   # mipgate-mn state …
//   sec N
//   ll-params HEX
//   global-params HEX            (optional)
//   <PEM PRIVATE KEY: CGA key>
//   <PEM PRIVATE KEY: HK-Encryption key>
// The addresses are recomputed from the parameters (and checked with cga_verify) on load.

#include "identity.hpp"

#include "mipgate/send/cga.hpp"

#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <sstream>
#include <sys/stat.h>
#include <unistd.h>

namespace mipgate::mn {
namespace {

constexpr const char* pem_begin = "-----BEGIN PRIVATE KEY-----";

std::string to_hex(bytes_view b) {
    static const char* digits = "0123456789abcdef";
    std::string s;
    s.reserve(b.size() * 2);
    for (auto c : b) {
        s.push_back(digits[c >> 4]);
        s.push_back(digits[c & 15]);
    }
    return s;
}

std::optional<std::vector<std::uint8_t>> from_hex(const std::string& s) {
    if (s.size() % 2 != 0) {
        return std::nullopt;
    }
    std::vector<std::uint8_t> out;
    for (std::size_t i = 0; i < s.size(); i += 2) {
        unsigned v = 0;
        if (std::sscanf(s.c_str() + i, "%2x", &v) != 1) {
            return std::nullopt;
        }
        out.push_back(static_cast<std::uint8_t>(v));
    }
    return out;
}

/// PKCS#8 PEM of a private key; the caller wipes the string.
std::string private_pem(const send::rsa_private_key& key) {
    std::string out;
    BIO* bio = BIO_new(BIO_s_secmem()); // cleansed on free
    if (bio == nullptr) {
        return out;
    }
    if (PEM_write_bio_PrivateKey(bio, key.native(), nullptr, nullptr, 0, nullptr, nullptr) == 1) {
        char* p = nullptr;
        const long n = BIO_get_mem_data(bio, &p);
        out.assign(p, static_cast<std::size_t>(n));
    }
    BIO_free(bio);
    return out;
}

void wipe_string(std::string& s) {
    if (!s.empty()) {
        OPENSSL_cleanse(s.data(), s.size());
    }
    s.clear();
}

/// Rebuilds a CGA from its parameters and checks it (so a tampered state file is refused).
result<cga_address> cga_from_params(std::vector<std::uint8_t> params, unsigned sec) {
    send::cga_params_view v;
    if (send::parse_cga_params(params, v) != send::cga_parse_status::ok) {
        return make_error(1, "state: CGA parameters do not parse");
    }
    send::cga_hash1_value h1{};
    if (!send::cga_hash1(params, h1)) {
        return make_error(1, "state: SHA-1 failed");
    }
    cga_address c;
    std::memcpy(c.address.b.data(), v.prefix.data(), 8);
    std::memcpy(c.address.b.data() + 8, h1.data(), 8);
    c.address.b[8] = static_cast<std::uint8_t>((c.address.b[8] & 0x1c) | (sec << 5));
    if (send::cga_verify(c.address, v, 7) != send::send_reason::ok) {
        return make_error(1, "state: CGA parameters do not verify");
    }
    c.params = std::move(params);
    return c;
}

ipv6_addr link_local_prefix() {
    ipv6_addr a;
    a.b[0] = 0xfe;
    a.b[1] = 0x80;
    return a;
}

bool same_prefix(const ipv6_addr& a, const ipv6_addr& b) {
    return std::memcmp(a.b.data(), b.b.data(), 8) == 0;
}

/// Reads a whole file into wiped memory; false when it does not exist or cannot be read.
bool read_private_file(const std::string& path, secret_bytes& out) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return false;
    }
    struct stat st {};
    if (::fstat(fd, &st) != 0 || st.st_size <= 0 || st.st_size > (1 << 20)) {
        ::close(fd);
        return false;
    }
    secret_bytes buf(static_cast<std::size_t>(st.st_size));
    std::size_t off = 0;
    while (off < buf.size()) {
        const ssize_t n = ::read(fd, buf.data() + off, buf.size() - off);
        if (n <= 0) {
            break;
        }
        off += static_cast<std::size_t>(n);
    }
    ::close(fd);
    if (off != buf.size()) {
        return false;
    }
    out = std::move(buf);
    return true;
}

} // namespace

result<cga_address> make_cga(const send::rsa_private_key& key, const ipv6_addr& prefix, unsigned sec) {
    send::cga_generate_request req;
    req.subnet = prefix;
    req.public_key = key.public_key().spki();
    req.sec = sec;
    auto g = send::cga_generate(req, {});
    if (!g) {
        return make_error(1, "CGA generation failed: " + g.err().message);
    }
    return cga_address{g->address, std::move(g->params)};
}

result<identity> generate_identity(const identity_request& req) {
    identity id;
    auto ck = send::rsa_private_key::generate(req.bits);
    if (!ck) {
        return make_error(2, "RSA key generation failed: " + ck.err().message);
    }
    auto hk = send::rsa_private_key::generate(req.bits);
    if (!hk) {
        return make_error(2, "RSA key generation failed: " + hk.err().message);
    }
    id.cga_key = std::move(ck.value());
    id.hk_key = std::move(hk.value());
    auto ll = make_cga(id.cga_key, link_local_prefix(), req.sec);
    if (!ll) {
        return ll.err();
    }
    id.link_local = std::move(ll.value());
    if (req.global_prefix) {
        auto g = make_cga(id.cga_key, *req.global_prefix, req.sec);
        if (!g) {
            return g.err();
        }
        id.global = std::move(g.value());
    }
    return id;
}

result<void> save_identity(const std::string& path, const identity& id) {
    std::string text = "# mipgate-mn state: SECRET (private keys); keep it 0600\n";
    text += "sec " + std::to_string(send::cga_sec(id.link_local.address)) + "\n";
    text += "ll-params " + to_hex(id.link_local.params) + "\n";
    if (id.global) {
        text += "global-params " + to_hex(id.global->params) + "\n";
    }
    std::string k1 = private_pem(id.cga_key);
    std::string k2 = private_pem(id.hk_key);
    if (k1.empty() || k2.empty()) {
        wipe_string(k1);
        wipe_string(k2);
        return make_error(2, "cannot encode the private keys");
    }
    text += k1;
    text += k2;
    wipe_string(k1);
    wipe_string(k2);
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) {
        wipe_string(text);
        return make_error(2, "cannot write " + path + ": " + std::strerror(errno));
    }
    (void)::fchmod(fd, 0600);
    std::size_t off = 0;
    bool ok = true;
    while (off < text.size()) {
        const ssize_t n = ::write(fd, text.data() + off, text.size() - off);
        if (n <= 0) {
            ok = false;
            break;
        }
        off += static_cast<std::size_t>(n);
    }
    ok = (::close(fd) == 0) && ok;
    wipe_string(text);
    if (!ok) {
        return make_error(2, "cannot write " + path);
    }
    return {};
}

result<identity> load_or_create(const std::string& path, const identity_request& req, bool& created) {
    created = false;
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0 && errno == ENOENT) {
        auto id = generate_identity(req);
        if (!id) {
            return id;
        }
        if (auto s = save_identity(path, *id); !s) {
            return s.err();
        }
        created = true;
        return id;
    }
    secret_bytes file;
    if (!read_private_file(path, file)) {
        return make_error(2, "cannot read " + path);
    }
    const std::string_view text(reinterpret_cast<const char*>(file.data()), file.size());
    identity id;
    unsigned sec = 0;
    std::optional<std::vector<std::uint8_t>> ll_params;
    std::optional<std::vector<std::uint8_t>> gl_params;
    {
        std::istringstream lines(std::string(text.substr(0, text.find(pem_begin)))); // no secrets here
        std::string line;
        while (std::getline(lines, line)) {
            std::istringstream ls(line);
            std::string k;
            std::string v;
            ls >> k >> v;
            if (k == "sec") {
                sec = static_cast<unsigned>(std::atoi(v.c_str()));
            } else if (k == "ll-params") {
                ll_params = from_hex(v);
            } else if (k == "global-params") {
                gl_params = from_hex(v);
            }
        }
    }
    const auto first = text.find(pem_begin);
    const auto second = first == std::string::npos ? first : text.find(pem_begin, first + 1);
    if (second == std::string::npos || !ll_params) {
        return make_error(2, path + ": not a mipgate-mn state file");
    }
    const auto k1v = text.substr(first, second - first);
    const auto k2v = text.substr(second);
    auto k1 = send::rsa_private_key::from_bytes(
        bytes_view(reinterpret_cast<const std::uint8_t*>(k1v.data()), k1v.size()));
    auto k2 = send::rsa_private_key::from_bytes(
        bytes_view(reinterpret_cast<const std::uint8_t*>(k2v.data()), k2v.size()));
    if (!k1 || !k2) {
        return make_error(2, path + ": private keys do not load");
    }
    id.cga_key = std::move(k1.value());
    id.hk_key = std::move(k2.value());
    if (id.cga_key.bits() != req.bits || id.hk_key.bits() != req.bits || sec != req.sec) {
        return make_error(2, path + ": holds " + std::to_string(id.cga_key.bits()) + "-bit keys, Sec " +
                                 std::to_string(sec) + " (asked for " + std::to_string(req.bits) +
                                 " bits, Sec " + std::to_string(req.sec) + "); use another --state");
    }
    auto ll = cga_from_params(std::move(*ll_params), sec);
    if (!ll) {
        return make_error(2, path + ": " + ll.err().message);
    }
    id.link_local = std::move(ll.value());
    bool dirty = false;
    if (gl_params) {
        auto g = cga_from_params(std::move(*gl_params), sec);
        if (!g) {
            return make_error(2, path + ": " + g.err().message);
        }
        id.global = std::move(g.value());
    }
    if (req.global_prefix && (!id.global || !same_prefix(id.global->address, *req.global_prefix))) {
        auto g = make_cga(id.cga_key, *req.global_prefix, req.sec);
        if (!g) {
            return g.err();
        }
        id.global = std::move(g.value());
        dirty = true;
    }
    // The key must be the one in the parameters (a state file mixing keys is refused).
    send::cga_params_view v;
    if (send::parse_cga_params(id.link_local.params, v) != send::cga_parse_status::ok ||
        !std::equal(v.public_key.begin(), v.public_key.end(), id.cga_key.public_key().spki().begin(),
                    id.cga_key.public_key().spki().end())) {
        return make_error(2, path + ": CGA parameters are not of the CGA key");
    }
    if (dirty) {
        if (auto s = save_identity(path, id); !s) {
            return s.err();
        }
    }
    return id;
}

result<secret_bytes> private_key_der(const send::rsa_private_key& key) {
    unsigned char* p = nullptr;
    const int n = i2d_PrivateKey(key.native(), &p);
    if (n <= 0 || p == nullptr) {
        return make_error(2, "cannot encode the HK-Encryption key");
    }
    secret_bytes out(bytes_view(p, static_cast<std::size_t>(n)));
    OPENSSL_clear_free(p, static_cast<std::size_t>(n));
    return out;
}

} // namespace mipgate::mn
