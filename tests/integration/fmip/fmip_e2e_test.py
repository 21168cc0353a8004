#!/usr/bin/python3
"""End-to-end FMIPv6 (RFC 5268 with RFC 5269 handover keys) between TWO real mipgate instances,
a PAR and a NAR, on net_af_packet over veths, with the independent Python MN
(tests/interop/mn/testmn.py, no project code) and a scapy correspondent (cn_send.py):

    ns cn: c0 ---- pc :PAR: pm ---- mo :ns mn (old link, 2001:db8:1::/64; PCoA = the MN's CGA)
                       pn
                       |            (PAR-NAR link 2001:db8:1:ff::/64)
                       np :NAR: nm ---- mw :ns mn (new link 2001:db8:1:2::/64; NCoA ::100)

Both instances run single-lcore (worker and control interleaved), each with its own
--file-prefix and control socket, router identity from tests/data/send, configs from
tests/data/fmip/*.yaml.in. mipgate does no ND resolution: static neighbours give the MN's old
address, the CN and the peer router; the NAR learns NCoA -> MN MAC from the HI.

Checks (each printed "ok"/"FAIL"):
  1. baseline: CN -> PCoA arrives on the old link (plain forwarding);
  2. the MN provisions a key at the PAR (and a second MN, for the "HAO of another MN" forgery);
  3. forged FBUs, each: no FBack, no binding, exactly the expected PAR worker counter moves
     (wrong key, NCoA changed after signing, HAO of MN2 with MN1's key -> fbu_bad_mac; HAO
     without a key -> fbu_no_key; A/H cleared -> fbu_bad_flags);
  4. predictive handover: FBU from the old link (src = PCoA, AltCoA = NCoA), lifetime above the
     PAR's max_tunnel_lifetime_s; FBack status 0 whose MH checksum and BADF verify in the MN, to
     the NCoA (on the new link, via the NAR) and to the PCoA (old link), granted lifetime = the cap;
     PAR/NAR FMIP service counters (HI, HAck, proxy entry);
     `show bindings` on the PAR: PCoA -> NCoA, tunnel source 2001:db8:1::1;
  5. CN -> PCoA packets now arrive on the NEW link as RFC 2473 tunnel packets: outer
     2001:db8:1::1 -> NCoA (Hop Limit 64 - 1 at the NAR), Ethernet to the MN's MAC from the NAR,
     inner packet = the CN's, Hop Limit decremented once by the PAR, UDP payload and checksum
     intact; none on the old link; PAR `encapsulated` moved by the count;
  5b. reverse tunnel: the MN on the new link sends PCoA -> CN inside NCoA -> PAR; the CN gets the
     inner packet (Hop Limit 63), `decapsulated` and the binding's `reverse` move; the same from
     another NCoA is refused (`tunnel_refused`), nothing reaches the CN;
  6. replayed FBU (same Seq#): fbu_stale_seq moves, no FBack, binding unchanged;
  7. after the granted lifetime: no binding, the key is gone (`show keys`), CN -> PCoA goes to
     the old link again and `encapsulated` stays;
  8. reactive handover: new key, FBU sent from the NEW link (src = NCoA) through the NAR; FBack
     on the new link; tunnelled delivery on the new link;
  8b. back on the old link: FBU Lifetime 0 (CoA = PCoA) -> FBack 0, binding removed, key discarded;
  9. neither instance's stdout/stderr (both at log level debug, `set log-level debug`) nor any
     CLI output holds a handover key's hex; both stop cleanly; each summary satisfies
     rx == forwarded + to_control + drops (fbu_verified, encapsulated, decapsulated are info).

usage: fmip_e2e_test.py MIPGATE MIPGATECTL TESTMN SEND_DATA_DIR FMIP_DATA_DIR   (root; 77 = skip)

MIPGATE_FMIP_E2E_BASE=1 checks the rig only (steps 1, 2 and 9, configs without the `fmip:`
section): for telling a broken topology from a broken FMIPv6 implementation.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
from mipgate_run import (Launched, Results, cleanup_prefixes, drop_total, last_json,  # noqa: E402
                         parse_summary, sanitizer_reports, sh, skip_without_root, unique_prefix)

MIPGATE, MIPGATECTL, TESTMN, DATA, FMIP_DATA = (os.path.abspath(a) for a in sys.argv[1:6])
CN_SEND = os.path.join(HERE, "cn_send.py")
BASE_ONLY = os.environ.get("MIPGATE_FMIP_E2E_BASE") == "1"
results = Results()
check = results.check

TAG = "fm%d" % (os.getpid() % 100000)
NS = {k: f"{TAG}{k}" for k in ("par", "nar", "mn", "cn")}
# (namespace, ifname, MAC) pairs joined by a veth
LINKS = [
    (("cn", "c0", "02:00:00:00:0c:10"), ("par", "pc", "02:00:00:00:0c:01")),
    (("mn", "mo", "02:00:00:00:00:01"), ("par", "pm", "02:00:00:00:01:01")),
    (("par", "pn", "02:00:00:00:ff:01"), ("nar", "np", "02:00:00:00:ff:02")),
    (("mn", "mw", "02:00:00:00:00:01"), ("nar", "nm", "02:00:00:00:02:01")),
]
MN_MAC, MN2_MAC = "02:00:00:00:00:01", "02:00:00:00:00:02"
PAR_CN_MAC, PAR_MN_MAC, NAR_MN_MAC = "02:00:00:00:0c:01", "02:00:00:00:01:01", "02:00:00:00:02:01"
CN_MAC = "02:00:00:00:0c:10"
CN = "2001:db8:1:c::10"
PAR = "2001:db8:1::1"          # the FBU destination = the PAR's global address on the old link
NCOA = "2001:db8:1:2::100"
NCOA2 = "2001:db8:1:2::200"    # the reactive run's NCoA
NO_KEY_HAO = "2001:db8:1::dead:beef"
MAX_TUNNEL = 15                # PAR handover_keys.max_tunnel_lifetime_s
FBU_LIFETIME = 30              # > MAX_TUNNEL: the PAR grants the cap
GAP = 0.4                      # between RtSolPrs of one source (MAX_RTSOLPR_RATE)

cli_outputs = []               # every CLI answer fetched (searched for key bytes at the end)
key_hexes = set()              # every handover key the MNs hold


# --- topology -------------------------------------------------------------------------------

def build_topology():
    for ns in NS.values():
        sh("ip", "netns", "add", ns)
    for (na, ia, ma), (nb, ib, mb) in LINKS:
        sh("ip", "link", "add", ia, "netns", NS[na], "type", "veth", "peer", "name", ib, "netns", NS[nb])
        for ns, dev, mac in ((NS[na], ia, ma), (NS[nb], ib, mb)):
            # nobody's kernel speaks IPv6 here: mipgate, the MN and the CN do
            sh("sysctl", "-qw", f"net.ipv6.conf.{dev}.disable_ipv6=1", ns=ns, check_rc=False)
            sh("ip", "link", "set", dev, "address", mac, ns=ns)
            sh("ip", "link", "set", dev, "up", ns=ns)
            if shutil.which("ethtool"):
                sh("ethtool", "-K", dev, "tx", "off", ns=ns, check_rc=False)


def delete_topology():
    for ns in NS.values():
        subprocess.run(["ip", "netns", "del", ns], capture_output=True)


# --- tools ------------------------------------------------------------------------------------

def mn(*args, state, iface="mo", timeout="3", check_rc=False):
    """testmn.py in the MN's namespace (test sizes: 1024-bit keys, CGA Sec 0); its JSON report."""
    r = sh("/usr/bin/python3", TESTMN, *args, "--iface", iface, "--state", state, "--bits", "1024",
           "--sec", "0", "--timeout", timeout, ns=NS["mn"], check_rc=check_rc)
    rep = last_json(r.stdout)
    if rep is None:
        raise RuntimeError(f"testmn {args}: rc={r.returncode} {r.stderr.strip()[-800:]}")
    if rep.get("key_hex"):
        key_hexes.add(rep["key_hex"])
    return rep


