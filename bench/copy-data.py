#!/usr/bin/env python3
"""copy-data.py - the sample data/ copied until it holds N messages, the
archive of the search and web benchmarks (run from the repository's root).

    bench/copy-data.py OUT N [--own-ids]
    bench/copy-data.py OUT --copies C

writes OUT/copyCCCC/NNNNNN.eml: the messages of data/eml, data/maildir/cur,
data/maildir/new, data/charsets and data/dkim, in that order, again and again
until N are written (the last copy may be cut short), or C whole copies. Each copy's messages
carry an unsigned `X-Bench-Copy: C` header first, so that they are distinct
messages whose DKIM signatures still verify. With --own-ids the copies after
the first also get Message-IDs of their own (as in a real archive, where a
message has no hundreds of copies to list): the local part of each id in
Message-ID, In-Reply-To and References gets `.bC`, so threads stay within a
copy and the signatures over those headers fail.
"""
import os
import re
import sys

FOLDERS = ("data/eml", "data/maildir/cur", "data/maildir/new", "data/charsets", "data/dkim")
ID_HEADER = re.compile(rb"(?im)^((?:message-id|in-reply-to|references):[^\r\n]*(?:\r?\n[ \t][^\r\n]*)*)")
ID_LOCAL_PART = re.compile(rb"<([^<>@]*)@")


def sources():
    """The sample messages' bytes, in the order the copies repeat them."""
    out = []
    for folder in FOLDERS:
        for name in sorted(os.listdir(folder)):
            path = os.path.join(folder, name)
            if os.path.isfile(path):
                with open(path, "rb") as f:
                    out.append(f.read())
    return out


def with_own_ids(raw, eol, copy):
    """RAW with the ids of its header's Message-ID, In-Reply-To and
    References made copy COPY's own."""
    cut = raw.find(eol + eol)
    head, rest = (raw[:cut], raw[cut:]) if cut >= 0 else (raw, b"")
    head = ID_HEADER.sub(lambda m: ID_LOCAL_PART.sub(b"<\\1.b%d@" % copy, m.group(1)), head)
    return head + rest


def main(argv):
    own_ids = argv[3:] == ["--own-ids"]
    copies = len(argv) == 4 and argv[2] == "--copies"
    if len(argv) not in (3, 4) or (len(argv) == 4 and not own_ids and not copies):
        sys.exit("usage: bench/copy-data.py OUT N [--own-ids] | OUT --copies C")
    out = argv[1]
    messages = sources()
    target = int(argv[3]) * len(messages) if copies else int(argv[2])
    n = copy = 0
    while n < target:
        folder = os.path.join(out, "copy%04d" % copy)
        os.makedirs(folder)
        for raw in messages[: target - n]:
            eol = b"\r\n" if b"\r\n" in raw[:200] else b"\n"
            if own_ids and copy:
                raw = with_own_ids(raw, eol, copy)
            with open(os.path.join(folder, "%06d.eml" % n), "wb") as f:
                f.write(b"X-Bench-Copy: %d" % copy + eol + raw)
            n += 1
        copy += 1


if __name__ == "__main__":
    main(sys.argv)
