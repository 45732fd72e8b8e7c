#!/usr/bin/env bash
# T210: the sources are evidence. Every file of data/ keeps its bytes and its
# mtime through indexing, re-indexing, --inspect, --reverify, searching,
# show and exports (hit lists and copies of the originals); the searcher
# changes nothing in the index either.
source "$(dirname "$0")/lib.sh"

snapshot() { # path, size, mtime (ns) and SHA-256 of every file under $1
    find "$1" -type f -printf '%p %s %T@ ' -exec sha256sum {} \; | awk '{ print $1, $2, $3, $4 }' | sort
}
snapshot "$DATA" >"$WORK/before"
index --keys "$DATA/dkim-keys.txt" "$DATA" >/dev/null 2>&1
index --keys "$DATA/dkim-keys.txt" "$DATA" >/dev/null 2>&1
index --inspect --full --keys "$DATA/dkim-keys.txt" "$DATA" >/dev/null 2>&1
index --reverify --keys "$DATA/dkim-keys.txt" >/dev/null 2>&1
snapshot "$LEAKDEX_DB" >"$WORK/db-before"
search --format csv >/dev/null
search --format json 'élysée OR verified:yes' >/dev/null
for id in $(search --limit 20 | cut -c1-12); do search show "$id" >/dev/null; done
search --format json show "$(search --limit 1 | cut -c1-12)" >/dev/null
search --export "$WORK/all.csv" >/dev/null
search --export "$WORK/all.json" --verified >/dev/null
search --export-dir "$WORK/originals" >/dev/null
snapshot "$DATA" >"$WORK/after"
snapshot "$LEAKDEX_DB" >"$WORK/db-after"
if diff -q "$WORK/before" "$WORK/after" >/dev/null; then ok; else bad "sources changed: $(diff "$WORK/before" "$WORK/after" | head)"; fi
expect_eq "files checked" "$(find "$DATA" -type f | wc -l)" "$(wc -l <"$WORK/after")"
if diff -q "$WORK/db-before" "$WORK/db-after" >/dev/null; then ok; else bad "searching changed the index"; fi

# The searcher opens the index read-only: it works on an index nobody may
# write (as nobody when root, whom permissions do not stop).
chmod -R a-w "$LEAKDEX_DB"
as_nobody=()
if [[ $(id -u) == 0 ]]; then
    chmod 755 "$WORK"
    as_nobody=(setpriv --reuid=nobody --regid=nogroup --clear-groups)
fi
expect_eq "search on a read-only index" 306 "$("${as_nobody[@]}" "$LEAKDEX_SEARCH" --count)"
chmod -R u+w "$LEAKDEX_DB"

finish
