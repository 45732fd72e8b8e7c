#!/usr/bin/env bash
# T482: --export-dir copies an original only while its source still holds
# the indexed message (its SHA-256): a source changed since it was
# indexed, a single file or a message in an mbox, is reported as an
# original not copied, left out of SHA256SUMS and of the manifest's file
# column, and the export goes on with the others.
source "$(dirname "$0")/lib.sh"
S=$WORK/src
mkdir "$S"
cp -r "$DATA/eml" "$DATA/mbox" "$S/"
index --quiet "$S/eml" "$S/mbox" >"$WORK/index.out" 2>&1 || { cat "$WORK/index.out" >&2; exit 1; }

sha_of() { search --format ndjson "$@" | python3 -c 'import json,sys; print(json.load(sys.stdin)["sha256"])'; }
horizon=$(sha_of id:004.horizon@campagne-exemple.fr)
[[ ${#horizon} -eq 64 ]] && ok || bad "the message of data/eml/004.eml is indexed"
# One byte of the body changed, the size kept: only its hash tells.
sed -i '$ s/.$/#/' "$S/eml/004.eml"
cmp -s "$S/eml/004.eml" "$DATA/eml/004.eml" && bad "the copy of 004.eml was changed" || ok

search --export-dir "$WORK/out" id:004.horizon@campagne-exemple.fr OR from:emma.clark@example.com \
    >"$WORK/dir.out" 2>"$WORK/dir.err"
expect_eq "exit 0: the export went on" 0 $?
expect_eq "the note" "leakdex-search: --export-dir: $horizon: original not copied: the bytes there no longer hash to the indexed SHA-256 (1 originals not copied in all)" \
    "$(cat "$WORK/dir.err")"
expect_eq "the summary" "copied 3 originals of 4 hits to $WORK/out" "$(cat "$WORK/dir.out")"
expect_eq "SHA256SUMS: the three others" 3 "$(wc -l <"$WORK/out/SHA256SUMS")"
(cd "$WORK/out" && sha256sum -c --quiet SHA256SUMS) && ok || bad "sha256sum -c SHA256SUMS"
grep "_${horizon:0:12}" "$WORK/out/SHA256SUMS" >/dev/null && bad "the changed message is in SHA256SUMS" || ok
expect_eq "no file of the changed message" "" "$(cd "$WORK/out" && ls | grep "_${horizon:0:12}")"
expect_eq "manifest: the changed message's row has no file, the others have theirs" \
    "${horizon:0:12}= 3" \
    "$(python3 -c '
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], newline="")))
print(" ".join(r["id"] + "=" + r["file"] for r in rows if r["id"] == sys.argv[2][:12]),
      sum(1 for r in rows if r["file"]))' "$WORK/out/manifest.csv" "$horizon")"

# A message of an mbox whose bytes changed in place is not copied either;
# the others of the same mbox are.
rally=$(sha_of from:emma.clark@example.com date:2016-11-14)
python3 - "$S/mbox/campagne-2016.mbox" <<'PY'
import sys
# The message's last byte before its line end (offset 7619, 657 bytes: its paths).
with open(sys.argv[1], "r+b") as f:
    f.seek(7619 + 657 - 2)
    b = f.read(1)
    f.seek(7619 + 657 - 2)
    f.write(b"#" if b != b"#" else b"%")
PY
search --export-dir "$WORK/out2" from:emma.clark@example.com >"$WORK/dir2.out" 2>"$WORK/dir2.err"
expect_eq "mbox: exit 0" 0 $?
expect_eq "mbox: the note" "leakdex-search: --export-dir: $rally: original not copied: the bytes there no longer hash to the indexed SHA-256 (1 originals not copied in all)" \
    "$(cat "$WORK/dir2.err")"
expect_eq "mbox: the summary" "copied 2 originals of 3 hits to $WORK/out2" "$(cat "$WORK/dir2.out")"
expect_eq "mbox: the files" "SHA256SUMS export.meta.json manifest.csv" \
    "$(cd "$WORK/out2" && ls | grep -v '^20' | tr '\n' ' ' | sed 's/ $//')"
expect_eq "mbox: no .mbox file" "" "$(cd "$WORK/out2" && ls | grep '\.mbox$')"
expect_eq "mbox: SHA256SUMS" 2 "$(wc -l <"$WORK/out2/SHA256SUMS")"

finish
