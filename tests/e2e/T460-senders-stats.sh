#!/usr/bin/env bash
# T460: senders, recipients and stats: exact counts over every match, checked
# against the facts data/README.md lists for the sample and the DKIM corpus.
source "$(dirname "$0")/lib.sh"
index_sample

row() { # the CSV row of one address from `leakdex-search ARGS`
    local addr=$1
    shift
    search --format csv "$@" | python3 -c '
import csv, sys
for r in csv.DictReader(sys.stdin):
    if r["address"] == sys.argv[1]:
        print("|".join([r["names"], r["messages"], r["verified"], r["first"], r["last"]]))' "$addr"
}
expect_eq "Alice Martin: 7 messages, first and last" \
    "Alice Martin|7|0|2009-03-12T09:15:00Z|2017-05-08T20:00:00Z" \
    "$(row alice.martin@campagne-exemple.fr senders)"
expect_eq "Bérénice Lefèvre: 3 messages, the encoded name decoded" \
    "Bérénice Lefèvre|3|0|2014-04-10T12:00:00Z|2016-03-02T15:45:00Z" \
    "$(row b.lefevre@mairie-exemple.fr senders)"
expect_eq "an address-only sender has no name" "|1|0|2012-05-14T06:00:00Z|2012-05-14T06:00:00Z" \
    "$(row benevoles@example.org senders)"
expect_eq "senders of a query" "Alice Martin|1|0|2017-04-24T21:30:00Z|2017-04-24T21:30:00Z" \
    "$(row alice.martin@campagne-exemple.fr senders date:2017-04-24)"
expect_eq "unique senders" 12 "$(search --format json senders | python3 -c 'import json,sys; print(json.load(sys.stdin)["total"])')"
expect_eq "presse@ is a recipient (To or Cc) of 5 messages" "5" \
    "$(row presse@presse-exemple.fr recipients | cut -d'|' -f2)"
expect_eq "senders by address: the first" "alice.martin@campagne-exemple.fr" \
    "$(search --sort address --format ndjson senders | head -n 1 | python3 -c 'import json,sys; print(json.load(sys.stdin)["address"])')"
expect_eq "senders by last message: the latest" "alice.martin@campagne-exemple.fr 2017-05-08T20:00:00Z" \
    "$(search --sort last --format ndjson senders | head -n 1 | python3 -c 'import json,sys; h=json.load(sys.stdin); print(h["address"], h["last"])')"
expect_eq "senders by count: every row counted once" 67 \
    "$(search --format ndjson senders | python3 -c 'import json,sys; print(sum(json.loads(l)["messages"] for l in sys.stdin))')"

search stats >"$WORK/stats"
expect_eq "stats, text" "67 emails from 12 unique senders; 0 verified (signed by the sender's domain, in full), 0 with a DKIM signature that passes
dkim: 0 pass, 0 fail, 0 nokey, 0 invalid, 67 unsigned
verified: 0 yes, 0 signed in part (a signature passes, but not from the sender's domain or not over From, Subject, Date and the whole body)
chains: 0 corroborated (quoted by verified messages; not counted as verified), 0 with a quote that differs
by year: 2009: 5, 2010: 1, 2011: 3, 2012: 3, 2013: 5, 2014: 4, 2015: 7, 2016: 26, 2017: 12, no date: 1
attachments: 1 (one per attached file, nested ones included), 1 with text extracted
top sender domains: campagne-exemple.fr 39, presse-exemple.fr 11, example.org 6, mairie-exemple.fr 6, example.com 4, graphisme.example 1" \
    "$(cat "$WORK/stats")"
expect_eq "stats of a query, JSON" "7 1 {'2009': 1, '2012': 1, '2013': 1, '2016': 2, '2017': 2}" \
    "$(search --format json stats from:alice | python3 -c '
import json, sys
d = json.load(sys.stdin)
print(d["messages"], d["unique_senders"], d["years"])')"

# The DKIM corpus: verified counts per sender and in the summary.
index --db "$WORK/dkim" --keys "$DATA/dkim-keys.txt" "$DATA/dkim" >/dev/null 2>&1
expect_eq "stats with DKIM: verified messages and passing signatures" "76 emails from 7 unique senders; 41 verified (signed by the sender's domain, in full), 50 with a DKIM signature that passes
dkim: 50 pass, 9 fail, 3 nokey, 13 invalid, 1 unsigned
verified: 41 yes, 9 signed in part (a signature passes, but not from the sender's domain or not over From, Subject, Date and the whole body)" \
    "$(search --db "$WORK/dkim" stats | head -n 3)"
expect_eq "--verified senders: only verified mail counts" 41 \
    "$(search --db "$WORK/dkim" --verified --format ndjson senders | python3 -c 'import json,sys; print(sum(json.loads(l)["verified"] for l in sys.stdin))')"

expect_status "senders: bad --sort" 2 search --sort date senders
expect_status "stats: no CSV" 2 search --format csv stats
expect_status "senders of nothing" 1 search senders nosuchwordanywhere
expect_status "senders: malformed query" 2 search senders 'from:'

finish
