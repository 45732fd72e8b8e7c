# lib.sh - shared helpers for the end-to-end tests; sourced by every T*.sh.
# ctest sets LEAKDEX_INDEX, LEAKDEX_SEARCH and LEAKDEX_SRC.
# pipefail: a pipe fails when any part does. A `grep -q` that stops reading
# at its first match can kill the writer with SIGPIPE and fail the pipe:
# tests let grep read everything (`grep >/dev/null PATTERN`).
set -uo pipefail

: "${LEAKDEX_INDEX:?run through ctest}" "${LEAKDEX_SEARCH:?run through ctest}"
: "${LEAKDEX_SRC:?run through ctest}"
DATA=$LEAKDEX_SRC/data
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/leakdex-e2e.XXXXXX")
WEB_PIDS=()
PIDS=()
# Stops the servers web_start and serve started, then removes the work
# directory.
lib_cleanup() {
    local p
    for p in "${WEB_PIDS[@]}"; do kill "$p" 2>/dev/null && wait "$p" 2>/dev/null; done
    stop_servers
    rm -rf "$WORK"
}

# stop_servers: stops the xapian-tcpsrv servers serve started, by their
# process ids. Each runs in a session of its own: xapian-tcpsrv, stopped,
# signals its whole process group, which would otherwise be the script's.
stop_servers() {
    local p
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null && wait "$p" 2>/dev/null; done
    PIDS=()
}

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# serve DB: starts xapian-tcpsrv on a free loopback port for DB, waits (10 s
# at most) until it listens, and sets PORT; stopped at exit.
serve() {
    local db=$1 log tries
    PORT=$(free_port)
    log=$WORK/tcpsrv.$PORT.log
    setsid xapian-tcpsrv --interface 127.0.0.1 --port "$PORT" "$db" >"$log" 2>&1 &
    PIDS+=($!)
    for tries in $(seq 100); do
        grep -q Listening "$log" 2>/dev/null && return 0
        sleep 0.1
    done
    echo "xapian-tcpsrv on port $PORT did not come up: $(cat "$log")" >&2
    exit 1
}
trap lib_cleanup EXIT

# The programs under test run in the locale the suite was started in (the
# test command runs it with none set, then under Latin-1; T020 compares
# four): LEAKDEX_INDEX and LEAKDEX_SEARCH become small wrappers that put
# that locale back. The scripts' own tools (sed, python3) read UTF-8.
if [[ -z ${LEAKDEX_LOCALE_WRAPPED:-} ]]; then
    locale_env=(-u LANG -u LC_ALL -u LC_CTYPE -u LC_MESSAGES -u LC_COLLATE)
    for v in LANG LC_ALL LC_CTYPE LC_MESSAGES LC_COLLATE; do
        [[ -n ${!v+x} ]] && locale_env+=("$v=${!v}")
    done
    # In a sanitizer build, LeakSanitizer's check at exit costs about 48 ms
    # a process here, a third of the sanitizer stage. It stays on for every
    # indexer and web server (long runs, where a leak grows) and for
    # leakdex-search in the tests of its commands (tests/CMakeLists.txt sets
    # LEAKDEX_SEARCH_LEAKS=1 there); the other tests' many searches run
    # without it (the address and undefined-behaviour checks stay).
    no_leaks=()
    [[ -n ${LEAKDEX_SEARCH_LEAKS:-} ]] || no_leaks=("ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0")
    mkdir "$WORK/bin"
    for prog in LEAKDEX_INDEX LEAKDEX_SEARCH ${LEAKDEX_WEB:+LEAKDEX_WEB}; do
        wrapper=$WORK/bin/$(basename "${!prog}")
        extra=()
        [[ $prog == LEAKDEX_SEARCH ]] && extra=("${no_leaks[@]}")
        printf '#!/bin/sh\nexec env %s %s "$@"\n' "$(printf '%q ' "${locale_env[@]}" "${extra[@]}")" \
            "$(printf '%q' "${!prog}")" >"$wrapper"
        chmod +x "$wrapper"
        printf -v "$prog" '%s' "$wrapper"
    done
    export LEAKDEX_INDEX LEAKDEX_SEARCH ${LEAKDEX_WEB:+LEAKDEX_WEB} LEAKDEX_LOCALE_WRAPPED=1
