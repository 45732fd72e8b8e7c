#!/usr/bin/env bash
# T480: exports. Every hit (never a page) to CSV, JSON or NDJSON, described
# by the query, the index and the time; CSV that LibreOffice Calc reads back
# cell for cell; --excel's byte-order mark; --export-dir copies of the
# originals with manifest.csv and SHA256SUMS that sha256sum -c accepts.
source "$(dirname "$0")/lib.sh"
index --quiet --keys "$DATA/dkim-keys.txt" "$DATA/eml" "$DATA/maildir" "$DATA/mbox" "$DATA/dkim" \
    >/dev/null 2>&1

X=$WORK/x
mkdir -p "$X"
search --export "$X/budget.csv" --limit 1 budget >"$WORK/out"
expect_eq "exit and summary: every hit, --limit ignored" "exported 7 hits to $X/budget.csv" "$(cat "$WORK/out")"
python3 - "$X/budget.csv" "$DATA" <<'PY' && ok || bad "CSV export, field by field"
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], newline="", encoding="utf-8")))
assert len(rows) == 7, len(rows)
r = {x["message_id"]: x for x in rows}["004.horizon@campagne-exemple.fr"]
assert r["date"] == "2011-06-14T07:30:00Z", r["date"]
assert r["id"] == r["sha256"][:12] and len(r["sha256"]) == 64
assert r["dkim"] == "none" and r["signers"] == "" and r["attachments"] == ""
assert r["paths"].endswith("/eml/004.eml"), r["paths"]
# The snippet the text hit line shows, without terminal highlighting.
want = ("… trouveras ci-dessous le budget prévisionnel de la tournée d'été (six étapes, du 4 "
        "au 29 juillet) : - location des salles ............ 8 400 € - transport et "
        "hébergement ....... 6 150 € - impression (tracts, affiches …")
assert r["snippet"] == want, r["snippet"]
assert all(x["snippet"] for x in rows), [x["message_id"] for x in rows if not x["snippet"]]
PY
expect_eq "the export's snippets are the hit list's" \
    "$(search --format csv budget | python3 -c 'import csv,sys; print(sorted((r["id"], r["snippet"]) for r in csv.DictReader(sys.stdin)))')" \
    "$(python3 -c 'import csv,sys; print(sorted((r["id"], r["snippet"]) for r in csv.DictReader(open(sys.argv[1], newline=""))))' "$X/budget.csv")"
expect_eq "the text hit line shows that snippet" \
    "    … trouveras ci-dessous le budget prévisionnel de la tournée d'été (six étapes, du 4 au 29 juillet) : - location des salles ............ 8 400 € - transport et hébergement ....... 6 150 € - impression (tracts, affiches …" \
    "$(search id:004.horizon@campagne-exemple.fr budget | sed -n 2p)"
meta() { python3 -c "import json,sys; m=json.load(open(sys.argv[1])); print($2)" "$1"; }
expect_eq "CSV meta: query, hits, index, version" "budget 7 True 0.1.0" \
    "$(meta "$X/budget.csv.meta.json" 'm["query"]["text"], m["hits"], m["database"]["documents"] == 143, m["leakdex_version"]')"
meta "$X/budget.csv.meta.json" 'm["exported_at"], m["database"]["created"], m["database"]["updated"]' |
    grep -qE '^20[0-9-]+T[0-9:]+Z 20[0-9-]+T[0-9:]+Z 20[0-9-]+T[0-9:]+Z$' && ok || bad "meta times"

search --export "$X/excel.csv" --excel budget >/dev/null
expect_eq "--excel: a UTF-8 byte-order mark" "efbbbf6964" "$(head -c 5 "$X/excel.csv" | od -An -tx1 | tr -d ' \n')"
expect_eq "without --excel: none" "69642c7368" "$(head -c 5 "$X/budget.csv" | od -An -tx1 | tr -d ' \n')"

