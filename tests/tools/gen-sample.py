#!/usr/bin/env python3
"""Generate the leakdex sample e-mail archive under data/.

The archive is entirely fictional: a made-up French presidential campaign
("campagne Horizon 2017", candidate Camille Roche), its staff, a town hall
and a newspaper, all on reserved example domains.

Usage:
    python3 tests/tools/gen-sample.py            # (re)write data/eml, data/maildir, data/mbox
    python3 tests/tools/gen-sample.py --check    # verify the files on disk (no writing)

The generator is deterministic (no randomness, no current time): running it
twice produces byte-identical files.  It removes and recreates only
data/eml, data/maildir and data/mbox; data/README.md is maintained by hand
and documents the planted facts that --check verifies.

Standard library only.
"""

import argparse
import base64
import collections
import datetime as dt
import email
import email.policy
import email.utils
import mailbox
import quopri
import re
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "data"

ALLOWED_DOMAINS = ("campagne-exemple.fr", "presse-exemple.fr", "mairie-exemple.fr",
                   "example.org", "example.com")

# --------------------------------------------------------------------------
# Encoding helpers
# --------------------------------------------------------------------------


def chunk_text(text, fits):
    """Split text into pieces for which fits(piece) holds, preferring to cut
    after a space and falling back to character boundaries for long words."""
    chunks, cur = [], ""
    for piece in re.findall(r"\S+\s*|\s+", text):
        if fits(cur + piece):
            cur += piece
            continue
        if cur:
            chunks.append(cur)
            cur = ""
        for ch in piece:
            if cur and not fits(cur + ch):
                chunks.append(cur)
                cur = ""
            cur += ch
    chunks.append(cur)
    return chunks


def q_encode(text, charset):
    out = ""
    for c in text.encode(charset):
        if c == 0x20:
            out += "_"
        elif c < 0x80 and chr(c).isalnum():
            out += chr(c)
        else:
            out += "=%02X" % c
    return out


def ew_q(text, charset="UTF-8", maxlen=62):
    """RFC 2047 Q encoded words, each at most maxlen characters."""
    prefix = "=?%s?Q?" % charset
    fits = lambda t: len(prefix) + len(q_encode(t, charset)) + 2 <= maxlen
    return " ".join(prefix + q_encode(c, charset) + "?=" for c in chunk_text(text, fits))


def ew_b(text, charset="UTF-8", maxlen=62):
    """RFC 2047 B encoded words, each at most maxlen characters."""
    prefix = "=?%s?B?" % charset
    b64 = lambda t: base64.b64encode(t.encode(charset)).decode("ascii")
    fits = lambda t: len(prefix) + len(b64(t)) + 2 <= maxlen
    return " ".join(prefix + b64(c) + "?=" for c in chunk_text(text, fits))


def enc_text(text, enc="q"):
    """Header text: ASCII stays as is, otherwise encoded words."""
    if enc is None or (text.isascii() and enc == "q"):
        if not text.isascii():
            raise ValueError("non-ASCII header text needs an encoding: %r" % text)
        return text
    if enc == "q":
        return ew_q(text)
    if enc == "b":
        return ew_b(text)
    if enc == "latin1":
        return ew_q(text, "ISO-8859-1")
    raise ValueError(enc)


def fmt_addr(person, enc="q"):
    name, addr = person
    if not name:
        return addr
    if name.isascii():
        return "%s <%s>" % (name, addr)
    return "%s <%s>" % (enc_text(name, enc), addr)


def fold(name, value):
    """One header field, folded at spaces to lines of at most 78 characters."""
    if "\n" in value:  # already folded by hand
        return "%s: %s" % (name, value) if value else "%s:" % name
    line = "%s: %s" % (name, value) if value else "%s:" % name
    out = []
    while len(line) > 78:
        cut = line.rfind(" ", len(name) + 2, 79)
        if cut <= len(name) + 1:
            cut = line.find(" ", 79)
            if cut < 0:
                break
        out.append(line[:cut])
        line = line[cut:]  # keeps the space: the continuation starts with WSP
    out.append(line)
    return "\n".join(out)


def last_sunday(y, m):
    d = dt.date(y, m, 31)
    while d.weekday() != 6:
        d -= dt.timedelta(days=1)
    return d


def paris_offset(y, m, d, H, M):
    t = dt.datetime(y, m, d, H, M)
    start = dt.datetime.combine(last_sunday(y, 3), dt.time(2))
    end = dt.datetime.combine(last_sunday(y, 10), dt.time(3))
    return 120 if start <= t < end else 60


def mkdate(y, m, d, H, M, S=0, tz="paris"):
    """An aware datetime; tz is 'paris' or '+HHMM' / '-HHMM'."""
    if tz == "paris":
        off = paris_offset(y, m, d, H, M)
    else:
        sign = -1 if tz[0] == "-" else 1
        off = sign * (int(tz[1:3]) * 60 + int(tz[3:5]))
    return dt.datetime(y, m, d, H, M, S, tzinfo=dt.timezone(dt.timedelta(minutes=off)))


def rfcdate(when):
    return email.utils.format_datetime(when)


def received(frm, by, with_id, rcpt, when):
    frm = frm.replace(" (", "\n\t(", 1)  # keep lines under 78 characters
    return ("Received", "from %s\n\tby %s with %s\n\tfor <%s>; %s"
            % (frm, by, with_id, rcpt, rfcdate(when)))


# --------------------------------------------------------------------------
# People
# --------------------------------------------------------------------------

ALICE = ("Alice Martin", "alice.martin@campagne-exemple.fr")
THOMAS = ("Thomas Girard", "thomas.girard@campagne-exemple.fr")
SOPHIE = ("Sophie Nguyen", "s.nguyen@campagne-exemple.fr")
HELENE = ("Hélène Rousseau", "helene.rousseau@campagne-exemple.fr")
BERENICE = ("Bérénice Lefèvre", "b.lefevre@mairie-exemple.fr")
MARC = ("Marc Dupont", "marc.dupont@mairie-exemple.fr")
CLAIRE = ("Claire Dubois", "claire.dubois@presse-exemple.fr")
CLAIRE_MOBILE = ("Claire Dubois", "claire.dubois.mobile@presse-exemple.fr")
JULIEN = ("Julien Petit", "j.petit@presse-exemple.fr")
JULIEN_WE = ("Julien Petit", "redaction.weekend@presse-exemple.fr")
PRESSE = ("Rédaction Presse Exemple", "presse@presse-exemple.fr")
DAVID = ("David Brown", "david.brown@example.org")
EMMA = ("Emma Clark", "emma.clark@example.com")
STUDIO = ("Studio Graphique", "studio@graphisme.example")
BENEVOLES = (None, "benevoles@example.org")
TEAM = [THOMAS, SOPHIE, HELENE]

# --------------------------------------------------------------------------
# Message model
# --------------------------------------------------------------------------


class Msg:
    def __init__(self, key, frm, to, subject, date, body="", *, msgid=None, cc=(), bcc=(),
                 reply_to=None, from_enc="q", subj_enc="q", subj_prefix="", to_raw=None,
                 pre=(), refs=(), cte="8bit", charset="UTF-8", mime=None):
        self.key = key
        self.frm = frm
        self.to = list(to)
        self.cc = list(cc)
        self.bcc = list(bcc)
        self.reply_to = reply_to
        self.subject = subject
        self.date = date
        self.body = body
        self.msgid = msgid or "<%s.horizon@%s>" % (key, frm[1].split("@")[1])
        self.from_enc = from_enc
        self.subj_enc = subj_enc
        self.subj_prefix = subj_prefix
        self.to_raw = to_raw
        self.pre = list(pre)
        self.refs = list(refs)  # ancestors, oldest first
        self.cte = cte
        self.charset = charset
        self.mime = mime

    def content(self):
        """(content headers, body bytes) for a single text/plain body."""
        if self.mime:
            return self.mime()
        return text_part(self.body, self.cte, self.charset)

    def to_bytes(self):
        hs = list(self.pre)
        if self.date is not None:
            hs.append(("Date", rfcdate(self.date)))
        hs.append(("From", fmt_addr(self.frm, self.from_enc)))
        if self.to_raw is not None:
            hs.append(("To", self.to_raw))
        else:
            hs.append(("To", ", ".join(fmt_addr(p) for p in self.to)))
        if self.cc:
            hs.append(("Cc", ", ".join(fmt_addr(p) for p in self.cc)))
        if self.bcc:
            hs.append(("Bcc", ", ".join(fmt_addr(p) for p in self.bcc)))
        if self.reply_to:
            hs.append(("Reply-To", fmt_addr(self.reply_to)))
        subj = self.subj_prefix + (enc_text(self.subject, self.subj_enc) if self.subject else "")
        hs.append(("Subject", subj))
        hs.append(("Message-ID", self.msgid))
        if self.refs:
            hs.append(("In-Reply-To", self.refs[-1]))
            hs.append(("References", " ".join(self.refs)))
        hs.append(("MIME-Version", "1.0"))
        chs, body = self.content()
        hs.extend(chs)
        head = "\n".join(fold(n, v) for n, v in hs) + "\n\n"
        data = head.encode("ascii") + body
        assert data.endswith(b"\n")
        return data


