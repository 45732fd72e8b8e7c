#!/usr/bin/env bash
# T540: what leakdex reads and writes on disk, under attack.
# - Access times: indexing, --reverify, --export-dir and `attachment` leave
#   the access times of the sources (files, Maildir and mbox files,
#   directories, a symbolic link) as they were: as their owner (O_NOATIME),
#   as root; as a user who does not own them (nobody, when the test runs as
#   root) the file system updates them, and the report says exactly how many;
#   read through a read-only bind mount, nothing changes.
# - Files written: an existing file or a planted symbolic link in the place
#   of any file either program writes (--export and its FILE.meta.json,
#   batch --export, --export-dir and each file in it, even one planted after
#   the directory was found empty, attachment --out, --keys-out) is an
#   error naming it, exit 2, and the link's target is untouched.
# - attachment N for a file not indexed because of its size: said so, and
#   the exact bytes written out.
# - An export while an indexer commits: its description and its hits come
#   from one revision (documents = hits = rows written).
source "$(dirname "$0")/lib.sh"
# 4 GiB of address space for everything below; not in a sanitizer build,
# whose AddressSanitizer reserves terabytes of shadow memory up front.
real_search=$(sed -n 's/^exec env .* \(\/[^ ]*\) "\$@"$/\1/p' "$LEAKDEX_SEARCH")
if ldd "${real_search:-$LEAKDEX_SEARCH}" 2>/dev/null | grep >/dev/null libasan; then
    echo "(sanitizer build: no ulimit -v)"
else
    ulimit -v $((4 << 20))
fi

# --- the sources --------------------------------------------------------------
make_sources() { # DIR
    python3 - "$1" <<'PY'
import base64, hashlib, io, os, sys, zipfile
root = sys.argv[1]
def w(rel, data):
    p = os.path.join(root, rel)
    os.makedirs(os.path.dirname(p), exist_ok=True)
    open(p, "wb").write(data.encode() if isinstance(data, str) else data)
def msg(mid, subject, body="body\n"):
    return ("From: alice@t263.example\nTo: bob@t263.example\nSubject: %s\nMessage-ID: <%s@t263.example>\n"
            "Date: Mon, 1 May 2017 10:00:00 +0000\n\n%s" % (subject, mid, body))
# A file not indexed for its size (6,000 bytes over --attach-max-bytes 5000),
# and a ZIP whose member declares 100 MB: past every limit, never unpacked.
big = b"".join(hashlib.sha256(b"%d" % i).digest() for i in range(188))[:6000]
z = io.BytesIO()
with zipfile.ZipFile(z, "w", zipfile.ZIP_STORED) as zf:
    zf.writestr(zipfile.ZipInfo("small.txt", (2017, 5, 1, 10, 0, 0)), "a small member\n")
    zf.writestr(zipfile.ZipInfo("huge.bin", (2017, 5, 1, 10, 0, 0)), b"0123456789")
zb = bytearray(z.getvalue())
loc = zb.index(b"PK\x03\x04", zb.index(b"huge.bin") - 40)
zb[loc + 22:loc + 26] = (100000000).to_bytes(4, "little")
cen = zb.index(b"PK\x01\x02", zb.index(b"huge.bin", loc + 40) - 46)
zb[cen + 24:cen + 28] = (100000000).to_bytes(4, "little")
def part(name, ctype, data):
    return ("--XX\nContent-Type: %s; name=\"%s\"\nContent-Disposition: attachment; filename=\"%s\"\n"
            "Content-Transfer-Encoding: base64\n\n%s\n" % (ctype, name, name, base64.encodebytes(data).decode()))
w("eml/a.eml", msg("a", "plain a"))
w("eml/b.eml", "From: alice@t263.example\nTo: bob@t263.example\nSubject: big files\n"
  "Message-ID: <b@t263.example>\nDate: Mon, 1 May 2017 11:00:00 +0000\nMIME-Version: 1.0\n"
  "Content-Type: multipart/mixed; boundary=XX\n\n--XX\nContent-Type: text/plain\n\nsee the files\n" +
  part("big.bin", "application/octet-stream", big) + part("pack.zip", "application/zip", bytes(zb)) + "--XX--\n")
w("md/cur/1.host:2,S", msg("m1", "maildir cur"))
w("md/new/2.host", msg("m2", "maildir new"))
w("md/tmp/3.host", msg("m3", "maildir tmp"))
w("box.mbox", "".join("From alice@t263.example Mon May  1 10:00:00 2017\n" + msg("x%d" % i, "mbox %d" % i) + "\n"
                      for i in range(3)))
open(os.path.join(os.path.dirname(root), "big.bin"), "wb").write(big)
PY
    ln -s eml/a.eml "$1/zz-link.eml"
}
S=$WORK/src
make_sources "$S"
BIGSUM=$(sha256sum <"$WORK/big.bin" | cut -d' ' -f1)

