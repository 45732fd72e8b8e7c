/* thread.c - conversations: thread links at index time, the thread pass after. */
#include "thread.h"

#include <inttypes.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "caps.h"
#include "grow.h"
#include "schema.h"
#include "sha256.h"
#include "textfold.h"
#include "utf8.h"
#include "banned.h"

/* --- subjects ------------------------------------------------------------ */

/* Prefix words, lowercase ASCII (matched case-insensitively); reply words
 * flag a reply, forward words do not. */
static const struct prefix_word {
    const char *word;
    bool reply;
} prefix_words[] = {
    {"re", true},   {"aw", true},   {"sv", true},     {"vs", true},
    {"antw", true}, {"rif", true},  {"ref", true},    {"odp", true},
    {"fw", false},  {"fwd", false}, {"tr", false},    {"wg", false},
    {"rv", false},  {"enc", false}, {"trans", false}, {"doorst", false},
};

static bool is_space(const char *p, size_t *len)
{
    if (*p == ' ' || *p == '\t') {
        *len = 1;
        return true;
    }
    /* U+00A0 and U+202F: French typography puts one before a colon. */
    if ((unsigned char)p[0] == 0xC2 && (unsigned char)p[1] == 0xA0) {
        *len = 2;
        return true;
    }
    if ((unsigned char)p[0] == 0xE2 && (unsigned char)p[1] == 0x80 && (unsigned char)p[2] == 0xAF) {
        *len = 3;
        return true;
    }
    return false;
}

static const char *skip_spaces(const char *p)
{
    size_t n;
    while (is_space(p, &n))
        p += n;
    return p;
}

static char ascii_lower(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* When p starts with one prefix ("Re:", "RE :", "Réf. :", "Re[2]:",
 * "[list]"), returns the text after it and sets *reply; else NULL. */
static const char *strip_one(const char *p, bool *reply)
{
    if (*p == '[') {
        const char *close = memchr(p, ']', strnlen(p, 64));
        if (!close || close == p + 1)
            return NULL;
        const char *after = skip_spaces(close + 1);
        /* "[tag] subject" is a list tag; a subject that is only "[x]" stays. */
        return *after ? after : NULL;
    }
    char word[8];
    size_t n = 0;
    const char *q = p;
    while (n < sizeof word - 1) {
        if ((*q >= 'a' && *q <= 'z') || (*q >= 'A' && *q <= 'Z')) {
            word[n++] = ascii_lower(*q++);
        } else if ((unsigned char)q[0] == 0xC3 &&
                   ((unsigned char)q[1] == 0xA9 || (unsigned char)q[1] == 0x89)) {
            word[n++] = 'e'; /* é or É, as in "Réf" */
            q += 2;
        } else {
            break;
        }
    }
    if (n == 0 || n == sizeof word - 1)
        return NULL;
    word[n] = '\0';
    const struct prefix_word *w = NULL;
    for (size_t i = 0; i < sizeof prefix_words / sizeof prefix_words[0]; i++)
        if (strcmp(word, prefix_words[i].word) == 0)
            w = &prefix_words[i];
    if (!w)
        return NULL;
    if (*q == '.')
        q++;
    if (*q == '[' || *q == '(') {
        char close = *q == '[' ? ']' : ')';
        const char *d = q + 1;
        while (*d >= '0' && *d <= '9' && d - q < 8)
            d++;
        if (d == q + 1 || *d != close)
            return NULL;
        q = d + 1;
    }
    q = skip_spaces(q);
    if (*q == ':')
        q++;
    else if ((unsigned char)q[0] == 0xEF && (unsigned char)q[1] == 0xBC &&
             (unsigned char)q[2] == 0x9A)
        q += 3; /* the full-width colon of CJK mailers */
    else
        return NULL;
    *reply = *reply || w->reply;
    return skip_spaces(q);
}

lx_status lx_thread_base_subject(lx_strbuf *out, const char *subject, bool *reply)
{
    *reply = false;
    const char *p = skip_spaces(subject);
    for (int guard = 0; guard < 64; guard++) {
        const char *next = strip_one(p, reply);
        if (!next)
            break;
        p = next;
    }
    lx_strbuf folded;
    lx_strbuf_init(&folded);
    lx_status st = lx_textfold_search(&folded, p, strlen(p));
    bool space = false;
    size_t start = out->len;
    for (size_t i = 0; !st && i < folded.len; i++) {
        size_t sl = 1;
        if (is_space(folded.buf + i, &sl) || folded.buf[i] == '\n' || folded.buf[i] == '\r') {
            if (sl > 1 && folded.buf[i] != '\n' && folded.buf[i] != '\r')
                i += sl - 1;
            space = true;
            continue;
        }
        if (space && out->len > start)
            st = lx_strbuf_addch(out, ' ');
        space = false;
        if (!st)
            st = lx_strbuf_addch(out, ascii_lower(folded.buf[i]));
    }
    lx_strbuf_release(&folded);
    return st;
}

/* --- links ---------------------------------------------------------------- */

/* An id as the links hold it: cut like a term, no line breaks. */
static lx_status add_id(lx_strbuf *out, const char *id)
{
    size_t len = lx_utf8_cut(id, strlen(id), LX_MAX_TERM_BYTES);
    size_t start = out->len;
    lx_status st = lx_strbuf_add(out, id, len);
    for (size_t i = start; !st && i < out->len; i++)
        if (out->buf[i] == '\n' || out->buf[i] == '\r')
            out->buf[i] = ' ';
    return st ? st : lx_strbuf_addch(out, '\n');
}

lx_status lx_thread_links(lx_strbuf *out, const lx_message *m)
{
    bool reply = false;
    lx_status st;
    if ((st = add_id(out, m->message_id)) || (st = add_id(out, m->in_reply_to)))
        return st;
    size_t flag_at = out->len;
    if ((st = lx_strbuf_addstr(out, "-\n")) ||
        (st = lx_thread_base_subject(out, m->subject, &reply)))
        return st;
    out->buf[flag_at] = reply ? 'r' : '-';
    if ((st = lx_strbuf_addch(out, '\n')))
        return st;
    size_t n = m->n_references;
    for (size_t i = 0; i < n && !st; i++) {
        /* The first (the root) and the last ones (the nearest ancestors). */
        if (n > LX_MAX_THREAD_REFS && i > 0 && i < n - (LX_MAX_THREAD_REFS - 1))
            continue;
        if (*m->references[i])
            st = add_id(out, m->references[i]);
    }
    return st;
}

bool lx_thread_id_valid(const char *id, size_t len)
{
    bool split = false; /* an "@" with something on both sides */
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)id[i];
        if (c < 0x20 || c == 0x7F)
            return false;
        if (c == '@' && i > 0 && i + 1 < len)
            split = true;
    }
    return split;
}

