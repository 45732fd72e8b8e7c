#!/usr/bin/python3
"""dkim_crosscheck.py - verify data/dkim with dkimpy, independently of leakdex.

    /usr/bin/python3 tests/e2e/dkim_crosscheck.py DATA_DIR KEYFILE

DATA_DIR is either data/ (the script then reads data/dkim/) or data/dkim/
itself; KEYFILE is data/dkim-keys.txt. Every message (each *.eml file, and
each message of each mbox/*.mbox file) is verified with Debian's
python3-dkim (dkimpy): LF line ends are turned into CRLF first, mbox files
are split at their "From " lines and their mboxrd quoting undone. Public
keys come from KEYFILE, never from DNS.

Output, one line per message, in file order:

    FILE[#INDEX] MESSAGE_ID VERDICT

FILE is relative to data/ (e.g. dkim/001-rsa-sha256-simple-simple.eml),
#INDEX is the 0-based position inside an mbox, MESSAGE_ID has no angle
brackets, and VERDICT is `pass` (at least one signature verifies),
`notpass` (signed, none verifies) or `none` (no DKIM-Signature). dkimpy
does not tell every fail / nokey / invalid case apart, so only these three
classes are printed; tests/e2e/dkim.json holds the detailed expectations.

dkimpy is the judge of the cryptography (body hash, b=). Around it this
script adds the RFC 6376 checks dkimpy skips or reports only as an
exception, so that its pass/notpass is the verdict an RFC 6376 verifier
must reach:
  * key records are tried one by one when a selector has several (a
    rotated key): the signature passes if any record verifies it;
  * the key record's h= tag (acceptable hashes, RFC 6376 3.6.1) is
    enforced: dkimpy 1.1.4 ignores it;
  * the minimum key size is 512 bits (dkimpy's default is 1024): a 512-bit
    key verifies and is reported "weak" by leakdex, not rejected.

check_message() also returns a per-signature (result, reason, ...) in
leakdex's vocabulary; tests/tools/gen-dkim.py --check compares it with
tests/e2e/dkim.json. Standard library + dkim (+ nacl, used by dkim) only.
Exit status 0 unless the arguments are wrong.
"""

import re
import sys
from pathlib import Path

try:
    import dkim
except ImportError:
    sys.exit("%s: needs dkimpy (Debian python3-dkim): run it with /usr/bin/python3" % sys.argv[0])
from dkim.canonicalization import CanonicalizationPolicy
from dkim.util import parse_tag_value

SUPPORTED = {b"rsa-sha1": (b"rsa", b"sha1"),
             b"rsa-sha256": (b"rsa", b"sha256"),
             b"ed25519-sha256": (b"ed25519", b"sha256")}


# ---------------------------------------------------------------- key file

def parse_key_value(text):
    """Value part of a key-file line: bare text or "quoted" "TXT" chunks,
    then an optional # comment. Chunks are concatenated as DNS does."""
    chunks, bare, i, quoted = [], [], 0, False
    while i < len(text):
        c = text[i]
        if c == '"':
            j = text.index('"', i + 1)
            chunks.append(text[i + 1:j])
            quoted = True
            i = j + 1
            continue
        if c == "#":
            break
        if not quoted:
            bare.append(c)
        i += 1
    return "".join(chunks) if quoted else "".join(bare).strip()


def load_keys(path):
    """{name (lower case, no final dot): [record text, ...]} in file order."""
    keys = {}
    for line in Path(path).read_text(encoding="ascii").splitlines():
        s = line.strip()
        if not s or s.startswith("#"):
            continue
        parts = s.split(None, 1)
        name = parts[0].lower().rstrip(".")
        value = parse_key_value(parts[1]) if len(parts) > 1 else ""
        keys.setdefault(name, []).append(value)
    return keys


# ---------------------------------------------------------------- messages

def to_crlf(data):
    return re.sub(rb"\r?\n", b"\r\n", data)


def split_mboxrd(data):
    """Messages of an mboxrd file, unquoted, with LF line ends. Each message
    is followed by one blank line, which is not part of it."""
    starts = [m.start() for m in re.finditer(rb"^From ", data, re.M)]
    out = []
    for k, s in enumerate(starts):
        e = starts[k + 1] if k + 1 < len(starts) else len(data)
        chunk = data[data.index(b"\n", s) + 1:e]
        if chunk.endswith(b"\n\n"):
            chunk = chunk[:-1]
        chunk = re.sub(rb"^>(>*From )", rb"\1", chunk, flags=re.M)
        out.append(chunk)
    return out


def iter_messages(data_dir):
    """(label, index or None, raw bytes) for every message under data/dkim."""
    data_dir = Path(data_dir)
    dk = data_dir / "dkim" if (data_dir / "dkim").is_dir() else data_dir
    prefix = dk.name
    for p in sorted(dk.glob("*.eml")):
        yield "%s/%s" % (prefix, p.name), None, p.read_bytes()
    for p in sorted((dk / "mbox").glob("*.mbox")):
        for i, m in enumerate(split_mboxrd(p.read_bytes())):
            yield "%s/mbox/%s" % (prefix, p.name), i, m