# Whether this file system sets access times at all (mounted noatime, it
# never does: the assertions on them then say nothing and are not made).
touch "$WORK/probe"
touch -a -d 2001-01-01 "$WORK/probe"
cat "$WORK/probe" >/dev/null
atimes_kept=1
if [[ $(stat -c %X "$WORK/probe") == $(date -d 2001-01-01 +%s) ]]; then
    atimes_kept=0
    echo "SKIP: $WORK is on a file system that does not update access times (noatime?):" \
        "the access-time assertions are not made" >&2
fi

# The test's own look at the tree must not change what it measures: find
# and ls would set the directories' access times. Directories are listed
# with O_NOATIME (the test runs as their owner, or as root).
cat >"$WORK/atimes.py" <<'PY'
import os, stat, sys
def walk(d):
    fd = os.open(d, os.O_RDONLY | os.O_DIRECTORY | os.O_NOATIME)
    try:
        names = sorted(os.listdir(fd))
    finally:
        os.close(fd)
    for n in names:
        p = os.path.join(d, n)
        yield p
        if stat.S_ISDIR(os.lstat(p).st_mode):
            yield from walk(p)
root = sys.argv[2]
paths = [root] + list(walk(root))
if sys.argv[1] == "old":  # every access time to 2001-01-01, older than the files
    for p in paths:
        os.utime(p, ns=(978307200 * 10**9, os.lstat(p).st_mtime_ns), follow_symlinks=False)
else:
    for p in paths:
        st = os.lstat(p)
        kind = "d" if stat.S_ISDIR(st.st_mode) else "l" if stat.S_ISLNK(st.st_mode) else "f"
        print(kind, st.st_atime_ns, p)
PY
old_atimes() { python3 "$WORK/atimes.py" old "$1"; }
atimes() { python3 "$WORK/atimes.py" snap "$1"; }
# changed BEFORE AFTER: "F files, D dirs, L links" whose atime changed.
changed() {
    python3 - "$1" "$2" <<'PY'
import sys
def read(p):
    return {l.split(" ", 2)[2]: l.split(" ", 2)[:2] for l in open(p).read().splitlines()}
a, b = read(sys.argv[1]), read(sys.argv[2])
n = {"f": 0, "d": 0, "l": 0}
for k, (t, at) in a.items():
    if b.get(k, [t, None])[1] != at:
        n[t] += 1
print("%d files, %d dirs, %d links" % (n["f"], n["d"], n["l"]))
PY
}
# unchanged DESCRIPTION TREE BEFORE-FILE
unchanged() {
    [[ $atimes_kept == 1 ]] || return 0
    atimes "$2" >"$WORK/atimes.after"
    expect_eq "$1: no access time changed" "0 files, 0 dirs, 0 links" \
        "$(changed "$3" "$WORK/atimes.after")"
}
LINKLINE="access times: put back on 1 symbolic link (its change time became now)"
UPDATED="updated by the file system when read (only their owner or root may read without updating them, or put them back); to keep them, read the sources from a read-only or noatime mount"