def mn_ident(state, mac):
    r = sh("/usr/bin/python3", TESTMN, "ident", "--state", state, "--bits", "1024", "--sec", "0",
           "--mac", mac)
    return last_json(r.stdout)["cga"]


class Listener:
    """testmn.py listen on one of the MN's interfaces, in the background."""

    def __init__(self, state, iface, duration, ncoa=None, stop_after=None, ns="mn"):
        cmd = ["ip", "netns", "exec", NS[ns], "/usr/bin/python3", TESTMN, "listen", "--iface", iface,
               "--state", state, "--bits", "1024", "--sec", "0", "--duration", str(duration),
               "--par", PAR]
        if ncoa:
            cmd += ["--ncoa", ncoa]
        if stop_after:
            cmd += ["--stop-after", str(stop_after)]
        self.p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        line = self.p.stdout.readline()
        if '"ready"' not in line:
            self.p.kill()
            raise RuntimeError(f"listener on {iface} did not start: {line} {self.p.stderr.read()[-800:]}")

    def result(self, timeout):
        try:
            out, err = self.p.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.p.kill()
            out, err = self.p.communicate()
        rep = last_json(out)
        if rep is None or "packets" not in rep:
            raise RuntimeError(f"listener: no report: {out[-500:]} {err[-800:]}")
        return rep


