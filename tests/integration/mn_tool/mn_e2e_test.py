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
import hashlib
import hmac
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time

MN, MIPGATE, DATA, APP_MAIN = (os.path.abspath(a) for a in sys.argv[1:5])
TAG = str(os.getpid())
NS_MN, NS_GW = "mnm" + TAG, "mng" + TAG
failures = []

CONFIG = """\
# mn_e2e_test: one af_packet port on the gateway end of a veth pair, the SEND router identity of
# tests/data/send, one neighbour access router (AP 02:00:00:00:aa:01, mipgate-mn's default).
system:
  lcores: "0-1"
  workers: 1
  memory_mb: 256
  hugepages: false
ports:
  - name: access
    kind: vdev
    devargs: "net_af_packet0,iface=m1"
    addresses: ["2001:db8:1::1/64"]
router:
  key_file: "{data}/router.key"
  cert_chain: ["{data}/router.pem"]
  trust_anchors: ["{data}/ta.pem"]
  cga_sec: 1
  cga_params_file: "{tmp}/router.params"
neighbor_routers:
  - ap_id: "02:00:00:00:aa:01"
    nar_mac: "02:00:00:00:01:01"
    nar_address: "2001:db8:2::1"
    nar_prefix: "2001:db8:2::/64"
handover_keys:
  capacity: 4096
"""


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what, flush=True)
    if not cond:
        failures.append(what)


def sh(*cmd, ns=None, check_rc=True):
    full = (["ip", "netns", "exec", ns] if ns else []) + list(cmd)
    r = subprocess.run(full, capture_output=True, text=True, timeout=120)
    if check_rc and r.returncode != 0:
        raise RuntimeError(f"{' '.join(full)}: {r.stderr.strip()}")
    return r


def telemetry(sock_path, cmd):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    s.connect(sock_path)
    s.recv(65536)  # greeting
    s.send(cmd.encode())
    reply = json.loads(s.recv(1 << 20).decode())
    s.close()
    return reply[cmd.split(",")[0]]


def kcv(key_hex):
    return hmac.new(bytes.fromhex(key_hex), b"mipgate-kcv", hashlib.sha256).hexdigest()[:16]


def mn(*args):
    """Runs mipgate-mn provision in the MN namespace: (exit code, JSON report or None, stdout)."""
    r = sh(MN, "provision", "--iface", "m0", "--timeout", "3", *args, ns=NS_MN, check_rc=False)
    lines = [line for line in r.stdout.splitlines() if line.startswith("{")]
    rep = json.loads(lines[-1]) if lines else None
    if r.returncode != 0:
        print("  mipgate-mn:", r.stdout.strip()[-600:], r.stderr.strip()[-600:], flush=True)
    return r.returncode, rep, r.stdout + r.stderr


def wait_ready(proc, deadline_s):
    seen = []
    end = time.time() + deadline_s
    while time.time() < end:
        line = proc.stdout.readline()
        if not line:
            break
        seen.append(line.rstrip())
        m = re.match(r"mipgate: router (\S+), .* telemetry (\S+)$", line.strip())
        if m:
            return m, seen
    return None, seen


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


def main():
    if os.geteuid() != 0 or shutil.which("ip") is None:
        print("skipped: needs root and iproute2")
        return 77
    with open(APP_MAIN) as f:
        if "router_identity" not in f.read():
            print("skipped: the mipgate binary has no SEND router identity yet (app/main.cpp)")
            return 77
    if not os.access(MIPGATE, os.X_OK):
        print(f"FAIL: {MIPGATE} not built")
        return 1
    if subprocess.run(["ip", "netns", "add", NS_GW], capture_output=True).returncode != 0:
        print("skipped: cannot create network namespaces")
        return 77
    tmp = tempfile.mkdtemp(prefix="mipgate-mn-e2e-")
    proc = None
    try:
        sh("ip", "netns", "add", NS_MN)
        sh("ip", "link", "add", "m0", "netns", NS_MN, "type", "veth", "peer", "name", "m1", "netns", NS_GW)
        for ns, dev in ((NS_MN, "m0"), (NS_GW, "m1")):
            # The kernel must not answer ND itself on either end.
            sh("sysctl", "-qw", f"net.ipv6.conf.{dev}.disable_ipv6=1", ns=ns, check_rc=False)
            sh("ip", "link", "set", dev, "up", ns=ns)
            if shutil.which("ethtool"):
                sh("ethtool", "-K", dev, "tx", "off", ns=ns, check_rc=False)
        cfg = os.path.join(tmp, "mipgate.yaml")
        with open(cfg, "w") as f:
            f.write(CONFIG.format(data=DATA, tmp=tmp))
        proc = subprocess.Popen(
            ["ip", "netns", "exec", NS_GW, "timeout", "-k", "2", "-s", "INT", "90", MIPGATE,
             "--config", cfg, "--file-prefix", "mg_mn_" + TAG],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        m, seen = wait_ready(proc, 30)
        if m is None:
            proc.send_signal(2)
            err = proc.communicate(timeout=10)[1]
            raise RuntimeError("mipgate did not start:\n" + "\n".join(seen) + "\n" + err[-2000:])
        router, sock = m.group(1), m.group(2)
        print("mipgate up, router", router, "telemetry", sock, flush=True)
        cases(router, sock, tmp)
    finally:
        if proc is not None and proc.poll() is None:
            proc.send_signal(2)  # to timeout(1), which we started; it passes SIGINT to mipgate
            try:
                proc.communicate(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.communicate()
        for ns in (NS_MN, NS_GW):
            subprocess.run(["ip", "netns", "del", ns], capture_output=True)
        shutil.rmtree(tmp, ignore_errors=True)
        # DPDK runtime directory of our --file-prefix
        shutil.rmtree(f"/var/run/dpdk/mg_mn_{TAG}", ignore_errors=True)
    print(f"{len(failures)} failure(s)", flush=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
