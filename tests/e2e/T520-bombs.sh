#!/usr/bin/env bash
# T520: bombs. Hostile messages mixed with ordinary mail in an mbox and a
# Maildir, indexed under a memory limit (ulimit -v) and a time limit: a
# 19 KB nested zip bomb (4 levels of 16 zips, 1 MiB texts), a 100 MB
# message of millions of empty MIME parts, a header block of 300,000
# fields, a gzip whose text starts with 1,024 zero bytes, gzip, bzip2 and
# xz files of zeros. Every ordinary message is indexed and found; every
# hostile one is indexed with what fits and reported with its path and
# reason, its attachments' status exactly "limit: ...". Then: the text caps
# of an attachment and of a message (--attach-max-tree-text,
# --attach-max-message-text); a message that runs out of memory is skipped
# with its reason and the run goes on; a run that cannot write its index
# still counts every message it found.
source "$(dirname "$0")/lib.sh"

# Memory is bounded by ulimit -v, but for AddressSanitizer, which reserves
# terabytes of address space for its shadow: there, only the time limit
# (the caps under test keep the memory down; an unbounded run would still
# take far longer than the limit).
SANITIZED=${LEAKDEX_SANITIZED:-0}
bounded() { # bounded KBYTES SECONDS COMMAND...
    local mem=$1 secs=$2
    shift 2
    if [[ $SANITIZED == 1 ]]; then
        timeout "$secs" "$@"
    else
        (
            ulimit -v "$mem"
            exec timeout "$secs" "$@"
        )
    fi
}

S=$WORK/src
mkdir -p "$S/Maildir/cur" "$S/Maildir/new" "$S/Maildir/tmp"
python3 - "$S" >"$WORK/offsets" <<'PY'
import base64, bz2, gzip, io, lzma, os, sys, zipfile
s = sys.argv[1]

def ordinary(n):
    return (b"From: Alice <alice@ordinary.example>\nTo: bob@ordinary.example\n"
            b"Subject: ordinary letter %d\nMessage-ID: <o%02d@ordinary.example>\n"
            b"Date: Mon, 1 May 2017 10:%02d:00 +0200\n\n"
            b"Ordinary letter %d about the harbour budget.\n" % (n, n, n, n))

def attachment(ctype, name, data):
    return (b"--B\nContent-Type: %s; name=\"%s\"\nContent-Disposition: attachment; "
            b"filename=\"%s\"\nContent-Transfer-Encoding: base64\n\n" % (ctype, name, name)
            + base64.encodebytes(data))

def with_attachments(mid, subject, atts):
    return (b"From: Mallory <mallory@hostile.example>\nSubject: %s\nMessage-ID: <%s>\n"
            b"Date: Tue, 2 May 2017 09:00:00 +0200\nMIME-Version: 1.0\n"
            b"Content-Type: multipart/mixed; boundary=\"B\"\n\n--B\nContent-Type: text/plain\n\n"
            b"see attached\n" % (subject, mid) + b"".join(atts) + b"--B--\n")

