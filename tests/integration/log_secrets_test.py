#!/usr/bin/python3
"""Secrets never reach logs or the CLI (issue 6 item 4): the REAL mipgate at debug level on every
mipgate logtype (no log rate limit), a full RFC 5269 provisioning by the independent Python MN
(tests/interop/mn/testmn.py) over af_packet on a veth, a key reuse, refused RtSolPrs, a reload,
then everything an operator can read — mipgate's stdout and stderr (its rte_log lines included),
`mipgatectl` show keys / show key / show send / show counters / show config / metrics (text and
--json), DPDK telemetry /mipgate/keys, /mipgate/key, /mipgate/show/keys — is searched for the
handover key the MN decrypted, as raw bytes, hex (any case, with or without separators) and
base64 (secrets_check.py). Any hit FAILS the test. The search is first shown to find a planted
key, and the debug lines it searches are checked to be there (key created with CGA, AT and KCV).

usage: log_secrets_test.py MIPGATE MIPGATECTL TESTMN DATA_DIR      (root; exit 77 = skipped)
"""
import json
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from mipgate_run import (Launched, Results, VethLink, kcv, sanitizer_reports,  # noqa: E402
                         send_router_config, skip_without_root, telemetry, testmn, unique_prefix)
from secrets_check import find_secret, self_test  # noqa: E402

MIPGATE, MIPGATECTL, TESTMN, DATA = (os.path.abspath(a) for a in sys.argv[1:5])
LINK = VethLink("ls")
results = Results()
check = results.check


def mn(*args, state):
    return testmn(TESTMN, LINK.ns_mn, *args, state=state)


def ctl(sock, *args):
    p = subprocess.run([MIPGATECTL, "--socket", sock, "--timeout", "5000"] + list(args),
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=30)
    return p.returncode, p.stdout + p.stderr


def wait_line(path, needle, proc, deadline_s):
    end = time.time() + deadline_s
    while time.time() < end and proc.poll() is None:
        with open(path, errors="replace") as f:
            for line in f:
                if needle in line:
                    return line.strip()
        time.sleep(0.2)
    return None


def body(tmp):
    cfg = os.path.join(tmp, "mipgate.yaml")
    sock = os.path.join(tmp, "ctl.sock")
    with open(cfg, "w") as f:
        f.write(send_router_config(DATA, tmp, "0-1"))
        f.write("control:\n  socket: \"%s\"\nlogging:\n  level: debug\n  rate_per_s: 0\n" % sock)
    out_path, err_path = os.path.join(tmp, "stdout"), os.path.join(tmp, "stderr")
    out_f, err_f = open(out_path, "w"), open(err_path, "w")
    gw = Launched(MIPGATE, ["--config", cfg, "--file-prefix", unique_prefix("secrets"), "--signer-threads", "1"],
                  90, ns=LINK.ns_gw, stdout=out_f, stderr=err_f)
    cli = {}
    key_hex = None
    try:
        line = wait_line(out_path, "mipgate: router ", gw.proc, 30)
        check(line is not None, "mipgate started (router line)" + ("" if line else ": " + open(err_path).read()[-1500:] + open(out_path).read()[-1500:]))
        if line is None:
            return
        tsock = line.rsplit(" ", 1)[1]
        state = os.path.join(tmp, "mn.json")
        res = mn("provision", "--new", "--at", "1", "--trust-anchor", os.path.join(DATA, "ta.pem"),
                 "--require-path", state=state)
        check(res.get("ok") is True and len(res.get("key_hex", "")) >= 32,
              f"provisioning ok, the MN decrypted a key ({res.get('reason')})")
        if res.get("ok") is not True:
            return
        key_hex, cga = res["key_hex"], res["cga"]
        time.sleep(0.4)
        again = mn("provision", "--at", "0", state=state)
        check(again.get("key_hex") == key_hex, "second RtSolPr: the same key (reuse path logged too)")
        time.sleep(0.4)
        neg = mn("rtsolpr", "--negative", "bad_sig", "--at", "1", state=state)
        check(neg.get("hk_reply") is False, "bad signature refused (refusal path logged too)")

        for cmd in (["show", "keys"], ["show", "key", cga], ["show", "send", "all"],
                    ["show", "counters", "all", "per-lcore"], ["show", "config"], ["metrics"], ["reload"],
                    ["set", "log-level", "debug"]):
            for js in ([], ["--json"]):
                rc, text = ctl(sock, *(js + cmd))
                cli["mipgatectl " + " ".join(js + cmd)] = text
                check(rc == 0, f"mipgatectl {' '.join(js + cmd)}: exit {rc}")
        held = telemetry(tsock, "/mipgate/key," + cga)
        check(held.get("kcv") == kcv(key_hex), "the key mipgate holds is the MN's (KCV)")
        for t in ("/mipgate/keys", "/mipgate/key," + cga, "/mipgate/show/keys", "/mipgate/show/key," + cga,
                  "/mipgate/send"):
            try:
                cli["telemetry " + t] = json.dumps(telemetry(tsock, t))
            except Exception as e:  # noqa: BLE001 - a missing twin is not what this test judges
                cli["telemetry " + t] = str(e)
    finally:
        rc = gw.stop(20)[0]
        out_f.close()
        err_f.close()
    check(rc == 0, f"mipgate stopped cleanly (exit {rc})")
    with open(out_path, "rb") as f:
        out = f.read()
    with open(err_path, "rb") as f:
        err = f.read()
    check(not sanitizer_reports(err.decode(errors="replace")), "no sanitizer report")
    if key_hex is None:
        return
    logs = (out + err).decode(errors="replace")
    # The search covered real debug-level logs of the provisioning.
    check(f"mipgate.keys: handover key created for {cga}: AT 1" in logs and f"KCV {kcv(key_hex)}" in logs,
          "debug logs hold the key event (CGA, AT, KCV)")
    check(f"mipgate.send: RtSolPr from {cga} accepted" in logs, "debug logs hold the accepted RtSolPr")
    check("refused: SEND verification: bad_signature" in logs, "logs hold the refusal with its reason")
    check("mipgate.config: reload:" in logs, "logs hold the reload")
    # The search, run on this run's real output with the real key planted, must report it.
    planted = find_secret(key_hex, {"stdout with the key planted": out + b"x" + bytes.fromhex(key_hex) + b"\n",
                                    "stderr with the key planted": err + key_hex.upper().encode()})
    check(len(planted) >= 2, "the search finds this run's key when planted into this run's output")
    hits = find_secret(key_hex, dict({"mipgate stdout": out, "mipgate stderr": err}, **cli))
    check(not hits, "the handover key appears nowhere in logs, CLI or telemetry" +
          (": FOUND in " + "; ".join(hits) if hits else f" ({len(cli) + 2} outputs, {len(out) + len(err)} log bytes)"))


def main():
    try:
        self_test()
        check(True, "the secrets search finds a planted key in every form")
    except AssertionError as e:
        check(False, f"secrets search self-test: {e}")
        return results.finish()
    skip = skip_without_root() or LINK.skip_without_netns()
    if skip:
        return skip
    try:
        LINK.run(body, "mipgate-secrets-")
    except Exception as e:  # noqa: BLE001 - any set-up failure is a test failure with its reason
        check(False, f"{type(e).__name__}: {e}")
    return results.finish()


if __name__ == "__main__":
    sys.exit(main())
