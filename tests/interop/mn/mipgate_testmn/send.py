"""SEND options and signatures (RFC 3971), written from the RFC text and protocol-facts §2.

Options: 11 CGA, 12 RSA Signature, 13 Timestamp, 14 Nonce, 15 Trust Anchor, 16 Certificate.
"""
from __future__ import annotations

import hashlib
import os
import struct
import time
from dataclasses import dataclass

from .crypto import (CgaParams, cga_verify, load_spki, rsa_sign_sha1, rsa_verify_sha1, spki_der)
from .wire import (NdOption, WireError, nd_option, parse_nd_options, set_icmp_checksum)

OPT_CGA = 11
OPT_RSA_SIG = 12
OPT_TIMESTAMP = 13
OPT_NONCE = 14
OPT_TRUST_ANCHOR = 15
OPT_CERTIFICATE = 16

# CGA Message Type tag for SEND (RFC 3971 §5.2 / §12): 0x086F CA5E 10B2 00C9 9C8C E001 6427 7C08
SEND_TYPE_TAG = bytes.fromhex("086FCA5E10B200C99C8CE00164277C08")

TIMESTAMP_DELTA = 300  # RFC 3971 §10.2 default


# --- option encoders ------------------------------------------------------------------------


def cga_option(params: CgaParams) -> bytes:
    """CGA option (RFC 3971 §5.1): Type 11, Length, Pad Length, Reserved, params, padding."""
    raw = params.encode()
    pad = (-(4 + len(raw))) % 8
    return bytes([OPT_CGA, (4 + len(raw) + pad) // 8, pad, 0]) + raw + b"\x00" * pad


def key_hash(spki: bytes) -> bytes:
    """Key Hash = leftmost 128 bits of SHA-1 over the DER SPKI (RFC 3971 §5.2)."""
    return hashlib.sha1(spki).digest()[:16]


def rsa_sig_option(khash: bytes, sig: bytes) -> bytes:
    """RSA Signature option (RFC 3971 §5.2): Type 12, Length, Reserved(2), Key Hash(16),
    Digital Signature, zero padding to 8n (no pad-length field)."""
    return nd_option(OPT_RSA_SIG, b"\x00\x00" + khash + sig)


def timestamp_value(t: float | None = None) -> int:
    """64-bit value: 48 bits integer seconds since 1970 + 16 bits 1/65536 s (RFC 3971 §5.3.1)."""
    if t is None:
        t = time.time()
    return int(t * 65536) & 0xFFFFFFFFFFFFFFFF


def timestamp_option(t: float | None = None) -> bytes:
    """Timestamp option: Type 13, Length 2, Reserved(6), Timestamp(8) = 16 bytes."""
    return bytes([OPT_TIMESTAMP, 2]) + b"\x00" * 6 + struct.pack("!Q", timestamp_value(t))


def nonce_option(nonce: bytes | None = None) -> bytes:
    """Nonce option (RFC 3971 §5.3.2): Type 14, Length, Nonce; 6 bytes fills one unit."""
    if nonce is None:
        nonce = os.urandom(6)
    if (2 + len(nonce)) % 8:
        raise ValueError("nonce length must make the option a multiple of 8")
    return bytes([OPT_NONCE, (2 + len(nonce)) // 8]) + nonce


def trust_anchor_option(name_der: bytes, name_type: int = 1) -> bytes:
    """Trust Anchor option (RFC 3971 §6.4.3): Type 15, Length, Name Type (1 = DER X.501 Name),
    Pad Length, Name, Padding."""
    pad = (-(4 + len(name_der))) % 8
    return bytes([OPT_TRUST_ANCHOR, (4 + len(name_der) + pad) // 8, name_type, pad]) + \
        name_der + b"\x00" * pad


def certificate_option(cert_der: bytes, cert_type: int = 1) -> bytes:
    """Certificate option (RFC 3971 §6.4.4): Type 16, Length, Cert Type (1 = X.509v3), Reserved,
    Certificate, Padding (to 8n; length comes from the ASN.1)."""
    return nd_option(OPT_CERTIFICATE, bytes([cert_type, 0]) + cert_der)


# --- option decoders ------------------------------------------------------------------------


def decode_cga_option(o: NdOption) -> CgaParams:
    pad = o.data[2]
    end = len(o.data) - pad
    if end < 4:
        raise WireError("CGA option Pad Length too large")
    return CgaParams.decode(o.data[4:end])


def decode_rsa_sig_option(o: NdOption) -> tuple[bytes, bytes]:
    """Returns (key hash, signature-with-padding).  The signature length is the modulus length,
    known only from the key, so the caller trims it."""
    if len(o.data) < 20:
        raise WireError("RSA Signature option too short")
    return o.data[4:20], o.data[20:]


def decode_timestamp_option(o: NdOption) -> float:
    if len(o.data) != 16:
        raise WireError("Timestamp option must be 16 bytes")
    return struct.unpack("!Q", o.data[8:16])[0] / 65536.0


def decode_nonce_option(o: NdOption) -> bytes:
    return o.data[2:]


def decode_trust_anchor_option(o: NdOption) -> tuple[int, bytes]:
    name_type, pad = o.data[2], o.data[3]
    end = len(o.data) - pad
    if end < 4:
        raise WireError("Trust Anchor option Pad Length too large")
    return name_type, o.data[4:end]


def decode_certificate_option(o: NdOption) -> tuple[int, bytes]:
    from .crypto import der_element_length
    cert_type = o.data[2]
    n = der_element_length(o.data, 4)
    if 4 + n > len(o.data):
        raise WireError("certificate runs past the option")
    return cert_type, o.data[4:4 + n]


# --- signing (RFC 3971 §5.2 with protocol-facts §2.3 checksum rule) -----------------------------


def sign_message(src: bytes, dst: bytes, icmp_unsigned: bytes, key, tamper=None) -> bytes:
    """Append the RSA Signature option to an ICMPv6 message and fix its checksum.

    `icmp_unsigned` = the whole ICMPv6 message (header + options) that precedes the RSA option.
    The signed octets are: type tag | src | dst | that message with its checksum computed over the
    message truncated before the RSA option (ICMPv6 length = truncated length).  After appending
    the option the real checksum is computed over the whole message.  `tamper(sig)` may alter
    the signature (negative tests)."""
    truncated = set_icmp_checksum(src, dst, icmp_unsigned)
    sig = rsa_sign_sha1(key, SEND_TYPE_TAG + src + dst + truncated)
    if tamper is not None:
        sig = tamper(sig)
    full = truncated + rsa_sig_option(key_hash(spki_der(key)), sig)
    return set_icmp_checksum(src, dst, full)


@dataclass
class SendCheck:
    """Result of verify_message: every check and what the options carried."""
    ok: bool
    reason: str
    params: CgaParams | None = None
    public_key: bytes | None = None     # DER SPKI that verified the signature
    timestamp: float | None = None
    nonce: bytes | None = None
    options: list | None = None         # options before the RSA Signature option


def verify_message(src: bytes, dst: bytes, icmp: bytes, opts_start: int,
                   expected_key: bytes | None = None, check_cga: bool = True,
                   now: float | None = None, ts_delta: float = TIMESTAMP_DELTA,
                   min_bits: int = 0) -> SendCheck:
    """Verify a received SEND-protected ICMPv6 message (RFC 3971 §5.1.2, §5.2.2, §5.3.4).

    Options after the first RSA Signature option are ignored.  The signature key is the CGA
    option's key unless `expected_key` (DER SPKI, e.g. from a certificate) is given; the Key Hash
    must match it.  With `check_cga` the CGA option must verify for `src`.  Keys shorter than
    `min_bits` are refused (RFC 3971 §5.1.2 lets a receiver set a lower limit)."""
    try:
        all_opts = parse_nd_options(icmp, opts_start)
    except WireError as e:
        return SendCheck(False, f"options: {e}")
    before = []
    sig_opt = None
    for o in all_opts:
        if o.type == OPT_RSA_SIG:
            sig_opt = o
            break
        before.append(o)
    res = SendCheck(False, "", options=before)
    cga_opts = [o for o in before if o.type == OPT_CGA]
    ts_opts = [o for o in before if o.type == OPT_TIMESTAMP]
    nonce_opts = [o for o in before if o.type == OPT_NONCE]
    if sig_opt is None:
        res.reason = "no RSA Signature option"
        return res
    if not ts_opts:
        res.reason = "no Timestamp option"        # §5.3.4.1: silently discard
        return res
    try:
        if cga_opts:
            res.params = decode_cga_option(cga_opts[0])
        res.timestamp = decode_timestamp_option(ts_opts[0])
        if nonce_opts:
            res.nonce = decode_nonce_option(nonce_opts[0])
        khash, sig_padded = decode_rsa_sig_option(sig_opt)
    except (WireError, ValueError) as e:
        res.reason = f"option decode: {e}"
        return res
    if check_cga:
        if res.params is None:
            res.reason = "no CGA option"
            return res
        ok, why = cga_verify(src, res.params)
        if not ok:
            res.reason = "CGA: " + why
            return res
    key_der = expected_key if expected_key is not None else (
        res.params.public_key if res.params else None)
    if key_der is None:
        res.reason = "no key to verify with"
        return res
    if key_hash(key_der) != khash:
        res.reason = "Key Hash does not match the key"
        return res
    try:
        pub = load_spki(key_der)
    except Exception as e:  # noqa: BLE001 - any decoding error is a failure
        res.reason = f"public key: {e}"
        return res
    if pub.key_size < min_bits:
        res.reason = f"RSA key of {pub.key_size} bits below {min_bits}"
        return res
    siglen = (pub.key_size + 7) // 8
    sig = sig_padded[:siglen]
    if len(sig) != siglen or len(sig_padded) - siglen >= 8:
        res.reason = "signature length does not match the key"   # padding content is ignored
        return res
    truncated = set_icmp_checksum(src, dst, icmp[:sig_opt.offset])
    if not rsa_verify_sha1(pub, sig, SEND_TYPE_TAG + src + dst + truncated):
        res.reason = "bad RSA signature"
        return res
    res.public_key = key_der
    now = time.time() if now is None else now
    if abs(now - res.timestamp) >= ts_delta:
        res.reason = f"timestamp off by {now - res.timestamp:.0f} s"
        return res
    res.ok = True
    res.reason = "ok"
    return res
