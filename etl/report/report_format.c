/* Numbers for people (see report_format.h). All arithmetic is on integers
 * (128-bit where a product could pass 2^63), so the page rounds exactly as
 * the tables do. */
#include "etl/report/report_format.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

typedef unsigned __int128 u128;

static u128 mag64(int64_t v) { return v < 0 ? (u128)(-(v + 1)) + 1 : (u128)v; }

static u128 pow10u(int n) {
  u128 p = 1;
  while (n-- > 0)
    p *= 10;
  return p;
}

/* n / d rounded half away from zero (magnitudes). */
static u128 div_round(u128 n, u128 d) {
  u128 q = n / d;
  return (n % d) * 2 >= d ? q + 1 : q;
}

/* Writes "[-]int[.frac]" with `places` fraction digits of v / 10^places,
 * then groups the integer part. */
static void put_scaled(bool neg, u128 v, int places, char out[RFMT_LEN]) {
  char digits[48], tmp[RFMT_LEN];
  size_t n = 0;
  u128 scale = pow10u(places), ip = v / scale, fp = v % scale;
  do {
    digits[n++] = (char)('0' + (int)(ip % 10));
    ip /= 10;
  } while (ip);
  size_t k = 0;
  if (neg && v != 0)
    tmp[k++] = '-';
  while (n)
    tmp[k++] = digits[--n];
  if (places > 0) {
    tmp[k++] = '.';
    for (int i = places - 1; i >= 0; i--) {
      tmp[k + (size_t)i] = (char)('0' + (int)(fp % 10));
      fp /= 10;
    }
    k += (size_t)places;
  }
  tmp[k] = '\0';
  rfmt_group(tmp, out);
}

/* out = num followed by '%' (num is far shorter than RFMT_LEN). */
static void with_percent(const char *num, char out[RFMT_LEN]) {
  size_t k = strlen(num);
  if (k > RFMT_LEN - 2)
    k = RFMT_LEN - 2;
  memmove(out, num, k);
  out[k] = '%';
  out[k + 1] = '\0';
}

void rfmt_group(const char *s, char out[RFMT_LEN]) {
  size_t k = 0, i = 0;
  if (s[0] == '-')
    out[k++] = s[i++];
  size_t start = i;
  while (s[i] >= '0' && s[i] <= '9')
    i++;
  size_t ndig = i - start;
  for (size_t j = 0; j < ndig && k < RFMT_LEN - 2; j++) {
    if (j > 0 && (ndig - j) % 3 == 0)
      out[k++] = ',';
    out[k++] = s[start + j];
  }
  for (; s[i] && k < RFMT_LEN - 1; i++)
    out[k++] = s[i];
  out[k] = '\0';
}

void rfmt_money(int64_t cents, char out[RFMT_LEN]) { put_scaled(cents < 0, mag64(cents), 2, out); }

void rfmt_count(int64_t n, char out[RFMT_LEN]) { put_scaled(n < 0, mag64(n), 0, out); }

void rfmt_fixed(int64_t v, int places, int shown, char out[RFMT_LEN]) {
  if (shown > places)
    shown = places;
  u128 r = div_round(mag64(v), pow10u(places - shown));
  put_scaled(v < 0, r, shown, out);
}

void rfmt_compact(int64_t v, int64_t unit, char out[RFMT_LEN]) {
  static const char *const suffix[] = {"", "k", "M", "B", "T"};
  u128 mag = mag64(v), base = (u128)(unit > 0 ? unit : 1);
  u128 r = 0;
  int d = 0, i;
  for (i = 0; i < 5; i++) {
    u128 denom = base * pow10u(3 * i);
    u128 q = mag / denom;
    d = i == 0 ? 0 : q < 10 ? 2 : q < 100 ? 1 : 0;
    r = div_round(mag * pow10u(d), denom);
    if (r < 1000 * pow10u(d) || i == 4)
      break;
  }
  char num[RFMT_LEN];
  put_scaled(v < 0, r, d, num);
  if (d > 0) { /* drop trailing zeros of the fraction, and a bare point */
    size_t n = strlen(num);
    while (num[n - 1] == '0')
      num[--n] = '\0';
    if (num[n - 1] == '.')
      num[--n] = '\0';
  }
  snprintf(out, RFMT_LEN, "%s%s", num, r ? suffix[i] : "");
}

void rfmt_percent(int64_t num, int64_t den, int decimals, char out[RFMT_LEN]) {
  if (den == 0) {
    out[0] = '\0';
    return;
  }
  if (decimals < 0)
    decimals = 0;
  if (decimals > 4)
    decimals = 4;
  u128 r = div_round(mag64(num) * 100 * pow10u(decimals), mag64(den));
  char tmp[RFMT_LEN];
  put_scaled((num < 0) != (den < 0), r, decimals, tmp);
  with_percent(tmp, out);
}

void rfmt_ratio_as_percent(const char *s, char out[RFMT_LEN]) {
  if (!*s) {
    out[0] = '\0';
    return;
  }
  const char *p = s;
  bool neg = *p == '-';
  if (neg)
    p++;
  const char *ip = p;
  while (*p >= '0' && *p <= '9')
    p++;
  size_t nip = (size_t)(p - ip);
  const char *fp = *p == '.' ? p + 1 : NULL;
  size_t nfp = 0;
  if (fp)
    while (fp[nfp] >= '0' && fp[nfp] <= '9')
      nfp++;
  if (nip == 0 || nip > 30 || !fp || nfp < 2 || nfp > 20 || fp[nfp] != '\0') {
    with_percent(s, out);
    return;
  }
  /* digits of the integer part followed by the first two decimals */
  char moved[RFMT_LEN];
  size_t k = 0;
  if (neg)
    moved[k++] = '-';
  size_t first = k;
  memcpy(moved + k, ip, nip);
  k += nip;
  memcpy(moved + k, fp, 2);
  k += 2;
  moved[k] = '\0';
  /* strip leading zeros, keeping one digit before the point */
  size_t z = first;
  while (z + 1 < k && moved[z] == '0')
    z++;
  memmove(moved + first, moved + z, k - z + 1);
  k -= z - first;
  if (nfp > 2) {
    moved[k++] = '.';
    memcpy(moved + k, fp + 2, nfp - 2);
    k += nfp - 2;
    moved[k] = '\0';
  }
  /* "-0.0000" never prints: a negative zero loses its sign */
  bool all_zero = true;
  for (size_t i = first; i < k; i++)
    if (moved[i] >= '1' && moved[i] <= '9')
      all_zero = false;
  char grouped[RFMT_LEN];
  rfmt_group(neg && all_zero ? moved + 1 : moved, grouped);
  with_percent(grouped, out);
}
