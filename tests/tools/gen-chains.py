#!/usr/bin/python3
"""gen-chains.py - writes data/chains/, conversations that test chain corroboration.

Unsigned messages and the DKIM-verified replies and forwards that quote
them, written for this project. The expected result for every message is
declared next to it (EXPECTED below) and T220 checks the index against it,
so an expectation never comes from running leakdex.

    /usr/bin/python3 tests/tools/gen-chains.py           # removes and rewrites data/chains/
    /usr/bin/python3 tests/tools/gen-chains.py --check   # writes nothing; compares with data/chains/
    python3 tests/tools/gen-chains.py --expected         # prints EXPECTED (no dkimpy needed)

Signing needs dkimpy (Debian python3-dkim), hence Debian's interpreter.
Replies are signed with the test keys of tests/tools/dkim-keys/ whose
records are already in data/dkim-keys.txt (other.example, selector mx;
news.dkim.example, selector s2048). RSA PKCS#1 v1.5 signatures are
deterministic and every t= is fixed, so a re-run writes the same bytes.

Standard library + dkim only; no randomness, no current time.
"""

import argparse
import contextlib
import os
import shutil
import sys
import types

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "data", "chains")
KEY_DIR = os.path.join(ROOT, "tests", "tools", "dkim-keys")

HELENE = ("Hélène Garnier", "h.garnier@valbois-exemple.fr")
PAUL = ("Paul Dubreuil", "p.dubreuil@valbois-exemple.fr")
CLAUDE = ("Claude Renaud", "c.renaud@other.example")           # signs as other.example
REDACTION = ("Rédaction du Canal", "redaction@news.dkim.example")  # signs as news.dkim.example
SAM = ("Sam Whitfield", "s.whitfield@example.net")

# Who signs for whom: (key file stem, selector, domain).
SIGNERS = {
    CLAUDE: ("other", "mx", "other.example"),
    REDACTION: ("s2048", "s2048", "news.dkim.example"),
}
T_SIGNED = 1489000000  # every t= (2017-03-08)


def addr(p):
    name, a = p
    if name.isascii():
        return "%s <%s>" % (name, a)
    return "=?UTF-8?Q?%s?= <%s>" % ("".join(
        c if c.isascii() and c.isalnum() else "".join("=%02X" % b for b in c.encode("utf-8"))
        for c in name), a)


def message(frm, to, subject, when, body, msgid, irt=None, refs=None):
    hs = [("Date", when), ("From", addr(frm)), ("To", addr(to)), ("Subject", subject),
          ("Message-ID", "<%s>" % msgid)]
    if irt:
        hs.append(("In-Reply-To", "<%s>" % irt))
    if refs:
        hs.append(("References", " ".join("<%s>" % r for r in refs)))
    hs += [("MIME-Version", "1.0"), ("Content-Type", "text/plain; charset=UTF-8"),
           ("Content-Transfer-Encoding", "8bit")]
    head = "".join("%s: %s\n" % (n, v) for n, v in hs)
    return (head + "\n" + body).encode("utf-8")


def quote(text, depth=1):
    """Quotes every line of text with depth '>' markers (blank lines too)."""
    mark = "> " * depth
    return "".join((mark + line).rstrip() + "\n" for line in text.splitlines())


# (file name, sender, bytes, how): a message of a signing sender is signed;
# how["tamper"] (old, new) edits its body after signing (its DKIM then
# fails); how["signer"] signs with another sender's key; how["append"] is
# text added after signing, under an l= signature.
FILES = []


def add(name, frm, data, tamper=None, signer=None, append=None):
    FILES.append((name, frm, data, {"tamper": tamper, "signer": signer, "append": append}))


# 1. A verified reply quotes an unsigned message fully, except its signature
#    (left out: allowed) -> corroborated, 92% of its words (96 of 104; the
#    "--" line is not a word: see words() below).
O1 = """Bonjour Claude,

Comme convenu au téléphone, voici le programme de la fête du canal pour le
samedi 25 mars. Le montage des stands commence à sept heures sur le quai des
Tanneurs, l'ouverture au public est prévue à dix heures, la parade des
bateaux fleuris part de l'écluse à quinze heures et le feu d'artifice sera
tiré depuis la passerelle à vingt et une heures trente. Les bénévoles se
retrouvent devant la maison du canal à six heures et demie pour le café. Merci
de confirmer la présence de votre photographe avant jeudi soir.

Bien cordialement,
--
Hélène Garnier
Service des fêtes, mairie de Valbois
"""
add("o1.eml", HELENE, message(HELENE, CLAUDE, "Programme de la fête du canal",
                              "Tue, 07 Mar 2017 10:30:00 +0100", O1, "o1@chains.example"))
