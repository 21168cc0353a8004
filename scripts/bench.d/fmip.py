"""FMIPv6 PAR fast path (scenario `fbu`): FBU verifications per second on one worker (BADF HMAC,
lib/fmip badf_engine) beside the raw HMAC rate of `openssl speed` on the same MAC input size, and
tunnelled forwarding (IPv6-in-IPv6 to the NCoA, RFC 2473) beside plain forwarding, both measured
in the same run (same configuration, consecutive mipgate processes).

Set-up per run (2 cores):

    generator (dpdk-testpmd io,          PAR mipgate ("0-1": control lcore 0, worker lcore 1)
    pcap infinite_rx) -- net_memif ==>   in (memif server)        out: net_null (sink)
                                         access: af_packet veth <-- the MNs (Python, in-process)
                                         nar:    af_packet veth <-- NAR mipgate (single lcore "0")

1. N MN identities are made (tests/interop/mn, the independent Python MN: 1024-bit CGA keys,
   Sec 0) and their CGAs (the PCoAs) configured as static neighbours of the PAR's access port.
2. Both instances start; each MN provisions a handover key over the access veth (RFC 5269,
   AT 1), then sends a valid FBU (NCoA = 2001:db8:7::<i>, on the NAR's prefix, Lifetime 65535):
   the PAR sends HI to the NAR over the other veth, gets HAck, installs the binding. The run
   checks `show bindings` has N entries. No key pre-load: every key went over the wire.
3. Three traffic files, each replayed by the generator for one window, each window with its
   own PAR + NAR pair set up as in 2 (order rotated per run; the same MN identities; a memif
   client reconnecting to a running mipgate crashed DPDK 22.11's memif RX, so never that):
   - plain:  64 B IPv6/UDP to N destinations routed to the sink (2001:db8:9:<i>::1);
   - tunnel: the same packets to the N PCoAs: each is encapsulated (outer 2001:db8:1::1 ->
             NCoA, +40 B) and routed to the sink by the NCoA prefix route;
   - fbu:    FBUs of the N MNs (HAO = PCoA, AltCoA = NCoA, BADF AT 1) whose authenticator has
             one bit flipped: the worker finds the key, computes the full HMAC and drops the
             packet (fbu_bad_mac). The control plane never sees them, so the figure is the
             worker's verification rate, not the FMIP service's.
   - fbu_valid: the same FBUs, correctly signed, Seq# 1 again: verified on the worker
             (fbu_verified), handed to the control plane over the slow-path ring, refused there as
             stale (fbu_stale_seq); what does not fit the ring is dropped (control_ring_full).
   Rates come from mipgate's Prometheus endpoint (`forwarded`, `encapsulated`, `fbu_bad_mac` +
   `fbu_verified` per lcore) at the start and end of the window.
4. Reference in the same run: `openssl speed -hmac sha256 -bytes <MAC input length of these FBUs>`
   (one thread), right after the windows.

Run `/usr/bin/python3 scripts/bench.d/fmip.py --selftest` to build the traffic files alone.
"""

import json
import os
import shutil
import struct
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(ROOT, "tests", "interop", "mn"))

import crypto  # noqa: E402
import dpdk_proc as dp  # noqa: E402
import provision  # noqa: E402
import transit  # noqa: E402

DATA = os.path.join(ROOT, "tests", "data", "send")
PAR_ACCESS = "2001:db8:1::1"
PAR_NAR, NAR_PAR = "2001:db8:1:ff::1", "2001:db8:1:ff::2"
PAR_NAR_MAC, NAR_PAR_MAC = "02:00:00:00:ff:01", "02:00:00:00:ff:02"
NCOA_PREFIX = "2001:db8:7::"
GEN_SRC = "2001:db8:ffff::1"
AT = 1                      # HMAC-SHA256 First(128) (design §4)


class Failure(Exception):
    pass


# --- traffic ----------------------------------------------------------------------------------

def write_pcap(path, frames):
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        for fr in frames:
            f.write(struct.pack("<IIII", 0, 0, len(fr), len(fr)) + fr)


