#!/usr/bin/env bash
# Search speed over shards against one database with the same messages: the
# sample data/ copied until it holds N messages (default 100,000; each copy
# made distinct by an unsigned X-Bench-Copy header), indexed once as one
# database and once as 4 shards (--shard I/4); the 4 shards are also merged
# two by two with xapian-compact and served by xapian-tcpsrv on loopback, as
# 2 remote shards. Prints the indexing times and, per query, the median
# latency (21 runs of a whole leakdex-search process) over one database, over
# 4 local shards (--db given 4 times) and over 2 remote shards (a stub file),
# then the time of senders, recipients and stats over all mail (counted by
# match spies on the remote servers) and of a CSV export, once each per
# layout.
#   bench/shard-latency.sh [N]
set -euo pipefail
cd "$(dirname "$0")/.."
target=${1:-100000}
build=${BUILD:-build/bench}
command -v xapian-tcpsrv >/dev/null && command -v xapian-compact >/dev/null || {
    echo "needs xapian-tcpsrv and xapian-compact (xapian-tools)" >&2
    exit 2
}
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" -j"$(nproc)" --target leakdex-index leakdex-search >/dev/null
work=$(mktemp -d)
pids=()
stop() {
    local p
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    rm -rf "$work"
}
trap stop EXIT

python3 bench/copy-data.py "$work/archive" "$target"
index=$build/indexer/leakdex-index
search=$build/searcher/leakdex-search

seconds() { # seconds taken by COMMAND..., its output dropped
    local a b
    a=$(date +%s%N)
    "$@" >/dev/null
    b=$(date +%s%N)
    echo "$(((b - a) / 1000000))" | awk '{ printf "%.1f", $1 / 1000 }'
}
printf 'indexing %d messages as one database: %s s\n' "$target" \
    "$(seconds "$index" --quiet --db "$work/one" --keys data/dkim-keys.txt "$work/archive")"
longest=0
for i in 1 2 3 4; do
    t=$(seconds "$index" --quiet --shard "$i/4" --db "$work/s$i" --keys data/dkim-keys.txt "$work/archive")
    printf 'indexing shard %d/4 (%d messages): %s s\n' "$i" \
        "$("$search" --db "$work/s$i" --count 2>/dev/null)" "$t"
    longest=$(echo "$t $longest" | awk '{ print ($1 > $2) ? $1 : $2 }')
done
printf '4 machines would index it in %s s (the slowest shard)\n' "$longest"
xapian-compact "$work/s1" "$work/s2" "$work/r1" >/dev/null
xapian-compact "$work/s3" "$work/s4" "$work/r2" >/dev/null

# The servers run in sessions of their own: xapian-tcpsrv, stopped, signals
# its whole process group.
: >"$work/shards.stub"
for r in r1 r2; do
    port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    setsid xapian-tcpsrv --interface 127.0.0.1 --port "$port" "$work/$r" >"$work/$r.log" 2>&1 &
    pids+=($!)
    for _ in $(seq 100); do grep -q Listening "$work/$r.log" && break || sleep 0.1; done
    echo "remote 127.0.0.1:$port" >>"$work/shards.stub"
done
one=(--db "$work/one")
four=(--db "$work/s1" --db "$work/s2" --db "$work/s3" --db "$work/s4")
remote=(--db "$work/shards.stub")
for layout in one four remote; do # the same answers, or the figures mean nothing
    unset -n dbs 2>/dev/null || true
    declare -n dbs=$layout
    "$search" "${dbs[@]}" --sort date --limit 50 budget >"$work/check.$layout"
    "$search" "${dbs[@]}" --count '*' >>"$work/check.$layout"
    for aggregate in senders recipients stats; do
        "$search" "${dbs[@]}" --format json "$aggregate" >>"$work/check.$layout"
    done
done
cmp -s "$work/check.one" "$work/check.four" && cmp -s "$work/check.one" "$work/check.remote" ||
    echo "warning: the layouts answered differently" >&2

median_ms() { # LAYOUT ARGS...: median wall time in ms of 21 runs
    declare -n dbs=$1
    shift
    for _ in $(seq 21); do
        local a b
        a=$(date +%s%N)
        "$search" "${dbs[@]}" "$@" >/dev/null 2>&1 || true
        b=$(date +%s%N)
        echo $(((b - a) / 1000))
    done | sort -n | sed -n 11p | awk '{ printf "%.1f", $1 / 1000 }'
}
printf '\n%-44s %10s %10s %10s\n' "median latency, ms" "one db" "4 local" "2 remote"
run() { # LABEL ARGS...
    local label=$1
    shift
    printf '%-44s %10s %10s %10s\n' "$label" "$(median_ms one "$@")" "$(median_ms four "$@")" \
        "$(median_ms remote "$@")"
}
for q in "budget" '"budget prévisionnel"' "from:alice" "date:2016-01-01..2016-06-30" \
    "réunion from:alice date:2016" "verified:yes meeting"; do
    run "$q (--limit 20)" --limit 20 "$q"
done
run "--sort date --limit 20 budget" --sort date --limit 20 budget
run "--count '*'" --count '*'
printf '\n%-44s %10s %10s %10s\n' "over all mail, s" "one db" "4 local" "2 remote"
for aggregate in senders recipients stats; do
    times=()
    for layout in one four remote; do
        unset -n dbs 2>/dev/null || true
        declare -n dbs=$layout
        times+=("$(seconds "$search" "${dbs[@]}" "$aggregate")")
    done
    printf '%-44s %10s %10s %10s\n' "$aggregate" "${times[@]}"
done
for layout in one four remote; do
    unset -n dbs 2>/dev/null || true
    declare -n dbs=$layout
    e=$(seconds "$search" "${dbs[@]}" --export "$work/some.$layout.csv" --before 2012)
    printf '%-8s export of %d hits to CSV %6s s\n' "$layout" \
        "$(($(wc -l <"$work/some.$layout.csv") - 1))" "$e"
done
