/* test_mapi.c - the Outlook item model: classes, identity and conversion to RFC 5322. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "caps.h"
#include "mapi.h"
#include "message.h"
#include "sha256.h"

static void test_classes(void **state)
{
    (void)state;
    const char *mail[] = {NULL,
                          "",
                          "IPM.Note",
                          "ipm.note",
                          "IPM.Note.SMIME",
                          "IPM.Post",
                          "IPM.Schedule.Meeting.Request",
                          "REPORT.IPM.Note.NDR"};
    for (size_t i = 0; i < sizeof mail / sizeof mail[0]; i++)
        assert_true(lx_mapi_is_mail(mail[i]));
    const char *not_mail[] = {
        "IPM.Contact", "IPM.StickyNote",       "IPM.Appointment", "IPM.Task",     "IPM.Notes",
        "IPM.Note.",   "IPM.Schedule.Meeting", "REPORT.IPM.Note", "IPM.DistList", "IPM"};
    for (size_t i = 0; i < sizeof not_mail / sizeof not_mail[0]; i++)
        assert_false(lx_mapi_is_mail(not_mail[i]));
    assert_string_equal(lx_mapi_kind("IPM.Contact"), "contact");
    assert_string_equal(lx_mapi_kind("ipm.contact.custom"), "contact");
    assert_string_equal(lx_mapi_kind("IPM.StickyNote"), "note");
    assert_string_equal(lx_mapi_kind("IPM.Appointment"), "appointment");
    assert_string_equal(lx_mapi_kind("IPM.Task"), "task");
    assert_string_equal(lx_mapi_kind("IPM.TaskRequest.Accept"), "task");
    assert_string_equal(lx_mapi_kind("IPM.DistList"), "distribution list");
    assert_string_equal(lx_mapi_kind("IPM.Activity"), "journal entry");
    assert_string_equal(lx_mapi_kind("IPM.Contacts"), "other item");
    assert_string_equal(lx_mapi_kind(NULL), "other item");
}

static char *dup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    assert_non_null(d);
    memcpy(d, s, n);
    return d;
}

static unsigned char *dup_bytes(const char *s, size_t n)
{
    unsigned char *d = malloc(n ? n : 1);
    assert_non_null(d);
    memcpy(d, s, n);
    return d;
}

/* A note with three recipients (an SMTP one, an Exchange one with its SMTP
 * address, a name alone), plain and HTML bodies, a file, a link and an
 * embedded message with its own transport headers. */
static void build_item(lx_mapi_msg *m)
{
    lx_mapi_msg_init(m);
    m->message_class = dup("IPM.Note");
    m->subject = dup("Quarterly numbers, d\xc3\xa9j\xc3\xa0 vu");
    m->sender_name = dup("Alice Martin");
    m->sender_address = dup("alice@example.org");
    m->rcpt = calloc(3, sizeof *m->rcpt);
    assert_non_null(m->rcpt);
    m->n_rcpt = 3;
    m->rcpt[0] =
        (lx_mapi_rcpt){LX_RCPT_TO, dup("Bob \"the builder\""), dup("bob@example.net"), NULL};
    m->rcpt[1] = (lx_mapi_rcpt){LX_RCPT_CC, dup("Carol"), dup("carol@example.com"),
                                dup("/O=EXAMPLE/OU=FIRST/CN=RECIPIENTS/CN=CAROL")};
    m->rcpt[2] = (lx_mapi_rcpt){LX_RCPT_TO, dup("asdf"), NULL, NULL};
    m->date = 1162520337; /* 2006-11-03T02:18:57Z */
    m->date_frac = 1234567;
    m->date_from = LX_DATE_SUBMIT;
    m->message_id = dup("<q3@example.org>");
    m->body = dup("Hello Bob,\nthe numbers are attached.\n");
    m->html = dup_bytes("<p>Hello Bob,</p>\0", 18);
    m->html_len = 18;
    m->html_charset = dup("windows-1252");
    m->att = calloc(3, sizeof *m->att);
    assert_non_null(m->att);
    m->n_att = 3;
    m->att[0].method = LX_ATTACH_BY_VALUE;
    m->att[0].filename = dup("numbers.txt");
    m->att[0].mime_type = dup("text/plain");
    m->att[0].data = dup_bytes("revenue 42\n", 11);
    m->att[0].data_len = 11;
    m->att[1].method = LX_ATTACH_REFERENCE;
    m->att[1].filename = dup("\xc3\xa9t\xc3\xa9 report.docx");
    m->att[2].method = LX_ATTACH_EMBEDDED;
    m->att[2].embedded = calloc(1, sizeof(lx_mapi_msg));
    assert_non_null(m->att[2].embedded);
    lx_mapi_msg *e = m->att[2].embedded;
    lx_mapi_msg_init(e);
    e->message_class = dup("IPM.Note");
    e->transport_headers = dup("From: Dan <dan@example.org>\nSubject: earlier\nContent-Type: "
                               "text/plain\n continued\nMIME-Version: 1.0\nX-Leakdex-Converted: "
                               "forged\nnot a field\n\nBody: not a header\n");
    e->body = dup("earlier words");
}