O1_QUOTED = O1.split("--\n")[0].rstrip("\n") + "\n"
add("r1.eml", CLAUDE, message(
    CLAUDE, HELENE, "Re: Programme de la fête du canal", "Tue, 07 Mar 2017 14:02:00 +0100",
    "Bonjour Hélène,\n\nNotre photographe sera là dès sept heures.\n\nClaude\n\n"
    "Le mar. 7 mars 2017 à 10:30, Hélène Garnier <h.garnier@valbois-exemple.fr> a écrit :\n"
    + quote(O1_QUOTED), "r1@chains.example", irt="o1@chains.example", refs=["o1@chains.example"]))

# 2. A verified reply quotes only the first half of a message -> not corroborated.
O2 = """Claude,

La commission des finances se réunira le lundi 27 mars à dix-huit heures dans
la salle du conseil. À l'ordre du jour figurent la subvention des associations
riveraines, l'entretien des berges et le renouvellement du contrat de
nettoyage des quais.

Le compte rendu de la séance précédente est joint à la convocation envoyée
hier par courrier. Les élus de l'opposition ont demandé un point sur le coût
de la passerelle, qui sera traité en fin de séance si le temps le permet.

Hélène Garnier
"""
add("o2.eml", HELENE, message(HELENE, CLAUDE, "Commission des finances",
                              "Wed, 08 Mar 2017 09:00:00 +0100", O2, "o2@chains.example"))
O2_HALF = O2.split("\n\n")[0] + "\n\n" + O2.split("\n\n")[1] + "\n"
add("r2.eml", CLAUDE, message(
    CLAUDE, HELENE, "Re: Commission des finances", "Wed, 08 Mar 2017 11:15:00 +0100",
    "Merci, nous enverrons quelqu'un.\n\n"
    "Le 8 mars 2017 à 09:00, Hélène Garnier <h.garnier@valbois-exemple.fr> a écrit :\n"
    + quote(O2_HALF), "r2@chains.example", irt="o2@chains.example", refs=["o2@chains.example"]))

# 3. A verified reply quotes a message fully but with one word changed
#    ("jeudi" became "vendredi") -> not corroborated; the mismatch is recorded.
O3 = """Bonjour Claude,

La visite de l'écluse restaurée avec les élèves de l'école Jean-Moulin aura
lieu jeudi matin à neuf heures. Le gardien ouvrira la maison éclusière et
montrera le mécanisme des portes. Les enfants apporteront leur pique-nique
et rentreront en car vers midi.

Hélène
"""
add("o3.eml", HELENE, message(HELENE, CLAUDE, "Visite de l'écluse",
                              "Thu, 09 Mar 2017 16:45:00 +0100", O3, "o3@chains.example"))
add("r3.eml", CLAUDE, message(
    CLAUDE, HELENE, "Re: Visite de l'écluse", "Thu, 09 Mar 2017 18:20:00 +0100",
    "Nous y serons.\n\n"
    "Le jeu. 9 mars 2017 à 16:45, Hélène Garnier <h.garnier@valbois-exemple.fr> a écrit :\n"
    + quote(O3.replace("aura\nlieu jeudi matin", "aura\nlieu vendredi matin")),
    "r3@chains.example", irt="o3@chains.example", refs=["o3@chains.example"]))

# 4. An Outlook-style English forward by a verified sender, without thread
#    links (found through the quote's rare words). "Sent:" has no zone: the
#    forwarder saw 5:05 PM in Paris for 16:05 UTC -> corroborated.
O4 = """Hello,

The printer confirmed the schedule for the canal festival posters: proofs on
Monday the 13th, final files by Wednesday noon, delivery of the 400 posters
and 3000 leaflets on Friday morning at the town hall loading bay. Invoices go
to the festival committee, not to the newspaper.

Best regards,
Sam Whitfield
"""
add("o4.eml", SAM, message(SAM, REDACTION, "Printing schedule",
                           "Tue, 14 Mar 2017 16:05:00 +0000", O4, "o4@chains.example"))