search --export "$X/verified.json" --verified --domain news.dkim.example --after 2019-06 >/dev/null
python3 - "$X/verified.json" <<'PY' && ok || bad "JSON export"
import json, sys
d = json.load(open(sys.argv[1]))
q = d["export"]["query"]
assert q["verified"] is True and q["domain"] == ["news.dkim.example"], q
assert q["after"] == "2019-06-01T00:00:00Z", q["after"]
assert d["total"] == len(d["hits"]) == d["export"]["hits"] > 0, d["total"]
assert all(h["dkim"] == "pass" and h["date"] >= "2019-06" for h in d["hits"])
PY
search --export "$X/budget.json" budget >/dev/null
expect_eq "JSON export: the snippet and its matches" '["budget"]' \
    "$(python3 -c '
import json, sys
h = [h for h in json.load(open(sys.argv[1]))["hits"] if h["message_id"] == "004.horizon@campagne-exemple.fr"][0]
s = h["snippet"]
print(json.dumps([s["text"][a:b] for a, b in s["matches"]]))' "$X/budget.json")"
search --export "$X/all.ndjson" >/dev/null
expect_eq "NDJSON export: one line per message" 143 "$(wc -l <"$X/all.ndjson")"
expect_eq "NDJSON meta" 143 "$(meta "$X/all.ndjson.meta.json" 'm["hits"]')"

# LibreOffice Calc reads the CSV back cell for cell (it is in Debian), with
# quoted fields read as text (the import dialog's "Format quoted field as
# text"): identifiers are always quoted, so 171e42724376 stays an id.
if command -v soffice >/dev/null; then
    search --export "$X/calc.csv" >/dev/null
    mkdir -p "$X/calc"
    HOME=$WORK/lo timeout 180 soffice --headless --norestore --infilter="CSV:44,34,76,1,,0,true,false" \
        --convert-to "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false" \
        --outdir "$X/calc" "$X/calc.csv" >/dev/null 2>&1
    python3 - "$X/calc.csv" "$X/calc/calc.csv" <<'PY' && ok || bad "LibreOffice round trip"
import csv, sys
a = list(csv.reader(open(sys.argv[1], newline="", encoding="utf-8")))
b = list(csv.reader(open(sys.argv[2], newline="", encoding="utf-8")))
assert len(a) == len(b) == 144, (len(a), len(b))
for x, y in zip(a, b):
    for i, (p, q) in enumerate(zip(x, y)):
        assert p == q, (i, p[:60], q[:60])
PY
else
    bad "soffice (libreoffice-calc-nogui) is not installed; scripts/install-deps installs it"
fi

# The originals: copied, named by date and id, summed, listed.
search --export-dir "$X/orig" id:dk-same@dkim.example 'OR' 'id:004.horizon@campagne-exemple.fr' \
    >"$WORK/dir.out"
expect_eq "export-dir summary" "copied 2 originals of 2 hits to $X/orig" "$(cat "$WORK/dir.out")"
(cd "$X/orig" && sha256sum -c --quiet SHA256SUMS) && ok || bad "sha256sum -c SHA256SUMS"
expect_eq "files" "2011-06-14_$(search id:004.horizon@campagne-exemple.fr | cut -c1-12).eml SHA256SUMS export.meta.json manifest.csv" \
    "$(cd "$X/orig" && ls | grep -v '^2019' | sort | tr '\n' ' ' | sed 's/ $//')"
cmp -s "$X/orig/2011-06-14_"*.eml "$DATA/eml/004.eml" && ok || bad "the copy is the original, byte for byte"
expect_eq "manifest: a row per hit, the file named" 2 \
    "$(python3 -c 'import csv,sys; print(sum(1 for r in csv.DictReader(open(sys.argv[1])) if r["file"]))' "$X/orig/manifest.csv")"
search --export-dir "$X/orig2" budget >/dev/null
expect_eq "manifest: the snippets too" \
    "$(python3 -c 'import csv,sys; print(sorted((r["id"], r["snippet"]) for r in csv.DictReader(open(sys.argv[1], newline=""))))' "$X/budget.csv")" \
    "$(python3 -c 'import csv,sys; print(sorted((r["id"], r["snippet"]) for r in csv.DictReader(open(sys.argv[1], newline=""))))' "$X/orig2/manifest.csv")"
expect_status "an export directory is never reused" 2 search --export-dir "$X/orig" budget
expect_status "--excel without a CSV export" 2 search --excel budget
expect_status "--export of an unknown format" 2 search --export "$X/a.xls" budget
expect_status "--export with senders" 2 search --export "$X/s.csv" senders

finish
