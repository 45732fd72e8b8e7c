#!/usr/bin/env bash
# T010: `cmake --install` of this build into a temporary prefix puts the two
# programs in bin/ and the man pages in share/man/; the pages render without
# a warning; the installed programs index and search from there, the
# attachment-text helper included (leakdex-index runs itself as the helper).
source "$(dirname "$0")/lib.sh"
: "${LEAKDEX_BUILD:?run through ctest}" "${LEAKDEX_CMAKE:=cmake}" "${LEAKDEX_MAN_BUILT:=0}"
unset LEAKDEX_EXTRACT_HELPER
PREFIX=$WORK/prefix

if "$LEAKDEX_CMAKE" --install "$LEAKDEX_BUILD" --prefix "$PREFIX" >"$WORK/install.out" 2>&1; then ok; else
    bad "cmake --install failed: $(cat "$WORK/install.out")"
    finish
    exit
fi

for f in bin/leakdex-index bin/leakdex-search bin/leakdex-web; do
    [[ -f $PREFIX/$f && -x $PREFIX/$f ]] && ok || bad "$f is not installed"
done
expect_eq "the installed leakdex-index's version" "$("$LEAKDEX_INDEX" --version)" \
    "$("$PREFIX/bin/leakdex-index" --version)"
expect_eq "the installed leakdex-search's version" "$("$LEAKDEX_SEARCH" --version)" \
    "$("$PREFIX/bin/leakdex-search" --version)"
expect_eq "the installed leakdex-web's version" "leakdex-web $("$LEAKDEX_SEARCH" --version | cut -d' ' -f2)" \
    "$("$PREFIX/bin/leakdex-web" --version)"

# The man pages, rendered as man(1) shows them (with groff's warnings on), or
# by groff itself when man-db is missing.
pages="share/man/man1/leakdex-index.1 share/man/man1/leakdex-search.1 share/man/man1/leakdex-web.1 share/man/man7/leakdex-query.7"
if [[ $LEAKDEX_MAN_BUILT != 1 ]]; then
    echo "scdoc was not found when this build was configured: no man pages to check"
else
    render=
    if command -v man >/dev/null; then
        render=man
    elif command -v groff >/dev/null; then
        render=groff
    else
        echo "neither man nor groff is installed: the pages are not rendered"
    fi
    for page in $pages; do
        f=$PREFIX/$page
        if [[ ! -f $f ]]; then
            bad "$page is not installed"
            continue
        fi
        ok
        name=$(basename "${page%.*}")
        case $render in
        man) MANROFFSEQ='' MANWIDTH=80 man --warnings -E UTF-8 -l -Tutf8 "$f" >"$WORK/page.txt" 2>"$WORK/page.err" ;;
        groff) groff -k -man -Tutf8 -ww "$f" >"$WORK/page.txt" 2>"$WORK/page.err" ;;
        *) continue ;;
        esac
        [[ $? == 0 && ! -s $WORK/page.err ]] && ok || bad "$page renders with warnings: $(head -c 600 "$WORK/page.err")"
        grep -q "^ *$name - " "$WORK/page.txt" && ok || bad "$page has no NAME line: $(head -c 300 "$WORK/page.txt")"
    done
    if [[ $render == man ]]; then
        expect_eq "man finds leakdex-query(7) under the prefix" "$PREFIX/share/man/man7/leakdex-query.7" \
            "$(MANPATH=$PREFIX/share/man man -w 7 leakdex-query 2>&1)"
    fi
fi

# The installed programs at work: data/eml (no attachment to extract) and
# a message with a PDF, whose text only the helper process reads.
# check_install BIN DB: index with BIN/leakdex-index, search with BIN/leakdex-search.
check_install() {
    local bin=$1 db=$2 got
    if "$bin/leakdex-index" --db "$db" --quiet "$DATA/eml" "$DATA/attach/01-pdf.eml" \
        >"$WORK/index.out" 2>"$WORK/index.err"; then ok; else
        bad "$bin/leakdex-index failed: $(cat "$WORK/index.out" "$WORK/index.err")"
        return
    fi
    expect_eq "$bin/leakdex-search counts every message" 33 \
        "$("$bin/leakdex-search" --db "$db" --count '*' 2>&1)"
    expect_eq "$bin/leakdex-search finds a word of data/eml" \
        "$(search --db "$WORK/ref" --format ndjson zeppelin)" \
        "$("$bin/leakdex-search" --db "$db" --format ndjson zeppelin 2>&1)"
    got=$("$bin/leakdex-search" --db "$db" --format ndjson 'in:attachment marmalade' 2>&1 |
        python3 -c 'import json, sys
for line in sys.stdin:
    h = json.loads(line)
    print(h["message_id"], *(a["status"] for a in h["attachments"]))')
    expect_eq "$bin: the helper read the PDF's text" "at-01@attach.example ok" "$got"
}
index --db "$WORK/ref" --quiet "$DATA/eml" >/dev/null 2>&1 || bad "indexing with the build's leakdex-index failed"
[[ -n $(search --db "$WORK/ref" --format ndjson zeppelin) ]] && ok || bad "zeppelin is in data/eml"
check_install "$PREFIX/bin" "$WORK/db-installed"

# Moved elsewhere, the programs still work: nothing points into the build
# or the prefix (the helper is found through /proc/self/exe).
mv "$PREFIX" "$WORK/moved"
check_install "$WORK/moved/bin" "$WORK/db-moved"

finish