lx_status lx_thread_initial_id(const char *links, size_t len, const char *sha,
                               char id[LX_THREAD_ID_LEN + 1])
{
    /* The first valid reference (the root), else a valid In-Reply-To, else
     * the Message-ID, whatever it is. */
    const char *root = NULL, *p = links, *end = links + len;
    size_t root_len = 0;
    const char *irt = NULL, *mid = NULL;
    size_t irt_len = 0, mid_len = 0;
    for (size_t k = 0; p < end && !root; k++) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t l = nl ? (size_t)(nl - p) : (size_t)(end - p);
        if (k == 0) {
            mid = p;
            mid_len = l;
        } else if (k == 1) {
            irt = p;
            irt_len = l;
        } else if (k >= 4 && lx_thread_id_valid(p, l)) {
            root = p;
            root_len = l;
        }
        p = nl ? nl + 1 : end;
    }
    if (!root && irt && lx_thread_id_valid(irt, irt_len)) {
        root = irt;
        root_len = irt_len;
    }
    if (!root && mid && mid_len) {
        root = mid;
        root_len = mid_len;
    }
    if (root) {
        char hex[LX_SHA256_HEX_LEN + 1];
        lx_status st = lx_sha256_hex(root, root_len, hex);
        if (st)
            return st;
        memcpy(id, hex, LX_THREAD_ID_LEN);
        id[LX_THREAD_ID_LEN] = '\0';
        return LX_OK;
    }
    size_t n = strnlen(sha, LX_THREAD_ID_LEN);
    memcpy(id, sha, n);
    memset(id + n, '0', LX_THREAD_ID_LEN - n);
    id[LX_THREAD_ID_LEN] = '\0';
    return LX_OK;
}

/* --- the pass --------------------------------------------------------------- */

/* No node: an In-Reply-To that is absent or no Message-ID. */
#define NO_NODE UINT32_MAX

typedef struct tdoc {
    lx_docid id;
    double date;  /* +inf when undated: dated messages start threads first */
    uint64_t sha; /* first 16 hex digits of the identity: ties */
    char identity[LX_SHA256_HEX_LEN + 1]; /* the whole SHA-256, to find it in another index */
    uint64_t current;                     /* the stored thread id; 0 when unset or unreadable */
    uint64_t initial; /* as lx_thread_initial_id, links the pass ignored left out */
    uint64_t subject; /* hash of the base subject; 0 when empty */
    uint64_t sender;  /* hash of the sender address; 0 when none */
    size_t rcpt_at;   /* first of its recipients' hashes in pass.rcpt */
    uint32_t n_rcpt;
    uint32_t n_names; /* the display names of its sender and recipients, */
    size_t name_at;   /* folded and hashed, in pass.names */
    uint32_t node;    /* its Message-ID's node, or a node of its own */
    uint32_t irt;     /* its In-Reply-To's node, or NO_NODE */
    size_t ref_at;    /* first of its links in pass.refs: the valid References in order, */
    uint32_t n_ref;   /* then In-Reply-To, each once, never its own Message-ID */
    bool has_id;      /* it has a Message-ID */
    bool reply;       /* its subject has a reply prefix */
    bool not_id;      /* it names, as a parent, an id that is no Message-ID */
    bool cut_off;     /* its link to a parent id shared with strangers was cut */
} tdoc;

typedef struct pass {
    tdoc *docs;
    size_t n, alloc;
    uint64_t *rcpt;
    size_t n_rcpt, alloc_rcpt;
    uint64_t *names;
    size_t n_names, alloc_names;
    uint32_t *refs; /* every document's links, as nodes */
    size_t n_refs, alloc_refs;
    /* Message-ID hash -> node, open addressing; keys 0 are free slots. */
    uint64_t *keys;
    uint32_t *vals;
    size_t cap, used;
    uint32_t *parent; /* union-find over nodes */
    uint64_t *tid;    /* per node: the thread id its Message-ID gives; 0 for a node
                       * without one (a message without Message-ID, a group cut off) */
    size_t n_nodes, alloc_nodes, alloc_tid;
    lx_status st;
} pass;

