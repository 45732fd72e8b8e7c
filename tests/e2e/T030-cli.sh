#!/usr/bin/env bash
# T030: the command line's edges: query words that start with '-', "--",
# unknown options named as typed, --limit and --offset on senders,
# recipients and thread, "no messages match", --version and -h.
# (An empty or foreign --db directory: T040.)
source "$(dirname "$0")/lib.sh"
index_sample

# expect_err "DESCRIPTION" STATUS LINE COMMAND...: the exit status and the
# exact stderr (LINE, or nothing when LINE is empty).
expect_err() {
    local what=$1 want=$2 line=$3
    shift 3
    expect_status "$what" "$want" "$@"
    expect_eq "$what: stderr" "$line" "$(cat "$WORK/err")"
}

# addresses ARGS...: the addresses leakdex-search ARGS (senders or
# recipients) prints, in its order.
addresses() {
    search --format ndjson "$@" | python3 -c 'import json,sys; print(" ".join(json.loads(l)["address"] for l in sys.stdin))'
}

# Query words that start with '-': once the query has started, every word
# is a query word. "budget -thomas" is budget NOT thomas.
not_thomas="002.horizon@example.org 016.horizon@example.com 212.horizon@example.com"
expect_ids "budget NOT thomas" "$not_thomas" 'budget NOT thomas'
expect_err "budget -thomas: no option error" 0 "" search budget -thomas
expect_ids "budget -thomas: budget NOT thomas" "$not_thomas" budget -thomas
expect_ids "search budget -thomas" "$not_thomas" search budget -thomas
expect_eq "senders budget -thomas: the senders of budget NOT thomas" \
    "emma.clark@example.com david.brown@example.org" "$(addresses senders budget -thomas)"
# A query that starts with '-word' goes after --.
expect_err "-- -thomas budget" 0 "" search -- -thomas budget
expect_ids "-- -thomas budget: budget NOT thomas" "$not_thomas" -- -thomas budget
expect_ids "options, --, then the query" "016.horizon@example.com 212.horizon@example.com" --from emma.clark@example.com -- -thomas budget
expect_err "-thomas before any query word is an option" 2 \
    "leakdex-search: -thomas: unknown option (try --help; put -- before a query that starts with '-')" \
    search -thomas budget

# Unknown options are named as typed, wherever options are read.
expect_err "unknown option" 2 "leakdex-search: --bogus: unknown option (try --help)" search --bogus budget
expect_err "unknown option after a command's name" 2 "leakdex-search: --bogus: unknown option (try --help)" \
    search senders --bogus
expect_err "unknown option among show's ids" 2 "leakdex-search: --bogus: unknown option (try --help)" \
    search show 123456789abc --bogus
expect_err "unknown short option" 2 "leakdex-search: -x: unknown option (try --help; put -- before a query that starts with '-')" \
    search --limit 2 -x budget
expect_err "ambiguous abbreviation" 2 \
    "leakdex-search: --ex: ambiguous option (--export, --export-dir, --excel) (try --help)" \
    search --ex f.csv budget
expect_err "a value for an option that takes none" 2 "leakdex-search: --count: takes no value (try --help)" \
    search --count=yes budget
expect_err "an option's value missing" 2 "leakdex-search: --from: needs a value (try --help)" search --from
expect_err "indexer: unknown option" 2 "leakdex-index: --bogus: unknown option (try --help)" \
    index --db "$WORK/x" --bogus "$DATA/eml"
expect_err "indexer: unknown short option" 2 "leakdex-index: -lyon: unknown option (try --help)" \
    index --db "$WORK/x" -lyon "$DATA/eml"
expect_err "indexer: a value missing" 2 "leakdex-index: --jobs: needs a value (try --help)" index --jobs
[[ ! -e "$WORK/x" ]] && ok || bad "the indexer wrote nothing on a usage error"

# An option after the query is a query word: said when nothing matches.
expect_err "budget --limit 1" 1 \
    "leakdex-search: no messages match (--limit was read as a query word: options go before the query)" \
    search budget --limit 1

# No hits: one line on stderr, exit 1; stdout as ever.
expect_err "no hits, text" 1 "leakdex-search: no messages match" search zeppelinxyz
expect_eq "no hits, text: nothing on stdout" "" "$(cat "$WORK/out")"
expect_err "no hits, json" 1 "leakdex-search: no messages match" search --format json zeppelinxyz
expect_eq "no hits, json: the envelope" '{"version":1,"total":0,"offset":0,"hits":[]}' "$(cat "$WORK/out")"
expect_err "no hits, ndjson" 1 "leakdex-search: no messages match" search --format ndjson zeppelinxyz
expect_eq "no hits, ndjson: nothing" "" "$(cat "$WORK/out")"
expect_err "no hits, csv" 1 "leakdex-search: no messages match" search --format csv zeppelinxyz
expect_eq "no hits, csv: the header alone" 1 "$(wc -l <"$WORK/out")"
expect_err "no hits, --count: the number says it" 1 "" search --count zeppelinxyz
expect_eq "no hits, --count" 0 "$(cat "$WORK/out")"
expect_err "senders, no match" 1 "leakdex-search: no messages match" search senders zeppelinxyz
expect_eq "senders, no match: the header" \
    "MESSAGES VERIFIED  FIRST       LAST        ADDRESS  NAMES" "$(cat "$WORK/out")"
