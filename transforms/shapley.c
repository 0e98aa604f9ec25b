/* Simplified Shapley values from the journey counts (see shapley.h). */
#include "transforms/shapley.h"

void shapley_values(const struct journey_counts *jc, double *phi) {
  size_t n = jc->nchan;
  for (size_t c = 0; c < n; c++) {
    const uint64_t *by_size = jc->conv_by_size + c * (n + 1);
    double v = 0.0;
    for (size_t s = 1; s <= n; s++)
      if (by_size[s])
        v += (double)by_size[s] / (double)s;
    phi[c] = v;
  }
}
