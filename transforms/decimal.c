/* Exact decimal numbers (contract §2 "Money", §5.1, §9 "Values"): amounts,
 * costs and fx rates are read from their text without binary floating point,
 * so that a total in the tables never differs from the sum of its rows.
 *
 * Grammar (shared by every parser here):
 *   '-'? digit* ('.' digit*)? ([eE] [+-]? digit+)?
 * with at least one digit before the exponent, |exponent| <= 40. No '+' sign,
 * spaces, thousands separators or currency symbols.
 *
 * money_parse rounds to cents half away from zero. Only the first digit
 * below the cent decides that rounding (a remainder is >= half a cent exactly
 * when that digit is >= 5), so money_parse accepts any number of digits and
 * never needs more than an int64 accumulator: the digits past the rounding
 * digit are checked for syntax and otherwise ignored. decimal_parse (used for
 * fx rates) keeps the value exactly and so rejects more than 38 significant
 * digits (what fits an __int128 mantissa). money_convert multiplies in 192
 * bits and rounds the same way, so every conversion is exact. */
#include <limits.h>

#include "transforms/values.h"

#define DEC_MAX_EXP 40
#define DEC_MAX_DIGITS 38

static const char dec_not_a_number[] = "not a number";
static const char dec_bad_exponent[] = "exponent out of range";
static const char dec_too_many_digits[] = "too many significant digits";
static const char dec_out_of_range[] = "amount out of range";
static const char dec_rate_not_positive[] = "rate must be > 0";
static const char dec_rate_too_precise[] = "rate has more than 18 decimals";

/* A syntactically valid number: its digits (integer part then fraction,
 * without the point) and the position of the decimal point within them. */
struct dec_text {
  bool neg;
  const char *ip, *fp; /* integer and fraction digits */
  size_t in, fn;
  int64_t point; /* digits before the point, after the exponent: in + exp */
};

static bool dec_is_digit(char c) { return c >= '0' && c <= '9'; }

/* Digit k of the digit string (0 beyond its end). */
static int dec_digit(const struct dec_text *t, int64_t k) {
  if (k < 0)
    return 0;
  if ((uint64_t)k < t->in)
    return t->ip[k] - '0';
  if ((uint64_t)k < t->in + t->fn)
    return t->fp[k - (int64_t)t->in] - '0';
  return 0;
}

static size_t dec_span_digits(const char *s, size_t i, size_t n) {
  while (i < n && dec_is_digit(s[i]))
    i++;
  return i;
}

/* [eE][+-]?digit+ at s[*i]; the exponent saturates at DEC_MAX_EXP + 1. */
static int dec_scan_exponent(const char *s, size_t n, size_t *i, int *exp, const char **why) {
  size_t j = *i + 1;
  bool neg = false;
  if (j < n && (s[j] == '+' || s[j] == '-'))
    neg = s[j++] == '-';
  size_t start = j;
  int e = 0;
  for (; j < n && dec_is_digit(s[j]); j++)
    if (e <= DEC_MAX_EXP)
      e = e * 10 + (s[j] - '0');
  if (j == start) {
    *why = dec_not_a_number;
    return -1;
  }
  *exp = neg ? -e : e;
  *i = j;
  return 0;
}

static int dec_scan(const char *s, size_t n, struct dec_text *t, const char **why) {
  size_t i = 0;
  int exp = 0;
  *why = dec_not_a_number;
  if (n == 0 || n > INT_MAX / 2) /* the bound keeps every scale within int */
    return -1;
  t->neg = s[0] == '-';
  i = t->neg;
  t->ip = s + i;
  i = dec_span_digits(s, i, n);
  t->in = (size_t)(s + i - t->ip);
  t->fp = s + i;
  t->fn = 0;
  if (i < n && s[i] == '.') {
    t->fp = s + i + 1;
    i = dec_span_digits(s, i + 1, n);
    t->fn = (size_t)(s + i - t->fp);
  }
  if (t->in + t->fn == 0)
    return -1;
  if (i < n && (s[i] == 'e' || s[i] == 'E') && dec_scan_exponent(s, n, &i, &exp, why) != 0)
    return -1;
  if (i != n)
    return -1;
  if (exp > DEC_MAX_EXP || exp < -DEC_MAX_EXP) {
    *why = dec_bad_exponent;
    return -1;
  }
  t->point = (int64_t)t->in + exp;
  return 0;
}

int decimal_parse(const char *s, size_t n, struct decimal *out, const char **why) {
  struct dec_text t;
  if (dec_scan(s, n, &t, why) != 0)
    return -1;
  int64_t len = (int64_t)(t.in + t.fn), first = 0, last = len - 1;
  while (first < len && dec_digit(&t, first) == 0)
    first++;
  if (first == len) {
    out->mant = 0;
    out->scale = 0;
    return 0;
  }
  while (dec_digit(&t, last) == 0)
    last--;
  if (last - first + 1 > DEC_MAX_DIGITS) {
    *why = dec_too_many_digits;
    return -1;
  }
  __int128 m = 0;
  for (int64_t k = first; k <= last; k++)
    m = m * 10 + dec_digit(&t, k);
  /* The last kept digit has weight 10^(point - 1 - last). */
  out->mant = t.neg ? -m : m;
  out->scale = (int)(last + 1 - t.point);
  return 0;
}