/* The exact .eml of build_item: headers built from the properties, the
 * hostile transport headers of the embedded message filtered. */
static const char golden_eml[] =
    "From: \"Alice Martin\" <alice@example.org>\r\n"
    "To: \"Bob \\\"the builder\\\"\" <bob@example.net>, \"asdf\":;\r\n"
    "Cc: \"Carol\" <carol@example.com>\r\n"
    "Subject: =?UTF-8?B?UXVhcnRlcmx5IG51bWJlcnMsIGTDqWrDoCB2dQ==?=\r\n"
    "Date: Fri, 03 Nov 2006 02:18:57 +0000\r\n"
    "Message-ID: <q3@example.org>\r\n"
    "X-Leakdex-Converted: msg\r\n"
    "MIME-Version: 1.0\r\n"
    "Content-Type: multipart/mixed; boundary=\"=_lx.7fc39640642c3bdf412455be023c90f9.m\"\r\n"
    "\r\n"
    "This is a message converted by leakdex from an Outlook item.\r\n"
    "\r\n"
    "--=_lx.7fc39640642c3bdf412455be023c90f9.m\r\n"
    "Content-Type: multipart/alternative; boundary=\"=_lx.7fc39640642c3bdf412455be023c90f9.a\"\r\n"
    "\r\n"
    "\r\n"
    "--=_lx.7fc39640642c3bdf412455be023c90f9.a\r\n"
    "Content-Type: text/plain; charset=\"utf-8\"\r\n"
    "Content-Transfer-Encoding: 7bit\r\n"
    "\r\n"
    "Hello Bob,\r\n"
    "the numbers are attached.\r\n"
    "\r\n"
    "--=_lx.7fc39640642c3bdf412455be023c90f9.a\r\n"
    "Content-Type: text/html; charset=\"windows-1252\"\r\n"
    "Content-Transfer-Encoding: 7bit\r\n"
    "\r\n"
    "<p>Hello Bob,</p>\r\n"
    "--=_lx.7fc39640642c3bdf412455be023c90f9.a--\r\n"
    "\r\n"
    "--=_lx.7fc39640642c3bdf412455be023c90f9.m\r\n"
    "Content-Type: text/plain\r\n"
    "Content-Disposition: attachment;\r\n"
    " filename=\"numbers.txt\"\r\n"
    "Content-Transfer-Encoding: base64\r\n"
    "\r\n"
    "cmV2ZW51ZSA0Mgo=\r\n"
    "\r\n"
    "--=_lx.7fc39640642c3bdf412455be023c90f9.m\r\n"
    "Content-Type: text/plain; charset=\"utf-8\"\r\n"
    "Content-Disposition: attachment\r\n"
    "Content-Description: a linked attachment, no bytes\r\n"
    "Content-Transfer-Encoding: quoted-printable\r\n"
    "\r\n"
    "An attachment the item only links to (method 2): =C3=A9t=C3=A9 report.docx\r\n"
    "\r\n"
    "--=_lx.7fc39640642c3bdf412455be023c90f9.m\r\n"
    "Content-Type: message/rfc822\r\n"
    "Content-Disposition: attachment\r\n"
    "Content-Transfer-Encoding: 7bit\r\n"
    "\r\n"
    "From: Dan <dan@example.org>\r\n"
    "Subject: earlier\r\n"
    "X-Leakdex-Converted: msg, attachment 3\r\n"
    "MIME-Version: 1.0\r\n"
    "Content-Type: text/plain; charset=\"utf-8\"\r\n"
    "Content-Transfer-Encoding: 7bit\r\n"
    "\r\n"
    "earlier words\r\n"
    "--=_lx.7fc39640642c3bdf412455be023c90f9.m--\r\n";

