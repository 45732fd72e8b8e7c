/* rtf.h - the text of an RTF document. */
#ifndef LX_RTF_H
#define LX_RTF_H

#include <stddef.h>

#include "strbuf.h"

/*
 * Appends the text of RTF data[0..len) to out as valid UTF-8, at most about
 * max bytes: paragraphs, lines and rows as new lines, cells and tabs as tabs;
 * \'hh bytes read in the document's code page (\ansicpg, default
 * windows-1252), \uN characters (with their \ucN fallbacks skipped);
 * font, colour, style and list tables, pictures, objects, document info and
 * every \* destination left out. Never fails on bad RTF (unbalanced braces,
 * deep nesting): what can be read is read. Returns LX_E_NOMEM only.
 */
lx_status lx_rtf_text(const char *data, size_t len, size_t max, lx_strbuf *out);

#endif
