#!/usr/bin/env bash
# T721: tests/tools/make-scans, the OCR tests' generator. Two runs give the
# same bytes (scans, manifest, messages, the demo; the benchmark's pages
# too); tests/data/ocr is its output; the manifest says exactly what the
# files hold (names, kinds, sizes, pages, SHA-256; a two-page fax TIFF, a
# JPEG without resolution, an image-only PDF, a PDF with a text layer);
# each distinctive word is drawn in one file only and matches no message of
# data/; the messages attach exactly the files the manifest names (the
# receipt twice, the letter's bytes again under another name). Skipped (77)
# when Pillow, img2pdf or the DejaVu fonts are missing (scripts/install-deps
# test installs them).
source "$(dirname "$0")/lib.sh"
MAKE_SCANS=$LEAKDEX_SRC/tests/tools/make-scans
FIXTURES=$LEAKDEX_SRC/tests/data/ocr

# Debian's Pillow and img2pdf are for Debian's python3: the first python
# that has both.
PY=
for candidate in /usr/bin/python3 python3; do
    if command -v "$candidate" >/dev/null && "$candidate" -c 'import PIL, img2pdf' 2>/dev/null; then
        PY=$candidate
        break
    fi
done
missing=()
[[ -n $PY ]] || missing+=("python3-pil and img2pdf")
for f in DejaVuSans.ttf DejaVuSerif.ttf DejaVuSans-Bold.ttf; do
    [[ -f /usr/share/fonts/truetype/dejavu/$f ]] || { missing+=("fonts-dejavu-core"); break; }
