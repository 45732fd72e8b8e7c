#!/usr/bin/env bash
# T150: the charset torture set (data/charsets, expectations in charsets.json,
# written from the text each message was encoded from): exact decoded subject,
# sender name, body lines and attachment names through --inspect; every
# message found by its words with and without accents; exact hits for
# folding, stemming and CJK queries.
source "$(dirname "$0")/lib.sh"

index --quiet "$DATA/charsets" >"$WORK/out" || { cat "$WORK/out"; exit 1; }
python3 - "$HERE/charsets.json" "$DATA" "$LEAKDEX_INDEX" "$LEAKDEX_SEARCH" <<'PY'
import json, subprocess, sys, unicodedata
spec, data, indexer, searcher = sys.argv[1:5]
entries = json.load(open(spec, encoding="utf-8"))
queries = entries.pop()["queries"]
failures = checks = 0

def check(ok, what):
    global failures, checks
    checks += 1
    if not ok:
        failures += 1
        print("FAIL:", what)

def hits(q):
    out = subprocess.run([searcher, "--format", "ndjson", "--", q], capture_output=True)
    check(out.returncode in (0, 1), f"search {q!r} exit {out.returncode}: {out.stderr!r}")
    return sorted(json.loads(l)["message_id"] for l in out.stdout.decode().splitlines())

for e in entries:
    path = f"{data}/{e['file']}"
    out = subprocess.run([indexer, "--inspect", "--full", path], capture_output=True)
    check(out.returncode == 0, f"{e['file']}: --inspect exit {out.returncode}")
    m = json.loads(out.stdout.decode("utf-8"))
    name = e["file"]
    check(m["message_id"] == e["message_id"], f"{name}: message id {m['message_id']!r}")
    check(m["subject"] == e["subject"], f"{name}: subject\n   got  {m['subject']!r}\n   want {e['subject']!r}")
    check(m["from"]["name"] == e["from_name"], f"{name}: from name {m['from']['name']!r}, want {e['from_name']!r}")
    for line in e["body"]:
        check(line in m["body"], f"{name}: body lacks {line!r}\n   body: {m['body'][:300]!r}")
    check(unicodedata.is_normalized("NFC", m["body"]), f"{name}: body not NFC")
    check(m["replaced_characters"] == 0, f"{name}: {m['replaced_characters']} replaced characters")
    got_att = [a["filename"] for a in m["attachments"]]
    check(got_att == e["attachments"], f"{name}: attachments {got_att!r}, want {e['attachments']!r}")
    body_parts = [p for p in m["parts"] if p["role"] == "body"]
    declared = body_parts[0]["declared_charset"].strip('"').lower() if body_parts else ""
    check(declared == e["declared"].lower(), f"{name}: declared {declared!r}, want {e['declared']!r}")
    for word in e["search"]:
        check(e["message_id"] in hits(word), f"{name}: not found by {word!r}")

for q in queries:
    got = hits(q["q"])
    check(got == sorted(q["hits"]), f"query {q['q']!r}\n   got  {got}\n   want {sorted(q['hits'])}")

# Exact words: a capital or quotes turn stemming off; accents still fold.
check(hits("candidat") == ["cs-074@charset.example"], "candidat (stemmed) finds candidats")
check(hits("Candidat") == [], "Candidat (exact) does not find candidats")
check(hits('"candidat"') == [], '"candidat" (exact) does not find candidats')
check(hits("Candidats") == ["cs-074@charset.example"], "Candidats (exact) finds candidats")

print(f"{checks - failures} passed, {failures} failed")
sys.exit(1 if failures else 0)
PY
