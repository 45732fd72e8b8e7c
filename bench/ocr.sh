#!/usr/bin/env bash
# OCR's cost: pages per second and CPU seconds per page that
# `leakdex-index --ocr` spends reading scans at its default resolution and
# languages, for N distinct A4 pages of text (default 20; made by
# tests/tools/make-scans --bench N) as PNG pages, as JPEG photos of pages
# and as one image-only PDF of N pages, each set in messages of its own
# indexed into an empty database with --ocr and without it, RUNS times each
# in turn (default 1); the least wall and CPU time (user + system of the
# indexer and of the extraction helper it waits for, GNU time) of each;
# OCR's share is the difference. Then, as a reference only, the same pages
# read by the tesseract CLI alone when it is installed (one process for
# each set: the models load once; the PDF's pages rasterized at 300 dpi by
# pdftoppm first, not timed). Prints the machine (cores, CPU model) and
# the load average before and after. The CLI runs with the OpenMP threads
# libgomp chooses and with OMP_THREAD_LIMIT=1, unless it is set.
#
#   bench/ocr.sh [-n N] [--runs R] [--lang LANGS] [--cli-only]
#
# --lang passes --ocr-lang LANGS (and the CLI gets -l LANGS; default
# fra+eng). --cli-only skips the indexer (a build without --ocr). The pages
# and messages are made once per N into bench/cache/ (git-ignored).
# Environment: BUILD (default build/rel, built here in Release), INDEX (a
# leakdex-index to run as it is, instead of building one), CACHE (default
# bench/cache).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
n=20
runs=1
lang=
cli_only=0
while (($#)); do
    case $1 in
    -n) n=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --lang) lang=$2; shift 2 ;;
    --cli-only) cli_only=1; shift ;;
    -h | --help) sed -n '2,/^[^#]/{/^#/s/^# \{0,1\}//p}' "$0"; exit 0 ;;
    *) echo "ocr.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
    esac
done
[[ $n =~ ^[1-9][0-9]*$ && $runs =~ ^[1-9][0-9]*$ ]] ||
    { echo "ocr.sh: -n and --runs take a number >= 1" >&2; exit 2; }
[[ -x /usr/bin/time ]] || { echo "ocr.sh: needs GNU time (Debian time)" >&2; exit 2; }
py=
for candidate in /usr/bin/python3 python3; do
    if command -v "$candidate" >/dev/null && "$candidate" -c 'import PIL, img2pdf' 2>/dev/null; then
        py=$candidate
        break
    fi
done
[[ -n $py ]] || { echo "ocr.sh: needs Pillow and img2pdf (Debian python3-pil, img2pdf)" >&2; exit 2; }

build=${BUILD:-build/rel}
if ((!cli_only)); then
    index=${INDEX:-}
    if [[ -z $index ]]; then
        if [[ -z ${BUILD:-} ]]; then
            cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
        fi
        cmake --build "$build" -j"$(nproc)" --target leakdex-index >/dev/null
        index=$root/$build/indexer/leakdex-index
    fi
    if ! "$index" --help 2>&1 | grep -e '--ocr' >/dev/null; then
        echo "ocr.sh: this build has no --ocr ($index --help does not list it);" \
            "bench/ocr.sh --cli-only gives the tesseract CLI's figures alone" >&2
        exit 2
    fi
fi

cache=${CACHE:-$root/bench/cache}
pages=$cache/ocr-n$n
if [[ ! -f $pages/manifest.json ]]; then
    echo "making $n pages into $pages" >&2
    rm -rf "$pages.tmp"
    "$py" tests/tools/make-scans --bench "$n" "$pages.tmp" --eml "$pages.tmp/mail"
    mv "$pages.tmp" "$pages"
fi
work=$(mktemp -d "$cache/ocr-run.XXXXXX")
trap 'rm -rf "$work"' EXIT

model=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
# nproc counts OMP_THREAD_LIMIT in: the machine's count without it.
cores=$(env -u OMP_THREAD_LIMIT -u OMP_NUM_THREADS nproc)
printf 'machine: %s cores, %s; load average %s before\n' "$cores" "${model:-CPU model unknown}" \
    "$(cut -d' ' -f1-3 /proc/loadavg)"
printf 'pages: %d distinct A4 pages of text at 300 dpi (tests/tools/make-scans --bench %d): %s\n' \
    "$n" "$n" "PNG pages, JPEG photos of pages, one image-only PDF"
default_lang="the default of leakdex-index (fra+eng)"
((cli_only)) && default_lang=fra+eng
printf 'languages: %s\n' "${lang:-$default_lang}"

# timed OUT COMMAND...: runs COMMAND (its output into OUT.out and OUT.err)
# under GNU time and sets wall and cpu (seconds; CPU = user + system,
# children waited for included). A failure shows its errors and stops.
timed() {
    local out=$1
    shift
    if ! /usr/bin/time -f '%e %U %S' -o "$out.time" "$@" >"$out.out" 2>"$out.err"; then
        echo "ocr.sh: failed: $*" >&2
        tail -n 5 "$out.err" >&2
        exit 1
    fi
    read -r wall cpu < <(awk '{ printf "%.2f %.2f\n", $1, $2 + $3 }' "$out.time")
}