def cn_send(dst, tag, count, interval=0.02):
    r = sh("/usr/bin/python3", CN_SEND, "c0", CN_MAC, PAR_CN_MAC, CN, dst, tag, str(count), str(interval),
           ns=NS["cn"])
    return last_json(r.stdout)


def mn_reverse(pcoa, outer_src, tag, count):
    """The MN on the new link reverse-tunnels PCoA -> CN packets to the PAR (outer outer_src -> PAR)."""
    r = sh("/usr/bin/python3", CN_SEND, "mw", MN_MAC, NAR_MN_MAC, pcoa, CN, tag, str(count), "0.02",
           outer_src, PAR, ns=NS["mn"])
    return last_json(r.stdout)


def udp_with_tag(rep, tag):
    """Packets of a listener report whose UDP payload (outer or tunnelled) starts with tag."""
    out = []
    want = tag.encode().hex()
    for p in rep["packets"]:
        u = (p.get("inner") or {}).get("udp") or p.get("udp")
        if u and u["payload_hex"].startswith(want):
            out.append(p)
    return out


class Instance:
    def __init__(self, name, template, tmp, fields):
        self.name = name
        self.sock = os.path.join(tmp, f"{name}.sock")
        self.cfg = os.path.join(tmp, f"{name}.yaml")
        with open(os.path.join(FMIP_DATA, template)) as f:
            text = f.read().format(data=DATA, tmp=tmp, max_tunnel=MAX_TUNNEL, **fields)
        if BASE_ONLY:
            text = text[:text.index("\nfmip:")] + "\n"
        with open(self.cfg, "w") as f:
            f.write(text)
        self.proc = None
        self.fmip_failed = False
        self.out = self.err = ""
        self.rc = None

    def start(self):
        self.proc = Launched(MIPGATE, ["--config", self.cfg, "--file-prefix", unique_prefix(self.name),
                                       "--signer-threads", "0", "--control-socket", self.sock],
                             200, ns=NS[self.name])
        router, _ = self.proc.wait_router_line(40)
        return router

    def ctl(self, *args, json_out=True):
        cmd = [MIPGATECTL, "--socket", self.sock, "--timeout", "5000"] + (["--json"] if json_out else []) + list(args)
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=20)
        cli_outputs.append(p.stdout + p.stderr)
        if p.returncode != 0:
            raise RuntimeError(f"{self.name}: mipgatectl {' '.join(args)}: exit {p.returncode}: {p.stderr.strip()}")
        return json.loads(p.stdout) if json_out else p.stdout

    def counters(self):
        return {r["name"]: r["total"] for r in self.ctl("show", "counters", "all")["counters"]}

    def fmip(self):
        """SVC's control counters (`show fmip`), flattened to name -> value; {} (reported once)
        when the command fails."""
        try:
            v = self.ctl("show", "fmip")
        except RuntimeError as e:
            if not self.fmip_failed:
                self.fmip_failed = True
                check(False, str(e))
            return {}
        rows = v.get("counters") if isinstance(v, dict) else None
        if isinstance(rows, list):
            return {r["name"]: r.get("total", r.get("value")) for r in rows}
        return {k: x for k, x in v.items() if isinstance(x, int)}

    def bindings(self):
        v = self.ctl("show", "bindings")
        return v.get("bindings", []) if isinstance(v, dict) else v

    def keys(self):
        return self.ctl("show", "keys", "all").get("keys", [])

    def stop(self):
        if self.proc is not None and self.rc is None:
            self.rc, self.out, self.err = self.proc.stop(15)
        return self.rc


def delta(after, before, name):
    return after.get(name, 0) - before.get(name, 0)


