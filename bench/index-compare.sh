#!/usr/bin/env bash
# Indexing speed, memory and index size of leakdex against notmuch and mu on
# the same mail, each run from an empty database, the tools taking turns.
#
#   bench/index-compare.sh [-n N] [--seed S] [--maildir PATH] [--keys FILE]...
#                          [--runs R] [--cores LIST] [MODE...]
#
# The mail: by default a synthetic Maildir (bench/gen-archive.py: N messages,
# default 100,000, a third DKIM-signed, 30 % with attachments); leakdex
# verifies DKIM against the archive's own key file (dkim-keys.txt, written by
# the generator: the fictional test keys of tests/tools/dkim-keys/, read from
# the file, no DNS). --maildir PATH indexes a given Maildir, tree of Maildirs
# or directory of mail files instead, in place: leakdex and notmuch read PATH
# itself and write their databases elsewhere; mu, which reads only the cur/
# and new/ folders of Maildirs, gets a Maildir of hard links (copies across
# file systems) to every file when PATH holds files elsewhere. The files,
# sizes, modes, modification times and SHA-256 sums of the tree are listed
# before and after the runs: any difference is printed and the script fails.
# On a real archive leakdex verifies DKIM too (it always does), against the
# key files given with --keys (none by default: signed messages then come out
# nokey).
#
# --runs R      runs per tool and core count (default 3), in turn: leakdex,
#               notmuch, mu, leakdex, ... each from an empty database; the
#               summary gives the median wall and CPU time, the peak RSS (the
#               largest of the runs) and the index size
# --cores LIST  core counts, e.g. 1,2: each run under `taskset -c 0`, `0-1`...
#               (default: no pinning, all the machine's cores); the runs
#               alternate over the core counts too. With 1 and 2 in the list,
#               leakdex's serial fraction by Amdahl's law, s = 2*T2/T1 - 1
#               from its median walls, and the speed-up it predicts on 4 and 8
# Ctrl-C (or SIGTERM to the process group) stops the runs and prints the
# summary of those done.
#
# MODE (default: all three for the synthetic archive, compare for --maildir):
#   compare      leakdex-index (DKIM on), `notmuch new` and `mu index`: wall
#                and CPU seconds, messages and MB per second, peak RSS, index
#                size on disk (MB and bytes per message), wall time against
#                leakdex's
#   incremental  after compare: 1,000 new messages added to the Maildir, each
#                tool run once again on the index of its last run (at the last
#                core count); the time against its median full run
#   rss          leakdex's peak RSS indexing the first N/4, N/2 and N messages
# (incremental and rss need the synthetic archive.)
#
# The synthetic archive is generated once per N and seed and kept in
# bench/cache/ (git-ignored; about 17 KB a message, twice: Maildir and mbox);
# each run indexes a Maildir of hard links to it, in a temporary directory
# under bench/cache/, removed at the end. Every tool reads the mail with a
# warm page cache (the files are read once before the runs). Installs
# notmuch and maildir-utils (Debian's packages) when missing.
# Environment: BUILD (default build/rel), CACHE (default bench/cache),
# KEEP=1 keeps the temporary directory, TOOLS (default "leakdex notmuch mu").
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
n=100000
n_given=0
seed=1
source_dir=""
runs=3
cores_list=""
key_files=()
modes=()
while (($#)); do
    case $1 in
    -n) n=$2; n_given=1; shift 2 ;;
    --seed) seed=$2; shift 2 ;;
    --maildir) source_dir=$2; shift 2 ;;
    --keys) key_files+=("$(realpath -e "$2")"); shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --cores) cores_list=$2; shift 2 ;;
    compare | incremental | rss) modes+=("$1"); shift ;;
    all) modes+=(compare incremental rss); shift ;;
    -h | --help) sed -n '2,/^[^#]/{/^#/s/^# \{0,1\}//p}' "$0"; exit 0 ;;
    *) echo "index-compare.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
    esac
