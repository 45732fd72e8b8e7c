#!/usr/bin/env bash
# T200: DKIM verdicts of the signed corpus (data/dkim, signed by dkimpy;
# expectations in dkim.json): the exact verdict, what the message verifies
# (yes, partial, no), why only partial, the shown fields left unsigned, the
# body text l= covers, and, per signature, domain, selector, algorithm,
# canonicalization, result, reason, weak flag, unsigned l= bytes, the form of
# an mbox message's body that verified and the key record that verified.
# The forgeries (051-058: an added From, an l= body made multipart, a
# foreign d=, unsigned Subject and Date, a display name posing as the
# address) are never verified; the messages they start from are. Then the
# query fields, --verified, senders and stats, show, JSON and CSV, and
# --reverify with other keys.
source "$(dirname "$0")/lib.sh"

KEYS=$DATA/dkim-keys.txt
python3 - "$HERE/dkim.json" "$DATA" "$LEAKDEX_INDEX" "$KEYS" <<'PY'
import json, subprocess, sys
spec, data, indexer, keys = sys.argv[1:5]
failures = checks = 0
def check(ok, what):
    global failures, checks
    checks += 1
    if not ok:
        failures += 1
        print("FAIL:", what)
inspected = {}
def inspect(path):
    if path not in inspected:
        out = subprocess.run([indexer, "--inspect", "--keys", keys, path], capture_output=True)
        check(out.returncode == 0, f"{path}: --inspect exit {out.returncode}: {out.stderr!r}")
        inspected[path] = [json.loads(l) for l in out.stdout.decode().splitlines()]
    return inspected[path]
for e in json.load(open(spec)):
    name = e["file"] + (f"#{e['index']}" if "index" in e else "")
    m = inspect(f"{data}/{e['file']}")[e.get("index", 0)]
    check(m["message_id"] == e["message_id"], f"{name}: message id {m['message_id']}")
    d = m["dkim"]
    check(d["verdict"] == e["verdict"], f"{name}: verdict {d['verdict']}, want {e['verdict']}")
    for k in ("verified", "verified_reason", "unsigned_headers"):
        check(d[k] == e[k], f"{name}: {k} {d[k]!r}, want {e[k]!r}")
    if "body_signed_bytes" in e:
        check(d["body_signed_bytes"] == e["body_signed_bytes"],
              f"{name}: body_signed_bytes {d['body_signed_bytes']}, want {e['body_signed_bytes']}")
    else:
        check(d["body_signed_bytes"] is None, f"{name}: body_signed_bytes {d['body_signed_bytes']}")
    check(len(d["signatures"]) == len(e["signatures"]), f"{name}: {len(d['signatures'])} signatures")
    for got, want in zip(d["signatures"], e["signatures"]):
        for k in ("domain", "selector", "algorithm", "canonicalization", "result", "reason", "weak",
                  "mbox_form"):
            check(got[k] == want[k], f"{name}: {k} {got[k]!r}, want {want[k]!r}")
        check((got["unsigned_bytes"] or 0) == want["unsigned_bytes"],
              f"{name}: unsigned_bytes {got['unsigned_bytes']}, want {want['unsigned_bytes']}")
        if "key_record" in want:
            check(got["key_record"] == want["key_record"], f"{name}: key_record {got['key_record']}")
        if got["result"] == "pass":
            check(got["key_bits"] > 0, f"{name}: key size not recorded")
print(f"{checks - failures} passed, {failures} failed")
sys.exit(1 if failures else 0)
PY
status=$?
[[ $status == 0 ]] && ok || bad "per-message verdicts (above)"

# Indexed: the same verdicts through the index and the query language.
index --keys "$KEYS" "$DATA/dkim" >"$WORK/out" 2>"$WORK/err"
expect_eq "index exit" 0 $?
expect_eq "a file whose only field is its DKIM-Signature is a message: nothing skipped" "" \
    "$(cat "$WORK/err")"
expect_eq "report line" "dkim: 50 pass (1 with a weak key), 9 fail, 3 nokey, 13 invalid, 1 unsigned" \
    "$(grep '^dkim:' "$WORK/out")"
expect_eq "report: verified and signed in part" \
    "verified: 41 (signed by the sender's domain: From, Subject, Date and the whole body), 9 signed in part" \
    "$(grep '^verified:' "$WORK/out")"
count() { search --count "$@"; }
expect_eq "verified:yes" 41 "$(count verified:yes)"
expect_eq "--verified" 41 "$(count --verified)"
expect_eq "verified:no: everything but yes" 35 "$(count verified:no)"
expect_eq "dkim:pass counts signatures that pass" 50 "$(count dkim:pass)"
expect_eq "dkim:fail" 9 "$(count dkim:fail)"
expect_eq "dkim:invalid" 13 "$(count dkim:invalid)"
expect_eq "verified:partial: signed in part (074 has no Message-ID)" \
    " dk-013@dkim.example dk-014@dkim.example dk-052@dkim.example dk-053@dkim.example dk-054@dkim.example dk-055@dkim.example dk-056@dkim.example dk-058@dkim.example" \
    "$(ids verified:partial)"
