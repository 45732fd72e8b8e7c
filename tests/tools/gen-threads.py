#!/usr/bin/env python3
"""gen-threads.py - writes data/threads/, conversations that test threading.

Every case is a small conversation written for this project; the expected
grouping is declared next to it (GROUPS below) and T230 checks the index
against it, so an expectation never comes from running leakdex.

    python3 tests/tools/gen-threads.py          # removes and rewrites data/threads/
    python3 tests/tools/gen-threads.py --check  # writes nothing; compares with data/threads/
    python3 tests/tools/gen-threads.py --strangers DIR  # the stranger cases, into DIR

The stranger cases (parent ids that are no Message-ID, or that unrelated
conversations share) are written by T230 into its own directory rather than
kept in data/, with their groups (--stranger-groups).

Standard library only, no randomness, no current time.
"""

import argparse
import email.utils
import os
import shutil
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "data", "threads")

ALICE = ("Alice Martin", "alice.martin@campagne-exemple.fr")
BOB = ("Bruno Lemaire", "b.lemaire@campagne-exemple.fr")
CAROL = ("Carole Vidal", "c.vidal@presse-exemple.fr")
DAVE = ("David Brown", "d.brown@thinktank-example.org")
ERIC = ("Éric Fontaine", "e.fontaine@mairie-exemple.fr")


def date(day, hour, minute=0, tz="+0100"):
    """A Date header for a day of March 2017 (day may be past 31: April...)."""
    import datetime
    d = datetime.datetime(2017, 3, 1) + datetime.timedelta(days=day - 1, hours=hour, minutes=minute)
    return d.strftime("%a, %d %b %Y %H:%M:%S ") + tz


def addr(p):
    name, a = p
    if name.isascii():
        return "%s <%s>" % (name, a)
    return "=?UTF-8?Q?%s?= <%s>" % ("".join(
        c if c.isascii() and c.isalnum() else "".join("=%02X" % b for b in c.encode("utf-8"))
        for c in name), a)


def message(frm, to, subject, when, body, msgid=None, irt=None, refs=None, cc=(), extra=()):
    """A message; irt and refs are ids without <>, or raw header text in a
    tuple ("<yes>",) for the odd forms clients write."""
    hs = [("Date", when), ("From", addr(frm)), ("To", ", ".join(addr(p) for p in to))]
    if cc:
        hs.append(("Cc", ", ".join(addr(p) for p in cc)))
    hs.append(("Subject", subject))
    if msgid:
        hs.append(("Message-ID", "<%s>" % msgid))
    if irt:
        hs.append(("In-Reply-To", irt[0] if isinstance(irt, tuple) else "<%s>" % irt))
    if refs:
        hs.append(("References", refs[0] if isinstance(refs, tuple) else
                   " ".join("<%s>" % r for r in refs)))
    hs.extend(extra)
    hs.append(("MIME-Version", "1.0"))
    hs.append(("Content-Type", "text/plain; charset=UTF-8"))
    hs.append(("Content-Transfer-Encoding", "8bit"))
    head = "".join("%s: %s\n" % (n, v) for n, v in hs)
    return (head + "\n" + body).encode("utf-8")


# (file name, bytes). Names sort in the order they are listed.
FILES = []


def add(name, data):
    FILES.append((name, data))


# A: a well-formed chain: root, reply, reply to the reply (References full).
add("a1.eml", message(ALICE, [BOB], "Tournée des marchés", date(1, 9),
                      "Bruno, peux-tu préparer la tournée des marchés de samedi ?\n",
                      msgid="a1@threads.example"))
add("a2.eml", message(BOB, [ALICE], "Re: Tournée des marchés", date(1, 11),
                      "Oui, je m'en occupe.\n\n> Bruno, peux-tu préparer la tournée des marchés"
                      " de samedi ?\n",
                      msgid="a2@threads.example", irt="a1@threads.example",
                      refs=["a1@threads.example"]))
add("a3.eml", message(ALICE, [BOB], "Re: Re: Tournée des marchés", date(1, 14),
                      "Merci, parfait.\n", msgid="a3@threads.example", irt="a2@threads.example",
                      refs=["a1@threads.example", "a2@threads.example"]))

# B: In-Reply-To only (no References): each reply names its parent alone.
add("b1.eml", message(CAROL, [ALICE], "Interview request", date(2, 10),
                      "Could we talk about the programme on Friday?\n", msgid="b1@threads.example"))
add("b2.eml", message(ALICE, [CAROL], "RE: Interview request", date(2, 12),
                      "Friday at ten works.\n", msgid="b2@threads.example",
                      irt="b1@threads.example"))