def text_part(body, cte="8bit", charset="UTF-8", subtype="plain"):
    assert body.endswith("\n")
    if body.isascii() and cte == "8bit" and subtype == "plain":
        return ([("Content-Type", "text/plain; charset=us-ascii"),
                 ("Content-Transfer-Encoding", "7bit")], body.encode("ascii"))
    raw = body.encode(charset)
    ctype = ("Content-Type", "text/%s; charset=%s" % (subtype, charset))
    if cte == "8bit":
        return [ctype, ("Content-Transfer-Encoding", "8bit")], raw
    if cte == "qp":
        enc = quopri.encodestring(raw)
        if not enc.endswith(b"\n"):
            enc += b"\n"
        return [ctype, ("Content-Transfer-Encoding", "quoted-printable")], enc
    raise ValueError(cte)


def multipart(subtype, boundary, parts, preamble="This is a multi-part message in MIME format.\n"):
    """parts: list of (headers, body bytes)."""
    out = preamble.encode("ascii") + b"\n"
    for hs, body in parts:
        out += b"--" + boundary.encode("ascii") + b"\n"
        out += "\n".join(fold(n, v) for n, v in hs).encode("ascii") + b"\n\n"
        out += body
    out += b"--" + boundary.encode("ascii") + b"--\n"
    return [("Content-Type", 'multipart/%s; boundary="%s"' % (subtype, boundary))], out


# --------------------------------------------------------------------------
# The messages
# --------------------------------------------------------------------------

HTML_009 = """\
<!DOCTYPE html>
<html lang="fr">
<head>
<meta charset="UTF-8">
<title>Horizon, la lettre de juin</title>
<style>
/* styleonly : feuille de style de la maquette */
body { font-family: Georgia, serif; color: #222; }
p.visuel { font-style: italic; }
</style>
<script>
var scriptonly = "suivi désactivé";
</script>
</head>
<body>
<h1>Horizon, la lettre de juin</h1>
<p class="visuel">Le visuel principal montre une orchidée blanche
sur fond bleu nuit, avec le slogan de la campagne.</p>
<p>Merci de me dire avant jeudi si la maquette vous convient.</p>
<p>Hélène</p>
</body>
</html>
"""


def mime_009():
    return text_part(HTML_009, "8bit", "UTF-8", "html")


def mime_010():
    plain = """\
Bonjour Hélène,

Pour la nouvelle charte, nous proposons un jaune tournesol comme
couleur principale, associé à un bleu ardoise pour les textes.

Les fichiers sources suivent par le lien habituel.

L'équipe du Studio Graphique
"""
    html = """\
<html><body>
<p>Bonjour Hélène,</p>
<p>Pour la nouvelle charte, nous proposons un <b>jaune tournesol</b>
comme couleur principale, associé à un bleu ardoise pour les textes.</p>
<p>Les fichiers sources suivent par le lien habituel.</p>
<p>L'équipe du Studio Graphique</p>
</body></html>
"""
    return multipart("alternative", "=_horizon_alt_010",
                     [text_part(plain, "qp"), text_part(html, "qp", subtype="html")])


def mime_026():
    text = """\
Alice,

Ci-joint le calendrier des visites municipales d'avril, au format
tableur. Les créneaux marqués « à confirmer » attendent encore la
réponse des mairies.

Sophie
"""
    csv = ("date;ville;contact;statut\n"
           "2017-04-04;Amiens;cabinet du maire;confirmé\n"
           "2017-04-06;Orléans;service du protocole;confirmé\n"
           "2017-04-11;Poitiers;cabinet du maire;à confirmer\n"
           "2017-04-13;Nancy;premier adjoint;à confirmer\n").encode("utf-8")
    b64 = base64.encodebytes(csv)  # 76-character lines
    att = ([("Content-Type", 'text/csv; charset=UTF-8; name="visites-avril.csv"'),
            ("Content-Disposition", 'attachment; filename="visites-avril.csv"'),
            ("Content-Transfer-Encoding", "base64")], b64)
    return multipart("mixed", "=_horizon_mixed_026", [text_part(text, "8bit"), att])


