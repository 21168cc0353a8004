#!/usr/bin/python3
"""Independent test mobile node for mipgate's end-to-end tests (RFC 5269 / RFC 5268 / RFC 3971).

Run with /usr/bin/python3 (Debian's scapy + cryptography).  Every subcommand prints ONE JSON line.
Exit status: provision/fbu 0 iff "ok" is true; rtsolpr/pcap 0 when the run completed; 2 on errors.

  provision   [CPS/CPA with --trust-anchor] RtSolPr + HK Request -> verify PrRtAdv, decrypt key
  rtsolpr     --negative CASE: crafted bad RtSolPr; reports whether a PrRtAdv / HK Reply came back
  fbu         authenticated FBU (HAO = PCoA, AltCoA = NCoA, BADF) -> wait for FBack, verify BADF
              (--negative bad_auth|wrong_key|tamper_ncoa|no_flags: a forged FBU; --no-wait: send only)
  listen      receive on a link for --duration s (answering NS for our addresses); report the
              packets (tunnel inner packets, UDP) and verify FBacks; a {"ready": true} line first
  ident       create/load the --state identity; print its CGA (and --ncoa-prefix's CGA), no I/O
  pcap        write crafted packets to a pcap instead of sending them

The printed key_hex is the handover key: this is a test tool, and printing it is its purpose.
"""
from __future__ import annotations

import argparse
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from mipgate_testmn.crypto import Identity                      # noqa: E402
from mipgate_testmn.mn import FBU_NEGATIVE_CASES, NEGATIVE_CASES, MobileNode  # noqa: E402
from mipgate_testmn.wire import ALL_ROUTERS, a2b, b2a, mac2b   # noqa: E402


def load_ta(path: str | None):
    if not path:
        return None
    from cryptography import x509
    with open(path, "rb") as f:
        return x509.load_pem_x509_certificate(f.read())


def get_identity(args) -> Identity:
    """Load the MN identity from --state, or create one (and save it if --state is given)."""
    if args.state and os.path.exists(args.state) and not getattr(args, "new", False):
        with open(args.state) as f:
            ident = Identity.from_json(json.load(f))
        if args.mac:
            ident.mac = mac2b(args.mac)
        return ident
    if args.sec >= 2:
        print("note: CGA Sec 2 needs ~2^32 SHA-1 in Python (hours); keep it in --state",
              file=sys.stderr, flush=True)
    ident = Identity.create(args.prefix, args.sec, args.bits, args.hk_bits,
                            mac2b(args.mac or "02:00:00:00:00:01"))
    save_identity(args, ident)
    return ident


def save_identity(args, ident: Identity) -> None:
    if args.state:
        tmp = args.state + ".tmp"
        with open(tmp, "w") as f:
            json.dump(ident.to_json(), f)
        os.replace(tmp, args.state)


def make_transport(args, ident: Identity):
    if not args.iface:
        raise SystemExit("--iface is required")
    from mipgate_testmn.net import L2Transport
    rmac = mac2b(args.router_mac) if args.router_mac else None
    if rmac is None and ident.extra.get("router_mac"):
        rmac = bytes.fromhex(ident.extra["router_mac"])
    return L2Transport(args.iface, ident.mac, rmac)


def remember_router_mac(ident: Identity, transport) -> None:
    rm = getattr(transport, "router_mac", None)
    if rm:
        ident.extra["router_mac"] = rm.hex()


def cmd_provision(args) -> int:
    ident = get_identity(args)
    tr = make_transport(args, ident)
    mn = MobileNode(ident, tr)
    res = mn.provision(a2b(args.router_ip), args.at, mac2b(args.ap_id), load_ta(args.trust_anchor),
                       args.timeout, args.require_path, args.retries)
    remember_router_mac(ident, tr)
    save_identity(args, ident)
    tr.close()
    print(json.dumps(res), flush=True)
    return 0 if res["ok"] else 1


def cmd_rtsolpr(args) -> int:
    ident = get_identity(args)
    tr = make_transport(args, ident)
    mn = MobileNode(ident, tr)
    if args.negative == "unknown_ta":
        # the MN is configured with a CA that did not certify the router: it must refuse
        ta = load_ta(args.trust_anchor)
        if ta is None:
            raise SystemExit("unknown_ta needs --trust-anchor OTHER_CA.pem")
        r = mn.provision(a2b(args.router_ip), args.at, mac2b(args.ap_id), ta, args.timeout,
                         True, args.retries)
        res = {"case": "unknown_ta", "refused": not r["ok"], "router_path_ok": r["router_path_ok"],
               "reason": r["reason"]}
    elif args.negative:
        res = mn.negative_rtsolpr(args.negative, a2b(args.router_ip), args.at, mac2b(args.ap_id),
                                  args.timeout)
    else:
        sent = mn.build_rtsolpr(a2b(args.router_ip), args.at, mac2b(args.ap_id))
        tr.send(sent.packet)
        res = {"case": None, "sent": True}
    remember_router_mac(ident, tr)
    save_identity(args, ident)
    tr.close()
    print(json.dumps(res), flush=True)
    return 0


