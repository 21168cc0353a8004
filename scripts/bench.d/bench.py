"""mipgate benchmark harness (run through scripts/bench, which installs and builds first).

    scripts/bench [scenario ...]        default: every scenario

Environment:
    MIPGATE_BENCH_RUNS=N       runs per scenario (default 5, at least 1)
    MIPGATE_BENCH_QUICK=1      3 short runs (2 s windows): a smoke test, not for publication
    MIPGATE_BENCH_WINDOW=S     measurement window of the forwarding scenario (default 5, quick 2)
    MIPGATE_BENCH_WORKERS=N    mipgate worker lcores in the forwarding scenario (default 1)
    MIPGATE_BENCH_RT=1         run generator and DUTs under SCHED_FIFO (chrt -f 1): they preempt
                               everything else on their cores (kernel RT throttling leaves others
                               5 %); for a machine you own, not one shared with running jobs
    MIPGATE_BENCH_BUILD=DIR    build directory (default build-bench)
    MIPGATE_BENCH_FLOOD_MBUFS=N  system.mbufs of the flood scenario's mipgate (default 8191)
    MIPGATE_BENCH_HKTABLE_10M=1  also run the handover-key table at 10M keys (~6.5 GB, ~1.5 min per
                               run; 1 run in quick mode, else up to 3); on by default in a full
                               non-quick run, 0 turns it off
    MIPGATE_BENCH_DOC=FILE     report to rewrite (default: docs/benchmarks.md when every scenario
                               runs, else build-bench/bench-logs/<date>/benchmarks.md; "-" = none)

Every figure is the median over the runs with min and max; a ratio is computed per run (mipgate
and its reference measured in the same run) and then summarised. Exit status: 0 whenever the
harness ran, whatever the numbers; 2 when it could not run at all.
"""

import datetime
import json
import os
import platform
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True   # no __pycache__ in the source tree
sys.path.insert(0, HERE)

import crypto  # noqa: E402
import dpdk_proc as dp  # noqa: E402
import provision  # noqa: E402
import transit  # noqa: E402

ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))

# Features that do not exist yet, by the issue that brings them (pending_row prints the reason
# instead of a number). Keep in step with the tracker; every scenario's feature exists today.
PENDING: dict[str, str] = {}

SCENARIOS = ["transit", "fbu", "provision", "invalid", "hktable", "flood", "micro"]
TITLES = {
    "transit": "Transit IPv6 forwarding (1 worker, 64 B, 256 routes, 1024 destinations)",
    "fbu": "FBU verify (BADF HMAC) + tunnel encapsulation",
    "provision": "RtSolPr -> PrRtAdv provisioning per signer thread",
    "invalid": "Invalid RtSolPr drop rate",
    "hktable": "Handover-key table at 1M and 10M CGAs",
    "flood": "Fast path under slow-path flood",
    "micro": "Crypto micro-benchmarks (ours vs raw library)",
}


class Ctx:
    pass


def env_int(name, default):
    try:
        return int(os.environ.get(name, default))
    except ValueError:
        sys.exit(f"bench: {name} must be an integer")


def summary(xs):
    return (statistics.median(xs), min(xs), max(xs)) if xs else None


def fmt_rate(v, unit):
    if v is None:
        return "-"
    if unit == "Mpps":
        return f"{v / 1e6:.2f}"
    if v >= 1e6:
        return f"{v / 1e6:.2f} M"
    if v >= 1e4:
        return f"{v / 1e3:.1f} k"
    return f"{v:.0f}"


def fmt_cpu(x):
    return "?" if x is None else f"{x:.0%}"


def fmt_summary(xs, unit):
    s = summary(xs)
    if s is None:
        return None
    med, lo, hi = s
    return f"{fmt_rate(med, unit)} ({fmt_rate(lo, unit)}-{fmt_rate(hi, unit)})"


def fmt_ratio(xs):
    s = summary(xs)
    if s is None:
        return "-"
    return f"{s[0]:.2f} ({s[1]:.2f}-{s[2]:.2f})"


class Row:
    """One line of the results table."""

    def __init__(self, scenario, what, unit, reference, ours=None, ref=None, ratios=None, note=""):
        self.scenario, self.what, self.unit, self.reference = scenario, what, unit, reference
        self.ours, self.ref, self.ratios, self.note = ours, ref, ratios, note
        self.ours_text = None   # set instead of numbers: "not implemented yet (...)", "failed: ..."

    def cells(self):
        ours = self.ours_text if self.ours_text else (fmt_summary(self.ours, self.unit) or "-")
        ref = fmt_summary(self.ref, self.unit) or "-"
        return [self.what, self.unit, ours, self.reference, ref, fmt_ratio(self.ratios), self.note]


# --- machine --------------------------------------------------------------------------------

