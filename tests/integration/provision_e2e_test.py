#!/usr/bin/python3
"""End-to-end RFC 5269 provisioning with the REAL mipgate binary over a real link: mipgate on
net_af_packet attached to a veth end in one network namespace (router identity from
tests/data/send, its control plane wired into the fast path: worker classification → slow-path
ring → SEND service → control TX), the independent Python MN (tests/interop/mn/testmn.py, no
project code) in another. Checks that the key mipgate holds, read over DPDK telemetry as a key
check value (KCV = first 8 bytes of HMAC-SHA256(key, "mipgate-kcv"), computed here with Python's
hmac), equals what the MN decrypted; that every negative case leaves /mipgate/keys unchanged and
moves its counter; and that the summary accounts for every packet. Two runs: a control lcore and
a worker with two signer threads (every case), then single-lcore mode (the main lcore runs worker
0, reports its quiescent states and sends the replies through it) with signing inline (a shorter
set of cases).

usage: provision_e2e_test.py MIPGATE TESTMN DATA_DIR      (root; exit 77 = skipped)
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

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from mipgate_run import INFO_COUNTERS, parse_summary  # noqa: E402

MIPGATE, TESTMN, DATA = (os.path.abspath(a) for a in sys.argv[1:4])
PY = "/usr/bin/python3"
TAG = str(os.getpid())
NS_MN, NS_GW = "emn" + TAG, "egw" + TAG
failures = []
routers = []  # the link-local CGA announced by each run

CONFIG = """\
# provision_e2e_test: one af_packet port on the gateway end of a veth pair, the SEND router
# identity of tests/data/send, one neighbour access router for the PrRtAdv.
system:
  lcores: "{lcores}"
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
    r = subprocess.run(full, capture_output=True, text=True)
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


def mn(*args, state):
    r = sh(PY, TESTMN, *args, "--iface", "m0", "--state", state, "--bits", "1024", "--sec", "0",
           "--timeout", "3", ns=NS_MN, check_rc=False)
    lines = [line for line in r.stdout.splitlines() if line.startswith("{")]
    if not lines:
        raise RuntimeError(f"testmn {args}: rc={r.returncode} {r.stderr.strip()[-500:]}")
    return json.loads(lines[-1])


def wait_ready(proc, deadline_s):
    """Reads mipgate's stdout until its router line; returns (line, lines read)."""
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


