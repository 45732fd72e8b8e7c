#!/usr/bin/env bash
# T230: threads. data/threads (tests/tools/gen-threads.py) holds conversations
# that are well formed, cut short, rootless, looped, broken (subject only)
# and copied; every message must land in exactly the conversation the
# generator declares, whatever order the files are indexed in.
source "$(dirname "$0")/lib.sh"

T=$DATA/threads
index "$T" >"$WORK/index.out" 2>"$WORK/index.err"
expect_eq "index exits 0" 0 $?
expect_eq "the report's thread line" \
    "threads: 12 conversations in 25 messages (2 replies joined by subject alone); 5 messages moved to another thread" \
    "$(grep '^threads:' "$WORK/index.out")"

# name -> thread id, one "NAME THREAD" line per document (a copy is its own document).
groups() {
    search --db "$1" --format ndjson | python3 -c '
import json, os, sys
for line in sys.stdin:
    h = json.loads(line)
    for p in h["paths"]:
        print(os.path.basename(p["path"])[:-4], h["thread"])' | sort
}
groups "$LEAKDEX_DB" >"$WORK/groups"

# The grouping is exactly the declared one.
expect_eq "conversations as gen-threads.py declares them" \
    "$(python3 "$LEAKDEX_SRC/tests/tools/gen-threads.py" --groups | sort)" \
    "$(python3 - "$WORK/groups" <<'PY'
import collections, sys
by = collections.defaultdict(list)
for line in open(sys.argv[1]):
    name, tid = line.split()
    by[tid].append(name)
for names in sorted(sorted(v) for v in by.values()):
    print(" ".join(names))
PY
)"

# A thread's id: 16 hex digits of the SHA-256 of its root's Message-ID
# (the missing root's, for c), or of the message's own SHA-256 (h1).
tid() { grep "^$1 " "$WORK/groups" | cut -d' ' -f2; }
sha16() { printf '%s' "$1" | sha256sum | cut -c1-16; }
expect_eq "a: the root's Message-ID" "$(sha16 a1@threads.example)" "$(tid a1)"
expect_eq "b: the root's Message-ID, though b3 names only b2" "$(sha16 b1@threads.example)" "$(tid b3)"
expect_eq "c: the missing root's Message-ID" "$(sha16 c0-missing@threads.example)" "$(tid c2)"
expect_eq "h1: no Message-ID, its own SHA-256" \
    "$(search --format ndjson subject:identifiant | python3 -c 'import json,sys; print(json.loads(sys.stdin.readline())["sha256"][:16])')" \
    "$(tid h1)"

