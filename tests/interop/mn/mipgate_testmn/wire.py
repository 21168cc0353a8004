"""Byte-level helpers shared by the test MN: IPv6 header, checksums, ND option TLVs.

Everything here is written from the RFC texts (RFC 8200 IPv6 header, RFC 4443 §2.3 checksum,
RFC 4861 §4.6 option format), independently of mipgate's C++ code.
"""
from __future__ import annotations

import ipaddress
import struct
from dataclasses import dataclass

NH_HOPOPT = 0
NH_ROUTING = 43
NH_ICMPV6 = 58
NH_NONE = 59
NH_DSTOPTS = 60
NH_MH = 135

ALL_NODES = "ff02::1"
ALL_ROUTERS = "ff02::2"


class WireError(ValueError):
    """A received packet could not be parsed."""


def a2b(addr: str | bytes) -> bytes:
    """IPv6 address (text or 16 bytes) -> 16 bytes."""
    if isinstance(addr, (bytes, bytearray)):
        if len(addr) != 16:
            raise ValueError("IPv6 address must be 16 bytes")
        return bytes(addr)
    return ipaddress.IPv6Address(addr).packed


def b2a(addr: bytes) -> str:
    """16 bytes -> compressed IPv6 text."""
    return str(ipaddress.IPv6Address(bytes(addr)))


def mac2b(mac: str | bytes) -> bytes:
    if isinstance(mac, (bytes, bytearray)):
        return bytes(mac)
    return bytes(int(x, 16) for x in mac.split(":"))


def b2mac(b: bytes) -> str:
    return ":".join(f"{x:02x}" for x in b)


def inet_checksum(data: bytes) -> int:
    """16-bit one's complement of the one's complement sum (RFC 1071)."""
    if len(data) % 2:
        data += b"\x00"
    s = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return (~s) & 0xFFFF


def upper_layer_checksum(src: bytes, dst: bytes, nh: int, payload: bytes) -> int:
    """Checksum with the IPv6 pseudo-header (RFC 8200 §8.1): src, dst, 32-bit length, 3 zero, NH.

    `payload` must already hold 0 in its checksum field."""
    pseudo = a2b(src) + a2b(dst) + struct.pack("!I", len(payload)) + b"\x00\x00\x00" + bytes([nh])
    return inet_checksum(pseudo + payload)


def set_icmp_checksum(src: bytes, dst: bytes, icmp: bytes) -> bytes:
    """Return `icmp` with its checksum (bytes 2-3, RFC 4443 §2.3) computed over its whole length."""
    zeroed = icmp[:2] + b"\x00\x00" + icmp[4:]
    c = upper_layer_checksum(src, dst, NH_ICMPV6, zeroed)
    return icmp[:2] + struct.pack("!H", c) + icmp[4:]


def icmp_checksum_ok(src: bytes, dst: bytes, icmp: bytes) -> bool:
    if len(icmp) < 4:
        return False
    want = struct.unpack("!H", icmp[2:4])[0]
    return set_icmp_checksum(src, dst, icmp)[2:4] == struct.pack("!H", want)


def ipv6_header(src: bytes, dst: bytes, nh: int, plen: int, hlim: int = 255) -> bytes:
    """Fixed 40-byte IPv6 header (RFC 8200 §3), traffic class and flow label 0."""
    return struct.pack("!IHBB", 6 << 28, plen, nh, hlim) + a2b(src) + a2b(dst)


@dataclass
class Ipv6Packet:
    """A parsed IPv6 packet: fixed header fields plus the raw payload after the fixed header."""
    src: bytes
    dst: bytes
    nh: int
    hlim: int
    payload: bytes

    @staticmethod
    def parse(data: bytes) -> "Ipv6Packet":
        if len(data) < 40 or data[0] >> 4 != 6:
            raise WireError("not IPv6")
        plen, nh, hlim = struct.unpack("!HBB", data[4:8])
        if 40 + plen > len(data):
            raise WireError("IPv6 payload truncated")
        return Ipv6Packet(data[8:24], data[24:40], nh, hlim, data[40:40 + plen])

    def build(self) -> bytes:
        return ipv6_header(self.src, self.dst, self.nh, len(self.payload), self.hlim) + self.payload


def multicast_mac(dst: bytes) -> bytes:
    """Ethernet address for an IPv6 multicast destination (RFC 2464 §7): 33:33 + last 4 bytes."""
    return b"\x33\x33" + a2b(dst)[12:]


def solicited_node(addr: bytes) -> bytes:
    """ff02::1:ffXX:XXXX (RFC 4291 §2.7.1)."""
    return a2b("ff02::1:ff00:0")[:13] + a2b(addr)[13:]


# --- ND options (RFC 4861 §4.6): Type, Length in 8-octet units, value ---------------------------

def nd_option(otype: int, body: bytes) -> bytes:
    """Type|Length|body, zero-padded to a multiple of 8 (body excludes Type and Length)."""
    total = 2 + len(body)
    pad = (-total) % 8
    total += pad
    if total // 8 > 255:
        raise ValueError("ND option too long")
    return bytes([otype, total // 8]) + body + b"\x00" * pad


@dataclass
class NdOption:
    type: int
    offset: int      # offset of the option inside the ICMPv6 message
    data: bytes      # whole option including Type and Length


def parse_nd_options(msg: bytes, start: int) -> list[NdOption]:
    """Split the options area of an ICMPv6 ND-style message.

    RFC 4861 §4.6: a Length of 0 is invalid and the packet MUST be discarded; so is an option
    running past the end of the message."""
    opts = []
    off = start
    while off < len(msg):
        if off + 2 > len(msg):
            raise WireError("truncated option header")
        ln = msg[off + 1] * 8
        if ln == 0:
            raise WireError(f"option type {msg[off]} with Length 0")
        if off + ln > len(msg):
            raise WireError(f"option type {msg[off]} runs past the message")
        opts.append(NdOption(msg[off], off, msg[off:off + ln]))
        off += ln
    return opts


# --- IPv6 extension headers (RFC 8200 §4) -----------------------------------------------------

@dataclass
class UpperLayer:
    """Result of walking the extension header chain."""
    nh: int
    offset: int               # offset of the upper-layer header within the IPv6 payload
    home_address: bytes | None  # from a Home Address destination option (RFC 6275 §6.3)
    rh2_address: bytes | None   # from a type 2 Routing Header (RFC 6275 §6.4)


def walk_ext_headers(pkt: Ipv6Packet) -> UpperLayer:
    nh = pkt.nh
    off = 0
    hoa = rh2 = None
    p = pkt.payload
    while nh in (NH_HOPOPT, NH_ROUTING, NH_DSTOPTS):
        if off + 2 > len(p):
            raise WireError("truncated extension header")
        hlen = (p[off + 1] + 1) * 8
        if off + hlen > len(p):
            raise WireError("extension header runs past payload")
        hdr = p[off:off + hlen]
        if nh == NH_DSTOPTS:
            i = 2
            while i < hlen:
                t = hdr[i]
                if t == 0:          # Pad1
                    i += 1
                    continue
                if i + 2 > hlen or i + 2 + hdr[i + 1] > hlen:
                    raise WireError("bad destination option")
                if t == 201 and hdr[i + 1] == 16:
                    hoa = hdr[i + 2:i + 18]
                i += 2 + hdr[i + 1]
        elif nh == NH_ROUTING and hdr[2] == 2 and hlen == 24:
            rh2 = hdr[8:24]
        nh = hdr[0]
        off += hlen
    return UpperLayer(nh, off, hoa, rh2)
