#!/usr/bin/env bash
# T120: the indexing pipeline. The same sources give the same index with
# --jobs 1 and --jobs 4: every term (with its frequency), value and
# document data, under the same document numbers. A second run recognizes
# the files it indexed whole by path, size and modification time; a file
# that changed is read again and only its new messages are added; a file
# that holds no message is reported on every run. kill -9 under four jobs,
# then a complete run: every message exactly once. The progress line shows
# on a terminal only. --jobs takes 1 to 256. A run that adds a fifth of
# the index compacts it, to the same contents in less space. With worker
# threads, a run that adds that much writes segments (several writers),
# merged in input order: the same index again, for any number of jobs and
# segments, with duplicates, copies and Message-ID conflicts across
# segments, a damaged message and an mbox cut between segments; kill -9
# while segments are written or merged, then a complete run: every message
# exactly once.
source "$(dirname "$0")/lib.sh"

# dump DB: terms with frequencies, values and each document's data, by
# document number (the UUID and the revision left out), then the stem table
# and the thread aliases.
dump() {
    local n
    xapian-delve -v -1 -a "$1" | sed 1d
    xapian-delve -V "$1" | grep -v '^UUID\|^revision'
    n=$(xapian-delve "$1" | sed -n 's/^number of documents = //p')
    seq 1 "$n" | sed 's/^/-r/' | xargs -n 200 xapian-delve -d -v -1 "$1"
    "$LEAKDEX_BUILD/tests/dump-metadata" "$1" leakdex.stem. leakdex.thread.
}
# The report without its times, the jobs line and the size before compaction
# (which depends on when the writer committed; the documents are compared
# term by term above).
report() {
    grep -v '^jobs:' "$1" | sed 's/ [0-9.]* s$//; s/; [0-9.]* s$//; s/rewritten from [0-9.]* MB/rewritten from N MB/'
}

# ---------------------------------------------------------------- same index
for j in 1 4; do
    index --db "$WORK/j$j" --jobs "$j" --keys "$DATA/dkim-keys.txt" "$DATA" \
        >"$WORK/j$j.out" 2>"$WORK/j$j.err"
    expect_eq "--jobs $j exits 0" 0 $?
done
expect_eq "--jobs 1 says so" "jobs: 1 (one thread parsed the messages and wrote the index)" \
    "$(grep '^jobs:' "$WORK/j1.out")"
expect_eq "--jobs 4 says so" \
    "jobs: 4 worker threads parsed the messages, 4 wrote 1 segments merged in input order in N s" \
    "$(grep '^jobs:' "$WORK/j4.out" | sed 's/ [0-9.]* s$/ N s/')"
dump "$WORK/j1" >"$WORK/j1.dump"
dump "$WORK/j4" >"$WORK/j4.dump"
[[ $(grep -c '' "$WORK/j1.dump") -gt 10000 ]] && ok || bad "the dump is too short to compare"
cmp -s "$WORK/j1.dump" "$WORK/j4.dump" && ok ||
    bad "--jobs 1 and --jobs 4 differ: $(diff "$WORK/j1.dump" "$WORK/j4.dump" | head -5)"
expect_eq "the same report" "$(report "$WORK/j1.out")" "$(report "$WORK/j4.out")"
expect_eq "the same warnings, in the same order" "$(cat "$WORK/j1.err")" "$(cat "$WORK/j4.err")"
grep -q "^attachments: .* 2 identical to one read earlier" "$WORK/j4.out" && ok ||
    bad "the repeated PDF: $(grep '^attachments:' "$WORK/j4.out")"

# ---------------------------------------------------------------- segments
# Chunks of 7 documents (LEAKDEX_SEGMENT_DOCS): dozens of segments. Beside
# the sample: an mbox of 40 messages across six chunks holding a message
# repeated byte for byte 20 messages later, a Message-ID whose second
# message says something else (a conflict, both marked) 25 messages later,
# a copy with other transport headers (the same message: no conflict), and
# a message without headers (skipped); a message that repeats one of the
# sample's files.
python3 - "$WORK/extra" "$DATA/eml" <<'PY'
import os, sys
out, eml = sys.argv[1], sys.argv[2]
os.makedirs(out)
def msg(i, mid, body, extra=""):
    return ("From s%d@example.org Mon Jan  2 10:00:00 2017\n%sFrom: s%d@example.org\n"
            "To: t@example.org\nSubject: segment %d\nDate: Mon, 2 Jan 2017 10:%02d:00 +0100\n"
            "Message-ID: <%s@example.org>\n\n%s\n\n" % (i % 5, extra, i % 5, i, i % 60, mid, body))
