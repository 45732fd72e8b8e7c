#!/usr/bin/env bash
# same-output.sh: prove that a change of structure changes no output.
#
#   tests/tools/same-output.sh OLD NEW      two commits (any git revision)
#   tests/tools/same-output.sh --bins A B   two build directories already built
#
# Builds each commit in a temporary worktree (release build, no tests), then
# with each pair of programs indexes one copy of data/ (the NEW commit's),
# runs a fixed list of commands (every command, every format, the exports,
# the errors) and compares everything they print, their exit statuses and
# every file they write. Run times and export times are blanked; nothing
# else is. Prints the differences and exits 1 when there are any, 0 when
# the outputs are byte-identical.
set -uo pipefail

SRC=$(cd "$(dirname "$0")/../.." && pwd)
TMP=$(mktemp -d "${TMPDIR:-/tmp}/same-output.XXXXXX")
trap 'cleanup' EXIT
worktrees=()
cleanup() {
    for w in "${worktrees[@]}"; do git -C "$SRC" worktree remove --force "$w" >/dev/null 2>&1; done
    rm -rf "$TMP"
}
die() { echo "same-output: $*" >&2; exit 2; }

build_commit() { # REV DIR -> prints the build directory
    local rev=$1 dir=$2
    git -C "$SRC" worktree add --detach "$dir/src" "$rev" >/dev/null 2>&1 ||
        die "cannot check out $rev"
    worktrees+=("$dir/src")
    cmake -S "$dir/src" -B "$dir/build" -DCMAKE_BUILD_TYPE=Release -DLEAKDEX_TESTS=OFF \
        >"$dir/cmake.log" 2>&1 || die "cannot configure $rev (see $dir/cmake.log)"
    cmake --build "$dir/build" -j"$(nproc)" >>"$dir/cmake.log" 2>&1 ||
        die "cannot build $rev (see $dir/cmake.log)"
    echo "$dir/build"
}

