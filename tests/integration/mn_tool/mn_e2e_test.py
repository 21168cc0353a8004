#!/usr/bin/python3
"""End-to-end `mipgate-mn provision` against the real mipgate over a real link: mipgate on
net_af_packet attached to a veth end in one network namespace (router identity from
tests/data/send), mipgate-mn on the other end in another namespace. Checks the exit code and the
JSON report (path validated, AT, lifetime, router), that the key mipgate holds — read over DPDK
telemetry as a key check value (first 8 bytes of HMAC-SHA256(key, "mipgate-kcv"), computed here
with Python's hmac) — equals the key mipgate-mn decrypted (shown only because of --show-key),
that without --show-key no key bytes are printed, that a saved --state keeps the CGA and gets the
same key back, and that an MN with another trust anchor gets no CPA and exits 1.

usage: mn_e2e_test.py MIPGATE_MN MIPGATE DATA_DIR APP_MAIN_CPP      (root; exit 77 = skipped)
"""
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from mipgate_run import (Launched, Results, VethLink, kcv, last_json,  # noqa: E402
                         send_router_config, sh, skip_without_root, telemetry, unique_prefix)

MN, MIPGATE, DATA, APP_MAIN = (os.path.abspath(a) for a in sys.argv[1:5])
LINK = VethLink("mn")
results = Results()
check = results.check


def mn(*args):
    """Runs mipgate-mn provision in the MN namespace: (exit code, JSON report or None, stdout)."""
    r = sh(MN, "provision", "--iface", LINK.MN_DEV, "--timeout", "3", *args, ns=LINK.ns_mn, check_rc=False)
    if r.returncode != 0:
        print("  mipgate-mn:", r.stdout.strip()[-600:], r.stderr.strip()[-600:], flush=True)
    return r.returncode, last_json(r.stdout), r.stdout + r.stderr


def cases(router, sock, tmp):
    ta = os.path.join(DATA, "ta.pem")
    state = os.path.join(tmp, "mn.state")
    rc, rep, _ = mn("--trust-anchor", ta, "--state", state, "--prefix", "2001:db8:1::/64", "--at", "1",
                    "--bits", "1024", "--sec", "1", "--json", "--show-key")
    check(rc == 0 and rep is not None and rep.get("ok") is True,
          f"provision: exit {rc}, ok ({rep and rep.get('reason')})")
    if rc != 0 or rep is None:
        return
    check(rep.get("path_validated") is True and rep.get("path_len", 0) >= 2,
          f"router certification path validated ({rep.get('path_len')} certificates)")
    check(rep.get("router") == router, f"PrRtAdv from the announced router CGA {rep.get('router')}")
    check(rep.get("at") == 1 and rep.get("lifetime", 0) > 43000, f"AT 1, lifetime {rep.get('lifetime')}")
    check(rep.get("mn_cga", "").startswith("2001:db8:1:") and rep.get("state_created") is True,
          "MN CGA on the global prefix, new state")
    check(all(k in rep.get("timings_ms", {}) for k in ("cps_cpa", "rtsolpr_prrtadv", "total")), "timings reported")
    key_hex = rep.get("key_hex", "")
    check(len(key_hex) == 64, "--show-key: a 32-byte HMAC-SHA256 key")
    held = telemetry(sock, "/mipgate/key," + rep["mn_cga"])
    check(held.get("kcv") == kcv(key_hex) and held.get("at") == 1,
          "the key mipgate holds (KCV over telemetry) = the key mipgate-mn decrypted")
    check(os.stat(state).st_mode & 0o077 == 0, "state file is private (0600)")

    time.sleep(0.5)  # per-source RtSolPr rate limit
    rc, rep2, out = mn("--trust-anchor", ta, "--state", state, "--prefix", "2001:db8:1::/64", "--at", "1",
                       "--bits", "1024", "--sec", "1", "--json")
    check(rc == 0 and rep2 is not None and rep2.get("mn_cga") == rep["mn_cga"]
          and rep2.get("state_created") is False, "second run from --state: same CGA, exit 0")
    check("key_hex" not in (rep2 or {}) and key_hex not in out, "without --show-key no key bytes are printed (JSON)")
    time.sleep(0.5)
    rc, _, out = mn("--trust-anchor", ta, "--state", state, "--prefix", "2001:db8:1::/64", "--at", "1",
                    "--bits", "1024", "--sec", "1")
    check(rc == 0 and "AT 1" in out and "validated" in out and key_hex not in out,
          "text report: AT, path validated, no key bytes")
    held2 = telemetry(sock, "/mipgate/key," + rep["mn_cga"])
    check(held2.get("kcv") == held.get("kcv"), "same CGA again: mipgate kept the same key")

    time.sleep(0.5)
    rc, rep3, _ = mn("--trust-anchor", ta, "--at", "0", "--bits", "1024", "--sec", "0", "--json")
    check(rc == 0 and rep3 is not None and rep3.get("mn_cga", "").startswith("fe80:") and rep3.get("at") == 0,
          f"link-local CGA only, AT 0: exit {rc}, AT {rep3 and rep3.get('at')}")

    time.sleep(0.5)
    rc, rep4, _ = mn("--trust-anchor", os.path.join(DATA, "other-ta.pem"), "--bits", "1024", "--sec", "0", "--json")
    check(rc == 1 and rep4 is not None and rep4.get("ok") is False and rep4.get("stage") == "cps",
          f"unknown trust anchor: exit {rc}, refused at {rep4 and rep4.get('stage')} ({rep4 and rep4.get('reason')})")


def against_mipgate(tmp):
    cfg = os.path.join(tmp, "mipgate.yaml")
    with open(cfg, "w") as f:
        f.write(send_router_config(DATA, tmp, "0-1"))
    gw = Launched(MIPGATE, ["--config", cfg, "--file-prefix", unique_prefix("mn")], 90, ns=LINK.ns_gw)
    try:
        router, sock = gw.wait_router_line(30)
        print("mipgate up, router", router, "telemetry", sock, flush=True)
        cases(router, sock, tmp)
    finally:
        gw.stop(15)  # to timeout(1), which we started; it passes SIGINT to mipgate


def main():
    skip = skip_without_root()
    if skip:
        return skip
    with open(APP_MAIN) as f:
        if "router_identity" not in f.read():
            print("skipped: the mipgate binary has no SEND router identity yet (app/main.cpp)")
            return 77
    if not os.access(MIPGATE, os.X_OK):
        print(f"FAIL: {MIPGATE} not built")
        return 1
    skip = LINK.skip_without_netns()
    if skip:
        return skip
    LINK.run(against_mipgate, "mipgate-mn-e2e-")
    return results.finish()


if __name__ == "__main__":
    sys.exit(main())
