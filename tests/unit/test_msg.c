/* test_msg.c - the .msg reader: the shared Outlook files, the generated fixtures, damaged copies.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "bfio.h"
#include "mapi.h"
#include "message.h"
#include "msg.h"

/* The bytes of dir/name (NULL when the file cannot be read). */
static char *slurp(const char *dir, const char *name, size_t *len)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    lx_strbuf sb;
    lx_strbuf_init(&sb);
    char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        lx_strbuf_add(&sb, buf, n);
    fclose(f);
    return lx_strbuf_detach(&sb, len);
}

/* The shared Outlook files' folder, or NULL (the test then says it skips). */
static const char *shared_outlook(void)
{
    static char dir[4096];
    const char *shared = getenv("LEAKDEX_SHARED");
    snprintf(dir, sizeof dir, "%s/outlook", shared ? shared : "../shared");
    size_t len;
    char *probe = slurp(dir, "qwerty_3.msg", &len);
    if (!probe) {
        printf("SKIP: %s absent: the shared Outlook files are not tested\n", dir);
        return NULL;
    }
    free(probe);
    return dir;
}

typedef struct item {
    lx_mapi_msg m;
    char *data;
    size_t len;
} item;

static void read_item(item *it, const char *dir, const char *name)
{
    it->data = slurp(dir, name, &it->len);
    assert_non_null(it->data);
    lx_mapi_msg_init(&it->m);
    lx_strbuf why;
    lx_strbuf_init(&why);
    assert_true(lx_msg_sniff(it->data, it->len));
    lx_status st = lx_msg_read(it->data, it->len, &it->m, &why);
    if (st != LX_OK)
        fail_msg("%s: %s", name, why.buf);
    lx_strbuf_release(&why);
}

static void free_item(item *it)
{
    lx_mapi_msg_release(&it->m);
    free(it->data);
}

static void assert_rcpt(const lx_mapi_rcpt *r, int type, const char *name, const char *address,
                        const char *x500)
{
    assert_int_equal(r->type, type);
    assert_string_equal(r->name, name);
    if (address)
        assert_string_equal(r->address, address);
    else
        assert_null(r->address);
    if (x500)
        assert_string_equal(r->x500, x500);
    else
        assert_null(r->x500);
}

static void assert_starts(const void *data, size_t len, const char *prefix)
{
    assert_non_null(data);
    assert_true(len >= strlen(prefix));
    assert_memory_equal(data, prefix, strlen(prefix));
}

/* qwerty_3: three recipients (no address, SMTP, Exchange with its SMTP
 * address), plain, HTML and compressed-RTF bodies, dated by its delivery
 * time (it has no submit time). qwerty_2 differs only in properties the
 * model does not hold: one identity. */
