#!/usr/bin/env python3
"""gen-archive.py - writes a synthetic e-mail archive for the indexing
benchmarks, the same messages twice: as a Maildir and as mbox files.

    bench/gen-archive.py OUT [-n N] [--seed S] [--start K] [--jobs J]

writes OUT/maildir/{cur,new}/ (one file per message, LF line ends),
OUT/mbox/NNNN.mbox (mboxrd, 1,000 messages a file), OUT/dkim-keys.txt (the
key records of every signing domain, in leakdex's key-file format) and
OUT/MANIFEST (the parameters and counts). Messages are numbered K .. K+N-1
(default K = 0); message i depends only on the seed and i, never on N, so
`--start 100000 -n 1000` writes the 1,000 messages that follow a 100,000
archive (what the incremental benchmark adds).

What the archive looks like, to stress an indexer as a real leak would:
- sizes: the written text is lognormal (most messages 2-20 KB), about 30 %
  carry attachments (text, HTML, PDF, DOCX; PDFs with a scanned image make
  the tail, up to a few MB);
- French (60 %) and English text drawn word by word from a Zipf
  distribution over a vocabulary of about 4,000 words per language (common
  words listed below, the rest made from syllables), plus numbers, amounts
  and names;
- threads: 45 % are replies with In-Reply-To and References, the parent
  quoted with "> " under "Le ... a écrit :" / "On ... wrote:" (or an
  Outlook-style "Original Message" block), two levels deep;
- 40 % are multipart/alternative with an HTML twin of the text;
- charsets and encodings: us-ascii 7bit, UTF-8 in 8bit, quoted-printable
  and base64, ISO-8859-1 and windows-1252 in quoted-printable and 8bit;
  RFC 2047 subjects and names, RFC 2231 attachment names;
- about a third are DKIM-signed (rsa-sha256, relaxed/relaxed) by one of
  six domains; of those, about 1 % had a list footer added after signing
  (verdict fail) and 1 % use a selector missing from the key file (nokey).

The signing keys are the project's fictional test keys
(tests/tools/dkim-keys/*.pem). Signatures are computed here (RSASSA-PKCS1
v1.5 over SHA-256): with the `cryptography` package when the interpreter
has it (Debian's /usr/bin/python3 does; fast), else with Python's own big
integers (about 10 ms a signature). Both give the same bytes.

Deterministic: the same seed, start and count write the same bytes, whatever
the number of jobs. Standard library only (`cryptography` optional).
`--check K` verifies K of the signed messages with dkimpy when it is
installed (Debian's python3-dkim).
"""

import argparse
import base64
import datetime
import email.header
import email.utils
import binascii
import hashlib
import html
import io
import itertools
import math
import multiprocessing
import os
import random
import re
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
KEY_DIR = ROOT / "tests" / "tools" / "dkim-keys"
PER_MBOX = 1000          # messages per mbox file
MSG_PER_DAY = 90         # the archive's pace: 100,000 messages span about three years
T0 = datetime.datetime(2014, 3, 3, 7, 0, tzinfo=datetime.timezone.utc)

# ---------------------------------------------------------------- vocabulary

# Common words, most frequent first (roughly): the head of each Zipf
# distribution. Written for this generator.
FR_COMMON = """
de la le et les des à en un une du que est pour qui dans pas au sur ne se il
nous vous par plus ce avec sont elle mais on ou son sa ses cette été comme
tout aussi bien leur être fait faire très peut même sans encore avoir après
avant entre deux dont merci bonjour semaine demain réunion projet équipe
dossier document question point prochaine jour mois année temps travail
message voir suite rapport note campagne programme presse conférence
réponse demande accord date heure lundi mardi mercredi jeudi vendredi samedi
dimanche janvier février mars avril mai juin juillet août septembre octobre
novembre décembre budget compte rendu ordre lieu salle bureau ville région
national public politique déplacement rendez-vous appel téléphone courriel
liste contact envoi pièce jointe version texte discours invitation
événement soirée matin midi soir déjà toujours jamais souvent ensuite
maintenant ici là-bas chez donc alors car puis pourtant cependant ainsi
notamment plusieurs chaque autre autres certains quelques beaucoup peu
trop assez grand grande petit petite nouveau nouvelle premier première
dernier dernière prochain important importante possible nécessaire
général générale simple difficile facile rapide clair claire sûr sûre
vrai vraie bon bonne mauvais meilleur meilleure cher chère chers
madame monsieur mesdames messieurs président directeur directrice
conseiller conseillère ministre maire député sénateur délégué responsable
service communication juridique finances trésorier secrétariat logistique
militants adhérents électeurs candidat candidate mouvement comité
section fédération département commune conseil assemblée élection vote
sondage résultats chiffres tableau annexe relecture validation
signature contrat facture devis paiement virement remboursement frais
transport train billet hôtel réservation voiture salle location matériel
affiche tract site internet réseaux vidéo photo article journal entretien
interview tribune communiqué dépêche agence rédaction journaliste
calendrier planning agenda horaire retard changement annulation
confirmation relance proposition projet idée remarque précision
correction modification ajout suppression mise jour réflexion analyse
stratégie priorité objectif enjeu sujet thème thèmes mesures propositions
économie emploi santé école éducation sécurité justice culture
agriculture environnement énergie logement transports numérique europe
france paris lyon marseille lille bordeaux nantes toulouse strasbourg
voudrais pourrais pouvons devons pouvez devez souhaite souhaitons
propose proposons vois pense pensons crois sais savons veux veut voulons
dis dit disons prends prend prenons viens vient venons vais va allons
envoie envoyé envoyée reçu reçue lu relu vu fait faite pris prise
mis mise écrit écrite transmis transmise prévu prévue validé validée
attends attendons reviens revenons rappelle rappelez appelle appelez
""".split()