def machine_info(build_dir):
    cpu = "unknown"
    flags = set()
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name") and cpu == "unknown":
                cpu = line.split(":", 1)[1].strip()
            elif line.startswith("flags") and not flags:
                flags = set(line.split(":", 1)[1].split())
    isa = [x for x in ("avx2", "avx512f", "vaes", "sha_ni", "aes") if x in flags]

    def out(cmd):
        try:
            return subprocess.run(cmd, capture_output=True, text=True, timeout=20).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            return "unknown"

    compiler = "unknown"
    intro = os.path.join(build_dir, "meson-info", "intro-compilers.json")
    if os.path.exists(intro):
        with open(intro) as f:
            c = json.load(f).get("host", {}).get("cpp", {})
            if c:
                compiler = f"{c.get('id', '?')} {c.get('full_version', c.get('version', '?'))}"
    else:
        compiler = out(["c++", "--version"]).splitlines()[0] if out(["c++", "--version"]) else "unknown"
    return {
        "cpu": cpu,
        "isa": " ".join(isa),
        "cores": os.cpu_count(),
        "memory": out(["sh", "-c", "awk '/MemTotal/ {printf \"%.0f GiB\", $2/1048576}' /proc/meminfo"]),
        "kernel": platform.release(),
        "dpdk": out(["pkg-config", "--modversion", "libdpdk"]),
        "compiler": compiler,
        "openssl": out(["openssl", "version"]),
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "commit": out(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"]),
        "dirty": bool(out(["git", "-C", ROOT, "status", "--porcelain", "--untracked-files=no"])),
        "load": open("/proc/loadavg").read().split()[0],
    }


def stale(ctx, binary):
    """True when `binary` is older than the tree says it should be: its target failed to rebuild
    (ninja still has work to do for it after scripts/bench's build). None when unknown."""
    try:
        # A dry run alone always lists the regeneration step first: settle build.ninja for real.
        subprocess.run(["ninja", "-C", ctx.build, "build.ninja"], capture_output=True, timeout=300)
        out = subprocess.run(["ninja", "-C", ctx.build, "-n", os.path.relpath(binary, ctx.build)],
                             capture_output=True, text=True, timeout=60).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    if "Regenerating" in out:
        return None
    return "no work to do" not in out


STALE_NOTE = ("STALE binary: its target failed to rebuild before this run, the binary is from an "
              "earlier tree (see build-bench/bench-build.log)")


def add_note(row, note):
    row.note = (row.note + "; " if row.note else "") + note


# --- scenarios --------------------------------------------------------------------------------

def run_transit(ctx):
    title = TITLES["transit"]
    rows_common = dict(scenario="transit", unit="Mpps")
    vs_l3 = Row(what="mipgate vs l3fwd", reference="DPDK l3fwd LPM6", **rows_common)
    vs_io = Row(what="mipgate vs io ceiling", reference="testpmd io", **rows_common)
    ctx.details["transit"] = details = []
    if ctx.workers != 1:
        need = ctx.workers + 2
        why = (f"{ctx.workers} workers not measured: mipgate needs {ctx.workers + 1} lcores (control + workers) "
               f"and EAL maps each lcore of system.lcores (-l) to a CPU of its own: this machine has "
               f"{os.cpu_count()} (EAL: \"lcore 2 unavailable\"); the memif harness also feeds one queue from "
               f"one generator core. Needs the NIC kit (docs/benchmarking.md) and >= {need} cores")
        for r in (vs_l3, vs_io):
            r.ours_text = "not measured"
            r.note = why
        print(f"  {why}")
        return [vs_l3, vs_io]
    try:
        ctx.l3fwd = transit.build_l3fwd(ctx.work)
    except transit.Failure as e:
        ctx.l3fwd = None
        print(f"  l3fwd unavailable: {e}")
    ctx.l3fwd_v4 = os.path.join(ctx.work, "l3fwd-v4.cfg")
    with open(ctx.l3fwd_v4, "w") as f:
        f.write("R198.18.0.0/24 1\n")   # l3fwd wants both files; no IPv4 traffic is sent
    duts = ["testpmd-io", "l3fwd-lpm6", "mipgate"]
    have = {"testpmd-io": shutil.which("dpdk-testpmd") is not None,
            "l3fwd-lpm6": ctx.l3fwd is not None,
            "mipgate": ctx.mipgate is not None}
    samples = {d: [] for d in duts}
    failures = {}
    for run in range(ctx.runs):
        rec = {"run": run + 1}
        # Rotate the order so that a drift in the machine's load does not favour one DUT.
        order = duts[run % len(duts):] + duts[:run % len(duts)]
        for d in order:
            if not have[d]:
                continue
            try:
                r = transit.measure(d, ctx, f"r{run + 1}-{d}")
            except Exception as e:   # a DUT that cannot run is reported, never fatal
                lines = [x.strip() for x in f"{type(e).__name__}: {e}".strip().splitlines() if x.strip()]
                msg = (lines[0] + (f" ... {lines[-1]}" if len(lines) > 1 else "")).replace(ROOT + "/", "")
                failures.setdefault(d, []).append(msg)
                print(f"  run {run + 1}: {d}: FAILED: {e}")
                continue
            rec[d] = r
            samples[d].append(r)
            flag = "" if r["saturated"] else " (gen-bound)"
            print(f"  run {run + 1}: {d:11} {r['forwarded'] / 1e6:6.2f} Mpps forwarded, "
                  f"rx {r['received'] / 1e6:6.2f}, generator offered {r['offered'] / 1e6:6.2f}{flag}, "
                  f"CPU DUT {fmt_cpu(r['dut_cpu'])} gen {fmt_cpu(r['gen_cpu'])}")
        details.append(rec)

    def rates(d):
        return [r["forwarded"] for r in samples[d]]

    def ratios(ref):
        return [rec["mipgate"]["forwarded"] / rec[ref]["forwarded"] for rec in details
                if "mipgate" in rec and ref in rec and rec[ref]["forwarded"] > 0]

    for row, ref in ((vs_l3, "l3fwd-lpm6"), (vs_io, "testpmd-io")):
        row.ref = rates(ref) or None
        if not have[ref]:
            row.note = "reference unavailable"
        elif ref in failures:
            row.note = f"reference failed in {len(failures[ref])}/{ctx.runs} runs: {failures[ref][-1]}"
        if ref == "testpmd-io" and samples[ref] and not any(r["saturated"] for r in samples[ref]):
            row.note = (row.note + "; " if row.note else "") + "ceiling is generator-bound (a lower bound)"
        shares = [r["dut_cpu"] for k in ("mipgate", ref) for r in samples[k] if r["dut_cpu"] is not None]
        if shares and statistics.median(shares) < 0.9:
            row.note = (row.note + "; " if row.note else "") + (
                f"contended: the DUTs got {statistics.median(shares):.0%} of a core (median)")
        if ctx.mipgate is None:
            row.ours_text = f"not implemented yet ({ctx.mipgate_missing})"
        elif "mipgate" in failures and not samples["mipgate"]:
            row.ours_text = "failed"
            row.note = f"mipgate: {failures['mipgate'][-1]}"
        else:
            if "mipgate" in failures:
                row.note = (row.note + "; " if row.note else "") + (
                    f"mipgate failed in {len(failures['mipgate'])}/{ctx.runs} runs: {failures['mipgate'][-1]}")
            row.ours = rates("mipgate") or None
            row.ratios = ratios(ref) or None
            if samples["mipgate"] and not any(r["saturated"] for r in samples["mipgate"]):
                row.note = (row.note + "; " if row.note else "") + "mipgate not saturated (gen-bound)"
    # The same, per CPU-second the DUT process got: packets forwarded / DUT CPU time. Not a
    # capacity (the DUT also burns slices polling an empty ring while the generator is descheduled),
    # but steadier than the raw rate on a busy machine: compare its ratio, not its value.
    def per_cpu(d):
        return [r["forwarded"] / r["dut_cpu"] for r in samples[d] if r.get("dut_cpu")]

    norm = Row("transit", "mipgate vs l3fwd, per DUT CPU-second", "Mpps", "DPDK l3fwd LPM6")
    norm.ref = per_cpu("l3fwd-lpm6") or None
    if vs_l3.ours is not None:
        norm.ours = per_cpu("mipgate") or None
        norm.ratios = [rec["mipgate"]["forwarded"] / rec["mipgate"]["dut_cpu"]
                       / (rec["l3fwd-lpm6"]["forwarded"] / rec["l3fwd-lpm6"]["dut_cpu"])
                       for rec in details if "mipgate" in rec and "l3fwd-lpm6" in rec
                       and rec["mipgate"].get("dut_cpu") and rec["l3fwd-lpm6"].get("dut_cpu")
                       and rec["l3fwd-lpm6"]["forwarded"] > 0] or None
    else:
        norm.ours_text = vs_l3.ours_text
    norm.note = "rate / CPU share of the DUT process: not a capacity; compare the ratio only"
    all_shares = [r["dut_cpu"] for d in duts for r in samples[d] if r.get("dut_cpu") is not None]
    ctx.details["transit_cpu"] = statistics.median(all_shares) if all_shares else None
    if ctx.mipgate and ctx.stale.get(ctx.mipgate):
        for r in (vs_l3, vs_io, norm):
            add_note(r, STALE_NOTE)
    print(f"  {title}: done")
    return [vs_l3, vs_io, norm]


def run_crypto_refs(ctx):
    """openssl speed figures, RUNS times, shared by the pending crypto scenarios."""
    if ctx.crypto_refs is not None:
        return ctx.crypto_refs
    refs = {"rsa1024_sign": [], "rsa2048_sign": [], "rsa1024_verify": [], "rsa2048_verify": [],
            "hmac_sha1_64": [], "sha1_320": []}
    try:
        for i in range(ctx.runs):
            rsa = crypto.openssl_rsa()
            refs["rsa1024_sign"].append(rsa[1024][0])
            refs["rsa1024_verify"].append(rsa[1024][1])
            refs["rsa2048_sign"].append(rsa[2048][0])
            refs["rsa2048_verify"].append(rsa[2048][1])
            refs["hmac_sha1_64"].append(crypto.openssl_digest(["-hmac", "sha1"], 64))
            refs["sha1_320"].append(crypto.openssl_digest(["-evp", "sha1"], 320))
            print(f"  openssl run {i + 1}: RSA-2048 {rsa[2048][0]:.0f} sign/s {rsa[2048][1]:.0f} verify/s, "
                  f"RSA-1024 {rsa[1024][0]:.0f} sign/s, HMAC-SHA1(64 B) {refs['hmac_sha1_64'][-1]:.0f}/s")
    except (OSError, RuntimeError, subprocess.SubprocessError) as e:
        print(f"  openssl speed failed: {e}")
        refs = {k: [] for k in refs}
    ctx.crypto_refs = refs
    return refs


def pending_row(scenario, what, unit, reference, ref_samples, note=""):
    r = Row(scenario, what, unit, reference, ref=ref_samples or None, note=note)
    r.ours_text = f"not implemented yet ({PENDING[scenario]})"
    return r


def run_fbu(ctx):
    """FMIPv6 PAR: FBU BADF verifications/s on 1 worker vs openssl HMAC-SHA256 on the same input
    length, and tunnelled vs plain forwarding in the same mipgate (scripts/bench.d/fmip.py)."""
    import fmip   # scripts/bench.d/fmip.py (owned with the fbu scenario)
    verify = Row("fbu", "FBU BADF verify/s, 1 worker (AT 1, forged MAC: full HMAC, then drop)", "ops/s",
                 "openssl HMAC-SHA256, same input length, 1 thread")
    tunnel = Row("fbu", "tunnelled forwarding (IPv6-in-IPv6 to the NCoA), 1 worker", "Mpps",
                 "plain forwarding, same config, same run")
    valid = Row("fbu", "FBU BADF verify/s, 1 worker (AT 1, valid: HMAC, then hand-off to control)", "ops/s",
                "openssl HMAC-SHA256, same input length, 1 thread")
    rows = [verify, valid, tunnel]
    # Provisioning uses the Python MN (tests/interop/mn), not mipgate-mn.
    why = ("mipgate binary not built" if ctx.mipgate is None else
           "needs root (veth pairs + net_af_packet)" if os.geteuid() != 0 else None)
    if why is None and ctx.workers != 1:
        why = "1 worker only (see transit)"
    if why is None and not os.access(os.path.join(ctx.build, "control", "cli", "mipgatectl"), os.X_OK):
        why = "mipgatectl not built"
    if why:
        for r in rows:
            r.ours_text = "not measured"
            r.note = why
        return rows
    n_mns = 8 if ctx.quick else 32
    runs = min(ctx.runs, 2) if ctx.quick else ctx.runs
    cases = ["plain", "tunnel", "fbu", "fbu_valid"]
    ctx.details["fbu"] = recs = []
    fails = []
    for run in range(runs):
        order = cases[run % len(cases):] + cases[:run % len(cases)]
        try:
            r = fmip.measure(ctx, f"r{run + 1}-fbu", n_mns, order)
            r["hmac_ref"] = fmip.hmac_reference(r["mac_len"])
        except Exception as e:   # reported, never fatal
            fails.append(f"{type(e).__name__}: {e}".splitlines()[0].replace(ROOT + "/", ""))
            print(f"  run {run + 1}: FAILED: {e}")
            continue
        r["run"] = run + 1
        recs.append(r)
        print(f"  run {run + 1}: FBU checked {r['fbu']['fbu_checked']:.0f}/s (rx {r['fbu']['rx']:.0f}/s, offered "
              f"{r['fbu']['offered']:.0f}/s), valid {r['fbu_valid']['fbu_verified']:.0f}/s (control_ring_full "
              f"{r['fbu_valid']['control_ring_full']:.0f}/s) vs openssl HMAC-SHA256({r['mac_len']} B) {r['hmac_ref']:.0f}/s; "
              f"tunnel {r['tunnel']['forwarded'] / 1e6:.2f} Mpps (encapsulated {r['tunnel']['encapsulated'] / 1e6:.2f}) "
              f"vs plain {r['plain']['forwarded'] / 1e6:.2f} Mpps; DUT CPU "
              + ", ".join(f"{c} {fmt_cpu(r[c]['cpu'])}" for c in cases) + f"; set-up {r['setup_s']:.0f} s")
    if not recs:
        for row in rows:
            row.ours_text = "failed"
            row.note = fails[-1] if fails else "no run"
        return rows
    verify.ours = [r["fbu"]["fbu_checked"] for r in recs]
    verify.ref = [r["hmac_ref"] for r in recs]
    verify.ratios = [r["fbu"]["fbu_checked"] / r["hmac_ref"] for r in recs if r["hmac_ref"] > 0] or None
    valid.ours = [r["fbu_valid"]["fbu_verified"] for r in recs]
    valid.ref = verify.ref
    valid.ratios = [r["fbu_valid"]["fbu_verified"] / r["hmac_ref"] for r in recs if r["hmac_ref"] > 0] or None
    add_note(valid, "the same FBUs correctly signed, Seq# 1 again (the binding's): fbu_verified on the worker, "
                    "then the slow-path ring; the control plane refuses them as stale (no HI); ring overflow is "
                    "counted control_ring_full after the MAC check")
    tunnel.ours = [r["tunnel"]["forwarded"] for r in recs]
    tunnel.ref = [r["plain"]["forwarded"] for r in recs]
    tunnel.ratios = [r["tunnel"]["forwarded"] / r["plain"]["forwarded"] for r in recs
                     if r["plain"]["forwarded"] > 0] or None
    add_note(verify, f"{n_mns} MNs, keys provisioned over the wire (RFC 5269, Python MN) and bound by valid FBUs "
                     f"(HI/HAck with a second mipgate as NAR); flood of FBUs whose authenticator has one bit "
                     f"flipped (counted fbu_bad_mac: key lookup + parse + HMAC on the worker, the control plane "
                     f"never sees them); MAC input {recs[0]['mac_len']} B")
    if any(r["fbu"]["rx"] > 0 and r["fbu"]["fbu_checked"] < 0.95 * r["fbu"]["rx"] for r in recs):
        add_note(verify, "some FBUs were dropped before the MAC check (other counters): see the log")
    if any(r["fbu"]["rx"] >= 0.99 * r["fbu"]["offered"] for r in recs):
        add_note(verify, "kept up with the generator in some window: a lower bound")
    if any(r["tunnel"]["encapsulated"] < 0.99 * r["tunnel"]["forwarded"] for r in recs):
        add_note(tunnel, "NOT every tunnel-case packet was encapsulated (bindings missing?)")
    add_note(tunnel, f"64 B IPv6/UDP to {n_mns} PCoAs with a live binding (+40 B outer header) vs the same packets to "
                     f"{n_mns} destinations routed plainly; same config, one mipgate per window (same MN identities), order rotated per run; "
                     f"memif in, net_null out")
    for row, cs in ((verify, ["fbu"]), (valid, ["fbu_valid"]), (tunnel, ["plain", "tunnel"])):
        cpus = [r[c]["cpu"] for r in recs for c in cs if r[c]["cpu"] is not None]
        if cpus and statistics.median(cpus) < 0.9 * 2:
            add_note(row, f"contended: the PAR got {statistics.median(cpus):.0%} CPU in its windows (median; its "
                          f"worker and control lcores poll, 200 % uncontended)")
    if fails:
        for row in rows:
            add_note(row, f"failed in {len(fails)}/{runs} runs: {fails[-1]}")
    if ctx.mipgate and ctx.stale.get(ctx.mipgate):
        for row in rows:
            add_note(row, STALE_NOTE)
    return rows


def prov_setup(ctx):
    """mipgate-mn and the veth/af_packet rig of provision.py; returns None or why not."""
    if ctx.mipgate is None:
        return "mipgate binary not built"
    if getattr(ctx, "mn", None) is None:
        ctx.root = ROOT
        ctx.mn = provision.mn_binary(ctx)
        ctx.prov_cmds = {}
    if ctx.mn is None:
        return "mipgate-mn not built (control/mn/mipgate-mn in build-bench or build-lead)"
    if os.geteuid() != 0:
        return "needs root (veth pair + net_af_packet)"
    return None


def prov_rows(ctx, scenario, cases, refs):
    """cases: [(row, kwargs of provision.measure, value key, ref samples, offered)]. Runs each case
    ctx.runs times (cases interleaved per run) and fills its row."""
    why = prov_setup(ctx)
    samples = {id(c[0]): [] for c in cases}
    fails = {id(c[0]): [] for c in cases}
    ctx.details.setdefault(scenario, [])
    if why is None:
        for run in range(ctx.runs):
            for row, kw, key, _, _ in cases:
                tag = f"{scenario}-r{run + 1}-{len(ctx.details[scenario])}"
                try:
                    r = provision.measure(ctx, tag, **kw)
                except Exception as e:   # reported, never fatal
                    fails[id(row)].append(f"{type(e).__name__}: {e}".splitlines()[0].replace(ROOT + "/", ""))
                    print(f"  run {run + 1}: {row.what}: FAILED: {e}")
                    continue
                r["run"], r["what"] = run + 1, row.what
                ctx.details[scenario].append(r)
                samples[id(row)].append((run, r))
                drops = ", ".join(f"{k} {v:.0f}/s" for k, v in sorted(r["drops"].items()))
                print(f"  run {run + 1}: {row.what}: {key} {r[key]:.0f}/s (RtSolPr in {r['received']:.0f}/s, "
                      f"offered {r['offered']:.0f}/s; created {r['key_created']:.0f}/s reused "
                      f"{r['key_reused']:.0f}/s; drops: {drops or 'none'}; mipgate CPU {fmt_cpu(r['cpu'])})")
    rows = []
    for row, kw, key, ref, offered in cases:
        row.ref = ref or None
        if why is not None:
            row.ours_text = "not measured"
            add_note(row, why)
        elif not samples[id(row)]:
            row.ours_text = "failed"
            add_note(row, fails[id(row)][-1] if fails[id(row)] else "no run")
        else:
            ss = samples[id(row)]
            row.ours = [r[key] for _, r in ss]
            row.ratios = [r[key] / ref[i] for i, r in ss if ref and i < len(ref) and ref[i] > 0] or None
            if fails[id(row)]:
                add_note(row, f"failed in {len(fails[id(row)])}/{ctx.runs} runs: {fails[id(row)][-1]}")
            if any(r["received"] < 0.9 * r["offered"] for _, r in ss):
                add_note(row, "mipgate received < 90 % of the offered rate in some window (sender or af_packet bound)")
            if key != "received" and any(r[key] > 0.9 * r["received"] for _, r in ss):
                add_note(row, "kept up with the offered rate in some window: a lower bound")
            cpus = [r["cpu"] for _, r in ss if r["cpu"] is not None]
            if cpus:
                sig = kw.get("signers", 1)
                add_note(row, f"mipgate got {statistics.median(cpus):.0%} of a core (median; busy signers "
                              f"alone want {sig * 100} %)" + (": contended" if statistics.median(cpus) < 0.9 * sig else ""))
        if ctx.mipgate and ctx.stale.get(ctx.mipgate):
            add_note(row, STALE_NOTE)
        rows.append(row)
    return rows


def offer(ref, factor, cap):
    """A rate above what the signers can do: factor x the reference's median, capped."""
    return int(min(cap, factor * statistics.median(ref))) if ref else 3000


def run_provision(ctx):
    refs = run_crypto_refs(ctx)
    cases = []
    for bits in (2048, 1024):
        ref = refs[f"rsa{bits}_sign"]
        for signers in (1, 2):
            rate = offer(ref, 1.5 * signers, 12000)
            row = Row("provision", f"PrRtAdv+HK Reply/s, RSA-{bits}, {signers} signer thread(s)", "ops/s",
                      f"openssl RSA-{bits} sign (1 thread)",
                      note=(f"offered {rate}/s from 100 MN CGAs (1024-bit keys), each re-requesting: the key "
                            f"is reused (first request per CGA creates it); a PrRtAdv = 1 verify + 1 encrypt "
                            f"+ 1 sign" + ("; 2 signers on 2 cores: one shares core 0 with the main lcore "
                                           "(worker + control) and the Python sender" if signers == 2 else "")))
            cases.append((row, dict(bits=bits, signers=signers, rate=rate, mns=100), "hk_reply", ref, rate))
    return prov_rows(ctx, "provision", cases, refs)


def run_invalid(ctx):
    refs = run_crypto_refs(ctx)
    rate = 12000
    bad = Row("invalid", "drops/s, bad signature", "ops/s", "openssl RSA-1024 verify",
              note=f"offered {rate}/s (Python AF_PACKET sender, its ceiling here); 1 signer thread; MN keys "
                   f"1024-bit; drop = CGA check + RSA verify")
    cga = Row("invalid", "drops/s, CGA mismatch", "ops/s", "openssl SHA-1, 320 B",
              note=f"offered {rate}/s; 1 signer thread; drop before the RSA verify (CGA hash over ~200 B of "
                   f"CGA Parameters for a 1024-bit key)")
    cases = [(bad, dict(bits=2048, signers=1, rate=rate, mns=100, invalid="bad-signature"), "dropped",
              refs["rsa1024_verify"], rate),
             (cga, dict(bits=2048, signers=1, rate=rate, mns=100, invalid="cga-mismatch"), "dropped",
              refs["sha1_320"], rate)]
    return prov_rows(ctx, "invalid", cases, refs)


HK_SIZES = {"1M": 1 << 20, "10M": 10_000_000}


def hk_10m_wanted(ctx):
    """10M keys: when MIPGATE_BENCH_HKTABLE_10M=1, or in a full (every scenario) non-quick run;
    MIPGATE_BENCH_HKTABLE_10M=0 turns it off. About 6.5 GB of RAM and ~1.5 min per run."""
    v = os.environ.get("MIPGATE_BENCH_HKTABLE_10M")
    if v is not None:
        return v == "1"
    return not ctx.quick and not ctx.argv_scenarios


def mem_available_gb():
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) / 1048576
    except (OSError, ValueError, IndexError):
        pass
    return None


