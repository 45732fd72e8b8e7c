/* message.c - parsing one message with GMime into plain data. */
#include "message.h"

#include <locale.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <gmime/gmime.h>
#include <libxml/parser.h>

#include "caps.h"
#include "charset.h"
#include "flowed.h"
#include "htmltext.h"
#include "rtf.h"
#include "textfold.h"
#include "utf8.h"
#include "grow.h"
#include "banned.h"

/*
 * GMime reads the machine's locale once, in g_mime_init, from
 * nl_langinfo(CODESET) and the LC_ALL, LC_CTYPE and LANG variables, and
 * decodes with that charset wherever a message names none it can use
 * (x-unknown encoded words, RFC 2231 parameters without a charset): under
 * the POSIX locale "café" became "cafÃ©". An index must not depend on the
 * locale of the machine that built it, so GMime starts under C.UTF-8 (every
 * Debian system has it: libc-bin ships it) and the caller's locale and
 * environment are put back at once. Called before any thread starts.
 */
void lx_message_library_init(void)
{
    const char *env = getenv("LC_ALL");
    char *saved_env = env ? strdup(env) : NULL;
    const char *loc = setlocale(LC_CTYPE, NULL);
    char *saved_loc = loc ? strdup(loc) : NULL;
    setenv("LC_ALL", LX_MESSAGE_LOCALE, 1);
    if (!setlocale(LC_CTYPE, LX_MESSAGE_LOCALE))
        setlocale(LC_CTYPE, "C.utf8");
    g_mime_init();
    if (saved_loc)
        setlocale(LC_CTYPE, saved_loc);
    if (saved_env)
        setenv("LC_ALL", saved_env, 1);
    else
        unsetenv("LC_ALL");
    free(saved_loc);
    free(saved_env);
    xmlInitParser();
}

const char *lx_message_decode_charset(void)
{
    return g_mime_locale_charset();
}

void lx_message_library_shutdown(void)
{
    g_mime_shutdown();
    xmlCleanupParser();
}

/* Appends s[0..len) to out as valid UTF-8 in NFC, counting repairs. */
static lx_status add_clean(lx_strbuf *out, const char *s, size_t len, size_t *replaced)
{
    lx_strbuf valid;
    lx_strbuf_init(&valid);
    lx_status st = lx_utf8_sanitize(&valid, s, len, replaced);
    if (!st)
        st = lx_textfold_nfc(out, valid.buf, valid.len);
    lx_strbuf_release(&valid);
    return st;
}

/* A valid-UTF-8, NFC heap copy of s (NULL taken as ""); NULL when out of
 * memory. */
static char *clean_dup(const char *s, size_t *replaced)
{
    lx_strbuf sb;
    lx_strbuf_init(&sb);
    if (s && add_clean(&sb, s, strlen(s), replaced)) {
        lx_strbuf_release(&sb);
        return NULL;
    }
    return lx_strbuf_detach(&sb, NULL);
}

static char *strip_angles(const char *s, size_t *replaced)
{
    if (!s)
        return clean_dup("", replaced);
    while (*s == ' ' || *s == '\t' || *s == '<')
        s++;
    char *d = clean_dup(s, replaced);
    if (!d)
        return NULL;
    size_t n = strlen(d);
    while (n > 0 && (d[n - 1] == '>' || d[n - 1] == ' ' || d[n - 1] == '\t' || d[n - 1] == '\r' ||
                     d[n - 1] == '\n'))
        d[--n] = '\0';
    return d;
}

static lx_status list_add(lx_address_list *l, const char *name, const char *addr, size_t *replaced)
{
    if (l->n >= LX_MAX_ADDRESSES) {
        l->dropped++;
        return LX_OK;
    }
    if (!lx_grow((void **)&l->v, &l->alloc, l->n + 1, sizeof *l->v))
        return LX_E_NOMEM;
    char *nm = clean_dup(name, replaced), *ad = clean_dup(addr, replaced);
    if (!nm || !ad) {
        free(nm);
        free(ad);
        return LX_E_NOMEM;
    }
    /* A control character has no place in an address: "ev<Ctrl-C>il@x" is
     * indexed, listed and searched as evil@x (the name keeps its own, shown
     * visibly). */
    l->controls += lx_utf8_drop_controls(ad);
    l->v[l->n++] = (lx_address){nm, ad};
    return LX_OK;
}

/* Flattens groups; keeps mailboxes in order. An empty group is a name
 * without an address (RFC 5322's way to write one: "asdf":; is how
 * lx_mapi_to_eml writes an Outlook recipient with no SMTP address,
 * "undisclosed-recipients":; how a sender hides the list): its name is
 * kept, with an empty address, so that it is shown and its words found. */
static lx_status add_addresses(lx_address_list *l, InternetAddressList *ial, size_t *replaced,
                               int depth)
{
    if (!ial || depth > 4)
        return LX_OK;
    int n = internet_address_list_length(ial);
    for (int i = 0; i < n; i++) {
        InternetAddress *ia = internet_address_list_get_address(ial, i);
        lx_status st = LX_OK;
        if (INTERNET_ADDRESS_IS_MAILBOX(ia))
            st =
                list_add(l, internet_address_get_name(ia),
                         internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(ia)), replaced);
        else if (INTERNET_ADDRESS_IS_GROUP(ia)) {
            InternetAddressList *members =
                internet_address_group_get_members(INTERNET_ADDRESS_GROUP(ia));
            const char *name = internet_address_get_name(ia);
            if (members && internet_address_list_length(members) > 0)
                st = add_addresses(l, members, replaced, depth + 1);
            else if (name && *name)
                st = list_add(l, name, "", replaced);
        }
        if (st)
            return st;
    }
    return LX_OK;
}

static void list_release(lx_address_list *l)
{
    for (size_t i = 0; i < l->n; i++) {
        free(l->v[i].name);
        free(l->v[i].addr);
    }
    free(l->v);
    memset(l, 0, sizeof *l);
}

