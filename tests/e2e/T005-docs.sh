#!/usr/bin/env bash
# T005: the documentation does not drift. Every option and command the
# programs' --help prints is in their man page; every field --help-query
# prints is in leakdex-query(7)'s query table; README.md's query table is the
# one made from leakdex-query(7) (tests/tools/doc-sync.py readme --write).
source "$(dirname "$0")/lib.sh"
SYNC=$LEAKDEX_SRC/tests/tools/doc-sync.py
DOC=$LEAKDEX_SRC/doc

# sync "DESCRIPTION" WANT-STATUS ARGS...: doc-sync.py's verdict.
sync() {
    local what=$1 want=$2 got
    shift 2
    python3 "$SYNC" "$@" >"$WORK/sync.out" 2>"$WORK/sync.err"
    got=$?
    if [[ $got == "$want" ]]; then ok; else bad "$what: doc-sync.py $* exited $got, want $want:
$(cat "$WORK/sync.out" "$WORK/sync.err")"; fi
}

# The README's query table and leakdex-query(7).
sync "README.md's query table is leakdex-query(7)'s" 0 readme

# The check itself: a changed row, a missing row, rows in another order.
cp "$LEAKDEX_SRC/README.md" "$WORK/README.md"
sed -i 's/^| `NOT b` | every message without `b` |$/| `NOT b` | no message with `b` |/' "$WORK/README.md"
sync "a changed README row is caught" 1 readme --readme "$WORK/README.md"
grep -q 'only in the README: | `NOT b` | no message with `b` |' "$WORK/sync.err" && ok ||
    bad "the changed row is named: $(cat "$WORK/sync.err")"
grep -v '^| `NOT b` |' "$LEAKDEX_SRC/README.md" >"$WORK/README.md"
sync "a missing README row is caught" 1 readme --readme "$WORK/README.md"
python3 - "$LEAKDEX_SRC/README.md" "$WORK/README.md" <<'EOF'
import sys
text = open(sys.argv[1], encoding="utf-8").read()
a = "| `NOT b` |"
b = "| `budg*` |"
lines = text.split("\n")
i = next(k for k, l in enumerate(lines) if l.startswith(a))
j = next(k for k, l in enumerate(lines) if l.startswith(b))
lines[i], lines[j] = lines[j], lines[i]
open(sys.argv[2], "w", encoding="utf-8").write("\n".join(lines))
EOF
sync "README rows in another order are caught" 1 readme --readme "$WORK/README.md"
python3 "$SYNC" readme --readme "$WORK/README.md" --write >/dev/null
expect_eq "--write makes the README table again" "" \
    "$(diff "$LEAKDEX_SRC/README.md" "$WORK/README.md")"

# Every option and command of --help in the man pages.
"$LEAKDEX_INDEX" --help >"$WORK/index.help" || bad "leakdex-index --help fails"
"$LEAKDEX_SEARCH" --help >"$WORK/search.help" || bad "leakdex-search --help fails"
"$LEAKDEX_SEARCH" --help-query >"$WORK/query.help" || bad "leakdex-search --help-query fails"
sync "leakdex-index(1) documents every option of --help" 0 \
    options "$DOC/leakdex-index.1.scd" "$WORK/index.help"
sync "leakdex-search(1) documents every option and command of --help" 0 \
    options "$DOC/leakdex-search.1.scd" "$WORK/search.help"
"$LEAKDEX_WEB" --help >"$WORK/web.help" || bad "leakdex-web --help fails"
sync "leakdex-web(1) documents every option of --help" 0 \
    options "$DOC/leakdex-web.1.scd" "$WORK/web.help"
sync "leakdex-query(7) has an entry for every field of --help-query" 0 \
    fields "$DOC/leakdex-query.7.scd" "$WORK/query.help"

# The checks themselves: an undocumented option, command or field.
{ cat "$WORK/index.help"; echo "  --frobnicate N  a new option"; } >"$WORK/more.help"
sync "an undocumented indexer option is caught" 1 options "$DOC/leakdex-index.1.scd" "$WORK/more.help"
grep -q -- '--frobnicate' "$WORK/sync.err" && ok || bad "it is named: $(cat "$WORK/sync.err")"
{ cat "$WORK/search.help"; echo "  -q                   a short option"; } >"$WORK/more.help"
sync "an undocumented short option is caught" 1 options "$DOC/leakdex-search.1.scd" "$WORK/more.help"
{ cat "$WORK/search.help"; echo "  -h, --help           documented"; } >"$WORK/more.help"
sync "-h is documented" 0 options "$DOC/leakdex-search.1.scd" "$WORK/more.help"
sed 's/^commands:$/commands:\n  people [QUERY]       a new command/' "$WORK/search.help" >"$WORK/more.help"
sync "an undocumented command is caught" 1 options "$DOC/leakdex-search.1.scd" "$WORK/more.help"
grep -q 'command people' "$WORK/sync.err" && ok || bad "it is named: $(cat "$WORK/sync.err")"
{ cat "$WORK/query.help"; echo "  lang:        a new field"; } >"$WORK/more.help"
sync "an undocumented field is caught" 1 fields "$DOC/leakdex-query.7.scd" "$WORK/more.help"
grep -v '^  signer:' "$WORK/query.help" >"$WORK/more.help"
sync "a documented field the program lacks is caught" 1 fields "$DOC/leakdex-query.7.scd" "$WORK/more.help"

# The pages are valid scdoc (the build makes them only when scdoc is there).
if command -v scdoc >/dev/null; then
    for page in "$DOC"/*.scd; do
        if scdoc <"$page" >/dev/null 2>"$WORK/scdoc.err"; then ok; else
            bad "scdoc rejects $(basename "$page"): $(cat "$WORK/scdoc.err")"; fi
    done
else
    echo "scdoc not installed: the pages' syntax is not checked here"
fi

finish