def zipof(members):
    b = io.BytesIO()
    with zipfile.ZipFile(b, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        for name, data in members:
            z.writestr(name, data)
    return b.getvalue()

# The nested bomb: 16^4 texts of 1 MiB (64 GiB) in 19 KB.
leaf = (b"bombword " * 116509)[: 1 << 20]
bomb = zipof([("leaf%02d.txt" % i, leaf) for i in range(16)])
for level in range(3):
    bomb = zipof([("l%d-%02d.zip" % (level, i), bomb) for i in range(16)])
assert len(bomb) < 20000, len(bomb)

zeros = b"\0" * (16 << 20)
gz = with_attachments(b"gz@hostile.example", b"compressed files", [
    attachment(b"application/gzip", b"ledger.txt.gz",
               gzip.compress(b"\0" * 1024 + b"The hidden ledger names the offshore account.\n", mtime=0)),
    attachment(b"application/gzip", b"zeros.bin.gz", gzip.compress(zeros, mtime=0)),
    attachment(b"application/x-bzip2", b"zeros.bin.bz2", bz2.compress(zeros)),
    attachment(b"application/x-xz", b"zeros.bin.xz", lzma.compress(zeros))])

# The mbox: ordinary letters around the bomb and the compressed files; the
# offsets of the hostile ones are printed for the warnings.
mbox = io.BytesIO()
def add(raw):
    start = mbox.tell()
    mbox.write(b"From mallory@hostile.example Tue May  2 09:00:00 2017\n" + raw + b"\n")
    return start, mbox.tell() - start - 1  # the blank line before the next From is not the message's
for n in range(1, 6):
    add(ordinary(n))
where = add(with_attachments(b"zipbomb@hostile.example", b"nested zip bomb",
                             [attachment(b"application/zip", b"bomb.zip", bomb)]))
print("bomb %d+%d" % where)
for n in range(6, 11):
    add(ordinary(n))
print("gz %d+%d" % add(gz))
for n in range(11, 13):
    add(ordinary(n))
open(os.path.join(s, "mixed.mbox"), "wb").write(mbox.getvalue())

md = os.path.join(s, "Maildir")
for n in range(13, 19):
    open(os.path.join(md, "cur", "15000000%02d.o%d.host:2,S" % (n, n)), "wb").write(ordinary(n))
for n in range(19, 21):
    open(os.path.join(md, "new", "15000000%02d.o%d.host" % (n, n)), "wb").write(ordinary(n))
# 100 MB of empty parts, written as it is made.
with open(os.path.join(md, "cur", "1500000100.parts.host:2,S"), "wb") as f:
    f.write(b"From: Mallory <mallory@hostile.example>\nSubject: empty parts\n"
            b"Message-ID: <parts@hostile.example>\nMIME-Version: 1.0\n"
            b"Content-Type: multipart/mixed; boundary=\"P\"\n\n--P\nContent-Type: text/plain\n\n"
            b"the first part text survives\n")
    chunk = b"--P\n\n" * 200000
    for _ in range(100):
        f.write(chunk)
    f.write(b"--P--\n")
with open(os.path.join(md, "new", "1500000101.fields.host"), "wb") as f:
    f.write(b"From: Mallory <mallory@hostile.example>\nSubject: header fields\n"
            b"Message-ID: <fields@hostile.example>\n" + b"X-Field: y\n" * 300000 +
            b"\nbody never parsed\n")
PY
read -r _ bomb_at < <(grep '^bomb ' "$WORK/offsets")
read -r _ gz_at < <(grep '^gz ' "$WORK/offsets")

bounded 2097152 250 "$LEAKDEX_INDEX" --jobs 2 "$S" >"$WORK/out" 2>"$WORK/err"
expect_eq "the bombs: exit status, within 2 GiB and the time limit" 0 $?
M="mixed.mbox"
P="Maildir/cur/1500000100.parts.host:2,S"
F="Maildir/new/1500000101.fields.host"
why_tree="limit: the archives in attachment 1 unpack to more than 100 times its size (a zip bomb?); the rest not read"
why_ratio="limit: unpacks to more than 100 times its size (a zip bomb?); the rest not read"
sed "s|^leakdex-index: $S/|leakdex-index: |" "$WORK/err" | sort >"$WORK/warnings"
sort >"$WORK/want" <<TXT
leakdex-index: $M@$bomb_at: attachment 1 "bomb.zip": $why_tree
leakdex-index: $M@$bomb_at: attachment 2 "l2-00.zip": $why_tree
leakdex-index: $M@$bomb_at: attachment 3 "l1-00.zip": $why_tree
leakdex-index: $M@$bomb_at: attachment 4 "l0-00.zip": $why_tree
leakdex-index: $M@$gz_at: attachment 3 "zeros.bin.gz": $why_ratio
leakdex-index: $M@$gz_at: attachment 4 "zeros.bin.bz2": $why_ratio
leakdex-index: $M@$gz_at: attachment 5 "zeros.bin.xz": $why_ratio
leakdex-index: $P: indexed, but MIME parts past 10,000 were not listed
leakdex-index: $P: indexed, but MIME parts past 20,000 and all that follows them were not read
leakdex-index: $F: indexed, but header fields, parameters and addresses past 200,000 and all that follows them were not read
TXT
if diff -u "$WORK/want" "$WORK/warnings" >"$WORK/diff"; then ok; else bad "warnings: $(cat "$WORK/diff")"; fi
expect_eq "every message found and indexed" \
    "total: 24 messages found: 24 indexed, 0 duplicates, 0 already indexed, 0 skipped; 0 files skipped;" \
    "$(grep '^total:' "$WORK/out" | sed 's/ [0-9.]* s$//')"
expect_eq "the sources and the notes" \
    "maildir      10      10         0       0       0      0  $S/Maildir
          noted 1: MIME parts past 10,000 were not listed
          noted 1: MIME parts past 20,000 and all that follows them were not read
          noted 1: header fields, parameters and addresses past 200,000 and all that follows them were not read
mbox         14      14         0       0       0      0  $S/$M" \
    "$(sed -n '2,/^(files/p' "$WORK/out" | sed '$d')"
expect_eq "the attachments in the report" \
    "attachments: 10 (nested ones included): 2 with text, 0 truncated, 7 stopped by a limit, 0 skipped, 0 failed; 0 identical to one read earlier
          4: $why_tree
          3: $why_ratio" \
    "$(sed -n '/^attachments:/,/^dkim:/p' "$WORK/out" | sed '$d')"

# Every ordinary message, and every hostile one, is in the index.
ordinary_ids=""
for n in $(seq -w 1 20); do ordinary_ids+="o$n@ordinary.example "; done
expect_ids "every ordinary message" "$ordinary_ids" from:alice@ordinary.example
expect_ids "every ordinary message by its words" "$ordinary_ids" '"harbour budget"'
expect_ids "the hostile messages" \
    "fields@hostile.example gz@hostile.example parts@hostile.example zipbomb@hostile.example" \
    from:mallory@hostile.example
attachments() { # attachments MESSAGE-ID: [n, parent, name, status] of each file
    search --format json show "$(search "id:$1" | head -1 | cut -c1-12)" |
        python3 -c 'import json,sys; print(json.dumps([[a["n"], a["parent"], a["name"], a["status"]] for a in json.load(sys.stdin)["attachments"]]))'
}
expect_eq "the bomb: each archive read stopped at the tree's limit, one text read" \
    "[[1, 0, \"bomb.zip\", \"$why_tree\"], [2, 1, \"l2-00.zip\", \"$why_tree\"], [3, 2, \"l1-00.zip\", \"$why_tree\"], [4, 3, \"l0-00.zip\", \"$why_tree\"], [5, 4, \"leaf00.txt\", \"ok\"]]" \
    "$(attachments zipbomb@hostile.example)"
expect_ids "the bomb's one text read" "zipbomb@hostile.example" bombword
expect_eq "the gzip of a text behind zeros is the file it holds; the zeros stop at the ratio" \
    "[[1, 0, \"ledger.txt.gz\", \"ok\"], [2, 1, \"ledger.txt\", \"ok\"], [3, 0, \"zeros.bin.gz\", \"$why_ratio\"], [4, 0, \"zeros.bin.bz2\", \"$why_ratio\"], [5, 0, \"zeros.bin.xz\", \"$why_ratio\"]]" \
    "$(attachments gz@hostile.example)"
expect_ids "the text behind 1,024 zero bytes is indexed" "gz@hostile.example" '"offshore account"'
expect_ids "the empty parts' message: its first part" "parts@hostile.example" '"first part text survives"'
expect_ids "the header fields' message: indexed by its headers" "fields@hostile.example" \
    'subject:"header fields"'
expect_ids "...its body past the cut never parsed" "" '"body never parsed"'

# The text caps, through their options: 2,500 bytes of text for one
# attachment and the files inside it, 4,000 for the message; three
# identical texts of 1,000 bytes in each of two zips count each time.
T=$WORK/caps
mkdir -p "$T"
python3 - "$T/caps.eml" <<'PY'
import base64, io, sys, zipfile
text = b"".join(b"ocelot %04d counted every time\n" % i for i in range(40))[:1000]
b = io.BytesIO()
with zipfile.ZipFile(b, "w", zipfile.ZIP_DEFLATED) as z:
    for name in ("a.txt", "b.txt", "c.txt"):
        z.writestr(name, text)
def att(ctype, name, data):
    return (b"--B\nContent-Type: %s\nContent-Disposition: attachment; filename=\"%s\"\n"
            b"Content-Transfer-Encoding: base64\n\n" % (ctype, name) + base64.encodebytes(data))
open(sys.argv[1], "wb").write(
    b"From: Mallory <mallory@hostile.example>\nSubject: text caps\nMessage-ID: <caps@hostile.example>\n"
    b"MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"B\"\n\n--B\nContent-Type: text/plain\n\nbody\n"
    + att(b"application/zip", b"one.zip", b.getvalue()) + att(b"application/zip", b"two.zip", b.getvalue())
    + att(b"text/plain", b"notes.txt", b"a plain text attachment\n") + b"--B--\n")
PY
bounded 2097152 120 "$LEAKDEX_INDEX" --db "$WORK/capsdb" --attach-max-tree-text 2500 \
    --attach-max-message-text 4000 "$T" >"$WORK/caps.out" 2>"$WORK/caps.err"
expect_eq "text caps: exit status" 0 $?
why_t="limit: more than 2500 bytes of text in attachment 1 and the files inside it; the rest not read"
why_m="limit: more than 4000 bytes of text in this message's attachments; the rest not read"
expect_eq "text caps: the files past them" \
    "leakdex-index: $T/caps.eml: attachment 4 \"c.txt\": $why_t
leakdex-index: $T/caps.eml: attachment 7 \"b.txt\": $why_m
leakdex-index: $T/caps.eml: attachment 8 \"c.txt\": $why_m
leakdex-index: $T/caps.eml: attachment 9 \"notes.txt\": $why_m" "$(cat "$WORK/caps.err")"
expect_eq "text caps: each file's text and status" \
    '[[1, "one.zip", 0, "ok"], [2, "a.txt", 1000, "ok"], [3, "b.txt", 1000, "ok"], [4, "c.txt", 500, "limit"], [5, "two.zip", 0, "ok"], [6, "a.txt", 1000, "ok"], [7, "b.txt", 500, "limit"], [8, "c.txt", 0, "limit"], [9, "notes.txt", 0, "limit"]]' \
    "$(search --db "$WORK/capsdb" --format json show "$(search --db "$WORK/capsdb" id:caps@hostile.example | head -1 | cut -c1-12)" |
        python3 -c 'import json,sys; print(json.dumps([[a["n"], a["name"], a["text_bytes"], a["status"].split(":")[0]] for a in json.load(sys.stdin)["attachments"]]))')"

