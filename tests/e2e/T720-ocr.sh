#!/usr/bin/env bash
# T720: scanned attachments read by OCR (issue 28). tests/tools/make-scans
# renders known French and English sentences into a PNG letter, a two-page
# TIFF, a photographed JPEG page, an image-only PDF, a PDF with a text
# layer (and a stamp drawn under it), a logo, an icon and a receipt, and
# one message per file (ocr-N@scan.example; ocr-8 attaches the receipt
# twice, ocr-9 the letter again under another name). Each file's
# distinctive words are found in exactly its messages with --ocr, not
# without; the text layer is read either way and never OCRed; the report
# counts the scans; ocr:yes and ocr:pending are exact; --ocr on an index
# made without it reads only the pending messages and gives the index a
# first run with --ocr gives; a helper that crashes on a scan is a status
# on that attachment.
source "$(dirname "$0")/lib.sh"
S=$WORK/scans
M=$WORK/mail
/usr/bin/python3 "$LEAKDEX_SRC/tests/tools/make-scans" "$S" --eml "$M" >/dev/null ||
    { echo "make-scans failed" >&2; exit 1; }

# run NAME ARGS...: leakdex-index ARGS, its report in $WORK/NAME.out.
run() {
    local name=$1
    shift
    if ! index "$@" >"$WORK/$name.out" 2>"$WORK/$name.err"; then
        cat "$WORK/$name.out" "$WORK/$name.err" >&2
        echo "leakdex-index $* failed" >&2
        exit 1
    fi
}
# The report's line on scans, its seconds left out.
scans_line() { grep '^scanned:\|^ocr:' "$1" | sed 's/ in [0-9.]* s;/ in S s;/'; }

run plain --db "$WORK/plain" "$M"
run ocr --db "$WORK/ocr" --ocr "$M"

scanned=(ocr-1@scan.example ocr-2@scan.example ocr-3@scan.example ocr-4@scan.example
    ocr-8@scan.example ocr-9@scan.example)

# ---------------------------------------------------------------- the report
# Five distinct scans (the letter's copy in ocr-9 and the receipt's second
# copy are read once): four images and the invoice's one page; the logo
# and the icon are too small; the text-layer PDF is no scan.
expect_eq "without --ocr: the scans counted, and how to read them" \
    "scanned: 5 attachments look scanned (1 PDF page without text, 4 images); leakdex-index --ocr reads them" \
    "$(scans_line "$WORK/plain.out")"
ocr_line=$(scans_line "$WORK/ocr.out")
expect_eq "with --ocr: what OCR read (its mean confidence aside)" \
    "ocr: 5 attachments read by OCR (6 pages, mean confidence C %, fra+eng) in S s; 0 failed, 2 skipped (too small)" \
    "$(sed 's/confidence [0-9]* %/confidence C %/' <<<"$ocr_line")"
conf=$(sed -n 's/.*mean confidence \([0-9]*\) %.*/\1/p' <<<"$ocr_line")
expect_eq "... a mean confidence of printed pages" yes "$( ((conf >= 70 && conf <= 100)) && echo yes || echo no)"
expect_eq "identical files read once" \
    "attachments: 10 (nested ones included): 8 with text, 0 truncated, 0 stopped by a limit, 2 skipped, 0 failed; 2 identical to one read earlier" \
    "$(grep '^attachments:' "$WORK/ocr.out")"
expect_eq "without --ocr: only the text layer has text" \
    "attachments: 10 (nested ones included): 1 with text, 0 truncated, 0 stopped by a limit, 2 skipped, 0 failed; 2 identical to one read earlier" \
    "$(grep '^attachments:' "$WORK/plain.out")"
expect_eq "no warnings" "" "$(cat "$WORK/plain.err" "$WORK/ocr.err")"

# ------------------------------------------------------------------ the words
# Each page's words, how they may be found (ocr, always, never) and the
# messages that hold them, from the manifest.
python3 - "$S/manifest.json" >"$WORK/words" <<'EOF'
import json, sys
m = json.load(open(sys.argv[1], encoding="utf-8"))
for p in m["pages"]:
    for w in p["words"]:
        print("%s\t%s\t%s\t%s" % (w, p["found"], p["file"], " ".join(sorted(p["messages"]))))
EOF
[[ -s $WORK/words ]] && ok || bad "the manifest lists no words"
while IFS=$'\t' read -r word found file msgs; do
    case $found in
    ocr) with=$msgs without= ;;
    always) with=$msgs without=$msgs ;;
    *) with= without= ;;
    esac
    expect_ids "--ocr: $word ($file)" "$with" --db "$WORK/ocr" "$word"
    expect_ids "--ocr: in:attachment $word" "$with" --db "$WORK/ocr" in:attachment "$word"
    expect_ids "without --ocr: $word ($file)" "$without" --db "$WORK/plain" "$word"