parts = []
for i in range(40):
    if i == 3:
        parts.append("From nobody Mon Jan  2 10:00:00 2017\nno header here at all\n\nbody\n\n")
    elif i == 24:
        parts.append(parts[4])
    elif i == 30:
        parts.append(msg(5, "m5", "the budget was cut in half"))
    elif i == 33:
        parts.append(msg(6, "m6", "body %d about the merger" % 6, "Received: by relay.example.org\n"))
    else:
        parts.append(msg(i, "m%d" % i, "body %d about the merger" % i))
open(os.path.join(out, "seg.mbox"), "w").write("".join(parts))
first = sorted(os.listdir(eml))[0]
open(os.path.join(out, "again.eml"), "wb").write(open(os.path.join(eml, first), "rb").read())
PY
index --db "$WORK/s1" --jobs 1 --keys "$DATA/dkim-keys.txt" "$DATA" "$WORK/extra" \
    >"$WORK/s1.out" 2>"$WORK/s1.err"
dump "$WORK/s1" >"$WORK/s1.dump"
xapian-delve -t XCyes "$WORK/s1" | grep -q 'termfreq 4' && ok ||
    bad "the conflicts: $(xapian-delve -t XCyes "$WORK/s1" | head -2)"
grep -q '^total: 351 messages found: 344 indexed, 6 duplicates, 0 already indexed, 1 skipped;' \
    "$WORK/s1.out" && ok || bad "the message without headers is skipped: $(grep '^total:' "$WORK/s1.out")"
grep -q 'seg.mbox@[0-9]*+[0-9]*: GMime found no message headers$' "$WORK/s1.err" && ok ||
    bad "the message without headers is warned about: $(cat "$WORK/s1.err")"
# The report without the jobs line, times and sizes.
bare() { report "$1" | sed 's/ to [0-9.]* MB in$//'; }
for j in 2 3 4 8; do
    LEAKDEX_SEGMENT_DOCS=7 index --db "$WORK/s$j" --jobs "$j" --keys "$DATA/dkim-keys.txt" \
        "$DATA" "$WORK/extra" >"$WORK/s$j.out" 2>"$WORK/s$j.err"
    expect_eq "segments, --jobs $j: exit 0" 0 $?
    w=$((j < 4 ? j : 4))
    grep -q "^jobs: $j worker threads parsed the messages, $w wrote [0-9]* segments merged in input order in [0-9.]* s$" \
        "$WORK/s$j.out" && ok || bad "--jobs $j: $(grep '^jobs:' "$WORK/s$j.out")"
    n=$(sed -n 's/^jobs: .* wrote \([0-9]*\) segments.*/\1/p' "$WORK/s$j.out")
    [[ ${n:-0} -ge 40 ]] && ok || bad "--jobs $j: only ${n:-no} segments"
    dump "$WORK/s$j" | cmp -s - "$WORK/s1.dump" && ok ||
        bad "--jobs 1 and --jobs $j in segments differ: $(dump "$WORK/s$j" | diff - "$WORK/s1.dump" | head -5)"
    expect_eq "segments, --jobs $j: the same report" "$(bare "$WORK/s1.out")" "$(bare "$WORK/s$j.out")"
    expect_eq "segments, --jobs $j: the same warnings, in order" "$(cat "$WORK/s1.err")" "$(cat "$WORK/s$j.err")"
    [[ -e "$WORK/s$j.seg" || -e "$WORK/s$j.compacting" ]] && bad "segments left beside the index" || ok
done
# Segments after an index: the sample's .eml files first, then the rest in
# a run that reads more than a fifth of what the index holds (segments,
# merged after the index's documents; again.eml repeats one of them).
for j in 1 4; do
    index --db "$WORK/p$j" --jobs "$j" "$DATA/eml" >/dev/null 2>&1
    LEAKDEX_SEGMENT_DOCS=7 index --db "$WORK/p$j" --jobs "$j" --keys "$DATA/dkim-keys.txt" \
        "$DATA" "$WORK/extra" >"$WORK/p$j.out" 2>"$WORK/p$j.err"
done
grep -q '^jobs: 4 .* segments merged in input order' "$WORK/p4.out" && ok ||
    bad "no segments after an index: $(grep '^jobs:' "$WORK/p4.out")"
expect_eq "segments after an index: the same report" "$(bare "$WORK/p1.out")" "$(bare "$WORK/p4.out")"
dump "$WORK/p4" | cmp -s - <(dump "$WORK/p1") && ok ||
    bad "segments after an index differ: $(dump "$WORK/p4" | diff - <(dump "$WORK/p1")| head -5)"
