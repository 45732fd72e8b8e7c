#!/usr/bin/env python3
"""test_web.py - leakdex-web's pages in a real browser (Debian's chromium
driven by selenium): search, filters, paging and history, a message, a
thread, downloads checked by SHA-256, the CSV export, the senders and archive
pages, both languages, the keyboard, and the hostile archive shown as text
with no script run. Every count is compared with leakdex-search's.
Run by tests/e2e/T650-web-browser.sh, which indexes data/ and the hostile
archive (hostile.py) and starts the server."""
import argparse
import csv
import hashlib
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import traceback
import urllib.parse

from selenium import webdriver
from selenium.common.exceptions import NoAlertPresentException, TimeoutException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select, WebDriverWait

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import hostile  # noqa: E402

WAIT_S = 20  # seconds a page may take to settle on a loaded machine
PAGE = 20  # the pages' default page size (LIMIT_DEFAULT in app.js)
SEARCH_WORD = "canal"  # a word of data/ with more than two pages of verified hits
ATTACHMENT_FILE = "visites-avril.csv"  # an attachment of data/eml
THREAD_ROOT = "011.horizon@campagne-exemple.fr"  # a four-message reply chain in data/


class Checks:
    def __init__(self):
        self.checks = 0
        self.failures = 0

    def ok(self):
        self.checks += 1

    def bad(self, what):
        self.checks += 1
        self.failures += 1
        print("FAIL: " + what, file=sys.stderr, flush=True)

    def eq(self, what, want, got):
        if want == got:
            self.ok()
        else:
            self.bad("%s\n    want: %r\n    got:  %r" % (what, want, got))

    def true(self, what, cond, detail=""):
        if cond:
            self.ok()
        else:
            self.bad(what + (": " + detail if detail else ""))


class Cli:
    """leakdex-search on the index the server serves."""

    def __init__(self, search, db, work):
        self.search = search
        self.db = db
        self.work = work

    def run(self, *args):
        p = subprocess.run([self.search, "--db", self.db] + list(args), capture_output=True)
        if p.returncode not in (0, 1):
            raise RuntimeError("leakdex-search %s: %s" % (" ".join(args), p.stderr.decode()))
        return p.stdout

    def count(self, q):
        return int(self.run("--count", "--", q).decode().strip() or 0)

    def json(self, *args):
        return json.loads(self.run("--format", "json", *args).decode())

    def ids(self, q, *opts):
        return [h["id"] for h in self.json(*opts, "--", q)["hits"]]

    def export_csv(self, q):
        path = tempfile.mktemp(suffix=".csv", dir=self.work)
        self.run("--export", path, "--", q)
        with open(path, "rb") as f:
            return f.read()


