/* UTF-8 validation and repair for every text cell the pipeline reads
 * (contract §9 "Text encoding"): a sequence that is not valid UTF-8 by
 * RFC 3629 (overlong forms, surrogates D800-DFFF, code points past
 * U+10FFFF, a stray continuation byte, a sequence cut short) is replaced by
 * U+FFFD, one replacement per maximal subpart of an ill-formed sequence
 * (Unicode §3.9 "U+FFFD Substitution of Maximal Subparts", which is what the
 * WHATWG decoder and Python's bytes.decode('utf-8', 'replace') do). Pure
 * functions; the validity check has an ASCII fast path, since it runs on
 * every cell of every input. */
#ifndef ATTR_UTF8_H
#define ATTR_UTF8_H

#include <stdbool.h>
#include <stddef.h>

#include "transforms/base/strbuf.h"

/* The UTF-8 encoding of U+FFFD. */
#define UTF8_REPLACEMENT "\xEF\xBF\xBD"

/* Length of the longest prefix of s[0..n) that is valid UTF-8 (n when all
 * of it is). */
size_t utf8_valid_prefix(const char *s, size_t n);

/* Bytes of the well-formed UTF-8 character at s[0..n) (n >= 1): 1 for
 * ASCII, 2-4 for a valid multi-byte sequence (RFC 3629: no overlongs, no
 * surrogates, <= U+10FFFF), 0 when the bytes at s are not one. */
size_t utf8_char_len(const char *s, size_t n);

static inline bool utf8_is_valid(const char *s, size_t n) { return utf8_valid_prefix(s, n) == n; }

/* Appends s[0..n) to out with every maximal invalid subpart replaced by
 * U+FFFD; returns the number of replacements (0: the bytes were copied as
 * they are). NUL bytes are valid UTF-8 and copied. */
size_t utf8_repair(const char *s, size_t n, struct strbuf *out);

#endif
