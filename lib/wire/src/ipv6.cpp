#include "mipgate/wire/ipv6.hpp"

#include "writer.hpp"

namespace mipgate::wire {
namespace {

struct walk_state {
    bool seen_rh = false;
    bool seen_frag = false;
    std::uint8_t dst_count = 0;
};

ipv6_view fail(ipv6_view v, ipv6_status s, std::size_t at) noexcept {
    v.status = s;
    v.error_offset = static_cast<std::uint16_t>(at);
    return v;
}

// Walks the option TLVs of a Hop-by-Hop or Destination Options header occupying [off, end_hdr).
// Returns ok or the failure status; records the HAO and the first unknown non-skippable option.
ipv6_status walk_options(bytes_view pkt, std::size_t off, std::size_t end_hdr, bool is_dst,
                         const walk_state& st, ipv6_view& v, std::size_t& err_at) noexcept {
    std::size_t p = off + 2;
    while (p < end_hdr) {
        const std::uint8_t type = pkt[p];
        if (type == ipv6_opt_pad1) {
            ++p;
            continue;
        }
        if (end_hdr - p < 2) {
            err_at = p;
            return ipv6_status::bad_ext_header;
        }
        const std::size_t len = pkt[p + 1];
        if (end_hdr - p - 2 < len) {
            err_at = p;
            return ipv6_status::bad_ext_header;
        }
        if (type == ipv6_opt_home_address) {
            // RFC 6275 §6.3: only in a Destination Options header, after any Routing header
            // and before a Fragment header; length 16; one per packet.
            if (!is_dst || len != 16 || v.home_address || st.seen_frag) {
                err_at = p;
                return ipv6_status::bad_hao;
            }
            v.home_address = ipv6_addr::from_bytes(&pkt[p + 2]);
            v.hao_offset = static_cast<std::uint16_t>(p + 2);
        } else if (type != ipv6_opt_padn && (type >> 6) != 0 && v.unknown_opt_offset == 0) {
            v.unknown_opt_type = type;
            v.unknown_opt_offset = static_cast<std::uint16_t>(p);
        }
        p += 2 + len;
    }
    return ipv6_status::ok;
}

} // namespace

ipv6_view parse_ipv6(bytes_view pkt) noexcept {
    ipv6_view v;
    if (pkt.size() < sizeof(ipv6_hdr)) {
        return fail(v, ipv6_status::truncated, 0);
    }
    const auto* hdr = reinterpret_cast<const ipv6_hdr*>(pkt.data());
    v.hdr = hdr;
    if (hdr->version() != 6) {
        return fail(v, ipv6_status::bad_version, 0);
    }
    const std::size_t end = sizeof(ipv6_hdr) + hdr->payload_len.get();
    if (end > pkt.size()) {
        return fail(v, ipv6_status::bad_payload_length, 4);
    }
    v.end = static_cast<std::uint32_t>(end);

    walk_state st;
    std::uint8_t nh = hdr->next_header;
    std::size_t off = sizeof(ipv6_hdr);
    for (;;) {
        const bool is_ext =
            nh == nh_hopopt || nh == nh_dstopts || nh == nh_routing || nh == nh_fragment;
        if (!is_ext) {
            break;
        }
        if (v.ext_count >= ipv6_max_ext_headers) {
            return fail(v, ipv6_status::too_many_ext, off);
        }
        if (end - off < 8) {
            return fail(v, ipv6_status::truncated, off);
        }
        const std::uint8_t next = pkt[off];
        std::size_t len = 8;
        if (nh == nh_hopopt || nh == nh_dstopts) {
            len = (std::size_t{pkt[off + 1]} + 1) * 8;
            if (end - off < len) {
                return fail(v, ipv6_status::truncated, off);
            }
            if (nh == nh_hopopt && off != sizeof(ipv6_hdr)) {
                // RFC 8200 §4.3: Hop-by-Hop only immediately after the IPv6 header.
                return fail(v, ipv6_status::bad_ext_header, off);
            }
            if (nh == nh_dstopts && ++st.dst_count > 2) {
                return fail(v, ipv6_status::bad_ext_header, off);
            }
            std::size_t err_at = off;
            const ipv6_status s =
                walk_options(pkt, off, off + len, nh == nh_dstopts, st, v, err_at);
            if (s != ipv6_status::ok) {
                return fail(v, s, err_at);
            }
        } else if (nh == nh_routing) {
            len = (std::size_t{pkt[off + 1]} + 1) * 8;
            if (end - off < len) {
                return fail(v, ipv6_status::truncated, off);
            }
            if (st.seen_rh || st.seen_frag) {
                return fail(v, ipv6_status::bad_ext_header, off);
            }
            st.seen_rh = true;
            if (v.home_address) {
                // The HAO must follow the Routing header (RFC 6275 §6.3).
                return fail(v, ipv6_status::bad_hao, v.hao_offset - 2u);
            }
            if (pkt[off + 2] == ipv6_routing_type2) {
                if (pkt[off + 1] != 2 || pkt[off + 3] != 1) {
                    return fail(v, ipv6_status::bad_rh2, off);
                }
                v.rh2_address = ipv6_addr::from_bytes(&pkt[off + 8]);
                v.rh2_offset = static_cast<std::uint16_t>(off + 8);
            }
        } else { // fragment
            if (st.seen_frag) {
                return fail(v, ipv6_status::bad_ext_header, off);
            }
            st.seen_frag = true;
            v.is_fragment = true;
            const std::uint16_t of = load_be16(&pkt[off + 2]);
            v.frag_offset = static_cast<std::uint16_t>(of >> 3);
            v.frag_more = (of & 1) != 0;
        }
        ++v.ext_count;
        off += len;
        nh = next;
        if (v.is_fragment && v.frag_offset != 0) {
            break; // later fragments carry no headers
        }
    }
    v.upper_proto = nh;
    v.upper_offset = static_cast<std::uint16_t>(off);
    v.upper_length = static_cast<std::uint16_t>(end - off);
    v.status = ipv6_status::ok;
    return v;
}

build_result build_ipv6_hdr(bytes_mut out, const ipv6_fields& f) noexcept {
    detail::writer w(out);
    w.be32((std::uint32_t{6} << 28) | (std::uint32_t{f.traffic_class} << 20) |
           (f.flow_label & 0xfffff));
    w.be16(f.payload_len);
    w.u8(f.next_header);
    w.u8(f.hop_limit);
    w.addr(f.src);
    w.addr(f.dst);
    return w.result();
}

build_result build_hao_dstopts(bytes_mut out, std::uint8_t next_header,
                               const ipv6_addr& home_address) noexcept {
    detail::writer w(out);
    w.u8(next_header);
    w.u8(2);             // (2 + 1) * 8 = 24 bytes
    w.u8(ipv6_opt_padn); // PadN(4) puts the HAO at 8n+6
    w.u8(2);
    w.be16(0);
    w.u8(ipv6_opt_home_address);
    w.u8(16);
    w.addr(home_address);
    return w.result();
}

build_result build_rh2(bytes_mut out, std::uint8_t next_header,
                       const ipv6_addr& home_address) noexcept {
    detail::writer w(out);
    w.u8(next_header);
    w.u8(2);
    w.u8(ipv6_routing_type2);
    w.u8(1);
    w.be32(0);
    w.addr(home_address);
    return w.result();
}

} // namespace mipgate::wire