int money_parse(const char *s, size_t n, int64_t *cents, const char **why) {
  struct dec_text t;
  if (n == 0) {
    *cents = 0;
    return 0;
  }
  if (dec_scan(s, n, &t, why) != 0)
    return -1;
  /* Digits before position point + 2 are whole cents; the digit there is the
   * rounding digit. Beyond the written digits come zeros (at most 42 of
   * them, since the exponent is at most 40). */
  int64_t len = (int64_t)(t.in + t.fn), end = t.point + 2;
  uint64_t acc = 0;
  for (int64_t k = 0; k < end; k++) {
    int d = dec_digit(&t, k);
    if (k >= len && acc == 0)
      break;
    if (acc > (INT64_MAX - (uint64_t)d) / 10) {
      *why = dec_out_of_range;
      return -1;
    }
    acc = acc * 10 + (uint64_t)d;
  }
  if (dec_digit(&t, end) >= 5) {
    if (acc == INT64_MAX) {
      *why = dec_out_of_range;
      return -1;
    }
    acc++;
  }
  *cents = t.neg ? -(int64_t)acc : (int64_t)acc;
  return 0;
}

int rate_parse(const char *s, size_t n, struct decimal *rate, const char **why) {
  if (decimal_parse(s, n, rate, why) != 0)
    return -1;
  if (rate->mant <= 0) {
    *why = dec_rate_not_positive;
    return -1;
  }
  if (rate->scale > 18) {
    *why = dec_rate_too_precise;
    return -1;
  }
  return 0;
}

/* --- 192-bit unsigned arithmetic for money_convert ---------------------- */

struct u192 {
  uint64_t w[3]; /* least significant first */
};

static struct u192 u192_mul(uint64_t a, unsigned __int128 b) {
  unsigned __int128 lo = (unsigned __int128)a * (uint64_t)b;
  unsigned __int128 hi = (unsigned __int128)a * (uint64_t)(b >> 64) + (lo >> 64);
  struct u192 r = {{(uint64_t)lo, (uint64_t)hi, (uint64_t)(hi >> 64)}};
  return r;
}

static bool u192_is_zero(const struct u192 *x) { return !(x->w[0] | x->w[1] | x->w[2]); }

/* x /= d, returns the remainder. */
static uint64_t u192_divmod(struct u192 *x, uint64_t d) {
  unsigned __int128 rem = 0;
  for (int i = 2; i >= 0; i--) {
    unsigned __int128 cur = (rem << 64) | x->w[i];
    x->w[i] = (uint64_t)(cur / d);
    rem = cur % d;
  }
  return (uint64_t)rem;
}

/* x = x * m + add; false on overflow of 192 bits. */
static bool u192_muladd(struct u192 *x, uint64_t m, uint64_t add) {
  unsigned __int128 carry = add;
  for (int i = 0; i < 3; i++) {
    unsigned __int128 cur = (unsigned __int128)x->w[i] * m + carry;
    x->w[i] = (uint64_t)cur;
    carry = cur >> 64;
  }
  return carry == 0;
}

static uint64_t dec_pow10(int k) {
  uint64_t p = 1;
  while (k-- > 0)
    p *= 10;
  return p;
}

int money_convert(int64_t cents, const struct decimal *rate, int64_t *out) {
  bool neg = (cents < 0) != (rate->mant < 0);
  uint64_t c = cents < 0 ? (uint64_t)0 - (uint64_t)cents : (uint64_t)cents;
  unsigned __int128 m =
      rate->mant < 0 ? (unsigned __int128)0 - (unsigned __int128)rate->mant
                     : (unsigned __int128)rate->mant;
  struct u192 p = u192_mul(c, m);
  if (rate->scale > 0) {
    /* Divide by 10^(scale-1) exactly (floors compose), then the last digit
     * is the one that decides rounding half away from zero. */
    for (int64_t k = rate->scale - 1; k > 0 && !u192_is_zero(&p); k -= 19)
      u192_divmod(&p, dec_pow10(k < 19 ? (int)k : 19));
    uint64_t digit = u192_divmod(&p, 10);
    u192_muladd(&p, 1, digit >= 5);
  } else {
    for (int64_t k = -(int64_t)rate->scale; k > 0 && !u192_is_zero(&p); k -= 19)
      if (!u192_muladd(&p, dec_pow10(k < 19 ? (int)k : 19), 0))
        return -1;
  }
  if (p.w[2] || p.w[1] || p.w[0] > (uint64_t)INT64_MAX)
    return -1;
  *out = neg ? -(int64_t)p.w[0] : (int64_t)p.w[0];
  return 0;
}
