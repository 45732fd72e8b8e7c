#!/usr/bin/env bash
# T160: what a French reporter types. data/fr (tests/tools/gen-fr.py, facts
# in data/README.md) indexed alone: elisions split with every apostrophe,
# words that keep theirs, stems and phrases across an elision; names and
# addresses found by free words while from: and to: keep their meaning;
# the sender's UTC offset kept and shown, and --tz reading days, months and
# years on another zone's clocks (a message sent at 00:30 in Paris).
source "$(dirname "$0")/lib.sh"

index --quiet "$DATA/fr" >"$WORK/index.out" 2>"$WORK/index.err"
expect_eq "indexing data/fr exits 0" 0 $?
expect_eq "every message indexed" 22 "$(search --count)"

# fr N...: the Message-IDs of data/fr's messages N...
fr() { for n; do printf 'fr-%s@fr.example ' "$n"; done; }

# lib.sh's ids without a Python per call (this script makes over a hundred
# searches): data/fr's Message-IDs hold no quote or backslash.
ids() {
    search --format ndjson "$@" | sed -n 's/.*"message_id":"\([^"]*\)".*/\1/p' | sort |
        tr '\n' ' ' | sed 's/ $//'
}

# --- Text analysis: elisions --------------------------------------------

# Each apostrophe: U+0027, U+2019, U+02BC, U+2018; any case.
expect_ids "l'Élysée (U+0027), subject and body" "$(fr 01)" elysee
expect_ids "Élysée" "$(fr 01)" Élysée
expect_ids "ELYSÉE" "$(fr 01)" ELYSÉE
expect_ids "d’Emmanuel (U+2019)" "$(fr 02)" emmanuel
expect_ids "lʼhôtel (U+02BC)" "$(fr 03)" hotel
expect_ids "D‘après (U+2018, capital D)" "$(fr 04)" apres
# The query is cut as the text is, whichever apostrophe it is typed with.
for q in "l'élysée" "L’ÉLYSÉE" "lʼElysee" "l‘élysée"; do
    expect_ids "query $q" "$(fr 01)" "$q"
done
expect_ids "query d'emmanuel (U+0027 against U+2019)" "$(fr 02)" "d'emmanuel"
expect_ids "query l’hôtel (U+2019 against U+02BC)" "$(fr 03)" "l’hôtel"

# Every elision of the list, before a word found nowhere else.
for w in abricotier armoiries escalade ebouriffe obtempere evapore ensorcelle etait hortense ici \
    ululent yvonne epuisee; do
    expect_ids "the word after an elision: $w" "$(fr 05)" "$w"
done
expect_ids "capitals, typographic apostrophes: QU’ORPHÉE" "$(fr 06)" orphee
expect_ids "JUSQU’À L’AUBE" "$(fr 06)" aube
expect_ids "S’IL" "$(fr 06)" "\"chante a aube il le faut\""

# The article is not a search term.
expect_status "l' alone finds nothing" 1 search "l'"
expect_status "qu' alone finds nothing" 1 search "qu’"

# Words that keep their apostrophe, found as written with any apostrophe.
for q in "aujourd'hui" "aujourd’hui" "Aujourd'hui" "o'brien" "O’Brien" "don't" "don’t" \
    "prud'homme" "prud’homme" "prudʼhomme"; do
    expect_ids "whole word $q" "$(fr 07 08)" "$q"
done
# Their pieces, and the word without its apostrophe, are not words of the text.
for q in hui aujourd brien obrien homme; do
    expect_status "$q is no word of the text" 1 search "$q"
done

# Phrases across an elision.
expect_ids "phrase across an elision" "$(fr 01)" "\"l'Élysée a confirmé\""
expect_ids "phrase, typographic apostrophe in the query" "$(fr 01)" "\"l’élysée a confirmé\""
expect_ids "phrase in the subject" "$(fr 01)" "\"rendez-vous à l'Élysée\""
expect_ids "phrase with U+02BC in the text, U+0027 in the query" "$(fr 03)" \
    "\"dormirons à l'hôtel du port\""
expect_ids "subject: with an elision" "$(fr 01)" "subject:l'élysée"
expect_status "a phrase that is not in the text" 1 search "\"l'Élysée a refusé\""

# Stems still match, French and English.
expect_ids "confirmer: the stem of confirmé" "$(fr 01)" confirmer
expect_ids "hôtels: the stem of l'hôtel" "$(fr 03)" hôtels
expect_ids "wildcard after an elision" "$(fr 05)" "l'abrico*"

