#!/usr/bin/env bash
# T130: shards. data/ indexed as one database and as three shards
# (--shard 1/3, 2/3, 3/3 of the same sources); two shards served by
# xapian-tcpsrv on loopback and named, with the third, in a stub file. Every
# command gives the same bytes through the stub file, through three local
# --db and through the one database. An unreachable shard is an error naming
# it, or with --allow-partial a warning; a merge made by xapian-compact keeps
# what leakdex records.
source "$(dirname "$0")/lib.sh"

command -v xapian-tcpsrv >/dev/null && command -v xapian-compact >/dev/null || {
    echo "xapian-tcpsrv or xapian-compact missing: run scripts/install-deps (xapian-tools)" >&2
    exit 1
}

KEYS=$DATA/dkim-keys.txt
ONE=$WORK/one
index --quiet --keys "$KEYS" --db "$ONE" "$DATA" >"$WORK/one.out" 2>&1
total_one=$(search --db "$ONE" --count)
for i in 1 2 3; do
    index --quiet --keys "$KEYS" --shard "$i/3" --db "$WORK/s$i" "$DATA" >"$WORK/s$i.out" 2>&1
    expect_eq "shard $i/3 indexes" 0 $?
done

# --- indexing in shards --------------------------------------------------
sum=0
other=0
for i in 1 2 3; do
    n=$(sed -n 's/^total: [0-9]* messages found: \([0-9]*\) indexed.*/\1/p' "$WORK/s$i.out")
    o=$(sed -n 's/^shard [0-9]\/3: \([0-9]*\) messages belong to other shards.*/\1/p' "$WORK/s$i.out")
    sum=$((sum + n))
    other=$((other + o))
    [[ $n -gt 0 ]] && ok || bad "shard $i/3 holds no message"
    expect_eq "shard $i/3: nothing skipped for being elsewhere" \
        "$(grep '^total:' "$WORK/one.out" | sed 's/.* indexed, [0-9]* duplicates, \(.*\); [0-9.]* s$/\1/')" \
        "$(grep '^total:' "$WORK/s$i.out" | sed 's/.* indexed, [0-9]* duplicates, \(.*\); [0-9.]* s$/\1/')"
done
expect_eq "the shards hold every message once" "$total_one" "$sum"
found=$(sed -n 's/^total: \([0-9]*\) messages found.*/\1/p' "$WORK/one.out")
expect_eq "each message found is in one shard and 'other' in the two others" $((2 * found)) "$other"
index --quiet --keys "$KEYS" --shard 2/3 --db "$WORK/s2" "$DATA" >"$WORK/again.out" 2>&1
expect_eq "a second run of a shard adds nothing" "0 indexed" \
    "$(sed -n 's/^total: [0-9]* messages found: \([0-9]* indexed\).*/\1/p' "$WORK/again.out")"
index --quiet --keys "$KEYS" --shard 2/3 --db "$WORK/s2b" "$DATA" >/dev/null 2>&1
expect_eq "the same shard twice: the same messages" \
    "$(search --db "$WORK/s2" --format csv --sort date 2>/dev/null | cut -d, -f2 | sort)" \
    "$(search --db "$WORK/s2b" --format csv --sort date 2>/dev/null | cut -d, -f2 | sort)"
# Copies sharing a Message-ID share a shard, so conflicts are found as in one index.
expect_eq "conflict:yes in one shard" "2" \
    "$(for i in 1 2 3; do search --db "$WORK/s$i" --count conflict:yes 2>/dev/null; done | sort | tail -1)"

for bad_spec in 0/3 4/3 1/0 3 a/b 1/3x -1/3 " 1/3" 1/4097 ""; do
    expect_status "--shard '$bad_spec'" 2 index --db "$WORK/never" --shard "$bad_spec" "$DATA/eml"
done
[[ ! -e $WORK/never ]] && ok || bad "a malformed --shard created a database"
expect_status "another shard into a shard's index" 2 index --db "$WORK/s1" --shard 2/3 "$DATA/eml"
expect_eq "... named" "leakdex-index: index '$WORK/s1' holds shard 1/3, not 2/3 (index the shard into another --db)" "$(cat "$WORK/err")"
expect_status "no --shard into a shard's index" 2 index --db "$WORK/s1" "$DATA/eml"
expect_status "--shard into a whole index" 2 index --db "$ONE" --shard 1/3 "$DATA/eml"
expect_status "--shard with --inspect" 2 index --inspect --shard 1/3 "$DATA/eml"

