#!/usr/bin/env bash
# T110: odd sources are reported with path and reason, and the rest indexed:
# hidden files, Maildir++ folders, link loops, broken links, empty, binary and
# unreadable files, FIFOs, Maildir tmp/, empty mbox entries, NUL bytes and
# invalid UTF-8 in headers. The sources are never changed.
source "$(dirname "$0")/lib.sh"

S=$WORK/src
mkdir -p "$S/mail" "$S/.cache" "$S/md/cur" "$S/md/new" "$S/md/tmp" "$S/md/.Sent/cur" "$S/md/.Sent/new"
msg() { printf 'From: %s@example.org\nSubject: %s\nMessage-ID: <%s@example.org>\nDate: Mon, 1 May 2017 10:00:00 +0000\n\n%s body\n' "$1" "$1" "$1" "$1"; }
msg plain >"$S/mail/plain.eml"
msg hidden >"$S/mail/.hidden.eml"
msg cached >"$S/.cache/cached.eml"
msg sent >"$S/md/.Sent/cur/1.host:2,S"
msg curmsg >"$S/md/cur/2.host:2,S"
msg partial >"$S/md/tmp/3.host"
: >"$S/mail/empty.eml"
head -c 4096 /dev/urandom >"$S/mail/blob.bin"
printf '\x00\x01binary' >>"$S/mail/blob.bin"
mkfifo "$S/mail/pipe"
ln -s . "$S/mail/loop"
ln -s self "$S/mail/self"
ln -s nowhere "$S/mail/broken"
ln -s ../../mail/plain.eml "$S/md/cur/link-to-plain"
printf 'From a@b Mon Jan  1 00:00:00 2001\nFrom c@d Tue Jan  2 00:00:00 2001\nFrom: c@example.org\nSubject: after an empty one\n\nx\n' >"$S/mail/box.mbox"
printf 'From: nul\x00name <nul@example.org>\nSubject: bad \xff\xfe bytes \xe9t\xe9\nMessage-ID: <bad@example.org>\n\nbody with a NUL \x00 byte and \xc3\x28 invalid\n' >"$S/mail/bad.eml"
if [[ $(id -u) != 0 ]]; then
    msg locked >"$S/mail/locked.eml"
    chmod 000 "$S/mail/locked.eml"
fi
find "$S" -printf '%p %s %T@ %m\n' | sort >"$WORK/before"

index --db "$WORK/db" "$S" >"$WORK/out" 2>"$WORK/err"
expect_eq "exit status" 0 $?
sed "s|$S|SRC|g" "$WORK/err" | sort >"$WORK/warnings"
cat >"$WORK/want" <<'TXT'
leakdex-index: SRC/.cache: hidden (use --hidden to include it)
leakdex-index: SRC/mail/.hidden.eml: hidden (use --hidden to include it)
leakdex-index: SRC/mail/bad.eml: indexed, but undecodable bytes replaced by U+FFFD
leakdex-index: SRC/mail/blob.bin: not a mail message (no header block), skipped
leakdex-index: SRC/mail/box.mbox: empty message at byte 0 of the mbox
leakdex-index: SRC/mail/broken: broken symbolic link
leakdex-index: SRC/mail/empty.eml: empty file
leakdex-index: SRC/mail/loop: directory already walked (symbolic link loop or second link)
leakdex-index: SRC/mail/pipe: not a regular file (device, FIFO or socket)
leakdex-index: SRC/mail/self: symbolic link loop
leakdex-index: SRC/md/tmp/3.host: in a Maildir tmp/ folder (delivery not finished)
TXT
if [[ $(id -u) != 0 ]]; then
    echo 'leakdex-index: SRC/mail/locked.eml: cannot read: Permission denied' >>"$WORK/want"
    sort -o "$WORK/want" "$WORK/want"
fi
if diff -u "$WORK/want" "$WORK/warnings" >"$WORK/diff"; then ok; else bad "warnings: $(cat "$WORK/diff")"; fi
expect_eq "totals" \
    "total: 7 messages found: 5 indexed, 1 duplicates, 0 already indexed, 1 skipped; $(( $(id -u) == 0 ? 9 : 10 )) files skipped;" \
    "$(grep '^total:' "$WORK/out" | sed 's/ [0-9.]* s$//')"
expect_eq "indexed subjects" "after an empty one|bad ÿþ bytes été|curmsg|plain|sent" \
    "$(search --db "$WORK/db" --format ndjson | python3 -c '
import json, sys
print("|".join(sorted(json.loads(l)["subject"] for l in sys.stdin)))')"
# Raw 8-bit header bytes and an unlabelled body that is not UTF-8 are read
# as windows-1252 (nothing better can be guessed from so little text); the
# NUL bytes (one in From, one in the body) become U+FFFD, counted, and the
# text after them is kept.
expect_eq "invalid bytes are counted, text is valid UTF-8" "bad@example.org 2" \
    "$(search --db "$WORK/db" --format ndjson id:bad@example.org | python3 -c '
import json, sys
h = json.loads(sys.stdin.read())
print(h["message_id"], h["replaced_characters"])')"
expect_eq "the body after a NUL byte is kept" "body with a NUL � byte and Ã( invalid" \
    "$(search --db "$WORK/db" show "$(search --db "$WORK/db" id:bad@example.org | cut -c1-12)" | grep "^body with")"
expect_eq "the symlinked message is a duplicate with two paths" 2 \
    "$(search --db "$WORK/db" --format json id:plain@example.org | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["hits"][0]["paths"]))')"

# --hidden takes hidden files and folders too.
index --db "$WORK/db2" --hidden "$S" >"$WORK/out2" 2>/dev/null
expect_eq "--hidden: two more" 7 "$(search --db "$WORK/db2" --count)"

# Nothing in the sources changed: names, sizes, times, modes.
find "$S" -printf '%p %s %T@ %m\n' | sort >"$WORK/after"
if diff -q "$WORK/before" "$WORK/after" >/dev/null; then ok; else bad "sources changed: $(diff "$WORK/before" "$WORK/after")"; fi

finish
