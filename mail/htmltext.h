/* htmltext.h - the readable text of an HTML document. */
#ifndef LX_HTMLTEXT_H
#define LX_HTMLTEXT_H

#include <stddef.h>

#include "strbuf.h"

/* Appends the text a reader sees in html[0..len) (UTF-8) to out: entities
 * decoded, <script>, <style> and <head> dropped, block elements and <br> as
 * line breaks, runs of white space collapsed. Never fails on bad markup. */
lx_status lx_htmltext_extract(lx_strbuf *out, const char *html, size_t len);

#endif