# A run reading enough to write segments that finds only known messages
# (every file touched) and one more copy: no segment, nothing merged, the
# copy's location added to the index as one writer adds it.
cp -r "$DATA/eml" "$WORK/q"
for j in 1 4; do
    index --db "$WORK/q$j" --jobs "$j" "$WORK/q" >/dev/null 2>&1
done
find "$WORK/q" -type f -exec touch {} +
cp "$(find "$WORK/q" -type f | sort | head -1)" "$WORK/q/zz-copy.eml"
for j in 1 4; do
    index --db "$WORK/q$j" --jobs "$j" "$WORK/q" >"$WORK/q$j.out" 2>&1
done
expect_eq "only known messages: no segment" \
    "jobs: 4 worker threads parsed the messages, 4 wrote 0 segments merged in input order" \
    "$(grep '^jobs:' "$WORK/q4.out" | sed 's/ in [0-9.]* s$//')"
expect_eq "only known messages: the same report" "$(bare "$WORK/q1.out")" "$(bare "$WORK/q4.out")"
grep -q '^total: 33 messages found: 0 indexed, 1 duplicates, 32 already indexed' "$WORK/q4.out" && ok ||
    bad "only known messages: $(grep '^total:' "$WORK/q4.out")"
dump "$WORK/q4" | cmp -s - <(dump "$WORK/q1") && ok || bad "only known messages: the indexes differ"
[[ -e "$WORK/q4.seg" ]] && bad "an empty segment directory is left" || ok

# ---------------------------------------------------------------- compaction
# A run that adds a fifth of the index or more rewrites it compactly: the
# same dump as without (--no-compact), in less space, with no copy left.
grep -q '^compacted: the index rewritten from [0-9.]* MB to [0-9.]* MB in [0-9.]* s$' "$WORK/j1.out" &&
    ok || bad "the first run compacts: $(tail -2 "$WORK/j1.out")"
index --db "$WORK/loose" --no-compact --keys "$DATA/dkim-keys.txt" "$DATA" >"$WORK/loose.out" 2>/dev/null
grep -q 'compacted' "$WORK/loose.out" && bad "--no-compact compacts" || ok
dump "$WORK/loose" | cmp -s - "$WORK/j1.dump" && ok ||
    bad "compaction changed the index: $(dump "$WORK/loose" | diff - "$WORK/j1.dump" | head -5)"
loose=$(du -sb "$WORK/loose" | cut -f1)
tight=$(du -sb "$WORK/j1" | cut -f1)
((tight < loose)) && ok || bad "compacted $tight bytes, not less than $loose"
[[ -e "$WORK/j1.compacting" ]] && bad "the copy is left beside the index" || ok
# What a run killed while compacting leaves beside the index (a partial copy)
# is removed by the next run, which opens the index as it was.
mkdir "$WORK/j4.compacting"
printf 'partial\n' >"$WORK/j4.compacting/postlist.glass"
index --db "$WORK/j4" --keys "$DATA/dkim-keys.txt" "$DATA" >"$WORK/j4b.out" 2>/dev/null
expect_eq "after a killed compaction: exit 0, copy removed" "0 no" \
    "$? $([[ -e "$WORK/j4.compacting" ]] && echo yes || echo no)"
grep -q 'compacted' "$WORK/j4b.out" && bad "a run that adds nothing compacts" || ok
dump "$WORK/j4" | cmp -s - "$WORK/j1.dump" && ok || bad "the index changed after a stale copy"
# A compaction that cannot be done (here: a file where the copy goes) is
# reported; the index stays whole, as written, and the file is not touched.
printf 'not ours\n' >"$WORK/fc.compacting"
index --db "$WORK/fc" --keys "$DATA/dkim-keys.txt" "$DATA" >"$WORK/fc.out" 2>/dev/null
expect_eq "a failed compaction: exit 0" 0 $?
grep -q '^not compacted: .*fc.compacting' "$WORK/fc.out" && ok ||
    bad "a failed compaction is reported: $(tail -1 "$WORK/fc.out")"
dump "$WORK/fc" | cmp -s - "$WORK/j1.dump" && ok || bad "the index after a failed compaction"
expect_eq "the file in the way is left alone" "not ours" "$(cat "$WORK/fc.compacting")"
# Segments that cannot be written (a file where they go): said, one thread
# writes the index, the file is not touched.
printf 'not ours\n' >"$WORK/fs.seg"
index --db "$WORK/fs" --jobs 4 "$DATA/eml" >"$WORK/fs.out" 2>"$WORK/fs.err"
expect_eq "segments that cannot be written: the warning" \
    "leakdex-index: $WORK/fs.seg: File exists: cannot write segments: one thread writes the index" \
    "$(cat "$WORK/fs.err")"
