#!/usr/bin/env bash
# T220: chain corroboration. data/chains (tests/tools/gen-chains.py) holds
# unsigned messages and the DKIM-verified replies and forwards that quote
# them: fully, half, with a word changed, Outlook-style in English and
# French, under an attribution naming someone else, two levels deep, from a
# reply whose signature fails, from a reply whose text after l= (unsigned)
# quotes a fabricated message, and from a reply signed by a domain that is
# not its sender's. Every message must end as the generator declares;
# corroborated is never counted as verified; only the text a passing signature
# aligned with the sender covers corroborates.
source "$(dirname "$0")/lib.sh"

C=$DATA/chains
EXPECTED=$(python3 "$LEAKDEX_SRC/tests/tools/gen-chains.py" --expected | sort)
index --keys "$DATA/dkim-keys.txt" "$C" >"$WORK/index.out" 2>"$WORK/index.err"
expect_eq "index exits 0" 0 $?
chains_line() { grep '^chains:' "$1" | sed 's/; [0-9.]* s$//'; }
expect_eq "the report's chains line" \
    "chains: 6 messages corroborated by verified messages that quote them (not verified themselves), 2 with a mismatch; 8 verified messages quote, 9 pairs compared, 8 documents updated" \
    "$(chains_line "$WORK/index.out")"

# NAME VERDICT RESULT per message, as the generator declares it: RESULT is
# "corroborated BY COVERAGE", "mismatch BY" or "-".
results() {
    search --db "$1" --format ndjson | python3 -c '
import json, os, sys
hits = [json.loads(line) for line in sys.stdin]
name = {h["sha256"]: os.path.basename(h["paths"][0]["path"])[:-4] for h in hits}
for h in hits:
    c = h["corroboration"]
    parts = ["corroborated %s %d" % (name[x["sha256"]], x["coverage"]) for x in c["corroborated_by"]]
    parts += ["mismatch %s" % name[x["sha256"]] for x in c["mismatches"]]
    want = "corroborated" if c["corroborated_by"] else "mismatch" if c["mismatches"] else "none"
    assert c["status"] == want, (name[h["sha256"]], c)
    print(name[h["sha256"]], h["dkim"], "; ".join(parts) or "-")' | sort
}
expect_eq "every message as gen-chains.py declares it" \
    "$EXPECTED" \
    "$(results "$LEAKDEX_DB")"

# The filters: corroborated is its own status, never verified.
expect_ids "verified:chain" \
    "g7@chains.example o1@chains.example o4@chains.example o5@chains.example o9@chains.example p7@chains.example" \
    verified:chain
expect_ids "verified:yes is verified alone" \
    "c7@chains.example r1@chains.example r2@chains.example r3@chains.example r4@chains.example r5@chains.example r6@chains.example" \
    verified:yes
expect_ids "verified:partial: r9 (text after l=) and r10 (another domain's signature)" \
    "r10@chains.example r9@chains.example" verified:partial
expect_eq "verified:any is verified or corroborated" 13 "$(search --count verified:any)"
expect_eq "--verified is verified alone" 7 "$(search --count --verified)"

# Only what a passing signature aligned with the sender covers corroborates:
# r9's signed part quotes o9; its text after l= quotes f9, a fabricated
# message; r10's signature is another domain's.
expect_ids "the unsigned text after l= corroborates nothing" "" \
    "chain:corroborated AND (id:f9@chains.example OR id:o10@chains.example)"
expect_ids "the signed text before it does" "o9@chains.example" \
    "chain:corroborated AND (id:o9@chains.example OR id:f9@chains.example)"
expect_ids "chain:mismatch" "o3@chains.example o6@chains.example" chain:mismatch
expect_ids "a corroborated message is not verified:no-less" \
    "f9@chains.example g7@chains.example o1@chains.example o10@chains.example o2@chains.example o3@chains.example o4@chains.example o5@chains.example o6@chains.example o8@chains.example o9@chains.example p7@chains.example r10@chains.example r8@chains.example r9@chains.example" \
    verified:no
expect_status "verified: takes yes, partial, no, chain or any" 2 search verified:maybe
expect_status "chain: takes corroborated or mismatch" 2 search chain:maybe
expect_ids "chain:corroborated, any case of the value, with a field" "o1@chains.example" "chain:Corroborated AND id:o1@chains.example"
expect_ids "chain:mismatch OR'd with a message id" "o1@chains.example o3@chains.example o6@chains.example" \
    "chain:mismatch OR id:o1@chains.example"

id_of() { search --format ndjson "id:$1@chains.example" | python3 -c 'import json,sys; print(json.loads(sys.stdin.readline())["id"])'; }
O1=$(id_of o1)
R1=$(id_of r1)
R3=$(id_of r3)
R6=$(id_of r6)

