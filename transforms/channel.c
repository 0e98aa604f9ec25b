/* Channel rules (channel.h, contract §7): an ordered list of rules, each a
 * channel name and up to one compiled PCRE2 pattern per touch field.
 *
 * Patterns are compiled with PCRE2_CASELESS | PCRE2_UTF |
 * PCRE2_MATCH_INVALID_UTF: the inputs are UTF-8, so case folding and `.`
 * work on characters (`événement` matches `ÉVÉNEMENT`), while a field that is
 * not valid UTF-8 can still be matched instead of failing (invalid bytes
 * simply never match a character). A pattern must itself be valid UTF-8.
 * \C (one code unit) is forbidden: it would break that guarantee. \w, \d and
 * \b stay ASCII (no PCRE2_UCP).
 *
 * Every match runs under one match context with a match limit, a depth limit
 * and a heap limit (and a bounded JIT stack), so a catastrophic pattern such
 * as ^(a+)+$ fails that one match quickly; the caller counts such failures
 * through *limit_hits. One match data block per rules object: classifying
 * is not thread-safe, which the single-threaded stages do not need. */
#include "transforms/channel.h"

#include <pcre2.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "transforms/base/xalloc.h"

/* Budgets of one pcre2_match call. A field is a short value (a UTM
 * parameter, a host, a campaign type), for which an ordinary pattern needs a
 * few hundred steps; these leave room for long fields while bounding a
 * runaway pattern to a few milliseconds. */
#define CHANNEL_MATCH_LIMIT 1000000u
#define CHANNEL_DEPTH_LIMIT 100000u
#define CHANNEL_HEAP_LIMIT_KIB 65536u
#define CHANNEL_JIT_STACK_START (32u * 1024u)
#define CHANNEL_JIT_STACK_MAX (1024u * 1024u)

#define CHANNEL_COMPILE_OPTIONS                                                                    \
  (PCRE2_CASELESS | PCRE2_UTF | PCRE2_MATCH_INVALID_UTF | PCRE2_NEVER_BACKSLASH_C)

struct rule {
  char *channel;
  pcre2_code *re[RF_COUNT]; /* NULL: the rule does not test that field */
};

struct channel_rules {
  struct rule *rules;
  size_t n, cap;
  pcre2_match_context *mctx;
  pcre2_jit_stack *jit_stack; /* NULL when JIT is unavailable */
  pcre2_match_data *md;
};

static const char *const field_names[RF_COUNT] = {
    [RF_UTM_SOURCE] = "utm_source",     [RF_UTM_MEDIUM] = "utm_medium",
    [RF_UTM_CAMPAIGN] = "utm_campaign", [RF_REFERRER] = "referrer",
    [RF_CAMPAIGN_TYPE] = "campaign_type", [RF_KIND] = "kind",
    [RF_LEAD_SOURCE] = "lead_source",
};

const char *rule_field_name(enum rule_field f) {
  return (unsigned)f < RF_COUNT ? field_names[f] : "?";
}

int rule_field_from_name(const char *name) {
  for (int f = 0; f < RF_COUNT; f++)
    if (strcasecmp(name, field_names[f]) == 0)
      return f;
  return -1;
}

/* PCRE2 allocation failures are as fatal as any other (see xalloc.h). */
static void *must(void *p) {
  if (!p)
    xalloc_failed(0);
  return p;
}

struct channel_rules *channel_rules_new(void) {
  struct channel_rules *r = xcalloc(1, sizeof(*r));
  r->mctx = must(pcre2_match_context_create(NULL));
  pcre2_set_match_limit(r->mctx, CHANNEL_MATCH_LIMIT);
  pcre2_set_depth_limit(r->mctx, CHANNEL_DEPTH_LIMIT);
  pcre2_set_heap_limit(r->mctx, CHANNEL_HEAP_LIMIT_KIB);
  r->jit_stack = pcre2_jit_stack_create(CHANNEL_JIT_STACK_START, CHANNEL_JIT_STACK_MAX, NULL);
  if (r->jit_stack)
    pcre2_jit_stack_assign(r->mctx, NULL, r->jit_stack);
  /* Only "matched or not" is needed, so one ovector pair serves every
   * pattern (pcre2_match returns 0 when the ovector is too small). */
  r->md = must(pcre2_match_data_create(1, NULL));
  return r;
}

