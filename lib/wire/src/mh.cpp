#include "mipgate/wire/mh.hpp"

#include "mipgate/wire/checksum.hpp"
#include "mipgate/wire/ipv6.hpp"

#include <cstring>

namespace mipgate::wire {

std::uint16_t mh_checksum(const ipv6_addr& src_or_hoa, const ipv6_addr& dst,
                          bytes_view mh) noexcept {
    return pseudo_checksum(src_or_hoa, dst, nh_mh, mh);
}

bool mh_fill_checksum(const ipv6_addr& src_or_hoa, const ipv6_addr& dst, bytes_mut mh) noexcept {
    if (mh.size() < sizeof(mh_hdr)) {
        return false;
    }
    mh[4] = 0;
    mh[5] = 0;
    store_be16(&mh[4], mh_checksum(src_or_hoa, dst, mh));
    return true;
}

std::size_t mh_fixed_len(std::uint8_t type) noexcept {
    switch (type) {
    case mh_type_brr:
        return 2;
    case mh_type_hoti:
    case mh_type_coti:
        return 10;
    case mh_type_hot:
    case mh_type_cot:
        return 18;
    case mh_type_bu:
    case mh_type_ba:
    case mh_type_fbu:
    case mh_type_fback:
        return 6;
    case mh_type_be:
        return 18;
    default:
        return 0;
    }
}

const mh_option* mh_option_list::find(std::uint8_t type) const noexcept {
    for (std::size_t i = 0; i < count; ++i) {
        if (opts[i].type == type) {
            return &opts[i];
        }
    }
    return nullptr;
}

namespace {

// Option data length rules; true when acceptable.
bool option_length_ok(std::uint8_t type, std::size_t len) noexcept {
    switch (type) {
    case mh_opt_bra:
        return len == 2;
    case mh_opt_alt_coa:
        return len == 16;
    case mh_opt_nonce_indices:
        return len == 4;
    case mh_opt_bad:
        return len == 12;
    case mh_opt_lla:
        return len >= 1;
    case mh_opt_dns_update:
        return len >= 2;
    case mh_opt_badf:
        return len > 4; // SPI + a non-empty authenticator
    default:
        return true;
    }
}

mh_view fail(mh_view v, wire_status s, std::size_t at) noexcept {
    v.status = s;
    v.error_offset = static_cast<std::uint16_t>(at);
    return v;
}

} // namespace

mh_view parse_mh(bytes_view mh) noexcept {
    mh_view v;
    if (mh.size() >= 3) {
        v.type = mh[2];
    }
    if (mh.size() < 8) {
        return fail(v, wire_status::truncated, 0);
    }
    v.payload_proto = mh[0];
    v.checksum = load_be16(&mh[4]);
    const std::size_t total = (std::size_t{mh[1]} + 1) * 8;
    if (total > mh.size()) {
        return fail(v, wire_status::truncated, 1);
    }
    if (total < mh.size()) {
        return fail(v, wire_status::bad_length, 1);
    }
    v.mh = mh;
    const std::size_t fixed = mh_fixed_len(v.type);
    if (fixed == 0) {
        return fail(v, wire_status::bad_type, 2);
    }
    if (sizeof(mh_hdr) + fixed > total) {
        return fail(v, wire_status::bad_length, 1);
    }
    v.data = mh.subspan(sizeof(mh_hdr), fixed);
    v.options_offset = static_cast<std::uint16_t>(sizeof(mh_hdr) + fixed);

    std::uint64_t seen = 0; // option types < 64 already listed
    bool closed = false;    // BAD or BADF seen: only padding may follow
    std::size_t p = v.options_offset;
    while (p < total) {
        const std::uint8_t t = mh[p];
        if (t == mh_opt_pad1) {
            ++p;
            continue;
        }
        if (total - p < 2) {
            return fail(v, wire_status::truncated, p);
        }
        const std::size_t len = mh[p + 1];
        if (len > total - p - 2) {
            return fail(v, wire_status::truncated, p);
        }
        if (t == mh_opt_padn) {
            p += 2 + len;
            continue;
        }
        if (closed) {
            return fail(v, wire_status::not_last, p);
        }
        if (!option_length_ok(t, len)) {
            return fail(v, wire_status::bad_length, p);
        }
        // BAD sits at 8n+2 (RFC 6275 §6.2.7); BADF, being last, must end the MH on 8n: 8n+6 for
        // a 12-byte authenticator (AT 0), 8n+2 for a 16-byte one (AT 1) (docs/architecture.md).
        if ((t == mh_opt_bad && p % 8 != 2) || (t == mh_opt_badf && (p + 2 + len) % 8 != 0)) {
            return fail(v, wire_status::bad_alignment, p);
        }
        if (t < 64) {
            if (seen & (std::uint64_t{1} << t)) {
                return fail(v, wire_status::duplicate, p);
            }
            seen |= std::uint64_t{1} << t;
        }
        if (v.options.count == mh_max_options) {
            return fail(v, wire_status::bad_options, p);
        }
        v.options.opts[v.options.count++] =
            mh_option{t, static_cast<std::uint16_t>(p), mh.subspan(p + 2, len)};
        closed = t == mh_opt_bad || t == mh_opt_badf;
        p += 2 + len;
    }
    v.status = wire_status::ok;
    return v;
}

// ---- fixed parts ----

namespace {
template <class T>
parsed<T> wrong_type() noexcept {
    parsed<T> r;
    r.status = wire_status::bad_type;
    return r;
}
template <class T>
parsed<T> good(const T& m) noexcept {
    parsed<T> r;
    r.status = wire_status::ok;
    r.msg = m;
    return r;
}
} // namespace

parsed<bu_msg> mh_bu(const mh_view& v) noexcept {
    if (!v.ok() || (v.type != mh_type_bu && v.type != mh_type_fbu)) {
        return wrong_type<bu_msg>();
    }
    return good(bu_msg{load_be16(&v.data[0]), load_be16(&v.data[2]), load_be16(&v.data[4])});
}

parsed<ba_msg> mh_ba(const mh_view& v) noexcept {
    if (!v.ok() || (v.type != mh_type_ba && v.type != mh_type_fback)) {
        return wrong_type<ba_msg>();
    }
    return good(ba_msg{v.data[0], v.data[1], load_be16(&v.data[2]), load_be16(&v.data[4])});
}

parsed<be_msg> mh_be(const mh_view& v) noexcept {
    if (!v.ok() || v.type != mh_type_be) {
        return wrong_type<be_msg>();
    }
    return good(be_msg{v.data[0], ipv6_addr::from_bytes(&v.data[2])});
}

parsed<ti_msg> mh_ti(const mh_view& v) noexcept {
    if (!v.ok() || (v.type != mh_type_hoti && v.type != mh_type_coti)) {
        return wrong_type<ti_msg>();
    }
    ti_msg m;
    std::memcpy(m.cookie.data(), &v.data[2], 8);
    return good(m);
}

parsed<test_msg> mh_test(const mh_view& v) noexcept {
    if (!v.ok() || (v.type != mh_type_hot && v.type != mh_type_cot)) {
        return wrong_type<test_msg>();
    }
    test_msg m;
    m.nonce_index = load_be16(&v.data[0]);
    std::memcpy(m.cookie.data(), &v.data[2], 8);
    std::memcpy(m.keygen_token.data(), &v.data[10], 8);
    return good(m);
}

// ---- options ----

namespace {
template <class T>
parsed<T> opt_fail(wire_status s) noexcept {
    parsed<T> r;
    r.status = s;
    return r;
}
} // namespace

parsed<ipv6_addr> mh_alt_coa(const mh_option& o) noexcept {
    if (o.type != mh_opt_alt_coa) {
        return opt_fail<ipv6_addr>(wire_status::bad_type);
    }
    if (o.data.size() != 16) {
        return opt_fail<ipv6_addr>(wire_status::bad_length);
    }
    return good(ipv6_addr::from_bytes(o.data.data()));
}

parsed<nonce_indices_opt> mh_nonce_indices(const mh_option& o) noexcept {
    if (o.type != mh_opt_nonce_indices) {
        return opt_fail<nonce_indices_opt>(wire_status::bad_type);
    }
    if (o.data.size() != 4) {
        return opt_fail<nonce_indices_opt>(wire_status::bad_length);
    }
    return good(nonce_indices_opt{load_be16(&o.data[0]), load_be16(&o.data[2])});
}

parsed<std::uint16_t> mh_bra(const mh_option& o) noexcept {
    if (o.type != mh_opt_bra) {
        return opt_fail<std::uint16_t>(wire_status::bad_type);
    }
    if (o.data.size() != 2) {
        return opt_fail<std::uint16_t>(wire_status::bad_length);
    }
    return good(load_be16(o.data.data()));
}

parsed<dns_update_opt> mh_dns_update(const mh_option& o) noexcept {
    if (o.type != mh_opt_dns_update) {
        return opt_fail<dns_update_opt>(wire_status::bad_type);
    }
    if (o.data.size() < 2) {
        return opt_fail<dns_update_opt>(wire_status::bad_length);
    }
    return good(dns_update_opt{o.data[0], static_cast<std::uint8_t>(o.data[1] & dns_update_flag_r),
                               o.data.subspan(2)});
}

parsed<mh_lla_opt> mh_lla(const mh_option& o) noexcept {
    if (o.type != mh_opt_lla) {
        return opt_fail<mh_lla_opt>(wire_status::bad_type);
    }
    if (o.data.empty()) {
        return opt_fail<mh_lla_opt>(wire_status::bad_length);
    }
    return good(mh_lla_opt{o.data[0], o.data.subspan(1)});
}

parsed<badf_opt> mh_badf(const mh_option& o) noexcept {
    if (o.type != mh_opt_badf) {
        return opt_fail<badf_opt>(wire_status::bad_type);
    }
    if (o.data.size() <= 4) {
        return opt_fail<badf_opt>(wire_status::bad_length);
    }
    return good(badf_opt{load_be32(o.data.data()), o.data.subspan(4), o.offset,
                         static_cast<std::uint16_t>(o.offset + badf_auth_skip)});
}

// ---- writer ----

mh_writer::mh_writer(bytes_mut out) noexcept : _out(out) {}

std::uint8_t* mh_writer::take(std::size_t n) noexcept {
    if (_err != build_error::none) {
        return nullptr;
    }
    if (_out.size() - _len < n) {
        _err = build_error::no_space;
        return nullptr;
    }
    std::uint8_t* p = _out.data() + _len;
    std::memset(p, 0, n);
    _len += n;
    return p;
}

void mh_writer::head(std::uint8_t type) noexcept {
    if (_started) {
        _err = build_error::bad_argument;
        return;
    }
    _started = true;
    if (auto* p = take(sizeof(mh_hdr) + mh_fixed_len(type))) {
        p[0] = nh_none;
        p[2] = type;
    }
}

void mh_writer::brr() noexcept {
    head(mh_type_brr);
}

void mh_writer::ti(std::uint8_t type, const ti_msg& m) noexcept {
    if (type != mh_type_hoti && type != mh_type_coti) {
        _err = build_error::bad_argument;
        return;
    }
    head(type);
    if (_err == build_error::none) {
        std::memcpy(_out.data() + 8, m.cookie.data(), 8);
    }
}

void mh_writer::test(std::uint8_t type, const test_msg& m) noexcept {
    if (type != mh_type_hot && type != mh_type_cot) {
        _err = build_error::bad_argument;
        return;
    }
    head(type);
    if (_err == build_error::none) {
        store_be16(_out.data() + 6, m.nonce_index);
        std::memcpy(_out.data() + 8, m.cookie.data(), 8);
        std::memcpy(_out.data() + 16, m.keygen_token.data(), 8);
    }
}

void mh_writer::bu(const bu_msg& m, std::uint8_t type) noexcept {
    if (type != mh_type_bu && type != mh_type_fbu) {
        _err = build_error::bad_argument;
        return;
    }
    head(type);
    if (_err == build_error::none) {
        store_be16(_out.data() + 6, m.seq);
        store_be16(_out.data() + 8, m.flags);
        store_be16(_out.data() + 10, m.lifetime);
    }
}

void mh_writer::ba(const ba_msg& m, std::uint8_t type) noexcept {
    if (type != mh_type_ba && type != mh_type_fback) {
        _err = build_error::bad_argument;
        return;
    }
    head(type);
    if (_err == build_error::none) {
        _out[6] = m.status;
        _out[7] = m.flags;
        store_be16(_out.data() + 8, m.seq);
        store_be16(_out.data() + 10, m.lifetime);
    }
}

void mh_writer::be(const be_msg& m) noexcept {
    head(mh_type_be);
    if (_err == build_error::none) {
        _out[6] = m.status;
        std::memcpy(_out.data() + 8, m.home_address.b.data(), 16);
    }
}

void mh_writer::pad_to(unsigned x, unsigned y) noexcept {
    const std::size_t k = (y + x - _len % x) % x;
    if (k == 1) {
        take(1); // Pad1 is a single zero byte
    } else if (k >= 2) {
        if (auto* p = take(k)) {
            p[0] = mh_opt_padn;
            p[1] = static_cast<std::uint8_t>(k - 2);
        }
    }
}

void mh_writer::option(std::uint8_t type, bytes_view data, unsigned x, unsigned y) noexcept {
    if (!_started || _closed || data.size() > 255 || x == 0 || y >= x || type == mh_opt_pad1 ||
        type == mh_opt_padn) {
        if (_err == build_error::none) {
            _err = build_error::bad_argument;
        }
        return;
    }
    pad_to(x, y);
    if (auto* p = take(2 + data.size())) {
        p[0] = type;
        p[1] = static_cast<std::uint8_t>(data.size());
        if (!data.empty()) {
            std::memcpy(p + 2, data.data(), data.size());
        }
    }
}

void mh_writer::alt_coa(const ipv6_addr& coa) noexcept {
    option(mh_opt_alt_coa, bytes_view{coa.b}, 8, 6);
}

void mh_writer::nonce_indices(std::uint16_t home, std::uint16_t care_of) noexcept {
    std::uint8_t d[4];
    store_be16(d, home);
    store_be16(d + 2, care_of);
    option(mh_opt_nonce_indices, bytes_view{d, 4}, 2, 0);
}

void mh_writer::bra(std::uint16_t refresh_interval) noexcept {
    std::uint8_t d[2];
    store_be16(d, refresh_interval);
    option(mh_opt_bra, bytes_view{d, 2}, 2, 0);
}

void mh_writer::mh_lla(std::uint8_t code, bytes_view lla) noexcept {
    std::uint8_t d[255];
    if (lla.size() > 254) {
        _err = build_error::bad_argument;
        return;
    }
    d[0] = code;
    if (!lla.empty()) {
        std::memcpy(d + 1, lla.data(), lla.size());
    }
    option(mh_opt_lla, bytes_view{d, 1 + lla.size()});
}

void mh_writer::dns_update(std::uint8_t status, std::uint8_t flags, bytes_view fqdn) noexcept {
    std::uint8_t d[255];
    if (fqdn.size() > 253) {
        _err = build_error::bad_argument;
        return;
    }
    d[0] = status;
    d[1] = static_cast<std::uint8_t>(flags & dns_update_flag_r);
    if (!fqdn.empty()) {
        std::memcpy(d + 2, fqdn.data(), fqdn.size());
    }
    option(mh_opt_dns_update, bytes_view{d, 2 + fqdn.size()});
}

std::size_t mh_writer::badf(std::uint32_t spi, std::size_t auth_len) noexcept {
    if (auth_len == 0 || auth_len > 251 || !_started || _closed) {
        if (_err == build_error::none) {
            _err = build_error::bad_argument;
        }
        return 0;
    }
    // Last option: start where it ends the MH on 8n (8n+6 for AT 0, 8n+2 for AT 1).
    pad_to(8, (8 - (6 + auth_len) % 8) % 8);
    const std::size_t at = _len;
    if (auto* p = take(6 + auth_len)) {
        p[0] = mh_opt_badf;
        p[1] = static_cast<std::uint8_t>(4 + auth_len);
        store_be32(p + 2, spi);
        _closed = true;
        return at + badf_auth_skip;
    }
    return 0;
}

std::size_t mh_writer::bad() noexcept {
    if (!_started || _closed) {
        if (_err == build_error::none) {
            _err = build_error::bad_argument;
        }
        return 0;
    }
    pad_to(8, 2);
    const std::size_t at = _len;
    if (auto* p = take(14)) {
        p[0] = mh_opt_bad;
        p[1] = 12;
        _closed = true;
        return at + 2;
    }
    return 0;
}

build_result mh_writer::finish() noexcept {
    if (!_started && _err == build_error::none) {
        _err = build_error::bad_argument;
    }
    pad_to(8, 0);
    if (_err != build_error::none) {
        return build_result::fail(_err);
    }
    if (_len / 8 - 1 > 255) {
        return build_result::fail(build_error::bad_argument);
    }
    _out[1] = static_cast<std::uint8_t>(_len / 8 - 1);
    return build_result{_len, build_error::none};
}

} // namespace mipgate::wire
