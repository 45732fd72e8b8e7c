/* test_message.c - parsing messages with GMime: headers, dates, body text. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "caps.h"
#include "message.h"
#include "utf8.h"

static lx_message parse(const char *raw)
{
    lx_message m;
    lx_strbuf why;
    lx_strbuf_init(&why);
    if (lx_message_parse(&m, raw, strlen(raw), &why) != LX_OK)
        fail_msg("parse failed: %s", why.buf);
    lx_strbuf_release(&why);
    return m;
}

static void test_headers(void **state)
{
    lx_message m = parse(
        "From: =?UTF-8?Q?B=C3=A9r=C3=A9nice_Lef=C3=A8vre?= <B.Lefevre@Mairie-Exemple.fr>\n"
        "To: Alice <alice@example.org>, =?ISO-8859-1?Q?=C9quipe?=: a@x.example, b@x.example;\n"
        "Cc: press@example.com\n"
        "Subject: =?UTF-8?B?UsOpdW5pb24gZHUgbHVuZGk=?=\n"
        "Message-ID: <abc.123@example.org>\n"
        "In-Reply-To: <parent@example.org>\n"
        "References: <root@example.org> <parent@example.org>\n"
        "Date: Mon, 24 Apr 2017 23:30:00 +0200\n"
        "\n"
        "Bonjour.\n");
    assert_string_equal(m.from.name, "Bérénice Lefèvre");
    assert_string_equal(m.from.addr, "B.Lefevre@Mairie-Exemple.fr");
    assert_int_equal(m.to.n, 3);
    assert_string_equal(m.to.v[0].addr, "alice@example.org");
    assert_string_equal(m.to.v[1].addr, "a@x.example");
    assert_string_equal(m.to.v[2].addr, "b@x.example");
    assert_int_equal(m.cc.n, 1);
    assert_string_equal(m.subject, "Réunion du lundi");
    assert_string_equal(m.message_id, "abc.123@example.org");
    assert_string_equal(m.in_reply_to, "parent@example.org");
    assert_int_equal(m.n_references, 2);
    assert_string_equal(m.references[0], "root@example.org");
    assert_string_equal(m.references[1], "parent@example.org");
    assert_int_equal(m.date_source, LX_DATE_HEADER);
    assert_int_equal(m.date, 1493069400); /* 2017-04-24T21:30:00Z */
    assert_string_equal(m.body, "Bonjour.\n");
    lx_message_release(&m);
}

/* An empty group is a name without an address: kept with an empty
 * address, between the mailboxes around it; a group with members gives
 * its members only. */
static void test_empty_groups(void **state)
{
    (void)state;
    lx_message m = parse("From: \"Lowe, Charles\":;\n"
                         "To: \"asdf\":;, \"Johnathan\" <johnno@nowhere.com>,\n"
                         " undisclosed-recipients:;, Team: a@x.example;\n"
                         "Cc: =?UTF-8?B?w4lxdWlwZQ==?=:;\n"
                         "Subject: s\n\nb\n");
    assert_string_equal(m.from.name, "Lowe, Charles");
    assert_string_equal(m.from.addr, "");
    assert_int_equal(m.to.n, 4);
    assert_string_equal(m.to.v[0].name, "asdf");
    assert_string_equal(m.to.v[0].addr, "");
    assert_string_equal(m.to.v[1].name, "Johnathan");
    assert_string_equal(m.to.v[1].addr, "johnno@nowhere.com");
    assert_string_equal(m.to.v[2].name, "undisclosed-recipients");
    assert_string_equal(m.to.v[2].addr, "");
    assert_string_equal(m.to.v[3].name, "");
    assert_string_equal(m.to.v[3].addr, "a@x.example");
    assert_int_equal(m.cc.n, 1);
    assert_string_equal(m.cc.v[0].name, "\xc3\x89quipe");
    assert_string_equal(m.cc.v[0].addr, "");
    lx_message_release(&m);
}

/* References: each id on its own, so that one GMime cannot read (`<yes>`,
 * which git send-email writes) does not drop the real parents after it;
 * phrases and comments between ids are skipped. */
