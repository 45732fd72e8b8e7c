#!/usr/bin/env bash
# T202: --dns asks DNS for the keys no key file has, keeps what it finds in
# --keys-out, and the run can then be repeated offline with that file. The
# DNS server is a small one on loopback (dns_server.py), reached through
# LEAKDEX_DNS_SERVER; nothing leaves the machine.
source "$(dirname "$0")/lib.sh"

grep -E '^(s2048|ed1)\._domainkey' "$DATA/dkim-keys.txt" >"$WORK/zone"
python3 "$HERE/dns_server.py" "$WORK/zone" 60 >"$WORK/port" &
server=$!
trap 'kill $server 2>/dev/null; rm -rf "$WORK"' EXIT
for _ in $(seq 50); do [[ -s $WORK/port ]] && break; sleep 0.1; done
export LEAKDEX_DNS_SERVER=127.0.0.1:$(head -n 1 "$WORK/port")

mkdir "$WORK/src"
cp "$DATA/dkim/001-rsa-sha256-simple-simple.eml" "$DATA/dkim/009-ed25519-sha256-simple-simple.eml" \
    "$DATA/dkim/033-no-key-record.eml" "$WORK/src/"
index --dns --keys-out "$WORK/found.txt" "$WORK/src" >"$WORK/out" 2>"$WORK/err"
expect_eq "exit" 0 $?
expect_eq "verdicts with keys from DNS" "dkim: 2 pass (0 with a weak key), 0 fail, 1 nokey, 0 invalid, 0 unsigned" \
    "$(grep '^dkim:' "$WORK/out")"
expect_eq "two records kept" 2 "$(grep -c '_domainkey' "$WORK/found.txt")"
grep -q "^s2048._domainkey.news.dkim.example \"v=DKIM1; k=rsa; p=.*\"  # source: DNS [0-9-]*$" "$WORK/found.txt" &&
    ok || bad "kept record format: $(cat "$WORK/found.txt")"
search show "$(search --verified --limit 1 | cut -c1-12)" | grep >/dev/null 'key source: DNS ' && ok ||
    bad "show names DNS as the key's source"

expect_eq "with --dns, DNS had no key either: only a key file of the time" \
    "dkim keys: 1 message is signed with a key that neither a key file nor DNS gave (nokey): only a key file of the time can verify it: leakdex-index --db DB --reverify --keys $WORK/found.txt --keys FILE" \
    "$(grep '^dkim keys:' "$WORK/out")"

# Without --dns, the report says how to get the keys; its two commands,
# run as it writes them, fetch them and verify the index again.
index --db "$WORK/later" "$WORK/src" >"$WORK/out4" 2>/dev/null
expect_eq "without --dns: every signature nokey" \
    "dkim: 0 pass (0 with a weak key), 0 fail, 3 nokey, 0 invalid, 0 unsigned" \
    "$(grep '^dkim:' "$WORK/out4")"
expect_eq "without --dns: how to get the keys" \
    "dkim keys: 3 messages are signed with keys that no key file has (nokey): fetch them with leakdex-index --inspect --dns --keys-out FILE SOURCE... >/dev/null, then run leakdex-index --db DB --reverify --keys FILE" \
    "$(grep '^dkim keys:' "$WORK/out4")"
advice=$(grep '^dkim keys:' "$WORK/out4" | sed 's/.*: fetch them with //')
fetch=${advice%%, then run *}
reverify=${advice#*, then run }
fetch=${fetch//FILE/$WORK/later-keys.txt}
fetch=${fetch//SOURCE.../$WORK/src}
reverify=${reverify//FILE/$WORK/later-keys.txt}
reverify=${reverify/--db DB/--db $WORK/later}
eval "${fetch/leakdex-index/\"\$LEAKDEX_INDEX\"}"
expect_eq "the fetch command exits 0" 0 $?
expect_eq "it kept the two records DNS has" 2 "$(grep -c '_domainkey' "$WORK/later-keys.txt")"
eval "${reverify/leakdex-index/\"\$LEAKDEX_INDEX\"}" >"$WORK/out5" 2>/dev/null
expect_eq "the reverify command: two verified, the third still nokey" \
    "dkim: 2 pass, 0 fail, 1 nokey, 0 invalid, 0 unsigned" "$(grep '^dkim:' "$WORK/out5")"
expect_eq "a run that added no nokey message says nothing of keys" "" \
    "$(index --db "$WORK/later" "$WORK/src" 2>/dev/null | grep '^dkim keys:')"

# The same run offline, from the kept records only, gives the same verdicts.
kill $server 2>/dev/null
wait $server 2>/dev/null
index --db "$WORK/offline" --keys "$WORK/found.txt" "$WORK/src" >"$WORK/out2" 2>/dev/null
expect_eq "offline re-run" "dkim: 2 pass (0 with a weak key), 0 fail, 1 nokey, 0 invalid, 0 unsigned" \
    "$(grep '^dkim:' "$WORK/out2")"

# DNS that does not answer: a warning per name, nokey, the run goes on.
export LEAKDEX_DNS_SERVER=127.0.0.1:9
timeout 60 "$LEAKDEX_INDEX" --db "$WORK/down" --dns --keys-out "$WORK/none.txt" "$WORK/src" \
    >"$WORK/out3" 2>"$WORK/err3"
expect_eq "exit with DNS down" 0 $?
expect_eq "all nokey" "dkim: 0 pass (0 with a weak key), 0 fail, 3 nokey, 0 invalid, 0 unsigned" \
    "$(grep '^dkim:' "$WORK/out3")"
grep -q "DNS look-up of s2048._domainkey.news.dkim.example failed" "$WORK/err3" && ok ||
    bad "DNS failure reported: $(cat "$WORK/err3")"
expect_status "--dns without --keys-out" 2 index --dns "$WORK/src"

finish