# Snippets mark the words as the search matched them, apostrophes and all.
expect_eq "snippet matches: elided and whole words" "l'Élysée L'Élysée|Aujourd'hui|Aujourd’hui" \
    "$(search --format ndjson --sort date elysee OR "aujourd'hui" | python3 -c '
import json, sys
out = []
for line in sys.stdin:
    s = json.loads(line)["snippet"]
    out.append(" ".join(s["text"][a:b] for a, b in s["matches"]))
print("|".join(out))')"

# --- Free text covers the people -----------------------------------------

expect_ids "leveque: To, To, From" "$(fr 10 12 13)" leveque
expect_ids "Lévêque" "$(fr 10 12 13)" Lévêque
expect_ids "an address as a free query" "$(fr 10 12 13)" jeanne.leveque@campagne.example
expect_ids "a domain, part of an address" "$(fr 10 12 13)" campagne.example
expect_ids "a name as a phrase" "$(fr 10 11 13)" '"Claude Renaud"'
expect_ids "a Cc address" "$(fr 11)" alice.martin@campagne-exemple.fr
expect_ids "a Cc address's domain" "$(fr 11)" campagne-exemple.fr
expect_ids "Reply-To's name" "$(fr 12)" secretariat
expect_ids "Reply-To's domain" "$(fr 12)" redaction.example
expect_ids "a name with an elision (Hélène d’Estaing)" "$(fr 14)" estaing
expect_ids "a person and a word" "$(fr 10)" leveque salle
expect_status "Bcc is not in free text" 1 search gaston
expect_status "in:body leaves the people out" 1 search in:body leveque

# from: and to: keep their meaning.
expect_ids "from:renaud" "$(fr 10)" from:renaud
expect_ids "to:renaud (To)" "$(fr 11 13)" to:renaud
expect_ids "from:leveque" "$(fr 13)" from:leveque
expect_ids "to:leveque" "$(fr 10 12)" to:leveque
expect_ids "to: an address in Cc" "$(fr 11)" to:alice.martin@campagne-exemple.fr
expect_ids "to: finds Bcc" "$(fr 13)" to:gaston
expect_ids "from: a name with an elision" "$(fr 14)" "from:d'estaing"
expect_status "Reply-To is neither from: nor to:" 1 search from:secretariat OR to:secretariat

# --from and --to take a name as well as an address.
expect_ids "--from NAME" "$(fr 10)" --from 'Claude Renaud'
expect_ids "--from name, lowercase" "$(fr 10)" --from 'claude renaud'
expect_ids "--from an address" "$(fr 10)" --from claude.renaud@mairie.example
expect_ids "--from a name or an address" "$(fr 10 13)" --from 'Claude Renaud' \
    --from jeanne.leveque@campagne.example
expect_ids "--to NAME with accents" "$(fr 10 12)" --to 'Jeanne Lévêque'
expect_status "--from: the words in another order" 1 search --from 'Renaud Claude'

# --- Time zones -------------------------------------------------------------

# 20: Mon, 24 Apr 2017 00:30:00 +0200 = 2017-04-23T22:30Z; 21: 23:45Z on the
# 23rd (01:45 in Paris on the 24th); 22: 21:30Z on the 24th (23:30 in Paris).
expect_ids "UTC day 2017-04-24" "$(fr 22)" date:2017-04-24
expect_ids "Paris day 2017-04-24" "$(fr 20 21 22)" --tz Europe/Paris date:2017-04-24
expect_ids "UTC day 2017-04-23" "$(fr 20 21)" date:2017-04-23
expect_status "Paris day 2017-04-23" 1 search --tz Europe/Paris date:2017-04-23
expect_ids "--after/--before in UTC" "$(fr 22)" --after 2017-04-24 --before 2017-04-24
expect_ids "--after/--before in Paris" "$(fr 20 21 22)" --tz Europe/Paris --after 2017-04-24 \
    --before 2017-04-24
expect_ids "--tz after the dates it reads" "$(fr 20 21 22)" --after 2017-04-24 \
    --before 2017-04-24 --tz Europe/Paris
# 23 is 2021-12-31T23:15Z: in 2021 in UTC, in 2022 in Paris. (The 2018
# messages of the first parts are not the agency's.)
expect_ids "--after, --before a year in UTC" "$(fr 22 23 24 25 26)" --after 2017-04-24 \
    --before 2021 --domain horaires.example
expect_ids "--after, --before a year in Paris" "$(fr 20 21 22 24 25 26)" --tz Europe/Paris \
    --after 2017-04-24 --before 2021 --domain horaires.example