def message_id(raw):
    m = re.search(rb"^Message-ID:\s*<([^>]*)>", raw, re.I | re.M)
    return m.group(1).decode("ascii") if m else "-"


# ---------------------------------------------------------------- verify

def _within(identity, domain):
    host = identity.rsplit(b"@", 1)[-1].lower()
    domain = domain.lower()
    return host == domain or host.endswith(b"." + domain)


def _with_record(msg, idx, tags, name, rec):
    """Verify signature idx against one key record.
    Returns (result, reason, weak)."""
    try:
        kt = parse_tag_value(rec.encode("ascii"))
    except Exception:
        return "invalid", "malformed key", False
    p = kt.get(b"p")
    if p is not None and re.sub(rb"\s+", b"", p) == b"":
        return "invalid", "key revoked", False
    ktype, khash = SUPPORTED[tags[b"a"]]
    if kt.get(b"k", b"rsa").strip().lower() != ktype:
        return "invalid", "key type does not match the algorithm", False
    if b"h" in kt:
        allowed = [h.strip().lower() for h in kt[b"h"].split(b":")]
        if khash not in allowed:
            return "invalid", "hash not allowed by the key record", False
    try:
        dkim.evaluate_pk(name, rec)
    except Exception:
        return "invalid", "malformed key", False
    d = dkim.DKIM(msg, minkey=512)
    try:
        ok = d.verify(idx=idx, dnsfunc=lambda _name, timeout=5: rec)
    except dkim.ValidationError as e:
        if str(e).startswith("body hash mismatch"):
            return "fail", "body hash mismatch", False
        return "invalid", "dkimpy: %s" % e, False
    except Exception as e:  # dkimpy raising on a bad key or signature
        return "invalid", "dkimpy: %s: %s" % (type(e).__name__, e), False
    if not ok:
        return "fail", "signature mismatch", False
    return "pass", "", ktype == b"rsa" and d.keysize < 1024


def check_signature(msg, idx, keys):
    """One signature of a CRLF message, as a dict in dkim.json's vocabulary
    (plus 'key_record' when the selector has several records)."""
    d = dkim.DKIM(msg)
    sigs = [v for n, v in d.headers if n.lower() == b"dkim-signature"]
    out = {"domain": "", "selector": "", "algorithm": "",
           "canonicalization": "", "result": "invalid", "reason": "",
           "weak": False, "unsigned_bytes": 0}
    try:
        tags = parse_tag_value(sigs[idx])
    except Exception:
        out["reason"] = "malformed signature"
        return out
    get = lambda t: tags.get(t, b"").decode("ascii", "replace")
    c = tags.get(b"c", b"simple/simple")
    if b"/" not in c:
        c += b"/simple"
    out.update(domain=get(b"d"), selector=get(b"s"), algorithm=get(b"a"),
               canonicalization=c.decode("ascii", "replace"))
    for t in (b"v", b"a", b"b", b"bh", b"d", b"h", b"s"):
        if t not in tags:
            out["reason"] = "malformed signature: no %s= tag" % t.decode()
            return out
    if tags[b"a"] not in SUPPORTED:
        out["reason"] = "unsupported algorithm %s" % get(b"a")
        return out
    if b"i" in tags and not _within(tags[b"i"], tags[b"d"]):
        out["reason"] = "i= not within d="
        return out
    if b"l" in tags:
        try:
            body = CanonicalizationPolicy.from_c_value(c).canonicalize_body(d.body)
            out["unsigned_bytes"] = max(0, len(body) - int(tags[b"l"]))
        except Exception:
            pass
    name = "%s._domainkey.%s" % (get(b"s"), get(b"d"))
    records = keys.get(name.lower())
    if not records:
        out.update(result="nokey", reason="no key for %s" % name)
        return out
    tried = [_with_record(msg, idx, tags, name, r) for r in records]
    best = next((i for i, t in enumerate(tried) if t[0] == "pass"), 0)
    result, reason, weak = tried[best]
    out.update(result=result, reason=reason, weak=weak)
    if len(records) > 1:
        out["key_record"] = best + 1
    return out


def verdict_of(results):
    if not results:
        return "none"
    for r in ("pass", "fail", "nokey"):
        if r in results:
            return r
    return "invalid"


def check_message(raw, keys):
    """(verdict, [signature dicts]) for one message (LF or CRLF bytes)."""
    msg = to_crlf(raw)
    d = dkim.DKIM(msg)
    n = len([1 for name, _ in d.headers if name.lower() == b"dkim-signature"])
    sigs = [check_signature(msg, i, keys) for i in range(n)]
    return verdict_of([s["result"] for s in sigs]), sigs


def verdict_class(verdict):
    return verdict if verdict in ("pass", "none") else "notpass"


def main(argv):
    if len(argv) != 3:
        print("usage: dkim_crosscheck.py DATA_DIR KEYFILE", file=sys.stderr)
        return 2
    keys = load_keys(argv[2])
    for label, index, raw in iter_messages(argv[1]):
        verdict, _ = check_message(raw, keys)
        where = label if index is None else "%s#%d" % (label, index)
        print("%s %s %s" % (where, message_id(raw), verdict_class(verdict)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