# Out of memory in one message: the 3 GiB of zeros of a gzip of 48 members
# (3 MB), read whole under --attach-max-bytes 8 GB and no ratio to speak
# of, cannot be held (ulimit -v 1 GiB; under AddressSanitizer, its largest
# allocation made 256 MiB). The message is skipped with its path and the
# reason; the others are indexed; the run ends normally.
O=$WORK/oom
mkdir -p "$O"
python3 - "$O" <<'PY'
import base64, os, sys, zlib
o = sys.argv[1]
co = zlib.compressobj(9, zlib.DEFLATED, 31)
member = co.compress(b"\0" * (64 << 20)) + co.flush()
open(os.path.join(o, "oom.eml"), "wb").write(
    b"From: Mallory <mallory@hostile.example>\nSubject: out of memory\nMessage-ID: <oom@hostile.example>\n"
    b"MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"B\"\n\n--B\nContent-Type: text/plain\n\nbody\n"
    b"--B\nContent-Type: application/gzip\nContent-Disposition: attachment; filename=\"zeros.gz\"\n"
    b"Content-Transfer-Encoding: base64\n\n" + base64.encodebytes(member * 48) + b"--B--\n")
for n in range(1, 4):
    open(os.path.join(o, "o%d.eml" % n), "wb").write(
        b"From: Alice <alice@ordinary.example>\nSubject: beside it %d\nMessage-ID: <beside%d@ordinary.example>\n\n"
        b"A letter beside the one that runs out of memory.\n" % (n, n))
