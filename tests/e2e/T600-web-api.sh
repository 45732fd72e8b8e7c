#!/usr/bin/env bash
# T600: leakdex-web's JSON API answers exactly what leakdex-search --format
# json prints for the same arguments (search with paging, sort and
# collapse, message, thread, senders, recipients, stats, the query help),
# the exports as the command line writes them (but for the export's time),
# the original and an attachment whose SHA-256 is the JSON's; and its
# errors: 400, 404, 405, 413, 414, as JSON with the status.
source "$(dirname "$0")/lib.sh"
index --quiet --keys "$DATA/dkim-keys.txt" "$DATA/eml" "$DATA/maildir" "$DATA/mbox" "$DATA/attach" \
    >/dev/null 2>&1
web_start --db "$LEAKDEX_DB" --listen 127.0.0.1:0
expect_eq "the first line names the database and the URL" \
    "leakdex-web: serving $LEAKDEX_DB at $WEB_URL/" "$WEB_LINE"

# same PATH CLI-ARGS...: the body of GET PATH is byte for byte what
# leakdex-search --format json CLI-ARGS prints, with status 200.
same() {
    local path=$1
    shift
    local code
    code=$(curl -s -o "$WORK/api" -w '%{http_code}' "$WEB_URL$path")
    search --format json "$@" >"$WORK/cli" 2>/dev/null
    if [[ $code == 200 ]] && cmp -s "$WORK/api" "$WORK/cli" && [[ -s $WORK/cli ]]; then ok; else
        bad "GET $path (status $code) differs from leakdex-search --format json $*"
    fi
}
same "/api/search?q=budget" --limit 1000 -- budget
same "/api/search?q=budget&offset=2&limit=3" --offset 2 --limit 3 -- budget
same "/api/search?q=budget&sort=date" --sort date --limit 1000 -- budget
same "/api/search?q=budget&sort=-date&limit=4" --sort -date --limit 4 -- budget
same "/api/search?q=from%3As.nguyen%40campagne-exemple.fr+OR+budget&collapse=thread" \
    --collapse thread --limit 1000 -- "from:s.nguyen@campagne-exemple.fr OR budget"
same "/api/search?q=date%3A2016..2017&limit=5&sort=date" --limit 5 --sort date -- date:2016..2017
same "/api/search" --limit 1000
same "/api/search?q=zeppelinnowhere" --limit 1000 -- zeppelinnowhere
id=$(search --format ndjson --limit 1 budget | python3 -c 'import json,sys; print(json.loads(sys.stdin.readline())["id"])')
same "/api/message/$id" show "$id"
same "/api/thread/$id" thread "$id"
same "/api/senders" --limit 1000 senders
same "/api/senders?q=budget&sort=address&offset=1&limit=2" --sort address --offset 1 --limit 2 senders budget
same "/api/recipients?q=budget" --limit 1000 recipients budget
same "/api/stats?q=budget" stats budget
same "/api/stats" stats
same "/api/facets?q=budget" facets budget
same "/api/facets" facets
same "/api/facets?q=date%3A2017" facets date:2017
expect_eq "a query that matches nothing is 200 with total 0" '200 0' \
    "$(curl -s -o "$WORK/b" -w '%{http_code}' "$WEB_URL/api/search?q=zeppelinnowhere") $(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["total"])' "$WORK/b")"
expect_eq "/api/help is --help-query's text" "$(search --help-query)" \
    "$(curl -s "$WEB_URL/api/help" | python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["version"] == 1; sys.stdout.write(d["text"])')"
expect_eq "/api/info: the version and the index" "0.1.0 $(search --count)" \
    "$(curl -s "$WEB_URL/api/info" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["leakdex"], d["databases"][0]["documents"])')"

# Exports: the command line's files but for the time they were written.
untimed() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); m=d.get("export", d); m.pop("exported_at"); print(json.dumps(d, sort_keys=True))' "$1"; }
X=$WORK/x
mkdir -p "$X"
search --export "$X/e.json" budget >/dev/null
search --export "$X/e.csv" budget >/dev/null
curl -s -D "$WORK/h.json" -o "$WORK/web.json" "$WEB_URL/api/export.json?q=budget"
curl -s -D "$WORK/h.csv" -o "$WORK/web.csv" "$WEB_URL/api/export.csv?q=budget"
curl -s -o "$WORK/web.csv.meta.json" "$WEB_URL/api/export.csv.meta.json?q=budget"
python3 -c 'import json,sys; json.load(open(sys.argv[1]))["exported_at"]' "$X/e.json" 2>/dev/null ||
    python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert any("exported_at" in v for v in d.values() if isinstance(v, dict))' "$X/e.json" ||
    bad "the JSON export has an export time"
