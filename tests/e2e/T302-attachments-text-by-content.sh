#!/usr/bin/env bash
# T302: an attachment whose content is text is read as text whatever its
# label says (application/x-unknown-content-type-txtfile, message/delivery-
# status, application/x-sh, a diff sent as application/x-java-vm, JSON):
# the content decides. Binary content under such a label, or under
# text/plain, stays unread. The messages are generated here, each with a
# word found only in its attachment.
source "$(dirname "$0")/lib.sh"

M=$WORK/mislabelled
mkdir "$M"
python3 - "$M" <<'PY'
import base64, hashlib, os, sys

out = sys.argv[1]


def noise(n, seed):
    """n bytes that look random (no text), the same on every run."""
    b = b""
    i = 0
    while len(b) < n:
        b += hashlib.sha256(b"%s %d" % (seed, i)).digest()
        i += 1
    return b[:n]


def message(num, subject, ctype, name, data, encoding="base64"):
    disp = 'attachment; filename="%s"' % name if name else "attachment"
    body = base64.encodebytes(data) if encoding == "base64" else data
    return (b"From: Alice Martin <alice.martin@campagne-exemple.fr>\n"
            b"To: Bruno Lemaire <b.lemaire@campagne-exemple.fr>\n"
            b"Subject: " + subject.encode() + b"\n"
            b"Date: Mon, 24 Apr 2017 10:%02d:00 +0200\n" % num +
            b"Message-ID: <ml-%02d@mislabelled.example>\n" % num +
            b"MIME-Version: 1.0\n"
            b"Content-Type: multipart/mixed; boundary=\"b\"\n\n"
            b"--b\nContent-Type: text/plain; charset=us-ascii\n\nSee the attached file.\n"
            b"--b\nContent-Type: " + ctype.encode() + b"\n"
            b"Content-Disposition: " + disp.encode() + b"\n"
            b"Content-Transfer-Encoding: " + encoding.encode() + b"\n\n" + body +
            b"\n--b--\n")


cases = [
    (1, "Notes", "application/x-unknown-content-type-txtfile", "notes.txt",
     b"Minutes of the quokka committee.\r\nNext meeting on Friday.\r\n", "base64"),
    (2, "Undelivered Mail Returned to Sender", "message/delivery-status", "",
     b"Reporting-MTA: dns; mx.campagne-exemple.fr\n\n"
     b"Final-Recipient: rfc822; tapir.office@example.org\nAction: failed\nStatus: 5.1.1\n"
     b"Diagnostic-Code: smtp; 550 5.1.1 mailbox of the tapir office unavailable\n", "7bit"),
    (3, "Deploy script", "application/x-sh", "deploy.sh",
     b"#!/bin/sh\n# restart the marmoset server\nsystemctl restart web\n", "base64"),
    (4, "The fix", "application/x-java-vm", "fix.diff",
     b"diff --git a/count.c b/count.c\n--- a/count.c\n+++ b/count.c\n@@ -1 +1 @@\n"
     b"-int eggs;\n+int eggs; /* count the axolotl eggs */\n", "base64"),
    # windows-1252 without a label: read through the charset module's guess.
    (5, "Note du prefet", "application/x-unknown-content-type-txtfile", "note.txt",
     "Le hérisson du préfet a coûté 200 €.\n".encode("cp1252"), "base64"),
    # libmagic names no text type (application/json): the bytes are text.
    (6, "Export", "application/x-unknown-content-type-txtfile", "export.json",
     b'{"animal": "capybara", "count": 3}', "base64"),
    # Binary content stays unread, under a script's label...
    (7, "Tool", "application/x-sh", "tool.sh",
     noise(3000, b"tool") + b" wolverine " + noise(3000, b"tool2"), "base64"),
    # ...and under text/plain, which used to be read as text whatever it held.
    (8, "Data", "text/plain; charset=us-ascii", "data.txt",
     noise(3000, b"data") + b" okapi " + noise(3000, b"data2"), "base64"),
    # Signatures in ASCII armour are text but not words: left as they were.
    (9, "Signed", "application/pgp-signature", "signature.asc",
     b"-----BEGIN PGP SIGNATURE-----\n\niQEzBAEBCAAdFiEEnarwhal\n=abcd\n"
     b"-----END PGP SIGNATURE-----\n", "7bit"),
]
for num, subject, ctype, name, data, enc in cases:
    with open(os.path.join(out, "%02d.eml" % num), "wb") as f:
        f.write(message(num, subject, ctype, name, data, enc))
