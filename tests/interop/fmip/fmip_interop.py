#!/usr/bin/python3
"""Interop check of lib/fmip against independent Python code (hmac/hashlib, cryptography).

BADF: random keys, addresses and Mobility Header bytes for AT 0 (HMAC-SHA1, First(96)) and
AT 1 (HMAC-SHA256, First(128)); Python zeroes the MH checksum (bytes 4-5) in its own copy,
hashes NCoA | PAR | MH[:offset], truncates, and compares with the C++ tool; it then asks the tool
to verify good, tampered and checksum-changed messages. RSA: Python encrypts a handover key
with RSAES-PKCS1-v1_5 and the tool decrypts; the tool encrypts and Python decrypts.
Exits non-zero on any mismatch. Usage: fmip_interop.py TOOL
"""
import hashlib
import hmac
import ipaddress
import random
import subprocess
import sys

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa

AUTH_LEN = {0: 12, 1: 16}
DIGEST = {0: hashlib.sha1, 1: hashlib.sha256}
KEY_LEN = {0: 20, 1: 32}

passed = 0
failed = 0


def check(cond, what):
    global passed, failed
    if cond:
        passed += 1
    else:
        failed += 1
        print("FAIL:", what)


def badf_ref(at, key, ncoa, par, mh, off):
    m = bytearray(mh[:off])
    m[4:6] = b"\x00\x00"
    return hmac.new(key, ncoa + par + bytes(m), DIGEST[at]).digest()[: AUTH_LEN[at]]


def run_tool(tool, lines):
    out = subprocess.run([tool], input="".join(l + "\n" for l in lines), capture_output=True,
                         text=True, timeout=120, check=True).stdout.splitlines()
    if len(out) != len(lines):
        print("tool answered %d lines for %d commands" % (len(out), len(lines)))
        sys.exit(1)
    return out


def badf_cases(rng):
    cases = []
    # protocol-facts §1.5 vector.
    mh = bytes.fromhex("3b0608001d0e002ac000000a0100031020010db800020000000000000000010001040000"
                       "000015100000000083e0c9adae0ba0d0230e7a2a")
    cases.append((0, b"\x4b" * 16, ipaddress.IPv6Address("2001:db8:2::100").packed,
                  ipaddress.IPv6Address("2001:db8:1::1").packed, mh, 44))
    for i in range(400):
        at = i % 2
        klen = KEY_LEN[at] if i % 4 < 2 else rng.randint(1, 100)
        key = rng.randbytes(klen)
        ln = rng.randint(8, 2048 if i % 10 == 0 else 120)
        off = rng.randint(6, ln)
        mh = rng.randbytes(ln)
        cases.append((at, key, rng.randbytes(16), rng.randbytes(16), mh, off))
    return cases


def test_badf(tool, rng):
    cases = badf_cases(rng)
    cmds = []
    for at, key, ncoa, par, mh, off in cases:
        cmds.append("badf %d %s %s %s %s %d" % (at, key.hex(), ncoa.hex(), par.hex(), mh.hex(), off))
    outs = run_tool(tool, cmds)
    check(outs[0] == "auth 83e0c9adae0ba0d0230e7a2a", "protocol-facts vector: " + outs[0])
    for (at, key, ncoa, par, mh, off), out in zip(cases, outs):
        want = badf_ref(at, key, ncoa, par, mh, off).hex()
        check(out == "auth " + want, "badf at=%d off=%d len=%d: %s != %s" % (at, off, len(mh), out, want))

    # verify: good / checksum changed (still good) / tampered MH, address or authenticator (bad)
    cmds, expect = [], []
    for at, key, ncoa, par, mh, off in cases:
        auth = badf_ref(at, key, ncoa, par, mh, off)
        base = "verify %d %s" % (at, key.hex())
        kind = rng.randrange(6)
        m, n, p, a, good = bytearray(mh), ncoa, par, bytearray(auth), True
        if kind == 1:
            m[4] ^= 0xFF
            m[5] ^= 0x5A
        elif kind == 2:
            choices = [i for i in range(off) if i not in (4, 5)]
            m[rng.choice(choices)] ^= 1 << rng.randrange(8)
            good = False
        elif kind == 3:
            a[rng.randrange(len(a))] ^= 0x80
            good = False
        elif kind == 4:
            n = bytes([ncoa[0] ^ 1]) + ncoa[1:]
            good = False
        elif kind == 5:
            a = a[:-1]
            good = False
        cmds.append("%s %s %s %s %d %s" % (base, n.hex(), p.hex(), bytes(m).hex(), off, bytes(a).hex()))
        expect.append(good)
    outs = run_tool(tool, cmds)
    for i, (out, good) in enumerate(zip(outs, expect)):
        want = "verify 1 1 1" if good else "verify 0 0 0"
        check(out == want, "verify case %d: %s, want %s" % (i, out, want))