done <"$WORK/words"

# ------------------------------------------------------- statuses and terms
expect_ids "ocr:pending without --ocr" "${scanned[*]}" --db "$WORK/plain" ocr:pending
expect_ids "ocr:yes without --ocr: none" "" --db "$WORK/plain" ocr:yes
expect_ids "ocr:yes with --ocr" "${scanned[*]}" --db "$WORK/ocr" ocr:yes
expect_ids "ocr:pending with --ocr: none" "" --db "$WORK/ocr" ocr:pending
expect_ids "filetype:image ocr:yes" "ocr-1@scan.example ocr-2@scan.example ocr-3@scan.example ocr-8@scan.example ocr-9@scan.example" \
    --db "$WORK/ocr" filetype:image ocr:yes

# sid DB MESSAGE-ID: the id show takes.
sid() { search --db "$1" --format ndjson "id:$2" | python3 -c 'import json,sys; print(json.loads(sys.stdin.readline())["id"])'; }
# attachments DB MESSAGE-ID: show's attachment lines, the confidence aside.
attachments() {
    search --db "$1" show "$(sid "$1" "$2")" | grep '^Attachment' |
        sed 's/sha256 [0-9a-f]*/sha256 H/; s/confidence [0-9]* %/confidence C %/'
}
expect_eq "show: the letter, read by OCR" \
    "Attachment   #1 letter.png (image/png, $(stat -c %s "$S/letter.png") bytes, sha256 H, text read by OCR (fra+eng, mean confidence C %, 1 page))" \
    "$(attachments "$WORK/ocr" ocr-1@scan.example)"
expect_eq "show: the minutes, two pages" \
    "Attachment   #1 minutes.tiff (image/tiff, $(stat -c %s "$S/minutes.tiff") bytes, sha256 H, text read by OCR (fra+eng, mean confidence C %, 2 pages))" \
    "$(attachments "$WORK/ocr" ocr-2@scan.example)"
expect_eq "show: the letter, looks scanned" \
    "Attachment   #1 letter.png (image/png, $(stat -c %s "$S/letter.png") bytes, sha256 H, scanned: an image of 1748×2480 pixels)" \
    "$(attachments "$WORK/plain" ocr-1@scan.example)"
expect_eq "show: the invoice, looks scanned" \
    "Attachment   #1 invoice.pdf (application/pdf, $(stat -c %s "$S/invoice.pdf") bytes, sha256 H, scanned: no text layer on 1 of 1 pages)" \
    "$(attachments "$WORK/plain" ocr-4@scan.example)"
for db in plain ocr; do
    expect_eq "$db: the text-layer PDF is not OCRed" \
        "Attachment   #1 text-layer.pdf (application/pdf, $(stat -c %s "$S/text-layer.pdf") bytes, sha256 H, ok)" \
        "$(attachments "$WORK/$db" ocr-5@scan.example)"
    expect_eq "$db: the logo is skipped with its reason" \
        "Attachment   #1 logo.png (image/png, $(stat -c %s "$S/logo.png") bytes, sha256 H, skipped: no text in image: 120×40 pixels, too small to hold text)" \
        "$(attachments "$WORK/$db" ocr-6@scan.example)"
done
# JSON: the ocr fields, as the data line holds them.
json_ocr() {
    search --db "$1" --format json show "$(sid "$1" "$2")" | python3 -c '
import json, sys
for a in json.load(sys.stdin)["attachments"]:
    print(a["status"], a["ocr_language"], a["ocr_pages"], a["ocr_confidence"] is None)'
}
expect_eq "JSON: read by OCR" "ocr fra+eng 2 False" "$(json_ocr "$WORK/ocr" ocr-2@scan.example)"
expect_eq "JSON: not read by OCR" "ok  None True" "$(json_ocr "$WORK/ocr" ocr-5@scan.example)"

# ------------------------------------------- --ocr on an index made without
cp -a "$WORK/plain" "$WORK/later"
run later --db "$WORK/later" --ocr
expect_eq "--ocr alone: the pending messages read again" \
    "ocr pending: 6 documents with scans not yet read, 6 read again, 0 could not be read back, 0 could not be parsed (left pending)" \
    "$(grep '^ocr pending:' "$WORK/later.out" | sed 's/; [0-9.]* s$//')"
expect_eq "--ocr alone: what OCR read, as a first run with --ocr (the logo and icon not pending)" \
    "${ocr_line/2 skipped/0 skipped}" "$(scans_line "$WORK/later.out")"
expect_ids "... nothing left pending" "" --db "$WORK/later" ocr:pending
expect_ids "... ocr:yes as the first run" "${scanned[*]}" --db "$WORK/later" ocr:yes
while IFS=$'\t' read -r word found file msgs; do
    expect_eq "--ocr alone: $word as the first run" "$(ids --db "$WORK/ocr" "$word")" \
        "$(ids --db "$WORK/later" "$word")"