def mac2b(m):
    return bytes(int(x, 16) for x in m.split(":"))


def udp_frame(dst, i):
    from mipgate_testmn.wire import a2b, ipv6_header, upper_layer_checksum
    payload = struct.pack("!H", i & 0xFFFF)
    udp = struct.pack("!HHHH", 1024 + i % 1000, 5001, 8 + len(payload), 0) + payload
    ck = upper_layer_checksum(a2b(GEN_SRC), a2b(dst), 17, udp) or 0xFFFF
    udp = udp[:6] + struct.pack("!H", ck) + udp[8:]
    ip = ipv6_header(a2b(GEN_SRC), a2b(dst), 17, len(udp), 64) + udp
    return mac2b(transit.DUT_IN_MAC) + mac2b(transit.GEN_MAC) + b"\x86\xdd" + ip   # 64 B


def make_identities(n):
    from mipgate_testmn.crypto import Identity
    return [Identity.create("2001:db8:1::", 0, 1024, 1024, bytes([2, 0, 0, 0x10, i >> 8, i & 0xFF]))
            for i in range(n)]


def ncoa_of(i):
    return f"{NCOA_PREFIX}{i + 1:x}"


def build_traffic(work, idents, keys, per_mn=16):
    """plain / tunnel / fbu pcaps; returns ({name: path}, MAC input length of the FBUs)."""
    from mipgate_testmn import fmip as mfmip
    from mipgate_testmn.wire import Ipv6Packet, a2b, b2a
    n = len(idents)
    files = {}
    files["plain"] = os.path.join(work, "fmip-plain.pcap")
    write_pcap(files["plain"], [udp_frame(f"2001:db8:9:{i:x}::1", i) for i in range(n * per_mn)])
    files["tunnel"] = os.path.join(work, "fmip-tunnel.pcap")
    write_pcap(files["tunnel"], [udp_frame(b2a(idents[i % n].address), i) for i in range(n * per_mn)])
    frames, mac_len = [], None
    for j in range(n * per_mn):
        i = j % n
        pkt = mfmip.build_fbu(keys[i], AT, idents[i].address, a2b(ncoa_of(i)), a2b(PAR_ACCESS),
                              (100 + j // n) & 0xFFFF, 65535,
                              tamper_auth=lambda a: bytes([a[0] ^ 1]) + a[1:])
        if mac_len is None:
            m = mfmip.parse_mh_packet(Ipv6Packet.parse(pkt))
            mac_len = 32 + m.options[-1][1] + 6   # NCoA | PAR | MH up to the authenticator
        frames.append(mac2b(transit.DUT_IN_MAC) + mac2b(transit.GEN_MAC) + b"\x86\xdd" + pkt)
    files["fbu"] = os.path.join(work, "fmip-fbu.pcap")
    write_pcap(files["fbu"], frames)
    # valid FBUs, Seq# 1 again: verified on the worker, handed to the control plane, refused there
    # as stale (the binding was made by Seq# 1): no HI, no binding change
    frames = [mac2b(transit.DUT_IN_MAC) + mac2b(transit.GEN_MAC) + b"\x86\xdd" +
              mfmip.build_fbu(keys[j % n], AT, idents[j % n].address, a2b(ncoa_of(j % n)), a2b(PAR_ACCESS),
                              1, 65535) for j in range(n * per_mn)]
    files["fbu_valid"] = os.path.join(work, "fmip-fbu_valid.pcap")
    write_pcap(files["fbu_valid"], frames)
    return files, mac_len


# --- configurations -----------------------------------------------------------------------------

def router_yaml(ctx, name):
    return ["router:", f'  key_file: "{DATA}/router.key"', f'  cert_chain: ["{DATA}/router.pem"]',
            f'  trust_anchors: ["{DATA}/ta.pem"]', "  cga_sec: 1",
            f'  cga_params_file: "{ctx.work}/fmip-{name}.params"']


def par_yaml(ctx, prefix, sock, access_if, nar_if, idents):
    y = ["# Generated by scripts/bench (fbu scenario): the PAR.", "system:", '  lcores: "0-1"', "  workers: 1",
         "  memory_mb: 512", "  hugepages: false", f'  file_prefix: "{prefix}"', "  mbufs: 16383", "  burst: 32",
         "ports:",
         "  - name: in", "    kind: vdev",
         f'    devargs: "net_memif0,role=server,socket={sock},socket-abstract=no,mac={transit.DUT_IN_MAC}"',
         f'    mac: "{transit.DUT_IN_MAC}"', f'    addresses: ["{transit.DUT_IN_ADDR}"]',
         "  - name: out", "    kind: vdev", '    devargs: "net_null0,no-rx=1"',
         f'    mac: "{transit.DUT_OUT_MAC}"', f'    addresses: ["{transit.DUT_OUT_ADDR}"]',
         "  - name: access", "    kind: vdev", f'    devargs: "net_af_packet0,iface={access_if}"',
         f'    addresses: ["{PAR_ACCESS}/64"]',
         "  - name: nar", "    kind: vdev", f'    devargs: "net_af_packet1,iface={nar_if}"',
         f'    addresses: ["{PAR_NAR}/64"]',
         "routes:",
         '  - prefix: "2001:db8:9::/48"', f'    via: "{transit.NEXT_HOP}"', "    port: out",
         f'  - prefix: "{NCOA_PREFIX}/64"', f'    via: "{transit.NEXT_HOP}"', "    port: out",
         "neighbors:",
         f'  - address: "{transit.NEXT_HOP}"', f'    mac: "{transit.NEXT_HOP_MAC}"', "    port: out",
         f'  - address: "{NAR_PAR}"', f'    mac: "{NAR_PAR_MAC}"', "    port: nar"]
    from mipgate_testmn.wire import b2a
    for ident in idents:
        y += [f'  - address: "{b2a(ident.address)}"', f'    mac: "{ident.mac.hex(":")}"', "    port: access"]
    y += router_yaml(ctx, "par")
    y += ["neighbor_routers:", '  - ap_id: "02:00:00:00:aa:01"', f'    nar_mac: "{NAR_PAR_MAC}"',
          f'    nar_address: "{NAR_PAR}"', f'    nar_prefix: "{NCOA_PREFIX}/64"',
          "handover_keys:", "  capacity: 65536", "  max_tunnel_lifetime_s: 65535",
          "fmip:", "  roles: [par]",
          "limits:", "  rtsolpr_rate_per_source: 1000000", "  rtsolpr_rate_global: 10000000", ""]
    return "\n".join(y)


def nar_yaml(ctx, prefix, par_if):
    y = ["# Generated by scripts/bench (fbu scenario): the NAR (answers HI; NCoAs on its sink port).",
         "system:", '  lcores: "0"', "  workers: 1", "  memory_mb: 256", "  hugepages: false",
         f'  file_prefix: "{prefix}"', "ports:",
         "  - name: par", "    kind: vdev", f'    devargs: "net_af_packet0,iface={par_if}"',
         f'    addresses: ["{NAR_PAR}/64"]',
         "  - name: mn", "    kind: vdev", '    devargs: "net_null1,no-rx=1"',
         f'    addresses: ["{NCOA_PREFIX}1/64"]',
         "routes:", '  - prefix: "2001:db8:1::/64"', f'    via: "{PAR_NAR}"', "    port: par",
         "neighbors:", f'  - address: "{PAR_NAR}"', f'    mac: "{PAR_NAR_MAC}"', "    port: par"]
    y += router_yaml(ctx, "nar")
    y += ["neighbor_routers:", '  - ap_id: "02:00:00:00:aa:11"', f'    nar_mac: "{PAR_NAR_MAC}"',
          f'    nar_address: "{PAR_NAR}"', '    nar_prefix: "2001:db8:1:ff::/64"',
          "handover_keys:", "  capacity: 4096", "  max_tunnel_lifetime_s: 65535",
          "fmip:", "  roles: [nar]", ""]
    return "\n".join(y)


def veth_pair(a, b, mac_a=None, mac_b=None):
    subprocess.run(["ip", "link", "del", a], capture_output=True)
    r = subprocess.run(["ip", "link", "add", a, "type", "veth", "peer", "name", b], capture_output=True, text=True)
    if r.returncode != 0:
        raise Failure(f"ip link add veth: {r.stderr.strip()} (needs root)")
    for i, mac in ((a, mac_a), (b, mac_b)):
        subprocess.run(["sysctl", "-qw", f"net.ipv6.conf.{i}.disable_ipv6=1"], capture_output=True)
        if mac:
            subprocess.run(["ip", "link", "set", i, "address", mac], capture_output=True)
        subprocess.run(["ip", "link", "set", i, "up"], capture_output=True)


def gen_command(pcap, sock, prefix):
    return ["dpdk-testpmd", "-l", "0-1", "--main-lcore", "1"] + transit.EAL_COMMON + [
        "--file-prefix", prefix, "--vdev", f"net_pcap0,rx_pcap={pcap},infinite_rx=1",
        "--vdev", f"net_memif1,role=client,socket={sock},socket-abstract=no,mac={transit.GEN_MAC}",
        "--", "--forward-mode=io", "--total-num-mbufs=16384", "--stats-period", "1", "--no-flush-rx"]


def start(ctx, name, argv, log, limit):
    """A mipgate instance, up ("mipgate: running"); one retry when net_af_packet could not join
    its PACKET_FANOUT group (seen once with two instances starting together: EINVAL)."""
    for attempt in (1, 2):
        p = dp.Proc(name, argv, log, limit)
        if dp.wait_for(lambda: not p.alive() or "mipgate: running" in p.output(), 40) and p.alive():
            return p
        p.stop()
        if attempt == 1 and "PACKET_FANOUT" in p.output():
            time.sleep(0.5)
            continue
        raise Failure(f"{name} did not start (log {log}): {transit.tail(log, 5)}")


def scrape(port):
    """provision.scrape, with two retries (the first request may meet a listener not yet up)."""
    for attempt in range(3):
        try:
            return provision.scrape(port)
        except OSError:
            if attempt == 2:
                raise
            time.sleep(0.5)


def metric(m, name):
    """Sum over lcores of mipgate_<name>_total."""
    key = f"mipgate_{name}_total"
    return sum(v for k, v in m.items() if k == key or k.startswith(key + "{"))


def ctl(ctx, sock, *args):
    exe = os.path.join(ctx.build, "control", "cli", "mipgatectl")
    r = subprocess.run([exe, "--socket", sock, "--json", "--timeout", "5000"] + list(args),
                       capture_output=True, text=True, timeout=20)
    if r.returncode != 0:
        raise Failure(f"mipgatectl {' '.join(args)}: {r.stderr.strip()}")
    return json.loads(r.stdout)


# --- one run ------------------------------------------------------------------------------------

def measure(ctx, tag, n_mns, order):
    """The three cases in `order`, each with a fresh PAR + NAR pair and the same N MN identities
    provisioned and bound over the wire (a memif client reconnecting to a running mipgate crashed
    DPDK 22.11's memif RX on the worker, so the generator is never restarted against one PAR).
    Returns {case: {rate fields}} plus "mac_len" and "setup_s" (mean set-up per case)."""
    idents = make_identities(n_mns)
    out, setups = {}, []
    for case in order:
        r, mac_len, setup = measure_case(ctx, f"{tag}-{case}", idents, case)
        out[case] = r
        setups.append(setup)
        if case == "fbu":
            out["mac_len"] = mac_len
    out["setup_s"] = sum(setups) / len(setups)
    return out


def measure_case(ctx, tag, idents, case):
    from mipgate_testmn.mn import MobileNode
    from mipgate_testmn.net import L2Transport
    from mipgate_testmn.wire import ALL_ROUTERS, a2b
    t0 = time.monotonic()
    n_mns = len(idents)
    v = f"mgq{os.getpid() % 10000}"
    acc_dut, acc_mn, pn_par, pn_nar = v + "a", v + "b", v + "c", v + "d"
    prefix = f"mgb{os.getpid()}-{tag}"
    par_sock = os.path.join(ctx.sockdir, f"{tag}.ctl")
    memif = os.path.join(ctx.sockdir, f"{tag}.memif")
    port = provision.free_port()
    limit = 60 + ctx.warmup + ctx.window + 25
    par = nar = None
    try:
        veth_pair(acc_dut, acc_mn)
        veth_pair(pn_par, pn_nar, PAR_NAR_MAC, NAR_PAR_MAC)
        par_cfg, nar_cfg = os.path.join(ctx.logdir, f"{tag}-par.yaml"), os.path.join(ctx.logdir, f"{tag}-nar.yaml")
        with open(par_cfg, "w") as f:
            f.write(par_yaml(ctx, prefix + "-par", memif, acc_dut, pn_par, idents))
        with open(nar_cfg, "w") as f:
            f.write(nar_yaml(ctx, prefix + "-nar", pn_nar))
        nar = start(ctx, "nar", [ctx.mipgate, "--config", nar_cfg, "--signer-threads", "0",
                                 "--control-socket", os.path.join(ctx.sockdir, f"{tag}-nar.ctl"),
                                 "--duration", str(int(limit))], os.path.join(ctx.logdir, f"{tag}-nar.log"), limit + 10)
        par = start(ctx, "par", [ctx.mipgate, "--config", par_cfg, "--signer-threads", "1", "--control-socket",
                                 par_sock, "--metrics-listen", f"127.0.0.1:{port}", "--duration", str(int(limit))],
                    os.path.join(ctx.logdir, f"{tag}-par.log"), limit + 10)
        # provisioning + one valid FBU per MN, over the access veth
        tr = L2Transport(acc_mn, idents[0].mac)
        keys = []
        try:
            for i, ident in enumerate(idents):
                tr.own_mac = ident.mac
                mn = MobileNode(ident, tr)
                res = mn.provision(a2b(ALL_ROUTERS), AT, mac2b("02:00:00:00:aa:01"), timeout=3, retries=1)
                if not res["ok"]:
                    raise Failure(f"MN {i}: provisioning failed: {res['reason']}")
                keys.append(bytes.fromhex(res["key_hex"]))
            for i, ident in enumerate(idents):
                tr.own_mac = ident.mac
                mn = MobileNode(ident, tr)
                mn.fbu(keys[i], AT, ident.address, a2b(ncoa_of(i)), a2b(PAR_ACCESS), 1, 65535, timeout=1)
        finally:
            tr.close()
        bound = ctl(ctx, par_sock, "show", "bindings")
        bound = bound.get("bindings", []) if isinstance(bound, dict) else bound
        if len(bound) != n_mns:
            raise Failure(f"{len(bound)} of {n_mns} bindings installed after the FBUs (log {par.log_path})")
        files, mac_len = build_traffic(ctx.work, idents, keys)
        keys.clear()
        setup = time.monotonic() - t0
        return window(ctx, tag, files[case], memif, port, par), mac_len, setup
    finally:
        for p in (par, nar):
            if p:
                p.stop()
        for pre in (prefix + "-par", prefix + "-nar"):
            dp.cleanup_prefix(pre)
        for i in (acc_dut, pn_par):
            subprocess.run(["ip", "link", "del", i], capture_output=True)
        for f in ("plain", "tunnel", "fbu", "fbu_valid"):
            try:
                os.unlink(os.path.join(ctx.work, f"fmip-{f}.pcap"))
            except OSError:
                pass


def window(ctx, tag, pcap, memif, port, par):
    gen_prefix = f"mgb{os.getpid()}-{tag}-gen"
    gen_log = os.path.join(ctx.logdir, f"{tag}-gen.log")
    tgen = dp.Telemetry(gen_prefix)
    gen = dp.Proc("generator", gen_command(pcap, memif, gen_prefix), gen_log, ctx.warmup + ctx.window + 40)
    try:
        if not dp.wait_for(lambda: tgen.exists() or not gen.alive(), 20) or not gen.alive():
            raise Failure(f"generator did not start (log {gen_log}): {transit.tail(gen_log, 5)}")
        time.sleep(0.2)
        tgen.connect()
        gports = tgen.ports()
        g_src = transit.port_by_driver(gports, "net_pcap")
        if not par.alive():
            raise Failure(f"the PAR exited (log {par.log_path}): {transit.tail(par.log_path, 5)}")
        rx0 = metric(scrape(port), "rx")
        if not dp.wait_for(lambda: metric(scrape(port), "rx") > rx0 + 1000 or not par.alive(), 15, 0.2):
            raise Failure(f"no traffic reached the PAR in 15 s (logs {gen_log}, {par.log_path})")
        time.sleep(ctx.warmup)
        ta, a = time.monotonic(), scrape(port)
        ca = par.cpu_seconds()
        ga_t, ga = tgen.snapshot([g_src])
        time.sleep(ctx.window)
        tb, b = time.monotonic(), scrape(port)
        cb = par.cpu_seconds()
        gb_t, gb = tgen.snapshot([g_src])
        if not par.alive():
            raise Failure(f"the PAR died during the window (log {par.log_path})")
    finally:
        tgen.close()
        gen.stop()
        dp.cleanup_prefix(gen_prefix)
    dt = tb - ta

    def rate(name):
        return (metric(b, name) - metric(a, name)) / dt
    return {
        "rx": rate("rx"), "forwarded": rate("forwarded"), "encapsulated": rate("encapsulated"),
        "fbu_checked": rate("fbu_bad_mac") + rate("fbu_verified"), "fbu_bad_mac": rate("fbu_bad_mac"),
        "drops_other": rate("rx") - rate("forwarded") - rate("fbu_bad_mac") - rate("fbu_verified"),
        "fbu_verified": rate("fbu_verified"), "control_ring_full": rate("control_ring_full"),
        "offered": (gb[g_src]["ipackets"] - ga[g_src]["ipackets"]) / (gb_t - ga_t),
        "cpu": (cb - ca) / dt if None not in (ca, cb) else None,
    }


def hmac_reference(mac_len):
    """openssl speed HMAC-SHA256 (AT 1) on MAC inputs of the FBUs' length, one thread (ops/s)."""
    return crypto.openssl_digest(["-hmac", "sha256"], mac_len)


# --- self-test: the traffic files alone ---------------------------------------------------------

def selftest():
    import tempfile
    from mipgate_testmn import fmip as mfmip
    from mipgate_testmn.wire import Ipv6Packet, a2b
    d = tempfile.mkdtemp(prefix="fmip-bench-")
    try:
        idents = make_identities(2)
        keys = [os.urandom(32) for _ in idents]
        files, mac_len = build_traffic(d, idents, keys, per_mn=2)
        data = open(files["fbu"], "rb").read()
        fr = data[24 + 16:24 + 16 + struct.unpack("<I", data[24 + 8:24 + 12])[0]]
        m = mfmip.parse_mh_packet(Ipv6Packet.parse(fr[14:]))
        ok, why = mfmip.verify_badf(m, keys[0], AT, a2b(ncoa_of(0)), a2b(PAR_ACCESS))
        assert m.checksum_ok and not ok and why == "BADF authenticator mismatch", why
        assert len(open(files["plain"], "rb").read()) == 24 + 4 * (16 + 64)
        print(json.dumps({"ok": True, "mac_len": mac_len, "files": {k: os.path.getsize(v) for k, v in files.items()},
                          "hmac_sha256_ref": hmac_reference(mac_len)}))
    finally:
        shutil.rmtree(d, ignore_errors=True)


if __name__ == "__main__":
    if sys.argv[1:] == ["--selftest"]:
        selftest()