/* A key for the node and subject tables: never 0, which marks a free slot. */
static uint64_t hash_id(const char *s, size_t len)
{
    uint64_t h = lx_hash64(s, len);
    return h ? h : 1;
}

static uint64_t parse_hex16(const char *s, size_t len)
{
    if (len < LX_THREAD_ID_LEN)
        return 0;
    uint64_t v = 0;
    for (size_t i = 0; i < LX_THREAD_ID_LEN; i++) {
        char c = s[i];
        unsigned d;
        if (c >= '0' && c <= '9')
            d = (unsigned)(c - '0');
        else if (c >= 'a' && c <= 'f')
            d = (unsigned)(c - 'a' + 10);
        else
            return 0;
        v = v << 4 | d;
    }
    return v;
}

/* A new node; tid is the thread id it gives (0: none). */
static uint32_t new_node(pass *p, uint64_t tid)
{
    if (!lx_grow((void **)&p->parent, &p->alloc_nodes, p->n_nodes + 1, sizeof *p->parent) ||
        !lx_grow((void **)&p->tid, &p->alloc_tid, p->n_nodes + 1, sizeof *p->tid)) {
        p->st = LX_E_NOMEM;
        return 0;
    }
    p->parent[p->n_nodes] = (uint32_t)p->n_nodes;
    p->tid[p->n_nodes] = tid;
    return (uint32_t)p->n_nodes++;
}

/* The node of a Message-ID, made on first use. */
static uint32_t node_of(pass *p, const char *id, size_t len)
{
    uint64_t key = hash_id(id, len);
    if (p->used * 2 >= p->cap) {
        size_t cap = p->cap ? p->cap * 2 : 1024;
        uint64_t *keys = calloc(cap, sizeof *keys);
        uint32_t *vals = malloc(cap * sizeof *vals);
        if (!keys || !vals) {
            free(keys);
            free(vals);
            p->st = LX_E_NOMEM;
            return 0;
        }
        for (size_t i = 0; i < p->cap; i++) {
            if (!p->keys[i])
                continue;
            size_t h = (size_t)(p->keys[i] & (cap - 1));
            while (keys[h])
                h = (h + 1) & (cap - 1);
            keys[h] = p->keys[i];
            vals[h] = p->vals[i];
        }
        free(p->keys);
        free(p->vals);
        p->keys = keys;
        p->vals = vals;
        p->cap = cap;
    }
    size_t h = (size_t)(key & (p->cap - 1));
    while (p->keys[h]) {
        if (p->keys[h] == key)
            return p->vals[h];
        h = (h + 1) & (p->cap - 1);
    }
    char hex[LX_SHA256_HEX_LEN + 1];
    if ((p->st = lx_sha256_hex(id, len, hex)))
        return 0;
    uint32_t n = new_node(p, parse_hex16(hex, LX_THREAD_ID_LEN));
    if (p->st)
        return 0;
    p->keys[h] = key;
    p->vals[h] = n;
    p->used++;
    return n;
}

static uint32_t find(uint32_t *parent, uint32_t x)
{
    while (parent[x] != x) {
        parent[x] = parent[parent[x]];
        x = parent[x];
    }
    return x;
}

static bool unite(uint32_t *parent, uint32_t a, uint32_t b)
{
    a = find(parent, a);
    b = find(parent, b);
    if (a == b)
        return false;
    if (a < b)
        parent[b] = a;
    else
        parent[a] = b;
    return true;
}

static void pass_reset(pass *p)
{
    p->n = p->n_rcpt = p->n_names = p->n_refs = p->n_nodes = p->used = 0;
    if (p->keys)
        memset(p->keys, 0, p->cap * sizeof *p->keys);
}

static void pass_release(pass *p)
{
    free(p->docs);
    free(p->rcpt);
    free(p->names);
    free(p->refs);
    free(p->keys);
    free(p->vals);
    free(p->parent);
    free(p->tid);
}

/* Adds a link of the document being read (p->docs[p->n]), once. */
static void add_ref(pass *p, tdoc *d, const char *id, size_t len)
{
    if (!lx_thread_id_valid(id, len)) {
        d->not_id = true;
        return;
    }
    uint32_t node = node_of(p, id, len);
    if (p->st || node == d->node)
        return;
    for (uint32_t i = 0; i < d->n_ref; i++)
        if (p->refs[d->ref_at + i] == node)
            return;
    if (!lx_grow((void **)&p->refs, &p->alloc_refs, p->n_refs + 1, sizeof *p->refs)) {
        p->st = LX_E_NOMEM;
        return;
    }
    p->refs[p->n_refs++] = node;
    d->n_ref++;
}

/* Adds a display name of the document being read, folded (ASCII letters
 * lowercased, quotes and spaces dropped): "Joe Perches" and "joe perches"
 * are one person whose address a list archive may have rewritten. */
