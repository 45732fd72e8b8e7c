#!/usr/bin/env bash
# T530: no escape reaches the terminal. Messages carry ESC]52 (writes the
# clipboard), ESC[2J (clears the screen), a CSI as the one character U+009B,
# an OSC as U+009D, BEL and a right-to-left override (U+202E, Trojan-source
# spoofing) in a subject, a sender's name, a recipient's name, a body and an
# attachment's file name, and a literal Ctrl-C inside <> of two addresses;
# the source files' names carry some too. Every text output of both
# programs (the report and the warnings, search, show, thread, senders,
# recipients, stats, batch, the attachment command, CSV on standard output,
# the error messages) shows each as a visible escape (\x1b, \u009b,
# \u202e), exactly, and holds no C0 byte but newline and tab, no DEL, no C1
# and no override; JSON and the export files keep the exact text. The
# addresses lose their Ctrl-C for indexing and listing; show prints the
# header as written under them.
source "$(dirname "$0")/lib.sh"

# The programs under a memory limit and a time limit (the sanitizer build
# reserves terabytes of address space: its runs get the time limit alone).
real_index=$(sed -n 's/^exec env .* \(\/[^ ]*\) "\$@"$/\1/p' "$LEAKDEX_INDEX")
asan=
grep -qa __asan_init "${real_index:-$LEAKDEX_INDEX}" && asan=1
bounded() {
    (
        [[ -n $asan ]] || ulimit -v $((2 << 20))
        exec timeout 120 "$@"
    )
}
index() { bounded "$LEAKDEX_INDEX" "$@"; }
search() { bounded "$LEAKDEX_SEARCH" "$@"; }

# clean FILE [csv]: FILE holds no C0 byte but newline and tab (and, for
# CSV, a CR before a newline), no DEL, no C1 control (C2 80..C2 9F), no
# bidi override or isolate.
clean() {
    python3 - "$@" <<'PY'
import re, sys
data = open(sys.argv[1], "rb").read()
if len(sys.argv) > 2:
    data = data.replace(b"\r\n", b"\n")
bad = re.search(rb"[\x00-\x08\x0a-\x1f\x7f]|\xc2[\x80-\x9f]|\xe2\x80[\xaa-\xae]|\xe2\x81[\xa6-\xa9]",
                data.replace(b"\n", b" "))
if bad:
    sys.exit("control at byte %d: %r" % (bad.start(), data[max(0, bad.start() - 20):bad.end() + 20]))
PY
}
expect_clean() { # expect_clean DESCRIPTION FILE [csv]
    local why
    if why=$(clean "${@:2}" 2>&1); then ok; else bad "$1: $why"; fi
}
# expect_file DESCRIPTION WANT-FILE GOT-FILE: exact contents.
expect_file() {
    if diff -u "$2" "$3" >"$WORK/diff"; then ok; else bad "$1: $(cat "$WORK/diff")"; fi
}

SRC=$WORK/src
mkdir -p "$SRC"
python3 - "$SRC" <<'PY'
import base64, os, sys
d = sys.argv[1]
def b(s): return "=?UTF-8?B?%s?=" % base64.b64encode(s.encode()).decode()
ESC, BEL, CSI, OSC, ST, RLO, PDF = "\x1b", "\x07", "\u009b", "\u009d", "\u009c", "\u202e", "\u202c"
a = ("From: %s <ev\x03il@esc.example>\n" % b("Evil" + ESC + "]52;c;cm0gLXJmIH4=" + BEL + " " + RLO + "gpj.exe" + PDF)
     + "To: %s <r\x03cpt@esc.example>, plain@esc.example\n" % b("R" + OSC + "0;title" + ST + "x")
     + "Subject: %s\n" % b("zanzibar " + ESC + "[2J" + CSI + "31m red " + RLO + "evil" + PDF)
     + "Message-ID: <esc1@esc.example>\nDate: Mon, 1 May 2017 10:00:00 +0000\n"
     + "MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=B\n\n"
     + "--B\nContent-Type: text/plain; charset=UTF-8\n\n"
     + "zanzibar body " + ESC + "[2J and " + CSI + "31m red " + OSC + "0;t" + BEL + "\n"
     + "\tindented " + RLO + "cba" + PDF + "\n"
     + "--B\nContent-Type: application/octet-stream\n"
     + "Content-Disposition: attachment; filename*=UTF-8''%1B%5B2Jname%C2%9Bx%E2%80%AE.bin\n\nxx\n--B--\n")
