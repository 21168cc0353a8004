#!/usr/bin/python3
"""mipgate-mn pcap, judged independently: tshark (dissection, ICMPv6 checksums, no malformed
packet except tshark 4.0's Handover Key option padding quirk, protocol-facts §8) and the
independent Python MN library (tests/interop/mn/mipgate_testmn, no project code) for every
RtSolPr's SEND signature and CGA. The invalid variants must fail exactly where they should.

usage: mn_pcap_test.py MIPGATE_MN TESTMN_DIR
"""
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

MN, TESTMN_DIR = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
sys.path.insert(0, TESTMN_DIR)
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from mipgate_run import SKIP, Results  # noqa: E402
from mipgate_testmn import fmip, send, wire  # noqa: E402
from mipgate_testmn.crypto import cga_verify, load_spki  # noqa: E402

results = Results()
check = results.check


def read_pcap(path):
    """Frames of a classic pcap file (either byte order), read with struct only."""
    with open(path, "rb") as f:
        data = f.read()
    magic = struct.unpack("<I", data[:4])[0]
    end = "<" if magic == 0xA1B2C3D4 else ">"
    check(struct.unpack(end + "I", data[:4])[0] == 0xA1B2C3D4, f"{os.path.basename(path)}: pcap magic")
    check(struct.unpack(end + "I", data[20:24])[0] == 1, "linktype Ethernet")
    off, frames = 24, []
    while off + 16 <= len(data):
        _, _, incl, orig = struct.unpack(end + "IIII", data[off:off + 16])
        frames.append(data[off + 16:off + 16 + incl])
        off += 16 + incl
    check(off == len(data), "pcap records cover the file exactly")
    return frames


def tshark_check(path, n):
    out = subprocess.run(["tshark", "-r", path, "-T", "pdml"], capture_output=True, text=True,
                         timeout=120)
    check(out.returncode == 0, f"tshark reads {os.path.basename(path)}")
    root = ET.fromstring(out.stdout)
    pkts = root.findall("packet")
    check(len(pkts) == n, f"tshark sees {n} packets (saw {len(pkts)})")
    for i, pkt in enumerate(pkts):
        fields = list(pkt.iter("field"))
        status = [f.get("show") for f in fields if f.get("name") == "icmpv6.checksum.status"]
        subtype = [f.get("show") for f in fields if f.get("name") == "icmpv6.fmip6.subtype"]
        ok = status == ["1"] and subtype == ["2"]
        # Malformed / unknown-data items are tolerated only inside option 27's padding.
        spans = []
        for o in [f for f in fields if f.get("name") == "icmpv6.opt"]:
            t = [x.get("show") for x in o.iter("field") if x.get("name") == "icmpv6.opt.type"]
            pl = [x.get("show") for x in o.iter("field") if x.get("name") == "icmpv6.opt.hkr.pad_length"]
            if t and t[0] == "27" and pl:
                start, size = int(o.get("pos")), int(o.get("size"))
                spans.append((start + size - int(pl[0]), start + size))
        bad = [f for f in fields if f.get("name") in ("_ws.malformed", "data", "data.data",
                                                       "icmpv6.unknown_data", "_ws.expert")]
        bad += [p for p in pkt.iter("proto") if p.get("name") == "_ws.malformed"]
        for b in bad:
            if b.get("pos") is None:
                continue
            p, sz = int(b.get("pos")), int(b.get("size") or 0)
            if not any(s <= p and p + sz <= e for s, e in spans):
                ok = False
        if not ok:
            check(False, f"packet {i}: checksum {status}, subtype {subtype}, malformed outside HK padding")
            return
    check(True, f"tshark: {n} RtSolPrs, ICMPv6 checksums good, nothing malformed (but the HK padding quirk)")


def rtsolprs(frames):
    out = []
    for fr in frames:
        assert fr[12:14] == b"\x86\xdd"
        pkt = wire.Ipv6Packet.parse(fr[14:])
        out.append((fr, pkt))
    return out


def options_of(icmp):
    return {o.type: o for o in reversed(wire.parse_nd_options(icmp, 8))}


def run(*args):
    return subprocess.run([MN, *args], capture_output=True, text=True, timeout=120)