def build():
    """Return the placements: list of (location, name, bytes)."""
    M = {}

    def add(m):
        assert m.key not in M, m.key
        M[m.key] = m
        return m

    # ---- data/eml -------------------------------------------------------
    add(Msg("001", ALICE, [THOMAS], "Premiers pas de l'association Horizon",
            mkdate(2009, 3, 12, 10, 15), """\
Bonjour Thomas,

Comme convenu hier soir, je lance les démarches pour déclarer
l'association « Horizon » en préfecture. Il nous faut un trésorier :
tu es toujours partant ?

Je propose une réunion de lancement le vendredi 20 mars à 19 h,
dans la petite salle de la maison des associations.

Bonne journée,
Alice
"""))
    add(Msg("002", DAVID, [ALICE], "Introduction - think tank contacts",
            mkdate(2009, 11, 5, 18, 40, tz="+0000"), """\
Dear Alice,

Following our chat in Brussels, here are three people at the
Policy Lab (example.org) who would be glad to help with the
European section of your programme.

The seminar in February is small: the budget covers a room for
forty people and two translators. I will send the agenda once
it is confirmed.

Best wishes,
David Brown
Policy Lab
"""))
    add(Msg("003", HELENE, [], "Bonne année 2010 !", mkdate(2010, 1, 1, 0, 15),
            """\
Bonsoir à toutes et à tous,

Minuit vient de sonner : toute l'équipe Horizon vous souhaite une
très belle année 2010. Merci pour les tractages sous la pluie et
les soirées passées à plier des enveloppes.

On se retrouve le 9 janvier pour la galette des rois.

Hélène
""", from_enc="b",
            to_raw=ew_q("Équipe") + " : paul@terrain.example, lina@terrain.example;"))
    add(Msg("004", THOMAS, [ALICE], "Chiffrage de la tournée d'été",
            mkdate(2011, 6, 14, 9, 30), """\
Alice,

Tu trouveras ci-dessous le budget prévisionnel de la tournée d'été
(six étapes, du 4 au 29 juillet) :

  - location des salles ............  8 400 €
  - transport et hébergement .......  6 150 €
  - impression (tracts, affiches) ..  3 200 €
  - sonorisation ...................  2 750 €
  Total ............................ 20 500 €

Les devis de sonorisation sont encore à confirmer. Sophie, peux-tu
relancer le prestataire de Clermont ?

Thomas
""", cc=[SOPHIE]))
    add(Msg("005", ALICE, TEAM, "Réunion d'équipe lundi 9h", mkdate(2012, 9, 21, 17, 5),
            """\
Bonjour à tous,

Lundi 24 septembre à 9 h, au local de la rue des Tanneurs :

1. bilan des universités d'été ;
2. calendrier des déplacements d'octobre ;
3. recrutement de deux volontaires pour le pôle numérique.

Merci d'apporter vos agendas. Café et croissants offerts.

Alice
""", cte="qp"))
    add(Msg("006", CLAIRE, [HELENE], "Demande d'interview – Horizon",
            mkdate(2013, 2, 7, 11, 20), """\
Bonjour Madame Rousseau,

Je prépare pour le journal un dossier sur les nouveaux mouvements
citoyens et je souhaiterais interviewer Camille Roche, fondatrice
d'Horizon, idéalement la semaine du 18 février, par téléphone ou
à Paris.

Vous pouvez me répondre directement à l'adresse indiquée en
« Reply-To », je suis en reportage toute la semaine.

Bien cordialement,
Claire Dubois
Presse Exemple
""", cc=[PRESSE], reply_to=CLAIRE_MOBILE))
    add(Msg("007", SOPHIE, [ALICE], "Idée pour le rassemblement de Nantes",
            mkdate(2013, 6, 18, 22, 10), """\
Alice,

Une idée un peu folle pour Nantes : un ballon dirigeable aux
couleurs d'Horizon, façon zeppelin, qui survolerait le quai pendant
le discours. Un ami de mon frère travaille dans une société
d'aérostats, il peut nous faire un devis.

Dis-moi si je creuse ou si j'oublie tout de suite.

Sophie
"""))
    add(Msg("008", BERENICE, [ALICE], "Visite à la mairie le 22 avril",
            mkdate(2014, 4, 10, 14, 0), """\
Madame,

Suite à notre échange téléphonique, je vous confirme que Monsieur le
Maire recevra Mme Camille Roche le mardi 22 avril à 15 h.

La réunion se tiendra en salle du conseil ; merci de nous
communiquer avant le 17 avril la liste des personnes qui
accompagneront la délégation.

Veuillez agréer, Madame, l'expression de mes salutations
distinguées.

Bérénice Lefèvre
Service du protocole
""", from_enc="latin1", subj_enc="latin1", charset="ISO-8859-1"))
    add(Msg("009", HELENE, [ALICE], "Maquette de la newsletter de juin",
            mkdate(2014, 5, 20, 16, 45), cc=[SOPHIE], mime=mime_009))
    add(Msg("010", STUDIO, [HELENE], "Proposition de palette graphique",
            mkdate(2015, 2, 3, 10, 0), mime=mime_010))
    # Lyon thread: 011 (eml) -> 101 (maildir) -> 012 (eml) -> 102 (maildir)
    lyon1 = add(Msg("011", SOPHIE, [BERENICE], "Déplacement à Lyon",
                    mkdate(2016, 3, 2, 9, 12), """\
Madame Lefèvre,

Camille Roche souhaiterait se rendre à Lyon le jeudi 17 mars pour
visiter le nouveau centre social du 8e arrondissement et rencontrer
les associations du quartier.

Serait-il possible d'organiser un court entretien avec Monsieur le
Maire en fin de matinée ?

Bien cordialement,
Sophie Nguyen
Logistique, campagne Horizon 2017
""", cc=[ALICE]))
    lyon2 = add(Msg("101", BERENICE, [SOPHIE], "Déplacement à Lyon",
                    mkdate(2016, 3, 2, 16, 45), """\
Madame,

Monsieur le Maire pourra recevoir Mme Roche le 17 mars à 11 h 30,
pour trente minutes. La visite du centre social peut être organisée
juste avant, à partir de 10 h.

Merci de me confirmer le nombre de personnes et les plaques des
véhicules.

Bérénice Lefèvre
Service du protocole

-----Message d'origine-----
De : Sophie Nguyen
Objet : Déplacement à Lyon

Camille Roche souhaiterait se rendre à Lyon le jeudi 17 mars [...]
""", cc=[ALICE], subj_prefix="RE: ", refs=[lyon1.msgid], cte="qp"))
    lyon3 = add(Msg("012", SOPHIE, [BERENICE], "Déplacement à Lyon",
                    mkdate(2016, 3, 3, 11, 30), """\
Madame Lefèvre,

C'est parfait, merci. Nous serons cinq : Mme Roche, Alice Martin,
deux collaborateurs et moi-même. Les véhicules :
  - AB-123-CD
  - EF-456-GH

Sophie

Le 02/03/2016 à 16:45, Bérénice Lefèvre a écrit :
> Monsieur le Maire pourra recevoir Mme Roche le 17 mars à 11 h 30,
> pour trente minutes.
""", cc=[ALICE], subj_prefix="Re: ", refs=[lyon1.msgid, lyon2.msgid]))
    add(Msg("102", ALICE, [SOPHIE, BERENICE], "Déplacement à Lyon",
            mkdate(2016, 3, 3, 14, 5), """\
Merci Sophie, et merci Madame Lefèvre pour votre réactivité.

Je serai à la gare Part-Dieu dès 9 h 15 ; je préviens l'équipe
locale pour l'accueil au centre social.

Alice

Le 03/03/2016 à 11:30, Sophie Nguyen a écrit :
> C'est parfait, merci. Nous serons cinq.
""", subj_prefix="Re: ", refs=[lyon1.msgid, lyon2.msgid, lyon3.msgid]))
    # Fact 11: no Date, two Received headers (newest on top).
    add(Msg("013", JULIEN, [HELENE], "Tribune du 16 décembre", None, """\
Bonjour Hélène,

La tribune de Camille Roche paraîtra bien dans l'édition du
vendredi 16 décembre, page Débats. Il nous faut la version finale
(4 500 signes maximum) avant 18 h aujourd'hui, ainsi qu'une photo
en haute définition.

Julien Petit
Service Débats, Presse Exemple
""", pre=[
        received("mail.presse-exemple.fr (mail.presse-exemple.fr [192.0.2.25])",
                 "mx1.campagne-exemple.fr (Postfix)", "ESMTPS id 4C1D2E3F",
                 HELENE[1], mkdate(2016, 12, 15, 10, 5)),
        received("[198.51.100.7] (poste-redaction.presse-exemple.fr [198.51.100.7])",
                 "mail.presse-exemple.fr (Postfix)", "ESMTPSA id 9A8B7C6D",
                 HELENE[1], mkdate(2016, 12, 15, 9, 5)),
    ]))
    # Fact 4: the three messages around 2017-04-24 (UTC).
    add(Msg("014", ALICE, TEAM, "Premier tour : consignes pour demain",
            mkdate(2017, 4, 24, 23, 30, tz="+0200"), """\
Chères toutes, chers tous,

Merci pour ces deux journées intenses. Consignes pour demain mardi :

- réunion de l'équipe à 8 h 30 au QG, présence indispensable ;
- aucune déclaration à la presse avant le communiqué officiel ;
- Hélène centralise toutes les demandes d'interview.

Reposez-vous un peu cette nuit.

Alice
""", cte="qp"))
    add(Msg("015", CLAIRE, [HELENE], "Réaction à chaud ce soir ?",
            mkdate(2017, 4, 24, 0, 30, tz="+0200"), """\
Bonsoir Hélène,

Nous bouclons l'édition spéciale dans une heure. Camille Roche
accepterait-elle de nous donner deux phrases de réaction sur les
résultats du premier tour ? Je reste joignable toute la nuit.

Claire
"""))
    add(Msg("016", EMMA, [SOPHIE],
            "Updated itinerary for the autumn regional tour: Lille, Rouen, Caen, Rennes, "
            "Nantes, Angers, Tours, Orleans, Dijon, Besancon, Strasbourg and Metz, with "
            "train times, hotel options, press slots and volunteer briefings still to be "
            "confirmed by your team",
            mkdate(2015, 9, 8, 15, 20, tz="-0400"), """\
Hi Sophie,

Please find below the updated itinerary for the autumn tour. All
train times are for the morning departures you asked for, and the
hotels are within walking distance of each venue.

The total for rail and hotels comes to EUR 14,380, which is within
the budget you gave us in August. I can hold the rooms until
Friday 18 September.

Kind regards,
Emma Clark
Travel desk, Example Travel
"""))
    add(Msg("017", THOMAS, [ALICE], "", mkdate(2015, 11, 20, 19, 2), """\
Alice,

Pardon, j'ai oublié l'objet. Ce sont les justificatifs de dépenses
d'octobre que le commissaire aux comptes réclame : factures de
l'imprimeur, location du car et notes de restaurant.

Thomas
"""))
    add(Msg("018", BENEVOLES, [SOPHIE], "Inscriptions benevoles - semaine 20",
            mkdate(2012, 5, 14, 8, 0), """\
Bonjour,

Voici les inscriptions de la semaine 20 :

  Lundi     : 4 benevoles (porte-a-porte, quartier Nord)
  Mercredi  : 7 benevoles (marche du centre)
  Samedi    : 12 benevoles (tractage gare et place de la mairie)

Ce message est envoye automatiquement par le formulaire
d'inscription.
"""))
    add(Msg("021", BERENICE, [SOPHIE], "Confirmation de la salle des fêtes",
            mkdate(2015, 6, 11, 9, 45), """\
Madame Nguyen,

Je vous confirme la mise à disposition de la salle des fêtes
Jean-Moulin le samedi 27 juin, de 14 h à 23 h, pour la rencontre
des sympathisants.

La capacité maximale est de 350 personnes assises. Un agent
municipal sera présent pour la fermeture.

Bérénice Lefèvre
Service du protocole
""", from_enc="b", cte="qp"))
    add(Msg("022", HELENE, [PRESSE],
            "Communiqué : lancement officiel de la campagne Horizon 2017",
            mkdate(2016, 11, 22, 8, 30), """\
COMMUNIQUÉ DE PRESSE – pour diffusion immédiate

Camille Roche lancera officiellement sa campagne « Horizon 2017 »
le samedi 10 décembre à 15 h, au parc des expositions.

Accréditations presse : répondre à ce message avant le 5 décembre
en précisant le nom du média et du photographe.

Contact : Hélène Rousseau, communication
""", bcc=[ALICE], cte="qp"))
    add(Msg("023", THOMAS, [SOPHIE], "Tournée des marchés", mkdate(2016, 2, 10, 15, 0),
            """\
Sophie,

Pour la tournée des marchés de mars, le budget reste pour
l'instant indicatif : je ne peux pas valider les dépenses tant que
le calendrier n'est pas figé. Le chiffrage est donc prévisionnel
et pourra bouger de 10 % dans un sens ou dans l'autre.

Envoie-moi les dates dès que tu les as.

Thomas
"""))
    add(Msg("024", DAVID, [ALICE], "Foreign press briefing in London",
            mkdate(2017, 1, 12, 12, 0, tz="+0000"), """\
Dear Alice,

The foreign press briefing is confirmed for Thursday 2 February at
10am, at the Example Institute on the Strand. About twenty
correspondents have registered so far.

Could Camille's office send a short biography in English by next
Friday?

Best,
David
""", cc=[HELENE]))
    add(Msg("025", SOPHIE, [ALICE, THOMAS], "Planning de mars",
            mkdate(2017, 2, 27, 18, 15), """\
Bonsoir,

Planning de mars mis à jour :
- 3 mars : Rouen, visite d'une PME et rencontre avec des élus ;
- 9 mars : Bordeaux, meeting au hangar 14 ;
- 16 mars : Dijon, marché et conférence de presse ;
- 30 mars : Lille, rassemblement de fin de mois.

Les billets sont pris pour le 3 et le 9.

Sophie
""", cte="qp"))
    add(Msg("026", SOPHIE, [ALICE], "Calendrier des visites municipales",
            mkdate(2017, 3, 15, 10, 30), mime=mime_026))
    add(Msg("027", MARC, [ALICE], "Invitation au forum des associations",
            mkdate(2013, 9, 30, 16, 0), """\
Chère Madame Martin,

La mairie organise le samedi 12 octobre son forum annuel des
associations. Nous serions heureux qu'Horizon y tienne un stand :
une table, deux chaises et un accès électrique sont fournis.

Merci de me confirmer votre participation avant le 4 octobre.

Marc Dupont
Adjoint au maire, vie associative
"""))
    add(Msg("028", JULIEN, [ALICE], "Portrait pour le supplément week-end",
            mkdate(2011, 2, 17, 13, 10), """\
Bonjour,

Je prépare un portrait des jeunes figures de la vie associative
locale pour notre supplément du week-end. Camille Roche et vous-même
accepteriez-vous une rencontre d'une heure, avec une séance photo ?

Merci de répondre à l'adresse de la rédaction du week-end.

Julien Petit
""", reply_to=JULIEN_WE))
    add(Msg("029", ALICE, [MARC], "Invitation au forum des associations",
            mkdate(2013, 10, 2, 9, 5), """\
Cher Monsieur Dupont,

Merci pour l'invitation : Horizon tiendra bien un stand au forum.
Nous serons trois bénévoles sur la journée.

Bien cordialement,
Alice Martin

Le 30/09/2013 16:00, Marc Dupont a écrit :
> La mairie organise le samedi 12 octobre son forum annuel des
> associations.
""", subj_prefix="Re: ", refs=["<027.horizon@mairie-exemple.fr>"]))
    add(Msg("030", EMMA, [SOPHIE], "Hotel options for Strasbourg",
            mkdate(2014, 11, 3, 11, 0, tz="-0500"), """\
Hi Sophie,

Three options for the Strasbourg trip on 20-21 November:

1. Hotel Example Cathedrale - 12 rooms, 300 m from the venue
2. Residence du Rhin - 15 rooms, tram line A, 10 minutes
3. Hotel de la Gare - 10 rooms, next to the station

Rates include breakfast. Let me know by Wednesday which one you
prefer and I will send the booking forms.

Emma
"""))
    # Fact 12: no Date and no Received header.
    add(Msg("031", DAVID, [ALICE], "Draft statement for the English-language press", None,
            """\
Alice,

Here is a first draft of the statement, as discussed:

  "Camille Roche thanks the volunteers who made this campaign
  possible and looks forward to working with partners across
  Europe."

I have not sent it to anyone else yet. Comments welcome.

David
"""))
    # Fact 8: the exact duplicate (eml LF, maildir CRLF, presse.mbox).
    dup = add(Msg("dup", HELENE, [CLAIRE], "Accréditations pour le lancement du 10 décembre",
                  mkdate(2016, 11, 28, 17, 20), """\
Bonjour Claire,

Votre accréditation et celle de votre photographe sont validées
pour le lancement du 10 décembre. Les badges seront à retirer à
l'accueil presse à partir de 13 h 30, sur présentation d'une pièce
d'identité.

Bien à vous,
Hélène Rousseau
Communication, campagne Horizon 2017
""", msgid="<dup.horizon@campagne-exemple.fr>", from_enc="b"))

    # Fact 9: transport-only copies (same message, different delivery headers).
    relay_body = """\
Thomas,

Voici ma note de frais pour le déplacement à Rennes du 6 juin :
train 112,40 €, hôtel 89,00 €, repas 31,50 €. Total : 232,90 €.

Les justificatifs scannés sont sur le drive, dossier « Frais 2016 ».

Merci,
Sophie
"""
    relay_date = mkdate(2016, 6, 9, 18, 25)
    relay_sub = received("[203.0.113.45] (poste-sophie.campagne-exemple.fr [203.0.113.45])",
                         "mx1.campagne-exemple.fr (Postfix)", "ESMTPSA id 51A2B3C4",
                         THOMAS[1], mkdate(2016, 6, 9, 18, 25, 2))
    relay_a = Msg("relay-a", SOPHIE, [THOMAS], "Note de frais juin", relay_date, relay_body,
                  msgid="<relay.horizon@campagne-exemple.fr>", cte="qp", pre=[
                      ("Delivered-To", THOMAS[1]),
                      received("mx1.campagne-exemple.fr (mx1.campagne-exemple.fr [203.0.113.10])",
                               "imap.campagne-exemple.fr (Dovecot)", "LMTP id 7Hq2",
                               THOMAS[1], mkdate(2016, 6, 9, 18, 25, 4)),
                      relay_sub])
    relay_b = Msg("relay-b", SOPHIE, [THOMAS], "Note de frais juin", relay_date, relay_body,
                  msgid="<relay.horizon@campagne-exemple.fr>", cte="qp", pre=[
                      ("Delivered-To", "archives@campagne-exemple.fr"),
                      received("mx2.campagne-exemple.fr (mx2.campagne-exemple.fr [203.0.113.11])",
                               "archive.campagne-exemple.fr (Dovecot)", "LMTP id Qe81",
                               "archives@campagne-exemple.fr", mkdate(2016, 6, 9, 18, 25, 9)),
                      received("mx1.campagne-exemple.fr (mx1.campagne-exemple.fr [203.0.113.10])",
                               "mx2.campagne-exemple.fr (Postfix)", "ESMTPS id 0F9E8D7C",
                               "archives@campagne-exemple.fr", mkdate(2016, 6, 9, 18, 25, 7)),
                      relay_sub])

    # Fact 10: conflicting copies (one sentence differs).
    conflict_body = """\
Alice,

Après l'arbitrage d'hier soir, voici ce qui est acté pour la
campagne d'affichage de l'été.

L'enveloppe validée pour l'affichage est de %s €.

Le prestataire attend notre bon de commande avant vendredi.

Thomas
"""
    conflict_a = Msg("conflict-a", THOMAS, [ALICE], "Enveloppe affichage été",
                     mkdate(2016, 7, 11, 10, 40), conflict_body % "12 000",
                     msgid="<conflict.horizon@campagne-exemple.fr>")
    conflict_b = Msg("conflict-b", THOMAS, [ALICE], "Enveloppe affichage été",
                     mkdate(2016, 7, 11, 10, 40), conflict_body % "120 000",
                     msgid="<conflict.horizon@campagne-exemple.fr>")

    # ---- data/maildir ---------------------------------------------------
    add(Msg("105", SOPHIE, [THOMAS], "Devis dirigeable", mkdate(2013, 7, 2, 9, 40), """\
Thomas,

Le devis pour le dirigeable de Nantes est arrivé : 9 800 € pour
deux heures de vol, sans compter l'assurance. Alice trouve que le
zeppelin ferait un effet formidable, mais je crois que c'est
déraisonnable. On en parle demain ?

Sophie
"""))
    add(Msg("106", SOPHIE, [ALICE, HELENE], "Réunion publique à Grenoble",
            mkdate(2016, 5, 12, 12, 0), """\
Bonjour,

La réunion publique de Grenoble est fixée au jeudi 2 juin, 19 h,
à la salle de l'Ancien Palais. La salle compte 600 places ; l'équipe
locale prévoit un écran dehors si besoin.

Reste à trouver deux intervenants locaux pour ouvrir la soirée.

Sophie
""", subj_enc="b", cte="qp"))
    add(Msg("107", HELENE, [ALICE], "Revue de presse de la nuit",
            mkdate(2017, 4, 25, 1, 30, tz="+0200"), """\
Alice,

Revue de presse de la nuit envoyée à toute l'équipe : les titres
sont plutôt favorables, deux éditoriaux critiques sur le programme
européen. Rien d'urgent avant la réunion de 8 h 30.

Je me couche, à tout à l'heure.

Hélène
"""))
    add(Msg("108", MARC, [ALICE], "Permanence du samedi à la mairie annexe",
            mkdate(2009, 6, 6, 10, 0), """\
Madame Martin,

Comme convenu, la salle de la mairie annexe est à votre disposition
chaque samedi matin de 9 h à 12 h pour la permanence de
l'association, jusqu'à la fin du mois de septembre.

Les clés sont à retirer à l'accueil le vendredi après-midi.

Marc Dupont
"""))
    add(Msg("109", THOMAS, [ALICE], "Cotisations 2010", mkdate(2010, 2, 15, 14, 30), """\
Alice,

Point sur les cotisations au 15 février : 143 adhérents à jour,
contre 96 l'an dernier à la même date. Les chèques sont déposés
chaque lundi à la banque.

Thomas
"""))
    add(Msg("110", CLAIRE, [HELENE], "Chiffres de participation",
            mkdate(2012, 11, 8, 20, 15), """\
Bonsoir,

Pour mon article de demain, pouvez-vous me confirmer le chiffre de
1 200 participants avancé ce soir par vos organisateurs ? La
préfecture parle de 750 personnes.

Merci,
Claire Dubois
"""))
    add(Msg("111", SOPHIE, [ALICE], "Agenda de mai", mkdate(2014, 5, 5, 8, 50), """\
Alice,

Agenda de mai pour Camille :
- 7 mai : marché de Villeurbanne ;
- 14 mai : réunion avec les commerçants de Vienne ;
- 21 mai : visite de la maison de santé de Roanne.

Je réserve les voitures dès ton feu vert.

Sophie
"""))
    add(Msg("112", DAVID, [HELENE], "Translation of the programme",
            mkdate(2015, 4, 21, 17, 0, tz="+0100"), """\
Dear Helene,

The English translation of the programme is now in the shared
folder. Chapters 1 to 4 are done; chapter 5 (Europe and trade) will
follow next week, as it needs a careful reading by Camille's team.

Regards,
David
"""))
    add(Msg("113", HELENE, [ALICE], "Photos du meeting de Toulouse",
            mkdate(2011, 9, 19, 21, 0), """\
Alice,

Les photos du meeting de Toulouse sont en ligne sur l'espace
partagé. J'ai retenu 24 clichés pour le site ; le photographe
demande que son nom soit crédité sous chacun.

Hélène
""", cte="qp"))
    add(Msg("114", JULIEN, [HELENE], "Débat régional : confirmation des horaires",
            mkdate(2017, 3, 28, 9, 0), """\
Bonjour Hélène,

Je vous confirme les horaires du débat régional du 6 avril :
arrivée des équipes à 18 h, maquillage à 18 h 30, direct de
20 h 30 à 22 h.

Je mets la rédaction en copie pour l'organisation technique.

Julien Petit
""", cc=[PRESSE]))
    add(Msg("115", EMMA, [SOPHIE], "Invoice for the March trips",
            mkdate(2017, 4, 3, 15, 30, tz="-0400"), """\
Hi Sophie,

Please find the invoice for the March trips (Rouen, Bordeaux, Dijon
and Lille) in our client area, reference EX-2017-0331. Payment is
due within 30 days.

Thanks again for your business,
Emma Clark
"""))
    add(Msg("116", CLAIRE, [ALICE], "Entre-deux-tours : demande d'entretien",
            mkdate(2017, 5, 2, 7, 45), """\
Bonjour Madame Martin,

Dans le cadre de l'entre-deux-tours, nous souhaiterions un entretien
de vingt minutes avec Camille Roche, jeudi ou vendredi, pour notre
édition du week-end.

Vous pouvez me joindre sur mon adresse mobile (Reply-To).

Claire Dubois
""", reply_to=CLAIRE_MOBILE, cte="qp"))
    add(Msg("117", ALICE, TEAM, "Merci !", mkdate(2017, 5, 8, 22, 0), """\
À toutes et à tous,

Quelle que soit la suite, merci. Merci pour ces mois de travail,
pour les nuits blanches et pour votre bonne humeur.

Pot de fin de campagne vendredi 12 mai au QG, à partir de 19 h.

Alice
"""))

    # ---- data/mbox/campagne-2016.mbox -----------------------------------
    add(Msg("201", ALICE, TEAM, "Vœux et feuille de route 2016", mkdate(2016, 1, 11, 9, 0),
            """\
Bonjour à tous,

Très bonne année 2016 ! Feuille de route du premier trimestre :

- janvier : consolidation des comités locaux ;
- février : tournée des marchés et des fédérations ;
- mars : grands déplacements régionaux.

Une réunion de lancement aura lieu lundi 18 janvier à 9 h.

Alice
""", cte="qp"))
    add(Msg("202", THOMAS, [ALICE], "Budget communication premier semestre",
            mkdate(2016, 1, 18, 14, 20), """\
Alice,

Comme demandé lors de la réunion de ce matin, voici le
budget prévisionnel du premier semestre pour le pôle communication :

  affichage ..........  18 000 €
  impression .........  11 500 €
  numérique ..........   7 200 €
  événements .........  24 000 €
  total ..............  60 700 €

À valider avant la fin du mois.

Thomas
""", cte="qp"))
    add(Msg("203", HELENE, [DAVID], "Thank you for the Brussels meeting",
            mkdate(2016, 2, 15, 16, 0), """\
Dear David,

Many thanks for organising the meeting in Brussels last week.
Camille was delighted with the questions, and several of your
colleagues have already asked for follow-up conversations.

From the campaign office, with thanks
Hélène Rousseau
"""))
    add(Msg("204", SOPHIE, [THOMAS], "Ligne bizarre dans l'export",
            mkdate(2016, 3, 14, 10, 10), """\
Thomas,

L'export des messages du formulaire de dons contient une ligne
étrange, recopiée telle quelle :

>From quoted twice

Je pense que c'est l'outil d'archivage qui ajoute ce chevron.
Peux-tu vérifier de ton côté ?

Sophie
"""))
    add(Msg("205", THOMAS, [ALICE], "Relecture du tract", mkdate(2016, 4, 12, 11, 45), """\
Alice,

Voici le texte du tract tel que l'imprimeur l'a reçu :
Horizon 2017, c'est vous.
From Lille to Marseille, the same energy.
(oui, le slogan anglais est resté : à corriger avant l'impression)

Et voici l'en-tête bizarre qu'il voit dans le fichier transmis :
Fichier : tract-v3.pdf
From: nobody
Taille : 1,2 Mo

Thomas
"""))
    add(Msg("206", SOPHIE, [ALICE], "Compte rendu : Réunion des bénévoles",
            mkdate(2016, 5, 17, 18, 30), """\
Bonsoir,

Compte rendu rapide de la soirée d'hier :
- 85 bénévoles présents, dont 30 nouveaux ;
- création de quatre équipes de quartier ;
- formation au porte-à-porte le 28 mai.

Sophie
""", cc=[THOMAS, HELENE]))
    add(Msg("207", HELENE, [ALICE], "Idées pour le 14 juillet", mkdate(2016, 6, 20, 20, 0),
            """\
Alice,

Trois idées pour le 14 juillet :
1. un pique-nique républicain au parc ;
2. un concert de fanfare avec les comités locaux ;
3. l'idée du zeppelin revient (Sophie insiste !), mais en version
   ballon captif, beaucoup moins chère.

Hélène
"""))
    add(Msg("209", THOMAS, [ALICE], "Arbitrages de rentrée", mkdate(2016, 9, 12, 8, 15), """\
Alice,

Pour la réunion de jeudi, trois arbitrages à trancher :
- recrutement d'un second chargé de mission ;
- location d'un local plus grand pour le QG ;
- prise en charge des frais de déplacement des bénévoles.

Thomas
""", cte="qp"))
    add(Msg("210", MARC, [SOPHIE], "Visite du marché couvert", mkdate(2016, 10, 10, 15, 0),
            """\
Madame Nguyen,

La visite du marché couvert par Mme Roche est possible le samedi
22 octobre entre 8 h et 10 h. Les commerçants en ont été informés
par le placier.

Marc Dupont
Adjoint au maire
"""))
    add(Msg("211", CLAIRE, [ALICE], "Portrait de l'équipe de campagne",
            mkdate(2016, 10, 24, 12, 30), """\
Bonjour,

Pour un portrait de l'équipe de campagne, je souhaiterais passer une
journée au QG la semaine prochaine, avec un photographe. Serait-ce
envisageable mardi ou mercredi ?

Claire Dubois
"""))
    add(Msg("212", EMMA, [SOPHIE], "Venue booking for the December rally",
            mkdate(2016, 11, 14, 16, 0, tz="-0500"), """\
Hi Sophie,

The exhibition hall is booked for Saturday 10 December, from 8am to
8pm. The hire fee, security and cleaning come to EUR 31,500, which
is slightly above the budget you mentioned; I can remove the second
stage to bring it down to EUR 27,900.

Let me know which option you prefer.

Emma
"""))
    add(Msg("213", THOMAS, [ALICE], "Clôture des comptes de l'année",
            mkdate(2016, 12, 12, 18, 0), """\
Alice,

Les comptes 2016 seront clos le 31 décembre. À ce jour, nous avons
consommé 82 % du budget annuel ; le solde couvrira le lancement et
les déplacements de décembre.

Le rapport détaillé sera prêt pour l'assemblée générale de janvier.

Thomas
"""))

    # ---- data/mbox/presse.mbox ------------------------------------------
    add(Msg("301", JULIEN, [HELENE], "Interview de Camille Roche", mkdate(2015, 3, 10, 10, 0),
            """\
Bonjour Hélène,

Notre rédaction souhaiterait publier un long entretien avec Camille
Roche dans le cadre de notre série « Ils veulent 2017 ». L'entretien
serait réalisé à Paris fin mars.

Julien Petit
"""))
    add(Msg("302", HELENE, [PRESSE], "Agenda de la semaine", mkdate(2015, 10, 13, 9, 30), """\
Bonjour,

Agenda public de Camille Roche cette semaine :
- mercredi 14 octobre : visite d'une exploitation agricole ;
- vendredi 16 octobre : conférence sur l'emploi des jeunes.

Hélène Rousseau
""", cte="qp"))
    add(Msg("304", CLAIRE, [HELENE], "Réunion avec la rédaction", mkdate(2016, 12, 13, 11, 0),
            """\
Bonjour Hélène,

Notre directeur de la rédaction propose de recevoir Camille Roche
le 5 janvier pour un échange avec les chefs de service. Pouvez-vous
confirmer ?

Claire
""", subj_enc="latin1"))
    add(Msg("305", HELENE, [PRESSE], "Agenda : visite à Rouen le 20 janvier",
            mkdate(2017, 1, 16, 8, 0), """\
Bonjour,

Camille Roche se rendra à Rouen le vendredi 20 janvier : visite du
port à 10 h, déjeuner avec des chefs d'entreprise, point presse à
14 h 30 devant la préfecture.

Hélène Rousseau
"""))
    add(Msg("306", DAVID, [HELENE], "Interview request from a UK weekly",
            mkdate(2017, 2, 13, 13, 0, tz="+0000"), """\
Dear Helene,

A UK weekly magazine would like a 30-minute interview with Camille
in English, before the end of February. They are flexible on the
format (phone or in person in Paris).

Best,
David
"""))
    add(Msg("307", CLAIRE, [ALICE], "Portrait d'une association qui monte",
            mkdate(2009, 9, 14, 17, 30), """\
Bonjour Madame Martin,

Je suis journaliste à Presse Exemple et je prépare un court portrait
des associations citoyennes créées cette année. Horizon en fait
partie : accepteriez-vous de répondre à quelques questions ?

Claire Dubois
"""))

    # ---- placements -----------------------------------------------------
    P = []
    eml_names = {"029": "029", "030": "030.txt"}
    for k in ["%03d" % i for i in range(1, 32)]:
        if k in ("019", "020"):
            continue
        P.append(("eml", eml_names.get(k, k + ".eml"), M[k]))
    P.append(("eml", "019.eml", relay_a))
    P.append(("eml", "020.eml", conflict_a))
    P.append(("eml", "040.eml", dup))
    P.sort(key=lambda p: p[1])

    maildir = [  # (subdir, flags, message)
        ("cur", "RS", M["101"]), ("cur", "S", M["102"]), ("cur", "S", dup),
        ("cur", "S", relay_b), ("cur", "S", M["105"]), ("cur", "RS", M["106"]),
        ("cur", "S", M["107"]), ("cur", "S", M["108"]), ("cur", "S", M["109"]),
        ("cur", "FS", M["110"]), ("cur", "S", M["111"]), ("cur", "S", M["112"]),
        ("cur", "S", M["113"]),
        ("new", None, M["114"]), ("new", None, M["115"]), ("new", None, M["116"]),
        ("new", None, M["117"]),
    ]
    for q, (sub, flags, m) in enumerate(maildir, 1):
        ts = int(m.date.timestamp())
        name = "%d.M%dP4242Q%d.horizon" % (ts, q, q)
        if flags is not None:
            name += ":2," + flags
        P.append(("maildir/" + sub, name, m))

    camp = [M[k] for k in ("201", "202", "203", "204", "205", "206", "207")] + [conflict_b] + \
        [M[k] for k in ("209", "210", "211", "212", "213")]
    presse = [M["301"], M["302"], dup, M["304"], M["305"], M["306"], M["307"]]
    P.append(("mbox", "campagne-2016.mbox", camp))
    P.append(("mbox", "presse.mbox", presse))
    return P


