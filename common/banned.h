/* banned.h - functions leakdex must not call; include it last. */
#ifndef LX_BANNED_H
#define LX_BANNED_H

/* Unbounded copies and formatting, hidden global state, and non-reentrant
 * time conversions. Use strbuf, snprintf, strtok_r, gmtime_r. */
#define LX_BANNED(func) sorry_##func##_is_banned_in_leakdex

#undef strcpy
#define strcpy(x, y) LX_BANNED(strcpy)
#undef strcat
#define strcat(x, y) LX_BANNED(strcat)
#undef sprintf
#define sprintf(...) LX_BANNED(sprintf)
#undef vsprintf
#define vsprintf(...) LX_BANNED(vsprintf)
#undef strtok
#define strtok(x, y) LX_BANNED(strtok)
#undef gmtime
#define gmtime(x) LX_BANNED(gmtime)
#undef localtime
#define localtime(x) LX_BANNED(localtime)
#undef gets
#define gets(x) LX_BANNED(gets)

#endif
