#!/usr/bin/env python3
"""gen-fr.py - writes data/fr/, French text, people and time zones.

Messages written for this project to test what a French reporter types:
elisions with every apostrophe (l'Élysée, d’Emmanuel, lʼhôtel, D‘après),
words that keep their apostrophe (aujourd'hui, O'Brien, don't, prud'homme),
names and addresses found by free words, and dates near midnight in Paris.
Each fact is listed in data/README.md; T160 checks the index against them.

    python3 tests/tools/gen-fr.py          # removes and rewrites data/fr/
    python3 tests/tools/gen-fr.py --check  # writes nothing; compares with data/fr/

Standard library only, no randomness, no current time.
"""

import argparse
import os
import shutil
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "data", "fr")

PAUL = ("Paul Durand", "p.durand@redac.example")
MARIE = ("Marie Petit", "m.petit@redac.example")
JEANNE = ("Jeanne Lévêque", "jeanne.leveque@campagne.example")
CLAUDE = ("Claude Renaud", "claude.renaud@mairie.example")
ALICE = ("Alice Martin", "alice.martin@campagne-exemple.fr")
BERTRAND = ("Bertrand Noël", "b.noel@journal.example")
SECRETARIAT = ("Secrétariat de rédaction", "sr.retour@redaction.example")
GASTON = ("Gaston Lagaffe", "gaston@secret.example")
HELENE = ("Hélène d’Estaing", "h.destaing@mairie.example")
AGENCE = ("Agence horaire", "agence@horaires.example")


def encode_word(text):
    """An RFC 2047 Q-encoded word when text is not ASCII."""
    if text.isascii():
        return text
    out = []
    for c in text:
        if c.isascii() and c.isalnum():
            out.append(c)
        elif c == " ":
            out.append("_")
        else:
            out.append("".join("=%02X" % b for b in c.encode("utf-8")))
    return "=?UTF-8?Q?%s?=" % "".join(out)


def addr(p):
    name, a = p
    return "%s <%s>" % (encode_word(name), a)


def message(n, frm, to, subject, when, body, cc=(), bcc=(), reply_to=()):
    hs = [("Date", when), ("From", addr(frm)), ("To", ", ".join(addr(p) for p in to))]
    if cc:
        hs.append(("Cc", ", ".join(addr(p) for p in cc)))
    if bcc:
        hs.append(("Bcc", ", ".join(addr(p) for p in bcc)))
    if reply_to:
        hs.append(("Reply-To", ", ".join(addr(p) for p in reply_to)))
    hs.append(("Subject", encode_word(subject)))
    hs.append(("Message-ID", "<fr-%02d@fr.example>" % n))
    hs.append(("MIME-Version", "1.0"))
    hs.append(("Content-Type", "text/plain; charset=UTF-8"))
    hs.append(("Content-Transfer-Encoding", "8bit"))
    head = "".join("%s: %s\n" % (k, v) for k, v in hs)
    return (head + "\n" + body).encode("utf-8")


# (file name, bytes). Names sort in the order they are listed.
FILES = []


def add(n, name, *args, **kw):
    FILES.append(("%02d-%s.eml" % (n, name), message(n, *args, **kw)))


def april_2018(day):
    """Elision and people messages: a day of April 2018 each, 10:00 in Paris."""
    import datetime
    weekday = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"][datetime.date(2018, 4, day).weekday()]
    return "%s, %02d Apr 2018 10:00:00 +0200" % (weekday, day)


# Elisions, one apostrophe each: U+0027, U+2019, U+02BC, U+2018.
add(1, "elision-apostrophe", PAUL, [MARIE], "Rendez-vous à l'Élysée", april_2018(1),
    "Bonjour Marie,\n\nL'Élysée a confirmé le rendez-vous de jeudi.\n\nPaul\n")
add(2, "elision-right-quote", PAUL, [MARIE], "Discours", april_2018(2),
    "Le discours d\u2019Emmanuel est prêt pour la tribune.\n")
add(3, "elision-modifier-letter", PAUL, [MARIE], "Hébergement", april_2018(3),
    "Nous dormirons à l\u02bchôtel du port.\n")
add(4, "elision-left-quote", PAUL, [MARIE], "Affluence", april_2018(4),
    "D\u2018après la préfecture, la foule fut immense.\n")
# Every elision of the list, with a plain apostrophe, each before a word
# found nowhere else in data/fr.
add(5, "elisions-all", PAUL, [MARIE], "Exercice de style", april_2018(5),
    "Elle plante l'abricotier.\n"
    "Un blason d'armoiries.\n"
    "J'escalade la dune.\n"
    "Le vent m'ébouriffe.\n"
    "Il n'obtempère pas.\n"
    "La brume s'évapore.\n"
    "Ce chant t'ensorcelle.\n"
    "C'était inoubliable.\n"
    "Je crois qu'Hortense viendra.\n"
    "Nous resterons jusqu'ici.\n"
    "Lorsqu'ululent les chouettes, on se tait.\n"
    "Puisqu'Yvonne refuse, tant pis.\n"
    "Quoiqu'épuisée, elle continue.\n")
