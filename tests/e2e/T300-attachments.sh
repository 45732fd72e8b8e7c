#!/usr/bin/env bash
# T300: attachments (data/attach, see data/README.md): the text of every
# document type is found, with the message and on its own; damaged files and
# limits are recorded and reported; every format lists attachments; one can
# be written back from the original.
source "$(dirname "$0")/lib.sh"

A=attach.example
index "$DATA/attach" >"$WORK/out" 2>"$WORK/err"
expect_eq "indexing exits 0" 0 $?
expect_eq "every message indexed" "dir 15 15 0 0 0 0" \
    "$(awk -v p="$DATA/attach" '$NF == p { print $1, $2, $3, $4, $5, $6, $7 }' "$WORK/out")"
expect_eq "the attachments in the report" \
    "attachments: 26 (nested ones included): 15 with text, 0 truncated, 2 stopped by a limit, 1 skipped, 1 failed; 1 identical to one read earlier
          1: failed: PDF: PDF document is damaged
          1: limit: unpacks to more than 100 times its size (a zip bomb?); the rest not read
          1: limit: nested deeper than 6 levels" \
    "$(sed -n '/^attachments:/,/^dkim:/p' "$WORK/out" | grep -v '^dkim:')"
expect_eq "the damaged PDF and the limits are reported with the path" \
    "leakdex-index: $DATA/attach/12-corrupt-pdf.eml: attachment 1 \"ostrich.pdf\": failed: PDF: PDF document is damaged
leakdex-index: $DATA/attach/13-zip-bomb.eml: attachment 1 \"bomb.zip\": limit: unpacks to more than 100 times its size (a zip bomb?); the rest not read
leakdex-index: $DATA/attach/14-deep-nesting.eml: attachment 7 \"level6.zip\": limit: nested deeper than 6 levels" \
    "$(cat "$WORK/err")"

# Each document's sentence finds exactly its message.
expect_ids "PDF (and the message carrying the identical PDF)" "at-01@$A at-15@$A" \
    '"The marmalade contract was signed in Quimper on Tuesday"'
expect_ids "DOCX" "at-02@$A" '"Les cormorans du canal votent à bulletin secret"'
expect_ids "XLSX" "at-03@$A" '"Subvention exceptionnelle pour le carillon municipal"'
expect_ids "ODT" "at-04@$A" '"The accordion fund paid for the parade floats"'
expect_ids "RTF (\\'hh bytes and \\u characters)" "at-05@$A" '"Le pangolin de la préfecture a mangé les archives"'
expect_ids "RTF: the font table is not text" "" fontonly
expect_ids "HTML" "at-06@$A" '"Les lampions de la kermesse restent allumés"'
expect_ids "legacy DOC (catdoc)" "at-07@$A" '"The tractor cooperative meets every second Thursday"'
expect_ids "a DOCX inside a ZIP" "at-08@$A" '"Le funiculaire de Montmartre ferme en août"'
expect_ids "a forwarded message's text" "at-09@$A" '"Inner note about the tapestry auction in Lyon"'
expect_ids "the forwarded message's own PDF" "at-09@$A" '"The gondola invoice is overdue since March"'
expect_ids "a file inside winmail.dat" "at-10@$A" '"Les mandarines du marché couvert sont arrivées"'
expect_ids "winmail.dat's own text" "at-10@$A" '"The walrus memo travels inside winmail"'
expect_ids "a PDF sent as application/octet-stream" "at-11@$A" '"The xylophone budget doubled this year"'
expect_ids "the damaged PDF's message is still indexed" "at-12@$A" '"damaged file about the ostrich farm"'
expect_ids "nothing past the zip bomb's limit is read" "" '"never read"'
expect_ids "nothing nested past the depth limit is read" "" hibou
expect_ids "the text of members above the limit is" "at-08@$A" '"Rapport sur le transport"'

# Where the words are.
expect_ids "free text: body and attachments" "at-01@$A at-15@$A" marmalade
expect_ids "in:attachment" "at-01@$A at-15@$A" in:attachment marmalade
expect_ids "in:body" "at-15@$A" in:body marmalade
expect_ids "in:body, a word only in an attachment" "" in:body quimper
expect_ids "in:attachment, a word only in a body" "" in:attachment ostrich
expect_ids "in:attachment with a phrase and a field" "at-09@$A" 'in:attachment "gondola invoice" subject:tapestry'
expect_status "in: with another value" 2 search in:subject marmalade
expect_status "in:body and in:attachment together" 2 search in:body in:attachment marmalade