static lx_status add_name(pass *p, tdoc *d, const char *name, size_t len)
{
    uint64_t h = 0xcbf29ce484222325u;
    size_t kept = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)name[i];
        if (c == ' ' || c == '\t' || c == '"' || c == '\'')
            continue;
        if (c >= 'A' && c <= 'Z')
            c = (unsigned char)(c - 'A' + 'a');
        h = (h ^ c) * 0x100000001b3u;
        kept++;
    }
    if (kept < 2)
        return LX_OK;
    if (!lx_grow((void **)&p->names, &p->alloc_names, p->n_names + 1, sizeof *p->names))
        return p->st = LX_E_NOMEM;
    p->names[p->n_names++] = h ? h : 1;
    d->n_names++;
    return LX_OK;
}

/* Slots read, in this order. */
enum { S_DATE, S_IDENTITY, S_THREAD, S_LINKS, S_SENDER, S_RECIPIENTS, S_COUNT };

static int on_row(void *ctx, const lx_scan_row *row)
{
    pass *p = ctx;
    if (!row) {
        pass_reset(p);
        return 0;
    }
    if (!lx_grow((void **)&p->docs, &p->alloc, p->n + 1, sizeof *p->docs)) {
        p->st = LX_E_NOMEM;
        return 1;
    }
    tdoc *d = &p->docs[p->n];
    memset(d, 0, sizeof *d);
    d->id = row->id;
    d->date = isnan(row->nums[S_DATE]) ? INFINITY : row->nums[S_DATE];
    d->sha = parse_hex16(row->vals[S_IDENTITY], row->lens[S_IDENTITY]);
    size_t il = strcspn(row->vals[S_IDENTITY], "\t");
    if (il > LX_SHA256_HEX_LEN)
        il = LX_SHA256_HEX_LEN;
    memcpy(d->identity, row->vals[S_IDENTITY], il);
    d->identity[il] = '\0';
    d->current = row->lens[S_THREAD] == LX_THREAD_ID_LEN
                     ? parse_hex16(row->vals[S_THREAD], row->lens[S_THREAD])
                     : 0;
    /* The lines: Message-ID, In-Reply-To, the reply flag, the base subject,
     * the References. */
    const char *links = row->vals[S_LINKS], *end = links + row->lens[S_LINKS];
    const char *irt = NULL;
    size_t irt_len = 0;
    d->ref_at = p->n_refs;
    d->node = NO_NODE;
    for (size_t k = 0; links < end && !p->st; k++) {
        const char *nl = memchr(links, '\n', (size_t)(end - links));
        size_t l = nl ? (size_t)(nl - links) : (size_t)(end - links);
        if (k == 0) {
            d->has_id = l > 0;
            d->node = l ? node_of(p, links, l) : new_node(p, 0);
        } else if (k == 1) {
            irt = links;
            irt_len = l;
        } else if (k == 2) {
            d->reply = l && *links == 'r';
        } else if (k == 3) {
            d->subject = l ? hash_id(links, l) : 0;
        } else if (l) {
            add_ref(p, d, links, l);
        }
        links = nl ? nl + 1 : end;
    }
    if (d->node == NO_NODE && !p->st)
        d->node = new_node(p, 0); /* no links at all */
    d->irt = NO_NODE;
    if (irt_len && !p->st) {
        add_ref(p, d, irt, irt_len);
        if (lx_thread_id_valid(irt, irt_len))
            d->irt = node_of(p, irt, irt_len);
    }
    if (p->st)
        return 1;

    const char *s = row->vals[S_SENDER];
    const char *tab = memchr(s, '\t', row->lens[S_SENDER]);
    size_t alen = tab ? (size_t)(tab - s) : row->lens[S_SENDER];
    d->sender = alen ? hash_id(s, alen) : 0;
    d->rcpt_at = p->n_rcpt;
    d->name_at = p->n_names;
    if (tab && add_name(p, d, tab + 1, row->lens[S_SENDER] - alen - 1))
        return 1;
    const char *r = row->vals[S_RECIPIENTS], *rend = r + row->lens[S_RECIPIENTS];
    while (r < rend) {
        const char *nl = memchr(r, '\n', (size_t)(rend - r));
        const char *e = nl ? nl : rend;
        const char *t = memchr(r, '\t', (size_t)(e - r));
        size_t a = t ? (size_t)(t - r) : (size_t)(e - r);
        if (a) {
            if (!lx_grow((void **)&p->rcpt, &p->alloc_rcpt, p->n_rcpt + 1, sizeof *p->rcpt)) {
                p->st = LX_E_NOMEM;
                return 1;
            }
            p->rcpt[p->n_rcpt++] = hash_id(r, a);
            d->n_rcpt++;
        }
        if (t && add_name(p, d, t + 1, (size_t)(e - t - 1)))
            return 1;
        r = nl ? nl + 1 : rend;
    }
    p->n++;
    return p->st != LX_OK;
}

static bool among(const pass *p, const tdoc *d, uint64_t who)
{
    for (uint32_t i = 0; i < d->n_rcpt; i++)
        if (p->rcpt[d->rcpt_at + i] == who)
            return true;
    return false;
}

/* Whether reply and earlier share a correspondent. */
static bool correspond(const pass *p, const tdoc *reply, const tdoc *earlier)
{
    if (reply->sender && (reply->sender == earlier->sender || among(p, earlier, reply->sender)))
        return true;
    return earlier->sender && among(p, reply, earlier->sender);
}

