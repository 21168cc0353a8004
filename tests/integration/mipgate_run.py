"""Helpers shared by the integration tests: run the real mipgate binary and parse its summary.

Run with /usr/bin/python3 (Debian's, which has scapy)."""
import os
import re
import shutil
import subprocess
import sys
import tempfile

COUNTER_RE = re.compile(r"^counter\s+(\w+)\s+(\d+)\b")
# Worker counters of kind info (counters.def); every other counter is a drop reason.
# Invariant once stopped: rx == forwarded + to_control + sum(drops).
INFO_COUNTERS = {"rx", "forwarded", "tx", "to_control", "control_tx", "control_tx_full"}
PORT_RE = re.compile(r"^port\s+(\S+)\s+(.*)$")


class Failure(Exception):
    pass


def check(cond, msg):
    if not cond:
        raise Failure(msg)


_prefixes = []


def unique_prefix(tag):
    """An EAL --file-prefix of this test process; its runtime directory is removed at the end."""
    p = "mg_it_%s_%d" % (tag, os.getpid())
    _prefixes.append(p)
    return p


def cleanup_prefixes():
    """Removes the (empty) EAL runtime directories our prefixes left, e.g. after a SIGKILL."""
    bases = ["/var/run/dpdk"]
    if os.environ.get("XDG_RUNTIME_DIR"):
        bases.append(os.path.join(os.environ["XDG_RUNTIME_DIR"], "dpdk"))
    for p in _prefixes:
        for b in bases:
            try:
                os.rmdir(os.path.join(b, p))
            except OSError:
                pass


def run(binary, args, timeout_s=30, cwd=None):
    """Runs mipgate under `timeout -k 2 -s INT` (as running-dpdk-here.md asks); returns
    (returncode, stdout, stderr)."""
    cmd = ["timeout", "-k", "2", "-s", "INT", str(timeout_s), binary] + list(args)
    p = subprocess.run(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    check_sanitizers(p.stderr)
    return p.returncode, p.stdout, p.stderr


def check_sanitizers(err):
    """A binary built with -Db_sanitize=address,undefined reports here; UBSan does not fail the
    exit status by itself."""
    for marker in ("runtime error:", "AddressSanitizer", "LeakSanitizer"):
        check(marker not in err, "sanitizer report on stderr:\n" + err)


def parse_summary(text):
    """Returns (counters: dict name→int, ports: dict name→dict key→str)."""
    counters, ports = {}, {}
    for line in text.splitlines():
        m = COUNTER_RE.match(line)
        if m:
            counters[m.group(1)] = int(m.group(2))
            continue
        m = PORT_RE.match(line)
        if m:
            kv = dict(x.split("=", 1) for x in m.group(2).split() if "=" in x)
            ports[m.group(1)] = kv
    return counters, ports


_workdirs = []


def workdir(tag):
    """A fresh temporary directory, removed when the test passes (kept for a look on failure)."""
    d = tempfile.mkdtemp(prefix="mipgate-%s-" % tag)
    _workdirs.append(d)
    return d


def main(fn):
    """Runs fn(); prints one result line; exit 0 on success, 1 on failure."""
    try:
        fn()
    except Failure as e:
        print("FAIL: %s" % e)
        print("0 passed, 1 failed (files kept in %s)" % " ".join(_workdirs))
        sys.exit(1)
    finally:
        cleanup_prefixes()
    for d in _workdirs:
        shutil.rmtree(d, ignore_errors=True)
    print("1 passed, 0 failed")
    sys.exit(0)
