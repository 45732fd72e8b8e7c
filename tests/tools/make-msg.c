/* make-msg.c - writes Outlook .msg files (OLE2, through libgsf) from a small text description, for
 * the tests.
 *
 * Usage: make-msg DESCRIPTION OUTPUT.msg
 *
 * A description is lines "KEY VALUE" (VALUE with \n, \t and \\ escapes):
 *   strings unicode|ansi   001F UTF-16LE strings, or 001E in windows-1252
 *   class, subject, from-name, from, to, cc, bcc (NAME <ADDRESS> or NAME),
 *   date (YYYY-MM-DDTHH:MM:SSZ, the client submit time), delivery (same form),
 *   message-id, in-reply-to, headers (transport headers), body, html
 *   attach NAME<TAB>MIME<TAB>text:WORDS | hex:BYTES
 *   embedded            a message attached to this one, up to "end"
 * Every stream is written in the order given, deterministically (libgsf
 * writes no clock), so the same description makes the same bytes.
 */
#include <gsf/gsf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_ITEMS 64

typedef struct rcpt {
    int type;
    char *name, *address;
} rcpt;

typedef struct attach {
    char *name, *mime;
    GByteArray *data;
    struct desc *embedded;
} attach;

typedef struct desc {
    gboolean ansi;
    char *class, *subject, *from_name, *from, *message_id, *in_reply_to, *headers, *body, *html;
    gint64 date, delivery; /* FILETIME; 0 when absent */
    rcpt rcpt[MAX_ITEMS];
    int n_rcpt;
    attach att[MAX_ITEMS];
    int n_att;
} desc;

static void die(const char *what, const char *detail)
{
    fprintf(stderr, "make-msg: %s%s%s\n", what, detail ? ": " : "", detail ? detail : "");
    exit(1);
}

/* VALUE with its escapes undone (a new string). */
static char *unescape(const char *s)
{
    GString *o = g_string_new(NULL);
    for (; *s; s++) {
        if (*s == '\\' && s[1]) {
            s++;
            g_string_append_c(o, *s == 'n' ? '\n' : *s == 't' ? '\t' : *s == 'r' ? '\r' : *s);
        } else {
            g_string_append_c(o, *s);
        }
    }
    return g_string_free(o, FALSE);
}

static gint64 filetime(const char *iso)
{
    struct tm tm;
    memset(&tm, 0, sizeof tm);
    if (!strptime(iso, "%Y-%m-%dT%H:%M:%SZ", &tm))
        die("bad date", iso);
    return ((gint64)timegm(&tm) + 11644473600LL) * 10000000LL;
}

/* "NAME <ADDRESS>" or "NAME" into r. */
static void parse_mailbox(const char *v, char **name, char **address)
{
    const char *lt = strrchr(v, '<');
    if (!lt) {
        *name = g_strdup(v);
        *address = NULL;
        return;
    }
    *name = g_strstrip(g_strndup(v, (gsize)(lt - v)));
    *address = g_strndup(lt + 1, strcspn(lt + 1, ">"));
}

static void parse_attach(attach *a, const char *v)
{
    char **f = g_strsplit(v, "\t", 3);
    if (!f[0] || !f[1] || !f[2])
        die("attach needs NAME, MIME and DATA", v);
    a->name = g_strdup(f[0]);
    a->mime = g_strdup(f[1]);
    a->data = g_byte_array_new();
    if (g_str_has_prefix(f[2], "text:")) {
        g_byte_array_append(a->data, (const guint8 *)f[2] + 5, (guint)strlen(f[2] + 5));
    } else if (g_str_has_prefix(f[2], "hex:")) {
        for (const char *p = f[2] + 4; p[0] && p[1]; p += 2) {
            guint8 b = (guint8)(g_ascii_xdigit_value(p[0]) << 4 | g_ascii_xdigit_value(p[1]));
            g_byte_array_append(a->data, &b, 1);
        }
    } else {
        die("attach data is text: or hex:", f[2]);
    }
    g_strfreev(f);
}