def run_hktable(ctx):
    exe = os.path.join(ctx.build, "tests", "bench", "tables", "bench_tables")
    rows = []
    want10 = hk_10m_wanted(ctx)
    ctx.details["hktable"] = {}
    for size, keys in HK_SIZES.items():
        rs = {k: Row("hktable", w, u, r) for k, w, u, r in (
            ("find", f"find at {size} CGAs", "ops/s", "rte_hash_lookup_data, same flags, no records"),
            ("bulk", f"lookup_bulk(32) at {size} CGAs, per lookup", "ops/s", "rte_hash_lookup_bulk_data (32)"),
            ("insert", f"insert while a reader thread looks up, {size} keys", "ops/s", "-"),
            ("bytes", f"bytes per key at {size} (RSS delta / keys)", "B", "rte_hash alone, 16-byte keys"))}
        rows += rs.values()
        # 1M: every run; 10M: 1 run in quick mode, else at most 3 (each fills 10M records, ~1.5 min).
        runs_n = ctx.runs if size == "1M" else (1 if ctx.quick else min(ctx.runs, 3))
        if size == "10M" and not want10:
            for r in rs.values():
                r.ours_text = "not run"
                r.note = ("10M runs only with MIPGATE_BENCH_HKTABLE_10M=1 or in a full non-quick run "
                          "(~6.5 GB RSS, ~1.5 min per run)")
            continue
        if not os.access(exe, os.X_OK):
            for r in rs.values():
                r.ours_text = "not built"
            continue
        avail = mem_available_gb()
        if size == "10M" and avail is not None and avail < 8:
            for r in rs.values():
                r.ours_text = "not measured"
                r.note = f"needs ~6.5 GB of RAM, {avail:.1f} GB available"
            continue
        log = os.path.join(ctx.logdir, f"bench_tables-{size}.log")
        runs = []
        old = os.environ.get("MIPGATE_BENCH_HK_KEYS")
        os.environ["MIPGATE_BENCH_HK_KEYS"] = str(keys)
        try:
            # One process per run: each fills its own tables (the insert figure is one fill).
            for i in range(runs_n):
                r = crypto.run_microbenchmark_json(exe, 1, 0.05 if ctx.quick else 0.2, f"{log}.{i + 1}",
                                                   300 if size == "1M" else 900)
                runs.append(r)
                print(f"  {size} run {i + 1}: done")
        except (OSError, subprocess.SubprocessError, ValueError) as e:
            for r in rs.values():
                r.ours_text = "failed"
                r.note = f"{type(e).__name__} (log {os.path.relpath(log, ROOT)})"
            continue
        finally:
            if old is None:
                os.environ.pop("MIPGATE_BENCH_HK_KEYS", None)
            else:
                os.environ["MIPGATE_BENCH_HK_KEYS"] = old
        ctx.details["hktable"][size] = {"runs": len(runs), "keys": keys}

        def rate(r, name):
            b = r.get(name)
            return float(b["items_per_second"]) if b and "items_per_second" in b else None

        def col(name):
            return [x for x in (rate(r, name) for r in runs) if x]

        ins_name = "BM_hk_insert_with_reader/iterations:1"
        tsc = [float(r[ins_name]["tsc_hz"]) for r in runs if ins_name in r]
        for k, base in (("find", "BM_hk_find"), ("bulk", "BM_hk_lookup_bulk32")):
            ours, raw = col(base + "_ours"), col(base + "_raw")
            rs[k].ours, rs[k].ref = ours or None, raw or None
            rs[k].ratios = [o / w for o, w in zip(ours, raw)] or None
            if ours and raw:
                m, w = statistics.median(ours), statistics.median(raw)
                rs[k].note = (f"{1e9 / m:.0f} ns per lookup (raw {1e9 / w:.0f} ns)"
                              + (f", {tsc[0] / m:.0f} TSC cycles" if tsc else "")
                              + f"; random order over the keys, 1 thread, CPU time; {len(runs)} run(s)")
        ins = [r[ins_name] for r in runs if ins_name in r]
        rs["insert"].ours = [float(x["inserts_per_s"]) for x in ins] or None
        if ins:
            rs["insert"].note = ("records built beforehand; wall-clock rate of one fill; the reader thread found "
                                 f"{statistics.median([float(x['reader_finds_per_s']) for x in ins]) / 1e6:.2f} M/s "
                                 "meanwhile (2 threads on 2 cores)")
        rs["bytes"].ours = [float(x["bytes_per_key"]) for x in ins] or None
        rs["bytes"].ref = [float(x["raw_bytes_per_key"]) for x in ins] or None
        rs["bytes"].ratios = [float(x["bytes_per_key"]) / float(x["raw_bytes_per_key"]) for x in ins
                              if float(x["raw_bytes_per_key"]) > 0] or None
        rs["bytes"].note = "ours: hash + key_record (secret key, HMAC states) per key"
        if ctx.stale.get(exe):
            for r in rs.values():
                add_note(r, STALE_NOTE)
        for r in rs.values():
            if r.ours:
                print(f"  {r.what}: {statistics.median(r.ours):.0f}"
                      + (f" vs {statistics.median(r.ref):.0f}" if r.ref else ""))
    return rows