expect_eq "export.json: the CLI's but its time" "$(untimed "$X/e.json")" "$(untimed "$WORK/web.json")"
cmp -s "$X/e.csv" "$WORK/web.csv" && ok || bad "export.csv: the CLI's bytes"
expect_eq "export.csv.meta.json: the CLI's but its time" "$(untimed "$X/e.csv.meta.json")" \
    "$(untimed "$WORK/web.csv.meta.json")"
expect_eq "export.csv is a download" \
    "Content-Disposition: attachment; filename=\"leakdex-export.csv\"; filename*=UTF-8''leakdex-export.csv|Content-Type: text/csv; charset=utf-8" \
    "$(grep -i -e '^content-disposition' -e '^content-type' "$WORK/h.csv" | tr -d '\r' | sort | paste -sd '|')"
# The zip: what --export-dir writes, file for file (but the export's time).
search --export-dir "$X/dir" budget >/dev/null
curl -s -D "$WORK/h.zip" -o "$WORK/web.zip" "$WEB_URL/api/export.zip?q=budget"
python3 - "$X/dir" "$WORK/web.zip" "$(search --count budget)" <<'PY' && ok || bad "export.zip: the files of --export-dir"
import json, os, sys, zipfile
d, z = sys.argv[1], zipfile.ZipFile(sys.argv[2])
names = sorted(z.namelist())
assert names == sorted(os.listdir(d)), (names, sorted(os.listdir(d)))
assert "manifest.csv" in names and "SHA256SUMS" in names, names
assert len(names) == 3 + int(sys.argv[3]), names  # every original, and the three files
for n in names:
    got, want = z.read(n), open(os.path.join(d, n), "rb").read()
    if n == "export.meta.json":
        got, want = json.loads(got), json.loads(want)
        got.pop("exported_at"); want.pop("exported_at")
    assert got == want, n
PY
expect_eq "export.zip is a download" \
    "Content-Disposition: attachment; filename=\"leakdex-export.zip\"; filename*=UTF-8''leakdex-export.zip|Content-Type: application/zip" \
    "$(grep -i -e '^content-disposition' -e '^content-type' "$WORK/h.zip" | tr -d '\r' | sort | paste -sd '|')"
[[ -z $(ls "${TMPDIR:-/tmp}" | grep '^leakdex-web-export-') ]] && ok || bad "no export directory left behind"

# The original: the bytes whose SHA-256 is the message's.
sha=$(search --format json show "$id" | python3 -c 'import json,sys; print(json.load(sys.stdin)["sha256"])')
curl -s -D "$WORK/h.orig" -o "$WORK/orig" "$WEB_URL/api/original/$id"
expect_eq "/api/original: its SHA-256 is the message's" "$sha" "$(sha256sum <"$WORK/orig" | cut -d' ' -f1)"
expect_eq "/api/original: a download named ID.eml, never shown" \
    "Content-Disposition: attachment; filename=\"$sha.eml\"; filename*=UTF-8''$sha.eml|Content-Type: application/octet-stream" \
    "$(grep -i -e '^content-disposition' -e '^content-type' "$WORK/h.orig" | tr -d '\r' | sort | paste -sd '|')"