/* Reads lines up to "end" (or the end of the file) into d. */
static void parse(FILE *in, desc *d)
{
    char line[65536];
    while (fgets(line, sizeof line, in)) {
        line[strcspn(line, "\n")] = '\0';
        if (!*line || *line == '#')
            continue;
        if (strcmp(line, "end") == 0)
            return;
        char *sp = strchr(line, ' ');
        char *key = line, *v = unescape(sp ? sp + 1 : "");
        if (sp)
            *sp = '\0';
        if (strcmp(key, "strings") == 0)
            d->ansi = strcmp(v, "ansi") == 0;
        else if (strcmp(key, "class") == 0)
            d->class = v, v = NULL;
        else if (strcmp(key, "subject") == 0)
            d->subject = v, v = NULL;
        else if (strcmp(key, "from-name") == 0)
            d->from_name = v, v = NULL;
        else if (strcmp(key, "from") == 0)
            d->from = v, v = NULL;
        else if (strcmp(key, "message-id") == 0)
            d->message_id = v, v = NULL;
        else if (strcmp(key, "in-reply-to") == 0)
            d->in_reply_to = v, v = NULL;
        else if (strcmp(key, "headers") == 0)
            d->headers = v, v = NULL;
        else if (strcmp(key, "body") == 0)
            d->body = v, v = NULL;
        else if (strcmp(key, "html") == 0)
            d->html = v, v = NULL;
        else if (strcmp(key, "date") == 0)
            d->date = filetime(v);
        else if (strcmp(key, "delivery") == 0)
            d->delivery = filetime(v);
        else if ((strcmp(key, "to") == 0 || strcmp(key, "cc") == 0 || strcmp(key, "bcc") == 0) &&
                 d->n_rcpt < MAX_ITEMS) {
            rcpt *r = &d->rcpt[d->n_rcpt++];
            r->type = key[0] == 't' ? 1 : key[0] == 'c' ? 2 : 3;
            parse_mailbox(v, &r->name, &r->address);
        } else if (strcmp(key, "attach") == 0 && d->n_att < MAX_ITEMS) {
            parse_attach(&d->att[d->n_att++], v);
        } else if (strcmp(key, "embedded") == 0 && d->n_att < MAX_ITEMS) {
            attach *a = &d->att[d->n_att++];
            a->embedded = g_new0(desc, 1);
            a->embedded->ansi = d->ansi;
            parse(in, a->embedded);
        } else {
            die("unknown line", key);
        }
        g_free(v);
    }
}

/* Properties of one storage, written as streams, the fixed ones gathered
 * for __properties_version1.0. */
typedef struct props {
    GsfOutfile *dir;
    GByteArray *fixed;
    gboolean ansi;
} props;

static void put_stream(GsfOutfile *dir, const char *name, const void *data, size_t len)
{
    GsfOutput *s = gsf_outfile_new_child(dir, name, FALSE);
    if (!s || (len && !gsf_output_write(s, len, data)))
        die("cannot write stream", name);
    gsf_output_close(s);
    g_object_unref(s);
}

static void put_entry(props *p, unsigned id, unsigned type, guint64 value)
{
    guint8 e[16];
    guint32 tag = (guint32)id << 16 | type;
    for (int i = 0; i < 4; i++)
        e[i] = (guint8)(tag >> (8 * i));
    guint32 flags = 6; /* readable, writable */
    for (int i = 0; i < 4; i++)
        e[4 + i] = (guint8)(flags >> (8 * i));
    for (int i = 0; i < 8; i++)
        e[8 + i] = (guint8)(value >> (8 * i));
    g_byte_array_append(p->fixed, e, 16);
}

static void put_binary(props *p, unsigned id, const void *data, size_t len)
{
    char name[32];
    snprintf(name, sizeof name, "__substg1.0_%04X0102", id);
    put_stream(p->dir, name, data, len);
    put_entry(p, id, 0x0102, len);
}