class Browser:
    def __init__(self, base, downloads):
        self.base = base.rstrip("/")
        self.downloads = downloads
        opts = webdriver.ChromeOptions()
        opts.binary_location = "/usr/bin/chromium"
        self.profile = tempfile.mkdtemp(prefix="leakdex-chromium-")
        for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--no-first-run", "--disable-background-networking", "--disable-component-update",
                    "--disable-sync", "--lang=en-US", "--window-size=1366,768",
                    "--user-data-dir=" + self.profile):
            opts.add_argument(arg)
        opts.add_experimental_option("prefs", {
            "download.default_directory": downloads,
            "download.prompt_for_download": False,
            "download.directory_upgrade": True,
            "safebrowsing.enabled": False,
            "intl.accept_languages": "en-US,en",
        })
        opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
        self.d = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=opts)
        self.d.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": downloads})
        self.logs = []

    def quit(self):
        self.d.quit()
        shutil.rmtree(self.profile, ignore_errors=True)

    def js(self, script, *args):
        return self.d.execute_script(script, *args)

    def wait(self, what, cond, timeout=WAIT_S):
        try:
            return WebDriverWait(self.d, timeout, poll_frequency=0.05).until(lambda d: cond())
        except TimeoutException:
            raise AssertionError("timed out waiting for " + what + " at " + self.d.current_url)

    def settled(self):
        return self.js("return document.readyState === 'complete' && !!document.querySelector('main') &&"
                       " !document.querySelector('main .loading, main [aria-busy]')")

    def settle(self, what="the page"):
        self.wait(what, self.settled)

    def get(self, path):
        self.d.get(self.base + path)
        self.settle(path)

    def url(self):
        u = urllib.parse.urlsplit(self.d.current_url)
        return u.path, dict(urllib.parse.parse_qsl(u.query))

    def click(self, css):
        self.d.find_element(By.CSS_SELECTOR, css).click()
        self.settle(css)

    def text(self, css):
        return self.js("const e = document.querySelector(arguments[0]); return e ? e.textContent : null", css)

    def texts(self, css):
        return self.js("return [...document.querySelectorAll(arguments[0])].map((e) => e.textContent)", css)

    def attrs(self, css, name):
        return self.js("return [...document.querySelectorAll(arguments[0])].map((e) => e.getAttribute(arguments[1]))", css, name)

    def shown_count(self):
        strong = self.text("#hit-count strong") or self.text("#hit-count") or ""
        digits = re.sub(r"\D", "", strong)
        return int(digits) if digits else None

    def hit_ids(self):
        return self.attrs("#hits > li.hit", "data-id")

    def collect_logs(self):
        self.logs.extend(self.d.get_log("browser"))

    def download(self, css):
        """Clicks the link CSS and returns the path of the file it downloads."""
        before = set(os.listdir(self.downloads))
        self.d.find_element(By.CSS_SELECTOR, css).click()

        def done():
            new = [n for n in set(os.listdir(self.downloads)) - before if not n.endswith(".crdownload")]
            partial = [n for n in os.listdir(self.downloads) if n.endswith(".crdownload")]
            return os.path.join(self.downloads, new[0]) if len(new) == 1 and not partial else None
        return self.wait("the download of " + css, done)


