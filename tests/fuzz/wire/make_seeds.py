#!/usr/bin/python3
"""Regenerates the wire fuzz seeds from `wire_vectors emit` (tests/interop/wire):
whole packets for wire_ipv6, ICMPv6 messages for wire_icmpv6, ND options areas for
wire_nd_options and Mobility Headers for wire_mh. Usage: make_seeds.py <wire_vectors>."""
import os
import struct
import subprocess
import sys

ND_OPT_START = {133: 8, 134: 16, 135: 24, 136: 24, 154: 8, 148: 8, 149: 12, 147: 8}


def walk(raw):
    nh, off, end = raw[6], 40, 40 + struct.unpack("!H", raw[4:6])[0]
    while nh in (0, 43, 60):
        nh, off = raw[off], off + (raw[off + 1] + 1) * 8
    return nh, raw[off:end]


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    corpus = os.path.join(here, "..", "corpus")
    out = subprocess.run([sys.argv[1], "emit"], capture_output=True, text=True, check=True).stdout
    for line in out.splitlines():
        name, h = line.split()
        raw = bytes.fromhex(h)
        seeds = {"wire_ipv6": raw}
        nh, upper = walk(raw)
        if nh == 58:
            seeds["wire_icmpv6"] = upper
            if upper[0] in ND_OPT_START and len(upper) > ND_OPT_START[upper[0]]:
                seeds["wire_nd_options"] = upper[ND_OPT_START[upper[0]]:]
        elif nh == 135:
            seeds["wire_mh"] = upper
        for target, data in seeds.items():
            d = os.path.join(corpus, target)
            os.makedirs(d, exist_ok=True)
            with open(os.path.join(d, "seed_" + name), "wb") as f:
                f.write(data)


if __name__ == "__main__":
    main()
