#!/usr/bin/env bash
# T500: hostile input. Each case: the indexer neither crashes nor hangs,
# indexes whatever is valid, reports the problem with the path and reason,
# and exits 0; the exact outcome is checked.
source "$(dirname "$0")/lib.sh"

H=$WORK/h
mkdir -p "$H"
python3 - "$H" <<'PY'
import os, sys
h = sys.argv[1]
def w(name, data):
    open(os.path.join(h, name), "wb").write(data)
w("big-header.eml", b"From: a@hostile.example\nSubject: " + b"y" * (100 << 20) +
  b"\nMessage-ID: <big@hostile.example>\n\nafter the big header\n")
n = 10000
parts = [b"From: a@hostile.example\nSubject: deep\nMessage-ID: <deep@hostile.example>\n"
         b"MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"b0\"\n\n"]
for i in range(1, n):
    parts.append(b"--b%d\nContent-Type: multipart/mixed; boundary=\"b%d\"\n\n" % (i - 1, i))
parts.append(b"--b%d\nContent-Type: text/plain\n\ndeepest text\n" % (n - 1))
parts += [b"--b%d--\n" % i for i in range(n - 1, -1, -1)]
w("deep.eml", b"".join(parts))
w("noclose.eml", b"From: a@hostile.example\nSubject: noclose\nMessage-ID: <noclose@hostile.example>\n"
  b"Content-Type: multipart/mixed; boundary=\"X\"\n\n--X\nContent-Type: text/plain\n\nfirst part\n"
  b"--X\nContent-Type: text/plain\n\nsecond part never closed\n")
w("million.eml", b"From: a@hostile.example\nSubject: many\nMessage-ID: <million@hostile.example>\nTo: " +
  b", ".join(b"u%d@r.example" % i for i in range(1000000)) + b"\n\nbody\n")
w("nul.eml", b"From: nul\x00name <n@hostile.example>\nSubject: before\x00after\n"
  b"Message-ID: <nul@hostile.example>\n\nbody \x00 with nul\n")
w("b64.eml", b"From: a@hostile.example\nSubject: b64\nMessage-ID: <b64@hostile.example>\n"
  b"Content-Type: text/plain\nContent-Transfer-Encoding: base64\n\n"
  b"SGVsbG8gd29ybGQsIHRoaXMgaXMgdHJ1bmNhdGVk\nIGJhc2U2NCB0ZX")
w("badutf.eml", b"From: \xff\xfe <bad@hostile.example>\nTo: \xe9l\xe8ve <e@hostile.example>\n"
  b"Cc: \xc3\x28 <c@hostile.example>\nSubject: \xff\xfe\xfd\nMessage-ID: <badutf@hostile.example>\n\nbody\n")
w("broken.mbox", b"From \nFrom: a@hostile.example\nSubject: broken sep\nMessage-ID: <brk@hostile.example>\n"
  b"\nline one\n\nFrom broken line without a date\nmore\n")
w("binary.bin", bytes(range(256)) * 64)
w("empty.eml", b"")
PY
ln -s . "$H/loop"

timeout 300 "$LEAKDEX_INDEX" "$H" >"$WORK/out" 2>"$WORK/err"
expect_eq "exit status" 0 $?
sed "s|$H/||" "$WORK/err" | sort >"$WORK/warnings"
cat >"$WORK/want" <<'TXT'
leakdex-index: big-header.eml: indexed, but a header field longer than 1 MiB was cut
leakdex-index: binary.bin: not a mail message (no header block), skipped
leakdex-index: deep.eml: indexed, but MIME parts nested deeper than 64 levels were not read
leakdex-index: empty.eml: empty file
leakdex-index: loop: directory already walked (symbolic link loop or second link)
leakdex-index: million.eml: indexed, but a header field longer than 1 MiB was cut
leakdex-index: million.eml: indexed, but addresses past 10,000 in a header were not kept
leakdex-index: nul.eml: indexed, but undecodable bytes replaced by U+FFFD
TXT
if diff -u "$WORK/want" "$WORK/warnings" >"$WORK/diff"; then ok; else bad "warnings: $(cat "$WORK/diff")"; fi
expect_eq "totals" "total: 8 messages found: 8 indexed, 0 duplicates, 0 already indexed, 0 skipped; 3 files skipped;" \
    "$(grep '^total:' "$WORK/out" | sed 's/ [0-9.]* s$//')"

field() { # field MESSAGE-ID PYTHON-EXPRESSION-OVER-h
    search --format json show "$(search "id:$1" | cut -c1-12)" |
        python3 -c "import json,sys; h=json.load(sys.stdin); print($2)"
}
expect_eq "100 MB Subject: cut to the first MiB of its field" "1048567 True" \
    "$(field big@hostile.example 'len(h["subject"]), set(h["subject"]) == {"y"}')"
expect_eq "the body after the big header" "after the big header" "$(field big@hostile.example 'h["body"].strip()')"
expect_eq "10,000-deep nesting: indexed, nothing read past depth 64" "''" "$(field deep@hostile.example 'repr(h["body"])')"
expect_eq "a boundary that never closes: both parts read" \
    "'first part\\n\\nsecond part never closed\\n'" "$(field noclose@hostile.example 'repr(h["body"])')"
expect_eq "a million recipients: the first 10,000 kept" "10000 u0@r.example u9999@r.example" \
    "$(field million@hostile.example 'len(h["to"]), h["to"][0]["address"], h["to"][-1]["address"]')"
expect_eq "NUL bytes in headers and body" "nul�name|before�after|body � with nul|3" \
    "$(field nul@hostile.example '"|".join([h["from"]["name"], h["subject"], h["body"].strip(), str(h["replaced_characters"])])')"