EN_COMMON = """
the of and to a in is that for it on you with as be this are we have not at
by or from your will can an our but all they if was has would there their
please thanks thank hi hello regards best meeting team project report
document question next week today tomorrow yesterday monday tuesday
wednesday thursday friday saturday sunday january february march april
may june july august september october november december budget agenda
call phone email message attached attachment draft version review update
schedule time date office room board client customer account invoice
payment contract deal sales market price cost revenue quarter year month
plan strategy goal target results numbers figures data analysis summary
note notes minutes action items follow up asap deadline delay change
issue problem risk approval sign signed signature legal finance hr it
press release statement interview article news media event conference
travel flight hotel booking trip visit lunch dinner coffee breakfast
morning afternoon evening night weekend holiday leave sick back soon
new old good great bad better best first last other same different
important urgent possible available necessary clear sure right wrong
big small long short high low early late quick simple hard easy
also just only still already again always never often sometimes maybe
here there now then when where what which who why how because so than
very really quite too much many more most some any each every both few
get got make made take took give gave send sent see saw know knew think
thought want need let help ask asked tell told say said come came go went
work working worked working call called discuss discussed confirm
confirmed check checked share shared forward forwarded reply replied
prepare prepared attach review reviewed agree agreed suggest suggested
should could would might must shall do does did done doing been being
mr mrs ms dr director manager president chairman officer assistant
london new york boston chicago washington paris brussels berlin
company group department division committee council government policy
""".split()

FR_SYLLABLES = """ba be bi bo bu ca ce ci co cu da de di do du fa fe fi fo ga ge
gi go la le li lo lu ma me mi mo mu na ne ni no nu pa pe pi po pu ra re ri
ro ru sa se si so su ta te ti to tu va ve vi vo cha che chi cho tra tre tri
tro pla ple pli bra bre bri gra gre pro pré dé ré é è ai ou eau ain on an
en in eur ion ier ière elle ette ique able ment ance ence oire age""".split()
FR_ENDINGS = """er ez é ée és ent ons ait ité tion sion ment eur euse ique
able age isme iste oir oire ance ence ure""".split()
EN_SYLLABLES = """ba be bi bo ca ce co da de di do fa fe fi fo ga ge go ha he hi
ho la le li lo ma me mi mo na ne ni no pa pe pi po ra re ri ro sa se si so
ta te ti to va ve vi wa we wi str tr pl pr br gr cl cr st sp th sh ch ea ee
oo ou ai ay ow er in on an ar or""".split()
EN_ENDINGS = """ing ed er ers ly tion ment ness able ful less ity ive al ous
ize es s""".split()

FIRST_FR = """Jean Marie Pierre Sophie Nicolas Claire Julien Camille Thomas Julie
Antoine Émilie François Hélène Mathieu Céline Olivier Élodie Guillaume Anne
Sébastien Laure Vincent Agnès Benoît Chloé Jérôme Inès Arnaud Léa Rémi Zoé
Stéphane Aurélie Frédéric Margaux Cédric Noémie Grégoire Manon""".split()
LAST_FR = """Martin Bernard Dubois Thomas Robert Richard Petit Durand Leroy Moreau
Simon Laurent Lefèvre Michel Garcia David Bertrand Roux Vincent Fournier
Morel Girard André Mercier Dupont Lambert Bonnet François Martinez Legrand
Garnier Faure Rousseau Blanc Guérin Muller Henry Roussel Nicolas Perrin
Morin Mathieu Clément Gauthier Dumont Lopez Fontaine Chevalier Robin Masson
Sanchez Gérard Nguyen Boyer Denis Lemaire Duval Joly Gautier Roger Roche
Rivière Lucas Brun Noël Meunier Jean Lemoine Hoarau Fabre Poirier""".split()
FIRST_EN = """James Mary John Patricia Robert Jennifer Michael Linda William
Elizabeth David Barbara Richard Susan Joseph Jessica Charles Sarah Daniel
Karen Matthew Nancy Anthony Lisa Mark Betty Paul Sandra Steven Ashley""".split()
LAST_EN = """Smith Johnson Williams Brown Jones Miller Davis Wilson Anderson
Taylor Moore Jackson White Harris Thompson Clark Lewis Walker Hall Allen
Young King Wright Scott Green Baker Adams Nelson Hill Campbell Carter""".split()

# Signing domains: (domain, selector, key file stem). Keys are the
# project's fictional test keys, reused under these names.
SIGNERS = [
    ("en-avant.example", "s2017", "s2048"),
    ("lettre-info.example", "mail", "rot"),
    ("cabinet-conseil.example", "k1", "s1024"),
    ("newswire.example", "selector1", "other"),
    ("bigcorp.example", "google", "rot-old"),
    ("univ-paris.example", "dkim", "wrong"),
]
NOKEY_SELECTOR = "old2013"   # signs, but has no record in the key file
OTHER_DOMAINS = ["orange-mail.example", "free-net.example", "laposte-net.example",
                 "gmail-like.example", "yahoo-like.example", "mairie-valbois.example",
                 "prefecture.example", "assemblee.example", "hotmail-like.example",
                 "journal-quotidien.example", "agence-presse.example", "avocats.example"]


def _pseudo_words(rng, syllables, endings, count, taken):
    out = []
    while len(out) < count:
        w = "".join(rng.choice(syllables) for _ in range(rng.choice((1, 2, 2, 3, 3, 4))))
        if rng.random() < 0.5:
            w += rng.choice(endings)
        if 3 <= len(w) <= 16 and w not in taken:
            taken.add(w)
            out.append(w)
    return out