const char *lx_message_note_text(unsigned note)
{
    switch (note) {
    case LX_NOTE_HEADER_CUT: return "a header field longer than 1 MiB was cut";
    case LX_NOTE_DEEP_MIME: return "MIME parts nested deeper than 64 levels were not read";
    case LX_NOTE_MANY_PARTS: return "MIME parts past 10,000 were not listed";
    case LX_NOTE_ADDRESSES: return "addresses past 10,000 in a header were not kept";
    case LX_NOTE_BODY_CUT: return "body text cut at 8 MiB";
    case LX_NOTE_REPLACED: return "undecodable bytes replaced by U+FFFD";
    case LX_NOTE_PARTS_CUT: return "MIME parts past 20,000 and all that follows them were not read";
    case LX_NOTE_ITEMS_CUT:
        return "header fields, parameters and addresses past 200,000 and all that follows them "
               "were not read";
    default: return "?";
    }
}

static char *cut_long_headers(const char *raw, size_t len, size_t *out_len);

/* Whether s[0..len) holds what, in any case. */
static bool holds(const char *s, size_t len, const char *what)
{
    size_t w = strlen(what);
    for (size_t i = 0; i + w <= len; i++)
        if (strncasecmp(s + i, what, w) == 0)
            return true;
    return false;
}

/*
 * One pass, no MIME parsing: a line starting with "--" (not a closing
 * "--...--") starts a part, whose header block follows up to a blank line;
 * the body of a part typed message/... (or of an untyped part once a
 * multipart/digest was declared) starts with another header block. Where
 * it guesses, it counts too much, never too little.
 */
size_t lx_message_parse_extent(const char *b, size_t len, unsigned *notes)
{
    size_t parts = 0, items = 0, pos = 0;
    bool header = true;  /* in a header block: the message's first */
    bool ctype = false;  /* the current field is Content-Type */
    bool typed = false;  /* this header block has a Content-Type */
    bool nested = false; /* ...that says message/: its body starts with headers */
    bool digest = false; /* a multipart/digest was declared */
    while (pos < len) {
        const char *l = b + pos;
        const char *nl = memchr(l, '\n', len - pos);
        size_t n = nl ? (size_t)(nl - l) + 1 : len - pos;
        size_t t = n;
        while (t > 0 &&
               (l[t - 1] == '\n' || l[t - 1] == '\r' || l[t - 1] == ' ' || l[t - 1] == '\t'))
            t--;
        if (t >= 2 && l[0] == '-' && l[1] == '-') {
            if (t >= 4 && l[t - 1] == '-' && l[t - 2] == '-') {
                header = false; /* a closing delimiter: the epilogue follows */
            } else {
                if (++parts > LX_MAX_MIME_PARTS_PARSED) {
                    *notes |= LX_NOTE_PARTS_CUT;
                    return pos;
                }
                header = true;
                ctype = typed = nested = false;
            }
        } else if (header && t == 0 && (n == 0 || l[0] == '\n' || l[0] == '\r')) {
            header = nested || (digest && !typed);
            ctype = typed = nested = false;
        } else if (header) {
            if (l[0] != ' ' && l[0] != '\t') {
                items++;
                ctype = t >= 12 && strncasecmp(l, "content-type", 12) == 0;
                typed |= ctype;
            }
            for (size_t k = 0; k < t; k++)
                items += l[k] == ';' || l[k] == ',';
            if (ctype) {
                nested |= holds(l, t, "message/");
                digest |= holds(l, t, "multipart/digest");
            }
            if (items > LX_MAX_HEADER_ITEMS) {
                *notes |= LX_NOTE_ITEMS_CUT;
                return pos;
            }
        }
        pos += n;
    }
    return len;
}

/* A copy of raw for the MIME parser whose header fields are cut to
 * LX_MAX_HEADER_FIELD bytes, which ends where lx_message_parse_extent says, and whose
 * header NUL bytes (which would end every C string GMime hands back) are
 * U+FFFD, counted in *nuls; NULL when none of this happens (then raw is
 * parsed as it is). *notes gets what was cut. */
static char *parse_copy(const char *raw, size_t len, size_t *out_len, unsigned *notes, size_t *nuls)
{
    size_t clen = 0;
    char *copy = cut_long_headers(raw, len, &clen);
    if (copy)
        *notes |= LX_NOTE_HEADER_CUT;
    const char *src = copy ? copy : raw;
    size_t slen = copy ? clen : len;
    size_t keep = lx_message_parse_extent(src, slen, notes);
    size_t hlen = keep;
    for (size_t i = 0; i + 3 < keep; i++)
        if (src[i] == '\r' && memcmp(src + i, "\r\n\r\n", 4) == 0) {
            hlen = i;
            break;
        }
    *nuls = 0;
    for (size_t i = 0; i < hlen; i++)
        *nuls += src[i] == '\0';
    if (!*nuls && keep == slen) {
        *out_len = clen;
        return copy;
    }
    slen = keep;
    lx_strbuf out;
    lx_strbuf_init(&out);
    bool in_headers = true;
    for (size_t i = 0; i < slen; i++) {
        if (in_headers && i + 3 < slen && memcmp(src + i, "\r\n\r\n", 4) == 0)
            in_headers = false;
        if (in_headers && src[i] == '\0')
            lx_strbuf_addstr(&out, "\xEF\xBF\xBD");
        else
            lx_strbuf_addch(&out, src[i]);
    }
    free(copy);
    return lx_strbuf_detach(&out, out_len);
}

/* A copy of raw whose header fields are cut to LX_MAX_HEADER_FIELD bytes,
 * or NULL when none is that long. */