# Capitals and typographic apostrophes.
add(6, "elisions-capitals", PAUL, [MARIE], "Chanson", april_2018(6),
    "QU\u2019ORPHÉE CHANTE JUSQU\u2019À L\u2019AUBE, S\u2019IL LE FAUT.\n")
# Words that keep their apostrophe, plain then typographic.
add(7, "whole-words", PAUL, [MARIE], "Notes du jour", april_2018(7),
    "Aujourd'hui, Sean O'Brien m'a dit : « I don't know ». Le prud'homme a tranché.\n")
add(8, "whole-words-typographic", PAUL, [MARIE], "Suite des notes", april_2018(8),
    "Aujourd\u2019hui encore, O\u2019Brien attend la décision du prud\u2019homme."
    " We don\u2019t care.\n")

# People: free words find names and addresses of From, To, Cc, Reply-To.
add(10, "people-from-claude", CLAUDE, [JEANNE], "Salle du conseil", april_2018(10),
    "La salle est réservée pour mardi.\n")
add(11, "people-cc-alice", BERTRAND, [CLAUDE], "Interview", april_2018(11),
    "Merci pour votre disponibilité.\n", cc=[ALICE])
add(12, "people-reply-to", BERTRAND, [JEANNE], "Tribune", april_2018(12),
    "Votre tribune paraîtra samedi.\n", reply_to=[SECRETARIAT])
add(13, "people-bcc", JEANNE, [CLAUDE], "Copie discrète", april_2018(13),
    "Je vous tiens au courant.\n", bcc=[GASTON])
add(14, "people-elided-name", HELENE, [PAUL], "Visite", april_2018(14),
    "La visite est maintenue.\n")

# Time zones: the sender's offset is kept; --tz reads days on other clocks.
add(20, "paris-midnight", AGENCE, [PAUL], "Résultats du premier tour",
    "Mon, 24 Apr 2017 00:30:00 +0200", "Premiers résultats à minuit et demie.\n")
add(21, "utc-late", AGENCE, [PAUL], "Dépêche de Londres", "Sun, 23 Apr 2017 23:45:00 +0000",
    "Une dépêche tardive.\n")
add(22, "paris-evening", AGENCE, [PAUL], "Bilan de la soirée", "Mon, 24 Apr 2017 23:30:00 +0200",
    "Le bilan du lundi soir.\n")
add(23, "new-year", AGENCE, [PAUL], "Bonne année", "Sat, 01 Jan 2022 00:15:00 +0100",
    "Meilleurs vœux.\n")
add(24, "no-zone", AGENCE, [PAUL], "Sans fuseau", "Tue, 25 Apr 2017 12:00:00",
    "Une date sans fuseau horaire.\n")
add(25, "minus-zero", AGENCE, [PAUL], "Fuseau inconnu", "Tue, 25 Apr 2017 13:00:00 -0000",
    "Une date en -0000.\n")
add(26, "india", AGENCE, [PAUL], "Depuis Delhi", "Tue, 25 Apr 2017 18:00:00 +0530",
    "Un message de Delhi.\n")
add(27, "dst-start", AGENCE, [PAUL], "Heure d'été, dimanche soir",
    "Sun, 26 Mar 2017 23:30:00 +0200", "Le jour du passage à l'heure d'été.\n")
add(28, "dst-next-day", AGENCE, [PAUL], "Heure d'été, lundi", "Mon, 27 Mar 2017 00:10:00 +0200",
    "Le lendemain, à minuit dix.\n")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--check", action="store_true")
    args = ap.parse_args()
    if args.check:
        bad = 0
        for name, data in FILES:
            path = os.path.join(OUT, name)
            if not os.path.exists(path) or open(path, "rb").read() != data:
                print("differs: " + path, file=sys.stderr)
                bad += 1
        if sorted(os.listdir(OUT)) != sorted(n for n, _ in FILES):
            print("data/fr holds other files", file=sys.stderr)
            bad += 1
        return 1 if bad else 0
    shutil.rmtree(OUT, ignore_errors=True)
    os.makedirs(OUT)
    for name, data in FILES:
        with open(os.path.join(OUT, name), "wb") as f:
            f.write(data)
    print("wrote %d messages to %s" % (len(FILES), OUT))
    return 0


if __name__ == "__main__":
    sys.exit(main())
