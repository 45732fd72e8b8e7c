#!/usr/bin/env bash
# T465: facets: every count of every facet equals what `--count -- '(Q)
# AND TERM'` counts, for several queries (none, a word, a field, an option
# filter) on the sample and on the DKIM, chains and attachments corpora
# together (every verdict, file types); the exact output of each format.
source "$(dirname "$0")/lib.sh"
index_sample
ALL=$WORK/all
index --quiet --db "$ALL" --keys "$DATA/dkim-keys.txt" "$DATA/dkim" "$DATA/chains" \
    "$DATA/attach" >"$WORK/all.out" 2>&1 || { cat "$WORK/all.out" >&2; exit 1; }

# check_facets DB Q [OPTION...]: each facet's count against the count of
# "(Q) AND TERM" (Q empty: TERM), the total against the count of Q, and the
# undated against the total less the months. The counts come from one
# `batch` run (one process: hundreds of --count runs were most of this
# test's time under the sanitizers); the first term is also checked with
# --count itself, and batch's counts are --count's (T470).
check_facets() {
    local db=$1 q=$2
    shift 2
    search --db "$db" "$@" --format json facets -- $q >"$WORK/facets.json"
    python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
q = sys.argv[2]
print("total", d["total"], q or "*")
print("undated", d["undated"], d["total"] - sum(m["count"] for m in d["months"]))
for group in ("verdicts", "months", "domains", "senders", "attachments", "filetypes", "conflicts"):
    for f in d[group]:
        print("term", f["count"], "(%s) AND %s" % (q, f["query"]) if q else f["query"])' \
        "$WORK/facets.json" "$q" >"$WORK/facets.list"
    grep -v '^undated ' "$WORK/facets.list" | cut -d' ' -f3- >"$WORK/facets.batch"
    search --db "$db" "$@" --format ndjson batch "$WORK/facets.batch" >"$WORK/facets.counts"
    # Each line: the facet's count, the batch's count, the term.
    python3 -c '
import json, sys
hits = {}
for line in open(sys.argv[2]):
    r = json.loads(line)
    hits[r["query"]] = r["hits"]
for line in open(sys.argv[1]):
    kind, n, term = line.rstrip("\n").split(" ", 2)
    want = term if kind == "undated" else hits.get(term, "missing")
    print(kind, n, want, term)' "$WORK/facets.list" "$WORK/facets.counts" >"$WORK/facets.pairs"
    local kind n want term n_terms=0
    while read -r kind n want term; do
        [[ $kind == term ]] && n_terms=$((n_terms + 1))
        expect_eq "facets of '$q' $* in $(basename "$db"): $kind $term" "$want" "$n"
    done <"$WORK/facets.pairs"
    [[ $n_terms -gt 5 ]] && ok || bad "facets of '$q': only $n_terms terms checked"
    local first
    first=$(sed -n 's/^term [0-9]* //p' "$WORK/facets.list" | head -1)
    expect_eq "facets of '$q' $*: the first term's count is --count's" \
        "$(sed -n 's/^term \([0-9]*\) .*/\1/p' "$WORK/facets.list" | head -1)" \
        "$(search --db "$db" "$@" --count -- "$first")"
}

check_facets "$LEAKDEX_DB" ""
check_facets "$LEAKDEX_DB" "budget"
check_facets "$LEAKDEX_DB" "date:2016"
check_facets "$LEAKDEX_DB" "" --domain campagne-exemple.fr
check_facets "$LEAKDEX_DB" "nosuchwordanywhere"
check_facets "$ALL" ""
check_facets "$ALL" "has:attachment"
check_facets "$ALL" "NOT verified:yes"
check_facets "$ALL" "" --has-attachment

# recipient: is the --to option's exact address (any case), as sender: is --from's.
expect_eq "recipient: counts what --to counts" "5 5 5" \
    "$(search --count recipient:presse@presse-exemple.fr) $(search --count recipient:PRESSE@Presse-Exemple.fr) $(search --count --to presse@presse-exemple.fr)"
expect_eq "sender: counts what --from counts" "$(search --count --from s.nguyen@campagne-exemple.fr)" \
    "$(search --count sender:s.nguyen@campagne-exemple.fr)"

# A sender is its address, exactly: 058's From is "ceo@victim.example"
# <intern@attacker.example>, which from:ceo@victim.example finds (the words
# of the name) and the sender facet, sender:, never counts under the victim.
expect_eq "from: counts the display name that spells the address" 8 \
    "$(search --db "$ALL" --count from:ceo@victim.example)"
