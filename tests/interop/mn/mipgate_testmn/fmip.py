"""FMIPv6 (RFC 5268) + RFC 5269 handover keys + SEND certificate discovery (RFC 3971 §6),
built and parsed by hand (scapy 2.5 has no classes for ICMPv6 type 154, options 27/28, FBU/FBack).

Protocol choices the RFCs leave open follow shared/design.md §4:
  AT 0 = HMAC-SHA1, First(96); AT 1 = HMAC-SHA256, First(128); BADF Option Length = 4 + auth len,
  SPI 0; authenticator over NCoA | PAR | MH (checksum 0) up to the authenticator; Lifetime in s.
"""
from __future__ import annotations

import datetime
import hashlib
import hmac
import struct
from dataclasses import dataclass, field

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa

from .send import (OPT_CERTIFICATE, OPT_TRUST_ANCHOR, decode_certificate_option,
                   decode_trust_anchor_option, trust_anchor_option)
from .wire import (NH_DSTOPTS, NH_MH, NH_NONE, Ipv6Packet, WireError, a2b,
                   ipv6_header, nd_option, parse_nd_options, set_icmp_checksum,
                   upper_layer_checksum, walk_ext_headers)

ICMP_FMIP = 154        # RFC 5268 §6.1 (IANA: FMIPv6 Messages)
ICMP_CPS = 148         # RFC 3971 §6.4.1
ICMP_CPA = 149         # RFC 3971 §6.4.2
ICMP_NS = 135
ICMP_NA = 136

SUBTYPE_RTSOLPR = 2
SUBTYPE_PRRTADV = 3

OPT_TLLA = 2           # RFC 4861 Target Link-Layer Address
OPT_IP_ADDR = 17       # RFC 5268 §6.5.1
OPT_LLA = 19           # RFC 5268 §6.5.2
OPT_HK_REQUEST = 27    # RFC 5269 §4.1
OPT_HK_REPLY = 28      # RFC 5269 §4.2

LLA_CODE_NEW_AP = 1
LLA_CODE_NAR = 3
LLA_CODE_SOURCE = 4

MH_FBU = 8
MH_FBACK = 9
MHOPT_PAD1 = 0
MHOPT_PADN = 1
MHOPT_ALT_COA = 3
MHOPT_BADF = 21
HAO_TYPE = 201

FBU_FLAG_A = 0x80
FBU_FLAG_H = 0x40

# design.md §4: AT code -> (hash, authenticator length, key length)
AT_ALGS = {0: (hashlib.sha1, 12, 20), 1: (hashlib.sha256, 16, 32)}
AT_STRENGTH = {0: 1, 1: 2}     # design §4: HMAC-SHA256 > HMAC-SHA1


# --- RFC 5268 ND options -------------------------------------------------------------------


def lla_option(code: int, lla: bytes) -> bytes:
    """LLA option (RFC 5268 §6.5.2): Type 19, Length, Option-Code, LLA, zero pad to 8n."""
    return nd_option(OPT_LLA, bytes([code]) + lla)


def ip_addr_option(code: int, prefix_len: int, addr: bytes) -> bytes:
    """IP Address/Prefix option (RFC 5268 §6.5.1): Type 17, Length 3, Option-Code,
    Prefix Length, Reserved(4), address(16)."""
    return bytes([OPT_IP_ADDR, 3, code, prefix_len]) + b"\x00" * 4 + a2b(addr)


# --- RFC 5269 Handover Key options ----------------------------------------------------------------


