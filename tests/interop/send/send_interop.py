#!/usr/bin/python3
"""Independent check of lib/send's SEND signatures and CGAs (RFC 3971 §5.2, RFC 3972).

Everything here is computed with Python's hashlib and the `cryptography` package, never with the
code under test: the ICMPv6 checksum, the truncated-message checksum that goes into the signed
octets (design.md §4, the sendd/NDprotector reading), the Key Hash, RSASSA-PKCS1-v1_5/SHA-1, and
the CGA Hash1/Hash2 rules.

  C++ signs  → Python verifies (NS and RtSolPr, 1024- and 2048-bit keys)
  Python signs → C++ verifies (send_interop_tool verify), plus negative cases that must fail
  C++ generates CGAs (Sec 0, 1) → Python recomputes them
  tshark (Wireshark's dissector) decodes the C++-signed messages: checksum Good, SEND fields

usage: send_interop.py <send_interop_tool> <tests/data/send>; exits non-zero on any mismatch.
"""
import hashlib
import ipaddress
import os
import shutil
import struct
import subprocess
import sys
import time

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding

TAG = bytes.fromhex("086FCA5E10B200C99C8CE00164277C08")
OPTIONS_OFFSET = {133: 8, 134: 16, 135: 24, 136: 24, 137: 40, 154: 8}
failures = []


def check(cond, what):
    if cond:
        print("ok   ", what)
    else:
        print("FAIL ", what)
        failures.append(what)


def icmp6_checksum(src, dst, msg):
    """RFC 8200 §8.1 pseudo-header + message; msg's checksum field is taken as it is."""
    data = src + dst + struct.pack("!I", len(msg)) + b"\0\0\0" + bytes([58]) + msg
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return (~s) & 0xFFFF


def with_checksum(msg, value):
    return msg[:2] + struct.pack("!H", value) + msg[4:]


def options(msg):
    """[(type, offset, raw)] of the ND options; stops at a malformed one."""
    off = OPTIONS_OFFSET[msg[0]]
    out = []
    while off + 2 <= len(msg):
        t, l = msg[off], msg[off + 1]
        if l == 0 or off + 8 * l > len(msg):
            break
        out.append((t, off, msg[off:off + 8 * l]))
        off += 8 * l
    return out


def der_len(b):
    """Length of the DER element at b[0] (header + content)."""
    if b[1] < 0x80:
        return 2 + b[1]
    n = b[1] & 0x7F
    return 2 + n + int.from_bytes(b[2:2 + n], "big")


def cga_params_from_option(opt):
    pad = opt[2]
    return opt[4:len(opt) - pad]


def cga_ok(addr, params):
    """RFC 3972 §5, written from the RFC text."""
    modifier, prefix, cc = params[:16], params[16:24], params[24]
    klen = der_len(params[25:])
    key, ext = params[25:25 + klen], params[25 + klen:]
    if cc > 2 or prefix != addr[:8]:
        return False, key
    h1 = hashlib.sha1(params).digest()[:8]
    if (h1[0] & 0x1C) != (addr[8] & 0x1C) or h1[1:] != addr[9:16]:
        return False, key
    sec = addr[8] >> 5
    h2 = hashlib.sha1(modifier + bytes(9) + key + ext).digest()[:14]
    return h2[:2 * sec] == bytes(2 * sec), key


def load_key(path):
    with open(path, "rb") as f:
        return serialization.load_pem_private_key(f.read(), password=None)


def spki(pub):
    return pub.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)


def tbs(src, dst, msg, sig_off, checksum_reading="truncated"):
    """Signed octets: tag | src | dst | message up to the RSA Signature option, where the checksum
    is that of the message truncated before the option (design.md §4)."""
    head = msg[:sig_off]
    if checksum_reading == "truncated":
        c = icmp6_checksum(src, dst, with_checksum(head, 0))
    else:  # a wrong reading, used only to show the verifier tells the difference
        c = 0
    return TAG + src + dst + with_checksum(head, c)


def tshark_fields(src, dst, msg, fields):
    """Decode one IPv6/ICMPv6 packet with tshark; returns {field: value} (None without tshark)."""
    if shutil.which("tshark") is None:
        return None
    ip6 = struct.pack("!IHBB", 6 << 28, len(msg), 58, 255) + src + dst + msg
    pcap = struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 101)  # LINKTYPE_RAW
    pcap += struct.pack("<IIII", 0, 0, len(ip6), len(ip6)) + ip6
    path = f"/tmp/send_interop_{os.getpid()}.pcap"
    with open(path, "wb") as f:
        f.write(pcap)
    try:
        args = ["tshark", "-r", path, "-T", "fields", "-E", "separator=|"]
        for fld in fields:
            args += ["-e", fld]
        p = subprocess.run(args, capture_output=True, text=True, timeout=60)
    finally:
        os.unlink(path)
    vals = p.stdout.strip().split("|")
    return {k: (vals[i].replace(":", "") if i < len(vals) else "") for i, k in enumerate(fields)}