expect_eq "the sender facet of ceo@victim.example: its own mail only" \
    "ceo@victim.example 7 sender:ceo@victim.example" \
    "$(search --db "$ALL" --format json facets | python3 -c '
import json, sys
for f in json.load(sys.stdin)["senders"]:
    if f["key"] == "ceo@victim.example":
        print(f["key"], f["count"], f["query"])')"
expect_eq "sender: never matches a display name" "" \
    "$(search --db "$ALL" --format json sender:ceo@victim.example | python3 -c '
import json, sys
print(" ".join(h["from"]["address"] for h in json.load(sys.stdin)["hits"] if h["from"]["address"] != "ceo@victim.example"))')"

# What the sample's facets hold, exactly (the counts data/README.md gives).
expect_eq "facets, JSON: the sample's totals" \
    "67 1 dkim:none=67 conflict:yes=2 has:attachment=1 filetype:csv=1 domain:campagne-exemple.fr=39 sender:s.nguyen@campagne-exemple.fr=12 Sophie Nguyen" \
    "$(search --format json facets | python3 -c '
import json, sys
d = json.load(sys.stdin)
v = {f["query"]: f["count"] for g in ("verdicts", "conflicts", "attachments", "filetypes") for f in d[g] if f["count"]}
print(d["total"], d["undated"], " ".join("%s=%d" % kv for kv in sorted(v.items(), key=lambda kv: kv[0][0] == "h" or kv[0][0] == "f")),
      "%s=%d" % (d["domains"][0]["query"], d["domains"][0]["count"]),
      "%s=%d" % (d["senders"][0]["query"], d["senders"][0]["count"]), d["senders"][0]["name"])')"
expect_eq "facets, JSON: the corpora's senders, most first, the ten first" \
    "10 gazette@news.dkim.example=62 archives@attach.example=15 True" \
    "$(search --db "$ALL" --format json facets | python3 -c '
import json, sys
d = json.load(sys.stdin)
s = d["senders"]
m = [f["key"] for f in d["months"]]
print(len(s), " ".join("%s=%d" % (f["key"], f["count"]) for f in s[:2]), m == sorted(m))')"

expect_eq "facets, text" "4 emails
verdicts:
       0  verified  verified:yes
       0  partial  verified:partial
       0  corroborated  verified:chain
       0  fail  dkim:fail
       0  nokey  dkim:nokey
       0  invalid  dkim:invalid
       4  none  dkim:none
       0  weak  dkim:weak
months:
       1  2014-11  month:2014-11
       1  2015-09  month:2015-09
       1  2016-11  month:2016-11
       1  2017-04  month:2017-04
       0  no date
domains:
       4  example.com  domain:example.com
senders:
       4  emma.clark@example.com (Emma Clark)  sender:emma.clark@example.com
attachments:
       0  attachment  has:attachment
filetypes:
conflicts:
       0  conflict  conflict:yes" "$(search facets from:emma.clark@example.com)"
expect_eq "facets, CSV" "facet,key,name,query,count
total,,,,4
verdicts,verified,,verified:yes,0
verdicts,partial,,verified:partial,0
verdicts,corroborated,,verified:chain,0
verdicts,fail,,dkim:fail,0
verdicts,nokey,,dkim:nokey,0
verdicts,invalid,,dkim:invalid,0
verdicts,none,,dkim:none,4
verdicts,weak,,dkim:weak,0
months,2014-11,,month:2014-11,1
months,2015-09,,month:2015-09,1
months,2016-11,,month:2016-11,1
months,2017-04,,month:2017-04,1
undated,,,,0
domains,example.com,,domain:example.com,4
senders,emma.clark@example.com,Emma Clark,sender:emma.clark@example.com,4
attachments,attachment,,has:attachment,0
conflicts,conflict,,conflict:yes,0" \
    "$(search --format csv facets from:emma.clark@example.com | tr -d '\r')"
expect_eq "facets, NDJSON: one line" 1 "$(search --format ndjson facets | wc -l)"

expect_status "facets with nothing matched: exit 1" 1 search facets nosuchwordanywhere
expect_eq "facets with nothing matched: total 0" "0 emails" "$(head -n 1 "$WORK/out")"
expect_status "facets refuses --sort" 2 search --sort date facets
expect_status "facets refuses --collapse" 2 search --collapse thread facets
expect_status "facets refuses a malformed query" 2 search facets 'subjet:x'

finish