# --- access times, as the owner (and as root) ---------------------------------
old_atimes "$S"
atimes "$S" >"$WORK/atimes.before"
index --keys "$DATA/dkim-keys.txt" --attach-max-bytes 5000 "$S" >"$WORK/out" 2>"$WORK/err"
expect_eq "index: exit status" 0 $?
unchanged "index" "$S" "$WORK/atimes.before"
[[ $atimes_kept == 1 ]] && expect_eq "index: the link's time put back, said once" "$LINKLINE" \
    "$(grep '^access times' "$WORK/out")"
expect_eq "index: every message" 7 "$(search --count)"
index --keys "$DATA/dkim-keys.txt" --attach-max-bytes 5000 "$S" >"$WORK/out" 2>"$WORK/err"
unchanged "index again" "$S" "$WORK/atimes.before"
index --reverify --keys "$DATA/dkim-keys.txt" >"$WORK/out" 2>"$WORK/err"
expect_eq "reverify: exit status, every original read back" "0 0" \
    "$? $(sed -n 's/.*, \([0-9]*\) could not be read back.*/\1/p' "$WORK/out")"
unchanged "reverify" "$S" "$WORK/atimes.before"
expect_eq "reverify: nothing said" "" "$(grep '^access times' "$WORK/out")"
search --export-dir "$WORK/copies" >"$WORK/out" 2>"$WORK/err"
expect_eq "export-dir: every original, nothing on stderr" "copied 7 originals of 7 hits to $WORK/copies|" \
    "$(cat "$WORK/out")|$(cat "$WORK/err")"
unchanged "export-dir" "$S" "$WORK/atimes.before"
BID=$(search --format ndjson id:b@t263.example | python3 -c 'import json,sys; print(json.loads(sys.stdin.readline())["id"])')
search attachment "$BID" 3 --out "$WORK/small.txt" >"$WORK/out" 2>"$WORK/err"
expect_eq "attachment: written, nothing on stderr" "0|" "$?|$(cat "$WORK/err")"
unchanged "attachment" "$S" "$WORK/atimes.before"