static char *cut_long_headers(const char *raw, size_t len, size_t *out_len)
{
    size_t pos = 0, field = 0;
    bool any = false;
    lx_strbuf out;
    lx_strbuf_init(&out);
    while (pos < len) {
        const char *nl = memchr(raw + pos, '\n', len - pos);
        size_t e = nl ? (size_t)(nl - raw) + 1 : len;
        size_t n = e - pos;
        if (n <= 2 && (raw[pos] == '\n' || raw[pos] == '\r'))
            break; /* the blank line: the body follows untouched */
        bool cont = raw[pos] == ' ' || raw[pos] == '\t';
        field = cont ? field + n : n;
        if (field > LX_MAX_HEADER_FIELD) {
            if (!any) {
                any = true;
                lx_strbuf_add(&out, raw, pos);
            }
            size_t keep = n - (field - LX_MAX_HEADER_FIELD);
            if (keep > 0 && (field - n) < LX_MAX_HEADER_FIELD) {
                lx_strbuf_add(&out, raw + pos, keep);
                lx_strbuf_addstr(&out, "\r\n");
            }
        } else if (any) {
            lx_strbuf_add(&out, raw + pos, n);
        }
        pos = e;
    }
    if (!any)
        return NULL;
    lx_strbuf_add(&out, raw + pos, len - pos);
    return lx_strbuf_detach(&out, out_len);
}

const char *lx_message_date_source_name(lx_date_source s)
{
    switch (s) {
    case LX_DATE_NONE: return "none";
    case LX_DATE_HEADER: return "header";
    case LX_DATE_RECEIVED: return "received";
    case LX_DATE_OUTLOOK_DELIVERY: return "delivery";
    case LX_DATE_OUTLOOK_CREATION: return "creation";
    }
    return "none";
}

bool lx_message_parse_date(const char *text, int64_t *out)
{
    if (!text)
        return false;
    GDateTime *dt = g_mime_utils_header_decode_date(text);
    if (!dt)
        return false;
    *out = g_date_time_to_unix(dt);
    g_date_time_unref(dt);
    return true;
}

/* Whether the zone of the Date header raw, after its time, is "-0000". */
static bool minus_zero_zone(const char *raw)
{
    const char *p = raw;
    int depth = 0;
    bool after_time = false;
    while (*p) {
        if (*p == '(' || (*p == ')' && depth)) {
            depth += *p == '(' ? 1 : -1;
            p++;
            continue;
        }
        if (depth || *p == ' ' || *p == '\t' || *p == ',' || *p == '\r' || *p == '\n') {
            p++;
            continue;
        }
        size_t n = strcspn(p, " \t,\r\n(");
        if (after_time)
            return n == 5 && strncmp(p, "-0000", 5) == 0;
        /* The time token; a zone may follow it without a space. */
        size_t t = strspn(p, "0123456789:");
        if (t < n && memchr(p, ':', t))
            return n - t == 5 && strncmp(p + t, "-0000", 5) == 0;
        after_time = t == n && memchr(p, ':', n) != NULL;
        p += n;
    }
    return false;
}

/* The sender's offset from UTC, as GMime read it from the Date header raw
 * into dt; false when the header gives none usable. GMime dates a header
 * without a zone, or with one it does not know (CEST), in GLib's UTC zone,
 * and one with a zone (GMT and +0000 too) in a fixed-offset zone. */
static bool date_offset(const char *raw, GDateTime *dt, int *offset)
{
    const char *abbr = g_date_time_get_timezone_abbreviation(dt);
    if (!raw || !abbr || strcmp(abbr, "UTC") == 0 || minus_zero_zone(raw))
        return false;
    GTimeSpan us = g_date_time_get_utc_offset(dt);
    if (us <= -G_TIME_SPAN_DAY || us >= G_TIME_SPAN_DAY)
        return false;
    *offset = (int)(us / G_TIME_SPAN_SECOND);
    return true;
}

/* The newest date among the Received headers (after their last ';'). */
static bool newest_received(GMimeObject *obj, int64_t *out)
{
    GMimeHeaderList *hl = g_mime_object_get_header_list(obj);
    int n = g_mime_header_list_get_count(hl);
    bool found = false;
    for (int i = 0; i < n; i++) {
        GMimeHeader *h = g_mime_header_list_get_header_at(hl, i);
        if (g_ascii_strcasecmp(g_mime_header_get_name(h), "Received") != 0)
            continue;
        const char *v = g_mime_header_get_value(h);
        const char *semi = v ? strrchr(v, ';') : NULL;
        int64_t t;
        if (semi && lx_message_parse_date(semi + 1, &t) && (!found || t > *out)) {
            *out = t;
            found = true;
        }
    }
    return found;
}

/*
 * Raw 8-bit bytes in headers are legal only as UTF-8 (RFC 6532); old clients
 * wrote their local charset. GMime reads such bytes with the first fallback
 * charset that fits, so the list is UTF-8, then uchardet's guess from the
 * header bytes themselves, then windows-1252. The same list serves encoded
 * words whose charset name iconv does not know.
 */
static GMimeParserOptions *options_for(const char *raw, size_t len)
{
    const char *end = NULL;
    for (size_t i = 0; i + 3 < len && !end; i++)
        if (raw[i] == '\r' && memcmp(raw + i, "\r\n\r\n", 4) == 0)
            end = raw + i;
    size_t hlen = end ? (size_t)(end - raw) : len;
    char guess[LX_CHARSET_NAME_MAX] = "WINDOWS-1252";
    bool eight_bit = false;
    for (size_t i = 0; i < hlen && !eight_bit; i++)
        eight_bit = (unsigned char)raw[i] >= 0x80;
    if (eight_bit && !lx_utf8_valid(raw, hlen)) {
        /* The client that wrote 8-bit headers usually wrote an 8-bit body in
         * the same charset: a header line alone is too short to guess from,
         * so every 8-bit line of the message feeds the guess (the ASCII ones
         * would only dilute it). */
        lx_strbuf bytes;
        lx_strbuf_init(&bytes);
        size_t pos = 0;
        while (pos < len && bytes.len < LX_GUESS_SAMPLE_BYTES) {
            const char *nl = memchr(raw + pos, '\n', len - pos);
            size_t e = nl ? (size_t)(nl - raw) + 1 : len;
            bool hi = false;
            for (size_t k = pos; k < e && !hi; k++)
                hi = (unsigned char)raw[k] >= 0x80;
            if (hi)
                lx_strbuf_add(&bytes, raw + pos, e - pos);
            pos = e;
        }
        lx_charset_guess(bytes.buf, bytes.len, guess);
        lx_strbuf_release(&bytes);
    }
    GMimeParserOptions *opts = g_mime_parser_options_new();
    const char *fallback[] = {"UTF-8", guess, "WINDOWS-1252", NULL};
    g_mime_parser_options_set_fallback_charsets(opts, fallback);
    g_mime_parser_options_set_rfc2047_compliance_mode(opts, GMIME_RFC_COMPLIANCE_LOOSE);
    g_mime_parser_options_set_address_compliance_mode(opts, GMIME_RFC_COMPLIANCE_LOOSE);
    g_mime_parser_options_set_parameter_compliance_mode(opts, GMIME_RFC_COMPLIANCE_LOOSE);
    return opts;
}

