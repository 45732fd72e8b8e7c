#!/usr/bin/env bash
# T400: the exact set of hits for queries over every field of the sample archive.
source "$(dirname "$0")/lib.sh"
index_sample

C=campagne-exemple.fr
M=mairie-exemple.fr
P=presse-exemple.fr

expect_ids "free word" "007.horizon@$C 105.horizon@$C 207.horizon@$C" zeppelin
expect_ids "free word, any case" "007.horizon@$C 105.horizon@$C 207.horizon@$C" ZEPPELIN
expect_ids "phrase" "004.horizon@$C 202.horizon@$C" '"budget prévisionnel"'
expect_ids "two words, implied AND" "004.horizon@$C 023.horizon@$C 202.horizon@$C" budget prévisionnel
expect_ids "word in subject or body" \
    "002.horizon@example.org 004.horizon@$C 016.horizon@example.com 023.horizon@$C 202.horizon@$C 212.horizon@example.com 213.horizon@$C" budget
expect_ids "AND NOT" "002.horizon@example.org 016.horizon@example.com 212.horizon@example.com 213.horizon@$C" \
    'budget AND NOT prévisionnel'
expect_ids "minus" "002.horizon@example.org 016.horizon@example.com 212.horizon@example.com 213.horizon@$C" \
    'budget -prévisionnel'
expect_ids "OR with parentheses" "007.horizon@$C 105.horizon@$C" \
    '(zeppelin OR orchidée) date:..2013'
expect_ids "OR" "007.horizon@$C 009.horizon@$C 105.horizon@$C 207.horizon@$C" 'zeppelin OR orchidée'
expect_ids "wildcard" \
    "002.horizon@example.org 004.horizon@$C 016.horizon@example.com 023.horizon@$C 202.horizon@$C 212.horizon@example.com 213.horizon@$C" 'budg*'
expect_ids "subject: (RFC 2047 Q, B and ISO-8859-1)" \
    "005.horizon@$C 106.horizon@$C 206.horizon@$C 304.horizon@$P" 'subject:réunion'
expect_ids "subject: phrase" "011.horizon@$C 012.horizon@$C 101.horizon@$M 102.horizon@$C" \
    'subject:"déplacement à lyon"'
expect_ids "from: name word" \
    "001.horizon@$C 005.horizon@$C 014.horizon@$C 029.horizon@$C 102.horizon@$C 117.horizon@$C 201.horizon@$C" from:alice
expect_ids "from: encoded display name" "008.horizon@$M 021.horizon@$M 101.horizon@$M" from:lefèvre
expect_ids "from: address" "008.horizon@$M 021.horizon@$M 101.horizon@$M" from:b.lefevre@$M
expect_ids "--from exact address, any case" "008.horizon@$M 021.horizon@$M 101.horizon@$M" --from B.Lefevre@Mairie-Exemple.FR
expect_ids "--from two addresses" \
    "008.horizon@$M 018.horizon@example.org 021.horizon@$M 101.horizon@$M" --from b.lefevre@$M --from benevoles@example.org
expect_ids "from: address-only sender" "018.horizon@example.org" from:benevoles@example.org
expect_ids "to: To and Cc" "006.horizon@$P 022.horizon@$C 114.horizon@$P 302.horizon@$C 305.horizon@$C" \
    to:presse@$P
expect_ids "to: group member" "003.horizon@$C" to:lina@terrain.example
expect_ids "domain:" "008.horizon@$M 021.horizon@$M 027.horizon@$M 101.horizon@$M 108.horizon@$M 210.horizon@$M" \
    domain:$M
expect_ids "id: with brackets" "dup.horizon@$C" "id:<dup.horizon@$C>"
expect_ids "id: copies differing in transport headers are two documents" \
    "relay.horizon@$C relay.horizon@$C" id:relay.horizon@$C
expect_ids "conflict:yes" "conflict.horizon@$C conflict.horizon@$C" conflict:yes
expect_ids "copies are not conflicts" "" 'conflict:yes id:relay.horizon@campagne-exemple.fr'
expect_ids "one UTC day, time zones honoured" "014.horizon@$C 107.horizon@$C" date:2017-04-24
expect_ids "the day before" "015.horizon@$P" date:2017-04-23
expect_ids "the day on Paris clocks (--tz)" "014.horizon@$C 015.horizon@$P" \
    --tz Europe/Paris date:2017-04-24
expect_ids "year: on Paris clocks: 003 is 00:15 on 1 January 2010 there" \
    "003.horizon@$C 109.horizon@$C" --tz Europe/Paris year:2010
expect_ids "open start" "001.horizon@$C 002.horizon@example.org 003.horizon@$C 108.horizon@$M 307.horizon@$P" \
    date:..2009
expect_ids "open end" "116.horizon@$P 117.horizon@$C" date:2017-05..
expect_ids "closed range of days, both ends inclusive" "014.horizon@$C 015.horizon@$P 107.horizon@$C" \
    date:2017-04-23..2017-04-24
