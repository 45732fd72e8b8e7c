#!/usr/bin/env bash
# Indexing speed, memory and index size of leakdex against notmuch and mu,
# on the same synthetic Maildir (bench/gen-archive.py: N messages, a third
# DKIM-signed, 30 % with attachments), each tool from an empty database.
#
#   bench/index-compare.sh [-n N] [--seed S] [MODE...]
#
# MODE (default: all three):
#   compare      leakdex-index (DKIM verification on, with the archive's key
#                file), `notmuch new` and `mu index`: wall and CPU seconds,
#                messages and MB per second, peak RSS, index size on disk
#   incremental  after compare: 1,000 new messages added to the Maildir, each
#                tool run again on its index; the time against its full run
#   rss          leakdex's peak RSS indexing the first N/4, N/2 and N messages
#
# The archive is generated once per N and seed and kept in bench/cache/
# (git-ignored; about 17 KB a message, twice: Maildir and mbox); each run
# indexes a Maildir of hard links to it, in a temporary directory under
# bench/cache/, removed at the end. Every tool reads the archive with a
# warm page cache (the Maildir is read once before the runs). Installs
# notmuch and maildir-utils (Debian's packages) when missing.
# Environment: BUILD (default build/rel), CACHE (default bench/cache),
# KEEP=1 keeps the temporary directory, TOOLS (default "leakdex notmuch mu").
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
n=100000
seed=1
modes=()
while (($#)); do
    case $1 in
    -n) n=$2; shift 2 ;;
    --seed) seed=$2; shift 2 ;;
    compare | incremental | rss) modes+=("$1"); shift ;;
    all) modes+=(compare incremental rss); shift ;;
    -h | --help) sed -n '2,/^[^#]/{/^#/s/^# \{0,1\}//p}' "$0"; exit 0 ;;
    *) echo "index-compare.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
    esac
done
((${#modes[@]})) || modes=(compare incremental rss)
want() { local m; for m in "${modes[@]}"; do [[ $m == "$1" ]] && return 0; done; return 1; }
tools=${TOOLS:-leakdex notmuch mu}
build=${BUILD:-build/rel}
cache=${CACHE:-$root/bench/cache}
extra_n=1000

# ---------------------------------------------------------------- setup
missing=()
for p in notmuch maildir-utils time bc; do
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
archive=$cache/archive-n$n-s$seed
extra=$cache/archive-n$extra_n-from$n-s$seed
generate "$archive" 0 "$n"
want incremental && generate "$extra" "$n" "$extra_n"

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
count_files() { find "$1/cur" "$1/new" -type f | wc -l; }
bytes_of() { find "$1/cur" "$1/new" -type f -printf '%s\n' | awk '{ s += $1 } END { print s }'; }

# run NAME MESSAGES BYTES DBDIR CMD...: one measured run of CMD over MESSAGES
# new messages of BYTES bytes; prints a row and keeps the figures in
# $work/NAME.fig. B/msg divides the index size by $in_db when set (the
# messages in the index after an incremental run), else by MESSAGES.
run() {
    local name=$1 msgs=$2 bytes=$3 db=$4
    shift 4
    /usr/bin/time -v -o "$work/$name.time" "$@" >"$work/$name.out" 2>"$work/$name.err" || {
        echo "$name failed:" >&2
        tail -5 "$work/$name.err" >&2
        return 1
    }
    local wall user sys rss size
    wall=$(awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, t, ":"); s = 0;
        for (i = 1; i <= n; i++) s = s * 60 + t[i]; print s }' "$work/$name.time")
    user=$(awk -F': ' '/User time/ { print $2 }' "$work/$name.time")
    sys=$(awk -F': ' '/System time/ { print $2 }' "$work/$name.time")
    rss=$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$work/$name.time")
    size=$(du -sk "$db" | cut -f1)
    echo "$wall $user $sys $rss $size" >"$work/$name.fig"
    awk -v name="$name" -v m="$msgs" -v b="$bytes" -v w="$wall" -v u="$user" -v s="$sys" \
        -v r="$rss" -v z="$size" -v t="${in_db:-$msgs}" 'BEGIN {
        c = u + s; if (w < 0.01) w = 0.01; if (c < 0.01) c = 0.01
        printf "%-22s %8d %8.1f %8.1f %9.0f %9.0f %7.2f %8.0f %9.0f %8.0f\n",
            name, m, w, c, m / w, m / c, b / 1048576 / w, r / 1024, z / 1024, z * 1024 / t }'
}
header() {
    printf '%-22s %8s %8s %8s %9s %9s %7s %8s %9s %8s\n' tool messages wall_s cpu_s \
        msg/s msg/cpu_s MB/s rss_MB index_MB B/msg
}

# ---------------------------------------------------------------- run
maildir=$work/maildir
link_farm "$maildir" "$n" "$archive/maildir"
msgs=$(count_files "$maildir")
bytes=$(bytes_of "$maildir")
find "$maildir" -type f -exec cat {} + >/dev/null
printf 'leakdex index benchmark, %s\n' "$(date -u '+%Y-%m-%d %H:%M UTC')"
printf 'machine: %s cores (nproc), %s, %s GiB RAM; load average at start: %s\n' "$(nproc)" \
    "$(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)" \
    "$(awk '/MemTotal/ { printf "%.0f", $2 / 1048576 }' /proc/meminfo)" "$(cut -d' ' -f1-3 /proc/loadavg)"
printf 'versions: leakdex %s, %s, %s\n' "$(git rev-parse --short HEAD)" "$(notmuch --version)" \
    "$(mu --version | head -1 | sed 's/.*version/mu/')"
printf 'archive: %d messages, %.0f MB (Maildir), seed %d; %s signed, %s with attachments\n' \
    "$msgs" "$(echo "$bytes / 1048576" | bc -l)" "$seed" \
    "$(awk '/^signed/ { print $2 }' "$archive/MANIFEST")" "$(awk '/^with_attachments/ { print $2 }' "$archive/MANIFEST")"
echo "(msg/s and MB/s by wall time; msg/cpu_s by user+system CPU time; B/msg: index bytes per message)"

nm_config() { # DIR: a throwaway notmuch configuration, database in DIR/db
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

if want compare || want incremental; then
    echo
    echo "== full index from an empty database"
    header
    for tool in $tools; do
        case $tool in
        leakdex)
            run leakdex "$msgs" "$bytes" "$work/leakdex.db" \
                "$index" --quiet --db "$work/leakdex.db" --keys "$archive/dkim-keys.txt" "$maildir"
            grep -E '^(total|dkim|chains|compacted):' "$work/leakdex.out" | sed 's/^/    /' ;;
        notmuch)
            nm_config "$work/notmuch"
            NOTMUCH_CONFIG=$work/notmuch/config run notmuch "$msgs" "$bytes" "$work/notmuch/db" notmuch new
            echo "    $(NOTMUCH_CONFIG=$work/notmuch/config notmuch count '*') messages in the notmuch database"
            # leakdex compacts after a big run; notmuch leaves it to `notmuch compact`.
            NOTMUCH_CONFIG=$work/notmuch/config notmuch compact --quiet >/dev/null
            awk -v z="$(du -sk "$work/notmuch/db" | cut -f1)" -v m="$msgs" \
                'BEGIN { printf "    after notmuch compact (not timed): %.0f MB, %.0f B/msg\n", z / 1024, z * 1024 / m }' ;;
        mu)
            mu init --muhome="$work/mu" --maildir="$maildir" >/dev/null
            run mu "$msgs" "$bytes" "$work/mu" mu index --muhome="$work/mu"
            echo "    $(mu find --muhome="$work/mu" --fields=l '""' 2>/dev/null | wc -l) messages in the mu database" ;;
        esac
    done