FMIP_INFO = {"fbu_verified", "encapsulated", "decapsulated"}   # kind info in counters.def
FBU_DROPS = ("fbu_no_hao", "fbu_malformed", "fbu_bad_checksum", "fbu_bad_flags", "fbu_no_key",
             "fbu_bad_badf", "fbu_bad_mac")


# --- the scenario -----------------------------------------------------------------------------

def scenario(tmp, par, nar, st1, st2, st_cn, pcoa, mn2):
    # 1. baseline: plain forwarding CN -> PCoA on the old link
    lo = Listener(st1, "mo", 6, stop_after=5)
    cn_send(pcoa, "base", 5)
    rep = lo.result(10)
    got = udp_with_tag(rep, "base")
    check(len(got) == 5 and all(p["dst"] == pcoa and p["hlim"] == 63 and p.get("eth_src") == PAR_MN_MAC
                                for p in got),
          f"baseline: CN -> PCoA forwarded natively on the old link ({len(got)}/5)")

    # 2. provisioning (RFC 5269) of MN1 and MN2 at the PAR
    r1 = mn("provision", "--at", "1", "--trust-anchor", os.path.join(DATA, "ta.pem"), "--require-path",
            state=st1)
    check(r1.get("ok") is True, f"MN1 provisioned a key at the PAR ({r1.get('reason')})")
    if not r1.get("ok"):
        return
    time.sleep(GAP)
    r2 = mn("provision", "--at", "1", "--mac", MN2_MAC, state=st2)
    check(r2.get("ok") is True, f"MN2 provisioned a key at the PAR ({r2.get('reason')})")
    keys = {k["cga"] for k in par.keys()}
    check(pcoa in keys and (not r2.get("ok") or mn2 in keys), "show keys: both MNs' keys held")
    if BASE_ONLY:
        return

    # 3. forged FBUs
    forged = [("wrong key", ["--negative", "wrong_key"], "fbu_bad_mac"),
              ("NCoA changed after signing", ["--negative", "tamper_ncoa"], "fbu_bad_mac"),
              ("A/H flags cleared", ["--negative", "no_flags"], "fbu_bad_flags"),
              ("HAO with no key", ["--pcoa", NO_KEY_HAO], "fbu_no_key")]
    if r2.get("ok"):
        forged.append(("HAO of another MN (MN2), MN1's key", ["--pcoa", mn2], "fbu_bad_mac"))
    for what, args, counter in forged:
        before, fb_before = par.counters(), par.fmip()
        r = mn("fbu", "--par", PAR, "--ncoa", NCOA, "--seq", "1", "--lifetime", str(FBU_LIFETIME), *args,
               state=st1, timeout="1")
        time.sleep(0.3)
        after, fb_after = par.counters(), par.fmip()
        moved = {c: delta(after, before, c) for c in FBU_DROPS + ("fbu_verified",) if delta(after, before, c)}
        check(moved == {counter: 1}, f"forged FBU ({what}): PAR counters moved {moved}, want {{{counter!r}: 1}}")
        check(r.get("fback") is False and delta(fb_after, fb_before, "fback_sent") == 0,
              f"forged FBU ({what}): no FBack")
        check(par.bindings() == [], f"forged FBU ({what}): no binding")

    # 4. predictive handover: FBU from the old link
    before, fb_before = par.counters(), par.fmip()
    lw = Listener(st1, "mw", 15, ncoa=NCOA, stop_after=10)
    t_fbu = time.monotonic()
    f = mn("fbu", "--par", PAR, "--ncoa", NCOA, "--seq", "1", "--lifetime", str(FBU_LIFETIME), state=st1,
           timeout="3")
    # 5. data: CN -> PCoA, now tunnelled to the NCoA
    lo = Listener(st1, "mo", 4)
    cn_send(pcoa, "tun", 10)
    new_rep, old_rep = lw.result(15), lo.result(10)
    fbacks_new = [x for x in new_rep["fbacks"] if x.get("seq") == 1]
    print(f"     FBack on the old link: {json.dumps({k: f.get(k) for k in ('fback', 'status', 'lifetime', 'badf_ok', 'dst', 'reason')})}")
    print(f"     FBack(s) on the new link: {json.dumps(fbacks_new)}")
    on_old = f.get("fback") is True and f.get("status") == 0 and f.get("badf_ok") is True
    on_new = any(x["status"] == 0 and x["badf_ok"] and x["checksum_ok"] and x["dst"] == NCOA for x in fbacks_new)
    check(on_new, "FBack status 0 to the NCoA on the new link, MH checksum and BADF verified by the MN")
    check(on_old, "FBack status 0 to the PCoA on the old link, BADF verified by the MN (RFC 5268 6.3.2)")
    lifetimes = [x["lifetime"] for x in fbacks_new] + ([f["lifetime"]] if f.get("fback") else [])
    check(bool(lifetimes) and all(x == MAX_TUNNEL for x in lifetimes),
          f"FBack lifetime = max_tunnel_lifetime_s {MAX_TUNNEL} (FBU asked {FBU_LIFETIME}): {lifetimes}")
    after, fb_after = par.counters(), par.fmip()
    check(delta(after, before, "fbu_verified") == 1 and all(delta(after, before, c) == 0 for c in FBU_DROPS),
          "PAR worker: fbu_verified +1, no FBU drop")
    for c in ("fbu_accepted", "hi_sent", "hack_accepted", "bindings_installed"):
        check(delta(fb_after, fb_before, c) == 1, f"PAR show fmip: {c} +1 ({delta(fb_after, fb_before, c)})")
    nfm = nar.fmip()
    check(nfm.get("hi_received", 0) >= 1 and nfm.get("hack_sent", 0) >= 1 and nfm.get("proxy_installed", 0) >= 1,
          f"NAR show fmip: hi_received, hack_sent, proxy_installed ({nfm})")
    b = par.bindings()
    check(len(b) == 1 and b[0].get("pcoa") == pcoa and b[0].get("ncoa") == NCOA and b[0].get("tunnel_src") == PAR
          and b[0].get("seq") == 1 and 0 < b[0].get("remaining_s", 0) <= MAX_TUNNEL,
          f"PAR show bindings: PCoA -> NCoA, tunnel source {PAR}, seq 1, remaining <= {MAX_TUNNEL}: {b}")

    tun = udp_with_tag(new_rep, "tun")
    check(len(tun) == 10, f"all 10 CN -> PCoA packets arrived on the new link ({len(tun)})")
    good = [p for p in tun if p["nh"] == 41 and p["src"] == PAR and p["dst"] == NCOA and p["hlim"] == 63
            and p.get("eth_dst") == MN_MAC and p.get("eth_src") == NAR_MN_MAC and p.get("inner")
            and p["inner"]["src"] == CN and p["inner"]["dst"] == pcoa and p["inner"]["hlim"] == 63
            and p["inner"]["nh"] == 17 and p["inner"]["udp"]["checksum_ok"] and p["inner"]["udp"]["dport"] == 5001]
    check(len(good) == len(tun) and tun,
          "each: Ethernet NAR -> MN MAC, IPv6-in-IPv6 2001:db8:1::1 -> NCoA, outer Hop Limit 63 (64 at the PAR, "
          "-1 at the NAR), inner CN -> PCoA Hop Limit 63, UDP intact" + ("" if len(good) == len(tun) else
                                                                        f": first {json.dumps(tun[:1])}"))
    check(not udp_with_tag(old_rep, "tun"), "none of them on the old link")
    check(delta(after, before, "encapsulated") == 10 and b and b[0].get("encapsulated") == 10,
          f"PAR encapsulated +{delta(after, before, 'encapsulated')} (counter), "
          f"{b[0].get('encapsulated') if b else None} (binding): 10 each")
    ncount = nar.counters()
    check(ncount.get("decapsulated", 0) == 0, "NAR decapsulated nothing (outer destination is the NCoA)")

    # 5b. reverse tunnel (RFC 5268 §4): MN -> PAR from the NCoA carrying PCoA -> CN; the PAR
    # decapsulates only for the binding's NCoA (a forged outer source is refused)
    before = par.counters()
    lc = Listener(st_cn, "c0", 6, stop_after=6, ns="cn")   # 6: a forged packet that got through shows
    mn_reverse(pcoa, NCOA, "rev", 3)
    mn_reverse(pcoa, NCOA2, "fake", 3)
    cn_rep = lc.result(10)
    after = par.counters()
    rev = udp_with_tag(cn_rep, "rev")
    check(len(rev) == 3 and all(p["nh"] == 17 and p["src"] == pcoa and p["dst"] == CN and p["hlim"] == 63
                                and p["udp"]["checksum_ok"] for p in rev),
          f"reverse tunnel: 3 inner PCoA -> CN packets delivered to the CN, Hop Limit 63 ({len(rev)})")
    check(not udp_with_tag(cn_rep, "fake"), "reverse tunnel from another NCoA: nothing reaches the CN")
    check(delta(after, before, "decapsulated") == 3 and delta(after, before, "tunnel_refused") == 3,
          f"PAR decapsulated +{delta(after, before, 'decapsulated')}, tunnel_refused "
          f"+{delta(after, before, 'tunnel_refused')} (3 each)")
    rb = par.bindings()
    check(len(rb) == 1 and rb[0].get("reverse") == 3, f"binding counts 3 reverse-tunnelled packets ({rb})")

    # 6. replayed FBU (the same bytes: same Seq#, lifetime, NCoA)
    before, fb_before = par.counters(), par.fmip()
    r = mn("fbu", "--par", PAR, "--ncoa", NCOA, "--seq", "1", "--lifetime", str(FBU_LIFETIME), state=st1,
           timeout="1")
    time.sleep(0.3)
    after, fb_after = par.counters(), par.fmip()
    check(delta(fb_after, fb_before, "fbu_stale_seq") == 1 and delta(fb_after, fb_before, "fback_sent") == 0
          and r.get("fback") is False, f"replayed FBU: fbu_stale_seq +1, no FBack ({r.get('reason')})")
    b2 = par.bindings()
    check(len(b2) == 1 and b2[0].get("seq") == 1 and b2[0].get("remaining_s", 99) <= b[0].get("remaining_s", 0),
          "replayed FBU: binding unchanged")

    # 7. expiry
    time.sleep(max(0.0, t_fbu + MAX_TUNNEL + 2.5 - time.monotonic()))
    check(par.bindings() == [], "after the granted lifetime: no binding")
    check(pcoa not in {k["cga"] for k in par.keys()}, "after the granted lifetime: the PCoA's key is gone (RFC 5269 3.6)")
    fb = par.fmip()
    check(fb.get("bindings_expired", 0) >= 1 and fb.get("keys_discarded", 0) >= 1,
          f"show fmip: bindings_expired {fb.get('bindings_expired')}, keys_discarded {fb.get('keys_discarded')}")
    before = par.counters()
    lo, lw = Listener(st1, "mo", 4, stop_after=5), Listener(st1, "mw", 4)
    cn_send(pcoa, "late", 5)
    old_rep, new_rep = lo.result(10), lw.result(10)
    after = par.counters()
    check(delta(after, before, "encapsulated") == 0, "after expiry: packets to the PCoA are not tunnelled")
    check(len(udp_with_tag(old_rep, "late")) == 5 and not udp_with_tag(new_rep, "late"),
          "after expiry: CN -> PCoA delivered on the old link again, nothing on the new link")

    # 8. reactive handover: the MN is on the new link (FBU src = NCoA2, through the NAR)
    time.sleep(GAP)
    r1b = mn("provision", "--at", "1", state=st1)
    check(r1b.get("ok") is True and r1b.get("key_hex") != r1.get("key_hex"),
          "reactive: a NEW key provisioned (the old one was discarded)")
    if not r1b.get("ok"):
        return
    before = par.counters()
    f = mn("fbu", "--par", PAR, "--ncoa", NCOA2, "--src", NCOA2, "--seq", "2", "--lifetime", "10",
           "--router-mac", NAR_MN_MAC, state=st1, iface="mw", timeout="3")
    check(f.get("ok") is True and f.get("badf_ok") is True and f.get("dst") == NCOA2,
          f"reactive: FBack status 0 to the NCoA on the new link, BADF verified ({f.get('reason')})")
    b = par.bindings()
    check(len(b) == 1 and b[0].get("ncoa") == NCOA2 and b[0].get("pcoa") == pcoa,
          f"reactive: binding PCoA -> NCoA2 ({b})")
    lw = Listener(st1, "mw", 4, ncoa=NCOA2, stop_after=5)
    cn_send(pcoa, "rtun", 5)
    new_rep = lw.result(10)
    tun = [p for p in udp_with_tag(new_rep, "rtun") if p["nh"] == 41 and p["dst"] == NCOA2
           and p["inner"]["dst"] == pcoa]
    check(len(tun) == 5, f"reactive: CN -> PCoA tunnelled to NCoA2 on the new link ({len(tun)}/5)")
    after = par.counters()
    check(delta(after, before, "fbu_verified") == 1, "reactive: PAR fbu_verified +1")

    # 8b. the MN returns to the old link: FBU Lifetime 0 (CoA = PCoA) ends the tunnel, key discarded
    fb_before = par.fmip()
    f = mn("fbu", "--par", PAR, "--ncoa", pcoa, "--seq", "3", "--lifetime", "0", state=st1, timeout="3")
    fb_after = par.fmip()
    check(f.get("ok") is True and f.get("badf_ok") is True and f.get("lifetime") == 0,
          f"return: FBU Lifetime 0 answered by FBack status 0, lifetime 0, BADF verified ({f.get('reason')})")
    check(par.bindings() == [] and delta(fb_after, fb_before, "bindings_removed") == 1,
          "return: binding removed (bindings_removed +1)")
    check(pcoa not in {k["cga"] for k in par.keys()} and delta(fb_after, fb_before, "keys_discarded") == 1,
          "return: the PCoA's key discarded")


