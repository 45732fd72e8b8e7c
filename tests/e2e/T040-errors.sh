#!/usr/bin/env bash
# T040: malformed queries, bad options, missing, foreign and old indexes:
# one line on stderr and exit status 2 (searcher); documented codes (indexer).
source "$(dirname "$0")/lib.sh"
index_sample

# Malformed queries.
expect_status "unbalanced quote" 2 search '"budget prévisionnel'
expect_eq "its message" 'leakdex-search: malformed query: unbalanced '"'"'"'"'"'' "$(cat "$WORK/err")"
expect_status "unbalanced parenthesis" 2 search '(zeppelin OR orchidée'
expect_status "stray closing parenthesis" 2 search 'zeppelin)'
expect_status "unknown field" 2 search subjet:réunion
expect_eq "its message" "leakdex-search: malformed query: unknown field 'subjet:' (see --help-query)" "$(cat "$WORK/err")"
expect_status "field without a value" 2 search 'from: alice'
expect_status "dangling AND" 2 search 'zeppelin AND'
expect_status "bad date" 2 search date:2017-02-30
expect_eq "its message" "leakdex-search: malformed query: bad date '2017-02-30' (use YYYY, YYYY-MM, YYYY-MM-DD or A..B)" "$(cat "$WORK/err")"
expect_status "reversed range" 2 search date:2017..2016
expect_status "empty range" 2 search date:..

# Bad options.
expect_status "unknown option" 2 search --frobnicate
expect_eq "its message" "leakdex-search: --frobnicate: unknown option (try --help)" "$(cat "$WORK/err")"
expect_status "option without its value" 2 search --limit
expect_eq "its message" "leakdex-search: --limit: needs a value (try --help)" "$(cat "$WORK/err")"
expect_status "--limit not a number" 2 search --limit ten
expect_status "--limit 0" 2 search --limit 0
expect_status "--offset negative" 2 search --offset -1 zeppelin
expect_status "--format unknown" 2 search --format xml
expect_status "--sort unknown" 2 search --sort size
expect_status "--after bad date" 2 search --after 2017-13
expect_status "--after later than --before" 2 search --after 2017 --before 2016
expect_status "--help" 0 search --help
expect_status "--help-query" 0 search --help-query
grep -q 'date:2016-01-01..2017-04-24' "$WORK/out" && ok || bad "--help-query shows date examples"

# Missing, foreign and old indexes.
expect_status "missing index" 2 search --db "$WORK/nowhere" zeppelin
expect_eq "its message" "leakdex-search: no leakdex index at '$WORK/nowhere' (build one with leakdex-index --db $WORK/nowhere SOURCE...)" "$(cat "$WORK/err")"
mkdir -p "$WORK/notadb" && echo x >"$WORK/notadb/file"
expect_status "a directory that is no index" 2 search --db "$WORK/notadb" zeppelin
expect_eq "its message" "leakdex-search: '$WORK/notadb' is not a leakdex index (a directory of other files, no Xapian database in it); check --db, or build an index in a new directory: leakdex-index --db NEWDIR SOURCE..." "$(cat "$WORK/err")"
mkdir -p "$WORK/emptydir"
expect_status "an empty directory" 2 search --db "$WORK/emptydir" zeppelin
expect_eq "its message" "leakdex-search: '$WORK/emptydir' is not a leakdex index (empty directory); build one with: leakdex-index --db $WORK/emptydir SOURCE..." "$(cat "$WORK/err")"
cp -r "$LEAKDEX_DB" "$WORK/old"
xapian-metadata set "$WORK/old" leakdex.schema 0 2>/dev/null || bad "xapian-metadata (xapian-tools) missing"
expect_status "an index of another schema version" 2 search --db "$WORK/old" zeppelin
version=$(sed -n 's/^#define LX_SCHEMA_VERSION \([0-9]*\).*/\1/p' "$LEAKDEX_SRC/common/schema.h")
expect_eq "its message" "leakdex-search: index '$WORK/old' was built with schema version 0; this leakdex reads version $version (re-index the sources)" "$(cat "$WORK/err")"
expect_status "the indexer refuses it too" 1 index --db "$WORK/old" "$DATA/eml/001.eml"
xapian-metadata set "$WORK/old" leakdex.schema "" 2>/dev/null
expect_status "a Xapian database that is not leakdex's" 2 search --db "$WORK/old" zeppelin
grep -q "is a Xapian database but not a leakdex index" "$WORK/err" && ok || bad "foreign index message: $(cat "$WORK/err")"
LEAKDEX_DB= expect_status "no --db and no \$LEAKDEX_DB: ./leakdex.db" 2 search zeppelin
grep -q "no leakdex index at 'leakdex.db'" "$WORK/err" && ok || bad "default db path: $(cat "$WORK/err")"

# The indexer's own errors.
expect_status "indexer: no source" 2 index --db "$WORK/x"
expect_status "indexer: unknown option" 2 index --db "$WORK/x" --frobnicate "$DATA"
expect_eq "its message" "leakdex-index: --frobnicate: unknown option (try --help)" "$(cat "$WORK/err")"
expect_status "indexer: option without its value" 2 index --db
expect_eq "its message" "leakdex-index: --db: needs a value (try --help)" "$(cat "$WORK/err")"
expect_status "indexer: missing source" 3 index --db "$WORK/x" "$WORK/does-not-exist" "$DATA/eml/001.eml"
grep -q "does-not-exist: cannot read source: No such file or directory" "$WORK/err" && ok || bad "missing source named"
expect_eq "the other source was indexed" 1 "$(search --db "$WORK/x" --count)"
echo "not a directory" >"$WORK/file-db"
expect_status "indexer: the index path is a file" 1 index --db "$WORK/file-db" "$DATA/eml/001.eml"
grep -q "cannot open index" "$WORK/err" && ok || bad "index path message: $(cat "$WORK/err")"
expect_eq "the file is untouched" "not a directory" "$(cat "$WORK/file-db")"

finish
