#!/usr/bin/python3
"""gen-dkim.py - writes the DKIM test corpus data/dkim/, its key file
data/dkim-keys.txt and its expectations tests/e2e/dkim.json.

Run it with Debian's interpreter, which has python3-dkim (dkimpy) and
python3-nacl:

    /usr/bin/python3 tests/tools/gen-dkim.py          # rewrites data/dkim/*.eml, data/dkim/mbox/, the key file, dkim.json
    /usr/bin/python3 tests/tools/gen-dkim.py --check  # writes nothing; verifies everything (see check())

Keys are made once (RSA in pure Python with the secrets module, Ed25519
with nacl) and kept in tests/tools/dkim-keys/; later runs reuse them, and since
RSA PKCS#1 v1.5 and Ed25519 signatures are deterministic and every t= is
fixed (dkimpy's clock is replaced while signing), a re-run rewrites the
same bytes. Messages are signed with dkimpy over their CRLF form and
written with LF line ends (except data/dkim/045-crlf.eml). Every expected
verdict in dkim.json comes from construction; --check then verifies it
with dkimpy through tests/e2e/dkim_crosscheck.py.

Standard library + dkim + nacl only.
"""

import argparse
import base64
import contextlib
import datetime
import email
import email.policy
import email.utils
import importlib.util
import json
import math
import re
import secrets
import subprocess
import sys
import types
import unicodedata
from pathlib import Path

try:
    import dkim
except ImportError:
    sys.exit("%s: needs dkimpy (Debian python3-dkim): run it with /usr/bin/python3" % sys.argv[0])
import nacl.encoding
import nacl.signing
from dkim.canonicalization import CanonicalizationPolicy
from dkim.crypto import HASH_ALGORITHMS, parse_pem_private_key

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "data"
OUT_DIR = DATA / "dkim"
KEY_DIR = ROOT / "tests" / "tools" / "dkim-keys"
MBOX_PATH = OUT_DIR / "mbox" / "signed.mbox"
KEYFILE = DATA / "dkim-keys.txt"
JSON_PATH = ROOT / "tests" / "e2e" / "dkim.json"
CROSSCHECK = ROOT / "tests" / "e2e" / "dkim_crosscheck.py"

NEWS = "news.dkim.example"
MAIRIE = "mairie.dkim.example"
PARENT = "dkim.example"
OTHER = "other.example"
VICTIM = "victim.example"
ATTACKER = "attacker.example"
# Domains of the forgeries (051-068): a sender's domain, an attacker's, and
# an address an attacker writes in.
FORGERY_DOMAINS = (VICTIM, ATTACKER, "gov.example")
# A sender's domain in Unicode, written in its ASCII (punycode) form.
IDN = "xn--bcher-kva.example"  # bücher.example

GAZETTE = "La Gazette du Canal <gazette@news.dkim.example>"
MAIRIE_FROM = "Mairie de Valbois <accueil@mairie.dkim.example>"
READER = "Claude Renaud <c.renaud@other.example>"
LIST = "Liste des abonnes <abonnes@other.example>"

# Words and addresses planted in the sample archive (data/README.md) and
# words its tests expect to match nothing: none may appear here, in any
# case or accentuation (compared after removing accents).
BANNED = [
    "zeppelin", "budget", "budg", "previsionnel", "reunion", "orchidee",
    "tournesol", "lyon", "deplacement", "scriptonly", "styleonly", "alice",
    "martin", "lefevre", "berenice", "candidat", "meeting", "elysee",
    "search", "show", "presse@presse-exemple.fr", "presse-exemple",
    "telephonique", "delegation", "from the campaign office",
    "quoted twice", "nosuchword",
]

# ---------------------------------------------------------------- keys

RSA_KEYS = {  # file stem -> bits
    "s2048": 2048, "s1024": 1024, "weak512": 512,
    "rot-old": 2048, "rot": 2048, "wrong": 2048, "other": 2048,
}
ED_KEYS = ["ed1"]

_SMALL_PRIMES = [p for p in range(3, 2000) if all(p % q for q in range(2, int(p ** 0.5) + 1))]


def _probable_prime(n):
    for p in _SMALL_PRIMES:
        if n % p == 0:
            return n == p
    d, s = n - 1, 0
    while d % 2 == 0:
        d //= 2
        s += 1
    for _ in range(40):
        x = pow(secrets.randbelow(n - 3) + 2, d, n)
        if x in (1, n - 1):
            continue
        for _ in range(s - 1):
            x = pow(x, 2, n)
            if x == n - 1:
                break
        else:
            return False
    return True


def _prime(bits, e):
    while True:
        n = secrets.randbits(bits) | (3 << (bits - 2)) | 1
        if (n - 1) % e and _probable_prime(n):
            return n


