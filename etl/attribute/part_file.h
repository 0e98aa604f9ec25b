/* A shard's part of the data set on disk (docs/scale-out.md), written by
 * etl-partition into PARTS (WORK/parts in a run) and read by
 * `etl-attribute --parts PARTS --shard I/N`:
 *   PARTS/I/dataset.bin  the part itself (transforms/partition.h), in the
 *                        format of etl-normalize's data set
 *   PARTS/I/part.bin     what the part cannot know of the whole: the run it
 *                        was cut for (shard, as_of, config tag, range), the
 *                        whole data set's counts and channel names, and the
 *                        whole-data-set index of each of its opportunities
 *                        and touches
 *   PARTS/fit.bin        with markov or shapley: their fit, learned once
 *                        from the whole data set (the format of a shard's
 *                        fit.bin, etl/attribute/shard.h)
 * part.bin is the header below followed by the channel names (each ended
 * by a NUL) and the two index arrays, in native byte order like
 * dataset.bin (written and read on the same cluster). */
#ifndef ATTR_PART_FILE_H
#define ATTR_PART_FILE_H

#include <stddef.h>
#include <stdint.h>

#include "transforms/base/strbuf.h"

#define PART_DATASET "dataset.bin"
#define PART_META "part.bin"

struct part_meta {
  uint32_t shard, nshards;
  uint64_t nopps, ntouches, ncampaigns, npersons; /* of the whole data set */
  uint64_t config_tag;                            /* shard_config_tag */
  int64_t as_of;
  int32_t first_day, last_day; /* the emitted range (emit_range) */
  size_t nchan;
  const char **names; /* nchan channel names, bytewise order (point into blob) */
  char *blob;
  size_t blob_len;
  uint32_t *opp, *touch; /* per part opportunity / touch: its whole index */
  size_t part_nopps, part_ntouches;
};

/* "PARTS/I/NAME" (caller frees). */
char *part_path(const char *parts, unsigned shard, const char *name);

/* Writes m to path; names[0..nchan) are copied from m->names (blob unused).
 * 0, or -1 with err. */
int part_meta_write(const char *path, const struct part_meta *m, struct strbuf *err);

/* Reads path into m (zeroed here; release with part_meta_release whatever
 * the result), checking its structure: the indices ascending and within
 * the whole counts, the names sorted and unique. 0, or -1 with err. */
int part_meta_read(const char *path, struct part_meta *m, struct strbuf *err);
void part_meta_release(struct part_meta *m);

#endif
