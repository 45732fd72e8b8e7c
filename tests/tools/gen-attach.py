#!/usr/bin/env python3
"""Generate data/attach/: messages whose attachments leakdex must read.

Every message and every document is written for this project: the PDFs by
hand (a minimal PDF with one text page), the DOCX, XLSX and ODT files with
zipfile (fixed dates, so the output never changes), the RTF by hand, the TNEF
winmail.dat by hand. The one legacy Word document, tests/tools/attach-assets/
tracteur.doc, was converted once from tracteur.txt with LibreOffice Writer
(`--make-doc` does it again; Writer's output is not byte-stable, so the
committed file is the reference).

Usage:
    python3 tests/tools/gen-attach.py            # (re)write data/attach
    python3 tests/tools/gen-attach.py --check    # verify data/attach (writes nothing)
    python3 tests/tools/gen-attach.py --make-doc # rebuild the .doc (needs soffice)

Each readable document holds one sentence with a word found nowhere else in
data/ (SENTENCES below); tests/e2e/T300-attachments.sh searches for each.
Standard library only.
"""

import argparse
import base64
import io
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "data" / "attach"
ASSETS = Path(__file__).resolve().parent / "attach-assets"
FIXED = (2018, 3, 1, 12, 0, 0)

# The unique word of each document, and the sentence that holds it.
SENTENCES = {
    "pdf": "The marmalade contract was signed in Quimper on Tuesday.",
    "docx": "Les cormorans du canal votent à bulletin secret.",
    "xlsx": "Subvention exceptionnelle pour le carillon municipal",
    "odt": "The accordion fund paid for the parade floats.",
    "rtf": "Le pangolin de la préfecture a mangé les archives.",
    "html": "Les lampions de la kermesse restent allumés.",
    "doc": "The tractor cooperative meets every second Thursday.",
    "zipdocx": "Le funiculaire de Montmartre ferme en août.",
    "fwd_body": "Inner note about the tapestry auction in Lyon.",
    "fwd_pdf": "The gondola invoice is overdue since March.",
    "tnef_file": "Les mandarines du marché couvert sont arrivées.",
    "tnef_body": "The walrus memo travels inside winmail.",
    "octet_pdf": "The xylophone budget doubled this year.",
    "corrupt_body": "This message carries a damaged file about the ostrich farm.",
    "dup_body": "A second copy of the marmalade contract, for the archive.",
}

# --------------------------------------------------------------------------
# Documents
# --------------------------------------------------------------------------


def make_pdf(text):
    """A one-page PDF showing text (ASCII) in Helvetica."""
    esc = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    stream = ("BT /F1 12 Tf 72 720 Td (%s) Tj ET\n" % esc).encode("ascii")
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"endstream",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, body in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    return bytes(out)