def hk_request_option(at: int, hk_spki: bytes) -> bytes:
    """Handover Key Request (RFC 5269 §4.1): Type 27, Length, Pad Length, AT(high 4 bits)|Resrvd,
    HK-encryption public key (DER SPKI, same format as the CGA key), zero padding."""
    pad = (-(4 + len(hk_spki))) % 8
    return bytes([OPT_HK_REQUEST, (4 + len(hk_spki) + pad) // 8, pad, (at & 0xF) << 4]) + \
        hk_spki + b"\x00" * pad


def decode_hk_request(data: bytes) -> tuple[int, bytes]:
    pad = data[2]
    end = len(data) - pad
    if end < 4:
        raise WireError("HK Request Pad Length too large")
    return data[3] >> 4, data[4:end]


def hk_reply_option(at: int, lifetime: int, encrypted: bytes) -> bytes:
    """Handover Key Reply (RFC 5269 §4.2): Type 28, Length, Pad Length, AT|Resrvd,
    Key Lifetime (16 bit, seconds), encrypted handover key, zero padding."""
    pad = (-(6 + len(encrypted))) % 8
    return bytes([OPT_HK_REPLY, (6 + len(encrypted) + pad) // 8, pad, (at & 0xF) << 4]) + \
        struct.pack("!H", lifetime) + encrypted + b"\x00" * pad


@dataclass
class HkReply:
    at: int
    lifetime: int
    encrypted: bytes


def decode_hk_reply(data: bytes) -> HkReply:
    if len(data) < 8:
        raise WireError("HK Reply too short")
    pad = data[2]
    end = len(data) - pad
    if end < 6:
        raise WireError("HK Reply Pad Length too large")
    return HkReply(data[3] >> 4, struct.unpack("!H", data[4:6])[0], data[6:end])


# --- RtSolPr / PrRtAdv (RFC 5268 §6.1) -------------------------------------------------------


def fmip_header(code: int, subtype: int, identifier: int, reserved: int = 0) -> bytes:
    """Type 154 | Code | Checksum(0 for now) | Subtype | Reserved | Identifier."""
    return struct.pack("!BBHBBH", ICMP_FMIP, code, 0, subtype, reserved, identifier)


def rtsolpr_unsigned(identifier: int, own_mac: bytes, ap_id: bytes, at: int, hk_spki: bytes | None,
                     send_opts: bytes, extra: bytes = b"") -> bytes:
    """RtSolPr (subtype 2) up to but excluding the RSA Signature option.
    Options: LLA code 4 (own LLA), LLA code 1 (new AP), HK Request, `extra`, then the SEND
    options (CGA, Timestamp, Nonce) given in `send_opts`."""
    body = fmip_header(0, SUBTYPE_RTSOLPR, identifier)
    body += lla_option(LLA_CODE_SOURCE, own_mac) + lla_option(LLA_CODE_NEW_AP, ap_id)
    if hk_spki is not None:
        body += hk_request_option(at, hk_spki)
    return body + extra + send_opts


@dataclass
class FmipMessage:
    """A parsed RtSolPr or PrRtAdv."""
    code: int
    subtype: int
    identifier: int
    llas: list = field(default_factory=list)      # (option-code, lla bytes)
    ip_addrs: list = field(default_factory=list)  # (option-code, prefix len, addr16)
    hk_request: tuple | None = None               # (at, spki)
    hk_reply: HkReply | None = None


def parse_fmip(icmp: bytes) -> FmipMessage:
    """Parse a type 154 RtSolPr/PrRtAdv; options after the first RSA Signature are ignored."""
    if len(icmp) < 8 or icmp[0] != ICMP_FMIP:
        raise WireError("not an FMIPv6 ICMPv6 message")
    m = FmipMessage(icmp[1], icmp[4], struct.unpack("!H", icmp[6:8])[0])
    for o in parse_nd_options(icmp, 8):
        if o.type == 12:
            break
        if o.type == OPT_LLA:
            m.llas.append((o.data[2], o.data[3:]))
        elif o.type == OPT_IP_ADDR:
            if len(o.data) != 24:
                raise WireError("IP Address option length")
            m.ip_addrs.append((o.data[2], o.data[3], o.data[8:24]))
        elif o.type == OPT_HK_REQUEST:
            m.hk_request = decode_hk_request(o.data)
        elif o.type == OPT_HK_REPLY:
            m.hk_reply = decode_hk_reply(o.data)
    return m


def prrtadv_unsigned(code: int, identifier: int, options: bytes) -> bytes:
    return fmip_header(code, SUBTYPE_PRRTADV, identifier) + options


# --- Certificate path solicitation / advertisement (RFC 3971 §6.4) ----------------------------


def build_cps(src: bytes, dst: bytes, identifier: int, ta_name_der: bytes,
              component: int = 0xFFFF) -> bytes:
    """CPS: Type 148, Code 0, Checksum, Identifier, Component (65535 = all), Trust Anchor options."""
    msg = struct.pack("!BBHHH", ICMP_CPS, 0, 0, identifier, component)
    msg += trust_anchor_option(ta_name_der)
    return set_icmp_checksum(src, dst, msg)


@dataclass
class Cpa:
    identifier: int
    all_components: int
    component: int
    certs: list            # DER certificates (cert type 1)
    trust_anchors: list    # (name type, name)


def parse_cpa(icmp: bytes) -> Cpa:
    """CPA: Type 149, Code, Checksum, Identifier, All Components, Component, Reserved, options."""
    if len(icmp) < 12 or icmp[0] != ICMP_CPA:
        raise WireError("not a CPA")
    ident, allc, comp = struct.unpack("!HHH", icmp[4:10])
    cpa = Cpa(ident, allc, comp, [], [])
    for o in parse_nd_options(icmp, 12):
        if o.type == OPT_CERTIFICATE:
            ctype, der = decode_certificate_option(o)
            if ctype == 1:
                cpa.certs.append(der)
        elif o.type == OPT_TRUST_ANCHOR:
            cpa.trust_anchors.append(decode_trust_anchor_option(o))
    return cpa


def build_cpa(src: bytes, dst: bytes, identifier: int, all_components: int, component: int,
              options: bytes) -> bytes:
    msg = struct.pack("!BBHHHHH", ICMP_CPA, 0, 0, identifier, all_components, component, 0)
    return set_icmp_checksum(src, dst, msg + options)


def _signed_by(cert: x509.Certificate, issuer_pub) -> bool:
    """Check cert's signature with issuer_pub (RSA PKCS#1 v1.5 or ECDSA)."""
    try:
        if isinstance(issuer_pub, rsa.RSAPublicKey):
            issuer_pub.verify(cert.signature, cert.tbs_certificate_bytes, padding.PKCS1v15(),
                              cert.signature_hash_algorithm)
        elif isinstance(issuer_pub, ec.EllipticCurvePublicKey):
            issuer_pub.verify(cert.signature, cert.tbs_certificate_bytes,
                              ec.ECDSA(cert.signature_hash_algorithm))
        else:
            return False
        return True
    except Exception:  # noqa: BLE001 - any failure means "not signed by"
        return False


def verify_cert_path(certs_der: list[bytes], trust_anchor: x509.Certificate,
                     now: datetime.datetime | None = None) -> tuple[x509.Certificate | None, str]:
    """Build and check a certification path from the trust anchor (RFC 3971 §6.3): each cert
    must be issued (name and signature) by the previous one and be within its validity period.
    The path must use every certificate received.  Returns (end-entity cert or None, reason)."""
    now = now or datetime.datetime.utcnow()
    try:
        pool = [x509.load_der_x509_certificate(d) for d in certs_der]
    except Exception as e:  # noqa: BLE001
        return None, f"certificate decode: {e}"
    if not pool:
        return None, "no certificates"
    current = trust_anchor
    path = []
    while pool:
        nxt = None
        for c in pool:
            if c.issuer == current.subject and _signed_by(c, current.public_key()):
                nxt = c
                break
        if nxt is None:
            return None, "certificate path does not chain to the trust anchor"
        if not nxt.not_valid_before <= now <= nxt.not_valid_after:
            return None, "certificate outside its validity period"
        pool.remove(nxt)
        path.append(nxt)
        current = nxt
    # RFC 3971 §6.3: the last certificate must hold an RSA key (it verifies SEND signatures)
    if not isinstance(path[-1].public_key(), rsa.RSAPublicKey):
        return None, "end-entity key is not RSA"
    return path[-1], "ok"


# --- Neighbour Discovery NS / NA (RFC 4861 §4.3-4.4), so the MN can answer the router ---------


def parse_ns_target(icmp: bytes) -> bytes | None:
    if len(icmp) < 24 or icmp[0] != ICMP_NS or icmp[1] != 0:
        return None
    return icmp[8:24]


def na_unsigned(target: bytes, mac: bytes, send_opts: bytes, solicited: bool = True) -> bytes:
    """NA: Type 136, Code 0, Checksum, R|S|O flags + Reserved, Target, TLLA option, SEND opts."""
    flags = (0x40 if solicited else 0) | 0x20
    return struct.pack("!BBHB3x", ICMP_NA, 0, 0, flags) + a2b(target) + \
        nd_option(OPT_TLLA, mac) + send_opts


# --- Mobility Header: FBU / FBack (RFC 5268 §6.3, RFC 6275 §6.1) --------------------------------


def _mh_pad(cur: int, want_mod8: int) -> bytes:
    """Pad1/PadN (RFC 6275 §6.2.2/6.2.3) so the next option starts at 8n+want_mod8."""
    n = (want_mod8 - cur) % 8
    if n == 0:
        return b""
    if n == 1:
        return b"\x00"
    return bytes([MHOPT_PADN, n - 2]) + b"\x00" * (n - 2)


def badf_authenticator(key: bytes, at: int, coa: bytes, par: bytes, mh_data: bytes) -> bytes:
    """RFC 5268 §6.5.4 with RFC 6275 §6.2.7: First(len, HMAC(key, CoA | PAR | MH data))."""
    if at not in AT_ALGS:
        raise ValueError(f"unknown AT {at}")
    h, alen, _ = AT_ALGS[at]
    return hmac.new(key, a2b(coa) + a2b(par) + mh_data, h).digest()[:alen]


def build_mh(mh_type: int, body: bytes, mh_opts: list[tuple[int, bytes]], key: bytes, at: int,
             coa: bytes, par: bytes, ck_src: bytes, ck_dst: bytes,
             badf_start_mod8: int | None = None, tamper_auth=None) -> bytes:
    """Mobility Header with `mh_opts` [(alignment 8n+x, option bytes)] and a trailing BADF.

    BADF (design §4): Type 21, Option Length = 4 + auth length, SPI 0, last option, placed so the
    MH ends on 8n (8n+6 for a 12-byte authenticator; 8n+2 for 16 bytes) unless
    `badf_start_mod8` forces another start.  Checksum: pseudo-header (ck_src, ck_dst, NH 135)."""
    alen = AT_ALGS[at][1]
    out = bytearray([NH_NONE, 0, mh_type, 0, 0, 0]) + body
    for align, opt in mh_opts:
        out += _mh_pad(len(out), align)
        out += opt
    badf_len = 2 + 4 + alen
    start_mod = badf_start_mod8 if badf_start_mod8 is not None else (-badf_len) % 8
    out += _mh_pad(len(out), start_mod)
    out += bytes([MHOPT_BADF, 4 + alen]) + b"\x00\x00\x00\x00"      # SPI 0 (RFC 5268 §6.5.4)
    total = len(out) + alen
    total += (-total) % 8          # only non-zero with a forced, misaligned start
    if total != len(out) + alen:
        raise ValueError("BADF start would leave the MH unaligned")
    out[1] = total // 8 - 1        # Header Len: 8-octet units excluding the first 8
    auth = badf_authenticator(key, at, coa, par, bytes(out))   # checksum field still 0
    if tamper_auth is not None:
        auth = tamper_auth(auth)
    out += auth
    ck = upper_layer_checksum(ck_src, ck_dst, NH_MH, bytes(out))
    out[4:6] = struct.pack("!H", ck)
    return bytes(out)


def alt_coa_option(addr: bytes) -> bytes:
    """Alternate Care-of Address (RFC 6275 §6.2.5): Type 3, Length 16, address; align 8n+6."""
    return bytes([MHOPT_ALT_COA, 16]) + a2b(addr)


def hao_dstopts(hoa: bytes, next_header: int) -> bytes:
    """Destination Options header with the Home Address option (RFC 6275 §6.3): PadN(4) then
    option 201 at offset 6 (8n+6), 24 bytes, Hdr Ext Len 2."""
    return bytes([next_header, 2, 1, 2, 0, 0, HAO_TYPE, 16]) + a2b(hoa)


def build_fbu(key: bytes, at: int, pcoa: bytes, ncoa: bytes, par: bytes, seq: int, lifetime: int,
              src: bytes | None = None, flags: int = FBU_FLAG_A | FBU_FLAG_H,
              tamper_auth=None, hlim: int = 64) -> bytes:
    """Full IPv6 packet: IPv6(src → PAR) | DstOpts(HAO = PCoA) | MH FBU (RFC 5268 §6.3.1).
    FBU data: Sequence(2) | A H L K + reserved (1+1) | Lifetime(2, seconds); options
    Alternate CoA = NCoA, then BADF.  Checksum pseudo-header source = HAO = PCoA."""
    src = a2b(src) if src is not None else a2b(pcoa)
    body = struct.pack("!HBBH", seq, flags, 0, lifetime)
    mh = build_mh(MH_FBU, body, [(6, alt_coa_option(ncoa))], key, at, ncoa, par,
                  ck_src=pcoa, ck_dst=par, tamper_auth=tamper_auth)
    payload = hao_dstopts(pcoa, NH_MH) + mh
    return ipv6_header(src, par, NH_DSTOPTS, len(payload), hlim) + payload


def build_fback(key: bytes, at: int, ncoa: bytes, par: bytes, dst: bytes, status: int, seq: int,
                lifetime: int, k_flag: bool = False) -> bytes:
    """FBack (RFC 5268 §6.3.2): IPv6(PAR → dst) | MH type 9: Status | K+Reserved | Seq | Lifetime
    | BADF.  Used by the self-test's fake router."""
    body = struct.pack("!BBHH", status, 0x80 if k_flag else 0, seq, lifetime)
    mh = build_mh(MH_FBACK, body, [], key, at, ncoa, par, ck_src=par, ck_dst=dst)
    return ipv6_header(par, dst, NH_MH, len(mh), 64) + mh


@dataclass
class MhMessage:
    mh_type: int
    mh: bytes
    src: bytes                 # IPv6 source
    dst: bytes
    home_address: bytes | None
    checksum_ok: bool
    options: list              # (type, offset in MH, option bytes)
    fields: dict


def parse_mh_packet(pkt: Ipv6Packet) -> MhMessage:
    """Walk the extension headers to the MH, check its checksum (pseudo-header source = HAO if
    present, destination = type 2 RH address if present) and parse FBU/FBack fields/options."""
    ul = walk_ext_headers(pkt)
    if ul.nh != NH_MH:
        raise WireError("no Mobility Header")
    mh = pkt.payload[ul.offset:]
    if len(mh) < 6:
        raise WireError("MH too short")
    mlen = (mh[1] + 1) * 8
    if mlen > len(mh):
        raise WireError("MH Header Len past the payload")
    mh = mh[:mlen]
    ck_src = ul.home_address or pkt.src
    ck_dst = ul.rh2_address or pkt.dst
    zeroed = mh[:4] + b"\x00\x00" + mh[6:]
    ck_ok = upper_layer_checksum(ck_src, ck_dst, NH_MH, zeroed) == struct.unpack("!H", mh[4:6])[0]
    t = mh[2]
    fields: dict = {}
    if t == MH_FBU:
        if mlen < 12:
            raise WireError("FBU too short")
        seq, flags, _, life = struct.unpack("!HBBH", mh[6:12])
        fields = {"seq": seq, "flags": flags, "lifetime": life}
    elif t == MH_FBACK:
        if mlen < 12:
            raise WireError("FBack too short")
        status, k, seq, life = struct.unpack("!BBHH", mh[6:12])
        fields = {"status": status, "k": bool(k & 0x80), "seq": seq, "lifetime": life}
    opts = []
    off = 12
    while off < mlen:
        ot = mh[off]
        if ot == MHOPT_PAD1:
            off += 1
            continue
        if off + 2 > mlen or off + 2 + mh[off + 1] > mlen:
            raise WireError("mobility option runs past the MH")
        opts.append((ot, off, mh[off:off + 2 + mh[off + 1]]))
        off += 2 + mh[off + 1]
    return MhMessage(t, mh, pkt.src, pkt.dst, ul.home_address, ck_ok, opts, fields)


def verify_badf(msg: MhMessage, key: bytes, at: int, coa: bytes, par: bytes) -> tuple[bool, str]:
    """Check the BADF of an FBU/FBack: last option (trailing Pad1/PadN not allowed), SPI 0,
    Option Length = 4 + auth length for the AT, authenticator as computed by badf_authenticator."""
    real = [o for o in msg.options if o[0] not in (MHOPT_PAD1, MHOPT_PADN)]
    if not real or real[-1][0] != MHOPT_BADF:
        return False, "BADF missing or not the last option"
    if msg.options[-1][0] != MHOPT_BADF:
        return False, "padding after BADF"
    _, off, data = real[-1]
    alen = AT_ALGS[at][1]
    if data[1] != 4 + alen:
        return False, f"BADF Option Length {data[1]} != {4 + alen}"
    if data[2:6] != b"\x00\x00\x00\x00":
        return False, "BADF SPI not 0"
    if off + len(data) != len(msg.mh):
        return False, "BADF does not end the MH"
    auth = data[6:]
    mh0 = msg.mh[:4] + b"\x00\x00" + msg.mh[6:off + 6]
    want = badf_authenticator(key, at, coa, par, mh0)
    if not hmac.compare_digest(auth, want):
        return False, "BADF authenticator mismatch"
    return True, "ok"


def alt_coa_of(msg: MhMessage) -> bytes | None:
    for t, _, data in msg.options:
        if t == MHOPT_ALT_COA and len(data) == 18:
            return data[2:18]
    return None


# --- BADF vector (protocol-facts §1.5) ----------------------------------------------------------

BADF_VECTOR_KEY = b"\x4b" * 16
BADF_VECTOR_NCOA = "2001:db8:2::100"
BADF_VECTOR_PAR = "2001:db8:1::1"
BADF_VECTOR_MH = bytes.fromhex(
    "3b0608001d0e002ac000000a0100031020010db800020000000000000000010001040000000015100000000083"
    "e0c9adae0ba0d0230e7a2a")
BADF_VECTOR_AUTH = bytes.fromhex("83e0c9adae0ba0d0230e7a2a")


def badf_vector_check() -> list[str]:
    """Rebuild the §1.5 FBU MH (seq 42, lifetime 10, A|H, AltCoA = NCoA) and compare."""
    errs = []
    mh0 = BADF_VECTOR_MH[:4] + b"\x00\x00" + BADF_VECTOR_MH[6:-12]
    auth = badf_authenticator(BADF_VECTOR_KEY, 0, a2b(BADF_VECTOR_NCOA), a2b(BADF_VECTOR_PAR), mh0)
    if auth != BADF_VECTOR_AUTH:
        errs.append(f"authenticator {auth.hex()}")
    body = struct.pack("!HBBH", 42, FBU_FLAG_A | FBU_FLAG_H, 0, 10)
    mh = build_mh(MH_FBU, body, [(6, alt_coa_option(a2b(BADF_VECTOR_NCOA)))], BADF_VECTOR_KEY, 0,
                  a2b(BADF_VECTOR_NCOA), a2b(BADF_VECTOR_PAR), ck_src=a2b(BADF_VECTOR_NCOA),
                  ck_dst=a2b(BADF_VECTOR_PAR))
    # the vector's checksum field is as sent; compare everything else byte for byte
    if mh[:4] + mh[6:] != BADF_VECTOR_MH[:4] + BADF_VECTOR_MH[6:]:
        errs.append(f"MH bytes {mh.hex()}")
    return errs



def retarget_alt_coa(packet: bytes, new_coa: bytes) -> bytes:
    """An FBU whose Alternate CoA is replaced AFTER the BADF was computed (a forged redirection):
    the MH checksum is recomputed so that only the authenticator can tell (RFC 5268 §6.5.4)."""
    pkt = Ipv6Packet.parse(packet)
    ul = walk_ext_headers(pkt)
    if ul.nh != NH_MH:
        raise ValueError("no Mobility Header")
    payload = bytearray(pkt.payload)
    start = ul.offset
    m = parse_mh_packet(pkt)
    alt = [o for o in m.options if o[0] == MHOPT_ALT_COA]
    if not alt:
        raise ValueError("no Alternate CoA option")
    off = start + alt[0][1] + 2
    payload[off:off + 16] = a2b(new_coa)
    mh = bytearray(payload[start:start + len(m.mh)])
    mh[4:6] = b"\x00\x00"
    ck_src = ul.home_address or pkt.src
    ck = upper_layer_checksum(ck_src, ul.rh2_address or pkt.dst, NH_MH, bytes(mh))
    payload[start + 4:start + 6] = struct.pack("!H", ck)
    return ipv6_header(pkt.src, pkt.dst, pkt.nh, len(payload), pkt.hlim) + bytes(payload)
