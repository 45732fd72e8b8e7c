#!/usr/bin/env bash
# T440: show prints a message's headers and exact decoded body text.
source "$(dirname "$0")/lib.sh"
index_sample

C=campagne-exemple.fr
sid() { search "id:$1" | cut -c1-12; }

id=$(sid 014.horizon@$C)
search show "$id" | sed "s|$DATA|DATA|" >"$WORK/014.txt"
cat >"$WORK/014.want" <<TXT
Id           $(search --format ndjson id:014.horizon@$C | python3 -c 'import json,sys; print(json.load(sys.stdin)["sha256"])')
Date         2017-04-24T21:30:00Z (from the Date header)
Sender time  2017-04-24T23:30:00+02:00
From         Alice Martin <alice.martin@campagne-exemple.fr>
To           Thomas Girard <thomas.girard@campagne-exemple.fr>; Sophie Nguyen <s.nguyen@campagne-exemple.fr>; Hélène Rousseau <helene.rousseau@campagne-exemple.fr>
Subject      Premier tour : consignes pour demain
DKIM         none
Message-ID   014.horizon@campagne-exemple.fr
Thread       $(printf '%s' 014.horizon@$C | sha256sum | cut -c1-16)
Path         DATA/eml/014.eml

Chères toutes, chers tous,

Merci pour ces deux journées intenses. Consignes pour demain mardi :

- réunion de l'équipe à 8 h 30 au QG, présence indispensable ;
- aucune déclaration à la presse avant le communiqué officiel ;
- Hélène centralise toutes les demandes d'interview.

Reposez-vous un peu cette nuit.

Alice

TXT
if diff -u "$WORK/014.want" "$WORK/014.txt" >"$WORK/diff"; then ok; else bad "show 014: $(cat "$WORK/diff")"; fi

# Decoded body text, exactly: mboxrd quoting undone once, QP and charsets decoded.
body() { search --format json show "$(sid "$1")" | python3 -c 'import json,sys; print(json.load(sys.stdin)["body"], end="")'; }
body 203.horizon@$C >"$WORK/203"
grep -qx 'From the campaign office, with thanks' "$WORK/203" && ok || bad "203: >From unquoted: $(cat "$WORK/203")"
body 204.horizon@$C >"$WORK/204"
grep -qx '>From quoted twice' "$WORK/204" && ok || bad "204: >>From unquoted once: $(cat "$WORK/204")"
body 205.horizon@$C >"$WORK/205"
grep -qx 'From Lille to Marseille, the same energy.' "$WORK/205" && grep -qx 'From: nobody' "$WORK/205" &&
    ok || bad "205: mid-paragraph From lines: $(cat "$WORK/205")"
body 202.horizon@$C | grep >/dev/null 'budget prévisionnel' && ok || bad "202: quoted-printable UTF-8 decoded"
body 009.horizon@$C >"$WORK/009"
grep -q 'orchidée' "$WORK/009" && ! grep -q 'scriptonly\|styleonly' "$WORK/009" && ok || bad "009: HTML text: $(cat "$WORK/009")"
expect_eq "009 body source" html "$(search --format ndjson id:009.horizon@$C | python3 -c 'import json,sys; print(json.load(sys.stdin)["body_source"])')"

# The date fallbacks, as show prints them.
expect_eq "Received fallback" "Date         2016-12-15T09:05:00Z (from the Received header)" \
    "$(search show "$(sid 013.horizon@presse-exemple.fr)" | grep '^Date')"
expect_eq "no date" "Date         (none)" "$(search show "$(sid 031.horizon@example.org)" | grep '^Date')"
expect_eq "Received fallback: the sender's clock is unknown" \
    "Sender time  unknown: no Date header (the date is a Received header's)" \
    "$(search show "$(sid 013.horizon@presse-exemple.fr)" | grep '^Sender time')"
expect_eq "no date, no sender time" "" \
    "$(search show "$(sid 031.horizon@example.org)" | grep '^Sender time')"

# Ids: any unique prefix of at least 6 hex digits, or the whole hash.
full=$(search --format ndjson id:014.horizon@$C | python3 -c 'import json,sys; print(json.load(sys.stdin)["sha256"])')
expect_eq "show by full hash" "$(search show "$id")" "$(search show "$full")"
expect_eq "show by 6-digit prefix, upper case" "$(search show "$id")" "$(search show "$(tr a-f A-F <<<"${id:0:6}")")"
expect_status "too short an id" 2 search show "${id:0:5}"
expect_status "not hex" 2 search show zzzzzzzz
expect_status "unknown id" 1 search show 000000000000
expect_status "show without an id" 2 search show

finish
