#!/usr/bin/python3
"""End-to-end RFC 5269 provisioning over a real link: the SEND service (provision_harness: EAL,
net_af_packet on a veth, the control plane as the app wires it) in one network namespace, the
independent Python MN (tests/interop/mn/testmn.py, no project code) in another. Checks that the
key mipgate holds, read through DPDK telemetry as a key check value, equals what the MN decrypted,
and that every negative case leaves the key table unchanged and moves its counter.

usage: provision_test.py HARNESS TESTMN DATA_DIR      (root; exit 77 = skipped)
"""
import hashlib
import hmac
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time

HARNESS, TESTMN, DATA = sys.argv[1], sys.argv[2], sys.argv[3]
PY = "/usr/bin/python3"
TAG = str(os.getpid())
NS_MN, NS_GW = "pmn" + TAG, "pgw" + TAG
failures = []


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
    lines = [l for l in r.stdout.splitlines() if l.startswith("{")]
    if not lines:
        raise RuntimeError(f"testmn {args}: rc={r.returncode} {r.stderr.strip()[-500:]}")
    return json.loads(lines[-1])


def main():
    if os.geteuid() != 0 or shutil.which("ip") is None:
        print("skipped: needs root and iproute2")
        return 77
    tmp = tempfile.mkdtemp(prefix="mipgate-prov-")
    harness = None
    try:
        sh("ip", "netns", "add", NS_MN)
        sh("ip", "netns", "add", NS_GW)
        sh("ip", "link", "add", "m0", "netns", NS_MN, "type", "veth", "peer", "name", "m1", "netns", NS_GW)
        for ns, dev in ((NS_MN, "m0"), (NS_GW, "m1")):
            sh("sysctl", "-qw", f"net.ipv6.conf.{dev}.disable_ipv6=1", ns=ns, check_rc=False)
            sh("ip", "link", "set", dev, "up", ns=ns)
            if shutil.which("ethtool"):
                sh("ethtool", "-K", dev, "tx", "off", ns=ns, check_rc=False)

        harness = subprocess.Popen(
            ["ip", "netns", "exec", NS_GW, "timeout", "-k", "2", "-s", "INT", "170", HARNESS,
             "--vdev", "net_af_packet0,iface=m1", "--data", DATA, "--params", os.path.join(tmp, "router.params")],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        line = harness.stdout.readline().split()
        if not line or line[0] != "READY":
            raise RuntimeError("harness did not start: " + harness.stderr.read()[-2000:])
        sock = os.path.join(line[1], "dpdk_telemetry.v2")
        print("harness up, router", line[2], "telemetry", sock, flush=True)

        state = os.path.join(tmp, "mn.json")
        res = mn("provision", "--new", "--at", "1", "--trust-anchor", os.path.join(DATA, "ta.pem"),
                 "--require-path", state=state)
        check(res.get("ok") is True, f"provision ok ({res.get('reason')})")
        check(res.get("router_path_ok") is True, "MN validated the router's certification path (CPS/CPA)")
        check(res.get("at") == 1 and res.get("lifetime", 0) > 43000, "AT 1 granted, lifetime ~HK-LIFETIME")
        cga = res["cga"]
        held = telemetry(sock, "/mipgate/key," + cga)
        check(held.get("kcv") == kcv(res["key_hex"]), "the key mipgate holds (KCV over telemetry) = the MN's key")
        check(held.get("at") == 1, "stored AT = granted AT")
        check(res["key_hex"] not in json.dumps(telemetry(sock, "/mipgate/keys")), "telemetry never shows key bytes")

        time.sleep(0.5)
        again = mn("provision", "--at", "0", state=state)
        check(again.get("ok") is True and again.get("key_hex") == res["key_hex"] and again.get("at") == 1,
              "second RtSolPr from the same CGA: the same key and AT")

        cases = {
            "bad_sig": ["send_bad_signature"],
            "cga_mismatch": ["send_cga_hash1_mismatch", "send_cga_prefix_mismatch"],
            "replay": ["replayed_nonce"],
            # a known peer's old timestamp is a replay by the §5.3.4.2 rule, a new peer's out of window
            "old_ts": ["send_timestamp_out_of_window", "send_timestamp_replay"],
            "small_key": ["send_key_too_small"],
            "hk_size": ["hk_key_mismatch"],
            "zero_len": ["option_length_zero"],
            "no_nonce": ["send_no_nonce"],
        }
        for case, counters in cases.items():
            time.sleep(0.5)  # stay under MAX_RTSOLPR_RATE per source
            before_keys = telemetry(sock, "/mipgate/keys")
            before = telemetry(sock, "/mipgate/send")
            r = mn("rtsolpr", "--negative", case, "--at", "1", state=state)
            after_keys = telemetry(sock, "/mipgate/keys")
            after = telemetry(sock, "/mipgate/send")
            check(r.get("hk_reply") is False, f"{case}: no Handover Key Reply")
            check(after_keys == before_keys or (after_keys["cga"] == before_keys["cga"] and
                                                after_keys["kcv"] == before_keys["kcv"]),
                  f"{case}: key table unchanged")
            moved = [c for c in counters if after.get(c, 0) > before.get(c, 0)]
            check(bool(moved), f"{case}: counter {'/'.join(counters)} moved")
            if case == "replay":
                check(r.get("first", {}).get("hk_reply") is True, "replay: the original got its key")
        time.sleep(0.5)
        r = mn("rtsolpr", "--negative", "unknown_ta", "--trust-anchor", os.path.join(DATA, "other-ta.pem"),
               state=state)
        check(r.get("refused") is True, "MN with another trust anchor refuses the router")
    finally:
        if harness is not None:
            harness.send_signal(2)  # timeout(1) passes SIGINT on to the harness
            try:
                out, err = harness.communicate(timeout=10)
                print(out.strip()[-300:], flush=True)
            except subprocess.TimeoutExpired:
                harness.kill()
        for ns in (NS_MN, NS_GW):
            subprocess.run(["ip", "netns", "del", ns], capture_output=True)
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"{0 if failures else 1} passed, {len(failures)} failed", flush=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