expect_err "recipients, no match, json" 1 "leakdex-search: no messages match" \
    search --format json recipients zeppelinxyz
expect_eq "recipients, no match: json" '{"version":1,"kind":"recipients","total":0,"people":[]}' "$(cat "$WORK/out")"
expect_err "hits: nothing on stderr" 0 "" search budget
# Messages that match but name no recipient.
mkdir -p "$WORK/noto"
printf 'From: Zoe <zoe@example.org>\nSubject: alone\nDate: Mon, 3 Apr 2017 10:00:00 +0000\nMessage-ID: <alone@example.org>\n\nnobody\n' >"$WORK/noto/1.eml"
index --db "$WORK/noto-db" --quiet "$WORK/noto" >/dev/null 2>&1
expect_err "recipients of a message without any" 1 \
    "leakdex-search: no recipients (the 1 message that matches has none)" search --db "$WORK/noto-db" recipients
expect_err "... its sender" 0 "" search --db "$WORK/noto-db" senders

# --limit and --offset page senders and recipients in every format; the
# counts stay over every match.
# words FROM COUNT LIST...: COUNT words of LIST from the FROM-th (0-based).
words() {
    local from=$1 count=$2
    shift 2
    local all=($*)
    echo "${all[@]:$from:$count}"
}
all_senders=$(addresses senders)
expect_eq "senders: the whole list" \
    "s.nguyen@campagne-exemple.fr helene.rousseau@campagne-exemple.fr thomas.girard@campagne-exemple.fr alice.martin@campagne-exemple.fr claire.dubois@presse-exemple.fr david.brown@example.org emma.clark@example.com j.petit@presse-exemple.fr b.lefevre@mairie-exemple.fr marc.dupont@mairie-exemple.fr benevoles@example.org studio@graphisme.example" \
    "$all_senders"
expect_eq "senders --limit 3" \
    "s.nguyen@campagne-exemple.fr helene.rousseau@campagne-exemple.fr thomas.girard@campagne-exemple.fr" \
    "$(addresses --limit 3 senders)"
expect_eq "senders --limit 3: the first three of the list" "$(words 0 3 $all_senders)" "$(addresses --limit 3 senders)"
expect_eq "senders --offset 3 --limit 3" \
    "alice.martin@campagne-exemple.fr claire.dubois@presse-exemple.fr david.brown@example.org" \
    "$(addresses --offset 3 --limit 3 senders)"
expect_eq "senders --offset 3 --limit 3: the next three" "$(words 3 3 $all_senders)" \
    "$(addresses --offset 3 --limit 3 senders)"
expect_eq "senders --offset 10: the last two" "$(words 10 5 $all_senders)" "$(addresses --offset 10 senders)"
expect_eq "senders --offset past the end: nothing" "" "$(addresses --offset 12 senders)"
expect_eq "options after the command's name" "$(addresses --offset 3 --limit 3 senders)" \
    "$(addresses senders --offset 3 --limit 3)"
expect_eq "senders --sort address --limit 2" "alice.martin@campagne-exemple.fr b.lefevre@mairie-exemple.fr" \
    "$(addresses --sort address --limit 2 senders)"
expect_eq "senders --limit 3, text: a header and three rows" \
    "ADDRESS s.nguyen@campagne-exemple.fr helene.rousseau@campagne-exemple.fr thomas.girard@campagne-exemple.fr" \
    "$(search --limit 3 senders | awk '{print $5}' | tr '\n' ' ' | sed 's/ $//')"
expect_eq "senders --limit 3, csv: a header and three rows" \
    "address s.nguyen@campagne-exemple.fr helene.rousseau@campagne-exemple.fr thomas.girard@campagne-exemple.fr" \
    "$(search --format csv --limit 3 senders | cut -d, -f1 | tr -d '\r' | tr '\n' ' ' | sed 's/ $//')"
expect_eq "senders --offset 3 --limit 3, json: three people, the total of all" \
    "12 alice.martin@campagne-exemple.fr claire.dubois@presse-exemple.fr david.brown@example.org" \
    "$(search --format json --offset 3 --limit 3 senders | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["total"], " ".join(p["address"] for p in d["people"]))')"
