/* Writing HTML and SVG text safely. Every string that comes from the data
 * (campaign, channel, model and input names, reject reasons) reaches the
 * page only through html_text and its variants, which escape the five
 * characters that can change markup (& < > " ') so the same call is safe
 * in element content and in quoted attribute values, replace control
 * characters and every byte of an invalid UTF-8 sequence by U+FFFD (the
 * page must be valid UTF-8), and can shorten a long name to a number of
 * characters with an ellipsis. Appends to a strbuf; allocation failure
 * exits (xalloc.h). */
#ifndef ATTR_HTML_WRITER_H
#define ATTR_HTML_WRITER_H

#include <stdbool.h>
#include <stddef.h>

#include "transforms/base/strbuf.h"

/* Appends s[0..n) escaped. Tab, LF and CR pass as is (white space in HTML);
 * other C0 controls, DEL and invalid UTF-8 bytes become U+FFFD. */
void html_textn(struct strbuf *out, const char *s, size_t n);
/* html_textn over a NUL-terminated string; NULL appends nothing. */
void html_text(struct strbuf *out, const char *s);

/* The number of characters (code points; an invalid byte counts as one)
 * of s. */
size_t html_char_count(const char *s);

/* Appends s escaped, cut to at most max_chars characters: when s is longer,
 * its first max_chars - 1 characters and "…". Returns true when it cut. */
bool html_text_truncated(struct strbuf *out, const char *s, size_t max_chars);

/* Length of the valid UTF-8 sequence at s[0..n) (RFC 3629: no overlongs,
 * no surrogates, <= U+10FFFF), 0 if invalid; 1 for ASCII. */
size_t html_utf8_len(const unsigned char *s, size_t n);

#endif
