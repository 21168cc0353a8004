#!/usr/bin/python3
"""Golden-packet test of the real mipgate binary on net_pcap ports.

Builds in0.pcap (access link) and in1.pcap (core link) with scapy, runs mipgate with a config
written here (two vdev ports net_pcapN,rx_pcap=inN.pcap,tx_pcap=outN.pcap), then checks with
scapy that out*.pcap hold exactly the forwardable packets on the right port, with Hop Limit
decremented, Ethernet src = egress port MAC, dst = the neighbor's MAC and the payload intact, and
that the printed summary's counters match the input mix exactly. Runs twice: one worker lcore,
and the single-lcore mode (lcores "0").

usage: forwarding_test.py MIPGATE_BINARY"""
import os
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from mipgate_run import INFO_COUNTERS, check, main, parse_summary, run, unique_prefix, workdir  # noqa: E402

from scapy.all import ARP, Ether, ICMPv6EchoRequest, IPv6, Raw, UDP, rdpcap, wrpcap  # noqa: E402

ACCESS_MAC = "02:00:00:00:00:01"
CORE_MAC = "02:00:00:00:00:02"
NEXTHOP_MAC = "02:00:00:00:ff:02"   # 2001:db8:ff::2 on core
MN_MAC = "02:00:00:00:01:00"        # 2001:db8:1::100 on access
PEER_MAC = "02:00:00:00:99:99"      # whoever sends into mipgate

CONFIG = """\
system:
  lcores: "{lcores}"
  workers: 1
  memory_mb: 256
  hugepages: false
  mbufs: 8191
ports:
  - name: access
    kind: vdev
    devargs: "net_pcap0,rx_pcap={d}/in0.pcap,tx_pcap={d}/out0.pcap"
    mac: "{access}"
    addresses: ["2001:db8:1::1/64", "fe80::1/64"]
  - name: core
    kind: vdev
    devargs: "net_pcap1,rx_pcap={d}/in1.pcap,tx_pcap={d}/out1.pcap"
    mac: "{core}"
    addresses: ["2001:db8:ff::1/64"]
routes:
  - prefix: "2001:db8:2::/48"
    via: "2001:db8:ff::2"
    port: core
neighbors:
  - address: "2001:db8:ff::2"
    mac: "{nexthop}"
    port: core
  - address: "2001:db8:1::100"
    mac: "{mn}"
    port: access
"""


def tag(kind, i):
    return ("mg-%s-%04d-" % (kind, i)).encode() + bytes(range(48))