# --------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------

DAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def from_line(m):
    u = m.date.astimezone(dt.timezone.utc)
    assert u.day >= 10, "keep two-digit days in From_ lines: %s" % m.msgid
    return "From %s %s %s %02d %02d:%02d:%02d %d\n" % (
        m.frm[1], DAYS[u.weekday()], MONTHS[u.month - 1], u.day, u.hour, u.minute, u.second,
        u.year)


def mboxrd_quote(data):
    return re.sub(rb"(?m)^(>*From )", rb">\1", data)


def render():
    """{relative path: bytes} for every generated file."""
    files = {}
    for loc, name, m in build():
        if loc == "mbox":
            out = b""
            for msg in m:
                out += from_line(msg).encode("ascii") + mboxrd_quote(msg.to_bytes()) + b"\n"
            files["mbox/" + name] = out
        else:
            data = m.to_bytes()
            if loc == "maildir/cur" and m.msgid == "<dup.horizon@campagne-exemple.fr>":
                data = data.replace(b"\n", b"\r\n")  # the CRLF copy of the duplicate
            files[loc + "/" + name] = data
    return files


def generate():
    files = render()
    for d in ("eml", "maildir", "mbox"):
        shutil.rmtree(DATA / d, ignore_errors=True)
    for rel, data in sorted(files.items()):
        path = DATA / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "wb") as f:
            f.write(data)
    print("wrote %d files under %s" % (len(files), DATA))