/* Whether a comes before b in a thread: earlier date, then SHA-256, then id. */
static bool first_of(const tdoc *a, const tdoc *b)
{
    if (a->date != b->date)
        return a->date < b->date;
    if (a->sha != b->sha)
        return a->sha < b->sha;
    return a->id < b->id;
}

/* --- parent ids shared by strangers ------------------------------------------ */

/* What makes two messages related, as a sortable key: kind, then value. */
enum { REL_SUBJECT, REL_ADDRESS, REL_NAME, REL_LINK };

typedef struct rel_key {
    uint64_t value;
    uint32_t kind;
    uint32_t member; /* index in the members of the id checked */
} rel_key;

static int by_kind_value(const void *a, const void *b)
{
    const rel_key *x = a, *y = b;
    if (x->kind != y->kind)
        return x->kind < y->kind ? -1 : 1;
    if (x->value != y->value)
        return x->value < y->value ? -1 : 1;
    return x->member < y->member ? -1 : x->member > y->member;
}

/* Scratch space for one id's check, reused from id to id. */
typedef struct check {
    uint32_t *members; /* document indexes: the claimants, then the id's own messages */
    size_t n_members, alloc_members;
    uint32_t n_claimants;
    uint32_t *local; /* union-find over members */
    size_t alloc_local;
    rel_key *keys;
    size_t n_keys, alloc_keys;
    uint32_t *group_best;  /* per group root: the member that stands for it */
    uint32_t *group_count; /* per group root: claimants in it */
    uint32_t *group_node;  /* per group root: the node its claimants link to instead */
    size_t alloc_groups, alloc_counts, alloc_nodes;
} check;

static bool add_key(check *c, uint32_t kind, uint64_t value, uint32_t member)
{
    if (!lx_grow((void **)&c->keys, &c->alloc_keys, c->n_keys + 1, sizeof *c->keys))
        return false;
    c->keys[c->n_keys++] = (rel_key){value, kind, member};
    return true;
}

/* Splits the claimants of node x into groups of related messages; when
 * there are several, every group but the keeper links to a node of its own
 * instead of x. */
static lx_status check_parent(pass *p, check *c, uint32_t x, size_t *split)
{
    size_t m = c->n_members;
    if (!lx_grow((void **)&c->local, &c->alloc_local, m, sizeof *c->local) ||
        !lx_grow((void **)&c->group_best, &c->alloc_groups, m, sizeof *c->group_best) ||
        !lx_grow((void **)&c->group_count, &c->alloc_counts, m, sizeof *c->group_count) ||
        !lx_grow((void **)&c->group_node, &c->alloc_nodes, m, sizeof *c->group_node))
        return LX_E_NOMEM;
    c->n_keys = 0;
    for (uint32_t i = 0; i < m; i++) {
        c->local[i] = i;
        const tdoc *d = &p->docs[c->members[i]];
        bool ok = (!d->subject || add_key(c, REL_SUBJECT, d->subject, i)) &&
                  (!d->sender || add_key(c, REL_ADDRESS, d->sender, i)) &&
                  add_key(c, REL_LINK, d->node, i) &&
                  (d->irt == NO_NODE || d->irt == x || add_key(c, REL_LINK, d->irt, i));
        for (uint32_t r = 0; ok && r < d->n_rcpt; r++)
            ok = add_key(c, REL_ADDRESS, p->rcpt[d->rcpt_at + r], i);
        for (uint32_t r = 0; ok && r < d->n_names; r++)
            ok = add_key(c, REL_NAME, p->names[d->name_at + r], i);
        if (!ok)
            return LX_E_NOMEM;
    }
    qsort(c->keys, c->n_keys, sizeof *c->keys, by_kind_value);
    for (size_t k = 1; k < c->n_keys; k++)
        if (c->keys[k].kind == c->keys[k - 1].kind && c->keys[k].value == c->keys[k - 1].value)
            unite(c->local, c->keys[k].member, c->keys[k - 1].member);
    /* The groups, each with the member that stands for it: the id's own
     * message when the group has it, else its earliest message. */
    size_t groups = 0;
    for (uint32_t i = 0; i < m; i++) {
        c->group_best[i] = NO_NODE;
        c->group_count[i] = 0;
    }
    for (uint32_t i = 0; i < m; i++) {
        uint32_t g = find(c->local, i);
        bool own = i >= c->n_claimants;
        if (!own)
            c->group_count[g]++;
        uint32_t b = c->group_best[g];
        if (b == NO_NODE) {
            groups++;
            c->group_best[g] = i;
            continue;
        }
        bool b_own = b >= c->n_claimants;
        if ((own && !b_own) ||
            (own == b_own && first_of(&p->docs[c->members[i]], &p->docs[c->members[b]])))
            c->group_best[g] = i;
    }
    if (groups < 2)
        return LX_OK;
    /* The keeper: the group with the id's own message, else the one with
     * the most claimants, else the one whose first message came first. */
    uint32_t keeper = NO_NODE;
    for (uint32_t i = 0; i < m; i++) {
        if (c->local[i] != i || c->group_best[i] == NO_NODE)
            continue;
        if (keeper == NO_NODE) {
            keeper = i;
            continue;
        }
        uint32_t bi = c->group_best[i], bk = c->group_best[keeper];
        bool oi = bi >= c->n_claimants, ok = bk >= c->n_claimants;
        if (oi != ok) {
            if (oi)
                keeper = i;
        } else if (c->group_count[i] != c->group_count[keeper]) {
            if (c->group_count[i] > c->group_count[keeper])
                keeper = i;
        } else if (first_of(&p->docs[c->members[bi]], &p->docs[c->members[bk]])) {
            keeper = i;
        }
    }
    for (uint32_t i = 0; i < m; i++)
        c->group_node[i] = NO_NODE;
    for (uint32_t i = 0; i < c->n_claimants; i++) {
        uint32_t g = find(c->local, i);
        if (g == keeper)
            continue;
        if (c->group_node[g] == NO_NODE) {
            c->group_node[g] = new_node(p, 0);
            if (p->st)
                return p->st;
        }
        tdoc *d = &p->docs[c->members[i]];
        for (uint32_t r = 0; r < d->n_ref; r++)
            if (p->refs[d->ref_at + r] == x)
                p->refs[d->ref_at + r] = c->group_node[g];
        d->cut_off = true;
    }
    (*split)++;
    return LX_OK;
}