/*
 * GMime joins adjacent encoded words of one charset before decoding, so that
 * a character split across two words survives; but it joins base64 payloads
 * as text, and padding in the first ("w6k=" "w6nD" "qQ==") ends the decoding
 * there. Rewriting every B word as the equivalent Q word (its bytes as =XX)
 * before GMime decodes makes the join byte-exact.
 */
static void rewrite_b_words(lx_strbuf *out, const char *v)
{
    const char *p = v;
    while (*p) {
        const char *start = strstr(p, "=?");
        if (!start) {
            lx_strbuf_addstr(out, p);
            return;
        }
        const char *q1 = strchr(start + 2, '?');
        /* GMime decodes "x-unknown" words with the locale's charset; named
         * "unknown-8bit" (RFC 1428), which no converter knows, they go
         * through the fallback list above and the bytes decide. */
        if (q1 && strcspn(start + 2, "?*") == 9 && strncasecmp(start + 2, "x-unknown", 9) == 0) {
            lx_strbuf_add(out, p, (size_t)(start - p));
            lx_strbuf_addstr(out, "=?unknown-8bit");
            lx_strbuf_add(out, start + 11, (size_t)(q1 - (start + 11)));
            p = q1; /* what is copied from here on starts after the label */
        }
        const char *end =
            q1 && (q1[1] == 'B' || q1[1] == 'b') && q1[2] == '?' ? strstr(q1 + 3, "?=") : NULL;
        if (!end || memchr(start, ' ', (size_t)(end - start))) {
            if (p < start + 2)
                lx_strbuf_add(out, p, (size_t)(start - p) + 2);
            p = p < start + 2 ? start + 2 : p;
            continue;
        }
        lx_strbuf_add(out, p, (size_t)(q1 - p));
        lx_strbuf_addstr(out, "?Q?");
        size_t n = (size_t)(end - (q1 + 3));
        guchar *bytes = g_malloc(n * 3 / 4 + 3);
        gint state = 0;
        guint save = 0;
        gsize got = g_base64_decode_step(q1 + 3, n, bytes, &state, &save);
        for (gsize k = 0; k < got; k++) {
            if (g_ascii_isalnum(bytes[k]))
                lx_strbuf_addch(out, (char)bytes[k]);
            else
                lx_strbuf_addf(out, "=%02X", bytes[k]);
        }
        g_free(bytes);
        lx_strbuf_addstr(out, "?=");
        p = end + 2;
    }
}

/* The raw values of every `name` header, unfolded, joined by sep and, when
 * rewrite is set, with B words rewritten (see above); NULL when there is
 * none. Caller frees with free(). */
static char *raw_header(GMimeObject *obj, const char *name, const char *sep, bool rewrite)
{
    GMimeHeaderList *hl = g_mime_object_get_header_list(obj);
    int n = g_mime_header_list_get_count(hl);
    lx_strbuf joined;
    lx_strbuf_init(&joined);
    bool found = false;
    for (int i = 0; i < n; i++) {
        GMimeHeader *h = g_mime_header_list_get_header_at(hl, i);
        if (g_ascii_strcasecmp(g_mime_header_get_name(h), name) != 0)
            continue;
        char *v = g_mime_utils_header_unfold(g_mime_header_get_raw_value(h));
        if (found)
            lx_strbuf_addstr(&joined, sep);
        if (rewrite)
            rewrite_b_words(&joined, v ? v : "");
        else
            lx_strbuf_addstr(&joined, v ? v : "");
        g_free(v);
        found = true;
    }
    if (!found) {
        lx_strbuf_release(&joined);
        return NULL;
    }
    return lx_strbuf_detach(&joined, NULL);
}

/* A decoded unstructured header (Subject); "" when absent. g_free it. */
static char *header_text(GMimeObject *obj, const char *name, GMimeParserOptions *opts)
{
    char *raw = raw_header(obj, name, " ", true);
    if (!raw)
        return g_strdup("");
    char *text = g_mime_utils_header_decode_text(opts, raw);
    free(raw);
    if (text)
        g_strstrip(text);
    return text ? text : g_strdup("");
}

/* When GMime finds no address in a header that plainly holds some (a stray
 * "(" opening a comment that never ends, say), every token with an "@" is
 * taken as an address rather than losing them. */
static InternetAddressList *salvage_addresses(const char *raw)
{
    InternetAddressList *l = internet_address_list_new();
    const char *p = raw;
    while (*p) {
        while (*p && (strchr(" \t\r\n,;<>()\"", *p)))
            p++;
        const char *e = p;
        while (*e && !strchr(" \t\r\n,;<>()\"", *e))
            e++;
        if (e > p && memchr(p, '@', (size_t)(e - p))) {
            char *addr = g_strndup(p, (gsize)(e - p));
            InternetAddress *ia = internet_address_mailbox_new(NULL, addr);
            internet_address_list_add(l, ia);
            g_object_unref(ia);
            g_free(addr);
        }
        p = e;
    }
    return l;
}

/* The address list of every `name` header; NULL when absent. Unref it.
 * The header's ASCII control characters but tab are removed first: GMime
 * loses the name and the address around a Ctrl-C inside <>. *controls is
 * set when there were some. */