static void put_string(props *p, unsigned id, const char *utf8)
{
    if (!utf8)
        return;
    gsize len = 0;
    char *conv =
        g_convert(utf8, -1, p->ansi ? "WINDOWS-1252" : "UTF-16LE", "UTF-8", NULL, &len, NULL);
    if (!conv)
        die("cannot convert", utf8);
    char name[32];
    unsigned type = p->ansi ? 0x001E : 0x001F;
    snprintf(name, sizeof name, "__substg1.0_%04X%04X", id, type);
    put_stream(p->dir, name, conv, len);
    put_entry(p, id, type, len + (p->ansi ? 1 : 2));
    g_free(conv);
}

static void put_long(props *p, unsigned id, guint32 v)
{
    put_entry(p, id, 0x0003, v);
}

static void close_props(props *p, size_t header_len, const guint8 *header)
{
    GByteArray *all = g_byte_array_new();
    g_byte_array_append(all, header, (guint)header_len);
    g_byte_array_append(all, p->fixed->data, p->fixed->len);
    put_stream(p->dir, "__properties_version1.0", all->data, all->len);
    g_byte_array_unref(all);
    g_byte_array_unref(p->fixed);
}

static void write_message(GsfOutfile *dir, const desc *d, gboolean top);

static void write_recipient(GsfOutfile *dir, const desc *d, int i)
{
    char name[64];
    snprintf(name, sizeof name, "__recip_version1.0_#%08X", i);
    props p = {GSF_OUTFILE(gsf_outfile_new_child(dir, name, TRUE)), g_byte_array_new(), d->ansi};
    const rcpt *r = &d->rcpt[i];
    put_long(&p, 0x0C15, (guint32)r->type);
    put_long(&p, 0x3000, (guint32)i); /* PR_ROWID */
    put_string(&p, 0x3001, r->name);
    if (r->address) {
        put_string(&p, 0x3002, "SMTP");
        put_string(&p, 0x3003, r->address);
        put_string(&p, 0x39FE, r->address);
    }
    static const guint8 header[8] = {0};
    close_props(&p, sizeof header, header);
    gsf_output_close(GSF_OUTPUT(p.dir));
    g_object_unref(p.dir);
}

static void write_attachment(GsfOutfile *dir, const desc *d, int i)
{
    char name[64];
    snprintf(name, sizeof name, "__attach_version1.0_#%08X", i);
    props p = {GSF_OUTFILE(gsf_outfile_new_child(dir, name, TRUE)), g_byte_array_new(), d->ansi};
    const attach *a = &d->att[i];
    put_long(&p, 0x0E21, (guint32)i); /* PR_ATTACH_NUM */
    if (a->embedded) {
        put_long(&p, 0x3705, 5);
        put_string(&p, 0x3001, a->embedded->subject);
        GsfOutfile *inner = GSF_OUTFILE(gsf_outfile_new_child(p.dir, "__substg1.0_3701000D", TRUE));
        write_message(inner, a->embedded, FALSE);
        gsf_output_close(GSF_OUTPUT(inner));
        g_object_unref(inner);
        put_entry(&p, 0x3701, 0x000D, 0xFFFFFFFFu);
    } else {
        put_long(&p, 0x3705, 1);
        put_string(&p, 0x3707, a->name);
        put_string(&p, 0x3704, a->name);
        put_string(&p, 0x370E, a->mime);
        put_binary(&p, 0x3701, a->data->data, a->data->len);
    }
    static const guint8 header[8] = {0};
    close_props(&p, sizeof header, header);
    gsf_output_close(GSF_OUTPUT(p.dir));
    g_object_unref(p.dir);
}