PY
ASAN_OPTIONS="${ASAN_OPTIONS:-}:allocator_may_return_null=1:max_allocation_size_mb=256" \
    bounded 1048576 200 "$LEAKDEX_INDEX" --db "$WORK/oomdb" --jobs 1 --attach-max-bytes 8000000000 \
    --attach-max-ratio 100000000 "$O" >"$WORK/oom.out" 2>"$WORK/oom.err"
expect_eq "out of memory: exit status" 0 $?
# (AddressSanitizer says, too, that it failed to allocate: not leakdex's line.)
expect_eq "out of memory: the message, its path and the reason" \
    "leakdex-index: $O/oom.eml: out of memory while reading its attachments" \
    "$(grep -v '^==[0-9]*==WARNING: AddressSanitizer failed to allocate' "$WORK/oom.err")"
expect_eq "out of memory: counted as skipped, the others indexed" \
    "dir           4       3         0       0       1      0  $O
          skipped 1: out of memory while reading its attachments
total: 4 messages found: 3 indexed, 0 duplicates, 0 already indexed, 1 skipped; 0 files skipped;" \
    "$(sed -n '2,/^total:/p' "$WORK/oom.out" | grep -v '^(files' | sed 's/ [0-9.]* s$//')"
expect_ids "out of memory: the others are found" \
    "beside1@ordinary.example beside2@ordinary.example beside3@ordinary.example" \
    --db "$WORK/oomdb" '"beside the one"'
