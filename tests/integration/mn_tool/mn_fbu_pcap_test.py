#!/usr/bin/python3
"""mipgate-mn fbu-pcap, judged independently: every FBU is walked, its MH checksum (over the HAO)
and BADF authenticator are recomputed by the independent Python MN library (no project code)
with the key the key file names for the HAO address; the key file is mode 0600; the data pcap
carries UDP to exactly those PCoAs with correct checksums (scapy). The invalid variants must fail
where they should: bad-mac → every authenticator wrong; no-key → no FBU's PCoA in the key file.

usage: mn_fbu_pcap_test.py MIPGATE_MN TESTMN_DIR
"""
import ipaddress
import os
import stat
import struct
import subprocess
import sys
import tempfile

MN, TESTMN_DIR = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
sys.path.insert(0, TESTMN_DIR)
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from mipgate_run import Results  # noqa: E402
from mipgate_testmn import fmip, wire  # noqa: E402

results = Results()
check = results.check

PAR = "2001:db8:1::1"


def read_pcap(path):
    with open(path, "rb") as f:
        data = f.read()
    check(struct.unpack("<I", data[:4])[0] == 0xA1B2C3D4, f"{os.path.basename(path)}: pcap magic")
    off, frames = 24, []
    while off + 16 <= len(data):
        _, _, incl, _ = struct.unpack("<IIII", data[off:off + 16])
        frames.append(data[off + 16:off + 16 + incl])
        off += 16 + incl
    return frames


def read_keys(path):
    keys = {}
    with open(path) as f:
        for line in f:
            line = line.split("#", 1)[0].split()
            if line:
                keys[ipaddress.IPv6Address(line[0]).packed] = (int(line[1]), bytes.fromhex(line[2]))
    return keys


def make(tmp, tag, *extra):
    out, keys, data = (os.path.join(tmp, f"{tag}.{x}") for x in ("pcap", "keys", "data.pcap"))
    r = subprocess.run([MN, "fbu-pcap", "--out", out, "--keys", keys, "--count", "12", "--mns", "4",
                        "--par", PAR, "--router-mac", "02:00:00:00:01:01", "--prefix", "2001:db8:1::/64",
                        "--ncoa-prefix", "2001:db8:2::/64", "--data", data, "--cn", "2001:db8:9::9", *extra],
                       capture_output=True, text=True, timeout=60)
    check(r.returncode == 0, f"{tag}: mipgate-mn fbu-pcap exit 0 ({r.stderr.strip()})")
    return out, keys, data


def judge(frames, keys):
    """(authenticated, with a key, checksum ok, PCoAs) over the FBUs of a capture."""
    good = keyed = ck = shape = 0
    pcoas = set()
    for fr in frames:
        pkt = wire.Ipv6Packet.parse(fr[14:])
        msg = fmip.parse_mh_packet(pkt)
        # EtherType IPv6, MH type 8, A and H set, HAO = source = PCoA (sent from the PAR link)
        shape += (struct.unpack("!H", fr[12:14])[0] == 0x86DD and msg.mh_type == 8 and
                  msg.fields["flags"] & 0xC0 == 0xC0 and msg.home_address == pkt.src)
        ck += msg.checksum_ok
        pcoas.add(msg.home_address)
        if msg.home_address in keys:
            keyed += 1
            at, key = keys[msg.home_address]
            ncoa = fmip.alt_coa_of(msg)
            ok, _ = fmip.verify_badf(msg, key, at, ncoa, ipaddress.IPv6Address(PAR).packed)
            good += ok
    check(shape == len(frames), f"{shape}/{len(frames)} frames are IPv6 FBUs with A, H and HAO = source")
    return good, keyed, ck, pcoas


def main():
    with tempfile.TemporaryDirectory() as tmp:
        for at in (0, 1):
            out, keys_path, data = make(tmp, f"valid{at}", "--at", str(at))
            check(stat.S_IMODE(os.stat(keys_path).st_mode) == 0o600, f"AT {at}: key file mode 0600")
            keys = read_keys(keys_path)
            check(len(keys) == 4 and all(a == at for a, _ in keys.values()), f"AT {at}: 4 keys of AT {at}")
            check(all(len(k) == (20 if at == 0 else 32) for _, k in keys.values()), f"AT {at}: key lengths")
            frames = read_pcap(out)
            good, keyed, ck, pcoas = judge(frames, keys)
            check(len(frames) == 12 and good == 12 and ck == 12, f"AT {at}: 12/12 FBUs authenticate ({good}, checksums {ck})")
            check(pcoas == set(keys), f"AT {at}: the FBUs' PCoAs are the key file's CGAs")
            dframes = read_pcap(data)
            from scapy.layers.inet6 import IPv6, UDP  # noqa: E402
            from scapy.layers.l2 import Ether  # noqa: E402
            ok = 0
            for fr in dframes:
                p = Ether(fr)
                want = p[UDP].chksum
                del p[UDP].chksum
                ok += (ipaddress.IPv6Address(p[IPv6].dst).packed in keys and
                       Ether(bytes(p))[UDP].chksum == want)
            check(ok == 12, f"AT {at}: 12 data packets to the PCoAs with good UDP checksums ({ok})")
        out, keys_path, _ = make(tmp, "badmac", "--invalid", "bad-mac")
        good, keyed, ck, _ = judge(read_pcap(out), read_keys(keys_path))
        check(keyed == 12 and good == 0 and ck == 12, f"bad-mac: keyed {keyed}, none authenticates ({good})")
        out, keys_path, _ = make(tmp, "nokey", "--invalid", "no-key")
        good, keyed, ck, _ = judge(read_pcap(out), read_keys(keys_path))
        check(keyed == 0 and ck == 12, f"no-key: no FBU's PCoA has a key ({keyed})")
    return results.finish()


if __name__ == "__main__":
    sys.exit(main())