# --------------------------------------------------------------------------
# Checking (scans the files on disk, not the generator's own tables)
# --------------------------------------------------------------------------

EXPECTED = {
    "counts": {"eml": 32, "maildir": 17, "campagne-2016.mbox": 13, "presse.mbox": 7},
    "zeppelin": ["<007.horizon@campagne-exemple.fr>", "<105.horizon@campagne-exemple.fr>",
                 "<207.horizon@campagne-exemple.fr>"],
    "budget": ["<002.horizon@example.org>", "<004.horizon@campagne-exemple.fr>",
               "<016.horizon@example.com>", "<023.horizon@campagne-exemple.fr>",
               "<202.horizon@campagne-exemple.fr>", "<212.horizon@example.com>",
               "<213.horizon@campagne-exemple.fr>"],
    "budget_previsionnel": ["<004.horizon@campagne-exemple.fr>",
                            "<202.horizon@campagne-exemple.fr>"],
    "budget_and_previsionnel_apart": ["<023.horizon@campagne-exemple.fr>"],
    "reunion_subject": ["<005.horizon@campagne-exemple.fr>", "<106.horizon@campagne-exemple.fr>",
                        "<206.horizon@campagne-exemple.fr>", "<304.horizon@presse-exemple.fr>"],
    "utc_2017_04_24": ["<014.horizon@campagne-exemple.fr>", "<107.horizon@campagne-exemple.fr>"],
    "html_only": ["<009.horizon@campagne-exemple.fr>"],
    "tournesol": ["<010.horizon@graphisme.example>"],
    "lyon": ["<011.horizon@campagne-exemple.fr>", "<101.horizon@mairie-exemple.fr>",
             "<012.horizon@campagne-exemple.fr>", "<102.horizon@campagne-exemple.fr>"],
    "no_date_received": ["<013.horizon@presse-exemple.fr>"],
    "no_date_no_received": ["<031.horizon@example.org>"],
    "presse_to": ["<022.horizon@campagne-exemple.fr>", "<302.horizon@campagne-exemple.fr>",
                  "<305.horizon@campagne-exemple.fr>"],
    "presse_cc": ["<006.horizon@presse-exemple.fr>", "<114.horizon@presse-exemple.fr>"],
    "alice": ["<001.horizon@campagne-exemple.fr>", "<005.horizon@campagne-exemple.fr>",
              "<014.horizon@campagne-exemple.fr>", "<029.horizon@campagne-exemple.fr>",
              "<102.horizon@campagne-exemple.fr>", "<117.horizon@campagne-exemple.fr>",
              "<201.horizon@campagne-exemple.fr>"],
    "berenice": ["<008.horizon@mairie-exemple.fr>", "<021.horizon@mairie-exemple.fr>",
                 "<101.horizon@mairie-exemple.fr>"],
    "long_subject": ["<016.horizon@example.com>"],
    "empty_subject": ["<017.horizon@campagne-exemple.fr>"],
    "bare_from": ["<018.horizon@example.org>"],
    "group_to": ["<003.horizon@campagne-exemple.fr>"],
    "bcc": ["<022.horizon@campagne-exemple.fr>"],
    "latin1_body": ["<008.horizon@mairie-exemple.fr>"],
}