/* Checks every parent id claimed by LX_THREAD_STRANGER_CLAIMS messages or
 * more (see lx_thread_pass); counts the ids split. */
static lx_status check_shared_parents(pass *p, size_t *split)
{
    lx_status st = LX_OK;
    size_t nodes = p->n_nodes;
    /* Claims per node, then the claimants of each node in one array. */
    size_t *start = calloc(nodes + 1, sizeof *start);
    uint32_t *claimant = malloc((p->n_refs ? p->n_refs : 1) * sizeof *claimant);
    uint32_t *owner = malloc((nodes ? nodes : 1) * sizeof *owner); /* first doc with that id */
    uint32_t *next_owner = malloc((p->n ? p->n : 1) * sizeof *next_owner);
    check c;
    memset(&c, 0, sizeof c);
    if (!start || !claimant || !owner || !next_owner) {
        st = LX_E_NOMEM;
        goto out;
    }
    for (size_t i = 0; i < p->n_refs; i++)
        start[p->refs[i] + 1]++;
    for (size_t i = 0; i < nodes; i++)
        start[i + 1] += start[i];
    for (size_t i = 0; i < nodes; i++)
        owner[i] = NO_NODE;
    for (size_t i = p->n; i-- > 0;) {
        next_owner[i] = owner[p->docs[i].node];
        owner[p->docs[i].node] = (uint32_t)i;
    }
    {
        size_t *fill = calloc(nodes ? nodes : 1, sizeof *fill);
        if (!fill) {
            st = LX_E_NOMEM;
            goto out;
        }
        for (size_t i = 0; i < p->n; i++) {
            const tdoc *d = &p->docs[i];
            for (uint32_t r = 0; r < d->n_ref; r++) {
                uint32_t x = p->refs[d->ref_at + r];
                claimant[start[x] + fill[x]++] = (uint32_t)i;
            }
        }
        free(fill);
    }
    for (uint32_t x = 0; x < nodes && !st; x++) {
        size_t n = start[x + 1] - start[x];
        if (n < LX_THREAD_STRANGER_CLAIMS)
            continue;
        /* Claimants first, then the id's own messages. */
        if (!lx_grow((void **)&c.members, &c.alloc_members, n, sizeof *c.members)) {
            st = LX_E_NOMEM;
            break;
        }
        memcpy(c.members, claimant + start[x], n * sizeof *c.members);
        c.n_members = n;
        c.n_claimants = (uint32_t)n;
        for (uint32_t o = owner[x]; o != NO_NODE && !st; o = next_owner[o]) {
            if (!lx_grow((void **)&c.members, &c.alloc_members, c.n_members + 1, sizeof *c.members))
                st = LX_E_NOMEM;
            else
                c.members[c.n_members++] = o;
        }
        if (!st)
            st = check_parent(p, &c, x, split);
    }
out:
    free(start);
    free(claimant);
    free(owner);
    free(next_owner);
    free(c.members);
    free(c.local);
    free(c.keys);
    free(c.group_best);
    free(c.group_count);
    free(c.group_node);
    return st;
}

/* --- joining ------------------------------------------------------------------ */

/* A message with a subject, as join_by_subject sorts them. */
typedef struct subject_key {
    uint64_t subject;
    double date;
    uint64_t sha;
    uint32_t id;
    uint32_t doc; /* index in pass.docs */
} subject_key;

static int by_subject_date(const void *a, const void *b)
{
    const subject_key *x = a, *y = b;
    if (x->subject != y->subject)
        return x->subject < y->subject ? -1 : 1;
    if (x->date != y->date)
        return x->date < y->date ? -1 : 1;
    if (x->sha != y->sha)
        return x->sha < y->sha ? -1 : 1;
    return x->id < y->id ? -1 : x->id > y->id;
}