add("b3.eml", message(CAROL, [ALICE], "RE: RE: Interview request", date(2, 13),
                      "See you then.\n", msgid="b3@threads.example", irt="b2@threads.example"))

# C: the root is missing from the archive: two replies to it and a reply to
# one of them still make one conversation.
add("c1.eml", message(BOB, [ALICE, DAVE], "Re: Budget des affiches", date(3, 9),
                      "Le devis de l'imprimeur est arrivé.\n", msgid="c1@threads.example",
                      irt="c0-missing@threads.example", refs=["c0-missing@threads.example"]))
add("c2.eml", message(DAVE, [ALICE, BOB], "Re: Budget des affiches", date(3, 10),
                      "The printer's quote looks high.\n", msgid="c2@threads.example",
                      irt="c0-missing@threads.example", refs=["c0-missing@threads.example"]))
add("c3.eml", message(ALICE, [BOB, DAVE], "Re: Budget des affiches", date(3, 16),
                      "On garde l'imprimeur.\n", msgid="c3@threads.example", irt="c2@threads.example",
                      refs=["c0-missing@threads.example", "c2@threads.example"]))

# D: a client that cut References to the last id only.
add("d1.eml", message(ERIC, [ALICE], "Salle pour la réunion publique", date(4, 9),
                      "La salle Jean-Jaurès est libre le 20.\n", msgid="d1@threads.example"))
add("d2.eml", message(ALICE, [ERIC], "Re: Salle pour la réunion publique", date(4, 10),
                      "Nous la prenons.\n", msgid="d2@threads.example", irt="d1@threads.example",
                      refs=["d1@threads.example"]))
add("d3.eml", message(ERIC, [ALICE], "Re: Salle pour la réunion publique", date(4, 15),
                      "C'est réservé.\n", msgid="d3@threads.example", irt="d2@threads.example",
                      refs=["d2@threads.example"]))

# E: a broken client: replies with "RE :" (French spacing) and "Réf. :" but
# no In-Reply-To or References join by subject and shared correspondents.
add("e1.eml", message(ALICE, [BOB], "Tracts du quartier nord", date(6, 9),
                      "Il reste 2000 tracts pour le quartier nord.\n", msgid="e1@threads.example"))
add("e2.eml", message(BOB, [ALICE], "RE : Tracts du quartier nord", date(6, 18),
                      "Je les distribue demain.\n", msgid="e2@threads.example"))
add("e3.eml", message(ALICE, [BOB], "Réf. : RE : tracts du  quartier nord", date(8, 8),
                      "Merci Bruno.\n", msgid="e3@threads.example"))
# ...but not a stranger's reply with the same subject (no shared correspondent),
add("e4.eml", message(CAROL, [DAVE], "Re: Tracts du quartier nord", date(7, 9),
                      "Have you seen their leaflets?\n", msgid="e4@threads.example"))
# ...nor one two months later,
add("e5.eml", message(BOB, [ALICE], "Re: Tracts du quartier nord", date(66, 9),
                      "Il en reste encore.\n", msgid="e5@threads.example"))
# ...nor a forward to someone else (a new conversation about an old message).
add("e6.eml", message(ERIC, [DAVE], "TR: Tracts du quartier nord", date(6, 20),
                      "Pour info.\n", msgid="e6@threads.example"))

# F: a reply whose original is not in the archive and has no references.
add("f1.eml", message(DAVE, [ERIC], "Re: Hello", date(9, 9), "Hello to you too.\n",
                      msgid="f1@threads.example"))

# G: a loop of references (hostile or broken): one thread, no hang.
add("g1.eml", message(ALICE, [BOB], "Boucle", date(10, 9), "Premier.\n",
                      msgid="g1@threads.example", irt="g2@threads.example",
                      refs=["g2@threads.example"]))
add("g2.eml", message(BOB, [ALICE], "Re: Boucle", date(10, 10), "Second.\n",
                      msgid="g2@threads.example", irt="g1@threads.example",
                      refs=["g1@threads.example"]))

# H: no Message-ID at all: a thread of its own.
add("h1.eml", message(ERIC, [BOB], "Sans identifiant", date(11, 9),
                      "Ce message n'a pas de Message-ID.\n"))

# I: the same message twice, with different transport headers (a copy):
# one conversation with its reply.
i1 = message(ALICE, [DAVE], "Agenda for the debate", date(12, 9),
             "Three topics: schools, transport, housing.\n", msgid="i1@threads.example")
add("i1.eml", i1)
add("i1-copy.eml", b"Received: from relay.example by mx.example; " +
    date(12, 9, 1).encode() + b"\n" + i1)
