"""Helpers shared by the integration tests: run the real mipgate binary (under timeout(1), inside a
network namespace if asked), read its startup line, summary and DPDK telemetry; two namespaces
joined by a veth pair; the independent Python test MN.

Run with /usr/bin/python3 (Debian's, which has scapy). Scripts in subdirectories import it after
`sys.path.insert(0, <their directory>/..)` (meson passes them by absolute path)."""
import hashlib
import hmac
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

SKIP = 77  # the exit status meson reads as "skipped"
COUNTER_RE = re.compile(r"^counter\s+(\w+)\s+(\d+)\b")
# Worker counters of kind info (counters.def); every other counter is a drop reason.
# Invariant once stopped: rx == forwarded + to_control + sum(drops).
INFO_COUNTERS = {"rx", "forwarded", "tx", "to_control", "control_tx", "control_tx_full"}
PORT_RE = re.compile(r"^port\s+(\S+)\s+(.*)$")
ROUTER_LINE_RE = re.compile(r"mipgate: router (\S+), .* telemetry (\S+)$")


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


def runtime_bases():
    """Where EAL puts the runtime directory of a --file-prefix (root, or an unprivileged user)."""
    bases = ["/var/run/dpdk"]
    if os.environ.get("XDG_RUNTIME_DIR"):
        bases.append(os.path.join(os.environ["XDG_RUNTIME_DIR"], "dpdk"))
    return bases


def telemetry_path(prefix):
    """The DPDK telemetry socket of the instance started with --file-prefix `prefix`, or None."""
    found = None
    for b in runtime_bases():
        if os.path.exists(os.path.join(b, prefix, "dpdk_telemetry.v2")):
            found = os.path.join(b, prefix, "dpdk_telemetry.v2")
    return found


def cleanup_prefixes():
    """Removes the (empty) EAL runtime directories our prefixes left, e.g. after a SIGKILL."""
    for p in _prefixes:
        for b in runtime_bases():
            try:
                os.rmdir(os.path.join(b, p))
            except OSError:
                pass


def under_timeout(binary, args, timeout_s, ns=None):
    """The command that runs binary under `timeout -k 2 -s INT` (as running-dpdk-here.md asks),
    inside network namespace `ns` if given."""
    return ((["ip", "netns", "exec", ns] if ns else []) +
            ["timeout", "-k", "2", "-s", "INT", str(timeout_s), binary] + list(args))


def run(binary, args, timeout_s=30, cwd=None):
    """Runs mipgate under `timeout -k 2 -s INT`; returns (returncode, stdout, stderr)."""
    p = subprocess.run(under_timeout(binary, args, timeout_s), cwd=cwd, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, text=True)
    check_sanitizers(p.stderr)
    return p.returncode, p.stdout, p.stderr


def sanitizer_reports(err):
    """The sanitizer markers on stderr: a binary built with -Db_sanitize=address,undefined reports
    there, and UBSan does not fail the exit status by itself."""
    return [m for m in ("runtime error:", "AddressSanitizer", "LeakSanitizer") if m in err]


def check_sanitizers(err):
    check(not sanitizer_reports(err), "sanitizer report on stderr:\n" + err)


def drop_total(counters):
    """The sum of the drop-reason counters of a summary (every counter not of kind info)."""
    return sum(v for k, v in counters.items() if k not in INFO_COUNTERS)


class Launched:
    """A binary running under timeout(1) (see under_timeout), started here. Stopped by a SIGINT
    to the process we started, by its own PID (timeout(1) passes it on), never by name."""

    def __init__(self, binary, args, timeout_s, ns=None, stdout=subprocess.PIPE,
                 stderr=subprocess.PIPE):
        self.proc = subprocess.Popen(under_timeout(binary, args, timeout_s, ns), stdout=stdout,
                                     stderr=stderr, text=True)
        self._result = None

    def poll(self):
        return self.proc.poll()

    def stop(self, grace_s):
        """SIGINT if still running, waits grace_s, then SIGKILL. Returns (returncode, stdout,
        stderr), "" for an output not piped; a second call returns the same."""
        if self._result is None:
            if self.proc.poll() is None:
                self.proc.send_signal(signal.SIGINT)
            try:
                out, err = self.proc.communicate(timeout=grace_s)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                out, err = self.proc.communicate()
            self._result = (self.proc.returncode, out or "", err or "")
        return self._result

    def wait_router_line(self, deadline_s=30):
        """Reads mipgate's stdout up to its startup line "mipgate: router CGA, ... telemetry
        SOCKET"; returns (CGA, SOCKET). Stops mipgate and raises RuntimeError with what it
        printed when the line does not come."""
        seen = []
        end = time.time() + deadline_s
        while time.time() < end:
            line = self.proc.stdout.readline()
            if not line:
                break
            seen.append(line.rstrip())
            m = ROUTER_LINE_RE.match(line.strip())
            if m:
                return m.group(1), m.group(2)
        err = self.stop(10)[2]
        raise RuntimeError("mipgate did not start:\n" + "\n".join(seen) + "\n" + err[-2000:])


