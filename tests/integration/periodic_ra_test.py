#!/usr/bin/python3
"""Periodic unsolicited signed RAs (RFC 4861 §6.2.4, RFC 3971 §7) from the REAL mipgate binary,
checked by the independent Python MN code (tests/interop/mn, no project code) over a veth pair:
mipgate on net_af_packet with router.ra_interval_min_s/max_s = 1/2; in the MN namespace
ra_listen.py collects every RA for a few seconds and verifies each (CGA option for the source,
RSA Signature by the key of tests/data/send/router.pem, Timestamp, no Nonce, to ff02::1).

Then, when MIPGATECTL is given, key rotation without restart (issue 6 item 6): the router key
and certificate files named in the config are replaced with router1024.*, `mipgatectl
rotate-identity` is run, and the MN must see an RA with Router Lifetime 0 from the old link-local
CGA signed with the old key (RFC 4861 §6.2.8) and periodic RAs from a new link-local CGA signed
with the new key; the MN provisions a handover key through the new router (path validated with
the trust anchor) and through the old link-local CGA, which still answers in its grace period
(NS and CPS for old addresses: control_unit PeriodicRaTest.RotationSwitchesSigning…).

usage: periodic_ra_test.py MIPGATE TESTMN_DIR DATA_DIR [MIPGATECTL]     (root; exit 77 = skipped)
"""
import json
import os
import re
import shutil
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from mipgate_run import (Launched, Results, VethLink, last_json, parse_summary,  # noqa: E402
                         sanitizer_reports, send_router_config, sh, skip_without_root, testmn,
                         unique_prefix)

MIPGATE, TESTMN_DIR, DATA = (os.path.abspath(a) for a in sys.argv[1:4])
MIPGATECTL = os.path.abspath(sys.argv[4]) if len(sys.argv) > 4 else None
LISTEN = os.path.join(os.path.dirname(os.path.abspath(__file__)), "ra_listen.py")
LINK = VethLink("r")
results = Results()
check = results.check


def listen(seconds, cert):
    r = sh("/usr/bin/python3", LISTEN, TESTMN_DIR, LINK.MN_DEV, str(seconds), cert, ns=LINK.ns_mn,
           check_rc=False, timeout_s=seconds + 30)
    rep = last_json(r.stdout)
    if rep is None:
        raise RuntimeError(f"ra_listen: rc={r.returncode} {r.stderr.strip()[-800:]}")
    return rep["ras"]


def check_periodic(ras, router, cert_name, what):
    mine = [r for r in ras if r["src"] == router and r["lifetime"] != 0]
    check(len(mine) >= 3, f"{what}: {len(mine)} periodic RAs from {router} in the listening window")
    bad = [r for r in mine if not r["ok"]]
    check(not bad, f"{what}: every RA verifies with the key of {cert_name} (CGA, signature, timestamp)" +
          (f": {bad[:2]}" if bad else ""))
    check(all(r["dst"] == "ff02::1" and not r.get("nonce") for r in mine),
          f"{what}: to ff02::1, without a Nonce (RFC 3971 §7)")
    gaps = [round(b["t"] - a["t"], 2) for a, b in zip(mine, mine[1:])]
    check(all(0.8 <= g <= 2.6 for g in gaps), f"{what}: intervals within [1, 2] s: {gaps}")
    return mine


def ctl(sock, *args):
    return subprocess.run([MIPGATECTL, "--socket", sock, "--json", *args], capture_output=True, text=True,
                          timeout=60)


def body(tmp, lcores):
    # Key and certificate at paths of our own, so that rotation can replace the files.
    for f in ("router.key", "router.pem"):
        shutil.copy(os.path.join(DATA, f), os.path.join(tmp, f))
    print(f"--- lcores {lcores}", flush=True)
    cfg_text = send_router_config(DATA, tmp, lcores)
    cfg_text = cfg_text.replace(f'key_file: "{DATA}/router.key"', f'key_file: "{tmp}/router.key"')
    cfg_text = cfg_text.replace(f'cert_chain: ["{DATA}/router.pem"]', f'cert_chain: ["{tmp}/router.pem"]')
    cfg_text = cfg_text.replace("  cga_sec: 1\n", "  cga_sec: 1\n  ra_interval_min_s: 1\n  ra_interval_max_s: 2\n"
                                "  rotation_grace_s: 15\n")
    check(f"{tmp}/router.key" in cfg_text and "ra_interval_max_s: 2" in cfg_text, "test config written")
    cfg = os.path.join(tmp, "mipgate.yaml")
    with open(cfg, "w") as f:
        f.write(cfg_text)
    sock = os.path.join(tmp, "ctl.sock")
    args = ["--config", cfg, "--file-prefix", unique_prefix("ra" + lcores.replace("-", "_"))]
    if MIPGATECTL:
        args += ["--control-socket", sock]
    gw = Launched(MIPGATE, args, 90, ns=LINK.ns_gw)
    try:
        router, _ = gw.wait_router_line(30)
        print("mipgate up, router", router, flush=True)
        ras = listen(7, os.path.join(DATA, "router.pem"))
        check_periodic(ras, router, "router.pem", "before rotation")
        if MIPGATECTL:
            rotate(sock, tmp, router)
    finally:
        rc, out, err = gw.stop(15)
    check(rc == 0, f"mipgate stopped cleanly (exit {rc})")
    check(not sanitizer_reports(err), "no sanitizer report")
    svc = {m.group(1): int(m.group(2)) for m in re.finditer(r"^service\s+(\w+)\s+(\d+)", out, re.M)}
    check(svc.get("ra_unsolicited_sent", 0) >= 3, f"summary: ra_unsolicited_sent {svc.get('ra_unsolicited_sent')}")
    counters, _ = parse_summary(out)
    check(counters.get("control_ring_full", 1) == 0, "no packet lost on the slow-path ring")