static void rule_release(struct rule *ru) {
  free(ru->channel);
  for (int f = 0; f < RF_COUNT; f++)
    pcre2_code_free(ru->re[f]);
}

void channel_rules_free(struct channel_rules *r) {
  if (!r)
    return;
  for (size_t i = 0; i < r->n; i++)
    rule_release(&r->rules[i]);
  free(r->rules);
  pcre2_match_data_free(r->md);
  pcre2_jit_stack_free(r->jit_stack);
  pcre2_match_context_free(r->mctx);
  free(r);
}

size_t channel_rules_begin(struct channel_rules *r, const char *channel) {
  XGROW(r->rules, r->cap, r->n + 1);
  struct rule *ru = &r->rules[r->n];
  memset(ru, 0, sizeof(*ru));
  ru->channel = xstrdup(channel);
  return r->n++;
}

int channel_rules_add_field(struct channel_rules *r, enum rule_field field, const char *pattern,
                            struct strbuf *err) {
  if (r->n == 0 || (unsigned)field >= RF_COUNT) {
    strbuf_addf(err, "%s: no rule to add the pattern to", rule_field_name(field));
    return -1;
  }
  int code;
  PCRE2_SIZE offset;
  pcre2_code *re = pcre2_compile((PCRE2_SPTR)pattern, strlen(pattern), CHANNEL_COMPILE_OPTIONS,
                                 &code, &offset, NULL);
  if (!re) {
    PCRE2_UCHAR msg[256];
    if (pcre2_get_error_message(code, msg, sizeof(msg)) < 0)
      snprintf((char *)msg, sizeof(msg), "error %d", code);
    strbuf_addf(err, "%s: %s at offset %zu", rule_field_name(field), (const char *)msg,
                (size_t)offset);
    return -1;
  }
  /* JIT is an optimization: where it is unavailable the interpreter runs
   * under the same limits. */
  (void)pcre2_jit_compile(re, PCRE2_JIT_COMPLETE);
  struct rule *ru = &r->rules[r->n - 1];
  pcre2_code_free(ru->re[field]); /* a field named twice: the last wins */
  ru->re[field] = re;
  return 0;
}

size_t channel_rules_count(const struct channel_rules *r) { return r ? r->n : 0; }

bool channel_rules_known(const struct channel_rules *r, const char *name, size_t n) {
  if (n == strlen(CHANNEL_OTHER) && memcmp(name, CHANNEL_OTHER, n) == 0)
    return true;
  for (size_t i = 0; r && i < r->n; i++)
    if (strlen(r->rules[i].channel) == n && memcmp(r->rules[i].channel, name, n) == 0)
      return true;
  return false;
}

/* 1 if the pattern matches, 0 if not; a match that fails for any other
 * reason (a limit) counts as not matching and is tallied. */
static int field_matches(const struct channel_rules *r, const pcre2_code *re, const char *value,
                         unsigned *limit_hits) {
  const char *s = value ? value : "";
  int rc = pcre2_match(re, (PCRE2_SPTR)s, strlen(s), 0, 0, r->md, r->mctx);
  if (rc >= 0)
    return 1;
  if (rc != PCRE2_ERROR_NOMATCH && limit_hits)
    (*limit_hits)++;
  return 0;
}

static bool rule_matches(const struct channel_rules *r, const struct rule *ru,
                         const char *const fields[RF_COUNT], unsigned *limit_hits) {
  for (int f = 0; f < RF_COUNT; f++)
    if (ru->re[f] && !field_matches(r, ru->re[f], fields[f], limit_hits))
      return false;
  return true;
}

bool channel_rules_test(const struct channel_rules *r, enum rule_field f) {
  for (size_t i = 0; r && i < r->n; i++)
    if (r->rules[i].re[f])
      return true;
  return false;
}

const char *channel_classify(const struct channel_rules *r, const char *const fields[RF_COUNT],
                             unsigned *limit_hits) {
  for (size_t i = 0; r && i < r->n; i++)
    if (rule_matches(r, &r->rules[i], fields, limit_hits))
      return r->rules[i].channel;
  return CHANNEL_OTHER;
}
