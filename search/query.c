/* query.c - checks on a query string before Xapian's parser sees it. */
#include "query.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "caps.h"
#include "schema.h"
#include "textfold.h"
#include "utf8.h"
#include "banned.h"

static bool is_name_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

/* Appends n with thousands separators ("10,000"), as the limits are
 * written in the messages and the README. */
static void add_grouped(lx_strbuf *sb, size_t n)
{
    char digits[32];
    int len = snprintf(digits, sizeof digits, "%zu", n);
    for (int i = 0; i < len; i++) {
        if (i && (len - i) % 3 == 0)
            lx_strbuf_addch(sb, ',');
        lx_strbuf_addch(sb, digits[i]);
    }
}

/* The words of q: runs of characters between spaces and parentheses
 * (operators and the words of phrases count). */
static size_t count_words(const char *q)
{
    size_t n = 0;
    bool in_word = false;
    for (const char *p = q; *p; p++) {
        bool sep = strchr(" \t\r\n()", *p) != NULL;
        if (!sep && !in_word)
            n++;
        in_word = !sep;
    }
    return n;
}

/* LX_E_LIMIT, with why: "HEAD N MIDDLE MAX TAIL", numbers grouped. */
static lx_status over_limit(lx_strbuf *why, const char *head, size_t n, const char *middle,
                            size_t max, const char *tail)
{
    lx_strbuf_addstr(why, head);
    add_grouped(why, n);
    lx_strbuf_addstr(why, middle);
    add_grouped(why, max);
    lx_strbuf_addstr(why, tail);
    return LX_E_LIMIT;
}

/* LX_E_LIMIT when q is longer than a query may be, with the reason in
 * why. */
static lx_status check_size(const char *q, lx_strbuf *why)
{
    size_t len = strlen(q);
    if (len > LX_MAX_QUERY_BYTES)
        return over_limit(why, "the query is ", len, " bytes long, more than the ",
                          LX_MAX_QUERY_BYTES, " a query may have (LX_MAX_QUERY_BYTES)");
    size_t words = count_words(q);
    if (words > LX_MAX_QUERY_WORDS)
        return over_limit(why, "the query has ", words, " words, more than the ",
                          LX_MAX_QUERY_WORDS,
                          " a query may have (LX_MAX_QUERY_WORDS; operators count)");
    return LX_OK;
}

lx_status lx_query_check(const char *q, lx_strbuf *why)
{
    lx_status st = check_size(q, why);
    if (st)
        return st;
    bool in_quote = false;
    int depth = 0;
    for (size_t i = 0; q[i]; i++) {
        char c = q[i];
        if (c == '"') {
            in_quote = !in_quote;
            continue;
        }
        if (in_quote)
            continue;
        if (c == '(')
            depth++;
        if (c == ')' && --depth < 0) {
            lx_strbuf_addstr(why, "unbalanced ')'");
            return LX_E_QUERY;
        }
        bool word_start = i == 0 || strchr(" \t(+-", q[i - 1]);
        if (!word_start || !is_name_char(c))
            continue;
        size_t k = i;
        while (is_name_char(q[k]))
            k++;
        if (q[k] != ':')
            continue;
        const char *value = q + k + 1;
        bool has_value = *value && !strchr(" \t)", *value);
        const lx_field_def *f = lx_schema_by_query_name(q + i, k - i);
        /* "http://..." and the like are words, not fields. */
        if (!f && has_value && *value != '/') {
            lx_strbuf_addf(why, "unknown field '%.*s:' (see --help-query)", (int)(k - i), q + i);
            return LX_E_QUERY;
        }
        if (f && (!has_value || (*value == '"' && value[1] == '"'))) {
            lx_strbuf_addf(why, "'%.*s:' needs a value", (int)(k - i), q + i);
            return LX_E_QUERY;
        }
        i = k;
    }
    if (in_quote) {
        lx_strbuf_addstr(why, "unbalanced '\"'");
        return LX_E_QUERY;
    }
    if (depth > 0) {
        lx_strbuf_addstr(why, "unbalanced '('");
        return LX_E_QUERY;
    }
    return LX_OK;
}

lx_status lx_query_fold(const char *q, lx_strbuf *out, lx_strbuf *why)
{
    size_t len = strlen(q);
    if (!lx_utf8_valid(q, len)) {
        lx_strbuf_addstr(why, "the query is not valid UTF-8");
        return LX_E_QUERY;
    }
    lx_status st = LX_OK;
    size_t run = 0; /* start of the text not yet written */
    bool in_quote = false;
    for (size_t i = 0; i < len && !st; i++) {
        if (q[i] == '"')
            in_quote = !in_quote;
        bool word_start = i == 0 || strchr(" \t(+-", q[i - 1]);
        if (in_quote || !word_start || !is_name_char(q[i]))
            continue;
        size_t k = i;
        while (is_name_char(q[k]))
            k++;
        const lx_field_def *f = q[k] == ':' ? lx_schema_by_query_name(q + i, k - i) : NULL;
        if (!f || f->kind == LX_KIND_TEXT)
            continue;
        /* An exact field: fold what came before, copy "name:value" as is
         * (a quoted value to its closing quote: filename:"été 2018.pdf"). */
        size_t end = k + 1;
        if (end < len && q[end] == '"') {
            end++;
            while (end < len && q[end] != '"')
                end++;
            if (end < len)
                end++;
        } else {
            while (end < len && q[end] != ' ' && q[end] != '\t' && q[end] != ')')
                end++;
        }
        st = lx_textfold_terms(out, q + run, i - run);
        if (!st)
            st = lx_strbuf_add(out, q + i, end - i);
        run = end;
        i = end - 1;
    }
    if (!st)
        st = lx_textfold_terms(out, q + run, len - run);
    return st;
}