def run_tool(tool, *args):
    p = subprocess.run([tool] + list(args), capture_output=True, text=True, timeout=60)
    return p.returncode, p.stdout


# --- C++ signs, Python verifies ---------------------------------------------------------------
def cpp_signs(tool, data):
    for keyname in ("router1024.key", "router.key"):
        key = load_key(os.path.join(data, keyname))
        pub = key.public_key()
        der = spki(pub)
        for kind in ("ns", "rtsolpr"):
            rc, out = run_tool(tool, "sign", os.path.join(data, keyname), kind, "1")
            check(rc == 0, f"{keyname} {kind}: tool signs")
            if rc != 0:
                continue
            f = dict(line.split("=", 1) for line in out.split())
            src, dst, msg = (bytes.fromhex(f[k]) for k in ("src", "dst", "icmp"))
            label = f"{keyname} {kind}"
            check(icmp6_checksum(src, dst, msg) == 0, f"{label}: final ICMPv6 checksum verifies")
            opts = options(msg)
            sig = [o for o in opts if o[0] == 12]
            check(len(sig) == 1 and opts[-1][0] == 12, f"{label}: one RSA Signature, last option")
            _, sig_off, raw = sig[0]
            check(sig_off == int(f["sig_offset"]), f"{label}: signature offset")
            modlen = pub.key_size // 8
            check(len(raw) == (20 + modlen + 7) // 8 * 8, f"{label}: option length 20+{modlen} padded to 8n")
            check(raw[2:4] == b"\0\0", f"{label}: Reserved zero")
            check(raw[4:20] == hashlib.sha1(der).digest()[:16], f"{label}: Key Hash = SHA-1(SPKI)[0:16]")
            check(raw[20 + modlen:] == bytes(len(raw) - 20 - modlen), f"{label}: zero padding")
            try:
                pub.verify(raw[20:20 + modlen], tbs(src, dst, msg, sig_off), padding.PKCS1v15(), hashes.SHA1())
                good = True
            except InvalidSignature:
                good = False
            check(good, f"{label}: RSASSA-PKCS1-v1_5/SHA-1 verifies over truncated-checksum octets")
            cga = [o for o in opts if o[0] == 11]
            check(len(cga) == 1, f"{label}: one CGA option")
            params = cga_params_from_option(cga[0][2])
            check(params == bytes.fromhex(f["cga_params"]), f"{label}: CGA option carries the params")
            ok, ckey = cga_ok(src, params)
            check(ok, f"{label}: source is the CGA of the params (Sec {src[8] >> 5})")
            check(ckey == der, f"{label}: CGA key is the signing key's SPKI")
            ts = [o for o in opts if o[0] == 13]
            check(len(ts) == 1 and len(ts[0][2]) == 16, f"{label}: Timestamp option 16 bytes")
            tsv = struct.unpack("!Q", ts[0][2][8:16])[0] / 65536.0
            check(abs(tsv - time.time()) < 60, f"{label}: Timestamp is now in 48.16")
            nonce = [o for o in opts if o[0] == 14]
            check(len(nonce) == 1 and len(nonce[0][2]) == 8, f"{label}: Nonce option (6-byte nonce)")
            ws = tshark_fields(src, dst, msg, ["icmpv6.checksum.status", "icmpv6.opt.cga.modifier",
                                               "icmpv6.opt.cga.count", "icmpv6.opt.cga.subnet_prefix",
                                               "icmpv6.opt.rsa.key_hash",
                                               "icmpv6.opt.nonce"])
            if ws is None:
                print("skip  tshark not installed")
                continue
            check(ws["icmpv6.checksum.status"] == "1", f"{label}: tshark says checksum Good")
            check(ws["icmpv6.opt.cga.modifier"] == params[:16].hex(), f"{label}: tshark CGA modifier")
            check(int(ws["icmpv6.opt.cga.count"] or "-1", 16) == params[24], f"{label}: tshark CGA collision count")
            check(ws["icmpv6.opt.cga.subnet_prefix"] == params[16:24].hex(), f"{label}: tshark CGA subnet prefix")
            check(ws["icmpv6.opt.rsa.key_hash"] == raw[4:20].hex(), f"{label}: tshark Key Hash")
            check(ws["icmpv6.opt.nonce"] == nonce[0][2][2:8].hex(), f"{label}: tshark Nonce")


# --- Python signs, C++ verifies ---------------------------------------------------------------
def py_cga(key_der, prefix, sec):
    modifier = int.from_bytes(os.urandom(16), "big")
    while True:
        m = modifier.to_bytes(16, "big")
        if hashlib.sha1(m + bytes(9) + key_der).digest()[:2 * sec] == bytes(2 * sec):
            break
        modifier = (modifier + 1) % (1 << 128)
    params = m + prefix[:8] + b"\0" + key_der
    h1 = hashlib.sha1(params).digest()[:8]
    iid = bytes([(h1[0] & 0x1C) | (sec << 5)]) + h1[1:]
    return prefix[:8] + iid, params


def py_option(t, body):
    """Type | Length | body, zero padded to 8n."""
    n = (2 + len(body) + 7) // 8 * 8
    return bytes([t, n // 8]) + body + bytes(n - 2 - len(body))


def py_sign(key, src, dst, msg, reading="truncated", key_hash=None, trailer=b""):
    pub = key.public_key()
    modlen = pub.key_size // 8
    sig_off = len(msg)
    sig = key.sign(tbs(src, dst, msg, sig_off, reading), padding.PKCS1v15(), hashes.SHA1())
    assert len(sig) == modlen
    kh = key_hash if key_hash is not None else hashlib.sha1(spki(pub)).digest()[:16]
    body = b"\0\0" + kh + sig
    out = msg + py_option(12, body) + trailer
    return with_checksum(out, icmp6_checksum(src, dst, with_checksum(out, 0)))


def py_ns(key, sec=1):
    der = spki(key.public_key())
    src, params = py_cga(der, ipaddress.IPv6Address("fe80::").packed, sec)
    dst = ipaddress.IPv6Address("ff02::1:ff00:1").packed
    msg = bytes([135, 0, 0, 0, 0, 0, 0, 0]) + ipaddress.IPv6Address("fe80::1").packed
    pad = (8 - (4 + len(params)) % 8) % 8
    msg += bytes([11, (4 + len(params) + pad) // 8, pad, 0]) + params + bytes(pad)
    now = int(time.time() * 65536)
    msg += bytes([13, 2]) + bytes(6) + struct.pack("!Q", now)
    msg += bytes([14, 1]) + os.urandom(6)
    return src, dst, msg


def cpp_verifies(tool, src, dst, msg):
    rc, out = run_tool(tool, "verify", str(ipaddress.IPv6Address(src)), str(ipaddress.IPv6Address(dst)),
                       msg.hex())
    return rc, out.strip()


def py_signs(tool, data):
    for keyname in ("router1024.key", "router.key"):
        key = load_key(os.path.join(data, keyname))
        src, dst, msg = py_ns(key)
        label = f"python {keyname}"
        rc, out = cpp_verifies(tool, src, dst, py_sign(key, src, dst, msg))
        check(rc == 0 and out == "ok", f"{label}: C++ accepts ({out})")
        # Options after the RSA Signature are ignored (RFC 3971 §5.2.2).
        trailer = py_option(1, bytes(6)) + py_option(99, b"junk")
        rc, out = cpp_verifies(tool, src, dst, py_sign(key, src, dst, msg, trailer=trailer))
        check(rc == 0 and out == "ok", f"{label}: trailing options ignored ({out})")
        # Negative cases: each must be refused with its reason.
        signed = bytearray(py_sign(key, src, dst, msg))
        signed[10] ^= 0x01  # target address
        rc, out = cpp_verifies(tool, src, dst, bytes(signed))
        check(rc != 0 and out == "bad_signature", f"{label}: tampered target refused ({out})")
        rc, out = cpp_verifies(tool, src, dst, py_sign(key, src, dst, msg, reading="zero"))
        check(rc != 0 and out == "bad_signature", f"{label}: zero-checksum reading refused ({out})")
        rc, out = cpp_verifies(tool, src, dst, py_sign(key, src, dst, msg, key_hash=bytes(16)))
        check(rc != 0 and out == "key_hash_mismatch", f"{label}: wrong Key Hash refused ({out})")
        other = ipaddress.IPv6Address("fe80::99").packed
        rc, out = cpp_verifies(tool, other, dst, py_sign(key, other, dst, msg))
        check(rc != 0 and out == "cga_hash1_mismatch", f"{label}: source not the CGA refused ({out})")


# --- C++ generates CGAs, Python recomputes ----------------------------------------------------
def cpp_cgas(tool, data):
    key = load_key(os.path.join(data, "router1024.key"))
    der = spki(key.public_key())
    for sec in (0, 1):
        rc, out = run_tool(tool, "cga", os.path.join(data, "router1024.key"), "2001:db8:1:2::", str(sec))
        check(rc == 0, f"cga sec {sec}: tool generates")
        if rc != 0:
            continue
        f = dict(line.split("=", 1) for line in out.split())
        addr, params = bytes.fromhex(f["address"]), bytes.fromhex(f["params"])
        ok, ckey = cga_ok(addr, params)
        check(ok and ckey == der and addr[8] >> 5 == sec, f"cga sec {sec}: Python recomputes the address")
        check(addr[8] & 0x03 == 0, f"cga sec {sec}: u and g bits zero")
        check(addr[:8] == ipaddress.IPv6Address("2001:db8:1:2::").packed[:8], f"cga sec {sec}: prefix")


def main():
    if len(sys.argv) != 3:
        print(__doc__)
        return 2
    tool, data = sys.argv[1], sys.argv[2]
    cpp_signs(tool, data)
    py_signs(tool, data)
    cpp_cgas(tool, data)
    if failures:
        print(f"{len(failures)} check(s) failed")
        return 1
    print("all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