/* A control character inside an address (real mail has a literal Ctrl-C
 * inside <>) is removed from it, the name around it kept; the header is
 * kept as written. A name's own controls stay (they are shown escaped); a
 * header without any is not kept. */
static void test_address_controls(void **state)
{
    (void)state;
    lx_message m = parse("From: Evil Name <ev\x03il@esc.example>\n"
                         "To: =?UTF-8?B?UsKdeA==?= <r\x7f"
                         "cpt@esc.example>, plain@esc.example\n"
                         "Cc: =?UTF-8?B?Q8KbeA==?= <cc@esc.example>\n"
                         "Reply-To: <re\xc2\x9bply\xe2\x80\xae@esc.example>\n"
                         "Subject: s\n\nbody\n");
    assert_string_equal(m.from.name, "Evil Name");
    assert_string_equal(m.from.addr, "evil@esc.example");
    assert_int_equal(m.to.n, 2);
    assert_string_equal(m.to.v[0].name, "R\xc2\x9dx");
    assert_string_equal(m.to.v[0].addr, "rcpt@esc.example");
    assert_string_equal(m.to.v[1].addr, "plain@esc.example");
    assert_string_equal(m.cc.v[0].name, "C\xc2\x9bx");
    assert_string_equal(m.cc.v[0].addr, "cc@esc.example");
    assert_string_equal(m.reply_to.v[0].addr, "reply@esc.example");
    assert_int_equal(m.n_written_headers, 3);
    assert_string_equal(m.written_headers[0], "From\tEvil Name <ev\x03il@esc.example>");
    assert_string_equal(m.written_headers[1], "To\t=?UTF-8?B?UsKdeA==?= <r\x7f"
                                              "cpt@esc.example>, plain@esc.example");
    assert_string_equal(m.written_headers[2], "Reply-To\t<re\xc2\x9bply\xe2\x80\xae@esc.example>");
    lx_message_release(&m);
    /* The Sender a missing From falls back to. */
    m = parse("Sender: S <s\x03@esc.example>\nSubject: s\n\nbody\n");
    assert_string_equal(m.from.addr, "s@esc.example");
    assert_int_equal(m.n_written_headers, 1);
    assert_string_equal(m.written_headers[0], "Sender\tS <s\x03@esc.example>");
    lx_message_release(&m);
}

