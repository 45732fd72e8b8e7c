#!/usr/bin/env bash
# T020: the index does not depend on the locale of the machine that builds
# it. Every unit test passes, and indexing all of data/ gives the same
# documents (terms, positions' counts, values, data) and the same report,
# with no locale set, under C, C.UTF-8 and a Latin-1 locale.
source "$(dirname "$0")/lib.sh"
: "${LEAKDEX_BUILD:?run through ctest}"

locales=(unset C C.UTF-8)
latin1=fr_FR.ISO-8859-1
if locale -a 2>/dev/null | grep >/dev/null -ix 'fr_FR.iso88591'; then
    locales+=("$latin1")
else
    echo "SKIP part: no $latin1 locale (scripts/install-deps makes it, as root)"
    skipped_latin1=1
fi

# run LOCALE COMMAND...: COMMAND with that locale alone in its environment.
run() {
    local l=$1
    shift
    if [[ $l == unset ]]; then
        env -u LANG -u LC_ALL -u LC_CTYPE -u LC_MESSAGES -u LC_COLLATE "$@"
    else
        env -u LANG -u LC_CTYPE -u LC_MESSAGES -u LC_COLLATE LC_ALL="$l" "$@"
    fi
}

# The real programs, not lib.sh's wrappers: each run sets its own locale.
real_index=$(sed -n 's/^exec env .* \(\/[^ ]*\) "\$@"$/\1/p' "$LEAKDEX_INDEX")
[[ -x $real_index ]] || real_index=$LEAKDEX_INDEX

# dump DB: every document's terms (with wdf and term frequency), values and
# data, then every term of the database with its frequencies.
dump() {
    local n args=()
    n=$(xapian-delve "$1" | sed -n 's/^number of documents = //p')
    for ((i = 1; i <= n; i++)); do args+=(-r "$i"); done
    xapian-delve -1 -v -d -V "${args[@]}" "$1"
    xapian-delve -a -vv -1 "$1"
}

units=$(find "$LEAKDEX_BUILD/tests" -maxdepth 1 -type f -name 'test_*' -perm -u+x | sort)
# What ctest gives the Outlook readers' tests (tests/CMakeLists.txt): the
# generated .msg fixtures, their descriptions, the shared files.
export LEAKDEX_MSG_FIXTURES=$LEAKDEX_BUILD/msg-fixtures LEAKDEX_MSG_DESCS=$LEAKDEX_SRC/tests/tools/msg \
    LEAKDEX_SHARED=$LEAKDEX_SRC/../shared LEAKDEX_OUTLOOK=$LEAKDEX_SRC/../shared/outlook
[[ -n $units ]] && ok || bad "no unit test found in $LEAKDEX_BUILD/tests"
# The units run under each locale but two, whose runs would repeat one:
# the locale ctest runs them under in this build (none set, or the
# sanitizer build's LANG=fr_FR.ISO-8859-1), and C, the locale a process has
# when none is set (its run under none is here or ctest's).
# (lib.sh keeps the suite's own locale in locale_env, as VAR=VALUE words.)
declare -A started_in=()
for w in "${locale_env[@]}"; do [[ $w == *=* ]] && started_in[${w%%=*}]=${w#*=}; done
ctest_locale=${started_in[LC_ALL]:-${started_in[LC_CTYPE]:-${started_in[LANG]:-unset}}}
for l in "${locales[@]}"; do
    [[ $l == "$ctest_locale" || $l == C ]] && unit_runs= || unit_runs=$units
    for u in $unit_runs; do
        if run "$l" "$u" >"$WORK/unit.out" 2>&1; then ok; else
            bad "$(basename "$u") under locale $l: $(grep -E 'ERROR|FAILED' "$WORK/unit.out" | head -3)"
        fi
    done
    run "$l" "$real_index" --db "$WORK/db-$l" --keys "$DATA/dkim-keys.txt" "$DATA" \
        >"$WORK/report-$l" 2>&1
    expect_eq "indexing data/ under locale $l exits 0" 0 $?
    dump "$WORK/db-$l" >"$WORK/dump-$l"
    # The report, less its timings.
    sed -E 's/[0-9]+\.[0-9]+ s\b/T s/g' "$WORK/report-$l" >"$WORK/report-$l.cmp"
done

# A subject under an unknown charset, decoded the same everywhere.
expect_eq "data/charsets/063's subject (x-unknown charset)" "Pause café du vendredi" \
    "$(search --db "$WORK/db-unset" --format ndjson 'id:cs-063@charset.example' |
        python3 -c 'import json,sys; print(json.loads(sys.stdin.readline())["subject"])')"
terms=$(grep -c . "$WORK/dump-C.UTF-8")
# A sanity floor: schema 12 holds no stem terms, 38,028 lines on data/.
((terms > 30000)) && ok || bad "the dump holds only $terms lines"
for l in "${locales[@]}"; do
    [[ $l == C.UTF-8 ]] && continue
    if cmp -s "$WORK/dump-C.UTF-8" "$WORK/dump-$l"; then ok; else
        bad "index built under $l differs from C.UTF-8's:
$(diff "$WORK/dump-C.UTF-8" "$WORK/dump-$l" | head -8)"
    fi
    if cmp -s "$WORK/report-C.UTF-8.cmp" "$WORK/report-$l.cmp"; then ok; else
        bad "report under $l differs: $(diff "$WORK/report-C.UTF-8.cmp" "$WORK/report-$l.cmp" | head -6)"
    fi
done
echo "(${#locales[@]} locales: ${locales[*]}; $terms lines compared each; units not rerun under C and $ctest_locale)"

finish || exit 1
[[ -z ${skipped_latin1:-} ]] || exit 77