if [[ ${1:-} == --bins ]]; then
    [[ $# == 3 ]] || die "usage: same-output.sh --bins BUILD_A BUILD_B"
    A=$(cd "$2" && pwd) B=$(cd "$3" && pwd)
    data_rev=
elif [[ $# == 2 ]]; then
    mkdir -p "$TMP/a" "$TMP/b"
    A=$(build_commit "$1" "$TMP/a") || exit 2
    B=$(build_commit "$2" "$TMP/b") || exit 2
    data_rev=$2
else
    die "usage: same-output.sh OLD NEW | --bins BUILD_A BUILD_B"
fi

# One copy of the data for both sides, at one path: paths are in the output.
if [[ -n $data_rev ]]; then
    cp -a "$TMP/b/src/data" "$TMP/data"
else
    cp -a "$SRC/data" "$TMP/data"
fi
DATA=$TMP/data

# The fixed list of commands. `ix` and `sx` run leakdex-index and
# leakdex-search; each step's stdout, stderr and exit status go to its own
# files under $OUT.
run_side() { # BUILD OUT
    local build=$1 out=$2 n=0
    local work=$TMP/run
    # Files are written at one path for both sides (it is in the output),
    # then kept with the side's output.
    FILES=$TMP/files
    rm -rf "$FILES" && mkdir -p "$out" "$FILES"
    rm -rf "$work" && mkdir -p "$work" && cd "$work" || exit 2
    ix() { "$build/indexer/leakdex-index" "$@"; }
    sx() { "$build/searcher/leakdex-search" --db "$work/db" "$@"; }
    step() { # NAME CMD...
        local name=$1
        shift
        n=$((n + 1))
        "$@" >"$out/$(printf %03d "$n")-$name.out" 2>"$out/$(printf %03d "$n")-$name.err"
        echo "exit $?" >>"$out/$(printf %03d "$n")-$name.err"
    }
    export LC_ALL=C.UTF-8 TZ=UTC
    step index ix --db "$work/db" --keys "$DATA/dkim-keys.txt" "$DATA"
    step index-again ix --db "$work/db" "$DATA"
    step count sx --count
    for q in 'budget' 'élysée' "l'Élysée" 'from:renaud' 'verified:yes' 'verified:partial' \
        'dkim:fail OR dkim:invalid' 'chain:corroborated' 'in:attachment subvention' \
        'has:attachment' 'year:2017 -budget' 'subject:"réunion"' 'date:2017-04-24' \
        'candidat*' 'thread:* AND verified:yes' 'to:lina@terrain.example'; do
        step "search" sx search "$q"
        for f in json ndjson csv; do step "search-$f" sx --format "$f" search "$q"; done
    done
    step sort-date sx --sort date --limit 20 --offset 5 budget
    step sort-newest sx --sort -date --limit 10
    step filters sx --from c.renaud@campagne-exemple.fr --after 2016 --before 2017-06 --verified
    step tz sx --tz Europe/Paris --format csv 'date:2017-04-24'
    step senders sx senders
    step senders-verified sx senders --verified --sort address
    step recipients sx recipients --format csv
    step stats sx stats
    step stats-json sx --format json stats 'year:2017'
    local ids
    ids=$(sx --format csv --sort date --limit 400 | sed 1d | cut -d, -f1 | tr -d '"')
    local id
    for id in $(echo "$ids" | awk 'NR % 9 == 1'); do
        step "show-$id" sx show "$id"
        step "show-json-$id" sx --format json show "$id"
        step "thread-$id" sx thread "$id"
    done
    # Every attachment of the messages that have some, written out.
    local k=0
    for id in $(sx --format csv has:attachment | sed 1d | cut -d, -f1 | tr -d '"' | head -20); do
        for nth in 1 2 3; do
            k=$((k + 1))
            step "attachment-$id-$nth" sx attachment "$id" "$nth" --out "$FILES/att-$k"
        done
    done
    printf 'budget\nfrom:renaud\n# a comment\nverified:yes\n(unbalanced\nélysée\n' >"$work/queries.txt"
    step batch sx batch "$work/queries.txt"
    step batch-export sx batch "$work/queries.txt" --export "$FILES/batch.csv"
    for f in csv json ndjson; do
        step "export-$f" sx --export "$FILES/all.$f" 'budget OR élysée OR has:attachment'
    done
    step export-dir sx --export-dir "$FILES/dir" 'verified:yes'
    step inspect ix --inspect --keys "$DATA/dkim-keys.txt" "$DATA/dkim" "$DATA/charsets"
    step reverify ix --db "$work/db" --reverify --keys "$DATA/dkim-keys.txt"
    step bad-query sx 'from:'
    step bad-option sx --limit -3 budget
    step bad-command sx show nosuchid
    step help sx --help
    step help-query sx --help-query
    step version sx --version
    cd "$TMP" || exit 2
    mv "$FILES" "$out/files"
}

run_side "$A" "$TMP/out-a"
run_side "$B" "$TMP/out-b"

# Blank what differs from run to run: seconds taken, export times.
normalize() {
    find "$1" -type f | while read -r f; do
        case $f in */files/att-*) continue ;; esac
        sed -i -E 's/[0-9]+\.[0-9]+ s\b/N s/g;
            s/("(exported|created|updated|exported_at)": *")[^"]*"/\1T"/g;
            s/[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?Z \(now\)/NOW/g' "$f"
    done
}
normalize "$TMP/out-a"
normalize "$TMP/out-b"

if diff -r "$TMP/out-a" "$TMP/out-b" >"$TMP/diff"; then
    echo "same-output: identical ($(find "$TMP/out-a" -type f | wc -l) files, $(cat "$TMP"/out-a/*.out | wc -c) bytes of output)"
    exit 0
fi
head -c 20000 "$TMP/diff"
echo "same-output: the outputs differ ($(grep -c '^diff\|^Only' "$TMP/diff") files)"
exit 1
