"""The test mobile node's behaviour, independent of how packets move (see net.py).

A transport has `send(ipv6_bytes)` and `recv(timeout) -> ipv6_bytes | None`.
"""
from __future__ import annotations

import os
import struct
import time
from dataclasses import dataclass

from cryptography import x509

from . import fmip
from .crypto import Identity, cga_generate, rsa_decrypt_pkcs1, spki_der
from .send import (cga_option, nonce_option, sign_message, timestamp_option, verify_message)
from .wire import (ALL_NODES, ALL_ROUTERS, NH_ICMPV6, Ipv6Packet, WireError, a2b, b2a,
                   icmp_checksum_ok, ipv6_header, parse_nd_options, set_icmp_checksum)

NEGATIVE_CASES = ("bad_sig", "cga_mismatch", "replay", "old_ts", "small_key", "hk_size",
                  "zero_len", "no_nonce", "unsigned", "unknown_ta")
# Forged FBUs (build_fbu `negative`): each must change nothing at the PAR.
FBU_NEGATIVE_CASES = ("bad_auth", "wrong_key", "tamper_ncoa", "no_flags")


def link_local_from_mac(mac: bytes) -> bytes:
    """fe80::/64 + modified EUI-64 (RFC 4291 App. A)."""
    eui = bytes([mac[0] ^ 0x02]) + mac[1:3] + b"\xff\xfe" + mac[3:6]
    return a2b("fe80::")[:8] + eui


@dataclass
class BuiltRtSolPr:
    packet: bytes           # full IPv6 packet
    src: bytes
    nonce: bytes | None
    identifier: int
    identity: Identity      # identity whose keys were used (a negative case may use another)
    at: int = 0             # AT requested in the HK Request