expect_eq "truncated base64: what decodes is kept" "Hello world, this is truncated base64 t" \
    "$(field b64@hostile.example 'h["body"]')"
expect_eq "invalid UTF-8 in every header: read as windows-1252, addresses kept" \
    "ÿþ|ÿþý|élève e@hostile.example|c@hostile.example" \
    "$(field badutf@hostile.example '"|".join([h["from"]["name"], h["subject"], h["to"][0]["name"] + " " + h["to"][0]["address"], h["cc"][0]["address"]])')"
expect_eq "an mbox with a broken From line: one message, the dateless From line is body" \
    "broken sep|line one

From broken line without a date
more" "$(field brk@hostile.example '"|".join([h["subject"], h["body"].strip()])')"

# An unreadable file: as root permissions do not apply, so this part runs
# as nobody when the test runs as root.
U=$WORK/u
mkdir -p "$U/src" "$U/db"
printf 'From: a@hostile.example\nSubject: readable\n\nok\n' >"$U/src/readable.eml"
printf 'From: a@hostile.example\nSubject: locked\n\nno\n' >"$U/src/locked.eml"
chmod 000 "$U/src/locked.eml"
as_nobody=()
if [[ $(id -u) == 0 ]]; then
    chown -R nobody "$U/db"
    chmod 755 "$WORK" "$U" "$U/src"
    as_nobody=(setpriv --reuid=nobody --regid=nogroup --clear-groups)
fi
"${as_nobody[@]}" "$LEAKDEX_INDEX" --db "$U/db/x" "$U/src" >"$WORK/uout" 2>"$WORK/uerr"
expect_eq "unreadable: exit 0" 0 $?
expect_eq "unreadable: reported" "leakdex-index: $U/src/locked.eml: cannot read: Permission denied" "$(cat "$WORK/uerr")"
expect_eq "unreadable: the rest indexed" "total: 1 messages found: 1 indexed, 0 duplicates, 0 already indexed, 0 skipped; 1 files skipped;" \
    "$(grep '^total:' "$WORK/uout" | sed 's/ [0-9.]* s$//')"

# Terminal escapes in a subject, a sender's name, a body and an attachment's
# file name (ESC]52 writes the clipboard, ESC[2J clears the screen, U+009B is
# a one-character CSI): the text hit line, its attachment line and its
# snippet show each as a visible escape, never the character itself; JSON
# keeps them, escaped. (T530 tries every command.)
mkdir -p "$WORK/esc"
python3 - "$WORK/esc/esc.eml" <<'PY'
import sys
esc, csi = "\x1b", "\u009b"
raw = ("From: =?UTF-8?B?%s?= <evil@esc.example>\n" % __import__("base64").b64encode(
           ("Evil" + esc + "]52;c;cm0gLXJmIH4=" + "\x07").encode()).decode()
       + "Subject: =?UTF-8?B?%s?=\n" % __import__("base64").b64encode(
           ("zanzibar " + esc + "[2J" + csi + "31m").encode()).decode()
       + "Message-ID: <esc@esc.example>\nDate: Mon, 1 May 2017 10:00:00 +0000\n"
       + "MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=B\n\n"
       + "--B\nContent-Type: text/plain; charset=UTF-8\n\n"
       + "zanzibar body " + esc + "[2J and " + csi + "31m red\n"
       + "--B\nContent-Type: application/octet-stream\n"
       + "Content-Disposition: attachment; filename*=UTF-8''%1B%5B2Jname%C2%9Bx.bin\n\nxx\n--B--\n")
open(sys.argv[1], "w", encoding="utf-8").write(raw)
PY
index --db "$WORK/escdb" --quiet "$WORK/esc" >/dev/null 2>&1
search --db "$WORK/escdb" zanzibar >"$WORK/esc.out" 2>&1
grep -q zanzibar "$WORK/esc.out" && ok || bad "the hostile message is not listed: $(cat "$WORK/esc.out")"
if LC_ALL=C grep -q $'\x1b\|\xc2\x9b\|\x07' "$WORK/esc.out"; then
    bad "a control character reaches the terminal: $(od -c "$WORK/esc.out" | head -5)"
else ok; fi
expect_eq "the hit line, its attachment and snippet: the controls shown" \
    "$(cut -c1-12 "$WORK/esc.out" | head -n 1)  2017-05-01 10:00  none       Evil\\x1b]52;c;cm0gLXJmIH4=\\x07  zanzibar \\x1b[2J\\u009b31m
    attachment #1 \\x1b[2Jname\\u009bx.bin
    zanzibar \\x1b[2J\\u009b31m zanzibar body \\x1b[2J and \\u009b31m red" "$(cat "$WORK/esc.out")"
expect_eq "JSON keeps the subject's controls, escaped" 'zanzibar \u001b[2J\u009b31m' \
    "$(search --db "$WORK/escdb" --format json zanzibar | grep -o '"subject":"[^"]*"' | sed 's/^"subject":"//; s/"$//')"

# An indexer warning quotes the archive (a file name here): its controls are
# written visibly, never sent to the terminal.
mkdir -p "$WORK/escw"
printf 'not mail\n' >"$WORK/escw/"$'\e[2Jjunk\u009b'
index --db "$WORK/escwdb" "$WORK/escw" >/dev/null 2>"$WORK/escw.err"
expect_eq "a file name's controls in a warning" \
    "leakdex-index: $WORK/escw/\\x1b[2Jjunk\\u009b: not a mail message (no header block), skipped" \
    "$(grep 'junk' "$WORK/escw.err")"

finish
