// libFuzzer: arbitrary bytes as a SEND-protected ICMPv6 message with fixed addresses, verified
// against the router1024 fixture (its deterministic Sec 0 CGA is the source). Byte 0 selects the
// nonce rule (bits 0-1) and whether the key is given as a known key (bit 2); the rest is the
// message. Must never crash; most inputs stop at the cheap checks.

#include "mipgate/send/cga.hpp"
#include "mipgate/send/verify.hpp"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

using namespace mipgate;
using namespace mipgate::send;

namespace {

struct fixture {
    rsa_private_key key;
    ipv6_addr src;
    ipv6_addr dst = *ipv6_addr::parse("ff02::1:ff00:1");
};

const fixture& fix() {
    static fixture* f = [] {
        auto* x = new fixture;
        auto k = rsa_private_key::load_file(std::string(SEND_TEST_DATA) + "/router1024.key");
        if (!k) {
            std::abort();
        }
        x->key = std::move(k.value());
        cga_generate_request req;
        req.subnet = *ipv6_addr::parse("fe80::");
        req.public_key = x->key.public_key().spki();
        req.sec = 0;
        req.start_modifier = cga_modifier{};
        auto g = cga_generate(req, {});
        if (!g) {
            std::abort();
        }
        x->src = g->address;
        return x;
    }();
    return *f;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 1) {
        return 0;
    }
    const fixture& f = fix();
    const send_time t0 = send_seconds(1700000000);
    timestamp_cache cache(4);
    nonce_table nonces(4, send_seconds(10));
    const std::uint8_t nonce[6] = {1, 2, 3, 4, 5, 6};
    nonces.add(bytes_view(nonce, 6), t0);
    send_policy policy;
    policy.require_cga = (data[0] & 4) == 0;
    send_verifier v(policy, cache, &nonces);
    send_message m;
    m.src = f.src;
    m.dst = f.dst;
    m.icmp = bytes_view(data + 1, size - 1);
    m.nonce = static_cast<nonce_rule>(data[0] & 3);
    m.received = t0;
    m.known_key = (data[0] & 4) ? &f.key.public_key() : nullptr;
    send_verified out;
    send_reason r = v.verify(m, &out);
    static const bool debug = std::getenv("SEND_FUZZ_DEBUG") != nullptr;  // seed checks
    if (debug) {
        std::fprintf(stderr, "send_verify: %s\n", to_string(r));
    }
    return 0;
}