def zip_bytes(members, compress=zipfile.ZIP_DEFLATED):
    """members: list of (name, bytes), written in order with a fixed date."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, data in members:
            info = zipfile.ZipInfo(name, FIXED)
            info.compress_type = zipfile.ZIP_STORED if name == "mimetype" else compress
            info.external_attr = 0o644 << 16
            z.writestr(info, data)
    return buf.getvalue()


def xml_escape(s):
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


CT_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
RELS = (CT_HEAD + '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/officeDocument" Target="%s"/></Relationships>')


def make_docx(paragraphs):
    ct = (CT_HEAD + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
          '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
          '<Default Extension="xml" ContentType="application/xml"/>'
          '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
          'officedocument.wordprocessingml.document.main+xml"/></Types>')
    body = "".join('<w:p><w:r><w:t xml:space="preserve">%s</w:t></w:r></w:p>' % xml_escape(p)
                   for p in paragraphs)
    doc = (CT_HEAD + '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
           '<w:body>%s<w:p><w:r><w:instrText>PAGE</w:instrText></w:r></w:p></w:body></w:document>' % body)
    return zip_bytes([("[Content_Types].xml", ct), ("_rels/.rels", RELS % "word/document.xml"),
                      ("word/document.xml", doc)])


def make_xlsx(rows):
    """rows: lists of strings (shared) and numbers."""
    ct = (CT_HEAD + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
          '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
          '<Default Extension="xml" ContentType="application/xml"/>'
          '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
          'officedocument.spreadsheetml.sheet.main+xml"/>'
          '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
          'officedocument.spreadsheetml.worksheet+xml"/>'
          '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
          'officedocument.spreadsheetml.sharedStrings+xml"/></Types>')
    ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    rns = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
    wb = (CT_HEAD + '<workbook %s %s><sheets><sheet name="Budget" sheetId="1" r:id="rId1"/>'
          '</sheets></workbook>' % (ns, rns))
    wbrels = (CT_HEAD + '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
              '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
              'relationships/worksheet" Target="worksheets/sheet1.xml"/>'
              '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
              'relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>')
    strings, cells = [], []
    for r, row in enumerate(rows, 1):
        cs = ""
        for c, v in enumerate(row):
            ref = "%s%d" % ("ABCDEFGH"[c], r)
            if isinstance(v, str):
                strings.append(v)
                cs += '<c r="%s" t="s"><v>%d</v></c>' % (ref, len(strings) - 1)
            else:
                cs += '<c r="%s"><v>%s</v></c>' % (ref, v)
        cells.append('<row r="%d">%s</row>' % (r, cs))
    sheet = CT_HEAD + '<worksheet %s><sheetData>%s</sheetData></worksheet>' % (ns, "".join(cells))
    sst = (CT_HEAD + '<sst %s count="%d" uniqueCount="%d">%s</sst>'
           % (ns, len(strings), len(strings), "".join("<si><t>%s</t></si>" % xml_escape(s) for s in strings)))
    return zip_bytes([("[Content_Types].xml", ct), ("_rels/.rels", RELS % "xl/workbook.xml"),
                      ("xl/workbook.xml", wb), ("xl/_rels/workbook.xml.rels", wbrels),
                      ("xl/worksheets/sheet1.xml", sheet), ("xl/sharedStrings.xml", sst)])


def make_odt(paragraphs):
    mt = "application/vnd.oasis.opendocument.text"
    content = (CT_HEAD + '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
               'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
               '<office:body><office:text>%s</office:text></office:body></office:document-content>'
               % "".join("<text:p>%s</text:p>" % xml_escape(p).replace("  ", ' <text:s/>')
                         for p in paragraphs))
    manifest = (CT_HEAD + '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" '
                'manifest:version="1.2"><manifest:file-entry manifest:full-path="/" manifest:media-type="%s"/>'
                '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
                '</manifest:manifest>' % mt)
    return zip_bytes([("mimetype", mt), ("content.xml", content), ("META-INF/manifest.xml", manifest)])


def rtf_escape(s):
    out = ""
    for ch in s:
        o = ord(ch)
        if ch in "\\{}":
            out += "\\" + ch
        elif o < 128:
            out += ch
        elif o < 256:
            out += "\\'%02x" % o  # windows-1252 (the \ansicpg below)
        else:
            out += "\\u%d?" % (o if o < 32768 else o - 65536)
    return out


def make_rtf(sentence):
    return ("{\\rtf1\\ansi\\ansicpg1252\\deff0{\\fonttbl{\\f0\\froman Times New Roman;}}"
            "{\\colortbl;\\red0\\green0\\blue0;}{\\*\\generator Hand written;}"
            "{\\info{\\title fontonly}}\n\\f0\\fs24 %s\\par\n"
            "Sign\\'e9: la pr\\u233?fecture \\emdash  fin.\\par\n}\n" % rtf_escape(sentence)).encode("ascii")


def tnef_attr(level, attr_id, data):
    import struct
    return (struct.pack("<BII", level, attr_id, len(data)) + data
            + struct.pack("<H", sum(data) & 0xFFFF))


def make_tnef(files, body):
    import struct
    out = struct.pack("<IH", 0x223E9F78, 0x0001)
    out += tnef_attr(1, 0x00089006, struct.pack("<I", 0x00010000))      # attTnefVersion
    out += tnef_attr(1, 0x00078008, b"IPM.Microsoft Mail.Note\0")       # attMessageClass
    out += tnef_attr(1, 0x0002800C, body.encode("cp1252") + b"\0")      # attBody
    for name, data in files:
        out += tnef_attr(2, 0x00069002, b"\x01\x00\xff\xff\xff\xff\x00\x00\x00\x00\x00\x00\x00\x00")
        out += tnef_attr(2, 0x00018010, name.encode("cp1252") + b"\0")  # attAttachTitle
        out += tnef_attr(2, 0x0006800F, data)                           # attAttachData
    return out


PNG_1PX = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8/5+hHgAHggJ/PchI7wAAAABJRU5ErkJggg==")

# --------------------------------------------------------------------------
# Messages
# --------------------------------------------------------------------------

FROM = "Archives Test <archives@attach.example>"
TO = "Redaction <redaction@attach.example>"


def b64(data):
    return base64.encodebytes(data).decode("ascii")


def part(ctype, name, data, disposition="attachment", extra=""):
    hs = ["Content-Type: %s%s" % (ctype, '; name="%s"' % name if name else "")]
    if disposition:
        hs.append("Content-Disposition: %s%s" % (disposition, '; filename="%s"' % name if name else ""))
    hs.append("Content-Transfer-Encoding: base64")
    if extra:
        hs.append(extra)
    return "\n".join(hs) + "\n\n" + b64(data)


def text_part(body):
    return ("Content-Type: text/plain; charset=UTF-8\nContent-Transfer-Encoding: 8bit\n\n" + body)


def message(num, subject, day, body, parts, boundary=None):
    boundary = boundary or "=_attach_%02d" % num
    head = ("Date: Thu, %02d Mar 2018 10:00:00 +0000\nFrom: %s\nTo: %s\nSubject: %s\n"
            "Message-ID: <at-%02d@attach.example>\nMIME-Version: 1.0\n"
            % (day, FROM, TO, subject, num))
    if not parts:
        return (head + "Content-Type: text/plain; charset=UTF-8\nContent-Transfer-Encoding: 8bit\n\n"
                + body).encode("utf-8")
    out = head + 'Content-Type: multipart/mixed; boundary="%s"\n\nThis is a MIME message.\n' % boundary
    for p in [text_part(body)] + parts:
        out += "\n--%s\n%s" % (boundary, p)
    out += "\n--%s--\n" % boundary
    return out.encode("utf-8")


def build():
    S = SENTENCES
    msgs = {}
    pdf = make_pdf(S["pdf"])
    docx = make_docx(["Compte rendu", S["docx"]])
    msgs["01-pdf.eml"] = message(1, "Contrat en PDF", 1, "Le contrat est en pièce jointe.\n",
                                 [part("application/pdf", "contrat.pdf", pdf)])
    msgs["02-docx.eml"] = message(2, "Compte rendu en DOCX", 2, "Voici le compte rendu.\n",
                                  [part("application/vnd.openxmlformats-officedocument."
                                        "wordprocessingml.document", "compte-rendu.docx", docx)])
    xlsx = make_xlsx([["Poste", "Montant"], [S["xlsx"], 12500], ["Total", 12500]])
    msgs["03-xlsx.eml"] = message(3, "Budget en XLSX", 3, "Le tableau du budget.\n",
                                  [part("application/vnd.openxmlformats-officedocument."
                                        "spreadsheetml.sheet", "budget 2018.xlsx", xlsx)])
    odt = make_odt(["Minutes", S["odt"]])
    msgs["04-odt.eml"] = message(4, "Minutes in ODT", 4, "Minutes attached.\n",
                                 [part("application/vnd.oasis.opendocument.text", "minutes.odt", odt)])
    msgs["05-rtf.eml"] = message(5, "Note en RTF", 5, "La note est en RTF.\n",
                                 [part("application/rtf", "note.rtf", make_rtf(S["rtf"]))])
    html = ("<html><head><style>p{color:red}</style></head><body><h1>Kermesse</h1><p>%s</p>"
            "<p><img src=\"cid:logo\"></p></body></html>\n" % S["html"]).encode("utf-8")
    msgs["06-html.eml"] = message(6, "Programme en HTML", 6, "Le programme, et le logo.\n",
                                  [part("text/html; charset=UTF-8", "programme.html", html),
                                   part("image/png", "logo.png", PNG_1PX, "inline",
                                        "Content-ID: <logo>")])
    doc = (ASSETS / "tracteur.doc").read_bytes()
    msgs["07-doc.eml"] = message(7, "Legacy Word document", 7, "The old memo, as .doc.\n",
                                 [part("application/msword", "tracteur.doc", doc)])
    inner_docx = make_docx(["Rapport", S["zipdocx"]])
    z = zip_bytes([("rapport/funiculaire.docx", inner_docx), ("rapport/lisez-moi.txt",
                                                               "Rapport sur le transport.\n".encode())])
    msgs["08-zip-docx.eml"] = message(8, "Rapport zippé", 8, "Le rapport, zippé.\n",
                                      [part("application/zip", "rapport.zip", z)])
    inner = message(90, "Tapestry", 9, S["fwd_body"] + "\n",
                    [part("application/pdf", "gondola.pdf", make_pdf(S["fwd_pdf"]))],
                    boundary="=_inner_90").decode("utf-8")
    msgs["09-forward.eml"] = message(9, "Fwd: Tapestry", 9, "Forwarding this one.\n",
                                     ["Content-Type: message/rfc822\nContent-Disposition: inline\n\n"
                                      + inner])
    tnef = make_tnef([("mandarines.txt", (S["tnef_file"] + "\r\n").encode("cp1252"))], S["tnef_body"])
    msgs["10-winmail.eml"] = message(10, "Outlook message", 10, "Sent from Outlook.\n",
                                     [part("application/ms-tnef", "winmail.dat", tnef)])
    msgs["11-octet-pdf.eml"] = message(11, "Scan", 11, "The scan, as a file.\n",
                                       [part("application/octet-stream", "scan.bin",
                                             make_pdf(S["octet_pdf"]))])
    corrupt = make_pdf("This text is never read.")[:150] + b"\x00garbage\xff" * 20
    msgs["12-corrupt-pdf.eml"] = message(12, "Damaged PDF", 12, S["corrupt_body"] + "\n",
                                         [part("application/pdf", "ostrich.pdf", corrupt)])
    # Limits.
    bomb = zip_bytes([("zeros.bin", bytes(50 << 20)), ("after.txt", b"never read\n")])
    msgs["13-zip-bomb.eml"] = message(13, "Zip bomb", 13, "A small zip that unpacks to 50 MB.\n",
                                      [part("application/zip", "bomb.zip", bomb)])
    nested = zip_bytes([("deepest.txt", "Le hibou du dernier niveau.\n".encode())])
    for level in range(7, 0, -1):
        nested = zip_bytes([("level%d.zip" % level, nested)])
    msgs["14-deep-nesting.eml"] = message(14, "Zips in zips", 14, "Eight zips deep.\n",
                                          [part("application/zip", "level0.zip", nested)])
    msgs["15-duplicate-pdf.eml"] = message(15, "Contrat, encore", 15, S["dup_body"] + "\n",
                                           [part("application/pdf", "contrat-copie.pdf", pdf)])
    return msgs


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--check", action="store_true")
    ap.add_argument("--make-doc", action="store_true")
    args = ap.parse_args()
    if args.make_doc:
        with tempfile.TemporaryDirectory() as tmp:
            src = Path(tmp) / "tracteur.txt"
            src.write_text((ASSETS / "tracteur.txt").read_text())
            subprocess.run(["soffice", "--headless", "--convert-to", "doc:MS Word 97",
                            "--outdir", tmp, str(src)], check=True, capture_output=True)
            (ASSETS / "tracteur.doc").write_bytes((Path(tmp) / "tracteur.doc").read_bytes())
        return 0
    msgs = build()
    if args.check:
        bad = 0
        for name, data in msgs.items():
            f = OUT / name
            if not f.exists() or f.read_bytes() != data:
                print("differs: %s" % f)
                bad += 1
        extra = sorted(p.name for p in OUT.iterdir() if p.name not in msgs)
        for e in extra:
            print("not generated: %s" % e)
        return 1 if bad or extra else 0
    OUT.mkdir(parents=True, exist_ok=True)
    for p in OUT.iterdir():
        p.unlink()
    for name, data in msgs.items():
        (OUT / name).write_bytes(data)
    return 0


if __name__ == "__main__":
    sys.exit(main())