class Vocabulary:
    """One language's words in Zipf rank order and their cumulative weights."""

    def __init__(self, common, syllables, endings, size, seed):
        rng = random.Random("vocab/%s/%d" % (common[0], seed))
        words = list(dict.fromkeys(common))
        words += _pseudo_words(rng, syllables, endings, size - len(words), set(words))
        self.words = words
        # Zipf with exponent 1 (Mandelbrot offset 2.7): "the" and "de" make
        # about 6 % of the words, half the vocabulary appears once in 20,000.
        self.cum = list(itertools.accumulate(1.0 / (r + 2.7) for r in range(len(words))))


VOCAB = {}
PEOPLE = []          # (display name, address, language, domain index or -1, tz minutes)
SIGNING_PEOPLE = []  # indices into PEOPLE whose domain signs
PLAIN_PEOPLE = []
PEOPLE_CUM = {}


def setup(seed):
    VOCAB["fr"] = Vocabulary(FR_COMMON, FR_SYLLABLES, FR_ENDINGS, 4000, seed)
    VOCAB["en"] = Vocabulary(EN_COMMON, EN_SYLLABLES, EN_ENDINGS, 4000, seed)
    rng = random.Random("people/%d" % seed)
    seen = set()
    # 4,500 people, as many as the senders of the 2017 campaign leak.
    while len(PEOPLE) < 4500:
        lang = "fr" if rng.random() < 0.65 else "en"
        first = rng.choice(FIRST_FR if lang == "fr" else FIRST_EN)
        last = rng.choice(LAST_FR if lang == "fr" else LAST_EN)
        signing = rng.random() < 0.30
        dom = rng.randrange(len(SIGNERS)) if signing else -1
        domain = SIGNERS[dom][0] if signing else rng.choice(OTHER_DOMAINS)
        local = ascii_fold("%s.%s" % (first, last)).lower().replace(" ", "")
        if rng.random() < 0.3:
            local = ascii_fold(first[0] + last).lower()
        addr = "%s@%s" % (local, domain)
        if addr in seen:
            addr = "%s%d@%s" % (local, len(PEOPLE), domain)
        seen.add(addr)
        tz = 60 if lang == "fr" else rng.choice((0, -300, -300, -480))
        PEOPLE.append(("%s %s" % (first, last), addr, lang, dom, tz))
        (SIGNING_PEOPLE if signing else PLAIN_PEOPLE).append(len(PEOPLE) - 1)
    # A few people write most of the mail (Zipf over senders, exponent 0.9).
    for name, group in (("signing", SIGNING_PEOPLE), ("plain", PLAIN_PEOPLE)):
        PEOPLE_CUM[name] = list(itertools.accumulate(1.0 / (r + 1) ** 0.9 for r in range(len(group))))


_FOLD = str.maketrans("àâäéèêëîïôöùûüçÀÂÉÈÊÎÔÙÛÇœŒ", "aaaeeeeiioouuucAAEEEIOUUCoO")


def ascii_fold(s):
    return s.translate(_FOLD)


# ---------------------------------------------------------------- skeleton

class Skel:
    """What message i is, before its text: a pure function of (seed, i)."""
    __slots__ = ("i", "parent", "root", "depth", "lang", "sender", "to", "cc", "date",
                 "subject", "mid", "refs", "signed", "sig_fault", "charset", "cte",
                 "html", "attach", "words", "quote_style", "mailer")


_skel_cache = {}
SEED = 0


def skel(i):
    s = _skel_cache.get(i)
    if s is not None:
        return s
    rng = random.Random("msg/%d/%d" % (SEED, i))
    s = Skel()
    s.i = i
    parent = None
    if i > 0 and rng.random() < 0.45:
        p = i - 1 - int(rng.expovariate(1 / 40.0))
        if p >= 0:
            parent = skel(p)
            if parent.depth >= 12:       # long threads end
                parent = None
    s.parent = parent.i if parent else -1
    s.root = parent.root if parent else i
    s.depth = parent.depth + 1 if parent else 0
    s.lang = parent.lang if parent else ("fr" if rng.random() < 0.6 else "en")
    s.signed = rng.random() < 0.33
    group = "signing" if s.signed else "plain"
    pool = SIGNING_PEOPLE if s.signed else PLAIN_PEOPLE
    s.sender = pool[rng.choices(range(len(pool)), cum_weights=PEOPLE_CUM[group])[0]]
    if parent and PEOPLE[parent.sender] != PEOPLE[s.sender]:
        s.to = [parent.sender]
    else:
        s.to = [rng.randrange(len(PEOPLE)) for _ in range(rng.choice((1, 1, 1, 2, 3)))]
    s.cc = [rng.randrange(len(PEOPLE)) for _ in range(rng.choice((0, 0, 0, 1, 2, 4)))]
    s.date = T0 + datetime.timedelta(seconds=i * 86400 / MSG_PER_DAY + rng.random() * 600)
    s.mid = "%08x.%d.%s@%s" % (rng.getrandbits(32), i, "lx" if s.lang == "fr" else "mx",
                                 PEOPLE[s.sender][1].split("@")[1])
    if parent:
        s.subject = re.sub(r"^((re|tr|fwd?) ?: )+", "", parent.subject, flags=re.I)
        s.subject = ("RE: " if rng.random() < 0.3 else "Re: ") + s.subject
        s.refs = (parent.refs + [parent.mid])[-10:]
    else:
        s.subject = sentence(rng, s.lang, rng.randint(2, 9), end="")
        s.refs = []
    s.sig_fault = None
    if s.signed:
        r = rng.random()
        s.sig_fault = "footer" if r < 0.01 else "nokey" if r < 0.02 else None
    lang = s.lang
    r = rng.random()
    if lang == "fr":
        s.charset, s.cte = (("utf-8", "quoted-printable") if r < 0.45 else
                            ("utf-8", "base64") if r < 0.60 else
                            ("utf-8", "8bit") if r < 0.70 else
                            ("iso-8859-1", "quoted-printable") if r < 0.85 else
                            ("windows-1252", "quoted-printable") if r < 0.95 else
                            ("iso-8859-1", "8bit"))
    else:
        s.charset, s.cte = (("us-ascii", "7bit") if r < 0.5 else
                            ("utf-8", "quoted-printable") if r < 0.8 else
                            ("windows-1252", "quoted-printable") if r < 0.9 else
                            ("utf-8", "base64"))
    s.html = rng.random() < 0.40
    s.attach = []
    if rng.random() < 0.30:
        for _ in range(rng.choice((1, 1, 1, 1, 2, 2, 3))):
            s.attach.append(rng.choices(("pdf", "docx", "txt", "html"), (40, 30, 15, 15))[0])
    # Lognormal length of the new text: median 150 words, 1 in 20 over 600.
    s.words = max(4, min(8000, int(rng.lognormvariate(math.log(150), 1.0))))
    s.quote_style = rng.choice(("classic", "classic", "classic", "outlook"))
    s.mailer = rng.choice(MAILERS)
    _skel_cache[i] = s
    return s