def telemetry(sock_path, cmd):
    """One DPDK telemetry v2 request (what dpdk-telemetry.py does); returns the reply's value."""
    s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    s.settimeout(10)
    s.connect(sock_path)
    json.loads(s.recv(65536).decode())  # greeting
    s.send(cmd.encode())
    reply = json.loads(s.recv(1 << 20).decode())
    s.close()
    return reply[cmd.split(",")[0]]


def kcv(key_hex):
    """Key check value of a handover key as mipgate's telemetry shows it: the first 8 bytes of
    HMAC-SHA256(key, "mipgate-kcv"), computed here with Python's hmac."""
    return hmac.new(bytes.fromhex(key_hex), b"mipgate-kcv", hashlib.sha256).hexdigest()[:16]


def last_json(text):
    """The last line of `text` that is a JSON object (a tool's report), or None."""
    lines = [line for line in text.splitlines() if line.startswith("{")]
    return json.loads(lines[-1]) if lines else None


# --- network namespaces ----------------------------------------------------------------------

def sh(*cmd, ns=None, check_rc=True, timeout_s=120):
    """Runs cmd (inside network namespace `ns` if given); RuntimeError on a non-zero exit."""
    full = (["ip", "netns", "exec", ns] if ns else []) + list(cmd)
    r = subprocess.run(full, capture_output=True, text=True, timeout=timeout_s)
    if check_rc and r.returncode != 0:
        raise RuntimeError(f"{' '.join(full)}: {r.stderr.strip()}")
    return r


def skip_without_root():
    """The namespace tests' skip rule: prints why and returns SKIP without root and iproute2."""
    if os.geteuid() != 0 or shutil.which("ip") is None:
        print("skipped: needs root and iproute2")
        return SKIP
    return None


class VethLink:
    """Two network namespaces joined by a veth pair, MN_DEV in ns_mn and GW_DEV in ns_gw (named
    for `tag` and our PID). run() sets it up around a test and removes it afterwards."""
    MN_DEV, GW_DEV = "m0", "m1"

    def __init__(self, tag, tx_offload_off=True):
        self.ns_mn = "%smn%d" % (tag, os.getpid())
        self.ns_gw = "%sgw%d" % (tag, os.getpid())
        self._tx_offload_off = tx_offload_off
        self._gw_added = False

    def skip_without_netns(self):
        """Adds ns_gw; prints why and returns SKIP when network namespaces cannot be created."""
        self._gw_added = subprocess.run(["ip", "netns", "add", self.ns_gw],
                                        capture_output=True).returncode == 0
        if not self._gw_added:
            print("skipped: cannot create network namespaces")
            return SKIP
        return None

    def connect(self):
        """Creates the namespaces (ns_gw unless skip_without_netns did) and the veth pair, up."""
        sh("ip", "netns", "add", self.ns_mn)
        if not self._gw_added:
            sh("ip", "netns", "add", self.ns_gw)
            self._gw_added = True
        sh("ip", "link", "add", self.MN_DEV, "netns", self.ns_mn, "type", "veth", "peer", "name",
           self.GW_DEV, "netns", self.ns_gw)
        for ns, dev in ((self.ns_mn, self.MN_DEV), (self.ns_gw, self.GW_DEV)):
            # The kernel must not answer ND itself on either end: mipgate and the MN do.
            sh("sysctl", "-qw", f"net.ipv6.conf.{dev}.disable_ipv6=1", ns=ns, check_rc=False)
            sh("ip", "link", "set", dev, "up", ns=ns)
            # Complete checksums in the frames af_packet and the MN read.
            if self._tx_offload_off and shutil.which("ethtool"):
                sh("ethtool", "-K", dev, "tx", "off", ns=ns, check_rc=False)

    def delete(self):
        for ns in (self.ns_mn, self.ns_gw):
            subprocess.run(["ip", "netns", "del", ns], capture_output=True)

    def run(self, body, tmp_prefix):
        """connect(), then body(tmp) with a fresh temporary directory; whatever happens, the
        namespaces, the directory and our EAL runtime directories are removed afterwards."""
        tmp = tempfile.mkdtemp(prefix=tmp_prefix)
        try:
            self.connect()
            return body(tmp)
        finally:
            self.delete()
            shutil.rmtree(tmp, ignore_errors=True)
            cleanup_prefixes()


