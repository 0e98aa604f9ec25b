/* Counting journeys (see journey.h): one pass over the merged channels for
 * the transitions, then one over the distinct channels for the per-channel
 * counts. */
#include "transforms/journey.h"

#include <stdlib.h>
#include <string.h>

#include "transforms/base/xalloc.h"

void journey_counts_init(struct journey_counts *jc, size_t nchan) {
  memset(jc, 0, sizeof(*jc));
  jc->nchan = nchan;
  jc->trans = xcalloc((nchan + 1) * (nchan + 2), sizeof(uint64_t));
  jc->holds = xcalloc(nchan, sizeof(uint64_t));
  jc->holds_conv = xcalloc(nchan, sizeof(uint64_t));
  jc->conv_by_size = xcalloc(nchan * (nchan + 1), sizeof(uint64_t));
  jc->seen = xcalloc(nchan, 1);
  jc->distinct = xcalloc(nchan, sizeof(uint32_t));
}

void journey_counts_release(struct journey_counts *jc) {
  free(jc->trans);
  free(jc->holds);
  free(jc->holds_conv);
  free(jc->conv_by_size);
  free(jc->seen);
  free(jc->distinct);
  memset(jc, 0, sizeof(*jc));
}

static void count_transition(struct journey_counts *jc, size_t from, size_t to) {
  jc->trans[from * (jc->nchan + 2) + to]++;
}

void journey_counts_add(struct journey_counts *jc, const uint32_t *chan, size_t k,
                        bool converting) {
  if (k == 0)
    return;
  size_t prev = JOURNEY_START(jc), ndistinct = 0;
  for (size_t i = 0; i < k; i++) {
    uint32_t c = chan[i];
    if (c == prev)
      continue; /* merged into the previous step */
    count_transition(jc, prev, c);
    prev = c;
    if (!jc->seen[c]) {
      jc->seen[c] = 1;
      jc->distinct[ndistinct++] = c;
    }
  }
  count_transition(jc, prev, converting ? JOURNEY_CONV(jc) : JOURNEY_NULL(jc));
  jc->njourneys++;
  jc->nconv += converting;
  for (size_t i = 0; i < ndistinct; i++) {
    uint32_t c = jc->distinct[i];
    jc->seen[c] = 0;
    jc->holds[c]++;
    if (converting) {
      jc->holds_conv[c]++;
      jc->conv_by_size[c * (jc->nchan + 1) + ndistinct]++;
    }
  }
}