# File names, types.
expect_ids "attachment: a word of the name" "at-01@$A at-15@$A" attachment:contrat
expect_ids "attachment: a word of a member's path" "at-08@$A" attachment:funiculaire
expect_ids "filename: exact" "at-01@$A" filename:contrat.pdf
expect_ids "filename: any ASCII case, quoted with a space" "at-03@$A" 'filename:"Budget 2018.XLSX"'
expect_ids "filename: not a part of a name" "" filename:contrat
expect_ids "mimetype: declared or sniffed" "at-01@$A at-09@$A at-11@$A at-12@$A at-15@$A" mimetype:application/pdf
expect_ids "mimetype: declared only" "at-11@$A" mimetype:application/octet-stream
expect_ids "filetype:pdf (from the content)" "at-01@$A at-09@$A at-11@$A at-12@$A at-15@$A" filetype:pdf
expect_ids "filetype:docx, in a ZIP too" "at-02@$A at-08@$A" filetype:docx
expect_ids "filetype:xlsx" "at-03@$A" filetype:xlsx
expect_ids "filetype:odt" "at-04@$A" filetype:odt
expect_ids "filetype:rtf" "at-05@$A" filetype:rtf
expect_ids "filetype:doc" "at-07@$A" filetype:doc
expect_ids "filetype:eml" "at-09@$A" filetype:eml
expect_ids "filetype:tnef" "at-10@$A" filetype:tnef
expect_ids "filetype:image (the inline logo)" "at-06@$A" filetype:image
expect_ids "filetype:zip" "at-08@$A at-13@$A at-14@$A" filetype:zip
expect_eq "has:attachment" 15 "$(search --count has:attachment)"

# Formats: each attachment with name, types, size, SHA-256, status.
expect_eq "JSON: the ZIP and its members" \
    '[[1, 0, "rapport.zip", "application/zip", "application/zip", "ok", 0], [2, 1, "rapport/funiculaire.docx", "", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "ok", 54], [3, 1, "rapport/lisez-moi.txt", "", "text/plain", "ok", 26]]' \
    "$(search --format json filetype:zip attachment:rapport | python3 -c '
import json, sys
h = json.load(sys.stdin)["hits"][0]
print(json.dumps([[a["n"], a["parent"], a["name"], a["type"], a["sniffed_type"], a["status"], a["text_bytes"]] for a in h["attachments"]]))')"
expect_eq "NDJSON: the damaged PDF's status" '"failed: PDF: PDF document is damaged" 330' \
    "$(search --format ndjson ostrich | python3 -c '
import json, sys
a = json.loads(sys.stdin.readline())["attachments"][0]
print(json.dumps(a["status"]), a["size"])')"
sha_docx=$(search --format ndjson cormorans | python3 -c 'import json,sys; print(json.loads(sys.stdin.readline())["attachments"][0]["sha256"])')
expect_eq "the SHA-256 is the file's" \
    "$(python3 -c '
import email, hashlib, sys
m = email.message_from_binary_file(open(sys.argv[1], "rb"))
print(hashlib.sha256([p for p in m.walk() if p.get_filename()][0].get_payload(decode=True)).hexdigest())' "$DATA/attach/02-docx.eml")" \
    "$sha_docx"
expect_eq "CSV: one cell, every attachment" \
    "#1 winmail.dat (application/ms-tnef, content application/vnd.ms-tnef, 218 bytes, sha256 79a24a2fffc282f557ec12fd0ea5515a25a16c750e0598ff701816506a3490a1, ok); #2 in #1 mandarines.txt (text/plain, 49 bytes, sha256 212352fbc091de506a03b6cb23f1d707a8b343c0351d88fe147f2e500453ff85, ok)" \
    "$(search --format csv filetype:tnef | python3 -c 'import csv,sys; print(next(csv.DictReader(sys.stdin))["attachments"])')"