def testmn(script, ns, *args, state, iface="m0"):
    """Runs the independent Python MN (tests/interop/mn/testmn.py) in namespace `ns` with test
    sizes (1024-bit keys, Sec 0, 3 s timeout); returns its JSON report."""
    r = sh("/usr/bin/python3", script, *args, "--iface", iface, "--state", state, "--bits", "1024",
           "--sec", "0", "--timeout", "3", ns=ns, check_rc=False)
    rep = last_json(r.stdout)
    if rep is None:
        raise RuntimeError(f"testmn {args}: rc={r.returncode} {r.stderr.strip()[-500:]}")
    return rep


# Negative RtSolPrs of testmn.py --negative, and the SEND service counters of which one must move.
NEGATIVE_CASES = {
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


def check_provisioning(check, mn, sock, data, state, gap_s, cases):
    """The RFC 5269 exchange of the independent MN with a SEND service whose DPDK telemetry is at
    `sock`: a new CGA gets a key (path validated, AT 1, the key held = the MN's key by KCV, no key
    bytes on telemetry), the same CGA again the same key, and each of `cases` (names of
    NEGATIVE_CASES) no reply, an unchanged key table and its counter moved. mn(*args, state=) runs
    the MN; gap_s between RtSolPrs keeps under MAX_RTSOLPR_RATE per source. Returns False when the
    first provisioning failed (nothing else checked)."""
    t0 = time.time()
    res = mn("provision", "--new", "--at", "1", "--trust-anchor", os.path.join(data, "ta.pem"),
             "--require-path", state=state)
    check(res.get("ok") is True, f"provision ok ({res.get('reason')}) in {time.time() - t0:.1f} s")
    check(res.get("router_path_ok") is True, "MN validated the router's certification path (CPS/CPA)")
    check(res.get("at") == 1 and res.get("lifetime", 0) > 43000, "AT 1 granted, lifetime ~HK-LIFETIME")
    if res.get("ok") is not True:
        return False
    held = telemetry(sock, "/mipgate/key," + res["cga"])
    check(held.get("kcv") == kcv(res["key_hex"]), "the key mipgate holds (KCV over telemetry) = the MN's key")
    check(held.get("at") == 1, "stored AT = granted AT")
    check(res["key_hex"] not in json.dumps(telemetry(sock, "/mipgate/keys")), "telemetry never shows key bytes")

    time.sleep(gap_s)
    again = mn("provision", "--at", "0", state=state)
    check(again.get("ok") is True and again.get("key_hex") == res["key_hex"] and again.get("at") == 1,
          "second RtSolPr from the same CGA: the same key and AT")

    for case in cases:
        counters = NEGATIVE_CASES[case]
        time.sleep(gap_s)
        before_keys = telemetry(sock, "/mipgate/keys")
        before = telemetry(sock, "/mipgate/send")
        r = mn("rtsolpr", "--negative", case, "--at", "1", state=state)
        after_keys = telemetry(sock, "/mipgate/keys")
        after = telemetry(sock, "/mipgate/send")
        check(r.get("hk_reply") is False, f"{case}: no Handover Key Reply")
        check(all(after_keys[k] == before_keys[k] for k in ("cga", "kcv", "at")), f"{case}: key table unchanged")
        moved = [c for c in counters if after.get(c, 0) > before.get(c, 0)]
        check(bool(moved), f"{case}: counter {'/'.join(counters)} moved")
        if case == "replay":
            check(r.get("first", {}).get("hk_reply") is True, "replay: the original got its key")
    return True


def send_router_config(data, tmp, lcores):
    """mipgate's configuration for the SEND tests: one af_packet port on GW_DEV, the router
    identity of DATA (tests/data/send), its CGA parameters kept in TMP, one neighbour access
    router (AP 02:00:00:00:aa:01, mipgate-mn's default) for the PrRtAdv."""
    return SEND_ROUTER_CONFIG.format(data=data, tmp=tmp, lcores=lcores, dev=VethLink.GW_DEV)


SEND_ROUTER_CONFIG = """\
system:
  lcores: "{lcores}"
  workers: 1
  memory_mb: 256
  hugepages: false
ports:
  - name: access
    kind: vdev
    devargs: "net_af_packet0,iface={dev}"
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


class Results:
    """Checks recorded as they go ("ok   what" / "FAIL what"), for tests that carry on after a
    failed check; finish() prints the closing line and returns the exit status."""

    def __init__(self):
        self.failures = []

    def check(self, cond, what):
        print(("ok   " if cond else "FAIL ") + what, flush=True)
        if not cond:
            self.failures.append(what)

    def finish(self):
        print(f"{0 if self.failures else 1} passed, {len(self.failures)} failed", flush=True)
        return 1 if self.failures else 0


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