/* What a reader could not read: one line each, up to LX_OUTLOOK_MAX_PROBLEMS;
 * past it the last line counts the rest, so a hostile item with a million
 * broken properties costs a hundred lines. */
static void test_problems_capped(void **state)
{
    (void)state;
    lx_mapi_msg m;
    lx_mapi_msg_init(&m);
    for (int i = 0; i < LX_OUTLOOK_MAX_PROBLEMS + 5; i++)
        assert_int_equal(lx_mapi_add_problem(&m, "property 0x%04X: cut short", i), LX_OK);
    assert_int_equal(m.n_problems, LX_OUTLOOK_MAX_PROBLEMS);
    assert_string_equal(m.problems[0], "property 0x0000: cut short");
    assert_string_equal(m.problems[LX_OUTLOOK_MAX_PROBLEMS - 2], "property 0x0062: cut short");
    assert_string_equal(m.problems[LX_OUTLOOK_MAX_PROBLEMS - 1], "6 more problems");
    lx_mapi_msg_release(&m);
}

static void test_eml_golden(void **state)
{
    (void)state;
    lx_mapi_msg m;
    build_item(&m);
    lx_strbuf out;
    lx_strbuf_init(&out);
    assert_int_equal(lx_mapi_to_eml(&m, "msg", &out), LX_OK);
    assert_int_equal(out.len, strlen(golden_eml));
    assert_memory_equal(out.buf, golden_eml, out.len);
    /* Deterministic: a second conversion gives the same bytes. */
    lx_strbuf again;
    lx_strbuf_init(&again);
    assert_int_equal(lx_mapi_to_eml(&m, "msg", &again), LX_OK);
    assert_int_equal(again.len, out.len);
    assert_memory_equal(again.buf, out.buf, out.len);
    lx_strbuf_release(&again);
    lx_strbuf_release(&out);
    lx_mapi_msg_release(&m);
}

/* The .eml reads back through the MIME module as the item was: names,
 * addresses, subject, date, body, the attachments' names and the embedded
 * message. */
static void test_eml_parses(void **state)
{
    (void)state;
    lx_message msg;
    lx_strbuf why;
    lx_strbuf_init(&why);
    assert_int_equal(lx_message_parse(&msg, golden_eml, strlen(golden_eml), &why), LX_OK);
    assert_string_equal(msg.from.name, "Alice Martin");
    assert_string_equal(msg.from.addr, "alice@example.org");
    assert_int_equal(msg.to.n, 2);
    assert_string_equal(msg.to.v[0].name, "Bob \"the builder\"");
    assert_string_equal(msg.to.v[0].addr, "bob@example.net");
    assert_string_equal(msg.to.v[1].name, "asdf"); /* the name alone, an empty group */
    assert_string_equal(msg.to.v[1].addr, "");
    assert_int_equal(msg.cc.n, 1);
    assert_string_equal(msg.cc.v[0].addr, "carol@example.com");
    assert_string_equal(msg.subject, "Quarterly numbers, d\xc3\xa9j\xc3\xa0 vu");
    assert_string_equal(msg.message_id, "q3@example.org");
    assert_int_equal(msg.date_source, LX_DATE_HEADER);
    assert_int_equal(msg.date, 1162520337);
    assert_string_equal(msg.body, "Hello Bob,\nthe numbers are attached.\n");
    assert_int_equal(msg.n_parts, 5);
    assert_int_equal(msg.parts[1].role, LX_PART_ALTERNATIVE);
    assert_string_equal(msg.parts[2].filename, "numbers.txt");
    assert_int_equal(msg.parts[2].data_len, 11);
    assert_memory_equal(msg.parts[2].data, "revenue 42\n", 11);
    assert_string_equal(msg.parts[3].filename, "");
    assert_memory_equal(msg.parts[3].data,
                        "An attachment the item only links to (method 2): "
                        "\xc3\xa9t\xc3\xa9 report.docx\r\n",
                        68);
    assert_string_equal(msg.parts[4].content_type, "message/rfc822");
    lx_message_release(&msg);
    lx_strbuf_release(&why);
}

