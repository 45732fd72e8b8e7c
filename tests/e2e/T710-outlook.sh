#!/usr/bin/env bash
# T710: Outlook items indexed: generated .msg files (tests/tools/msg, built
# into BUILD/msg-fixtures) and, when ../shared/outlook is there, its PST
# and .msg files: exact report lines, hit sets, DKIM none with its reason,
# locations in show/JSON/CSV, --export-dir of the converted .eml, a second
# run unchanged, the same ids inside a zip, truncated stores reported, the
# sources untouched.
source "$(dirname "$0")/lib.sh"
FIX=${LEAKDEX_BUILD:?run through ctest}/msg-fixtures
REASON="converted by Outlook: the signed bytes are gone"
[[ -f "$FIX/attachments.msg" ]] || { echo "no $FIX/attachments.msg: build the msg-fixtures target" >&2; exit 1; }
M=$WORK/msg
mkdir "$M"
cp "$FIX"/attachments.msg "$FIX"/copy.msg "$FIX"/twin-ansi.msg "$FIX"/twin-unicode.msg "$M"/
cp "$LEAKDEX_SRC/tests/tools/msg/copy.eml" "$WORK/copy.eml"
zipped() { python3 -c '
import sys, zipfile
with zipfile.ZipFile(sys.argv[1], "w") as z:
    for p in sys.argv[2:]:
        z.write(p, "in/" + p.rsplit("/", 1)[1])' "$@"; }
zipped "$WORK/msg.zip" "$M"/*.msg
times_of() { stat -c '%n %X %Y %Z' "$M"/*.msg "$WORK/msg.zip" "$WORK/copy.eml"; }
times_before=$(times_of)

# The generated .msg files: three messages (the twins are one item).
index --db "$WORK/msg.db" "$M" "$WORK/copy.eml" >"$WORK/msg.out" 2>"$WORK/msg.err"
expect_eq "msg: exit 0" 0 $?
expect_eq "msg: no warning" "" "$(cat "$WORK/msg.err")"
expect_eq "msg: the report's lines" \
    "dir           4       3         1       0       0      0  $M
file          1       1         0       0       0      0  $WORK/copy.eml" \
    "$(sed -n '/^kind/,/^(files/p' "$WORK/msg.out" | sed '1d;$d')"
expect_eq "msg: no not-mail line" "" "$(grep '^not mail' "$WORK/msg.out")"
expect_eq "msg: DKIM line" "dkim: 0 pass (0 with a weak key), 0 fail, 0 nokey, 0 invalid, 4 unsigned" \
    "$(grep '^dkim:' "$WORK/msg.out")"
export LEAKDEX_DB=$WORK/msg.db
B=budget-2017@campagne-exemple.fr
T=twin@example.org
L=lyon-cr@campagne-exemple.fr
expect_ids "subject" "$B" subject:budget
expect_ids "from" "$B" from:camille.roche@campagne-exemple.fr
expect_ids "to" "$B" recipient:presse@presse-exemple.fr
expect_ids "cc" "$B" recipient:ines.dubois@mairie-exemple.fr
expect_ids "attachment name" "$B" attachment:logo
expect_ids "attachment file name, exact" "$B" filename:notes-réunion.txt
expect_ids "attachment text" "$B" in:attachment moissonneuse
expect_ids "the embedded message's words" "$B" escarboucle
expect_ids "body" "$B" girouette
expect_ids "accents, from the ANSI twin too" "$T" crème
expect_ids "dates, 2016" "$T" date:2016
expect_ids "dates, a range" "$B $L $L" date:2017-01-01..2017-03-31
expect_ids "verdict none" "$B $L $L $T" dkim:none
expect_ids "converted: not verified" "" verified:yes
csv_of() { search --format csv --limit 100 "$@" | python3 -c '
import csv, sys
for r in sorted(csv.DictReader(sys.stdin), key=lambda r: (r["message_id"], r["paths"])):
    print(r["message_id"], r["dkim"], r["verified_reason"] or "-", r["converted"] or "-",
          r["converter"] or "-", r["paths"])'; }
expect_eq "CSV: converted, reason, locations (the twins: one document, two locations)" \
    "$B none $REASON msg leakdex-outlook/1 $M/attachments.msg
$L none - - - $WORK/copy.eml
$L none $REASON msg leakdex-outlook/1 $M/copy.msg
$T none $REASON msg leakdex-outlook/1 $M/twin-ansi.msg; $M/twin-unicode.msg" "$(csv_of '*')"
copy_eml=$(search --format ndjson subject:lyon | python3 -c '
import json, sys
for l in sys.stdin:
    h = json.loads(l)
    if not h["converted"]: print(h["sha256"])')
copy_msg=$(search --format ndjson subject:lyon | python3 -c '
import json, sys
for l in sys.stdin:
    h = json.loads(l)
    if h["converted"]: print(h["sha256"], " ".join(h["copies"]), " ".join(h["conflicts"]) or "-")')
expect_eq "the .eml and its .msg: copies, not conflicts" "${copy_msg%% *} $copy_eml -" "$copy_msg"
show_b=$(search show "$(search --format ndjson subject:budget | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')")
expect_eq "show: the reason" "Verified     no: $REASON" "$(grep '^Verified' <<<"$show_b")"
expect_eq "show: converted" "Converted    msg
Converter    leakdex-outlook/1" "$(grep '^Convert' <<<"$show_b")"
expect_eq "show: the attachments" \
    "Attachment   #1 notes-réunion.txt (text/plain, 59 bytes, sha256 cd4b4ca4ff29b1b52abaa2fcda5e83fe1c130019f3bb36d719ad2b1fab9a831a, ok)
Attachment   #2 logo.png (image/png, 69 bytes, sha256 c9b27a65dd17d8157b51d36d36b54305ec13cea89152ba0e24b5465eb3cbb0c7, skipped: no text in image: 1×1 pixels, too small to hold text)
Attachment   #3 (unnamed message/rfc822) (message/rfc822, 454 bytes, sha256 c4842ccc1d753ba14a2cdb75500d8257fd7de690fb26550d134d454ce09897b1, ok)" \
    "$(grep '^Attachment' <<<"$show_b")"

# --export-dir: the converted .eml files, covered by SHA256SUMS.
search --export-dir "$WORK/out" '*' >"$WORK/out.log" 2>&1
expect_eq "export: exit 0" 0 $?
expect_eq "export: SHA256SUMS checks" "OK OK OK OK" \
    "$(cd "$WORK/out" && sha256sum -c SHA256SUMS | sed 's/.*: //' | tr '\n' ' ' | sed 's/ $//')"
expect_eq "export: the manifest says converted" "- msg msg msg" \
    "$(python3 -c '
import csv, sys
print(" ".join(sorted(r["converted"] or "-" for r in csv.DictReader(open(sys.argv[1])))))' "$WORK/out/manifest.csv")"
expect_eq "export: the .eml says what it came from" "X-Leakdex-Converted: msg" \
    "$(grep -h -m1 '^X-Leakdex-Converted' "$WORK"/out/2017-03-14_*.eml | tr -d '\r')"

# The web's original download: the same .eml, its header the SHA-256 of
# the bytes sent (not the identity).
bid=$(search --format ndjson subject:budget | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
web_start --db "$WORK/msg.db" --listen 127.0.0.1:0
curl -s -D "$WORK/h.orig" -o "$WORK/orig.eml" "$WEB_URL/api/original/$bid"
cmp -s "$WORK/orig.eml" "$WORK"/out/2017-03-14_*.eml && ok || bad "web: the original is the exported .eml"
expect_eq "web: X-Leakdex-SHA256 is of the bytes" "$(sha256sum <"$WORK/orig.eml" | cut -d' ' -f1)" \
    "$(grep -i '^x-leakdex-sha256' "$WORK/h.orig" | tr -d '\r' | sed 's/^[^:]*: //')"
web_stop

# A second run: every file unchanged.
index --db "$WORK/msg.db" "$M" "$WORK/copy.eml" >"$WORK/msg2.out" 2>&1
expect_eq "second run: unchanged" \
    "unchanged: 5 files (5 messages) indexed whole by an earlier run, recognized by path, size and modification time and not read again" \
    "$(grep '^unchanged' "$WORK/msg2.out")"
# --reverify keeps none, with the reason.
: >"$WORK/keys.txt"
index --db "$WORK/msg.db" --reverify --keys "$WORK/keys.txt" >"$WORK/rev.out" 2>&1
expect_eq "reverify: read back" \
    "reverify: 4 documents, 4 verified again (0 verdicts changed), 0 could not be read back (verdict kept)" \
    "$(grep '^reverify' "$WORK/rev.out" | sed 's/; [0-9.]* s$//')"
expect_ids "reverify: still none" "$B $L $L $T" dkim:none
expect_eq "reverify: the reason kept" "$B none $REASON msg leakdex-outlook/1 $M/attachments.msg" \
    "$(csv_of subject:budget)"

# The same .msg files inside a zip: the same ids.
shas() { search --db "$1" --format ndjson --limit 100 "$2" |
    python3 -c 'import json,sys; print(" ".join(sorted(json.loads(l)["sha256"] for l in sys.stdin if l.strip())))'; }
index --db "$WORK/zip.db" "$WORK/msg.zip" >"$WORK/zip.out" 2>&1
expect_eq "zip: the report's line" "archive       4       3         1       0       0      0  $WORK/msg.zip" \
    "$(grep '^archive' "$WORK/zip.out")"
expect_eq "zip: the ids of the loose files" \
    "$(search --db "$WORK/msg.db" --format ndjson '*' | python3 -c '
import json, sys
print(" ".join(sorted(h["sha256"] for h in map(json.loads, sys.stdin) if h["converted"])))')" \
    "$(shas "$WORK/zip.db" '*')"
expect_eq "zip: the location" "$WORK/msg.zip!/in/attachments.msg" \
    "$(LEAKDEX_DB=$WORK/zip.db csv_of subject:budget | awk '{print $NF}')"
search --db "$WORK/zip.db" --export-dir "$WORK/zout" subject:budget >/dev/null 2>&1
cmp -s "$WORK"/zout/2017-03-14_*.eml "$WORK"/out/2017-03-14_*.eml && ok ||
    bad "zip: the exported .eml is the loose file's"
expect_eq "the generated sources untouched (atime, mtime, ctime)" "$times_before" "$(times_of)"

# --inspect shows the converted item: its location, converted, converter, identity.
expect_eq "inspect: converted" \
    "$M/attachments.msg msg leakdex-outlook/1 $(search --db "$WORK/msg.db" --format ndjson subject:budget | python3 -c 'import json,sys; print(json.load(sys.stdin)["sha256"])') none $REASON" \
    "$(index --inspect "$M/attachments.msg" 2>/dev/null | python3 -c '
import json, sys
h = json.load(sys.stdin)
print(h["path"], h["converted"], h["converter"], h["sha256"], h["dkim"]["verdict"], h["dkim"]["verified_reason"])')"
# An OLE2 file that is not an Outlook message (a Word file): not mail.
mkdir "$WORK/doc"
cp "$LEAKDEX_SRC/tests/tools/attach-assets/tracteur.doc" "$WORK/doc/"
index --db "$WORK/doc.db" "$WORK/doc" >"$WORK/doc.out" 2>"$WORK/doc.err"
expect_eq "a .doc: exit 0" 0 $?
expect_eq "a .doc: the warning" \
    "leakdex-index: $WORK/doc/tracteur.doc: not mail (an OLE2 file that is not an Outlook message): an OLE2 file without Outlook message properties" \
    "$(cat "$WORK/doc.err")"
expect_eq "a .doc: the report's lines" \
    "dir           0       0         0       0       0      1  $WORK/doc
          skipped 1: not mail (an OLE2 file that is not an Outlook message)" \
    "$(sed -n '/^kind/,/^(files/p' "$WORK/doc.out" | sed '1d;$d')"

# The shared Outlook files.
O=${LEAKDEX_OUTLOOK:-$LEAKDEX_SRC/../shared/outlook}
if [[ ! -f "$O/msgInMsg.pst" ]]; then
    echo "SKIP: ../shared/outlook is absent"
    finish
    exit $?
fi
S=$WORK/shared
mkdir "$S"
cp "$O"/*.pst "$O"/*.msg "$S"/
head -c 4096 "$O/msgInMsg.pst" >"$WORK/cut4096.pst"
head -c 70000 "$O/msgInMsg.pst" >"$WORK/cut70000.pst"
zipped "$WORK/outlook.zip" "$S/msgInMsg.pst" "$S/qwerty_3.msg"
times_of() { stat -c '%n %X %Y %Z' "$S"/* "$WORK"/cut*.pst "$WORK/outlook.zip"; }
times_before=$(times_of)
TOP="Outlook データ ファイルのトップ"
index --db "$WORK/o.db" "$S" "$WORK/cut4096.pst" "$WORK/cut70000.pst" >"$WORK/o.out" 2>"$WORK/o.err"
expect_eq "outlook: exit 0" 0 $?
expect_eq "outlook: the warnings" \
    "leakdex-index: $WORK/cut4096.pst: Outlook store that cannot be read: the store has no root folder
leakdex-index: $WORK/cut70000.pst: Outlook store that cannot be read: the store cannot be opened: invalid name to id map strings data
leakdex-index: $S/Swetlana Novikova.msg: not mail: 1 contact
leakdex-index: $S/contact-plain.msg: not mail: 1 contact
leakdex-index: $S/contact-unicode.msg: not mail: 1 contact
leakdex-index: $S/note.msg: not mail: 1 note" \
    "$(LC_ALL=C sort "$WORK/o.err")"
expect_eq "outlook: the report's lines" \
    "dir           4       3         1       0       0      4  $S
          skipped 3: not mail: contact
          skipped 1: not mail: note
pst           1       1         0       0       0      0  $S/200 recipients.pst
pst           1       1         0       0       0      0  $S/attachAndInline.pst
pst           1       1         0       0       0      0  $S/msgInMsg.pst
pst           0       0         0       0       0      1  $WORK/cut4096.pst
          skipped 1: Outlook store that cannot be read
pst           0       0         0       0       0      1  $WORK/cut70000.pst
          skipped 1: Outlook store that cannot be read" \
    "$(sed -n '/^kind/,/^(files/p' "$WORK/o.out" | sed '1d;$d')"
expect_eq "outlook: the run's not-mail line" \
    "not mail: 3 contacts, 1 note (Outlook items counted by kind, not indexed)" \
    "$(grep '^not mail' "$WORK/o.out")"
expect_eq "outlook: the dates line (five items dated by their delivery time)" \
    "dates: 0 from the Received header (no usable Date), 0 without any date, 5 from an Outlook item's delivery or creation time (it had no submit time)" \
    "$(grep '^dates' "$WORK/o.out")"
export LEAKDEX_DB=$WORK/o.db
subjects() { search --format ndjson --limit 100 "$@" | python3 -c '
import json, sys
print(" | ".join(sorted(json.loads(l)["subject"] for l in sys.stdin if l.strip())))'; }
expect_eq "outlook: every item" \
    "200 recipients | Attach and inline | BlammoBlammo | I have attachments! | qwerty | qwerty" "$(subjects '*')"
expect_eq "subject" "Attach and inline" "$(subjects subject:inline)"
expect_eq "from (test_Blammo)" "BlammoBlammo" "$(subjects from:triplenickel@mapi32.net)"
expect_eq "to: the 200th recipient" "200 recipients" "$(subjects recipient:xmailuser200@xmailserver.test)"
expect_eq "cc (qwerty_2/3)" "qwerty" "$(subjects recipient:johnno@nowhere.com)"
expect_eq "qwerty_2 and qwerty_3: one identity, one document with two locations" \
    "$S/qwerty_2-with_custom_properties.msg; $S/qwerty_3.msg" \
    "$(search --format csv recipient:johnno@nowhere.com | python3 -c 'import csv,sys; print("|".join(r["paths"] for r in csv.DictReader(sys.stdin)))')"
expect_eq "attachment names" "Attach and inline" "$(subjects filename:attach.png)"
expect_eq "attachment names, inline" "Attach and inline" "$(subjects filename:image001.png)"
expect_eq "attachment names, msgInMsg" "I have attachments!" "$(subjects filename:green.png)"
expect_eq "dates" "200 recipients | Attach and inline" "$(subjects date:2021)"
expect_eq "dates, a day" "I have attachments!" "$(subjects date:2020-09-10)"
expect_eq "date sources: the Outlook times said" \
    "200 recipients delivery|Attach and inline delivery|BlammoBlammo header|I have attachments! delivery|qwerty delivery|qwerty delivery" \
    "$(search --format csv --limit 100 '*' | python3 -c '
import csv, sys
print("|".join(r["subject"] + " " + r["date_source"] for r in sorted(csv.DictReader(sys.stdin), key=lambda r: (r["subject"], r["date"]))))')"
q3=$(search --format ndjson recipient:johnno@nowhere.com | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
expect_eq "show: qwerty_3's date, sender time and the recipient without an address" \
    "Date         2006-11-03T00:58:26Z (from the Outlook item's delivery time)
Sender time  unknown: an Outlook item keeps its times in UTC only
To           asdf
Cc           Johnathan <johnno@nowhere.com>" \
    "$(search show "$q3" | grep -E '^(Date|Sender time|To|Cc) ')"
expect_eq "to: a recipient without an address (qwerty_1, qwerty_2/3)" "qwerty | qwerty" "$(subjects to:asdf)"
expect_eq "verdict none for all" \
    "200 recipients | Attach and inline | BlammoBlammo | I have attachments! | qwerty | qwerty" \
    "$(subjects dkim:none)"
expect_eq "CSV: the PST locations" \
    "200 recipients pst $S/200 recipients.pst!/$TOP/#2097188
Attach and inline pst $S/attachAndInline.pst!/$TOP/#2097188
I have attachments! pst $S/msgInMsg.pst!/$TOP/#2097188" \
    "$(search --format csv --limit 100 '*' | python3 -c '
import csv, sys
for r in sorted(csv.DictReader(sys.stdin), key=lambda r: r["subject"]):
    if r["converted"] == "pst": print(r["subject"], r["converted"], r["paths"])')"
expect_eq "JSON: folder and item" "{\"path\": \"$S/attachAndInline.pst\", \"folder\": \"/$TOP\", \"item\": 2097188}" \
    "$(search --format ndjson subject:inline | python3 -c 'import json,sys; print(json.dumps(json.load(sys.stdin)["paths"][0], ensure_ascii=False))')"
show_a=$(search show "$(search --format ndjson subject:inline | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')")
expect_eq "show: the location and the reason" \
    "Verified     no: $REASON
Path         $S/attachAndInline.pst!/$TOP/#2097188
Converted    pst" "$(grep '^Verified\|^Path\|^Converted' <<<"$show_a")"
aid=$(search --format ndjson subject:inline | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
search attachment "$aid" 1 --out "$WORK/attach.png" >/dev/null 2>&1
expect_eq "attachment: attach.png read back from the store" \
    "a2c7da16d971c5056e2f93f9d21ee1463c9ea617cf3420c0ed6d1f510c11f74b" "$(sha256sum <"$WORK/attach.png" | cut -d' ' -f1)"
search --export-dir "$WORK/oout" '*' >/dev/null 2>&1
expect_eq "outlook export: SHA256SUMS checks" "6" \
    "$(cd "$WORK/oout" && sha256sum -c SHA256SUMS | grep -c ': OK$')"
expect_eq "outlook export: the .eml of a PST item" "X-Leakdex-Converted: pst item #2097188" \
    "$(grep -h -m1 '^X-Leakdex-Converted' "$WORK"/oout/2021-07-27_*.eml | tr -d '\r')"

# A PST and a .msg inside a zip: the same ids as the loose files.
index --db "$WORK/oz.db" "$WORK/outlook.zip" >"$WORK/oz.out" 2>&1
expect_eq "outlook zip: the report's line" "archive       2       2         0       0       0      0  $WORK/outlook.zip" \
    "$(grep '^archive' "$WORK/oz.out")"
expect_eq "outlook zip: the ids" \
    "$( (shas "$WORK/o.db" filename:green.png; shas "$WORK/o.db" recipient:johnno@nowhere.com) |
        tr ' ' '\n' | sort | tr '\n' ' ' | sed 's/ $//')" "$(shas "$WORK/oz.db" '*')"
expect_eq "outlook zip: the PST item's location" \
    "$WORK/outlook.zip!/in/msgInMsg.pst!/$TOP/#2097188" \
    "$(search --db "$WORK/oz.db" --format csv subject:attachments | python3 -c 'import csv,sys; print(next(csv.DictReader(sys.stdin))["paths"])')"
# A second run: unchanged, the damaged stores read again.
index --db "$WORK/o.db" "$S" "$WORK/cut4096.pst" "$WORK/cut70000.pst" >"$WORK/o2.out" 2>&1
expect_eq "outlook second run: unchanged" \
    "unchanged: 11 files (7 messages) indexed whole by an earlier run, recognized by path, size and modification time and not read again" \
    "$(grep '^unchanged' "$WORK/o2.out")"
expect_eq "the shared copies untouched (atime, mtime, ctime)" "$times_before" "$(times_of)"
finish