id11=$(search --format ndjson xylophone | python3 -c 'import json,sys; print(json.loads(sys.stdin.readline())["id"])')
expect_eq "show: one line per attachment" \
    "Attachment   #1 scan.bin (application/octet-stream, content application/pdf, 647 bytes, sha256 $(search --format ndjson xylophone | python3 -c 'import json,sys; print(json.loads(sys.stdin.readline())["attachments"][0]["sha256"])'), ok)" \
    "$(search show "$id11" | grep '^Attachment')"

# Text hit lines name each attachment by its number and file name; types,
# sizes, hashes and statuses are for show and the exports.
expect_eq "text: one line per attachment under the hit, its name" \
    "d28752398ef9  2018-03-08 10:00  none       Archives Test  Rapport zippé
    attachment #1 rapport.zip
    attachment #2 rapport/funiculaire.docx
    attachment #3 rapport/lisez-moi.txt
    [in rapport/funiculaire.docx] Rapport Le funiculaire de Montmartre ferme en août" \
    "$(search funiculaire)"
expect_eq "text: an unnamed attachment by its type" \
    "    attachment #1 (unnamed message/rfc822)
    attachment #2 gondola.pdf" "$(search gondola | grep '^    attachment')"

# A hit found in an attachment's text shows its snippet from that text,
# naming the attachment; the body's words come first.
expect_eq "a PDF's text" "    [in contrat.pdf] The marmalade contract was signed in Quimper on Tuesday" \
    "$(search marmalade | grep -A2 'Contrat en PDF' | tail -n 1)"
expect_eq "a body that has the word: its snippet" "    … second copy of the marmalade contract, for the archive" \
    "$(search marmalade | grep -A2 'Contrat, encore' | tail -n 1)"
expect_eq "in:attachment: the attachment's text first, though the body has the word" \
    "    [in contrat-copie.pdf] The marmalade contract was signed in Quimper on Tuesday" \
    "$(search in:attachment marmalade | grep -A2 'Contrat, encore' | tail -n 1)"
expect_eq "in:body: the body's" "    … second copy of the marmalade contract, for the archive" \
    "$(search in:body marmalade | tail -n 1)"
expect_eq "a file inside winmail.dat" "    [in mandarines.txt] Les mandarines du marché couvert sont arrivées" \
    "$(search mandarines | tail -n 1)"
expect_eq "JSON: the text, the match, the attachment's number" \
    '{"text": "[in contrat.pdf] The marmalade contract was signed in Quimper on Tuesday", "matches": [[21, 30]], "attachment": 1} marmalade' \
    "$(search --format ndjson at-01 OR marmalade | python3 -c '
import json, sys
for l in sys.stdin:
    h = json.loads(l)
    if h["message_id"] == "at-01@attach.example":
        s = h["snippet"]
        print(json.dumps(s, ensure_ascii=False), s["text"][s["matches"][0][0]:s["matches"][0][1]])')"
expect_eq "JSON: a body snippet names no attachment" "null" \
    "$(search --format ndjson id:at-15@attach.example marmalade | python3 -c 'import json,sys; print(json.dumps(json.loads(sys.stdin.readline())["snippet"]["attachment"]))')"
expect_eq "CSV export: the same snippet" "[in contrat.pdf] The marmalade contract was signed in Quimper on Tuesday" \
    "$(search --export "$WORK/m.csv" id:at-01@attach.example marmalade >/dev/null &&
        python3 -c 'import csv,sys; print(next(csv.DictReader(open(sys.argv[1], newline="")))["snippet"])' "$WORK/m.csv")"
script -qec "$LEAKDEX_SEARCH --db $LEAKDEX_DB pangolin" /dev/null | grep >/dev/null $'\[in note.rtf\] Le \e\[1mpangolin\e\[0m de la' && ok ||
    bad "bold on a terminal, past the attachment's name"