/* One field of the documented serialization, written by hand here. */
static void f(lx_strbuf *sb, const char *name, const char *v, size_t n)
{
    lx_strbuf_addf(sb, "%s %zu\n", name, n);
    lx_strbuf_add(sb, v, n);
    lx_strbuf_addch(sb, '\n');
}

static void fs(lx_strbuf *sb, const char *name, const char *v)
{
    f(sb, name, v, strlen(v));
}

static void fb(lx_strbuf *sb, const char *name, lx_strbuf *inner)
{
    f(sb, name, inner->buf, inner->len);
    lx_strbuf_reset(inner);
}

/* The identity is SHA-256 of exactly the serialization README.md
 * documents: written out by hand for build_item. */
static void test_identity_serialization(void **state)
{
    (void)state;
    lx_strbuf e, s, in;
    lx_strbuf_init(&e);
    lx_strbuf_init(&s);
    lx_strbuf_init(&in);
    char ehex[65], dhex[65], want[65], got[65];
    lx_strbuf_addstr(&e, "LXOUTLOOK1\n");
    fs(&e, "class", "IPM.Note");
    fs(&e, "headers",
       "From: Dan <dan@example.org>\r\nSubject: earlier\r\nContent-Type: "
       "text/plain\r\n continued\r\nMIME-Version: 1.0\r\nX-Leakdex-Converted: "
       "forged\r\nnot a field\r\n\r\nBody: not a header\r\n");
    fs(&e, "body", "earlier words");
    assert_int_equal(lx_sha256_hex(e.buf, e.len, ehex), LX_OK);
    assert_int_equal(lx_sha256_hex("revenue 42\n", 11, dhex), LX_OK);

    lx_strbuf_addstr(&s, "LXOUTLOOK1\n");
    fs(&s, "class", "IPM.Note");
    fs(&s, "subject", "Quarterly numbers, d\xc3\xa9j\xc3\xa0 vu");
    fs(&s, "sender-name", "Alice Martin");
    fs(&s, "sender-address", "alice@example.org");
    fs(&in, "type", "1");
    fs(&in, "name", "Bob \"the builder\"");
    fs(&in, "address", "bob@example.net");
    fb(&s, "rcpt", &in);
    fs(&in, "type", "2");
    fs(&in, "name", "Carol");
    fs(&in, "address", "carol@example.com");
    fs(&in, "x500", "/O=EXAMPLE/OU=FIRST/CN=RECIPIENTS/CN=CAROL");
    fb(&s, "rcpt", &in);
    fs(&in, "type", "1");
    fs(&in, "name", "asdf");
    fb(&s, "rcpt", &in);
    fs(&s, "date", "20061103T021857.1234567");
    fs(&s, "message-id", "<q3@example.org>");
    fs(&s, "body", "Hello Bob,\r\nthe numbers are attached.\r\n");
    fs(&s, "html", "<p>Hello Bob,</p>");
    fs(&in, "method", "1");
    fs(&in, "name", "numbers.txt");
    fs(&in, "mime", "text/plain");
    fs(&in, "data", dhex);
    fb(&s, "attach", &in);
    fs(&in, "method", "2");
    fs(&in, "name", "\xc3\xa9t\xc3\xa9 report.docx");
    fb(&s, "attach", &in);
    fs(&in, "method", "5");
    fs(&in, "message", ehex);
    fb(&s, "attach", &in);
    assert_int_equal(lx_sha256_hex(s.buf, s.len, want), LX_OK);

    lx_mapi_msg m;
    build_item(&m);
    assert_int_equal(lx_mapi_identity(&m, got), LX_OK);
    assert_string_equal(got, want);
    assert_string_equal(got, "7fc39640642c3bdf412455be023c90f9b14364d28ce6a46b16722d54a36cdff1");
    lx_mapi_msg_release(&m);
    lx_strbuf_release(&e);
    lx_strbuf_release(&s);
    lx_strbuf_release(&in);
}

