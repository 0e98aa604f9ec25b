/* Channel rules of contract §7: an ordered list of rules, each naming a
 * channel and PCRE2 patterns for some touch fields; the first rule whose
 * every pattern matches (case-insensitive, unanchored unless the pattern
 * anchors) gives the channel, else "Other". Patterns are compiled once (JIT
 * where available) and matched under a match limit, so a catastrophic
 * pattern fails that match instead of hanging a nightly run. */
#ifndef ATTR_CHANNEL_H
#define ATTR_CHANNEL_H

#include <stdbool.h>
#include <stddef.h>

#include "transforms/base/strbuf.h"

enum rule_field {
  RF_UTM_SOURCE,
  RF_UTM_MEDIUM,
  RF_UTM_CAMPAIGN,
  RF_REFERRER,
  RF_CAMPAIGN_TYPE,
  RF_KIND,
  RF_LEAD_SOURCE,
  RF_COUNT
};

#define CHANNEL_OTHER "Other"

/* Field name as written in pipeline.conf ("utm_source", "referrer", ...);
 * rule_field_from_name returns -1 for an unknown name (case-insensitive). */
const char *rule_field_name(enum rule_field f);
int rule_field_from_name(const char *name);

struct channel_rules; /* opaque */

struct channel_rules *channel_rules_new(void);
/* Frees everything; NULL is a no-op. */
void channel_rules_free(struct channel_rules *r);
/* Starts a new rule for `channel` (a [channel "NAME"] section). Rules are
 * tried in the order they are added. Returns the rule's index. */
size_t channel_rules_begin(struct channel_rules *r, const char *channel);
/* Adds a field pattern to the last rule. Returns 0, or -1 with err set to
 * 'utm_medium: missing closing parenthesis at offset 9' (the caller adds
 * file, line and rule name). A field named twice in a rule: the last wins. */
int channel_rules_add_field(struct channel_rules *r, enum rule_field field,
                            const char *pattern, struct strbuf *err);
size_t channel_rules_count(const struct channel_rules *r);
/* True when name[0..n) is CHANNEL_OTHER or the channel of a rule (exact
 * bytes: a channel a touch or a cost row can be counted under). */
bool channel_rules_known(const struct channel_rules *r, const char *name, size_t n);

/* True when some rule tests field f: a field no rule tests cannot change a
 * touch's channel, so a memo of channels may leave it out of its key. */
bool channel_rules_test(const struct channel_rules *r, enum rule_field f);

/* Classifies one touch. fields[f] is the value of field f (NULL means "").
 * Returns the channel name of the first matching rule (owned by r) or
 * CHANNEL_OTHER. If a match hits the match limit the rule counts as not
 * matching and *limit_hits (if non-NULL) is incremented. */
const char *channel_classify(const struct channel_rules *r, const char *const fields[RF_COUNT],
                             unsigned *limit_hits);

#endif
