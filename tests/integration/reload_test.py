#!/usr/bin/python3
"""Reload (issue 6 item 5) with the REAL mipgate and mipgatectl:

1. docs: docs/operations.md's reload table is what `mipgate --print-reload-table` prints, and every
   option of docs/configuration.md has a row in it.
2. ring ports (no root): an unchanged file → "unchanged"; a live option (logging.level) → listed
   `live`, applied, visible in `show config`, and its behaviour changes (notice lines of
   mipgate.config stop at level error); routes changed → `live` (tables swap) or `restart` with a
   note when the build has no swap; a boot option (system.mbufs) → `restart`, not applied, in
   `show config` pending_restart, cleared when the file goes back; an invalid file → exit 1 with
   file:line:col, the running config unchanged and the error logged; SIGHUP to the mipgate
   process → the same reload (logged).
3. with the router identity, the independent MN and af_packet on a veth (root; else skipped): a key
   provisioned before survives reloads (valid, invalid, routes swapped) with the same KCV and
   expiry; handover_keys.lifetime_s → `new-state`: the old key keeps its lifetime, a new MN's key
   gets the new one; a rate limit → `live`.

usage: reload_test.py MIPGATE MIPGATECTL DOCS_DIR TESTMN DATA_DIR
"""
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from mipgate_run import (Launched, Results, VethLink, cleanup_prefixes, kcv, send_router_config,  # noqa: E402
                         skip_without_root, telemetry, testmn, unique_prefix)

MIPGATE, MIPGATECTL, DOCS, TESTMN, DATA = (os.path.abspath(a) for a in sys.argv[1:6])
results = Results()
check = results.check


def ctl(sock, *args):
    p = subprocess.run([MIPGATECTL, "--socket", sock, "--timeout", "10000"] + list(args),
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=60)
    return p.returncode, p.stdout, p.stderr


def ctl_json(sock, *args):
    rc, out, err = ctl(sock, "--json", *args)
    try:
        return rc, json.loads(out.strip().splitlines()[-1]) if out.strip() else {}, err
    except ValueError:
        return rc, {}, err + out


def change_of(reply, option):
    for c in reply.get("changes", []):
        if c.get("option") == option:
            return c
    return None


# --- 1. docs ------------------------------------------------------------------------------------

def docs_checks():
    p = subprocess.run([MIPGATE, "--print-reload-table"], stdout=subprocess.PIPE, text=True)
    check(p.returncode == 0 and p.stdout.startswith("| option |"), "mipgate --print-reload-table")
    table = p.stdout
    ops = open(os.path.join(DOCS, "operations.md")).read()
    b = "<!-- BEGIN GENERATED: mipgate --print-reload-table -->\n"
    e = "<!-- END GENERATED: reload table -->"
    ok = b in ops and e in ops and ops[ops.index(b) + len(b):ops.index(e)] == table
    check(ok, "docs/operations.md reload table = mipgate --print-reload-table (regenerate it)")
    rows = re.findall(r"^\| `([^`]+)` \| (applied live|applies to new state only|needs a restart) \|", table, re.M)
    check(len(rows) >= 40, f"{len(rows)} classified options")
    paths = [r[0] for r in rows]
    missing = []
    sec = None
    for line in open(os.path.join(DOCS, "configuration.md")):
        m = re.match(r"^## `(\w+)`", line)
        if m:
            sec = m.group(1)
            continue
        if line.startswith("## "):
            sec = None
        m = re.match(r"^\| `([^`]+)` \|", line)
        if not (m and sec):
            continue
        key = m.group(1)
        cands = [f"{sec}.{key}", f"{sec}[].{key}", f"{sec}[]"]
        covered = any(c in paths for c in cands) or any(
            p.startswith(sec + "[] (") and re.search(r"\b%s\b" % re.escape(key), p) for p in paths)
        if not covered:
            missing.append(f"{sec}.{key}")
    check(not missing, "every option of docs/configuration.md has a reload class" +
          (": missing " + ", ".join(missing) if missing else ""))


# --- 2. ring ports -------------------------------------------------------------------------------

def default_config():
    return subprocess.run([MIPGATE, "--print-default-config"], stdout=subprocess.PIPE, text=True,
                          check=True).stdout