# --- threads and chains across shards ---------------------------------------
# A conversation or a quote may cross shards: once every shard is indexed,
# each is linked with all of them (their threads and corroborations computed
# over the three read as one), as the README's procedure says.
printf 'auto %s\n' s1 s2 s3 >"$WORK/all.stub"
for i in 1 2 3; do
    index --db "$WORK/s$i" --link-with "$WORK/all.stub" >"$WORK/link$i.out" 2>&1
    expect_eq "shard $i/3 linked with all three" 0 $?
    expect_eq "shard $i/3 linked: the conversations and chains of one index" \
        "$(grep -E '^(threads|chains):' "$WORK/one.out" | sed 's/;.*//')" \
        "$(grep -E '^(threads|chains):' "$WORK/link$i.out" | sed 's/;.*//')"
done
expect_status "--link-with and a SOURCE" 2 index --db "$WORK/s1" --link-with "$WORK/all.stub" "$DATA/eml"
expect_status "--link-with and --shard" 2 index --db "$WORK/s1" --shard 1/3 --link-with "$WORK/all.stub"
expect_status "--link-with an index that is not there" 1 index --db "$WORK/s1" --link-with "$WORK/nosuch"

# --- one database, three local shards, a stub file with remote shards ------
serve "$WORK/s2"
P2=$PORT
serve "$WORK/s3"
P3=$PORT
STUB=$WORK/shards.stub
cat >"$STUB" <<EOF
# shard 1 on this machine, 2 and 3 served by xapian-tcpsrv
auto s1

remote 127.0.0.1:$P2
tcp 127.0.0.1 $P3
EOF

ID_CONFLICT=$(search --db "$ONE" id:conflict.horizon@campagne-exemple.fr | cut -c1-12 | head -1)
ID_DUP=$(search --db "$ONE" id:dup.horizon@campagne-exemple.fr | cut -c1-12)
ID_014=$(search --db "$ONE" --format ndjson id:014.horizon@campagne-exemple.fr |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["sha256"])')
cat >"$WORK/queries.txt" <<'TXT'
zeppelin
"budget prévisionnel"
from:alice date:2017
verified:yes
dkim:fail OR dkimfail:body
TXT

# same DESCRIPTION ARGS...: the same stdout, stderr and exit status over
# the one database, the stub file and three local --db.
same() {
    local what=$1 want got how
    shift
    want=$(search --db "$ONE" "$@" 2>&1; echo "exit $?")
    for how in stub local; do
        if [[ $how == stub ]]; then
            got=$(search --db "$STUB" "$@" 2>&1; echo "exit $?")
        else
            got=$(search --db "$WORK/s1" --db "$WORK/s2" --db "$WORK/s3" "$@" 2>&1; echo "exit $?")
        fi
        if [[ "$got" == "$want" ]]; then ok; else bad "$what ($how): search $*
$(diff <(echo "$want") <(echo "$got") | head -8)"; fi
    done
}

same "every message, the default order (date: no words)" --format csv
same "every message, relevance" --sort relevance --format csv
same "every message, by date" --sort date --format ndjson
same "every message, newest first" --sort -date
same "a page by date" --sort date --limit 7 --offset 20 --format json
same "a page newest first" --sort -date --limit 3 --offset 60
same "words, relevance" réunion
same "words, relevance, JSON" --format json budget OR campagne OR presse
same "a phrase" '"budget prévisionnel"'
same "a page by relevance" --limit 5 --offset 2 --format ndjson campagne OR candidate OR meeting
same "stems" candidats
same "fields" 'from:alice AND (year:2016 OR year:2017)'
same "filters" --from alice.martin@campagne-exemple.fr --after 2016 --before 2017-04 --sort date
same "--to" --to presse@presse-exemple.fr --format csv
same "--domain, --verified" --verified --format json --sort -date
same "--has-attachment" --has-attachment --format ndjson
same "dkim terms" 'dkim:fail OR dkim:invalid OR dkim:nokey'
same "conflicts" --format json conflict:yes
same "copies" --format json id:relay.horizon@campagne-exemple.fr
same "undated" --format csv 'NOT date:1990..2030'
same "--count" --count
same "--count words" --count 'réunion OR budget'
same "--count verified" --count --verified
same "nothing matches" nosuchwordanywhere
same "malformed" 'subjet:x'
same "senders" senders
same "senders by first, CSV" --sort first --format csv senders
same "senders of a query, JSON" --format json senders budget
same "recipients" recipients
same "recipients, NDJSON" --format ndjson --sort last recipients
same "stats" stats
same "stats JSON" --format json stats
same "stats of a query" --format json stats verified:yes
same "show" show "$ID_CONFLICT" "$ID_DUP" "$ID_014"
same "show JSON" --format json show "$ID_DUP"
same "show unknown" show 000000000000
same "batch" batch "$WORK/queries.txt"
same "batch CSV" --format csv batch "$WORK/queries.txt"