MAILERS = ["Microsoft Outlook 16.0", "Apple Mail (2.3445.104.11)",
           "Mozilla Thunderbird 52.7.0", "iPhone Mail (14E304)", "Roundcube Webmail/1.2.4",
           "Microsoft Outlook 14.0", "K-9 Mail for Android"]


# ---------------------------------------------------------------- text

def sentence(rng, lang, n, end="."):
    v = VOCAB[lang]
    words = rng.choices(v.words, cum_weights=v.cum, k=n)
    for k in range(n):
        r = rng.random()
        if r < 0.015:
            words[k] = str(rng.randint(2, 2020))
        elif r < 0.02:
            words[k] = rng.choice(LAST_FR if lang == "fr" else LAST_EN)
        elif r < 0.022:
            words[k] = ("%d,%02d €" % (rng.randint(10, 99999), rng.randint(0, 99)) if lang == "fr"
                        else "$%d.%02d" % (rng.randint(10, 99999), rng.randint(0, 99)))
    if n > 8 and rng.random() < 0.5:
        words[rng.randrange(3, n - 2)] += ","
    s = " ".join(words)
    return s[:1].upper() + s[1:] + end


def paragraphs(rng, lang, nwords):
    """New text of about nwords words as a list of paragraphs."""
    out, cur, left = [], [], nwords
    per_par = rng.randint(3, 6)
    while left > 0:
        n = min(left, rng.randint(5, 24))
        left -= n
        cur.append(sentence(rng, lang, n, end=rng.choice(".....?!")))
        if len(cur) >= per_par:
            out.append(" ".join(cur))
            cur = []
    if cur:
        out.append(" ".join(cur))
    return out


def wrap(par, width=72):
    lines, line = [], ""
    for w in par.split(" "):
        if line and len(line) + 1 + len(w) > width:
            lines.append(line)
            line = w
        else:
            line = w if not line else line + " " + w
    lines.append(line)
    return lines


GREET = {"fr": ["Bonjour,", "Bonjour à tous,", "Cher {f},", "Chère {f},", "Salut {f},", "{f},"],
         "en": ["Hi,", "Hi {f},", "Dear {f},", "Hello all,", "{f},", "Good morning,"]}
CLOSE = {"fr": ["Cordialement,", "Bien à vous,", "Merci,", "Amitiés,", "Bonne journée,", "À demain,"],
         "en": ["Best,", "Regards,", "Thanks,", "Best regards,", "Cheers,", "Thank you,"]}
FR_MONTHS = ("janvier février mars avril mai juin juillet août septembre octobre "
             "novembre décembre").split()
FR_DAYS = "lundi mardi mercredi jeudi vendredi samedi dimanche".split()


def local_date(s):
    tz = PEOPLE[s.sender][4]
    if tz == 60 and 3 <= s.date.month <= 10:
        tz = 120
    return s.date.astimezone(datetime.timezone(datetime.timedelta(minutes=tz)))


def own_text(s):
    """The message's new text: greeting, paragraphs, closing, signature."""
    rng = random.Random("text/%d/%d" % (SEED, s.i))
    first = PEOPLE[s.to[0]][0].split(" ")[0]
    lines = [rng.choice(GREET[s.lang]).format(f=first), ""]
    for par in paragraphs(rng, s.lang, s.words):
        lines += wrap(par) + [""]
    name = PEOPLE[s.sender][0]
    lines += [rng.choice(CLOSE[s.lang]), name.split(" ")[0]]
    if rng.random() < 0.6:
        lines += ["", "-- ", name, rng.choice(("Directeur de cabinet", "Chargée de mission",
                                                 "Press officer", "Conseiller", "Senior Manager",
                                                 "Attachée de presse")),
                  "+33 1 %02d %02d %02d %02d" % tuple(rng.randint(10, 99) for _ in range(4))]
    return lines


def attribution(s, parent):
    d = local_date(parent)
    name, addr = PEOPLE[parent.sender][0], PEOPLE[parent.sender][1]
    if s.lang == "fr":
        return "Le %s %d %s %d à %02d:%02d, %s <%s> a écrit :" % (
            FR_DAYS[d.weekday()], d.day, FR_MONTHS[d.month - 1], d.year, d.hour, d.minute, name, addr)
    return "On %s, %s <%s> wrote:" % (d.strftime("%a, %b %d, %Y at %I:%M %p"), name, addr)


