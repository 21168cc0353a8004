#!/usr/bin/python3
"""Listens on IFACE for SECONDS and checks every Router Advertisement with the independent test
MN's code (tests/interop/mn/mipgate_testmn: no project code): Hop Limit 255, checksum, SEND
protection (CGA option verifies for the source, RSA Signature by the key of the router
certificate CERT, Timestamp within 300 s) and, for an unsolicited RA to ff02::1, no Nonce
(RFC 3971 §7). Prints one JSON line: {"ras": [{"t", "src", "dst", "lifetime", "ok", "reason",
"nonce"}...]}.

usage: ra_listen.py TESTMN_DIR IFACE SECONDS CERT.pem
"""
import json
import os
import struct
import sys
import time

sys.path.insert(0, os.path.abspath(sys.argv[1]))
from cryptography import x509  # noqa: E402
from cryptography.hazmat.primitives import serialization  # noqa: E402
from mipgate_testmn.net import L2Transport  # noqa: E402
from mipgate_testmn.send import verify_message  # noqa: E402
from mipgate_testmn.wire import Ipv6Packet, b2a, icmp_checksum_ok  # noqa: E402

ICMP_RA = 134
RA_OPTIONS = 16  # RFC 4861 §4.2


def main():
    iface, seconds, cert_pem = sys.argv[2], float(sys.argv[3]), sys.argv[4]
    with open(cert_pem, "rb") as f:
        cert = x509.load_pem_x509_certificate(f.read())
    spki = cert.public_key().public_bytes(serialization.Encoding.DER,
                                          serialization.PublicFormat.SubjectPublicKeyInfo)
    tr = L2Transport(iface, bytes.fromhex("020000000001"))
    print("listening", flush=True)  # the socket is open: a caller may now trigger what it awaits
    start = time.monotonic()
    ras = []
    try:
        while True:
            left = seconds - (time.monotonic() - start)
            if left <= 0:
                break
            raw = tr.recv(left)
            if raw is None:
                continue
            p = Ipv6Packet.parse(raw)
            if p.nh != 58 or len(p.payload) < RA_OPTIONS or p.payload[0] != ICMP_RA:
                continue
            rec = {"t": round(time.monotonic() - start, 3), "src": b2a(p.src), "dst": b2a(p.dst),
                   "lifetime": struct.unpack("!H", p.payload[6:8])[0]}
            if p.hlim != 255 or not icmp_checksum_ok(p.src, p.dst, p.payload):
                rec.update(ok=False, reason="hop limit or checksum")
            else:
                chk = verify_message(p.src, p.dst, p.payload, RA_OPTIONS, expected_key=spki)
                ok = chk.ok and chk.params is not None and chk.params.public_key == spki
                rec.update(ok=ok, reason=chk.reason if not chk.ok else ("ok" if ok else "CGA key is not the certified key"),
                           nonce=chk.nonce is not None)
            ras.append(rec)
    finally:
        tr.close()
    print(json.dumps({"ras": ras}), flush=True)


if __name__ == "__main__":
    main()
