#!/usr/bin/env bash
# T180: --inspect over all of ../shared/corpora (real public mail): no crash,
# one JSON object per message, valid UTF-8 everywhere, no index written.
source "$(dirname "$0")/lib.sh"

CORPORA=$LEAKDEX_SRC/../shared/corpora
if [[ ! -d $CORPORA ]]; then
    echo "SKIP: $CORPORA is absent (it lies beside the repository in CI)"
    exit 77
fi

index --inspect --full --db "$WORK/never" "$CORPORA" >"$WORK/inspect.ndjson" 2>"$WORK/err"
expect_eq "exit status" 0 $?
[[ ! -e $WORK/never ]] && ok || bad "--inspect wrote an index"
python3 - "$WORK/inspect.ndjson" <<'PY' && ok || bad "inspect output"
import json, sys, unicodedata
raw = open(sys.argv[1], "rb").read()
text = raw.decode("utf-8")          # strict: any invalid byte fails
lines = text.splitlines()
assert len(lines) == 370, len(lines)
def strings(v):
    if isinstance(v, str):
        yield v
    elif isinstance(v, list):
        for x in v:
            yield from strings(x)
    elif isinstance(v, dict):
        for x in v.values():
            yield from strings(x)
for line in lines:
    m = json.loads(line)
    for s in strings(m):
        s.encode("utf-8")           # no lone surrogates
        if s != m["path"]:
            assert unicodedata.is_normalized("NFC", s), (m["path"], s[:80])
    assert m["body_bytes"] == len(m["body"].encode("utf-8")), m["path"]
    for p in m["parts"]:
        assert p["role"] in ("body", "alternative", "attachment")
PY
# The corpus's gb2312 message is read as GB18030, the bogus "utf8" label as UTF-8.
python3 - "$WORK/inspect.ndjson" <<'PY' && ok || bad "charsets of the corpus"
import json, sys
used = {}
for line in open(sys.argv[1], encoding="utf-8"):
    for p in json.loads(line)["parts"]:
        if p.get("declared_charset"):
            used.setdefault(p["declared_charset"], set()).add(p["used_charset"])
labels = {k.lower(): v for k, v in used.items()}
assert labels.get("gb2312") == {"GB18030"}, used
assert labels.get("utf8") == {"UTF-8"}, used
assert labels.get("iso-8859-1") == {"WINDOWS-1252"}, used
PY

finish