add("r4.eml", REDACTION, message(
    REDACTION, CLAUDE, "FW: Printing schedule", "Tue, 14 Mar 2017 17:30:00 +0100",
    "FYI, see below.\n\n-----Original Message-----\n"
    "From: Sam Whitfield [mailto:s.whitfield@example.net]\n"
    "Sent: Tuesday, March 14, 2017 5:05 PM\n"
    "To: Rédaction du Canal\n"
    "Subject: Printing schedule\n\n" + O4, "r4@chains.example"))

# 5. An Outlook-style French forward by a verified sender -> corroborated.
O5 = """Bonjour,

La salle des fêtes sera ouverte de huit heures à minuit le jour de la fête.
Les associations qui tiennent une buvette doivent rendre les clés au gardien
avant une heure du matin et laisser la cuisine propre. Le parking du gymnase
est réservé aux exposants jusqu'à onze heures.

Paul Dubreuil
Régisseur, salle des fêtes de Valbois
"""
add("o5.eml", PAUL, message(PAUL, CLAUDE, "Horaires de la salle des fêtes",
                            "Thu, 16 Mar 2017 09:12:00 +0100", O5, "o5@chains.example"))
add("r5.eml", CLAUDE, message(
    CLAUDE, REDACTION, "TR: Horaires de la salle des fêtes", "Thu, 16 Mar 2017 10:00:00 +0100",
    "Pour le supplément du week-end.\n\n-----Message d'origine-----\n"
    "De : Paul Dubreuil <p.dubreuil@valbois-exemple.fr>\n"
    "Envoyé : jeudi 16 mars 2017 09:12\n"
    "À : Claude Renaud <c.renaud@other.example>\n"
    "Objet : Horaires de la salle des fêtes\n\n" + O5, "r5@chains.example"))

# 6. A verified reply quotes a message word for word, but its attribution
#    names another sender -> not corroborated; the mismatch is recorded.
O6 = """Claude,

Les barrières de sécurité seront livrées vendredi par les services
techniques et installées le long du quai des Tanneurs avant le début de la
parade. Merci de prévenir vos lecteurs que la circulation sera coupée entre
le pont de pierre et l'écluse de quatorze heures à dix-huit heures.

Hélène Garnier
"""
add("o6.eml", HELENE, message(HELENE, CLAUDE, "Barrières et circulation",
                              "Fri, 17 Mar 2017 11:00:00 +0100", O6, "o6@chains.example"))
add("r6.eml", CLAUDE, message(
    CLAUDE, HELENE, "Re: Barrières et circulation", "Fri, 17 Mar 2017 12:30:00 +0100",
    "Ce sera dans l'édition de samedi.\n\n"
    "On Fri, Mar 17, 2017 at 11:00 AM, Paul Dubreuil <p.dubreuil@valbois-exemple.fr> wrote:\n"
    + quote(O6), "r6@chains.example", irt="o6@chains.example", refs=["o6@chains.example"]))

# 7. Nested quotes: an unsigned message (g7), an unsigned reply quoting it
#    (p7), and a verified reply quoting both two levels deep (c7) -> g7 and
#    p7 are both corroborated by c7.
G7 = """Paul,

Pouvez-vous prévoir trois tables supplémentaires et une sonorisation pour
la remise des prix du concours de pêche, dimanche à onze heures, sous le
grand chapiteau ? Le maire remettra les coupes aux trois premiers.

Hélène
"""
add("g7.eml", HELENE, message(HELENE, PAUL, "Remise des prix du concours de pêche",
                              "Mon, 20 Mar 2017 08:15:00 +0100", G7, "g7@chains.example"))
P7 = ("C'est noté : trois tables, deux micros sans fil et une enceinte. Le technicien\n"
      "arrivera à dix heures pour les essais.\n\nPaul\n\n"
      "On Mon, Mar 20, 2017 at 8:15 AM, Hélène Garnier <h.garnier@valbois-exemple.fr> wrote:\n"
      + quote(G7))
add("p7.eml", PAUL, message(PAUL, HELENE, "Re: Remise des prix du concours de pêche",
                            "Mon, 20 Mar 2017 09:00:00 +0100", P7, "p7@chains.example",
                            irt="g7@chains.example", refs=["g7@chains.example"]))
add("c7.eml", CLAUDE, message(
    CLAUDE, PAUL, "Re: Remise des prix du concours de pêche", "Mon, 20 Mar 2017 10:40:00 +0100",
    "Nous enverrons un photographe pour la remise des prix.\n\n"
    "Le 20 mars 2017 à 09:00, Paul Dubreuil <p.dubreuil@valbois-exemple.fr> a écrit :\n"
    + quote(P7), "c7@chains.example", irt="p7@chains.example",
    refs=["g7@chains.example", "p7@chains.example"]))

