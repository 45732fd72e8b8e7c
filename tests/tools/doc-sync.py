#!/usr/bin/env python3
"""Keeps the documentation from drifting: man pages against the programs, the
README's query table against leakdex-query(7).

doc/leakdex-query.7.scd is the one source of the query table: README.md holds
a copy between marker comments, made by this script. Subcommands (each exits
1 and says what differs when a check fails):

  readme [--write] [--readme FILE] [--page FILE]
      compare README.md's query table with the one made from the man page
      (--write: replace it in README.md)
  options PAGE.scd HELP.txt
      every option (--long or -x) and every command that HELP.txt (the
      output of --help) prints is documented in PAGE.scd
  fields PAGE.scd HELP-QUERY.txt
      every field that `leakdex-search --help-query` prints has an entry in
      the page's query table, and every field the table uses is one of them

Standard-library Python 3 only.
"""
import argparse
import os
import re
import sys

SRC = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TABLE_BEGIN = "; query-table begin"
TABLE_END = "; query-table end"
README_BEGIN = ("<!-- query-table: made from doc/leakdex-query.7.scd by "
                "tests/tools/doc-sync.py readme --write; edit the man page, not this table -->")
README_END = "<!-- end of query-table -->"

# scdoc inline markup: *bold*, _underlined_ (not inside words), \x literal.
BOLD = re.compile(r"\*((?:\\.|[^*\\])+)\*")
UNDERLINE = re.compile(r"(?<![A-Za-z0-9])_((?:\\.|[^_\\])+)_(?![A-Za-z0-9])")
ESCAPE = re.compile(r"\\(.)")


def unescape(text):
    return ESCAPE.sub(r"\1", text)


def scd_to_markdown(text):
    """One line of scdoc text as Markdown: bold (literal text) becomes code,
    underlined (a placeholder) becomes emphasis, and | is escaped for a
    table cell."""
    out = []
    pos = 0
    pattern = re.compile(BOLD.pattern + "|" + UNDERLINE.pattern)
    for m in pattern.finditer(text):
        out.append(unescape(text[pos:m.start()]).replace("|", "\\|"))
        if m.group(1) is not None:
            out.append("`" + unescape(m.group(1)) + "`")
        else:
            out.append("*" + unescape(m.group(2)).replace("|", "\\|") + "*")
        pos = m.end()
    out.append(unescape(text[pos:]).replace("|", "\\|"))
    return "".join(out)


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def table_entries(page_text, page):
    """The entries of the query table: a list of (term line, meaning) in
    scdoc markup, the meaning's lines joined by spaces."""
    lines = page_text.split("\n")
    try:
        begin = lines.index(TABLE_BEGIN)
        end = lines.index(TABLE_END)
    except ValueError:
        sys.exit(f"{page}: no '{TABLE_BEGIN}' ... '{TABLE_END}' comment lines")
    entries = []
    for n, line in enumerate(lines[begin + 1:end], begin + 2):
        if not line.strip():
            continue
        if line.startswith("\t") and entries and "\t" not in line[1:]:
            term, meaning = entries[-1]
            entries[-1] = (term, (meaning + " " + line.strip()).strip())
        elif line.startswith("*"):
            entries.append((line.strip(), ""))
        else:
            sys.exit(f"{page}:{n}: the query table holds entries only: a line of "
                     f"*queries*, then its meaning indented by one tab")
    for term, meaning in entries:
        if not meaning:
            sys.exit(f"{page}: the query table's entry {term} has no meaning")
    return entries


def markdown_table(entries):
    rows = ["| query | matches |", "|---|---|"]
    for term, meaning in entries:
        rows.append(f"| {scd_to_markdown(term)} | {scd_to_markdown(meaning)} |")
    return "\n".join(rows)