expect_ids "--before in UTC" "$(fr 20 21 27 28)" --before 2017-04-23
expect_ids "--before in Paris" "$(fr 27 28)" --tz Europe/Paris --before 2017-04-23
expect_ids "a range to the minute, Paris" "$(fr 20)" --tz Europe/Paris \
    date:2017-04-24T00:00..2017-04-24T01:00
expect_ids "a final Z is UTC whatever --tz says" "$(fr 20)" --tz Europe/Paris \
    date:2017-04-23T22:00Z..2017-04-23T23:00Z
# --tz local: the machine's zone, here from TZ.
got=$(TZ=Europe/Paris search --tz local --format ndjson date:2017-04-24 |
    python3 -c 'import json, sys; print(" ".join(sorted(json.loads(l)["message_id"] for l in sys.stdin)))')
expect_eq "--tz local with TZ=Europe/Paris" "$(fr 20 21 22 | sed 's/ $//')" "$got"

# 23: Sat, 01 Jan 2022 00:15:00 +0100 = 2021-12-31T23:15Z.
expect_ids "year:2021 in UTC" "$(fr 23)" year:2021
expect_status "year:2022 in UTC" 1 search year:2022
expect_ids "year:2022 in Paris" "$(fr 23)" --tz Europe/Paris year:2022
expect_status "year:2021 in Paris" 1 search --tz Europe/Paris year:2021
expect_ids "month:2021-12 in UTC" "$(fr 23)" month:2021-12
expect_ids "month:2022-01 in Paris" "$(fr 23)" --tz Europe/Paris month:2022-01
expect_status "month:2021-12 in Paris" 1 search --tz Europe/Paris month:2021-12
expect_ids "month:2017-04 in Paris" "$(fr 20 21 22 24 25 26)" --tz Europe/Paris month:2017-04
expect_ids "date:2022 in Paris" "$(fr 23)" --tz Europe/Paris date:2022

# Summer time starts on 2017-03-26 in Paris: a 23-hour day. 27 is 23:30
# that day (21:30Z), 28 is 00:10 the next (22:10Z on the 26th).
expect_ids "UTC day 2017-03-26" "$(fr 27 28)" date:2017-03-26
expect_ids "Paris day 2017-03-26 has 23 hours" "$(fr 27)" --tz Europe/Paris date:2017-03-26
expect_ids "Paris day 2017-03-27" "$(fr 28)" --tz Europe/Paris date:2017-03-27

# A zone that does not exist: one line, exit 2.
expect_status "--tz Mars/Olympus" 2 search --tz Mars/Olympus date:2017
expect_eq "--tz Mars/Olympus says why" \
    "leakdex-search: --tz: unknown time zone 'Mars/Olympus' (an IANA name such as Europe/Paris, UTC, or local)" \
    "$(cat "$WORK/err")"

# date_local beside date in JSON and NDJSON: the sender's clock; +00:00 when
# the Date header gives no usable zone (none, -0000).
search --format json --sort date >"$WORK/all.json"
expect_eq "date and date_local" \
    "fr-20 2017-04-23T22:30:00Z 2017-04-24T00:30:00+02:00
fr-21 2017-04-23T23:45:00Z 2017-04-23T23:45:00+00:00
fr-22 2017-04-24T21:30:00Z 2017-04-24T23:30:00+02:00
fr-23 2021-12-31T23:15:00Z 2022-01-01T00:15:00+01:00
fr-24 2017-04-25T12:00:00Z 2017-04-25T12:00:00+00:00
fr-25 2017-04-25T13:00:00Z 2017-04-25T13:00:00+00:00
fr-26 2017-04-25T12:30:00Z 2017-04-25T18:00:00+05:30" \
    "$(python3 - "$WORK/all.json" <<'PY'
import json, sys
hits = json.load(open(sys.argv[1]))["hits"]
for h in sorted(hits, key=lambda h: h["message_id"]):
    keys = list(h)
    assert keys.index("date_local") == keys.index("date") + 1, keys
    n = h["message_id"].split("@")[0]
    if n >= "fr-20" and n <= "fr-26":
        print(n, h["date"], h["date_local"])
PY
)"
expect_eq "NDJSON has date_local too" "2017-04-24T00:30:00+02:00" \
    "$(search --format ndjson id:fr-20@fr.example | python3 -c 'import json, sys; print(json.loads(sys.stdin.read())["date_local"])')"