def body_lines(s):
    """Plain text of message s: its own text, then the quoted parent (and
    the parent's quote of its own parent), as a list of lines."""
    lines = own_text(s)
    if s.parent < 0:
        return lines
    parent = skel(s.parent)
    quoted = own_text(parent)
    if parent.parent >= 0:
        grand = skel(parent.parent)
        quoted += ["", attribution(parent, grand)] + ["> " + x if x else ">" for x in own_text(grand)[:60]]
    quoted = quoted[:150]
    if s.quote_style == "outlook":
        p = PEOPLE[parent.sender]
        head = ("-----Message d'origine-----" if s.lang == "fr" else "-----Original Message-----")
        lines += ["", head, "From: %s [mailto:%s]" % p[:2],
                  ("Envoyé : " if s.lang == "fr" else "Sent: ") + email.utils.format_datetime(local_date(parent)),
                  ("À : " if s.lang == "fr" else "To: ") + PEOPLE[s.sender][0],
                  ("Objet : " if s.lang == "fr" else "Subject: ") + parent.subject, ""] + quoted
    else:
        lines += ["", attribution(s, parent)] + ["> " + x if x else ">" for x in quoted]
    return lines


def html_of(lines):
    out = ["<html><head><meta http-equiv=\"Content-Type\" content=\"text/html\"></head><body>"]
    depth = 0
    par = []

    def flush():
        if par:
            out.append("<p>" + "<br>\n".join(html.escape(x, quote=False) for x in par) + "</p>")
            par.clear()
    for line in lines:
        d = 0
        while line.startswith(">"):
            line = line[1:].lstrip(" ")
            d += 1
        if d != depth:
            flush()
            out.append("</blockquote>" * (depth - d) if d < depth else "<blockquote type=\"cite\">" * (d - depth))
            depth = d
        if line:
            par.append(line)
        else:
            flush()
    flush()
    out.append("</blockquote>" * depth + "</body></html>")
    return "\n".join(out)


# ---------------------------------------------------------------- encodings

_LATIN1_SAFE = str.maketrans({"œ": "oe", "Œ": "OE", "’": "'", "€": "EUR", "“": '"', "”": '"', "…": "..."})


def encode_text(text, charset):
    if charset == "iso-8859-1":
        text = text.translate(_LATIN1_SAFE)
    elif charset == "us-ascii":
        text = ascii_fold(text.translate(_LATIN1_SAFE))
        text = text.encode("ascii", "replace").decode("ascii")
    return text.encode(charset)


def transfer_encode(data, cte):
    if cte == "base64":
        b = base64.b64encode(data)
        return b"\n".join(b[k:k + 76] for k in range(0, len(b), 76)) + b"\n"
    if cte == "quoted-printable":
        return binascii.b2a_qp(data, istext=True, header=False)
    return data


def header_words(text, charset):
    """A header value: as is when ASCII, else RFC 2047 encoded words."""
    try:
        text.encode("ascii")
        return text
    except UnicodeEncodeError:
        cs = "utf-8" if charset in ("us-ascii",) else charset
        if cs == "iso-8859-1":
            text = text.translate(_LATIN1_SAFE)
        return email.header.Header(text, cs, maxlinelen=76, header_name="Subject").encode()


def address(pidx, charset):
    name, addr = PEOPLE[pidx][0], PEOPLE[pidx][1]
    try:
        name.encode("ascii")
        return "%s <%s>" % (name, addr)
    except UnicodeEncodeError:
        return "%s <%s>" % (header_words(name, charset), addr)


# ---------------------------------------------------------------- attachments

def pdf_bytes(rng, lines, image_bytes):
    """A small valid PDF: pages of Helvetica text, optionally a grey image
    (random pixels, as a scan weighs) on the first page."""
    def esc(t):
        b = t.encode("cp1252", "replace")
        return b.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")
    pages = [lines[k:k + 60] for k in range(0, max(1, len(lines)), 60)] or [[]]
    objs = {}
    n_pages = len(pages)
    img_id = 4 + 2 * n_pages if image_bytes else None
    kids = " ".join("%d 0 R" % (4 + 2 * k) for k in range(n_pages))
    objs[1] = b"<< /Type /Catalog /Pages 2 0 R >>"
    objs[2] = ("<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, n_pages)).encode()
    objs[3] = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"
    for k, page in enumerate(pages):
        content = [b"BT /F1 10 Tf 50 800 Td 12 TL"]
        for line in page:
            content.append(b"(" + esc(line) + b") '")
        content.append(b"ET")
        res = b"/Font << /F1 3 0 R >>"
        if img_id and k == 0:
            content.append(b"q 400 0 0 300 100 60 cm /Im1 Do Q")
            res += b" /XObject << /Im1 %d 0 R >>" % img_id
        stream = b"\n".join(content)
        objs[4 + 2 * k] = (b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << "
                           + res + b" >> /Contents %d 0 R >>" % (5 + 2 * k))
        objs[5 + 2 * k] = b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream"
    if img_id:
        w = 512
        h = max(1, image_bytes // w)
        data = rng.randbytes(w * h)
        objs[img_id] = (b"<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray "
                        b"/BitsPerComponent 8 /Length %d >>\nstream\n" % (w, h, len(data)) + data + b"\nendstream")
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = {}
    for oid in sorted(objs):
        offsets[oid] = out.tell()
        out.write(b"%d 0 obj\n" % oid + objs[oid] + b"\nendobj\n")
    xref = out.tell()
    size = max(objs) + 1
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % size)
    for oid in range(1, size):
        out.write(b"%010d 00000 n \n" % offsets[oid])
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (size, xref))
    return out.getvalue()


DOCX_TYPES = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
              '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
              '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
              '<Default Extension="xml" ContentType="application/xml"/>'
              '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
              'officedocument.wordprocessingml.document.main+xml"/></Types>')
DOCX_RELS = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
             '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
             '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
             'relationships/officeDocument" Target="word/document.xml"/></Relationships>')