# least A B: the smaller number (A when B is empty).
least() { awk -v a="$1" -v b="$2" 'BEGIN { print (b == "" || a + 0 < b + 0) ? a : b }'; }

if ((!cli_only)); then
    ocr_opts=(--ocr)
    [[ -n $lang ]] && ocr_opts+=(--ocr-lang "$lang")
    printf '%-6s %5s  %21s  %21s  %11s  %14s\n' set pages "--ocr: wall, CPU s" \
        "without: wall, CPU s" "OCR pages/s" "OCR CPU s/page"
    for kind in png photo pdf; do
        best=("" "" "" "") # the least wall and CPU with --ocr, then without
        for ((i = 0; i < runs; i++)); do
            rm -rf "$work/db"
            timed "$work/$kind.plain" "$index" --quiet --db "$work/db" "$pages/mail/$kind"
            best[2]=$(least "$wall" "${best[2]}")
            best[3]=$(least "$cpu" "${best[3]}")
            rm -rf "$work/db"
            timed "$work/$kind.ocr" "$index" --quiet "${ocr_opts[@]}" --db "$work/db" "$pages/mail/$kind"
            best[0]=$(least "$wall" "${best[0]}")
            best[1]=$(least "$cpu" "${best[1]}")
        done
        awk -v set="$kind" -v p="$n" -v ow="${best[0]}" -v oc="${best[1]}" -v bw="${best[2]}" \
            -v bc="${best[3]}" 'BEGIN {
                extra = ow - bw; if (extra <= 0) extra = 0.01
                printf "%-6s %5d  %10.2f %10.2f  %10.2f %10.2f  %11.3f  %14.2f\n",
                    set, p, ow, oc, bw, bc, p / extra, (oc - bc) / p }'
        report=$(grep '^ocr:' "$work/$kind.ocr.out" || true)
        echo "       the report: ${report:-no line starting ocr: in the output of leakdex-index}"
        read_pages=$(sed -n 's/^ocr: [0-9]* attachments\{0,1\} read by OCR (\([0-9]*\) pages\{0,1\}.*/\1/p' \
            <<<"$report")
        [[ $read_pages == "$n" ]] ||
            echo "       warning: the report says ${read_pages:-no} pages read by OCR, not $n"
    done
    echo "(OCR pages/s: pages over the wall time --ocr adds; OCR CPU s/page: the CPU time it adds, per page; least of $runs runs each)"
fi

# The engine alone, for reference: the tesseract CLI over the same pages.
if command -v tesseract >/dev/null; then
    cli_lang=${lang:-fra+eng}
    printf "%s\n" "$pages"/bench-png-*.png | sort -V >"$work/png.list"
    printf "%s\n" "$pages"/bench-photo-*.jpg | sort -V >"$work/photo.list"
    pdf_note=
    if command -v pdftoppm >/dev/null; then
        pdftoppm -r 300 -gray -png "$pages/bench.pdf" "$work/pdf-page"
        printf "%s\n" "$work"/pdf-page-*.png | sort -V >"$work/pdf.list"
        pdf_note="pdftoppm -r 300, not timed"
    else
        cp "$work/png.list" "$work/pdf.list"
        pdf_note="no pdftoppm (poppler-utils): the PDF's page images, the same pixels"
    fi
    # Debian's Tesseract is built with OpenMP: its threads, on a loaded
    # machine, cost more than they save; both ways unless the caller chose.
    if [[ -n ${OMP_THREAD_LIMIT+x} ]]; then
        omp_limits=("$OMP_THREAD_LIMIT")
    else
        omp_limits=("" 1)
    fi
    for limit in "${omp_limits[@]}"; do
        echo "reference, not leakdex: $(tesseract --version 2>&1 | head -1) CLI alone, -l $cli_lang," \
            "one process per set, ${limit:+OMP_THREAD_LIMIT=}${limit:-OpenMP threads as libgomp chooses}"
        for kind in png photo pdf; do
            if [[ -n $limit ]]; then
                timed "$work/cli-$kind" env OMP_THREAD_LIMIT="$limit" tesseract "$work/$kind.list" - -l "$cli_lang"
            else
                timed "$work/cli-$kind" tesseract "$work/$kind.list" - -l "$cli_lang"
            fi
            awk -v set="$kind" -v p="$(wc -l <"$work/$kind.list")" -v w="$wall" -v c="$cpu" -v note="$pdf_note" 'BEGIN {
                printf "%-6s %5d pages  %8.2f s wall %8.2f s CPU  %7.3f pages/s  %6.2f CPU s/page%s\n",
                    set, p, w, c, p / w, c / p, set == "pdf" ? "  (" note ")" : "" }'
        done
    done
else
    echo "reference: no tesseract CLI (Debian tesseract-ocr) to compare with"
fi
printf 'load average %s after\n' "$(cut -d' ' -f1-3 /proc/loadavg)"