/* Joins replies without references to their thread by subject. */
static lx_status join_by_subject(pass *p, size_t *joined)
{
    subject_key *order = malloc((p->n ? p->n : 1) * sizeof *order);
    if (!order)
        return LX_E_NOMEM;
    size_t n = 0;
    for (size_t i = 0; i < p->n; i++) {
        const tdoc *d = &p->docs[i];
        if (d->subject && isfinite(d->date))
            order[n++] = (subject_key){d->subject, d->date, d->sha, d->id, (uint32_t)i};
    }
    qsort(order, n, sizeof *order, by_subject_date);
    const double window = (double)LX_THREAD_SUBJECT_DAYS * 86400.0;
    for (size_t k = 0; k < n; k++) {
        tdoc *reply = &p->docs[order[k].doc];
        /* A reply prefix and no link the pass trusts. */
        if (!reply->reply || reply->n_ref)
            continue;
        for (size_t j = k, seen = 0; j-- > 0 && seen < LX_THREAD_SUBJECT_LOOKBACK; seen++) {
            tdoc *earlier = &p->docs[order[j].doc];
            if (earlier->subject != reply->subject || reply->date - earlier->date > window)
                break;
            if (correspond(p, reply, earlier)) {
                if (unite(p->parent, reply->node, earlier->node))
                    (*joined)++;
                break;
            }
        }
    }
    free(order);
    return LX_OK;
}

/* Every message with the links it keeps, and its initial id: the first of
 * its links that names a Message-ID (a group cut off from a shared parent
 * links to a node that names none), else its own Message-ID, else its
 * SHA-256. */
static void link_all(pass *p)
{
    for (size_t i = 0; i < p->n; i++) {
        tdoc *d = &p->docs[i];
        d->initial = 0;
        for (uint32_t r = 0; r < d->n_ref; r++) {
            uint32_t x = p->refs[d->ref_at + r];
            unite(p->parent, d->node, x);
            if (!d->initial)
                d->initial = p->tid[x];
        }
        if (!d->initial && d->has_id)
            d->initial = p->tid[d->node];
        if (!d->initial)
            d->initial = d->sha;
    }
}

/* --- moving documents to their thread ---------------------------------------- */

/* A document moved from thread `from` into thread `to`, for the aliases. */
typedef struct move {
    uint64_t to, from;
} move;

static int by_to_from(const void *x, const void *y)
{
    const move *a = x, *b = y;
    if (a->to != b->to)
        return a->to < b->to ? -1 : 1;
    return a->from < b->from ? -1 : a->from > b->from;
}

static int by_id(const void *x, const void *y)
{
    uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;
    return a < b ? -1 : a > b;
}

/* Appends to *ids the thread ids of thread id's alias key in db (16 hex
 * digits each; anything else skipped); the key's value into *stored (malloc'd,
 * caller frees) when stored is not NULL. */
static lx_status add_aliases(lx_db *db, uint64_t id, uint64_t **ids, size_t *n, size_t *alloc,
                             char **stored)
{
    char key[sizeof LX_THREAD_ALIAS_METADATA_PREFIX + LX_THREAD_ID_LEN];
    snprintf(key, sizeof key, "%s%016" PRIx64, LX_THREAD_ALIAS_METADATA_PREFIX, id);
    char *value = NULL;
    lx_status st = lx_db_get_metadata(db, key, &value);
    size_t len = value ? strlen(value) : 0;
    for (size_t at = 0; !st && at + LX_THREAD_ID_LEN <= len; at += LX_THREAD_ID_LEN) {
        uint64_t alias = parse_hex16(value + at, LX_THREAD_ID_LEN);
        if (!alias)
            continue;
        if (!lx_grow((void **)ids, alloc, *n + 1, sizeof **ids))
            st = LX_E_NOMEM;
        else
            (*ids)[(*n)++] = alias;
    }
    if (stored)
        *stored = value;
    else
        free(value);
    return st;
}

/*
 * Records, in db, where the documents of moves[0..n) (sorted by to, then
 * from) came from. A document keeps the thread term of its initial id; the
 * pass changes only its thread id value. So that thread:ID finds it by
 * terms, the alias key of each thread lists a superset of the initial ids
 * of its documents other than its own id: a document moved from thread
 * `from` has the term of `from` or of one of from's aliases, so `to` takes
 * them all, besides its own. (Filtered by the value, the superset gives
 * exactly the thread's documents: lx_xq_thread.) Over shards, each shard
 * keeps the aliases of its own documents.
 */