FLOOD_RATE = 12000      # RtSolPr/s: the paced Python sender's ceiling here
FLOOD_GEN_NICE = -10    # autogroup nice of the generator and the sender (see run_flood)
FLOOD_COUNTERS = ("rx", "forwarded", "to_control", "control_ring_full", "tx_full", "no_route",
                  "no_neighbor", "service_rtsolpr_received", "service_signer_queue_full",
                  "service_hk_reply_sent", "service_rate_limited_source", "service_rate_limited_global",
                  "service_reply_queue_full", "port_in_rx_packets", "port_access_rx_packets")


def flood_counters(m):
    """The counters the flood scenario reports, from one /metrics scrape (labels summed)."""
    out = {}
    for k, v in m.items():
        name = k.split("{", 1)[0]
        if not (name.startswith("mipgate_") and name.endswith("_total")):
            continue
        name = name[len("mipgate_"):-len("_total")]
        if name.startswith("port_") and "{" in k:   # mipgate_port_rx_total{port="in"} -> port_in_rx
            port = k.split('port="', 1)[1].split('"', 1)[0] if 'port="' in k else "?"
            name = f"port_{port}_{name[len('port_'):]}"
        out[name] = out.get(name, 0.0) + v
    return out


def run_flood(ctx):
    """Transit through mipgate with and without an RtSolPr flood on a second port, same config,
    one after the other in every run. Placement on 2 cores (docs/benchmarking.md 1.4): the worker
    alone on core 1; the generator, mipgate's control lcore, its signer thread (system.signer_cpus
    "0") and the RtSolPr sender on core 0, the generator and the sender in sessions with autogroup
    nice FLOOD_GEN_NICE so that the slow path gets what they leave."""
    calm = Row("flood", "transit Mpps, no RtSolPr (same config)", "Mpps", "-")
    hit = Row("flood", "transit Mpps under RtSolPr flood", "Mpps", "transit without flood, same run")
    per_cpu = Row("flood", "transit per worker CPU-second, under flood", "Mpps",
                  "the same without flood, same run")
    factor = Row("flood", "flood / slow-path answers (RtSolPr in per PrRtAdv out)", "x", "-")
    rows = [calm, hit, per_cpu, factor]
    why = prov_setup(ctx) or (None if ctx.workers == 1 else "1 worker only (see transit)")
    if why:
        for r in rows:
            r.ours_text = "not measured"
            r.note = why
        return rows
    rate = FLOOD_RATE
    data = os.path.join(ROOT, provision.DATA)
    vname = f"mgf{os.getpid() % 10000}"
    # The access port's prefix lies outside the transit routes (2001:db8:<0..ff>::/48): on-link,
    # it would capture a transit /48's destinations (no neighbour there: dropped).
    ports = (f"  - name: access\n    kind: vdev\n    devargs: \"net_af_packet0,iface={vname}a\"\n"
             f"    mac: \"{provision.PORT_MAC[:-1]}5\"\n    addresses: [\"2001:db8:ff00::1/64\"]\n")
    sections = (f"router:\n  key_file: \"{data}/router.key\"\n  cert_chain: [\"{data}/router.pem\"]\n"
                f"  trust_anchors: [\"{data}/ta.pem\"]\n  cga_sec: 1\n"
                f"  cga_params_file: \"{ctx.work}/router2048.params\"\n"
                "neighbor_routers:\n  - ap_id: \"02:00:00:00:aa:01\"\n    nar_mac: \"02:00:00:00:01:01\"\n"
                "    nar_address: \"2001:db8:2::1\"\n    nar_prefix: \"2001:db8:2::/64\"\n"
                # Limits raised as in `provision`: the flood reaches the signer thread.
                "limits:\n  rtsolpr_rate_per_source: 1000000\n  rtsolpr_rate_global: 10000000\n")
    # The signer thread on the generator's core, never on the worker's (the default rule gives the
    # same here; written out so that the report shows it).
    edits = {"  burst: 32\n": "  burst: 32\n  signer_threads: 1\n  signer_cpus: \"0\"\n"}
    mb = os.environ.get("MIPGATE_BENCH_FLOOD_MBUFS")
    if mb:
        edits.update({"  mbufs: 8191\n": f"  mbufs: {mb}\n", "  memory_mb: 256\n": "  memory_mb: 512\n"})
    ctx.details["flood"] = recs = []
    samples = {"calm": [], "flood": []}
    for run in range(ctx.runs):
        rec = {"run": run + 1}
        for case in ("calm", "flood"):
            tag = f"r{run + 1}-flood-{case}"
            snd = None
            pcap = os.path.join(ctx.work, f"{tag}.pcap")
            port = provision.free_port()
            scrapes = {}
            try:
                provision.veth(vname)
                gen_if = vname + "b"
                ctx.mipgate_extra = (ports, sections, edits)
                ctx.mipgate_args = ["--control-socket", os.path.join(ctx.sockdir, f"{tag}.ctl"),
                                    "--metrics-listen", f"127.0.0.1:{port}"]
                ctx.gen_autogroup_nice = FLOOD_GEN_NICE
                ctx.probe_threads = True

                def on_window(when):
                    m = provision.scrape(port)
                    scrapes[when] = (time.monotonic(), flood_counters(m))
                    with open(os.path.join(ctx.logdir, f"{tag}-metrics-{when}.json"), "w") as f:
                        json.dump(m, f, indent=0, sort_keys=True)
                ctx.on_window = on_window
                if case == "flood":
                    count = int(rate * (ctx.warmup + ctx.window + 25))
                    provision.generate(ctx, pcap, count, 100, 1024)
                    send_argv = ["taskset", "-c", "0", sys.executable, os.path.join(HERE, "provision.py"),
                                 "--send", gen_if, pcap, str(rate), pcap + ".status"]
                    ctx.flood_cmds = (provision.gen_cmd(ctx.mn, "F.pcap", count, 100, 1024), send_argv)

                    def start():
                        nonlocal snd
                        snd = dp.Proc("sender", send_argv, os.path.join(ctx.logdir, f"{tag}-sender.log"),
                                      ctx.warmup + ctx.window + 60)
                        dp.wait_for(lambda: snd.app_pid() is not None, 2, 0.02)
                        transit.set_autogroup_nice(snd, FLOOD_GEN_NICE)
                        ctx.side_procs = [("sender", snd)]
                    ctx.on_dut_ready = start
                r = transit.measure("mipgate", ctx, tag)
                (t0, a), (t1, b) = scrapes["start"], scrapes["end"]
                r["counters"] = {k: (b.get(k, 0.0) - a.get(k, 0.0)) / (t1 - t0) for k in b}
                rec[case] = r
                samples[case].append((run, r))
                c = r["counters"]
                print(f"  run {run + 1}: {case}: {r['forwarded'] / 1e6:.2f} Mpps forwarded, offered "
                      f"{r['offered'] / 1e6:.2f}, DUT CPU {fmt_cpu(r['dut_cpu'])}, gen CPU {fmt_cpu(r['gen_cpu'])}; "
                      "per s in the window: " + ", ".join(f"{k} {c.get(k, 0):.0f}" for k in FLOOD_COUNTERS[2:]))
                for x in r.get("threads", []):
                    if (x["share"] or 0) >= 0.02:
                        print(f"    {x['proc']:6} {x['tid']:>7} {x['comm']:16} allowed {x['allowed']:5} "
                              f"seen on CPU {sorted(x['seen_on'])} share {fmt_cpu(x['share'])}")
            except Exception as e:   # reported, never fatal
                rec[case + "_error"] = f"{type(e).__name__}: {e}".splitlines()[0].replace(ROOT + "/", "")
                print(f"  run {run + 1}: {case}: FAILED: {e}")
            finally:
                for k in ("mipgate_extra", "mipgate_args", "on_dut_ready", "on_window", "side_procs",
                          "gen_autogroup_nice"):
                    setattr(ctx, k, None)
                ctx.probe_threads = False
                if snd:
                    snd.stop()
                subprocess.run(["ip", "link", "del", f"{vname}a"], capture_output=True)
                for f in (pcap, pcap + ".status"):
                    try:
                        os.unlink(f)
                    except OSError:
                        pass
        recs.append(rec)
    calm.ours = [r["forwarded"] for _, r in samples["calm"]] or None
    hit.ours = [r["forwarded"] for _, r in samples["flood"]] or None
    hit.ref = calm.ours
    hit.ratios = [rec["flood"]["forwarded"] / rec["calm"]["forwarded"] for rec in recs
                  if "flood" in rec and "calm" in rec and rec["calm"]["forwarded"] > 0] or None
    def worker_rate(r):
        """Transit forwarded per CPU-second of the worker thread(s) (None when not probed)."""
        share = sum(x["share"] or 0 for x in r.get("threads", []) if x["proc"] == "dut"
                    and x["comm"].startswith("rte-worker"))
        return r["forwarded"] / share if share > 0.05 else None
    per_cpu.ours = [x for x in (worker_rate(r) for _, r in samples["flood"]) if x] or None
    per_cpu.ref = [x for x in (worker_rate(r) for _, r in samples["calm"]) if x] or None
    per_cpu.ratios = [worker_rate(rec["flood"]) / worker_rate(rec["calm"]) for rec in recs
                      if "flood" in rec and "calm" in rec and worker_rate(rec["flood"]) and worker_rate(rec["calm"])] or None
    per_cpu.note = ("forwarded / CPU time of the worker thread over the window: what the RtSolPrs cost the worker "
                    "(classify + hand-off), independent of how much CPU the scheduler gave it; not a capacity")
    if per_cpu.ours is None:
        per_cpu.ours_text = "-"
    fl = [r for _, r in samples["flood"]]
    factor.ours = [r["counters"].get("service_rtsolpr_received", 0) / r["counters"]["service_hk_reply_sent"]
                   for r in fl if r["counters"].get("service_hk_reply_sent", 0) > 0] or None
    for row, case in ((calm, "calm"), (hit, "flood")):
        if not samples[case]:
            row.ours_text = "failed"
            errs = [rec.get(case + "_error") for rec in recs if rec.get(case + "_error")]
            row.note = errs[-1] if errs else "no run"
            continue
        ss = [r for _, r in samples[case]]
        cpus = [r["dut_cpu"] for r in ss if r["dut_cpu"] is not None]
        if cpus and statistics.median(cpus) < 0.9:
            add_note(row, f"contended: mipgate got {statistics.median(cpus):.0%} of a core (median; its worker "
                          "alone wants 100 %)")
        if not any(r["saturated"] for r in ss):
            add_note(row, "not saturated (gen-bound)")
        offered = statistics.median([r["offered"] for r in ss])
        add_note(row, f"generator offered {offered / 1e6:.2f} Mpps (median)")
    if fl:
        def med(k):
            return statistics.median([r["counters"].get(k, 0.0) for r in fl])
        lost = med("tx_full") + med("no_route") + med("no_neighbor")
        add_note(hit, f"RtSolPrs offered at {rate}/s on a second port (af_packet veth), RtSolPr rate limits raised; "
                      f"per s in the flood window, median: RtSolPr into the worker {med('port_access_rx_packets'):.0f}, "
                      f"handed to control {med('to_control'):.0f}, dropped at the worker->control ring "
                      f"(control_ring_full) {med('control_ring_full'):.0f}, at the signer queue "
                      f"(signer_queue_full) {med('service_signer_queue_full'):.0f}, answered (hk_reply_sent) "
                      f"{med('service_hk_reply_sent'):.0f}; transit drops (tx_full + no_route + no_neighbor) "
                      f"{lost:.0f}/s")
        sig = [x["share"] for r in fl for x in r.get("threads", []) if x["proc"] == "dut" and x["comm"] == "mipgate"
               and not x.get("main") and (x["share"] or 0) > 0]
        add_note(factor, "RtSolPr/s into the SEND service / PrRtAdv+HK Reply/s in the flood window, per run: how many "
                         "times its capacity the slow path was offered" +
                 (f"; the busiest mipgate thread other than the main one (the signer) got {max(sig):.0%} of a core at most"
                  if sig else ""))
    if ctx.mipgate and ctx.stale.get(ctx.mipgate):
        for r in rows:
            add_note(r, STALE_NOTE)
    return rows