add("i2.eml", message(DAVE, [ALICE], "Re: Agenda for the debate", date(12, 11),
                      "Add culture, please.\n", msgid="i2@threads.example",
                      irt="i1@threads.example", refs=["i1@threads.example"]))

# Strangers: written by --strangers DIR (T230), not kept in data/.
STRANGERS = []
GILLES = ("Gilles Marchand", "g.marchand@asso-exemple.org")
JOE = ("Joe Perches", "joe@perches.example")
JOE_LIST = ("Joe Perches", "joe-6d6DIl74ui@public.gmane.example")
LIST = ("Liste noyau", "noyau@lists.example")
LIST_GMANE = ("Liste noyau", "noyau-u79uwXL29T@public.gmane.example")


def stranger(name, data):
    STRANGERS.append((name, data))


# J: git send-email asked "Message-ID to be used as In-Reply-To" and was
# answered "yes": `<yes>` is no Message-ID, so it links nothing, whoever
# writes it; the real parent written after it in References still counts.
stranger("j1.eml", message(ALICE, [BOB], "Affiches du meeting", date(20, 9),
                           "Les affiches du meeting sont prêtes.\n", msgid="j1@threads.example",
                           irt=("<yes>",), refs=("<yes>",)))
stranger("j2.eml", message(CAROL, [DAVE], "Press accreditation", date(21, 9),
                           "The accreditation forms are attached.\n", msgid="j2@threads.example",
                           irt=("<yes>",), refs=("<yes>",)))
stranger("j3.eml", message(ERIC, [GILLES], "Permanence de la mairie", date(22, 9),
                           "La mairie ouvre samedi.\n", msgid="j3@threads.example",
                           irt=("<yes>",)))
stranger("j4.eml", message(BOB, [ALICE], "Re: Affiches du meeting", date(20, 11),
                           "Je passe les chercher.\n", msgid="j4@threads.example",
                           irt="j1@threads.example", refs=("<yes>\n\t<j1@threads.example>",)))
# ...and a reply whose only link is `<yes>` is a reply without links: it
# joins by subject and correspondents.
stranger("j5.eml", message(ALICE, [BOB], "Re: Affiches du meeting", date(20, 15),
                           "Merci.\n", msgid="j5@threads.example", irt=("<yes>",)))
# Other ids that are no Message-ID: no "@", nothing before or after it.
stranger("j6.eml", message(DAVE, [CAROL], "Venue for the debate", date(23, 9),
                           "The venue is confirmed.\n", msgid="j6@threads.example",
                           irt=("<unknown>",), refs=("<@threads.example> <j0@>",)))
stranger("j7.eml", message(GILLES, [ERIC], "Tables pour la brocante", date(24, 9),
                           "Il nous faut dix tables.\n", msgid="j7@threads.example",
                           irt=("<unknown>",), refs=("<@threads.example> <j0@>",)))

# K: a valid id that one broken client wrote into every message it sent
# (k0 is in no message): three conversations that share nothing else, so
# each keeps its own thread. The first (two claimants, the earliest) keeps
# k0's id; the others take theirs from their own first message.
K0 = "k0.4A5B@localhost.localdomain"
stranger("k1.eml", message(ALICE, [BOB], "Tournée en Bretagne", date(25, 9),
                           "Départ lundi pour Rennes.\n", msgid="k1@threads.example", irt=K0))
stranger("k2.eml", message(BOB, [ALICE], "Re: Tournée en Bretagne", date(25, 10),
                           "Je réserve le train.\n", msgid="k2@threads.example",
                           irt="k1@threads.example", refs=[K0, "k1@threads.example"]))
stranger("k3.eml", message(CAROL, [DAVE], "Press kit", date(26, 9),
                           "The press kit is ready.\n", msgid="k3@threads.example", irt=K0))
stranger("k4.eml", message(DAVE, [CAROL], "Re: Press kit", date(26, 12),
                           "Thanks, looks good.\n", msgid="k4@threads.example",
                           irt="k3@threads.example", refs=[K0, "k3@threads.example"]))
stranger("k5.eml", message(ERIC, [GILLES], "Permanence du samedi", date(27, 9),
                           "Qui tient la permanence ?\n", msgid="k5@threads.example", irt=K0))

# L: a real parent answered by four people, one of whom changed the subject:
# they all wrote to Alice, so they are one conversation.
stranger("l1.eml", message(ALICE, [BOB, CAROL, DAVE], "Programme du débat", date(28, 9),
                           "Voici le programme du débat.\n", msgid="l1@threads.example"))
stranger("l2.eml", message(BOB, [ALICE], "Re: Programme du débat", date(28, 10),
                           "D'accord.\n", msgid="l2@threads.example", irt="l1@threads.example",
                           refs=["l1@threads.example"]))