fi

if want incremental; then
    echo
    echo "== incremental: $extra_n new messages added to the $msgs, each index updated"
    link_farm "$maildir" $((n + extra_n)) "$extra/maildir"
    xbytes=$(bytes_of "$extra/maildir")
    in_db=$((msgs + extra_n))
    header
    for tool in $tools; do
        case $tool in
        leakdex)
            run leakdex+1k "$extra_n" "$xbytes" "$work/leakdex.db" \
                "$index" --quiet --db "$work/leakdex.db" --keys "$archive/dkim-keys.txt" "$maildir"
            grep -E '^(total|unchanged|chains|compacted):' "$work/leakdex+1k.out" | sed 's/^/    /' ;;
        notmuch)
            NOTMUCH_CONFIG=$work/notmuch/config run notmuch+1k "$extra_n" "$xbytes" "$work/notmuch/db" notmuch new ;;
        mu)
            run mu+1k "$extra_n" "$xbytes" "$work/mu" mu index --muhome="$work/mu" ;;
        esac
    done
    unset in_db
    for tool in $tools; do
        read -r w1 u1 s1 _ <"$work/$tool.fig"
        read -r w2 u2 s2 _ <"$work/$tool+1k.fig"
        awk -v t="$tool" -v w1="$w1" -v c1="$(echo "$u1 + $s1" | bc)" -v w2="$w2" -v c2="$(echo "$u2 + $s2" | bc)" \
            'BEGIN { printf "    %-8s adding %d: %.1f %% of the full run'"'"'s wall time, %.1f %% of its CPU time\n",
                t, '"$extra_n"', 100 * w2 / w1, 100 * c2 / (c1 > 0 ? c1 : 1) }'
    done
fi

if want rss; then
    echo
    echo "== leakdex peak RSS against the message count (DKIM on)"
    header
    for part in $((n / 4)) $((n / 2)) "$n"; do
        if [[ $part == "$n" && -f $work/leakdex.fig ]]; then
            read -r w u s r z <"$work/leakdex.fig"
            awk -v m="$n" -v b="$bytes" -v w="$w" -v u="$u" -v s="$s" -v r="$r" -v z="$z" 'BEGIN {
                c = u + s; printf "%-22s %8d %8.1f %8.1f %9.0f %9.0f %7.2f %8.0f %9.0f %8.0f\n",
                "leakdex (above)", m, w, c, m / w, m / c, b / 1048576 / w, r / 1024, z / 1024, z * 1024 / m }'
            continue
        fi
        dir=$work/first$part
        link_farm "$dir" "$part" "$archive/maildir"
        run "leakdex-first$part" "$part" "$(bytes_of "$dir")" "$work/first$part.db" \
            "$index" --quiet --db "$work/first$part.db" --keys "$archive/dkim-keys.txt" "$dir"
        rm -rf "$work/first$part.db" "$dir"
    done
fi
