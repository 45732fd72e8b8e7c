/* query.c - checks on a query string before Xapian's parser sees it. */
#include "query.h"

#include <stdbool.h>
#include <string.h>

#include "schema.h"
#include "banned.h"

static bool is_name_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

lx_status lx_query_check(const char *q, lx_strbuf *why)
{
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