expect_eq "verified:partial, counted" 9 "$(count verified:partial)"
expect_ids "no forgery is verified" "" \
    "verified:yes AND (id:dk-051@dkim.example OR id:dk-052@dkim.example OR id:dk-053@dkim.example OR id:dk-054@dkim.example OR id:dk-055@dkim.example OR id:dk-056@dkim.example OR id:dk-058@dkim.example)"
expect_ids "the messages the forgeries start from are" \
    "dk-057@dkim.example dk-059@dkim.example dk-061@dkim.example" \
    --verified "id:dk-057@dkim.example OR id:dk-059@dkim.example OR id:dk-061@dkim.example"
expect_ids "dkim:nokey: no record, an empty TXT record, one without p=" \
    "dk-033@dkim.example dk-068@dkim.example dk-069@dkim.example" dkim:nokey
expect_ids "dkim:none" "dk-046@dkim.example" dkim:none
expect_ids "dkim:weak" "dk-040@dkim.example" dkim:weak
expect_ids "dkimfail:body" "dk-026@dkim.example dk-032@dkim.example dk-042@dkim.example" dkimfail:body
expect_ids "dkimfail:header: signed headers changed, or an unsigned From added" \
    "dk-027@dkim.example dk-028@dkim.example dk-029@dkim.example dk-030@dkim.example dk-035@dkim.example dk-041@dkim.example dk-051@dkim.example" \
    dkimfail:header
expect_ids "signer:other.example" "dk-041@dkim.example dk-042@dkim.example" signer:other.example
expect_ids "signer:attacker.example" "dk-053@dkim.example" signer:attacker.example
expect_status "verified: takes yes, partial, no, chain or any" 2 search verified:maybe
expect_eq "the LF, CRLF and mbox copies are one document" 3 \
    "$(search --format json id:dk-same@dkim.example | python3 -c 'import json,sys; d=json.load(sys.stdin); print(len(d["hits"][0]["paths"]))')"

# The forged sender is neither displayed as verified nor counted.
search senders --verified >"$WORK/senders"
grep -q 'minister@gov.example\|intern@attacker.example' "$WORK/senders" &&
    bad "senders --verified lists a forged sender: $(cat "$WORK/senders")" || ok
expect_eq "senders --verified: the victim's verified messages only" \
    "       2        2  2019-02-09  2019-03-05  ceo@victim.example  Direction du port" \
    "$(grep 'ceo@victim.example' "$WORK/senders")"
expect_eq "senders: the victim's messages, verified or not (051 shows the minister)" \
    "       7        2  2016-06-14  2019-03-05  ceo@victim.example  Direction du port" \
    "$(search senders | grep ' ceo@victim.example ')"
search stats >"$WORK/stats"
expect_eq "stats: verified messages and passing signatures" \
    "76 emails from 7 unique senders; 41 verified (signed by the sender's domain, in full), 50 with a DKIM signature that passes" \
    "$(head -1 "$WORK/stats")"
expect_eq "stats: signed in part" \
    "verified: 41 yes, 9 signed in part (a signature passes, but not from the sender's domain or not over From, Subject, Date and the whole body)" \
    "$(grep '^verified:' "$WORK/stats")"
expect_eq "stats JSON: verified, verified_partial, dkim_pass" "41 9 50 50" \
    "$(search --format json stats | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["verified"], d["verified_partial"], d["dkim_pass"], d["dkim"]["pass"])')"

# show names every signature's result and reason.
id=$(search id:dk-041@dkim.example | cut -c1-12)
search show "$id" | grep '^Signature' >"$WORK/sigs"
expect_eq "show: two signatures" 2 "$(wc -l <"$WORK/sigs")"
grep -q 'other.example s=mx a=rsa-sha256 c=relaxed/relaxed: fail (signature mismatch)' "$WORK/sigs" && ok ||
    bad "show: the damaged signature: $(cat "$WORK/sigs")"
grep -q "news.dkim.example s=s2048 .*: pass.*, the sender's domain$" "$WORK/sigs" && ok ||
    bad "show: the good signature: $(cat "$WORK/sigs")"
search show "$(search id:dk-040@dkim.example | cut -c1-12)" | grep >/dev/null 'WEAK 512-bit RSA key' && ok ||
    bad "show flags the weak key"
search id:dk-040@dkim.example | grep >/dev/null '  pass weak  ' && ok || bad "text hit line flags the weak key"

# What a message verifies, in show, hit lines, JSON and CSV.
show_of() { search show "$(search "id:$1@dkim.example" | cut -c1-12)"; }
expect_eq "show: verified" \
    "Verified     yes: signed by victim.example, the sender's domain, over From, Subject, Date and the whole body" \
    "$(show_of dk-061 | grep '^Verified')"
expect_eq "show: a foreign signer" \
    "DKIM         pass
Verified     partial: signed by attacker.example, not the sender's domain" \
    "$(show_of dk-053 | grep -E '^(DKIM|Verified)')"
expect_eq "show: the unsigned Subject, marked" \
    "Subject      RE: the cover-up we discussed  (not signed)
