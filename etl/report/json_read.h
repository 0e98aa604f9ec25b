/* A small JSON reader (RFC 8259) for manifest.json, which the report reads
 * back for the run's inputs, as_of, range, config digest and version. It
 * builds a tree of values; strings are decoded to UTF-8 (\u escapes
 * included, lone surrogates as U+FFFD); numbers are kept as written. Depth
 * is capped so a hostile file cannot exhaust the stack. */
#ifndef ATTR_JSON_READ_H
#define ATTR_JSON_READ_H

#include <stddef.h>
#include <stdint.h>

#include "transforms/base/strbuf.h"

enum json_type { JSON_NULL, JSON_FALSE, JSON_TRUE, JSON_NUMBER, JSON_STRING, JSON_ARRAY,
                 JSON_OBJECT };

struct json_value {
  enum json_type type;
  char *text;               /* STRING: decoded, NUL-terminated; NUMBER: as written */
  size_t len;               /* bytes of text (a string may hold NUL) */
  struct json_value *items; /* ARRAY elements, OBJECT member values */
  char **keys;              /* OBJECT member names (decoded) */
  size_t n;                 /* elements or members */
};

#define JSON_MAX_DEPTH 64

/* Parses text[0..n) into *out (one value, white space around it allowed).
 * Returns 0, or -1 with err holding "LINE: what" ("12: expected ':'").
 * *out must be released with json_release in both cases. */
int json_parse(const char *text, size_t n, struct json_value *out, struct strbuf *err);
/* Frees the tree below v (not v itself) and sets v to JSON_NULL. */
void json_release(struct json_value *v);

/* The value of member `key` of object obj (the first, if repeated), or
 * NULL when obj is not an object or has no such member. */
const struct json_value *json_get(const struct json_value *obj, const char *key);
/* The string of v, or NULL when v is NULL or not a string. */
const char *json_str(const struct json_value *v);
/* A whole number 0..2^64-1 written in plain digits: 0 and *out, or -1. */
int json_u64(const struct json_value *v, uint64_t *out);

#endif
