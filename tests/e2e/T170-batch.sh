#!/usr/bin/env bash
# T170: batch search: one query per line, a table of hits and verified hits,
# and an export of every hit with the query that found it.
source "$(dirname "$0")/lib.sh"
index --quiet --keys "$DATA/dkim-keys.txt" "$DATA/eml" "$DATA/maildir" "$DATA/mbox" "$DATA/dkim" \
    >/dev/null 2>&1

cat >"$WORK/queries.txt" <<'TXT'
# people and places to look for
zeppelin
"budget prévisionnel"

from:alice date:2017
Gazette
nosuchwordanywhere
TXT
expect_eq "the table" "    HITS VERIFIED  QUERY
       3        0  zeppelin
       2        0  \"budget prévisionnel\"
       2        0  from:alice date:2017
      $(search --count Gazette | awk '{ printf "%2d", $1 }')       $(search --count --verified Gazette | awk '{ printf "%2d", $1 }')  Gazette
       0        0  nosuchwordanywhere" "$(search batch "$WORK/queries.txt")"
expect_eq "verified hits counted" 1 "$([[ $(search --count --verified Gazette) -gt 0 ]] && echo 1)"
expect_eq "CSV table" 'query,hits,verified
zeppelin,3,0
"""budget prévisionnel""",2,0' "$(search --format csv batch "$WORK/queries.txt" | head -n 3 | tr -d '\r')"

search --export "$WORK/hits.csv" batch "$WORK/queries.txt" >/dev/null
expect_eq "CSV export: every hit with its query" \
    "\"budget prévisionnel\":2 Gazette:$(search --count Gazette) from:alice date:2017:2 zeppelin:3" \
    "$(python3 -c '
import csv, sys, collections
c = collections.Counter(r["query"] for r in csv.DictReader(open(sys.argv[1], newline="")))
print(" ".join("%s:%d" % kv for kv in sorted(c.items())))' "$WORK/hits.csv")"
search --export "$WORK/hits.ndjson" batch "$WORK/queries.txt" >/dev/null
expect_eq "NDJSON export: the query as a key" "zeppelin 007.horizon@campagne-exemple.fr 105.horizon@campagne-exemple.fr 207.horizon@campagne-exemple.fr" \
    "$(python3 -c '
import json, sys
hits = [json.loads(l) for l in open(sys.argv[1])]
print("zeppelin", " ".join(sorted(h["message_id"] for h in hits if h["query"] == "zeppelin")))' "$WORK/hits.ndjson")"
expect_eq "batch exports: each hit's snippet marks its query's words" "zeppelin zeppelin zeppelin" \
    "$(python3 -c '
import json, sys
hits = [json.loads(l) for l in open(sys.argv[1])]
print(" ".join(h["snippet"]["text"][a:b] for h in hits if h["query"] == "zeppelin" for a, b in h["snippet"]["matches"]))' "$WORK/hits.ndjson")"

printf 'zeppelin\n(unclosed\n' >"$WORK/bad.txt"
expect_status "a malformed line: its number, exit 2" 2 search batch "$WORK/bad.txt"
grep -q "bad.txt:2: malformed query: unbalanced '('" "$WORK/err" && ok || bad "line named: $(cat "$WORK/err")"
expect_status "no such file" 2 search batch "$WORK/none.txt"
expect_status "batch --export to JSON is refused" 2 search --export "$WORK/x.json" batch "$WORK/queries.txt"

finish