def fbu_params(args, ident: Identity, mn: MobileNode) -> dict:
    hk = ident.extra.get("hk", {})
    key_hex = args.key or hk.get("key_hex")
    if not key_hex:
        raise SystemExit("no handover key: pass --key or provision with --state first")
    at = args.at if args.at is not None else hk.get("at", 0)
    if args.ncoa:
        ncoa = a2b(args.ncoa)
    elif args.ncoa_prefix:
        ncoa = mn.cga_on_prefix(args.ncoa_prefix)     # NCoA = our CGA on the NAR's prefix
    else:
        raise SystemExit("--ncoa or --ncoa-prefix is required")
    if not args.par:
        raise SystemExit("--par is required")
    return {"key": bytes.fromhex(key_hex), "at": at, "pcoa": a2b(args.pcoa or b2a(ident.address)),
            "ncoa": ncoa, "par": a2b(args.par), "seq": args.seq,
            "lifetime": args.lifetime, "src": a2b(args.src) if args.src else None}


def cmd_fbu(args) -> int:
    ident = get_identity(args)
    tr = make_transport(args, ident)
    mn = MobileNode(ident, tr)
    p = fbu_params(args, ident, mn)
    if args.no_wait:
        for _ in range(args.retries + 1):
            tr.send(mn.build_fbu(p["key"], p["at"], p["pcoa"], p["ncoa"], p["par"], p["seq"],
                                 p["lifetime"], p["src"], args.negative))
        tr.close()
        print(json.dumps({"ok": True, "sent": args.retries + 1, "negative": args.negative}),
              flush=True)
        return 0
    res = mn.fbu(**p, timeout=args.timeout, negative=args.negative, retries=args.retries)
    tr.close()
    print(json.dumps(res), flush=True)
    return 0 if res["ok"] else 1


def cmd_listen(args) -> int:
    """Receive on --iface for --duration seconds (the MN after moving to the new link)."""
    ident = get_identity(args)
    tr = make_transport(args, ident)
    mn = MobileNode(ident, tr)
    hk = ident.extra.get("hk", {})
    key = bytes.fromhex(args.key or hk["key_hex"]) if (args.key or hk.get("key_hex")) else None
    at = args.at if args.at is not None else hk.get("at", 0)
    ncoa = None
    if args.ncoa:
        ncoa = a2b(args.ncoa)
        mn.extra_addrs.setdefault(ncoa, None)      # answer NS for the NCoA (plain NA)
    elif args.ncoa_prefix:
        ncoa = mn.cga_on_prefix(args.ncoa_prefix)
    res = mn.listen(args.duration, key, at, a2b(args.par) if args.par else None, ncoa,
                    stop_after=args.stop_after,
                    ready=lambda: print(json.dumps({"ready": True}), flush=True))
    tr.close()
    print(json.dumps(res), flush=True)
    return 0


def cmd_ident(args) -> int:
    ident = get_identity(args)
    out = {"ok": True, "cga": b2a(ident.address), "mac": ident.mac.hex(":")}
    if args.ncoa_prefix:
        out["ncoa"] = b2a(MobileNode(ident).cga_on_prefix(args.ncoa_prefix))
    print(json.dumps(out), flush=True)
    return 0