# Long texts: the snippet around the first match deep in a file; past the
# part kept for snippets (128 KiB a file, 512 KiB a message) the hit is
# still found, and shows the start of its subject and body.
mkdir -p "$WORK/long"
python3 - "$WORK/long" <<'PY'
import base64, os, sys
def msg(name, subject, body, atts):
    b = "==b=="
    parts = [f"From: Archives Test <archives@attach.example>\nTo: x@attach.example\n"
             f"Subject: {subject}\nDate: Mon, 02 Apr 2018 10:00:00 +0000\n"
             f"Message-ID: <{name}@attach.example>\nMIME-Version: 1.0\n"
             f"Content-Type: multipart/mixed; boundary=\"{b}\"\n\n--{b}\n"
             f"Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n{body}\n"]
    for fn, text in atts:
        data = base64.encodebytes(text.encode()).decode()
        parts.append(f"--{b}\nContent-Type: text/plain; charset=utf-8\n"
                     f"Content-Disposition: attachment; filename=\"{fn}\"\n"
                     f"Content-Transfer-Encoding: base64\n\n{data}")
    parts.append(f"--{b}--\n")
    open(os.path.join(sys.argv[1], name + ".eml"), "w", encoding="utf-8").write("".join(parts))
filler = "".join(f"Ligne {i} du relevé : rien à signaler ce jour-là.\n" for i in range(1, 301))
msg("long", "Relevés du trimestre", "Les relevés sont en pièce jointe.",
    [("notes.txt", "Rien ici.\n"),
     ("budget 2017.txt", filler + "La subvention ornithorynque passe à 12 000 € en 2018, votée en conseil.\n" + filler)])
