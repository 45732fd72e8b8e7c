#!/usr/bin/env python3
# gen-archives.py - the archives the archive tests index: one small leak as a tree and as zip, tar, tgz, txz and 7z; a truncated zip, an encrypted zip, an office file, a hostile member name, a zip bomb and zips nested seven deep.
#   tests/tools/gen-archives.py OUTDIR
# OUTDIR/tree is the leak unpacked: mail/a.eml, mail/b.eml (with an
# attachment), box.mbox (two messages), inner.zip (mail/c.eml) and
# notes.txt (not mail). The archives hold the same files; every byte is
# fixed (no clock, no user), so sizes and offsets are too. The 7z needs
# bsdtar (libarchive-tools), the encrypted zip `zip` (Info-ZIP).
import gzip
import io
import os
import subprocess
import sys
import tarfile
import zipfile

STAMP = (2020, 1, 2, 3, 4, 6)  # zip times have 2-second steps
MTIME = 1577934246  # 2020-01-02T03:04:06Z


def message(sender, to, date, subject, msgid, body):
    return (f"From: {sender}\nTo: {to}\nDate: {date}\nSubject: {subject}\n"
            f"Message-ID: <{msgid}>\nMIME-Version: 1.0\n"
            f"Content-Type: text/plain; charset=utf-8\n\n{body}\n").encode()


def with_attachment():
    return ("From: Carol Lane <carol@leak.example>\nTo: Dave Pike <dave@leak.example>\n"
            "Date: Mon, 06 May 2019 14:00:00 +0200\nSubject: Budget attached\n"
            "Message-ID: <b@leak.example>\nMIME-Version: 1.0\n"
            'Content-Type: multipart/mixed; boundary="sep"\n\n'
            "--sep\nContent-Type: text/plain; charset=utf-8\n\nSee the file.\n"
            "--sep\nContent-Type: text/plain; name=\"budget-2019.txt\"\n"
            "Content-Disposition: attachment; filename=\"budget-2019.txt\"\n\n"
            "The pelican line of the budget is 4,200 euros.\n--sep--\n").encode()


def mbox():
    first = message("Erin Vale <erin@leak.example>", "alice@leak.example",
                    "Thu, 02 Jan 2020 08:00:00 +0000", "Mbox first walrus",
                    "m1@leak.example", "The walrus is in the first message.")
    second = message("Erin Vale <erin@leak.example>", "bob@leak.example",
                     "Mon, 03 Feb 2020 09:30:00 +0000", "Mbox second otter",
                     "m2@leak.example", "From here on, the otter.")
    # The second body's "From " line is quoted, as mbox writers do.
    second = second.replace(b"\nFrom here", b"\n>From here")
    return (b"From erin@leak.example Thu Jan  2 08:00:00 2020\n" + first + b"\n"
            b"From erin@leak.example Mon Feb  3 09:30:00 2020\n" + second)


def zip_bytes(files, compress=zipfile.ZIP_DEFLATED):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compress) as z:
        for name, data in files:
            info = zipfile.ZipInfo(name, STAMP)
            info.compress_type = compress
            info.external_attr = 0o644 << 16
            z.writestr(info, data)
    return out.getvalue()


def tar_bytes(files, mode):
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode=mode, format=tarfile.PAX_FORMAT) as t:
        for name, data in files:
            info = tarfile.TarInfo(name)
            info.size, info.mtime, info.mode = len(data), MTIME, 0o644
            info.uname = info.gname = "leak"
            t.addfile(info, io.BytesIO(data))
    return out.getvalue()


def write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)
    os.utime(path, (MTIME, MTIME))