def mipgate_pid(launched):
    """The mipgate process under timeout(1) (a signal to timeout itself would arm its SIGKILL)."""
    pid = launched.proc.pid
    for _ in range(50):
        try:
            with open(f"/proc/{pid}/task/{pid}/children") as f:
                kids = f.read().split()
            if kids:
                return int(kids[0])
        except OSError:
            pass
        time.sleep(0.1)
    return None


def log_text(path):
    with open(path, errors="replace") as f:
        return f.read()


def wait_for(pred, timeout_s=10):
    end = time.time() + timeout_s
    while time.time() < end:
        if pred():
            return True
        time.sleep(0.1)
    return pred()


def ring_checks(d):
    base = default_config()
    cfg = os.path.join(d, "mipgate.yaml")
    sock = os.path.join(d, "ctl.sock")

    def write(extra_logging="info", mbufs="8191", routes_extra="", tail=""):
        text = base.replace("  mbufs: 8191", "  mbufs: " + mbufs)
        if routes_extra:
            text = text.replace("routes:\n", "routes:\n" + routes_extra, 1)
        text += "\ncontrol:\n  socket: \"%s\"\nlogging:\n  level: %s\n" % (sock, extra_logging) + tail
        with open(cfg, "w") as f:
            f.write(text)
        return text

    write()
    log_path = os.path.join(d, "mipgate.log")
    log = open(log_path, "w")
    gw = Launched(MIPGATE, ["--config", cfg, "--file-prefix", unique_prefix("reload"), "--duration", "90"], 120,
                  stdout=log, stderr=subprocess.STDOUT)
    try:
        check(wait_for(lambda: os.path.exists(sock), 20), "mipgate made its control socket")
        if not os.path.exists(sock):
            print(log_text(log_path)[-2000:])
            return
        rc, r, err = ctl_json(sock, "reload")
        check(rc == 0 and r.get("result") == "unchanged" and r.get("changes") == [],
              f"unchanged file: result unchanged ({rc} {r} {err.strip()})")

        # live: logging.level (show config, behaviour: notice lines stop at level error)
        write(extra_logging="error")
        rc, r, err = ctl_json(sock, "reload")
        c = change_of(r, "logging.level")
        check(rc == 0 and c is not None and c["class"] == "live" and c["applied"] is True,
              f"logging.level: live and applied ({c})")
        rc, sc, _ = ctl_json(sock, "show", "config")
        check(rc == 0 and "level: error" in sc.get("yaml", "") and sc.get("pending_restart") == [],
              "show config shows the reloaded file, nothing pending")
        before = log_text(log_path).count("reload: reading")
        rc, r, _ = ctl_json(sock, "reload")
        time.sleep(0.5)
        after = log_text(log_path).count("reload: reading")
        check(rc == 0 and after == before, f"at level error the notice 'reload: reading' is no longer logged ({before} → {after})")
        write(extra_logging="info")
        rc, r, _ = ctl_json(sock, "reload")
        check(rc == 0 and change_of(r, "logging.level") is not None, "logging.level back to info")
        check(wait_for(lambda: "reload: 1 option(s) changed, 1 applied" in log_text(log_path), 3),
              "at level info again, the reload's notice lines are logged")

        # routes: the forwarding tables are rebuilt and swapped (or a restart when this build has no swap)
        write(routes_extra='  - prefix: "2001:db8:77::/48"\n    via: "2001:db8:ff::2"\n    port: core\n')
        rc, r, err = ctl_json(sock, "reload")
        c = change_of(r, "routes[]")
        check(rc == 0 and c is not None and ((c["class"] == "live" and c["applied"]) or
                                             (c["class"] == "restart" and "no live path" in c["note"])),
              f"routes[]: live via the tables swap, or reported as needing a restart ({c} {err.strip()})")
        routes_live = c is not None and c["class"] == "live"

        # restart: system.mbufs
        write(mbufs="8190", routes_extra='  - prefix: "2001:db8:77::/48"\n    via: "2001:db8:ff::2"\n    port: core\n')
        rc, r, _ = ctl_json(sock, "reload")
        c = change_of(r, "system.mbufs")
        check(rc == 0 and c is not None and c["class"] == "restart" and c["applied"] is False and
              "system.mbufs" in r.get("needs_restart", []) and r.get("result") == "applied, restart needed",
              f"system.mbufs: needs a restart, not applied ({c}, {r.get('result')})")
        check(change_of(r, "routes[]") is None or not routes_live, "an applied option is not reported again")
        rc, sc, _ = ctl_json(sock, "show", "config")
        check(sc.get("pending_restart") == ["system.mbufs"], f"show config pending_restart: {sc.get('pending_restart')}")
        rc, out, _ = ctl(sock, "reload")
        check(rc == 0 and "system.mbufs" in out and "restart" in out, "human reply lists the option and its class")
        write(routes_extra='  - prefix: "2001:db8:77::/48"\n    via: "2001:db8:ff::2"\n    port: core\n')
        rc, r, _ = ctl_json(sock, "reload")
        rc, sc, _ = ctl_json(sock, "show", "config")
        check(sc.get("pending_restart") == [], "file back to the running mbufs: nothing pending")

        # invalid: exit 1, file:line:col, running config unchanged, logged
        good = open(cfg).read()
        with open(cfg, "w") as f:
            f.write(good.replace("  burst: 32", "  burst: 100").replace("level: info", "level: loud"))
        lines = open(cfg).read().splitlines()
        burst_line = next(i for i, l in enumerate(lines) if l.startswith("  burst: 100")) + 1
        rc, out, err = ctl(sock, "reload")
        check(rc == 1, f"invalid file: mipgatectl reload exits 1 (got {rc})")
        check(f"mipgate.yaml:{burst_line}:10: system.burst: 100 is out of range 1..64" in err,
              f"invalid file: the error with file:line:col ({err.strip()[:300]})")
        check("logging.level: unknown log level" in err, "invalid file: every error is reported")
        rc, sc, _ = ctl_json(sock, "show", "config")
        check("level: loud" not in sc.get("yaml", "") and "level: info" in sc.get("yaml", ""),
              "invalid file: show config still shows the running configuration")
        check(wait_for(lambda: "reload refused" in log_text(log_path), 3), "invalid file: the refusal is logged")
        rc, cnt, _ = ctl_json(sock, "show", "counters")
        check(rc == 0, "still serving after a refused reload")

        # SIGHUP: same path
        with open(cfg, "w") as f:
            f.write(good.replace("level: info", "level: info\n  rate_per_s: 7"))
        pid = mipgate_pid(gw)
        check(pid is not None, "found the mipgate process under timeout(1)")
        if pid:
            os.kill(pid, signal.SIGHUP)
            check(wait_for(lambda: "reload: logging.rate_per_s changed: applied live" in log_text(log_path), 5),
                  "SIGHUP: reloaded and logged (logging.rate_per_s applied live)")
            check(gw.poll() is None, "SIGHUP does not stop mipgate")
    finally:
        rc = gw.stop(20)[0]
        log.close()
    check(rc == 0, f"mipgate stopped cleanly after the reloads (exit {rc})")
    out = log_text(log_path)
    check("== mipgate summary" in out, "final counters printed on stop")