static InternetAddressList *header_addresses(GMimeObject *obj, const char *name,
                                             GMimeParserOptions *opts, bool *controls)
{
    char *raw = raw_header(obj, name, ", ", true);
    *controls = false;
    if (!raw)
        return NULL;
    size_t k = 0;
    for (size_t i = 0; raw[i]; i++) {
        unsigned char c = (unsigned char)raw[i];
        if ((c < 0x20 && c != '\t') || c == 0x7f)
            *controls = true;
        else
            raw[k++] = raw[i];
    }
    raw[k] = '\0';
    InternetAddressList *l = internet_address_list_parse(opts, raw);
    if ((!l || internet_address_list_length(l) == 0) && strchr(raw, '@')) {
        if (l)
            g_object_unref(l);
        l = salvage_addresses(raw);
    }
    free(raw);
    return l;
}

/* Keeps the `name` headers as written for `show` (lx_message's
 * written_headers): their addresses were read without control characters. */
static lx_status keep_written(lx_message *msg, GMimeObject *obj, const char *name)
{
    char *raw = raw_header(obj, name, ", ", false);
    lx_strbuf v;
    lx_strbuf_init(&v);
    lx_status st = raw ? lx_strbuf_addf(&v, "%s\t", name) : LX_OK;
    if (!st && raw)
        st = lx_utf8_sanitize(&v, raw, lx_utf8_cut(raw, strlen(raw), LX_MAX_HEADER_FIELD), NULL);
    free(raw);
    char **grown = NULL;
    if (!st && v.len &&
        !(grown = realloc(msg->written_headers, (msg->n_written_headers + 1) * sizeof *grown)))
        st = LX_E_NOMEM;
    if (grown) {
        msg->written_headers = grown;
        if (!(grown[msg->n_written_headers] = lx_strbuf_detach(&v, NULL)))
            st = LX_E_NOMEM;
        else
            msg->n_written_headers++;
    }
    lx_strbuf_release(&v);
    return st;
}

typedef struct body_ctx {
    lx_message *msg;
    lx_strbuf text;
    bool truncated;
    lx_status st;
} body_ctx;

static bool is_attachment(GMimeObject *part)
{
    GMimeContentDisposition *cd = g_mime_object_get_content_disposition(part);
    return cd && g_mime_content_disposition_is_attachment(cd);
}

/* The bytes of a leaf after transfer decoding (base64, quoted-printable),
 * charset untouched. NULL when the part has no content. Free with
 * g_byte_array_free(a, TRUE). */
static GByteArray *part_bytes(GMimeObject *part)
{
    GMimeDataWrapper *content = g_mime_part_get_content(GMIME_PART(part));
    if (!content)
        return NULL;
    GMimeStream *mem = g_mime_stream_mem_new();
    g_mime_data_wrapper_write_to_stream(content, mem);
    GByteArray *bytes = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(mem));
    g_mime_stream_mem_set_owner(GMIME_STREAM_MEM(mem), FALSE);
    g_object_unref(mem);
    return bytes;
}

/* The label of <meta charset="X"> or <meta ... content="...; charset=X"> in
 * the first bytes of an HTML part, written into label ("" when none). */
static void meta_charset(const char *html, size_t len, char label[LX_CHARSET_NAME_MAX])
{
    label[0] = '\0';
    if (len > LX_META_CHARSET_SCAN)
        len = LX_META_CHARSET_SCAN;
    for (size_t i = 0; i + 5 < len; i++) {
        if (html[i] != '<' || strncasecmp(html + i + 1, "meta", 4) != 0)
            continue;
        const char *gt = memchr(html + i, '>', len - i);
        size_t end = gt ? (size_t)(gt - html) : len;
        for (size_t k = i; k + 7 < end; k++) {
            if (strncasecmp(html + k, "charset", 7) != 0)
                continue;
            size_t v = k + 7;
            while (v < end && (html[v] == ' ' || html[v] == '='))
                v++;
            while (v < end && (html[v] == '"' || html[v] == '\''))
                v++;
            size_t n = 0;
            while (v + n < end && n + 1 < LX_CHARSET_NAME_MAX &&
                   (g_ascii_isalnum(html[v + n]) || strchr("-_.:", html[v + n])))
                n++;
            if (n) {
                memcpy(label, html + v, n);
                label[n] = '\0';
                return;
            }
        }
    }
}

/* Appends one leaf's text to the body, after a blank line when it is not
 * the first, up to LX_MAX_BODY_TEXT. */
static lx_status append_body(body_ctx *b, const lx_strbuf *text)
{
    lx_status st = LX_OK;
    if (b->text.len)
        st = lx_strbuf_addstr(&b->text, "\n\n");
    if (!st) {
        size_t room = LX_MAX_BODY_TEXT > b->text.len ? LX_MAX_BODY_TEXT - b->text.len : 0;
        size_t n = lx_utf8_cut(text->buf, text->len, room);
        if (n < text->len)
            b->truncated = true;
        st = lx_strbuf_add(&b->text, text->buf, n);
    }
    return st;
}

/* The text of a text/rtf leaf, the body of a message that has no other
 * (an Outlook item with only an RTF body, as leakdex converts it): RTF
 * names its own code page, the charset parameter is not read. */
static void add_rtf_body(body_ctx *b, GMimeObject *obj)
{
    GByteArray *bytes = part_bytes(obj);
    if (!bytes)
        return;
    lx_strbuf text;
    lx_strbuf_init(&text);
    lx_status st = lx_rtf_text((const char *)bytes->data, bytes->len, LX_MAX_BODY_TEXT, &text);
    g_byte_array_free(bytes, TRUE);
    if (!st)
        st = append_body(b, &text);
    lx_strbuf_release(&text);
    if (st)
        b->st = st;
}

