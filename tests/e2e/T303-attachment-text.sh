#!/usr/bin/env bash
# T303: attachment-text ID N: an attachment's text as the index keeps it
# (the excerpts behind snippets), in text and JSON; cut text says so; an
# unknown id or number exits like `attachment`.
source "$(dirname "$0")/lib.sh"
A=$DATA/attach
index --quiet "$A" >"$WORK/index.out" 2>&1 || { cat "$WORK/index.out" >&2; exit 1; }
index --quiet --db "$WORK/cut" --attach-max-text 10 "$A" >"$WORK/cut.out" 2>&1 ||
    { cat "$WORK/cut.out" >&2; exit 1; }

# id_of NAME [SEARCH-OPTION...]: the id of the message with an attachment named NAME.
id_of() {
    local name=$1
    shift
    search "$@" --format ndjson has:attachment | python3 -c '
import json, sys
for l in sys.stdin:
    h = json.loads(l)
    if any(a["name"] == sys.argv[1] for a in h["attachments"]):
        print(h["id"])' "$name"
}
pdf=$(id_of contrat.pdf | head -n 1)
zip=$(id_of rapport.zip)
png=$(id_of logo.png)

expect_eq "text: a PDF's text" "The marmalade contract was signed in Quimper on Tuesday." \
    "$(search attachment-text "$pdf" 1)"
expect_eq "JSON: a file inside a zip" \
    "{\"version\":1,\"id\":\"$zip\",\"n\":3,\"name\":\"rapport/lisez-moi.txt\",\"status\":\"ok\",\"text\":\"Rapport sur le transport.\\n\",\"truncated\":false}" \
    "$(search --format json attachment-text "$zip" 3)"
expect_eq "JSON: an image has no text" \
    "{\"version\":1,\"id\":\"$png\",\"n\":2,\"name\":\"logo.png\",\"status\":\"skipped: no text in image: 1×1 pixels, too small to hold text\",\"text\":\"\",\"truncated\":false}" \
    "$(search --format json attachment-text "$png" 2)"
cut=$(id_of contrat.pdf --db "$WORK/cut" | head -n 1)
expect_eq "JSON: text cut at --attach-max-text" \
    "{\"version\":1,\"id\":\"$cut\",\"n\":1,\"name\":\"contrat.pdf\",\"status\":\"truncated\",\"text\":\"The marmal\",\"truncated\":true}" \
    "$(search --db "$WORK/cut" --format json attachment-text "$cut" 1)"

expect_status "no attachment 9: exit 1" 1 search attachment-text "$pdf" 9
expect_eq "no attachment 9: the line" "leakdex-search: message $pdf has no attachment 9" "$(cat "$WORK/err")"
expect_status "an unknown id: exit 1" 1 search attachment-text ffffffffffff 1
expect_status "number 0 refused" 2 search attachment-text "$pdf" 0
expect_status "CSV refused" 2 search --format csv attachment-text "$pdf" 1
expect_status "one argument refused" 2 search attachment-text "$pdf"

finish
