"""Starting, watching and stopping DPDK processes for the benchmark harness.

Every process runs under `timeout -k 3 -s INT <limit>` in its own session, so a harness crash can
never leave a poller spinning for more than <limit> seconds; stop() signals the process group we
created (never a name), SIGINT first so that the app stops its ports and prints its summary.
Rates are read from the process's own ethdev counters through the DPDK telemetry socket
(/var/run/dpdk/<file-prefix>/dpdk_telemetry.v2, `/ethdev/stats,<port>`), which every DPDK 22.11
application has unless it runs with --no-telemetry or --no-shconf.
"""

import json
import os
import signal
import socket
import subprocess
import time

RUNTIME_DIR = "/var/run/dpdk"


class Telemetry:
    """A client of one process's telemetry socket (SOCK_SEQPACKET, JSON replies)."""

    def __init__(self, prefix):
        self.path = os.path.join(RUNTIME_DIR, prefix, "dpdk_telemetry.v2")
        self.sock = None

    def exists(self):
        return os.path.exists(self.path)

    def connect(self):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        s.settimeout(10.0)   # generous: on a loaded machine the telemetry thread waits for a core
        s.connect(self.path)
        hello = json.loads(s.recv(4096).decode())
        self.sock = s
        return hello

    def query(self, cmd):
        self.sock.send(cmd.encode())
        reply = json.loads(self.sock.recv(1 << 20).decode())
        return reply.get(cmd.split(",")[0])

    def ports(self):
        """{port id: device name} of every ethdev port."""
        out = {}
        for pid in self.query("/ethdev/list") or []:
            info = self.query(f"/ethdev/info,{pid}") or {}
            out[pid] = info.get("name", f"port{pid}")
        return out

    def stats(self, port):
        return self.query(f"/ethdev/stats,{port}")

    def snapshot(self, ports):
        """Counters of `ports` and the monotonic time of the middle of the exchange."""
        t0 = time.monotonic()
        st = {p: self.stats(p) for p in ports}
        t1 = time.monotonic()
        return (t0 + t1) / 2, st

    def close(self):
        if self.sock:
            self.sock.close()
            self.sock = None


class Proc:
    """One DPDK process with its log file."""

    def __init__(self, name, argv, log_path, limit_s):
        self.name = name
        self.argv = ["timeout", "-k", "3", "-s", "INT", str(int(limit_s))] + list(argv)
        self.log_path = log_path
        self.log = open(log_path, "w")
        self.log.write("# " + " ".join(self.argv) + "\n")
        self.log.flush()
        self.p = subprocess.Popen(self.argv, stdin=subprocess.DEVNULL, stdout=self.log,
                                  stderr=subprocess.STDOUT, start_new_session=True)

    def app_pid(self):
        """The DPDK process itself (the child of `timeout`), or None."""
        try:
            with open(f"/proc/{self.p.pid}/task/{self.p.pid}/children") as f:
                kids = f.read().split()
            return int(kids[0]) if kids else None
        except OSError:
            return None

    def cpu_seconds(self):
        """User + system CPU time of the DPDK process, all threads (None when gone)."""
        pid = self.app_pid()
        if pid is None:
            return None
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        except (OSError, IndexError, ValueError):
            return None

    def alive(self):
        return self.p.poll() is None

    def threads(self):
        """{tid: thread_info} of the DPDK process's threads ({} when gone)."""
        pid = self.app_pid()
        return thread_table(pid) if pid else {}

    def stop(self, grace_s=6.0):
        """SIGINT (relayed by timeout to the app), then SIGKILL to our own process group."""
        if self.alive():
            try:
                os.kill(self.p.pid, signal.SIGINT)
            except ProcessLookupError:
                pass
            try:
                self.p.wait(grace_s)
            except subprocess.TimeoutExpired:
                try:
                    os.killpg(self.p.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                self.p.wait(5)
        self.log.close()
        return self.p.returncode

    def output(self):
        with open(self.log_path, errors="replace") as f:
            return f.read()


def thread_table(pid):
    """{tid: {"comm", "state", "cpu_s", "psr", "allowed"}} of every thread of `pid`: its name, state,
    CPU time so far (user + system, s), the CPU it last ran on and the CPUs it may run on
    (Cpus_allowed_list). Threads that vanish while being read are left out."""
    out = {}
    tick = os.sysconf("SC_CLK_TCK")
    try:
        tids = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return out
    for tid in tids:
        base = f"/proc/{pid}/task/{tid}"
        try:
            with open(base + "/stat") as f:
                head, rest = f.read().rsplit(")", 1)
            fields = rest.split()
            allowed = "?"
            with open(base + "/status") as f:
                for line in f:
                    if line.startswith("Cpus_allowed_list:"):
                        allowed = line.split(":", 1)[1].strip()
            out[int(tid)] = {"comm": head.split("(", 1)[1], "state": fields[0], "main": int(tid) == int(pid),
                             "cpu_s": (int(fields[11]) + int(fields[12])) / tick,
                             "psr": int(fields[36]), "allowed": allowed}
        except (OSError, IndexError, ValueError):
            continue
    return out


def thread_shares(before, after, seconds):
    """Per thread of `after`: its info plus "share", the CPU it got over `seconds` (1.0 = a core)."""
    out = []
    for tid, a in sorted(after.items()):
        b = before.get(tid)
        d = dict(a, tid=tid)
        d["share"] = (a["cpu_s"] - b["cpu_s"]) / seconds if b and seconds > 0 else None
        out.append(d)
    return out


def wait_for(pred, timeout_s, step_s=0.1):
    end = time.monotonic() + timeout_s
    while time.monotonic() < end:
        if pred():
            return True
        time.sleep(step_s)
    return pred()


def cleanup_prefix(prefix):
    """Removes the runtime directory DPDK leaves for `prefix` (sockets, fbarray files)."""
    d = os.path.join(RUNTIME_DIR, prefix)
    if os.path.isdir(d):
        for f in os.listdir(d):
            try:
                os.unlink(os.path.join(d, f))
            except OSError:
                pass
        try:
            os.rmdir(d)
        except OSError:
            pass