/* What a reader may deliver differently for one item (line ends, the
 * terminator counted in a size, the problems met) and what the model does
 * not hold (folder, NID, flags, entry ids: no field exists for them) leave
 * the identity alone; every field the conversion shows changes it. */
static void test_identity_stable(void **state)
{
    (void)state;
    lx_mapi_msg m;
    build_item(&m);
    char base[65], hex[65];
    assert_int_equal(lx_mapi_identity(&m, base), LX_OK);

    free(m.body);
    m.body = dup("Hello Bob,\r\nthe numbers are attached.\r\n");
    m.html_len = 17; /* no terminator counted */
    m.problems = calloc(1, sizeof *m.problems);
    m.problems[0] = dup("property 0x1013: cut short");
    m.n_problems = 1;
    assert_int_equal(lx_mapi_identity(&m, hex), LX_OK);
    assert_string_equal(hex, base);

    m.date_frac++;
    assert_int_equal(lx_mapi_identity(&m, hex), LX_OK);
    assert_string_not_equal(hex, base);
    m.date_frac--;
    m.rcpt[1].type = LX_RCPT_BCC;
    assert_int_equal(lx_mapi_identity(&m, hex), LX_OK);
    assert_string_not_equal(hex, base);
    m.rcpt[1].type = LX_RCPT_CC;
    m.att[0].data[0] = 'R';
    assert_int_equal(lx_mapi_identity(&m, hex), LX_OK);
    assert_string_not_equal(hex, base);
    m.att[0].data[0] = 'r';
    free(m.att[2].embedded->body);
    m.att[2].embedded->body = dup("earlier words!");
    assert_int_equal(lx_mapi_identity(&m, hex), LX_OK);
    assert_string_not_equal(hex, base);
    lx_mapi_msg_release(&m);
}

/* Hostile strings: a CR/LF in a subject, a name or an address cannot add a
 * header field or a recipient. */
static void test_eml_hostile(void **state)
{
    (void)state;
    lx_mapi_msg m;
    lx_mapi_msg_init(&m);
    m.subject = dup("hi\r\nBcc: victim@example.com\x01");
    m.sender_name = dup("Eve\nX-Injected: 1");
    m.sender_address = dup("eve@example.org>, boss@example.org");
    m.rcpt = calloc(1, sizeof *m.rcpt);
    m.n_rcpt = 1;
    m.rcpt[0] = (lx_mapi_rcpt){LX_RCPT_TO, NULL, dup("a@b.c\r\nBcc: x@y.z"), NULL};
    m.message_id = dup("<x@y>\r\nReply-To: evil@example.com");
    lx_strbuf out;
    lx_strbuf_init(&out);
    assert_int_equal(lx_mapi_to_eml(&m, "msg\r\nX-Evil: 1", &out), LX_OK);
    const char *want = "From: \"Eve X-Injected: 1\":;\r\n"
                       "To: \"a@b.c  Bcc: x@y.z\":;\r\n"
                       "Subject: hi  Bcc: victim@example.com \r\n"
                       "Message-ID: <x@y>  Reply-To: evil@example.com\r\n"
                       "X-Leakdex-Converted: msg  X-Evil: 1\r\n"
                       "MIME-Version: 1.0\r\n"
                       "Content-Type: text/plain; charset=\"utf-8\"\r\n"
                       "Content-Transfer-Encoding: 7bit\r\n"
                       "\r\n";
    assert_string_equal(out.buf, want);
    lx_strbuf_release(&out);
    lx_mapi_msg_release(&m);
}

/* An item with only a compressed-RTF body gets a text/rtf part; a long
 * ASCII subject folds at its spaces; a non-ASCII attachment name is an RFC
 * 2231 parameter. */
