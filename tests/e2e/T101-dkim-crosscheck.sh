#!/usr/bin/env bash
# T101: an independent verifier agrees. dkimpy (Debian's python3-dkim, which
# the test set-up installs) verifies every message of data/dkim with the same
# key file; leakdex must reach the same verdict class for each: pass, not
# pass, or unsigned.
source "$(dirname "$0")/lib.sh"

if ! /usr/bin/python3 -c 'import dkim, nacl' 2>/dev/null; then
    bad "python3-dkim and python3-nacl are not installed (scripts/install-deps installs them)"
    finish
    exit 1
fi
/usr/bin/python3 "$HERE/dkim_crosscheck.py" "$DATA" "$DATA/dkim-keys.txt" >"$WORK/dkimpy" ||
    bad "dkim_crosscheck.py failed"
expect_eq "dkimpy saw every message" 52 "$(wc -l <"$WORK/dkimpy")"
python3 - "$WORK/dkimpy" "$DATA" "$LEAKDEX_INDEX" <<'PY' && ok || bad "leakdex and dkimpy disagree (above)"
import json, subprocess, sys
lines, data, indexer = sys.argv[1:4]
seen = {}
bad = 0
for line in open(lines):
    where, mid, theirs = line.split()
    path, _, idx = where.partition("#")
    if path not in seen:
        out = subprocess.run([indexer, "--inspect", "--keys", f"{data}/dkim-keys.txt",
                              f"{data}/{path}"], capture_output=True, check=True)
        seen[path] = [json.loads(l) for l in out.stdout.decode().splitlines()]
    m = seen[path][int(idx or 0)]
    v = m["dkim"]["verdict"]
    ours = "pass" if v == "pass" else "none" if v == "none" else "notpass"
    if m["message_id"] != mid or ours != theirs:
        bad += 1
        print(f"FAIL: {where} {mid}: dkimpy {theirs}, leakdex {v} ({m['message_id']})")
sys.exit(1 if bad else 0)
PY

finish
