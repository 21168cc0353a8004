// CPS → CPA (RFC 3971 §6.4.1–6.4.2) on the control lcore: no RSA work, so no signer thread.

#include "service_impl.hpp"

#include "mipgate/wire/icmpv6.hpp"
#include "mipgate/wire/send_messages.hpp"
#include "mipgate/wire/send_options.hpp"

#include <algorithm>

namespace mipgate::control {

void send_service::impl::on_cps(std::uint16_t port, const mac_addr&, const wire::ipv6_view& v, bytes_view ip) {
    counters.add(svc_counter::cps_received);
    const ipv6_addr src = v.hdr->src_addr();
    const ipv6_addr dst = v.hdr->dst_addr();
    const bytes_view icmp = v.upper(ip);
    if (v.hdr->hop_limit != 255) {
        counters.add(svc_counter::bad_hop_limit);
        return;
    }
    if (!wire::icmpv6_checksum_ok(src, dst, icmp)) {
        counters.add(svc_counter::bad_checksum);
        return;
    }
    if (icmp.size() >= 8 && wire::parse_nd_options(icmp.subspan(8)).status == wire::nd_status::zero_length) {
        counters.add(svc_counter::option_length_zero);
        return;
    }
    const auto cps = wire::parse_cps(icmp);
    // RFC 3971 §6.4.1: the source is link-local or unspecified.
    if (!cps || !(src.is_link_local() || src.is_unspecified())) {
        counters.add(svc_counter::cps_malformed);
        return;
    }
    // A CPS to one of the CGAs of a rotated-out identity (or to its solicited-node group) gets
    // that identity's path, so hosts that know only the old address can still check it.
    const std::shared_ptr<const identity_set> set = identities();
    const router_identity& as = set->for_destination(dst);
    // Trust Anchor options name the anchors the host accepts; answer only if ours is among them.
    bool named = false;
    bool match = false;
    for (const auto& o : wire::parse_nd_options(cps->options)) {
        if (o.type != wire::nd_opt_trust_anchor) {
            continue;
        }
        named = true;
        auto ta = wire::parse_trust_anchor_opt(o.raw);
        if (!ta || ta->name_type != wire::ta_name_der) {
            continue;
        }
        for (const auto& n : as.anchor_names()) {
            match = match || std::equal(n.begin(), n.end(), ta->name.begin(), ta->name.end());
        }
    }
    if (named && !match) {
        counters.add(svc_counter::cps_unknown_anchor);
        return;
    }
    const auto& certs = as.cpa_certs();
    const auto n = static_cast<std::uint16_t>(certs.size());
    std::size_t first = 0;
    std::size_t count = n;
    if (cps->component != wire::cps_all_components) {
        if (cps->component >= n) {
            counters.add(svc_counter::cps_bad_component);
            return;
        }
        first = n - 1u - cps->component; // component N-1 is sent first
        count = 1;
    }
    if (count == 0) {
        counters.add(svc_counter::cps_bad_component);
        return;
    }
    if (!cpa.take(mono_ns(), static_cast<double>(count))) {
        counters.add(svc_counter::cpa_rate_limited);
        return;
    }
    // RFC 3971 §6.4.2: to the solicited-node group of the source, or all-nodes (Identifier 0)
    // when the source was unspecified.
    const bool all_nodes = src.is_unspecified();
    const ipv6_addr to = all_nodes ? *ipv6_addr::parse("ff02::1") : solicited_node(src);
    const std::uint16_t ident = all_nodes ? 0 : cps->identifier;
    for (std::size_t i = first; i < first + count; ++i) {
        auto f = build_cpa(port, as, to, ident, n, static_cast<std::uint16_t>(n - 1u - i), certs[i]);
        if (f && emit(std::move(*f))) {
            counters.add(svc_counter::cpa_sent);
        }
    }
}

} // namespace mipgate::control