DUP = "<dup.horizon@campagne-exemple.fr>"
RELAY = "<relay.horizon@campagne-exemple.fr>"
CONFLICT = "<conflict.horizon@campagne-exemple.fr>"


class Entry:
    pass


def split_mboxrd(data):
    """Split an mboxrd file: (from_line, unquoted message bytes) per message."""
    lines = data.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    out, cur, fl = [], None, None
    prev_blank = True
    for line in lines:
        if line.startswith(b"From ") and prev_blank:
            if cur is not None:
                out.append((fl, cur))
            fl, cur = line, []
            prev_blank = False
            continue
        if cur is None:
            raise ValueError("mbox does not start with a From_ line")
        cur.append(line)
        prev_blank = line == b""
    if cur is not None:
        out.append((fl, cur))
    res = []
    for fl, body in out:
        assert body and body[-1] == b"", "message not followed by a blank line"
        body = body[:-1]
        text = b"\n".join(body) + b"\n"
        text = re.sub(rb"(?m)^>(>*From )", rb"\1", text)
        res.append((fl.decode("ascii"), text))
    return res


def load_entries():
    entries = []

    def mk(loc, path, raw, from_line=None):
        e = Entry()
        e.loc, e.path, e.raw, e.from_line = loc, path, raw, from_line
        entries.append(e)

    for p in sorted((DATA / "eml").iterdir()):
        mk("eml", p.relative_to(DATA).as_posix(), p.read_bytes())
    for sub in ("cur", "new"):
        for p in sorted((DATA / "maildir" / sub).iterdir()):
            mk("maildir", p.relative_to(DATA).as_posix(), p.read_bytes())
    for p in sorted((DATA / "mbox").iterdir()):
        for i, (fl, raw) in enumerate(split_mboxrd(p.read_bytes()), 1):
            mk("mbox", "%s#%d" % (p.relative_to(DATA).as_posix(), i), raw, fl)
    return entries


def header_block(raw):
    raw = raw.replace(b"\r\n", b"\n")
    return raw.split(b"\n\n", 1)[0].split(b"\n")


def texts_of(msg):
    """(plain+html texts, list of (content type, text))"""
    parts = []
    for part in msg.walk():
        if part.get_content_maintype() == "text":
            parts.append((part.get_content_type(), part.get_content()))
    return parts