stranger("l3.eml", message(CAROL, [ALICE], "Question presse sur le programme", date(28, 11),
                           "Une question sur l'énergie.\n", msgid="l3@threads.example",
                           irt="l1@threads.example", refs=["l1@threads.example"]))
stranger("l4.eml", message(DAVE, [ALICE], "Re: Programme du débat", date(28, 12),
                           "Looks fine.\n", msgid="l4@threads.example", irt="l1@threads.example",
                           refs=["l1@threads.example"]))
stranger("l5.eml", message(ERIC, [ALICE], "Salle du débat", date(28, 13),
                           "La salle est prête.\n", msgid="l5@threads.example",
                           irt="l1@threads.example", refs=["l1@threads.example"]))

# M: a patch series whose cover letter is missing: each patch has its own
# subject, and a list archive rewrote the sender's address on one of them;
# the sender's name still ties it to the others.
M0 = "m0-cover.1289789604@perches.example"
stranger("m1.eml", message(JOE, [LIST], "[PATCH 1/3] fs: remove a semicolon", date(29, 9),
                           "Patch one.\n", msgid="m1@threads.example", irt=M0, refs=[M0]))
stranger("m2.eml", message(JOE_LIST, [LIST_GMANE], "[PATCH 2/3] net: remove a semicolon",
                           date(29, 9, 1), "Patch two.\n", msgid="m2@threads.example", irt=M0,
                           refs=[M0]))
stranger("m3.eml", message(JOE, [LIST], "[PATCH 3/3] mm: remove a semicolon", date(29, 9, 2),
                           "Patch three.\n", msgid="m3@threads.example", irt=M0, refs=[M0]))

# N: two strangers sharing a reused id are fewer than LX_THREAD_STRANGER_CLAIMS
# (3): too few to tell from a parent answered twice by people who changed
# the subject; they stay one conversation.
N0 = "n0.77@localhost.localdomain"
stranger("n1.eml", message(ALICE, [BOB], "Salle municipale", date(30, 9), "Réservée.\n",
                           msgid="n1@threads.example", irt=N0))
stranger("n2.eml", message(CAROL, [DAVE], "Tickets", date(30, 10), "Sold out.\n",
                           msgid="n2@threads.example", irt=N0))

STRANGER_GROUPS = [
    ["j1", "j4", "j5"], ["j2"], ["j3"], ["j6"], ["j7"],
    ["k1", "k2"], ["k3", "k4"], ["k5"],
    ["l1", "l2", "l3", "l4", "l5"],
    ["m1", "m2", "m3"],
    ["n1", "n2"],
]


# The expected conversations, by file name (without .eml). T230 reads them
# from here: python3 gen-threads.py --groups.
GROUPS = [
    ["a1", "a2", "a3"],
    ["b1", "b2", "b3"],
    ["c1", "c2", "c3"],
    ["d1", "d2", "d3"],
    ["e1", "e2", "e3"],
    ["e4"], ["e5"], ["e6"],
    ["f1"],
    ["g1", "g2"],
    ["h1"],
    ["i1", "i1-copy", "i2"],
]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--check", action="store_true")
    ap.add_argument("--groups", action="store_true", help="print the expected groups, one a line")
    ap.add_argument("--strangers", metavar="DIR", help="write the stranger cases into DIR")
    ap.add_argument("--stranger-groups", action="store_true",
                    help="print their expected groups, one a line")
    args = ap.parse_args()
    names = sorted(n[:-4] for n, _ in FILES)
    assert names == sorted(x for g in GROUPS for x in g), "GROUPS must list every file once"
    names = sorted(n[:-4] for n, _ in STRANGERS)
    assert names == sorted(x for g in STRANGER_GROUPS for x in g), \
        "STRANGER_GROUPS must list every stranger once"
    if args.groups or args.stranger_groups:
        for g in GROUPS if args.groups else STRANGER_GROUPS:
            print(" ".join(g))
        return 0
    if args.strangers:
        os.makedirs(args.strangers, exist_ok=True)
        for name, data in STRANGERS:
            with open(os.path.join(args.strangers, name), "wb") as f:
                f.write(data)
        return 0
    if args.check:
        bad = 0
        for name, data in FILES:
            path = os.path.join(OUT, name)
            if not os.path.exists(path) or open(path, "rb").read() != data:
                print("differs: " + path, file=sys.stderr)
                bad += 1
        if sorted(os.listdir(OUT)) != sorted(n for n, _ in FILES):
            print("data/threads holds other files", file=sys.stderr)
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
