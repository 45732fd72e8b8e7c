#!/usr/bin/env bash
# T140: every command answers while an indexer commits every few documents:
# ROUNDS rounds (80 unless LEAKDEX_STRESS_ROUNDS says otherwise: 720
# commands against about 70 commits; the indexer keeps one processor busy
# all along, so each round costs the suite twice) of search,
# count, show, thread, senders, recipients, stats, batch and attachment, each
# exiting 0 (1 for no hits) with nothing on stderr, the counts never falling.
source "$(dirname "$0")/lib.sh"
rounds=${LEAKDEX_STRESS_ROUNDS:-80}
# The programs themselves, not lib.sh's locale wrappers: two processes less
# per command, in a test that runs two thousand.
for prog in LEAKDEX_INDEX LEAKDEX_SEARCH; do
    real=$(sed -n 's/^exec env .* \(\/[^ ]*\) "\$@"$/\1/p' "${!prog}")
    [[ -x $real ]] && printf -v "$prog" '%s' "$real"
done

# Copies of the sample, each made distinct by a header of its own, written
# as the indexer needs them (a batch of copies per run).
make_copies() { # DIR FIRST LAST
    python3 - "$1" "$DATA" "$2" "$3" <<'PY'
import os, sys
out, data, first, last = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
files = []
for d in ("eml", "attach"):
    files += [os.path.join(data, d, f) for f in sorted(os.listdir(os.path.join(data, d)))
              if f.endswith(".eml") or d != "attach"]
for c in range(first, last + 1):
    os.makedirs(os.path.join(out, "c%d" % c))
    for i, p in enumerate(files):
        raw = open(p, "rb").read()
        open(os.path.join(out, "c%d" % c, "%03d.eml" % i), "wb").write(b"X-Copy: %d\n" % c + raw)
PY
}

# A first committed run: the ids the commands ask for exist from the start.
make_copies "$WORK/src" 0 0
index --quiet "$WORK/src/c0" >/dev/null 2>&1
id=$(search --format ndjson --limit 1 'id:014.horizon@campagne-exemple.fr' |
    python3 -c 'import json,sys; print(json.loads(sys.stdin.readline())["id"])')
att=$(search --format ndjson --limit 1 'has:attachment filetype:pdf' |
    python3 -c 'import json,sys; print(json.loads(sys.stdin.readline())["id"])')
[[ -n $id && -n $att ]] && ok || bad "no message to show ($id) or attachment ($att)"
printf 'zeppelin\nfrom:alice date:2017\n"budget prévisionnel"\n' >"$WORK/queries"

# The indexer: one run after another over a fresh copy each, until the
# searches are done; each commits every 10 documents.
(
    n=1
    while [[ ! -e $WORK/stop ]]; do
        make_copies "$WORK/src" "$n" "$n"
        "$LEAKDEX_INDEX" --db "$LEAKDEX_DB" --quiet --commit-every 10 --jobs 1 "$WORK/src/c$n" \
            >/dev/null 2>"$WORK/indexer.err" || { echo "indexer failed" >"$WORK/indexer.failed"; exit; }
        n=$((n + 1))
        echo "$n" >"$WORK/runs"
    done
) &
indexer=$!

# try NAME COMMAND...: one command; any status but 0 and 1, or any stderr, is an error.
# In a sanitizer build the searches run without LeakSanitizer's check at
# exit, as in lib.sh's wrapper (the indexer keeps it).
search_asan=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0
errors=0 last=0
try() {
    local name=$1 rc
    shift
    ASAN_OPTIONS=$search_asan "$@" >"$WORK/out" 2>"$WORK/err"
    rc=$?
    if [[ $rc -gt 1 || -s $WORK/err ]]; then
        errors=$((errors + 1))
        ((errors <= 5)) && echo "$name failed ($rc): $(head -c 300 "$WORK/err")" >&2
    fi
}
for ((r = 0; r < rounds; r++)); do
    try search search --limit 20 zeppelin
    try count search --count
    n=$(cat "$WORK/out")
    if [[ $n =~ ^[0-9]+$ ]] && ((n >= last)); then last=$n; else
        errors=$((errors + 1))
        echo "count fell or was not a number: $n after $last" >&2
    fi
    try show search show "$id"
    try thread search thread "$id"
    try senders search senders
    try recipients search recipients
    try stats search stats
    try batch search batch "$WORK/queries"
    rm -f "$WORK/att.out"
    try attachment search attachment "$att" 1 --out "$WORK/att.out"
done
touch "$WORK/stop"
wait "$indexer"
expect_eq "$rounds rounds of 9 commands during indexing: no errors, counts never fall" 0 "$errors"
[[ ! -e $WORK/indexer.failed ]] && ok || bad "the indexer failed: $(cat "$WORK/indexer.err")"
copies=$(($(cat "$WORK/runs" 2>/dev/null || echo 1)))
((copies > 1)) && ok || bad "the indexer never finished a run during the searches"
xapian-check "$LEAKDEX_DB" >"$WORK/check" 2>&1 && ok || bad "xapian-check: $(tail -3 "$WORK/check")"
echo "($rounds rounds; the indexer wrote $((copies - 1)) copies of the sample meanwhile; last count $last)"

finish