def provision_cases(sock, tmp, full):
    state = os.path.join(tmp, "mn.json")
    t0 = time.time()
    res = mn("provision", "--new", "--at", "1", "--trust-anchor", os.path.join(DATA, "ta.pem"),
             "--require-path", state=state)
    check(res.get("ok") is True, f"provision ok ({res.get('reason')}) in {time.time() - t0:.1f} s")
    check(res.get("router_path_ok") is True, "MN validated the router's certification path (CPS/CPA)")
    check(res.get("at") == 1 and res.get("lifetime", 0) > 43000, "AT 1 granted, lifetime ~HK-LIFETIME")
    if res.get("ok") is not True:
        return
    cga = res["cga"]
    held = telemetry(sock, "/mipgate/key," + cga)
    check(held.get("kcv") == kcv(res["key_hex"]), "the key mipgate holds (KCV over telemetry) = the MN's key")
    check(held.get("at") == 1, "stored AT = granted AT")
    check(res["key_hex"] not in json.dumps(telemetry(sock, "/mipgate/keys")), "telemetry never shows key bytes")

    time.sleep(0.4)
    again = mn("provision", "--at", "0", state=state)
    check(again.get("ok") is True and again.get("key_hex") == res["key_hex"] and again.get("at") == 1,
          "second RtSolPr from the same CGA: the same key and AT")

    all_cases = {
        "bad_sig": ["send_bad_signature"],
        "cga_mismatch": ["send_cga_hash1_mismatch", "send_cga_prefix_mismatch"],
        "replay": ["replayed_nonce"],
        # a known peer's old timestamp is a replay by the RFC 3971 5.3.4.2 rule, a new peer's out of window
        "old_ts": ["send_timestamp_out_of_window", "send_timestamp_replay"],
        "small_key": ["send_key_too_small"],
        "hk_size": ["hk_key_mismatch"],
        "zero_len": ["option_length_zero"],
        "no_nonce": ["send_no_nonce"],
    }
    cases = all_cases if full else {k: all_cases[k] for k in ("bad_sig", "replay")}
    for case, counters in cases.items():
        time.sleep(0.4)  # stay under MAX_RTSOLPR_RATE per source
        before_keys = telemetry(sock, "/mipgate/keys")
        before = telemetry(sock, "/mipgate/send")
        r = mn("rtsolpr", "--negative", case, "--at", "1", state=state)
        after_keys = telemetry(sock, "/mipgate/keys")
        after = telemetry(sock, "/mipgate/send")
        check(r.get("hk_reply") is False, f"{case}: no Handover Key Reply")
        check(after_keys["cga"] == before_keys["cga"] and after_keys["kcv"] == before_keys["kcv"]
              and after_keys["at"] == before_keys["at"], f"{case}: key table unchanged")
        moved = [c for c in counters if after.get(c, 0) > before.get(c, 0)]
        check(bool(moved), f"{case}: counter {'/'.join(counters)} moved")
        if case == "replay":
            check(r.get("first", {}).get("hk_reply") is True, "replay: the original got its key")
    if not full:
        return
    time.sleep(0.4)
    before_keys = telemetry(sock, "/mipgate/keys")
    r = mn("rtsolpr", "--negative", "unknown_ta", "--trust-anchor", os.path.join(DATA, "other-ta.pem"),
           state=state)
    check(r.get("refused") is True, "unknown_ta: the MN with another trust anchor refuses the router")
    check(telemetry(sock, "/mipgate/keys")["kcv"] == before_keys["kcv"], "unknown_ta: key table unchanged")


