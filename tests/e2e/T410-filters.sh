#!/usr/bin/env bash
# T410: the filter options for scripts (--to, --domain, --has-attachment) and
# has:attachment, with the attachment names in every format.
source "$(dirname "$0")/lib.sh"
index_sample

C=campagne-exemple.fr
P=presse-exemple.fr
expect_ids "--to: To and Cc" "006.horizon@$P 022.horizon@$C 114.horizon@$P 302.horizon@$C 305.horizon@$C" \
    --to PRESSE@presse-exemple.fr
expect_ids "--to: Bcc too" "022.horizon@$C" --to alice.martin@campagne-exemple.fr subject:Communiqué
expect_ids "--domain" "008.horizon@mairie-exemple.fr 021.horizon@mairie-exemple.fr 027.horizon@mairie-exemple.fr 101.horizon@mairie-exemple.fr 108.horizon@mairie-exemple.fr 210.horizon@mairie-exemple.fr" \
    --domain mairie-exemple.fr
expect_ids "--domain twice: either" "010.horizon@graphisme.example 018.horizon@example.org 031.horizon@example.org 002.horizon@example.org 024.horizon@example.org 112.horizon@example.org 306.horizon@example.org" \
    --domain graphisme.example --domain example.org
expect_ids "--to and --domain together" "022.horizon@$C 302.horizon@$C 305.horizon@$C" \
    --to presse@presse-exemple.fr --domain campagne-exemple.fr
expect_ids "the campaign sample's one attachment" "026.horizon@$C" --has-attachment
expect_eq "its name" '["visites-avril.csv"]' \
    "$(search --format ndjson has:attachment | python3 -c 'import json,sys; print(json.dumps([a["name"] for a in json.load(sys.stdin)["attachments"]]))')"

# Attachments: the charset set's two RFC 2231 names and the DKIM corpus's PDF.
index --db "$WORK/att" --quiet "$DATA/charsets" "$DATA/dkim" >/dev/null 2>&1
expect_eq "has:attachment, with names" \
    "cs-066@charset.example: été 2018.pdf|cs-067@charset.example: Compte rendu été.pdf|dk-025@dkim.example: horaires-piscine.pdf" \
    "$(search --db "$WORK/att" --format ndjson has:attachment | python3 -c '
import json, sys
print("|".join(sorted("%s: %s" % (h["message_id"], "; ".join(a["name"] for a in h["attachments"])) for h in map(json.loads, sys.stdin))))')"
expect_eq "--has-attachment is has:attachment" 3 "$(search --db "$WORK/att" --count --has-attachment)"
expect_eq "show lists attachments" "Attachment   #1 été 2018.pdf (application/pdf, 142 bytes, sha256 SHA, ok)" \
    "$(search --db "$WORK/att" show "$(search --db "$WORK/att" id:cs-066@charset.example | head -n 1 | cut -c1-12)" | grep '^Attachment' | sed 's/sha256 [0-9a-f]\{64\}/sha256 SHA/')"
expect_eq "CSV attachments column" "#1 Compte rendu été.pdf (application/pdf, 142 bytes, sha256 4878ec192d1ebf20c048d6529c06990dcd2b9b6f932fdfa5a0bc21cda31071fa, ok)" \
    "$(search --db "$WORK/att" --format csv id:cs-067@charset.example | python3 -c 'import csv,sys; print(next(csv.DictReader(sys.stdin))["attachments"])')"
expect_ids "filename: quoted, with spaces and accents" "cs-067@charset.example" --db "$WORK/att" \
    'filename:"Compte rendu été.pdf"'
expect_status "--to needs a value" 2 search --to
expect_status "--domain empty" 2 search --domain ''

finish
