/* Interned strings. Every text value of the normalized data set (ids,
 * names, channels, touch ids) lives once in one contiguous blob and is
 * referred to by a str_id, its byte offset in the blob; id 0 is "". The blob
 * is written to and read from the intermediate file as is, so reading it back
 * costs one read and no per-string allocation. Strings may not contain NUL. */
#ifndef ATTR_STRPOOL_H
#define ATTR_STRPOOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef uint32_t str_id;
#define STR_EMPTY ((str_id)0)

struct strpool {
  char *blob;    /* NUL-separated strings; blob[0] == '\0' */
  size_t len;
  size_t cap;
  uint64_t *slots; /* open addressing: hash tag << 32 | (str_id + 1), 0 = free */
  size_t nslots;
  size_t count;
  bool full; /* an intern did not fit in 4 GiB (sticky; see strpool_intern) */
};

void strpool_init(struct strpool *p);
void strpool_release(struct strpool *p);
/* Interns s[0..n) and returns its id (existing id if already present).
 * Interning may move the blob: a pointer from strpool_str() is valid only
 * until the next intern into the same pool. A string that would take the
 * pool past 4 GiB (ids are 32-bit offsets) is not added: the call returns
 * STR_EMPTY and sets the sticky p->full, which the owner checks with
 * strpool_full() before using the pool's contents (like ferror()). */
str_id strpool_intern(struct strpool *p, const char *s, size_t n);
static inline str_id strpool_interns(struct strpool *p, const char *s);
/* True once an intern failed because the pool would pass 4 GiB. */
static inline bool strpool_full(const struct strpool *p) { return p->full; }
/* Appends s[0..n) without indexing it, for a string known to be new and
 * never looked up again (the touch ids of activities and campaign members,
 * unique by construction): it costs no hash and no slot. A later intern of
 * the same text adds a second copy with another id, so use it only for
 * strings compared by content, never by id. Same 4 GiB rule as intern. */
str_id strpool_add_unique(struct strpool *p, const char *s, size_t n);
/* Looks s up without adding it; returns 1 and sets *id if present. */
int strpool_find(const struct strpool *p, const char *s, size_t n, str_id *id);
static inline const char *strpool_str(const struct strpool *p, str_id id) { return p->blob + id; }
/* Takes ownership of a blob read from disk (no hash index: lookups need
 * strpool_index()). */
void strpool_adopt(struct strpool *p, char *blob, size_t len);
/* Builds the hash index over an adopted blob so that find/intern work. */
void strpool_index(struct strpool *p);

#include <string.h>
static inline str_id strpool_interns(struct strpool *p, const char *s) {
  return strpool_intern(p, s, strlen(s));
}

#endif
