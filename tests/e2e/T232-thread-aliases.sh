#!/usr/bin/env bash
# T232: thread aliases. The thread pass never rewrites a document's terms:
# a message keeps the thread term of its first thread id, the pass changes
# its thread id value and records the ids a thread absorbed under
# leakdex.thread.ID. Three runs merge threads that had already absorbed
# others; thread:ID and `thread ID` must give exactly the messages whose
# thread id is ID (the absorbed ids nothing), in one database and over two
# shards, one of them served by xapian-tcpsrv.
source "$(dirname "$0")/lib.sh"

command -v xapian-tcpsrv >/dev/null && command -v xapian-delve >/dev/null || {
    echo "xapian-tcpsrv or xapian-delve missing: run scripts/install-deps (xapian-tools)" >&2
    exit 1
}
PIDS=()
stop_servers() {
    local p
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null && wait "$p" 2>/dev/null; done
    PIDS=()
}
trap 'stop_servers; rm -rf "$WORK"' EXIT

# Run 1: three threads a, b, c whose third message names only the second
# (its first thread id is the second's, the pass moves it to the first's).
# Run 2: z answers c3 and b3, so c joins b (b1 is older). Run 3: y answers
# a3 and z, so b (with c) joins a.
python3 - "$WORK" <<'PY'
import os, sys
work = sys.argv[1]
msgs = [
    ("r1", "a1", "2019-12-01", []), ("r1", "a2", "2019-12-02", ["a1"]), ("r1", "a3", "2019-12-03", ["a2"]),
    ("r1", "b1", "2020-01-01", []), ("r1", "b2", "2020-01-02", ["b1"]), ("r1", "b3", "2020-01-03", ["b2"]),
    ("r1", "c1", "2020-02-01", []), ("r1", "c2", "2020-02-02", ["c1"]), ("r1", "c3", "2020-02-03", ["c2"]),
    ("r2", "z", "2020-03-01", ["c3", "b3"]),
    ("r3", "y", "2020-04-01", ["a3", "z"]),
]
for run, name, day, refs in msgs:
    os.makedirs(os.path.join(work, run), exist_ok=True)
    subject = "Sujet %s" % name[0] if not refs else "Re: Sujet %s" % name[0]
    head = ["From: Alice <alice@alias.example>", "To: Bruno <bruno@alias.example>",
            "Subject: " + subject, "Date: %s 10:00:00 +0000" % day,
            "Message-ID: <%s@alias.example>" % name]
    if refs:
        head.append("In-Reply-To: <%s@alias.example>" % refs[-1])
        head.append("References: " + " ".join("<%s@alias.example>" % r for r in refs))
    with open(os.path.join(work, run, name + ".eml"), "w") as f:
        f.write("\n".join(head) + "\n\nMessage %s.\n" % name)
PY

sha16() { printf '%s@alias.example' "$1" | sha256sum | cut -c1-16; }
A=$(sha16 a1) B=$(sha16 b1) C=$(sha16 c1)
moved() { grep '^threads:' "$1" | sed 's/.*; //'; }

index --db "$WORK/db" "$WORK/r1" >"$WORK/out1" 2>&1
expect_eq "run 1: a3, b3 and c3 moved" "3 messages moved to another thread" "$(moved "$WORK/out1")"
expect_ids "run 1: thread:B" "b1@alias.example b2@alias.example b3@alias.example" --db "$WORK/db" "thread:$B"
expect_ids "run 1: the id b3 started with finds nothing" "" --db "$WORK/db" "thread:$(sha16 b2)"
index --db "$WORK/db" "$WORK/r2" >"$WORK/out2" 2>&1
expect_eq "run 2: z, c1, c2 and c3 moved" "4 messages moved to another thread" "$(moved "$WORK/out2")"
expect_ids "run 2: thread:B, c absorbed with the id c3 came from" \
    "b1@alias.example b2@alias.example b3@alias.example c1@alias.example c2@alias.example c3@alias.example z@alias.example" \
    --db "$WORK/db" "thread:$B"
index --db "$WORK/db" "$WORK/r3" >"$WORK/out3" 2>&1
expect_eq "run 3: y and the eight of b moved" "8 messages moved to another thread" "$(moved "$WORK/out3")"