done
die() { echo "index-compare.sh: $*" >&2; exit 2; }
[[ $runs =~ ^[1-9][0-9]*$ ]] || die "--runs takes a positive number, not '$runs'"
cores=()
if [[ -n $cores_list ]]; then
    IFS=, read -r -a cores <<<"$cores_list"
    for c in "${cores[@]}"; do
        [[ $c =~ ^[1-9][0-9]*$ ]] || die "--cores takes core counts such as 1,2, not '$cores_list'"
        ((c <= $(nproc --all))) || die "--cores $c: this machine has $(nproc --all)"
    done
else
    cores=(all)
fi
if [[ -n $source_dir ]]; then
    [[ -d $source_dir ]] || die "--maildir $source_dir: not a directory"
    source_dir=$(realpath "$source_dir")
    ((n_given == 0)) || die "-n generates a synthetic archive: not with --maildir"
    ((${#modes[@]})) || modes=(compare)
    for m in "${modes[@]}"; do
        [[ $m == compare ]] || die "$m needs the synthetic archive: not with --maildir"
    done
fi
((${#modes[@]})) || modes=(compare incremental rss)
want() { local m; for m in "${modes[@]}"; do [[ $m == "$1" ]] && return 0; done; return 1; }
read -r -a tools <<<"${TOOLS:-leakdex notmuch mu}"
build=${BUILD:-build/rel}
cache=${CACHE:-$root/bench/cache}
extra_n=1000

# ---------------------------------------------------------------- setup
missing=()
for p in notmuch maildir-utils time bc util-linux; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
    sudo=""
    [[ $(id -u) -ne 0 ]] && sudo=sudo
    echo "installing ${missing[*]}" >&2
    $sudo apt-get update -qq
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" -j"$(nproc)" --target leakdex-index >/dev/null
index=$root/$build/indexer/leakdex-index

# Debian's interpreter signs with OpenSSL (python3-cryptography); any other
# Python 3 gives the same bytes, more slowly.
py=python3
/usr/bin/python3 -c 'import cryptography' 2>/dev/null && py=/usr/bin/python3
generate() { # DIR START COUNT: the archive, made once
    local dir=$1
    if [[ ! -f $dir/MANIFEST ]]; then
        rm -rf "$dir.tmp"
        echo "generating $3 messages from #$2 (seed $seed) into $dir" >&2
        local t0=$SECONDS
        "$py" bench/gen-archive.py "$dir.tmp" --seed "$seed" --start "$2" -n "$3" >/dev/null
        mv "$dir.tmp" "$dir"
        echo "generated in $((SECONDS - t0)) s" >&2
    fi
}
mkdir -p "$cache"
if [[ -z $source_dir ]]; then
    archive=$cache/archive-n$n-s$seed
    extra=$cache/archive-n$extra_n-from$n-s$seed
    generate "$archive" 0 "$n"
    want incremental && generate "$extra" "$n" "$extra_n"
    key_files+=("$archive/dkim-keys.txt")
fi
key_args=()
for k in "${key_files[@]}"; do key_args+=(--keys "$k"); done

work=$(mktemp -d "$cache/run.XXXXXX")
[[ ${KEEP:-0} == 1 ]] || trap 'rm -rf "$work"' EXIT

link_farm() { # DEST LIMIT SRC...: a Maildir of hard links to the messages numbered below LIMIT
    "$py" - "$@" <<'PY'
import os, re, sys
dest, limit, srcs = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
for sub in ("cur", "new", "tmp"):
    os.makedirs(os.path.join(dest, sub), exist_ok=True)
num = re.compile(r"\.M(\d+)P")
for src in srcs:
    for sub in ("cur", "new"):
        for name in os.listdir(os.path.join(src, sub)):
            if int(num.search(name).group(1)) < limit:
                os.link(os.path.join(src, sub, name), os.path.join(dest, sub, name))
PY
}
# The mail files of a tree, as the tools see them: regular files, not in a
# Maildir's tmp/ folder nor under a dot folder (notmuch's and mu's own).
mail_files() { find "$1" \( -name '.*' -o -name tmp \) -prune -o -type f -print0; }
count_files() { mail_files "$1" | tr -cd '\0' | wc -c; }
bytes_of() { mail_files "$1" | xargs -0r stat -c %s | awk '{ s += $1 } END { print s + 0 }'; }
# outside_maildirs DIR: whether DIR holds mail files outside cur/ and new/ folders
outside_maildirs() {
    [[ -n $(find "$1" \( -name '.*' -o -name tmp -o -name cur -o -name new \) -prune -o -type f -print -quit) ]]
}
# maildir_of SRC DEST: one Maildir, DEST/cur, of hard links (or copies) to every mail file of SRC
maildir_of() {
    mkdir -p "$2/cur" "$2/new" "$2/tmp"
    local i=0 f
    while IFS= read -r -d '' f; do
        i=$((i + 1))
        ln "$f" "$2/cur/$i.bench:2," 2>/dev/null || cp -p "$f" "$2/cur/$i.bench:2,"
    done < <(mail_files "$1" | sort -z)
}
# snapshot DIR OUT: every entry's type, path, size, mode and modification time, and each file's SHA-256
snapshot() {
    (cd "$1" && find . -printf '%y %p %s %m %T@\n' | LC_ALL=C sort &&
        find . -type f -print0 | LC_ALL=C sort -z | xargs -0r sha256sum) >"$2"
}
check_unchanged() { # DIR BEFORE: fails when DIR differs from its snapshot BEFORE
    snapshot "$1" "$2.after"
    if ! cmp -s "$2" "$2.after"; then
        echo "index-compare.sh: $1 was changed by the runs:" >&2
        diff "$2" "$2.after" | head -20 >&2
        exit 1
    fi
    echo "    $1 unchanged: $(grep -c '^f ' "$2") files, the same sizes, modes, modification times and SHA-256 sums"
}
median() { # the median of the numbers on standard input
    sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
pin_of() { # CORES: the taskset command for that many cores, nothing for all
    [[ $1 == all ]] || echo "taskset -c 0-$(($1 - 1))"
}
cores_label() { [[ $1 == all ]] && echo "$(nproc)u" || echo "$1"; }

# measure NAME CORES DBDIR CMD...: one run of CMD on CORES cores under
# /usr/bin/time; sets wall user sys rss (KB) size (KB, DBDIR on disk)
measure() {
    local name=$1 pin db=$3
    pin=$(pin_of "$2")
    shift 3
    # shellcheck disable=SC2086 # $pin is a command and its arguments, or nothing
    /usr/bin/time -f '%e %U %S %M' -o "$work/$name.time" $pin "$@" \
        >"$work/$name.out" 2>"$work/$name.err" || {
        echo "$name failed:" >&2
        tail -5 "$work/$name.err" >&2
        return 1
    }
    read -r wall user sys rss <"$work/$name.time"
    size=$(du -sk "$db" | cut -f1)
}
row_format='%-14s %5s %4s %8.1f %8.1f %8.0f %7.2f %8.0f %9.0f %8.0f %8s\n'
header() {
    printf '%-14s %5s %4s %8s %8s %8s %7s %8s %9s %8s %8s\n' tool cores runs wall_s cpu_s \
        msg/s MB/s rss_MB index_MB B/msg wall/ldx
}

# ---------------------------------------------------------------- the mail
if [[ -n $source_dir ]]; then
    maildir=$source_dir
    if outside_maildirs "$maildir"; then
        mu_maildir=$work/mu-maildir
        maildir_of "$maildir" "$mu_maildir"
        mu_note="mu reads a Maildir of links to the same $(count_files "$mu_maildir") files (it reads only Maildirs' cur/ and new/)"
    else
        mu_maildir=$maildir
        mu_note="all three read it in place"
    fi
else
    maildir=$work/maildir
    link_farm "$maildir" "$n" "$archive/maildir"
    mu_maildir=$maildir
    mu_note="all three read it in place"
fi
msgs=$(count_files "$maildir")
bytes=$(bytes_of "$maildir")
((msgs > 0)) || die "no mail file in $maildir"
mail_files "$maildir" | xargs -0r cat >/dev/null
[[ $mu_maildir == "$maildir" ]] || mail_files "$mu_maildir" | xargs -0r cat >/dev/null
snapshot "$maildir" "$work/source.list"

printf 'leakdex index benchmark, %s\n' "$(date -u '+%Y-%m-%d %H:%M UTC')"
printf 'machine: %s cores (nproc), %s, %s GiB RAM; load average at start: %s\n' "$(nproc)" \
    "$(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)" \
    "$(awk '/MemTotal/ { printf "%.0f", $2 / 1048576 }' /proc/meminfo)" "$(cut -d' ' -f1-3 /proc/loadavg)"
printf 'versions: leakdex %s, %s, %s\n' "$(git rev-parse --short HEAD)" "$(notmuch --version)" \
    "$(mu --version | head -1 | sed 's/.*version/mu/')"
if [[ -n $source_dir ]]; then
    printf 'mail: %s, %d files, %.1f MB; %s; leakdex key files: %s\n' "$maildir" "$msgs" \
        "$(echo "$bytes / 1048576" | bc -l)" "$mu_note" "${key_files[*]:-none}"
else
    printf 'archive: %d messages, %.0f MB (Maildir), seed %d; %s signed, %s with attachments; DKIM keys from %s\n' \
        "$msgs" "$(echo "$bytes / 1048576" | bc -l)" "$seed" \
        "$(awk '/^signed/ { print $2 }' "$archive/MANIFEST")" \
        "$(awk '/^with_attachments/ { print $2 }' "$archive/MANIFEST")" "$archive/dkim-keys.txt"
fi
echo "(medians of $runs runs; msg/s and MB/s by the median wall time; cpu_s: user+system; rss_MB: the largest"
echo " of the runs; B/msg: index bytes per mail file; wall/ldx: median wall against leakdex's at those cores;"
echo " cores: taskset -c 0..cores-1, 'u' unpinned)"

nm_config() { # DIR: a throwaway notmuch configuration, database in DIR/db
    rm -rf "$1"
    mkdir -p "$1/db"
    cat >"$1/config" <<EOF
[database]
path=$1/db
mail_root=$maildir
[user]
name=Bench
primary_email=bench@example.org
[new]
tags=inbox;
ignore=
[maildir]
synchronize_flags=false
EOF
}

# run_tool TOOL CORES RUN: one run of TOOL from an empty database; appends
# "TOOL CORES RUN wall user sys rss size" to $work/results and prints a line
run_tool() {
    local tool=$1 c=$2 r=$3 count load
    load=$(cut -d' ' -f1 /proc/loadavg)
    case $tool in
    leakdex)
        rm -rf "$work/leakdex.db"
        measure "leakdex-$c-$r" "$c" "$work/leakdex.db" \
            "$index" --quiet --db "$work/leakdex.db" "${key_args[@]}" "$maildir"
        count=$(awk '/^total:/ { for (i = 2; i < NF; i++) if ($(i + 1) == "indexed,") { print $i; exit } }' \
            "$work/leakdex-$c-$r.out") ;;
    notmuch)
        nm_config "$work/notmuch"
        NOTMUCH_CONFIG=$work/notmuch/config measure "notmuch-$c-$r" "$c" "$work/notmuch/db" notmuch new
        count=$(NOTMUCH_CONFIG=$work/notmuch/config notmuch count '*') ;;
    mu)
        rm -rf "$work/mu"
        mu init --muhome="$work/mu" --maildir="$mu_maildir" >/dev/null
        measure "mu-$c-$r" "$c" "$work/mu" mu index --muhome="$work/mu"
        count=$(mu find --muhome="$work/mu" --fields=l '""' 2>/dev/null | wc -l) ;;
    esac
    echo "$tool $c $r $wall $user $sys $rss $size" >>"$work/results"
    printf '  run %d, %-5s cores, %-8s %7.1f s wall %7.1f s CPU %6.0f MB RSS %6.0f MB index, %s messages indexed; load %s\n' \
        "$r" "$(cores_label "$c")" "$tool" "$wall" "$(echo "$user + $sys" | bc)" "$((rss / 1024))" \
        "$((size / 1024))" "${count:-?}" "$load"
    if [[ $tool == leakdex && $r == 1 ]]; then
        grep -E '^(total|dkim|jobs|threads|chains|compacted):' "$work/leakdex-$c-$r.out" | sed 's/^/      /'
    fi
}

# figures TOOL CORES: "wall cpu rss size runs" over the runs done, medians but
# rss (the largest); nothing when TOOL has no run at CORES
figures() {
    awk -v t="$1" -v c="$2" '$1 == t && $2 == c { print $4, $5 + $6, $7, $8 }' "$work/results" >"$work/selected"
    [[ -s $work/selected ]] || return 0
    printf '%s %s %s %s %s\n' "$(cut -d' ' -f1 "$work/selected" | median)" \
        "$(cut -d' ' -f2 "$work/selected" | median)" "$(cut -d' ' -f3 "$work/selected" | sort -g | tail -1)" \
        "$(cut -d' ' -f4 "$work/selected" | median)" "$(wc -l <"$work/selected")"
}
has() { # WORD LIST...: whether WORD is one of LIST
    local w=$1 x
    shift
    for x in "$@"; do [[ $x == "$w" ]] && return 0; done
    return 1
}

# summary: the table of the runs in $work/results, the ratios to leakdex and,
# with runs at 1 and 2 cores, leakdex's serial fraction
summary() {
    local c tool w cpu r z k vs lw lc nw nc t1 t2
    echo
    header
    for c in "${cores[@]}"; do
        read -r lw _ <<<"$(figures leakdex "$c")"
        for tool in "${tools[@]}"; do
            read -r w cpu r z k <<<"$(figures "$tool" "$c")"
            [[ -n $w ]] || continue
            vs=-
            [[ -n $lw ]] && vs=$(awk -v a="$w" -v b="$lw" 'BEGIN { printf "%.2f", a / b }')
            awk -v f="$row_format" -v t="$tool" -v c="$(cores_label "$c")" -v k="$k" -v w="$w" \
                -v u="$cpu" -v m="$msgs" -v b="$bytes" -v r="$r" -v z="$z" -v vs="$vs" 'BEGIN {
                if (w < 0.01) w = 0.01
                printf f, t, c, k, w, u, m / w, b / 1048576 / w, r / 1024, z / 1024, z * 1024 / m, vs }'
        done
    done
    for c in "${cores[@]}"; do
        read -r lw lc _ <<<"$(figures leakdex "$c")"
        read -r nw nc _ <<<"$(figures notmuch "$c")"
        [[ -n $lw && -n $nw ]] || continue
        awk -v c="$(cores_label "$c")" -v lw="$lw" -v nw="$nw" -v lc="$lc" -v nc="$nc" 'BEGIN {
            printf "notmuch/leakdex, cores %s: median wall %.2f (%.1f s / %.1f s), median CPU %.2f (%.1f s / %.1f s)\n",
                c, nw / lw, nw, lw, nc / lc, nc, lc }'
    done
    read -r t1 _ <<<"$(figures leakdex 1)"
    read -r t2 _ <<<"$(figures leakdex 2)"
    read -r nw _ <<<"$(figures notmuch 2)"
    [[ -n $t1 && -n $t2 ]] || return 0
    awk -v t1="$t1" -v t2="$t2" -v nw="$nw" 'BEGIN {
        s = 2 * t2 / t1 - 1
        printf "leakdex serial fraction (Amdahl, s = 2*T2/T1 - 1): T1 %.1f s, T2 %.1f s, speed-up %.2f, s = %.3f\n",
            t1, t2, t1 / t2, s
        p = s
        if (p < 0) p = 0
        if (p > 1) p = 1
        if (p != s) printf "  (s outside 0..1: the runs were too noisy; the predictions take s = %g)\n", p
        for (k = 4; k <= 8; k *= 2) {
            up = 1 / (p + (1 - p) / k)
            printf "  predicted on %d cores: speed-up %.2f over 1 core, %.1f s wall", k, up, t1 / up
            if (nw != "") printf ", %.2f times notmuch'"'"'s median wall at 2 cores (%.1f s)", nw * up / t1, nw
            printf "\n"
        }
    }'
}

if want compare || want incremental; then
    echo
    echo "== full index from an empty database, $runs runs, the tools in turn"
    : >"$work/results"
    # Ctrl-C or SIGTERM to the process group ends the runs with the summary of those done.
    trap 'echo; echo "interrupted: the summary of the runs done"; summary; exit 130' INT TERM
    for ((r = 1; r <= runs; r++)); do
        for c in "${cores[@]}"; do
            for tool in "${tools[@]}"; do run_tool "$tool" "$c" "$r"; done
        done
    done
    trap - INT TERM
    check_unchanged "$maildir" "$work/source.list"
    summary
    if has notmuch "${tools[@]}"; then
        # leakdex compacts after a big run; notmuch leaves it to `notmuch compact`.
        NOTMUCH_CONFIG=$work/notmuch/config notmuch compact --quiet >/dev/null
        awk -v z="$(du -sk "$work/notmuch/db" | cut -f1)" -v m="$msgs" \
            'BEGIN { printf "notmuch after notmuch compact (not timed): %.0f MB, %.0f B/msg\n", z / 1024, z * 1024 / m }'
    fi
fi

last_cores=${cores[-1]}
if want incremental; then
    echo
    echo "== incremental: $extra_n new messages added to the $msgs, each index of the last run updated once, $(cores_label "$last_cores") cores"
    link_farm "$maildir" $((n + extra_n)) "$extra/maildir"
    snapshot "$maildir" "$work/source+1k.list"
    for tool in "${tools[@]}"; do
        case $tool in
        leakdex)
            measure leakdex+1k "$last_cores" "$work/leakdex.db" \
                "$index" --quiet --db "$work/leakdex.db" "${key_args[@]}" "$maildir"
            grep -E '^(total|unchanged|chains|compacted):' "$work/leakdex+1k.out" | sed 's/^/    /' ;;
        notmuch)
            NOTMUCH_CONFIG=$work/notmuch/config measure notmuch+1k "$last_cores" "$work/notmuch/db" notmuch new ;;
        mu)
            measure mu+1k "$last_cores" "$work/mu" mu index --muhome="$work/mu" ;;
        esac
        read -r w1 c1 _ <<<"$(figures "$tool" "$last_cores")"
        awk -v t="$tool" -v w="$wall" -v c="$(echo "$user + $sys" | bc)" -v w1="$w1" -v c1="$c1" -v z="$size" \
            -v k="$extra_n" 'BEGIN { printf "    %-8s adding %d: %.1f s wall, %.1f s CPU: %.1f %% of the full run'"'"'s median wall, %.1f %% of its CPU; index %.0f MB\n",
                t, k, w, c, 100 * w / w1, 100 * c / (c1 > 0 ? c1 : 1), z / 1024 }'
    done
    check_unchanged "$maildir" "$work/source+1k.list"
fi

if want rss; then
    echo
    echo "== leakdex peak RSS against the message count (DKIM on), $(cores_label "$last_cores") cores, one run each"
    for part in $((n / 4)) $((n / 2)) "$n"; do
        w=""
        [[ $part == "$n" && -s $work/results ]] && read -r w _ r z <<<"$(figures leakdex "$last_cores")"
        if [[ -n $w ]]; then
            how="the largest of the $runs compare runs above"
        else
            dir=$work/first$part
            link_farm "$dir" "$part" "$archive/maildir"
            measure "leakdex-first$part" "$last_cores" "$work/first$part.db" \
                "$index" --quiet --db "$work/first$part.db" "${key_args[@]}" "$dir"
            w=$wall r=$rss z=$size how="one run"
            rm -rf "$work/first$part.db" "$dir"
        fi
        awk -v m="$part" -v w="$w" -v r="$r" -v z="$z" -v how="$how" \
            'BEGIN { printf "    %7d messages: peak RSS %4.0f MB, %6.1f s wall, index %5.0f MB (%s)\n", m, r / 1024, w, z / 1024, how }'
    done
fi
echo
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
