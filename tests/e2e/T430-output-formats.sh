#!/usr/bin/env bash
# T430: every output format, parsed: text, JSON, NDJSON, CSV.
source "$(dirname "$0")/lib.sh"
index_sample

C=campagne-exemple.fr

# text: one line per hit, ID DATE TIME SENDER SUBJECT.
line=$(search id:014.horizon@$C)
expect_eq "text line (UTC; the sender's clock showed 23:30)" \
    "2017-04-24 21:30  none       Alice Martin  Premier tour : consignes pour demain  [sent 2017-04-24 23:30 +02:00]" \
    "${line:14}"
line=$(search --tz Europe/Paris id:014.horizon@$C)
expect_eq "text line on Paris clocks" \
    "2017-04-24 23:30  none       Alice Martin  Premier tour : consignes pour demain" "${line:14}"
[[ ${line:0:12} =~ ^[0-9a-f]{12}$ ]] && ok || bad "text line starts with a 12-digit id: $line"
expect_eq "text: no date" "(no date)         none       David Brown  Draft statement for the English-language press" \
    "$(search id:031.horizon@example.org | cut -c15-)"

# JSON: the envelope and every key of a hit, in order, with exact values.
search --format json --sort date --limit 2 budget >"$WORK/b.json"
python3 - "$WORK/b.json" <<'PY' && ok || bad "JSON output"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["version"] == 1 and d["total"] == 7 and d["offset"] == 0, d
assert len(d["hits"]) == 2
keys = ["id", "sha256", "date", "date_local", "date_source", "from", "to", "cc", "bcc", "reply_to",
        "subject", "dkim", "verified", "verified_reason", "unsigned_headers", "signers",
        "corroboration", "message_id", "in_reply_to", "references", "thread",
        "thread_hits", "size", "paths", "converted", "converter",
        "copies", "conflicts", "body_source", "body_truncated", "body_signed_bytes",
        "replaced_characters", "dkim_signatures", "attachments", "snippet"]
for h in d["hits"]:
    assert list(h.keys()) == keys, list(h.keys())
    assert h["id"] == h["sha256"][:12]
h = d["hits"][0]
assert h["message_id"] == "002.horizon@example.org", h["message_id"]
assert h["date"] == "2009-11-05T18:40:00Z", h["date"]
assert h["date_local"] == "2009-11-05T18:40:00+00:00", h["date_local"]
assert d["hits"][1]["date_local"] == "2011-06-14T09:30:00+02:00", d["hits"][1]["date_local"]
assert h["date_source"] == "header"
assert h["body_source"] == "plain" and h["body_truncated"] == "no"
assert h["replaced_characters"] == 0
assert h["dkim"] == "none" and h["signers"] == [] and h["dkim_signatures"] == []
assert h["verified"] == "no" and h["verified_reason"] == "" and h["unsigned_headers"] == []
assert h["body_signed_bytes"] is None
assert h["corroboration"] == {"status": "none", "corroborated_by": [], "mismatches": []}
assert isinstance(h["size"], int) and h["size"] > 0
PY

search --format json id:022.horizon@$C >"$WORK/022.json"
python3 - "$WORK/022.json" <<'PY' && ok || bad "JSON addresses of 022"
import json, sys
h = json.load(open(sys.argv[1]))["hits"][0]
assert h["to"] == [{"name": "Rédaction Presse Exemple", "address": "presse@presse-exemple.fr"}], h["to"]
assert h["bcc"] == [{"name": "Alice Martin", "address": "alice.martin@campagne-exemple.fr"}], h["bcc"]
assert h["subject"] == "Communiqué : lancement officiel de la campagne Horizon 2017", h["subject"]
PY

search --format json id:conflict.horizon@$C >"$WORK/c.json"
python3 - "$WORK/c.json" <<'PY' && ok || bad "JSON conflicts point at each other"
import json, sys
a, b = json.load(open(sys.argv[1]))["hits"]
assert a["conflicts"] == [b["sha256"]] and b["conflicts"] == [a["sha256"]], (a, b)
assert a["copies"] == [] and b["copies"] == []
PY
search --format json id:relay.horizon@$C >"$WORK/r.json"
python3 - "$WORK/r.json" <<'PY' && ok || bad "JSON copies point at each other"
import json, sys
a, b = json.load(open(sys.argv[1]))["hits"]
assert a["copies"] == [b["sha256"]] and b["copies"] == [a["sha256"]], (a, b)
assert a["conflicts"] == [] and b["conflicts"] == []
PY

expect_eq "JSON with no hits" '{"version":1,"total":0,"offset":0,"hits":[]}' "$(search --format json nosuchword)"

# NDJSON: one object per line, as many as the total.
expect_eq "NDJSON lines" 67 "$(search --format ndjson | python3 -c 'import json,sys; print(sum(1 for l in sys.stdin if json.loads(l)))')"

# CSV: RFC 4180, parsed back by Python's csv module, header and values exact.
search --format csv --sort date >"$WORK/all.csv"
python3 - "$WORK/all.csv" <<'PY' && ok || bad "CSV output"
import csv, sys
raw = open(sys.argv[1], "rb").read()
assert raw.count(b"\r\n") >= 68, "CRLF line ends"
rows = list(csv.reader(open(sys.argv[1], newline="", encoding="utf-8")))
assert rows[0] == ["id", "sha256", "date", "date_local", "date_source", "from_name", "from_address", "to",
                   "cc", "bcc", "reply_to", "subject", "dkim", "verified", "verified_reason",
                   "unsigned_headers", "signers", "corroboration", "message_id",
                   "in_reply_to", "references", "thread", "thread_hits", "size", "paths",
                   "converted", "converter",
                   "copies", "conflicts",
                   "body_source", "body_truncated", "body_signed_bytes", "replaced_characters",
                   "dkim_signatures", "attachments", "snippet"], rows[0]
assert len(rows) == 68, len(rows)
by_id = {r[18]: r for r in rows[1:]}
r = by_id["016.horizon@example.com"]
assert len(r[11]) == 249 and r[11].startswith("Updated itinerary for the autumn regional tour: Lille, Rouen,"), r[11]
assert r[13:16] == ["no", "", ""] and r[31] == "", (r[13:16], r[31])
r = by_id["dup.horizon@campagne-exemple.fr"]
assert r[24].count("; ") == 2 and "presse.mbox@" in r[24], r[24]
r = by_id["008.horizon@mairie-exemple.fr"]
assert r[5] == "Bérénice Lefèvre" and r[6] == "b.lefevre@mairie-exemple.fr", r[5:7]
r = by_id["003.horizon@campagne-exemple.fr"]
assert r[7] == "paul@terrain.example; lina@terrain.example", r[7]
assert rows[1][2] == "" and rows[1][3] == "" and rows[1][18] == "031.horizon@example.org", \
    "undated first in date order, no date_local"
assert rows[2][2] == "2009-03-12T09:15:00Z", rows[2][2]
assert rows[2][3] == "2009-03-12T10:15:00+01:00", rows[2][3]
r = by_id["013.horizon@presse-exemple.fr"]
assert r[2] == "2016-12-15T09:05:00Z" and r[3] == "2016-12-15T09:05:00+00:00", \
    "dated by Received: the sender's clock is unknown, read as UTC"
PY

# Paging never changes the total.
expect_eq "JSON total with --limit/--offset" 7 \
    "$(search --format json --limit 1 --offset 3 budget | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["total"])')"

finish