def sha256_file(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def no_script_ran(c, b, where):
    """No dialog is open and the canary the payloads set is unset."""
    try:
        alert = b.d.switch_to.alert
        c.bad("%s: a dialog opened: %r" % (where, alert.text))
        alert.dismiss()
    except NoAlertPresentException:
        c.ok()
    c.eq(where + ": window.__xss is never set", "undefined", b.js("return typeof window.__xss"))


def page_is_inert(c, b, where):
    """What the archive put on the page stays text: no element of it, no
    handler attribute, no script but ours, no link out of our routes."""
    c.eq(where + ": the only script is ours", ["/static/app.js"],
         b.js("return [...document.scripts].map((s) => s.getAttribute('src'))"))
    c.eq(where + ": no event handler attribute", 0,
         b.js("return [...document.querySelectorAll('*')].filter((e) => [...e.attributes].some((a) => /^on/i.test(a.name))).length"))
    c.eq(where + ": no img, iframe, object or embed but our logo", ["/static/favicon.svg"],
         b.js("return [...document.querySelectorAll('img, iframe, object, embed')].map((e) => e.getAttribute('src'))"))
    hrefs = b.attrs("a[href]", "href")
    c.true(where + ": every link is one of our paths", all(h.startswith("/") and not h.startswith("//") or h == "#main" for h in hrefs),
           repr([h for h in hrefs if not h.startswith("/")]))


def test_csp_detector(c, b):
    """The control: a handler attribute our pages never make is refused by the
    policy, and the refusal shows in the console log this test reads."""
    b.get("/?lang=en")
    b.d.get_log("browser")
    b.js("const i = document.createElement('img'); i.setAttribute('onerror', 'window.__xss=1');"
         " i.src = '/static/no-such-image'; document.body.append(i);")
    logs = b.wait("the policy's refusal", lambda: [e for e in b.d.get_log("browser") if "Content Security Policy" in e["message"]] or None)
    c.true("the control's inline handler is refused by the Content-Security-Policy", bool(logs))
    c.eq("the control's handler did not run", "undefined", b.js("return typeof window.__xss"))


def test_search(c, b, cli):
    b.get("/?lang=en")
    box = b.d.find_element(By.ID, "q")
    box.send_keys(SEARCH_WORD, Keys.ENTER)
    b.settle("the search")
    c.eq("Enter searches: the URL holds the query", ("/", {"q": SEARCH_WORD, "lang": "en"}), b.url())
    c.eq("the hit count shown is --count's", cli.count(SEARCH_WORD), b.shown_count())
    c.eq("the hits shown are the first page of leakdex-search's", cli.ids(SEARCH_WORD, "--limit", str(PAGE)), b.hit_ids())
    # Each filter's count is --count '(Q) AND TERM', and so is each month's.
    facets = list(zip(b.attrs("#facets a.facet", "data-query"), b.texts("#facets a.facet .facet-count")))
    c.true("filters of every kind", len(facets) >= 10 and "verified:yes" in dict(facets), repr(facets))
    for query, count in facets:
        c.eq("the filter %s shows --count's" % query, cli.count("(%s) AND %s" % (SEARCH_WORD, query)), int(re.sub(r"\D", "", count)))
    for query, label in zip(b.attrs("#facet-months a.bar", "data-query"), b.attrs("#facet-months a.bar", "aria-label")):
        c.eq("the bar %s shows --count's" % query, cli.count("(%s) AND %s" % (SEARCH_WORD, query)), int(re.sub(r"\D", "", label.split(":")[-1])))
    b.click('#facet-verdicts a[data-query="verified:yes"]')
    q = SEARCH_WORD + " verified:yes"
    c.eq("a click on 'verified' adds its term to the URL's q", {"q": q, "lang": "en"}, b.url()[1])
    c.eq("the count after the click is --count's", cli.count(q), b.shown_count())
    c.eq("the box holds the new query", q, b.d.find_element(By.ID, "q").get_attribute("value"))
    total = b.shown_count()
    c.true("more than one page of verified hits", total > PAGE, str(total))
    first = cli.ids(q, "--limit", str(PAGE))
    second = cli.ids(q, "--offset", str(PAGE), "--limit", str(PAGE))
    c.eq("page 1 is leakdex-search's", first, b.hit_ids())
    b.click("#page-next")
    c.eq("the next page's URL", {"q": q, "offset": str(PAGE), "lang": "en"}, b.url()[1])
    c.eq("page 2 is leakdex-search's --offset %d" % PAGE, second, b.hit_ids())
    c.eq("page 2 is numbered from %d" % (PAGE + 1), str(PAGE + 1), b.d.find_element(By.ID, "hits").get_attribute("start"))
    b.d.back()
    b.wait("back to page 1", lambda: "offset" not in b.url()[1] and b.settled())
    c.eq("the back button restores page 1", first, b.hit_ids())
    b.d.back()
    b.wait("back to the query without the filter", lambda: b.url()[1].get("q") == SEARCH_WORD and b.settled())
    c.eq("two steps back: the query without the filter and its count", cli.count(SEARCH_WORD), b.shown_count())
    c.eq("... and the box shows it", SEARCH_WORD, b.d.find_element(By.ID, "q").get_attribute("value"))
    b.d.forward()
    b.wait("forward to the filter", lambda: b.url()[1].get("q") == q and b.settled())
    c.eq("forward restores the filter", cli.count(q), b.shown_count())
    test_histogram(c, b, cli, q)
    test_sort_collapse(c, b, cli, q)
    return q


def test_sort_collapse(c, b, cli, q):
    Select(b.d.find_element(By.ID, "sort")).select_by_value("-date")
    b.settle("newest first")
    c.eq("the sort is in the URL", {"q": q, "sort": "-date", "lang": "en"}, b.url()[1])
    c.eq("newest first is leakdex-search --sort -date's", cli.ids(q, "--sort", "-date", "--limit", str(PAGE)), b.hit_ids())
    b.click("#collapse")
    c.eq("one hit per thread is in the URL", {"q": q, "sort": "-date", "collapse": "thread", "lang": "en"}, b.url()[1])
    c.eq("the threads counted as --collapse thread --count counts them",
         int(cli.run("--collapse", "thread", "--count", "--", q).decode()), b.shown_count())
    c.eq("one hit per thread is leakdex-search --collapse thread's",
         cli.ids(q, "--sort", "-date", "--collapse", "thread", "--limit", str(PAGE)), b.hit_ids())
    b.d.back()
    b.d.back()
    b.wait("back to the relevance order", lambda: b.url()[1] == {"q": q, "lang": "en"} and b.settled())
    c.eq("back twice: the first order again", cli.ids(q, "--limit", str(PAGE)), b.hit_ids())


def test_malformed(c, b, cli):
    """A malformed query: the command line's one line, in an alert box, and
    the box keeps the query to be corrected."""
    q = "date:2017-13 <b>x</b>"
    p = subprocess.run([cli.search, "--db", cli.db, "--count", "--", q], capture_output=True)
    line = p.stderr.decode().strip()
    c.eq("leakdex-search refuses the query", (2, True), (p.returncode, line.startswith("leakdex-search: malformed query: ")))
    b.collect_logs()
    b.get("/?" + urllib.parse.urlencode({"q": q, "lang": "en"}))
    refused = sorted(re.sub(r"^\S+?(/api/\w+)\?.*?(status of \d+).*$", r"\1 \2", e["message"]) for e in b.d.get_log("browser"))
    c.eq("the console says the search and the filters were refused, nothing else",
         ["/api/facets status of 400", "/api/search status of 400"], refused)
    c.eq("the page shows the command line's message, as text", "Error: " + line[len("leakdex-search: "):],
         b.text("#results .error[role=alert]"))
    c.eq("the box keeps the query", q, b.d.find_element(By.ID, "q").get_attribute("value"))
    # An id no message has: leakdex-search show's line, and a 404.
    p = subprocess.run([cli.search, "--db", cli.db, "show", "abcdef000000"], capture_output=True)
    line = p.stderr.decode().strip()
    c.eq("leakdex-search show knows no such message", (1, "leakdex-search: no message with id abcdef000000"), (p.returncode, line))
    b.get("/message/abcdef000000?lang=en")
    c.eq("an unknown message: the console says 404, nothing else", ["/api/message/abcdef000000 status of 404"],
         [re.sub(r"^\S+?(/api/\S+) - .*?(status of \d+).*$", r"\1 \2", e["message"]) for e in b.d.get_log("browser")])
    c.eq("the page shows the command line's message", "Error: " + line[len("leakdex-search: "):], b.text("main .error[role=alert]"))


def test_histogram(c, b, cli, q):
    bars = b.d.find_elements(By.CSS_SELECTOR, "#facet-months svg a.bar")
    c.true("the months are an SVG bar chart of links", len(bars) > 0)
    month = bars[0].get_attribute("data-query")
    c.true("a bar stands for a month", bool(re.fullmatch(r"month:\d{4}-\d\d", month or "")), repr(month))
    b.js("arguments[0].dispatchEvent(new MouseEvent('click', {bubbles: true, cancelable: true, button: 0}))", bars[0])
    b.settle("the month's hits")
    c.eq("a click on a bar filters by its month", q + " " + month, b.url()[1].get("q"))
    c.eq("the month's count is --count's", cli.count(q + " " + month), b.shown_count())
    b.d.back()
    b.wait("back from the month", lambda: b.url()[1].get("q") == q and b.settled())


def test_message(c, b, cli, q):
    first = b.hit_ids()[0]
    b.click('#hits > li.hit[data-id="%s"] a.subject-link' % first)
    c.eq("a hit's subject opens its message", "/message/" + first, b.url()[0])
    m = cli.json("show", first)
    c.eq("the message's subject", m["subject"], b.text("#msg-subject"))
    c.eq("the body as text, every line kept", m["body"], body_shown(b))
    c.true("a verified message says so in words", "verified" in (b.text("#verdict-sentence") or ""))
    c.eq("one line per DKIM signature", len(m["dkim_signatures"]), len(b.texts("ul.signatures > li")))
    c.eq("the thread link", "/thread/" + m["thread"], urllib.parse.urlsplit(b.d.find_element(By.ID, "thread-link").get_attribute("href")).path)
    b.click("#sender-link")
    want_q = "sender:" + m["from"]["address"]
    c.eq("the sender's other mail is a sender: search", want_q, b.url()[1].get("q"))
    c.eq("... with --count's count", cli.count(want_q), b.shown_count())


def body_shown(b):
    """The body as the page shows it, the folded quotes included."""
    return b.js("return [...document.querySelectorAll('#body-text > .body-run, #body-text > details > .quote-text')]"
                ".map((e) => e.textContent).join('\\n')")


def test_thread(c, b, cli):
    root = cli.json("--", "id:" + THREAD_ROOT)["hits"][0]["id"]
    b.get("/thread/" + root + "?lang=en")
    want = [h["id"] for h in cli.json("thread", root)["hits"]]
    c.eq("the thread page lists leakdex-search thread's messages in order", want, b.attrs("#thread > li", "data-id"))
    c.eq("each reply one step under the message it answers", ["0", "1", "2", "3"], b.attrs("#thread > li", "data-depth"))
    c.eq("the message the page was opened with is marked", [root], b.attrs("#thread > li.current", "data-id"))
    thread = cli.json("thread", root)["hits"][0]["thread"]
    b.get("/thread/" + thread + "?lang=en")
    c.eq("the thread by its own id: the same messages", want, b.attrs("#thread > li", "data-id"))


def test_attachment(c, b, cli):
    m = cli.json("--", "filename:" + ATTACHMENT_FILE)["hits"][0]
    b.get("/message/" + m["id"] + "?lang=en")
    att = m["attachments"][0]
    c.eq("the attachment's name", att["name"], b.text("tr.attachment[data-n='1'] .att-name"))
    c.eq("the SHA-256 the page shows is the index's", att["sha256"], b.text("tr.attachment[data-n='1'] code.sha256"))
    path = b.download("tr.attachment[data-n='1'] a.att-download")
    c.eq("the downloaded attachment has the SHA-256 the page shows", att["sha256"], sha256_file(path))
    path = b.download("#original-link")
    c.eq("the downloaded original has the message's SHA-256 (its canonical bytes)", m["sha256"], sha256_file(path))


def test_export(c, b, cli, q):
    b.get("/?" + urllib.parse.urlencode({"q": q, "lang": "en"}))
    path = b.download("#export-csv")
    with open(path, "rb") as f:
        data = f.read()
    c.eq("the CSV export is leakdex-search --export's, byte for byte", cli.export_csv(q), data)
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8"), newline="")))
    c.eq("the CSV's rows are the hits, in order", cli.ids(q), [r["id"] for r in rows])
    c.eq("as many rows as --count", cli.count(q), len(rows))


def test_senders(c, b, cli):
    b.get("/senders?lang=en")
    people = cli.json("senders")["people"]
    c.eq("the senders page has a row per sender", len(people), len(b.d.find_elements(By.CSS_SELECTOR, "#senders tbody tr")))
    c.eq("by messages first, as leakdex-search senders", [p["address"] for p in people], b.texts("#senders tbody a.sender"))
    b.click('#senders th a[data-sort="verified"]')
    c.eq("the sort is in the URL", "verified", b.url()[1].get("sort"))
    top = sorted(enumerate(people), key=lambda ip: (-ip[1]["verified"], -ip[1]["messages"], ip[0]))
    c.eq("sorted by verified messages", [p["address"] for _, p in top], b.texts("#senders tbody a.sender"))
    address = top[0][1]["address"]
    b.click("#senders tbody a.sender")
    c.eq("a click on a sender searches their mail", "sender:" + address, b.url()[1].get("q"))
    c.eq("... with --count's count", cli.count("sender:" + address), b.shown_count())


def test_archive(c, b, cli):
    b.get("/archive?lang=en")
    summary = cli.run("stats").decode().split("\n")[0]
    c.eq("the archive's summary sentence is leakdex-search stats'", summary, b.text("#archive-summary"))


def test_hostile(c, b, cli):
    b.get("/?" + urllib.parse.urlencode({"q": hostile.WORD, "lang": "en"}))
    hits = cli.json("--", hostile.WORD)["hits"]
    c.eq("the hostile messages are found", 3, b.shown_count())
    no_script_ran(c, b, "hostile hit list")
    page_is_inert(c, b, "hostile hit list")
    for h in hits:
        li = '#hits > li.hit[data-id="%s"]' % h["id"]
        c.eq("a hostile subject is shown as written", h["subject"], b.text(li + " a.subject-link"))
        c.eq("a hostile sender's name is shown as written", h["from"]["name"], b.text(li + " .from .name"))
    subjects = {h["subject"] for h in hits}
    c.true("the payloads are in the subjects", hostile.SUBJECT in subjects)
    for h in hits:
        b.get("/message/" + h["id"] + "?lang=en")
        where = "hostile message " + h["id"]
        m = cli.json("show", h["id"])
        c.eq(where + ": the subject's textContent is the exact string", m["subject"], b.text("#msg-subject"))
        c.eq(where + ": the body is shown as text, exactly", m["body"], body_shown(b))
        c.eq(where + ": the recipients' names as written", [p["name"] for p in m["to"]], b.texts(".headers dd .person .name")[1:3])
        no_script_ran(c, b, where)
        page_is_inert(c, b, where)
        if m["attachments"]:
            test_hostile_attachment(c, b, cli, m)


def test_hostile_attachment(c, b, cli, m):
    att = m["attachments"][0]
    c.eq("the hostile file name is the one written", hostile.ATTACHMENT, att["name"])
    c.eq("the hostile file name is shown as written", att["name"], b.text("tr.attachment[data-n='1'] .att-name"))
    path = b.download("tr.attachment[data-n='1'] a.att-download")
    c.eq("the hostile attachment downloads into the download folder, under a safe name",
         os.path.realpath(b.downloads), os.path.dirname(os.path.realpath(path)))
    c.eq("its bytes have the SHA-256 shown", att["sha256"], sha256_file(path))
    b.click("tr.attachment[data-n='1'] button.att-text")
    b.wait("the attachment's text", lambda: b.text("tr.att-text-row .att-text-body") is not None)
    want = json.loads(cli.run("--format", "json", "attachment-text", m["id"], "1").decode())["text"]
    c.eq("its extracted text is shown as written", want, b.text("tr.att-text-row .att-text-body"))
    no_script_ran(c, b, "hostile attachment text")
    page_is_inert(c, b, "hostile attachment text")


def test_keyboard(c, b):
    b.get("/senders?lang=en")
    b.d.find_element(By.TAG_NAME, "body").send_keys("/")
    c.eq("/ focuses the search box", "q", b.js("return document.activeElement.id"))
    b.get("/?lang=en")
    b.d.find_element(By.TAG_NAME, "body").send_keys("/")
    c.eq("/ focuses the search box on the search page", "q", b.js("return document.activeElement.id"))
    b.d.switch_to.active_element.send_keys(SEARCH_WORD, Keys.ENTER)
    b.settle("the keyboard's search")
    c.eq("Enter in the box searches", SEARCH_WORD, b.url()[1].get("q"))
    b.d.find_element(By.ID, "q").send_keys(Keys.TAB)
    style = b.js("const s = getComputedStyle(document.activeElement); return [document.activeElement.id, s.outlineStyle, s.outlineWidth]")
    c.eq("Tab reaches the search button, its focus visible", ["search-button", "solid", "3px"], style)
    reached = set()
    for _ in range(400):
        b.d.switch_to.active_element.send_keys(Keys.TAB)
        reached.add(b.js("const e = document.activeElement; return e.getAttribute('data-query') || e.id || e.className"))
        if {"verified:yes", "export-csv", "page-next"} <= reached:
            break
    c.true("Tab reaches the filters, the exports and the next page",
           {"verified:yes", "export-csv", "page-next"} <= reached, repr(sorted(reached)))


def test_language(c, b, cli):
    b.get("/?q=budget&lang=en")
    en_date = b.text("#hits > li.hit time.date")
    b.click('.lang-switch button[lang="fr"]')
    c.eq("the switch puts lang=fr in the URL", "fr", b.url()[1].get("lang"))
    c.eq("... and in the lang cookie", "fr", (b.d.get_cookie("lang") or {}).get("value"))
    c.eq("the page says it is French", "fr", b.js("return document.documentElement.lang"))
    c.eq("the menu is in French", ["Recherche", "Expéditeurs", "Archive"], b.texts("nav.nav a"))
    fr_date = b.text("#hits > li.hit time.date")
    c.true("dates are written the English way in English", bool(re.match(r"^[A-Z][a-z]{2} \d{1,2}, \d{4}, \d\d:\d\d [+-]\d\d:\d\d$", en_date or "")), repr(en_date))
    c.true("and the French way in French", bool(re.match(r"^\d{1,2} \S+ \d{4}( à|,)? \d\d:\d\d [+-]\d\d:\d\d$", fr_date or "")), repr(fr_date))
    c.eq("the count in French", "%d messages" % cli.count("budget"), b.text("#hit-count strong"))
    b.get("/archive")
    c.eq("the cookie keeps French on a URL without lang", "L\u2019archive", b.text("main h1"))
    b.click('.lang-switch button[lang="en"]')
    c.eq("back to English", "The archive", b.text("main h1"))
    # No ?lang= and no cookie: the server's choice from Accept-Language.
    b.d.delete_all_cookies()
    b.d.execute_cdp_cmd("Network.enable", {})
    b.d.execute_cdp_cmd("Network.setExtraHTTPHeaders", {"headers": {"Accept-Language": "fr-CH, fr;q=0.9, en;q=0.5"}})
    b.get("/archive")
    c.eq("a reader who prefers French gets French", ["fr", "L\u2019archive"],
         [b.js("return document.documentElement.lang"), b.text("main h1")])
    b.d.execute_cdp_cmd("Network.setExtraHTTPHeaders", {"headers": {"Accept-Language": "de-DE, en;q=0.5"}})
    b.get("/archive")
    c.eq("... and one who prefers German, then English, English", ["en", "The archive"],
         [b.js("return document.documentElement.lang"), b.text("main h1")])
    b.d.execute_cdp_cmd("Network.setExtraHTTPHeaders", {"headers": {}})


def screenshots(b, cli, q, outdir):
    os.makedirs(outdir, exist_ok=True)
    b.d.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {"width": 1366, "height": 768, "deviceScaleFactor": 1, "mobile": False})
    b.get("/?" + urllib.parse.urlencode({"q": SEARCH_WORD, "lang": "en"}))
    b.d.save_screenshot(os.path.join(outdir, "search.png"))
    corroborated = cli.json("--sort", "date", "--", "verified:chain")["hits"][0]
    b.get("/message/" + corroborated["corroboration"]["corroborated_by"][0]["id"] + "?lang=en")
    b.d.save_screenshot(os.path.join(outdir, "message.png"))
    b.d.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--url", required=True)
    ap.add_argument("--search", required=True, help="leakdex-search")
    ap.add_argument("--db", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--screenshots", help="save search.png and message.png here")
    args = ap.parse_args()
    downloads = os.path.join(args.work, "downloads")
    os.makedirs(downloads, exist_ok=True)
    c = Checks()
    cli = Cli(args.search, args.db, args.work)
    b = Browser(args.url, downloads)
    try:
        test_csp_detector(c, b)
        b.get("/?lang=en")
        b.d.get_log("browser")  # the control's refusal is not our pages'
        q = test_search(c, b, cli)
        test_message(c, b, cli, q)
        test_malformed(c, b, cli)
        test_thread(c, b, cli)
        test_attachment(c, b, cli)
        test_export(c, b, cli, q)
        test_senders(c, b, cli)
        test_archive(c, b, cli)
        test_hostile(c, b, cli)
        test_keyboard(c, b)
        test_language(c, b, cli)
        b.collect_logs()
        csp = [e["message"] for e in b.logs if "Content Security Policy" in e["message"] or "Refused to" in e["message"]]
        c.eq("no Content-Security-Policy violation from our pages", [], csp)
        severe = [e["message"] for e in b.logs if e["level"] == "SEVERE"]
        c.eq("no error in the console", [], severe)
        if args.screenshots:
            screenshots(b, cli, q, args.screenshots)
    except Exception:  # a step that cannot go on fails the run, with its trace
        c.bad(traceback.format_exc())
    finally:
        b.quit()
    print("%d passed, %d failed" % (c.checks - c.failures, c.failures))
    return 1 if c.failures else 0


if __name__ == "__main__":
    sys.exit(main())