static void test_eml_rtf_and_names(void **state)
{
    (void)state;
    lx_mapi_msg m;
    lx_mapi_msg_init(&m);
    m.subject = dup("a subject long enough that it has to be folded somewhere before the "
                    "seventy-eighth column");
    m.rtf = dup_bytes("{\\rtf1 caf\\'e9}\0", 16);
    m.rtf_len = 16;
    m.date = 0;
    m.date_from = LX_DATE_CREATION;
    m.att = calloc(1, sizeof *m.att);
    m.n_att = 1;
    m.att[0].method = LX_ATTACH_BY_VALUE;
    m.att[0].filename = dup("r\xc3\xa9sum\xc3\xa9 \"final\".pdf");
    m.att[0].mime_type = dup("application/pdf; x=y");
    m.att[0].content_id = dup("<img1@x>");
    m.att[0].hidden = true;
    m.att[0].data = dup_bytes("%PDF", 4);
    m.att[0].data_len = 4;
    char hex[65];
    assert_int_equal(lx_mapi_identity(&m, hex), LX_OK);
    lx_strbuf want;
    lx_strbuf_init(&want);
    lx_strbuf_addf(
        &want,
        "Subject: a subject long enough that it has to be folded somewhere before the\r\n"
        " seventy-eighth column\r\n"
        "Date: Thu, 01 Jan 1970 00:00:00 +0000\r\n"
        "X-Leakdex-Date-Source: creation time\r\n"
        "X-Leakdex-Converted: pst item #2097188\r\n"
        "MIME-Version: 1.0\r\n"
        "Content-Type: multipart/mixed; boundary=\"=_lx.%.32s.m\"\r\n\r\n"
        "This is a message converted by leakdex from an Outlook item.\r\n"
        "\r\n--=_lx.%.32s.m\r\n"
        "Content-Type: text/rtf\r\n"
        "Content-Transfer-Encoding: 7bit\r\n\r\n"
        "{\\rtf1 caf\\'e9}"
        "\r\n--=_lx.%.32s.m\r\n"
        "Content-Type: application/octet-stream\r\n"
        "Content-Disposition: inline;\r\n"
        " filename*=UTF-8''r%%C3%%A9sum%%C3%%A9%%20%%22final%%22.pdf\r\n"
        "Content-ID: <img1@x>\r\n"
        "Content-Transfer-Encoding: base64\r\n\r\n"
        "JVBERg==\r\n"
        "\r\n--=_lx.%.32s.m--\r\n",
        hex, hex, hex, hex);
    lx_strbuf out;
    lx_strbuf_init(&out);
    assert_int_equal(lx_mapi_to_eml(&m, "pst item #2097188", &out), LX_OK);
    assert_string_equal(out.buf, want.buf);
    /* The MIME module takes the text/rtf part's text as the body, through
     * the RTF reader (\'e9 in the default windows-1252). */
    lx_message msg;
    assert_int_equal(lx_message_parse(&msg, out.buf, out.len, NULL), LX_OK);
    assert_string_equal(msg.body, "caf\xc3\xa9");
    assert_int_equal(msg.n_parts, 2);
    assert_int_equal(msg.parts[0].role, LX_PART_BODY);
    assert_string_equal(msg.parts[0].content_type, "text/rtf");
    assert_int_equal(msg.parts[1].role, LX_PART_ATTACHMENT);
    lx_message_release(&msg);
    /* Beside a text/plain part, a text/rtf part stays an attachment. */
    static const char both[] = "Content-Type: multipart/mixed; boundary=b\r\n\r\n"
                               "--b\r\nContent-Type: text/plain\r\n\r\nplain words\r\n"
                               "--b\r\nContent-Type: text/rtf\r\n\r\n{\\rtf1 rtf words}\r\n"
                               "--b--\r\n";
    assert_int_equal(lx_message_parse(&msg, both, strlen(both), NULL), LX_OK);
    assert_string_equal(msg.body, "plain words");
    assert_int_equal(msg.n_parts, 2);
    assert_int_equal(msg.parts[1].role, LX_PART_ATTACHMENT);
    lx_message_release(&msg);
    lx_strbuf_release(&out);
    lx_strbuf_release(&want);
    lx_mapi_msg_release(&m);
}

/* Messages inside messages deeper than LX_OUTLOOK_MAX_DEPTH are refused,
 * not followed without end. */
/* The converted headers of m up to the blank line (a new string). */
static char *eml_head(const lx_mapi_msg *m)
{
    lx_strbuf out;
    lx_strbuf_init(&out);
    assert_int_equal(lx_mapi_to_eml(m, "msg", &out), LX_OK);
    char *end = strstr(out.buf, "\r\n\r\n");
    assert_non_null(end);
    lx_strbuf_setlen(&out, (size_t)(end - out.buf) + 2);
    return lx_strbuf_detach(&out, NULL);
}