Verified     partial: the Subject shown was not signed" \
    "$(show_of dk-054 | grep -E '^(Subject|Verified)')"
expect_eq "show: the unsigned Date, marked" \
    "Date         2016-06-14T07:30:00Z (from the Date header)  (not signed)" \
    "$(show_of dk-056 | grep '^Date')"
expect_eq "show: a verified message with an unsigned To" \
    "To           Claude Renaud <c.renaud@other.example>; press@gov.example  (not signed)
Verified     yes: signed by victim.example, the sender's domain, over From, Subject, Date and the whole body" \
    "$(show_of dk-057 | grep -E '^(To|Verified)')"
show_of dk-052 >"$WORK/show52"
expect_eq "show: the attacker's part after l= is set apart (nothing of it signed)" \
    "--------- not signed: the text below was added after the part the DKIM signature covers (l=) ---------
Forget the earlier note: the dredging contract goes to Quaybuild, as agreed
with the minister." \
    "$(sed -n '/^--------- not signed/,$p' "$WORK/show52" | sed '/^$/d')"
expect_eq "show: ... and nothing before it" "" \
    "$(sed -n '/^$/,/^--------- not signed/p' "$WORK/show52" | grep -v '^--------- not signed' | sed '/^$/d')"
show_of dk-013 >"$WORK/show13"
expect_eq "show: the list footer after the signed text" \
    "La Gazette du Canal
--------- not signed: the text below was added after the part the DKIM signature covers (l=) ---------" \
    "$(grep -B1 '^--------- not signed' "$WORK/show13")"
expect_eq "show: the mbox message verified as stored" \
    "Signature    news.dkim.example s=s2048 a=rsa-sha256 c=relaxed/relaxed: pass, key record 1, key source: DNS snapshot 2019-05-01, the sender's domain, on the body as stored in the mbox (>From quoting kept)" \
    "$(show_of dk-075 | grep '^Signature')"
expect_eq "hit line: partial in place of pass" \
    "partial" "$(search id:dk-053@dkim.example | awk '{print $4}')"
expect_eq "JSON: verified, reason, unsigned fields, signed text" \
    '["partial", "163 bytes after the signed part were added", [], 0]
["partial", "the Subject shown was not signed", ["subject"], null]
["yes", "", ["to"], null]' \
    "$(search --format json --sort date 'id:dk-054@dkim.example OR id:dk-052@dkim.example OR id:dk-057@dkim.example' | python3 -c '
import json, sys
for h in json.load(sys.stdin)["hits"]:
    print(json.dumps([h["verified"], h["verified_reason"], h["unsigned_headers"], h["body_signed_bytes"]]))')"
expect_eq "CSV: the same columns" \
    "yes||to
partial|signed by victim.example, not the sender's domain|" \
    "$(search --format csv --sort date 'id:dk-058@dkim.example OR id:dk-057@dkim.example' | python3 -c '
import csv, sys
for r in csv.DictReader(sys.stdin):
    print("|".join(r[k] for k in ("verified", "verified_reason", "unsigned_headers")))')"

# --reverify with no keys: every signed message becomes nokey or invalid.
: >"$WORK/empty-keys"
index --reverify --keys "$WORK/empty-keys" >"$WORK/rv" 2>&1
expect_eq "reverify exit" 0 $?
grep -q '^reverify: 76 documents, 76 verified again' "$WORK/rv" && ok || bad "reverify summary: $(cat "$WORK/rv")"
expect_eq "reverify: nothing verified" \
    "verified: 0 (signed by the sender's domain: From, Subject, Date and the whole body), 0 signed in part" \
    "$(grep '^verified:' "$WORK/rv")"
expect_eq "no pass without keys" 0 "$(count verified:yes)"
expect_eq "nokey without keys" 0 "$(count dkim:pass)"
expect_eq "no partial without keys" 0 "$(count verified:partial)"
# ... and back with the keys.
index --reverify --keys "$KEYS" >"$WORK/rv2" 2>&1
expect_eq "reverify with the keys: verified again" \
    "verified: 41 (signed by the sender's domain: From, Subject, Date and the whole body), 9 signed in part" \
    "$(grep '^verified:' "$WORK/rv2")"
expect_eq "verified:yes again" 41 "$(count verified:yes)"
expect_eq "verified:partial again" 9 "$(count verified:partial)"
expect_ids "dkimfail:body again" "dk-026@dkim.example dk-032@dkim.example dk-042@dkim.example" dkimfail:body
expect_eq "reverify: the text after l= set apart again" \
    "$(cat "$WORK/show52")" "$(show_of dk-052)"

# A bad key file is refused with its line number.
printf 'not-a-key-name v=DKIM1; p=abc\n' >"$WORK/bad-keys"
expect_status "bad key file" 2 index --keys "$WORK/bad-keys" "$DATA/dkim/046-unsigned.eml"
grep -q "bad-keys:1: expected SELECTOR._domainkey.DOMAIN" "$WORK/err" && ok || bad "key file error: $(cat "$WORK/err")"

finish
