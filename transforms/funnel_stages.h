/* The stages of the funnel (contract §5.6, §7 `[funnel] stages`): an ordered
 * list of sales-process stage names, parsed from the comma-separated config
 * value, and the lookup of a CRM stage name (trimmed) to its position.
 * Pure: no I/O; the config loader and the funnel table call it. */
#ifndef ATTR_FUNNEL_STAGES_H
#define ATTR_FUNNEL_STAGES_H

#include <stddef.h>

#include "transforms/base/strbuf.h"

/* Salesforce's standard sales process, the default of `[funnel] stages`. */
#define FUNNEL_DEFAULT_STAGES                                                         \
  "Prospecting, Qualification, Needs Analysis, Value Proposition, Id. Decision Makers, " \
  "Perception Analysis, Proposal/Price Quote, Negotiation/Review"

/* At most this many stages (a stage position fits comfortably in 16 bits;
 * the limit only guards against a runaway value). */
#define FUNNEL_MAX_STAGES 1000

#define FUNNEL_NO_STAGE (-1)

struct funnel_stages {
  char **names; /* n trimmed, non-empty, distinct names; owned */
  size_t n;
};

/* Parses "A, B, C": each name trimmed of white space (space, tab, CR, LF,
 * VT, FF), none empty, none twice (compared exactly, case-sensitive).
 * On success replaces *out (released first) and returns 0; on error leaves
 * *out as it was and returns -1 with why set to e.g. "empty stage name in
 * 'A,,B'" or "stage 'Qualification' is listed twice". */
int funnel_stages_parse(struct funnel_stages *out, const char *text, struct strbuf *why);
/* Frees the names; *s is then empty. Safe on a zeroed struct. */
void funnel_stages_release(struct funnel_stages *s);

/* The white space funnel names are trimmed of: s[0..*n) shrinks to the
 * trimmed span; returns its start. */
const char *funnel_trim(const char *s, size_t *n);

/* Position (0-based) of the stage named s[0..n) once trimmed, or
 * FUNNEL_NO_STAGE. Exact, case-sensitive comparison. */
int funnel_stage_position(const struct funnel_stages *st, const char *s, size_t n);

#endif