open(os.path.join(d, "esc.eml"), "w", encoding="utf-8").write(a)
r = ("From: Bob <bob@esc.example>\nTo: ev\x03il@esc.example\n"
     + "Subject: %s\n" % b("Re: zanzibar " + ESC + "[2J")
     + "Message-ID: <esc2@esc.example>\nIn-Reply-To: <esc1@esc.example>\n"
     + "Date: Tue, 2 May 2017 09:00:00 +0200\n\nzanzibar reply\n")
open(os.path.join(d, "reply.eml"), "w", encoding="utf-8").write(r)
m = ("From carol@esc.example Wed May  3 08:00:00 2017\n"
     "From: Carol <carol@esc.example>\nSubject: in a box\nMessage-ID: <esc3@esc.example>\n"
     "Date: Wed, 3 May 2017 08:00:00 +0000\n\nlisted\n")
open(os.path.join(d, "box" + ESC + "]0;pwned" + BEL + ".mbox"), "w", encoding="utf-8").write(m)
open(os.path.join(d, "junk" + ESC + "[2J" + CSI), "w", encoding="utf-8").write("not mail\n")
PY

# --- the indexer: its warning and its report ---------------------------------
index --jobs 1 "$SRC" >"$WORK/index.out" 2>"$WORK/index.err"
expect_eq "index: exit status" 0 $?
expect_clean "index: warnings" "$WORK/index.err"
expect_clean "index: report" "$WORK/index.out"
expect_eq "index: the junk file's warning" \
    "leakdex-index: $SRC/junk\\x1b[2J\\u009b: not a mail message (no header block), skipped" \
    "$(cat "$WORK/index.err")"
expect_eq "index: the report's sources" \
    "dir           2       2         0       0       0      1  $SRC
mbox          1       1         0       0       0      0  $SRC/box\\x1b]0;pwned\\x07.mbox" \
    "$(grep -E '^(dir|mbox) ' "$WORK/index.out")"
expect_eq "index: an option's value in an error" \
    "leakdex-index: --jobs: '\\x1b[2J' is not a number from 1 to 256" \
    "$(index --jobs $'\e[2J' "$SRC" 2>&1 >/dev/null)"

jq_() { python3 -c "import json,sys; h=json.load(sys.stdin); print($1)"; }
A=$(search --format json show "$(search --format ndjson id:esc1@esc.example | jq_ 'h["id"]')" | jq_ 'h["sha256"]')
B=$(search --format ndjson id:esc2@esc.example | jq_ 'h["sha256"]')
T=$(search --format ndjson id:esc1@esc.example | jq_ 'h["thread"]')
a=${A:0:12} b=${B:0:12}
ATT_SHA=$(printf 'xx' | sha256sum | cut -d' ' -f1)

# --- JSON: the exact text, the addresses without their Ctrl-C ----------------
search --format json show "$a" >"$WORK/show.json"
expect_clean "show JSON (controls escaped as \\u)" "$WORK/show.json"
expect_eq "JSON keeps the exact text" \
    "'Evil\\x1b]52;c;cm0gLXJmIH4=\\x07 \\u202egpj.exe\\u202c' 'evil@esc.example' 'R\\x9d0;title\\x9cx' 'rcpt@esc.example' 'zanzibar \\x1b[2J\\x9b31m red \\u202eevil\\u202c' 'zanzibar body \\x1b[2J and \\x9b31m red \\x9d0;t\\x07\\n\\tindented \\u202ecba\\u202c' '\\x1b[2Jname\\x9bx\\u202e.bin'" \
    "$(jq_ '" ".join(map(repr, [h["from"]["name"], h["from"]["address"], h["to"][0]["name"], h["to"][0]["address"], h["subject"], h["body"], h["attachments"][0]["name"]]))' <"$WORK/show.json")"
