/* test_pst.c - the PST/OST reader (libpff): hostile bytes always; the folders, items, recipients, attachments, embedded messages and truncations of ../shared/outlook's three stores when they are there.
 *
 * No store is generated here: Debian has no program that writes PST files
 * (libpff and libpst only read them), so the real stores of
 * ../shared/outlook are the fixtures; the tests over them skip, saying so,
 * when that directory is absent (LEAKDEX_OUTLOOK names it). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "pst.h"

/* The folder every item of the three stores is in: a Japanese Outlook's
 * "Top of Personal Folders". */
#define TOP "Outlook データ ファイルのトップ"
/* The item's identifier (its NID) in all three stores. */
#define ITEM_ID 2097188u
/* The root folder's identifier (NID 0x122). */
#define ROOT_ID 290u

static const char png_magic[8] = "\x89PNG\r\n\x1a\n";

/* ---- reading the shared stores --------------------------------------------- */

/* The file dir/name read whole into an exactly sized buffer (so that
 * AddressSanitizer sees any read past it); NULL when absent. */
static char *slurp(const char *name, size_t *len)
{
    const char *dir = getenv("LEAKDEX_OUTLOOK");
    char path[4096];
    struct stat st;
    if (!dir || snprintf(path, sizeof path, "%s/%s", dir, name) >= (int)sizeof path ||
        stat(path, &st) != 0 || !S_ISREG(st.st_mode))
        return NULL;
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    char *d = malloc((size_t)st.st_size);
    assert_non_null(d);
    assert_int_equal(fread(d, 1, (size_t)st.st_size, f), (size_t)st.st_size);
    fclose(f);
    *len = (size_t)st.st_size;
    return d;
}

/* The store name, or a skip saying why there is none. */
static char *shared_store(const char *name, size_t *len)
{
    char *d = slurp(name, len);
    if (!d) {
        printf("SKIP: ../shared/outlook/%s is absent (LEAKDEX_OUTLOOK=%s): the test of the real "
               "store is skipped\n",
               name, getenv("LEAKDEX_OUTLOOK") ? getenv("LEAKDEX_OUTLOOK") : "unset");
        skip();
    }
    return d;
}

