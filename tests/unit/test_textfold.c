/* test_textfold.c - NFC, the accent-free search form, French elisions in terms. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "textfold.h"

static void test_fold(void **state)
{
    static const struct {
        const char *in, *nfc, *search;
    } cases[] = {
        {"Élysée", "Élysée", "Elysee"},
        {"E\xcc\x81lyse\xcc\x81"
         "e",
         "Élysée", "Elysee"}, /* NFD in */
        {"ELYSÉE", "ELYSÉE", "ELYSEE"},
        {"cœur Œuvre æ straße", "cœur Œuvre æ straße", "coeur OEuvre ae strasse"},
        {"Łódź Dvořák", "Łódź Dvořák", "Lodz Dvorak"},
        {"Ёлка ά", "Ёлка ά", "Елка α"},
        {"がぎ", "がぎ", "がぎ"}, /* Japanese voicing marks are kept */
        {"AND OR NOT", "AND OR NOT", "AND OR NOT"},
        {"", "", ""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        lx_strbuf a, b;
        lx_strbuf_init(&a);
        lx_strbuf_init(&b);
        assert_int_equal(lx_textfold_nfc(&a, cases[i].in, strlen(cases[i].in)), LX_OK);
        assert_string_equal(a.buf, cases[i].nfc);
        assert_int_equal(lx_textfold_search(&b, cases[i].in, strlen(cases[i].in)), LX_OK);
        assert_string_equal(b.buf, cases[i].search);
        lx_strbuf_release(&a);
        lx_strbuf_release(&b);
    }
}

/* The form text is indexed and queried in: French elisions split with
 * every apostrophe, in any case; other apostrophes inside words made plain. */
static void test_fold_terms(void **state)
{
    static const struct {
        const char *in, *out;
    } cases[] = {
        {"l'Élysée", "Elysee"},
        {"L\u2019ÉLYSÉE", "ELYSEE"},
        {"d\u2019Emmanuel", "Emmanuel"},
        {"l\u02BChôtel", "hotel"},
        {"D\u2018après", "apres"},
        {"l'a d'b j'c m'd n'e s'f t'g c'h qu'i jusqu'j lorsqu'k puisqu'l quoiqu'm",
         "a b c d e f g h i j k l m"},
        {"QU\u2019IL JUSQU'ICI Lorsqu'on PUISQU\u2019IL Quoiqu'elle", "IL ICI on IL elle"},
        {"jusqu'aujourd'hui", "aujourd'hui"},
        {"aujourd\u2019hui O\u2019Brien don\u2019t prud\u02BChomme",
         "aujourd'hui O'Brien don't prud'homme"},
        {"aujourd'hui O'Brien don't prud'homme", "aujourd'hui O'Brien don't prud'homme"},
        {"\"l'Élysée a confirmé\"", "\"Elysee a confirme\""},
        {"subject:l'été from:d\u2019Ormesson (l'x OR -d'y) +qu'z l'ab*",
         "subject:ete from:Ormesson (x OR -y) +z ab*"},
        /* Not elisions: no word after, letters before, other words. */
        {"l' d'  qu'", "l' d'  qu'"},
        {"rock'n'roll", "rock'n'roll"},
        {"il l'a dit, 'l'", "il a dit, 'l'"},
        {"\u2018quoted\u2019 text", "\u2018quoted\u2019 text"},
        {"fin\u02BC", "fin'"},
        {"l'2017 d'1", "2017 1"},
        {"", ""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        lx_strbuf out;
        lx_strbuf_init(&out);
        assert_int_equal(lx_textfold_terms(&out, cases[i].in, strlen(cases[i].in)), LX_OK);
        assert_string_equal(out.buf, cases[i].out);
        lx_strbuf_release(&out);
    }
}

/* Whether sb holds "<" then want[0..len): what was there before stays. */
static void assert_appended(const lx_strbuf *sb, const char *want, size_t len)
{
    assert_int_equal(sb->len, 1 + len);
    assert_memory_equal(sb->buf, "<", 1);
    if (len)
        assert_memory_equal(sb->buf + 1, want, len);
}

/* Exact results where the ASCII shortcut cuts the text: next to marks,
 * characters that decompose into ASCII, characters that compose, NUL bytes
 * and bytes that are no UTF-8 (refused: nothing appended). */
static void test_fold_ascii_cuts(void **state)
{
#define C(in, st, search, terms)                                                                   \
    {in, sizeof in - 1, st, search, sizeof search - 1, terms, sizeof terms - 1}
    static const struct {
        const char *in;
        size_t len;
        lx_status st;
        const char *search;
        size_t search_len;
        const char *terms;
        size_t terms_len;
    } cases[] = {
        C("Ça coûte 5 €, l\u2019été", LX_OK, "Ca coute 5 €, l\u2019ete", "Ca coute 5 €, ete"),
        C("x\u0323\u0301y", LX_OK, "xy", "xy"),                 /* two marks on an ASCII base */
        C("\u0301x", LX_OK, "x", "x"),                           /* a mark that starts the text */
        C("\u212Aelvin \u037E", LX_OK, "Kelvin ;", "Kelvin ;"), /* decomposed into ASCII */
        C("a\u1100\u1161b", LX_OK, "a\uAC00b", "a\uAC00b"),     /* jamo composed */
        C("e\0\u0301z", LX_OK, "e\0z", "e\0z"),                 /* a mark after NUL */
        C("l\u2019\u00C6on", LX_OK, "l\u2019AEon", "AEon"),      /* spelled out after an elision */
        C("5l'a 7\u2019b", LX_OK, "5l'a 7\u2019b", "5l'a 7'b"),   /* a digit starts the word */
        C("ab\xC3", LX_E_INVALID, "", ""),                       /* cut short */
        C("ab\xC3 cd", LX_E_INVALID, "", ""),
        /* A surrogate: GLib's normalization lets it through, as it was. */
        C("ok \xED\xA0\x80", LX_OK, "ok \xED\xA0\x80", "ok \xED\xA0\x80"),
    };
#undef C
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        lx_strbuf a, b;
        lx_strbuf_init(&a);
        lx_strbuf_init(&b);
        lx_strbuf_addch(&a, '<');
        lx_strbuf_addch(&b, '<');
        assert_int_equal(lx_textfold_search(&a, cases[i].in, cases[i].len), cases[i].st);
        assert_appended(&a, cases[i].search, cases[i].search_len);
        assert_int_equal(lx_textfold_terms(&b, cases[i].in, cases[i].len), cases[i].st);
        assert_appended(&b, cases[i].terms, cases[i].terms_len);
        lx_strbuf_release(&a);
        lx_strbuf_release(&b);
    }
}