PY

index "$M" >"$WORK/out" 2>"$WORK/err"
expect_eq "index exits 0" 0 $?
expect_eq "the attachments in the report: six read as text, three without text" \
    "attachments: 9 (nested ones included): 6 with text, 0 truncated, 0 stopped by a limit, 3 skipped, 0 failed; 0 identical to one read earlier" \
    "$(sed -n '/^attachments:/,/^dkim:/p' "$WORK/out" | grep -v '^dkim:')"
expect_eq "a file without text is no warning" "" "$(cat "$WORK/err")"

D=mislabelled.example
expect_ids "application/x-unknown-content-type-txtfile" "ml-01@$D" in:attachment quokka
expect_ids "message/delivery-status" "ml-02@$D" in:attachment tapir
expect_ids "application/x-sh" "ml-03@$D" in:attachment marmoset
expect_ids "a diff sent as application/x-java-vm" "ml-04@$D" in:attachment axolotl
expect_ids "unlabelled windows-1252, accents folded" "ml-05@$D" in:attachment herisson
expect_ids "unlabelled windows-1252, the euro sign decoded" "ml-05@$D" in:attachment '"coûté 200 €"'
expect_ids "JSON: libmagic says application/json, the bytes are text" "ml-06@$D" in:attachment capybara
expect_ids "binary under application/x-sh: unread" "" in:attachment wolverine
expect_ids "binary under text/plain: unread" "" in:attachment okapi
expect_ids "an armoured signature: unread" "" in:attachment narwhal
expect_ids "filetype:text: the content's type" \
    "ml-01@$D ml-02@$D ml-03@$D ml-04@$D ml-05@$D ml-06@$D" filetype:text
expect_ids "filetype:other: the binaries and the signature" "ml-07@$D ml-08@$D ml-09@$D" filetype:other
expect_ids "mimetype: the declared type still finds them" "ml-03@$D ml-07@$D" mimetype:application/x-sh

# Each attachment: declared type, the type libmagic reads, status and the
# bytes of text (LF line ends, UTF-8: 05's windows-1252 "é", "û" and "€"
# take 2, 2 and 3 bytes).
expect_eq "statuses, as JSON gives them" \
    '01 application/x-unknown-content-type-txtfile text/plain ok 57
02 message/delivery-status text/plain ok 196
03 application/x-sh text/x-shellscript ok 62
04 application/x-java-vm text/x-diff ok 122
05 application/x-unknown-content-type-txtfile text/plain ok 43
06 application/x-unknown-content-type-txtfile application/json ok 34
07 application/x-sh application/octet-stream skipped: no text in other 0
08 text/plain application/octet-stream skipped: no text in other: labelled text/plain, but its content is binary 0
09 application/pgp-signature application/pgp-signature skipped: no text in other 0' \
    "$(search --format ndjson --sort date | python3 -c '
import json, sys
for line in sys.stdin:
    h = json.loads(line)
    a = h["attachments"][0]
    print(h["message_id"][3:5], a["type"], a["sniffed_type"], a["status"], a["text_bytes"])')"
expect_eq "show: the declared type, then the content type, then ok" \
    "Attachment   #1 deploy.sh (application/x-sh, content text/x-shellscript, 62 bytes, sha256 $(search --format ndjson id:ml-03@$D | python3 -c 'import json,sys; print(json.loads(sys.stdin.readline())["attachments"][0]["sha256"])'), ok)" \
    "$(search show "$(search --format ndjson id:ml-03@$D | python3 -c 'import json,sys; print(json.loads(sys.stdin.readline())["id"])')" | grep '^Attachment')"

finish