def flood_md(ctx):
    """Per-run flood figures and where every thread ran (the placement the figures depend on)."""
    recs = ctx.details.get("flood") or []
    if not recs:
        return ""
    out = ["\n## flood runs\n",
           "| Run | Case | transit fwd / offered Mpps | mipgate CPU | gen CPU | RtSolPr in /s | to control /s | "
           "control_ring_full /s | signer_queue_full /s | answered /s |",
           "|---|---|---|---|---|---|---|---|---|---|"]
    for rec in recs:
        for case in ("calm", "flood"):
            r = rec.get(case)
            if r is None:
                out.append(f"| {rec['run']} | {case} | failed: {rec.get(case + '_error', '?')} | | | | | | | |")
                continue
            c = r["counters"]
            out.append(f"| {rec['run']} | {case} | {r['forwarded'] / 1e6:.2f} / {r['offered'] / 1e6:.2f} | "
                       f"{fmt_cpu(r['dut_cpu'])} | {fmt_cpu(r['gen_cpu'])} | {c.get('port_access_rx_packets', 0):.0f} | "
                       f"{c.get('to_control', 0):.0f} | {c.get('control_ring_full', 0):.0f} | "
                       f"{c.get('service_signer_queue_full', 0):.0f} | {c.get('service_hk_reply_sent', 0):.0f} |")
    cmds = getattr(ctx, "flood_cmds", None)
    if cmds:
        out += ["", "Per flood window, besides the forwarding commands below (mipgate's config = the transit "
                    "`DUT.yaml` plus an `access` port `net_af_packet0,iface=<veth>`, `system.signer_cpus: \"0\"`, "
                    "the router identity of `tests/data/send` (RSA-2048) and the RtSolPr limits raised; "
                    "mipgate also gets `--control-socket` and `--metrics-listen`; the generator's and the sender's "
                    f"autogroups get nice {FLOOD_GEN_NICE} through `/proc/<pid>/autogroup`):", "", "```sh"]
        out += [shlex.join(c).replace(ROOT + "/", "") for c in cmds]
        out.append("```")
    last = next((rec["flood"] for rec in reversed(recs) if "flood" in rec), None)
    if last and last.get("threads"):
        out += ["", f"Threads in the last flood window (CPU share over the window; 'seen on' = the CPUs "
                    f"it was found on, sampled every 250 ms):", "",
                "| Process | Thread | Allowed CPUs | Seen on | CPU share |", "|---|---|---|---|---|"]
        for x in last["threads"]:
            if (x["share"] or 0) >= 0.01:
                comm = x["comm"] + (" (main thread: control lcore)" if x.get("main") and x["proc"] == "dut" else
                                    " (signer or CLI thread)" if x["proc"] == "dut" and x["comm"] == "mipgate" else "")
                out.append(f"| {x['proc']} | {comm} | {x['allowed']} | "
                           f"{','.join(str(c) for c in sorted(x['seen_on'])) or '-'} | {fmt_cpu(x['share'])} |")
    return "\n".join(out) + "\n"


