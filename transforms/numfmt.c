/* Exact decimal formatting of the numbers in the outputs (contract §5.5,
 * §9 "Models" and "Tables"): cents with 2 decimals, weights and fractional
 * counts with 6, roi with 4, every rounding half away from zero on the exact
 * value and never a negative zero. Also the FIX18 fixed point in which
 * fractional counts are summed. printf cannot print 128-bit integers, hence
 * the small converter here. */
#include "transforms/credit.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

typedef unsigned __int128 u128;

#define POW10_18 ((u128)1000000000000000000ULL)

static u128 pow10u(int n) {
  u128 p = 1;
  while (n-- > 0)
    p *= 10;
  return p;
}

static u128 magnitude128(__int128 v) { return v < 0 ? (u128)(-(v + 1)) + 1 : (u128)v; }

/* Writes the decimal digits of v at out (>= 40 bytes); returns the length. */
static size_t u128_digits(u128 v, char *out) {
  char tmp[40];
  size_t n = 0;
  do {
    tmp[n++] = (char)('0' + (int)(v % 10));
    v /= 10;
  } while (v != 0);
  for (size_t i = 0; i < n; i++)
    out[i] = tmp[n - 1 - i];
  out[n] = '\0';
  return n;
}

/* "-" when neg and the printed value is non-zero, then int_part "." frac
 * with `places` digits (frac < 10^places). */
static void put_fixed(bool neg, u128 int_part, u128 frac, int places, char *out) {
  size_t n = 0;
  if (neg && (int_part != 0 || frac != 0))
    out[n++] = '-';
  n += u128_digits(int_part, out + n);
  if (places == 0)
    return;
  out[n++] = '.';
  for (int i = places - 1; i >= 0; i--) {
    out[n + (size_t)i] = (char)('0' + (int)(frac % 10));
    frac /= 10;
  }
  out[n + (size_t)places] = '\0';
}

/* num/den rounded half away from zero to `places` decimals, for den > 0,
 * den * 2 * 10^places < 2^128. */
static void put_ratio(__int128 num, __int128 den, int places, char *out) {
  u128 mag = magnitude128(num), d = (u128)den;
  u128 scale = pow10u(places);
  u128 int_part = mag / d;
  u128 f = mag % d * scale;
  u128 frac = f / d;
  if ((f % d) * 2 >= d)
    frac++;
  if (frac == scale) {
    int_part++;
    frac = 0;
  }
  put_fixed(num < 0, int_part, frac, places, out);
}

void fmt_cents(int64_t cents, char out[32]) {
  uint64_t mag = cents < 0 ? (uint64_t)(-(cents + 1)) + 1 : (uint64_t)cents;
  put_fixed(cents < 0, mag / 100, mag % 100, 2, out);
}

void fmt_ratio6(__int128 num, __int128 den, char out[64]) { put_ratio(num, den, 6, out); }

void fmt_roi(int64_t revenue, int64_t cost, char out[64]) {
  if (cost == 0) {
    out[0] = '\0';
    return;
  }
  __int128 num = (__int128)revenue - cost, den = cost;
  if (den < 0) {
    num = -num;
    den = -den;
  }
  put_ratio(num, den, 4, out);
}

void fmt_double6(double x, char out[64]) {
  if (!isfinite(x)) {
    snprintf(out, 64, "%f", x);
    return;
  }
  int e;
  double f = frexp(fabs(x), &e); /* |x| = f * 2^e, f in [0.5, 1) */
  /* |x| = mant * 2^(e - 53) exactly. */
  __int128 mant = (__int128)ldexp(f, 53);
  int shift = 53 - e;
  if (mant == 0 || shift > 100) {
    /* |x| < 2^-47: rounds to 0 at 6 decimals. */
    put_fixed(false, 0, 0, 6, out);
  } else if (shift <= 0) {
    /* |x| >= 2^53 is a whole number, which %f prints exactly. */
    snprintf(out, 64, "%.6f", x);
  } else {
    put_ratio(x < 0 ? -mant : mant, (__int128)1 << shift, 6, out);
  }
}

__int128 fix18_from_ratio(__int128 num, __int128 den) {
  bool neg = (num < 0) != (den < 0);
  u128 n = magnitude128(num), d = magnitude128(den);
  /* floor(n * 10^18 / d) as n/d, then 9 decimals twice, so nothing exceeds
   * d * 10^9 (exact for d < 2^98). */
  u128 q = n / d, r = n % d;
  u128 p1 = r * 1000000000u;
  u128 q1 = p1 / d;
  u128 p2 = p1 % d * 1000000000u;
  u128 q2 = p2 / d;
  u128 mag = q * POW10_18 + q1 * 1000000000u + q2;
  bool inexact = p2 % d != 0;
  if (!neg)
    return (__int128)mag;
  return -(__int128)mag - inexact; /* floor rounds negatives down */
}

__int128 fix18_from_double(double w) {
  if (!isfinite(w) || w == 0.0)
    return 0;
  int e;
  double f = frexp(fabs(w), &e);
  u128 mant = (u128)ldexp(f, 53); /* |w| = mant * 2^(e - 53) */
  int shift = 53 - e;
  u128 v;
  if (shift <= 0) {
    v = shift < -14 ? ((u128)1 << 126) : mant * POW10_18 << -shift; /* |w| >= 2^53 */
  } else if (shift >= 120) {
    v = 0; /* mant * 10^18 < 2^113: less than half a unit */
  } else {
    u128 p = mant * POW10_18;
    v = (p >> shift) + ((p >> (shift - 1)) & 1); /* nearest, halves up */
  }
  return w < 0 ? -(__int128)v : (__int128)v;
}

void fmt_fix18(__int128 v, char out[64]) {
  u128 mag = magnitude128(v);
  const u128 unit = 1000000000000u; /* 10^12 FIX18 units = 10^-6 */
  u128 q = mag / unit + (mag % unit >= unit / 2);
  put_fixed(v < 0, q / 1000000u, q % 1000000u, 6, out);
}
