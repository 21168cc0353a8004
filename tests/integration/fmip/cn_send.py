#!/usr/bin/python3
"""The correspondent node of fmip_e2e_test.py: sends COUNT UDP packets (scapy, raw Ethernet) from
SRC to DST through the router at ROUTER_MAC, one every INTERVAL seconds, Hop Limit 64, payload
"<TAG>-<i>". Runs inside the CN's network namespace. Prints one JSON line {"sent": COUNT}.
With OUTER_SRC OUTER_DST (the MN's reverse tunnel, RFC 5268 §4): each packet is carried in an
IPv6-in-IPv6 packet (RFC 2473, next header 41, Hop Limit 64) from OUTER_SRC to OUTER_DST.

usage: cn_send.py IFACE SRC_MAC ROUTER_MAC SRC DST TAG COUNT INTERVAL [OUTER_SRC OUTER_DST]
"""
import json
import sys
import time

from scapy.layers.inet import UDP
from scapy.layers.inet6 import IPv6
from scapy.layers.l2 import Ether
from scapy.sendrecv import sendp


def main():
    iface, src_mac, router_mac, src, dst, tag, count, interval = sys.argv[1:9]
    outer = sys.argv[9:11]
    frames = []
    for i in range(int(count)):
        inner = IPv6(src=src, dst=dst, hlim=64) / UDP(sport=40000 + i, dport=5001) / f"{tag}-{i}".encode()
        if outer:
            inner = IPv6(src=outer[0], dst=outer[1], hlim=64, nh=41) / inner
        frames.append(Ether(src=src_mac, dst=router_mac) / inner)
    for f in frames:
        sendp(f, iface=iface, verbose=False)
        time.sleep(float(interval))
    print(json.dumps({"sent": len(frames)}), flush=True)


if __name__ == "__main__":
    main()
