#!/usr/bin/env bash
# T630: leakdex-web serves an index while it is indexed again: each request
# sees the newest committed revision (a refresh, or a new handle when a
# compaction replaced the directory), so the count rises as sources are
# added, and no request fails meanwhile.
source "$(dirname "$0")/lib.sh"
index --quiet "$DATA/eml" >/dev/null 2>&1
first=$(search --count)
web_start --db "$LEAKDEX_DB" --listen 127.0.0.1:0 --threads 2
count() { curl -s "$WEB_URL/api/stats" | python3 -c 'import json,sys; print(json.load(sys.stdin)["messages"])'; }
expect_eq "before: the CLI's count" "$first" "$(count)"

# Clients ask all along: the status and the total of each answer.
touch "$WORK/polling"
poll() {
    while [[ -e $WORK/polling ]]; do
        curl -s -o "$WORK/p.$1" -w '%{http_code}\n' "$WEB_URL/api/search?limit=1&sort=date" >>"$WORK/codes.$1"
        sed -n 's/^{"version":1,"total":\([0-9]*\),.*/\1/p' "$WORK/p.$1" | grep . >>"$WORK/totals.$1" ||
            echo "not a hit list" >>"$WORK/totals.$1"
    done
}
poll 1 &
p1=$!
poll 2 &
p2=$!
# Both clients have had their first answer before the index changes (on a
# loaded machine a client may start late: at most 20 s).
for ((i = 0; i < 200; i++)); do
    [[ -s $WORK/totals.1 && -s $WORK/totals.2 ]] && break
    sleep 0.1
done
# Each run adds a fifth of the index or more: each ends by compacting,
# which replaces the index's directory.
for src in maildir mbox attach threads; do
    index --quiet "$DATA/$src" >"$WORK/index.$src" 2>&1 || bad "indexing $src"
    sleep 0.5
done
last=$(search --count)
# Until both clients have seen the last count (at most 20 s).
for ((i = 0; i < 200; i++)); do
    [[ $(tail -1 "$WORK/totals.1") == "$last" && $(tail -1 "$WORK/totals.2") == "$last" ]] && break
    sleep 0.1
done
rm "$WORK/polling"
wait "$p1" "$p2"
[[ $last -gt $first ]] && ok || bad "the sources added messages ($first, then $last)"
expect_eq "after: the CLI's count" "$last" "$(count)"
grep -q 'compacted:' "$WORK/index.maildir" && ok || bad "a run compacted the index"
for c in 1 2; do
    n=$(wc -l <"$WORK/codes.$c")
    [[ $n -ge 10 ]] && ok || bad "client $c asked only $n times"
    expect_eq "client $c: every answer 200" "" "$(grep -v '^200$' "$WORK/codes.$c" | sort | uniq -c)"
    sort -n -c "$WORK/totals.$c" 2>/dev/null && ok || bad "client $c: the totals never go down: $(uniq "$WORK/totals.$c" | paste -sd ' ')"
    expect_eq "client $c: saw the first count and the last" "$first $last" \
        "$(head -1 "$WORK/totals.$c") $(tail -1 "$WORK/totals.$c")"
done
# An index that cannot be opened any more: 503, as JSON; back, it answers.
mv "$LEAKDEX_DB" "$WORK/away"
expect_eq "the index gone: 503" 503 "$(curl -s -o "$WORK/body" -w '%{http_code}' "$WEB_URL/api/stats")"
grep -q '"status": 503}' "$WORK/body" && ok || bad "the 503 is JSON: $(cat "$WORK/body")"
mv "$WORK/away" "$LEAKDEX_DB"
expect_eq "the index back: 200" 200 "$(curl -s -o /dev/null -w '%{http_code}' "$WEB_URL/api/stats")"
web_stop
finish