# The same messages indexed in another order, in two runs (replies first,
# their parents later), give the same ids.
mkdir -p "$WORK/late" "$WORK/early"
for f in "$T"/*.eml; do
    case $(basename "$f") in
    a3.eml | b3.eml | c3.eml | d3.eml | e3.eml | e2.eml | g2.eml | i2.eml) cp "$f" "$WORK/late/" ;;
    *) cp "$f" "$WORK/early/" ;;
    esac
done
index --db "$WORK/db2" --quiet "$WORK/late" >/dev/null 2>&1
index --db "$WORK/db2" --quiet "$WORK/early" >"$WORK/index2.out" 2>&1
expect_eq "replies first, parents later: the same thread ids" \
    "$(cat "$WORK/groups")" "$(groups "$WORK/db2")"
index "$T" >"$WORK/index3.out" 2>&1
expect_eq "a run that adds nothing moves nothing" \
    "threads: 12 conversations in 25 messages (2 replies joined by subject alone); 0 messages moved to another thread" \
    "$(grep '^threads:' "$WORK/index3.out")"

# thread ID: oldest first, replies indented under their parent. Columns
# from 44 on: sender and subject (the id, date and verdict come first).
# The sender and subject columns, without the sender's clock at the end
# ([sent ...]: T160 checks it).
tail_cols() { cut -c44- | sed 's/  \[sent [^]]*\]$//'; }
expect_eq "thread by thread id" \
    "Alice Martin  Tournée des marchés
  Bruno Lemaire  Re: Tournée des marchés
    Alice Martin  Re: Re: Tournée des marchés" \
    "$(search thread "$(tid a1)" | tail_cols)"
c3=$(search --format ndjson id:c3@threads.example | python3 -c 'import json,sys; print(json.loads(sys.stdin.readline())["id"])')
expect_eq "thread by the id of one of its messages; siblings under a missing root" \
    "Bruno Lemaire  Re: Budget des affiches
David Brown  Re: Budget des affiches
  Alice Martin  Re: Budget des affiches" \
    "$(search thread "$c3" | tail_cols)"
expect_eq "thread with In-Reply-To only" \
    "Carole Vidal  Interview request
  Alice Martin  RE: Interview request
    Carole Vidal  RE: RE: Interview request" \
    "$(search thread "$(tid b2)" | tail_cols)"
expect_eq "subject-joined replies are not indented (nothing says which they answer)" \
    "Alice Martin  Tracts du quartier nord
Bruno Lemaire  RE : Tracts du quartier nord
Alice Martin  Réf. : RE : tracts du  quartier nord" \
    "$(search thread "$(tid e1)" | tail_cols)"
expect_eq "a loop of references: both shown, neither indented" \
    "Alice Martin  Boucle
Bruno Lemaire  Re: Boucle" \
    "$(search thread "$(tid g1)" | tail_cols)"
expect_eq "thread --sort -date: newest first" \
    "    Alice Martin  Re: Re: Tournée des marchés
  Bruno Lemaire  Re: Tournée des marchés
Alice Martin  Tournée des marchés" \
    "$(search --sort -date thread "$(tid a1)" | tail_cols)"
expect_eq "thread --format ndjson: the message ids in date order" \
    "a1@threads.example a2@threads.example a3@threads.example" \
    "$(search --format ndjson thread "$(tid a1)" | python3 -c 'import json,sys; print(" ".join(json.loads(l)["message_id"] for l in sys.stdin))')"
expect_eq "thread --verified: the filters apply" 1 \
    "$(search --verified thread "$(tid a1)" >/dev/null 2>&1; echo $?)"

# thread:ID as a query field, alone and combined.
expect_ids "thread: field" "i1@threads.example i1@threads.example i2@threads.example" "thread:$(tid i1)"
expect_ids "thread: field with words" "i2@threads.example" "thread:$(tid i1) culture"
expect_eq "thread: field, upper-case hex" 3 "$(search --count "thread:$(tid i1 | tr a-f A-F)")"

# --collapse thread: one hit per conversation, with its number of hits.
expect_eq "--collapse thread --count: conversations" 12 "$(search --collapse thread --count)"
expect_eq "--count without collapse: messages" 25 "$(search --count)"
expect_eq "--collapse thread over a query: conversations that match, hits in each" \
    "e1@threads.example 3|e6@threads.example 1|e4@threads.example 1|e5@threads.example 1" \
    "$(search --collapse thread --sort date --format ndjson tracts | python3 -c '
import json, sys
print("|".join("%s %s" % (h["message_id"], h["thread_hits"]) for h in map(json.loads, sys.stdin)))')"
expect_eq "--collapse thread: text shows the thread's hits" \
    "Alice Martin  Tracts du quartier nord  [3 hits in thread]" \
    "$(search --collapse thread --sort date tracts | head -1 | tail_cols)"
expect_eq "--collapse thread with a page" "e4@threads.example" \
    "$(search --collapse thread --sort date --offset 2 --limit 1 --format ndjson tracts | python3 -c 'import json,sys; print(json.loads(sys.stdin.readline())["message_id"])')"
expect_eq "no collapse: thread_hits is null" "None" \
    "$(search --format ndjson --limit 1 tracts | python3 -c 'import json,sys; print(json.loads(sys.stdin.readline())["thread_hits"])')"

# Exports carry the thread id; show prints it.
search --export "$WORK/t.csv" "thread:$(tid d1)" >/dev/null
expect_eq "CSV export: a thread column, the same id on every row" "$(tid d1) $(tid d1) $(tid d1)" \
    "$(python3 -c '
import csv, sys
print(" ".join(r["thread"] for r in csv.DictReader(open(sys.argv[1], newline="", encoding="utf-8"))))' "$WORK/t.csv")"
expect_eq "show: a Thread line" "Thread       $(tid d2)" \
    "$(search show "$(search --format ndjson id:d2@threads.example | python3 -c 'import json,sys; print(json.loads(sys.stdin.readline())["id"])')" | grep '^Thread')"
search --export "$WORK/thread.json" thread "$(tid a1)" >/dev/null
expect_eq "thread --export: the conversation, described" "3 thread:$(tid a1)" \
    "$(python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
print(len(d["hits"]), d["export"]["query"]["text"])' "$WORK/thread.json" 2>&1)"

# Errors: one line, exit 2; an unknown id: exit 1.
expect_status "thread without an id" 2 search thread
expect_status "thread with two ids" 2 search thread "$(tid a1)" "$(tid b1)"
expect_status "thread with a malformed id" 2 search thread 'zz!'
expect_status "thread with an unknown id" 1 search thread 0123456789abcdef
expect_status "--collapse of something else" 2 search --collapse sender
expect_status "--collapse with the thread command" 2 search --collapse thread thread "$(tid a1)"


# Strangers (tests/tools/gen-threads.py --strangers): parent ids that are no
# Message-ID (<yes>, <unknown>, <@host>, <x@>) link nothing; a parent id
# claimed by three conversations that share no subject, address, name or
# other link links each only within itself; a real parent answered with a
# changed subject, or a series whose sender's address a list rewrote, stays
# one conversation; two strangers are too few to tell.
python3 "$LEAKDEX_SRC/tests/tools/gen-threads.py" --strangers "$WORK/strangers"
index --db "$WORK/sdb" "$WORK/strangers" >"$WORK/sindex.out" 2>&1
expect_eq "strangers: index exits 0" 0 $?
expect_eq "strangers: the report's thread line says which links it did not follow" \
    "threads: 11 conversations in 22 messages (1 replies joined by subject alone; links not followed: 7 messages naming a parent by an id that is no Message-ID, 1 parent ids shared by strangers, 3 messages cut off from them); 4 messages moved to another thread" \
    "$(grep '^threads:' "$WORK/sindex.out")"
groups "$WORK/sdb" >"$WORK/sgroups"
by_thread() {
    python3 - "$1" <<'PY'
import collections, sys
by = collections.defaultdict(list)
for line in open(sys.argv[1]):
    name, tid = line.split()
    by[tid].append(name)
for names in sorted(sorted(v) for v in by.values()):
    print(" ".join(names))
PY
}
expect_eq "strangers: conversations as gen-threads.py declares them" \
    "$(python3 "$LEAKDEX_SRC/tests/tools/gen-threads.py" --stranger-groups | sort)" \
    "$(by_thread "$WORK/sgroups")"
stid() { grep "^$1 " "$WORK/sgroups" | cut -d' ' -f2; }
expect_eq "strangers: the first conversation keeps the shared id's thread id" \
    "$(sha16 k0.4A5B@localhost.localdomain)" "$(stid k2)"
expect_eq "strangers: the others take theirs from their first message" \
    "$(sha16 k3@threads.example) $(sha16 k5@threads.example)" "$(stid k4) $(stid k5)"
expect_eq "<yes>: a thread id from the message's own Message-ID" \
    "$(sha16 j1@threads.example) $(sha16 j2@threads.example)" "$(stid j5) $(stid j2)"
expect_eq "a series whose cover letter is missing keeps the cover letter's id" \
    "$(sha16 m0-cover.1289789604@perches.example)" "$(stid m2)"
mkdir -p "$WORK/slate" "$WORK/searly"
for f in "$WORK/strangers"/*.eml; do
    case $(basename "$f") in
    j4.eml | j5.eml | k2.eml | k4.eml | k5.eml | l3.eml | l5.eml | m2.eml | n2.eml) cp "$f" "$WORK/slate/" ;;
    *) cp "$f" "$WORK/searly/" ;;
    esac
done
index --db "$WORK/sdb2" --quiet "$WORK/slate" >/dev/null 2>&1
index --db "$WORK/sdb2" --quiet "$WORK/searly" >/dev/null 2>&1
expect_eq "strangers: replies first, parents later: the same thread ids" \
    "$(cat "$WORK/sgroups")" "$(groups "$WORK/sdb2")"
index --db "$WORK/sdb" "$WORK/strangers" >"$WORK/sindex2.out" 2>&1
expect_eq "strangers: a run that adds nothing moves nothing" \
    "0 messages moved to another thread" \
    "$(grep '^threads:' "$WORK/sindex2.out" | sed 's/.*; //')"

finish