# 8. A reply whose DKIM signature fails (its own text was edited after
#    signing) quotes a message fully -> it corroborates nothing.
O8 = """Bonjour Claude,

Le stand de la mairie proposera cette année une exposition de photographies
anciennes du canal, prêtées par la société d'histoire locale. Les tirages
seront accrochés sur des grilles devant la capitainerie et resteront en place
tout le week-end.

Hélène Garnier
"""
add("o8.eml", HELENE, message(HELENE, CLAUDE, "Exposition de photographies",
                              "Wed, 22 Mar 2017 15:20:00 +0100", O8, "o8@chains.example"))
add("r8.eml", CLAUDE, message(
    CLAUDE, HELENE, "Re: Exposition de photographies", "Wed, 22 Mar 2017 17:05:00 +0100",
    "Belle idée, nous en parlerons.\n\n"
    "Le 22 mars 2017 à 15:20, Hélène Garnier <h.garnier@valbois-exemple.fr> a écrit :\n"
    + quote(O8), "r8@chains.example", irt="o8@chains.example", refs=["o8@chains.example"]),
    tamper=("Belle idée, nous en parlerons.", "Belle idée, nous en reparlerons."))

# 9. A verified reply signed with l= quotes a message (o9) in its signed
#    part; text added after signing (past l=) quotes a fabricated message
#    (f9) -> o9 corroborated, f9 not: unsigned text never corroborates.
O9 = """Bonjour Claude,

Le concours de photographie du canal est ouvert jusqu'au 15 avril. Les
tirages doivent être déposés à l'accueil de la mairie, sous enveloppe, avec
le bulletin d'inscription rempli et signé. Le jury se réunira à la fin du
mois et les lauréats seront exposés dans le hall de la médiathèque.

Hélène Garnier
"""
add("o9.eml", HELENE, message(HELENE, CLAUDE, "Concours de photographie",
                              "Fri, 24 Mar 2017 10:00:00 +0100", O9, "o9@chains.example"))
F9 = """Claude,

Comme convenu, le marché de la passerelle revient à l'entreprise de mon
beau-frère, sans appel d'offres. Détruisez ce message après lecture et ne
parlez de rien au conseil municipal avant la fin du mois.

Hélène Garnier
"""
add("f9.eml", HELENE, message(HELENE, CLAUDE, "Passerelle",
                              "Fri, 24 Mar 2017 11:00:00 +0100", F9, "f9@chains.example"))
add("r9.eml", CLAUDE, message(
    CLAUDE, HELENE, "Re: Concours de photographie", "Fri, 24 Mar 2017 15:30:00 +0100",
    "Merci, nous l'annoncerons samedi.\n\n"
    "Le 24 mars 2017 à 10:00, Hélène Garnier <h.garnier@valbois-exemple.fr> a écrit :\n"
    + quote(O9), "r9@chains.example", irt="o9@chains.example", refs=["o9@chains.example"]),
    append="\nPS : et pour la passerelle, voici ce que vous m'aviez écrit.\n\n"
           "Le 24 mars 2017 à 11:00, Hélène Garnier <h.garnier@valbois-exemple.fr> a écrit :\n"
           + quote(F9))

# 10. A reply that quotes a message fully, signed by a domain that is not
#     its sender's (other.example on a valbois-exemple.fr address) -> its
#     signature passes but vouches for nothing of the sender's: o10 is not
#     corroborated.
O10 = """Claude,

La fanfare municipale jouera sur le quai des Tanneurs de seize à dix-huit
heures le jour de la fête. Il faudra lui réserver l'estrade en bois et deux
prises électriques près de la buvette des pompiers.

Paul Dubreuil
"""
add("o10.eml", PAUL, message(PAUL, CLAUDE, "Fanfare municipale",
                             "Mon, 27 Mar 2017 09:30:00 +0200", O10, "o10@chains.example"))
add("r10.eml", HELENE, message(
    HELENE, PAUL, "Re: Fanfare municipale", "Mon, 27 Mar 2017 11:00:00 +0200",
    "C'est réservé.\n\n"
    "Le 27 mars 2017 à 09:30, Paul Dubreuil <p.dubreuil@valbois-exemple.fr> a écrit :\n"
    + quote(O10), "r10@chains.example", irt="o10@chains.example", refs=["o10@chains.example"]),
    signer=CLAUDE)

