#!/usr/bin/env bash
# T170: real public mail nobody here wrote (../shared/corpora: notmuch's and
# CPython's test messages) indexes without a crash, with every file accounted
# for, and a second run adds nothing. Skipped when ../shared is absent.
source "$(dirname "$0")/lib.sh"

CORPORA=$LEAKDEX_SRC/../shared/corpora
if [[ ! -d $CORPORA ]]; then
    echo "SKIP: $CORPORA is absent (it lies beside the repository in CI)"
    exit 77
fi

index "$CORPORA" >"$WORK/out" 2>"$WORK/err"
expect_eq "exit status" 0 $?
expect_eq "totals" \
    "total: 370 messages found: 335 indexed, 35 duplicates, 0 already indexed, 0 skipped; 3 files skipped;" \
    "$(grep '^total:' "$WORK/out" | sed 's/ [0-9.]* s$//')"
expect_eq "what is not mail, by name" \
    "README.md: not a mail message (no header block), skipped
cpython-email/msg_19.txt: not a mail message (no header block), skipped
notmuch/README: not a mail message (no header block), skipped
notmuch/broken/empty-part: attachment 1 \"\": failed: message: GMime found no message headers
notmuch/indexing/fake-pdf:2,S: attachment 1 \"fake.pdf\": failed: PDF: PDF document is damaged" \
    "$(sed "s|^leakdex-index: $(cd "$CORPORA" && pwd)/||" "$WORK/err" | sort)"

# CPython's msg_16 and msg_43 (message/delivery-status) and msg_36 (two
# message/external-body parts) hold text under a type without a reader:
# read as text, by their content.
expect_eq "attachments" \
    "attachments: 108 (nested ones included): 33 with text, 0 truncated, 0 stopped by a limit, 72 skipped, 2 failed; 32 identical to one read earlier" \
    "$(grep '^attachments:' "$WORK/out")"

# The mbox whose body has an unquoted "From time to time" is one message.
expect_eq "mailbox_01.mbox: one message" "mbox 1 1 0 0 0 0" \
    "$(awk '$NF ~ /mailbox_01.mbox$/ { print $1, $2, $3, $4, $5, $6, $7 }' "$WORK/out")"
# by_path SUFFIX KEY: the KEY of the hit found at a path ending in SUFFIX.
by_path() {
    search --format ndjson | python3 -c '
import json, sys
for l in sys.stdin:
    h = json.loads(l)
    if any(p["path"].endswith(sys.argv[1]) for p in h["paths"]):
        print(json.dumps(h[sys.argv[2]], ensure_ascii=False))' "$1" "$2"
}
# A message whose header block runs into the body without a blank line.
expect_eq "msg_35: headers without the blank line" '"here'"'"'s something interesting"' \
    "$(by_path cpython-email/msg_35.txt subject)"
# An impossible Date (hour 27) is not misread: no date rather than a wrong one.
expect_eq "msg_47: impossible hour gives no date" null "$(by_path cpython-email/msg_47.txt date)"
expect_eq "everything printable as JSON" 335 \
    "$(search --format ndjson | python3 -c 'import json,sys; print(sum(1 for l in sys.stdin if json.loads(l)))')"

index "$CORPORA" >"$WORK/out2" 2>/dev/null
expect_eq "second run adds nothing" \
    "total: 370 messages found: 0 indexed, 0 duplicates, 370 already indexed, 0 skipped; 3 files skipped;" \
    "$(grep '^total:' "$WORK/out2" | sed 's/ [0-9.]* s$//')"

finish
