#!/usr/bin/python3
"""mipgate-mn provision against a scripted router built with the independent Python MN library
(tests/interop/mn/mipgate_testmn, no project code), so each check of the tool can be made to
fail on purpose. The router answers the CPS with a CPA holding tests/data/send/router.pem and the
RtSolPr with a PrRtAdv that is, per case:

  good      correct (positive control: the key the tool decrypts = the key encrypted here)
  forged    valid CGA + signature, but by other-router.key (not the certified key)  → exit 1
  unsigned  no SEND options at all                                                → exit 1
  bad_nonce signed by the certified key, nonce not ours                           → exit 1
  tampered  signed, then one byte of the HK Reply changed                         → exit 1
  no_hk     signed, no Handover Key Reply (router refused)                        → exit 1
  weak_at   signed, AT 0 granted for an AT 1 request                              → exit 1

usage: mn_fake_router_test.py MIPGATE_MN DATA_DIR TESTMN_DIR          (root; exit 77 = skipped)
  (internally: mn_fake_router_test.py --router CASE IFACE DATA_DIR TESTMN_DIR KEY_OUT)
"""
import os
import socket
import struct
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from mipgate_run import Results, VethLink, last_json, skip_without_root  # noqa: E402

ETH_P_IPV6 = 0x86DD


def router(case, iface, data, testmn_dir, key_out):
    """One-shot scripted access router on `iface` (runs inside the router namespace)."""
    sys.path.insert(0, testmn_dir)
    from cryptography import x509
    from cryptography.hazmat.primitives.serialization import Encoding
    from mipgate_testmn import crypto, fmip, send, wire

    def load_key(name):
        with open(os.path.join(data, name)) as f:
            return crypto.load_private_pem(f.read())

    key = load_key("router.key")
    with open(os.path.join(data, "router.pem"), "rb") as f:
        cert = x509.load_pem_x509_certificate(f.read())
    with open(os.path.join(data, "ta.pem"), "rb") as f:
        ta = x509.load_pem_x509_certificate(f.read())
    sign_key = load_key("other-router.key") if case == "forged" else key
    addr, params = crypto.cga_generate(crypto.spki_der(sign_key), "fe80::", 0)
    mac = bytes.fromhex("0200000000fe")
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_IPV6))
    s.bind((iface, 0))
    s.settimeout(1.0)
    end = time.time() + 25
    print("ready", flush=True)
    while time.time() < end:
        try:
            fr, meta = s.recvfrom(65536)
        except socket.timeout:
            continue
        if meta[2] == socket.PACKET_OUTGOING or len(fr) < 62 or fr[12:14] != b"\x86\xdd":
            continue
        pkt = wire.Ipv6Packet.parse(fr[14:])
        if pkt.nh != 58:
            continue
        icmp = pkt.payload

        def out(dst, msg):
            ip = wire.ipv6_header(addr, dst, 58, len(msg), 255) + msg
            s.send(fr[6:12] + mac + b"\x86\xdd" + ip)

        if icmp[0] == 148:  # CPS → one CPA component, the router's own certificate
            names = [send.decode_trust_anchor_option(o)[1] for o in wire.parse_nd_options(icmp, 8)
                     if o.type == 15]
            if ta.subject.public_bytes() not in names:
                continue
            ident = struct.unpack("!H", icmp[4:6])[0]
            dst = wire.solicited_node(pkt.src)
            out(dst, fmip.build_cpa(addr, dst, ident, 1, 0,
                                    send.certificate_option(cert.public_bytes(Encoding.DER))))
        elif icmp[0] == 154 and icmp[4] == 2:  # RtSolPr
            chk = send.verify_message(pkt.src, pkt.dst, icmp, 8)
            msg = fmip.parse_fmip(icmp)
            if not chk.ok or msg.hk_request is None:
                print("router: RtSolPr refused: " + chk.reason, flush=True)
                return 1
            at = 0 if case == "weak_at" else msg.hk_request[0]
            hk = os.urandom(32 if at == 1 else 20)
            with open(key_out, "w") as f:
                f.write(hk.hex())
            opts = fmip.lla_option(4, mac)
            if case != "no_hk":
                enc = crypto.rsa_encrypt_pkcs1(crypto.load_spki(msg.hk_request[1]), hk)
                opts += fmip.hk_reply_option(at, 43200, enc)
            body = fmip.prrtadv_unsigned(0, msg.identifier, opts)
            if case == "unsigned":
                reply = wire.set_icmp_checksum(addr, pkt.src, body)
            else:
                nonce = os.urandom(6) if case == "bad_nonce" else chk.nonce
                body += send.cga_option(params) + send.timestamp_option() + send.nonce_option(nonce)
                reply = send.sign_message(addr, pkt.src, body, sign_key)
                if case == "tampered":
                    b = bytearray(reply)
                    b[8 + 16 + 40] ^= 0x01  # inside the encrypted key of the HK Reply
                    b[2:4] = b"\x00\x00"
                    reply = wire.set_icmp_checksum(addr, pkt.src, bytes(b))
            out(pkt.src, reply)
            return 0
    print("router: no RtSolPr", flush=True)
    return 1


