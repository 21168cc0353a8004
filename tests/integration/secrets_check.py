"""Searches what mipgate printed, logged and answered for key material (issue 6: "secrets never
logged"). Shared by the end-to-end tests: log_secrets_test.py (provisioning) and the FMIP
end-to-end test (FBU flow).

    from secrets_check import find_secret, self_test
    self_test()                                   # the search itself can find a key
    hits = find_secret(key_hex, {"stdout": out_bytes, "show keys": text, ...})
    check(not hits, "no key bytes anywhere: " + ", ".join(hits))
"""
import base64


def secret_forms(key_hex):
    """Every form in which the key bytes could leak: raw bytes, hex (lower, upper, with ':', ' '
    or '-' between bytes, C-style \\x escapes) and base64. Returned as bytes patterns."""
    raw = bytes.fromhex(key_hex)
    h = raw.hex()
    forms = {
        "raw bytes": raw,
        "hex": h.encode(),
        "HEX": h.upper().encode(),
        "base64": base64.b64encode(raw).rstrip(b"="),
        "\\x escapes": "".join("\\x%02x" % b for b in raw).encode(),
    }
    for sep in (":", " ", "-"):
        pairs = [h[i:i + 2] for i in range(0, len(h), 2)]
        forms["hex with '%s'" % sep] = sep.join(pairs).encode()
        forms["HEX with '%s'" % sep] = sep.join(pairs).upper().encode()
    # Half the key is already a leak: look for the first and the second half in hex too.
    half = len(raw) // 2
    if half >= 8:
        forms["hex first half"] = raw[:half].hex().encode()
        forms["hex second half"] = raw[half:].hex().encode()
    return forms


def find_secret(key_hex, blobs):
    """blobs: name -> str or bytes. Returns ["<name>: <form>", ...] for every form found
    (case-insensitive for the hex forms)."""
    hits = []
    forms = secret_forms(key_hex)
    for name, blob in blobs.items():
        data = blob.encode("utf-8", "surrogateescape") if isinstance(blob, str) else bytes(blob)
        lower = data.lower()
        for form, pat in forms.items():
            if pat in data or (form != "raw bytes" and form != "base64" and pat.lower() in lower):
                hits.append("%s: %s" % (name, form))
    return hits


def self_test():
    """Raises AssertionError unless find_secret finds a planted key in each form: a search that
    cannot find anything would make the secrets tests pass vacuously."""
    key = "00112233445566778899aabbccddeeff0123456789abcdef"
    for form, pat in secret_forms(key).items():
        blob = b"mipgate.keys: something " + pat + b" end\n"
        assert find_secret(key, {"planted": blob}), "find_secret misses the %s form" % form
    assert not find_secret(key, {"clean": b"nothing to see"}), "find_secret reports a clean blob"
