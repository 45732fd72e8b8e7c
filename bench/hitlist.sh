#!/usr/bin/env bash
# Full hit lists: time and peak RSS of `leakdex-search --format csv` with
# snippets at 1,000 and 8,000 hits and all of them, of the same list
# exported (`--export`, its snippet column), of `--count`; and, when notmuch
# is installed, of `notmuch search --output=files` and `notmuch count` on the
# same Maildir. The archive is bench/gen-archive.py's (as
# bench/index-compare.sh makes it, kept in bench/cache/), indexed once
# (kept too: bench/cache/hitlist-*); each figure is the median of R runs
# (default 3), the cases taken in turn.
#
#   bench/hitlist.sh [-n N] [--seed S] [--runs R] [--word WORD]
#
# WORD (default: the first of a few common words of the archive with the
# count nearest 12,000 hits, the size of the issue's list).
# Environment: BUILD (default build/rel), CACHE (default bench/cache),
# NOTMUCH=no leaves notmuch out.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
n=100000
seed=1
runs=3
word=
while (($#)); do
    case $1 in
    -n) n=$2; shift 2 ;;
    --seed) seed=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --word) word=$2; shift 2 ;;
    -h | --help) sed -n '2,/^[^#]/{/^#/s/^# \{0,1\}//p}' "$0"; exit 0 ;;
    *) echo "hitlist.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
    esac
done
build=${BUILD:-build/rel}
cache=${CACHE:-$root/bench/cache}
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" -j"$(nproc)" --target leakdex-index leakdex-search >/dev/null
index=$root/$build/indexer/leakdex-index
search=$root/$build/searcher/leakdex-search

py=python3
/usr/bin/python3 -c 'import cryptography' 2>/dev/null && py=/usr/bin/python3
mkdir -p "$cache"
archive=$cache/archive-n$n-s$seed
if [[ ! -f $archive/MANIFEST ]]; then
    rm -rf "$archive.tmp"
    echo "generating $n messages (seed $seed) into $archive" >&2
    "$py" bench/gen-archive.py "$archive.tmp" --seed "$seed" -n "$n" >/dev/null
    mv "$archive.tmp" "$archive"
fi
maildir=$archive/maildir
db=$cache/hitlist-db-n$n-s$seed
if [[ ! -d $db ]]; then
    echo "indexing $maildir into $db" >&2
    "$index" --quiet --db "$db.tmp" --keys "$archive/dkim-keys.txt" "$maildir" >/dev/null
    mv "$db.tmp" "$db"
fi
notmuch_config=
if [[ ${NOTMUCH:-yes} != no ]] && command -v notmuch >/dev/null; then
    notmuch_config=$cache/hitlist-notmuch-n$n-s$seed/config
    if [[ ! -f $notmuch_config ]]; then
        echo "indexing $maildir with notmuch" >&2
        nm=$(dirname "$notmuch_config")
        mkdir -p "$nm/db"
        printf '[database]\npath=%s\nmail_root=%s\n[new]\ntags=inbox;\n[maildir]\nsynchronize_flags=false\n' \
            "$nm/db" "$maildir" >"$nm/config.tmp"
        NOTMUCH_CONFIG=$nm/config.tmp notmuch new --quiet >/dev/null
        mv "$nm/config.tmp" "$notmuch_config"
    fi
fi

if [[ -z $word ]]; then
    best=-1
    for w in memory rapport projet project meeting budget réunion client contrat semaine; do
        c=$("$search" --db "$db" --count "$w" || true) # exit 1 and 0 when none
        d=$((c > 12000 ? c - 12000 : 12000 - c))
        if ((best < 0 || d < best)); then best=$d; word=$w; fi
    done
fi
hits=$("$search" --db "$db" --count "$word")

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# The cases: a name and a command each.
names=() cmds=()
add() { names+=("$1"); shift; cmds+=("$(printf '%q ' "$@")"); }
add "csv, 1,000 hits" "$search" --db "$db" --format csv --limit 1000 "$word"
add "csv, 8,000 hits" "$search" --db "$db" --format csv --limit 8000 "$word"
add "csv, all $hits hits" "$search" --db "$db" --format csv --limit 1000000 "$word"
add "export .csv, all hits" "$search" --db "$db" --export "$work/export.csv" "$word"
add "--count" "$search" --db "$db" --count "$word"
if [[ -n $notmuch_config ]]; then
    add "notmuch search --output=files" env NOTMUCH_CONFIG="$notmuch_config" \
        notmuch search --output=files "$word"
    add "notmuch count" env NOTMUCH_CONFIG="$notmuch_config" notmuch count "$word"
fi

# Each run: every case once, in turn; an export never replaces its file.
for ((r = 0; r < runs; r++)); do
    for i in "${!names[@]}"; do
        rm -f "$work/export.csv" "$work/export.csv.meta.json"
        /usr/bin/time -f '%e %M' -o "$work/t" bash -c "${cmds[$i]} >/dev/null"
        cat "$work/t" >>"$work/case$i"
    done
done

printf 'leakdex hit lists, %s; %s cores (nproc), %s; load average at the end: %s\n' \
    "$(date -u '+%Y-%m-%d %H:%M UTC')" "$(nproc)" \
    "$(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)" "$(cut -d' ' -f1-3 /proc/loadavg)"
printf 'archive: %s messages (gen-archive, seed %s); word "%s": %s hits; median of %s runs\n' \
    "$("$search" --db "$db" --count '*')" "$seed" "$word" "$hits" "$runs"
printf '%-34s %9s %9s\n' case wall_s rss_MB
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
for i in "${!names[@]}"; do
    printf '%-34s %9.3f %9.1f\n' "${names[$i]}" "$(cut -d' ' -f1 "$work/case$i" | median)" \
        "$(cut -d' ' -f2 "$work/case$i" | median | awk '{ print $1 / 1024 }')"
done