# --- access times, as a user who does not own the sources, and as one who does
if [[ $(id -u) == 0 ]]; then
    chmod 755 "$WORK"
    as_nobody() { setpriv --reuid=nobody --regid=nogroup --clear-groups "$@"; }
    NB=$WORK/nb
    mkdir -p "$NB" && chown nobody "$NB"
    # Read by nobody, owned by root: 5 files (a.eml and the link to it are
    # one), 6 directories (tmp/ listed too), the link.
    N=$WORK/notmine
    make_sources "$N"
    old_atimes "$N"
    atimes "$N" >"$WORK/atimes.before"
    as_nobody "$LEAKDEX_INDEX" --db "$NB/db" --keys "$DATA/dkim-keys.txt" --attach-max-bytes 5000 "$N" \
        >"$WORK/out" 2>"$WORK/err"
    expect_eq "not the owner: exit status" 0 $?
    if [[ $atimes_kept == 1 ]]; then
        atimes "$N" >"$WORK/atimes.after"
        expect_eq "not the owner: the file system updated them all" "5 files, 6 dirs, 1 links" \
            "$(changed "$WORK/atimes.before" "$WORK/atimes.after")"
        expect_eq "not the owner: the report says how many and why" \
            "access times: 5 files, 6 directories and 1 symbolic link $UPDATED" \
            "$(grep '^access times' "$WORK/out")"
        old_atimes "$N"
        as_nobody "$LEAKDEX_INDEX" --db "$NB/db" --reverify --keys "$DATA/dkim-keys.txt" >"$WORK/out" 2>&1
        atimes "$N" >"$WORK/atimes.after"
        expect_eq "not the owner, reverify: the originals read back" "5 files, 0 dirs, 0 links" \
            "$(changed "$WORK/atimes.before" "$WORK/atimes.after")"
        expect_eq "not the owner, reverify: said" "access times: 5 files $UPDATED" \
            "$(grep '^access times' "$WORK/out")"
        old_atimes "$N"
        as_nobody "$LEAKDEX_SEARCH" --db "$NB/db" --export-dir "$NB/copies" >"$WORK/out" 2>"$WORK/err"
        expect_eq "not the owner, export-dir: said on stderr" "leakdex-search: access times: 5 files $UPDATED" \
            "$(cat "$WORK/err")"
        old_atimes "$N"
        as_nobody "$LEAKDEX_SEARCH" --db "$NB/db" attachment "$BID" 3 --out "$NB/small.txt" >"$WORK/out" 2>"$WORK/err"
        expect_eq "not the owner, attachment: said on stderr" "leakdex-search: access times: 1 file $UPDATED" \
            "$(cat "$WORK/err")"
        # The remedy the report gives: a read-only bind mount.
        old_atimes "$N"
        atimes "$N" >"$WORK/atimes.before"
        mkdir "$WORK/ro"
        trap 'umount "$WORK/ro" 2>/dev/null; rm -rf "$WORK"' EXIT
        if mount -o bind,ro "$N" "$WORK/ro" 2>/dev/null; then
            as_nobody "$LEAKDEX_INDEX" --db "$NB/rodb" --attach-max-bytes 5000 "$WORK/ro" >"$WORK/out" 2>&1
            umount "$WORK/ro"
            unchanged "not the owner, through a read-only bind mount" "$N" "$WORK/atimes.before"
            expect_eq "read-only bind mount: nothing to say" "" "$(grep '^access times' "$WORK/out")"
        else
            echo "SKIP: mount --bind -o ro is not permitted here: the read-only mount is not tried" >&2
        fi
    fi
    # Owned by nobody: O_NOATIME is allowed to the owner; the link's own time
    # is put back.
    O=$WORK/nb/mine
    make_sources "$O"
    chown -R -h nobody "$O"
    old_atimes "$O"
    atimes "$O" >"$WORK/atimes.before"
    as_nobody "$LEAKDEX_INDEX" --db "$NB/db2" --keys "$DATA/dkim-keys.txt" --attach-max-bytes 5000 "$O" \
        >"$WORK/out" 2>"$WORK/err"
    expect_eq "the owner (not root): exit status" 0 $?
    unchanged "the owner (not root), index" "$O" "$WORK/atimes.before"
    [[ $atimes_kept == 1 ]] && expect_eq "the owner (not root): the link's time put back" "$LINKLINE" \
        "$(grep '^access times' "$WORK/out")"
    as_nobody "$LEAKDEX_INDEX" --db "$NB/db2" --reverify --keys "$DATA/dkim-keys.txt" >/dev/null 2>&1
    unchanged "the owner (not root), reverify" "$O" "$WORK/atimes.before"
    as_nobody "$LEAKDEX_SEARCH" --db "$NB/db2" --export-dir "$NB/copies2" >/dev/null 2>&1
    unchanged "the owner (not root), export-dir" "$O" "$WORK/atimes.before"
    as_nobody "$LEAKDEX_SEARCH" --db "$NB/db2" attachment "$BID" 1 --out "$NB/big2.bin" >/dev/null 2>&1
    unchanged "the owner (not root), attachment" "$O" "$WORK/atimes.before"
else
    echo "SKIP: not root: the non-owner case (setpriv --reuid=nobody) is not tried" >&2
fi

# --- attachment N of a file not indexed for its size --------------------------
expect_eq "the statuses" "limit: larger than 5000 bytes|ok|ok|limit: larger than 5000 bytes" \
    "$(search --format json show "$BID" | python3 -c '
import json, sys
print("|".join(a["status"] for a in json.load(sys.stdin)["attachments"]))')"
search attachment "$BID" 1 --out "$WORK/big.out" >"$WORK/out" 2>"$WORK/err"
expect_eq "size-skipped attachment: exit status, nothing on stderr" "0|" "$?|$(cat "$WORK/err")"
expect_eq "size-skipped attachment: what it says" \
    "wrote 6000 bytes (big.bin, sha256 $BIGSUM) to $WORK/big.out
