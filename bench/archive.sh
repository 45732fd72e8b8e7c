#!/usr/bin/env bash
# Indexing a leak handed over as one zip against the same files unpacked:
# bench/gen-archive.py's Maildir of N messages (default 10,000), indexed
# from empty databases as the directory and as one zip of it (deflated,
# made with Python's zipfile), RUNS times each in turn (default 3); prints
# the least wall time of each, the messages indexed, and the ratio zip /
# unpacked (target: at most 1.10).
#
#   bench/archive.sh [-n N] [--runs R] [--seed S]
#
# The Maildir is generated once per N and seed into bench/cache/ (as
# bench/index-compare.sh does; git-ignored). Environment: BUILD (default
# build/rel, built here in Release), CACHE (default bench/cache).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
n=10000
runs=3
seed=1
while (($#)); do
    case $1 in
    -n) n=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --seed) seed=$2; shift 2 ;;
    -h | --help) sed -n '2,/^[^#]/{/^#/s/^# \{0,1\}//p}' "$0"; exit 0 ;;
    *) echo "archive.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
    esac
done
build=${BUILD:-build/rel}
cache=${CACHE:-$root/bench/cache}
if [[ -z ${BUILD:-} ]]; then
    cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
fi
cmake --build "$build" -j"$(nproc)" --target leakdex-index >/dev/null
index=$root/$build/indexer/leakdex-index

mkdir -p "$cache"
archive=$cache/archive-n$n-s$seed
if [[ ! -f $archive/MANIFEST ]]; then
    echo "generating $n messages (seed $seed) into $archive" >&2
    rm -rf "$archive.tmp"
    python3 bench/gen-archive.py "$archive.tmp" --seed "$seed" -n "$n" >/dev/null
    mv "$archive.tmp" "$archive"
fi
zip=$archive/maildir.zip
if [[ ! -f $zip ]]; then
    python3 - "$archive/maildir" "$zip.tmp" <<'PY'
import os, sys, zipfile
top, out = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
    for d, dirs, files in os.walk(top):
        dirs.sort()
        for f in sorted(files):
            path = os.path.join(d, f)
            z.write(path, os.path.relpath(path, os.path.dirname(top)))
PY
    mv "$zip.tmp" "$zip"
fi
keys=$archive/dkim-keys.txt
work=$(mktemp -d "$cache/run.XXXXXX")
trap 'rm -rf "$work"' EXIT
# Warm page cache for both.
cat "$zip" >/dev/null
find "$archive/maildir" -type f -exec cat {} + >/dev/null

run() { # NAME SOURCE: one run from an empty database; prints its wall seconds
    rm -rf "$work/db"
    local t0 t1
    t0=$(date +%s.%N)
    "$index" --quiet --db "$work/db" --keys "$keys" "$2" >"$work/$1.out" 2>"$work/$1.err" || {
        cat "$work/$1.err" >&2
        exit 1
    }
    t1=$(date +%s.%N)
    echo "$t1 - $t0" | bc
}
best_dir=
best_zip=
for ((i = 0; i < runs; i++)); do
    d=$(run dir "$archive/maildir")
    z=$(run zip "$zip")
    [[ -z $best_dir ]] || (($(echo "$d < $best_dir" | bc))) && best_dir=$d
    [[ -z $best_zip ]] || (($(echo "$z < $best_zip" | bc))) && best_zip=$z
done
msgs() { sed -n 's/^total: \([0-9]*\) messages found: \([0-9]*\) indexed.*/\2/p' "$work/$1.out"; }
printf 'messages: %s indexed from the directory, %s from the zip (%s MB unpacked, %s MB zipped)\n' \
    "$(msgs dir)" "$(msgs zip)" "$(du -sm "$archive/maildir" | cut -f1)" "$(du -sm "$zip" | cut -f1)"
printf 'unpacked: %.2f s\nzip:      %.2f s\nratio:    %.3f (target <= 1.10; least of %d runs each, %s)\n' \
    "$best_dir" "$best_zip" "$(echo "$best_zip / $best_dir" | bc -l)" "$runs" "$(nproc) cores"
