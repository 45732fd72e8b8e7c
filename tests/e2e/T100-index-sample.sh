#!/usr/bin/env bash
# T100: indexing all of data/ accounts for every message; a second run adds
# nothing; a grown source adds only what is new.
source "$(dirname "$0")/lib.sh"

index --keys "$DATA/dkim-keys.txt" "$DATA" >"$WORK/out" 2>"$WORK/err"
expect_eq "first run exits 0" 0 $?
expect_eq "the report's totals" \
    "total: 310 messages found: 306 indexed, 4 duplicates, 0 already indexed, 0 skipped; 2 files skipped;" \
    "$(grep '^total:' "$WORK/out" | sed 's/ [0-9.]* s$//')"
expect_eq "dates line" \
    "dates: 1 from the Received header (no usable Date), 2 without any date" \
    "$(grep '^dates:' "$WORK/out")"
row() { awk -v p="$DATA/$1" '$NF == p { print $1, $2, $3, $4, $5, $6, $7 }' "$WORK/out"; }
expect_eq "eml row" "dir 32 32 0 0 0 0" "$(row eml)"
expect_eq "charsets row" "dir 78 78 0 0 0 0" "$(row charsets)"
expect_eq "dkim row: the LF and CRLF copies are one message" "dir 73 72 1 0 0 0" "$(row dkim)"
expect_eq "dkim mbox row" "mbox 5 4 1 0 0 0" "$(row dkim/mbox/signed.mbox)"
expect_eq "dkim line" "dkim: 59 pass (1 with a weak key), 10 fail, 3 nokey, 13 invalid, 221 unsigned" \
    "$(grep '^dkim:' "$WORK/out")"
# Three messages (data/dkim/033-no-key-record.eml and two of the edge cases)
# are signed by selectors no key file has: one line says how to fetch their
# keys and verify them again.
quote() { python3 -c 'import shlex, sys; print(shlex.quote(sys.argv[1]))' "$1"; }
expect_eq "how to get the missing key" \
    "dkim keys: 3 messages are signed with keys that no key file has (nokey): fetch them with leakdex-index --inspect --keys $(quote "$DATA/dkim-keys.txt") --dns --keys-out FILE SOURCE... >/dev/null, then run leakdex-index --db DB --reverify --keys $(quote "$DATA/dkim-keys.txt") --keys FILE" \
    "$(grep '^dkim keys:' "$WORK/out")"
expect_eq "verified line" \
    "verified: 48 (signed by the sender's domain: From, Subject, Date and the whole body), 11 signed in part" \
    "$(grep '^verified:' "$WORK/out")"
expect_eq "threads line" \
    "threads: 278 conversations in 306 messages (2 replies joined by subject alone); 5 messages moved to another thread" \
    "$(grep '^threads:' "$WORK/out")"
expect_eq "chains line" \
    "chains: 6 messages corroborated by verified messages that quote them (not verified themselves), 2 with a mismatch; 9 verified messages quote, 20 pairs compared, 8 documents updated" \
    "$(grep '^chains:' "$WORK/out" | sed 's/; [0-9.]* s$//')"
expect_eq "chains row" "dir 22 22 0 0 0 0" "$(row chains)"
expect_eq "threads row" "dir 25 25 0 0 0 0" "$(row threads)"
expect_eq "fr row" "dir 22 22 0 0 0 0" "$(row fr)"
expect_eq "maildir row" "maildir 17 16 1 0 0 0" "$(row maildir)"
expect_eq "campagne mbox row" "mbox 13 13 0 0 0 0" "$(row mbox/campagne-2016.mbox)"
expect_eq "presse mbox row" "mbox 7 6 1 0 0 0" "$(row mbox/presse.mbox)"
expect_eq "attach row" "dir 15 15 0 0 0 0" "$(row attach)"
expect_eq "attachments line" \
    "attachments: 31 (nested ones included): 16 with text, 0 truncated, 2 stopped by a limit, 1 skipped, 1 failed; 2 identical to one read earlier" \
    "$(grep '^attachments:' "$WORK/out")"
# data/scans/: the demo's scanned letter, an image-only PDF that only OCR
# reads (issue 28); data/dkim/025's 343-byte PDF has fewer than 16
# characters on its page, so it looks scanned too.
expect_eq "the scanned letter is counted, and how to read it" \
    "scanned: 2 attachments look scanned (2 PDF pages without text, 0 images); leakdex-index --ocr reads them" \
    "$(grep '^scanned:' "$WORK/out")"
expect_eq "scans row" "dir 1 1 0 0 0 0" "$(row scans)"
expect_eq "README and the key file are reported, not indexed; damaged and limited attachments too" \
    "leakdex-index: $DATA/README.md: not a mail message (no header block), skipped
leakdex-index: $DATA/attach/12-corrupt-pdf.eml: attachment 1 \"ostrich.pdf\": failed: PDF: PDF document is damaged
leakdex-index: $DATA/attach/13-zip-bomb.eml: attachment 1 \"bomb.zip\": limit: unpacks to more than 100 times its size (a zip bomb?); the rest not read
leakdex-index: $DATA/attach/14-deep-nesting.eml: attachment 7 \"level6.zip\": limit: nested deeper than 6 levels
leakdex-index: $DATA/dkim-keys.txt: not a mail message (no header block), skipped" \
    "$(cat "$WORK/err")"
expect_eq "document count" 306 "$(search --count)"

# The exact duplicate is one document with its three locations.
search --format json id:dup.horizon@campagne-exemple.fr >"$WORK/dup.json"
expect_eq "duplicate: three paths, one of them inside presse.mbox" \
    "3 eml/040.eml|maildir/cur/1480350000.M3P4242Q3.horizon:2,S|mbox/presse.mbox@" \
    "$(python3 - "$WORK/dup.json" "$DATA" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
assert d["total"] == 1, d["total"]
paths = d["hits"][0]["paths"]
names = sorted(p["path"][len(sys.argv[2]) + 1:] + ("@" if "mbox_offset" in p else "") for p in paths)
print(len(paths), "|".join(names))
PY
)"

# A second run over the same sources adds nothing.
index "$DATA" >"$WORK/out2" 2>/dev/null
expect_eq "second run: nothing new" \
    "total: 310 messages found: 0 indexed, 0 duplicates, 310 already indexed, 0 skipped; 2 files skipped;" \
    "$(grep '^total:' "$WORK/out2" | sed 's/ [0-9.]* s$//')"
expect_eq "document count after second run" 306 "$(search --count)"

# A grown source: only the new message is added.
mkdir -p "$WORK/grow"
cp "$DATA/eml/001.eml" "$WORK/grow/a.eml"
index "$WORK/grow" >/dev/null 2>&1
expect_eq "a copy under a new path is a duplicate" 306 "$(search --count)"
printf 'From: new@example.org\nSubject: brand new\nMessage-ID: <new@example.org>\nDate: Mon, 1 May 2017 10:00:00 +0000\n\nfresh words\n' >"$WORK/grow/b.eml"
index "$WORK/grow" >"$WORK/out3" 2>/dev/null
expect_eq "grown source: one more" \
    "total: 2 messages found: 1 indexed, 0 duplicates, 1 already indexed, 0 skipped; 0 files skipped;" \
    "$(grep '^total:' "$WORK/out3" | sed 's/ [0-9.]* s$//')"
expect_eq "document count after growth" 307 "$(search --count)"
expect_eq "001 now lists two paths" 2 \
    "$(search --format json id:001.horizon@campagne-exemple.fr | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["hits"][0]["paths"]))')"

finish
