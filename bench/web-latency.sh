#!/usr/bin/env bash
# leakdex-web's speed on an archive of N messages (default 100,000; the same
# archive as bench/search-latency.sh's: data/ copied by bench/copy-data.py,
# each copy with Message-IDs of its own). Builds Release, indexes, starts
# leakdex-web on 127.0.0.1:0 and prints:
# - per request of a search page (/api/search?q=Q&limit=50 and /api/facets?q=Q
#   for all mail, a word, a phrase, a sender, a date range, a verdict and a
#   combined query; all mail collapsed by thread) and of a message page
#   (/api/message/ID, 50 ids), the median and 95th percentile of ROUNDS
#   timed rounds (bench/web-timing.py), wall time and the server's CPU time,
#   against the targets: search page under 30 ms, message page under 10 ms
#   (medians of wall time);
# - a bounded load test with wrk on loopback (bench/web-load.lua), once over
#   the search pages' requests and once over the message pages', each path
#   in turn: requests per second, latency under load, responses that are not
#   2xx and socket errors, the server's RSS before and after (VmRSS, and its
#   peak VmHWM). Exits 1 when a load test met an error or a non-2xx response.
#   bench/web-latency.sh [N]
# Environment: BUILD (default build/bench), BENCH_WORK=DIR keeps the archive
# and the index there and reuses them (the same layout as search-latency.sh's,
# so one directory serves both), ROUNDS (default 21), and for wrk THREADS
# (default 2), CONNECTIONS (default 32), DURATION (default 30s).
set -euo pipefail
cd "$(dirname "$0")/.."
target=${1:-100000}
build=${BUILD:-build/bench}
rounds=${ROUNDS:-21}
command -v wrk >/dev/null || {
    echo "needs wrk (Debian's package wrk)" >&2
    exit 2
}
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" -j"$(nproc)" --target leakdex-index leakdex-search leakdex-web >/dev/null
if [[ -n "${BENCH_WORK:-}" ]]; then
    work=$BENCH_WORK
    mkdir -p "$work"
else
    work=$(mktemp -d)
fi
server=""
stop() {
    if [[ -n $server ]]; then kill "$server" 2>/dev/null || true; fi
    if [[ -z "${BENCH_WORK:-}" ]]; then rm -rf "$work"; fi
}
trap stop EXIT

[[ -d "$work/archive" ]] || python3 bench/copy-data.py "$work/archive" "$target" --own-ids
index=$build/indexer/leakdex-index
web=$build/web/leakdex-web
db=$work/db
if [[ ! -d "$db" ]]; then
    t0=$(date +%s.%N)
    "$index" --quiet --db "$db" --keys data/dkim-keys.txt "$work/archive" | grep -E '^(total|dkim|threads):'
    t1=$(date +%s.%N)
    printf 'indexing %d messages: %.1f s\n' "$target" "$(echo "$t1 - $t0" | bc)"
fi

rss() { # KEY of the server's /proc status (VmRSS, VmHWM) in MB
    awk -v key="$1:" '$1 == key { printf "%.1f MB", $2 / 1024 }' "/proc/$server/status"
}
t0=$(date +%s%N)
"$web" --db "$db" --listen 127.0.0.1:0 >"$work/web.out" 2>"$work/web.err" &
server=$!
url=""
for _ in $(seq 600); do
    url=$(sed -n '1s/^leakdex-web: serving .* at \(http:[^ ]*\)$/\1/p' "$work/web.out")
    [[ -n $url ]] && break
    kill -0 "$server" 2>/dev/null || {
        echo "leakdex-web stopped before serving: $(cat "$work/web.err")" >&2
        exit 1
    }
    sleep 0.1
done
[[ -n $url ]] || {
    echo "leakdex-web printed no URL in 60 s: $(cat "$work/web.out" "$work/web.err")" >&2
    exit 1
}
t1=$(date +%s%N)
printf 'leakdex-web serving %d messages at %s after %d ms; RSS %s\n' \
    "$("$build/searcher/leakdex-search" --db "$db" --count)" "$url" "$(((t1 - t0) / 1000000))" "$(rss VmRSS)"

printf '\nlatency of each request, %d rounds after one untimed (ms):\n' "$rounds"
python3 bench/web-timing.py "$url" "$rounds" "$work" "$server"
# A cross-check from another client: curl's time_total for one path of
# each kind, a new process and connection each time (connection set-up
# included; the keep-alive figures above are what a browser meets).
for path in "$(sed -n 1p "$work/search-paths.txt")" "$(sed -n 1p "$work/message-paths.txt")"; do
    for _ in $(seq "$rounds"); do
        curl -sS --fail -o /dev/null -w '%{time_total}\n' "${url%/}$path"
    done | sort -n | awk -v path="$path" '{ t[NR] = $1 } END {
        printf "curl, %s: median %.1f ms of %d\n", path, t[int((NR + 1) / 2)] * 1000, NR }'
done

load() { # NAME PATHS-FILE: one wrk run over the paths; 1 when it met errors
    local name=$1 paths=$2 before
    before=$(rss VmRSS)
    wrk -t"${THREADS:-2}" -c"${CONNECTIONS:-32}" -d"${DURATION:-30s}" --timeout 10s \
        -s bench/web-load.lua "$url" -- "$paths" >"$work/wrk.out"
    kill -0 "$server" 2>/dev/null || {
        echo "leakdex-web died under load: $(cat "$work/web.err")" >&2
        exit 1
    }
    awk -v name="$name" -v paths="$(grep -c . "$paths")" -v before="$before" -v after="$(rss VmRSS)" \
        -v peak="$(rss VmHWM)" '
        { v[$1] = $2 } $1 == "socket_errors_detail" { detail = substr($0, length($1) + 2) }
        END {
            printf "%s (%d paths in turn): %d requests in %.1f s, %.0f per second; latency under load median %.1f ms, p99 %.1f ms\n",
                name, paths, v["requests"], v["seconds"], v["requests"] / v["seconds"], v["latency_p50_ms"], v["latency_p99_ms"]
            printf "  not 2xx: %d; socket errors: %d (%s); RSS before %s, after %s, peak %s\n",
                v["not_2xx"], v["socket_errors"], detail, before, after, peak
            exit (v["requests"] > 0 && v["not_2xx"] == 0 && v["socket_errors"] == 0) ? 0 : 1
        }' "$work/wrk.out"
}
printf '\nload: wrk -t%s -c%s -d%s on loopback, server and wrk on the same %s cores\n' \
    "${THREADS:-2}" "${CONNECTIONS:-32}" "${DURATION:-30s}" "$(nproc)"
failed=0
load "search pages" "$work/search-paths.txt" || failed=1
load "message pages" "$work/message-paths.txt" || failed=1
if ((failed)); then
    echo "the load test met errors or responses that are not 2xx" >&2
    exit 1
fi
