#!/usr/bin/env bash
# T301: more containers and office formats, built here with Python's standard
# library: a .tar.gz holding a text file and a DOCX, a single gzipped file,
# a PPTX and an ODS. Each one's word finds exactly its message.
source "$(dirname "$0")/lib.sh"

python3 - "$WORK/src" "$LEAKDEX_SRC/tests/tools/gen-attach.py" <<'PY'
import gzip, importlib.util, io, os, sys, tarfile
out, gen = sys.argv[1], sys.argv[2]
spec = importlib.util.spec_from_file_location("gen", gen)
g = importlib.util.module_from_spec(spec)
spec.loader.exec_module(g)
os.makedirs(out)

def tar_gz(members):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as t:
        for name, data in members:
            info = tarfile.TarInfo(name)
            info.size, info.mtime = len(data), 0
            t.addfile(info, io.BytesIO(data))
    return buf.getvalue()

def pptx(text):
    ct = (g.CT_HEAD + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
          '<Default Extension="xml" ContentType="application/xml"/>'
          '<Override PartName="/ppt/presentation.xml" ContentType="application/vnd.openxmlformats-'
          'officedocument.presentationml.presentation.main+xml"/></Types>')
    slide = (g.CT_HEAD + '<p:sld xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main" '
             'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"><p:cSld><p:spTree><p:sp>'
             '<p:txBody><a:p><a:r><a:t>%s</a:t></a:r></a:p></p:txBody></p:sp></p:spTree></p:cSld></p:sld>'
             % g.xml_escape(text))
    return g.zip_bytes([("[Content_Types].xml", ct), ("_rels/.rels", g.RELS % "ppt/presentation.xml"),
                        ("ppt/presentation.xml", g.CT_HEAD + "<p:presentation xmlns:p=\"x\"/>"),
                        ("ppt/slides/slide1.xml", slide)])

def ods(cells):
    mt = "application/vnd.oasis.opendocument.spreadsheet"
    rows = "".join("<table:table-row>%s</table:table-row>" % "".join(
        "<table:table-cell><text:p>%s</text:p></table:table-cell>" % g.xml_escape(c) for c in r)
        for r in cells)
    content = (g.CT_HEAD + '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
               'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
               'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"><office:body>'
               '<office:spreadsheet><table:table table:name="S">%s</table:table></office:spreadsheet>'
               '</office:body></office:document-content>' % rows)
    return g.zip_bytes([("mimetype", mt), ("content.xml", content)])

msgs = {
    "1.eml": g.message(31, "Dossier", 20, "Le dossier.\n", [g.part(
        "application/gzip", "dossier.tar.gz",
        tar_gz([("notes/ocelot.txt", "The ocelot count rose again.\n".encode()),
                ("narwhal.docx", g.make_docx(["Le narval du bassin est parti."]))]))]),
    "2.eml": g.message(32, "Memo", 21, "Compressed memo.\n", [g.part(
        "application/x-gzip", "memo.txt.gz", gzip.compress("The platypus memo, compressed.\n".encode(), mtime=0))]),
    "3.eml": g.message(33, "Slides", 22, "Slides.\n", [g.part(
        "application/vnd.openxmlformats-officedocument.presentationml.presentation", "slides.pptx",
        pptx("The okapi slide closes the deck."))]),
    "4.eml": g.message(34, "Sheet", 23, "Sheet.\n", [g.part(
        "application/octet-stream", "tableau.ods", ods([["Poste", "Montant"], ["Subvention du tamanoir", "300"]]))]),
}
for name, data in msgs.items():
    open(os.path.join(out, name), "wb").write(data)
PY

index "$WORK/src" >"$WORK/out" 2>"$WORK/err"
expect_eq "indexing exits 0" 0 $?
expect_eq "no warning" "" "$(cat "$WORK/err")"
A=attach.example
expect_ids "a text file in a .tar.gz" "at-31@$A" '"ocelot count rose again"'
expect_ids "a DOCX in a .tar.gz" "at-31@$A" '"narval du bassin"'
expect_ids "a single gzipped file" "at-32@$A" '"platypus memo, compressed"'
expect_ids "PPTX" "at-33@$A" '"okapi slide closes the deck"'
expect_ids "ODS, sent as octet-stream" "at-34@$A" '"subvention du tamanoir"'
expect_ids "filetype:gzip" "at-31@$A at-32@$A" filetype:gzip
expect_ids "filetype:pptx" "at-33@$A" filetype:pptx
expect_ids "filetype:ods" "at-34@$A" filetype:ods
expect_eq "the .tar.gz and its members" \
    '[[1, 0, "dossier.tar.gz", "ok"], [2, 1, "notes/ocelot.txt", "ok"], [3, 1, "narwhal.docx", "ok"]]' \
    "$(search --format ndjson ocelot | python3 -c '
import json, sys
print(json.dumps([[a["n"], a["parent"], a["name"], a["status"]] for a in json.loads(sys.stdin.readline())["attachments"]]))')"
expect_eq "the gzipped file is named without .gz" '["memo.txt.gz", "memo.txt"]' \
    "$(search --format ndjson platypus | python3 -c '
import json, sys
print(json.dumps([a["name"] for a in json.loads(sys.stdin.readline())["attachments"]]))')"

finish