def _der(tag, content):
    n = len(content)
    if n < 0x80:
        ln = bytes([n])
    else:
        b = n.to_bytes((n.bit_length() + 7) // 8, "big")
        ln = bytes([0x80 | len(b)]) + b
    return bytes([tag]) + ln + content


def _der_int(v):
    return _der(0x02, v.to_bytes(v.bit_length() // 8 + 1, "big"))


def rsa_generate_pem(bits, e=65537):
    """A new RSA key as a PKCS#1 PEM (what dkimpy and openssl read)."""
    while True:
        p, q = _prime(bits - bits // 2, e), _prime(bits // 2, e)
        n = p * q
        if p != q and n.bit_length() == bits:
            break
    if p < q:
        p, q = q, p
    lam = (p - 1) * (q - 1) // math.gcd(p - 1, q - 1)
    d = pow(e, -1, lam)
    der = _der(0x30, b"".join(_der_int(x) for x in
                              (0, n, e, d, p, q, d % (p - 1), d % (q - 1), pow(q, -1, p))))
    b64 = base64.b64encode(der).decode("ascii")
    lines = [b64[i:i + 64] for i in range(0, len(b64), 64)]
    return ("-----BEGIN RSA PRIVATE KEY-----\n" + "\n".join(lines) +
            "\n-----END RSA PRIVATE KEY-----\n").encode("ascii")


def rsa_spki_b64(pem):
    """p= value: base64 of the DER SubjectPublicKeyInfo."""
    k = parse_pem_private_key(pem)
    rsa_oid = bytes.fromhex("2a864886f70d010101")  # 1.2.840.113549.1.1.1
    alg = _der(0x30, _der(0x06, rsa_oid) + b"\x05\x00")
    pub = _der(0x30, _der_int(k["modulus"]) + _der_int(k["publicExponent"]))
    return base64.b64encode(_der(0x30, alg + _der(0x03, b"\x00" + pub))).decode("ascii")


def ed_public_b64(seed_b64):
    sk = nacl.signing.SigningKey(seed_b64.strip(), encoder=nacl.encoding.Base64Encoder)
    return base64.b64encode(sk.verify_key.encode()).decode("ascii")


def load_keys(create):
    """{stem: private key bytes as dkimpy takes them}. Creates missing keys
    only when `create` is true (never under --check)."""
    keys = {}
    for stem, bits in RSA_KEYS.items():
        p = KEY_DIR / (stem + ".pem")
        if not p.exists():
            if not create:
                sys.exit("missing key %s (run without --check once)" % p)
            KEY_DIR.mkdir(parents=True, exist_ok=True)
            p.write_bytes(rsa_generate_pem(bits))
            print("generated", p.relative_to(ROOT))
        keys[stem] = p.read_bytes()
        got = parse_pem_private_key(keys[stem])["modulus"].bit_length()
        assert got == bits, (stem, got)
    for stem in ED_KEYS:
        p = KEY_DIR / (stem + ".key")
        if not p.exists():
            if not create:
                sys.exit("missing key %s (run without --check once)" % p)
            KEY_DIR.mkdir(parents=True, exist_ok=True)
            seed = nacl.signing.SigningKey.generate().encode()
            p.write_bytes(base64.b64encode(seed) + b"\n")
            print("generated", p.relative_to(ROOT))
        keys[stem] = p.read_bytes().strip()
    return keys


def quoted_chunks(*chunks):
    return " ".join('"%s"' % c for c in chunks)


def key_file_text(keys):
    s2048 = rsa_spki_b64(keys["s2048"])
    rot_new = rsa_spki_b64(keys["rot"])
    ed1 = ed_public_b64(keys["ed1"])
    broken = s2048[:80]  # a key record cut short: valid base64, truncated DER
    rows = [
        "# leakdex DKIM key file for data/dkim (fictional test keys; see data/README.md).",
        "# One record a line: NAME  VALUE, where VALUE is the TXT text, bare or as",
        "# quoted DNS chunks (concatenated without separators). '#' starts a comment.",
        "",
        "# news.dkim.example: the keys that verify",
        "s2048._domainkey.news.dkim.example  " +
        quoted_chunks("v=DKIM1; k=rsa; ", "p=" + s2048[:200], s2048[200:]) +
        "  # source: DNS snapshot 2019-05-01",
        "s1024._domainkey.news.dkim.example  v=DKIM1; k=rsa; p=%s  # source: DNS snapshot 2019-05-01"
        % rsa_spki_b64(keys["s1024"]),
        "ed1._domainkey.news.dkim.example  v=DKIM1; k=ed25519; p=%s" % ed1,
        "# 512 bits: verifies, but leakdex reports it as weak",
        "weak512._domainkey.news.dkim.example  v=DKIM1; k=rsa; p=%s" % rsa_spki_b64(keys["weak512"]),
        "",
        "# key rotation: two records for one selector; the first (old key) no longer",
        "# verifies anything, the second does",
        "rot._domainkey.news.dkim.example  v=DKIM1; k=rsa; p=%s  # source: DNS snapshot 2019-01-15"
        % rsa_spki_b64(keys["rot-old"]),
        "rot._domainkey.news.dkim.example  " +
        quoted_chunks("v=DKIM1; k=rsa; p=" + rot_new[:240], rot_new[240:]) +
        "  # source: DNS snapshot 2019-05-01",
        "",
        "# records that must not verify",
        "wrong._domainkey.news.dkim.example  v=DKIM1; k=rsa; p=%s" % rsa_spki_b64(keys["wrong"]),
        "edonly._domainkey.news.dkim.example  v=DKIM1; k=ed25519; p=%s" % ed1,
        "sha256only._domainkey.news.dkim.example  v=DKIM1; k=rsa; h=sha256; p=%s" % s2048,
        "broken._domainkey.news.dkim.example  v=DKIM1; k=rsa; p=%s" % broken,
        "revoked._domainkey.mairie.dkim.example  v=DKIM1; k=rsa; p=  # source: DNS snapshot 2019-06-12",
        "# missing._domainkey.news.dkim.example has no record on purpose",
        "",
        "# other.example: the second signer of the two-signature messages",
        "mx._domainkey.other.example  v=DKIM1; k=rsa; p=%s" % rsa_spki_b64(keys["other"]),
        "",
        "# dkim.example signs for its subdomains' senders (relaxed alignment)",
        "s2048._domainkey.dkim.example  v=DKIM1; k=rsa; p=%s" % s2048,
        "",
        "# the forgeries: a victim's domain and an attacker's, each with a key of its own",
        "k1._domainkey.victim.example  v=DKIM1; k=rsa; p=%s" % rsa_spki_b64(keys["other"]),
        "k1._domainkey.attacker.example  v=DKIM1; k=rsa; p=%s" % rsa_spki_b64(keys["wrong"]),
        "# a domain name in Unicode, in its ASCII (punycode) form",
        "k1._domainkey.xn--bcher-kva.example  v=DKIM1; k=rsa; p=%s" % rsa_spki_b64(keys["other"]),
        "",
        "# key records at the edges of RFC 6376 3.6.1",
        "# an empty TXT record, and one without p=: no key (nokey)",
        'emptytxt._domainkey.news.dkim.example  ""',
        "nop._domainkey.news.dkim.example  v=DKIM1; k=rsa",
        "# an unknown tag whose name has a '-', and RFC 4871's g= (gone from RFC 6376):",
        "# both ignored",
        "future._domainkey.news.dkim.example  v=DKIM1; k=rsa; x-future=1; p=%s" % s2048,
        "granular._domainkey.news.dkim.example  v=DKIM1; g=nobody; k=rsa; p=%s" % s2048,
    ]
    return ("\n".join(rows) + "\n").encode("ascii")


# ---------------------------------------------------------------- dates

def date_for(n):
    """Date of message number n: a different UTC day of 2019 for each n,
    local time 08:00-17:59 in Paris (so the UTC day is the local day).
    Messages 1-50 every sixth day from 3 January, the later ones every
    sixth day from 4 January."""
    if n <= 50:
        day = datetime.date(2019, 1, 3) + datetime.timedelta(days=6 * (n - 1))
    else:
        day = datetime.date(2019, 1, 4) + datetime.timedelta(days=6 * (n - 51))
    dst = datetime.date(2019, 3, 31) <= day < datetime.date(2019, 10, 27)
    tz = datetime.timezone(datetime.timedelta(hours=2 if dst else 1))
    return datetime.datetime(day.year, day.month, day.day,
                             8 + (n * 7) % 10, (n * 17) % 60, 0, tzinfo=tz)


def date_header(dt):
    return email.utils.format_datetime(dt)


def from_line_date(dt):
    u = dt.astimezone(datetime.timezone.utc)
    return u.strftime("%a %b %d %H:%M:%S %Y")


# ---------------------------------------------------------------- signing

@contextlib.contextmanager
def frozen_clock(t):
    """dkimpy writes t=int(time.time()): give it a fixed clock, for dkim only."""
    saved = dkim.time
    dkim.time = types.SimpleNamespace(time=lambda: t)
    try:
        yield
    finally:
        dkim.time = saved


def crlf(b):
    assert b"\r" not in b
    return b.replace(b"\n", b"\r\n")


def lf(b):
    out = b.replace(b"\r\n", b"\n")
    assert b"\r" not in out
    return out


def present_headers(msg):
    return [n.decode().lower() for n, _ in dkim.rfc822_parse(msg)[0]]


def default_h(msg):
    want = ["from", "to", "subject", "date", "message-id", "mime-version",
            "content-type", "content-transfer-encoding"]
    have = present_headers(msg)
    return [h for h in want if h in have]


class Signer:
    def __init__(self, keys):
        self.keys = keys

    def sign(self, msg, key, selector, domain, t, algo="rsa-sha256",
             canon="relaxed/relaxed", h=None, length=False, allow=()):
        """Prepend a DKIM-Signature made by dkimpy to a CRLF message."""
        d = dkim.DKIM(msg)
        for name in allow:
            d.should_not_sign.discard(name.encode())
        h = h or default_h(msg)
        with frozen_clock(t):
            sig = d.sign(selector.encode(), domain.encode(), self.keys[key],
                         signature_algorithm=algo.encode(),
                         canonicalize=tuple(canon.encode().split(b"/")),
                         include_headers=[x.encode() for x in h], length=length)
        return sig + msg

    def sign_fields(self, msg, key, selector, domain, t, identity=None,
                    drop=(), algo="rsa-sha256", canon="relaxed/relaxed", tags=()):
        """Hand-made signature through dkimpy's own header signer, for
        tags dkimpy.sign refuses (an i= outside d=, a q= other than
        dns/txt, a t= that is no number...) or a missing tag. `tags`
        replaces the values of tags (or adds tags), in order.
        b= is a correct signature over the header as written."""
        d = dkim.DKIM(msg)
        d.signature_algorithm = algo.encode()
        d.hasher = HASH_ALGORITHMS[algo.encode()]
        policy = CanonicalizationPolicy.from_c_value(canon.encode())
        bh = base64.b64encode(d.hasher(policy.canonicalize_body(d.body)).digest())
        h = tuple(x.encode() for x in default_h(msg))
        fields = [
            (b"v", b"1"), (b"a", algo.encode()), (b"c", canon.encode()),
            (b"d", domain.encode()), (b"i", (identity or "@" + domain).encode()),
            (b"q", b"dns/txt"), (b"s", selector.encode()),
            (b"t", str(t).encode()), (b"h", b" : ".join(h)),
            (b"bh", bh), (b"b", b"0" * 60)]
        for name, value in tags:
            names = [f[0].decode() for f in fields]
            if name in names:
                fields[names.index(name)] = (name.encode(), value.encode())
            else:
                fields.insert(len(fields) - 2, (name.encode(), value.encode()))
        fields = [f for f in fields if f[0].decode() not in drop]
        pk = parse_pem_private_key(self.keys[key])
        return b"DKIM-Signature: " + d.gen_header(fields, h, policy, b"DKIM-Signature", pk) + msg


def canon_body_len(msg, canon):
    body = dkim.rfc822_parse(msg)[1]
    return len(CanonicalizationPolicy.from_c_value(canon.encode()).canonicalize_body(body))


def replace_once(msg, old, new):
    assert msg.count(old) == 1, (old, msg.count(old))
    return msg.replace(old, new)


def flip_b(msg, nth_sig=0, pos=40):
    """Change one base64 character of the b= value of the nth DKIM-Signature
    (0 = top): still valid base64, no longer the signature."""
    starts = [m.start() for m in re.finditer(rb"^DKIM-Signature:", msg, re.M)]
    s = starts[nth_sig]
    e = re.compile(rb"\r\n(?![ \t])").search(msg, s).end()
    head = msg[s:e]
    m = re.search(rb"[; \t]b=", head)
    i, seen = m.end(), 0
    while True:
        c = head[i:i + 1]
        if re.match(rb"[A-Za-z0-9+/]", c):
            if seen == pos:
                break
            seen += 1
        i += 1
    new = b"B" if c == b"A" else b"A"
    return msg[:s] + head[:i] + new + head[i + 1:] + msg[e:]


# ---------------------------------------------------------------- messages

PLAIN = "text/plain; charset=us-ascii"
UTF8 = "text/plain; charset=UTF-8"


def compose(n, subject, body, mid=None, sender=GAZETTE, to=READER,
            ctype=PLAIN, cte=None, before=(), date=None):
    """LF message bytes. `subject` is the raw header text (may be folded)."""
    mid = mid or "dk-%03d@dkim.example" % n
    rows = list(before) + [
        "From: " + sender, "To: " + to, "Subject: " + subject,
        "Date: " + (date or date_header(date_for(n))),
        "Message-ID: <%s>" % mid, "MIME-Version: 1.0", "Content-Type: " + ctype]
    if cte:
        rows.append("Content-Transfer-Encoding: " + cte)
    head = "\n".join(rows) + "\n\n"
    return head.encode("ascii") + body.encode("utf-8")


def stamp(n):
    """t= value: 42 s after the message's Date."""
    return int(date_for(n).timestamp()) + 42


def S(domain, selector, algorithm, canon, result="pass", reason="", weak=False,
      unsigned=0, key_record=None, form=""):
    """One signature's expected result. form: for a message of an mbox with
    ">From " quoting, which form of its body verified ("unquoted" or
    "stored"; "" otherwise)."""
    d = {"domain": domain, "selector": selector, "algorithm": algorithm,
         "canonicalization": canon, "result": result, "reason": reason,
         "weak": weak, "unsigned_bytes": unsigned, "mbox_form": form}
    if key_record is not None:
        d["key_record"] = key_record
    return d


def verdict_of(sigs):
    results = [s["result"] for s in sigs]
    if not results:
        return "none"
    for r in ("pass", "fail", "nokey"):
        if r in results:
            return r
    return "invalid"


# Body of the algorithm x canonicalization messages: inner runs of spaces,
# a tab, trailing spaces and trailing blank lines, so that "simple" and
# "relaxed" give different canonical bodies.
def table_body(topic, algo, canon):
    return (
        "Bonjour,\n"
        "\n"
        "Les horaires de la semaine pour %s :\n"
        "\n"
        "Jour\tOuverture   Fermeture\n"
        "Mardi\t9h30        18h00  \n"
        "Samedi\t10h00       17h00\t\n"
        "\n"
        "Cas de test : %s, c=%s.\n"
        "\n"
        "-- \n"
        "La Gazette du Canal\n"
        "\n"
        "\n" % (topic, algo, canon))


TOPICS = ["la piscine du Port", "la ludothèque", "le jardin partagé",
          "la halle aux grains", "l'atelier vélo", "le musée de la batellerie",
          "la patinoire", "le centre nautique", "la médiathèque",
          "le marché couvert", "la ressourcerie", "l'observatoire"]


def build(keys):
    """Every entry, in file order: dicts with file, index (mbox only),
    message_id, data (bytes as stored: the whole file, or the message
    inside the mbox before quoting), verdict, signatures, case."""
    sg = Signer(keys)
    entries = []

    def add(n, slug, msg, sigs, case, crlf_file=False, file=None, verified=None, reason="",
            unsigned=(), odd=False, signed_text=None):
        """verified: "yes", "partial" or "no" (default: yes when a signature
        passes); reason: why only partial; unsigned: the shown fields the
        signature behind it leaves unsigned; signed_text: the bytes of body
        text the signature covers when l= leaves text unsigned; odd: the
        message is malformed on purpose (repeated or missing fields, a date
        outside 2019)."""
        mid = re.search(rb"^Message-ID: <([^>]+)>", msg, re.M)
        verdict = verdict_of(sigs)
        entries.append({
            "file": file or "dkim/%03d-%s.eml" % (n, slug),
            "message_id": mid.group(1).decode() if mid else "",
            "data": msg if crlf_file else lf(msg),
            "verdict": verdict, "signatures": sigs, "case": case,
            "verified": verified or ("yes" if verdict == "pass" else "no"),
            "verified_reason": reason, "unsigned_headers": list(unsigned), "odd": odd})
        if signed_text is not None:
            entries[-1]["signed_text"] = signed_text

    # 1. algorithm x canonicalization (001-012)
    n = 0
    for algo, key, sel in (("rsa-sha256", "s2048", "s2048"),
                           ("rsa-sha1", "s1024", "s1024"),
                           ("ed25519-sha256", "ed1", "ed1")):
        for canon in ("simple/simple", "simple/relaxed", "relaxed/simple", "relaxed/relaxed"):
            n += 1
            # accented topic words need UTF-8; keep the ASCII ones us-ascii
            topic = TOPICS[n - 1]
            is_ascii = topic.isascii()
            m = compose(n, "Horaires de la semaine  (%s, %s)" % (algo, canon),
                        table_body(topic, algo, canon),
                        to="  " + READER,  # leading spaces: relaxed header canon drops them
                        ctype=PLAIN if is_ascii else UTF8,
                        cte=None if is_ascii else "8bit")
            m = sg.sign(crlf(m), key, sel, NEWS, stamp(n), algo, canon)
            add(n, "%s-%s" % (algo, canon.replace("/", "-")), m,
                [S(NEWS, sel, algo, canon)], "%s c=%s" % (algo, canon))

    # 2. l= body length (013-015)
    n = 13
    body = ("Bonjour,\n\nLe numéro de juin est en ligne : dossier sur les écluses,\n"
            "agenda des fêtes de quartier et petites annonces.\n\n"
            "La Gazette du Canal\n")
    m = crlf(compose(n, "Le numero de juin", body, to=LIST, ctype=UTF8, cte="8bit"))
    m = sg.sign(m, "s2048", "s2048", NEWS, stamp(n), canon="relaxed/relaxed", length=True)
    before = canon_body_len(m, "relaxed/relaxed")
    m += crlf("\n-- \nListe de diffusion abonnes@other.example : pour ne plus recevoir\n"
              "ces messages, écrire à quitter@other.example  \n".encode("utf-8"))
    added = canon_body_len(m, "relaxed/relaxed") - before
    add(n, "length-appended-relaxed", m,
        [S(NEWS, "s2048", "rsa-sha256", "relaxed/relaxed", unsigned=added)],
        "l= signed length, list footer appended after signing (relaxed)",
        verified="partial", reason="%d bytes after the signed part were added" % added,
        signed_text=len(body.encode("utf-8")))

    n = 14
    body = "Hello,\n\nThe June issue is online.\n\nThe Canal Gazette\n"
    m = crlf(compose(n, "The June issue", body, to=LIST))
    m = sg.sign(m, "s2048", "s2048", NEWS, stamp(n), canon="simple/simple", length=True)
    before = canon_body_len(m, "simple/simple")
    m += crlf(b"\n_______________________________________________\n"
              b"abonnes mailing list\nabonnes@other.example\n")
    added = canon_body_len(m, "simple/simple") - before
    add(n, "length-appended-simple", m,
        [S(NEWS, "s2048", "rsa-sha256", "simple/simple", unsigned=added)],
        "l= signed length, list footer appended after signing (simple)",
        verified="partial", reason="%d bytes after the signed part were added" % added,
        signed_text=len(body.encode("utf-8")))

    n = 15
    body = "Hello,\n\nNothing was added to this message after signing.\n\nThe Canal Gazette\n\n\n"
    m = crlf(compose(n, "Signed length, nothing appended", body))
    m = sg.sign(m, "s2048", "s2048", NEWS, stamp(n), canon="relaxed/simple", length=True)
    add(n, "length-exact", m, [S(NEWS, "s2048", "rsa-sha256", "relaxed/simple")],
        "l= equal to the whole body")

    # 3. folded, repeated and over-signed headers (016-019)
    folded = ("Agenda of the week: towpath works, new opening hours of the\n"
              " public baths, evening courses at the music school and the\n"
              " Saturday flea market near the old lock")
    for n, canon in ((16, "relaxed/relaxed"), (17, "simple/simple")):
        body = "Hello,\n\nThe subject of this message is folded over three lines.\n\nThe Canal Gazette\n"
        m = sg.sign(crlf(compose(n, folded, body)), "s2048", "s2048", NEWS, stamp(n), canon=canon)
        add(n, "folded-subject-" + canon.split("/")[0], m,
            [S(NEWS, "s2048", "rsa-sha256", canon)],
            "Subject folded over 3 lines, c=%s" % canon)

    n = 18
    dt = date_for(n).astimezone(datetime.timezone.utc)
    rcv = [
        "Received: from relay.news.dkim.example ([192.0.2.25])\n"
        "\tby mx.news.dkim.example with ESMTP id 7F3A2; %s"
        % date_header(dt + datetime.timedelta(seconds=65)),
        "Received: from editor.news.dkim.example ([192.0.2.24])\n"
        "\tby relay.news.dkim.example with ESMTP id 51C07; %s"
        % date_header(dt + datetime.timedelta(seconds=50)),
    ]
    m = crlf(compose(n, "Two Received headers, both signed",
                     "Hello,\n\nBoth Received header fields are listed in h=.\n", before=rcv))
    m = sg.sign(m, "s2048", "s2048", NEWS, stamp(n), canon="relaxed/relaxed",
                h=["received", "received"] + default_h(m), allow=["received"])
    add(n, "repeated-received", m, [S(NEWS, "s2048", "rsa-sha256", "relaxed/relaxed")],
        "two Received headers, h= lists received twice")

    n = 19
    m = crlf(compose(n, "Over-signed headers",
                     "Hello,\n\nh= lists subject twice and reply-to, which is absent.\n"))
    m = sg.sign(m, "s2048", "s2048", NEWS, stamp(n), canon="relaxed/simple",
                h=["from", "to", "subject", "subject", "reply-to", "date", "message-id"])
    add(n, "oversigned", m, [S(NEWS, "s2048", "rsa-sha256", "relaxed/simple")],
        "over-signing: subject twice, absent reply-to in h=")

    # 4. empty and whitespace-only bodies (020-023)
    for n, slug, body, algo, key in (
            (20, "empty-body-simple", "", "rsa-sha256", "s2048"),
            (21, "empty-body-relaxed", "", "ed25519-sha256", "ed1"),
            (22, "blank-body-simple", "   \n\n  \n\n\n", "rsa-sha256", "s2048"),
            (23, "blank-body-relaxed", "   \n\n  \n\n\n", "ed25519-sha256", "ed1")):
        canon = "simple/simple" if slug.endswith("simple") else "relaxed/relaxed"
        what = "Empty body" if body == "" else "Body of spaces and blank lines"
        m = sg.sign(crlf(compose(n, "%s (%s)" % (what, canon), body)),
                    key, key, NEWS, stamp(n), algo, canon)
        add(n, slug, m, [S(NEWS, key, algo, canon)], "%s, c=%s" % (what.lower(), canon))

    # 5. 8-bit UTF-8 body (024)
    n = 24
    body = ("Chères lectrices, chers lecteurs,\n\n"
            "L'été arrive : la fête du canal aura lieu le samedi 6 juillet.\n"
            "Au programme : joutes nautiques, bal populaire, crêpes et cidre,\n"
            "exposition « Les péniches d'hier » à la maison éclusière.\n"
            "Entrée libre ; prévoyez un vêtement chaud pour la soirée.\n\n"
            "Œuvres, ça va ? Déjà-vu, naïveté, Noël, façade, garçon.\n\n"
            "— La Gazette du Canal\n")
    m = compose(n, "=?UTF-8?Q?La_f=C3=AAte_du_canal?=", body, ctype=UTF8, cte="8bit")
    m = sg.sign(crlf(m), "s2048", "s2048", NEWS, stamp(n))
    add(n, "utf8-8bit", m, [S(NEWS, "s2048", "rsa-sha256", "relaxed/relaxed")],
        "8-bit UTF-8 French body")

    # 6. multipart/mixed with a base64 attachment (025)
    n = 25
    pdf = (b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"
           b"1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
           b"2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n"
           b"3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842]"
           b" /Contents 4 0 R >> endobj\n"
           b"4 0 obj << /Length 52 >> stream\n"
           b"BT /F1 12 Tf 72 770 Td (Horaires de la piscine) Tj ET\n"
           b"endstream endobj\n"
           b"trailer << /Root 1 0 R >>\n%%EOF\n")
    b64 = base64.b64encode(pdf).decode()
    b64 = "\n".join(b64[i:i + 76] for i in range(0, len(b64), 76))
    boundary = "=_dkim_025_boundary"
    body = ("This is a multi-part message in MIME format.\n\n"
            "--%s\nContent-Type: text/plain; charset=us-ascii\n\n"
            "Hello,\n\nThe timetable of the public baths is attached.\n\n"
            "The Canal Gazette\n\n"
            "--%s\nContent-Type: application/pdf; name=\"horaires-piscine.pdf\"\n"
            "Content-Transfer-Encoding: base64\n"
            "Content-Disposition: attachment; filename=\"horaires-piscine.pdf\"\n\n"
            "%s\n\n--%s--\n" % (boundary, boundary, b64, boundary))
    m = compose(n, "Timetable of the public baths (PDF)", body,
                ctype='multipart/mixed; boundary="%s"' % boundary)
    m = sg.sign(crlf(m), "s2048", "s2048", NEWS, stamp(n))
    add(n, "multipart-attachment", m, [S(NEWS, "s2048", "rsa-sha256", "relaxed/relaxed")],
        "multipart/mixed, text part + base64 PDF attachment")

    # 7. tampering after signing (026-030), all rsa-sha256 relaxed/relaxed
    def tampered(n, slug, subject, body, edit, reason, what, **kw):
        m = sg.sign(crlf(compose(n, subject, body, **kw)), "s2048", "s2048", NEWS, stamp(n))
        add(n, slug, edit(m), [S(NEWS, "s2048", "rsa-sha256", "relaxed/relaxed",
                                 "fail", reason)], what)

    tampered(26, "tampered-body", "Lock keeper wanted",
             "Hello,\n\nThe town is looking for a lock keeper for the summer.\n"
             "Applications until the 30th.\n",
             lambda m: replace_once(m, b"summer", b"winter"),
             "body hash mismatch", "one body word changed after signing")
    tampered(27, "tampered-subject", "Towpath closed on Monday",
             "Hello,\n\nThe towpath is closed on Monday for works.\n",
             lambda m: replace_once(m, b"Subject: Towpath closed on Monday",
                                    b"Subject: Towpath closed on Tuesday"),
             "signature mismatch", "Subject changed after signing")
    tampered(28, "tampered-from", "New ferry timetable",
             "Hello,\n\nThe ferry leaves every 20 minutes from 7h to 21h.\n",
             lambda m: replace_once(m, b"From: La Gazette du Canal <gazette@news.dkim.example>",
                                    b"From: La Gazette du Canal <redaction@news.dkim.example>"),
             "signature mismatch", "From changed after signing")
    d29 = date_for(29)
    tampered(29, "tampered-date", "Fireworks postponed",
             "Hello,\n\nThe fireworks are postponed by one week because of the wind.\n",
             lambda m: replace_once(m, ("Date: " + date_header(d29)).encode(),
                                    ("Date: " + date_header(d29 + datetime.timedelta(hours=1))).encode()),
             "signature mismatch", "Date changed (one hour later) after signing")
    tampered(30, "tampered-to", "Your subscription",
             "Hello,\n\nYour subscription runs until December.\n",
             lambda m: replace_once(m, b"To: Claude Renaud <c.renaud@other.example>",
                                    b"To: Claude Renaud <c.renaud2@other.example>"),
             "signature mismatch", "To changed after signing")

    # 8. whitespace-only edits after signing (031-032)
    def ws_edit(m):
        m = replace_once(m, b"Subject: Opening hours of the library",
                         b"Subject:  Opening   hours of the library  ")
        m = replace_once(m, b"The library opens at 10h on Sundays.",
                         b"The library   opens at 10h  on Sundays.   ")
        return replace_once(m, b"Thank you.", b"Thank you.\t ")

    body = "Hello,\n\nThe library opens at 10h on Sundays.\nThank you.\n"
    for n, canon, result, reason in ((31, "relaxed/relaxed", "pass", ""),
                                     (32, "simple/simple", "fail", "body hash mismatch")):
        m = sg.sign(crlf(compose(n, "Opening hours of the library", body)),
                    "s2048", "s2048", NEWS, stamp(n), canon=canon)
        add(n, "whitespace-edit-" + canon.split("/")[0], ws_edit(m),
            [S(NEWS, "s2048", "rsa-sha256", canon, result, reason)],
            "spaces added inside/after body lines and in Subject after signing, c=%s" % canon)

    # 9. key records (033-040)
    def keycase(n, slug, sel, key, what, algo="rsa-sha256", domain=NEWS, sender=GAZETTE, **exp):
        body = "Hello,\n\nKey record test: %s.\n" % what
        m = sg.sign(crlf(compose(n, "Key record test: " + slug, body, sender=sender)),
                    key, sel, domain, stamp(n), algo, "relaxed/relaxed")
        add(n, slug, m, [S(domain, sel, algo, "relaxed/relaxed", **exp)], what)

    keycase(33, "no-key-record", "missing", "s2048", "selector without a key record",
            result="nokey", reason="no key for missing._domainkey.news.dkim.example")
    keycase(34, "key-revoked", "revoked", "s2048", "revoked key record (empty p=)",
            domain=MAIRIE, sender=MAIRIE_FROM, result="invalid", reason="key revoked")
    keycase(35, "wrong-key", "wrong", "s2048", "key record holding another RSA key",
            result="fail", reason="signature mismatch")
    keycase(36, "malformed-key", "broken", "s2048", "key record with a truncated p=",
            result="invalid", reason="malformed key")
    keycase(37, "key-type-mismatch", "edonly", "s2048", "k=ed25519 record, rsa-sha256 signature",
            result="invalid", reason="key type does not match the algorithm")
    keycase(38, "hash-not-allowed", "sha256only", "s2048", "h=sha256 record, rsa-sha1 signature",
            algo="rsa-sha1", result="invalid", reason="hash not allowed by the key record")
    keycase(39, "rotated-key", "rot", "rot", "rotated selector with two records, the second verifies",
            key_record=2)
    keycase(40, "weak-512", "weak512", "weak512", "512-bit RSA key", weak=True)

    # 10. two signatures (041-042): top = other.example (added last)
    n = 41
    m = crlf(compose(n, "Two signatures, one broken", "Hello,\n\nThis message was "
                     "signed by the newsletter, then by the list relay.\n", to=LIST))
    m = sg.sign(m, "s2048", "s2048", NEWS, stamp(n))
    m = sg.sign(m, "other", "mx", OTHER, stamp(n) + 30)
    m = flip_b(m, 0)
    add(n, "two-signatures-one-good", m,
        [S(OTHER, "mx", "rsa-sha256", "relaxed/relaxed", "fail", "signature mismatch"),
         S(NEWS, "s2048", "rsa-sha256", "relaxed/relaxed")],
        "two signatures; the other.example one has a damaged b=")

    n = 42
    m = crlf(compose(n, "Two signatures, body changed", "Hello,\n\nThe boat trip "
                     "leaves at 14h from the harbour office.\n", to=LIST))
    m = sg.sign(m, "s2048", "s2048", NEWS, stamp(n))
    m = sg.sign(m, "other", "mx", OTHER, stamp(n) + 30)
    m = replace_once(m, b"14h", b"15h")
    add(n, "two-signatures-both-bad", m,
        [S(OTHER, "mx", "rsa-sha256", "relaxed/relaxed", "fail", "body hash mismatch"),
         S(NEWS, "s2048", "rsa-sha256", "relaxed/relaxed", "fail", "body hash mismatch")],
        "two signatures, body changed after both")

    # 11. malformed signatures (043-044), otherwise correct b=
    n = 43
    m = crlf(compose(n, "Identity outside the signing domain",
                     "Hello,\n\nThe i= tag names other.example, d= is news.dkim.example.\n"))
    m = sg.sign_fields(m, "s2048", "s2048", NEWS, stamp(n), identity="@other.example")
    add(n, "identity-outside-domain", m,
        [S(NEWS, "s2048", "rsa-sha256", "relaxed/relaxed", "invalid", "i= not within d=")],
        "i=@other.example with d=news.dkim.example")

    n = 44
    m = crlf(compose(n, "Signature without body hash",
                     "Hello,\n\nThis signature has no bh= tag.\n"))
    m = sg.sign_fields(m, "s2048", "s2048", NEWS, stamp(n), drop=("bh",))
    add(n, "no-bh-tag", m,
        [S(NEWS, "s2048", "rsa-sha256", "relaxed/relaxed", "invalid",
           "malformed signature: no bh= tag")],
        "DKIM-Signature without bh=")

    # 12. one message, three copies (045-lf, 045-crlf, signed.mbox)
    n = 45
    same = crlf(compose(n, "Same message, three copies",
                        "Hello,\n\nThis message is stored with LF, with CRLF and in an mbox.\n"
                        "Its signature is simple/simple, so a line-end slip breaks it.\n\n"
                        "The Canal Gazette\n", mid="dk-same@dkim.example"))
    same = sg.sign(same, "s2048", "s2048", NEWS, stamp(n), canon="simple/simple")
    same_sig = [S(NEWS, "s2048", "rsa-sha256", "simple/simple")]
    add(n, "crlf", same, same_sig, "same message as 045-lf.eml, CRLF line ends", crlf_file=True)
    add(n, "lf", same, same_sig, "same message as 045-crlf.eml, LF line ends")

    # 13. unsigned (046)
    n = 46
    add(n, "unsigned", crlf(compose(n, "No signature at all",
                                    "Hello,\n\nThis message carries no DKIM-Signature.\n")),
        [], "no DKIM-Signature")

    # 14. unsupported algorithm (047)
    n = 47
    m = crlf(compose(n, "Unsupported algorithm",
                     "Hello,\n\nThis signature claims a=rsa-md5.\n"))
    m = sg.sign(m, "s2048", "s2048", NEWS, stamp(n))
    m = replace_once(m, b" a=rsa-sha256;", b" a=rsa-md5;")
    add(n, "unsupported-algorithm", m,
        [S(NEWS, "s2048", "rsa-md5", "relaxed/relaxed", "invalid",
           "unsupported algorithm rsa-md5")],
        "a=rsa-md5 (hand-edited rsa-sha256 signature)")

    # 15. forgeries (051-061): messages signed with a real key, then altered
    #     as an attacker would, and the signed messages they start from.
    ceo = "Direction du port <ceo@victim.example>"
    short_h = ["from", "to", "subject", "date", "message-id"]

    def victim(n, subject, body, **kw):
        return crlf(compose(n, subject, body, sender=kw.pop("sender", ceo), **kw))

    n = 51
    m = victim(n, "Harbour works plan",
               "Hello,\n\nThe harbour works plan is attached to the board minutes.\n")
    m = sg.sign(m, "other", "k1", VICTIM, stamp(n))
    m = replace_once(m, ("From: " + ceo).encode(),
                     ("From: Minister <minister@gov.example>\nFrom: " + ceo).encode())
    m = crlf(lf(m))
    add(n, "forged-from-added", m,
        [S(VICTIM, "k1", "rsa-sha256", "relaxed/relaxed", "fail", "an unsigned From was added")],
        "a second From inserted above the signed one (RFC 6376 8.15)", odd=True)

    n = 52
    body = "Hello,\n\nThe board approved the dredging of the north basin.\n\nThe harbour office\n"
    m = victim(n, "Board decision", body)
    m = sg.sign(m, "other", "k1", VICTIM, stamp(n), h=short_h, length=True)
    before = canon_body_len(m, "relaxed/relaxed")
    m = replace_once(m, b"Content-Type: text/plain; charset=us-ascii",
                     b'Content-Type: multipart/mixed; boundary="b52"')
    m += crlf(b"\n--b52\nContent-Type: text/plain; charset=us-ascii\n\n"
              b"Forget the earlier note: the dredging contract goes to Quaybuild, as agreed\n"
              b"with the minister.\n\n--b52--\n")
    added = canon_body_len(m, "relaxed/relaxed") - before
    add(n, "length-multipart-forgery", m,
        [S(VICTIM, "k1", "rsa-sha256", "relaxed/relaxed", unsigned=added)],
        "l= and an unsigned Content-Type: made multipart, with the attacker's part after the "
        "signed text", verified="partial",
        reason="%d bytes after the signed part were added" % added, signed_text=0)

    n = 53
    m = victim(n, "Dredging contract", "Hello,\n\nThe dredging contract was signed today.\n")
    m = sg.sign(m, "wrong", "k1", ATTACKER, stamp(n))
    add(n, "foreign-signer", m, [S(ATTACKER, "k1", "rsa-sha256", "relaxed/relaxed")],
        "d=attacker.example on From: ceo@victim.example", verified="partial",
        reason="signed by attacker.example, not the sender's domain")

    n = 54
    m = victim(n, "Harbour works schedule", "Hello,\n\nThe works start on Monday.\n")
    m = sg.sign(m, "other", "k1", VICTIM, stamp(n),
                h=["from", "to", "date", "message-id", "mime-version", "content-type"])
    m = replace_once(m, b"Subject: Harbour works schedule",
                     b"Subject: RE: the cover-up we discussed")
    add(n, "subject-unsigned-changed", m, [S(VICTIM, "k1", "rsa-sha256", "relaxed/relaxed")],
        "Subject not in h=, then changed", verified="partial",
        reason="the Subject shown was not signed", unsigned=["subject"])

    n = 55
    m = victim(n, "Harbour works report", "Hello,\n\nThe report is ready.\n")
    m = sg.sign(m, "other", "k1", VICTIM, stamp(n))
    m = replace_once(m, b"Subject: Harbour works report",
                     b"Subject: RE: the cover-up we discussed\r\nSubject: Harbour works report")
    add(n, "subject-added", m, [S(VICTIM, "k1", "rsa-sha256", "relaxed/relaxed")],
        "Subject signed once, a second one added above it", verified="partial",
        reason="an unsigned Subject was added", unsigned=["subject"], odd=True)

    n = 56
    m = victim(n, "Harbour works budget line".replace("budget ", ""),
               "Hello,\n\nThe works line of the accounts is closed.\n")
    m = sg.sign(m, "other", "k1", VICTIM, stamp(n),
                h=["from", "to", "subject", "message-id", "mime-version", "content-type"])
    m = replace_once(m, ("Date: " + date_header(date_for(n))).encode(),
                     b"Date: Tue, 14 Jun 2016 09:30:00 +0200")
    add(n, "date-unsigned-moved", m, [S(VICTIM, "k1", "rsa-sha256", "relaxed/relaxed")],
        "Date not in h=, then moved to 2016", verified="partial",
        reason="the Date shown was not signed", unsigned=["date"], odd=True)

    n = 57
    m = victim(n, "Harbour works notice", "Hello,\n\nThe quay is closed on Sunday.\n")
    m = sg.sign(m, "other", "k1", VICTIM, stamp(n),
                h=["from", "subject", "date", "message-id", "mime-version", "content-type"])
    m = replace_once(m, b"To: Claude Renaud <c.renaud@other.example>",
                     b"To: Claude Renaud <c.renaud@other.example>, press@gov.example")
    add(n, "to-unsigned-changed", m, [S(VICTIM, "k1", "rsa-sha256", "relaxed/relaxed")],
        "To not in h=, then a recipient added: still verified, To marked unsigned",
        unsigned=["to"])

    n = 58
    m = victim(n, "Quay access", "Hello,\n\nThe quay access badges are ready.\n",
               sender='"ceo@victim.example" <intern@attacker.example>')
    m = sg.sign(m, "other", "k1", VICTIM, stamp(n))
    add(n, "display-name-address", m, [S(VICTIM, "k1", "rsa-sha256", "relaxed/relaxed")],
        "a display name that looks like the signer's address, another address",
        verified="partial", reason="signed by victim.example, not the sender's domain")

    n = 59
    m = crlf(compose(n, "Signed by the parent domain",
                     "Hello,\n\nThis issue is signed by dkim.example, the parent of the\n"
                     "sender's domain news.dkim.example.\n"))
    m = sg.sign(m, "s2048", "s2048", PARENT, stamp(n))
    add(n, "parent-domain-signer", m, [S(PARENT, "s2048", "rsa-sha256", "relaxed/relaxed")],
        "d=dkim.example on From: ...@news.dkim.example: the same organizational domain")

    n = 60
    m = crlf(compose(n, "Signed length, white space appended",
                     "Hello,\n\nOnly white space follows the signed part.\n"))
    m = sg.sign(m, "s2048", "s2048", NEWS, stamp(n), canon="simple/simple", length=True)
    before = canon_body_len(m, "simple/simple")
    m += crlf(b"   \n\t\n")
    add(n, "length-whitespace-appended", m,
        [S(NEWS, "s2048", "rsa-sha256", "simple/simple",
           unsigned=canon_body_len(m, "simple/simple") - before)],
        "l=, then only white space appended: still verified")

    n = 61
    m = victim(n, "Harbour works plan, final",
               "Hello,\n\nThe final harbour works plan is attached to the board minutes.\n")
    m = sg.sign(m, "other", "k1", VICTIM, stamp(n))
    add(n, "victim-signed", m, [S(VICTIM, "k1", "rsa-sha256", "relaxed/relaxed")],
        "the victim's own message, fully signed by its domain: verified")

    # 16. RFC 6376 edge cases (062-074)
    def edge(n, slug, what, sigs=None, selector="s2048", key="s2048", identity=None, drop=(),
             tags=(), **exp):
        m = crlf(compose(n, "Edge case: " + slug, "Hello,\n\nEdge case: %s.\n" % what))
        m = sg.sign_fields(m, key, selector, NEWS, stamp(n), identity=identity, drop=drop,
                           tags=tags)
        add(n, slug, m, [S(NEWS, selector, "rsa-sha256", "relaxed/relaxed", **exp)], what)

    edge(62, "query-method", "q=http/well-known, no dns/txt (RFC 6376 3.5)",
         tags=[("q", "http/well-known")], result="invalid",
         reason="unsupported query method q=http/well-known")
    edge(63, "timestamp-not-a-number", "t= that is not a number (RFC 6376 3.5)",
         tags=[("t", "yesterday")], result="invalid", reason="malformed signature: bad t= tag")
    edge(64, "expiry-before-timestamp", "x= earlier than t= (RFC 6376 3.5)",
         tags=[("x", str(stamp(64) - 3600))], result="invalid", reason="x= earlier than t=")
    edge(65, "expired", "x= a week after t=, long past: recorded, not enforced",
         tags=[("x", str(stamp(65) + 7 * 86400))])
    edge(66, "identity-quoted-printable", "i= with dkim-quoted-printable dots (RFC 6376 2.11)",
         identity="@news=2Edkim=2Eexample")
    edge(67, "identity-quoted-printable-outside", "i= decoding to another domain",
         identity="@other=2Eexample", result="invalid", reason="i= not within d=")
    edge(68, "key-empty-txt", "a key record that is an empty TXT record",
         selector="emptytxt", result="nokey",
         reason="no key for emptytxt._domainkey.news.dkim.example")
    edge(69, "key-no-p", "a key record without p=", selector="nop", result="nokey",
         reason="no key for nop._domainkey.news.dkim.example")
    edge(70, "key-unknown-tag", "a key record with an unknown tag x-future=1",
         selector="future")
    edge(71, "key-granularity", "a key record with RFC 4871's g=nobody", selector="granular",
         identity="gazette@news.dkim.example")
    edge(72, "draft-no-version", "a signature without v= (an RFC draft's)", drop=("v",),
         result="invalid", reason="pre-RFC 6376 draft signature")
    edge(73, "draft-version-0.5", "a signature with v=0.5 (an RFC draft's)",
         tags=[("v", "0.5")], result="invalid", reason="pre-RFC 6376 draft signature")

    n = 74
    m = crlf(b"\nThis file has one header field, its DKIM-Signature, and this body.\n")
    d = dkim.DKIM(m)
    with frozen_clock(stamp(n)):
        m = d.sign(b"s2048", NEWS.encode(), sg.keys["s2048"], canonicalize=(b"relaxed", b"relaxed"),
                   include_headers=[b"from"]) + m
    add(n, "signature-only", m, [S(NEWS, "s2048", "rsa-sha256", "relaxed/relaxed")],
        "a file whose only header field is a DKIM-Signature (over an absent From)",
        verified="partial", reason="the message has no From address", odd=True)

    n = 76
    m = crlf(compose(n, "Nouveautes de la librairie",
                     "Bonjour,\n\nLes nouveautes du mois sont en vitrine.\n",
                     sender="Librairie <info@%s>" % IDN))
    m = sg.sign(m, "other", "k1", IDN, stamp(n))
    add(n, "unicode-domain", m, [S(IDN, "k1", "rsa-sha256", "relaxed/relaxed")],
        "From and d= on a domain in Unicode (bücher.example), written in punycode: GMime "
        "shows it in Unicode, alignment compares the ASCII forms")

    # mbox: signed messages with body lines starting with "From " (048-050) + dk-same
    mb = "dkim/mbox/signed.mbox"
    mbox_msgs = []

    def add_mbox(n, msg, sigs, case, quoting="mboxrd"):
        """quoting: how the mbox writer escaped the body: "mboxrd" (a '>'
        before every line matching ^>*From ) or "mboxo" (before ^From
        lines only, so a ">From " line that was signed stays as it is)."""
        add(n, None, msg, sigs, case, file=mb)
        entries[-1]["index"] = len(mbox_msgs)
        mbox_msgs.append((n, lf(msg), quoting))

    n = 48
    m = crlf(compose(n, "Letters from readers",
                     "Hello,\n\nThis week's letters:\n\n"
                     "From the river side, a reader writes that the footbridge is open again.\n"
                     "From now on, the Saturday market starts at 7h30.\n\n"
                     "The Canal Gazette\n"))
    m = sg.sign(m, "s2048", "s2048", NEWS, stamp(n), canon="simple/simple")
    add_mbox(n, m, [S(NEWS, "s2048", "rsa-sha256", "simple/simple", form="unquoted")],
             "mbox: body lines starting with 'From ', simple/simple")

    n = 49
    m = crlf(compose(n, "An escaped line in a quoted reply",
                     "Hello,\n\nAn old mail program had already escaped this line:\n"
                     ">From a distance, the lock looks closed.\n"
                     "and this one was never escaped:\n"
                     "From a distance, the lock is open.\n"
                     ">>From a boat, both are visible.\n"))
    m = sg.sign(m, "ed1", "ed1", NEWS, stamp(n), "ed25519-sha256", "relaxed/relaxed")
    add_mbox(n, m, [S(NEWS, "ed1", "ed25519-sha256", "relaxed/relaxed", form="unquoted")],
             "mbox: '>From ', 'From ', '>>From ' body lines, ed25519")

    n = 50
    m = crlf(compose(n, "Weather for the regatta",
                     "From Saturday on, westerly wind, 15 to 20 knots.\n"
                     "From Monday, calm.\n", sender=MAIRIE_FROM))
    m = sg.sign(m, "s1024", "s1024", NEWS, stamp(n), "rsa-sha1", "simple/relaxed")
    add_mbox(n, m, [S(NEWS, "s1024", "rsa-sha1", "simple/relaxed", form="unquoted")],
             "mbox: first body line starts with 'From ', rsa-sha1")

    add_mbox(45, same, same_sig, "mbox copy of 045-lf.eml / 045-crlf.eml")

    n = 75
    m = crlf(compose(n, "A letter quoted in the mbox",
                     "Hello,\n\nA reader sent us this line from an old letter:\n"
                     ">From the lock keeper: the gates open at six.\n"))
    m = sg.sign(m, "s2048", "s2048", NEWS, stamp(n))
    add_mbox(n, m, [S(NEWS, "s2048", "rsa-sha256", "relaxed/relaxed", form="stored")],
             "mbox written mboxo-style: a signed '>From ' body line kept as is; read as mboxrd "
             "it becomes 'From ', so only the body as stored verifies", quoting="mboxo")

    mbox = b""
    for n, msg, quoting in mbox_msgs:
        sender = re.search(rb"^From: .*<([^>]+)>", msg, re.M).group(1).decode()
        mbox += ("From %s %s\n" % (sender, from_line_date(date_for(n)))).encode()
        pattern = rb"^(>*From )" if quoting == "mboxrd" else rb"^(From )"
        mbox += re.sub(pattern, rb">\1", msg, flags=re.M) + b"\n"
    return entries, mbox


def expectations_json(entries):
    out = []
    for e in entries:
        o = {"file": e["file"]}
        if "index" in e:
            o["index"] = e["index"]
        o.update(message_id=e["message_id"], verdict=e["verdict"], verified=e["verified"],
                 verified_reason=e["verified_reason"], unsigned_headers=e["unsigned_headers"])
        if "signed_text" in e:
            o["body_signed_bytes"] = e["signed_text"]
        o["signatures"] = e["signatures"]
        out.append(o)
    lines = [json.dumps(o, ensure_ascii=False) for o in out]
    return ("[\n" + ",\n".join(lines) + "\n]\n").encode("utf-8")


def outputs(keys):
    """{path: bytes} of everything the generator writes."""
    entries, mbox = build(keys)
    files = {DATA / e["file"]: e["data"] for e in entries if "index" not in e}
    files[MBOX_PATH] = mbox
    files[KEYFILE] = key_file_text(keys)
    files[JSON_PATH] = expectations_json(entries)
    return entries, files


def write():
    keys = load_keys(create=True)
    entries, files = outputs(keys)
    for p in list(OUT_DIR.glob("*.eml")) + list((OUT_DIR / "mbox").glob("*")):
        p.unlink()
    for p, data in files.items():
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(data)
    print("wrote %d entries (%d files + %d mbox messages), %s, %s" % (
        len(entries), len([e for e in entries if "index" not in e]),
        len([e for e in entries if "index" in e]),
        KEYFILE.relative_to(ROOT), JSON_PATH.relative_to(ROOT)))


# ---------------------------------------------------------------- check

def fold_text(s):
    s = unicodedata.normalize("NFKD", s)
    return "".join(c for c in s if not unicodedata.combining(c)).casefold()


def message_texts(msg):
    """Decoded header values (except DKIM-Signature) and text of every part."""
    out = []
    for k, v in msg.items():
        if k.lower() != "dkim-signature":
            out.append(str(v))
    for part in msg.walk():
        if part.is_multipart():
            continue
        payload = part.get_payload(decode=True) or b""
        out.append(payload.decode(part.get_content_charset() or "latin-1", "replace"))
    return out


def check():
    errors = []
    err = errors.append
    keys = load_keys(create=False)
    entries, files = outputs(keys)

    # 1. files on disk are exactly what the generator produces
    expected = set(files)
    on_disk = set(OUT_DIR.glob("*.eml")) | set((OUT_DIR / "mbox").glob("*"))
    on_disk |= {KEYFILE, JSON_PATH}
    for p in sorted(on_disk - expected):
        err("unexpected file %s" % p.relative_to(ROOT))
    for p in sorted(expected):
        if not p.exists():
            err("missing %s" % p.relative_to(ROOT))
        elif p.read_bytes() != files[p]:
            err("%s differs from what the generator produces" % p.relative_to(ROOT))

    # 2. every message parses; ids, dates, domains, banned words
    spec = importlib.util.spec_from_file_location("dkim_crosscheck", CROSSCHECK)
    cc = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(cc)
    want = json.loads(JSON_PATH.read_text(encoding="utf-8"))
    got = list(cc.iter_messages(DATA))
    if len(got) != len(want):
        err("%d messages on disk, %d in dkim.json" % (len(got), len(want)))
    keyrecs = cc.load_keys(KEYFILE)
    days = {}
    for (label, index, raw, stored), w in zip(got, want):
        where = label if index is None else "%s#%d" % (label, index)
        if label != w["file"] or index != w.get("index"):
            err("%s: dkim.json has %s#%s here" % (where, w["file"], w.get("index")))
        is_crlf = b"\r\n" in raw
        if is_crlf != label.endswith("-crlf.eml") or (is_crlf and re.search(rb"(?<!\r)\n", raw)):
            err("%s: unexpected line ends" % where)
        msg = email.message_from_bytes(raw, policy=email.policy.default)
        odd = next(e["odd"] for e in entries
                   if e["file"] == label and e.get("index") == index)
        defects = [d for part in msg.walk() for d in part.defects]
        if defects:
            err("%s: email defects %r" % (where, defects))
        known = (".dkim.example",) + tuple("." + d for d in (OTHER, IDN) + FORGERY_DOMAINS)
        for h in ("From", "To", "Subject", "Date", "Message-ID", "MIME-Version", "Content-Type"):
            if len(msg.get_all(h, [])) != 1 and not odd:
                err("%s: %s header count %d" % (where, h, len(msg.get_all(h, []))))
        mid = (msg["Message-ID"] or "").strip("<> ")
        if mid != w["message_id"] or (mid or not odd) and not re.fullmatch(
                r"dk-(\d{3}|same)@dkim\.example", mid):
            err("%s: Message-ID %s" % (where, mid))
        if msg["Date"]:
            dt = email.utils.parsedate_to_datetime(msg["Date"]).astimezone(datetime.timezone.utc)
            if dt.year != 2019 and not odd:
                err("%s: Date not in 2019" % where)
            days.setdefault(dt.date(), set()).add(mid)
        for h in ("From", "To"):
            for _, addr in email.utils.getaddresses([str(v) for v in msg.get_all(h, [])]):
                dom = addr.rsplit("@", 1)[-1].lower()
                if not ("." + dom).endswith(known):
                    err("%s: %s address %s" % (where, h, addr))
        for s in w["signatures"]:
            if not ("." + s["domain"]).endswith(known):
                err("%s: d=%s" % (where, s["domain"]))
        texts = message_texts(msg) + [raw.decode("utf-8", "replace")]
        for t in texts:
            ft = fold_text(t)
            for word in BANNED:
                if word in ft:
                    err("%s: banned word %r" % (where, word))
        # 3. per-signature results recomputed from the file with dkimpy;
        #    where leakdex disagrees on purpose (DISAGREEMENTS), dkimpy must
        #    still reach the class documented there
        verdict, sigs = cc.check_message(raw, keyrecs, stored)
        if where in cc.DISAGREEMENTS:
            if cc.verdict_class(verdict) != cc.DISAGREEMENTS[where][0]:
                err("%s: dkimpy says %s, DISAGREEMENTS says %s" % (
                    where, verdict, cc.DISAGREEMENTS[where][0]))
        elif verdict != w["verdict"]:
            err("%s: verdict %s, dkim.json says %s" % (where, verdict, w["verdict"]))
        elif sigs != w["signatures"]:
            err("%s: signatures\n  dkimpy:    %s\n  dkim.json: %s" % (
                where, json.dumps(sigs), json.dumps(w["signatures"])))
    for day, mids in sorted(days.items()):
        if len(mids) > 1:
            err("UTC day %s shared by %s" % (day, sorted(mids)))

    # 4. the crosscheck script, as the e2e test runs it
    run = subprocess.run([sys.executable, str(CROSSCHECK), str(DATA), str(KEYFILE)],
                         capture_output=True, text=True)
    if run.returncode != 0:
        err("crosscheck exited %d: %s" % (run.returncode, run.stderr))
    lines = run.stdout.splitlines()
    def where_of(w):
        return w["file"] + ("#%d" % w["index"] if "index" in w else "")

    exp_lines = ["%s %s %s" % (where_of(w), w["message_id"] or "-",
                               cc.DISAGREEMENTS[where_of(w)][0] if where_of(w) in cc.DISAGREEMENTS
                               else cc.verdict_class(w["verdict"]))
                 for w in want]
    if lines != exp_lines:
        for a, b in zip(lines + [""] * len(exp_lines), exp_lines + [""] * len(lines)):
            if a != b:
                err("crosscheck: %r, expected %r" % (a, b))

    # 5. shape of the corpus
    for where in cc.DISAGREEMENTS:
        if not any(where_of(w) == where for w in want):
            err("DISAGREEMENTS names %s, which is not in the corpus" % where)
    nmbox_from = sum(1 for e in entries if "index" in e and re.search(
        rb"^>*From ", dkim.rfc822_parse(crlf(e["data"]))[1], re.M))
    if nmbox_from < 3:
        err("only %d mbox messages have body lines starting with 'From '" % nmbox_from)
    if len(entries) < 40:
        err("only %d messages" % len(entries))

    for e in errors:
        print("ERROR:", e)
    classes = {}
    for w in want:
        classes[w["verdict"]] = classes.get(w["verdict"], 0) + 1
    print("%d entries checked (%s); crosscheck lines: %d; %s" % (
        len(want), ", ".join("%s %d" % kv for kv in sorted(classes.items())), len(lines),
        "FAILED" if errors else "OK"))
    return 1 if errors else 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--check", action="store_true", help="verify, write nothing")
    args = ap.parse_args()
    if args.check:
        sys.exit(check())
    write()


if __name__ == "__main__":
    main()
