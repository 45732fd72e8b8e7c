#!/usr/bin/env bash
# T231: notmuch's lkml corpus (../shared/corpora/notmuch) holds mail whose
# sender answered git send-email's "Message-ID to be used as In-Reply-To"
# with "yes": 43 messages of 2009 and 2010 name `<yes>` as their parent.
# It is no Message-ID, so it joins nothing; each of them stays in the
# conversation its real links make (a References header that lists `<yes>`
# before the real parent keeps the real parent). Skipped when ../shared is
# absent.
source "$(dirname "$0")/lib.sh"

CORPUS=$LEAKDEX_SRC/../shared/corpora/notmuch
if [[ ! -d $CORPUS ]]; then
    echo "SKIP: $CORPUS is absent (it lies beside the repository in CI)"
    exit 77
fi

index "$CORPUS" >"$WORK/out" 2>"$WORK/err"
expect_eq "index exits 0" 0 $?
expect_eq "the report's thread line" \
    "threads: 83 conversations in 286 messages (0 replies joined by subject alone; links not followed: 43 messages naming a parent by an id that is no Message-ID, 0 parent ids shared by strangers, 0 messages cut off from them); 44 messages moved to another thread" \
    "$(grep '^threads:' "$WORK/out")"

search --format ndjson >"$WORK/all.ndjson"
# Every conversation that holds a message naming <yes>: its Message-IDs,
# sorted, one conversation a line.
expect_eq "the messages naming <yes>: 48 messages in 13 conversations, as their real links make them" \
    "1258848661-4660-1-git-send-email-stefan@datenfreihafen.org 1258848661-4660-2-git-send-email-stefan@datenfreihafen.org 20091122183338.GB5735@excalibur.local 20091122195246.GC5735@excalibur.local 4b09891e.YhJ/aJZOBwneOaFr%michiel@michielbuddingh.net yunvdh3pfm9.fsf@aiko.keithp.com
1259224970-sup-5259@cannonball b8197bcb0911260341o480edc2bof8a30f0b724dd96@mail.gmail.com
1277220005-3322-1-git-send-email-sjayaraman@suse.de
1277220158-3405-1-git-send-email-sjayaraman@suse.de
1277220170-3442-1-git-send-email-sjayaraman@suse.de 20100622173742.448e1e94@corrin.poochiereds.net
1277220189-3485-1-git-send-email-sjayaraman@suse.de 4C248B56.8030207@suse.de 9603.1277311877@redhat.com
1277220198-3522-1-git-send-email-sjayaraman@suse.de 20100622175214.4c56234f@corrin.poochiereds.net 4C219CEF.5000003@suse.de 9658.1277312092@redhat.com
1277220206-3559-1-git-send-email-sjayaraman@suse.de 22746.1277470713@redhat.com 23204.1277472412@redhat.com 4C24A4A0.90408@suse.de 4C289B39.4060901@suse.de 9513.1277731485@redhat.com 9720.1277312290@redhat.com
1277220214-3597-1-git-send-email-sjayaraman@suse.de 18628.1277502398@redhat.com 20100625125306.7f9b1966@tlielax.poochiereds.net 20100625182651.36800d06@tlielax.poochiereds.net 20100627182229.GA492@infradead.org 20123.1277507068@redhat.com 22697.1277470549@redhat.com 4C24A606.5040001@suse.de 871vbscpce.fsf@linux.vnet.ibm.com 9822.1277312573@redhat.com AANLkTilOTrHLvLv4XWYZO6xCnYZgYT7gO2M-oKZ6VvqM@mail.gmail.com OFB55E8EC7.E8DD23D5-ON8725774E.0004921E-8825774E.0004CC31@us.ibm.com
1277220228-3635-1-git-send-email-sjayaraman@suse.de 9866.1277312701@redhat.com
1277220240-3674-1-git-send-email-sjayaraman@suse.de 9890.1277312772@redhat.com
1277220261-3717-1-git-send-email-sjayaraman@suse.de 9918.1277312860@redhat.com
1277220309-3757-1-git-send-email-sjayaraman@suse.de 4C225338.9010807@gmail.com 4C24896C.4000903@suse.de 9942.1277312914@redhat.com" \
    "$(python3 - "$WORK/all.ndjson" <<'PY'
import collections, json, sys
hits = [json.loads(line) for line in open(sys.argv[1])]
by = collections.defaultdict(list)
for h in hits:
    by[h["thread"]].append(h["message_id"])
yes = {h["thread"] for h in hits if h["in_reply_to"] == "yes" or "yes" in h["references"]}
print("\n".join(sorted(" ".join(sorted(by[t])) for t in yes)))
PY
)"
# A reply whose References read "<yes> <the patch>" is in the patch's
# thread, whose id comes from the patch's own Message-ID (its only link is
# <yes>).
sha16() { printf '%s' "$1" | sha256sum | cut -c1-16; }
expect_eq "PATCH 02/10 and Jeff Layton's reply: the patch's thread id" \
    "$(sha16 1277220170-3442-1-git-send-email-sjayaraman@suse.de) $(sha16 1277220170-3442-1-git-send-email-sjayaraman@suse.de)" \
    "$(search --format ndjson --sort date 'id:1277220170-3442-1-git-send-email-sjayaraman@suse.de OR id:20100622173742.448e1e94@corrin.poochiereds.net' |
        python3 -c 'import json,sys; print(" ".join(json.loads(l)["thread"] for l in sys.stdin))')"
expect_eq "References <yes> then the real parent: both kept, in order" \
    '["yes", "1277220170-3442-1-git-send-email-sjayaraman@suse.de"]' \
    "$(search --format ndjson id:20100622173742.448e1e94@corrin.poochiereds.net |
        python3 -c 'import json,sys; print(json.dumps(json.loads(sys.stdin.readline())["references"]))')"
expect_eq "no conversation joins messages of 2009 and 2010 any more" "" \
    "$(python3 - "$WORK/all.ndjson" <<'PY'
import collections, json, sys
years = collections.defaultdict(set)
for line in open(sys.argv[1]):
    h = json.loads(line)
    if h["date"] and (h["in_reply_to"] == "yes" or "yes" in h["references"]):
        years[h["thread"]].add(h["date"][:4])
print(" ".join(t for t, y in years.items() if len(y) > 1))
PY
)"

finish