# --- 3. keys survive; new-state ------------------------------------------------------------------

def key_checks():
    skip = skip_without_root()
    link = VethLink("rl")
    if skip or link.skip_without_netns():
        print("skipped: key checks need root and network namespaces")
        return

    def body(tmp):
        cfg = os.path.join(tmp, "mipgate.yaml")
        sock = os.path.join(tmp, "ctl.sock")
        base = send_router_config(DATA, tmp, "0-1") + "control:\n  socket: \"%s\"\n" % sock

        def write(extra=""):
            with open(cfg, "w") as f:
                f.write(base + extra)
        write()
        out_path = os.path.join(tmp, "out")
        out = open(out_path, "w")
        gw = Launched(MIPGATE, ["--config", cfg, "--file-prefix", unique_prefix("reloadk"), "--signer-threads", "1"],
                      120, ns=link.ns_gw, stdout=out, stderr=subprocess.STDOUT)
        try:
            check(wait_for(lambda: "mipgate: router " in log_text(out_path), 30), "router mipgate started")
            line = [l for l in log_text(out_path).splitlines() if l.startswith("mipgate: router ")]
            if not line:
                return
            tsock = line[0].rsplit(" ", 1)[1]

            def mn(*args, state):
                return testmn(TESTMN, link.ns_mn, *args, state=state)
            st1 = os.path.join(tmp, "mn1.json")
            r1 = mn("provision", "--new", "--at", "1", "--trust-anchor", os.path.join(DATA, "ta.pem"), state=st1)
            check(r1.get("ok") is True and r1.get("lifetime", 0) > 43000, f"first key: lifetime {r1.get('lifetime')}")
            if r1.get("ok") is not True:
                return
            k1 = telemetry(tsock, "/mipgate/key," + r1["cga"])

            # send_router_config has a handover_keys section: edit it in place.
            write_text = base.replace("handover_keys:\n  capacity: 4096\n",
                                      "handover_keys:\n  capacity: 4096\n  lifetime_s: 600\n") + \
                "limits:\n  rtsolpr_rate_per_source: 5\n"
            with open(cfg, "w") as f:
                f.write(write_text)
            rc, r, err = ctl_json(sock, "reload")
            c = change_of(r, "handover_keys.lifetime_s")
            check(rc == 0 and c is not None and c["class"] == "new-state" and c["applied"],
                  f"handover_keys.lifetime_s: new-state, applied ({c} {err.strip()})")
            c = change_of(r, "limits.rtsolpr_rate_per_source")
            check(c is not None and c["class"] == "live" and c["applied"], f"rtsolpr_rate_per_source: live ({c})")
            k1b = telemetry(tsock, "/mipgate/key," + r1["cga"])
            check(k1b.get("kcv") == k1.get("kcv") == kcv(r1["key_hex"]) and k1b.get("remaining_s", 0) > 43000,
                  f"the first key survives the reload with its KCV and expiry (remaining {k1b.get('remaining_s')})")
            time.sleep(0.4)
            st2 = os.path.join(tmp, "mn2.json")
            r2 = mn("provision", "--new", "--at", "1", "--trust-anchor", os.path.join(DATA, "ta.pem"), state=st2)
            check(r2.get("ok") is True and 590 <= r2.get("lifetime", 0) <= 600,
                  f"a key created after the reload has the new lifetime ({r2.get('lifetime')})")

            with open(cfg, "w") as f:
                f.write(write_text + "routes:\n  - prefix: \"2001:db8:99::/48\"\n    via: \"2001:db8:1::99\"\n    port: access\n"
                        "neighbors:\n  - address: \"2001:db8:1::99\"\n    mac: \"02:00:00:00:99:99\"\n    port: access\n")
            rc, r, err = ctl_json(sock, "reload")
            check(rc == 0, f"reload with routes and neighbors: exit {rc} {err.strip()}")
            with open(cfg, "w") as f:
                f.write(write_text + "bogus: 1\n")
            rc, _, err = ctl(sock, "reload")
            check(rc == 1 and "bogus: unknown key" in err, f"invalid reload refused ({err.strip()[:200]})")
            keys = telemetry(tsock, "/mipgate/keys")
            rc, sk, _ = ctl_json(sock, "show", "keys")
            kcvs = sorted(k["kcv"] for k in sk.get("keys", []))
            check(kcvs == sorted([kcv(r1["key_hex"]), kcv(r2["key_hex"])]),
                  f"both keys are still held after every reload ({kcvs}, telemetry {keys})")
            again = mn("provision", "--at", "1", state=st1)
            check(again.get("key_hex") == r1["key_hex"], "the first MN still gets its key after the reloads")
        finally:
            rc = gw.stop(20)[0]
            out.close()
        check(rc == 0, f"router mipgate stopped cleanly (exit {rc})")

    try:
        link.run(body, "mipgate-reload-")
    except Exception as e:  # noqa: BLE001 - any set-up failure is a test failure with its reason
        check(False, f"{type(e).__name__}: {e}")


def main():
    docs_checks()
    d = tempfile.mkdtemp(prefix="mipgate-reload-")
    try:
        ring_checks(d)
    except Exception as e:  # noqa: BLE001
        check(False, f"{type(e).__name__}: {e}")
    finally:
        cleanup_prefixes()
    key_checks()
    return results.finish()


if __name__ == "__main__":
    sys.exit(main())
