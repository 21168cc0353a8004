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
import transit  # noqa: E402

ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))

# Features that do not exist yet, by the issue that brings them. Keep in step with the tracker.
PENDING = {
    "fbu": "issue: FMIPv6 PAR, FBU + BADF on the worker, tunnel PCoA->NCoA",
    "provision": "issue: SEND + RFC 5269 handover-key provisioning",
    "invalid": "issue: SEND + RFC 5269 handover-key provisioning",
    "hktable": "issue: handover-key table (lib/tables, RCU QSBR)",
    "flood": "issue: slow-path ring + SEND service",
}

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
        why = (f"{ctx.workers} workers not measured: the memif harness feeds one queue from one "
               f"generator core; needs the NIC kit (docs/benchmarking.md) and >= {need} cores "
               f"(this machine: {os.cpu_count()})")
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
    refs = run_crypto_refs(ctx)
    return [pending_row("fbu", "FBU verify + encap", "ops/s", "openssl HMAC-SHA1, 64 B",
                        refs["hmac_sha1_64"], "reference = MAC cost only, 1 thread")]


def run_provision(ctx):
    refs = run_crypto_refs(ctx)
    return [pending_row("provision", "PrRtAdv/s, RSA-2048", "ops/s", "openssl RSA-2048 sign",
                        refs["rsa2048_sign"], "1 signer thread; a PrRtAdv also needs 1 verify + 1 encrypt"),
            pending_row("provision", "PrRtAdv/s, RSA-1024", "ops/s", "openssl RSA-1024 sign",
                        refs["rsa1024_sign"], "1 signer thread")]


def run_invalid(ctx):
    refs = run_crypto_refs(ctx)
    return [pending_row("invalid", "drops/s, bad signature", "ops/s", "openssl RSA-2048 verify",
                        refs["rsa2048_verify"], "1 thread"),
            pending_row("invalid", "drops/s, CGA mismatch", "ops/s", "openssl SHA-1, 320 B",
                        refs["sha1_320"], "CGA Parameters of an RSA-2048 key hash ~320 B")]


def run_hktable(ctx):
    return [pending_row("hktable", "lookups/s at 1M CGAs", "ops/s", "-", None),
            pending_row("hktable", "lookups/s at 10M CGAs", "ops/s", "-", None)]


def run_flood(ctx):
    return [pending_row("flood", "transit Mpps under RtSolPr flood", "Mpps", "-", None)]


def run_micro(ctx):
    found = crypto.find_microbenchmarks(ctx.build)
    rows = []
    for name, exe in found.items():
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
              "MIPGATE_BENCH_RT"):
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

Scaling: only 1 worker is measured here (2 workers and a generator cannot run honestly on 2 cores).
The worker design for N workers: one RX/TX queue pair per worker on every port, RSS on the IPv6
flow hash (source, destination, and UDP/TCP ports) spreads flows over the workers, no state is
shared on the forwarding path (docs/benchmarking.md, "Scaling").

## Forwarding runs

{transit_details_md(ctx) or "(the forwarding scenario did not run)"}

{micro_unpaired_md(ctx)}
## Commands

```sh
{invocation}
```
{forwarding_cmds}Crypto references: `openssl speed -mr -seconds 1 rsa1024 rsa2048`,
`openssl speed -mr -seconds 1 -bytes 64 -hmac sha1`, `openssl speed -mr -seconds 1 -bytes 320 -evp sha1`.
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

    if "transit" in scenarios:
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
