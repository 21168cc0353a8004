"""RSA keys and Cryptographically Generated Addresses (RFC 3972), written from the RFC text.

CGA Parameters (RFC 3972 §3):  Modifier(16) | Subnet Prefix(8) | Collision Count(1) |
Public Key (DER SubjectPublicKeyInfo) | Extension Fields.
"""
from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from .wire import a2b, b2a

# --- RSA ------------------------------------------------------------------------------------


def rsa_generate(bits: int) -> rsa.RSAPrivateKey:
    """Fresh RSA key, public exponent 65537 (cryptography accepts 512 bits and up)."""
    return rsa.generate_private_key(public_exponent=65537, key_size=bits)


def spki_der(key) -> bytes:
    """DER SubjectPublicKeyInfo of a public (or private) key: the CGA key encoding (RFC 3972 §3)."""
    pub = key.public_key() if hasattr(key, "public_key") else key
    return pub.public_bytes(serialization.Encoding.DER,
                            serialization.PublicFormat.SubjectPublicKeyInfo)


def load_spki(der: bytes):
    return serialization.load_der_public_key(der)


def private_pem(key: rsa.RSAPrivateKey) -> str:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption()).decode()


def load_private_pem(pem: str) -> rsa.RSAPrivateKey:
    return serialization.load_pem_private_key(pem.encode(), password=None)


def rsa_sign_sha1(key: rsa.RSAPrivateKey, data: bytes) -> bytes:
    """RSASSA-PKCS1-v1_5 with SHA-1 (RFC 3971 §5.2, RFC 3972 §6)."""
    return key.sign(data, padding.PKCS1v15(), hashes.SHA1())


def rsa_verify_sha1(pub, sig: bytes, data: bytes) -> bool:
    try:
        pub.verify(sig, data, padding.PKCS1v15(), hashes.SHA1())
        return True
    except Exception:
        return False


def rsa_encrypt_pkcs1(pub, data: bytes) -> bytes:
    """RSAES-PKCS1-v1_5 (RFC 3447 §7.2), used for the Handover Key Reply (RFC 5269 §4.2)."""
    return pub.encrypt(data, padding.PKCS1v15())


def rsa_decrypt_pkcs1(key: rsa.RSAPrivateKey, ct: bytes) -> bytes:
    return key.decrypt(ct, padding.PKCS1v15())


# --- DER length helper -------------------------------------------------------------------------


def der_element_length(buf: bytes, off: int = 0) -> int:
    """Total length (tag + length + content) of the DER element starting at buf[off]."""
    if off + 2 > len(buf):
        raise ValueError("DER element truncated")
    first = buf[off + 1]
    if first < 0x80:
        return 2 + first
    n = first & 0x7F
    if n == 0 or n > 4 or off + 2 + n > len(buf):
        raise ValueError("unsupported DER length")
    ln = int.from_bytes(buf[off + 2:off + 2 + n], "big")
    return 2 + n + ln


# --- CGA (RFC 3972) -----------------------------------------------------------------------------


@dataclass
class CgaParams:
    modifier: bytes          # 16 bytes
    prefix: bytes            # 8 bytes (subnet prefix, /64)
    collision_count: int
    public_key: bytes        # DER SPKI
    extensions: bytes = b""  # RFC 4581 extension fields, hashed but otherwise ignored

    def encode(self) -> bytes:
        return (self.modifier + self.prefix + bytes([self.collision_count]) + self.public_key
                + self.extensions)

    @staticmethod
    def decode(buf: bytes) -> "CgaParams":
        if len(buf) < 25 + 2 or buf[25] != 0x30:
            raise ValueError("CGA parameters too short or key not a DER SEQUENCE")
        klen = der_element_length(buf, 25)
        if 25 + klen > len(buf):
            raise ValueError("CGA public key truncated")
        return CgaParams(buf[0:16], buf[16:24], buf[24], buf[25:25 + klen], buf[25 + klen:])


