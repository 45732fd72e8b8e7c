#!/usr/bin/env bash
# T700: archives as sources, read in place: a zip, tar, tgz, txz and 7z of
# one small leak (.eml files, an mbox, a zip inside) give the messages of
# the same tree unpacked, with the same ids; exact hit sets; locations in
# show, JSON and CSV; --export-dir writes the members' bytes; a second run
# finds the archive unchanged; a truncated zip, an encrypted zip, an office
# file, a hostile member name, a zip bomb and zips nested too deep are
# reported exactly; --reverify reads members back; a gzipped mbox and an
# xz-compressed message are read as one member; the archives are never
# touched.
source "$(dirname "$0")/lib.sh"
G=$WORK/gen
python3 "$LEAKDEX_SRC/tests/tools/gen-archives.py" "$G" || { echo "gen-archives.py failed" >&2; exit 1; }
times_of() { stat -c '%n %X %Y %Z' "$G"/*.zip "$G"/*.tar "$G"/*.tgz "$G"/*.xz "$G"/*.7z "$G"/*.docx; }
# Copies for the steps that read or change one (reading sets the time).
cp "$G/leak.zip" "$WORK/changed.zip"
cp "$G/hostile.zip" "$WORK/hostile-copy.zip"
times_before=$(times_of)

# The tree unpacked: the reference.
index --db "$WORK/tree.db" "$G/tree" >"$WORK/tree.out" 2>"$WORK/tree.err" ||
    { cat "$WORK/tree.out" "$WORK/tree.err" >&2; exit 1; }
shas() { search --db "$1" --format ndjson --limit 100 '*' |
    python3 -c 'import json,sys; print(" ".join(sorted(json.loads(l)["sha256"] for l in sys.stdin if l.strip())))'; }
tree_shas=$(shas "$WORK/tree.db")
expect_eq "the tree: five messages" 5 "$(wc -w <<<"$tree_shas")"

# Each archive gives the same five messages, ids and all.
for a in leak.zip leak.tar leak.tgz leak.tar.xz leak.7z; do
    index --db "$WORK/$a.db" "$G/$a" >"$WORK/$a.out" 2>"$WORK/$a.err"
    expect_eq "$a: exit 0" 0 $?
    expect_eq "$a: the report's line" "archive       5       5         0       0       0      1  $G/$a" \
        "$(grep '^archive' "$WORK/$a.out")"
    expect_eq "$a: the member that is not mail" \
        "leakdex-index: $G/$a!/notes.txt: not a mail message (no header block)" "$(cat "$WORK/$a.err")"
    expect_eq "$a: the ids of the unpacked tree" "$tree_shas" "$(shas "$WORK/$a.db")"
done

# Exact hit sets, in the zip.
export LEAKDEX_DB=$WORK/leak.zip.db
expect_ids "subject" "a@leak.example" subject:zebra
expect_ids "from" "b@leak.example" from:carol@leak.example
expect_ids "to" "a@leak.example m2@leak.example" recipient:bob@leak.example
expect_ids "attachment name" "b@leak.example" attachment:budget
expect_ids "attachment text" "b@leak.example" in:attachment pelican
expect_ids "the mbox's messages" "m1@leak.example m2@leak.example" from:erin@leak.example
expect_ids "the nested zip's message" "c@leak.example" heron
expect_ids "date range" "m1@leak.example m2@leak.example" date:2020-01-01..2020-12-31
expect_ids "date range, 2019" "a@leak.example b@leak.example" date:2019

# Locations: CSV and show (shown form), JSON (path and members).
expect_eq "CSV paths" \
    "a@leak.example $G/leak.zip!/mail/a.eml
b@leak.example $G/leak.zip!/mail/b.eml
c@leak.example $G/leak.zip!/inner.zip!/mail/c.eml
m1@leak.example $G/leak.zip!/box.mbox@0+297
m2@leak.example $G/leak.zip!/box.mbox@298+285" \
    "$(search --format csv --limit 100 '*' | python3 -c '
import csv, sys
for r in sorted(csv.DictReader(sys.stdin), key=lambda r: r["message_id"]):
    print(r["message_id"], r["paths"])')"
expect_eq "JSON paths" \
    '[{"path": "G/leak.zip", "members": ["inner.zip", "mail/c.eml"]}]
[{"path": "G/leak.zip", "members": ["box.mbox"], "mbox_offset": 298, "mbox_length": 285}]' \
    "$(search --format ndjson 'heron OR otter' | python3 -c '
import json, sys
rows = sorted((json.loads(l) for l in sys.stdin if l.strip()), key=lambda h: h["message_id"])
for h in rows:
    print(json.dumps(h["paths"]).replace(sys.argv[1], "G"))' "$G")"
heron=$(search --format ndjson heron | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
expect_eq "show: the path" "Path         $G/leak.zip!/inner.zip!/mail/c.eml" \
    "$(search show "$heron" | grep '^Path')"

# --export-dir: the members' own bytes (the mbox's: the message with its
# "From " line), SHA256SUMS over them.
search --export-dir "$WORK/out" 'zebra OR heron OR otter' >"$WORK/export.out" 2>"$WORK/export.err"
expect_eq "export: exit 0" 0 $?
expect_eq "export: the summary" "copied 3 originals of 3 hits to $WORK/out" "$(cat "$WORK/export.out")"
(cd "$WORK/out" && sha256sum -c --quiet SHA256SUMS) && ok || bad "export: sha256sum -c SHA256SUMS"
expect_eq "export: three files in SHA256SUMS" 3 "$(wc -l <"$WORK/out/SHA256SUMS")"
cmp -s "$WORK/out/"2019-03-04_*.eml "$G/tree/mail/a.eml" && ok || bad "export: a.eml's bytes"
cmp -s "$WORK/out/"2021-07-08_*.eml <(python3 -c '
import sys, zipfile
sys.stdout.buffer.write(zipfile.ZipFile(sys.argv[1]).read("mail/c.eml"))' "$G/tree/inner.zip") && ok ||
    bad "export: the nested zip's c.eml"
cmp -s "$WORK/out/"2020-02-03_*.mbox <(tail -c +299 "$G/tree/box.mbox") && ok ||
    bad "export: the mbox's second message with its From line"
expect_eq "export: the manifest's paths" \
    "$G/leak.zip!/box.mbox@298+285|$G/leak.zip!/inner.zip!/mail/c.eml|$G/leak.zip!/mail/a.eml" \
    "$(python3 -c '
import csv, sys
print("|".join(sorted(r["paths"] for r in csv.DictReader(open(sys.argv[1], newline="")))))' \
        "$WORK/out/manifest.csv")"

# An attachment of a member's message, read back through the archive.
budget=$(search --format ndjson attachment:budget | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
search attachment "$budget" 1 --out "$WORK/budget.txt" >"$WORK/att.out" 2>"$WORK/att.err"
expect_eq "attachment: exit 0" 0 $?
expect_eq "attachment: its bytes" "The pelican line of the budget is 4,200 euros." "$(cat "$WORK/budget.txt")"

# A second run: the archive is unchanged, not read again.
index --db "$WORK/leak.zip.db" "$G/leak.zip" >"$WORK/again.out" 2>"$WORK/again.err"
expect_eq "second run: unchanged" \
    "unchanged: 1 files (5 messages) indexed whole by an earlier run, recognized by path, size and modification time and not read again" \
    "$(grep '^unchanged' "$WORK/again.out")"
expect_eq "second run: the line" "archive       5       0         0       5       0      0  $G/leak.zip" \
    "$(grep '^archive' "$WORK/again.out")"

# A member changed since: the archive rewritten with another a.eml.
index --db "$WORK/changed.db" "$WORK/changed.zip" >/dev/null 2>&1
python3 - "$WORK/changed.zip" <<'PY'
import sys, zipfile
src = zipfile.ZipFile(sys.argv[1])
items = [(i, src.read(i.filename)) for i in src.infolist()]
src.close()
with zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED) as z:
    for info, data in items:
        z.writestr(info, data.replace(b"are final", b"are FINAL") if info.filename == "mail/a.eml" else data)
PY
search --db "$WORK/changed.db" --export-dir "$WORK/out2" zebra >"$WORK/changed.out" 2>"$WORK/changed.err"
zsha=$(search --db "$WORK/changed.db" --format ndjson zebra | python3 -c 'import json,sys; print(json.load(sys.stdin)["sha256"])')
expect_eq "changed member: the note" \
    "leakdex-search: --export-dir: $zsha: original not copied: the bytes there no longer hash to the indexed SHA-256 (1 originals not copied in all)" \
    "$(cat "$WORK/changed.err")"

# --inspect: the same messages, each with its members.
expect_eq "--inspect: locations" \
    "G/leak.zip ['mail/a.eml'] None
G/leak.zip ['mail/b.eml'] None
G/leak.zip ['box.mbox'] 0
G/leak.zip ['box.mbox'] 298
G/leak.zip ['inner.zip', 'mail/c.eml'] None" \
    "$(index --inspect "$G/leak.zip" 2>/dev/null | python3 -c '
import json, sys
for line in sys.stdin:
    if line.startswith("{"):
        d = json.loads(line)
        print(d["path"].replace(sys.argv[1], "G"), d.get("members"), d.get("mbox_offset"))' "$G")"

# --reverify reads every member back; the changed one is said with its location.
index --db "$WORK/leak.zip.db" --reverify --keys "$DATA/dkim-keys.txt" >"$WORK/rv.out" 2>"$WORK/rv.err"
expect_eq "reverify: every member read back" \
    "reverify: 5 documents, 5 verified again (0 verdicts changed), 0 could not be read back (verdict kept)" \
    "$(grep '^reverify' "$WORK/rv.out" | sed 's/; [0-9.]* s$//')"
index --db "$WORK/changed.db" --reverify --keys "$DATA/dkim-keys.txt" >"$WORK/rv2.out" 2>"$WORK/rv2.err"
expect_eq "reverify: the changed member" \
    "leakdex-index: $WORK/changed.zip!/mail/a.eml: cannot re-verify, verdict kept: the bytes there no longer hash to the indexed SHA-256" \
    "$(cat "$WORK/rv2.err")"

# Damage, encryption, an office file, a hostile member name.
index --db "$WORK/odd.db" "$G/truncated.zip" "$G/encrypted.zip" "$G/report.docx" "$G/hostile.zip" \
    >"$WORK/odd.out" 2>"$WORK/odd.err"
expect_eq "odd: exit 0" 0 $?
expect_eq "odd: the warnings" \
    "leakdex-index: $G/encrypted.zip!/secret.eml: encrypted archive member: a password is needed
leakdex-index: $G/report.docx: no mail inside
leakdex-index: $G/truncated.zip: damaged archive: the rest not read: e.eml: Truncated ZIP file data" \
    "$(sort "$WORK/odd.err")"
expect_eq "odd: the report" \
    "archive       1       1         0       0       0      1  $G/truncated.zip
          skipped 1: damaged archive: the rest not read
archive       0       0         0       0       0      1  $G/encrypted.zip
          skipped 1: encrypted archive member: a password is needed
archive       0       0         0       0       0      1  $G/report.docx
          skipped 1: no mail inside
archive       1       1         0       0       0      0  $G/hostile.zip" \
    "$(sed -n '/^kind/,/^(files/p' "$WORK/odd.out" | sed '1d;$d')"
# Limits: a zip bomb stops at the ratio, after the message before it; zips
# nested past six are not opened.
index --db "$WORK/limits.db" "$G/bomb.zip" "$G/deep.zip" >"$WORK/limits.out" 2>"$WORK/limits.err"
expect_eq "limits: exit 0" 0 $?
expect_eq "limits: the warnings" \
    "leakdex-index: $G/bomb.zip: archive unpacking past 100 times its size (a zip bomb?): the rest not read
leakdex-index: $G/deep.zip!/l1.zip!/l2.zip!/l3.zip!/l4.zip!/l5.zip!/l6.zip: archive nested too deep, not opened" \
    "$(cat "$WORK/limits.err")"
expect_ids "limits: the message before the bomb" "h@leak.example" --db "$WORK/limits.db" '*'
expect_ids "truncated: the member before the cut" "d@leak.example" --db "$WORK/odd.db" from:gina@leak.example
expect_eq "hostile name: shown escaped" "$G/hostile.zip!/odd%25name%09x%0A.eml" \
    "$(search --db "$WORK/odd.db" --format csv subject:hostile | python3 -c 'import csv,sys; print(next(csv.DictReader(sys.stdin))["paths"])')"
expect_eq "hostile name: JSON has the name" '["odd%name\tx\n.eml"]' \
    "$(search --db "$WORK/odd.db" --format ndjson subject:hostile | python3 -c 'import json,sys; print(json.dumps(json.load(sys.stdin)["paths"][0]["members"]))')"
search --db "$WORK/odd.db" --export-dir "$WORK/out3" subject:hostile >/dev/null 2>"$WORK/out3.err"
expect_eq "hostile name: exported" "" "$(cat "$WORK/out3.err")"
cmp -s "$WORK/out3/"2020-04-13_*.eml <(python3 -c '
import sys, zipfile
sys.stdout.buffer.write(zipfile.ZipFile(sys.argv[1]).read("odd%name\tx\n.eml"))' "$WORK/hostile-copy.zip") && ok ||
    bad "hostile name: the exported bytes"
# The truncated and encrypted ones are read again next time (not recorded).
index --db "$WORK/odd.db" "$G/truncated.zip" "$G/encrypted.zip" >"$WORK/odd2.out" 2>&1
expect_eq "odd: read again" "" "$(grep '^unchanged' "$WORK/odd2.out")"

# One compressed file: an mbox gzipped, a message xz-compressed, a text
# bzip2-compressed; its one member is "data". A cut gzip is damage.
Z=$WORK/compressed
mkdir -p "$Z"
gzip -9n <"$G/tree/box.mbox" >"$Z/list.mbox.gz"
xz -c <"$G/tree/mail/a.eml" >"$Z/a.eml.xz"
bzip2 -c <"$G/tree/notes.txt" >"$Z/notes.txt.bz2"
head -c 100 "$Z/list.mbox.gz" >"$Z/cut.mbox.gz"
ztimes=$(stat -c '%n %X %Y %Z' "$Z"/*)
index --db "$WORK/z.db" "$Z" >"$WORK/z.out" 2>"$WORK/z.err"
expect_eq "compressed: exit 0" 0 $?
expect_eq "compressed: the report" \
    "archive       1       1         0       0       0      0  $Z/a.eml.xz
archive       0       0         0       0       0      1  $Z/cut.mbox.gz
          skipped 1: damaged archive: the rest not read
archive       2       2         0       0       0      0  $Z/list.mbox.gz
archive       0       0         0       0       0      1  $Z/notes.txt.bz2
          skipped 1: no mail inside" \
    "$(sed -n '/^kind/,/^(files/p' "$WORK/z.out" | sed '1d;$d')"
expect_eq "compressed: the warnings" \
    "leakdex-index: $Z/cut.mbox.gz: damaged archive: the rest not read: truncated gzip input
leakdex-index: $Z/notes.txt.bz2: no mail inside" "$(sort "$WORK/z.err")"
expect_ids "compressed: the mbox's and the message's" \
    "a@leak.example m1@leak.example m2@leak.example" --db "$WORK/z.db" '*'
expect_eq "compressed: the mbox member's location" "$Z/list.mbox.gz!/data@298+285" \
    "$(search --db "$WORK/z.db" --format csv subject:otter | python3 -c 'import csv,sys; print(next(csv.DictReader(sys.stdin))["paths"])')"
search --db "$WORK/z.db" --export-dir "$WORK/zout" subject:zebra >/dev/null
cmp -s "$WORK/zout/"2019-03-04_*.eml "$G/tree/mail/a.eml" && ok || bad "compressed: the exported bytes"
expect_eq "compressed: untouched" "$ztimes" "$(stat -c '%n %X %Y %Z' "$Z"/*)"

expect_eq "the archives untouched (atime, mtime, ctime)" "$times_before" "$(times_of)"
finish