def main(out):
    a = message("Alice Roux <alice@leak.example>", "Bob Stone <bob@leak.example>",
                "Mon, 04 Mar 2019 10:00:00 +0100", "Quarterly figures zebra",
                "a@leak.example", "The zebra figures are final.")
    c = message("Frank Hale <frank@leak.example>", "alice@leak.example",
                "Thu, 08 Jul 2021 12:00:00 +0000", "Nested heron",
                "c@leak.example", "A heron inside the inner zip.")
    files = [("mail/a.eml", a), ("mail/b.eml", with_attachment()), ("box.mbox", mbox()),
             ("inner.zip", zip_bytes([("mail/c.eml", c)])), ("notes.txt", b"Just notes.\n")]
    for name, data in files:
        write(os.path.join(out, "tree", name), data)
    write(os.path.join(out, "leak.zip"), zip_bytes(files))
    write(os.path.join(out, "leak.tar"), tar_bytes(files, "w"))
    # gzip writes a time into its header: the fixed one, not the clock.
    gz = io.BytesIO()
    with gzip.GzipFile(fileobj=gz, mode="wb", mtime=MTIME) as g:
        g.write(tar_bytes(files, "w"))
    write(os.path.join(out, "leak.tgz"), gz.getvalue())
    write(os.path.join(out, "leak.tar.xz"), tar_bytes(files, "w:xz"))
    seven = os.path.join(out, "leak.7z")
    subprocess.run(["bsdtar", "--format", "7zip", "-cf", seven, "-C", os.path.join(out, "tree")]
                   + [name for name, _ in files], check=True)
    os.utime(seven, (MTIME, MTIME))
    # Truncated: two stored messages, cut in the middle of the second.
    d = message("Gina Holt <gina@leak.example>", "bob@leak.example",
                "Fri, 10 Apr 2020 10:00:00 +0000", "Before the cut",
                "d@leak.example", "This one is whole.")
    e = message("Gina Holt <gina@leak.example>", "bob@leak.example",
                "Sat, 11 Apr 2020 10:00:00 +0000", "After the cut",
                "e@leak.example", "This one is cut " + "x" * 400)
    whole = zip_bytes([("d.eml", d), ("e.eml", e)], zipfile.ZIP_STORED)
    cut = whole.index(b"This one is cut") + 100
    write(os.path.join(out, "truncated.zip"), whole[:cut])
    # Encrypted (traditional PKWARE encryption, password "secret").
    enc_dir = os.path.join(out, "enc")
    write(os.path.join(enc_dir, "secret.eml"),
          message("Hana Reed <hana@leak.example>", "bob@leak.example",
                  "Sun, 12 Apr 2020 10:00:00 +0000", "Locked away", "f@leak.example",
                  "Nobody reads this without the password."))
    subprocess.run(["zip", "-q", "-X", "-P", "secret", os.path.join(out, "encrypted.zip"),
                    "secret.eml"], cwd=enc_dir, check=True)
    # An office file is a zip: no mail inside.
    write(os.path.join(out, "report.docx"),
          zip_bytes([("[Content_Types].xml", b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Types/>\n"),
                     ("word/document.xml", b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<w:document>Quarterly report</w:document>\n")]))
    # A zip bomb: a message, then 50 MiB of zeros (about 50 KB deflated).
    bomb_msg = message("Jo Park <jo@leak.example>", "bob@leak.example",
                       "Tue, 14 Apr 2020 10:00:00 +0000", "Before the bomb", "h@leak.example",
                       "Read before the zeros.")
    write(os.path.join(out, "bomb.zip"),
          zip_bytes([("h.eml", bomb_msg), ("zeros.bin", bytes(50 << 20))]))
    # Zips nested seven deep, a message at the bottom: past the depth limit.
    deep = zip_bytes([("deep.eml", message("Kim Lowe <kim@leak.example>", "bob@leak.example",
                                           "Wed, 15 Apr 2020 10:00:00 +0000", "At the bottom",
                                           "i@leak.example", "Too deep to be read."))])
    for level in range(6, 0, -1):
        deep = zip_bytes([(f"l{level}.zip", deep)])
    write(os.path.join(out, "deep.zip"), deep)
    # A member whose name holds a percent sign, a tab and a newline.
    write(os.path.join(out, "hostile.zip"),
          zip_bytes([("odd%name\tx\n.eml",
                      message("Ivan Moss <ivan@leak.example>", "bob@leak.example",
                              "Mon, 13 Apr 2020 10:00:00 +0000", "Hostile member name",
                              "g@leak.example", "The name of this member is odd."))]))


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: gen-archives.py OUTDIR")
    main(os.path.abspath(sys.argv[1]))
