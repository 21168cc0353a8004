#include "identity_rotation.hpp"

#include "mipgate/send/certpath.hpp"
#include "mipgate/send/rsa_key.hpp"

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <ctime>

namespace mipgate::app {

namespace {

std::uint64_t mono_ns() {
    return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                          std::chrono::steady_clock::now().time_since_epoch())
                                          .count());
}

/// True when the files `router` names hold the key and router certificate `cur` was loaded from,
/// and cga_sec is unchanged: then there is nothing to rotate, and no Hash2 search is spent on it.
bool same_files(const config::router_identity& router, const control::router_identity& cur) {
    auto key = send::rsa_private_key::load_file(router.key_file);
    if (!key || key->public_key().spki() != cur.key().public_key().spki() || router.cert_chain.empty() ||
        cur.path().path.empty()) {
        return false;
    }
    auto certs = send::certificate::load_file(router.cert_chain.front());
    if (!certs || certs->empty() || certs->front().der() != cur.path().path.front().der()) {
        return false;
    }
    // Sec is the top 3 bits of the interface identifier (RFC 3972 §2).
    return static_cast<unsigned>(cur.link_local().address.b[8] >> 5) == router.cga_sec;
}

} // namespace

result<rotation_result> rotate_identity(rotation_context& ctx, const config::router_identity& router) {
    if (ctx.send == nullptr || ctx.fwd == nullptr || ctx.identity == nullptr || ctx.running == nullptr) {
        return make_error(EINVAL, "rotate-identity: needs a router: section at start");
    }
    const std::shared_ptr<const control::router_identity> cur = ctx.send->identity();
    if (same_files(router, *cur)) {
        rotation_result same;
        same.router = same.previous = cur->link_local().address.to_string();
        same.addresses = ctx.send->addresses().size();
        return same;
    }
    config::config cfg = *ctx.running;
    cfg.router = router;
    auto loaded = control::router_identity::load(cfg, true);
    if (!loaded) {
        return loaded.err(); // "router identity: <file>: <reason>": the old identity keeps signing
    }
    std::shared_ptr<const control::router_identity> fresh = std::move(loaded.value());
    const std::shared_ptr<const control::router_identity> old = ctx.send->identity();
    rotation_result out;
    out.previous = old->link_local().address.to_string();
    if (fresh->same_as(*old)) {
        out.router = out.previous;
        out.addresses = ctx.send->addresses().size();
        return out;
    }

    // The FIB first: the new CGAs must be receive entries before anything is signed from them;
    // the old ones stay until retirement.
    std::vector<ipv6_addr> addrs;
    for (const auto& a : fresh->addresses()) {
        addrs.push_back(a.address);
    }
    for (const auto& a : ctx.send->addresses()) {
        if (fresh->find(a) == nullptr) {
            addrs.push_back(a);
        }
    }
    if (auto s = swap_forwarding_tables(*ctx.fwd, *ctx.running, addrs); !s) {
        return make_error(s.err().code, "rotate-identity: forwarding tables: " + s.err().message);
    }

    // Old identity's grace: router.rotation_grace_s, else until its certificate's notAfter.
    const std::int64_t now_s = static_cast<std::int64_t>(std::time(nullptr));
    std::int64_t grace_s = router.rotation_grace_s;
    if (grace_s == 0) {
        grace_s = old->not_after() > now_s ? old->not_after() - now_s : 0;
    }
    ctx.send->rotate_identity(fresh, mono_ns() + static_cast<std::uint64_t>(grace_s) * 1000000000ull);
    *ctx.identity = fresh;
    out.rotated = true;
    out.router = fresh->link_local().address.to_string();
    out.addresses = addrs.size();
    out.retiring_until = now_s + grace_s;
    for (const auto& w : fresh->warnings()) {
        std::fprintf(stderr, "mipgate: warning: router identity: %s\n", w.c_str());
    }
    std::printf("mipgate: router identity rotated: %s (was %s; answers for the old CGAs for %lld s)\n",
                out.router.c_str(), out.previous.c_str(), static_cast<long long>(grace_s));
    std::fflush(stdout);
    return out;
}

void install_retirement_swap(rotation_context& ctx) {
    if (ctx.send == nullptr) {
        return;
    }
    rotation_context* c = &ctx;
    ctx.send->on_identity_retired([c] {
        const std::vector<ipv6_addr> addrs = c->send->addresses();
        if (auto s = swap_forwarding_tables(*c->fwd, *c->running, addrs); !s) {
            // The old CGAs stay receive entries (harmless: the service no longer answers them).
            std::fprintf(stderr, "mipgate: removing retired router CGAs from the FIB: %s\n", s.err().message.c_str());
        }
    });
}

} // namespace mipgate::app