expect_eq "segments that cannot be written: one writer" \
    "jobs: 4 worker threads parsed the messages, one wrote the index" "$(grep '^jobs:' "$WORK/fs.out")"
expect_eq "the file in the way of segments is left alone" "not ours" "$(cat "$WORK/fs.seg")"
# An index reached through a symbolic link is not compacted (exchanging
# would replace the link): said so, the link and the index kept.
mkdir "$WORK/real"
index --db "$WORK/real/idx" --keys "$DATA/dkim-keys.txt" "$DATA/eml" >/dev/null 2>&1
ln -s "$WORK/real/idx" "$WORK/link"
index --db "$WORK/link" --keys "$DATA/dkim-keys.txt" "$DATA" >"$WORK/link.out" 2>/dev/null
expect_eq "through a link: not compacted" \
    "not compacted: the index is reached through a symbolic link" "$(tail -1 "$WORK/link.out")"
[[ -L "$WORK/link" && -f "$WORK/real/idx/iamglass" ]] && ok || bad "the link or the index is gone"

# ---------------------------------------------------------------- unchanged files
mkdir -p "$WORK/src"
cp -r "$DATA/eml" "$DATA/mbox" "$WORK/src/"
printf 'this is not mail\n' >"$WORK/src/notes.txt"
index --db "$WORK/inc" --jobs 2 "$WORK/src" >"$WORK/r1" 2>"$WORK/r1.err"
files=$(find "$WORK/src/eml" "$WORK/src/mbox" -type f | wc -l)
found=$(sed -n 's/^total: \([0-9]*\) messages found.*/\1/p' "$WORK/r1")
mbox_msgs=$(($(grep -c '^From ' "$WORK/src/mbox/presse.mbox") + $(grep -c '^From ' "$WORK/src/mbox/campagne-2016.mbox")))
grep -q '^unchanged:' "$WORK/r1" && bad "a first run has nothing unchanged" || ok
index --db "$WORK/inc" --jobs 2 "$WORK/src" >"$WORK/r2" 2>"$WORK/r2.err"
expect_eq "second run: every file recognized without reading it" \
    "unchanged: $files files ($found messages) indexed whole by an earlier run, recognized by path, size and modification time and not read again" \
    "$(grep '^unchanged:' "$WORK/r2")"
expect_eq "second run: nothing new" \
    "total: $found messages found: 0 indexed, 0 duplicates, $found already indexed, 0 skipped; 1 files skipped;" \
    "$(grep '^total:' "$WORK/r2" | sed 's/ [0-9.]* s$//')"
expect_eq "the file with no message is reported again" \
    "leakdex-index: $WORK/src/notes.txt: not a mail message (no header block), skipped" \
    "$(cat "$WORK/r2.err")"
# A changed modification time: read again, its message found already there.
one=$(find "$WORK/src/eml" -type f | sort | head -1)
touch -d '2001-02-03 04:05:06' "$one"
# A grown mbox: read again, only the new message added.
printf 'From grown@example.org Mon Jan  2 10:00:00 2017\nFrom: grown@example.org\nTo: a@example.org\nSubject: appended later\nDate: Mon, 2 Jan 2017 10:00:00 +0100\nMessage-ID: <grown@example.org>\n\nnew text\n\n' \
    >>"$WORK/src/mbox/presse.mbox"
index --db "$WORK/inc" --jobs 2 "$WORK/src" >"$WORK/r3" 2>"$WORK/r3.err"
presse=$(grep -c '^From ' "$WORK/src/mbox/presse.mbox")
expect_eq "third run: the two changed files read again" \
    "unchanged: $((files - 2)) files ($((found - 1 - presse + 1)) messages) indexed whole by an earlier run, recognized by path, size and modification time and not read again" \
    "$(grep '^unchanged:' "$WORK/r3")"
expect_eq "third run: the appended message alone is new" \
    "total: $((found + 1)) messages found: 1 indexed, 0 duplicates, $found already indexed, 0 skipped; 1 files skipped;" \
    "$(grep '^total:' "$WORK/r3" | sed 's/ [0-9.]* s$//')"
expect_ids "the appended message is searchable" "grown@example.org" --db "$WORK/inc" subject:appended
index --db "$WORK/inc" --jobs 2 "$WORK/src" >"$WORK/r4" 2>/dev/null
expect_eq "fourth run: all recognized again" \
    "unchanged: $files files ($((found + 1)) messages) indexed whole by an earlier run, recognized by path, size and modification time and not read again" \
    "$(grep '^unchanged:' "$WORK/r4")"