expect_status "senders --offset past the end: people matched" 0 search --offset 20 senders
all_recipients=$(addresses recipients)
expect_eq "recipients: the whole list" 11 "$(wc -w <<<"$all_recipients")"
expect_eq "recipients --limit 3" "$(words 0 3 $all_recipients)" "$(addresses --limit 3 recipients)"
expect_eq "recipients --offset 2 --limit 4" "$(words 2 4 $all_recipients)" "$(addresses --offset 2 --limit 4 recipients)"
expect_eq "recipients --limit 2, csv" \
    "address alice.martin@campagne-exemple.fr helene.rousseau@campagne-exemple.fr" \
    "$(search --format csv --limit 2 recipients | cut -d, -f1 | tr -d '\r' | tr '\n' ' ' | sed 's/ $//')"
expect_eq "recipients --offset 9 --limit 5, json" "11 marc.dupont@mairie-exemple.fr paul@terrain.example" \
    "$(search --format json --offset 9 --limit 5 recipients | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["total"], " ".join(p["address"] for p in d["people"]))')"
expect_eq "the counts do not depend on the page" \
    "$(search --format ndjson recipients | sed -n 3p)" "$(search --format ndjson --offset 2 --limit 1 recipients)"

# thread: the page is cut from the thread in the order shown; a reply stays
# indented under its parent when the parent is not on the page.
index --db "$WORK/threads" --quiet "$DATA/threads" >/dev/null 2>&1
T=(--db "$WORK/threads")
tid=$(search "${T[@]}" --format ndjson id:a1@threads.example | python3 -c 'import json,sys; print(json.loads(sys.stdin.readline())["thread"])')
# The sender and subject columns, without the sender's clock at the end
# ([sent ...]: T160 checks it).
tail_cols() { cut -c44- | sed 's/  \[sent [^]]*\]$//'; }
expect_eq "thread: the whole conversation" \
    "Alice Martin  Tournée des marchés
  Bruno Lemaire  Re: Tournée des marchés
    Alice Martin  Re: Re: Tournée des marchés" \
    "$(search "${T[@]}" thread "$tid" | tail_cols)"
expect_eq "thread --limit 2" \
    "Alice Martin  Tournée des marchés
  Bruno Lemaire  Re: Tournée des marchés" \
    "$(search "${T[@]}" --limit 2 thread "$tid" | tail_cols)"
expect_eq "thread --offset 1 --limit 1: the reply, indented" "  Bruno Lemaire  Re: Tournée des marchés" \
    "$(search "${T[@]}" --offset 1 --limit 1 thread "$tid" | tail_cols)"
expect_eq "thread --offset 2: the last reply, indented twice" "    Alice Martin  Re: Re: Tournée des marchés" \
    "$(search "${T[@]}" thread "$tid" --offset 2 | tail_cols)"
expect_eq "thread --sort -date --limit 1: the newest" "    Alice Martin  Re: Re: Tournée des marchés" \
    "$(search "${T[@]}" --sort -date --limit 1 thread "$tid" | tail_cols)"
expect_eq "thread --offset 1, ndjson" "a2@threads.example a3@threads.example" \
    "$(search "${T[@]}" --format ndjson --offset 1 thread "$tid" | python3 -c 'import json,sys; print(" ".join(json.loads(l)["message_id"] for l in sys.stdin))')"
expect_eq "thread --offset 1 --limit 1, json: total and offset" "3 1 a2@threads.example" \
    "$(search "${T[@]}" --format json --offset 1 --limit 1 thread "$tid" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["total"], d["offset"], " ".join(h["message_id"] for h in d["hits"]))')"
expect_eq "thread --limit 2, csv: a header and two rows" 3 \
    "$(search "${T[@]}" --format csv --limit 2 thread "$tid" | python3 -c 'import csv,sys; print(len(list(csv.reader(sys.stdin))))')"
expect_err "thread, filtered to nothing" 1 "leakdex-search: no messages match" search "${T[@]}" --verified thread "$tid"

# --version and -h, on both programs.
version=$(sed -n 's/^project(leakdex VERSION \([0-9.]*\).*/\1/p' "$LEAKDEX_SRC/CMakeLists.txt")
[[ -n "$version" ]] && ok || bad "a version in project()"
expect_err "leakdex-search --version" 0 "" search --version
expect_eq "its line" "leakdex-search $version" "$(cat "$WORK/out")"
expect_err "leakdex-index --version" 0 "" index --version
expect_eq "its line" "leakdex-index $version" "$(cat "$WORK/out")"
search --help >"$WORK/help"
expect_err "leakdex-search -h" 0 "" search -h
expect_eq "-h is --help" "$(cat "$WORK/help")" "$(cat "$WORK/out")"
grep -q -- '-- -lyon budget' "$WORK/help" && ok || bad "--help tells how to start a query with -word"
index --help >"$WORK/help"
expect_err "leakdex-index -h" 0 "" index -h
expect_eq "-h is --help" "$(cat "$WORK/help")" "$(cat "$WORK/out")"

finish