fi
export LC_ALL=C.UTF-8
export LEAKDEX_DB=$WORK/db
unset LEAKDEX_DB_OVERRIDE || true

failures=0
checks=0

ok() { checks=$((checks + 1)); }
bad() {
    checks=$((checks + 1))
    failures=$((failures + 1))
    printf 'FAIL: %s\n' "$*" >&2
}

index() { "$LEAKDEX_INDEX" "$@"; }
search() { "$LEAKDEX_SEARCH" "$@"; }

# Indexes the campaign sample (data/eml, data/maildir, data/mbox: the
# messages whose facts data/README.md lists) into $LEAKDEX_DB, quietly. The
# charset torture set in data/charsets has tests of its own.
index_sample() {
    if ! index --quiet "$DATA/eml" "$DATA/maildir" "$DATA/mbox" >"$WORK/index.out" 2>"$WORK/index.err"; then
        cat "$WORK/index.out" "$WORK/index.err" >&2
        echo "indexing data/ failed" >&2
        exit 1
    fi
}

# ids ARGS...: the sorted Message-IDs of every hit of leakdex-search ARGS.
ids() {
    search --format ndjson "$@" | python3 -c '
import json, sys
ids = sorted(json.loads(line)["message_id"] for line in sys.stdin if line.strip())
print(" ".join(ids))'
}

# expect_ids "DESCRIPTION" "ID1 ID2..." SEARCH-ARGS...: exact set of hits.
expect_ids() {
    local what=$1 want got
    want=$(tr ' ' '\n' <<<"$2" | grep -v '^$' | sort | tr '\n' ' ' | sed 's/ $//')
    shift 2
    got=$(ids "$@")
    if [[ "$got" == "$want" ]]; then ok; else bad "$what: search $*
    want: $want
    got:  $got"; fi
}

# expect_eq "DESCRIPTION" WANT GOT
expect_eq() {
    if [[ "$2" == "$3" ]]; then ok; else bad "$1
    want: $2
    got:  $3"; fi
}

# expect_status "DESCRIPTION" STATUS COMMAND...: the exit status, and for
# status 2 exactly one line on stderr.
expect_status() {
    local what=$1 want=$2 got
    shift 2
    "$@" >"$WORK/out" 2>"$WORK/err"
    got=$?
    if [[ "$got" != "$want" ]]; then
        bad "$what: exit $got, want $want ($*): $(head -c 300 "$WORK/err")"
        return
    fi
    if [[ "$want" == 2 && $(wc -l <"$WORK/err") != 1 ]]; then
        bad "$what: want one line on stderr, got: $(cat "$WORK/err")"
        return
    fi
    ok
}

finish() {
    echo "$((checks - failures)) passed, $failures failed"
    [[ $failures == 0 ]]
}

# web_start ARGS...: starts leakdex-web ARGS (give --listen 127.0.0.1:0) and
# waits for its first line: WEB_LINE, WEB_URL (scheme, host and port, no
# slash) and WEB_PID; every server started is stopped at exit (lib_cleanup).
web_start() {
    local out=$WORK/web.${#WEB_PIDS[@]}.out
    "$LEAKDEX_WEB" "$@" >"$out" 2>"$out.err" &
    WEB_PID=$!
    WEB_PIDS+=("$WEB_PID")
    local i
    for ((i = 0; i < 200; i++)); do
        [[ -s $out ]] && break
        kill -0 "$WEB_PID" 2>/dev/null || break
        sleep 0.05
    done
    WEB_LINE=$(head -1 "$out")
    WEB_URL=$(sed -n 's|^leakdex-web: serving .* at \(https\{0,1\}://[^/]*\)/.*|\1|p' <<<"$WEB_LINE")
    if [[ -z $WEB_URL ]]; then
        echo "leakdex-web did not start: $WEB_LINE $(cat "$out.err")" >&2
        exit 1
    fi
}

# web_stop: stops the last server web_start started (SIGTERM) and checks
# that it exits 0 with nothing on stderr (a sanitizer's report included).
web_stop() {
    kill "$WEB_PID"
    wait "$WEB_PID"
    local rc=$?
    expect_eq "leakdex-web on SIGTERM: exit 0, nothing on stderr" "0 " \
        "$rc $(cat "$WORK/web.$((${#WEB_PIDS[@]} - 1)).out.err")"
}