expect_ids "--after and --before" "014.horizon@$C 107.horizon@$C" --after 2017-04-24 --before 2017-04-24
expect_ids "date range with words" "004.horizon@$C 016.horizon@example.com" 'budget date:2011..2015'
expect_ids "date range excluding" "202.horizon@$C" '"budget prévisionnel" date:2016-01-01..2017-04-24'
expect_ids "year:" "109.horizon@$C" year:2010
expect_ids "month:" "014.horizon@$C 015.horizon@$P 107.horizon@$C 115.horizon@example.com" month:2017-04
expect_ids "HTML-only body is searchable" "009.horizon@$C" orchidée
expect_ids "script text is not" "" scriptonly
expect_ids "style text is not" "" styleonly
expect_ids "multipart/alternative indexed once" "010.horizon@graphisme.example" tournesol
expect_ids "mboxrd quoting undone" "203.horizon@$C" '"From the campaign office"'
expect_ids "ISO-8859-1 body decoded" "008.horizon@$M" 'téléphonique délégation'
expect_eq "no character of the sample needed repair" 0 \
    "$(search --format ndjson | python3 -c 'import json,sys; print(sum(json.loads(l)["replaced_characters"] for l in sys.stdin))')"
expect_ids "Received date fallback" "013.horizon@$P" date:2016-12-15

expect_eq "--count, everything" 67 "$(search --count)"
expect_eq "--count, '*'" 67 "$(search --count '*')"
expect_eq "--count with a query" 12 "$(search --count réunion)"
expect_eq "--count ignores --limit" 7 "$(search --count --limit 2 budget)"
expect_status "no match exits 1" 1 search nosuchwordanywhere
expect_eq "the word 'show' through the search command" "" "$(search search show)"

# Order and paging.
expect_eq "--sort date" "001.horizon@$C 108.horizon@$M 307.horizon@$P" \
    "$(search --sort date --limit 3 --format ndjson date:2009 | python3 -c 'import json,sys; print(" ".join(json.loads(l)["message_id"] for l in sys.stdin))')"
expect_eq "--sort -date" "003.horizon@$C 002.horizon@example.org" \
    "$(search --sort -date --offset 0 --limit 2 --format ndjson date:2009 | python3 -c 'import json,sys; print(" ".join(json.loads(l)["message_id"] for l in sys.stdin))')"
expect_eq "--offset past the first hit" "002.horizon@example.org" \
    "$(search --sort -date --offset 1 --limit 1 --format ndjson date:2009 | python3 -c 'import json,sys; print(" ".join(json.loads(l)["message_id"] for l in sys.stdin))')"

# Without --sort: a query with free words in relevance order; a filter-only
# query (no free words) oldest first, as --sort date (undated first).
order() { search --format ndjson "$@" | python3 -c 'import json,sys; print(" ".join(json.loads(l)["message_id"].split(".")[0] for l in sys.stdin))'; }
alice="001 005 029 201 102 014 117"
expect_eq "from:alice: oldest first" "$alice" "$(order from:alice)"
expect_eq "--from: oldest first" "$alice" "$(order --from alice.martin@campagne-exemple.fr)"
expect_eq "date:2009: oldest first" "001 108 307 002 003" "$(order date:2009)"
expect_eq "year:2017: oldest first" "024 305 306 025 026 114 115 015 014 107 116 117" \
    "$(order year:2017)"
expect_eq "NOT word ranks nothing: oldest first, undated first" "031 001 108" \
    "$(order --limit 3 NOT budget)"
expect_eq "no query: every message, oldest first" "031 001 108" "$(order --limit 3)"
expect_eq "paging a filter-only query" "029 201" "$(order --offset 2 --limit 2 from:alice)"
# Relevance orders (schema 12: no stem terms, so shorter documents; 201 and
# 005 now weigh the same and go by identity).
expect_eq "--sort relevance still wins" "029 001 102 117 201 005 014" "$(order --sort relevance from:alice)"
expect_eq "--sort -date still wins" "117 014 102 201 029 005 001" "$(order --sort -date from:alice)"
expect_eq "free words: relevance, not date" "202 213 023 212 002 004 016" "$(order budget)"
expect_eq "free words with a filter: relevance" "$(order --sort relevance budget from:thomas)" \
    "$(order budget from:thomas)"
expect_eq "the text list too" "0ccf4332b0e7 477ec85e34a4" "$(search --limit 2 from:alice | cut -c1-12 | tr '\n' ' ' | sed 's/ $//')"
search --export "$WORK/alice.json" from:alice >/dev/null
expect_eq "an export in that order, and says so" "date $alice" \
    "$(python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
print(d["export"]["query"]["sort"], " ".join(h["message_id"].split(".")[0] for h in d["hits"]))' "$WORK/alice.json")"
search --export "$WORK/budget.json" budget >/dev/null
expect_eq "an export with words says relevance" "relevance" \
    "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["export"]["query"]["sort"])' "$WORK/budget.json")"

finish