class MobileNode:
    def __init__(self, ident: Identity, transport=None, log=None):
        self.ident = ident
        self.transport = transport
        self.log = log or (lambda *_: None)
        self.link_local = link_local_from_mac(ident.mac)
        self.min_router_bits = 1024
        # other addresses we answer NS for: address -> CgaParams (SEND NA) or None (plain NA)
        self.extra_addrs: dict[bytes, object] = {}

    # --- building ---------------------------------------------------------------------------

    def build_rtsolpr(self, dst: bytes, at: int, ap_id: bytes, negative: str | None = None,
                      identity: Identity | None = None, identifier: int | None = None,
                      ts: float | None = None) -> BuiltRtSolPr:
        """RtSolPr with HK Request + CGA + Timestamp + Nonce + RSA Signature (RFC 5269 §3.1),
        src = care-of CGA, Hop Limit 255.  `negative` selects one crafted defect."""
        ident = identity or self.ident
        if negative == "small_key":
            # below the 1024-bit floor (design §4); HK key the same size so only the floor trips
            ident = Identity.create(b2a(ident.params.prefix + b"\x00" * 8), ident.sec, 512, 512,
                                    ident.mac)
        hk_key = ident.hk_key
        if negative == "hk_size":
            from .crypto import rsa_generate
            size = ident.cga_key.key_size
            hk_key = rsa_generate(1024 if size != 1024 else 2048)
        src = ident.address
        if negative == "cga_mismatch":
            src = src[:15] + bytes([src[15] ^ 0x01])   # IID no longer matches Hash1
        identifier = identifier if identifier is not None else struct.unpack("!H", os.urandom(2))[0]
        nonce = None if negative == "no_nonce" else os.urandom(6)
        when = (time.time() - 600) if negative == "old_ts" else ts
        send_opts = cga_option(ident.params) + timestamp_option(when)
        if nonce is not None:
            send_opts += nonce_option(nonce)
        # RFC 4861 §4.6: an option with Length 0 makes the whole message invalid
        extra = bytes([fmip.OPT_HK_REQUEST, 0]) + b"\x00" * 6 if negative == "zero_len" else b""
        unsigned = fmip.rtsolpr_unsigned(identifier, ident.mac, ap_id, at, spki_der(hk_key),
                                         send_opts, extra)
        dst = a2b(dst)
        if negative == "unsigned":
            icmp = set_icmp_checksum(src, dst, unsigned)
        else:
            tamper = (lambda s: s[:10] + bytes([s[10] ^ 0xFF]) + s[11:]) if negative == "bad_sig" \
                else None
            icmp = sign_message(src, dst, unsigned, ident.cga_key, tamper)
        pkt = ipv6_header(src, dst, NH_ICMPV6, len(icmp), 255) + icmp
        return BuiltRtSolPr(pkt, src, nonce, identifier, ident, at)

    def build_cps(self, dst: bytes, ta_cert: x509.Certificate, identifier: int | None = None) -> \
            tuple[bytes, int]:
        identifier = identifier or (struct.unpack("!H", os.urandom(2))[0] or 1)  # ≠ 0 (§6.4.1)
        name = ta_cert.subject.public_bytes()
        icmp = fmip.build_cps(self.link_local, a2b(dst), identifier, name)
        return ipv6_header(self.link_local, a2b(dst), NH_ICMPV6, len(icmp), 255) + icmp, identifier

    def build_fbu(self, key: bytes, at: int, pcoa: bytes, ncoa: bytes, par: bytes, seq: int,
                  lifetime: int, src: bytes | None = None, negative: str | None = None) -> bytes:
        """negative: bad_auth (authenticator bit flipped), wrong_key (signed with a random key of
        the right length), tamper_ncoa (Alternate CoA changed after signing, checksum fixed),
        no_flags (A and H cleared, correctly signed)."""
        if negative is not None and negative not in FBU_NEGATIVE_CASES:
            raise ValueError(f"unknown FBU negative case {negative}")
        tamper = (lambda a: bytes([a[0] ^ 0x01]) + a[1:]) if negative == "bad_auth" else None
        if negative == "wrong_key":
            key = os.urandom(len(key))
        flags = 0 if negative == "no_flags" else fmip.FBU_FLAG_A | fmip.FBU_FLAG_H
        pkt = fmip.build_fbu(key, at, a2b(pcoa), a2b(ncoa), a2b(par), seq, lifetime,
                             src=a2b(src) if src else None, tamper_auth=tamper, flags=flags)
        if negative == "tamper_ncoa":
            n = a2b(ncoa)
            pkt = fmip.retarget_alt_coa(pkt, n[:15] + bytes([n[15] ^ 0x01]))
        return pkt

    # --- receiving --------------------------------------------------------------------------

    def _answer_ns(self, pkt: Ipv6Packet) -> bool:
        """Answer a Neighbor Solicitation for one of our addresses (RFC 4861 §7.2.4) so a router
        can resolve the MN before unicasting to it.  For a CGA of ours the NA is SEND-protected
        (RFC 3971 §5: CGA, Timestamp, echoed Nonce, RSA Signature).  Returns True if handled."""
        if pkt.nh != NH_ICMPV6:
            return False
        target = fmip.parse_ns_target(pkt.payload)
        if target is None:
            return False
        if target == self.ident.address:
            params = self.ident.params
        elif target in self.extra_addrs:
            params = self.extra_addrs[target]
        else:
            return False
        ns_nonce = None
        try:
            for o in parse_nd_options(pkt.payload, 24):
                if o.type == 14:
                    ns_nonce = o.data[2:]
        except WireError:
            return True
        dst = pkt.src if pkt.src != bytes(16) else a2b(ALL_NODES)   # DAD probe → all-nodes
        solicited = pkt.src != bytes(16)
        if params is None:
            icmp = set_icmp_checksum(target, dst, fmip.na_unsigned(target, self.ident.mac, b"",
                                                                   solicited))
        else:
            opts = cga_option(params) + timestamp_option()
            if ns_nonce:
                opts += bytes([14, (2 + len(ns_nonce)) // 8]) + ns_nonce
            icmp = sign_message(target, dst, fmip.na_unsigned(target, self.ident.mac, opts,
                                                              solicited), self.ident.cga_key)
        self.transport.send(ipv6_header(target, dst, NH_ICMPV6, len(icmp), 255) + icmp)
        return True

    def cga_on_prefix(self, prefix: str | bytes) -> bytes:
        """Another CGA of the same key on `prefix` (e.g. an NCoA on the NAR's prefix): the
        modifier does not depend on the prefix (RFC 3972 §4), only Hash1 is recomputed."""
        addr, params = cga_generate(self.ident.params.public_key, prefix, self.ident.sec,
                                    modifier=self.ident.params.modifier)
        self.extra_addrs[addr] = params
        return addr

    def wait_for(self, match, timeout: float):
        """Receive until `match(Ipv6Packet)` returns non-None or `timeout` expires."""
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            raw = self.transport.recv(left)
            if raw is None:
                continue
            try:
                pkt = Ipv6Packet.parse(raw)
            except WireError:
                continue
            if self._answer_ns(pkt):
                continue
            try:
                r = match(pkt)
            except (WireError, ValueError, IndexError, struct.error):
                r = None          # malformed packets from the network are ignored
            if r is not None:
                return r

    # --- certification path (RFC 3971 §6.4, RFC 5269 §3.3) ------------------------------------

    def fetch_router_cert(self, ta_cert: x509.Certificate, dst: bytes = a2b(ALL_ROUTERS),
                          timeout: float = 3.0) -> tuple[x509.Certificate | None, str, bytes | None]:
        """CPS → CPA(s); collects Certificate options of every component and verifies the path
        against `ta_cert`.  Returns (router cert, reason, router address)."""
        pkt, ident = self.build_cps(dst, ta_cert)
        self.transport.send(pkt)
        certs: dict[int, list[bytes]] = {}
        router = None
        deadline = time.monotonic() + timeout
        total = None
        while time.monotonic() < deadline:
            def match(p: Ipv6Packet):
                if p.nh != NH_ICMPV6 or not p.payload or p.payload[0] != fmip.ICMP_CPA:
                    return None
                if p.hlim != 255 or not icmp_checksum_ok(p.src, p.dst, p.payload):
                    return None
                cpa = fmip.parse_cpa(p.payload)
                return (p, cpa) if cpa.identifier in (ident, 0) else None
            got = self.wait_for(match, deadline - time.monotonic())
            if got is None:
                break
            p, cpa = got
            router = p.src
            total = cpa.all_components
            certs[cpa.component] = cpa.certs
            if total is not None and len(certs) >= total:
                break
        if not certs:
            return None, "no CPA received", None
        if total is not None and len(certs) < total:
            return None, f"only {len(certs)} of {total} CPA components", router
        # Component N-1 is nearest the trust anchor; verify_cert_path chains in any order anyway.
        ders = [d for c in sorted(certs, reverse=True) for d in certs[c]]
        leaf, why = fmip.verify_cert_path(ders, ta_cert)
        return leaf, why, router

    # --- provisioning (RFC 5269 §3.1, §3.3) ---------------------------------------------------

    def check_prrtadv(self, pkt: Ipv6Packet, sent: BuiltRtSolPr, router_spki: bytes | None,
                      require_path: bool) -> dict:
        """Validate one PrRtAdv answering `sent` and decrypt its handover key."""
        out = {"router": b2a(pkt.src), "prrtadv": True, "hk_reply": False}
        try:
            msg = fmip.parse_fmip(pkt.payload)
        except (WireError, ValueError) as e:
            return {**out, "ok": False, "reason": f"PrRtAdv parse: {e}"}
        out["code"] = msg.code
        out["hk_reply"] = msg.hk_reply is not None
        if pkt.hlim != 255:
            return {**out, "ok": False, "reason": "PrRtAdv Hop Limit != 255"}
        if not icmp_checksum_ok(pkt.src, pkt.dst, pkt.payload):
            return {**out, "ok": False, "reason": "ICMPv6 checksum"}
        # Router's SEND protection: CGA option must verify for the source; signature by the
        # router's certified key when we have its path (RFC 5269 §3.3), else by the CGA key.
        if pkt.src[:2] != b"\xfe\x80":          # RFC 5268 §6.1.2: AR's link-local address
            return {**out, "ok": False, "reason": "PrRtAdv source not link-local"}
        chk = verify_message(pkt.src, pkt.dst, pkt.payload, 8, expected_key=router_spki,
                             min_bits=self.min_router_bits)
        out["send_ok"] = chk.ok
        if not chk.ok:
            return {**out, "ok": False, "reason": "PrRtAdv SEND: " + chk.reason}
        if router_spki is not None and chk.params.public_key != router_spki:
            return {**out, "ok": False, "reason": "CGA key differs from the certified key"}
        if require_path and router_spki is None:
            return {**out, "ok": False, "reason": "router certification path not verified"}
        if sent.nonce is None or chk.nonce != sent.nonce:
            return {**out, "ok": False, "reason": "Nonce not echoed"}       # §3.3: MUST drop
        if msg.hk_reply is None:
            return {**out, "ok": False, "reason": "no Handover Key Reply"}
        try:
            key = rsa_decrypt_pkcs1(sent.identity.hk_key, msg.hk_reply.encrypted)
        except Exception:  # noqa: BLE001
            return {**out, "ok": False, "reason": "HK decryption failed"}
        if msg.hk_reply.at not in fmip.AT_ALGS:   # RFC 5269 §3.3: MN must use the returned AT
            return {**out, "ok": False, "reason": f"unsupported AT {msg.hk_reply.at}"}
        if fmip.AT_STRENGTH[msg.hk_reply.at] < fmip.AT_STRENGTH.get(sent.at, 0):
            # RFC 5269 §3.2: requested AT if supported, else one of equal or greater strength
            return {**out, "ok": False, "reason": f"AT {msg.hk_reply.at} weaker than requested"}
        return {**out, "ok": True, "reason": "ok", "at": msg.hk_reply.at,
                "lifetime": msg.hk_reply.lifetime, "key_hex": key.hex(), "key_len": len(key)}

    def _match_prrtadv(self, sent: BuiltRtSolPr):
        def match(p: Ipv6Packet):
            if p.nh != NH_ICMPV6 or len(p.payload) < 8 or p.payload[0] != fmip.ICMP_FMIP:
                return None
            if p.payload[4] != fmip.SUBTYPE_PRRTADV:
                return None
            if p.dst != sent.src and p.dst != self.ident.address and p.dst != a2b(ALL_NODES):
                return None
            ident = struct.unpack("!H", p.payload[6:8])[0]
            if ident != sent.identifier:
                return None
            return p
        return match

    def provision(self, dst: bytes, at: int, ap_id: bytes, ta_cert: x509.Certificate | None = None,
                  timeout: float = 3.0, require_path: bool = False, retries: int = 0) -> dict:
        """Full RFC 5269 provisioning.  Returns the JSON-ready result dict."""
        res = {"ok": False, "cga": b2a(self.ident.address), "at": None, "lifetime": None,
               "key_hex": None, "router_path_ok": None, "reason": ""}
        router_spki = None
        if ta_cert is not None:
            leaf, why, router = self.fetch_router_cert(ta_cert, timeout=timeout)
            res["router_path_ok"] = leaf is not None
            if leaf is None:
                res["reason"] = "certification path: " + why
                return res
            router_spki = spki_der(leaf.public_key())
        sent = self.build_rtsolpr(dst, at, ap_id)
        for _ in range(retries + 1):
            self.transport.send(sent.packet)
            p = self.wait_for(self._match_prrtadv(sent), timeout)
            if p is not None:
                break
        else:
            res["reason"] = "no PrRtAdv"
            return res
        r = self.check_prrtadv(p, sent, router_spki, require_path)
        for k in ("at", "lifetime", "key_hex", "key_len", "reason", "ok"):
            if k in r:
                res[k] = r[k]
        res["router"] = r["router"]
        res["hk_reply"] = r["hk_reply"]
        res["code"] = r.get("code")
        if res["ok"]:
            self.ident.extra["hk"] = {"router": r["router"], "at": r["at"],
                                      "lifetime": r["lifetime"], "key_hex": r["key_hex"],
                                      "time": time.time()}
        return res

    def negative_rtsolpr(self, case: str, dst: bytes, at: int, ap_id: bytes,
                         timeout: float = 2.0) -> dict:
        """Send one crafted bad RtSolPr; report whether a PrRtAdv came back and whether it
        carried a Handover Key Reply (which it must not, RFC 5269 §3.2)."""
        res: dict = {"case": case}

        def exchange(sent: BuiltRtSolPr) -> dict:
            self.transport.send(sent.packet)
            p = self.wait_for(self._match_prrtadv(sent), timeout)
            if p is None:
                return {"prrtadv": False, "hk_reply": False}
            try:
                msg = fmip.parse_fmip(p.payload)
            except (WireError, ValueError) as e:
                return {"prrtadv": True, "hk_reply": False, "reason": f"PrRtAdv parse: {e}"}
            chk = verify_message(p.src, p.dst, p.payload, 8)
            return {"prrtadv": True, "hk_reply": msg.hk_reply is not None, "code": msg.code,
                    "prrtadv_send_ok": chk.ok, "reason": chk.reason}

        if case == "replay":
            sent = self.build_rtsolpr(dst, at, ap_id)
            res["first"] = exchange(sent)
            res.update(exchange(sent))      # the exact same bytes again
        else:
            res.update(exchange(self.build_rtsolpr(dst, at, ap_id, negative=case)))
        return res

    # --- FBU / FBack (RFC 5268 §6.3) -----------------------------------------------------------

    def fbu(self, key: bytes, at: int, pcoa: bytes, ncoa: bytes, par: bytes, seq: int,
            lifetime: int, src: bytes | None = None, timeout: float = 2.0,
            negative: str | None = None, retries: int = 0) -> dict:
        pcoa, ncoa, par = a2b(pcoa), a2b(ncoa), a2b(par)
        if ncoa != self.ident.address:
            self.extra_addrs.setdefault(ncoa, None)   # FBack goes to the NCoA: answer NS for it
        pkt = self.build_fbu(key, at, pcoa, ncoa, par, seq, lifetime, src, negative)
        res = {"ok": False, "fback": False, "status": None, "seq": None, "lifetime": None,
               "k": None, "badf_ok": None, "reason": ""}

        def match(p: Ipv6Packet):
            if p.src != par:
                return None
            m = fmip.parse_mh_packet(p)
            if m.mh_type != fmip.MH_FBACK or m.fields["seq"] != seq:
                return None
            return m
        m = None
        for _ in range(retries + 1):
            self.transport.send(pkt)
            m = self.wait_for(match, timeout)
            if m is not None:
                break
        if m is None:
            res["reason"] = "no FBack"
            return res
        res.update(fback=True, status=m.fields["status"], seq=m.fields["seq"],
                   lifetime=m.fields["lifetime"], k=m.fields["k"], dst=b2a(m.dst))
        if not m.checksum_ok:
            res["reason"] = "FBack MH checksum"
            return res
        ok, why = fmip.verify_badf(m, key, at, ncoa, par)
        res["badf_ok"] = ok
        res["reason"] = why if not ok else ("ok" if m.fields["status"] < 128
                                             else f"status {m.fields['status']}")
        res["ok"] = ok and m.fields["status"] < 128
        return res

    # --- listening on a link (after a handover) -------------------------------------------------

    def listen(self, duration: float, key: bytes | None = None, at: int = 0,
               par: bytes | None = None, ncoa: bytes | None = None, max_packets: int = 500,
               stop_after: int | None = None, ready=None) -> dict:
        """Receive on the transport for `duration` seconds, answering NS for our addresses, and
        report every IPv6 packet for us: addresses, Hop Limit, Ethernet addresses, the inner
        packet of an IPv6-in-IPv6 tunnel (RFC 2473) and UDP ports/payload; FBacks among them
        are checked (MH checksum, BADF with `key`, care-of = `ncoa`, PAR = `par`).
        `stop_after`: return once that many UDP packets (tunnelled or not) arrived."""
        from .wire import b2mac
        pkts, fbacks, udp = [], [], 0
        if ready:
            ready()
        deadline = time.monotonic() + duration
        while time.monotonic() < deadline:
            raw = self.transport.recv(deadline - time.monotonic())
            if raw is None:
                continue
            try:
                pkt = Ipv6Packet.parse(raw)
            except WireError:
                continue
            if self._answer_ns(pkt):
                continue
            eth = getattr(self.transport, "last_eth", None)
            rec = {"src": b2a(pkt.src), "dst": b2a(pkt.dst), "nh": pkt.nh, "hlim": pkt.hlim,
                   "plen": len(pkt.payload)}
            if eth:
                rec["eth_dst"], rec["eth_src"] = b2mac(eth[0]), b2mac(eth[1])
            body = pkt
            if pkt.nh == 41:
                try:
                    inner = Ipv6Packet.parse(pkt.payload)
                    rec["inner"] = {"src": b2a(inner.src), "dst": b2a(inner.dst), "nh": inner.nh,
                                    "hlim": inner.hlim, "plen": len(inner.payload)}
                    body = inner
                except WireError:
                    rec["inner"] = None
            if body.nh == 17 and len(body.payload) >= 8:
                sport, dport, ulen, ck = struct.unpack("!HHHH", body.payload[:8])
                u = {"sport": sport, "dport": dport, "payload_hex": body.payload[8:ulen].hex(),
                     "checksum_ok": ck == 0 or upper_layer_checksum_ok(body, 17)}
                (rec["inner"] if body is not pkt else rec)["udp"] = u
                udp += 1
            if pkt.nh in (fmip.NH_MH, fmip.NH_DSTOPTS):
                try:
                    m = fmip.parse_mh_packet(pkt)
                except (WireError, ValueError):
                    m = None
                if m is not None and m.mh_type == fmip.MH_FBACK:
                    fb = {"dst": b2a(pkt.dst), "src": b2a(pkt.src), **m.fields,
                          "checksum_ok": m.checksum_ok, "badf_ok": None}
                    if key is not None and ncoa is not None and par is not None:
                        ok, why = fmip.verify_badf(m, key, at, ncoa, par)
                        fb["badf_ok"], fb["reason"] = ok, why
                    fbacks.append(fb)
                    rec["fback"] = True
            if len(pkts) < max_packets:
                pkts.append(rec)
            if stop_after is not None and udp >= stop_after:
                break
        return {"ok": True, "packets": pkts, "received": len(pkts), "udp": udp, "fbacks": fbacks}


def upper_layer_checksum_ok(pkt: Ipv6Packet, nh: int) -> bool:
    """UDP/ICMPv6-style checksum of `pkt`'s payload (checksum at bytes 6-7 for UDP)."""
    from .wire import upper_layer_checksum
    pl = pkt.payload
    ulen = struct.unpack("!H", pl[4:6])[0] if nh == 17 else len(pl)
    seg = pl[:ulen]
    zero = seg[:6] + b"\x00\x00" + seg[8:]
    c = upper_layer_checksum(pkt.src, pkt.dst, nh, zero) or 0xFFFF
    return c == struct.unpack("!H", seg[6:8])[0]
