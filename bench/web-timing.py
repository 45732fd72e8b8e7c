#!/usr/bin/env python3
"""web-timing.py - the latency part of bench/web-latency.sh: times the JSON
API requests a search page and a message page make to a running leakdex-web,
and writes the paths of those requests for the load test.

    bench/web-timing.py URL ROUNDS OUT [PID]

URL is the server's (`http://127.0.0.1:PORT/`). The search page of each
query below makes /api/search?q=Q&limit=50 and /api/facets?q=Q; the message
page makes /api/message/ID, for 50 messages spread over the archive in date
order (its 50 first would be copies of one message); all mail's search
collapsed by thread is timed too, but not loaded (it takes seconds). After
one untimed round (the first request of each path warms the index's blocks
and the server's handle), ROUNDS rounds request every path once each, in turn, on
one kept-alive connection; a request's time runs from sending it to having
read its whole body, so it is the server's time plus a loopback round trip;
on a machine busy with other work it grows with the wait for a core. Given
the server's PID, the CPU time its threads spent on each request is
measured too (from /proc/PID/task/*/schedstat, read before and after), which
that wait does not change.
Prints, per path kind and query, the median and 95th percentile, then the
search page (its two requests one after the other; over every query, and
the slowest query's) and the message page against their targets; writes OUT/search-paths.txt and
OUT/message-paths.txt. Exits 1 when a request does not answer 200 with
JSON, 2 on bad arguments.
"""
import http.client
import json
import math
import os
import statistics
import sys
import time
import urllib.parse

# The queries of bench/search-latency.sh (words and names planted in data/),
# one of each kind, a verdict, the combined one with dates that its messages
# have, and all mail (the page a reporter opens first: facets over every
# message).
QUERIES = (
    ("all mail", "*"),
    ("word", "budget"),
    ("phrase", '"budget prévisionnel"'),
    ("sender", "from:alice"),
    ("date range", "date:2016-01-01..2016-06-30"),
    ("verdict", "verified:yes"),
    ("combined", "réunion from:alice date:2013..2017"),
)
# A search page with one hit per thread (the hit list's "collapse by
# thread"), timed but left out of the load test: over all mail it takes
# seconds, which 32 clients at once would turn into timeouts.
COLLAPSED = ("all mail, one hit per thread", "*")
SEARCH_LIMIT = 50
MESSAGES = 50
TARGET_SEARCH_PAGE_MS = 30
TARGET_MESSAGE_PAGE_MS = 10


def cpu_ns(pid):
    """Nanoseconds the threads of process PID have run, or 0 without PID."""
    if not pid:
        return 0
    total = 0
    for task in os.listdir("/proc/%s/task" % pid):
        try:
            with open("/proc/%s/task/%s/schedstat" % (pid, task)) as f:
                total += int(f.read().split()[0])
        except FileNotFoundError:  # a thread that ended meanwhile
            pass
    return total


class Server:
    """One kept-alive connection to the server (reopened when it closes)."""

    def __init__(self, url, pid):
        self.pid = pid
        parts = urllib.parse.urlsplit(url)
        if parts.scheme != "http" or not parts.hostname or not parts.port:
            sys.exit("web-timing.py: not an http://HOST:PORT/ URL: %s" % url)
        self.connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)

    def get(self, path):
        """(milliseconds, the server's CPU milliseconds, the parsed JSON
        body) of GET PATH; exits on an error."""
        cpu = cpu_ns(self.pid)
        start = time.perf_counter_ns()
        self.connection.request("GET", path)
        response = self.connection.getresponse()
        body = response.read()
        elapsed = (time.perf_counter_ns() - start) / 1e6
        cpu = (cpu_ns(self.pid) - cpu) / 1e6
        kind = response.getheader("Content-Type", "")
        if response.status != 200 or not kind.startswith("application/json"):
            sys.exit("web-timing.py: GET %s: %d %s (%s): %s" % (path, response.status, response.reason, kind, body[:300]))
        return elapsed, cpu, json.loads(body)


def search_path(api, query):
    """The path of API (search or facets) for QUERY."""
    path = "/api/%s?q=%s" % (api, urllib.parse.quote(query, safe=""))
    return path + "&limit=%d" % SEARCH_LIMIT if api == "search" else path


