/* charset.h - bytes in any charset to UTF-8, guessing when the label lies. */
#ifndef LX_CHARSET_H
#define LX_CHARSET_H

#include <stdbool.h>
#include <stddef.h>

#include "strbuf.h"

#define LX_CHARSET_NAME_MAX 48

/* What a decoding did, for --inspect and the index. */
typedef struct lx_charset_info {
    char declared[LX_CHARSET_NAME_MAX]; /* the label as given, "" when none */
    char used[LX_CHARSET_NAME_MAX];     /* the charset the bytes were read as */
    bool guessed;                       /* used is not the declared charset */
    size_t replaced;                    /* invalid sequences made U+FFFD */
} lx_charset_info;

/*
 * Appends data[0..len), labelled `label` (NULL or "" when unlabelled), to out
 * as valid UTF-8 (not yet normalized). Labels are read as browsers do:
 * ISO-8859-1 and US-ASCII as windows-1252, GB2312 and GBK as GB18030, and so
 * on to the superset. When there is no label, an unknown one, or bytes the
 * label cannot explain (invalid in it, or valid multi-byte UTF-8 under a
 * single-byte label), the charset is guessed: UTF-8 when the bytes are valid
 * UTF-8, else uchardet's guess, else windows-1252. Whatever still cannot be
 * decoded becomes U+FFFD and is counted in info->replaced; a leading BOM is
 * dropped. info may be NULL.
 */
lx_status lx_charset_decode(lx_strbuf *out, const char *label, const char *data, size_t len,
                            lx_charset_info *info);

/* Guesses the charset of 8-bit text that is not UTF-8 (uchardet, then
 * windows-1252); writes an iconv name into name. */
void lx_charset_guess(const char *data, size_t len, char name[LX_CHARSET_NAME_MAX]);

/* Writes into name the label of Windows code page cp (as Outlook stores
 * it: PR_MESSAGE_CODEPAGE, PR_INTERNET_CPID), to give lx_charset_decode:
 * "UTF-8" for 65001, "UTF-16LE" for 1200, "WINDOWS-1252" for 1252,
 * "ISO-8859-2" for 28592, "CP932" for 932 and so on; "" when cp is not a
 * code page (0, negative, past 65535). */
void lx_charset_codepage(long cp, char name[LX_CHARSET_NAME_MAX]);

#endif
