#!/usr/bin/env bash
# T201: an independent verifier agrees. dkimpy (Debian's python3-dkim, which
# the test set-up installs) verifies every message of data/dkim with the same
# key file, through tests/e2e/dkim_crosscheck.py (which adds the RFC 6376
# checks dkimpy skips); leakdex must reach the same verdict class for each:
# pass, not pass, or unsigned. Where they disagree on purpose, the message,
# both classes and the RFC section are in dkim_crosscheck.py's DISAGREEMENTS,
# printed here; any other disagreement fails, as does a documented one that
# no longer happens.
source "$(dirname "$0")/lib.sh"

if ! /usr/bin/python3 -c 'import dkim, nacl' 2>/dev/null; then
    bad "python3-dkim and python3-nacl are not installed (scripts/install-deps installs them)"
    finish
    exit 1
fi
/usr/bin/python3 "$HERE/dkim_crosscheck.py" "$DATA" "$DATA/dkim-keys.txt" >"$WORK/dkimpy" ||
    bad "dkim_crosscheck.py failed"
expect_eq "dkimpy saw every message" 78 "$(wc -l <"$WORK/dkimpy")"
/usr/bin/python3 - "$WORK/dkimpy" "$DATA" "$LEAKDEX_INDEX" "$HERE" >"$WORK/agree" <<'PY' && ok || bad "leakdex and dkimpy disagree (above)"
import importlib.util, json, subprocess, sys
lines, data, indexer, here = sys.argv[1:5]
spec = importlib.util.spec_from_file_location("cc", f"{here}/dkim_crosscheck.py")
cc = importlib.util.module_from_spec(spec)
spec.loader.exec_module(cc)
seen = {}
bad = agree = total = 0
documented = set()
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
    total += 1
    if m["message_id"] != (mid if mid != "-" else ""):
        bad += 1
        print(f"FAIL: {where}: message id {m['message_id']}, dkimpy read {mid}")
    if ours == theirs:
        agree += 1
        if where in cc.DISAGREEMENTS:
            bad += 1
            print(f"FAIL: {where}: documented as a disagreement, but both say {ours}")
        continue
    doc = cc.DISAGREEMENTS.get(where)
    if doc and doc[:2] == (theirs, ours):
        documented.add(where)
        print(f"documented: {where}: dkimpy {theirs}, leakdex {ours} ({doc[2]}): {doc[3]}")
    else:
        bad += 1
        print(f"FAIL: {where} {mid}: dkimpy {theirs}, leakdex {v} ({m['message_id']})")
for where in sorted(set(cc.DISAGREEMENTS) - documented):
    if not any(where == l.split()[0] for l in open(lines)):
        bad += 1
        print(f"FAIL: {where}: documented, but not in the corpus")
print(f"agreement: {agree} of {total} messages ({100 * agree / total:.1f}%); "
      f"{len(documented)} documented disagreements")
sys.exit(1 if bad else 0)
PY
cat "$WORK/agree"
expect_eq "the agreement figure" \
    "agreement: 76 of 78 messages (97.4%); 2 documented disagreements" \
    "$(grep '^agreement:' "$WORK/agree")"

finish