/* Decodes one text leaf into the body: charset, format=flowed, HTML. */
static void add_body_part(body_ctx *b, GMimeObject *obj, lx_part *info, bool html)
{
    GByteArray *bytes = part_bytes(obj);
    if (!bytes)
        return;
    const char *label = g_mime_object_get_content_type_parameter(obj, "charset");
    const char *declared = label;
    char meta[LX_CHARSET_NAME_MAX];
    if (html && (!label || !*label)) {
        meta_charset((const char *)bytes->data, bytes->len, meta);
        label = meta;
        info->charset_from_meta = meta[0] != '\0';
    }
    if (label && *label)
        label = g_mime_charset_iconv_name(label);
    lx_strbuf text, lf, flowed, plain;
    lx_strbuf_init(&text);
    lx_strbuf_init(&lf);
    lx_strbuf_init(&flowed);
    lx_strbuf_init(&plain);
    lx_status st =
        lx_charset_decode(&text, label, (const char *)bytes->data, bytes->len, &info->charset);
    g_byte_array_free(bytes, TRUE);
    /* Report the label as the message wrote it, not GMime's alias for it. */
    snprintf(info->charset.declared, sizeof info->charset.declared, "%s", declared ? declared : "");
    info->decoded = true;
    b->msg->replaced += info->charset.replaced;
    /* The message was parsed in its canonical CRLF form; text is kept with
     * plain LF line ends, as a reader sees it. */
    for (size_t r = 0; r < text.len && !st; r++)
        if (!(text.buf[r] == '\r' && r + 1 < text.len && text.buf[r + 1] == '\n'))
            st = lx_strbuf_addch(&lf, text.buf[r]);
    lx_strbuf *cur = &lf;
    const char *format = g_mime_object_get_content_type_parameter(obj, "format");
    if (!st && !html && format && g_ascii_strcasecmp(format, "flowed") == 0) {
        const char *delsp = g_mime_object_get_content_type_parameter(obj, "delsp");
        st = lx_flowed_decode(&flowed, lf.buf, lf.len,
                              delsp && g_ascii_strcasecmp(delsp, "yes") == 0);
        info->flowed = true;
        cur = &flowed;
    }
    if (!st && html) {
        st = lx_htmltext_extract(&plain, cur->buf, cur->len);
        cur = &plain;
    }
    if (!st)
        st = append_body(b, cur);
    lx_strbuf_release(&text);
    lx_strbuf_release(&lf);
    lx_strbuf_release(&flowed);
    lx_strbuf_release(&plain);
    if (st)
        b->st = st;
}

static lx_status part_add(lx_message *m, GMimeObject *obj, lx_part_role role, lx_part **out)
{
    *out = NULL;
    if (m->n_parts >= LX_MAX_PARTS) {
        m->parts_dropped++;
        m->notes |= LX_NOTE_MANY_PARTS;
        return LX_OK;
    }
    /* Doubling: one realloc a part made 10,000 parts quadratic. */
    if (!lx_grow((void **)&m->parts, &m->parts_alloc, m->n_parts + 1, sizeof *m->parts))
        return LX_E_NOMEM;
    lx_part *p = &m->parts[m->n_parts];
    memset(p, 0, sizeof *p);
    GMimeContentType *ct = g_mime_object_get_content_type(obj);
    char *type = ct ? g_mime_content_type_get_mime_type(ct) : NULL;
    p->content_type = clean_dup(type ? type : "application/octet-stream", NULL);
    g_free(type);
    for (char *c = p->content_type; c && *c; c++)
        *c = g_ascii_tolower(*c);
    const char *fn = GMIME_IS_PART(obj) ? g_mime_part_get_filename(GMIME_PART(obj)) : NULL;
    /* A raw 8-bit file name (no RFC 2231 charset) reaches us as GMime read
     * it: not UTF-8 unless it was. The charset is guessed as for a body
     * without a label, never taken from the machine's locale. */
    lx_strbuf guessed;
    lx_strbuf_init(&guessed);
    if (fn && !lx_utf8_valid(fn, strlen(fn)) &&
        lx_charset_decode(&guessed, NULL, fn, strlen(fn), NULL) == LX_OK)
        fn = guessed.buf;
    p->filename = clean_dup(fn ? fn : "", &m->replaced);
    lx_strbuf_release(&guessed);
    p->role = role;
    if (!p->content_type || !p->filename) {
        free(p->content_type);
        free(p->filename);
        return LX_E_NOMEM;
    }
    const char *label = g_mime_object_get_content_type_parameter(obj, "charset");
    if (label && *label)
        snprintf(p->charset_label, sizeof p->charset_label, "%s", g_mime_charset_iconv_name(label));
    /* Attachments keep their bytes for the attachment stage; other leaves
     * are only measured. */
    GMimeStream *sink =
        role == LX_PART_ATTACHMENT ? g_mime_stream_mem_new() : g_mime_stream_null_new();
    if (GMIME_IS_PART(obj)) {
        GMimeDataWrapper *content = g_mime_part_get_content(GMIME_PART(obj));
        if (content)
            g_mime_data_wrapper_write_to_stream(content, sink);
    } else if (GMIME_IS_MESSAGE_PART(obj)) {
        GMimeMessage *inner = g_mime_message_part_get_message(GMIME_MESSAGE_PART(obj));
        if (inner)
            g_mime_object_write_to_stream(GMIME_OBJECT(inner), NULL, sink);
    }
    if (role == LX_PART_ATTACHMENT) {
        GByteArray *bytes = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(sink));
        p->size = bytes->len;
        p->data = malloc(bytes->len ? bytes->len : 1);
        if (!p->data) {
            g_object_unref(sink);
            free(p->content_type);
            free(p->filename);
            return LX_E_NOMEM;
        }
        if (bytes->len)
            memcpy(p->data, bytes->data, bytes->len);
        p->data_len = bytes->len;
    } else {
        p->size = (size_t)GMIME_STREAM_NULL(sink)->written;
    }
    g_object_unref(sink);
    m->n_parts++;
    *out = p;
    return LX_OK;
}

/* Walks the MIME tree in document order (iteratively bounded by
 * LX_MAX_MIME_DEPTH) and lists every leaf; `kind` says which text leaves are
 * the body: 1 text/plain, 2 text/html, 3 text/rtf (only when there is
 * neither), 0 none (just count them in counts: plain, html, rtf). */