big = "x" * 60 + " "
big = big * ((140 << 10) // len(big) + 1)
msg("past", "Archive lourde", "Le fichier est joint.", [("gros.txt", big + "zorglub est là.\n")])
msg("many", "Cinq fichiers", "Cinq fichiers joints.",
    [(f"f{i}.txt", big[:128 << 10] + f"marsupilami {i}\n" if i < 5 else "marsupilami 5\n") for i in range(1, 6)])
PY
index --quiet --db "$WORK/longdb" "$WORK/long" >/dev/null 2>&1
expect_eq "deep in a long file: the words around the first match" \
    "    [in budget 2017.txt] … jour-là. La subvention ornithorynque passe à 12 000 € en 2018, votée en conseil. Ligne 1 du relevé : rien à signaler ce jour-là. Ligne 2 du relevé : rien à signaler ce jour-là. Ligne 3 du relevé : rien à signaler ce jour-là …" \
    "$(search --db "$WORK/longdb" ornithorynque | tail -n 1)"
expect_eq "past a file's 128 KiB: found, the body's start shown" \
    "    attachment #1 gros.txt
    Archive lourde Le fichier est joint" "$(search --db "$WORK/longdb" zorglub | tail -n 2)"
expect_eq "past a message's 512 KiB: found, the body's start shown" "    Cinq fichiers Cinq fichiers joints" \
    "$(search --db "$WORK/longdb" marsupilami | tail -n 1)"
expect_eq "a filter-only query reads no attachment text" "    attachment #2 budget 2017.txt" \
    "$(search --db "$WORK/longdb" id:long@attach.example | tail -n 1)"

# stats counts every attachment file, nested ones included.
expect_eq "stats" "attachments: 26 (one per attached file, nested ones included), 15 with text extracted" \
    "$(search stats | grep '^attachments:')"
expect_eq "stats JSON" "26 15" \
    "$(search --format json stats | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["attachments"], d["attachments_with_text"])')"

# --inspect: the first part of each text.
expect_eq "--inspect shows the extracted text" \
    '"Le pangolin de la préfecture a mangé les archives.\nSigné: la préfecture — fin.\n"' \
    "$(index --inspect "$DATA/attach/05-rtf.eml" | python3 -c 'import json,sys; print(json.dumps(json.load(sys.stdin)["attachment_files"][0]["text"], ensure_ascii=False))')"

# attachment ID N --out FILE: the original bytes, from the source.
id08=$(search --format ndjson funiculaire | python3 -c 'import json,sys; print(json.loads(sys.stdin.readline())["id"])')
expect_status "attachment: a member of a ZIP" 0 search attachment "$id08" 2 --out "$WORK/f.docx"
expect_eq "its bytes" "$(search --format ndjson funiculaire | python3 -c 'import json,sys; print(json.loads(sys.stdin.readline())["attachments"][1]["sha256"])')" \
    "$(sha256sum "$WORK/f.docx" | cut -c1-64)"
before=$(sha256sum <"$WORK/f.docx")
expect_status "attachment: never over an existing file" 2 search attachment "$id08" 1 --out "$WORK/f.docx"
expect_eq "the existing file is untouched" "$before" "$(sha256sum <"$WORK/f.docx")"
expect_status "attachment: no such number" 1 search attachment "$id08" 4 --out "$WORK/none"
expect_status "attachment: not a number" 2 search attachment "$id08" x --out "$WORK/none"
expect_status "attachment: --out is needed" 2 search attachment "$id08" 1
expect_status "--out only with attachment" 2 search --out "$WORK/none" marmalade
expect_eq "nothing written on failure" "no" "$([[ -e $WORK/none ]] && echo yes || echo no)"
id09=$(search --format ndjson tapestry | python3 -c 'import json,sys; print(json.loads(sys.stdin.readline())["id"])')
expect_status "attachment: the forwarded message's PDF" 0 search attachment "$id09" 2 --out "$WORK/g.pdf"
expect_eq "it is a PDF" "%PDF-1.4" "$(head -c 8 "$WORK/g.pdf")"
cp "$DATA/attach/02-docx.eml" "$WORK/moved.eml"
index --db "$WORK/moved" "$WORK/moved.eml" >/dev/null 2>&1
printf 'changed\n' >>"$WORK/moved.eml"
idm=$(search --db "$WORK/moved" --format ndjson | python3 -c 'import json,sys; print(json.loads(sys.stdin.readline())["id"])')
expect_status "attachment: an original that changed is refused" 2 \
    search --db "$WORK/moved" attachment "$idm" 1 --out "$WORK/changed.docx"

# Limits, each an option.
status_of() { # the status of attachment N of the only message in --inspect output
    python3 -c 'import json,sys; print(json.load(sys.stdin)["attachment_files"][int(sys.argv[1]) - 1]["status"])' "$1"
}
expect_eq "--attach-max-bytes" "limit: larger than 100 bytes" \
    "$(index --inspect --attach-max-bytes 100 "$DATA/attach/01-pdf.eml" | status_of 1)"
expect_eq "--attach-max-text" "truncated 10" \
    "$(index --inspect --attach-max-text 10 "$DATA/attach/01-pdf.eml" | python3 -c 'import json,sys; a=json.load(sys.stdin)["attachment_files"][0]; print(a["status"], a["text_bytes"])')"
expect_eq "--attach-max-depth" "limit: nested deeper than 2 levels" \
    "$(index --inspect --attach-max-depth 2 "$DATA/attach/14-deep-nesting.eml" | status_of 3)"
expect_eq "--attach-max-members" "limit: members past 1 not read" \
    "$(index --inspect --attach-max-members 1 "$DATA/attach/08-zip-docx.eml" | status_of 1)"
expect_eq "--attach-max-ratio" "limit: unpacks to more than 2 times its size (a zip bomb?); the rest not read" \
    "$(index --inspect --attach-max-ratio 2 "$DATA/attach/13-zip-bomb.eml" | status_of 1)"
expect_status "a limit must be a positive number" 2 index --inspect --attach-timeout 0 "$DATA/attach/01-pdf.eml"
start=$(date +%s)
LEAKDEX_EXTRACT_HELPER=$HERE/sleepy-helper.sh index --db "$WORK/slow" --attach-timeout 1 \
    "$DATA/attach/01-pdf.eml" "$DATA/attach/05-rtf.eml" >"$WORK/slow.out" 2>"$WORK/slow.err"
expect_eq "--attach-timeout: a helper that hangs is stopped" \
    "leakdex-index: $DATA/attach/01-pdf.eml: attachment 1 \"contrat.pdf\": failed: extraction took longer than 1 s" \
    "$(cat "$WORK/slow.err")"
expect_eq "... within the limit" yes "$( (( $(date +%s) - start < 10 )) && echo yes || echo no)"
expect_eq "... and indexing goes on" 2 "$(search --db "$WORK/slow" --count)"
expect_ids "... the other message's attachment is read" "at-05@$A" --db "$WORK/slow" pangolin
expect_eq "a helper that crashes" "failed: the extractor crashed (signal 11)" \
    "$(LEAKDEX_EXTRACT_HELPER=$HERE/crashing-helper.sh index --inspect "$DATA/attach/11-octet-pdf.eml" | status_of 1)"

finish
