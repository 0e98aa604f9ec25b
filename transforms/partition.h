/* Cutting a data set down to what one attribution shard needs (docs/
 * scale-out.md): the shard's opportunities, the people linking can reach
 * from them, those people's touches, the opportunities' stage history, and
 * what every shard needs whole (campaigns and costs). A shard that reads
 * its part instead of the whole data set links and credits exactly as it
 * would have on the whole, so the bytes each shard reads fall as shards
 * grow.
 *
 * The people of opportunity O are those link.h would consider: O's links
 * (contact roles, converted leads) and, with account_based, every person
 * whose account is O's non-empty AccountId. Every touch of those people is
 * kept (linking then applies the time window itself).
 *
 * The part keeps the invariants of dataset.h: every array is a subsequence
 * of the whole one in the same order, with indices renumbered (campaign
 * indices unchanged, campaigns being whole); its strings live in its own
 * pool. The map gives, per part opportunity and touch, its index in the
 * whole data set, which is what the shard's results must name. */
#ifndef ATTR_PARTITION_H
#define ATTR_PARTITION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "transforms/dataset.h"
#include "transforms/link.h"

/* Indices over the whole data set, built once for all parts. Borrows ds. */
struct part_index {
  const struct dataset *ds;
  bool account_based;
  struct link_index link; /* linking's own indices: the same people reached */
  size_t *hist_first;      /* nopps + 1 offsets into ds->history */
  uint8_t *mark;           /* scratch: npersons flags */
};
void part_index_build(struct part_index *ix, const struct dataset *ds, bool account_based);
void part_index_release(struct part_index *ix);

/* Per part record, its index in the whole data set. */
struct part_map {
  uint32_t *opp;   /* nopps entries of the part */
  uint32_t *touch; /* ntouches entries of the part */
  size_t nopps, ntouches;
};
void part_map_release(struct part_map *m);

/* Builds into part (initialized here; release with dataset_release) the
 * part of ix->ds holding the opportunities [first, end) (end <= nopps),
 * and its map (overwritten; release with part_map_release). */
void dataset_cut(struct dataset *part, struct part_map *map, struct part_index *ix, size_t first,
                 size_t end);

#endif