[[ $mbox_msgs -gt 0 ]] && ok || bad "no mbox messages in the sample"

# ---------------------------------------------------------------- kill -9
python3 - "$WORK/kill" "$DATA" <<'PY'
import os, sys
out, data = sys.argv[1], sys.argv[2]
files = []
for d in ("eml", "charsets", "attach"):
    files += [os.path.join(data, d, f) for f in sorted(os.listdir(os.path.join(data, d)))]
for c in range(3):
    os.makedirs(os.path.join(out, "c%d" % c))
    for i, p in enumerate(files):
        raw = open(p, "rb").read()
        open(os.path.join(out, "c%d" % c, "%03d.eml" % i), "wb").write(b"X-Copy: %d\n" % c + raw)
PY
total=$(find "$WORK/kill" -type f | wc -l)
RANDOM=7
for i in $(seq 8); do
    LEAKDEX_SEGMENT_DOCS=20 "$LEAKDEX_INDEX" --db "$WORK/kdb" --quiet --jobs 4 --commit-every 7 \
        "$WORK/kill" >/dev/null 2>&1 &
    pid=$!
    sleep "0.$((RANDOM % 60))"
    kill -9 "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
done
for _ in $(seq 50); do
    LEAKDEX_SEGMENT_DOCS=20 index --db "$WORK/kdb" --quiet --jobs 4 "$WORK/kill" >"$WORK/kfinal" \
        2>"$WORK/kfinal.err" && break
    grep -q locked "$WORK/kfinal.err" || break
    sleep 0.1
done
expect_eq "after the kills, the completing run exits 0" "" "$(cat "$WORK/kfinal.err")"
xapian-check "$WORK/kdb" >"$WORK/kcheck" 2>&1 && ok || bad "xapian-check: $(tail -3 "$WORK/kcheck")"
expect_eq "every message present" "$total" "$(search --db "$WORK/kdb" --count)"
[[ -e "$WORK/kdb.seg" || -e "$WORK/kdb.compacting" ]] && bad "segments left after the kills" || ok
expect_eq "every message exactly once" "$total" \
    "$(search --db "$WORK/kdb" --format ndjson | python3 -c 'import json,sys; print(len({json.loads(l)["sha256"] for l in sys.stdin}))')"
index --db "$WORK/kdb" --jobs 4 "$WORK/kill" >"$WORK/kagain" 2>/dev/null
expect_eq "a run after that reads nothing" \
    "unchanged: $total files ($total messages) indexed whole by an earlier run, recognized by path, size and modification time and not read again" \
    "$(grep '^unchanged:' "$WORK/kagain")"

# ---------------------------------------------------------------- progress
index --db "$WORK/p1" "$DATA/eml" >"$WORK/p1.out" 2>"$WORK/p1.err"
grep -q 'msg/s' "$WORK/p1.err" && bad "a progress line when stderr is a file" || ok
if command -v script >/dev/null; then
    script -qec "'$LEAKDEX_INDEX' --db '$WORK/p2' '$DATA/eml'" /dev/null >"$WORK/p2.tty" 2>&1
    n=$(find "$DATA/eml" -type f | wc -l)
    grep -q "leakdex-index: $n files to read" "$WORK/p2.tty" && ok ||
        bad "no file count on a terminal: $(head -c 300 "$WORK/p2.tty")"
    grep -q "$n/$n files, [0-9]* messages, [0-9]* msg/s, [0-9.]* MB/s, .* left" "$WORK/p2.tty" && ok ||
        bad "no final progress line: $(head -c 300 "$WORK/p2.tty")"
    grep -q '^total: ' "$WORK/p2.tty" && ok || bad "no summary on a terminal"
    script -qec "'$LEAKDEX_INDEX' --quiet --db '$WORK/p3' '$DATA/eml'" /dev/null >"$WORK/p3.tty" 2>&1
    grep -q 'msg/s' "$WORK/p3.tty" && bad "a progress line with --quiet" || ok
else
    echo "script(1) is not installed: the terminal checks are skipped"
fi

# ---------------------------------------------------------------- options
for bad_jobs in 0 257 -1 x "" 2x; do
    expect_status "--jobs '$bad_jobs'" 2 index --db "$WORK/opt" --jobs "$bad_jobs" "$DATA/eml"
done
grep -q "^leakdex-index: --jobs: '2x' is not a number from 1 to 256$" "$WORK/err" && ok ||
    bad "--jobs message: $(cat "$WORK/err")"

finish
