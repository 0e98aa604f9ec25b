/* Linking people to opportunities (contract §3.3) and each opportunity's
 * eligible touches. Built once per run and then read, concurrently, by every
 * model: for each selected opportunity the ordered list of its eligible
 * touches (indices into ds->touches), its lc_time (§4 "LC") and the end of
 * its window, min(end(O), as_of), which is also time_decay's reference time.
 *
 * The people linked to O are the dataset's links of O (contact roles and
 * converted leads) plus, with account_based, every person whose account is
 * O's AccountId (an empty AccountId links nobody). A person linked twice
 * counts once, so each touch does. Eligible touches are those of linked
 * people with created - lookback_days*86400 <= time <= min(end(O), as_of),
 * end(O) = close_end if O is closed, else as_of; ordered by (time, touch_id
 * bytewise). Relies on the dataset invariants of dataset.h (touches sorted by
 * person, then time; links sorted by opportunity). */
#ifndef ATTR_LINK_H
#define ATTR_LINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "transforms/dataset.h"

#define LINK_NO_LC_TIME INT64_MIN /* lc_time of an opportunity without people */

struct linkage {
  size_t nopps;
  size_t *off;       /* nopps + 1 offsets into touch */
  uint32_t *touch;   /* eligible touch indices, per opportunity in touch order */
  int64_t *lc_time;  /* earliest person.created among linked people */
  int64_t *end;      /* min(end(O), as_of): window end and time_decay reference */
  size_t ntouch;     /* entries in touch */
};

/* Indices linking builds once over a data set, shared with the cut of a
 * sharded run (partition.h), so that both reach exactly the same people. */
struct link_index {
  uint32_t *person_first; /* npersons + 1 offsets into ds->touches */
  size_t *link_first;     /* nopps + 1 offsets into ds->links */
  uint32_t *by_account;   /* account_based: persons with an account, sorted by
                             (account, index); else NULL */
  size_t nby_account;
};
void link_index_build(struct link_index *ix, const struct dataset *ds, bool account_based);
void link_index_release(struct link_index *ix);
/* The people whose account is acct (non-empty): by_account[*first, *end). */
void link_index_account(const struct link_index *ix, const struct dataset *ds, const char *acct,
                        size_t *first, size_t *end);

/* Checks what linking and the tables rely on in a data set read from disk:
 * every index and string id in range, touches grouped by person in time
 * order, links grouped by opportunity. Returns 0, or -1 with a static
 * reason in *why ("touch refers to an unknown person"). */
int link_check(const struct dataset *ds, const char **why);

/* Links the opportunities of ds. select (may be NULL = all) marks the
 * opportunities to link; the others get no touches (lc_time and end are
 * still filled). The result owns its arrays: release with linkage_release. */
void linkage_build(struct linkage *lk, const struct dataset *ds, int64_t as_of,
                   int64_t lookback_days, bool account_based, const uint8_t *select);
void linkage_release(struct linkage *lk);

/* The counts opportunities.csv shows per opportunity: the people linked to
 * it and its eligible touches, by the rules above (account linking
 * included), without the touch lists. Only the opportunities select marks
 * (NULL = all) are counted; the others get 0. */
struct link_counts {
  size_t nopps;
  uint32_t *people;  /* nopps entries */
  uint32_t *touches; /* nopps entries; = the length of linkage_touches */
};
/* Fills lc (overwritten; release with link_counts_release). */
void link_counts_build(struct link_counts *lc, const struct dataset *ds, int64_t as_of,
                       int64_t lookback_days, bool account_based, const uint8_t *select);
void link_counts_release(struct link_counts *lc);

/* Eligible touches of opportunity o: *n entries. */
static inline const uint32_t *linkage_touches(const struct linkage *lk, size_t o, size_t *n) {
  *n = lk->off[o + 1] - lk->off[o];
  return lk->touch + lk->off[o];
}

#endif
