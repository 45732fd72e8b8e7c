#!/usr/bin/env bash
# T461: senders, recipients and stats count tallies with a match spy, on the
# servers of remote shards: the same bytes over one index, two local shards
# and the two shards served by xapian-tcpsrv; a message in two databases
# counted once; copies that disagree (one verified, one indexed --no-dkim)
# counted as the copy the collapse keeps, locally and remotely; after
# --reverify, the counts of the new verdicts.
source "$(dirname "$0")/lib.sh"

command -v xapian-tcpsrv >/dev/null || {
    echo "xapian-tcpsrv missing: run scripts/install-deps (xapian-tools)" >&2
    exit 1
}

KEYS=$DATA/dkim-keys.txt
SOURCES=("$DATA/eml" "$DATA/dkim" "$DATA/chains")
ONE=$WORK/one
index --quiet --keys "$KEYS" --db "$ONE" "${SOURCES[@]}" >/dev/null 2>&1
total_one=$(search --db "$ONE" --count)
for i in 1 2; do
    index --quiet --keys "$KEYS" --shard "$i/2" --db "$WORK/s$i" "${SOURCES[@]}" >/dev/null 2>&1
    expect_eq "shard $i/2 indexes" 0 $?
done
# Quotes cross shards: each shard's chains are computed over both.
printf 'auto %s\n' s1 s2 >"$WORK/both.stub"
for i in 1 2; do
    index --db "$WORK/s$i" --link-with "$WORK/both.stub" >/dev/null 2>&1
    expect_eq "shard $i/2 linked with both" 0 $?
done
serve "$WORK/s1"
P1=$PORT
serve "$WORK/s2"
P2=$PORT
printf 'remote 127.0.0.1:%s\nremote 127.0.0.1:%s\n' "$P1" "$P2" >"$WORK/remote.stub"

COMMANDS=(
    "senders"
    "--format json senders"
    "--sort first --format csv senders"
    "--sort last --format ndjson senders"
    "--format json senders verified:yes"
    "recipients"
    "--format json recipients"
    "--sort address --format csv recipients budget OR campagne"
    "stats"
    "--format json stats"
    "--format json stats verified:yes"
    "--tz Europe/Paris --format json stats"
    "--format json stats chain:corroborated OR chain:mismatch"
    "--format json stats nosuchwordanywhere"
)

# same DESCRIPTION WANT-DB-ARGS -- GOT-DB-ARGS: every command above gives the
# same stdout, stderr and exit status over both.
same() {
    local what=$1 c want got
    shift
    local -a one=() other=()
    while [[ $1 != -- ]]; do one+=("$1"); shift; done
    shift
    other=("$@")
    for c in "${COMMANDS[@]}"; do
        read -ra args <<<"$c"
        want=$(search "${one[@]}" "${args[@]}" 2>&1; echo "exit $?")
        got=$(search "${other[@]}" "${args[@]}" 2>&1; echo "exit $?")
        if [[ "$got" == "$want" ]]; then ok; else bad "$what: search $c
$(diff <(echo "$want") <(echo "$got") | head -8)"; fi
    done
}

expect_eq "the sample has corroborated, mismatched and verified messages" "6 2 48" \
    "$(search --db "$ONE" --format json stats | python3 -c '
import json, sys
s = json.load(sys.stdin)
print(s["corroborated"], s["chain_mismatches"], s["verified"])')"
same "two local shards" --db "$ONE" -- --db "$WORK/s1" --db "$WORK/s2"
same "two remote shards" --db "$ONE" -- --db "$WORK/remote.stub"

# --- a message in two databases --------------------------------------------
# A holds every message; B a copy of the verified r1.eml (its first document)
# and the chains again: both whole indexes, so copies are collapsed.
mkdir "$WORK/copy"
cp "$DATA/chains/r1.eml" "$WORK/copy/r1-copy.eml"
index --quiet --keys "$KEYS" --db "$WORK/b" "$WORK/copy" "$DATA/chains" >/dev/null 2>&1
expect_eq "B holds the chains again (r1.eml twice is one message)" \
    "$((total_one + $(ls "$DATA/chains" | wc -l)))" \
    "$(($(search --db "$ONE" --count) + $(search --db "$WORK/b" --count)))"
same "a copy in both databases, counted once" --db "$ONE" -- --db "$ONE" --db "$WORK/b"
same "... in the other order" --db "$ONE" -- --db "$WORK/b" --db "$ONE"
serve "$ONE"
PA=$PORT
serve "$WORK/b"
PB=$PORT
printf 'remote 127.0.0.1:%s\nremote 127.0.0.1:%s\n' "$PA" "$PB" >"$WORK/ab.stub"
same "... remote" --db "$ONE" -- --db "$WORK/ab.stub"

# C holds r1.eml alone, unverified (--no-dkim), as its document 1: merged
# with the one index its copy has the lower document id (2, against 2k-1
# for the one index's document k > 1), so the collapse keeps it, and so do
# the counts: one verified message and one pass fewer, one unchecked more,
# r1's sender with one verified message fewer.
index --quiet --no-dkim --db "$WORK/c" "$WORK/copy" >/dev/null 2>&1
serve "$WORK/c"
printf 'remote 127.0.0.1:%s\nremote 127.0.0.1:%s\n' "$PA" "$PORT" >"$WORK/ac.stub"
differs() { # DESCRIPTION DB-ARGS...
    local what=$1
    shift
    python3 - "$(search --db "$ONE" --format json stats)" "$(search "$@" --format json stats)" \
        "$(search --db "$ONE" --format json senders)" "$(search "$@" --format json senders)" <<'PY' && ok || bad "$what"
import json, sys
one, got, s_one, s_got = (json.loads(a) for a in sys.argv[1:])
want = dict(one, verified=one["verified"] - 1, dkim_pass=one["dkim_pass"] - 1,
            dkim=dict(one["dkim"], **{"pass": one["dkim"]["pass"] - 1,
                                      "unchecked": one["dkim"]["unchecked"] + 1}))
assert got == want, (got, want)
changed = [(a, b) for a, b in zip(s_one["people"], s_got["people"]) if a != b]
assert len(s_one["people"]) == len(s_got["people"]) and len(changed) == 1, changed
a, b = changed[0]
assert b == dict(a, verified=a["verified"] - 1), changed
PY
}
differs "copies that disagree: the kept copy counted" --db "$ONE" --db "$WORK/c"
differs "... in the other order" --db "$WORK/c" --db "$ONE"
differs "... remote" --db "$WORK/ac.stub"

# --- a later verification ----------------------------------------------------
# --reverify without keys rewrites verdicts and levels, and the chain pass
# then drops the corroborations: the tallies follow, so the counts are those
# of an index built without keys.
: >"$WORK/no-keys"
index --quiet --db "$WORK/reverified" --keys "$KEYS" "${SOURCES[@]}" >/dev/null 2>&1
index --db "$WORK/reverified" --reverify --keys "$WORK/no-keys" >"$WORK/rv.out" 2>&1
expect_eq "reverify without keys" 0 $?
index --quiet --db "$WORK/no-keys-db" --keys "$WORK/no-keys" "${SOURCES[@]}" >/dev/null 2>&1
expect_eq "without keys nothing is verified or corroborated" "0 0 0" \
    "$(search --db "$WORK/no-keys-db" --format json stats | python3 -c '
import json, sys
s = json.load(sys.stdin)
print(s["verified"], s["corroborated"], s["dkim_pass"])')"
same "reverified as if indexed without keys" --db "$WORK/no-keys-db" -- --db "$WORK/reverified"

finish
