#!/usr/bin/env bash
# Search speed on an archive of N messages (default 100,000): the sample
# data/ copied until it holds N messages, each copy made distinct by an
# unsigned X-Bench-Copy header and its own Message-IDs (so that, as in a real
# archive, a message has no hundreds of copies to list). Prints the median latency of single-term,
# phrase, sender, date-range and combined queries (each run 21 times), the
# time of `senders` over all mail, and of exporting to CSV every hit and the
# 11,440 hits dated up to 2014.
#   bench/search-latency.sh [N]
set -euo pipefail
cd "$(dirname "$0")/.."
target=${1:-100000}
build=${BUILD:-build/bench}
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" -j"$(nproc)" --target leakdex-index leakdex-search >/dev/null
# BENCH_WORK=DIR keeps the archive and the index there, and reuses them.
if [[ -n "${BENCH_WORK:-}" ]]; then
    work=$BENCH_WORK
    mkdir -p "$work"
else
    work=$(mktemp -d)
    trap 'rm -rf "$work"' EXIT
fi

[[ -d "$work/archive" ]] || python3 bench/copy-data.py "$work/archive" "$target" --own-ids
index=$build/indexer/leakdex-index
search=$build/searcher/leakdex-search
db=$work/db
if [[ ! -d "$db" ]]; then
    t0=$(date +%s.%N)
    "$index" --quiet --db "$db" --keys data/dkim-keys.txt "$work/archive" | grep -E '^(total|dkim|threads):'
    t1=$(date +%s.%N)
    printf 'indexing %d messages: %.1f s\n' "$target" "$(echo "$t1 - $t0" | bc)"
fi

median_ms() { # median wall time in ms of 21 runs of leakdex-search ARGS
    for _ in $(seq 21); do
        local a b
        a=$(date +%s%N)
        "$search" --db "$db" "$@" >/dev/null || true
        b=$(date +%s%N)
        echo $(((b - a) / 1000))
    done | sort -n | sed -n 11p | awk '{ printf "%.1f", $1 / 1000 }'
}
printf '%-34s %8s\n' "query (--limit 20)" "median"
for q in "budget" '"budget prévisionnel"' "from:alice" "date:2016-01-01..2016-06-30" \
    "réunion from:alice date:2016" "verified:yes meeting"; do
    printf '%-34s %6s ms\n' "$q" "$(median_ms --limit 20 "$q")"
done
printf '%-34s %6s ms\n' "--count '*'" "$(median_ms --count '*')"
t0=$(date +%s.%N)
"$search" --db "$db" senders >/dev/null
t1=$(date +%s.%N)
printf 'senders over all mail:             %.2f s\n' "$(echo "$t1 - $t0" | bc)"
# An export never replaces a file: those of an earlier run (BENCH_WORK) go.
rm -f "$work/hits.csv" "$work/hits.csv.meta.json" "$work/some.csv" "$work/some.csv.meta.json"
t0=$(date +%s.%N)
"$search" --db "$db" --limit 10000 --export "$work/hits.csv" '*' >/dev/null
t1=$(date +%s.%N)
printf 'export of every hit (%d) to CSV:  %.2f s\n' "$target" "$(echo "$t1 - $t0" | bc)"
t0=$(date +%s.%N)
"$search" --db "$db" --export "$work/some.csv" --before 2014 >/dev/null
t1=$(date +%s.%N)
printf 'export of %d hits to CSV:         %.2f s\n' "$(($(wc -l <"$work/some.csv") - 1))" "$(echo "$t1 - $t0" | bc)"