EXPECT = {
    "good": (0, None),
    "forged": (1, "key_hash_mismatch"),
    "unsigned": (1, "no_rsa_sig"),
    "bad_nonce": (1, "nonce_unknown"),
    "tampered": (1, "bad_signature"),
    "no_hk": (1, "without a Handover Key Reply"),
    "weak_at": (1, "weaker than the requested AT 1"),
}


def each_case(link, results, mn_bin, data, testmn_dir, tmp):
    """Runs mipgate-mn against the scripted router once per case of EXPECT."""
    state = os.path.join(tmp, "mn.state")
    for case, (want_rc, want_reason) in EXPECT.items():
        key_out = os.path.join(tmp, case + ".key")
        rp = subprocess.Popen(["ip", "netns", "exec", link.ns_gw, sys.executable, os.path.abspath(__file__),
                               "--router", case, link.GW_DEV, data, testmn_dir, key_out],
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        rp.stdout.readline()  # "ready"
        r = subprocess.run(["ip", "netns", "exec", link.ns_mn, mn_bin, "provision", "--iface", link.MN_DEV,
                            "--trust-anchor", os.path.join(data, "ta.pem"), "--state", state,
                            "--bits", "1024", "--sec", "0", "--at", "1", "--timeout", "2", "--json",
                            "--show-key"], capture_output=True, text=True, timeout=60)
        try:
            rout = rp.communicate(timeout=30)[0]
        except subprocess.TimeoutExpired:
            rp.kill()
            rout = rp.communicate()[0]
        rep = last_json(r.stdout) or {}
        ok = r.returncode == want_rc and rep.get("path_validated") is True
        if want_reason is None:
            with open(key_out) as f:
                sent = f.read().strip()
            ok = ok and rep.get("key_hex") == sent and rep.get("at") == 1 and rep.get("lifetime") == 43200
        else:
            ok = ok and want_reason in rep.get("reason", "") and "key_hex" not in rep
        results.check(ok, f"{case}: exit {r.returncode}, {rep.get('reason')}")
        if not ok:
            print("  router:", rout.strip()[-500:], "\n  mn:", r.stdout.strip()[-500:], r.stderr.strip()[-300:])


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "--router":
        return router(*sys.argv[2:7])
    mn_bin, data, testmn_dir = (os.path.abspath(a) for a in sys.argv[1:4])
    # Both ends write whole frames, checksums included, on raw sockets: tx offload left as it is.
    link = VethLink("f", tx_offload_off=False)
    skip = skip_without_root() or link.skip_without_netns()
    if skip:
        return skip
    results = Results()
    link.run(lambda tmp: each_case(link, results, mn_bin, data, testmn_dir, tmp), "mn-fake-")
    return results.finish()


if __name__ == "__main__":
    sys.exit(main())
