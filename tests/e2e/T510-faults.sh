#!/usr/bin/env bash
# T510: faults. kill -9 at random moments, then a complete run: the index
# checks clean and holds every message exactly once. A full disk and a
# read-only index: a clear error, no corrupt index. Searching while the
# indexer runs: the last committed state, never an error.
source "$(dirname "$0")/lib.sh"

# A few hundred distinct messages: the sample's files, each copy made
# distinct by a header of its own.
python3 - "$WORK/src" "$DATA" <<'PY'
import os, sys
out, data = sys.argv[1], sys.argv[2]
files = []
for d in ("eml", "charsets"):
    files += [os.path.join(data, d, f) for f in sorted(os.listdir(os.path.join(data, d)))]
for c in range(3):
    os.makedirs(os.path.join(out, "c%d" % c))
    for i, p in enumerate(files):
        raw = open(p, "rb").read()
        open(os.path.join(out, "c%d" % c, "%03d.eml" % i), "wb").write(b"X-Copy: %d\n" % c + raw)
PY
total=$(find "$WORK/src" -type f | wc -l)
[[ $total -ge 300 ]] && ok || bad "only $total messages"

# Twenty kills at random moments, each run committing every 10 documents.
RANDOM=42
for i in $(seq 20); do
    "$LEAKDEX_INDEX" --quiet --commit-every 10 "$WORK/src" >/dev/null 2>&1 &
    pid=$!
    sleep "0.$((RANDOM % 40))"
    kill -9 "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
done
# The killed runs' lock may take a moment to go: retry while locked.
for _ in $(seq 50); do
    index --quiet "$WORK/src" >"$WORK/final" 2>"$WORK/final.err" && break
    grep -q locked "$WORK/final.err" || break
    sleep 0.1
done
expect_eq "the completing run exits 0" "" "$(cat "$WORK/final.err")"
xapian-check "$LEAKDEX_DB" >"$WORK/check" 2>&1 && ok || bad "xapian-check: $(tail -3 "$WORK/check")"
expect_eq "every message present" "$total" "$(search --count)"
expect_eq "every message exactly once" "$total" \
    "$(search --format ndjson | python3 -c 'import json,sys; print(len({json.loads(l)["sha256"] for l in sys.stdin}))')"
expect_eq "a run after that adds nothing" "0 indexed" \
    "$(index "$WORK/src" 2>/dev/null | sed -n 's/^total: .* found: \([0-9]*\) indexed.*/\1 indexed/p')"

# A first run killed while Xapian created the index leaves its lock file and
# tables without the version file (iamglass): nothing was committed. The
# searcher says so; the next run creates the index anew.
index --db "$WORK/unfinished" --quiet "$DATA/eml" >/dev/null 2>&1
rm "$WORK/unfinished/iamglass"
expect_status "search on an unfinished index" 2 search --db "$WORK/unfinished" --count
expect_eq "what the searcher says of it" \
    "leakdex-search: '$WORK/unfinished' is not a leakdex index (nothing committed yet: an indexer is creating it, or was stopped before its first commit); build one with: leakdex-index --db $WORK/unfinished SOURCE..." \
    "$(cat "$WORK/err")"
expect_status "a run over an unfinished index" 0 index --db "$WORK/unfinished" --quiet "$DATA/eml"
expect_eq "it holds every message" 32 "$(search --db "$WORK/unfinished" --count)"
# ... unless another indexer holds its lock: then it is left alone.
rm "$WORK/unfinished/iamglass"
python3 - "$WORK/unfinished/flintlock" "$WORK/locked" <<'PY' &
import fcntl, os, sys, time
fd = os.open(sys.argv[1], os.O_RDWR)
fcntl.lockf(fd, fcntl.LOCK_EX)
open(sys.argv[2], "w").close()
time.sleep(5)
PY
locker=$!
for _ in $(seq 50); do [[ -e $WORK/locked ]] && break; sleep 0.1; done
index --db "$WORK/unfinished" --quiet "$DATA/eml" >/dev/null 2>&1
expect_eq "a locked unfinished index is left alone" "flintlock postlist.glass" \
    "$(ls "$WORK/unfinished" | grep -E '^(flintlock|postlist.glass)$' | tr '\n' ' ' | sed 's/ $//')"
kill "$locker" 2>/dev/null
wait "$locker" 2>/dev/null

# A full disk (a file size limit stands in for it): a clear error, exit 1,
# and the index is still sound and completes later.
(
    ulimit -f 64
    trap '' XFSZ
    exec "$LEAKDEX_INDEX" --db "$WORK/full" --commit-every 50 "$WORK/src"
) >"$WORK/full.out" 2>"$WORK/full.err"
expect_eq "disk full: exit 1" 1 $?
grep -q "^leakdex-index: stopping: cannot write database" "$WORK/full.err" && ok ||
    bad "disk full message: $(tail -2 "$WORK/full.err")"
if [[ -d $WORK/full ]]; then
    xapian-check "$WORK/full" >/dev/null 2>&1 && ok || bad "xapian-check after disk full"
fi
index --db "$WORK/full" --quiet "$WORK/src" >/dev/null 2>&1
expect_eq "after disk full, a later run completes" "$total" "$(search --db "$WORK/full" --count)"

# A read-only index (as nobody when root, whom permissions do not stop).
chmod -R a-w "$WORK/full"
as_nobody=()
if [[ $(id -u) == 0 ]]; then
    chmod 755 "$WORK"
    as_nobody=(setpriv --reuid=nobody --regid=nogroup --clear-groups)
fi
"${as_nobody[@]}" "$LEAKDEX_INDEX" --db "$WORK/full" "$WORK/src" >"$WORK/ro.out" 2>"$WORK/ro.err"
expect_eq "read-only index: exit 1" 1 $?
grep -q "^leakdex-index: cannot open index '$WORK/full'" "$WORK/ro.err" && ok ||
    bad "read-only message: $(cat "$WORK/ro.err")"
"${as_nobody[@]}" "$LEAKDEX_SEARCH" --db "$WORK/full" --count >"$WORK/ro.count" 2>&1
expect_eq "the searcher reads a read-only index" "$total" "$(cat "$WORK/ro.count")"
chmod -R u+w "$WORK/full"
xapian-check "$WORK/full" >/dev/null 2>&1 && ok || bad "xapian-check after the read-only attempt"

# Searching while the indexer runs: once a first run has committed, every
# search succeeds, counts never go down, and the last one sees everything.
index --db "$WORK/live" --quiet "$WORK/src/c0" >/dev/null 2>&1
"$LEAKDEX_INDEX" --db "$WORK/live" --quiet --commit-every 20 "$WORK/src" >/dev/null 2>&1 &
pid=$!
last=0 errors=0 searches=0
while kill -0 "$pid" 2>/dev/null; do
    n=$("$LEAKDEX_SEARCH" --db "$WORK/live" --count 2>"$WORK/live.err")
    rc=$?
    searches=$((searches + 1))
    if [[ $rc != 0 ]]; then
        errors=$((errors + 1))
        echo "search failed ($rc): $(cat "$WORK/live.err")" >&2
        n=$last
    fi
    if ((n < last)); then errors=$((errors + 1)); fi
    last=$n
done
wait "$pid"
expect_eq "searches during indexing: no errors, counts never fall" 0 "$errors"
expect_eq "after the run" "$total" "$(search --db "$WORK/live" --count)"
echo "($searches searches ran during indexing)"

finish
