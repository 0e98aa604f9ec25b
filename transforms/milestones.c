/* Milestones of an opportunity's ordered eligible touches (contract §4):
 * which touch is first, lead creation, opportunity creation, closed won and
 * last. Kept apart from the weights because touch_credits prints every
 * milestone a touch holds whatever the model. */
#include "transforms/credit.h"

#include <string.h>

/* Index of the last touch with time <= limit, or k when there is none. */
static size_t last_at_or_before(const int64_t *times, size_t k, int64_t limit) {
  size_t found = k;
  for (size_t i = 0; i < k; i++)
    if (times[i] <= limit)
      found = i;
  return found;
}

void milestones_compute(const int64_t *times, size_t k, int64_t lc_time, int64_t opp_created,
                        bool won, uint8_t *flags) {
  if (k == 0)
    return;
  memset(flags, 0, k);
  flags[0] |= MS_BIT(MS_FT);
  size_t lc = last_at_or_before(times, k, lc_time);
  flags[lc < k ? lc : 0] |= MS_BIT(MS_LC);
  size_t oc = last_at_or_before(times, k, opp_created);
  if (oc < k)
    flags[oc] |= MS_BIT(MS_OC);
  if (won)
    flags[k - 1] |= MS_BIT(MS_CW);
  flags[k - 1] |= MS_BIT(MS_LT);
}

void milestones_format(uint8_t flags, char out[16]) {
  static const char names[MS_COUNT][3] = {"FT", "LC", "OC", "CW", "LT"};
  size_t n = 0;
  for (int m = 0; m < MS_COUNT; m++) {
    if (!(flags & MS_BIT(m)))
      continue;
    if (n > 0)
      out[n++] = '+';
    out[n++] = names[m][0];
    out[n++] = names[m][1];
  }
  out[n] = '\0';
}
