#!/usr/bin/env bash
# T420: hostile queries and a damaged index. A query made of negations alone
# means "everything but" in every command; Xapian's silent re-reading of a
# query it cannot parse is refused; every query limit (bytes, words,
# wildcard terms, time) answers or refuses in one line with exit 2, within a
# time and memory bound; a damaged index says so, read-only, exit 2.
source "$(dirname "$0")/lib.sh"
index_sample

# Sets of messages are their SHA-256s (the identity: two copies of one
# Message-ID are two documents), sorted, on one line. (Shell tools, not
# Python: the script asks for over a hundred sets.)
lines() { tr ' ' '\n' <<<"$1" | grep . | sort -u; }
joined() { tr '\n' ' ' | sed 's/ $//'; }
# shas ARGS...: the hits of leakdex-search ARGS (CSV: the id, then the
# SHA-256, opens each hit's record).
shas() {
    search --format csv "$@" | grep -oE '^"[0-9a-f]{12}","[0-9a-f]{64}"' | cut -d'"' -f4 | sort | joined
}
# minus A B: A without B. union A B: either.
minus() { comm -23 <(lines "$1") <(lines "$2") | joined; }
union() { sort -u <(lines "$1") <(lines "$2") | joined; }
count_words() { wc -w <<<"$1" | tr -d ' '; }

ALL=$(shas)
N=$(count_words "$ALL")
expect_eq "the sample's messages" 67 "$N"

