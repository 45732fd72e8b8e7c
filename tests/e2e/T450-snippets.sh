#!/usr/bin/env bash
# T450: snippets: the text around the matched words, accents kept, matches
# marked (ranges in JSON, bold on a terminal), found through folding and
# stems as the search itself.
source "$(dirname "$0")/lib.sh"
index --quiet "$DATA/charsets" >/dev/null 2>&1

marked() { # the matched words of each hit's snippet, per message id
    search --format ndjson "$@" | python3 -c '
import json, sys
for l in sys.stdin:
    h = json.loads(l)
    s = h["snippet"]
    print(h["message_id"], "|".join(s["text"][a:b] for a, b in s["matches"]))' | sort
}
expect_eq "accents folded in the search, kept in the snippet" \
    "cs-071@charset.example Élysée|Élysée|Élysée
cs-072@charset.example ELYSEE|ELYSEE
cs-073@charset.example elysée|elysée" "$(marked elysee)"
expect_eq "stems mark the inflected word" "cs-074@charset.example candidats" "$(marked candidat)"
expect_eq "CJK text has a snippet" "1" \
    "$(search --format ndjson 北京 | python3 -c 'import json,sys; h=json.loads(sys.stdin.readline()); print(int("北京" in h["snippet"]["text"]))')"

expect_eq "NOT word: no words to show, no snippet line" 1 "$(search --limit 1 NOT elysee | wc -l)"

# Text: a second line with the snippet when the query has words.
expect_eq "text: two lines a hit" 2 "$(search candidat | wc -l)"
search candidat | sed -n 2p | grep >/dev/null '^    .*candidats' && ok || bad "snippet line: $(search candidat)"
expect_eq "text: no snippet for an id" 1 "$(search id:cs-074@charset.example | wc -l)"
# Bold on a terminal (script gives the searcher one).
script -qec "$LEAKDEX_SEARCH --db $LEAKDEX_DB candidat" /dev/null | grep >/dev/null $'\e\[1mcandidats\e\[0m' && ok ||
    bad "bold on a terminal"
expect_eq "CSV snippet column" 1 \
    "$(search --format csv candidat | python3 -c 'import csv,sys; print(int("candidats" in next(csv.DictReader(sys.stdin))["snippet"]))')"

finish
