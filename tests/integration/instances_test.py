#!/usr/bin/python3
"""Two mipgate instances side by side with distinct --file-prefix both run and stop cleanly, and
an instance killed with SIGKILL does not prevent the next start with the same prefix.

usage: instances_test.py MIPGATE_BINARY"""
import os
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from mipgate_run import Failure, check, check_sanitizers, main, parse_summary, run, unique_prefix  # noqa: E402


def start(binary, prefix, duration):
    # Popen on the binary itself (not a shell) so that the PID is mipgate's.
    return subprocess.Popen([binary, "--duration", str(duration), "--file-prefix", prefix],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def finish(p, what, timeout_s=20):
    try:
        out, err = p.communicate(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        p.send_signal(signal.SIGINT)
        try:
            out, err = p.communicate(timeout=3)
        except subprocess.TimeoutExpired:
            p.kill()
            out, err = p.communicate()
        raise Failure("%s did not stop in time" % what)
    check_sanitizers(err)
    if p.returncode != 0:
        sys.stderr.write(out + err)
    check(p.returncode == 0, "%s exited %d" % (what, p.returncode))
    counters, _ = parse_summary(out)
    check(counters.get("rx", 0) > 0, "%s moved no packets" % what)
    return counters


def test():
    binary = os.path.abspath(sys.argv[1])
    a = start(binary, unique_prefix("a"), 3)
    b = start(binary, unique_prefix("b"), 3)
    ca = finish(a, "instance a")
    cb = finish(b, "instance b")
    print("ok: side by side: a rx=%d, b rx=%d" % (ca["rx"], cb["rx"]))

    prefix = unique_prefix("killed")
    k = start(binary, prefix, 30)
    time.sleep(2)
    check(k.poll() is None, "instance to be killed already exited")
    k.kill()  # SIGKILL: no cleanup at all
    k.communicate()
    # SIGINT-driven stop on the same prefix, through timeout(1) as in the other tests.
    rc, out, err = run(binary, ["--duration", "2", "--file-prefix", prefix])
    if rc != 0:
        sys.stderr.write(out + err)
    check(rc == 0, "restart after SIGKILL exited %d" % rc)
    counters, _ = parse_summary(out)
    check(counters.get("rx", 0) > 0, "restart after SIGKILL moved no packets")
    # And a stop by SIGTERM/SIGINT (not --duration) still prints the summary and exits 0.
    p = start(binary, unique_prefix("sig"), 60)
    time.sleep(2)
    p.send_signal(signal.SIGTERM)
    c = finish(p, "instance stopped by SIGTERM")
    print("ok: restart after SIGKILL; SIGTERM stop rx=%d" % c["rx"])


if __name__ == "__main__":
    main(test)