def cmd_readme(args):
    entries = table_entries(read(args.page), args.page)
    want = markdown_table(entries)
    readme = read(args.readme)
    b = readme.find(README_BEGIN)
    e = readme.find(README_END)
    if b < 0 or e < b:
        sys.exit(f"{args.readme}: no marker comments around the query table "
                 f"('{README_BEGIN}' ... '{README_END}')")
    start = b + len(README_BEGIN) + 1
    have = readme[start:e].rstrip("\n")
    if have == want:
        return 0
    if args.write:
        with open(args.readme, "w", encoding="utf-8") as f:
            f.write(readme[:start] + want + "\n" + readme[e:])
        print(f"doc-sync: wrote the query table into {args.readme}")
        return 0
    have_rows, want_rows = have.split("\n"), want.split("\n")
    print(f"{args.readme}: the query table differs from {args.page}'s "
          f"(run tests/tools/doc-sync.py readme --write):", file=sys.stderr)
    for row in want_rows:
        if row not in have_rows:
            print(f"  missing from the README: {row}", file=sys.stderr)
    for row in have_rows:
        if row not in want_rows:
            print(f"  only in the README: {row}", file=sys.stderr)
    if sorted(have_rows) == sorted(want_rows):
        print("  (the same rows in another order)", file=sys.stderr)
    return 1


# An option as --help prints it: --long-name, or -x standing alone.
OPTION = re.compile(r"(?<![\w-])(--[a-z][a-z0-9-]*|-[A-Za-z])(?![\w-])")


def documented_terms(page_text):
    """What the page documents: the bold words that open an unindented
    line (a term of a definition list: an option, a command)."""
    terms = set()
    for line in page_text.split("\n"):
        if line.startswith("*"):
            for m in BOLD.finditer(line):
                terms.add(unescape(m.group(1)))
    return terms


def help_commands(help_text):
    """The command names listed under "commands:" in --help, if any."""
    names = []
    inside = False
    for line in help_text.split("\n"):
        if line.strip() == "commands:":
            inside = True
        elif inside and not line.strip():
            break
        elif inside:
            names.append(line.split()[0])
    return names


def cmd_options(args):
    page_text, help_text = read(args.page), read(args.help)
    terms = documented_terms(page_text)
    options = sorted(set(OPTION.findall(help_text)))
    if not options:
        sys.exit(f"{args.help}: no option found: is it --help output?")
    missing = [o for o in options if o not in terms]
    missing += [f"command {c}" for c in help_commands(help_text) if c not in terms]
    if missing:
        print(f"{args.page}: not documented, but printed by --help: {', '.join(missing)}",
              file=sys.stderr)
        return 1
    return 0


def cmd_fields(args):
    entries = table_entries(read(args.page), args.page)
    help_fields = set(re.findall(r"^  ([a-z_]+):", read(args.help), re.M))
    if not help_fields:
        sys.exit(f"{args.help}: no field found: is it --help-query output?")
    used = set()
    for term, _ in entries:
        for m in BOLD.finditer(term):
            f = re.match(r"([a-z_]+):", unescape(m.group(1)))
            if f:
                used.add(f.group(1))
    bad = [f"{f}: (printed by --help-query) has no entry" for f in sorted(help_fields - used)]
    bad += [f"{f}: (in the table) is no field of --help-query" for f in sorted(used - help_fields)]
    for b in bad:
        print(f"{args.page}: {b}", file=sys.stderr)
    return 1 if bad else 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("readme")
    r.add_argument("--write", action="store_true")
    r.add_argument("--readme", default=os.path.join(SRC, "README.md"))
    r.add_argument("--page", default=os.path.join(SRC, "doc", "leakdex-query.7.scd"))
    o = sub.add_parser("options")
    o.add_argument("page")
    o.add_argument("help")
    f = sub.add_parser("fields")
    f.add_argument("page")
    f.add_argument("help")
    args = ap.parse_args()
    return {"readme": cmd_readme, "options": cmd_options, "fields": cmd_fields}[args.cmd](args)


if __name__ == "__main__":
    sys.exit(main())
