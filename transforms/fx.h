/* Dated fx rates (contract §1.3, §5.1, §9 "Money and costs"): rate =
 * units of the corporate currency per unit of `currency`, effective from its
 * date until the next row of the same currency; the corporate currency has
 * rate 1; before a currency's first date there is no rate. Conversion is
 * exact (values.h money_convert). */
#ifndef ATTR_FX_H
#define ATTR_FX_H

#include <stddef.h>
#include <stdint.h>

#include "transforms/values.h"

struct fx_rate {
  char currency[16];
  int32_t day;
  struct decimal rate;
};

struct fx_table {
  char corporate[16];
  struct fx_rate *rates; /* sorted by (currency, day) after fx_table_seal */
  size_t n, cap;
};

void fx_table_init(struct fx_table *fx, const char *corporate);
void fx_table_release(struct fx_table *fx);
/* Adds a rate; returns -1 if (currency, day) is already present. */
int fx_table_add(struct fx_table *fx, const char *currency, int32_t day, const struct decimal *rate);
/* Sorts for lookups; call once after the last add. */
void fx_table_seal(struct fx_table *fx);
/* Converts cents of `currency` ("" = corporate) on `day` to corporate cents.
 * Returns 0, -1 when there is no rate, -2 on overflow. */
int fx_convert(const struct fx_table *fx, const char *currency, int32_t day, int64_t cents,
               int64_t *out);

#endif
