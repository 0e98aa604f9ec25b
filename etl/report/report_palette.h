/* One colour per channel for every chart of the page, so a channel looks
 * the same everywhere. Channels are ranked by their revenue under the
 * first model over the range (then pipeline, then name bytewise, so the
 * assignment is deterministic); the first REPORT_PALETTE_N get the colours
 * of a categorical palette chosen for contrast and colour-blind safety, the
 * rest a neutral grey, and `(unattributed)` a light grey of its own. */
#ifndef ATTR_REPORT_PALETTE_H
#define ATTR_REPORT_PALETTE_H

#include <stddef.h>

#include "etl/report/report_data.h"

#define REPORT_PALETTE_N 10
#define REPORT_COLOR_OTHER "#9aa1a9"
/* Bars that are not channels (campaigns, stages, lead sources, shares). */
#define REPORT_COLOR_NEUTRAL "#5a6f8a"
#define REPORT_COLOR_UNATTRIBUTED "#cfd4da"
#define REPORT_UNATTRIBUTED "(unattributed)"

struct report_palette {
  size_t *order;      /* channel indexes (into d->channels) by rank; (unattributed) last */
  const char **color; /* by channel index; static strings */
  size_t n;
};

/* Ranks d's channels and assigns their colours. Release with
 * report_palette_release. */
void report_palette_build(struct report_palette *p, const struct report_data *d);
void report_palette_release(struct report_palette *p);

/* The colour of the channel named name, REPORT_COLOR_OTHER when d has no
 * such channel. */
const char *report_palette_lookup(const struct report_palette *p, const struct report_data *d,
                                  const char *name);

#endif