# Exports: the files are the same bytes; the description differs only where
# it names the databases (path, times, the list of shards).
export_all() { # NAME DB-ARGS...
    local name=$1
    shift
    mkdir -p "$WORK/$name"
    search "$@" --sort date --export "$WORK/$name/all.csv" >/dev/null 2>&1
    search "$@" --export "$WORK/$name/budget.json" budget OR campagne >/dev/null 2>&1
    search "$@" --export-dir "$WORK/$name/dir" from:alice >/dev/null 2>&1
    search "$@" --export "$WORK/$name/batch.ndjson" batch "$WORK/queries.txt" >/dev/null 2>&1
}
export_all one --db "$ONE"
export_all stub --db "$STUB"
for f in all.csv dir/manifest.csv dir/SHA256SUMS batch.ndjson; do
    cmp -s "$WORK/one/$f" "$WORK/stub/$f" && ok || bad "export $f differs through the stub file"
done
expect_eq "export-dir: the same files" "$(cd "$WORK/one/dir" && ls)" "$(cd "$WORK/stub/dir" && ls)"
python3 - "$WORK/one" "$WORK/stub" "$ONE" "$STUB" "$WORK" <<'PY' && ok || bad "export descriptions, field by field"
import json, os, sys
one, stub, one_db, stub_db, work = sys.argv[1:]
def meta(d, name):
    if name.endswith(".json") and not name.endswith(".meta.json"):
        env = json.load(open(os.path.join(d, name)))
        return env, env.pop("export")
    return None, json.load(open(os.path.join(d, name)))
for name in ["all.csv.meta.json", "budget.json", "dir/export.meta.json"]:
    e1, m1 = meta(one, name)
    e2, m2 = meta(stub, name)
    assert e1 == e2, name + ": hits differ"
    d1, d2 = m1.pop("database"), m2.pop("database")
    m1.pop("exported_at"); m2.pop("exported_at")
    assert m1 == m2, (name, m1, m2)
    assert d1["path"] == os.path.realpath(one_db) and d2["path"] == os.path.realpath(stub_db), (d1, d2)
    assert d1["documents"] == d2["documents"], (d1, d2)
    assert "databases" not in d1
    parts = d2["databases"]
    assert [p["path"] for p in parts] == [os.path.realpath(os.path.join(work, "s1"))] + \
        [p["path"] for p in parts[1:]] and all(p["path"].startswith("remote 127.0.0.1:") for p in parts[1:]), parts
    assert [p["shards"] for p in parts] == ["1/3", "2/3", "3/3"], parts
    assert sum(p["documents"] for p in parts) == d2["documents"], parts
    assert not any(p["missing"] for p in parts)
    assert d2["created"] == min(p["created"] for p in parts), d2
    assert d2["updated"] == max(p["updated"] for p in parts), d2
PY

# The same message in two databases given together (an index and one of its
# shards) is listed and counted once.
expect_eq "overlapping databases: counted once" "$total_one" \
    "$(search --db "$ONE" --db "$WORK/s2" --count)"
expect_eq "overlapping databases: senders once" "$(search --db "$ONE" --format json senders)" \
    "$(search --db "$WORK/s3" --db "$ONE" --format json senders)"
expect_eq "overlapping databases: copies once" \
    "$(search --db "$ONE" --format json id:conflict.horizon@campagne-exemple.fr)" \
    "$(search --db "$ONE" --db "$ONE" --format json id:conflict.horizon@campagne-exemple.fr)"

# Some shards only: a warning, and what they hold.
search --db "$WORK/s1" --db "$WORK/s3" --count >"$WORK/out" 2>"$WORK/err"
expect_eq "two shards of three: a warning" \
    "leakdex-search: warning: shard 2/3 not searched: results cover part of the archive" \
    "$(cat "$WORK/err")"