def build_inputs(d):
    """Returns the expected outputs {port: {payload: (hlim_in, src, dst)}} and drop counts."""
    in0, in1 = [], []
    expect = {"out0": {}, "out1": {}}
    drops = {}

    def count(name, n=1):
        drops[name] = drops.get(name, 0) + n

    # access → core, via the next hop (two destinations, various hop limits).
    for i in range(20):
        dst = "2001:db8:2::10" if i % 2 else "2001:db8:2:5::20"
        hl = [64, 2, 255, 17][i % 4]
        p = tag("fwd", i)
        in0.append(Ether(src=MN_MAC, dst=ACCESS_MAC) / IPv6(src="2001:db8:1::100", dst=dst, hlim=hl) /
                   UDP(sport=5000 + i, dport=9) / Raw(p))
        expect["out1"][p] = (hl, "2001:db8:1::100", dst)
    # core → access, on-link neighbor (the destination itself).
    for i in range(10):
        p = tag("back", i)
        in1.append(Ether(src=NEXTHOP_MAC, dst=CORE_MAC) / IPv6(src="2001:db8:2::10", dst="2001:db8:1::100", hlim=30) /
                   UDP(sport=9, dport=6000 + i) / Raw(p))
        expect["out0"][p] = (30, "2001:db8:2::10", "2001:db8:1::100")
    # Hop limit 1 and 0: not forwarded.
    for i in range(5):
        in0.append(Ether(src=MN_MAC, dst=ACCESS_MAC) / IPv6(src="2001:db8:1::100", dst="2001:db8:2::10", hlim=i % 2) /
                   UDP() / Raw(tag("hl", i)))
    count("hop_limit_exceeded", 5)
    # No route.
    for i in range(4):
        in0.append(Ether(src=MN_MAC, dst=ACCESS_MAC) / IPv6(src="2001:db8:1::100", dst="2001:db8:3::1") /
                   UDP() / Raw(tag("noroute", i)))
    count("no_route", 4)
    # Connected prefix but no neighbor entry.
    for i in range(3):
        in1.append(Ether(src=NEXTHOP_MAC, dst=CORE_MAC) / IPv6(src="2001:db8:2::10", dst="2001:db8:1::200") /
                   UDP() / Raw(tag("nonbr", i)))
    count("no_neighbor", 3)
    # Not IPv6.
    for i in range(6):
        in0.append(Ether(src=MN_MAC, dst="ff:ff:ff:ff:ff:ff") / ARP(psrc="192.0.2.1", pdst="192.0.2.%d" % (i + 2)))
    count("not_ipv6", 6)
    # Malformed: Payload Length beyond the frame, version 4 in an IPv6 frame, truncated header.
    for i in range(2):
        in0.append(Ether(src=MN_MAC, dst=ACCESS_MAC) / IPv6(src="2001:db8:1::100", dst="2001:db8:2::10", plen=900) /
                   UDP() / Raw(tag("badlen", i)))
    count("ipv6_bad_payload_length", 2)
    v4 = bytearray(bytes(IPv6(src="2001:db8:1::100", dst="2001:db8:2::10") / UDP() / Raw(tag("v4", 0))))
    v4[0] = 0x40
    in0.append(Ether(src=MN_MAC, dst=ACCESS_MAC, type=0x86DD) / Raw(bytes(v4)))
    count("ipv6_bad_version")
    in0.append(Ether(src=MN_MAC, dst=ACCESS_MAC, type=0x86DD) / Raw(b"\x60" + b"\x00" * 20))
    count("ipv6_truncated")
    # For mipgate itself: ICMPv6 (ND etc. come in later issues), to a unicast address and all-nodes.
    in0.append(Ether(src=MN_MAC, dst=ACCESS_MAC) / IPv6(src="2001:db8:1::100", dst="2001:db8:1::1") /
               ICMPv6EchoRequest(data=tag("echo", 0)))
    in0.append(Ether(src=MN_MAC, dst="33:33:00:00:00:01") / IPv6(src="fe80::100", dst="ff02::1") /
               ICMPv6EchoRequest(data=tag("echo", 1)))
    count("icmpv6_local_unhandled", 2)
    # Unicast frame for another host's MAC.
    in0.append(Ether(src=MN_MAC, dst="02:00:00:00:77:77") / IPv6(src="2001:db8:1::100", dst="2001:db8:2::10") /
               UDP() / Raw(tag("otherhost", 0)))
    count("l2_other_host")
    # Multicast nobody listens to, and a link-local destination that is not ours.
    in0.append(Ether(src=MN_MAC, dst="33:33:00:00:01:03") / IPv6(src="2001:db8:1::100", dst="ff05::1:3") /
               UDP() / Raw(tag("mcast", 0)))
    count("multicast_unhandled")
    in0.append(Ether(src=MN_MAC, dst=ACCESS_MAC) / IPv6(src="2001:db8:1::100", dst="fe80::99") /
               UDP() / Raw(tag("lldst", 0)))
    count("transit_link_local_dst")

    wrpcap(os.path.join(d, "in0.pcap"), in0)
    wrpcap(os.path.join(d, "in1.pcap"), in1)
    return expect, drops, len(in0), len(in1)


def tshark_count(path, display_filter):
    """Frames of `path` matching a display filter, per tshark (an independent dissector)."""
    p = subprocess.run(["tshark", "-r", path, "-Y", display_filter], stdout=subprocess.PIPE,
                       stderr=subprocess.DEVNULL, text=True)
    return len([line for line in p.stdout.splitlines() if line.strip()])