def body(tmp):
    build_topology()
    st1, st2 = os.path.join(tmp, "mn1.json"), os.path.join(tmp, "mn2.json")
    st_cn = os.path.join(tmp, "cn.json")   # the Python MN's listener doubles as the CN's receiver
    pcoa, mn2 = mn_ident(st1, MN_MAC), mn_ident(st2, MN2_MAC)
    mn_ident(st_cn, CN_MAC)
    print(f"MN1 PCoA {pcoa}, MN2 {mn2}", flush=True)
    par = Instance("par", "par.yaml.in", tmp, dict(lcores="0", if_cn="pc", if_mn="pm", if_nar="pn",
                                                    pcoa=pcoa, mn2=mn2))
    nar = Instance("nar", "nar.yaml.in", tmp, dict(lcores="1", if_par="np", if_mn="nm"))
    try:
        for inst in (par, nar):
            router = inst.start()
            print(f"{inst.name} up, router {router}", flush=True)
            try:
                inst.ctl("set", "log-level", "debug", json_out=False)
                print(f"{inst.name}: log level debug", flush=True)
            except RuntimeError as e:
                print(f"{inst.name}: no debug log level ({e})", flush=True)
        scenario(tmp, par, nar, st1, st2, st_cn, pcoa, mn2)
    finally:
        for inst in (par, nar):
            inst.stop()
    for inst in (par, nar):
        check(inst.rc == 0, f"{inst.name} stopped cleanly (exit {inst.rc})" +
              ("" if inst.rc == 0 else ":\n" + inst.err[-1500:]))
        check(not sanitizer_reports(inst.err), f"{inst.name}: no sanitizer report")
        counters, _ = parse_summary(inst.out)
        if counters:
            # FMIP's info counters (counters.def) are not drop reasons either
            drops = drop_total({k: v for k, v in counters.items() if k not in FMIP_INFO})
            check(counters.get("rx") == counters.get("forwarded", 0) + counters.get("to_control", 0) + drops,
                  f"{inst.name} summary: rx {counters.get('rx')} == forwarded + to_control + drops")
        else:
            check(False, f"{inst.name}: no summary")
    texts = [("par stdout", par.out), ("par stderr", par.err), ("nar stdout", nar.out),
             ("nar stderr", nar.err)] + [("CLI output", t) for t in cli_outputs]
    leaks = [w for w, t in texts for k in key_hexes if k and k.lower() in t.lower()]
    check(bool(key_hexes) and not leaks, f"no handover key hex ({len(key_hexes)} keys) in mipgate's output "
                                         f"({sum(len(t) for w, t in texts[:4])} bytes, debug log level) or "
                                         f"{len(cli_outputs)} CLI answers" + (f": found in {leaks}" if leaks else ""))


def main():
    skip = skip_without_root()
    if skip:
        return skip
    if subprocess.run(["ip", "netns", "add", NS["par"]], capture_output=True).returncode != 0:
        print("skipped: cannot create network namespaces")
        return 77
    subprocess.run(["ip", "netns", "del", NS["par"]], capture_output=True)
    tmp = tempfile.mkdtemp(prefix="mipgate-fmip-")
    try:
        body(tmp)
    except Exception as e:  # noqa: BLE001 - any set-up failure is a test failure with its reason
        check(False, f"{type(e).__name__}: {e}")
    finally:
        delete_topology()
        cleanup_prefixes()
        if not results.failures:
            shutil.rmtree(tmp, ignore_errors=True)
        else:
            print(f"files kept in {tmp}")
    return results.finish()


if __name__ == "__main__":
    sys.exit(main())