attachment 1 was not indexed because of its size (limit: larger than 5000 bytes): no SHA-256 of its own was recorded; the original message it comes from has its indexed SHA-256" \
    "$(cat "$WORK/out")"
expect_eq "size-skipped attachment: the exact bytes" "$BIGSUM" "$(sha256sum <"$WORK/big.out" | cut -d' ' -f1)"
expect_status "a member past every limit, never unpacked" 2 \
    timeout 120 "$LEAKDEX_SEARCH" attachment "$BID" 4 --out "$WORK/huge.out"
expect_eq "a member past every limit: what it says" \
    "leakdex-search: message $BID: attachment 4 was not indexed because of its size (limit: larger than 5000 bytes), and inside attachment 2 it is not unpacked: write out attachment 2" \
    "$(cat "$WORK/err")"
[[ ! -e $WORK/huge.out ]] && ok || bad "a file was written for an attachment that was not"

# --- nothing overwritten, no link followed ------------------------------------
V=$WORK/victim
printf 'precious\n' >"$V"
VSUM=$(sha256sum <"$V")
victim_intact() { expect_eq "$1: the link's target untouched" "$VSUM" "$(sha256sum <"$V")"; }
# refused DESCRIPTION EXACT-STDERR COMMAND...: exit 2, that one line.
refused() {
    local what=$1 want=$2
    shift 2
    expect_status "$what" 2 "$@"
    expect_eq "$what: the message" "$want" "$(cat "$WORK/err")"
    victim_intact "$what"
}
X=$WORK/x
mkdir "$X"
LINKED="a symbolic link; it is never followed"
EXISTS="the file exists; it is never overwritten"
for f in a.csv b.json c.ndjson; do
    ln -s "$V" "$X/$f"
    refused "--export over a link ($f)" "leakdex-search: --export: $X/$f: $LINKED" search --export "$X/$f" budget
    rm "$X/$f"
    cp "$V" "$X/$f"
    refused "--export over a file ($f)" "leakdex-search: --export: $X/$f: $EXISTS" search --export "$X/$f" budget
    expect_eq "--export over a file ($f): kept" "$VSUM" "$(sha256sum <"$X/$f")"
    rm "$X/$f"
done
ln -s "$V" "$X/d.csv.meta.json"
refused "--export: its description over a link" "leakdex-search: --export: $X/d.csv.meta.json: $LINKED" \
    search --export "$X/d.csv"
[[ ! -e $X/d.csv ]] && ok || bad "--export wrote the file whose description it could not"
# The temporary file has a name nobody can plant: FILE.tmp is left alone.
ln -s "$V" "$X/e.csv.tmp"
expect_status "--export beside a planted FILE.tmp" 0 search --export "$X/e.csv"
victim_intact "--export beside a planted FILE.tmp"
expect_eq "--export: the export, its description, the planted link; no temporary file" \
    "e.csv e.csv.meta.json e.csv.tmp" "$(cd "$X" && ls | grep '^e' | tr '\n' ' ' | sed 's/ $//')"
[[ -L $X/e.csv.tmp ]] && ok || bad "the planted FILE.tmp was replaced"
printf 'budget\n' >"$WORK/queries.txt"
ln -s "$V" "$X/f.csv"
refused "batch --export over a link" "leakdex-search: --export: $X/f.csv: $LINKED" \
    search --export "$X/f.csv" batch "$WORK/queries.txt"
mkdir "$X/emptydir"
ln -s "$X/emptydir" "$X/g"
refused "--export-dir: a link to an empty directory" "leakdex-search: --export-dir: $X/g: $LINKED" \
    search --export-dir "$X/g"
expect_eq "--export-dir: nothing written through the link" "" "$(ls "$X/emptydir")"
ln -s "$V" "$X/h.bin"
refused "attachment --out over a link" "leakdex-search: --out $X/h.bin: $LINKED" \
    search attachment "$BID" 3 --out "$X/h.bin"