def message_ids(server):
    """The ids of MESSAGES messages spread over the archive in date order
    (its first hits would be copies of one message)."""
    *_, first = server.get("/api/search?q=%2A&limit=1&sort=date")
    total = first["total"]
    ids = []
    for k in range(min(MESSAGES, total)):
        *_, page = server.get("/api/search?q=%%2A&limit=1&sort=date&offset=%d" % (k * total // MESSAGES))
        ids.append(page["hits"][0]["id"])
    return ids


def percentile(samples, p):
    """The nearest-rank P-th percentile of SAMPLES."""
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def figures(samples):
    """Median and 95th percentile of the wall times of SAMPLES ((wall, cpu)
    pairs), then of their CPU times."""
    wall, cpu = [w for w, _ in samples], [c for _, c in samples]
    return (statistics.median(wall), percentile(wall, 95), statistics.median(cpu), percentile(cpu, 95))


def row(kind, what, hits, samples):
    print("%-8s %-44s %7s %5d %8.1f %8.1f %8.1f %8.1f" % ((kind, what, hits, len(samples)) + figures(samples)))


def verdict(name, samples, target, note=""):
    wall, wall95, cpu, cpu95 = figures(samples)
    print("%-40s median %6.1f ms, p95 %6.1f (CPU %5.1f, %5.1f); target: median < %d ms: %s%s"
          % (name, wall, wall95, cpu, cpu95, target, "met" if wall < target else "MISSED", note))


def main(argv):
    if len(argv) not in (4, 5) or not argv[2].isdigit() or int(argv[2]) < 1:
        print("usage: bench/web-timing.py URL ROUNDS OUT [PID]", file=sys.stderr)
        return 2
    server, rounds, out = Server(argv[1], argv[4] if len(argv) == 5 else None), int(argv[2]), argv[3]
    ids = message_ids(server)
    searches = [search_path("search", q) for _, q in QUERIES]
    facets = [search_path("facets", q) for _, q in QUERIES]
    messages = ["/api/message/" + i for i in ids]
    collapsed = search_path("search", COLLAPSED[1]) + "&collapse=thread"
    paths = searches + facets + messages + [collapsed]
    times = {path: [] for path in paths}  # (wall, CPU) milliseconds per request
    hits = {}
    for path in paths:
        *_, body = server.get(path)
        hits[path] = body.get("total")
    for _ in range(rounds):
        for path in paths:
            times[path].append(server.get(path)[:2])

    print("%-8s %-44s %7s %5s %8s %8s %8s %8s" % ("request", "query", "hits", "runs", "median", "p95", "CPU med", "CPU p95"))
    for api, api_paths in (("search", searches), ("facets", facets)):
        for (kind, query), path in zip(QUERIES, api_paths):
            row(api, "%s: %s" % (kind, query), hits[path], times[path])
    row("search", "%s: %s" % COLLAPSED, hits[collapsed], times[collapsed])
    every_message = [t for p in messages for t in times[p]]
    row("message", "%d messages, spread over the dates" % len(ids), "", every_message)
    print("(ms; CPU: the server's threads' time on a core, 0 without PID)")
    verdict("search request alone:", [t for p in searches for t in times[p]], TARGET_SEARCH_PAGE_MS)
    pages = {q: [(s[0] + f[0], s[1] + f[1]) for s, f in zip(times[sp], times[fp])]
             for (_, q), sp, fp in zip(QUERIES, searches, facets)}
    verdict("search page (search, then facets):", [t for q in pages for t in pages[q]], TARGET_SEARCH_PAGE_MS)
    slowest = max(pages, key=lambda q: statistics.median(w for w, _ in pages[q]))
    verdict("slowest query's search page:", pages[slowest], TARGET_SEARCH_PAGE_MS, " (%s)" % slowest)
    verdict("message page:", every_message, TARGET_MESSAGE_PAGE_MS)

    with open(out + "/search-paths.txt", "w") as f:
        f.write("".join(p + "\n" for p in searches + facets))
    with open(out + "/message-paths.txt", "w") as f:
        f.write("".join(p + "\n" for p in messages))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
