#!/usr/bin/env bash
# DKIM verification cost: indexes the same synthetic archive with
# verification skipped (--no-dkim) and with verification against the sample
# key file, least CPU time of several runs each, and prints both times and
# the overhead. The archive is data/ copied COPIES times, each copy's messages
# given an unsigned X-Bench-Copy header so that they are distinct messages
# whose DKIM signatures still verify.
#   bench/dkim-overhead.sh [COPIES] [RUNS]     (defaults: 40 copies, 3 runs)
set -euo pipefail
cd "$(dirname "$0")/.."
copies=${1:-40}
runs=${2:-3}
build=${BUILD:-build/bench}
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" -j"$(nproc)" --target leakdex-index >/dev/null
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

python3 bench/copy-data.py "$work/archive" --copies "$copies"

best() { # least CPU time (user + system, seconds) of "$@" over $runs runs, each on a fresh
          # index: CPU time is steadier than wall time on a shared machine
    local best="" t
    for _ in $(seq "$runs"); do
        rm -rf "$work/db"
        /usr/bin/time -o "$work/time" -f '%U %S' "$@" >/dev/null 2>&1
        t=$(awk '{ print $1 + $2 }' "$work/time")
        if [[ -z $best ]] || (( $(echo "$t < $best" | bc) )); then best=$t; fi
    done
    echo "$best"
}
index=$build/indexer/leakdex-index
without=$(best "$index" --db "$work/db" --no-dkim "$work/archive")
with=$(best "$index" --db "$work/db" --keys data/dkim-keys.txt "$work/archive")
rm -rf "$work/db"
"$index" --db "$work/db" --keys data/dkim-keys.txt "$work/archive" | grep '^dkim:' || true
count=$(find "$work/archive" -type f | wc -l)
printf 'messages:                 %d\n' "$count"
printf 'index, no verification:   %.2f s CPU (%.0f msg/s)\n' "$without" "$(echo "$count / $without" | bc -l)"
printf 'index, DKIM verification: %.2f s CPU (%.0f msg/s)\n' "$with" "$(echo "$count / $with" | bc -l)"
printf 'overhead:                 %.1f %%\n' "$(echo "($with - $without) * 100 / $without" | bc -l)"