static void walk_parts(body_ctx *b, GMimeObject *obj, int depth, int kind, int counts[3])
{
    if (b->st || !obj)
        return;
    if (depth > LX_MAX_MIME_DEPTH) {
        b->msg->parts_dropped++;
        b->msg->notes |= LX_NOTE_DEEP_MIME;
        return;
    }
    if (GMIME_IS_MULTIPART(obj)) {
        GMimeMultipart *mp = GMIME_MULTIPART(obj);
        int n = g_mime_multipart_get_count(mp);
        for (int i = 0; i < n; i++)
            walk_parts(b, g_mime_multipart_get_part(mp, i), depth + 1, kind, counts);
        return;
    }
    GMimeContentType *ct = g_mime_object_get_content_type(obj);
    bool text = GMIME_IS_TEXT_PART(obj) && !is_attachment(obj);
    bool is_plain = text && g_mime_content_type_is_type(ct, "text", "plain");
    bool is_html = text && g_mime_content_type_is_type(ct, "text", "html");
    bool is_rtf = text && g_mime_content_type_is_type(ct, "text", "rtf");
    if (kind == 0) {
        counts[0] += is_plain;
        counts[1] += is_html;
        counts[2] += is_rtf;
        return;
    }
    lx_part_role role = LX_PART_ATTACHMENT;
    if ((kind == 1 && is_plain) || (kind == 2 && is_html) || (kind == 3 && is_rtf))
        role = LX_PART_BODY;
    else if (is_plain || is_html)
        role = LX_PART_ALTERNATIVE;
    lx_part *info;
    if ((b->st = part_add(b->msg, obj, role, &info)))
        return;
    if (role == LX_PART_BODY && is_rtf) {
        add_rtf_body(b, obj);
    } else if (role == LX_PART_BODY) {
        lx_part scratch;
        memset(&scratch, 0, sizeof scratch);
        add_body_part(b, obj, info ? info : &scratch, is_html);
    }
}

static lx_status extract_body(lx_message *msg, GMimeMessage *gm)
{
    GMimeObject *top = g_mime_message_get_mime_part(gm);
    body_ctx b;
    memset(&b, 0, sizeof b);
    b.msg = msg;
    lx_strbuf_init(&b.text);
    int counts[3] = {0, 0, 0};
    walk_parts(&b, top, 0, 0, counts);
    walk_parts(&b, top, 0, counts[0] ? 1 : counts[1] || !counts[2] ? 2 : 3, counts);
    msg->body_from_html = !counts[0] && counts[1];
    msg->body_truncated = b.truncated;
    if (!b.st) {
        /* Every text part was made valid UTF-8; normalize the whole once. */
        lx_strbuf nfc;
        lx_strbuf_init(&nfc);
        b.st = lx_textfold_nfc(&nfc, b.text.buf, b.text.len);
        lx_strbuf_release(&b.text);
        b.text = nfc;
    }
    if (b.st) {
        lx_strbuf_release(&b.text);
        return b.st;
    }
    msg->body = lx_strbuf_detach(&b.text, &msg->body_len);
    return msg->body ? LX_OK : LX_E_NOMEM;
}

static lx_status add_reference(lx_message *msg, const char *id)
{
    char *d = strip_angles(id, &msg->replaced);
    if (!d)
        return LX_E_NOMEM;
    msg->references[msg->n_references++] = d;
    return LX_OK;
}

/* The ids of a References header, oldest first. GMime's parser gives up at
 * the first id it cannot read (the `<yes>` git send-email writes when asked
 * for an In-Reply-To) and drops every id after it, the real parents among
 * them: so each <...> is given to it alone. Text outside angle brackets
 * (phrases, comments) is skipped; a header without any is given whole. */
static lx_status parse_references(lx_message *msg, const char *refs)
{
    size_t chunks = 0;
    for (const char *p = refs; (p = strchr(p, '<')); p++)
        chunks++;
    GMimeReferences *whole = chunks ? NULL : g_mime_references_parse(NULL, refs);
    size_t most = whole ? (size_t)g_mime_references_length(whole) : chunks;
    msg->references = calloc(most ? most : 1, sizeof(char *));
    lx_status st = msg->references ? LX_OK : LX_E_NOMEM;
    for (size_t i = 0; whole && i < most && !st; i++)
        st = add_reference(msg, g_mime_references_get_message_id(whole, (int)i));
    if (whole)
        g_mime_references_free(whole);
    for (const char *p = refs; chunks && !st && (p = strchr(p, '<'));) {
        const char *close = strchr(p, '>');
        size_t len = close ? (size_t)(close - p) + 1 : strlen(p);
        char *one = strndup(p, len);
        if (!one) {
            st = LX_E_NOMEM;
            break;
        }
        GMimeReferences *r = g_mime_references_parse(NULL, one);
        free(one);
        if (r && g_mime_references_length(r) > 0)
            st = add_reference(msg, g_mime_references_get_message_id(r, 0));
        if (r)
            g_mime_references_free(r);
        p += len;
    }
    return st;
}

static lx_status extract_references(lx_message *msg, GMimeObject *obj)
{
    const char *irt = g_mime_object_get_header(obj, "In-Reply-To");
    msg->in_reply_to = NULL;
    if (irt) {
        GMimeReferences *r = g_mime_references_parse(NULL, irt);
        if (r && g_mime_references_length(r) > 0)
            msg->in_reply_to = strip_angles(g_mime_references_get_message_id(r, 0), &msg->replaced);
        if (r)
            g_mime_references_free(r);
    }
    if (!msg->in_reply_to)
        msg->in_reply_to = clean_dup("", &msg->replaced);
    if (!msg->in_reply_to)
        return LX_E_NOMEM;
    const char *refs = g_mime_object_get_header(obj, "References");
    return refs ? parse_references(msg, refs) : LX_OK;
}