static bool same_str(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

static bool same_bytes(const void *a, size_t alen, const void *b, size_t blen)
{
    return alen == blen && (alen == 0 || (a && b && memcmp(a, b, alen) == 0));
}

/* Two items read alike, field by field, embedded messages included. */
static bool same_msg(const lx_mapi_msg *a, const lx_mapi_msg *b)
{
    if (!same_str(a->message_class, b->message_class) || !same_str(a->subject, b->subject) ||
        !same_str(a->sender_name, b->sender_name) ||
        !same_str(a->sender_address, b->sender_address) ||
        !same_str(a->representing_name, b->representing_name) ||
        !same_str(a->representing_address, b->representing_address) ||
        !same_str(a->sender_x500, b->sender_x500) ||
        !same_str(a->representing_x500, b->representing_x500) ||
        !same_str(a->display_to, b->display_to) || !same_str(a->display_cc, b->display_cc) ||
        !same_str(a->display_bcc, b->display_bcc) || !same_str(a->message_id, b->message_id) ||
        !same_str(a->in_reply_to, b->in_reply_to) || !same_str(a->references, b->references) ||
        !same_str(a->transport_headers, b->transport_headers) || !same_str(a->body, b->body) ||
        !same_bytes(a->html, a->html_len, b->html, b->html_len) ||
        !same_str(a->html_charset, b->html_charset) ||
        !same_bytes(a->rtf, a->rtf_len, b->rtf, b->rtf_len) || a->date != b->date ||
        a->date_frac != b->date_frac || a->date_from != b->date_from ||
        a->n_rcpt != b->n_rcpt || a->n_att != b->n_att || a->n_problems != b->n_problems)
        return false;
    for (size_t i = 0; i < a->n_rcpt; i++)
        if (a->rcpt[i].type != b->rcpt[i].type || !same_str(a->rcpt[i].name, b->rcpt[i].name) ||
            !same_str(a->rcpt[i].address, b->rcpt[i].address) ||
            !same_str(a->rcpt[i].x500, b->rcpt[i].x500))
            return false;
    for (size_t i = 0; i < a->n_att; i++) {
        const lx_mapi_attach *x = &a->att[i], *y = &b->att[i];
        if (x->method != y->method || !same_str(x->filename, y->filename) ||
            !same_str(x->mime_type, y->mime_type) || !same_str(x->content_id, y->content_id) ||
            x->hidden != y->hidden || !same_bytes(x->data, x->data_len, y->data, y->data_len) ||
            !x->embedded != !y->embedded || (x->embedded && !same_msg(x->embedded, y->embedded)))
            return false;
    }
    return true;
}

/* What a walk met: each item checked by the test's function and read back
 * by its id, which must give the same item. */
typedef struct seen {
    lx_pst *p;
    void (*check)(const lx_mapi_msg *m);
    size_t items, problems;
    char path[512];
    uint32_t id;
} seen;

static int on_item(void *ctx, const char *const *folders, size_t depth, uint32_t id,
                   const lx_mapi_msg *m, const char *problem)
{
    seen *s = ctx;
    if (!m) {
        print_message("problem: %s\n", problem);
        s->problems++;
        return 0;
    }
    assert_null(problem);
    s->items++;
    s->id = id;
    s->path[0] = '\0';
    for (size_t i = 0; i < depth; i++)
        snprintf(s->path + strlen(s->path), sizeof s->path - strlen(s->path), "/%s", folders[i]);
    if (s->check)
        s->check(m);
    lx_mapi_msg back;
    lx_mapi_msg_init(&back);
    lx_strbuf why;
    lx_strbuf_init(&why);
    assert_int_equal(lx_pst_item(s->p, id, &back, &why), LX_OK);
    assert_true(same_msg(m, &back));
    lx_mapi_msg_release(&back);
    lx_strbuf_release(&why);
    return 0;
}

/* Opens data as a store and walks it: the one item of the shared stores,
 * in TOP, with the id they all give it, and no orphans. */
static void walk_one(const char *data, size_t len, void (*check)(const lx_mapi_msg *m))
{
    lx_pst *p = NULL;
    lx_strbuf why;
    lx_strbuf_init(&why);
    assert_int_equal(lx_pst_open(data, len, &p, &why), LX_OK);
    assert_string_equal(lx_pst_format(p), "pst");
    assert_int_equal(lx_pst_orphans(p), 0);
    seen s = {.p = p, .check = check};
    assert_int_equal(lx_pst_walk(p, on_item, &s, &why), LX_OK);
    assert_int_equal(s.items, 1);
    assert_int_equal(s.problems, 0);
    assert_string_equal(s.path, "/" TOP);
    assert_int_equal(s.id, ITEM_ID);
    lx_pst_close(p);
    lx_strbuf_release(&why);
}

/* ---- the three stores -------------------------------------------------------- */

static void check_200_recipients(const lx_mapi_msg *m)
{
    assert_string_equal(m->message_class, "IPM.Note");
    assert_string_equal(m->subject, "200 recipients");
    /* An unsent draft: no sender, no transport headers. */
    assert_null(m->sender_name);
    assert_null(m->sender_address);
    assert_null(m->sender_x500);
    assert_null(m->representing_x500);
    assert_null(m->transport_headers);
    assert_null(m->message_id);
    assert_string_equal(m->body, " \r\n");
    assert_null(m->html);
    assert_int_equal(m->rtf_len, 41467);
    assert_memory_equal(m->rtf, "{\\rtf1\\ansi\\ansicpg932\\fromhtml1", 31);
    assert_int_not_equal(m->rtf[m->rtf_len - 1], '\0');
    assert_int_equal(m->date_from, LX_DATE_DELIVERY);
    assert_int_equal(m->date, 1637627049); /* 2021-11-23 00:24:09 UTC */
    assert_int_equal(m->date_frac, 2740000);
    assert_int_equal(m->n_rcpt, 200);
    for (size_t i = 0; i < m->n_rcpt; i++) {
        char want[64];
        snprintf(want, sizeof want, "xmailuser%zu@xmailserver.test", i + 1);
        assert_int_equal(m->rcpt[i].type, LX_RCPT_TO);
        assert_string_equal(m->rcpt[i].name, want);
        assert_string_equal(m->rcpt[i].address, want);
        assert_null(m->rcpt[i].x500);
    }
    assert_string_equal(m->rcpt[199].address, "xmailuser200@xmailserver.test");
    assert_int_equal(strncmp(m->display_to, "xmailuser1@xmailserver.test; xmailuser2@", 40), 0);
    assert_int_equal(m->n_att, 0);
    assert_int_equal(m->n_problems, 0);
}

static void test_200_recipients(void **state)
{
    (void)state;
    size_t len;
    char *d = shared_store("200 recipients.pst", &len);
    walk_one(d, len, check_200_recipients);
    free(d);
}

static void check_attach_and_inline(const lx_mapi_msg *m)
{
    assert_string_equal(m->message_class, "IPM.Note");
    assert_string_equal(m->subject, "Attach and inline");
    assert_string_equal(m->body, "\r\n \r\n");
    assert_int_equal(m->date_from, LX_DATE_DELIVERY);
    assert_int_equal(m->date, 1627424390); /* 2021-07-27 22:19:50 UTC */
    assert_int_equal(m->date_frac, 9920000);
    assert_int_equal(m->n_rcpt, 1);
    assert_string_equal(m->rcpt[0].address, "xmailuser@xmailserver.test");
    assert_int_equal(m->n_att, 2);
    const lx_mapi_attach *a = &m->att[0], *b = &m->att[1];
    assert_int_equal(a->method, LX_ATTACH_BY_VALUE);
    assert_string_equal(a->filename, "attach.png");
    assert_null(a->mime_type);
    assert_null(a->content_id);
    assert_false(a->hidden);
    assert_int_equal(a->data_len, 1558);
    assert_memory_equal(a->data, png_magic, 8);
    assert_null(a->embedded);
    /* The inline image: hidden, with its type and the Content-ID the HTML
     * names it by. */
    assert_int_equal(b->method, LX_ATTACH_BY_VALUE);
    assert_string_equal(b->filename, "image001.png");
    assert_string_equal(b->mime_type, "image/png");
    assert_string_equal(b->content_id, "image001.png@01D78380.EF6DC500");
    assert_true(b->hidden);
    assert_int_equal(b->data_len, 809);
    assert_memory_equal(b->data, png_magic, 8);
    assert_int_equal(m->n_problems, 0);
}

static void test_attach_and_inline(void **state)
{
    (void)state;
    size_t len;
    char *d = shared_store("attachAndInline.pst", &len);
    walk_one(d, len, check_attach_and_inline);
    free(d);
}

/* The message attached inside msgInMsg.pst's item: one that came by SMTP. */
static void check_embedded(const lx_mapi_msg *e)
{
    static const char subject[] = "Microsoft Outlook テスト メッセージ";
    assert_string_equal(e->message_class, "IPM.Note");
    assert_string_equal(e->subject, subject);
    assert_string_equal(e->sender_name, "Microsoft Outlook");
    assert_string_equal(e->sender_address, "xmailuser@xmailserver.test");
    assert_string_equal(e->representing_name, "Microsoft Outlook");
    assert_string_equal(e->representing_address, "xmailuser@xmailserver.test");
    /* An SMTP sender: no Exchange DN (the shared stores have no EX sender). */
    assert_null(e->sender_x500);
    assert_null(e->representing_x500);
    assert_string_equal(e->display_to, "xmailuser");
    const char *h = e->transport_headers;
    assert_non_null(h);
    assert_int_equal(strncmp(h, "Return-Path: <xmailuser@xmailserver.test>\r\n", 43), 0);
    assert_non_null(strstr(h, "\r\nFrom: Microsoft Outlook <xmailuser@xmailserver.test>\r\n"));
    assert_non_null(strstr(h, "\r\nSubject: =?utf-8?B?TWljcm9zb2Z0IE91dGxvb2sg44OG44K544OIIOOD"
                              "oeODg+OCu+ODvOOCuA==?=\r\n"));
    assert_non_null(strstr(h, "\r\n\tTue, 12 May 2020 14:45:17 +0900\r\n"));
    assert_string_equal(e->body, "この電子メール メッセージは、アカウントの設定のテスト中に、"
                                 "Microsoft Outlook から自動送信されたものです。 \r\n");
    /* Delivered 2020-05-12 05:45:17 UTC, as its Received: line says. */
    assert_int_equal(e->date_from, LX_DATE_DELIVERY);
    assert_int_equal(e->date, 1589262317);
    assert_int_equal(e->date_frac, 0);
    assert_int_equal(e->n_rcpt, 1);
    assert_int_equal(e->rcpt[0].type, LX_RCPT_TO);
    assert_string_equal(e->rcpt[0].name, "xmailuser");
    assert_string_equal(e->rcpt[0].address, "xmailuser@xmailserver.test");
    assert_int_equal(e->rtf_len, 777);
    assert_int_equal(e->n_att, 0);
    assert_int_equal(e->n_problems, 0);
}

static void check_msg_in_msg(const lx_mapi_msg *m)
{
    assert_string_equal(m->subject, "I have attachments!");
    assert_string_equal(m->body, "I have attachments!\r\n");
    assert_int_equal(m->date_from, LX_DATE_DELIVERY);
    assert_int_equal(m->date, 1599733088); /* 2020-09-10 10:18:08 UTC */
    assert_int_equal(m->date_frac, 9400000);
    assert_int_equal(m->n_rcpt, 0);
    assert_int_equal(m->rtf_len, 41495);
    assert_int_equal(m->n_att, 2);
    const lx_mapi_attach *a = &m->att[0], *b = &m->att[1];
    assert_int_equal(a->method, LX_ATTACH_EMBEDDED);
    assert_string_equal(a->filename, "Microsoft Outlook テスト メッセージ");
    assert_null(a->data);
    assert_non_null(a->embedded);
    check_embedded(a->embedded);
    assert_int_equal(b->method, LX_ATTACH_BY_VALUE);
    assert_string_equal(b->filename, "green.png");
    assert_int_equal(b->data_len, 134);
    assert_memory_equal(b->data, png_magic, 8);
    assert_null(b->embedded);
    assert_int_equal(m->n_problems, 0);
}

static void test_msg_in_msg(void **state)
{
    (void)state;
    size_t len;
    char *d = shared_store("msgInMsg.pst", &len);
    walk_one(d, len, check_msg_in_msg);
    free(d);
}

/* Read-back of what is not a message, or not there. */
static void test_item_not_found(void **state)
{
    (void)state;
    size_t len;
    char *d = shared_store("msgInMsg.pst", &len);
    lx_pst *p = NULL;
    lx_strbuf why;
    lx_strbuf_init(&why);
    assert_int_equal(lx_pst_open(d, len, &p, &why), LX_OK);
    lx_mapi_msg m;
    lx_mapi_msg_init(&m);
    assert_int_equal(lx_pst_item(p, 12345, &m, &why), LX_E_NOT_FOUND);
    assert_string_equal(why.buf, "the store has no item #12345");
    assert_int_equal(lx_pst_item(p, ROOT_ID, &m, &why), LX_E_NOT_FOUND);
    assert_string_equal(why.buf, "item #290 is a folder, not a message");
    assert_null(m.subject);
    lx_pst_close(p);
    lx_strbuf_release(&why);
    free(d);
}

/* The first cut bytes of msgInMsg.pst, in an exactly sized buffer. */
static char *cut(const char *d, size_t cut_at)
{
    char *c = malloc(cut_at);
    assert_non_null(c);
    memcpy(c, d, cut_at);
    return c;
}

/* Truncated copies: libpff opens a store only when its header, its
 * name-to-id map and its indexes are there (all or nothing); cut in the
 * header, the store does not open; cut before the map, it opens with no
 * root folder; cut after 80,000 bytes, the item is read whole, as from the
 * full file (the rest of the file is free space). */
static void test_truncated(void **state)
{
    (void)state;
    size_t len;
    char *d = shared_store("msgInMsg.pst", &len);
    assert_int_equal(len, 271360);
    static const struct {
        size_t at;
        lx_status open;
        const char *why;
    } cuts[] = {
        {512, LX_E_INVALID, "the store cannot be opened: unable to read file header data"},
        {4096, LX_OK, "the store has no root folder"},
        {70000, LX_E_INVALID, "the store cannot be opened: invalid name to id map strings data"},
        {80000, LX_OK, NULL},
        {200000, LX_OK, NULL},
    };
    lx_strbuf why;
    lx_strbuf_init(&why);
    for (size_t i = 0; i < sizeof cuts / sizeof cuts[0]; i++) {
        char *c = cut(d, cuts[i].at);
        lx_pst *p = NULL;
        lx_strbuf_reset(&why);
        assert_int_equal(lx_pst_open(c, cuts[i].at, &p, &why), cuts[i].open);
        if (cuts[i].open) {
            assert_null(p);
            assert_string_equal(why.buf, cuts[i].why);
        } else if (cuts[i].why) {
            seen s = {.p = p};
            assert_int_equal(lx_pst_walk(p, on_item, &s, &why), LX_E_INVALID);
            assert_string_equal(why.buf, cuts[i].why);
            assert_int_equal(s.items + s.problems, 0);
            lx_pst_close(p);
        } else {
            lx_pst_close(p);
            walk_one(c, cuts[i].at, check_msg_in_msg);
        }
        free(c);
    }
    lx_strbuf_release(&why);
    free(d);
}

/* ---- always: the signature and hostile bytes ---------------------------------- */

static void test_sniff(void **state)
{
    (void)state;
    assert_true(lx_pst_sniff("!BDN\x01\x02\x03\x04SM", 10));
    assert_true(lx_pst_sniff("!BDN\x01\x02\x03\x04SO..", 12));
    assert_false(lx_pst_sniff("!BDN\x01\x02\x03\x04SX", 10));
    assert_false(lx_pst_sniff("!BDN\x01\x02\x03\x04S", 9));
    assert_false(lx_pst_sniff("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1\0\0", 10));
    assert_false(lx_pst_sniff("", 0));
}

static void test_hostile(void **state)
{
    (void)state;
    lx_strbuf why;
    lx_strbuf_init(&why);
    lx_pst *p = (lx_pst *)&why;
    assert_int_equal(lx_pst_open("From a@b\n", 9, &p, &why), LX_E_INVALID);
    assert_null(p);
    assert_string_equal(why.buf, "not a PST or OST store (no !BDN signature)");
    /* The signature alone: the header libpff reads is not there. */
    char *sig = malloc(10);
    assert_non_null(sig);
    memcpy(sig, "!BDN\0\0\0\0SM", 10);
    assert_int_equal(lx_pst_open(sig, 10, &p, &why), LX_E_INVALID);
    assert_null(p);
    assert_string_equal(why.buf, "the store cannot be opened: unable to read file header data");
    free(sig);
    /* A whole header of zeros after the signature: its checksum is wrong. */
    char *zeros = calloc(1, 4096);
    assert_non_null(zeros);
    memcpy(zeros, "!BDN\0\0\0\0SM", 10);
    assert_int_equal(lx_pst_open(zeros, 4096, &p, &why), LX_E_INVALID);
    assert_null(p);
    assert_string_equal(why.buf, "the store cannot be opened: mismatch in file header checksum ( 0 != "
                        "1995533061 )");
    free(zeros);
    lx_strbuf_release(&why);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sniff),
        cmocka_unit_test(test_hostile),
        cmocka_unit_test(test_200_recipients),
        cmocka_unit_test(test_attach_and_inline),
        cmocka_unit_test(test_msg_in_msg),
        cmocka_unit_test(test_item_not_found),
        cmocka_unit_test(test_truncated),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