def docx_bytes(pars):
    body = "".join('<w:p><w:r><w:t xml:space="preserve">%s</w:t></w:r></w:p>'
                   % html.escape(p, quote=False) for p in pars)
    doc = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
           '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
           '<w:body>%s<w:sectPr/></w:body></w:document>' % body)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for name, data in (("[Content_Types].xml", DOCX_TYPES), ("_rels/.rels", DOCX_RELS),
                           ("word/document.xml", doc)):
            info = zipfile.ZipInfo(name, date_time=(2016, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, data)
    return out.getvalue()


ATTACH_NAMES = {"fr": ["note", "compte-rendu", "programme", "budget-prévisionnel", "communiqué",
                       "discours", "planning", "revue-de-presse", "convention", "facture"],
                "en": ["memo", "minutes", "report", "budget", "press-release", "speech",
                       "schedule", "contract", "invoice", "summary"]}


def attachment_part(rng, s, kind):
    """(headers, encoded body) of one attachment."""
    base = "%s-%d" % (rng.choice(ATTACH_NAMES[s.lang]), rng.randint(1, 99))
    nwords = max(20, min(20000, int(rng.lognormvariate(math.log(400), 1.0))))
    pars = paragraphs(rng, s.lang, nwords)
    if kind == "pdf":
        lines = [x for p in pars for x in wrap(p, 90)]
        scan = int(rng.lognormvariate(math.log(30000), 1.3)) if rng.random() < 0.5 else 0
        data, ctype, name = pdf_bytes(rng, lines, min(scan, 4 << 20)), "application/pdf", base + ".pdf"
    elif kind == "docx":
        data, name = docx_bytes(pars), base + ".docx"
        ctype = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    elif kind == "txt":
        data = ("\n".join(x for p in pars for x in wrap(p) + [""])).encode("utf-8")
        ctype, name = "text/plain; charset=utf-8", base + ".txt"
    else:
        data = html_of([x for p in pars for x in wrap(p) + [""]]).encode("utf-8")
        ctype, name = "text/html; charset=utf-8", base + ".html"
    if rng.random() < 0.05 and kind in ("pdf", "docx"):
        ctype = "application/octet-stream"      # mislabelled, as some clients do
    try:
        name.encode("ascii")
        disp = 'attachment; filename="%s"' % name
        ctype_line = '%s; name="%s"' % (ctype, name)
    except UnicodeEncodeError:
        quoted = _rfc2231(name)
        disp = "attachment;\n filename*=utf-8''%s" % quoted
        ctype_line = "%s;\n name*=utf-8''%s" % (ctype, quoted)
    head = "Content-Type: %s\nContent-Disposition: %s\nContent-Transfer-Encoding: base64\n" % (ctype_line, disp)
    return head.encode("ascii"), transfer_encode(data, "base64")


def _rfc2231(name):
    out = []
    for c in name:
        if c.isascii() and (c.isalnum() or c in "-._"):
            out.append(c)
        else:
            out.extend("%%%02X" % b for b in c.encode("utf-8"))
    return "".join(out)


# ---------------------------------------------------------------- message

def text_part(lines, charset, cte, subtype="plain"):
    text = "\n".join(lines) + "\n" if subtype == "plain" else lines
    data = encode_text(text, charset)
    head = "Content-Type: text/%s; charset=%s\nContent-Transfer-Encoding: %s\n" % (subtype, charset, cte)
    return head.encode("ascii"), transfer_encode(data, cte)


def boundary(rng):
    return "----=_Part_%d_%d.%d" % (rng.randint(1, 99999), rng.getrandbits(30), rng.getrandbits(40))


def multipart(rng, subtype, parts):
    """(Content-Type header, body) of a multipart of `parts`, each a
    (headers, encoded body) pair."""
    b = boundary(rng).encode()
    head = b"Content-Type: multipart/%s;\n\tboundary=\"%s\"\n" % (subtype.encode(), b)
    body = [b""]
    for part_head, payload in parts:
        body.append(b"--" + b + b"\n" + part_head + b"\n" + payload)
    body.append(b"--" + b + b"--\n")
    return head, b"This is a multi-part message in MIME format.\n" + b"\n".join(body)


def build_message(i):
    """(LF bytes of message i, signed?, mbox From_ line)."""
    s = skel(i)
    rng = random.Random("mime/%d/%d" % (SEED, i))
    lines = body_lines(s)
    charset, cte = s.charset, s.cte
    plain = text_part(lines, charset, cte)
    if s.html:
        hcte = "quoted-printable" if cte in ("7bit", "8bit") else cte
        head, body = multipart(rng, "alternative", [plain, text_part(html_of(lines), charset, hcte, "html")])
    else:
        head, body = plain
    if s.attach:
        parts = [(head, body)]
        for kind in s.attach:
            parts.append(attachment_part(rng, s, kind))
        head, body = multipart(rng, "mixed", parts)
    sender = PEOPLE[s.sender]
    date = email.utils.format_datetime(local_date(s))
    rdomain = PEOPLE[s.to[0]][1].split("@")[1]
    received = []
    t = s.date
    for hop in range(rng.choice((1, 2, 2, 3))):
        t = t + datetime.timedelta(seconds=rng.randint(1, 20))
        received.append("Received: from mail%d.%s (mail%d.%s [192.0.2.%d])\n\tby mx%d.%s "
                        "(Postfix) with ESMTPS id %X\n\tfor <%s>; %s" % (
                            hop + 1, sender[1].split("@")[1], hop + 1, sender[1].split("@")[1],
                            rng.randint(1, 254), hop + 1, rdomain, rng.getrandbits(40),
                            PEOPLE[s.to[0]][1], email.utils.format_datetime(t)))
    received.reverse()
    rows = ["Return-Path: <%s>" % sender[1]] + received
    signed_rows = ["From: " + address(s.sender, charset),
                   "To: " + ", ".join(address(p, charset) for p in s.to)]
    if s.cc:
        signed_rows.append("Cc: " + ",\n\t".join(address(p, charset) for p in s.cc))
    signed_rows += ["Subject: " + header_words(s.subject, charset), "Date: " + date,
                    "Message-ID: <%s>" % s.mid]
    if s.refs:
        signed_rows += ["In-Reply-To: <%s>" % s.refs[-1],
                        "References: " + "\n\t".join("<%s>" % r for r in s.refs)]
    signed_rows.append("MIME-Version: 1.0")
    trailer = ["X-Mailer: " + s.mailer]
    header = ("\n".join(signed_rows + trailer) + "\n").encode("utf-8") + head
    msg = header + b"\n" + body
    sig = b""
    if s.signed and SIGN_KEYS is not None:
        dom, sel, _ = SIGNERS[sender[3]]
        if s.sig_fault == "nokey":
            sel = NOKEY_SELECTOR
        sig = dkim_signature(msg, dom, sel, SIGN_KEYS[sender[3]], int(s.date.timestamp()) + 5)
        if s.sig_fault == "footer":
            msg += b"\n_______________________________________________\nListe de diffusion\n"
    msg = ("\n".join(rows) + "\n").encode("utf-8") + sig + msg
    from_line = b"From %s %s\n" % (sender[1].encode(), s.date.strftime("%a %b %d %H:%M:%S %Y").encode())
    return msg, s.signed and SIGN_KEYS is not None, from_line


# ---------------------------------------------------------------- DKIM

def _der_read(buf, pos):
    tag = buf[pos]
    ln = buf[pos + 1]
    pos += 2
    if ln & 0x80:
        k = ln & 0x7F
        ln = int.from_bytes(buf[pos:pos + k], "big")
        pos += k
    return tag, buf[pos:pos + ln], pos + ln


def _der(tag, content):
    n = len(content)
    ln = bytes([n]) if n < 0x80 else (lambda b: bytes([0x80 | len(b)]) + b)(n.to_bytes((n.bit_length() + 7) // 8, "big"))
    return bytes([tag]) + ln + content


def _der_int(v):
    return _der(0x02, v.to_bytes(v.bit_length() // 8 + 1, "big"))


class RsaKey:
    """A PKCS#1 RSA private key (PEM) and a signer for it."""

    def __init__(self, pem):
        b64 = b"".join(x for x in pem.splitlines() if not x.startswith(b"-----"))
        _, seq, _ = _der_read(base64.b64decode(b64), 0)
        ints, pos = [], 0
        while pos < len(seq):
            _, v, pos = _der_read(seq, pos)
            ints.append(int.from_bytes(v, "big"))
        _, self.n, self.e, self.d, self.p, self.q, self.dp, self.dq, self.qinv = ints[:9]
        self.size = (self.n.bit_length() + 7) // 8
        self.fast = None
        try:
            from cryptography.hazmat.primitives import serialization
            self.fast = serialization.load_pem_private_key(pem, password=None)
        except Exception:
            self.fast = None

    def spki_b64(self):
        alg = _der(0x30, _der(0x06, bytes.fromhex("2a864886f70d010101")) + b"\x05\x00")
        pub = _der(0x30, _der_int(self.n) + _der_int(self.e))
        return base64.b64encode(_der(0x30, alg + _der(0x03, b"\x00" + pub))).decode("ascii")

    def sign(self, data):
        if self.fast is not None:
            from cryptography.hazmat.primitives import hashes
            from cryptography.hazmat.primitives.asymmetric import padding
            return self.fast.sign(data, padding.PKCS1v15(), hashes.SHA256())
        info = bytes.fromhex("3031300d060960864801650304020105000420") + hashlib.sha256(data).digest()
        em = b"\x00\x01" + b"\xff" * (self.size - len(info) - 3) + b"\x00" + info
        m = int.from_bytes(em, "big")
        m1, m2 = pow(m, self.dp, self.p), pow(m, self.dq, self.q)
        h = (self.qinv * (m1 - m2)) % self.p
        return (m2 + h * self.q).to_bytes(self.size, "big")


SIGN_KEYS = None
SIGNED_HEADERS = ("from", "to", "cc", "subject", "date", "message-id", "in-reply-to",
                  "references", "mime-version", "content-type", "content-transfer-encoding")
_WSP = re.compile(rb"[ \t]+")


def _relaxed_body(body):
    lines = body.split(b"\r\n")
    out = [_WSP.sub(b" ", x).rstrip(b" ") for x in lines]
    while out and out[-1] == b"":
        out.pop()
    return b"".join(x + b"\r\n" for x in out)


def _relaxed_header(name, value):
    value = re.sub(rb"\r\n(?=[ \t])", b"", value)
    return name.lower().strip() + b":" + _WSP.sub(b" ", value).strip(b" ") + b"\r\n"


def dkim_signature(msg_lf, domain, selector, key, t):
    """The DKIM-Signature header (LF line ends) for msg_lf, rsa-sha256,
    relaxed/relaxed, signing the headers of SIGNED_HEADERS present."""
    msg = msg_lf.replace(b"\n", b"\r\n")
    end = msg.index(b"\r\n\r\n")
    head, body = msg[:end + 2], msg[end + 4:]
    fields = []
    for m in re.finditer(rb"^([^ \t:\r\n]+):(.*?\r\n(?:[ \t].*?\r\n)*)", head, re.M | re.S):
        fields.append((m.group(1), m.group(2)[:-2]))
    have = {}
    for name, value in fields:
        have[name.lower().decode()] = (name, value)   # the last instance (bottom-up: one each)
    names = [h for h in SIGNED_HEADERS if h in have]
    bh = base64.b64encode(hashlib.sha256(_relaxed_body(body)).digest()).decode()
    value = (" v=1; a=rsa-sha256; c=relaxed/relaxed; d=%s; s=%s;\r\n\tt=%d; h=%s;\r\n\tbh=%s;\r\n\tb="
             % (domain, selector, t, ":".join(names), bh))
    signed = b"".join(_relaxed_header(*have[n]) for n in names)
    signed += _relaxed_header(b"DKIM-Signature", value.encode())[:-2]
    b = base64.b64encode(key.sign(signed)).decode()
    folded = "\r\n\t".join(b[k:k + 72] for k in range(0, len(b), 72))
    return ("DKIM-Signature:" + value + folded + "\r\n").replace("\r\n", "\n").encode("ascii")


def load_keys():
    keys = {}
    for k, (_, _, stem) in enumerate(SIGNERS):
        keys[k] = RsaKey((KEY_DIR / (stem + ".pem")).read_bytes())
    return keys


def key_file_text(keys):
    rows = ["# DKIM keys of the synthetic benchmark archive (bench/gen-archive.py);",
            "# fictional test keys from tests/tools/dkim-keys/. The selector %s is" % NOKEY_SELECTOR,
            "# missing on purpose (its signatures are nokey)."]
    for k, (dom, sel, stem) in enumerate(SIGNERS):
        rows.append("%s._domainkey.%s  v=DKIM1; k=rsa; p=%s  # source: bench generator (%s)"
                    % (sel, dom, keys[k].spki_b64(), stem))
    return "\n".join(rows) + "\n"


# ---------------------------------------------------------------- writing

def mboxrd(msg):
    return re.sub(rb"^(>*From )", rb">\1", msg, flags=re.M)


def maildir_name(i, msg, s):
    base = "%d.M%dP%d.bench,S=%d" % (int(s.date.timestamp()), i % 1000000, 4000 + i % 9000, len(msg))
    return ("new", base) if i % 10 == 9 else ("cur", base + ":2,S")


def write_chunk(args):
    """Writes messages lo..hi-1 to the Maildir and to one mbox file."""
    out, lo, hi = args
    mbox = []
    stats = [0, 0, 0, 0]  # messages, bytes, signed, with attachments
    for i in range(lo, hi):
        msg, signed, from_line = build_message(i)
        s = skel(i)
        sub, name = maildir_name(i, msg, s)
        with open(os.path.join(out, "maildir", sub, name), "wb") as f:
            f.write(msg)
        mbox.append(from_line + mboxrd(msg) + b"\n")
        stats[0] += 1
        stats[1] += len(msg)
        stats[2] += signed
        stats[3] += bool(s.attach)
        if len(_skel_cache) > 20000:  # keep the recent past (parents are near)
            for k in [k for k in _skel_cache if k < i - 2000]:
                del _skel_cache[k]
    with open(os.path.join(out, "mbox", "%06d.mbox" % (lo // PER_MBOX)), "wb") as f:
        f.write(b"".join(mbox))
    return stats


def init_worker(seed, sign):
    global SEED, SIGN_KEYS
    SEED = seed
    setup(seed)
    SIGN_KEYS = load_keys() if sign else None


def check(out, count):
    try:
        import dkim
    except ImportError:
        sys.exit("--check needs dkimpy (Debian python3-dkim): run with /usr/bin/python3")
    records = {}
    for line in (Path(out) / "dkim-keys.txt").read_text().splitlines():
        if line and not line.startswith("#"):
            name, value = line.split(None, 1)
            records[name.encode() + b"."] = value.split("#")[0].strip().encode()
    seen = {"pass": 0, "fail": 0}
    files = sorted((Path(out) / "maildir" / "cur").iterdir())
    for p in files:
        raw = p.read_bytes()
        if not raw.count(b"\nDKIM-Signature:"):
            continue
        ok = dkim.verify(raw.replace(b"\n", b"\r\n"), dnsfunc=lambda n, timeout=5: records.get(n))
        seen["pass" if ok else "fail"] += 1
        if sum(seen.values()) >= count:
            break
    print("dkimpy: %(pass)d pass, %(fail)d fail (about 2 %% are expected to fail: footer or nokey)" % seen)


def main():
    ap = argparse.ArgumentParser(description="Write a synthetic e-mail archive (Maildir and mbox).")
    ap.add_argument("out")
    ap.add_argument("-n", "--count", type=int, default=100000)
    ap.add_argument("--start", type=int, default=0, help="number of the first message (default 0)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--no-sign", action="store_true", help="write no DKIM signatures")
    ap.add_argument("--check", type=int, metavar="K", help="verify K signed messages of OUT with dkimpy")
    a = ap.parse_args()
    if a.check:
        check(a.out, a.check)
        return
    out = a.out
    for sub in ("maildir/cur", "maildir/new", "maildir/tmp", "mbox"):
        os.makedirs(os.path.join(out, sub), exist_ok=False if sub == "maildir/cur" else True)
    init_worker(a.seed, not a.no_sign)
    (Path(out) / "dkim-keys.txt").write_text(key_file_text(SIGN_KEYS or load_keys()))
    chunks = []
    lo = a.start
    while lo < a.start + a.count:
        hi = min(a.start + a.count, (lo // PER_MBOX + 1) * PER_MBOX)
        chunks.append((out, lo, hi))
        lo = hi
    total = [0, 0, 0, 0]
    ctx = multiprocessing.get_context("fork")
    with ctx.Pool(a.jobs, initializer=init_worker, initargs=(a.seed, not a.no_sign)) as pool:
        for k, st in enumerate(pool.imap_unordered(write_chunk, chunks)):
            total = [x + y for x, y in zip(total, st)]
            if sys.stderr.isatty():
                print("\r%d / %d messages" % (total[0], a.count), end="", file=sys.stderr)
    if sys.stderr.isatty():
        print(file=sys.stderr)
    manifest = ("seed %d\nstart %d\nmessages %d\nbytes %d\nsigned %d\nwith_attachments %d\n"
                % (a.seed, a.start, total[0], total[1], total[2], total[3]))
    (Path(out) / "MANIFEST").write_text(manifest)
    print(manifest, end="")


if __name__ == "__main__":
    main()