static void test_references(void **state)
{
    (void)state;
    static const struct {
        const char *header;
        const char *want; /* the ids, space-separated */
    } cases[] = {
        {"<yes>\n\t<parent@example.org>", "yes parent@example.org"},
        {"<root@example.org> <yes> <parent@example.org>",
         "root@example.org yes parent@example.org"},
        {"<root@example.org> (a comment) <parent@example.org>",
         "root@example.org parent@example.org"},
        {"<root@example.org>,<parent@example.org>", "root@example.org parent@example.org"},
        {"<root@example.org> <parent@exam", "root@example.org parent@exam"},
        {"", ""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char raw[512];
        snprintf(raw, sizeof raw,
                 "From: a@x.example\nSubject: x\nIn-Reply-To: <yes>\nReferences: %s\n\nbody\n",
                 cases[i].header);
        lx_message m = parse(raw);
        assert_string_equal(m.in_reply_to, "yes");
        char got[512] = "";
        size_t used = 0;
        for (size_t k = 0; k < m.n_references; k++)
            used += (size_t)snprintf(got + used, sizeof got - used, "%s%s", k ? " " : "",
                                     m.references[k]);
        if (strcmp(got, cases[i].want) != 0)
            fail_msg("case %zu: references [%s] want [%s]", i, got, cases[i].want);
        lx_message_release(&m);
    }
}

static void test_broken_headers(void **state)
{
    static const struct {
        const char *headers;
        const char *subject, *from_name;
    } cases[] = {
        /* An encoded word inside a quoted display name. */
        {"From: \"=?UTF-8?Q?Fran=C3=A7ois_Dupr=C3=A9?=\" <fd@x.example>\nSubject: x\n", "x",
         "François Dupré"},
        /* Adjacent encoded words without a space between them. */
        {"From: a@x.example\nSubject: =?UTF-8?Q?Caf=C3=A9?==?UTF-8?Q?_cr=C3=A8me?=\n", "Café crème",
         ""},
        /* A character split across two B words, the first one padded. */
        {"From: a@x.example\nSubject: =?UTF-8?B?w6k=?= =?UTF-8?B?w6nD?= =?UTF-8?B?qQ==?=\n", "ééé",
         ""},
        /* An unknown charset name on UTF-8 bytes. */
        {"From: a@x.example\nSubject: =?x-unknown?Q?caf=C3=A9?=\n", "café", ""},
        /* The same on windows-1252 bytes, in a B word, and with a language. */
        {"From: a@x.example\nSubject: =?X-UNKNOWN?Q?caf=E9?=\n", "café", ""},
        {"From: a@x.example\nSubject: =?x-unknown?B?Y2Fmw6k=?= cr=?x-unknown*fr?Q?=C3=A8me?=\n",
         "café crème", ""},
        /* Raw UTF-8 (RFC 6532). */
        {"From: Andr\xc3\xa9 <a@x.example>\nSubject: \xc3\xa9t\xc3\xa9\n", "été", "André"},
        /* Raw windows-1252, guessed with the body's help. */
        {"From: Andr\xe9 <a@x.example>\nSubject: Cet \xe9t\xe9 \xe0 la plage\n"
         "\nNous avons pass\xe9 un \xe9t\xe9 formidable \xe0 la plage avec les enfants.\n",
         "Cet été à la plage", "André"},
        /* A folded subject. */
        {"From: a@x.example\nSubject: one\n two\n", "one two", ""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char raw[1024];
        snprintf(raw, sizeof raw, "%s%s", cases[i].headers,
                 strstr(cases[i].headers, "\n\n") ? "" : "\nbody\n");
        lx_message m = parse(raw);
        if (strcmp(m.subject, cases[i].subject) != 0)
            fail_msg("case %zu: subject [%s] want [%s]", i, m.subject, cases[i].subject);
        if (strcmp(m.from.name, cases[i].from_name) != 0)
            fail_msg("case %zu: name [%s] want [%s]", i, m.from.name, cases[i].from_name);
        lx_message_release(&m);
    }
}

/* A raw 8-bit file name is decoded by its bytes, never by the locale the
 * test runs in: windows-1252 here, UTF-8 in the second part. */
static void test_raw_filename(void **state)
{
    lx_message m =
        parse("From: a@example.org\n"
              "Content-Type: multipart/mixed; boundary=\"B\"\n\n"
              "--B\n"
              "Content-Type: text/plain\n\nbody\n"
              "--B\n"
              "Content-Type: application/octet-stream\n"
              "Content-Disposition: attachment; filename=\"r\xe9sum\xe9 \xe9t\xe9.txt\"\n\n"
              "x\n"
              "--B\n"
              "Content-Type: application/octet-stream\n"
              "Content-Disposition: attachment; filename=\"caf\xc3\xa9.txt\"\n\n"
              "y\n"
              "--B--\n");
    size_t seen = 0;
    for (size_t i = 0; i < m.n_parts; i++) {
        if (m.parts[i].role != LX_PART_ATTACHMENT)
            continue;
        assert_string_equal(m.parts[i].filename, seen == 0 ? "résumé été.txt" : "café.txt");
        seen++;
    }
    assert_int_equal(seen, 2);
    lx_message_release(&m);
}

/* GMime's fallback charset is UTF-8 whatever the locale the test runs in
 * (T020 runs it under several). */
static void test_decode_charset(void **state)
{
    assert_string_equal(lx_message_decode_charset(), "utf-8");
}

static void test_date_fallbacks(void **state)
{
    lx_message m = parse("From: a@example.org\n"
                         "Received: from b by c; Thu, 15 Dec 2016 10:05:00 +0100\n"
                         "Received: from d by b; Thu, 15 Dec 2016 09:05:00 +0100\n"
                         "Subject: no date\n\nx\n");
    assert_int_equal(m.date_source, LX_DATE_RECEIVED);
    assert_int_equal(m.date, 1481792700); /* 2016-12-15T09:05:00Z */
    lx_message_release(&m);

    m = parse("From: a@example.org\r\nSubject: crlf\r\n\r\none\r\ntwo\r\n");
    assert_string_equal(m.body, "one\ntwo\n"); /* stored with LF line ends */
    lx_message_release(&m);

    m = parse("From: a@example.org\nSubject: nothing\n\nx\n");
    assert_int_equal(m.date_source, LX_DATE_NONE);
    assert_int_equal(m.date, 0);
    assert_string_equal(m.message_id, "");
    lx_message_release(&m);

    /* The sender's offset: kept when the Date header names a zone GMime
     * reads, unknown for none, -0000, an unknown name, or a Received date. */
    static const struct {
        const char *date;
        bool known;
        int offset;
    } zones[] = {
        {"Mon, 24 Apr 2017 00:30:00 +0200", true, 7200},
        {"Mon, 24 Apr 2017 00:30:00 +0200 (CEST)", true, 7200},
        {"24 Apr 2017 00:30 +0530", true, 19800},
        {"Mon, 24 Apr 2017 00:30:00 -0430", true, -16200},
        {"Mon, 24 Apr 2017 00:30:00 +0000", true, 0},
        {"Mon, 24 Apr 2017 00:30:00 GMT", true, 0},
        {"Mon, 24 Apr 2017 00:30:00 EDT", true, -14400},
        {"Mon, 24 Apr 2017 00:30:00", false, 0},
        {"Mon, 24 Apr 2017 00:30:00 -0000", false, 0},
        {"Mon, 24 Apr 2017 00:30:00 CEST", false, 0},
    };
    for (size_t i = 0; i < sizeof zones / sizeof zones[0]; i++) {
        char raw[160];
        snprintf(raw, sizeof raw, "From: a@example.org\nDate: %s\nSubject: z\n\nx\n",
                 zones[i].date);
        m = parse(raw);
        assert_int_equal(m.date_source, LX_DATE_HEADER);
        assert_int_equal(m.date_offset_known, zones[i].known);
        if (zones[i].known)
            assert_int_equal(m.date_offset, zones[i].offset);
        lx_message_release(&m);
    }
    m = parse("From: a@example.org\nReceived: from b by c; Thu, 15 Dec 2016 10:05:00 +0100\n"
              "Subject: no date\n\nx\n");
    assert_false(m.date_offset_known);
    lx_message_release(&m);

    int64_t t;
    assert_true(lx_message_parse_date("Tue, 25 Apr 2017 01:30:00 +0200", &t));
    assert_int_equal(t, 1493076600);
    assert_false(lx_message_parse_date("not a date at all", &t));
}

static void test_body_choice(void **state)
{
    lx_message m = parse("From: a@example.org\n"
                         "MIME-Version: 1.0\n"
                         "Content-Type: multipart/mixed; boundary=\"OUT\"\n\n"
                         "--OUT\n"
                         "Content-Type: multipart/alternative; boundary=\"ALT\"\n\n"
                         "--ALT\n"
                         "Content-Type: text/plain; charset=UTF-8\n"
                         "Content-Transfer-Encoding: quoted-printable\n\n"
                         "Le tournesol d=C3=A9cid=C3=A9.\n"
                         "--ALT\n"
                         "Content-Type: text/html; charset=UTF-8\n\n"
                         "<p>html version</p>\n"
                         "--ALT--\n"
                         "--OUT\n"
                         "Content-Type: text/plain; name=notes.txt\n"
                         "Content-Disposition: attachment; filename=notes.txt\n\n"
                         "attached words\n"
                         "--OUT--\n");
    assert_string_equal(m.body,
                        "Le tournesol décidé."); /* the CRLF before a boundary is the boundary's */
    assert_false(m.body_from_html);
    lx_message_release(&m);

    m = parse("From: a@example.org\n"
              "Content-Type: text/html; charset=UTF-8\n\n"
              "<html><head><title>t</title><style>p{styleonly}</style></head>"
              "<body><script>scriptonly()</script><p>Une orchid&eacute;e</p>"
              "<div>deux<br>lignes</div></body></html>\n");
    assert_true(m.body_from_html);
    assert_string_equal(m.body, "Une orchidée\ndeux\nlignes");
    lx_message_release(&m);
}

static void assert_clean(const char *what, const char *s)
{
    if (!lx_utf8_valid(s, strlen(s)))
        fail_msg("%s is not valid UTF-8", what);
}

/* Property: arbitrary bytes in a header or a body, under any declared
 * charset and transfer encoding, parse into valid UTF-8 without a crash. A
 * fixed seed keeps a failure reproducible. */
static void test_arbitrary_messages(void **state)
{
    static const char *const labels[] = {"",
                                         "; charset=utf-8",
                                         "; charset=iso-8859-1",
                                         "; charset=utf-16",
                                         "; charset=x-bogus",
                                         "; charset=gb2312",
                                         "; charset=iso-2022-jp",
                                         "; charset=\"utf-7\"",
                                         "; charset=shift_jis; format=flowed; delsp=yes"};
    static const char *const encodings[] = {"8bit", "base64", "quoted-printable", "binary",
                                            "x-junk"};
    static const char *const types[] = {"text/plain", "text/html"};
    unsigned seed = 2024;
    for (int round = 0; round < 400; round++) {
        lx_strbuf raw;
        lx_strbuf_init(&raw);
        char junk[300];
        size_t n = (size_t)(rand_r(&seed) % sizeof junk);
        for (size_t k = 0; k < n; k++) {
            junk[k] = (char)(rand_r(&seed) & 0xff);
            if (junk[k] == '\n' || junk[k] == '\r' || junk[k] == '\0')
                junk[k] = '=';
        }
        lx_strbuf_addstr(&raw, "From: ");
        lx_strbuf_add(&raw, junk, n / 3);
        lx_strbuf_addstr(&raw, " <a@b.example>\nSubject: =?utf-8?B?");
        lx_strbuf_add(&raw, junk + n / 3, n / 3);
        lx_strbuf_addstr(&raw, "?= ");
        lx_strbuf_add(&raw, junk, n / 2);
        lx_strbuf_addf(&raw, "\nContent-Type: %s%s\nContent-Transfer-Encoding: %s\n\n",
                       types[round % 2], labels[round % (sizeof labels / sizeof labels[0])],
                       encodings[round % (sizeof encodings / sizeof encodings[0])]);
        for (size_t k = 0; k < n; k++)
            junk[k] = (char)(rand_r(&seed) & 0xff);
        lx_strbuf_add(&raw, junk, n);
        lx_message m;
        assert_int_equal(lx_message_parse(&m, raw.buf, raw.len, NULL), LX_OK);
        assert_clean("subject", m.subject);
        assert_clean("from name", m.from.name);
        assert_clean("from address", m.from.addr);
        assert_true(lx_utf8_valid(m.body, m.body_len));
        lx_message_release(&m);
        lx_strbuf_release(&raw);
    }
}

/* The line scan that bounds what GMime is given: parts are lines starting
 * with "--" and not ending with it; header items the fields, ';' and ','
 * of header blocks, an attached message's and a digest's included. Exact
 * at both sides of each cap; what is cut is not parsed, what comes before
 * is. */
static void add_parts(lx_strbuf *m, size_t n)
{
    for (size_t i = 0; i < n; i++)
        lx_strbuf_addstr(m, "--P\n\n");
}

static void test_parse_extent(void **state)
{
    const char *head = "From: a@b.example\nSubject: parts\nMIME-Version: 1.0\n"
                       "Content-Type: multipart/mixed; boundary=\"P\"\n\n"
                       "--P\nContent-Type: text/plain\n\nfirst part text\n";
    lx_strbuf m;
    lx_strbuf_init(&m);
    lx_strbuf_addstr(&m, head);
    add_parts(&m, LX_MAX_MIME_PARTS_PARSED - 1);
    lx_strbuf_addstr(&m, "--P--\n");
    unsigned notes = 0;
    assert_int_equal(lx_message_parse_extent(m.buf, m.len, &notes), m.len);
    assert_int_equal(notes, 0);
    /* One part more: cut where it starts, the closing line with it. */
    lx_strbuf_setlen(&m, m.len - 6);
    size_t at = m.len;
    lx_strbuf_addstr(&m, "--P\n\nnever read\n--P--\n");
    assert_int_equal(lx_message_parse_extent(m.buf, m.len, &notes), at);
    assert_int_equal(notes, LX_NOTE_PARTS_CUT);
    lx_message msg;
    assert_int_equal(lx_message_parse(&msg, m.buf, m.len, NULL), LX_OK);
    assert_true(msg.notes & LX_NOTE_PARTS_CUT);
    assert_true(msg.notes & LX_NOTE_MANY_PARTS);
    assert_int_equal(msg.n_parts, LX_MAX_PARTS);
    assert_int_equal(msg.n_parts + msg.parts_dropped, LX_MAX_MIME_PARTS_PARSED);
    assert_int_equal(strncmp(msg.body, "first part text\n", 16), 0);
    assert_null(strstr(msg.body, "never read"));
    lx_message_release(&msg);

    /* Closing lines and "--" lines that end with "--" are no parts. */
    lx_strbuf_reset(&m);
    lx_strbuf_addstr(&m, head);
    for (size_t i = 0; i < LX_MAX_MIME_PARTS_PARSED + 10; i++)
        lx_strbuf_addstr(&m, "--P--\n-- signature --\n");
    notes = 0;
    assert_int_equal(lx_message_parse_extent(m.buf, m.len, &notes), m.len);
    assert_int_equal(notes, 0);

    /* Header items: one field and its ',' and ';' each. */
    lx_strbuf_reset(&m);
    lx_strbuf_addstr(&m, "From: a@b.example\nTo: c@d.example, e@f.example\n"); /* 3 items */
    for (size_t i = 3; i < LX_MAX_HEADER_ITEMS; i++)
        lx_strbuf_addstr(&m, "X: y\n");
    lx_strbuf_addstr(&m, "\nbody\n");
    notes = 0;
    assert_int_equal(lx_message_parse_extent(m.buf, m.len, &notes), m.len);
    assert_int_equal(notes, 0);
    at = m.len - 6;
    lx_strbuf_setlen(&m, at);
    lx_strbuf_addstr(&m, "Y: z\n\nbody\n");
    assert_int_equal(lx_message_parse_extent(m.buf, m.len, &notes), at);
    assert_int_equal(notes, LX_NOTE_ITEMS_CUT);

    /* Body lines are no header items; an attached message's header lines
     * are, and so are those of a digest's untyped parts. */
    const char *kinds[] = {"text/plain", "message/rfc822", "multipart/digest"};
    for (size_t k = 0; k < 3; k++) {
        lx_strbuf_reset(&m);
        lx_strbuf_addf(&m,
                       "From: a@b.example\nContent-Type: multipart/mixed; boundary=\"P\"\n\n"
                       "--P\nContent-Type: %s; boundary=\"D\"\n\n%s",
                       kinds[k], k == 2 ? "--D\n\n" : "");
        for (size_t i = 0; i < LX_MAX_HEADER_ITEMS; i++)
            lx_strbuf_addstr(&m, "X: y\n");
        lx_strbuf_addstr(&m, "\ntext\n--P--\n");
        notes = 0;
        size_t got = lx_message_parse_extent(m.buf, m.len, &notes);
        if (k == 0) {
            assert_int_equal(got, m.len);
            assert_int_equal(notes, 0);
        } else {
            assert_true(got < m.len);
            assert_int_equal(notes, LX_NOTE_ITEMS_CUT);
        }
    }
    lx_strbuf_release(&m);
}

static int setup(void **state)
{
    lx_message_library_init();
    return 0;
}

static int teardown(void **state)
{
    lx_message_library_shutdown();
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_headers),
        cmocka_unit_test(test_empty_groups),
        cmocka_unit_test(test_broken_headers),
        cmocka_unit_test(test_date_fallbacks),
        cmocka_unit_test(test_body_choice),
        cmocka_unit_test(test_arbitrary_messages),
        cmocka_unit_test(test_decode_charset),
        cmocka_unit_test(test_raw_filename),
        cmocka_unit_test(test_references),
        cmocka_unit_test(test_address_controls),
        cmocka_unit_test(test_parse_extent),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
