/* Channel colours (see report_palette.h). */
#include "etl/report/report_palette.h"

#include <stdlib.h>
#include <string.h>

#include "transforms/base/xalloc.h"

/* Tableau 10 (2016), its grey replaced by a teal so that no channel is
 * mistaken for the greys of "other" and "unattributed". */
static const char *const palette[REPORT_PALETTE_N] = {
    "#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2",
    "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#2f8f8a"};

static bool is_unattributed(const struct report_data *d, size_t c) {
  return strcmp(report_str(d, d->channels[c]), REPORT_UNATTRIBUTED) == 0;
}

static int cmp_rank(const void *a, const void *b, void *data) {
  const struct report_data *d = data;
  size_t x = *(const size_t *)a, y = *(const size_t *)b;
  bool ux = is_unattributed(d, x), uy = is_unattributed(d, y);
  if (ux != uy)
    return ux ? 1 : -1;
  const struct report_sums *sx = &d->channel_sums[x * d->nmodels];
  const struct report_sums *sy = &d->channel_sums[y * d->nmodels];
  if (sx->revenue != sy->revenue)
    return sx->revenue > sy->revenue ? -1 : 1;
  if (sx->pipeline != sy->pipeline)
    return sx->pipeline > sy->pipeline ? -1 : 1;
  return strcmp(report_str(d, d->channels[x]), report_str(d, d->channels[y]));
}

void report_palette_build(struct report_palette *p, const struct report_data *d) {
  size_t n = d->nchannels;
  p->n = n;
  p->order = xcalloc(n ? n : 1, sizeof *p->order);
  p->color = xcalloc(n ? n : 1, sizeof *p->color);
  for (size_t c = 0; c < n; c++)
    p->order[c] = c;
  qsort_r(p->order, n, sizeof *p->order, cmp_rank, (void *)d);
  for (size_t k = 0; k < n; k++) {
    size_t c = p->order[k];
    p->color[c] = is_unattributed(d, c) ? REPORT_COLOR_UNATTRIBUTED
                  : k < REPORT_PALETTE_N ? palette[k]
                                         : REPORT_COLOR_OTHER;
  }
}

void report_palette_release(struct report_palette *p) {
  free(p->order);
  free(p->color);
  memset(p, 0, sizeof *p);
}

const char *report_palette_lookup(const struct report_palette *p, const struct report_data *d,
                                  const char *name) {
  for (size_t c = 0; c < p->n; c++)
    if (strcmp(report_str(d, d->channels[c]), name) == 0)
      return p->color[c];
  return REPORT_COLOR_OTHER;
}
