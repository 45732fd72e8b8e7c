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
  * a key record without p= (an empty TXT record too) is no key (3.6.1:
    p= is required): dkimpy reports a key format error;
  * the minimum key size is 512 bits (dkimpy's default is 1024): a 512-bit
    key verifies and is reported "weak" by leakdex, not rejected;
  * a signature without v=, or with v=0.5, is a pre-RFC draft's; From must
    be in h= (5.4); t= and x= are 1*12DIGIT and x= is not before t= (3.5);
    q= names dns/txt (3.5): dkimpy raises on some of these, skips others;
  * more From fields than h= covers fail (8.15): dkimpy signs the extra
    one in as well, and fails with a signature mismatch;
  * a message of an mbox is verified with its mboxrd quoting undone and,
    when that does not verify, as stored (a reader cannot know which
    ">From " lines the mbox writer added): that is reading the mbox, not
    DKIM.
Where leakdex and this verifier still disagree, the reason is in
DISAGREEMENTS below, with its RFC section; T201 fails on any other.

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

# Where leakdex and dkimpy (with this script's additions) disagree, on
# purpose: file[#index] -> (dkimpy's class, leakdex's class, RFC section,
# why). T201 expects exactly these disagreements; gen-dkim.py --check too.
DISAGREEMENTS = {
    "dkim/065-expired.eml": (
        "notpass", "pass", "RFC 6376 3.5 (x=)",
        "x= is long past: dkimpy rejects an expired signature (the RFC allows it, "
        "\"Signatures MAY be considered invalid\"); leakdex verifies an archive years "
        "after the mail was sent, so it records x= and never enforces it"),
    "dkim/066-identity-quoted-printable.eml": (
        "notpass", "pass", "RFC 6376 2.11, 3.5 (i=)",
        "i=@news=2Edkim=2Eexample: i= is dkim-quoted-printable, and decoded it is "
        "@news.dkim.example, within d=; dkimpy compares the undecoded text with d="),
}

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
    """Messages of an mboxrd file as (unquoted, as stored), with LF line
    ends. Each message is followed by one blank line, which is not part of
    it."""
    starts = [m.start() for m in re.finditer(rb"^From ", data, re.M)]
    out = []
    for k, s in enumerate(starts):
        e = starts[k + 1] if k + 1 < len(starts) else len(data)
        chunk = data[data.index(b"\n", s) + 1:e]
        if chunk.endswith(b"\n\n"):
            chunk = chunk[:-1]
        out.append((re.sub(rb"^>(>*From )", rb"\1", chunk, flags=re.M), chunk))
    return out


def iter_messages(data_dir):
    """(label, index or None, raw bytes, bytes as stored or None) for every
    message under data/dkim: the stored bytes of an mbox message keep its
    quoting."""
    data_dir = Path(data_dir)
    dk = data_dir / "dkim" if (data_dir / "dkim").is_dir() else data_dir
    prefix = dk.name
    for p in sorted(dk.glob("*.eml")):
        yield "%s/%s" % (prefix, p.name), None, p.read_bytes(), None
    for p in sorted((dk / "mbox").glob("*.mbox")):
        for i, (m, stored) in enumerate(split_mboxrd(p.read_bytes())):
            yield "%s/mbox/%s" % (prefix, p.name), i, m, stored


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
    if p is None:
        return "nokey", "", False
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


def check_signature(msg, idx, keys, stored=None):
    """One signature of a CRLF message, as a dict in dkim.json's vocabulary
    (plus 'key_record' when the selector has several records). stored: the
    message as stored in its mbox, when that differs (CRLF)."""
    d = dkim.DKIM(msg)
    sigs = [v for n, v in d.headers if n.lower() == b"dkim-signature"]
    out = {"domain": "", "selector": "", "algorithm": "",
           "canonicalization": "", "result": "invalid", "reason": "",
           "weak": False, "unsigned_bytes": 0, "mbox_form": ""}
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
    if tags.get(b"v") in (None, b"0.5"):
        out["reason"] = "pre-RFC 6376 draft signature"
        return out
    if tags[b"v"] != b"1":
        out["reason"] = "unsupported version v=%s" % get(b"v")
        return out
    for t in (b"a", b"b", b"bh", b"d", b"h", b"s"):
        if t not in tags:
            out["reason"] = "malformed signature: no %s= tag" % t.decode()
            return out
    for t in (b"t", b"x"):
        if t in tags and not re.fullmatch(rb"\d{1,12}", tags[t]):
            out["reason"] = "malformed signature: bad %s= tag" % t.decode()
            return out
    if b"t" in tags and b"x" in tags and int(tags[b"x"]) < int(tags[b"t"]):
        out["reason"] = "x= earlier than t="
        return out
    if b"q" in tags and b"dns/txt" not in re.split(rb"\s*:\s*", tags[b"q"]):
        out["reason"] = "unsupported query method q=%s" % get(b"q")
        return out
    if tags[b"a"] not in SUPPORTED:
        out["reason"] = "unsupported algorithm %s" % get(b"a")
        return out
    signed = [x.lower() for x in re.split(rb"\s*:\s*", tags[b"h"].strip())]
    if b"from" not in signed:
        out["reason"] = "From is not signed"
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
    forms = [(msg, "unquoted" if stored else "")] + ([(stored, "stored")] if stored else [])
    tried = []
    for body_form, form in forms:
        results = [_with_record(body_form, idx, tags, name, r) for r in records or []]
        tried = [(t, form) for t in results if t[0] != "nokey"]
        if any(t[0][0] == "pass" for t in tried):
            break
    if not tried:
        out.update(result="nokey", reason="no key for %s" % name)
        return out
    best = next((i for i, t in enumerate(tried) if t[0][0] == "pass"), 0)
    (result, reason, weak), form = tried[best]
    if result == "pass" or (result, reason) == ("fail", "signature mismatch"):
        froms = [n for n, _ in d.headers if n.lower() == b"from"]
        if len(froms) > signed.count(b"from"):
            result, reason, weak = "fail", "an unsigned From was added", False
    out.update(result=result, reason=reason, weak=weak,
               mbox_form=form if result == "pass" else "")
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


def check_message(raw, keys, stored=None):
    """(verdict, [signature dicts]) for one message (LF or CRLF bytes);
    stored: the same message as stored in an mbox (quoting kept), or None."""
    msg = to_crlf(raw)
    stored = to_crlf(stored) if stored is not None and stored != raw else None
    d = dkim.DKIM(msg)
    n = len([1 for name, _ in d.headers if name.lower() == b"dkim-signature"])
    sigs = [check_signature(msg, i, keys, stored) for i in range(n)]
    return verdict_of([s["result"] for s in sigs]), sigs


def verdict_class(verdict):
    return verdict if verdict in ("pass", "none") else "notpass"


def main(argv):
    if len(argv) != 3:
        print("usage: dkim_crosscheck.py DATA_DIR KEYFILE", file=sys.stderr)
        return 2
    keys = load_keys(argv[2])
    for label, index, raw, stored in iter_messages(argv[1]):
        verdict, _ = check_message(raw, keys, stored)
        where = label if index is None else "%s#%d" % (label, index)
        print("%s %s %s" % (where, message_id(raw), verdict_class(verdict)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
