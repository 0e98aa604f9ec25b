/* Parsers and normalizers for the cell values of contract §2 and §9
 * "Values": Salesforce ids, emails, timestamps, booleans, exact decimal money
 * and fx rates, and the pieces of marketing-automation activities (the JSON
 * `attributes` cell, UTM query strings, referrer hosts, campaign keys).
 * Pure functions: no I/O, no global state. On failure they return a non-zero
 * code and, where there is a `why` parameter, point it at a static English
 * reason suitable for rejects.csv ("no such day", "not a number", ...). */
#ifndef ATTR_VALUES_H
#define ATTR_VALUES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "transforms/base/strbuf.h"

/* --- Salesforce ids ------------------------------------------------------ */
/* Writes the normalized id into out (must hold n + 4 bytes) and returns its
 * length: a 15-char id gets its 3 checksum characters (alphabet
 * A-Z0-5 from the case of each 5-char chunk); any other length is copied as
 * is (not trimmed, no validation). out is NUL-terminated. */
size_t sfid_normalize(const char *id, size_t n, char *out);

/* --- Emails -------------------------------------------------------------- */
enum email_result { EMAIL_OK = 0, EMAIL_BLANK = 1, EMAIL_INVALID = 2 };
/* Trims white space, drops a leading "mailto:" (any case) and one enclosing
 * "<...>", lowercases (ASCII). Writes the result to out (reset first).
 * EMAIL_BLANK: the cell is empty or white space (absent, no warning). EMAIL_INVALID: not exactly
 * one '@', empty local part, or domain without '.' (absent, warning);
 * out then holds the normalized text for the message. */
enum email_result email_normalize(const char *s, size_t n, struct strbuf *out);

/* --- Timestamps ---------------------------------------------------------- */
struct ts_value {
  int64_t utc;         /* seconds since 1970-01-01T00:00:00Z */
  int32_t written_day; /* day number of the calendar date as written */
  bool date_only;      /* the text was YYYY-MM-DD alone */
};
/* Parses YYYY-MM-DD, YYYY-MM-DDTHH:MM:SS or with ' ' for 'T', optional
 * fraction ".f+" (dropped), optional 'Z', "+HH:MM", "-HH:MM", "+HHMM",
 * "-HHMM" (offset only after a time). No offset: naive_offset_secs (east of
 * UTC, e.g. +05:30 = 19800). Checks the calendar (leap years, day of month,
 * hours 00-23, minutes/seconds 00-59, offset hours <= 23, minutes <= 59).
 * No surrounding spaces allowed. Returns 0, or -1 with *why set. */
int ts_parse(const char *s, size_t n, int32_t naive_offset_secs, struct ts_value *out,
             const char **why);
/* Parses a UTC offset "+HH:MM", "-HH:MM", "+HHMM", "-HHMM" or "Z" into
 * seconds east of UTC (for naive_utc_offset in the config). 0 or -1. */
int utc_offset_parse(const char *s, size_t n, int32_t *secs);

/* --- Booleans ------------------------------------------------------------ */
/* true/false/1/0 in any case; empty is false. Returns 0 or -1. */
int bool_parse(const char *s, size_t n, bool *out);

/* --- Exact decimals ------------------------------------------------------ */
/* A decimal value mant * 10^-scale, exactly as written (after applying the
 * exponent): "1.5E+06" -> mant 15, scale -5; "-0.005" -> mant -5, scale 3. */
struct decimal {
  __int128 mant;
  int scale; /* may be negative */
};
/* Optional leading '-', digits with optional '.', at least one digit
 * overall (".5" and "5." accepted), optional exponent [eE][+-]?digits with
 * |exponent| <= 40. Rejects '+' signs, spaces, thousands separators, currency
 * symbols, more than 38 significant digits. 0 or -1 with *why. */
int decimal_parse(const char *s, size_t n, struct decimal *out, const char **why);
/* Money into integer cents, rounding half away from zero ("1.005" -> 101,
 * "-0.005" -> -1). Empty is 0. Same grammar as decimal_parse but any number
 * of digits (only the first digit below the cent decides the rounding).
 * Fails beyond +-(2^63-1) cents ("amount out of range"). */
int money_parse(const char *s, size_t n, int64_t *cents, const char **why);
/* An fx rate: > 0, kept exactly as a decimal (up to 18 decimals after
 * normalization). 0 or -1 with *why. */
int rate_parse(const char *s, size_t n, struct decimal *rate, const char **why);
/* cents * rate rounded half away from zero, exactly (192-bit intermediate,
 * any scale). Returns 0, or -1 if the result is beyond +-(2^63-1). */
int money_convert(int64_t cents, const struct decimal *rate, int64_t *out);

/* --- Marketing-automation activity attributes --------------------------- */
/* The attributes the pipeline reads from the JSON object in `attributes`.
 * Each is reset and then filled with the decoded string value when the key is
 * present with a string value (numbers/booleans are written as their text,
 * null leaves it absent). *_set tells presence. */
struct ma_attributes {
  struct strbuf query_parameters;
  struct strbuf webpage_url;
  struct strbuf referrer_url;
  bool has_query_parameters, has_webpage_url, has_referrer_url;
};
void ma_attributes_init(struct ma_attributes *a);
void ma_attributes_release(struct ma_attributes *a);
/* Parses a JSON object (RFC 8259: nested values are skipped, \uXXXX incl.
 * surrogate pairs decoded to UTF-8, a lone surrogate becomes U+FFFD, depth
 * limit 64). A repeated key: the first occurrence decides. An empty cell or
 * the literal null counts as an empty object. Returns 0, or -1 with *why
 * ("attributes: not a JSON object", "attributes: invalid JSON", ...); on
 * failure every attribute is absent. */
int ma_attributes_parse(const char *s, size_t n, struct ma_attributes *a, const char **why);

/* UTM parameters of one touch, decoded. A parameter "is carried" when its
 * decoded value is non-empty. */
struct utm {
  struct strbuf source, medium, campaign;
};
void utm_init(struct utm *u);
void utm_release(struct utm *u);
/* Fills u (reset first) from a query string "a=b&c=d": a leading '?' is
 * dropped, '+' means space, %XX decoded (invalid escapes kept as written),
 * names decoded then lowercased, the first occurrence of a name wins. */
void utm_from_query(const char *q, size_t n, struct utm *u);
/* The query part of a URL: after the first '?', before '#'. Sets *q and *qn;
 * returns 0 if the URL has no '?'. */
int url_query(const char *url, size_t n, const char **q, size_t *qn);
/* Chooses the UTM source per contract §9: the Query Parameters attribute if
 * present and non-empty, else the Webpage URL query. */
void utm_from_attributes(const struct ma_attributes *a, struct utm *u);
/* Referrer host: drop the scheme ("xxx://"), cut at '/', '?' or '#', drop
 * userinfo ("user@") and port (":443"), lowercase; "www." is kept. */
void referrer_host(const char *url, size_t n, struct strbuf *out);
/* Campaign key: ASCII-lowercase, every run of non-alphanumeric bytes becomes
 * one '-', leading/trailing '-' dropped. */
void campaign_key(const char *s, size_t n, struct strbuf *out);

#endif