# What T220 expects of each message, by file name without .eml: its DKIM
# verdict, then "corroborated BY COVERAGE", "mismatch BY" or "-".
EXPECTED = {
    "o1": ("none", "corroborated r1 92"),
    "r1": ("pass", "-"),
    "o2": ("none", "-"),
    "r2": ("pass", "-"),
    "o3": ("none", "mismatch r3"),
    "r3": ("pass", "-"),
    "o4": ("none", "corroborated r4 100"),
    "r4": ("pass", "-"),
    "o5": ("none", "corroborated r5 100"),
    "r5": ("pass", "-"),
    "o6": ("none", "mismatch r6"),
    "r6": ("pass", "-"),
    "g7": ("none", "corroborated c7 100"),
    "p7": ("none", "corroborated c7 100"),
    "c7": ("pass", "-"),
    "o8": ("none", "-"),
    "r8": ("fail", "-"),
    "o9": ("none", "corroborated r9 100"),
    "f9": ("none", "-"),
    "r9": ("pass", "-"),
    "o10": ("none", "-"),
    "r10": ("pass", "-"),
}


@contextlib.contextmanager
def frozen_clock(dkim, t):
    saved = dkim.time
    dkim.time = types.SimpleNamespace(time=lambda: t)
    try:
        yield
    finally:
        dkim.time = saved


def build():
    """[(name, bytes)]: every file, signed where its sender signs."""
    try:
        import dkim
    except ImportError:
        sys.exit("%s: needs dkimpy (Debian python3-dkim): run it with /usr/bin/python3"
                 % sys.argv[0])
    out = []
    for name, frm, data, how in FILES:
        signer = how["signer"] or frm
        if signer in SIGNERS:
            stem, selector, domain = SIGNERS[signer]
            key = open(os.path.join(KEY_DIR, stem + ".pem"), "rb").read()
            crlf = data.replace(b"\n", b"\r\n")
            h = [b"from", b"to", b"subject", b"date", b"message-id", b"in-reply-to",
                 b"references", b"mime-version", b"content-type", b"content-transfer-encoding"]
            present = {n.lower() for n, _ in dkim.rfc822_parse(crlf)[0]}
            with frozen_clock(dkim, T_SIGNED):
                d = dkim.DKIM(crlf)
                sig = d.sign(selector.encode(), domain.encode(), key,
                             canonicalize=(b"relaxed", b"relaxed"),
                             include_headers=[x for x in h if x in present],
                             length=bool(how["append"]))
            data = (sig + crlf).replace(b"\r\n", b"\n")
            if how["append"]:
                data += how["append"].encode("utf-8")
            if how["tamper"]:
                old, new = (s.encode("utf-8") for s in how["tamper"])
                assert data.count(old) == 1, name
                data = data.replace(old, new)
        out.append((name, data))
    return out


def words(text):
    """The words leakdex compares: white-space separated, "--" lines dropped."""
    return [w for line in text.splitlines() if line.strip() != "--" for w in line.split()]


# The coverage declared for o1 is the share of its words that r1 quotes.
assert 100 * len(words(O1_QUOTED)) // len(words(O1)) == 92


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--check", action="store_true")
    ap.add_argument("--expected", action="store_true",
                    help="print NAME VERDICT RESULT, one message a line")
    args = ap.parse_args()
    assert sorted(n[:-4] for n, _, _, _ in FILES) == sorted(EXPECTED), "EXPECTED lists every file"
    if args.expected:
        for name in sorted(EXPECTED):
            print(name, *EXPECTED[name])
        return 0
    files = build()
    if args.check:
        bad = 0
        for name, data in files:
            path = os.path.join(OUT, name)
            if not os.path.exists(path) or open(path, "rb").read() != data:
                print("differs: " + path, file=sys.stderr)
                bad += 1
        if sorted(os.listdir(OUT)) != sorted(n for n, _ in files):
            print("data/chains holds other files", file=sys.stderr)
            bad += 1
        return 1 if bad else 0
    shutil.rmtree(OUT, ignore_errors=True)
    os.makedirs(OUT)
    for name, data in files:
        with open(os.path.join(OUT, name), "wb") as f:
            f.write(data)
    print("wrote %d messages to %s" % (len(files), OUT))
    return 0


if __name__ == "__main__":
    sys.exit(main())