def main():
    if shutil.which("tshark") is None:
        print("skipped: tshark not installed")
        return SKIP
    tmp = tempfile.mkdtemp(prefix="mn-pcap-")
    try:
        # --- valid traffic: 12 RtSolPrs from 4 CGAs on a global prefix, AT 1 ----------------
        good = os.path.join(tmp, "good.pcap")
        r = run("pcap", "--out", good, "--count", "12", "--mns", "4", "--prefix", "2001:db8:1::/64",
                "--at", "1", "--sec", "1", "--ap-id", "02:00:00:00:aa:01")
        check(r.returncode == 0, f"pcap exit 0 ({r.stderr.strip()})")
        frames = read_pcap(good)
        check(len(frames) == 12, "12 frames")
        tshark_check(good, 12)
        cgas, all_ok = set(), True
        for i, (fr, pkt) in enumerate(rtsolprs(frames)):
            icmp = pkt.payload
            why = []
            if fr[:6] != bytes.fromhex("333300000002"):
                why.append("Ethernet dst")
            if pkt.nh != 58 or pkt.hlim != 255 or wire.b2a(pkt.dst) != "ff02::2":
                why.append("IPv6 header")
            if not wire.icmp_checksum_ok(pkt.src, pkt.dst, icmp):
                why.append("checksum")
            m = fmip.parse_fmip(icmp)
            if m.subtype != 2 or m.code != 0:
                why.append("not an RtSolPr")
            chk = send.verify_message(pkt.src, pkt.dst, icmp, 8, min_bits=1024)
            if not chk.ok:
                why.append("SEND: " + chk.reason)
            else:
                ok, reason = cga_verify(pkt.src, chk.params)
                if not ok or pkt.src[:8] != wire.a2b("2001:db8:1::")[:8]:
                    why.append("CGA " + reason)
                if wire.a2b(pkt.src)[8] >> 5 != 1:
                    why.append("Sec != 1")
                if chk.nonce is None or len(chk.nonce) < 6:
                    why.append("nonce")
                opts = options_of(icmp)
                at, hk_spki = fmip.decode_hk_request(opts[27].data)
                if at != 1 or load_spki(hk_spki).key_size != load_spki(chk.params.public_key).key_size:
                    why.append("HK Request AT/size")
                lla = [o for o in wire.parse_nd_options(icmp, 8) if o.type == 19]
                codes = sorted(o.data[2] for o in lla)
                if codes != [1, 4] or bytes.fromhex("02000000aa01") not in [o.data[3:9] for o in lla]:
                    why.append(f"LLA options {codes}")
                if wire.parse_nd_options(icmp, 8)[-1].type != 12:
                    why.append("RSA Signature not last")
                cgas.add(pkt.src)
            if why:
                all_ok = False
                check(False, f"packet {i}: " + ", ".join(why))
        check(all_ok, "every RtSolPr: SEND signature, CGA (Sec 1), nonce, HK Request, LLAs verify (Python MN)")
        check(len(cgas) == 4, f"4 distinct CGAs (saw {len(cgas)})")

        # --- link-local CGAs to a unicast router --------------------------------------------
        ll = os.path.join(tmp, "ll.pcap")
        r = run("pcap", "--out", ll, "--count", "2", "--router-ll", "fe80::1", "--router-mac",
                "02:00:00:00:00:fe", "--at", "0", "--sec", "0")
        frames = read_pcap(ll) if r.returncode == 0 else []
        ok = len(frames) == 2
        for fr, pkt in rtsolprs(frames):
            chk = send.verify_message(pkt.src, pkt.dst, pkt.payload, 8)
            ok = ok and chk.ok and fr[:6] == bytes.fromhex("0200000000fe") and \
                wire.b2a(pkt.src).startswith("fe80::") and wire.b2a(pkt.dst) == "fe80::1"
        check(ok, "link-local CGA → unicast router: signed for that destination, verifies")

        # --- invalid variants ---------------------------------------------------------------
        bad = os.path.join(tmp, "badsig.pcap")
        r = run("pcap", "--out", bad, "--count", "3", "--mns", "2", "--invalid", "bad-signature")
        check(r.returncode == 0, "pcap --invalid bad-signature exit 0")
        tshark_check(bad, 3)
        reasons = [send.verify_message(p.src, p.dst, p.payload, 8).reason
                   for _, p in rtsolprs(read_pcap(bad))]
        check(reasons == ["bad RSA signature"] * 3, f"bad-signature: every one fails the RSA check {reasons}")
        cga_ok = True
        for _, p in rtsolprs(read_pcap(bad)):
            opts = options_of(p.payload)
            cga_ok = cga_ok and cga_verify(p.src, send.decode_cga_option(opts[11]))[0]
        check(cga_ok, "bad-signature: the source is still a valid CGA (only the signature is broken)")

        cm = os.path.join(tmp, "cga.pcap")
        r = run("pcap", "--out", cm, "--count", "3", "--invalid", "cga-mismatch")
        check(r.returncode == 0, "pcap --invalid cga-mismatch exit 0")
        tshark_check(cm, 3)
        for _, p in rtsolprs(read_pcap(cm)):
            full = send.verify_message(p.src, p.dst, p.payload, 8)
            nocga = send.verify_message(p.src, p.dst, p.payload, 8, check_cga=False)
            check(full.reason.startswith("CGA: Hash1") and nocga.ok,
                  f"cga-mismatch: CGA check fails ({full.reason}), signature alone verifies ({nocga.reason})")

        # --- usage errors -------------------------------------------------------------------
        check(run("pcap", "--out", os.path.join(tmp, "x.pcap")).returncode == 2, "pcap without --count: exit 2")
        check(run("pcap", "--out", "x", "--count", "1", "--invalid", "nope").returncode == 2,
              "unknown --invalid: exit 2")
        check(run("provision", "--iface", "lo").returncode == 2, "provision without --trust-anchor: exit 2")
        check(run("frobnicate").returncode == 2, "unknown command: exit 2")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return results.finish()


if __name__ == "__main__":
    sys.exit(main())