done
if ((${#missing[@]})); then
    echo "T721 skipped: ${missing[*]} not installed (scripts/install-deps test installs them)"
    exit 77
fi

for run in a b; do
    "$PY" "$MAKE_SCANS" "$WORK/$run" --eml "$WORK/$run-mail" --demo "$WORK/$run/demo.eml" ||
        { echo "T721: make-scans failed" >&2; exit 1; }
    "$PY" "$MAKE_SCANS" --bench 2 "$WORK/$run-bench" --eml "$WORK/$run-bench-mail" ||
        { echo "T721: make-scans --bench 2 failed" >&2; exit 1; }
done
# sums DIR [FIND-ARGS]: every file's SHA-256 and path under DIR, sorted.
sums() {
    local dir=$1
    shift
    (cd "$dir" && find . -type f "$@" -print0 | sort -z | xargs -0 sha256sum)
}
expect_eq "two runs: the same scans, manifest and demo, byte for byte" \
    "$(sums "$WORK/a")" "$(sums "$WORK/b")"
expect_eq "two runs: the same messages, byte for byte" "$(sums "$WORK/a-mail")" "$(sums "$WORK/b-mail")"
expect_eq "two runs of --bench 2: the same pages, byte for byte" \
    "$(sums "$WORK/a-bench")" "$(sums "$WORK/b-bench")"
expect_eq "two runs of --bench 2: the same messages, byte for byte" \
    "$(sums "$WORK/a-bench-mail")" "$(sums "$WORK/b-bench-mail")"
expect_eq "tests/data/ocr is make-scans' output (remake it: tests/tools/make-scans tests/data/ocr --demo tests/data/ocr/demo.eml)" \
    "$(sums "$WORK/a")" "$(sums "$FIXTURES" ! -name README.md)"

expect_eq "the files written" \
    "demo.eml icon.png invoice.pdf letter.png logo.png manifest.json minutes.tiff photo.jpg receipt.png text-layer.pdf" \
    "$(cd "$WORK/a" && echo *)"
expect_eq "the messages written" \
    "ocr-1.eml ocr-2.eml ocr-3.eml ocr-4.eml ocr-5.eml ocr-6.eml ocr-7.eml ocr-8.eml ocr-9.eml" \
    "$(cd "$WORK/a-mail" && printf "%s\n" * | sort -V | tr '\n' ' ' | sed 's/ $//')"
expect_eq "--bench 2: the pages written" \
    "bench-photo-1.jpg bench-photo-2.jpg bench-png-1.png bench-png-2.png bench.pdf manifest.json" \
    "$(cd "$WORK/a-bench" && echo *)"
expect_eq "--bench 2: the messages written" \
    "./pdf/bench-pdf.eml ./photo/bench-photo-1.eml ./photo/bench-photo-2.eml ./png/bench-png-1.eml ./png/bench-png-2.eml" \
    "$(cd "$WORK/a-bench-mail" && find . -type f | sort | tr '\n' ' ' | sed 's/ $//')"

# The manifest against the files and messages; prints the distinctive words.
set -- "$WORK/a" "$WORK/a-mail" "$WORK/a-bench" "$WORK/a-bench-mail"
"$PY" - "$@" >"$WORK/words" <<'PY' && ok || bad "the manifest against the files and messages (above)"
import email, email.policy, hashlib, json, re, sys
from PIL import Image

out, mail, bench, bench_mail = sys.argv[1:5]
fails = []


def check(cond, what):
    if not cond:
        fails.append(what)


def sha(data):
    return hashlib.sha256(data).hexdigest()


def pdf_pages(data):
    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", data))


def check_files(top, manifest):
    for f in manifest["files"]:
        data = open(f"{top}/{f['file']}", "rb").read()
        check((f["bytes"], f["sha256"]) == (len(data), sha(data)), f"{f['file']}: bytes, sha256")
        if f["kind"] == "pdf":
            check(pdf_pages(data) == f["pages"], f"{f['file']}: {pdf_pages(data)} pages")
            continue
        with Image.open(f"{top}/{f['file']}") as img:
            fmt = {"png": "PNG", "tiff": "TIFF", "jpeg": "JPEG"}[f["kind"]]
            check((img.format, img.size, getattr(img, "n_frames", 1))
                  == (fmt, (f["width"], f["height"]), f["pages"]),
                  f"{f['file']}: {img.format} {img.size} {getattr(img, 'n_frames', 1)} frames")


def attachments(path):
    msg = email.message_from_bytes(open(path, "rb").read(), policy=email.policy.default)
    return msg, [(a.get_filename(), sha(a.get_content())) for a in msg.iter_attachments()]


def check_messages(maildir, manifest):
    by_name = {f["file"]: f["sha256"] for f in manifest["files"]}
    for n, m in enumerate(manifest["messages"]):
        msg, got = attachments(f"{maildir}/{m['eml']}")
        want = [(a["name"], by_name[a["file"]]) for a in m["attachments"]]
        check(got == want, f"{m['eml']}: attachments {got}")
        check(msg["Message-ID"] == f"<{m['message_id']}>", f"{m['eml']}: {msg['Message-ID']}")
        check(msg["From"].addresses[0].addr_spec == "scan@scan.example", f"{m['eml']}: From")
        check(msg["Subject"] == m["subject"], f"{m['eml']}: Subject")
        check(msg["Date"].datetime.hour == 9 + n, f"{m['eml']}: Date {msg['Date']}")
        check(not msg.defects and all(not p.defects for p in msg.walk()), f"{m['eml']}: defects")


m = json.load(open(f"{out}/manifest.json", encoding="utf-8"))
check_files(out, m)
check_messages(mail, m)
rows = [(f["file"], f["kind"], f["ocr"], f["width"], f["height"], f["pages"]) for f in m["files"]]
check(rows == [("letter.png", "png", "read", 1748, 2480, 1),
               ("minutes.tiff", "tiff", "read", 1748, 2480, 2),
               ("photo.jpg", "jpeg", "read", 1302, 1798, 1),
               ("invoice.pdf", "pdf", "read", 420, 595, 1),
               ("text-layer.pdf", "pdf", "text-layer", 420, 595, 1),
               ("logo.png", "png", "too-small", 120, 40, 1),
               ("icon.png", "png", "too-small", 32, 32, 1),
               ("receipt.png", "png", "read", 1240, 1748, 1)], f"files: {rows}")
pages = [(p["file"], p["page"], p["words"], p["found"], p["messages"]) for p in m["pages"]]
ids = ["ocr-%d@scan.example" % n for n in range(1, 10)]
check(pages == [
    ("letter.png", 1, ["Quimperlé", "zygomorphe", "lamplighter"], "ocr", [ids[0], ids[8]]),
    ("minutes.tiff", 1, ["périssoire", "quartermaster"], "ocr", [ids[1]]),
    ("minutes.tiff", 2, ["éphémérides", "sémaphore", "harpsichord"], "ocr", [ids[1]]),
    ("photo.jpg", 1, ["mégalithe", "gyroscope"], "ocr", [ids[2]]),
    ("invoice.pdf", 1, ["Scaphandrier", "Pumpernickel"], "ocr", [ids[3]]),
    ("text-layer.pdf", 1, ["hétéroclite", "Plouguerneau", "kaleidoscope"], "always", [ids[4]]),
    ("text-layer.pdf", 1, ["ornithorynque"], "never", [ids[4]]),
    ("logo.png", 1, ["quokka"], "never", [ids[5]]),
    ("icon.png", 1, [], "never", [ids[6]]),
    ("receipt.png", 1, ["pâtissière", "marzipan"], "ocr", [ids[7]])], f"pages: {pages}")
for p in m["pages"]:
    drawn = re.findall(r"\w+", " ".join(p["lines"]))
    check(all(w in drawn for w in p["words"]), f"{p['file']} page {p['page']}: words not drawn")
words = [w for p in m["pages"] for w in p["words"]]
check(len(set(w.lower() for w in words)) == len(words), "a word in two files")
check([x["message_id"] for x in m["messages"]] == ids, "message ids")
check([[a["file"] for a in x["attachments"]] for x in m["messages"][7:]]
      == [["receipt.png", "receipt.png"], ["letter.png"]], "ocr-8 and ocr-9's attachments")

# The image-only PDF has no font; the text layer's words are in its page.
invoice = open(f"{out}/invoice.pdf", "rb").read()
text_layer = open(f"{out}/text-layer.pdf", "rb").read()
check(b"/Font" not in invoice and b"/Image" in invoice, "invoice.pdf: image only")
check(all(w.encode("cp1252") in text_layer for w in m["pages"][5]["words"]),
      "text-layer.pdf: the words in its text")
check(b"ornithorynque" not in text_layer, "text-layer.pdf: the stamp's word only in pixels")
with Image.open(f"{out}/minutes.tiff") as tiff:
    check((tiff.mode, tiff.info.get("compression")) == ("1", "group4"), "minutes.tiff: G4 fax")
with Image.open(f"{out}/photo.jpg") as photo:
    check(photo.mode == "RGB" and "dpi" not in photo.info, "photo.jpg: colour, no resolution")

demo, got = attachments(f"{out}/demo.eml")
check([n for n, _ in got] == ["courrier-imprimeur.pdf"], f"demo.eml: {got}")
demo_pdf = next(demo.iter_attachments()).get_content()
check(b"/Font" not in demo_pdf and pdf_pages(demo_pdf) == 1, "demo.eml: a one-page image-only PDF")

b = json.load(open(f"{bench}/manifest.json", encoding="utf-8"))
check_files(bench, b)
check([(f["file"], f["pages"]) for f in b["files"]]
      == [("bench-png-1.png", 1), ("bench-photo-1.jpg", 1), ("bench-png-2.png", 1),
          ("bench-photo-2.jpg", 1), ("bench.pdf", 2)], "bench: files")
check(len({f["sha256"] for f in b["files"]}) == 5, "bench: five distinct files")
for x in b["messages"]:
    _, got = attachments(f"{bench_mail}/{x['eml']}")
    check([h for _, h in got] == [f["sha256"] for a in x["attachments"]
                                  for f in b["files"] if f["file"] == a["file"]],
          f"bench: {x['eml']}")

for f in fails:
    print("FAIL:", f, file=sys.stderr)
print("\n".join(words))
sys.exit(1 if fails else 0)
PY
expect_eq "19 distinctive words" 19 "$(wc -l <"$WORK/words")"

# No distinctive word matches a message of data/ (bodies, subjects, the
# text of attachments).
if index --quiet --db "$WORK/data.db" "$DATA" >"$WORK/index.out" 2>"$WORK/index.err"; then
    while read -r word; do
        expect_eq "'$word' matches no message of data/" 0 "$(search --db "$WORK/data.db" --count -- "$word")"
    done <"$WORK/words"
else
    bad "indexing data/ failed: $(head -c 300 "$WORK/index.err")"
fi
finish