expect_eq "JSON writes the override as an escape" 'red \u202eevil\u202c' \
    "$(grep -o '"subject":"[^"]*"' "$WORK/show.json" | grep -o 'red .*c')"

# --- the address without its control: indexed, listed, searched --------------
expect_ids "from: the address without the Ctrl-C" "esc1@esc.example" from:evil@esc.example
expect_ids "to: the address without the Ctrl-C" "esc1@esc.example esc2@esc.example" to:rcpt@esc.example OR to:evil@esc.example
expect_ids "--from" "esc1@esc.example" --from evil@esc.example
expect_eq "senders JSON: the address" "bob@esc.example carol@esc.example evil@esc.example" \
    "$(search --format json senders | jq_ '" ".join(p["address"] for p in h["people"])')"

# --- text outputs ---------------------------------------------------------------
search --sort date zanzibar >"$WORK/search.out"
expect_clean "search: text" "$WORK/search.out"
cat >"$WORK/want" <<EOF
$a  2017-05-01 10:00  none       Evil\x1b]52;c;cm0gLXJmIH4=\x07 \u202egpj.exe\u202c  zanzibar \x1b[2J\u009b31m red \u202eevil\u202c
    attachment #1 \x1b[2Jname\u009bx\u202e.bin
    zanzibar \x1b[2J\u009b31m red \u202eevil\u202c zanzibar body \x1b[2J and \u009b31m red \u009d0;t\x07 indented \u202ecba
$b  2017-05-02 07:00  none       Bob  Re: zanzibar \x1b[2J  [sent 2017-05-02 09:00 +02:00]
    Re: zanzibar \x1b[2J zanzibar reply
EOF
expect_file "search: the hit lines, attachment line and snippets" "$WORK/want" "$WORK/search.out"

search show "$a" >"$WORK/show.out"
expect_clean "show: text" "$WORK/show.out"
cat >"$WORK/want" <<EOF
Id           $A
Date         2017-05-01T10:00:00Z (from the Date header)
Sender time  2017-05-01T10:00:00+00:00
From         Evil\x1b]52;c;cm0gLXJmIH4=\x07 \u202egpj.exe\u202c <evil@esc.example>
             as written: =?UTF-8?B?RXZpbBtdNTI7YztjbTBnTFhKbUlIND0HIOKArmdwai5leGXigKw=?= <ev\x03il@esc.example>
To           R\u009d0;title\u009cx <rcpt@esc.example>; plain@esc.example
             as written: =?UTF-8?B?UsKdMDt0aXRsZcKceA==?= <r\x03cpt@esc.example>, plain@esc.example
Subject      zanzibar \x1b[2J\u009b31m red \u202eevil\u202c
DKIM         none
Message-ID   esc1@esc.example
Thread       $T
Attachment   #1 \x1b[2Jname\u009bx\u202e.bin (application/octet-stream, content text/plain, 2 bytes, sha256 $ATT_SHA, ok)
Path         $SRC/esc.eml

zanzibar body \x1b[2J and \u009b31m red \u009d0;t\x07
	indented \u202ecba\u202c
EOF
expect_file "show: headers on one line each, the body's lines and tab kept" "$WORK/want" "$WORK/show.out"

search show "$(search --format ndjson id:esc3@esc.example | jq_ 'h["id"]')" >"$WORK/show3.out"
expect_clean "show: a path" "$WORK/show3.out"
expect_eq "show: the mbox's name shown" "Path         $SRC/box\\x1b]0;pwned\\x07.mbox@0+174" \
    "$(grep '^Path' "$WORK/show3.out")"

search thread "$a" >"$WORK/thread.out"
expect_clean "thread" "$WORK/thread.out"
cat >"$WORK/want" <<EOF
$a  2017-05-01 10:00  none       Evil\x1b]52;c;cm0gLXJmIH4=\x07 \u202egpj.exe\u202c  zanzibar \x1b[2J\u009b31m red \u202eevil\u202c
    attachment #1 \x1b[2Jname\u009bx\u202e.bin
$b  2017-05-02 07:00  none         Bob  Re: zanzibar \x1b[2J  [sent 2017-05-02 09:00 +02:00]
EOF
expect_file "thread: the reply indented, its columns kept" "$WORK/want" "$WORK/thread.out"

search senders >"$WORK/senders.out"
expect_clean "senders" "$WORK/senders.out"
cat >"$WORK/want" <<EOF
MESSAGES VERIFIED  FIRST       LAST        ADDRESS  NAMES
       1        0  2017-05-02  2017-05-02  bob@esc.example  Bob
       1        0  2017-05-03  2017-05-03  carol@esc.example  Carol
       1        0  2017-05-01  2017-05-01  evil@esc.example  Evil\x1b]52;c;cm0gLXJmIH4=\x07 \u202egpj.exe\u202c
EOF
expect_file "senders: the address without its Ctrl-C, the name's controls shown" "$WORK/want" "$WORK/senders.out"

# facets: the top senders' names, in text and in CSV on a terminal.
search facets >"$WORK/facets.out"
expect_clean "facets" "$WORK/facets.out"
expect_eq "facets: the sender's name shown, never obeyed" \
    '       1  evil@esc.example (Evil\x1b]52;c;cm0gLXJmIH4=\x07 \u202egpj.exe\u202c)  sender:evil@esc.example' \
    "$(grep 'evil@esc.example (' "$WORK/facets.out")"
search --format csv facets >"$WORK/facets.csv"
expect_clean "facets, CSV" "$WORK/facets.csv" csv

search recipients >"$WORK/recipients.out"
expect_clean "recipients" "$WORK/recipients.out"
cat >"$WORK/want" <<EOF
MESSAGES VERIFIED  FIRST       LAST        ADDRESS  NAMES
       1        0  2017-05-02  2017-05-02  evil@esc.example
       1        0  2017-05-01  2017-05-01  plain@esc.example
       1        0  2017-05-01  2017-05-01  rcpt@esc.example  R\u009d0;title\u009cx
EOF
expect_file "recipients" "$WORK/want" "$WORK/recipients.out"

search stats >"$WORK/stats.out"
expect_clean "stats" "$WORK/stats.out"
expect_eq "stats: the sender domains" "top sender domains: esc.example 3" "$(tail -n 1 "$WORK/stats.out")"

# --- batch: the query quoted in the table, in the errors, in the export -------
printf 'zanzibar\nsubject:zanzibar \033[2J\n"\033]52;c;x\007"\n(unclosed \033[2J\n' >"$WORK/queries"$'\e'.txt
search batch "$WORK/queries"$'\e'.txt >"$WORK/batch.out" 2>"$WORK/batch.err"
expect_eq "batch: a malformed line makes the status 2" 2 $?
expect_clean "batch: table" "$WORK/batch.out"
expect_clean "batch: errors" "$WORK/batch.err"
cat >"$WORK/want" <<EOF
    HITS VERIFIED  QUERY
       2        0  zanzibar
       2        0  subject:zanzibar \x1b[2J
       0        0  "\x1b]52;c;x\x07"
EOF
expect_file "batch: the table" "$WORK/want" "$WORK/batch.out"
expect_eq "batch: the error names the file" \
    "leakdex-search: $WORK/queries\\x1b.txt:4: malformed query: unbalanced '('" "$(cat "$WORK/batch.err")"
search --format csv batch "$WORK/queries"$'\e'.txt >"$WORK/batch.csv" 2>/dev/null
expect_clean "batch: CSV table" "$WORK/batch.csv" csv
expect_eq "batch: the CSV table" 'query,hits,verified
zanzibar,2,0
subject:zanzibar \x1b[2J,2,0
"""\x1b]52;c;x\x07""",0,0' "$(tr -d '\r' <"$WORK/batch.csv")"
search --export "$WORK/batch-export.csv" batch "$WORK/queries"$'\e'.txt >/dev/null 2>&1
expect_eq "batch export: the exact queries" \
    "['zanzibar', 'zanzibar', 'subject:zanzibar \\x1b[2J', 'subject:zanzibar \\x1b[2J']" \
    "$(python3 -c 'import csv,sys; print([r["query"] for r in csv.DictReader(open(sys.argv[1], newline=""))])' "$WORK/batch-export.csv")"

# --- CSV on standard output, and exports to files -----------------------------
search --sort date --format csv zanzibar >"$WORK/hits.csv"
expect_clean "CSV on stdout" "$WORK/hits.csv" csv
row() { # row FILE: the first hit's cells that quote the archive, one per line
    python3 - "$1" <<'PY'
import csv, sys
r = list(csv.DictReader(open(sys.argv[1], newline="", encoding="utf-8")))[0]
for k in ("from_name", "from_address", "to", "subject", "attachments", "snippet"):
    print(k, repr(r[k]))
PY
}
cat >"$WORK/want" <<EOF
from_name 'Evil\\\\x1b]52;c;cm0gLXJmIH4=\\\\x07 \\\\u202egpj.exe\\\\u202c'
from_address 'evil@esc.example'
to 'R\\\\u009d0;title\\\\u009cx <rcpt@esc.example>; plain@esc.example'
subject 'zanzibar \\\\x1b[2J\\\\u009b31m red \\\\u202eevil\\\\u202c'
attachments '#1 \\\\x1b[2Jname\\\\u009bx\\\\u202e.bin (application/octet-stream, content text/plain, 2 bytes, sha256 $ATT_SHA, ok)'
snippet 'zanzibar \\\\x1b[2J\\\\u009b31m red \\\\u202eevil\\\\u202c zanzibar body \\\\x1b[2J and \\\\u009b31m red \\\\u009d0;t\\\\x07 indented \\\\u202ecba'
EOF
row "$WORK/hits.csv" >"$WORK/got"
expect_file "CSV on stdout: the cells show the controls" "$WORK/want" "$WORK/got"
search --format csv senders >"$WORK/senders.csv"
expect_clean "senders CSV on stdout" "$WORK/senders.csv" csv
expect_eq "senders CSV on stdout: the name" 'evil@esc.example,Evil\x1b]52;c;cm0gLXJmIH4=\x07 \u202egpj.exe\u202c,1,0,2017-05-01T10:00:00Z,2017-05-01T10:00:00Z' \
    "$(tr -d '\r' <"$WORK/senders.csv" | grep '^evil')"
search --format csv show "$a" >"$WORK/show.csv"
expect_clean "show CSV on stdout" "$WORK/show.csv" csv

search --sort date --export "$WORK/e"$'\e'"[2J.csv" zanzibar >"$WORK/export.out"
expect_eq "export: the file name in the summary" "exported 2 hits to $WORK/e\\x1b[2J.csv" "$(cat "$WORK/export.out")"
cat >"$WORK/want" <<EOF
from_name 'Evil\\x1b]52;c;cm0gLXJmIH4=\\x07 \\u202egpj.exe\\u202c'
from_address 'evil@esc.example'
to 'R\\x9d0;title\\x9cx <rcpt@esc.example>; plain@esc.example'
subject 'zanzibar \\x1b[2J\\x9b31m red \\u202eevil\\u202c'
attachments '#1 \\x1b[2Jname\\x9bx\\u202e.bin (application/octet-stream, content text/plain, 2 bytes, sha256 $ATT_SHA, ok)'
snippet 'zanzibar \\x1b[2J\\x9b31m red \\u202eevil\\u202c zanzibar body \\x1b[2J and \\x9b31m red \\x9d0;t\\x07 indented \\u202ecba'
EOF
row "$WORK/e"$'\e'"[2J.csv" >"$WORK/got"
expect_file "CSV export file: the exact text" "$WORK/want" "$WORK/got"
search --export "$WORK/e.ndjson" zanzibar >/dev/null
expect_eq "NDJSON export: the exact subject" "'zanzibar \\x1b[2J\\x9b31m red \\u202eevil\\u202c'" \
    "$(grep '"message_id":"esc1@' "$WORK/e.ndjson" | jq_ 'repr(h["subject"])')"

# --- the attachment command and other messages quoting user or archive text ---
search attachment "$a" 1 --out "$WORK/o"$'\e[2J'.bin >"$WORK/att.out" 2>"$WORK/att.err"
expect_eq "attachment: written" 0 $?
expect_eq "attachment: the file and its name shown" \
    "wrote 2 bytes (\\x1b[2Jname\\u009bx\\u202e.bin, sha256 $ATT_SHA) to $WORK/o\\x1b[2J.bin" \
    "$(cat "$WORK/att.out")"
expect_eq "attachment: the bytes" xx "$(cat "$WORK/o"$'\e[2J'.bin)"
expect_status "attachment: never over a file" 2 search attachment "$a" 1 --out "$WORK/o"$'\e[2J'.bin
expect_eq "attachment: the existing file named" \
    "leakdex-search: --out $WORK/o\\x1b[2J.bin: the file exists; it is never overwritten" "$(cat "$WORK/err")"
expect_status "attachment: a control in the id" 2 search attachment $'\e]0;x\a' 1 --out "$WORK/p"
expect_eq "attachment: the id shown" \
    "leakdex-search: '\\x1b]0;x\\x07' is not a message id (6 to 64 hex digits)" "$(cat "$WORK/err")"
expect_status "attachment: a control in the number" 2 search attachment "$a" $'\e[1' --out "$WORK/p"
expect_eq "attachment: the number shown" \
    "leakdex-search: attachment: '\\x1b[1' is not an attachment number (1, 2, ...)" "$(cat "$WORK/err")"
expect_status "an option's value" 2 search --sort $'\e[2J\u009b' zanzibar
expect_eq "an option's value shown" \
    "leakdex-search: --sort: '\\x1b[2J\\u009b' is not relevance, date or -date" "$(cat "$WORK/err")"
expect_status "a show of no message" 1 search show 0123456789abcdef
search show 'abcdef'$'\e' >/dev/null 2>"$WORK/err"
expect_eq "show: a bad id shown" "leakdex-search: 'abcdef\\x1b' is not a message id (6 to 64 hex digits)" \
    "$(cat "$WORK/err")"
expect_status "no match" 1 search nothingmatches $'--limit=\e'
expect_eq "no match: the option-like word quoted" \
    "leakdex-search: no messages match (--limit=\\x1b was read as a query word: options go before the query)" \
    "$(cat "$WORK/err")"

finish
