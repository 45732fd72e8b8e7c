#!/usr/bin/env bash
# T100: DKIM verdicts of the signed corpus (data/dkim, signed by dkimpy;
# expectations in dkim.json): the exact verdict and, per signature, domain,
# selector, algorithm, canonicalization, result, reason, weak flag, unsigned
# l= bytes and the key record that verified; then the query fields, the
# --verified option, show, and --reverify with other keys.
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
    check(len(d["signatures"]) == len(e["signatures"]), f"{name}: {len(d['signatures'])} signatures")
    for got, want in zip(d["signatures"], e["signatures"]):
        for k in ("domain", "selector", "algorithm", "canonicalization", "result", "reason", "weak"):
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
expect_eq "report line" "dkim: 33 pass (1 with a weak key), 8 fail, 1 nokey, 7 invalid, 1 unsigned" \
    "$(grep '^dkim:' "$WORK/out")"
count() { search --count "$@"; }
expect_eq "verified:yes" 33 "$(count verified:yes)"
expect_eq "--verified" 33 "$(count --verified)"
expect_eq "verified:no" 17 "$(count verified:no)"
expect_eq "dkim:fail" 8 "$(count dkim:fail)"
expect_eq "dkim:invalid" 7 "$(count dkim:invalid)"
expect_ids "dkim:nokey" "dk-033@dkim.example" dkim:nokey
expect_ids "dkim:none" "dk-046@dkim.example" dkim:none
expect_ids "dkim:weak" "dk-040@dkim.example" dkim:weak
expect_ids "dkimfail:body" "dk-026@dkim.example dk-032@dkim.example dk-042@dkim.example" dkimfail:body
expect_ids "dkimfail:header" "dk-027@dkim.example dk-028@dkim.example dk-029@dkim.example dk-030@dkim.example dk-035@dkim.example dk-041@dkim.example" \
    dkimfail:header
expect_ids "signer:other.example" "dk-041@dkim.example dk-042@dkim.example" signer:other.example
expect_status "verified: takes yes or no" 2 search verified:maybe
expect_eq "the LF, CRLF and mbox copies are one document" 3 \
    "$(search --format json id:dk-same@dkim.example | python3 -c 'import json,sys; d=json.load(sys.stdin); print(len(d["hits"][0]["paths"]))')"

# show names every signature's result and reason.
id=$(search id:dk-041@dkim.example | cut -c1-12)
search show "$id" | grep '^Signature' >"$WORK/sigs"
expect_eq "show: two signatures" 2 "$(wc -l <"$WORK/sigs")"
grep -q 'other.example s=mx a=rsa-sha256 c=relaxed/relaxed: fail (signature mismatch)' "$WORK/sigs" && ok ||
    bad "show: the damaged signature: $(cat "$WORK/sigs")"
grep -q 'news.dkim.example s=s2048 .*: pass' "$WORK/sigs" && ok || bad "show: the good signature: $(cat "$WORK/sigs")"
search show "$(search id:dk-040@dkim.example | cut -c1-12)" | grep -q 'WEAK 512-bit RSA key' && ok ||
    bad "show flags the weak key"
search id:dk-040@dkim.example | grep -q '  pass weak  ' && ok || bad "text hit line flags the weak key"

# --reverify with no keys: every signed message becomes nokey or invalid.
: >"$WORK/empty-keys"
index --reverify --keys "$WORK/empty-keys" >"$WORK/rv" 2>&1
expect_eq "reverify exit" 0 $?
grep -q '^reverify: 50 documents, 50 verified again' "$WORK/rv" && ok || bad "reverify summary: $(cat "$WORK/rv")"
expect_eq "no pass without keys" 0 "$(count verified:yes)"
expect_eq "nokey without keys" 0 "$(count dkim:pass)"
# ... and back with the keys.
index --reverify --keys "$KEYS" >/dev/null 2>&1
expect_eq "verified:yes again" 33 "$(count verified:yes)"
expect_ids "dkimfail:body again" "dk-026@dkim.example dk-032@dkim.example dk-042@dkim.example" dkimfail:body

# A bad key file is refused with its line number.
printf 'not-a-key-name v=DKIM1; p=abc\n' >"$WORK/bad-keys"
expect_status "bad key file" 2 index --keys "$WORK/bad-keys" "$DATA/dkim/046-unsigned.eml"
grep -q "bad-keys:1: expected SELECTOR._domainkey.DOMAIN" "$WORK/err" && ok || bad "key file error: $(cat "$WORK/err")"

finish