done <"$WORK/words"
# Every document as the first run with --ocr wrote it: terms (wdf,
# positions), values and data; and the stem table.
dump_docs() {
    local n
    n=$(xapian-delve "$1" | sed -n 's/^number of documents = //p')
    for ((i = 1; i <= n; i++)); do xapian-delve -1 -vv -d -V -r "$i" "$1"; done | sed "s|$1|DB|g"
    "$LEAKDEX_BUILD/tests/dump-metadata" "$1" leakdex.stem.
}
dump_docs "$WORK/ocr" >"$WORK/ocr.dump"
dump_docs "$WORK/later" >"$WORK/later.dump"
expect_eq "--ocr alone: the index a first run with --ocr makes" "" \
    "$(diff "$WORK/ocr.dump" "$WORK/later.dump" | head -n 20)"
# ... and the messages without scans are as the run without --ocr left them.
# (make-scans's messages are indexed in name order: ocr-N is document N.)
# A term's frequency counts the other documents too: each term with its
# wdf only.
doc_dump() {
    xapian-delve -1 -v -d -V -r "$2" "$1" | sed "s|$1|DB|g" | python3 -c '
import re, sys
terms = False
for line in sys.stdin:
    if line.startswith("Term List for record"):
        terms = True
    elif not line.startswith(" ") and not re.match(r".* [0-9]+ [0-9]+$", line):
        terms = False
    if terms:
        line = re.sub(r" ([0-9]+) [0-9]+$", r" \1", line)
    sys.stdout.write(line)'
}
for n in 5 6 7; do
    expect_eq "ocr-$n unchanged by --ocr" "$(doc_dump "$WORK/plain" "$n")" "$(doc_dump "$WORK/later" "$n")"
done
expect_ids "a phrase of OCR text, its positions as the first run's" "ocr-1@scan.example ocr-9@scan.example" \
    --db "$WORK/later" '"zygomorphe du jardin"'
run again --db "$WORK/later" --ocr
expect_eq "--ocr again: nothing pending" \
    "ocr pending: 0 documents with scans not yet read, 0 read again, 0 could not be read back, 0 could not be parsed (left pending)" \
    "$(grep '^ocr pending:' "$WORK/again.out" | sed 's/; [0-9.]* s$//')"

# ------------------------------------------------------------ faults, options
# A helper that crashes on OCR (the rest read by the indexer itself): the
# scan's status says so, its message is indexed.
real_index=$(sed -n 's/^exec env .* \(\/[^ ]*\) "\$@"$/\1/p' "$LEAKDEX_INDEX")
[[ -x $real_index ]] || real_index=$LEAKDEX_INDEX
cat >"$WORK/crash-on-ocr.sh" <<EOF
#!/bin/sh
case "\$2" in ocr-*) kill -SEGV \$\$ ;; esac
exec "$real_index" --extract-helper "\$2"
EOF
chmod +x "$WORK/crash-on-ocr.sh"
LEAKDEX_EXTRACT_HELPER=$WORK/crash-on-ocr.sh run crash --db "$WORK/crash" --ocr "$M/ocr-1.eml" "$M/ocr-5.eml"
expect_eq "a crash in OCR: a status on that attachment" \
    "Attachment   #1 letter.png (image/png, $(stat -c %s "$S/letter.png") bytes, sha256 H, failed: OCR: the extractor crashed (signal 11))" \
    "$(attachments "$WORK/crash" ocr-1@scan.example)"
expect_eq "... its message indexed, the other read" 2 "$(search --db "$WORK/crash" --count)"
expect_eq "... counted" "ocr: 0 attachments read by OCR (0 pages, fra+eng) in S s; 1 failed, 0 skipped (too small)" \
    "$(scans_line "$WORK/crash.out")"

expect_status "--ocr-lang without --ocr" 2 index --db "$WORK/x" --ocr-lang fra "$M"
expect_eq "... says so" "leakdex-index: --ocr-lang and --ocr-timeout go with --ocr (try --help)" "$(cat "$WORK/err")"
expect_status "--ocr-lang: a language without data" 2 index --db "$WORK/x" --ocr --ocr-lang fra+xyz "$M"
expect_eq "... names its package" \
    "leakdex-index: --ocr-lang: no language data for 'xyz' in ${TESSDATA_PREFIX:-/usr/share/tesseract-ocr/5/tessdata} (install tesseract-ocr-xyz)" \
    "$(cat "$WORK/err")"
expect_status "--ocr-lang: not a language list" 2 index --db "$WORK/x" --ocr --ocr-lang "fra eng" "$M"
expect_status "--ocr-timeout 0" 2 index --db "$WORK/x" --ocr --ocr-timeout 0 "$M"
expect_eq "... nothing written" no "$([[ -e $WORK/x ]] && echo yes || echo no)"

finish
