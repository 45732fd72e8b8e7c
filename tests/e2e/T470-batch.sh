#!/usr/bin/env bash
# T470: batch search: one query per line, a table of hits and verified hits,
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
expect_eq "the line named" "leakdex-search: $WORK/bad.txt:2: malformed query: unbalanced '('" "$(cat "$WORK/err")"

# A malformed line is skipped, the others run: the whole table, the whole
# export, and exit status 2 to say that some line failed.
cat >"$WORK/mixed.txt" <<'TXT'
zeppelin
(unclosed
subjet:budget
"budget prévisionnel"
in:subject budget
nosuchwordanywhere
TXT
search batch "$WORK/mixed.txt" >"$WORK/out" 2>"$WORK/err"
expect_eq "malformed lines: exit 2" 2 $?
expect_eq "malformed lines: the rest of the table" "    HITS VERIFIED  QUERY
       3        0  zeppelin
       2        0  \"budget prévisionnel\"
       0        0  nosuchwordanywhere" "$(cat "$WORK/out")"
expect_eq "malformed lines: each named, with its number" "leakdex-search: $WORK/mixed.txt:2: malformed query: unbalanced '('
leakdex-search: $WORK/mixed.txt:3: malformed query: unknown field 'subjet:' (see --help-query)
leakdex-search: $WORK/mixed.txt:5: malformed query: in: takes attachment or body, not 'subject'" \
    "$(cat "$WORK/err")"
search --export "$WORK/mixed.csv" batch "$WORK/mixed.txt" >/dev/null 2>&1
expect_eq "malformed lines: exit 2 with an export too" 2 $?
expect_eq "malformed lines: the export holds the other lines' hits" "\"budget prévisionnel\":2 zeppelin:3" \
    "$(python3 -c '
import csv, sys, collections
c = collections.Counter(r["query"] for r in csv.DictReader(open(sys.argv[1], newline="")))
print(" ".join("%s:%d" % kv for kv in sorted(c.items())))' "$WORK/mixed.csv")"
expect_eq "malformed lines: no temporary file left" "" "$(ls "$WORK" | grep '\.tmp$')"
search --format csv batch "$WORK/mixed.txt" >"$WORK/out" 2>/dev/null
expect_eq "malformed lines: the CSV table" 'query,hits,verified
zeppelin,3,0
"""budget prévisionnel""",2,0
nosuchwordanywhere,0,0' "$(tr -d '\r' <"$WORK/out")"

# Excel's "CSV UTF-8": a byte-order mark first, CRLF line ends; commas are
# not syntax: a line "Renaud, Claude" looks for the words it holds.
printf '\xef\xbb\xbfzeppelin\r\n# a comment\r\n\r\nzeppelin, Sophie\r\nRenaud, Claude\r\nSophie,zeppelin\r\n' >"$WORK/excel.txt"
expect_status "Excel's file: exit 0" 0 search batch "$WORK/excel.txt"
expect_eq "Excel's file: the BOM removed, commas read as spaces" "    HITS VERIFIED  QUERY
       3        0  zeppelin
       3        0  zeppelin, Sophie
$(printf '%8d %8d' "$(search --count Renaud Claude)" "$(search --count --verified Renaud Claude)")  Renaud, Claude
       3        0  Sophie,zeppelin" "$(cat "$WORK/out")"
expect_eq "the comma query finds what the words find" "$(ids zeppelin Sophie)" "$(ids 'zeppelin, Sophie')"
printf '\xef\xbb\xbf# a comment after a BOM\nzeppelin\n' >"$WORK/bom-comment.txt"
expect_eq "a BOM before a comment: still a comment" "    HITS VERIFIED  QUERY
       3        0  zeppelin" "$(search batch "$WORK/bom-comment.txt")"
search --export "$WORK/excel.ndjson" batch "$WORK/excel.txt" >/dev/null
expect_eq "Excel's file: the export's query without the BOM" '"zeppelin"' \
    "$(head -n 1 "$WORK/excel.ndjson" | python3 -c 'import json,sys; print(json.dumps(json.loads(sys.stdin.readline())["query"]))')"
expect_status "no such file" 2 search batch "$WORK/none.txt"
expect_status "batch --export to JSON is refused" 2 search --export "$WORK/x.json" batch "$WORK/queries.txt"

finish