# --- a shard that cannot be reached ------------------------------------------
n3=$(search --db "$WORK/s3" --count 2>/dev/null)
stop_servers
serve "$WORK/s2"
P2=$PORT
sed -i "s/^remote 127.0.0.1:[0-9]*/remote 127.0.0.1:$P2/" "$STUB"
expect_status "a remote shard down" 2 search --db "$STUB" --count
expect_eq "... named in one line" \
    "leakdex-search: cannot reach 'remote 127.0.0.1:$P3' (line 5 of $STUB): Couldn't connect (Connection refused)" \
    "$(cat "$WORK/err")"
expect_status "--allow-partial: the rest" 0 search --db "$STUB" --allow-partial --count
expect_eq "... counted" $((total_one - n3)) "$(cat "$WORK/out")"
expect_eq "... with a warning naming it" \
    "leakdex-search: warning: cannot reach 'remote 127.0.0.1:$P3' (line 5 of $STUB): Couldn't connect (Connection refused); searching without it (--allow-partial)
leakdex-search: warning: shard 3/3 not searched: results cover part of the archive" \
    "$(cat "$WORK/err")"
expect_status "--allow-partial: senders from the rest" 0 search --db "$STUB" --allow-partial senders
expect_status "a local shard missing" 2 search --db "$WORK/s1" --db "$WORK/nosuch" --count
expect_eq "... named" "leakdex-search: no leakdex index at '$WORK/nosuch' (build one with leakdex-index --db $WORK/nosuch SOURCE...)" "$(cat "$WORK/err")"
expect_status "--allow-partial, every shard missing" 2 search --db "$WORK/nosuch" --allow-partial --count

# A server that accepts and never answers: a time-out, not a hang.
SILENT=$(free_port)
python3 -c 'import socket, sys, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(8); print("up", flush=True); time.sleep(60)' "$SILENT" >"$WORK/silent.log" &
PIDS+=($!)
for tries in $(seq 100); do grep -q up "$WORK/silent.log" && break; sleep 0.1; done
echo "remote 127.0.0.1:$SILENT" >"$WORK/silent.stub"
start=$(date +%s)
expect_status "a silent server" 2 timeout 20 "$LEAKDEX_SEARCH" --db "$WORK/silent.stub" --remote-timeout 1 --count
grep -q "^leakdex-search: cannot reach 'remote 127.0.0.1:$SILENT' (line 1 of $WORK/silent.stub): .*[Tt]ime" "$WORK/err" &&
    ok || bad "time-out message: $(cat "$WORK/err")"
[[ $(($(date +%s) - start)) -le 5 ]] && ok || bad "--remote-timeout 1 took longer than 5 s"

# Malformed stub files and options: one line, exit 2.
for line in "bogus line" "remote 127.0.0.1" "remote 127.0.0.1:0" "remote 127.0.0.1:99999" "tcp host" "auto"; do
    printf '%s\n' "$line" >"$WORK/bad.stub"
    expect_status "stub line '$line'" 2 search --db "$WORK/bad.stub" --count
done
: >"$WORK/empty.stub"
expect_status "an empty stub file" 2 search --db "$WORK/empty.stub" --count
echo "auto loop.stub" >"$WORK/loop.stub"
expect_status "a stub naming itself" 2 search --db "$WORK/loop.stub" --count
for t in 0 -1 x 3601 ""; do
    expect_status "--remote-timeout '$t'" 2 search --db "$ONE" --remote-timeout "$t" --count
done
expect_status "--db ''" 2 search --db "" --count

# --- a merge made by xapian-compact ------------------------------------------
xapian-compact "$WORK/s1" "$WORK/s2" "$WORK/s3" "$WORK/merged" >/dev/null 2>&1
expect_eq "merge: the same answers" "$(search --db "$ONE" --sort date --format csv; search --db "$ONE" senders)" \
    "$(search --db "$WORK/merged" --sort date --format csv; search --db "$WORK/merged" senders)"
search --db "$WORK/merged" --export "$WORK/merged.csv" >/dev/null 2>"$WORK/err"
expect_eq "merge: no warning (every shard is there)" "" "$(cat "$WORK/err")"
expect_eq "merge: no shards listed in an export" "None" \
    "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["database"].get("databases"))' "$WORK/merged.csv.meta.json")"
expect_status "merge: --shard cannot add to it" 2 index --db "$WORK/merged" --shard 1/3 "$DATA/eml"
expect_status "merge: a run without --shard can" 0 index --quiet --db "$WORK/merged" "$DATA/eml"

finish