# show explains it in a sentence, and says it is not verification.
search show "$O1" >"$WORK/show"
expect_eq "show: the corroboration sentence" \
    "Corroborated 92% of this message's text appears, quoted, in message $R1, which carries a valid DKIM signature from other.example; the quoted header agrees on its sender and date.
             corroborated is not verified: the signature is the quoting message's, not this message's." \
    "$(grep -A1 '^Corroborated' "$WORK/show")"
expect_eq "show: the verdict stays none" "DKIM         none" "$(grep '^DKIM' "$WORK/show")"
expect_eq "show: a changed word is named" \
    "Mismatch     message $R3, which carries a valid DKIM signature from other.example, quotes this message with a difference: words changed: «jeudi» quoted as «vendredi»." \
    "$(search show "$(id_of o3)" | grep '^Mismatch')"
expect_eq "show: a header naming another sender" \
    "Mismatch     message $R6, which carries a valid DKIM signature from other.example, quotes this message with a difference: the quoted header names another sender: «On Fri, Mar 17, 2017 at 11:00 AM, Paul Dubreuil <p.dubreuil@valbois-exemple.fr> wrote:»." \
    "$(search show "$(id_of o6)" | grep '^Mismatch')"

# show sets r9's text after l= apart: it quotes f9, and corroborates nothing.
expect_eq "show: r9's unsigned text under its own line" \
    "--------- not signed: the text below was added after the part the DKIM signature covers (l=) ---------
PS : et pour la passerelle, voici ce que vous m'aviez écrit." \
    "$(search show "$(id_of r9)" | sed -n '/^--------- not signed/,$p' | sed '/^$/d' | head -2)"

# Text, CSV and JSON carry it too.
expect_eq "text hit line" \
    "$O1  2017-03-07 09:30  none       Hélène Garnier  Programme de la fête du canal  [corroborated by $R1 (92%, signed by other.example)]  [sent 2017-03-07 10:30 +01:00]" \
    "$(search id:o1@chains.example)"
expect_eq "CSV cell" "corroborated by $R1 (92%, signed by other.example)" \
    "$(search --format csv id:o1@chains.example | python3 -c 'import csv,sys; print(next(csv.DictReader(sys.stdin))["corroboration"])')"
expect_eq "JSON: the header block of the French forward agrees on all three" \
    '{"status": "corroborated", "coverage": 100, "signer": "other.example", "header": {"agrees": ["from", "date", "subject"], "unchecked": []}}' \
    "$(search --format json id:o5@chains.example | python3 -c '
import json, sys
c = json.load(sys.stdin)["hits"][0]["corroboration"]
b = c["corroborated_by"][0]
print(json.dumps({"status": c["status"], "coverage": b["coverage"], "signer": b["signer"], "header": b["header"]}))')"
expect_eq "JSON: nothing for a verified message" \
    '{"status": "none", "corroborated_by": [], "mismatches": []}' \
    "$(search --format json id:r1@chains.example | python3 -c 'import json,sys; print(json.dumps(json.load(sys.stdin)["hits"][0]["corroboration"]))')"

# stats counts it apart from verified.
search stats >"$WORK/stats"
expect_eq "stats: verified stays 7" \
    "22 emails from 5 unique senders; 7 verified (signed by the sender's domain, in full), 9 with a DKIM signature that passes" \
    "$(head -1 "$WORK/stats")"
expect_eq "stats: the chains line" \
    "chains: 6 corroborated (quoted by verified messages; not counted as verified), 2 with a quote that differs" \
    "$(grep '^chains:' "$WORK/stats")"
expect_eq "stats JSON" "6 2 7" \
    "$(search --format json stats | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["corroborated"], d["chain_mismatches"], d["verified"])')"

# A second run compares nothing: no message is new.
index "$C" >"$WORK/again.out" 2>&1
expect_eq "second run: nothing compared, nothing updated" \
    "chains: 6 messages corroborated by verified messages that quote them (not verified themselves), 2 with a mismatch; incremental, 0 messages new or moved to another thread: 0 verified messages quote, 0 pairs compared, 0 documents updated" \
    "$(chains_line "$WORK/again.out")"

# Incremental runs end as one run does, whichever half comes first: the
# quoted messages, then the verified replies and forwards (each new one
# looks for what it quotes); or the replies first, then the messages they
# quote (each new one looks for the verified messages that may quote it,
# by thread and by its rarest words: the forwards keep no thread link).
mkdir -p "$WORK/quoted" "$WORK/quoting"
cp "$C"/[ogpf]*.eml "$WORK/quoted/"
cp "$C"/[rc]*.eml "$WORK/quoting/"
split_run() {
    local db=$WORK/$1
    index --db "$db" --keys "$DATA/dkim-keys.txt" "$WORK/$2" >/dev/null 2>&1
    index --db "$db" --keys "$DATA/dkim-keys.txt" "$WORK/$2" "$WORK/$3" >"$WORK/$1.out" 2>&1
}
split_run quoted-first quoted quoting
expect_eq "quoted first: the second run's chains line" \
    "chains: 6 messages corroborated by verified messages that quote them (not verified themselves), 2 with a mismatch; incremental, 10 messages new or moved to another thread: 8 verified messages quote, 9 pairs compared, 8 documents updated" \
    "$(chains_line "$WORK/quoted-first.out")"