# --- Negations alone: every message but the matches ----------------------
# Each case: the negation, and the positive query whose matches it leaves out.
cases=(
    "-budget|budget"
    "NOT budget|budget"
    "-from:alice|from:alice"
    "-budget -from:alice|budget OR from:alice"
    "-\"budget prévisionnel\"|\"budget prévisionnel\""
    "-date:2017|date:2017"
    "-subject:réunion -to:presse@presse-exemple.fr|subject:réunion OR to:presse@presse-exemple.fr"
)
for c in "${cases[@]}"; do
    neg=${c%%|*} pos=${c#*|}
    POS=$(shas "$pos")
    [[ -n $POS ]] && ok || bad "'$pos' matches nothing: the case tests nothing"
    want=$(minus "$ALL" "$POS")
    expect_eq "search -- '$neg': every message but '$pos'" "$want" "$(shas -- "$neg")"
    expect_eq "--count -- '$neg'" "$((N - $(count_words "$POS")))" "$(search --count -- "$neg")"
done
expect_eq "the words of a query, after --: -thomas alone" "$(minus "$ALL" "$(shas thomas)")" \
    "$(shas -- -thomas)"
expect_eq "'budget -from:alice' is unchanged" "$(minus "$(shas budget)" "$(shas from:alice)")" \
    "$(shas 'budget -from:alice')"
# Groups made of negations alone, beside OR and AND.
expect_eq "(-budget -lyon) OR zeppelin" \
    "$(union "$(minus "$(minus "$ALL" "$(shas budget)")" "$(shas lyon)")" "$(shas zeppelin)")" \
    "$(shas '(-budget -lyon) OR zeppelin')"
expect_eq "-budget AND lyon" "$(minus "$(shas lyon)" "$(shas budget)")" "$(shas -- '-budget AND lyon')"
expect_eq "-budget OR zeppelin" "$(union "$(minus "$ALL" "$(shas budget)")" "$(shas zeppelin)")" \
    "$(shas -- '-budget OR zeppelin')"

# With the option filters: the filter's messages but the matches (each
# filter keeps some messages with the word and some without). --verified
# on the DKIM corpus: the sample has no verified mail.
index --db "$WORK/dkim" --quiet --keys "$DATA/dkim-keys.txt" "$DATA/dkim" >/dev/null 2>&1 ||
    bad "indexing data/dkim failed"
for c in "--from thomas.girard@campagne-exemple.fr|budget" "--after 2016|budget" \
    "--domain campagne-exemple.fr|budget" \
    "--to alice.martin@campagne-exemple.fr|budget" "--db $WORK/dkim --verified|horaires" \
    "--db $WORK/dkim --verified|from:gazette"; do
    opt=${c%%|*} word=${c#*|}
    # shellcheck disable=SC2086
    FILTERED=$(shas $opt) WITH=$(shas $opt "$word")
    want=$(minus "$FILTERED" "$WITH")
    [[ -n $WITH && -n $want ]] && ok || bad "$opt: '$word' splits nothing: the case tests nothing"
    # shellcheck disable=SC2086
    expect_eq "$opt -- -$word" "$want" "$(shas $opt -- "-$word")"
done

# senders, recipients, stats: over the same messages.
NEG=$(minus "$ALL" "$(shas budget)")
search --format ndjson >"$WORK/all.ndjson"
expect_eq "senders -- -budget" \
    "$(python3 - "$WORK/all.ndjson" "$NEG" <<'PY'
import json, sys, collections
keep = set(sys.argv[2].split())
c = collections.Counter()
for l in open(sys.argv[1]):
    h = json.loads(l)
    if h["sha256"] in keep and h["from"]["address"]:
        c[h["from"]["address"]] += 1
print(" ".join("%s:%d" % kv for kv in sorted(c.items())))
PY
)" "$(search senders --format ndjson -- -budget | python3 -c '
import json, sys
print(" ".join(sorted("%s:%d" % (p["address"], p["messages"]) for p in map(json.loads, sys.stdin))))')"
expect_eq "recipients -- -budget" \
    "$(python3 - "$WORK/all.ndjson" "$NEG" <<'PY'
import json, sys, collections
keep = set(sys.argv[2].split())
c = collections.Counter()
for l in open(sys.argv[1]):
    h = json.loads(l)
    if h["sha256"] in keep:
        for a in {p["address"] for p in h["to"] + h["cc"] if p["address"]}:
            c[a] += 1
print(" ".join("%s:%d" % kv for kv in sorted(c.items())))
PY
)" "$(search recipients --format ndjson -- -budget | python3 -c '
import json, sys
print(" ".join(sorted("%s:%d" % (p["address"], p["messages"]) for p in map(json.loads, sys.stdin))))')"
expect_eq "stats -- -budget: its messages" "$(count_words "$NEG")" \
    "$(search stats --format json -- -budget | python3 -c 'import json, sys; print(json.load(sys.stdin)["messages"])')"
expect_eq "--collapse thread -- -budget: the threads of those messages" \
    "$(python3 - "$WORK/all.ndjson" "$NEG" <<'PY'
import json, sys
keep = set(sys.argv[2].split())
print(len({h["thread"] for h in map(json.loads, open(sys.argv[1])) if h["sha256"] in keep}))
PY
)" "$(search --collapse thread --count -- -budget)"
# A thread filter with a negated filter: the largest thread but one of its
# messages; and that message's thread alone, negated.
read -r T M < <(python3 - "$WORK/all.ndjson" <<'PY'
import json, sys, collections
hits = [json.loads(l) for l in open(sys.argv[1])]
size = collections.Counter(h["thread"] for h in hits)
t = max(sorted(size), key=lambda k: size[k])
print(t, next(h["message_id"] for h in hits if h["thread"] == t))
PY
)
expect_eq "thread:T -id:M" "$(minus "$(shas "thread:$T")" "$(shas "id:$M")")" "$(shas "thread:$T -id:$M")"
expect_eq "thread:T -id:M: the other three" 3 "$(count_words "$(shas "thread:$T -id:$M")")"
expect_eq "-thread:T" "$(minus "$ALL" "$(shas "thread:$T")")" "$(shas -- "-thread:$T")"

# Exports hold the same messages.
search --export "$WORK/neg.ndjson" -- -budget >/dev/null
expect_eq "--export -- -budget" "$NEG" \
    "$(python3 -c 'import json, sys; print(" ".join(sorted(json.loads(l)["sha256"] for l in open(sys.argv[1]))))' "$WORK/neg.ndjson")"
search --export "$WORK/neg.csv" -- -from:alice >/dev/null
expect_eq "--export CSV -- -from:alice: every message but Alice's (and a header line)" \
    "$((N - $(count_words "$(shas from:alice)") + 1))" "$(python3 -c 'import csv, sys; print(sum(1 for _ in csv.reader(open(sys.argv[1], newline=""))))' "$WORK/neg.csv")"

# Batch: the same counts, line by line.
printf '%s\n' '-budget' '-from:alice' 'NOT budget' '-budget -from:alice' 'budget NEAR' >"$WORK/neg.txt"
search batch "$WORK/neg.txt" >"$WORK/batch.out" 2>"$WORK/batch.err"
expect_eq "batch with a malformed line: exit 2" 2 $?
row() { # QUERY HITS: a line of the batch table, its verified count asked apart
    printf '%8d %8d  %s' "$2" "$(search --count --verified -- "$1")" "$1"
}
expect_eq "batch: negations alone" "    HITS VERIFIED  QUERY
$(row -budget $((N - 7)))
$(row -from:alice $((N - $(count_words "$(shas from:alice)"))))
$(row 'NOT budget' $((N - 7)))
$(row '-budget -from:alice' $((N - $(count_words "$(shas budget OR from:alice)"))))" \
    "$(cat "$WORK/batch.out")"
expect_eq "batch: Xapian's re-reading refused, with the line's number" \
    "leakdex-search: $WORK/neg.txt:5: malformed query: cannot read its operators as written (is a word missing beside NEAR or ADJ, or written right before '('?)" \
    "$(cat "$WORK/batch.err")"

# --- Xapian's silent re-reading: refused, never answered -----------------
FALLBACK="leakdex-search: malformed query: cannot read its operators as written (is a word missing beside NEAR or ADJ, or written right before '('?)"
for q in 'budget NEAR' 'NEAR' 'budget ADJ' 'zeppelin OR orchidée NEAR' 'budget(2017)' \
    'budget(zeppelin OR orchidée)'; do
    expect_status "'$q': refused" 2 search "$q"
    expect_eq "'$q': its message" "$FALLBACK" "$(cat "$WORK/err")"
    expect_status "'$q': senders refuse it too" 2 search senders "$q"
    expect_eq "'$q': senders' message" "$FALLBACK" "$(cat "$WORK/err")"
done
expect_eq "with a space before '(': read as written" \
    "$(union "$(shas budget prévisionnel)" "$(shas budget communication)")" \
    "$(shas 'budget (prévisionnel OR communication)')"
expect_eq "... three messages" 3 "$(count_words "$(shas 'budget (prévisionnel OR communication)')")"
expect_status "budget(prévisionnel OR communication): refused" 2 search 'budget(prévisionnel OR communication)'
expect_status "an OR side made of a negation: Xapian's own message" 2 search 'lyon OR -budget'
expect_eq "its message" "leakdex-search: malformed query: Syntax: <expression> OR <expression>" "$(cat "$WORK/err")"

# --- Limits: each answered or refused in one line, exit 2, in bounds -------
# bounded CMD...: CMD under a 20 s time-out and a 1 GiB address space (when
# the programs can start under it: AddressSanitizer reserves terabytes).
MEM=1048576
(ulimit -v $MEM; search --version) >/dev/null 2>&1 || MEM=
bounded() {
    (
        [[ -n $MEM ]] && ulimit -v $MEM
        exec timeout 20 "$@"
    )
}
expect_bounded() { # DESCRIPTION STATUS MESSAGE SEARCH-ARGS...
    local what=$1 want=$2 msg=$3
    shift 3
    bounded "$LEAKDEX_SEARCH" "$@" >"$WORK/out" 2>"$WORK/err"
    local got=$?
    expect_eq "$what: exit status (124: timed out)" "$want" "$got"
    expect_eq "$what: message" "$msg" "$(cat "$WORK/err")"
}

# A generated vocabulary of 200,000 distinct words, 10,000 a message, in
# order: 'a' then four consonant-vowel pairs, so that every word starts with
# "aba" and exactly 10,000 with each of "ababa", "ababe"...
python3 - "$WORK/vocab.mbox" <<'PY'
import itertools, sys
C, V = "bcdfghjklmnpqrstvwxz", "aeiou"
pairs = [c + v for c in C for v in V]
words = ("a" + "".join(p) for p in itertools.product(pairs, repeat=4))
with open(sys.argv[1], "w") as f:
    for m in range(20):
        f.write("From gen@vocab.example Mon Jan  1 00:00:00 2018\n"
                "From: Gen <gen@vocab.example>\nTo: x@vocab.example\nSubject: vocabulary %d\n"
                "Date: Mon, 1 Jan 2018 00:%02d:00 +0000\nMessage-ID: <v%d@vocab.example>\n\n" % (m, m, m))
        chunk = list(itertools.islice(words, 10000))
        for k in range(0, len(chunk), 10):
            f.write(" ".join(chunk[k:k + 10]) + "\n")
        f.write("\n")
PY
V=$WORK/vocab
index --db "$V" --quiet "$WORK/vocab.mbox" >/dev/null 2>&1 || bad "indexing the vocabulary failed"
expect_bounded "a* over 200,000 words" 2 \
    "leakdex-search: the wildcard 'a*' stands for 200,000 terms of the index, more than the 10,000 a query may expand to (LX_MAX_WILDCARD_TERMS): give more letters" \
    --db "$V" --count 'a*'
expect_bounded "a* through senders" 2 \
    "leakdex-search: the wildcard 'a*' stands for 200,000 terms of the index, more than the 10,000 a query may expand to (LX_MAX_WILDCARD_TERMS): give more letters" \
    --db "$V" senders 'a*'
expect_bounded "two wildcards of 10,000 terms each: counted together" 2 \
    "leakdex-search: the wildcards 'ababa*', 'ababe*' stand for 20,000 terms of the index together, more than the 10,000 a query may expand to (LX_MAX_WILDCARD_TERMS): give more letters" \
    --db "$V" --count 'ababa* OR ababe*'
expect_bounded "a wildcard of 10,000 terms, the limit: answered" 0 "" --db "$V" --count 'ababa*'
expect_eq "its count: the first message holds them all" 1 "$(cat "$WORK/out")"
expect_bounded "a negated wildcard counts too" 2 \
    "leakdex-search: the wildcards 'ababa*', 'ababe*' stand for 20,000 terms of the index together, more than the 10,000 a query may expand to (LX_MAX_WILDCARD_TERMS): give more letters" \
    --db "$V" --count 'ababa* -ababe*'

grouped() { python3 -c 'import sys; print(f"{int(sys.argv[1]):,}")' "$1"; }
OR10K=$(python3 -c 'print(" OR ".join("w%d" % i for i in range(10000)))')
expect_bounded "a 10,000-term OR" 2 \
    "leakdex-search: the query is $(grouped ${#OR10K}) bytes long, more than the 16,384 a query may have (LX_MAX_QUERY_BYTES)" \
    --count "$OR10K"
# 30,000 AND NOT: longer than one argument may be; given as words (the
# query is their join).
ANDNOT=$(python3 -c 'print("budget " + " ".join("AND NOT w%d" % i for i in range(30000)))')
# shellcheck disable=SC2086
expect_bounded "30,000 chained AND NOT" 2 \
    "leakdex-search: the query is $(grouped ${#ANDNOT}) bytes long, more than the 16,384 a query may have (LX_MAX_QUERY_BYTES)" \
    --count $ANDNOT
NESTED=$(python3 -c 'print("(" * 3000 + "budget" + "".join(" AND NOT w%d)" % i for i in range(3000)))')
expect_bounded "3,000 AND NOT in nested parentheses" 2 \
    "leakdex-search: the query is $(grouped ${#NESTED}) bytes long, more than the 16,384 a query may have (LX_MAX_QUERY_BYTES)" \
    --count "$NESTED"
NESTED=$(python3 -c 'print("(" * 500 + "budget" + "".join(" AND NOT w%d)" % i for i in range(500)))')
expect_bounded "500 AND NOT in nested parentheses (1,501 words)" 2 \
    "leakdex-search: the query has 1,501 words, more than the 1,000 a query may have (LX_MAX_QUERY_WORDS; operators count)" \
    --count "$NESTED"
NESTED=$(python3 -c 'print("(" * 300 + "budget" + "".join(" AND NOT w%d)" % i for i in range(300)))')
expect_bounded "300 AND NOT in nested parentheses (901 words): answered" 0 "" --count "$NESTED"
expect_eq "its count: budget's" 7 "$(cat "$WORK/out")"
WORDS=$(python3 -c 'print(" ".join("ab"[i % 2] for i in range(1001)))')
expect_bounded "1,001 words" 2 \
    "leakdex-search: the query has 1,001 words, more than the 1,000 a query may have (LX_MAX_QUERY_WORDS; operators count)" \
    --count "$WORDS"
OR500=$(python3 -c 'print(" OR ".join("w%d" % i for i in range(500)))')
expect_bounded "an OR of 500 words no message has (999 words): answered" 1 "" --count "$OR500"
expect_eq "its count" 0 "$(cat "$WORK/out")"
OR500B=$(python3 -c 'print("budget OR " + " OR ".join("w%d" % i for i in range(499)))')
expect_bounded "the same with one word the sample has: answered" 0 "" --count "$OR500B"
expect_eq "its count: budget's" 7 "$(cat "$WORK/out")"
NOTS=$(python3 -c 'print(" ".join("-w%d" % i for i in range(999)))')
expect_bounded "999 negations alone: every message" 0 "" --count -- "$NOTS"
expect_eq "its count" "$N" "$(cat "$WORK/out")"

# The time limit: a query of 10,000 wildcard terms (allowed) under a clock
# of 0.01 s of processor time is stopped; so is a batch line, after the
# lines before it (cheap ones, that the clock lets through).
TIMEOUT="the query used more than 0.01 s of processor time (LX_QUERY_SECONDS; --query-timeout): stopped"
expect_bounded "--query-timeout 0.01" 2 "leakdex-search: $TIMEOUT" \
    --db "$V" --query-timeout 0.01 --count 'ababa*'
expect_bounded "--query-timeout 0.01, senders" 2 "leakdex-search: $TIMEOUT" \
    --db "$V" --query-timeout 0.01 senders 'ababa*'
expect_eq "nothing printed" "" "$(cat "$WORK/out")"
printf '%s\n' 'vocabulary' 'ababa*' 'vocabulary' >"$WORK/slow.txt"
expect_bounded "batch: the slow line stops the run" 2 "leakdex-search: $WORK/slow.txt:2: $TIMEOUT" \
    --db "$V" --query-timeout 0.01 batch "$WORK/slow.txt"
expect_eq "batch: the lines before it were printed" "    HITS VERIFIED  QUERY
      20        0  vocabulary" "$(cat "$WORK/out")"
printf '%s\n' 'nosuchword' 'ababa*' >"$WORK/slow2.txt"
expect_bounded "batch --export: stopped" 2 "leakdex-search: $WORK/slow2.txt:2: $TIMEOUT" \
    --db "$V" --query-timeout 0.01 --export "$WORK/slow.csv" batch "$WORK/slow2.txt"
expect_eq "batch --export: no file left behind" "" "$(ls "$WORK" | grep '^slow\.csv')"
expect_status "--query-timeout 0" 2 search --query-timeout 0 budget
expect_eq "its message" "leakdex-search: --query-timeout: '0' is not a number of seconds (0.01 to 3600)" "$(cat "$WORK/err")"
expect_status "--query-timeout x" 2 search --query-timeout x budget

# Batch: a line past a limit is reported with its number and skipped.
printf '%s\n' "$WORDS" 'budget' 'a*' >"$WORK/limits.txt"
search --db "$V" batch "$WORK/limits.txt" >"$WORK/out" 2>"$WORK/err"
expect_eq "batch: lines past a limit: exit 2" 2 $?
expect_eq "batch: each named" "leakdex-search: $WORK/limits.txt:1: the query has 1,001 words, more than the 1,000 a query may have (LX_MAX_QUERY_WORDS; operators count)
leakdex-search: $WORK/limits.txt:3: the wildcard 'a*' stands for 200,000 terms of the index, more than the 10,000 a query may expand to (LX_MAX_WILDCARD_TERMS): give more letters" \
    "$(cat "$WORK/err")"
expect_eq "batch: the other line ran" "    HITS VERIFIED  QUERY
       0        0  budget" "$(cat "$WORK/out")"

# --- A damaged index ------------------------------------------------------
# Each copy is read-only, and searched as nobody when the test runs as root
# (root writes anyway).
as_nobody=()
if [[ $(id -u) == 0 ]]; then
    chmod 755 "$WORK"
    as_nobody=(setpriv --reuid=nobody --regid=nogroup --clear-groups)
fi
damaged_copy() { # NAME: a fresh copy of the sample index
    rm -rf "${WORK:?}/$1"
    cp -r "$LEAKDEX_DB" "$WORK/$1"
}
# expect_damaged DESCRIPTION DB MESSAGE SEARCH-ARGS...: exit 2 and the one
# line MESSAGE on stderr, where REASON stands for Xapian's own words.
expect_damaged() {
    local what=$1 db=$2 message=$3
    shift 3
    chmod -R a-w "$db"
    "${as_nobody[@]}" timeout 20 "$LEAKDEX_SEARCH" --db "$db" "$@" >"$WORK/out" 2>"$WORK/err"
    local got=$?
    chmod -R u+w "$db"
    expect_eq "$what: exit 2" 2 "$got"
    if python3 -c '
import re, sys
want = re.escape(sys.argv[1]).replace("REASON", ".+")
sys.exit(0 if re.fullmatch(want + "\n", open(sys.argv[2]).read()) else 1)' "$message" "$WORK/err"; then ok; else
        bad "$what: want the line '$message', got: $(cat "$WORK/err")"
    fi
    expect_eq "$what: no hit printed" "" "$(cat "$WORK/out")"
}
damaged_copy nodocdata
rm "$WORK/nodocdata/docdata.glass"
LOST="leakdex-search: index damaged (docdata.glass is missing): copy '$WORK/nodocdata' again from where it came, or index the sources into a new directory"
for args in "budget" "--count" "stats" "senders -- -budget" "show $(search budget | head -1 | cut -c1-12)"; do
    # shellcheck disable=SC2086
    expect_damaged "no docdata.glass: $args" "$WORK/nodocdata" "$LOST" $args
done
damaged_copy nopositions
rm "$WORK/nopositions/position.glass"
expect_damaged "no position.glass" "$WORK/nopositions" \
    "leakdex-search: index damaged (position.glass is missing): copy '$WORK/nopositions' again from where it came, or index the sources into a new directory" \
    '"budget prévisionnel"'
# Flipped bytes: at the start of every block of a table (its header), and in
# the middle of every block of the data table. Xapian's reason is its own.
flip() { # FILE head|middle
    python3 - "$1" "$2" <<'PY'
import sys
path, where = sys.argv[1], sys.argv[2]
b = bytearray(open(path, "rb").read())
for block in range(0, len(b), 8192):
    start = block if where == "head" else block + 3000
    for i in range(start, min(start + (11 if where == "head" else 64), len(b))):
        b[i] ^= 0x5a
open(path, "wb").write(b)
PY
}
DAMAGED="leakdex-search: index damaged (REASON): run xapian-check $WORK"
for table in postlist docdata termlist; do
    damaged_copy "flip-$table"
    flip "$WORK/flip-$table/$table.glass" head
    expect_damaged "flipped block headers in $table.glass" "$WORK/flip-$table" "$DAMAGED/flip-$table" '*'
done
damaged_copy flip-data
flip "$WORK/flip-data/docdata.glass" middle
expect_damaged "flipped bytes inside docdata.glass's blocks" "$WORK/flip-data" "$DAMAGED/flip-data" '*'
expect_damaged "flipped bytes, the JSON of every hit" "$WORK/flip-data" "$DAMAGED/flip-data" --format json

finish
