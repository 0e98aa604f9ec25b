/* Column name suggestions (see colmatch.h). */
#include "transforms/colmatch.h"

#include <stdint.h>
#include <string.h>

#define MAX_NAME 128 /* longer headers are never suggested */

static unsigned char lower(unsigned char c) { return c >= 'A' && c <= 'Z' ? c + 32 : c; }
static bool space(unsigned char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

/* s[0..n) lower-cased, with white space trimmed, or with every
 * space/'_'/'-'/'.' dropped (squeeze), into out (MAX_NAME bytes); its length. */
static size_t fold(const char *str, size_t n, bool squeeze, char *out) {
  const unsigned char *s = (const unsigned char *)str;
  while (n && space(*s))
    s++, n--;
  while (n && space(s[n - 1]))
    n--;
  size_t k = 0;
  for (size_t i = 0; i < n && k < MAX_NAME; i++) {
    if (squeeze && (space(s[i]) || s[i] == '_' || s[i] == '-' || s[i] == '.'))
      continue;
    out[k++] = (char)lower(s[i]);
  }
  return k;
}

static bool equal_ci(const char *a, size_t an, const char *b, size_t bn) {
  if (an != bn)
    return false;
  for (size_t i = 0; i < an; i++)
    if (lower((unsigned char)a[i]) != lower((unsigned char)b[i]))
      return false;
  return true;
}

/* Case-insensitive Levenshtein distance, stopping early above `limit`. */
static size_t distance(const char *a, size_t an, const char *b, size_t bn, size_t limit) {
  size_t row[MAX_NAME + 1];
  if (an > bn + limit || bn > an + limit)
    return limit + 1;
  for (size_t j = 0; j <= bn; j++)
    row[j] = j;
  for (size_t i = 1; i <= an; i++) {
    size_t diag = row[0], best = i;
    row[0] = i;
    for (size_t j = 1; j <= bn; j++) {
      size_t up = row[j];
      size_t cost = lower((unsigned char)a[i - 1]) == lower((unsigned char)b[j - 1]) ? 0 : 1;
      size_t v = diag + cost;
      if (up + 1 < v)
        v = up + 1;
      if (row[j - 1] + 1 < v)
        v = row[j - 1] + 1;
      row[j] = v;
      diag = up;
      if (v < best)
        best = v;
    }
    if (best > limit)
      return limit + 1;
  }
  return row[bn];
}

/* Closeness score of header h to want (lower is closer), SIZE_MAX if not close. */
static size_t score(const char *want, size_t wn, const char *h, size_t hn) {
  char fw[MAX_NAME], fh[MAX_NAME];
  if (hn > MAX_NAME || wn > MAX_NAME)
    return SIZE_MAX;
  if (equal_ci(want, wn, h, hn))
    return 0;
  size_t a = fold(want, wn, false, fw), b = fold(h, hn, false, fh);
  if (a == b && memcmp(fw, fh, a) == 0)
    return 1;
  a = fold(want, wn, true, fw);
  b = fold(h, hn, true, fh);
  if (a && a == b && memcmp(fw, fh, a) == 0)
    return 2;
  size_t limit = wn >= 6 ? 2 : wn >= 4 ? 1 : 0;
  if (limit == 0)
    return SIZE_MAX;
  size_t d = distance(want, wn, h, hn, limit);
  return d <= limit ? 2 + d : SIZE_MAX;
}

int column_suggest(const char *want, const char *const *headers, const size_t *lens, size_t n,
                   const bool *taken) {
  size_t wn = strlen(want), best = SIZE_MAX;
  int found = -1;
  for (size_t i = 0; i < n; i++) {
    if (taken && taken[i])
      continue;
    size_t sc = score(want, wn, headers[i], lens[i]);
    if (sc < best) {
      best = sc;
      found = (int)i;
    }
  }
  return found;
}
