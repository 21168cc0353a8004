#!/usr/bin/python3
"""mipgate's command line and configuration handling, on the real binary:
- a bad config exits 2 with every diagnostic "file:line:col: key: reason" on stderr, before EAL;
- --print-default-config output loads again via --config and runs (round trip), and the
  generator's traffic is accounted for exactly in the summary;
- --help exits 0, an unknown argument exits 2;
- a router identity whose key the certificate does not certify exits 1 after EAL with the reason;
  a valid one (tests/data/send) starts the control plane on ring ports and reports it in the
  summary; --signer-threads is checked.

usage: cli_config_test.py MIPGATE_BINARY"""
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from mipgate_run import check, drop_total, main, parse_summary, run, unique_prefix, workdir  # noqa: E402

# Two lcores, one worker, the access port on a ring: the start of both configurations below.
RING_ACCESS = """\
system:
  lcores: "0-1"
  workers: 1
  memory_mb: 256
ports:
  - name: access
    kind: ring
    addresses: ["2001:db8:1::1/64"]
"""

BAD = RING_ACCESS + """\
  - name: core
    kind: bogus
routes:
  - prefix: "2001:db8:2::/48"
    via: "not-an-address"
    port: core
"""

DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data", "send")

ROUTER = RING_ACCESS + """\
router:
  key_file: "{data}/{key}"
  cert_chain: ["{data}/router.pem"]
  trust_anchors: ["{data}/ta.pem"]
  cga_sec: 0
handover_keys:
  capacity: 1024
"""

DIAG = re.compile(r"^(\S*bad\.yaml):(\d+):(\d+): (\S+): (.+)$")


def test():
    binary = os.path.abspath(sys.argv[1])
    d = workdir("cli")

    rc, out, err = run(binary, ["--help"], timeout_s=10)
    check(rc == 0 and "--config" in out, "--help: rc %d" % rc)
    rc, out, err = run(binary, ["--no-such-flag"], timeout_s=10)
    check(rc == 2 and "no-such-flag" in err, "unknown argument: rc %d, stderr %r" % (rc, err))

    bad = os.path.join(d, "bad.yaml")
    with open(bad, "w") as f:
        f.write(BAD)
    rc, out, err = run(binary, ["--config", bad, "--file-prefix", unique_prefix("bad")], timeout_s=10)
    check(rc == 2, "bad config: exit %d, expected 2" % rc)
    diags = [DIAG.match(line) for line in err.splitlines()]
    diags = [m for m in diags if m]
    check(len(diags) >= 2, "expected a diagnostic per bad field on stderr, got:\n" + err)
    keys = {m.group(4) for m in diags}
    check(any("kind" in k for k in keys), "no diagnostic for ports[1].kind: %s" % keys)
    check(any("via" in k for k in keys), "no diagnostic for routes[0].via: %s" % keys)
    for m in diags:
        check(int(m.group(2)) > 0 and int(m.group(3)) > 0, "diagnostic without position: %s" % m.group(0))
    check("EAL" not in err, "EAL started despite the bad config:\n" + err)

    rc, out, err = run(binary, ["--signer-threads", "many"], timeout_s=10)
    check(rc == 2 and "--signer-threads" in err, "--signer-threads many: rc %d, stderr %r" % (rc, err))
    wrong = os.path.join(d, "router-wrong-key.yaml")
    with open(wrong, "w") as f:
        f.write(ROUTER.format(data=os.path.abspath(DATA), key="router1024.key"))
    rc, out, err = run(binary, ["--config", wrong, "--file-prefix", unique_prefix("rid")], timeout_s=20)
    check(rc == 1 and "router identity" in err, "router key not certified: rc %d, stderr %r" % (rc, err))
    good = os.path.join(d, "router.yaml")
    with open(good, "w") as f:
        f.write(ROUTER.format(data=os.path.abspath(DATA), key="router.key"))
    rc, out, err = run(binary, ["--config", good, "--duration", "1", "--signer-threads", "2",
                                "--file-prefix", unique_prefix("rok")], timeout_s=20)
    check(rc == 0, "router on ring ports: exit %d\n%s" % (rc, err))
    check(re.search(r"^mipgate: router fe80:\S+, 1 global CGA\(s\), 2 signer thread\(s\)", out, re.M) is not None,
          "no router line in:\n" + out)
    ctl = re.search(r"^control router=fe80:\S+ keys=0 key_capacity=1024 ", out, re.M)
    check(ctl is not None, "no control line in the summary:\n" + out)
    check(re.search(r"^service\s+rtsolpr_received\s+0$", out, re.M) is not None,
          "no SEND service counters in the summary")

    rc, out, err = run(binary, ["--config", os.path.join(d, "missing.yaml")], timeout_s=10)
    check(rc == 2 and "missing.yaml" in err, "missing file: rc %d, stderr %r" % (rc, err))

    rc, text, err = run(binary, ["--print-default-config"], timeout_s=10)
    check(rc == 0 and "ports:" in text, "--print-default-config: rc %d" % rc)
    dflt = os.path.join(d, "default.yaml")
    with open(dflt, "w") as f:
        f.write(text)
    rc, out, err = run(binary, ["--config", dflt, "--duration", "3", "--file-prefix", unique_prefix("rt")])
    if rc != 0:
        sys.stderr.write(out + err)
    check(rc == 0, "default config via --config: exit %d" % rc)
    counters, ports = parse_summary(out)
    gen = re.search(r"^generator injected=(\d+) ipv6=(\d+) hop_limit_1=(\d+) non_ipv6=(\d+)", out, re.M)
    check(gen is not None, "no generator line in:\n" + out)
    injected, ipv6, hl1, non_ipv6 = (int(x) for x in gen.groups())
    check(injected > 0 and injected == ipv6 + hl1 + non_ipv6, "generator line inconsistent: %s" % gen.group(0))
    check(counters["rx"] == injected, "rx %d != injected %d" % (counters["rx"], injected))
    drops = drop_total(counters)
    check(counters["rx"] == counters["forwarded"] + counters["to_control"] + drops,
          "rx != forwarded + to_control + drops: %s" % counters)
    check(counters["not_ipv6"] == non_ipv6, "not_ipv6 %d != %d" % (counters["not_ipv6"], non_ipv6))
    check(counters["forwarded"] > 0 and counters["no_route"] > 0 and counters["hop_limit_exceeded"] > 0,
          "default traffic mix not exercised: %s" % counters)
    wire = sum(int(p.get("wire_tx", "0")) for p in ports.values())
    check(wire == counters["forwarded"], "wire_tx %d != forwarded %d" % (wire, counters["forwarded"]))
    print("ok: bad config refused with %d diagnostics; default round trip forwarded %d of %d"
          % (len(diags), counters["forwarded"], injected))


if __name__ == "__main__":
    main(test)