static void test_qwerty(void **state)
{
    (void)state;
    const char *dir = shared_outlook();
    if (!dir)
        skip();
    item it;
    read_item(&it, dir, "qwerty_3.msg");
    lx_mapi_msg *m = &it.m;
    assert_string_equal(m->message_class, "IPM.Note");
    assert_true(lx_mapi_is_mail(m->message_class));
    assert_string_equal(m->subject, "qwerty");
    assert_null(m->sender_name);
    assert_null(m->sender_address);
    assert_int_equal(m->n_rcpt, 3);
    assert_rcpt(&m->rcpt[0], LX_RCPT_TO, "asdf", NULL, NULL);
    assert_rcpt(&m->rcpt[1], LX_RCPT_CC, "Johnathan", "johnno@nowhere.com", NULL);
    assert_rcpt(&m->rcpt[2], LX_RCPT_BCC, "Lowe, Charles", "Charles.Lowe@freehills.com",
                "/O=FREEHILLS/OU=FIRST ADMINISTRATIVE GROUP/CN=RECIPIENTS/CN=Lowecha");
    assert_int_equal(m->date_from, LX_DATE_DELIVERY);
    assert_int_equal(m->date, 1162515506); /* 2006-11-03T00:58:26Z */
    assert_int_equal(m->date_frac, 2360000);
    assert_string_equal(m->message_id,
                        "<CEB3518C2FA4D743BF752C106451B19E14944E@sydexmail1.freehills.com.au>");
    assert_null(m->transport_headers);
    assert_starts(m->body, strlen(m->body), "\r\n\r\nCharles Lowe\r\nData Analyst\r\nFreehills");
    assert_int_equal(strlen(m->body), 143);
    assert_int_equal(m->html_len, 569);
    assert_starts(m->html, m->html_len, "<!DOCTYPE HTML PUBLIC \"-//W3C//DTD HTML 3.2//EN\">");
    assert_string_equal(m->html_charset, "US-ASCII");
    /* 0x1009 through lzfu.c: the declared 440 bytes, CRC right (no problem). */
    assert_int_equal(m->rtf_len, 440);
    assert_starts(m->rtf, m->rtf_len, "{\\rtf1\\ansi\\ansicpg1252\\fromtext");
    assert_int_equal(m->n_att, 0);
    assert_int_equal(m->n_problems, 0);
    char h3[65], h2[65], h1[65];
    assert_int_equal(lx_mapi_identity(m, h3), LX_OK);
    /* Converted: the headers built from its properties, exactly. */
    lx_strbuf eml;
    lx_strbuf_init(&eml);
    assert_int_equal(lx_mapi_to_eml(m, "msg", &eml), LX_OK);
    static const char head[] =
        "To: \"asdf\":;\r\n"
        "Cc: \"Johnathan\" <johnno@nowhere.com>\r\n"
        "Bcc: \"Lowe, Charles\" <Charles.Lowe@freehills.com>\r\n"
        "Subject: qwerty\r\n"
        "Date: Fri, 03 Nov 2006 00:58:26 +0000\r\n"
        "X-Leakdex-Date-Source: delivery time\r\n"
        "Message-ID: <CEB3518C2FA4D743BF752C106451B19E14944E@sydexmail1.freehills.com.au>\r\n"
        "X-Leakdex-Converted: msg\r\n"
        "MIME-Version: 1.0\r\n"
        "Content-Type: multipart/alternative; boundary=\"=_lx.";
    assert_starts(eml.buf, eml.len, head);
    assert_memory_equal(eml.buf + strlen(head), h3, 32);
    /* Read back, the name without an address is a recipient of its own. */
    lx_message parsed;
    assert_int_equal(lx_message_parse(&parsed, eml.buf, eml.len, NULL), LX_OK);
    assert_int_equal(parsed.to.n, 1);
    assert_string_equal(parsed.to.v[0].name, "asdf");
    assert_string_equal(parsed.to.v[0].addr, "");
    assert_int_equal(parsed.cc.n, 1);
    assert_string_equal(parsed.cc.v[0].addr, "johnno@nowhere.com");
    assert_int_equal(parsed.bcc.n, 1);
    assert_string_equal(parsed.bcc.v[0].name, "Lowe, Charles");
    lx_message_release(&parsed);
    lx_strbuf_release(&eml);
    free_item(&it);
    read_item(&it, dir, "qwerty_2-with_custom_properties.msg");
    assert_int_equal(lx_mapi_identity(&it.m, h2), LX_OK);
    assert_string_equal(h2, h3);
    free_item(&it);
    /* qwerty_1: one recipient, an earlier delivery: another identity. */
    read_item(&it, dir, "qwerty_1-orig.msg");
    assert_int_equal(it.m.n_rcpt, 1);
    assert_rcpt(&it.m.rcpt[0], LX_RCPT_TO, "asdf", NULL, NULL);
    assert_int_equal(it.m.date, 1162514599);
    assert_int_equal(lx_mapi_identity(&it.m, h1), LX_OK);
    assert_string_not_equal(h1, h3);
    free_item(&it);
}

/* test_Blammo: a post (indexed as mail) with a sender, a short plain body
 * and an RTF body encapsulating HTML. */
