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
import os
import re
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from mipgate_run import (NEGATIVE_CASES, Launched, Results, VethLink, check_provisioning,  # noqa: E402
                         drop_total, parse_summary, sanitizer_reports,
                         send_router_config, skip_without_root, telemetry, testmn, unique_prefix)

MIPGATE, TESTMN, DATA = (os.path.abspath(a) for a in sys.argv[1:4])
LINK = VethLink("e")
results = Results()
check = results.check
routers = []  # the link-local CGA announced by each run


def mn(*args, state):
    return testmn(TESTMN, LINK.ns_mn, *args, state=state)


def provision_cases(sock, tmp, full):
    state = os.path.join(tmp, "mn.json")
    cases = NEGATIVE_CASES if full else ("bad_sig", "replay")
    if not check_provisioning(check, mn, sock, DATA, state, 0.4, cases) or not full:
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
    run_tmp = tempfile.mkdtemp(dir=tmp)
    cfg = os.path.join(run_tmp, "mipgate.yaml")
    with open(cfg, "w") as f:
        f.write(send_router_config(DATA, tmp, lcores))
    gw = Launched(MIPGATE, ["--config", cfg, "--file-prefix", unique_prefix("e2e" + lcores.replace("-", "_")),
                            "--signer-threads", str(signers)], 90, ns=LINK.ns_gw)
    try:
        router, sock = gw.wait_router_line(30)
        print("mipgate up, router", router, "telemetry", sock, flush=True)
        check(router.startswith("fe80::"), "the router's link-local CGA is announced")
        if routers:
            check(router == routers[0], "the router's CGA is stable across restarts (cga_params_file)")
        routers.append(router)
        provision_cases(sock, run_tmp, full)
    finally:
        rc, out, err = gw.stop(15)  # timeout(1), the process we started, passes SIGINT on to mipgate
        if rc != 0:
            print(err[-2000:], flush=True)

    if out:
        check(rc == 0, f"mipgate stopped cleanly (exit {rc})")
        reports = sanitizer_reports(err)
        check(not reports, "no sanitizer report on mipgate's stderr" + (":\n" + err[-3000:] if reports else ""))
        counters, _ = parse_summary(out)
        drops = drop_total(counters)
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
    else:
        check(False, f"lcores {lcores}: no summary from mipgate (exit {rc}): {err[-1500:]}")


def main():
    skip = skip_without_root() or LINK.skip_without_netns()
    if skip:
        return skip
    def runs(tmp):
        one_run(tmp, "0-1", 2, full=True)
        one_run(tmp, "0", 0, full=False)  # the router's CGA parameters saved by the first run are reused

    try:
        LINK.run(runs, "mipgate-e2e-")
    except Exception as e:  # noqa: BLE001 - any set-up failure is a test failure with its reason
        check(False, f"{type(e).__name__}: {e}")
    return results.finish()


if __name__ == "__main__":
    sys.exit(main())