/* The groups of pieces the generated strings are made of: ASCII letters
 * and digits; apostrophes and elisions; other ASCII; letters of Latin-1,
 * spelled-out ones, Greek, Cyrillic, Japanese, Hangul jamo, characters
 * that decompose into ASCII; combining marks (some out of canonical
 * order); NUL and bytes that are no UTF-8. */
static const char *const groups[][12] = {
    {"a", "Z", "e", "0", "9", "d", "l", "Qu"},
    {"'", "\u2019", "\u2018", "\u02BC", "l'", "qu'", "Jusqu\u2019", "D\u02BC"},
    {" ", ",", "*", ":", "\t", "\n", "(", "\""},
    {"\u00E9", "\u00C9", "\u00E7", "\u00DF", "\u00E6", "\u0153", "\u00F8", "\u0141", "\u0131",
     "\u00A0", "\u20AC", "\xF0\x9F\x98\x80"},
    {"\u03AC", "\u0401", "\u304B", "\u1100", "\u1161", "\u11A8", "\u212A", "\u037E", "\u1FEF",
     "\u2126"},
    {"\u0301", "\u0308", "\u0327", "\u0323", "\u0345", "\u3099"},
    {"\0", "\xC3", "\x80", "\xED\xA0\x80", "\xC0\xAF", "\xF4\x90\x80\x80"},
};

static uint64_t next_random(uint64_t *x)
{
    *x ^= *x << 13;
    *x ^= *x >> 7;
    *x ^= *x << 17;
    return *x;
}

/* The folding with the ASCII shortcut and the reference give the same
 * status and the same bytes, on 50,000 strings of up to 11 pieces drawn
 * by a fixed generator (a group, then a piece of it; the last group in
 * one string of four at most): those that GLib refuses (bytes that are no
 * UTF-8) refused by both, with nothing appended. */
static void test_fold_same_as_reference(void **state)
{
    const size_t n_groups = sizeof groups / sizeof groups[0];
    uint64_t x = 0x9E3779B97F4A7C15u;
    size_t refused = 0, folded = 0;
    lx_strbuf in, fast, slow;
    lx_strbuf_init(&in);
    lx_strbuf_init(&fast);
    lx_strbuf_init(&slow);
    for (int round = 0; round < 50000; round++) {
        lx_strbuf_reset(&in);
        size_t n = (size_t)(next_random(&x) % 12);
        for (size_t k = 0; k < n; k++) {
            size_t g = (size_t)(next_random(&x) % (round % 4 ? n_groups - 1 : n_groups));
            size_t in_group = 0;
            while (in_group < 12 && groups[g][in_group])
                in_group++;
            const char *p = groups[g][next_random(&x) % in_group];
            assert_int_equal(lx_strbuf_add(&in, p, *p ? strlen(p) : 1), LX_OK);
        }
        for (int terms = 0; terms < 2; terms++) {
            lx_strbuf_reset(&fast);
            lx_strbuf_reset(&slow);
            lx_strbuf_addch(&fast, '<');
            lx_strbuf_addch(&slow, '<');
            lx_status a = terms ? lx_textfold_terms(&fast, in.buf, in.len)
                                : lx_textfold_search(&fast, in.buf, in.len);
            lx_status b = terms ? lx_textfold_terms_reference(&slow, in.buf, in.len)
                                : lx_textfold_search_reference(&slow, in.buf, in.len);
            assert_int_equal(a, b);
            assert_int_equal(fast.len, slow.len);
            assert_memory_equal(fast.buf, slow.buf, fast.len);
            refused += a != LX_OK;
            folded += a == LX_OK;
        }
    }
    /* Both kinds were met, many times. */
    assert_true(refused > 4000);
    assert_true(folded > 80000);
    lx_strbuf_release(&in);
    lx_strbuf_release(&fast);
    lx_strbuf_release(&slow);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fold),
        cmocka_unit_test(test_fold_terms),
        cmocka_unit_test(test_fold_ascii_cuts),
        cmocka_unit_test(test_fold_same_as_reference),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
