"""Packet transports for the test MN.

L2Transport: Ethernet on a Linux interface through scapy's PF_PACKET socket (conf.L2socket);
the MN builds whole IPv6 packets itself, this only adds/strips the Ethernet header.
PcapTransport: writes what would be sent to a pcap file (benchmarks, tshark checks).
"""
from __future__ import annotations

import select
import struct
import time

from .wire import Ipv6Packet, WireError, b2a, mac2b, multicast_mac

ETH_P_IPV6 = 0x86DD


def eth_frame(dst_mac: bytes, src_mac: bytes, ipv6: bytes) -> bytes:
    return dst_mac + src_mac + struct.pack("!H", ETH_P_IPV6) + ipv6


class L2Transport:
    def __init__(self, iface: str, own_mac: bytes, router_mac: bytes | None = None,
                 log=None):
        import scapy.layers.l2  # noqa: F401 - registers Ethernet so L2Socket knows the link type
        from scapy.arch.linux import L2Socket   # what conf.L2socket is on Linux
        self.iface = iface
        self.own_mac = own_mac
        self.router_mac = router_mac
        self.log = log or (lambda *_: None)
        self.neigh: dict[bytes, bytes] = {}     # IPv6 address -> MAC learned from received frames
        self.last_eth: tuple[bytes, bytes] | None = None   # (dst, src) MAC of the last frame
        # promisc: the MN's CGA is not configured on the kernel interface, and frames for it
        # carry the MN's (possibly made-up) MAC.
        self.sock = L2Socket(iface=iface, promisc=True)

    def close(self):
        self.sock.close()

    def _dst_mac(self, dst: bytes) -> bytes:
        if dst[0] == 0xFF:
            return multicast_mac(dst)
        if dst in self.neigh:
            return self.neigh[dst]
        if self.router_mac is not None:
            return self.router_mac
        raise RuntimeError(f"no MAC known for {b2a(dst)}: pass --router-mac")

    def send(self, ipv6: bytes) -> None:
        pkt = Ipv6Packet.parse(ipv6)
        frame = eth_frame(self._dst_mac(pkt.dst), self.own_mac, ipv6)
        self.sock.outs.send(frame)

    def recv(self, timeout: float) -> bytes | None:
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            r, _, _ = select.select([self.sock.ins], [], [], left)
            if not r:
                return None
            _, frame, _ = self.sock.recv_raw()
            if not frame or len(frame) < 14 + 40:
                continue
            if struct.unpack("!H", frame[12:14])[0] != ETH_P_IPV6:
                continue
            dst_mac, src_mac = frame[0:6], frame[6:12]
            # only frames for us: our MAC, multicast (33:33…) or broadcast
            if dst_mac != self.own_mac and not (dst_mac[0] & 1):
                continue
            if src_mac == self.own_mac:
                continue
            ip = frame[14:]
            try:
                pkt = Ipv6Packet.parse(ip)
            except WireError:
                continue
            self.neigh[pkt.src] = src_mac          # replies go back to the sender's MAC
            self.last_eth = (dst_mac, src_mac)     # for reports (MN listen)
            if self.router_mac is None and pkt.nh == 58 and len(pkt.payload) > 4 and (
                    pkt.payload[0] in (134, 149) or pkt.payload[0] == 154 and pkt.payload[4] == 3):
                self.router_mac = src_mac          # learned from an RA / CPA / PrRtAdv
            return ip[:40 + len(pkt.payload)]   # strip Ethernet padding


class PcapTransport:
    """Writes every sent packet as an Ethernet frame; never receives anything."""

    def __init__(self, path: str, own_mac: bytes, router_mac: bytes | None):
        from scapy.utils import RawPcapWriter
        self.own_mac = own_mac
        self.router_mac = router_mac or mac2b("02:00:00:00:00:fe")
        self.writer = RawPcapWriter(path, linktype=1, sync=True)
        self.count = 0

    def send(self, ipv6: bytes) -> None:
        pkt = Ipv6Packet.parse(ipv6)
        dst = multicast_mac(pkt.dst) if pkt.dst[0] == 0xFF else self.router_mac
        self.writer.write(eth_frame(dst, self.own_mac, ipv6))
        self.count += 1

    def recv(self, timeout: float) -> bytes | None:
        return None

    def close(self):
        self.writer.close()


class LoopbackTransport:
    """In-process transport: `peer(ipv6) -> list[ipv6]` answers synchronously (self-tests)."""

    def __init__(self, peer):
        self.peer = peer
        self.queue: list[bytes] = []
        self.sent: list[bytes] = []

    def send(self, ipv6: bytes) -> None:
        self.sent.append(ipv6)
        self.queue.extend(self.peer(ipv6))

    def recv(self, timeout: float) -> bytes | None:
        if self.queue:
            return self.queue.pop(0)
        time.sleep(min(timeout, 0.01))
        return None

    def close(self):
        pass
