"""Crypto references (openssl speed, one thread) and the Google Benchmark micro-benchmarks.

openssl speed -mr prints machine-readable lines:
    +F2:<i>:<bits>:<sign/s>:<verify/s>      RSA
    +F:<i>:<name>:<bytes/s at size 1>...    digests and MACs (one size per -bytes)
"""

import glob
import json
import os
import re
import subprocess


def openssl_rsa(seconds=1):
    """{bits: (sign/s, verify/s)} for 1024 and 2048 bits, one thread."""
    out = subprocess.run(["openssl", "speed", "-mr", "-seconds", str(seconds), "rsa1024", "rsa2048"],
                         capture_output=True, text=True, timeout=120).stdout
    res = {}
    for line in out.splitlines():
        if line.startswith("+F2:"):
            _, _, bits, sign, verify = line.split(":")[:5]
            res[int(bits)] = (float(sign), float(verify))
    if set(res) != {1024, 2048}:
        raise RuntimeError("openssl speed rsa: unexpected output")
    return res


def openssl_digest(args, size, seconds=1):
    """Operations/s of `openssl speed <args>` on `size`-byte inputs, one thread."""
    out = subprocess.run(["openssl", "speed", "-mr", "-seconds", str(seconds), "-bytes", str(size)] + args,
                         capture_output=True, text=True, timeout=60).stdout
    for line in out.splitlines():
        if line.startswith("+F:"):
            return float(line.split(":")[3]) / size
    raise RuntimeError(f"openssl speed {' '.join(args)}: unexpected output")


# --- Google Benchmark micro-benchmarks -------------------------------------------------------
# Convention (tests/bench/<lib>/): a measured pair is two benchmarks whose names differ only in
# the word "ours" vs "raw", e.g. "BM_badf_verify/ours" and "BM_badf_verify/raw", or
# "ours_rsa_sign/2048" and "raw_rsa_sign/2048". "ours" goes through mipgate's library, "raw"
# calls the underlying library (OpenSSL, IPsec-MB, DPDK) directly on the same input. The rate is
# items_per_second when the benchmark sets it, else 1 / cpu_time (Google Benchmark computes
# items_per_second from CPU time too).

TIME_UNIT = {"ns": 1e-9, "us": 1e-6, "ms": 1e-3, "s": 1.0}


# Pairs whose names do not follow the convention, declared here: (regex on the "ours" run name,
# template of its raw twin, label). The raw twin is the primitive the library wraps, on the same
# bytes, in the same binary (see the comments in tests/bench/<lib>/).
EXPLICIT_PAIRS = [
    (r"^bm_badf_verify_openssl_1/(\d+)$", r"bm_raw_hmac_oneshot_1/\1",
     r"BADF verify, 1 FBU, AT \1 (OpenSSL)"),
    (r"^bm_badf_verify_openssl_1/(\d+)$", r"bm_raw_evp_mac_dup_1/\1",
     r"BADF verify, 1 FBU, AT \1 (OpenSSL)"),
    (r"^bm_badf_engine_imb/(\d+)/(1|32)$", r"bm_raw_imb_jobs/\1/\2/0",
     r"BADF engine IPsec-MB, burst \2, AT \1"),
    (r"^bm_badf_engine_imb/(\d+)/1$", r"bm_raw_imb_jobs_1/\1",           # earlier names
     r"BADF engine IPsec-MB, burst 1, AT \1"),
    (r"^bm_badf_engine_imb/(\d+)/32$", r"bm_raw_imb_jobs_32/\1",
     r"BADF engine IPsec-MB, burst 32, AT \1"),
    (r"^bm_hk_encrypt_parsed/(\d+)/(\d+)$", r"bm_raw_evp_pkey_encrypt/\1/\2",
     r"handover key encrypt, RSA-\1, \2 B key"),
    (r"^bm_hk_encrypt_full/(\d+)/(\d+)$", r"bm_raw_evp_pkey_encrypt/\1/\2",
     r"handover key SPKI parse + check + encrypt, RSA-\1, \2 B key"),
    # bench_send (tests/bench/send/send_bench.cpp)
    (r"^cga_verify/sec/0$", "raw_sha1_cga", "CGA verify, Sec 0 (1 SHA-1)"),
    (r"^cga_verify/sec/1$", "raw_sha1_cga", "CGA verify, Sec 1 (ours 2 SHA-1, raw 1)"),
    (r"^send_verify/bits/(\d+)$", r"raw_evp_verify/\1", r"SEND RSA signature verify, RSA-\1"),
    (r"^send_sign/bits/(\d+)$", r"raw_evp_sign/\1", r"SEND RSA signature sign, RSA-\1"),
]