cp "$V" "$X/i.bin"
refused "attachment --out over a file" "leakdex-search: --out $X/i.bin: $EXISTS" \
    search attachment "$BID" 3 --out "$X/i.bin"
ln -s "$V" "$X/keys.txt"
refused "--keys-out over a link" "leakdex-index: --keys-out $X/keys.txt: $LINKED" \
    index --db "$WORK/kdb" --dns --keys-out "$X/keys.txt" "$S"

# Files planted while the export runs: after --export-dir found its directory
# empty, and beside --export after its names were checked. An archive of 300
# messages gives the time to stop the searcher (SIGSTOP) as soon as its first
# file appears, plant, and let it go on.
M=$WORK/many
python3 - "$M" <<'PY'
import os, sys
d = sys.argv[1]
os.makedirs(d)
for i in range(300):
    open(os.path.join(d, "%04d.eml" % i), "w").write(
        "From: u%d@many.example\nSubject: budget %d\nMessage-ID: <%d@many.example>\n"
        "Date: Tue, 2 May 2017 10:%02d:00 +0000\n\nthe budget, part %d\n%s\n" % (i % 40, i, i, i % 60, i, "x" * 2000))
PY
index --db "$WORK/manydb" --quiet "$M" >/dev/null 2>&1
# planted NAME GLOB TARGET COMMAND...: runs COMMAND in the background, stops it
# once GLOB matches, plants TARGET as a link to the victim, lets it finish.
planted() {
    local what=$1 glob=$2 target=$3 try pid
    shift 3
    for try in 1 2 3 4 5; do
        rm -rf "$X/race" && mkdir "$X/race"
        "$@" >"$WORK/out" 2>"$WORK/err" &
        pid=$!
        for ((k = 0; k < 2000000; k++)); do
            compgen -G "$glob" >/dev/null && break
            kill -0 "$pid" 2>/dev/null || break
        done
        kill -STOP "$pid" 2>/dev/null
        if [[ -e $target || -L $target ]] || ! compgen -G "$glob" >/dev/null; then
            kill -CONT "$pid" 2>/dev/null
            wait "$pid"
            continue # too late: it had written that file already
        fi
        ln -s "$V" "$target"
        kill -CONT "$pid"
        wait "$pid"
        rc=$?
        return 0
    done
    bad "$what: the searcher was never caught before it wrote $target"
    return 1
}
if planted "export-dir" "$X/race/d/*.eml" "$X/race/d/manifest.csv" \
    "$LEAKDEX_SEARCH" --db "$WORK/manydb" --export-dir "$X/race/d"; then
    expect_eq "--export-dir: a manifest.csv planted meanwhile" \
        "2|leakdex-search: --export-dir: $X/race/d/manifest.csv: $LINKED" "$rc|$(cat "$WORK/err")"
    victim_intact "--export-dir: manifest.csv planted"
    expect_eq "--export-dir: what it had written is removed, the planted link kept" "manifest.csv" \
        "$(ls "$X/race/d")"
fi
if planted "export" "$X/race/all.csv.*.tmp" "$X/race/all.csv" \
    "$LEAKDEX_SEARCH" --db "$WORK/manydb" --export "$X/race/all.csv"; then
    expect_eq "--export: the file planted meanwhile" \
        "2|leakdex-search: --export: $X/race/all.csv: $LINKED" "$rc|$(cat "$WORK/err")"
    victim_intact "--export: the file planted meanwhile"
    expect_eq "--export: no temporary file, no description left" "all.csv" "$(ls "$X/race")"
fi