def test_rsa(tool, rng):
    for bits in (1024, 2048):
        priv = rsa.generate_private_key(public_exponent=65537, key_size=bits)
        spki = priv.public_key().public_bytes(serialization.Encoding.DER,
                                              serialization.PublicFormat.SubjectPublicKeyInfo)
        pkcs8 = priv.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                                   serialization.NoEncryption())
        keys = [rng.randbytes(KEY_LEN[i % 2]) for i in range(10)]
        cmds = []
        for k in keys:  # Python encrypts, C++ decrypts
            ct = priv.public_key().encrypt(k, padding.PKCS1v15())
            cmds.append("rsadec %s %s %d" % (pkcs8.hex(), ct.hex(), len(k)))
        for k in keys:  # C++ encrypts, Python decrypts
            cmds.append("rsaenc %s %s" % (spki.hex(), k.hex()))
        outs = run_tool(tool, cmds)
        for k, out in zip(keys, outs[: len(keys)]):
            check(out == "key " + k.hex(), "rsa%d python->C++ decrypt: %s" % (bits, out[:40]))
        for k, out in zip(keys, outs[len(keys):]):
            if not out.startswith("ct "):
                check(False, "rsa%d C++ encrypt: %s" % (bits, out))
                continue
            ct = bytes.fromhex(out[3:])
            check(len(ct) == bits // 8, "rsa%d ciphertext length %d" % (bits, len(ct)))
            try:
                got = priv.decrypt(ct, padding.PKCS1v15())
            except ValueError as e:
                got = b"<%s>" % str(e).encode()
            check(got == k, "rsa%d C++->python decrypt" % bits)

    # RFC 5269 §4.1 same algorithm and size: judged on keys made by Python.
    a = rsa.generate_private_key(public_exponent=65537, key_size=1024).public_key()
    b = rsa.generate_private_key(public_exponent=3, key_size=1024).public_key()
    c = rsa.generate_private_key(public_exponent=65537, key_size=1536).public_key()
    e = ec.generate_private_key(ec.SECP256R1()).public_key()
    der = lambda k: k.public_bytes(serialization.Encoding.DER,
                                   serialization.PublicFormat.SubjectPublicKeyInfo).hex()
    outs = run_tool(tool, ["check %s %s" % (der(a), der(b)), "check %s %s" % (der(a), der(c)),
                           "check %s %s" % (der(e), der(a)), "rsaenc %s %s" % (der(e), "00" * 20)])
    check(outs[0] == "same", "same size RSA keys: " + outs[0])
    check(outs[1] == "error 7", "1024 vs 1536 must be size_mismatch (7): " + outs[1])
    check(outs[2] == "error 6", "EC vs RSA must be algorithm_mismatch (6): " + outs[2])
    check(outs[3].startswith("error"), "EC HK-Encryption key must be refused: " + outs[3])


def main():
    if len(sys.argv) != 2:
        print(__doc__)
        return 2
    rng = random.Random(5269)
    test_badf(sys.argv[1], rng)
    test_rsa(sys.argv[1], rng)
    print("%d passed, %d failed" % (passed, failed))
    return 0 if failed == 0 and passed > 0 else 1


if __name__ == "__main__":
    sys.exit(main())
