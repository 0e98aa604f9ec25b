/* Dated fx rates (see fx.h). */
#include "transforms/fx.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "transforms/base/xalloc.h"

void fx_table_init(struct fx_table *fx, const char *corporate) {
  memset(fx, 0, sizeof(*fx));
  snprintf(fx->corporate, sizeof(fx->corporate), "%s", corporate);
}

void fx_table_release(struct fx_table *fx) {
  free(fx->rates);
  memset(fx, 0, sizeof(*fx));
}

static int cmp_rate(const void *a, const void *b) {
  const struct fx_rate *x = a, *y = b;
  int c = strcmp(x->currency, y->currency);
  if (c)
    return c;
  return (x->day > y->day) - (x->day < y->day);
}

int fx_table_add(struct fx_table *fx, const char *currency, int32_t day, const struct decimal *rate) {
  /* Duplicate detection is linear in the number of rates: fx files are small. */
  for (size_t i = 0; i < fx->n; i++)
    if (fx->rates[i].day == day && strcmp(fx->rates[i].currency, currency) == 0)
      return -1;
  XGROW(fx->rates, fx->cap, fx->n + 1);
  struct fx_rate *r = &fx->rates[fx->n++];
  memset(r, 0, sizeof(*r));
  snprintf(r->currency, sizeof(r->currency), "%s", currency);
  r->day = day;
  r->rate = *rate;
  return 0;
}

void fx_table_seal(struct fx_table *fx) {
  if (fx->n)
    qsort(fx->rates, fx->n, sizeof(*fx->rates), cmp_rate);
}

int fx_convert(const struct fx_table *fx, const char *currency, int32_t day, int64_t cents,
               int64_t *out) {
  if (currency[0] == '\0' || strcmp(currency, fx->corporate) == 0) {
    *out = cents;
    return 0;
  }
  /* Binary search for the last rate of `currency` with r.day <= day. */
  size_t lo = 0, hi = fx->n;
  struct fx_rate key;
  memset(&key, 0, sizeof(key));
  snprintf(key.currency, sizeof(key.currency), "%s", currency);
  key.day = day;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (cmp_rate(&fx->rates[mid], &key) <= 0)
      lo = mid + 1;
    else
      hi = mid;
  }
  if (lo == 0 || strcmp(fx->rates[lo - 1].currency, currency) != 0)
    return -1;
  return money_convert(cents, &fx->rates[lo - 1].rate, out) == 0 ? 0 : -2;
}
