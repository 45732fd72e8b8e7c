#!/usr/bin/env bash
# T650: leakdex-web in a real browser. Indexes data/ (with its DKIM keys) and
# a hostile archive (tests/browser/hostile.py: script, img onerror,
# javascript: names, an HTML-only body, a file named ../../x"><svg onload=...>),
# starts leakdex-web on 127.0.0.1:0 and runs tests/browser/test_web.py in
# Debian's headless chromium: counts equal leakdex-search --count, history,
# downloads checked by SHA-256, the CSV export, no script run. With
# LEAKDEX_SCREENSHOTS=1 it saves doc/screenshots/search.png and message.png.
# Skipped (77) only when chromium, chromedriver or python3-selenium is absent
# (scripts/install-deps test installs them).
source "$(dirname "$0")/lib.sh"
WEB=${LEAKDEX_WEB:-${LEAKDEX_BUILD:?run through ctest}/web/leakdex-web}
BROWSER_TESTS=$LEAKDEX_SRC/tests/browser

# Debian's selenium is for Debian's python3: use the first python that has it.
PY=
for candidate in /usr/bin/python3 python3; do
    if command -v "$candidate" >/dev/null && "$candidate" -c 'import selenium' 2>/dev/null; then
        PY=$candidate
        break
    fi
done
missing=()
[[ -x /usr/bin/chromium ]] || missing+=("chromium")
[[ -x /usr/bin/chromedriver ]] || missing+=("chromium-driver")
[[ -n $PY ]] || missing+=("python3-selenium")
if ((${#missing[@]})); then
    echo "T650 skipped: ${missing[*]} not installed (scripts/install-deps test installs them)"
    exit 77
fi
[[ -x $WEB ]] || { echo "T650: $WEB is not built" >&2; exit 1; }

"$PY" "$BROWSER_TESTS/hostile.py" "$WORK/hostile" || { echo "T650: hostile.py failed" >&2; exit 1; }
if ! index --quiet --keys "$DATA/dkim-keys.txt" "$DATA" "$WORK/hostile" >"$WORK/index.out" 2>"$WORK/index.err"; then
    cat "$WORK/index.out" "$WORK/index.err" >&2
    echo "T650: indexing failed" >&2
    exit 1
fi

# The server, on a free port; the URL from its first line. It is stopped,
# and waited for, whatever happens.
"$WEB" --db "$LEAKDEX_DB" --listen 127.0.0.1:0 >"$WORK/web.out" 2>"$WORK/web.err" &
web_pid=$!
trap 'kill "$web_pid" 2>/dev/null; wait "$web_pid" 2>/dev/null; rm -rf "$WORK"' EXIT
url=
for _ in $(seq 100); do
    url=$(sed -n 's|^leakdex-web: serving .* at \(http://127\.0\.0\.1:[0-9]*/\)$|\1|p' "$WORK/web.out")
    [[ -n $url ]] && break
    kill -0 "$web_pid" 2>/dev/null || break
    sleep 0.1
done
if [[ -z $url ]]; then
    echo "T650: leakdex-web did not say where it serves: $(cat "$WORK/web.out" "$WORK/web.err")" >&2
    exit 1
fi

shots=()
[[ ${LEAKDEX_SCREENSHOTS:-} == 1 ]] && shots=(--screenshots "$LEAKDEX_SRC/doc/screenshots")
mkdir "$WORK/browser"
if "$PY" "$BROWSER_TESTS/test_web.py" --url "$url" --search "$LEAKDEX_SEARCH" --db "$LEAKDEX_DB" \
    --work "$WORK/browser" "${shots[@]}"; then ok; else bad "the browser test failed (above)"; fi
kill -0 "$web_pid" 2>/dev/null && ok || bad "leakdex-web died during the test: $(cat "$WORK/web.err")"
finish