# CSV: a date_local column after date, in a search and in an export.
search --format csv id:fr-20@fr.example >"$WORK/one.csv"
search --export "$WORK/export.csv" --tz Europe/Paris date:2017-04-24 >/dev/null
expect_eq "CSV date_local, search and export" \
    "2017-04-23T22:30:00Z 2017-04-24T00:30:00+02:00
fr-20@fr.example 2017-04-24T00:30:00+02:00
fr-21@fr.example 2017-04-23T23:45:00+00:00
fr-22@fr.example 2017-04-24T23:30:00+02:00" \
    "$(python3 - "$WORK/one.csv" "$WORK/export.csv" <<'PY'
import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline="", encoding="utf-8")))
head = rows[0]
assert head.index("date_local") == head.index("date") + 1, head
r = dict(zip(head, rows[1]))
print(r["date"], r["date_local"])
for r in sorted(csv.DictReader(open(sys.argv[2], newline="", encoding="utf-8")),
                key=lambda r: r["message_id"]):
    print(r["message_id"], r["date_local"])
PY
)"
expect_eq "an export says the zone it read dates in" "Europe/Paris" \
    "$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["query"]["tz"])' \
        "$WORK/export.csv.meta.json")"

# Text: dates on the --tz clocks (UTC by default), the sender's clock when
# it showed another time.
id20=$(search --format ndjson id:fr-20@fr.example | python3 -c 'import json, sys; print(json.loads(sys.stdin.read())["id"])')
line=$(search id:fr-20@fr.example | head -1)
expect_eq "text line in UTC, with the sender's time" \
    "$id20  2017-04-23 22:30  none       Agence horaire  Résultats du premier tour  [sent 2017-04-24 00:30 +02:00]" \
    "$line"
line=$(search --tz Europe/Paris id:fr-20@fr.example | head -1)
expect_eq "text line in Paris" \
    "$id20  2017-04-24 00:30  none       Agence horaire  Résultats du premier tour" "$line"
line=$(search --tz Europe/Paris id:fr-21@fr.example | head -1)
expect_eq "text line in Paris, a sender in UTC" \
    "2017-04-24 01:45  none       Agence horaire  Dépêche de Londres  [sent 2017-04-23 23:45 +00:00]" \
    "${line:14}"
line=$(search id:fr-24@fr.example | head -1)
expect_eq "text line, no zone in the Date header" \
    "2017-04-25 12:00  none       Agence horaire  Sans fuseau" "${line:14}"

# show: the date in UTC, the sender's clock, the --tz zone's.
expect_eq "show: UTC and the sender's time" \
    "Date         2017-04-23T22:30:00Z (from the Date header)
Sender time  2017-04-24T00:30:00+02:00" \
    "$(search show "$id20" | sed -n 2,3p)"
expect_eq "show --tz: and the zone's time" \
    "Date         2017-04-23T22:30:00Z (from the Date header)
Sender time  2017-04-24T00:30:00+02:00
Zone time    2017-04-24T00:30:00+02:00 (Europe/Paris)" \
    "$(search --tz Europe/Paris show "$id20" | sed -n 2,4p)"
id24=$(search --format ndjson id:fr-24@fr.example | python3 -c 'import json, sys; print(json.loads(sys.stdin.read())["id"])')
expect_eq "show: no usable zone" \
    "Sender time  unknown: the Date header gives no usable time zone (read as UTC)" \
    "$(search show "$id24" | sed -n 3p)"
expect_eq "show --format json has date_local" "2017-04-24T00:30:00+02:00" \
    "$(search --format json show "$id20" | python3 -c 'import json, sys; print(json.load(sys.stdin)["date_local"])')"

# The indexer stores the same whatever the machine's zone.
TZ=Pacific/Kiritimati index --quiet --db "$WORK/db-kiritimati" "$DATA/fr" >/dev/null 2>&1
expect_eq "indexed under TZ=Pacific/Kiritimati: the same hits, dates and offsets" \
    "$(search --format ndjson --sort date)" \
    "$(TZ=America/New_York search --db "$WORK/db-kiritimati" --format ndjson --sort date)"

# stats counts years on the --tz clocks.
expect_eq "stats by year in UTC" "by year: 2017: 8, 2018: 13, 2021: 1, no date: 0" \
    "$(search stats | grep '^by year:')"
expect_eq "stats by year in Paris" "by year: 2017: 8, 2018: 13, 2022: 1, no date: 0" \
    "$(search --tz Europe/Paris stats | grep '^by year:')"

finish