def cga_hash1(params: CgaParams) -> bytes:
    """Hash1 = leftmost 64 bits of SHA-1 over the whole CGA Parameters (RFC 3972 §4 step 6)."""
    return hashlib.sha1(params.encode()).digest()[:8]


def cga_hash2(modifier: bytes, public_key: bytes, extensions: bytes = b"") -> bytes:
    """Hash2 = leftmost 112 bits of SHA-1 over modifier | 9 zero octets | key | ext (§4 step 2)."""
    return hashlib.sha1(modifier + b"\x00" * 9 + public_key + extensions).digest()[:14]


def _hash2_ok(h2: bytes, sec: int) -> bool:
    # 16*Sec leftmost bits of Hash2 must be zero (§4 step 3, §5 step 7).
    return h2[:2 * sec] == b"\x00" * (2 * sec)


def cga_iid(hash1: bytes, sec: int) -> bytes:
    """Interface identifier from Hash1: Sec in the 3 leftmost bits, u (0x02) and g (0x01) = 0
    (RFC 3972 §4 step 7)."""
    first = (hash1[0] & 0x1C) | (sec << 5)
    return bytes([first]) + hash1[1:8]


def cga_find_modifier(public_key: bytes, sec: int, start: bytes | None = None,
                      extensions: bytes = b"") -> bytes:
    """Modifier search (RFC 3972 §4 steps 1-3): from a random modifier, increment until the
    16*Sec leftmost bits of Hash2 are zero.  Sec 2 needs ~2^32 SHA-1 in Python: hours."""
    if not 0 <= sec <= 7:
        raise ValueError("Sec must be 0..7")
    m = int.from_bytes(start if start is not None else os.urandom(16), "big")
    while True:
        mod = m.to_bytes(16, "big")
        if _hash2_ok(cga_hash2(mod, public_key, extensions), sec):
            return mod
        m = (m + 1) % (1 << 128)


def cga_generate(public_key: bytes, prefix: str | bytes, sec: int,
                 modifier: bytes | None = None, collision_count: int = 0) -> tuple[bytes, CgaParams]:
    """Generate a CGA (RFC 3972 §4) for a /64 `prefix`.  Returns (address16, params).

    If `modifier` is given it is used as found (it must satisfy Hash2 for `sec`)."""
    pfx = a2b(prefix)[:8]
    mod = modifier if modifier is not None else cga_find_modifier(public_key, sec)
    params = CgaParams(mod, pfx, collision_count, public_key)
    addr = pfx + cga_iid(cga_hash1(params), sec)
    return addr, params


def cga_verify(address: str | bytes, params: CgaParams) -> tuple[bool, str]:
    """CGA verification, RFC 3972 §5 steps 1-7 in order.  Returns (ok, reason)."""
    addr = a2b(address)
    if params.collision_count not in (0, 1, 2):                     # step 1
        return False, "collision count not 0..2"
    if params.prefix != addr[:8]:                                   # step 2
        return False, "subnet prefix differs from address"
    h1 = cga_hash1(params)                                          # step 3
    iid = addr[8:]
    # step 4: compare Hash1 with the IID ignoring Sec (3 bits) and u, g bits: mask 0x1c on byte 0
    if (h1[0] & 0x1C) != (iid[0] & 0x1C) or h1[1:] != iid[1:]:
        return False, "Hash1 does not match interface identifier"
    sec = iid[0] >> 5                                               # step 5
    h2 = cga_hash2(params.modifier, params.public_key, params.extensions)  # step 6
    if not _hash2_ok(h2, sec):                                      # step 7
        return False, f"Hash2 lacks 16*Sec zero bits (Sec {sec})"
    return True, "ok"


def cga_sec(address: str | bytes) -> int:
    return a2b(address)[8] >> 5


# --- RFC 3972 Appendix A example (values from protocol-facts §3.3) ------------------------------

RFC3972_EXAMPLE_KEY = bytes.fromhex(
    "305c300d06092a864886f70d0101010500034b003048024100c2c2f137305454f10bd9cea36844b530e921"
    "1a4b262b16467cb7dfba1f595c0194f275be5a4d386f2c3c2382508773c7867f9b3b9e63a09c7bc48f7a54"
    "ebefaf0203010001")