static void write_message(GsfOutfile *dir, const desc *d, gboolean top)
{
    props p = {dir, g_byte_array_new(), d->ansi};
    put_string(&p, 0x001A, d->class ? d->class : "IPM.Note");
    put_string(&p, 0x0037, d->subject);
    put_string(&p, 0x0C1A, d->from_name);
    put_string(&p, 0x0042, d->from_name);
    if (d->from) {
        put_string(&p, 0x0C1E, "SMTP");
        put_string(&p, 0x0C1F, d->from);
        put_string(&p, 0x5D01, d->from);
        put_string(&p, 0x0064, "SMTP");
        put_string(&p, 0x0065, d->from);
        put_string(&p, 0x5D02, d->from);
    }
    put_string(&p, 0x1035, d->message_id);
    put_string(&p, 0x1042, d->in_reply_to);
    put_string(&p, 0x007D, d->headers);
    put_string(&p, 0x1000, d->body);
    if (d->html)
        put_binary(&p, 0x1013, d->html, strlen(d->html));
    if (d->date)
        put_entry(&p, 0x0039, 0x0040, (guint64)d->date);
    if (d->delivery)
        put_entry(&p, 0x0E06, 0x0040, (guint64)d->delivery);
    /* PR_DISPLAY_TO, _CC, _BCC: the recipients' names, as Outlook keeps
     * them beside the table. */
    static const unsigned display[] = {0x0E04, 0x0E03, 0x0E02};
    for (int type = 1; type <= 3; type++) {
        GString *names = g_string_new(NULL);
        for (int i = 0; i < d->n_rcpt; i++)
            if (d->rcpt[i].type == type)
                g_string_append_printf(names, "%s%s", names->len ? "; " : "", d->rcpt[i].name);
        if (names->len)
            put_string(&p, display[type - 1], names->str);
        g_string_free(names, TRUE);
    }
    put_long(&p, 0x3FFD, d->ansi ? 1252 : 65001);
    put_long(&p, 0x3FDE, d->ansi ? 1252 : 65001);
    for (int i = 0; i < d->n_rcpt; i++)
        write_recipient(dir, d, i);
    for (int i = 0; i < d->n_att; i++)
        write_attachment(dir, d, i);
    /* The header: reserved, next recipient and attachment ids, their
     * counts, and (at the top only) 8 more reserved bytes. */
    guint8 header[32] = {0};
    guint32 v[4] = {(guint32)d->n_rcpt, (guint32)d->n_att, (guint32)d->n_rcpt, (guint32)d->n_att};
    for (int k = 0; k < 4; k++)
        for (int i = 0; i < 4; i++)
            header[8 + 4 * k + i] = (guint8)(v[k] >> (8 * i));
    close_props(&p, top ? 32 : 24, header);
    if (top) {
        GsfOutfile *names = GSF_OUTFILE(gsf_outfile_new_child(dir, "__nameid_version1.0", TRUE));
        put_stream(names, "__substg1.0_00020102", NULL, 0);
        put_stream(names, "__substg1.0_00030102", NULL, 0);
        put_stream(names, "__substg1.0_00040102", NULL, 0);
        gsf_output_close(GSF_OUTPUT(names));
        g_object_unref(names);
    }
}

static void free_desc(desc *d)
{
    char *strings[] = {d->class,       d->subject, d->from_name, d->from, d->message_id,
                       d->in_reply_to, d->headers, d->body,      d->html};
    for (size_t i = 0; i < sizeof strings / sizeof strings[0]; i++)
        g_free(strings[i]);
    for (int i = 0; i < d->n_rcpt; i++) {
        g_free(d->rcpt[i].name);
        g_free(d->rcpt[i].address);
    }
    for (int i = 0; i < d->n_att; i++) {
        g_free(d->att[i].name);
        g_free(d->att[i].mime);
        if (d->att[i].data)
            g_byte_array_unref(d->att[i].data);
        if (d->att[i].embedded) {
            free_desc(d->att[i].embedded);
            g_free(d->att[i].embedded);
        }
    }
}

int main(int argc, char **argv)
{
    if (argc != 3)
        die("usage: make-msg DESCRIPTION OUTPUT.msg", NULL);
    gsf_init();
    FILE *in = fopen(argv[1], "r");
    if (!in)
        die("cannot open", argv[1]);
    desc d;
    memset(&d, 0, sizeof d);
    parse(in, &d);
    fclose(in);
    GError *err = NULL;
    GsfOutput *sink = gsf_output_stdio_new(argv[2], &err);
    if (!sink)
        die("cannot create", argv[2]);
    GsfOutfile *root = gsf_outfile_msole_new(sink);
    write_message(root, &d, TRUE);
    if (!gsf_output_close(GSF_OUTPUT(root)))
        die("cannot write", argv[2]);
    g_object_unref(root);
    g_object_unref(sink);
    free_desc(&d);
    gsf_shutdown();
    return 0;
}