/* A sender known only by its Exchange DN: the From is the name alone, the
 * DN follows in X-Leakdex-Sender-X500 (control characters made spaces);
 * with an SMTP address there is no such field; sent on behalf of, the
 * representing DN is the From's. The DN is not in the identity (version 1
 * has no field for it). */
static void test_eml_exchange_sender(void **state)
{
    (void)state;
    lx_mapi_msg m;
    lx_mapi_msg_init(&m);
    m.subject = dup("s");
    m.sender_name = dup("Lowe, Charles");
    char before[65], after[65];
    assert_int_equal(lx_mapi_identity(&m, before), LX_OK);
    m.sender_x500 = dup("/O=FREEHILLS/CN=LOWECHA\r\nBcc: evil@example.org");
    assert_int_equal(lx_mapi_identity(&m, after), LX_OK);
    assert_string_equal(before, after);
    char *h = eml_head(&m);
    assert_string_equal(h,
                        "From: \"Lowe, Charles\":;\r\n"
                        "X-Leakdex-Sender-X500: /O=FREEHILLS/CN=LOWECHA  Bcc: evil@example.org\r\n"
                        "Subject: s\r\n"
                        "X-Leakdex-Converted: msg\r\n"
                        "MIME-Version: 1.0\r\n"
                        "Content-Type: text/plain; charset=\"utf-8\"\r\n"
                        "Content-Transfer-Encoding: 7bit\r\n");
    free(h);
    m.sender_address = dup("charles.lowe@freehills.com");
    h = eml_head(&m);
    assert_null(strstr(h, "X-Leakdex-Sender-X500"));
    free(h);
    m.representing_name = dup("Boss");
    m.representing_x500 = dup("/O=FREEHILLS/CN=BOSS");
    h = eml_head(&m);
    assert_non_null(strstr(h, "From: \"Boss\":;\r\nSender: \"Lowe, Charles\" "
                              "<charles.lowe@freehills.com>\r\n"
                              "X-Leakdex-Sender-X500: /O=FREEHILLS/CN=BOSS\r\n"));
    free(h);
    lx_mapi_msg_release(&m);
}

static void test_depth(void **state)
{
    (void)state;
    lx_mapi_msg top;
    lx_mapi_msg_init(&top);
    lx_mapi_msg *cur = &top;
    for (int i = 0; i <= LX_OUTLOOK_MAX_DEPTH; i++) {
        cur->att = calloc(1, sizeof *cur->att);
        cur->n_att = 1;
        cur->att[0].method = LX_ATTACH_EMBEDDED;
        cur->att[0].embedded = calloc(1, sizeof(lx_mapi_msg));
        cur = cur->att[0].embedded;
        lx_mapi_msg_init(cur);
    }
    char hex[65];
    lx_strbuf out;
    lx_strbuf_init(&out);
    assert_int_equal(lx_mapi_identity(&top, hex), LX_E_LIMIT);
    assert_int_equal(lx_mapi_to_eml(&top, "msg", &out), LX_E_LIMIT);
    /* One level less is converted. */
    lx_mapi_msg *last = top.att[0].embedded;
    for (int i = 1; i < LX_OUTLOOK_MAX_DEPTH; i++)
        last = last->att[0].embedded;
    lx_mapi_msg_release(last);
    assert_int_equal(lx_mapi_identity(&top, hex), LX_OK);
    lx_strbuf_reset(&out);
    assert_int_equal(lx_mapi_to_eml(&top, "msg", &out), LX_OK);
    lx_strbuf_release(&out);
    lx_mapi_msg_release(&top);
}

int main(void)
{
    lx_message_library_init();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_classes),
        cmocka_unit_test(test_problems_capped),
        cmocka_unit_test(test_eml_golden),
        cmocka_unit_test(test_eml_parses),
        cmocka_unit_test(test_identity_serialization),
        cmocka_unit_test(test_identity_stable),
        cmocka_unit_test(test_eml_hostile),
        cmocka_unit_test(test_eml_rtf_and_names),
        cmocka_unit_test(test_depth),
        cmocka_unit_test(test_eml_exchange_sender),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