static lx_status record_aliases(lx_db *db, const move *moves, size_t n)
{
    uint64_t *ids = NULL;
    size_t alloc = 0;
    lx_strbuf value;
    lx_strbuf_init(&value);
    lx_status st = LX_OK;
    for (size_t i = 0; i < n && !st;) {
        uint64_t to = moves[i].to;
        size_t n_ids = 0;
        char *stored = NULL;
        st = add_aliases(db, to, &ids, &n_ids, &alloc, &stored);
        for (; i < n && moves[i].to == to && !st; i++) {
            if (i > 0 && moves[i - 1].to == to && moves[i - 1].from == moves[i].from)
                continue;
            if (!lx_grow((void **)&ids, &alloc, n_ids + 1, sizeof *ids))
                st = LX_E_NOMEM;
            else
                ids[n_ids++] = moves[i].from;
            if (!st)
                st = add_aliases(db, moves[i].from, &ids, &n_ids, &alloc, NULL);
        }
        /* Sorted, each once, never the thread's own id. */
        if (!st)
            qsort(ids, n_ids, sizeof *ids, by_id);
        size_t kept = 0;
        for (size_t k = 0; k < n_ids && !st; k++)
            if (ids[k] != to && (kept == 0 || ids[kept - 1] != ids[k]))
                ids[kept++] = ids[k];
        lx_strbuf_reset(&value);
        for (size_t k = 0; k < kept && !st; k++)
            st = lx_strbuf_addf(&value, "%016" PRIx64, ids[k]);
        char key[sizeof LX_THREAD_ALIAS_METADATA_PREFIX + LX_THREAD_ID_LEN];
        snprintf(key, sizeof key, "%s%016" PRIx64, LX_THREAD_ALIAS_METADATA_PREFIX, to);
        if (!st && value.len && strcmp(value.buf, stored ? stored : "") != 0)
            st = lx_db_set_metadata(db, key, value.buf);
        free(stored);
    }
    free(ids);
    lx_strbuf_release(&value);
    return st;
}

/* Gives every document of the pass the initial id of its thread's first
 * message (first[root]): a new value, and the aliases that let thread:ID
 * find it by its old term (a document without a readable thread id, which
 * has no such term, gets the term too). */
static lx_status move_all(pass *p, const uint32_t *first, lx_db *read, lx_db *write,
                          lx_thread_stats *stats)
{
    size_t moved_alloc = 0, n_moves = 0, moves_alloc = 0;
    move *moves = NULL;
    const int slot = lx_schema_slot(LX_F_THREAD_ID);
    lx_status st = LX_OK;
    for (size_t i = 0; i < p->n && !st; i++) {
        const tdoc *d = &p->docs[i];
        uint64_t want = p->docs[first[find(p->parent, d->node)]].initial;
        if (want == d->current)
            continue;
        char hex[LX_THREAD_ID_LEN + 1];
        snprintf(hex, sizeof hex, "%016" PRIx64, want);
        lx_docid id = d->id;
        if (read != write) {
            st = lx_db_docid_of(write, d->identity, &id);
            if (st == LX_E_NOT_FOUND) {
                st = LX_OK; /* another shard's: moved there */
                continue;
            }
        }
        const char *value = hex;
        if (!st && d->current)
            st = lx_db_set_values(write, id, &slot, &value, 1);
        else if (!st)
            st = lx_db_set_tag(write, id, lx_schema_prefix(LX_F_THREAD), hex, slot);
        if (!st && d->current) {
            if (!lx_grow((void **)&moves, &moves_alloc, n_moves + 1, sizeof *moves))
                st = LX_E_NOMEM;
            else
                moves[n_moves++] = (move){want, d->current};
        }
        if (!st && !lx_grow((void **)&stats->moved, &moved_alloc, stats->n_moved + 1,
                            sizeof *stats->moved))
            st = LX_E_NOMEM;
        if (!st)
            stats->moved[stats->n_moved++] = d->id;
        stats->relinked++;
    }
    if (!st && n_moves) {
        qsort(moves, n_moves, sizeof *moves, by_to_from);
        st = record_aliases(write, moves, n_moves);
    }
    free(moves);
    return st;
}

lx_status lx_thread_pass(lx_db *read, lx_db *write, lx_thread_stats *stats)
{
    memset(stats, 0, sizeof *stats);
    pass p;
    memset(&p, 0, sizeof p);
    int slots[S_COUNT];
    slots[S_DATE] = lx_schema_slot(LX_F_DATE);
    slots[S_IDENTITY] = lx_schema_slot(LX_F_IDENTITY);
    slots[S_THREAD] = lx_schema_slot(LX_F_THREAD_ID);
    slots[S_LINKS] = lx_schema_slot(LX_F_THREAD_LINKS);
    slots[S_SENDER] = lx_schema_slot(LX_F_SENDER);
    slots[S_RECIPIENTS] = lx_schema_slot(LX_F_RECIPIENTS);
    lx_status st = lx_db_scan(read, NULL, slots, S_COUNT, on_row, &p);
    if (!st)
        st = p.st;
    if (!st)
        st = check_shared_parents(&p, &stats->shared_ids);
    if (!st) {
        for (size_t i = 0; i < p.n; i++) {
            stats->not_ids += p.docs[i].not_id;
            stats->cut_off += p.docs[i].cut_off;
        }
        link_all(&p);
        st = join_by_subject(&p, &stats->by_subject);
    }
    uint32_t *first = NULL;
    if (!st && p.n_nodes) {
        first = malloc(p.n_nodes * sizeof *first);
        if (!first)
            st = LX_E_NOMEM;
    }
    if (!st) {
        for (size_t i = 0; i < p.n_nodes; i++)
            first[i] = UINT32_MAX;
        for (size_t i = 0; i < p.n; i++) {
            uint32_t root = find(p.parent, p.docs[i].node);
            if (first[root] == UINT32_MAX)
                stats->threads++;
            if (first[root] == UINT32_MAX || first_of(&p.docs[i], &p.docs[first[root]]))
                first[root] = (uint32_t)i;
        }
        stats->messages = p.n;
        st = move_all(&p, first, read, write, stats);
    }
    free(first);
    pass_release(&p);
    return st;
}