def cmd_pcap(args) -> int:
    """Write the crafted packets to --out.  --count repeats the set (fresh nonce, identifier,
    timestamp each time); --mns N cycles over N distinct MNs (distinct CGAs; the first one is the
    --state identity).  Timestamps are those of the generation time (TIMESTAMP_DELTA 300 s)."""
    from mipgate_testmn.net import PcapTransport
    ident = get_identity(args)
    tr = PcapTransport(args.out, ident.mac, mac2b(args.router_mac) if args.router_mac else None)
    mns = [MobileNode(ident, tr)]
    for i in range(1, args.mns):
        mac = ident.mac[:4] + i.to_bytes(2, "big")
        mns.append(MobileNode(Identity.create(args.prefix, args.sec, args.bits, args.hk_bits, mac),
                              tr))
    what = [w for w in args.what.split(",") if w]
    ta = load_ta(args.trust_anchor)
    if "cps" in what and ta is None:
        raise SystemExit("cps needs --trust-anchor")
    if "fbu" in what and not args.key:
        args.key = os.urandom(20 if (args.at or 0) == 0 else 32).hex()
    fbu_p = fbu_params(args, ident, mns[0]) if "fbu" in what else None
    for n in range(args.count):
        mn = mns[n % len(mns)]
        if "cps" in what:
            tr.send(mn.build_cps(a2b(ALL_ROUTERS), ta)[0])
        if "rtsolpr" in what:
            neg = args.negative if args.negative in NEGATIVE_CASES else None
            tr.send(mn.build_rtsolpr(a2b(args.router_ip), args.at or 0, mac2b(args.ap_id),
                                     negative=neg).packet)
        if "fbu" in what:
            p = dict(fbu_p, pcoa=a2b(args.pcoa) if args.pcoa else mn.ident.address,
                     seq=(args.seq + n) & 0xFFFF)
            tr.send(mn.build_fbu(p["key"], p["at"], p["pcoa"], p["ncoa"], p["par"], p["seq"],
                                 p["lifetime"], p["src"],
                                 args.negative if args.negative in FBU_NEGATIVE_CASES else None))
    tr.close()
    print(json.dumps({"ok": True, "out": args.out, "packets": tr.count,
                      "cga": b2a(ident.address), "cgas": [b2a(m.ident.address) for m in mns],
                      "key_hex": args.key if "fbu" in what else None}), flush=True)
    return 0


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--iface", help="Linux interface to send/receive on")
    common.add_argument("--mac", help="own MAC (default 02:00:00:00:00:01 or from --state)")
    common.add_argument("--router-mac", help="router's MAC (else learned from its replies)")
    common.add_argument("--state", help="JSON file holding keys, CGA params, handover key")
    common.add_argument("--new", action="store_true", help="ignore an existing --state identity")
    common.add_argument("--prefix", default="2001:db8:1::", help="/64 of the care-of CGA")
    common.add_argument("--sec", type=int, default=1, choices=[0, 1, 2], help="CGA Sec")
    common.add_argument("--bits", type=int, default=2048, help="CGA RSA key size")
    common.add_argument("--hk-bits", type=int, help="HK encryption key size (default = --bits)")
    common.add_argument("--at", type=int, help="requested AT (0 HMAC-SHA1-96, 1 HMAC-SHA256-128)")
    common.add_argument("--router-ip", default=ALL_ROUTERS, help="RtSolPr destination")
    common.add_argument("--ap-id", default="02:00:00:00:aa:01", help="new AP id (LLA code 1)")
    common.add_argument("--trust-anchor", help="trust anchor certificate (PEM) for CPS/CPA")
    common.add_argument("--require-path", action="store_true",
                        help="refuse a PrRtAdv unless the router's path was verified")
    common.add_argument("--timeout", type=float, default=3.0)
    common.add_argument("--retries", type=int, default=0)
    common.add_argument("--negative", help="negative case: " + ", ".join(NEGATIVE_CASES)
                        + " (rtsolpr); " + ", ".join(FBU_NEGATIVE_CASES) + " (fbu)")
    common.add_argument("--key", help="handover key hex (fbu; default from --state)")
    common.add_argument("--pcoa", help="previous CoA / HAO (default: the CGA)")
    common.add_argument("--ncoa", help="new CoA (Alternate CoA option)")
    common.add_argument("--ncoa-prefix", help="use our CGA on this /64 as the NCoA")
    common.add_argument("--par", help="PAR address (FBU destination)")
    common.add_argument("--src", help="FBU IPv6 source (default PCoA)")
    common.add_argument("--seq", type=int, default=1)
    common.add_argument("--lifetime", type=int, default=10, help="FBU lifetime, seconds")
    common.add_argument("--no-wait", action="store_true", help="fbu: send, do not wait for FBack")
    common.add_argument("--duration", type=float, default=5.0, help="listen: seconds")
    common.add_argument("--stop-after", type=int, help="listen: stop after N UDP packets")
    sub = ap.add_subparsers(dest="cmd", required=True)
    sub.add_parser("provision", parents=[common])
    sub.add_parser("rtsolpr", parents=[common])
    sub.add_parser("fbu", parents=[common])
    sub.add_parser("listen", parents=[common])
    sub.add_parser("ident", parents=[common])
    pp = sub.add_parser("pcap", parents=[common])
    pp.add_argument("--out", required=True)
    pp.add_argument("--what", default="rtsolpr", help="comma list of rtsolpr,cps,fbu")
    pp.add_argument("--count", type=int, default=1, help="repeat the set N times")
    pp.add_argument("--mns", type=int, default=1, help="cycle over N distinct MNs")
    args = ap.parse_args(argv)
    if args.cmd in ("provision", "rtsolpr") and args.at is None:
        args.at = 0
    if args.negative and args.cmd == "rtsolpr" and args.negative not in NEGATIVE_CASES:
        ap.error(f"unknown negative case {args.negative}")
    if args.negative and args.cmd == "fbu" and args.negative not in FBU_NEGATIVE_CASES:
        ap.error("fbu --negative: one of " + ", ".join(FBU_NEGATIVE_CASES))
    try:
        return {"provision": cmd_provision, "rtsolpr": cmd_rtsolpr, "fbu": cmd_fbu,
                "pcap": cmd_pcap, "listen": cmd_listen, "ident": cmd_ident}[args.cmd](args)
    except SystemExit:
        raise
    except Exception as e:  # noqa: BLE001 - report as JSON for the test harness
        print(json.dumps({"ok": False, "reason": f"error: {type(e).__name__}: {e}"}), flush=True)
        return 2


if __name__ == "__main__":
    sys.exit(main())