MAIN_BINARIES = ("bench_send", "bench_fmip")


def find_microbenchmarks(build_dir):
    """{name: path or None}: bench_send and bench_fmip always (None = not built), plus any other
    bench_* binary under tests/bench."""
    found = {n: None for n in MAIN_BINARIES}
    for p in sorted(glob.glob(os.path.join(build_dir, "tests", "bench", "*", "bench_*"))):
        if os.path.isfile(p) and os.access(p, os.X_OK):
            found[os.path.basename(p)] = p
    return found


def list_benchmarks(exe):
    out = subprocess.run([exe, "--benchmark_list_tests=true"], capture_output=True, text=True,
                         timeout=60, check=True).stdout
    return [x.strip() for x in out.splitlines() if x.strip()]


def run_microbenchmark(exe, repetitions, min_time, log_path, timeout_s, only=None):
    """Runs one Google Benchmark binary (only the benchmarks named in `only`, when given);
    returns {run_name: [rate per repetition]}."""
    json_path = log_path + ".json"
    argv = [exe, "--benchmark_format=console", f"--benchmark_out={json_path}",
            "--benchmark_out_format=json", f"--benchmark_repetitions={repetitions}",
            f"--benchmark_min_time={min_time}"]
    if only:
        argv.append("--benchmark_filter=^(" + "|".join(re.escape(n) for n in sorted(only)) + ")$")
    with open(log_path, "w") as log:
        log.write("# " + " ".join(argv) + "\n")
        log.flush()
        subprocess.run(argv, stdout=log, stderr=subprocess.STDOUT, timeout=timeout_s, check=True)
    with open(json_path) as f:
        data = json.load(f)
    runs = {}
    for b in data.get("benchmarks", []):
        if b.get("run_type", "iteration") != "iteration" or b.get("error_occurred"):
            continue
        name = b.get("run_name", b["name"])
        if "items_per_second" in b:
            rate = float(b["items_per_second"])
        else:
            # CPU time, like items_per_second: less sensitive to a busy machine than real time.
            rate = 1.0 / (float(b["cpu_time"]) * TIME_UNIT.get(b.get("time_unit", "ns"), 1e-9))
        runs.setdefault(name, []).append(rate)
    return runs


def run_microbenchmark_json(exe, repetitions, min_time, log_path, timeout_s):
    """Runs a Google Benchmark binary once; returns {name: the benchmark's JSON record} (user
    counters included) of its iteration runs."""
    json_path = log_path + ".json"
    argv = [exe, "--benchmark_format=console", f"--benchmark_out={json_path}",
            "--benchmark_out_format=json", f"--benchmark_repetitions={repetitions}",
            f"--benchmark_min_time={min_time}"]
    with open(log_path, "w") as log:
        log.write("# " + " ".join(argv) + "\n")
        log.flush()
        subprocess.run(argv, stdout=log, stderr=subprocess.STDOUT, timeout=timeout_s, check=True)
    with open(json_path) as f:
        data = json.load(f)
    return {b["name"]: b for b in data.get("benchmarks", [])
            if b.get("run_type", "iteration") == "iteration" and not b.get("error_occurred")}


def pair_runs(runs):
    """[(label, raw twin name, ours rates, raw rates, ours name)]: the explicit pairs, then every
    "ours" benchmark with a "raw" twin."""
    pairs = []
    for rx, twin_tmpl, label_tmpl in EXPLICIT_PAIRS:
        for name in sorted(runs):
            m = re.match(rx, name)
            if m and m.expand(twin_tmpl) in runs:
                twin = m.expand(twin_tmpl)
                pairs.append((m.expand(label_tmpl), twin, runs[name], runs[twin], name))
    for name in sorted(runs):
        tokens = name.replace("/", " / ").replace("_", " _ ").split(" ")
        if "ours" not in tokens:
            continue
        twin = "".join("raw" if t == "ours" else t for t in tokens)
        if twin in runs:
            label = "".join(t for t in tokens if t != "ours").replace("__", "_").strip("_/")
            pairs.append((label, twin, runs[name], runs[twin], name))
    return pairs
