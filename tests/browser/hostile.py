#!/usr/bin/env python3
"""hostile.py - writes the hostile archive the browser test indexes: mail whose
subjects, names, bodies and file names are HTML and script, each carrying a
canary (window.__xss) that must never be set."""
import argparse
import os
from email.message import EmailMessage
from email.headerregistry import Address
from email.utils import format_datetime
from datetime import datetime, timezone, timedelta

# The word every hostile message holds, so that one search finds them all.
WORD = "zqxhostile"
CANARY_IMG = '<img src=x onerror="window.__xss=1">'
SCRIPT = "<script>alert(1)</script>"
SUBJECT = SCRIPT + " " + CANARY_IMG + " " + WORD + " & <b>bold</b>"
NAME = CANARY_IMG + " Mallory"
JS_NAME = "javascript:alert(1)"
ATTACHMENT = '../../x"><svg onload="window.__xss=1">.txt'
ATTACHMENT_TEXT = (WORD + " attachment text " + SCRIPT + "\n" + CANARY_IMG +
                   "\n<a href=\"javascript:window.__xss=1\">click</a>\n")
BODY = ("Hello " + WORD + ",\n\n" + SCRIPT + "\n" + CANARY_IMG + "\n"
        "<a href=\"javascript:window.__xss=1\">javascript:alert(1)</a> "
        "http://evil.example/<script>window.__xss=1</script>\n"
        "\n> quoted " + SCRIPT + "\n> " + CANARY_IMG + "\n\nbye\n")
HTML_BODY = ("<html><head><script>window.__xss=1;alert(1)</script>"
             "<style>body{display:none}</style></head>"
             "<body onload=\"window.__xss=1\"><p>" + WORD + " html only</p>"
             "<img src=x onerror=\"window.__xss=1\">"
             "<iframe src=\"javascript:window.__xss=1\"></iframe>"
             "<a href=\"javascript:window.__xss=1\">link</a></body></html>")


def base(n, subject):
    msg = EmailMessage()
    msg["From"] = Address(NAME, "mallory", "hostile.example")
    msg["To"] = [Address(JS_NAME, "victim", "hostile.example"),
                 Address("<script>alert(1)</script>", "reporter", "hostile.example")]
    msg["Subject"] = subject
    when = datetime(2020, 2, n, 10, 0, tzinfo=timezone(timedelta(hours=1)))
    msg["Date"] = format_datetime(when)
    msg["Message-ID"] = "<hostile-%d@hostile.example>" % n
    return msg


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dir")
    out = ap.parse_args().dir
    os.makedirs(out, exist_ok=True)
    plain = base(1, SUBJECT)
    plain.set_content(BODY)
    html = base(2, "HTML only " + WORD + " " + SCRIPT)
    html.set_content(HTML_BODY, subtype="html")
    att = base(3, "File " + WORD + " " + CANARY_IMG)
    att.set_content(WORD + " see the attachment\n")
    att.add_attachment(ATTACHMENT_TEXT.encode(), maintype="text", subtype="plain",
                       filename=ATTACHMENT)
    for i, msg in enumerate((plain, html, att), 1):
        with open(os.path.join(out, "hostile-%d.eml" % i), "wb") as f:
            f.write(bytes(msg))


if __name__ == "__main__":
    main()