static void test_blammo(void **state)
{
    (void)state;
    const char *dir = shared_outlook();
    if (!dir)
        skip();
    item it;
    read_item(&it, dir, "test_Blammo.msg");
    lx_mapi_msg *m = &it.m;
    assert_string_equal(m->message_class, "IPM.Post");
    assert_true(lx_mapi_is_mail(m->message_class));
    assert_string_equal(m->subject, "BlammoBlammo");
    assert_string_equal(m->sender_name, "TripleNickel");
    assert_string_equal(m->sender_address, "TripleNickel@mapi32.net");
    assert_string_equal(m->representing_address, "TripleNickel@mapi32.net");
    assert_int_equal(m->date_from, LX_DATE_SUBMIT);
    assert_int_equal(m->date, 1191063764);
    assert_string_equal(m->body, "Blam\r\n\r\n");
    assert_null(m->html);
    assert_int_equal(m->rtf_len, 2773);
    assert_starts(m->rtf, m->rtf_len, "{\\rtf1\\ansi\\ansicpg1252\\fromhtml1");
    assert_int_equal(m->n_rcpt, 0);
    assert_int_equal(m->n_problems, 0);
    free_item(&it);
}

/* Contacts and the note are read, and are not mail; the ANSI and the
 * Unicode copy of one contact have one identity. */
static void test_not_mail(void **state)
{
    (void)state;
    const char *dir = shared_outlook();
    if (!dir)
        skip();
    static const struct {
        const char *file, *class, *kind, *subject;
    } cases[] = {
        {"contact-plain.msg", "IPM.Contact", "contact", "(full name) A completely bogus contact"},
        {"contact-unicode.msg", "IPM.Contact", "contact", "(full name) A completely bogus contact"},
        {"Swetlana Novikova.msg", "IPM.Contact", "contact", "Swetlana Novikova"},
        {"note.msg", "IPM.StickyNote", "note", "note sample"},
    };
    char ids[4][65];
    for (size_t i = 0; i < 4; i++) {
        item it;
        read_item(&it, dir, cases[i].file);
        assert_string_equal(it.m.message_class, cases[i].class);
        assert_false(lx_mapi_is_mail(it.m.message_class));
        assert_string_equal(lx_mapi_kind(it.m.message_class), cases[i].kind);
        assert_string_equal(it.m.subject, cases[i].subject);
        assert_int_equal(lx_mapi_identity(&it.m, ids[i]), LX_OK);
        free_item(&it);
    }
    assert_string_equal(ids[0], ids[1]);
    assert_string_not_equal(ids[0], ids[2]);
}

/* The contacts were saved by Exchange users: their sender (and sent on
 * behalf of) is an EX address, a DN, with no SMTP address. Converted, the
 * From is the name alone and the DN is kept beside it; test_Blammo's SMTP
 * sender has none. */
