/* cli.c - what leakdex's two programs share on the command line. */
#include "cli.h"

#include <stdbool.h>
#include <string.h>

#include "escape.h"
#include "banned.h"

void lx_cli_vsay(FILE *f, const char *prefix, const char *fmt, va_list ap)
{
    lx_strbuf line, shown;
    lx_strbuf_init(&line);
    lx_strbuf_init(&shown);
    if (lx_strbuf_vaddf(&line, fmt, ap) == LX_OK &&
        lx_escape_terminal(&shown, line.buf, line.len) == LX_OK)
        fprintf(f, "%s%s\n", prefix, shown.buf);
    else
        fprintf(f, "%s%s\n", prefix, lx_status_str(LX_E_NOMEM));
    lx_strbuf_release(&line);
    lx_strbuf_release(&shown);
}

void lx_cli_say(FILE *f, const char *prefix, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    lx_cli_vsay(f, prefix, fmt, ap);
    va_end(ap);
}

lx_status lx_cli_option_error(const struct option *longopts, const char *arg, int c, lx_strbuf *why)
{
    if (c == ':')
        return lx_strbuf_addf(why, "%s: needs a value", arg);
    if (strncmp(arg, "--", 2) != 0)
        return lx_strbuf_addf(why, "%s: unknown option", arg);
    /* A long option: getopt_long also takes a unique abbreviation, so the
     * name typed may be the start of one option, of several, or of none. */
    const char *name = arg + 2;
    const char *eq = strchr(name, '=');
    size_t len = eq ? (size_t)(eq - name) : strlen(name);
    const struct option *one = NULL;
    size_t matches = 0;
    for (const struct option *p = longopts; p->name; p++) {
        if (strncmp(p->name, name, len) != 0)
            continue;
        if (strlen(p->name) == len) {
            one = p;
            matches = 1;
            break;
        }
        one = p;
        matches++;
    }
    if (matches == 1 && eq && one->has_arg == no_argument)
        return lx_strbuf_addf(why, "%.*s: takes no value", (int)(len + 2), arg);
    if (len == 0 || matches < 2)
        return lx_strbuf_addf(why, "%s: unknown option", arg);
    lx_status st = lx_strbuf_addf(why, "%.*s: ambiguous option (", (int)(len + 2), arg);
    bool first = true;
    for (const struct option *p = longopts; p->name && !st; p++) {
        if (strncmp(p->name, name, len) != 0)
            continue;
        st = lx_strbuf_addf(why, "%s--%s", first ? "" : ", ", p->name);
        first = false;
    }
    return st ? st : lx_strbuf_addch(why, ')');
}
