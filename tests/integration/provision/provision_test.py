#!/usr/bin/python3
"""End-to-end RFC 5269 provisioning over a real link: the SEND service (provision_harness: EAL,
net_af_packet on a veth, the control plane as the app wires it) in one network namespace, the
independent Python MN (tests/interop/mn/testmn.py, no project code) in another. Checks that the
key mipgate holds, read through DPDK telemetry as a key check value, equals what the MN decrypted,
and that every negative case leaves the key table unchanged and moves its counter.

usage: provision_test.py HARNESS TESTMN DATA_DIR      (root; exit 77 = skipped)
"""
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from mipgate_run import (NEGATIVE_CASES, Launched, Results, VethLink, check_provisioning,  # noqa: E402
                         skip_without_root, testmn)

HARNESS, TESTMN, DATA = sys.argv[1], sys.argv[2], sys.argv[3]
LINK = VethLink("p")
results = Results()
check = results.check


def mn(*args, state):
    return testmn(TESTMN, LINK.ns_mn, *args, state=state)


def provision(tmp):
    harness = Launched(HARNESS, ["--vdev", "net_af_packet0,iface=" + LINK.GW_DEV, "--data", DATA,
                                 "--params", os.path.join(tmp, "router.params")], 170, ns=LINK.ns_gw)
    try:
        line = harness.proc.stdout.readline().split()
        if not line or line[0] != "READY":
            raise RuntimeError("harness did not start: " + harness.proc.stderr.read()[-2000:])
        sock = os.path.join(line[1], "dpdk_telemetry.v2")
        print("harness up, router", line[2], "telemetry", sock, flush=True)

        state = os.path.join(tmp, "mn.json")
        if check_provisioning(check, mn, sock, DATA, state, 0.5, NEGATIVE_CASES):
            time.sleep(0.5)
            r = mn("rtsolpr", "--negative", "unknown_ta", "--trust-anchor", os.path.join(DATA, "other-ta.pem"),
                   state=state)
            check(r.get("refused") is True, "MN with another trust anchor refuses the router")
    finally:
        print(harness.stop(10)[1].strip()[-300:], flush=True)  # timeout(1) passes SIGINT on


def main():
    skip = skip_without_root()
    if skip:
        return skip
    LINK.run(provision, "mipgate-prov-")
    return results.finish()


if __name__ == "__main__":
    sys.exit(main())