# An attachment: the bytes the command line writes, the JSON's SHA-256.
pdf=$(search --format ndjson --sort date 'filetype:pdf' | python3 -c '
import json, sys
for line in sys.stdin:
    d = json.loads(line)
    for a in d["attachments"]:
        if a["sha256"] and a["name"].endswith(".pdf"):
            print(d["id"], a["n"], a["sha256"], a["name"]); sys.exit()')
read -r aid an asha aname <<<"$pdf"
if [[ -n $aid ]]; then
    search attachment "$aid" "$an" --out "$WORK/cli.pdf" >/dev/null
    curl -s -D "$WORK/h.att" -o "$WORK/web.pdf" "$WEB_URL/api/attachment/$aid/$an"
    cmp -s "$WORK/cli.pdf" "$WORK/web.pdf" && ok || bad "attachment: the CLI's bytes"
    expect_eq "attachment: the JSON's SHA-256" "$asha" "$(sha256sum <"$WORK/web.pdf" | cut -d' ' -f1)"
    same "/api/attachment/$aid/$an/text" attachment-text "$aid" "$an"
    expect_eq "attachment text: a message without it, 404" 404 \
        "$(curl -s -o /dev/null -w '%{http_code}' "$WEB_URL/api/attachment/$id/99/text")"
    expect_eq "attachment: octet-stream, a download under its name" \
        "Content-Disposition: attachment; filename=\"$aname\"; filename*=UTF-8''$aname|Content-Type: application/octet-stream" \
        "$(grep -i -e '^content-disposition' -e '^content-type' "$WORK/h.att" | tr -d '\r' | sort | paste -sd '|')"
else
    bad "no PDF attachment found in data/attach"
fi

# Errors: JSON, with the status, the CLI's line without its program name.
err() { # STATUS "ERROR LINE" CURL-ARGS...
    local want="$1 {\"version\": 1, \"error\": $(python3 -c 'import json,sys; print(json.dumps(sys.argv[1]))' "$2"), \"status\": $1}"
    shift 2
    local got
    got=$(curl -s -o "$WORK/e" -w '%{http_code}' "$@")
    local url=${*: -1}
    expect_eq "error $1 ${url:0:100}" "$want" "$got $(cat "$WORK/e")"
}
err 400 "malformed query: unbalanced '('" "$WEB_URL/api/search?q=%28budget"
err 400 "'zz' is not a message id (6 to 64 hex digits)" "$WEB_URL/api/message/zz"
err 404 "no message with id abcdef123456" "$WEB_URL/api/message/abcdef123456"
err 404 "message $id has no attachment 99" "$WEB_URL/api/attachment/$id/99"
err 400 "'x' is not an attachment number (1, 2, ...)" "$WEB_URL/api/attachment/$id/x"
err 400 "limit: '0' is not a number from 1 to 1000" "$WEB_URL/api/search?q=budget&limit=0"
err 400 "limit: '1001' is not a number from 1 to 1000" "$WEB_URL/api/search?q=budget&limit=1001"
err 400 "offset: '-1' is not a number" "$WEB_URL/api/search?q=budget&offset=-1"
err 400 "--sort: 'sideways' is not relevance, date or -date" "$WEB_URL/api/search?q=budget&sort=sideways"
err 400 "collapse: 'month' is not thread" "$WEB_URL/api/search?collapse=month"
err 404 "no such API route" "$WEB_URL/api/nothing"
err 404 "no such API route" "$WEB_URL/api/message/$id/more"
err 404 "no such page" "$WEB_URL/nothing"
err 405 "method DELETE is not allowed: GET or HEAD" -X DELETE "$WEB_URL/api/search"
err 405 "method POST is only for /login: GET or HEAD" -X POST -d x=1 "$WEB_URL/api/search"
err 400 "malformed URL" "$WEB_URL/api/search?q=%zz"
err 400 "malformed URL" "$WEB_URL/api/search?q=a%00b"
err 400 "malformed query: the query is not valid UTF-8" "$WEB_URL/api/search?q=%ff%fe"
long=$(head -c 70000 /dev/zero | tr '\0' 'a')
err 414 "the URL is longer than 65536 bytes" "$WEB_URL/api/search?q=$long"
err 413 "the request body is longer than 4096 bytes" -X POST --data-binary "x=$(head -c 5000 /dev/zero | tr '\0' 'a')" "$WEB_URL/login"
long=$(head -c 17000 /dev/zero | tr '\0' 'a')
err 400 "the query is 17,000 bytes long, more than the 16,384 a query may have (LX_MAX_QUERY_BYTES)" \
    "$WEB_URL/api/search?q=$long"
expect_eq "HEAD: the headers, no body" "200 0" \
    "$(curl -s -I -o /dev/null -w '%{http_code} %{size_download}' "$WEB_URL/api/search?q=budget")"
web_stop
finish