lx_status lx_message_parse(lx_message *msg, const char *raw, size_t len, lx_strbuf *why)
{
    memset(msg, 0, sizeof *msg);
    lx_status st = LX_OK;
    size_t cut_len = 0, nuls = 0;
    char *cut = parse_copy(raw, len, &cut_len, &msg->notes, &nuls);
    if (cut) {
        raw = cut;
        len = cut_len;
    }
    msg->replaced += nuls;
    GMimeParserOptions *opts = options_for(raw, len);
    GMimeStream *stream = g_mime_stream_mem_new_with_buffer(raw, len);
    GMimeParser *parser = g_mime_parser_new_with_stream(stream);
    g_mime_parser_set_format(parser, GMIME_FORMAT_MESSAGE);
    GMimeMessage *gm = g_mime_parser_construct_message(parser, opts);
    g_object_unref(parser);
    g_object_unref(stream);
    if (!gm) {
        g_mime_parser_options_free(opts);
        free(cut);
        if (why)
            lx_strbuf_addstr(why, "GMime found no message headers");
        return LX_E_PARSE;
    }
    GMimeObject *obj = GMIME_OBJECT(gm);

    bool controls;
    const char *from_header = "From";
    InternetAddressList *from = header_addresses(obj, "From", opts, &controls);
    if (!from || internet_address_list_length(from) == 0) {
        if (from)
            g_object_unref(from);
        from_header = "Sender";
        from = header_addresses(obj, "Sender", opts, &controls);
    }
    lx_address_list fl = {0};
    st = add_addresses(&fl, from, &msg->replaced, 0);
    if (from)
        g_object_unref(from);
    if (!st && (controls || fl.controls))
        st = keep_written(msg, obj, from_header);
    if (st) {
        list_release(&fl);
        goto fail;
    }
    if (fl.n > 0) {
        msg->from = fl.v[0];
        for (size_t i = 1; i < fl.n; i++) {
            free(fl.v[i].name);
            free(fl.v[i].addr);
        }
        free(fl.v);
    } else {
        free(fl.v);
        msg->from.name = clean_dup("", NULL);
        msg->from.addr = clean_dup("", NULL);
        if (!msg->from.name || !msg->from.addr) {
            st = LX_E_NOMEM;
            goto fail;
        }
    }
    static const struct {
        const char *header;
        size_t offset;
    } lists[] = {{"To", offsetof(lx_message, to)},
                 {"Cc", offsetof(lx_message, cc)},
                 {"Bcc", offsetof(lx_message, bcc)},
                 {"Reply-To", offsetof(lx_message, reply_to)}};
    for (size_t i = 0; i < sizeof lists / sizeof lists[0] && !st; i++) {
        InternetAddressList *l = header_addresses(obj, lists[i].header, opts, &controls);
        lx_address_list *dst = (lx_address_list *)((char *)msg + lists[i].offset);
        st = add_addresses(dst, l, &msg->replaced, 0);
        if (l)
            g_object_unref(l);
        if (!st && (controls || dst->controls))
            st = keep_written(msg, obj, lists[i].header);
    }
    if (st)
        goto fail;

    char *subject = header_text(obj, "Subject", opts);
    msg->subject = clean_dup(subject, &msg->replaced);
    g_free(subject);
    msg->message_id = strip_angles(g_mime_message_get_message_id(gm), &msg->replaced);
    if (!msg->subject || !msg->message_id) {
        st = LX_E_NOMEM;
        goto fail;
    }
    if ((st = extract_references(msg, obj)))
        goto fail;

    GDateTime *dt = g_mime_message_get_date(gm);
    if (dt) {
        msg->date = g_date_time_to_unix(dt);
        msg->date_source = LX_DATE_HEADER;
        msg->date_offset_known =
            date_offset(g_mime_object_get_header(obj, "Date"), dt, &msg->date_offset);
    } else if (newest_received(obj, &msg->date)) {
        msg->date_source = LX_DATE_RECEIVED;
    } else {
        msg->date = 0;
        msg->date_source = LX_DATE_NONE;
    }
    if ((st = extract_body(msg, gm)))
        goto fail;
    g_object_unref(gm);
    g_mime_parser_options_free(opts);
    free(cut);
    if (msg->to.dropped || msg->cc.dropped || msg->bcc.dropped || msg->reply_to.dropped)
        msg->notes |= LX_NOTE_ADDRESSES;
    if (msg->body_truncated)
        msg->notes |= LX_NOTE_BODY_CUT;
    if (msg->replaced)
        msg->notes |= LX_NOTE_REPLACED;
    return LX_OK;
fail:
    g_object_unref(gm);
    g_mime_parser_options_free(opts);
    free(cut);
    lx_message_release(msg);
    if (why)
        lx_strbuf_addstr(why, lx_status_str(st));
    return st;
}

void lx_message_release(lx_message *msg)
{
    free(msg->from.name);
    free(msg->from.addr);
    list_release(&msg->to);
    list_release(&msg->cc);
    list_release(&msg->bcc);
    list_release(&msg->reply_to);
    free(msg->subject);
    free(msg->message_id);
    free(msg->in_reply_to);
    for (size_t i = 0; i < msg->n_references; i++)
        free(msg->references[i]);
    free(msg->references);
    free(msg->body);
    for (size_t i = 0; i < msg->n_parts; i++) {
        free(msg->parts[i].content_type);
        free(msg->parts[i].filename);
        free(msg->parts[i].data);
    }
    free(msg->parts);
    for (size_t i = 0; i < msg->n_written_headers; i++)
        free(msg->written_headers[i]);
    free(msg->written_headers);
    memset(msg, 0, sizeof *msg);
}

lx_status lx_message_signed_text(const char *raw, size_t len, const char *body, size_t body_len,
                                 size_t *prefix)
{
    *prefix = 0;
    lx_message signed_part;
    lx_status st = lx_message_parse(&signed_part, raw, len, NULL);
    if (st == LX_E_NOMEM)
        return st;
    if (st)
        return LX_OK;
    size_t n = 0, max = signed_part.body_len < body_len ? signed_part.body_len : body_len;
    while (n < max && signed_part.body[n] == body[n])
        n++;
    /* Never inside a character: back to the start of the one cut. */
    while (n > 0 && n < body_len && ((unsigned char)body[n] & 0xC0) == 0x80)
        n--;
    *prefix = n;
    lx_message_release(&signed_part);
    return LX_OK;
}