ALL="a1@alias.example a2@alias.example a3@alias.example b1@alias.example b2@alias.example b3@alias.example c1@alias.example c2@alias.example c3@alias.example y@alias.example z@alias.example"
expect_ids "thread:A: the union of the three threads" "$ALL" --db "$WORK/db" "thread:$A"
expect_eq "thread:A with a word" "c2@alias.example" "$(ids --db "$WORK/db" "thread:$A" c2)"
for gone in b1 c1 a2 b2 c2 c3 z; do
    expect_eq "thread:ID of $gone's first id: no message" 0 "$(search --db "$WORK/db" --count "thread:$(sha16 $gone)")"
done
expect_status "thread with an absorbed id: unknown" 1 search --db "$WORK/db" thread "$B"
expect_eq "thread A: every message, oldest first" \
    "a1@alias.example a2@alias.example a3@alias.example b1@alias.example b2@alias.example b3@alias.example c1@alias.example c2@alias.example c3@alias.example z@alias.example y@alias.example" \
    "$(search --db "$WORK/db" --format ndjson thread "$A" | python3 -c 'import json,sys; print(" ".join(json.loads(l)["message_id"] for l in sys.stdin))')"

# No rewrite: c3 still carries the thread term of the id it started with,
# its only thread term.
c3doc=$(xapian-delve -1 -t "XTH$(sha16 c2)" "$WORK/db" | tail -n +2)
expect_eq "c3 keeps its first thread term, alone" "XMIDc3@alias.example XTH$(sha16 c2)" \
    "$(xapian-delve -1 -r "${c3doc:-0}" "$WORK/db" 2>&1 | grep -E '^(XTH|XMID)' | tr '\n' ' ' | sed 's/ $//')"

# The same messages in one run: the same thread ids.
index --db "$WORK/once" --quiet "$WORK/r1" "$WORK/r2" "$WORK/r3" >/dev/null 2>&1
expect_ids "one run: thread:A the same" "$ALL" --db "$WORK/once" "thread:$A"

# Two shards, each run indexed into both, then linked with both: each shard
# keeps the aliases of its own documents, and a search over both reads each
# shard's (a combined database's metadata is its first database's).
printf 'auto %s\n' s1 s2 >"$WORK/both.stub"
for run in r1 r2 r3; do
    for i in 1 2; do
        index --db "$WORK/s$i" --quiet --shard "$i/2" "$WORK/$run" >/dev/null 2>&1
    done
    for i in 1 2; do
        index --db "$WORK/s$i" --link-with "$WORK/both.stub" >/dev/null 2>&1
        expect_eq "$run: shard $i/2 linked" 0 $?
    done
done
expect_eq "both shards hold messages" "yes" \
    "$([[ $(search --db "$WORK/s1" --count) -gt 0 && $(search --db "$WORK/s2" --count) -gt 0 ]] && echo yes)"
expect_ids "two local shards: thread:A" "$ALL" --db "$WORK/s1" --db "$WORK/s2" "thread:$A"
expect_ids "two local shards, the other first: thread:A" "$ALL" --db "$WORK/s2" --db "$WORK/s1" "thread:$A"
expect_eq "two local shards: thread:B finds nothing" 0 "$(search --db "$WORK/s1" --db "$WORK/s2" --count "thread:$B")"

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
PORT=$(free_port)
setsid xapian-tcpsrv --interface 127.0.0.1 --port "$PORT" "$WORK/s2" >"$WORK/tcpsrv.log" 2>&1 &
PIDS+=($!)
for tries in $(seq 100); do
    grep Listening "$WORK/tcpsrv.log" >/dev/null 2>&1 && break
    sleep 0.1
done
printf 'auto %s\nremote 127.0.0.1:%s\n' "$WORK/s1" "$PORT" >"$WORK/remote.stub"
expect_ids "a local and a remote shard: thread:A" "$ALL" --db "$WORK/remote.stub" "thread:$A"
expect_eq "a local and a remote shard: thread A" "11" \
    "$(search --db "$WORK/remote.stub" --format ndjson thread "$A" | wc -l)"
printf 'remote 127.0.0.1:%s\nauto %s\n' "$PORT" "$WORK/s1" >"$WORK/remote2.stub"
expect_ids "the remote shard first: thread:A" "$ALL" --db "$WORK/remote2.stub" "thread:$A"
stop_servers

finish