# --- an export while an indexer commits ---------------------------------------
# Messages 60 a run, indexed one run after another (at most 12 runs, so
# that an export in a slow build still finds a moment between commits);
# each export's description (documents, hits) and its rows must agree.
(
    n=0
    while [[ ! -e $WORK/stop ]] && ((n < 12)); do
        python3 - "$WORK/grow/c$n" "$n" <<'PY'
import os, sys
d, n = sys.argv[1], int(sys.argv[2])
os.makedirs(d)
for i in range(60):
    open(os.path.join(d, "%03d.eml" % i), "w").write(
        "From: g%d@grow.example\nSubject: grown %d %d\nMessage-ID: <%d.%d@grow.example>\n"
        "Date: Wed, 3 May 2017 10:00:00 +0000\n\ngrown body %d\n" % (i, n, i, n, i, i))
PY
        "$LEAKDEX_INDEX" --db "$WORK/manydb" --quiet --no-compact --commit-every 20 "$WORK/grow/c$n" \
            >/dev/null 2>>"$WORK/indexer.err" || { touch "$WORK/indexer.failed"; exit; }
        n=$((n + 1))
    done
) &
grower=$!
consistent=0 restarted=0 gave_up=0
GAVE_UP="leakdex-search: the index changed 9 times while the export was written (an indexer is committing); export again when it has finished"
for i in 1 2 3 4; do
    "$LEAKDEX_SEARCH" --db "$WORK/manydb" --export "$WORK/snap$i.csv" >"$WORK/out" 2>"$WORK/err"
    rc=$?
    restarted=$((restarted + $(grep -c 'the index changed during the export' "$WORK/err")))
    if [[ $rc == 0 ]]; then
        python3 - "$WORK/snap$i.csv" <<'PY' && consistent=$((consistent + 1)) || bad "export $i: description and hits differ"
import csv, json, sys
rows = sum(1 for _ in csv.DictReader(open(sys.argv[1], newline="", encoding="utf-8")))
m = json.load(open(sys.argv[1] + ".meta.json"))
d = m["database"]
assert isinstance(d["revision"], int), d
assert rows == m["hits"] == d["documents"], (rows, m["hits"], d["documents"])
PY
    elif [[ $rc == 2 && $(tail -1 "$WORK/err") == "$GAVE_UP" ]]; then
        gave_up=$((gave_up + 1))
        [[ ! -e $WORK/snap$i.csv && ! -e $WORK/snap$i.csv.meta.json ]] && ok || bad "export $i: files left"
    else
        bad "export $i: exit $rc: $(cat "$WORK/err")"
    fi
    "$LEAKDEX_SEARCH" --db "$WORK/manydb" --export-dir "$WORK/snapdir$i" >"$WORK/out" 2>"$WORK/err"
    rc=$?
    restarted=$((restarted + $(grep -c 'the index changed during the export' "$WORK/err")))
    if [[ $rc == 2 && $(tail -1 "$WORK/err") == "$GAVE_UP" ]]; then
        gave_up=$((gave_up + 1))
        [[ ! -e $WORK/snapdir$i ]] && ok || bad "export-dir $i: files left"
    elif [[ $rc != 0 ]]; then
        bad "export-dir $i: exit $rc: $(cat "$WORK/err")"
    else
        python3 - "$WORK/snapdir$i" <<'PY' || bad "export-dir $i: description and hits differ"
import csv, json, os, sys
d = sys.argv[1]
rows = list(csv.DictReader(open(os.path.join(d, "manifest.csv"), newline="", encoding="utf-8")))
m = json.load(open(os.path.join(d, "export.meta.json")))
assert len(rows) == m["hits"] == m["database"]["documents"], (len(rows), m["hits"], m["database"])
assert len(os.listdir(d)) == len(rows) + 3, (len(os.listdir(d)), len(rows))
PY
        consistent=$((consistent + 1))
    fi
done
touch "$WORK/stop"
wait "$grower"
[[ ! -e $WORK/indexer.failed ]] && ok || bad "the indexer failed: $(cat "$WORK/indexer.err")"
((consistent >= 1)) && ok || bad "no export completed while the index grew"
echo "(exports during indexing: $consistent consistent, $restarted restarts, $gave_up given up)"

finish