def run_micro(ctx):
    found = crypto.find_microbenchmarks(ctx.build)
    rows = []
    for name, exe in found.items():
        if name == "bench_tables":
            continue   # the hktable scenario runs it (one process per run: each fills its tables)
        if exe is None:
            r = Row("micro", name, "ops/s", "raw library")
            r.ours_text = "not implemented yet (not built)"
            rows.append(r)
            continue
        log = os.path.join(ctx.logdir, f"{name}.log")
        try:
            # Only the benchmarks that belong to a pair are run (time budget); the others are
            # listed in the report as not run.
            names = crypto.list_benchmarks(exe)
            paired = {n for p in crypto.pair_runs({n: [] for n in names}) for n in (p[1], p[4])}
            runs = crypto.run_microbenchmark(exe, ctx.runs, 0.05 if ctx.quick else 0.2, log,
                                             timeout_s=240 if ctx.quick else 480,
                                             only=paired or None)
            for n in names:
                runs.setdefault(n, [])
        except (OSError, subprocess.SubprocessError, ValueError) as e:
            r = Row("micro", name, "ops/s", "raw library")
            r.ours_text = "failed"
            r.note = f"{type(e).__name__} (log {os.path.relpath(log, ROOT)})"
            rows.append(r)
            print(f"  {name}: failed: {e}")
            continue
        pairs = [p for p in crypto.pair_runs(runs) if p[2] and p[3]]
        is_stale = ctx.stale.get(exe)
        used = {n for p in pairs for n in (p[1], p[4])}
        ctx.details.setdefault("micro", {})[name] = sorted(set(runs) - used)
        if not pairs:
            r = Row("micro", name, "ops/s", "raw library")
            r.ours_text = "no ours/raw pairs"
            r.ours_text = "-"
            r.note = f"{len(runs)} benchmark(s), no ours/raw pair (see its log)"
            rows.append(r)
        for label, twin, ours, raw, _ in pairs:
            n = min(len(ours), len(raw))
            ratios = [ours[i] / raw[i] for i in range(n) if raw[i] > 0]
            rows.append(Row("micro", f"{name}: {label}", "ops/s", f"`{twin}`", ours=ours, ref=raw,
                            ratios=ratios, note=STALE_NOTE if is_stale else ""))
            print(f"  {name}: {label}: ours {statistics.median(ours):.0f}/s raw "
                  f"{statistics.median(raw):.0f}/s ratio {statistics.median(ratios):.2f}")
    return rows


RUNNERS = {"transit": run_transit, "fbu": run_fbu, "provision": run_provision,
           "invalid": run_invalid, "hktable": run_hktable, "flood": run_flood, "micro": run_micro}


# --- output --------------------------------------------------------------------------------

HEAD = ["Scenario / measure", "Unit", "mipgate median (min-max)", "Reference", "Reference median (min-max)",
        "Ratio median (min-max)", "Notes"]


def print_table(rows):
    table = [HEAD] + [r.cells() for r in rows]
    widths = [max(len(str(t[i])) for t in table) for i in range(len(HEAD) - 1)]
    for t in table:
        print("  " + "  ".join(str(c).ljust(w) for c, w in zip(t, widths)) + "  " + t[-1])


def md_table(rows):
    out = ["| " + " | ".join(HEAD) + " |", "|" + "---|" * len(HEAD)]
    for r in rows:
        out.append("| " + " | ".join(str(c).replace("|", "/").replace("\n", " ") for c in r.cells()) + " |")
    return "\n".join(out)


