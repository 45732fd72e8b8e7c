#!/usr/bin/env bash
# T455: --count is exact whichever way it is found: from the index's
# statistics for one term or all mail, by a match for anything else, and
# collapsed over databases that hold the same messages.
source "$(dirname "$0")/lib.sh"
index --quiet "$DATA" >/dev/null 2>&1
index --quiet --db "$WORK/again" "$DATA" >/dev/null 2>&1

# All mail and one term (a sender, a year, a filter of its own): statistics.
expect_eq "all mail" 306 "$(search --count '*')"
expect_eq "one sender" 17 "$(search --count sender:alice.martin@campagne-exemple.fr)"
expect_eq "one year" 27 "$(search --count year:2016)"
expect_eq "with an attachment" 20 "$(search --count has:attachment)"
expect_eq "a term no message has" 0 "$(search --count year:1901)"
# A word (several fields and stems), a phrase of a name, a filter with a
# word: a match.
expect_eq "a word" 12 "$(search --count budget)"
expect_eq "a name" 17 "$(search --count 'from:alice.martin@campagne-exemple.fr')"
expect_eq "a year and a word" 4 "$(search --count 'year:2016 budget')"
# The same messages in two databases: each counted once.
both=(--db "$LEAKDEX_DB" --db "$WORK/again")
expect_eq "all mail, twice indexed" 306 "$(search "${both[@]}" --count '*')"
expect_eq "one year, twice indexed" 27 "$(search "${both[@]}" --count year:2016)"
expect_eq "a word, twice indexed" 12 "$(search "${both[@]}" --count budget)"
# The counts are those of the hit lists.
expect_eq "the list of one year" 27 "$(search --format ndjson --limit 100000 year:2016 | wc -l)"
expect_eq "the list of a word, twice indexed" 12 \
    "$(search "${both[@]}" --format ndjson --limit 100000 budget | wc -l)"
finish