def check_output(d, name, expected, egress_mac, dst_mac):
    path = os.path.join(d, name + ".pcap")
    check(os.path.exists(path), "%s was not written (ports not closed?)" % path)
    if shutil.which("tshark"):
        check(tshark_count(path, "_ws.malformed") == 0, "%s: tshark finds malformed frames" % name)
        check(tshark_count(path, "_ws.expert.severity >= 0x00800000") == 0, "%s: tshark reports errors" % name)
        check(tshark_count(path, "udp && ipv6") == len(expected), "%s: tshark count differs" % name)
    got = rdpcap(path)
    check(len(got) == len(expected), "%s: %d packets, expected %d" % (name, len(got), len(expected)))
    seen = set()
    for pkt in got:
        check(pkt.haslayer(IPv6) and pkt.haslayer(Raw), "%s: unexpected packet %s" % (name, pkt.summary()))
        payload = bytes(pkt[Raw].load)
        check(payload in expected, "%s: unexpected payload %r" % (name, payload[:16]))
        check(payload not in seen, "%s: duplicate %r" % (name, payload[:16]))
        seen.add(payload)
        hl, src, dst = expected[payload]
        check(pkt[Ether].src == egress_mac, "%s: Ethernet src %s, expected %s" % (name, pkt[Ether].src, egress_mac))
        check(pkt[Ether].dst == dst_mac, "%s: Ethernet dst %s, expected %s" % (name, pkt[Ether].dst, dst_mac))
        check(pkt[IPv6].hlim == hl - 1, "%s: hop limit %d, expected %d" % (name, pkt[IPv6].hlim, hl - 1))
        check(pkt[IPv6].src == src and pkt[IPv6].dst == dst, "%s: addresses changed" % name)
        # UDP checksum still valid (scapy recomputes when the field is deleted).
        udp = pkt[UDP]
        orig = udp.chksum
        del udp.chksum
        check(IPv6(bytes(pkt[IPv6]))[UDP].chksum == orig, "%s: UDP checksum broken" % name)


def one_run(binary, lcores):
    d = workdir("fwd")
    expect, drops, n0, n1 = build_inputs(d)
    cfg = os.path.join(d, "mipgate.yaml")
    with open(cfg, "w") as f:
        f.write(CONFIG.format(lcores=lcores, d=d, access=ACCESS_MAC, core=CORE_MAC, nexthop=NEXTHOP_MAC, mn=MN_MAC))
    rc, out, err = run(binary, ["--config", cfg, "--duration", "2",
                                "--file-prefix", unique_prefix("fwd" + lcores.replace("-", "_"))], cwd=d)
    if lcores == "0" and rc == 2 and "workers need" in err:
        # Single-lcore mode needs lib/config to accept lcores "0" with workers: 1.
        print("skip: lcores %s: the configuration refuses single-lcore mode: %s" % (lcores, err.strip()))
        return
    if rc != 0:
        sys.stderr.write(out + err)
    check(rc == 0, "mipgate exited %d (lcores %s)" % (rc, lcores))
    counters, ports = parse_summary(out)
    check(counters, "no counters in the summary:\n" + out)
    total = n0 + n1
    fwd = len(expect["out0"]) + len(expect["out1"])
    check(counters["rx"] == total, "rx %d, expected %d" % (counters["rx"], total))
    check(counters["forwarded"] == fwd, "forwarded %d, expected %d" % (counters["forwarded"], fwd))
    check(counters["tx"] == fwd, "tx %d, expected %d" % (counters["tx"], fwd))
    for name, value in counters.items():
        if name in INFO_COUNTERS:
            continue
        want = drops.get(name, 0)
        check(value == want, "counter %s = %d, expected %d" % (name, value, want))
    for name in drops:
        check(name in counters, "counter %s missing from the summary" % name)
    check(ports["access"]["rx"] == str(n0) and ports["core"]["rx"] == str(n1),
          "port rx stats %s" % ports)
    check(ports["access"]["tx"] == str(len(expect["out0"])) and ports["core"]["tx"] == str(len(expect["out1"])),
          "port tx stats %s" % ports)
    check_output(d, "out1", expect["out1"], CORE_MAC, NEXTHOP_MAC)
    check_output(d, "out0", expect["out0"], ACCESS_MAC, MN_MAC)
    print("ok: lcores %s: %d in, %d forwarded, drops %s" % (lcores, total, fwd, drops))


def test():
    binary = os.path.abspath(sys.argv[1])
    one_run(binary, "0-1")
    one_run(binary, "0")


if __name__ == "__main__":
    main(test)