def transit_details_md(ctx):
    recs = ctx.details.get("transit") or []
    if not recs:
        return ""
    duts = ["testpmd-io", "l3fwd-lpm6", "mipgate"]
    lines = ["| Run | " + " | ".join(f"{d}: fwd / offered Mpps, DUT CPU" for d in duts) + " |",
             "|---|" + "---|" * len(duts)]
    for rec in recs:
        cells = []
        for d in duts:
            r = rec.get(d)
            if r is None:
                cells.append("-")
            else:
                cells.append(f"{r['forwarded'] / 1e6:.2f} / {r['offered'] / 1e6:.2f}, {fmt_cpu(r['dut_cpu'])}"
                             + ("" if r["saturated"] else " (gen-bound)"))
        lines.append(f"| {rec['run']} | " + " | ".join(cells) + " |")
    lines.append("")
    full = []
    for d in duts:
        ws = [rec[d] for rec in recs if d in rec and (rec[d].get("dut_cpu") or 0) >= 0.95]
        if ws:
            gb = sum(1 for w in ws if not w["saturated"])
            full.append(f"{d} {statistics.median([w['forwarded'] for w in ws]) / 1e6:.2f} Mpps "
                        f"({len(ws)} window(s){f', {gb} gen-bound' if gb else ''})")
        else:
            full.append(f"{d}: none")
    lines.append("Windows where the DUT had (≥ 95 % of) its core, median: " + "; ".join(full) + ". "
                 "These are not paired within a run, so they give no ratio; a gen-bound figure is a lower bound.")
    lines.append("")
    lines.append("\"DUT CPU\" is the CPU time the DUT process got over the window, as a share of one core "
                 "(/proc/PID/stat). A poller that has its core to itself shows about 100 %. Less means "
                 "other processes took turns on that core, and the rate measures the scheduler as much as "
                 "the DUT.")
    return "\n".join(lines)


def gen_capacity_md(ctx):
    offers = [rec[d]["offered"] for rec in ctx.details.get("transit") or [] for d in rec
              if d != "run" and (rec[d].get("gen_cpu") or 0) >= 0.95]
    if not offers:
        return " In this run the generator never had a core to itself (scripts/bench prints its CPU share per window)."
    return (f" In this run the generator offered up to {max(offers) / 1e6:.1f} Mpps in the windows where "
            f"it had its core.")


def prov_md(ctx):
    """Per-run figures and the commands of the SEND scenarios."""
    out = []
    for sc in ("provision", "invalid"):
        recs = ctx.details.get(sc) or []
        if not recs:
            continue
        out.append(f"\n## {sc} runs\n")
        out.append("| Run | Case | answered (provision) or refused (invalid) /s | RtSolPr in /s | offered /s | "
                   "key created / reused /s | other counters /s | mipgate CPU |")
        out.append("|---|---|---|---|---|---|---|---|")
        for r in recs:
            val = r["hk_reply"] if sc == "provision" else r["dropped"]
            other = ", ".join(f"{k} {v:.0f}" for k, v in sorted(r["drops"].items())) or "-"
            out.append(f"| {r['run']} | {r['what']} | {val:.0f} | {r['received']:.0f} | {r['offered']:.0f} | "
                       f"{r['key_created']:.0f} / {r['key_reused']:.0f} | {other} | {fmt_cpu(r['cpu'])} |")
    cmds = getattr(ctx, "prov_cmds", None) or {}
    if cmds:
        out.append("\nSEND scenarios, per run and case (method: docs/benchmarking.md 1.2; configs in the log "
                   "directory):\n\n```sh")
        for k, (gen, argv, send) in cmds.items():
            out.append(f"# {k} RtSolPrs")
            for c in (gen, argv, send):
                out.append(shlex.join(c).replace(ROOT + "/", ""))
        out.append("```")
    return "\n".join(out) + ("\n" if out else "")


def scaling_md(ctx):
    """The 1-worker figures of this run, the base a scaling run multiplies."""
    recs = [rec["mipgate"] for rec in ctx.details.get("transit") or [] if "mipgate" in rec]
    if not recs:
        return ""
    fwd = statistics.median([r["forwarded"] for r in recs])
    per = [r["forwarded"] / r["dut_cpu"] for r in recs if r.get("dut_cpu")]
    return (f" Measured here with 1 worker: {fwd / 1e6:.2f} Mpps (median of {len(recs)} windows)"
            + (f", {statistics.median(per) / 1e6:.2f} Mpps per CPU-second of the mipgate process" if per else "")
            + "; 2 workers: not measurable on this machine (above).")


def hk_runs_md(ctx):
    d = ctx.details.get("hktable") or {}
    if not d:
        return "the scenario did not run"
    runs = ", ".join(f"{size}: {x['runs']} run(s)" for size, x in d.items())
    if "10M" not in d:
        runs += "; 10M not run: it runs with MIPGATE_BENCH_HKTABLE_10M=1 or in a full non-quick run"
    return runs


def micro_unpaired_md(ctx):
    m = ctx.details.get("micro") or {}
    lines = [f"- `{b}`: " + ", ".join(f"`{n}`" for n in names) for b, names in m.items() if names]
    if not lines:
        return ""
    return ("\n## Micro-benchmarks outside any pair\n\nNo raw twin is declared for these (docs/benchmarking.md), "
            "so they are not in the table; a binary with no pair at all runs in full (see its log), "
            "otherwise only its pairs run:\n\n" + "\n".join(lines) + "\n")


def write_doc(path, ctx, rows, mi, elapsed):
    cmd_env = []
    for k in ("MIPGATE_BENCH_RUNS", "MIPGATE_BENCH_QUICK", "MIPGATE_BENCH_WINDOW", "MIPGATE_BENCH_WORKERS",
              "MIPGATE_BENCH_RT", "MIPGATE_BENCH_HKTABLE_10M", "MIPGATE_BENCH_FLOOD_MBUFS"):
        if k in os.environ:
            cmd_env.append(f"{k}={os.environ[k]}")
    invocation = " ".join(cmd_env + ["scripts/bench"] + ctx.argv_scenarios)
    forwarding_cmds = ""
    if "transit" in ctx.scenarios:
        forwarding_cmds = f"""The forwarding scenario ran, per run and DUT (logs and generated configs in
`{os.path.relpath(ctx.logdir, ROOT)}/`):
```sh
{ctx.commands_md()}
```
mipgate's generated `DUT.yaml` (one `routes:` entry per line of `transit.routes`):
```yaml
{ctx.mipgate_yaml_excerpt()}
```
"""
    load_end = open("/proc/loadavg").read().split()[0]
    load_warning = ""
    share = ctx.details.get("transit_cpu")
    if share is not None and share < 0.9:
        load_warning = (f"\n**Other work shared the cores during this run**: the DUTs got {share:.0%} of a core "
                        f"(median over the forwarding windows; a poller alone on its core gets ~100 %). The "
                        f"forwarding rates measure the scheduler as much as the software: the per-run table "
                        f"below shows which windows had their core. Load average {mi['load']} at start, "
                        f"{load_end} at the end (the harness's own two pollers add 2).\n")
    text = f"""# mipgate benchmarks

<!-- Generated by scripts/bench; do not edit by hand. Method: docs/benchmarking.md. -->

Last run: {mi['date']}, commit `{mi['commit']}`{' (with uncommitted changes)' if mi['dirty'] else ''},
{ctx.runs} runs per scenario{' (QUICK mode: short windows, a smoke test)' if ctx.quick else ''},
forwarding window {ctx.window:g} s after {ctx.warmup:g} s warm-up; harness time {elapsed / 60:.1f} min.
Each cell: median over the runs (min-max). A ratio is mipgate / reference computed per run, both
measured in the same run, then summarised. "not implemented yet" marks a feature that does not
exist in mipgate yet: no number is shown for it.

## Results
{load_warning}
{md_table(rows)}

## Machine

| | |
|---|---|
| CPU | {mi['cpu']} ({mi['isa']}) |
| Cores | {mi['cores']} (load average at start {mi['load']}) |
| Memory | {mi['memory']}, no hugepages (`--no-huge`) |
| Kernel | {mi['kernel']} |
| DPDK | {mi['dpdk']} (Debian packages) |
| Compiler | {mi['compiler']}, meson `--buildtype=release -Dwerror=false` (-O3) |
| OpenSSL | {mi['openssl']} |

## What shares a core

This machine has {mi['cores']} cores and no NIC. In the forwarding scenario the traffic generator
(dpdk-testpmd, io forwarding from a pcap replayed with `infinite_rx` into net_memif) polls on
core 0 and the device under test polls on core 1. Also on core 0: testpmd's main lcore (asleep
between its 1 s statistics prints) and, for mipgate, its control lcore. The DUT sends to
`net_null` (a sink that frees the mbufs), so the DUT's cost per packet is memif RX (a copy from
shared memory) + its own processing + freeing. Other processes on the machine (builds, tests)
compete for both cores: compare ratios, not absolute numbers, across runs.

A run is "gen-bound" when the generator's memif TX never found the ring to the DUT full: the DUT
kept up, so its figure is a lower bound of its capacity, not its capacity. When a reference is
gen-bound, mipgate / reference is an upper bound of the true ratio.{gen_capacity_md(ctx)}

SEND scenarios (`provision`, `invalid`): mipgate in single-lcore mode on core 0 (worker and
control interleaved, asleep when idle), its signer threads free to use both cores, and a Python
sender pacing RtSolPrs into a veth on either core; with 2 signer threads one of them shares a core
with the rest. `flood`: the forwarding set-up above plus an af_packet port on a veth; mipgate's
worker alone on core 1; on core 0 the generator, mipgate's control lcore, its signer thread
(`system.signer_cpus: "0"`) and the RtSolPr sender (pinned with `taskset -c 0`); the generator's
and the sender's sessions run with autogroup nice {FLOOD_GEN_NICE}, so that the slow path gets
what they leave of core 0 (without that the kernel gave the signer all of core 0 and the
generator nothing: transit read 0; docs/benchmarking.md 1.4). The "flood runs" table below shows
each thread's CPU. `hktable`: one thread, plus a reader thread during the fill.

Scaling: only 1 worker is measured here. mipgate needs workers + 1 lcores and maps each lcore
of `system.lcores` (EAL `-l`) to a CPU of its own, so 2 workers need 3 CPUs: on this machine
EAL refuses them ("lcore 2 unavailable"). What N workers get from mipgate today
(lib/fastpath/src/ports.cpp): one RX queue per worker and one TX queue per worker plus one for
the control lcore on every port; with more than one RX queue, RSS over the IPv6 addresses
(and UDP/TCP ports where the device hashes them) spreads flows over the workers' queues, one
flow per worker; ring ports share one multi-consumer ring between the workers' queues
(docs/benchmarking.md, "Scaling").{scaling_md(ctx)}

## Forwarding runs

{transit_details_md(ctx) or "(the forwarding scenario did not run)"}

{prov_md(ctx)}
{flood_md(ctx)}
{micro_unpaired_md(ctx)}
## Commands

```sh
{invocation}
```
{forwarding_cmds}Crypto references: `openssl speed -mr -seconds 1 rsa1024 rsa2048`,
`openssl speed -mr -seconds 1 -bytes 64 -hmac sha1`, `openssl speed -mr -seconds 1 -bytes 320 -evp sha1`.
Handover-key table: `MIPGATE_BENCH_HK_KEYS=<1048576 or 10000000> build-bench/tests/bench/tables/bench_tables
--benchmark_repetitions=1 --benchmark_min_time={0.05 if ctx.quick else 0.2} --benchmark_out_format=json`, one
process per run ({hk_runs_md(ctx)}).
Micro-benchmarks: `build-bench/tests/bench/<lib>/bench_<lib> --benchmark_repetitions={ctx.runs}
--benchmark_min_time={0.05 if ctx.quick else 0.2} --benchmark_out_format=json --benchmark_filter=<the paired ones>`
(pairs: names differing in `ours`/`raw`, or `EXPLICIT_PAIRS` in scripts/bench.d/crypto.py).
"""
    with open(path, "w") as f:
        f.write(text)