def rotate(sock, tmp, old_router):
    for f in ("key", "pem"):
        shutil.copy(os.path.join(DATA, f"router1024.{f}"), os.path.join(tmp, f"router.{f}"))
    # Listen while rotating: the Lifetime-0 RA from the old address comes right after the command.
    listener = subprocess.Popen(["ip", "netns", "exec", LINK.ns_mn, "/usr/bin/python3", LISTEN, TESTMN_DIR,
                                 LINK.MN_DEV, "7", os.path.join(DATA, "router1024.pem")],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    ready = listener.stdout.readline()  # "listening": its packet socket is open
    check(ready.strip() == "listening", "RA listener ready: " + ready.strip())
    r = ctl(sock, "rotate-identity")
    print("rotate-identity:", r.returncode, r.stdout.strip()[:400], r.stderr.strip()[:400], flush=True)
    check(r.returncode == 0, "mipgatectl rotate-identity succeeds")
    rep = json.loads(r.stdout) if r.returncode == 0 and r.stdout.strip().startswith("{") else {}
    new_router = rep.get("router", "")
    check(new_router.startswith("fe80::") and new_router != old_router,
          f"a new link-local CGA: {new_router} (was {old_router})")
    again = ctl(sock, "rotate-identity")
    check(again.returncode == 0 and '"rotated":false' in again.stdout.replace(" ", ""),
          "rotate-identity over unchanged files does nothing: " + again.stdout.strip()[:200])
    out, err = listener.communicate(timeout=60)
    rep_l = last_json(out)
    check(rep_l is not None, "listener report" + ("" if rep_l else ": " + err[-500:]))
    ras = rep_l["ras"] if rep_l else []
    final = [x for x in ras if x["src"] == old_router and x["lifetime"] == 0]
    # Listened with the new certificate: the old key's RA must NOT verify with it…
    check(len(final) >= 1 and not any(x["ok"] for x in final),
          "an RA with Router Lifetime 0 from the old link-local CGA, not signed with the new key")
    check_periodic(ras, new_router, "router1024.pem", "after rotation")

    # Provisioning through both identities with the independent MN: to all-routers, after CPS/CPA
    # with the trust anchor, the new router answers with a path that validates; an MN that still
    # addresses the old link-local CGA is answered from it, signed by the key of that CGA.
    gw_mac = sh("cat", f"/sys/class/net/{LINK.GW_DEV}/address", ns=LINK.ns_gw).stdout.strip()
    script = os.path.join(TESTMN_DIR, "testmn.py")
    state = os.path.join(tmp, "mn.json")
    new = testmn(script, LINK.ns_mn, "provision", "--router-ip", "ff02::2", "--router-mac", gw_mac,
                 "--trust-anchor", os.path.join(DATA, "ta.pem"), "--require-path", state=state)
    check(new.get("ok") is True and new.get("router") == new_router and new.get("router_path_ok") is True,
          f"provisioning after rotation: new router, path validated ({new.get('router')}, {new.get('reason')})")
    time.sleep(0.4)  # per-source RtSolPr rate
    old = testmn(script, LINK.ns_mn, "provision", "--router-ip", old_router, "--router-mac", gw_mac, state=state)
    check(old.get("ok") is True and old.get("router") == old_router,
          f"the old link-local CGA still answers in its grace period ({old.get('router')}, {old.get('reason')})")

    # After router.rotation_grace_s the old identity is retired and its CGAs leave the FIB.
    until = rep.get("retiring_until", 0)
    time.sleep(max(0.0, until - time.time()) + 1.5)
    gone = testmn(script, LINK.ns_mn, "provision", "--router-ip", old_router, "--router-mac", gw_mac, state=state)
    check(gone.get("ok") is not True and gone.get("reason") == "no PrRtAdv",
          f"after the grace period the old CGA is not answered ({gone.get('reason')})")


def main():
    global LINK
    skip = skip_without_root() or LINK.skip_without_netns()
    if skip:
        return skip
    try:
        # A control lcore and a worker, then single-lcore mode (the main lcore reports worker 0's
        # quiescent states itself while it swaps the tables).
        for i, lcores in enumerate(("0-1", "0")):
            if i > 0:
                LINK = VethLink("s")  # run() removed the first pair of namespaces
            LINK.run(lambda tmp: body(tmp, lcores), "mipgate-ra-")
    except Exception as e:  # noqa: BLE001
        check(False, f"{type(e).__name__}: {e}")
    return results.finish()


if __name__ == "__main__":
    sys.exit(main())