# The next run, with the default limits, reads it again and indexes it.
bounded 2097152 120 "$LEAKDEX_INDEX" --db "$WORK/oomdb" --quiet "$O" >"$WORK/oom2.out" 2>&1
expect_eq "out of memory: the next run indexes it" \
    "total: 4 messages found: 1 indexed, 0 duplicates, 3 already indexed, 0 skipped; 0 files skipped;" \
    "$(grep '^total:' "$WORK/oom2.out" | sed 's/ [0-9.]* s$//')"

# A run that must stop (its index cannot be written: a file size limit
# stands in for a full disk) still walks every source, counting: every
# message found is in the report, indexed or "not indexed: the run stopped
# before it", and the index holds exactly those reported indexed: what one
# writer committed before the stop; none when a first run with several jobs
# writes segments, which are merged only at the end.
for jobs in 1 2; do
    (
        ulimit -f 64
        trap '' XFSZ
        exec "$LEAKDEX_INDEX" --db "$WORK/full$jobs" --commit-every 5 --jobs "$jobs" "$DATA/eml" "$DATA/mbox" "$S/$M"
    ) >"$WORK/full$jobs.out" 2>"$WORK/full$jobs.err"
    expect_eq "a full disk, --jobs $jobs: exit 1" 1 $?
    grep -q "^leakdex-index: stopping: cannot write database" "$WORK/full$jobs.err" && ok ||
        bad "disk full message: $(tail -2 "$WORK/full$jobs.err")"
    read -r found indexed dups known skipped < <(sed -n 's/^total: \([0-9]*\) messages found: \([0-9]*\) indexed, \([0-9]*\) duplicates, \([0-9]*\) already indexed, \([0-9]*\) skipped.*/\1 \2 \3 \4 \5/p' "$WORK/full$jobs.out")
    expect_eq "a full disk, --jobs $jobs: every message found is counted" "66 66" \
        "${found:-} $((${indexed:-0} + ${dups:-0} + ${known:-0} + ${skipped:-0}))"
    expect_eq "a full disk, --jobs $jobs: those reported indexed are in the index" "$indexed" \
        "$( (search --db "$WORK/full$jobs" --count 2>/dev/null || true) | grep . || echo 0)"
    expect_eq "a full disk, --jobs $jobs: the stopped line" \
        "stopped: cannot write database: $skipped messages found were not indexed (skipped: not indexed: the run stopped before it); the next run indexes them" \
        "$(grep '^stopped:' "$WORK/full$jobs.out")"
    expect_eq "a full disk, --jobs $jobs: the sources' not-indexed counts add up" "$skipped" \
        "$(sed -n 's/^ *skipped \([0-9]*\): not indexed: the run stopped before it$/\1/p' "$WORK/full$jobs.out" | awk '{ s += $1 } END { print s }')"
    ((indexed < found)) && ok || bad "a full disk, --jobs $jobs: the run was expected to stop before the end ($indexed of $found)"
    index --db "$WORK/full$jobs" --quiet "$DATA/eml" "$DATA/mbox" "$S/$M" >/dev/null 2>&1
    # 65 documents: one message of data/mbox is also in data/eml.
    expect_eq "a full disk, --jobs $jobs: a later run completes it" 65 "$(search --db "$WORK/full$jobs" --count)"
done

finish