expect_eq "quoted first: every message as declared" \
    "$EXPECTED" \
    "$(results "$WORK/quoted-first")"
split_run quoting-first quoting quoted
expect_eq "replies first: the second run's chains line" \
    "chains: 6 messages corroborated by verified messages that quote them (not verified themselves), 2 with a mismatch; incremental, 12 messages new or moved to another thread: 0 verified messages quote, 10 pairs compared, 8 documents updated" \
    "$(chains_line "$WORK/quoting-first.out")"
expect_eq "replies first: every message as declared" \
    "$EXPECTED" \
    "$(results "$WORK/quoting-first")"
# Each run with quoted and quoting messages: g7 and p7 first, c7 (quoting
# both) later; o1-o4 with r5-r8 first, their quoters and quoted later.
mkdir -p "$WORK/part1" "$WORK/part2"
cp "$C"/[gp]7.eml "$C"/o[1-4].eml "$C"/r[5-8].eml "$C"/o9.eml "$C"/f9.eml "$C"/r10.eml "$WORK/part1/"
cp "$C"/c7.eml "$C"/o[5-8].eml "$C"/r[1-4].eml "$C"/r9.eml "$C"/o10.eml "$WORK/part2/"
split_run mixed part1 part2
expect_eq "mixed halves: every message as declared" \
    "$EXPECTED" \
    "$(results "$WORK/mixed")"

# A second verified copy of r1 (an unsigned header added on top, so another
# file with the same valid signature) in a later run: o1 keeps r1's finding
# and gains the copy's, as when both are indexed in one run.
mkdir -p "$WORK/copy"
{ printf 'X-Relayed-Copy: 1\n'; cat "$C/r1.eml"; } >"$WORK/copy/r1-copy.eml"
corroborators() {
    search --db "$1" --format json id:o1@chains.example | python3 -c '
import json, sys
c = json.load(sys.stdin)["hits"][0]["corroboration"]
print(c["status"], sorted((b["sha256"][:12], b["coverage"]) for b in c["corroborated_by"]))'
}
index --db "$WORK/copy-later" --keys "$DATA/dkim-keys.txt" "$C" >/dev/null 2>&1
index --db "$WORK/copy-later" --keys "$DATA/dkim-keys.txt" "$C" "$WORK/copy" >"$WORK/copy-later.out" 2>&1
index --db "$WORK/copy-at-once" --keys "$DATA/dkim-keys.txt" "$C" "$WORK/copy" >/dev/null 2>&1
expect_eq "a later copy: o1 corroborated twice" 2 \
    "$(search --db "$WORK/copy-later" --format json id:o1@chains.example | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["hits"][0]["corroboration"]["corroborated_by"]))')"
expect_eq "a later copy: as in one run" "$(corroborators "$WORK/copy-at-once")" "$(corroborators "$WORK/copy-later")"
expect_eq "a later copy: one message new, one pair compared, one document updated" \
    "chains: 6 messages corroborated by verified messages that quote them (not verified themselves), 2 with a mismatch; incremental, 1 messages new or moved to another thread: 1 verified messages quote, 1 pairs compared, 1 documents updated" \
    "$(chains_line "$WORK/copy-later.out")"

# The threshold: o1 has 92% of its text quoted.
index --corroborate-threshold 95 "$C" >"$WORK/t95.out" 2>&1
expect_ids "threshold 95: o1 no longer corroborated" \
    "g7@chains.example o4@chains.example o5@chains.example o9@chains.example p7@chains.example" verified:chain
index --corroborate-threshold 92 "$C" >"$WORK/t92.out" 2>&1
expect_eq "threshold 92: o1 again" 6 "$(search --count verified:chain)"
expect_status "a threshold over 100 is refused" 2 index --corroborate-threshold 101 "$C"
expect_status "a threshold that is no number is refused" 2 index --corroborate-threshold x "$C"

# --reverify recomputes: without the keys nothing verifies, so nothing is
# corroborated; with them, everything comes back.
: >"$WORK/nokeys.txt"
index --reverify --keys "$WORK/nokeys.txt" >"$WORK/rv.out" 2>&1
expect_eq "reverify without keys: no corroboration left" 0 "$(search --count verified:any)"
expect_eq "reverify: the chains line" \
    "chains: 0 messages corroborated by verified messages that quote them (not verified themselves), 0 with a mismatch; 0 verified messages quote, 0 pairs compared, 8 documents updated" \
    "$(chains_line "$WORK/rv.out")"
index --reverify --keys "$DATA/dkim-keys.txt" >/dev/null 2>&1
expect_eq "every message as declared after reverify" \
    "$EXPECTED" \
    "$(results "$LEAKDEX_DB")"

finish