RFC3972_EXAMPLE_MODIFIER0 = bytes.fromhex("89a8a8b2e858d8b8f2633f44d2d4ce9a")
RFC3972_EXAMPLE_MODIFIER = bytes.fromhex("89a8a8b2e858d8b8f2633f44d2d4ce9b")
RFC3972_EXAMPLE_HASH2_REJECTED = bytes.fromhex("436b9a70dbfddbf1926e6e6629c0")
RFC3972_EXAMPLE_HASH2 = bytes.fromhex("000001ca680b83888d0912dffcce")
RFC3972_EXAMPLE_HASH1 = bytes.fromhex("fd4a5bf6ffb4ca6c")
RFC3972_EXAMPLE_ADDRESS = "fe80::3c4a:5bf6:ffb4:ca6c"


def rfc3972_example_check() -> list[str]:
    """Reproduce RFC 3972 Appendix A; returns a list of mismatches (empty = pass)."""
    errs = []
    key = RFC3972_EXAMPLE_KEY
    if cga_hash2(RFC3972_EXAMPLE_MODIFIER0, key) != RFC3972_EXAMPLE_HASH2_REJECTED:
        errs.append("Hash2 of first modifier")
    if cga_find_modifier(key, 1, start=RFC3972_EXAMPLE_MODIFIER0) != RFC3972_EXAMPLE_MODIFIER:
        errs.append("modifier search result")
    if cga_hash2(RFC3972_EXAMPLE_MODIFIER, key) != RFC3972_EXAMPLE_HASH2:
        errs.append("Hash2 of final modifier")
    addr, params = cga_generate(key, "fe80::", 1, modifier=RFC3972_EXAMPLE_MODIFIER)
    if cga_hash1(params) != RFC3972_EXAMPLE_HASH1:
        errs.append("Hash1")
    if b2a(addr) != RFC3972_EXAMPLE_ADDRESS:
        errs.append(f"address {b2a(addr)}")
    ok, why = cga_verify(RFC3972_EXAMPLE_ADDRESS, params)
    if not ok:
        errs.append("verify: " + why)
    if CgaParams.decode(params.encode()) != params or len(params.encode()) != 119:
        errs.append("CGA Parameters encode/decode")
    return errs


# --- MN identity: CGA key, handover-key-encryption key, CGA ---------------------------------------


@dataclass
class Identity:
    """What the MN keeps between runs (saved with --state)."""
    cga_key: rsa.RSAPrivateKey
    hk_key: rsa.RSAPrivateKey
    address: bytes
    params: CgaParams
    sec: int
    mac: bytes = b"\x02\x00\x00\x00\x00\x01"
    extra: dict = field(default_factory=dict)

    @staticmethod
    def create(prefix: str, sec: int, bits: int, hk_bits: int | None = None,
               mac: bytes | None = None) -> "Identity":
        cga_key = rsa_generate(bits)
        # RFC 5269 §3.1: HK encryption key has exactly the same algorithm/parameters as the CGA key.
        hk_key = rsa_generate(hk_bits or bits)
        addr, params = cga_generate(spki_der(cga_key), prefix, sec)
        return Identity(cga_key, hk_key, addr, params, sec, mac or b"\x02\x00\x00\x00\x00\x01")

    def to_json(self) -> dict:
        return {"cga_key": private_pem(self.cga_key), "hk_key": private_pem(self.hk_key),
                "address": b2a(self.address), "params": self.params.encode().hex(),
                "sec": self.sec, "mac": self.mac.hex(), "extra": self.extra}

    @staticmethod
    def from_json(d: dict) -> "Identity":
        return Identity(load_private_pem(d["cga_key"]), load_private_pem(d["hk_key"]),
                        a2b(d["address"]), CgaParams.decode(bytes.fromhex(d["params"])),
                        d["sec"], bytes.fromhex(d["mac"]), d.get("extra", {}))