def main():
    ctx = Ctx()
    args = [a for a in sys.argv[1:]]
    check_only = bool(args) and args[0] == "--check"   # scripts/bench validates before building
    if check_only:
        args = args[1:]
    if any(a in ("-h", "--help") for a in args):
        print(__doc__)
        print("Scenarios:")
        for s in SCENARIOS:
            print(f"  {s:10} {TITLES[s]}")
        return 0
    unknown = [a for a in args if a not in SCENARIOS]
    if unknown:
        print(f"bench: unknown scenario(s) {' '.join(unknown)}; known: {' '.join(SCENARIOS)}", file=sys.stderr)
        return 2
    if check_only:
        return 0
    ctx.argv_scenarios = args
    scenarios = ctx.scenarios = args or SCENARIOS
    ctx.quick = os.environ.get("MIPGATE_BENCH_QUICK", "0") == "1"
    ctx.runs = max(1, env_int("MIPGATE_BENCH_RUNS", 3 if ctx.quick else 5))
    ctx.window = float(env_int("MIPGATE_BENCH_WINDOW", 2 if ctx.quick else 5))
    ctx.warmup = 1.0
    ctx.workers = max(1, env_int("MIPGATE_BENCH_WORKERS", 1))
    ctx.realtime = os.environ.get("MIPGATE_BENCH_RT", "0") == "1"
    ctx.build = os.path.join(ROOT, os.environ.get("MIPGATE_BENCH_BUILD", "build-bench"))
    stamp = time.strftime("%Y%m%d-%H%M%S")
    ctx.logdir = os.path.join(ctx.build, "bench-logs", stamp)
    # A run of some scenarios only does not overwrite the published report (unless asked to).
    default_doc = os.path.join(ROOT, "docs", "benchmarks.md") if not args else os.path.join(ctx.logdir, "benchmarks.md")
    doc = os.environ.get("MIPGATE_BENCH_DOC", default_doc)
    ctx.work = os.path.join(ctx.build, "bench-work")
    ctx.traffic = os.path.join(ctx.build, "bench-traffic")
    os.makedirs(ctx.logdir, exist_ok=True)
    os.makedirs(ctx.work, exist_ok=True)
    ctx.sockdir = tempfile.mkdtemp(prefix="mipgate-bench-")
    ctx.details = {}
    ctx.crypto_refs = None
    mg = os.path.join(ctx.build, "app", "mipgate")
    ctx.mipgate = mg if os.access(mg, os.X_OK) else None
    ctx.mipgate_missing = "mipgate binary not built"

    def commands_md():
        q = shlex.join
        m = ["# once: the traffic, the l3fwd copy (see docs/benchmarking.md 1.1)",
             q(ctx.traffic_cmd),
             "# per DUT: the DUT first (memif server), then the generator (memif client)",
             q(transit.dut_command("testpmd-io", ctx, "SOCK", "DUT_PREFIX"))]
        if ctx.l3fwd_cmd_ok:
            m.append(q(transit.dut_command("l3fwd-lpm6", ctx, "SOCK", "DUT_PREFIX")))
        m.append(q([os.path.relpath(mg, ROOT), "--config", "DUT.yaml", "--duration",
                    str(int(ctx.warmup + ctx.window + 30))]))
        m.append(q(transit.gen_command(ctx, "SOCK", "GEN_PREFIX")))
        return "\n".join(x.replace(ROOT + "/", "") for x in m)
    ctx.commands_md = commands_md

    def mipgate_yaml_excerpt():
        routes = os.path.join(ctx.traffic, "transit.routes")
        if not os.path.exists(routes):
            return "# (transit scenario not run)"
        y = transit.mipgate_yaml("SOCK", "DUT_PREFIX", routes, ctx.workers).splitlines()
        i = y.index("routes:")
        j = y.index("neighbors:")
        n = (j - i - 1) // 3
        return "\n".join(y[:i + 4] + [f"  # ... {n} routes in all, 2001:db8:<i>::/48 via {transit.NEXT_HOP}"] + y[j:])
    ctx.mipgate_yaml_excerpt = mipgate_yaml_excerpt
    ctx.l3fwd = None
    ctx.l3fwd_v4 = os.path.join(ctx.work, "l3fwd-v4.cfg")
    ctx.traffic_cmd = ["/usr/bin/python3", os.path.join(ROOT, "scripts", "traffic"), "--out", ctx.traffic,
                       "--dst-mac", transit.DUT_IN_MAC, "--src-mac", transit.GEN_MAC, "transit"]

    t0 = time.monotonic()
    # Right after scripts/bench's build: is any binary older than the tree wants (its build failed)?
    # Checked now, not later, so that edits made to the tree during the run do not count.
    ctx.stale = {b: stale(ctx, b) for b in [ctx.mipgate] + list(crypto.find_microbenchmarks(ctx.build).values()) if b}
    mi = machine_info(ctx.build)
    print(f"bench: {mi['cpu']}, {mi['cores']} cores, DPDK {mi['dpdk']}, {mi['compiler']}; "
          f"{ctx.runs} runs{' (quick)' if ctx.quick else ''}; logs in {os.path.relpath(ctx.logdir, ROOT)}")

    if "transit" in scenarios or "flood" in scenarios:
        r = subprocess.run(ctx.traffic_cmd, capture_output=True, text=True)
        if r.returncode != 0:
            print(f"bench: scripts/traffic failed:\n{r.stdout}{r.stderr}", file=sys.stderr)
            return 2

    rows = []
    try:
        for s in scenarios:
            print(f"== {s}: {TITLES[s]}")
            rows += RUNNERS[s](ctx)
    finally:
        shutil.rmtree(ctx.sockdir, ignore_errors=True)
    ctx.l3fwd_cmd_ok = ctx.l3fwd is not None
    elapsed = time.monotonic() - t0
    print(f"== results ({ctx.runs} runs, {elapsed / 60:.1f} min)")
    print_table(rows)
    if doc != "-":
        write_doc(doc, ctx, rows, mi, elapsed)
        print(f"bench: wrote {os.path.relpath(doc, ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