static void test_exchange_sender(void **state)
{
    (void)state;
    const char *dir = shared_outlook();
    if (!dir)
        skip();
    static const struct {
        const char *file, *name, *dn;
    } cases[] = {
        {"contact-plain.msg", "Lowe, Charles",
         "/O=XXXXXXXXX/OU=FIRST ADMINISTRATIVE GROUP/CN=RECIPIENTS/CN=LOWECHA"},
        {"contact-unicode.msg", "Lowe, Charles",
         "/O=XXXXXXXXX/OU=FIRST ADMINISTRATIVE GROUP/CN=RECIPIENTS/CN=LOWECHA"},
        {"Swetlana Novikova.msg", "Shkolnik M.I.",
         "/o=RS Ukraine/ou=First Administrative Group/cn=Recipients/cn=MShkolnik"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        item it;
        read_item(&it, dir, cases[i].file);
        assert_string_equal(it.m.sender_name, cases[i].name);
        assert_null(it.m.sender_address);
        assert_string_equal(it.m.sender_x500, cases[i].dn);
        assert_string_equal(it.m.representing_name, cases[i].name);
        assert_null(it.m.representing_address);
        assert_string_equal(it.m.representing_x500, cases[i].dn);
        free_item(&it);
    }
    item it;
    read_item(&it, dir, "contact-plain.msg");
    lx_strbuf eml;
    lx_strbuf_init(&eml);
    assert_int_equal(lx_mapi_to_eml(&it.m, "msg", &eml), LX_OK);
    static const char head[] = "From: \"Lowe, Charles\":;\r\n"
                               "X-Leakdex-Sender-X500: /O=XXXXXXXXX/OU=FIRST ADMINISTRATIVE\r\n"
                               " GROUP/CN=RECIPIENTS/CN=LOWECHA\r\n";
    assert_memory_equal(eml.buf, head, strlen(head));
    lx_message parsed;
    assert_int_equal(lx_message_parse(&parsed, eml.buf, eml.len, NULL), LX_OK);
    assert_string_equal(parsed.from.name, "Lowe, Charles");
    assert_string_equal(parsed.from.addr, "");
    lx_message_release(&parsed);
    lx_strbuf_release(&eml);
    free_item(&it);
    read_item(&it, dir, "test_Blammo.msg");
    assert_null(it.m.sender_x500);
    assert_null(it.m.representing_x500);
    free_item(&it);
}

/* Cut copies and non-message OLE2 files fail with a reason, never a
 * crash; cut at every 512 bytes of qwerty_3 as well. */
static void test_damaged(void **state)
{
    (void)state;
    const char *dir = shared_outlook();
    if (!dir)
        skip();
    size_t len;
    char *data = slurp(dir, "qwerty_3.msg", &len);
    assert_non_null(data);
    size_t cuts[] = {7, 512, 5000, len / 2};
    for (size_t i = 0; i < sizeof cuts / sizeof cuts[0]; i++) {
        lx_mapi_msg m;
        lx_mapi_msg_init(&m);
        lx_strbuf why;
        lx_strbuf_init(&why);
        assert_int_equal(lx_msg_read(data, cuts[i], &m, &why), LX_E_INVALID);
        assert_true(why.len > 0);
        assert_null(strchr(why.buf, '\n'));
        if (cuts[i] == 7)
            assert_string_equal(why.buf, "not an OLE2 file");
        else
            assert_memory_equal(why.buf, "damaged OLE2 file: ", 19);
        lx_mapi_msg_release(&m);
        lx_strbuf_release(&why);
    }
    for (size_t cut = 512; cut < len; cut += 512) {
        lx_mapi_msg m;
        lx_mapi_msg_init(&m);
        lx_strbuf why;
        lx_strbuf_init(&why);
        lx_status st = lx_msg_read(data, cut, &m, &why);
        assert_true(st == LX_OK || st == LX_E_INVALID);
        lx_mapi_msg_release(&m);
        lx_strbuf_release(&why);
    }
    free(data);
}

/* Generated: two files, an attached message in windows-1252 strings. */
static void test_generated_attachments(void **state)
{
    (void)state;
    item it;
    read_item(&it, getenv("LEAKDEX_MSG_FIXTURES"), "attachments.msg");
    lx_mapi_msg *m = &it.m;
    assert_string_equal(m->subject, "Budget 2017 : pi\xc3\xa8"
                                    "ces jointes");
    assert_string_equal(m->sender_name, "Camille Roche");
    assert_string_equal(m->sender_address, "camille.roche@campagne-exemple.fr");
    assert_int_equal(m->n_rcpt, 3);
    assert_rcpt(&m->rcpt[0], LX_RCPT_TO, "Lucas Martin", "lucas.martin@campagne-exemple.fr", NULL);
    assert_rcpt(&m->rcpt[1], LX_RCPT_TO, "Presse", "presse@presse-exemple.fr", NULL);
    assert_rcpt(&m->rcpt[2], LX_RCPT_CC, "In\xc3\xa8s Dubois", "ines.dubois@mairie-exemple.fr",
                NULL);
    assert_string_equal(m->display_to, "Lucas Martin; Presse");
    assert_int_equal(m->date_from, LX_DATE_SUBMIT);
    assert_int_equal(m->date, 1489483800); /* 2017-03-14T09:30:00Z */
    assert_string_equal(m->message_id, "<budget-2017@campagne-exemple.fr>");
    assert_string_equal(m->body, "Bonjour Lucas,\n\nvoici le budget et le logo. Le mot "
                                 "t\xc3\xa9moin est girouette.\n\nCamille\n");
    assert_string_equal(m->html_charset, "UTF-8");
    assert_int_equal(m->n_att, 3);
    assert_int_equal(m->att[0].method, LX_ATTACH_BY_VALUE);
    assert_string_equal(m->att[0].filename, "notes-r\xc3\xa9union.txt");
    assert_string_equal(m->att[0].mime_type, "text/plain");
    assert_int_equal(m->att[0].data_len, 59);
    assert_memory_equal(m->att[0].data,
                        "Compte rendu : la moissonneuse et le tracteur sont lou\xc3\xa9s.\n", 59);
    assert_string_equal(m->att[1].filename, "logo.png");
    assert_int_equal(m->att[1].data_len, 69);
    assert_memory_equal(m->att[1].data, "\x89PNG\r\n\x1a\n", 8);
    assert_int_equal(m->att[2].method, LX_ATTACH_EMBEDDED);
    assert_null(m->att[2].data);
    const lx_mapi_msg *e = m->att[2].embedded;
    assert_non_null(e);
    assert_string_equal(e->subject, "Ancien message du tr\xc3\xa9sorier");
    assert_string_equal(e->sender_name, "Paul Tr\xc3\xa9sor");
    assert_int_equal(e->n_rcpt, 1);
    assert_string_equal(e->body, "Les chiffres enfouis : escarboucle et serpolet.\n");
    assert_int_equal(e->date, 1489161600);
    assert_int_equal(m->n_problems, 0);

    /* Converted, the MIME module finds every name, word and file. */
    lx_strbuf eml;
    lx_strbuf_init(&eml);
    assert_int_equal(lx_mapi_to_eml(m, "msg", &eml), LX_OK);
    lx_message msg;
    assert_int_equal(lx_message_parse(&msg, eml.buf, eml.len, NULL), LX_OK);
    assert_string_equal(msg.from.addr, "camille.roche@campagne-exemple.fr");
    assert_int_equal(msg.to.n, 2);
    assert_string_equal(msg.cc.v[0].name, "In\xc3\xa8s Dubois");
    assert_string_equal(msg.subject, "Budget 2017 : pi\xc3\xa8"
                                     "ces jointes");
    assert_int_equal(msg.date, 1489483800);
    assert_non_null(strstr(msg.body, "girouette"));
    assert_int_equal(msg.n_parts, 5);
    assert_string_equal(msg.parts[2].filename, "notes-r\xc3\xa9union.txt");
    assert_string_equal(msg.parts[3].filename, "logo.png");
    assert_string_equal(msg.parts[3].content_type, "image/png");
    assert_string_equal(msg.parts[4].content_type, "message/rfc822");
    assert_non_null(memmem(msg.parts[4].data, msg.parts[4].data_len, "escarboucle", 11));
    lx_message_release(&msg);
    lx_strbuf_release(&eml);
    free_item(&it);
}

/* Generated twins, one in UTF-16 strings, one in windows-1252: one
 * identity, one .eml. */
static void test_generated_twins(void **state)
{
    (void)state;
    item a, u;
    read_item(&a, getenv("LEAKDEX_MSG_FIXTURES"), "twin-ansi.msg");
    read_item(&u, getenv("LEAKDEX_MSG_FIXTURES"), "twin-unicode.msg");
    assert_string_equal(a.m.subject, "R\xc3\xa9union \xc3\xa0 Besan\xc3\xa7on");
    assert_string_equal(a.m.sender_name, "\xc3\x89milie Gr\xc3\xb6\xc3\x9f");
    assert_string_equal(u.m.rcpt[0].name, "Zo\xc3\xab Bront\xc3\xab");
    char ha[65], hu[65];
    assert_int_equal(lx_mapi_identity(&a.m, ha), LX_OK);
    assert_int_equal(lx_mapi_identity(&u.m, hu), LX_OK);
    assert_string_equal(ha, hu);
    lx_strbuf ea, eu;
    lx_strbuf_init(&ea);
    lx_strbuf_init(&eu);
    assert_int_equal(lx_mapi_to_eml(&a.m, "msg", &ea), LX_OK);
    assert_int_equal(lx_mapi_to_eml(&u.m, "msg", &eu), LX_OK);
    assert_int_equal(ea.len, eu.len);
    assert_memory_equal(ea.buf, eu.buf, ea.len);
    lx_strbuf_release(&ea);
    lx_strbuf_release(&eu);
    free_item(&a);
    free_item(&u);
}

/* Generated: the Outlook copy of copy.eml reads back with the sender,
 * date, subject, Message-ID and body text the .eml has, what copies are
 * linked by. */
static void test_generated_copy(void **state)
{
    (void)state;
    item it;
    read_item(&it, getenv("LEAKDEX_MSG_FIXTURES"), "copy.msg");
    lx_strbuf eml;
    lx_strbuf_init(&eml);
    assert_int_equal(lx_mapi_to_eml(&it.m, "msg", &eml), LX_OK);
    size_t len;
    char *orig = slurp(getenv("LEAKDEX_MSG_DESCS"), "copy.eml", &len);
    assert_non_null(orig);
    lx_message a, b;
    assert_int_equal(lx_message_parse(&a, orig, len, NULL), LX_OK);
    assert_int_equal(lx_message_parse(&b, eml.buf, eml.len, NULL), LX_OK);
    assert_string_equal(a.from.addr, b.from.addr);
    assert_string_equal(a.from.name, b.from.name);
    assert_int_equal(a.date, b.date);
    assert_int_equal(b.date_source, LX_DATE_HEADER);
    assert_string_equal(a.subject, b.subject);
    assert_string_equal(a.message_id, b.message_id);
    assert_string_equal(a.body, b.body);
    assert_string_equal(b.body, "Camille,\n\nLe meeting de Lyon a r\xc3\xa9uni 2300 personnes. "
                                "La salle \xc3\xa9tait pleine.\n\nLucas\n");
    lx_message_release(&a);
    lx_message_release(&b);
    free(orig);
    lx_strbuf_release(&eml);
    free_item(&it);
}

/* An OLE2 file that is no Outlook message (a Word file) is told apart. */
static void test_not_a_message(void **state)
{
    (void)state;
    const char *src = getenv("LEAKDEX_MSG_DESCS");
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/../attach-assets", src);
    size_t len;
    char *doc = slurp(dir, "tracteur.doc", &len);
    assert_non_null(doc);
    assert_true(lx_msg_sniff(doc, len));
    lx_mapi_msg m;
    lx_mapi_msg_init(&m);
    lx_strbuf why;
    lx_strbuf_init(&why);
    assert_int_equal(lx_msg_read(doc, len, &m, &why), LX_E_INVALID);
    assert_string_equal(why.buf, "an OLE2 file without Outlook message properties");
    lx_mapi_msg_release(&m);
    lx_strbuf_release(&why);
    free(doc);
    assert_false(lx_msg_sniff("PK\3\4", 4));
}

/* The memory handle gives libolecf no byte past the end (libbfio's own
 * memory range read 512 past it: tests/fuzz/regressions/fuzz_msg). */
static void test_bfio_memory(void **state)
{
    (void)state;
    libbfio_handle_t *h = lx_bfio_memory("abc", 3);
    assert_non_null(h);
    assert_int_equal(libbfio_handle_open(h, LIBBFIO_OPEN_READ, NULL), 1);
    uint8_t buf[512];
    size64_t size = 0;
    assert_int_equal(libbfio_handle_get_size(h, &size, NULL), 1);
    assert_int_equal(size, 3);
    assert_int_equal(libbfio_handle_seek_offset(h, 1, SEEK_SET, NULL), 1);
    assert_int_equal(libbfio_handle_read_buffer(h, buf, sizeof buf, NULL), 2);
    assert_memory_equal(buf, "bc", 2);
    assert_int_equal(libbfio_handle_read_buffer(h, buf, sizeof buf, NULL), 0);
    assert_int_equal(libbfio_handle_seek_offset(h, 4096, SEEK_SET, NULL), 4096);
    assert_int_equal(libbfio_handle_read_buffer(h, buf, sizeof buf, NULL), 0);
    assert_int_equal(libbfio_handle_seek_offset(h, -1, SEEK_END, NULL), 2);
    assert_int_equal(libbfio_handle_read_buffer(h, buf, sizeof buf, NULL), 1);
    assert_int_equal(buf[0], 'c');
    assert_int_equal(libbfio_handle_close(h, NULL), 0);
    assert_int_equal(libbfio_handle_free(&h, NULL), 1);
}

int main(void)
{
    lx_message_library_init();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_qwerty),          cmocka_unit_test(test_blammo),
        cmocka_unit_test(test_not_mail),        cmocka_unit_test(test_exchange_sender),
        cmocka_unit_test(test_damaged),         cmocka_unit_test(test_generated_attachments),
        cmocka_unit_test(test_generated_twins), cmocka_unit_test(test_generated_copy),
        cmocka_unit_test(test_not_a_message),   cmocka_unit_test(test_bfio_memory),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