def check():
    errors = []

    def expect(cond, what):
        if not cond:
            errors.append(what)

    def same(name, got):
        want = EXPECTED[name]
        expect(sorted(got) == sorted(want), "%s: got %s, expected %s" % (name, sorted(got), want))

    # Layout and counts.
    entries = load_entries()
    cnt = collections.Counter()
    for e in entries:
        cnt[e.loc if e.loc != "mbox" else e.path.split("/")[1].split("#")[0]] += 1
    expect(dict(cnt) == EXPECTED["counts"], "counts %s" % dict(cnt))
    for mb in ("campagne-2016.mbox", "presse.mbox"):
        box = mailbox.mbox(str(DATA / "mbox" / mb), create=False)
        keys = box.keys()
        expect(len(keys) == cnt[mb], "mailbox.mbox splits %s into %d" % (mb, len(keys)))
        mine = [e for e in entries if e.path.startswith("mbox/" + mb + "#")]
        for e, k in zip(mine, keys):
            theirs = re.sub(rb"(?m)^>(>*From )", rb"\1", box.get_bytes(k))
            expect(theirs.rstrip(b"\n") == e.raw.rstrip(b"\n"), "mailbox.mbox differs: " + e.path)
            fl = box.get_message(k).get_from()
            expect("From " + fl == e.from_line, "From_ line " + e.path)
        box.close()
    no_ext = [p.name for p in (DATA / "eml").iterdir() if not p.name.endswith(".eml")]
    expect(len(no_ext) == 2, "eml files without .eml: %s" % no_ext)
    expect(not (DATA / "maildir" / "tmp").exists() or not any((DATA / "maildir" / "tmp").iterdir()),
           "maildir/tmp not empty")

    # Every file: line endings, header syntax.
    maxlen = 0
    for e in entries:
        crlf = e.raw.count(b"\r\n")
        lf = e.raw.count(b"\n")
        if e.path.startswith("maildir/") and DUP.encode() in e.raw:
            expect(crlf == lf and b"\r" not in e.raw.replace(b"\r\n", b""), "CRLF dup " + e.path)
        else:
            expect(b"\r" not in e.raw, "CR in " + e.path)
        hb = header_block(e.raw)
        for i, line in enumerate(hb):
            maxlen = max(maxlen, len(line))
            expect(len(line) <= 998, "line too long " + e.path)
            expect(all(32 <= c < 127 or c == 9 for c in line), "non-ASCII header " + e.path)
            if line[:1] in (b" ", b"\t"):
                expect(i > 0 and line.strip() != b"", "bad continuation " + e.path)
            else:
                expect(re.match(rb"^[!-9;-~]+:", line) is not None, "bad header line %r" % line)
        for line in e.raw.replace(b"\r\n", b"\n").split(b"\n"):
            expect(len(line) <= 998, "body line too long " + e.path)

    # Parse.
    pol = email.policy.default
    for e in entries:
        m = email.message_from_bytes(e.raw.replace(b"\r\n", b"\n"), policy=pol)
        e.msg = m
        for k in set(m.keys()):
            for v in m.get_all(k):
                expect(not v.defects, "header defects %s %s: %s" % (e.path, k, v.defects))
        for part in m.walk():
            expect(not part.defects, "defects %s: %s" % (e.path, part.defects))
        e.msgid = str(m["Message-ID"])
        e.subject = str(m["Subject"]) if m["Subject"] is not None else None
        e.date = m["Date"].datetime if m["Date"] is not None else None
        e.utc = e.date.astimezone(dt.timezone.utc) if e.date else None
        e.parts = texts_of(m)
        e.body = "\n".join(t for _, t in e.parts)
        e.from_addr = m["From"].addresses[0]
        for h in ("From", "To", "Subject", "Message-ID"):
            expect(m[h] is not None, "%s missing in %s" % (h, e.path))
        expect(len(m.get_all("Message-ID")) == 1, "one Message-ID " + e.path)
        if e.from_line:
            u = e.utc
            want = "From %s %s %s %02d %02d:%02d:%02d %d" % (
                e.from_addr.addr_spec, DAYS[u.weekday()], MONTHS[u.month - 1], u.day, u.hour,
                u.minute, u.second, u.year)
            expect(e.from_line == want, "From_ line %s: %s" % (e.path, e.from_line))

    by_id = collections.defaultdict(list)
    for e in entries:
        by_id[e.msgid].append(e)
    multi = {k: len(v) for k, v in by_id.items() if len(v) > 1}
    expect(multi == {DUP: 3, RELAY: 2, CONFLICT: 2}, "multi-copy ids %s" % multi)
    for k in by_id:
        expect(re.fullmatch(r"<[a-z0-9]+\.horizon@[a-z0-9.-]+>", k) is not None, "msgid form " + k)
    uniq = {k: v[0] for k, v in by_id.items()}

    def ids(pred):
        return sorted(k for k, e in uniq.items() if pred(e))

    # Domains.
    for e in entries:
        text = e.raw.decode("utf-8", "replace") + e.body
        for host in re.findall(r"[A-Za-z0-9.-]+\.(?:fr|com|org|net|example)\b", text):
            expect(host.lower().endswith(ALLOWED_DOMAINS) or host.endswith(".example")
                   or host in ALLOWED_DOMAINS, "foreign domain %s in %s" % (host, e.path))
    senders = {e.from_addr.addr_spec for e in uniq.values()}
    domains = {s.split("@")[1] for s in senders}
    expect(len(senders) >= 8 and len(domains) >= 5, "senders %s" % senders)

    # Fact 1: zeppelin.
    z = ids(lambda e: re.search(r"zeppelin", e.body, re.I))
    same("zeppelin", z)
    expect(not ids(lambda e: "zeppelin" in (e.subject or "").lower()), "zeppelin in a subject")
    zfiles = [p for p in DATA.rglob("*") if p.is_file() and p.name != "README.md"
              and b"zeppelin" in p.read_bytes().lower()]
    expect(len(zfiles) == 3, "zeppelin files %s" % zfiles)
    expect(sorted(uniq[i].loc for i in z) == ["eml", "maildir", "mbox"], "zeppelin locations")

    # Fact 2: budget.
    def full(e):
        return (e.subject or "") + "\n" + e.body
    b = ids(lambda e: "budget" in full(e).lower())
    same("budget", b)
    expect(b == ids(lambda e: re.search(r"\bbudget\b", full(e), re.I)), "budget as a word")
    bp = ids(lambda e: re.search(r"\bbudget\s+prévisionnel\b", full(e), re.I))
    same("budget_previsionnel", bp)
    apart = ids(lambda e: re.search(r"\bbudget\b", full(e), re.I)
                and re.search(r"\bprévisionnel\b", full(e), re.I) and e.msgid not in bp)
    same("budget_and_previsionnel_apart", apart)
    expect(ids(lambda e: "prévisionnel" in full(e).lower()) == sorted(bp + apart),
           "prévisionnel elsewhere")
    expect(not ids(lambda e: "prévisionnel" in (e.subject or "").lower()), "prévisionnel subj")

    # Fact 3: Réunion in subjects.
    r = ids(lambda e: "réunion" in (e.subject or "").lower()
            or "reunion" in (e.subject or "").lower())
    same("reunion_subject", r)
    raw_subj = {i: b"\n".join(l for l in header_block(uniq[i].raw)
                              if l.startswith(b"Subject:")) for i in r}
    expect(any(b"=?UTF-8?Q?" in v for v in raw_subj.values()), "Réunion Q")
    expect(any(b"=?UTF-8?B?" in v for v in raw_subj.values()), "Réunion B")
    body_only = ids(lambda e: "réunion" in e.body.lower() and e.msgid not in r)
    expect(len(body_only) >= 2, "réunion body-only")

    # Fact 4: UTC day 2017-04-24.
    day = ids(lambda e: e.utc and e.utc.date() == dt.date(2017, 4, 24))
    same("utc_2017_04_24", day)
    near = ids(lambda e: e.date and (dt.date(2017, 4, 23) <= e.date.date() <= dt.date(2017, 4, 25)
                                     or dt.date(2017, 4, 23) <= e.utc.date()
                                     <= dt.date(2017, 4, 25)))
    expect(near == sorted(["<014.horizon@campagne-exemple.fr>",
                           "<015.horizon@presse-exemple.fr>",
                           "<107.horizon@campagne-exemple.fr>"]), "near 24 Apr: %s" % near)
    datestr = {i: str(uniq[i].msg["Date"]) for i in near}
    expect(datestr["<014.horizon@campagne-exemple.fr>"] == "Mon, 24 Apr 2017 23:30:00 +0200", "014")
    expect(datestr["<107.horizon@campagne-exemple.fr>"] == "Tue, 25 Apr 2017 01:30:00 +0200", "107")
    expect(datestr["<015.horizon@presse-exemple.fr>"] == "Mon, 24 Apr 2017 00:30:00 +0200", "015")

    # Fact 5: years.
    years_entries = collections.Counter(e.utc.year for e in entries if e.utc)
    years_unique = collections.Counter(e.utc.year for e in uniq.values() if e.utc)
    by_year = collections.defaultdict(list)
    for i, e in uniq.items():
        if e.utc:
            by_year[e.utc.year].append(i)
    expect(set(years_unique) <= set(range(2009, 2018)), "years %s" % years_unique)
    expect(years_unique[2009] >= 2 and years_unique[2016] >= 3 and years_unique[2017] >= 3, "yrs")

    # Fact 6: HTML-only and multipart/alternative.
    h = ids(lambda e: e.msg.get_content_type() == "text/html")
    same("html_only", h)
    he = uniq[h[0]]
    html = he.parts[0][1]
    expect(re.search(r"<p[^>]*>[^<]*orchidée", html) is not None, "orchidée in <p>")
    expect(re.search(r"<script>[^<]*\bscriptonly\b[^<]*</script>", html) is not None, "script")
    expect(re.search(r"<style>[^<]*\bstyleonly\b[^<]*</style>", html) is not None, "style")
    for w in ("scriptonly", "styleonly", "orchidée"):
        expect(ids(lambda e: w in (full(e) + e.raw.decode("utf-8", "replace")).lower()) == h, w)
    t = ids(lambda e: "tournesol" in (full(e) + e.raw.decode("utf-8", "replace")).lower())
    same("tournesol", t)
    te = uniq[t[0]]
    expect(te.msg.get_content_type() == "multipart/alternative", "alternative")
    expect([ct for ct, _ in te.parts] == ["text/plain", "text/html"]
           and all("tournesol" in x for _, x in te.parts), "tournesol in both parts")

    # Fact 7: Lyon thread.
    ly = [e for e in uniq.values()
          if re.fullmatch(r"((Re|RE): )?Déplacement à Lyon", e.subject or "")]
    ly.sort(key=lambda e: e.utc)
    same("lyon", [e.msgid for e in ly])
    expect([e.msgid for e in ly] == EXPECTED["lyon"], "lyon order")
    expect({e.loc for e in ly} == {"eml", "maildir"}, "lyon locations")
    expect({e.subject[:4] for e in ly[1:]} == {"Re: ", "RE: "}, "lyon prefixes")
    for n, e in enumerate(ly):
        irt = e.msg["In-Reply-To"]
        refs = e.msg["References"]
        if n == 0:
            expect(irt is None and refs is None, "lyon root")
        else:
            expect(str(irt) == ly[n - 1].msgid, "In-Reply-To " + e.msgid)
            expect(str(refs).split() == [x.msgid for x in ly[:n]], "References " + e.msgid)

    # Fact 8: exact duplicate.
    d = by_id[DUP]
    expect(sorted(e.loc for e in d) == ["eml", "maildir", "mbox"], "dup locations")
    eml_raw = (DATA / "eml" / "040.eml").read_bytes()
    for e in d:
        expect(e.raw.replace(b"\r\n", b"\n") == eml_raw, "dup bytes " + e.path)
        if e.loc == "mbox":
            expect(e.path.startswith("mbox/presse.mbox#") and e.raw == eml_raw, "dup mbox")
    expect(any(e.path == "eml/040.eml" for e in d), "dup eml name")
    expect(not any(e.from_addr.addr_spec == ALICE[1] for e in d), "dup sender")

    # Fact 9: transport-only copies.
    rl = by_id[RELAY]
    expect(sorted(e.loc for e in rl) == ["eml", "maildir"], "relay locations")
    a, bb = rl
    for hname in ("From", "To", "Date", "Subject"):
        expect(str(a.msg[hname]) == str(bb.msg[hname]), "relay " + hname)
    expect(a.raw.split(b"\n\n", 1)[1] == bb.raw.split(b"\n\n", 1)[1], "relay body")
    expect(a.msg.get_all("Received") != bb.msg.get_all("Received"), "relay Received")
    expect(str(a.msg["Delivered-To"]) != str(bb.msg["Delivered-To"]), "relay Delivered-To")
    strip = re.compile(rb"^(Received|Delivered-To):.*\n(?:[ \t].*\n)*", re.M)
    expect(strip.sub(b"", a.raw) == strip.sub(b"", bb.raw), "relay differs only in transport")

    # Fact 10: conflicting copies.
    cf = by_id[CONFLICT]
    expect(sorted(e.path.split("#")[0] for e in cf) == ["eml/020.eml", "mbox/campagne-2016.mbox"],
           "conflict locations")
    a, bb = cf
    for hname in ("From", "To", "Date", "Subject"):
        expect(str(a.msg[hname]) == str(bb.msg[hname]), "conflict " + hname)
    la, lb = a.body.split("\n"), bb.body.split("\n")
    diff = [(x, y) for x, y in zip(la, lb) if x != y]
    expect(len(la) == len(lb) and len(diff) == 1 and "12 000 €" in diff[0][0]
           and "120 000 €" in diff[0][1], "conflict diff %s" % diff)

    # Facts 11, 12: no Date.
    nd = [e for e in uniq.values() if e.date is None]
    same("no_date_received", [e.msgid for e in nd if e.msg.get_all("Received")])
    same("no_date_no_received", [e.msgid for e in nd if not e.msg.get_all("Received")])
    for e in nd:
        rc = e.msg.get_all("Received") or []
        if rc:
            expect(len(rc) == 2, "two Received")
            top = str(rc[0]).rsplit(";", 1)[1].strip()
            low = str(rc[1]).rsplit(";", 1)[1].strip()
            expect(top == "Thu, 15 Dec 2016 10:05:00 +0100", "top Received " + top)
            expect(email.utils.parsedate_to_datetime(top) - email.utils.parsedate_to_datetime(low)
                   == dt.timedelta(hours=1), "Received an hour apart")

    # Fact 13: mboxrd quoting in campagne-2016.mbox.
    camp = (DATA / "mbox" / "campagne-2016.mbox").read_bytes()
    lines = camp.split(b"\n")
    expect(b">From the campaign office, with thanks" in lines, ">From line")
    expect(b"From the campaign office, with thanks" not in lines, "unquoted From line")
    expect(b">>From quoted twice" in lines and b">From quoted twice" not in lines, ">>From")
    i = lines.index(b">From Lille to Marseille, the same energy.")
    expect(lines[i - 1] != b"", "mid-paragraph From")
    i = lines.index(b"From: nobody")
    expect(lines[i - 1] != b"", "From: nobody after text")
    for n, line in enumerate(lines):
        if line.startswith(b"From "):
            expect(n == 0 or lines[n - 1] == b"", "unquoted From in body")
    origs = {e.msgid: e.body for e in entries if e.path.startswith("mbox/campagne")}
    expect(any("\nFrom the campaign office, with thanks\n" in b for b in origs.values()), "u1")
    expect(any("\n>From quoted twice\n" in b for b in origs.values()), "u2")

    # Fact 14: recipients and senders.
    def addrs(e, h):
        v = e.msg[h]
        return [a.addr_spec for a in v.addresses] if v is not None else []
    same("presse_to", ids(lambda e: "presse@presse-exemple.fr" in addrs(e, "To")))
    same("presse_cc", ids(lambda e: "presse@presse-exemple.fr" in addrs(e, "Cc")))
    pfiles = ids(lambda e: b"presse@presse-exemple.fr" in e.raw
                 or "presse@presse-exemple.fr" in e.body)
    expect(pfiles == sorted(EXPECTED["presse_to"] + EXPECTED["presse_cc"]), "presse@ elsewhere")
    al = ids(lambda e: e.from_addr.addr_spec == ALICE[1])
    same("alice", al)
    expect(all(uniq[i].from_addr.display_name == "Alice Martin" for i in al), "Alice name")
    be = ids(lambda e: e.from_addr.addr_spec == BERENICE[1])
    same("berenice", be)
    expect(all(uniq[i].from_addr.display_name == "Bérénice Lefèvre" for i in be), "B name")
    expect(all(b"=?" in [l for l in header_block(uniq[i].raw) if l.startswith(b"From:")][0]
               for i in be), "Bérénice encoded")

    # Fact 15, 16 and misc headers.
    same("long_subject", ids(lambda e: e.subject is not None and len(e.subject) > 200))
    same("empty_subject", ids(lambda e: e.subject == ""))
    same("bare_from", ids(lambda e: e.from_addr.display_name == ""))
    same("group_to", ids(lambda e: any(g.display_name for g in e.msg["To"].groups)))
    g = uniq[EXPECTED["group_to"][0]].msg["To"].groups[0]
    expect(g.display_name == "Équipe" and [a.addr_spec for a in g.addresses]
           == ["paul@terrain.example", "lina@terrain.example"], "group")
    same("bcc", ids(lambda e: e.msg["Bcc"] is not None))
    reply_to = ids(lambda e: e.msg["Reply-To"] is not None)
    cc = ids(lambda e: e.msg["Cc"] is not None)
    expect(len(reply_to) >= 2 and len(cc) >= 3, "Reply-To/Cc")
    allraw = b"".join(e.raw for e in entries)
    for enc in (b"=?UTF-8?Q?", b"=?UTF-8?B?", b"=?ISO-8859-1?Q?"):
        expect(enc in allraw, "encoded word %s" % enc)
    ctes = collections.Counter()
    for e in uniq.values():
        for part in e.msg.walk():
            if part.get_content_maintype() == "text":
                ctes[(part.get_content_charset(), part["Content-Transfer-Encoding"] and
                      str(part["Content-Transfer-Encoding"]))] += 1
    expect(ctes[("utf-8", "8bit")] and ctes[("utf-8", "quoted-printable")], "ctes %s" % ctes)
    same("latin1_body", ids(lambda e: e.msg.get_content_charset() == "iso-8859-1"))
    for e in uniq.values():
        if not e.body.isascii():
            expect(any(p.get_content_charset() in ("utf-8", "iso-8859-1")
                       for p in e.msg.walk() if p.get_content_maintype() == "text"), "charset")

    # Determinism: the files on disk are what the generator produces.
    files = render()
    ondisk = {p.relative_to(DATA).as_posix(): p.read_bytes()
              for d in ("eml", "maildir", "mbox") for p in (DATA / d).rglob("*") if p.is_file()}
    expect(files == ondisk, "files on disk differ from the generator output (rerun it)")

    # Report.
    print("entries: %s, total %d" % (dict(cnt), len(entries)))
    print("unique Message-IDs: %d; messages with the exact duplicate counted once: %d"
          % (len(uniq), len(entries) - (len(by_id[DUP]) - 1)))
    print("senders: %d, sender domains: %s" % (len(senders), sorted(domains)))
    print("header lines max length: %d" % maxlen)
    print("zeppelin:", z)
    print("budget:", b)
    print("budget prévisionnel:", bp, "apart:", apart)
    print("Réunion subjects:", r)
    print("réunion only in body:", body_only)
    print("UTC 2017-04-24:", day)
    print("year | entries | unique | Message-IDs")
    for y in range(2009, 2018):
        print("%d | %d | %d | %s" % (y, years_entries[y], years_unique[y], " ".join(sorted(by_year[y]))))
    print("no Date:", [e.msgid for e in nd])
    print("Reply-To:", reply_to)
    print("Cc:", cc)
    print("charset/CTE of text parts:", dict(ctes))
    print("presse@ To:", EXPECTED["presse_to"], "Cc:", EXPECTED["presse_cc"])
    print("per file:")
    for e in entries:
        print("  %-60s %-42s %s" % (e.path, e.msgid, e.utc.isoformat() if e.utc else "-"))
    if errors:
        print("\nFAILED:", file=sys.stderr)
        for x in errors:
            print("  " + x, file=sys.stderr)
        return 1
    print("\nall checks passed")
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--check", action="store_true",
                    help="verify the archive on disk (and the planted facts) instead of writing it")
    args = ap.parse_args()
    if args.check:
        return check()
    generate()
    return 0


if __name__ == "__main__":
    sys.exit(main())