def one_run(tmp, lcores, signers, full):
    """mipgate with `lcores` and `signers` signer threads against a fresh MN; checks the summary."""
    print(f"--- lcores {lcores}, {signers} signer thread(s)", flush=True)
    proc = None
    out = ""
    err = ""
    run_tmp = tempfile.mkdtemp(dir=tmp)
    try:
        cfg = os.path.join(run_tmp, "mipgate.yaml")
        with open(cfg, "w") as f:
            f.write(CONFIG.format(data=DATA, tmp=tmp, lcores=lcores))
        proc = subprocess.Popen(
            ["ip", "netns", "exec", NS_GW, "timeout", "-k", "2", "-s", "INT", "90", MIPGATE,
             "--config", cfg, "--file-prefix", f"mg_e2e_{TAG}_{lcores.replace('-', '_')}",
             "--signer-threads", str(signers)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        m, seen = wait_ready(proc, 30)
        if m is None:
            proc.send_signal(2)
            err = proc.communicate(timeout=10)[1]
            raise RuntimeError("mipgate did not start:\n" + "\n".join(seen) + "\n" + err[-2000:])
        router, sock = m.group(1), m.group(2)
        print("mipgate up, router", router, "telemetry", sock, flush=True)
        check(router.startswith("fe80::"), "the router's link-local CGA is announced")
        if routers:
            check(router == routers[0], "the router's CGA is stable across restarts (cga_params_file)")
        routers.append(router)
        provision_cases(sock, run_tmp, full)
    finally:
        if proc is not None and proc.poll() is None:
            proc.send_signal(2)  # timeout(1), the process we started, passes SIGINT on to mipgate
            try:
                out, err = proc.communicate(timeout=15)
                if proc.returncode != 0:
                    print(err[-2000:], flush=True)
            except subprocess.TimeoutExpired:
                proc.kill()

    if proc is not None and out:
        check(proc.returncode == 0, f"mipgate stopped cleanly (exit {proc.returncode})")
        reports = [m for m in ("runtime error:", "AddressSanitizer", "LeakSanitizer") if m in err]
        check(not reports, "no sanitizer report on mipgate's stderr" + (":\n" + err[-3000:] if reports else ""))
        counters, _ = parse_summary(out)
        drops = sum(v for k, v in counters.items() if k not in INFO_COUNTERS)
        check(counters.get("to_control", 0) > 0, f"workers handed {counters.get('to_control')} packets to control")
        check(counters.get("rx") == counters.get("forwarded", 0) + counters.get("to_control", 0) + drops,
              "summary: rx == forwarded + to_control + drops")
        check(counters.get("control_ring_full", 1) == 0, "no packet lost on the slow-path ring")
        svc = {m.group(1): int(m.group(2)) for m in re.finditer(r"^service\s+(\w+)\s+(\d+)", out, re.M)}
        check(svc.get("hk_reply_sent", 0) >= 3 and svc.get("key_created") == 1 and svc.get("signer_queue_full") == 0,
              f"summary: SEND service counters (hk_reply_sent {svc.get('hk_reply_sent')}, "
              f"key_created {svc.get('key_created')})")
        ctl = re.search(r"^control router=(\S+) keys=(\d+) .*\btx=(\d+) .*\btx_dropped=(\d+)", out, re.M)
        check(ctl is not None and ctl.group(2) == "1" and int(ctl.group(3)) > 0 and ctl.group(4) == "0",
              "summary: control line (1 key held, replies sent, none dropped): " +
              (ctl.group(0) if ctl else "missing"))
        # af_packet with qpairs=1 has no spare TX queue: every reply went through worker 0's queue
        # (in single-lcore mode, worker 0's loop runs on the main lcore).
        check(ctl is not None and "tx_handoff=" + ctl.group(3) in ctl.group(0),
              f"lcores {lcores}: replies handed over to worker 0's TX queue")
        cnt = counters.get("control_tx", 0)
        check(ctl is not None and cnt == int(ctl.group(3)), f"lcores {lcores}: worker control_tx {cnt} = control tx")
    elif proc is not None:
        check(False, f"lcores {lcores}: no summary from mipgate (exit {proc.returncode}): {err[-1500:]}")


def main():
    if os.geteuid() != 0 or shutil.which("ip") is None:
        print("skipped: needs root and iproute2")
        return 77
    if subprocess.run(["ip", "netns", "add", NS_GW], capture_output=True).returncode != 0:
        print("skipped: cannot create network namespaces")
        return 77
    tmp = tempfile.mkdtemp(prefix="mipgate-e2e-")
    try:
        sh("ip", "netns", "add", NS_MN)
        sh("ip", "link", "add", "m0", "netns", NS_MN, "type", "veth", "peer", "name", "m1", "netns", NS_GW)
        for ns, dev in ((NS_MN, "m0"), (NS_GW, "m1")):
            # The kernel must not answer ND itself on either end: mipgate and the MN do.
            sh("sysctl", "-qw", f"net.ipv6.conf.{dev}.disable_ipv6=1", ns=ns, check_rc=False)
            sh("ip", "link", "set", dev, "up", ns=ns)
            if shutil.which("ethtool"):
                sh("ethtool", "-K", dev, "tx", "off", ns=ns, check_rc=False)
        one_run(tmp, "0-1", 2, full=True)
        one_run(tmp, "0", 0, full=False)  # the router's CGA parameters saved by the first run are reused
    except Exception as e:  # noqa: BLE001 - any set-up failure is a test failure with its reason
        check(False, f"{type(e).__name__}: {e}")
    finally:
        for ns in (NS_MN, NS_GW):
            subprocess.run(["ip", "netns", "del", ns], capture_output=True)
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"{0 if failures else 1} passed, {len(failures)} failed", flush=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
