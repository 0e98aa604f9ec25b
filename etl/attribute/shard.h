/* Sharded attribution (README "Running on a cluster"): which opportunities
 * a shard takes, and the partial results a shard writes for etl-merge.
 *
 * Shard i of n takes the opportunities [i*nopps/n, (i+1)*nopps/n) of the
 * data set (sorted by id). Every shard reads the whole data set, so a
 * person's touches reach every shard holding an opportunity they count for
 * (that is the "routing"): linking and the models of one opportunity never
 * look at another, which makes the shards independent. A shard writes into
 * its partial folder:
 *   credits-<m>.bin  the touch_credits rows of model m (config order) over
 *                    its opportunities, in output order, as credit records
 *   fit.bin          with a data-driven model (markov, shapley): the fit the
 *                    shard computed from the whole data set (every shard
 *                    computes the same one; etl-merge checks that they
 *                    agree and writes model_fit.csv from it)
 *   sums.bin         written last: a header naming the shard and the run,
 *                    then per model the reconciliation counts, the number of
 *                    credit records and the campaign and channel cells
 *                    (period, rank, opportunities and won as raw FIX18
 *                    sums, pipeline, revenue)
 * All integers little-endian. Every sum is an integer, so etl-merge adds
 * the shards in any order and gets exactly the unsharded sums; the rows of
 * touch_credits are the shards' records concatenated model by model, shard
 * by shard, which is the unsharded order because shards are contiguous. */
#ifndef ATTR_SHARD_H
#define ATTR_SHARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "etl/common/config.h"
#include "transforms/aggregate.h"
#include "transforms/base/strbuf.h"
#include "transforms/datadriven.h"

#define SHARD_MAX 1000
#define SHARD_SUMS "sums.bin"
#define SHARD_FIT "fit.bin"

/* Parses "I/N" with 0 <= I < N <= SHARD_MAX, digits only. 0 or -1. */
int shard_parse(const char *s, unsigned *i, unsigned *n);

/* The opportunities [*first, *end) of shard i of n. */
void shard_span(size_t nopps, unsigned i, unsigned n, size_t *first, size_t *end);

/* "DIR/credits-<m>.bin" (caller frees). */
char *shard_credits_path(const char *dir, size_t model);

/* Identifies the run a partial belongs to; etl-merge refuses a partial
 * whose header differs from its own (other than the shard index). */
struct shard_header {
  uint32_t shard, nshards, nmodels;
  uint64_t nopps, ntouches, ncampaigns, npersons;
  uint64_t config_tag; /* shard_config_tag */
  int64_t as_of;
  char range[32]; /* range_name */
};

/* A digest of what changes the credits: model names and kinds, weights,
 * lookback, half-life, account_based. */
uint64_t shard_config_tag(const struct etl_config *cfg);

/* One touch_credits row before formatting. */
struct credit_rec {
  uint32_t opp;      /* opportunity index */
  uint32_t touch;    /* touch index, or DS_NONE (primary_campaign) */
  uint32_t campaign; /* primary_campaign's campaign; DS_NONE for touch rows */
  uint8_t flags;     /* milestones */
  int64_t pip, rev;  /* credited cents */
  char weight[64];   /* the weight as printed */
};

/* Writing credit records to a file (buffered; errors reported by close). */
struct shard_out;
int shard_out_open(struct shard_out **o, const char *path, struct strbuf *err);
void shard_out_credit(struct shard_out *o, const struct credit_rec *r);
/* Flushes, closes and frees; 0 or -1 with err. NULL is a no-op. */
int shard_out_close(struct shard_out *o, struct strbuf *err);

/* Reading them back. */
struct shard_in;
int shard_in_open(struct shard_in **in, const char *path, struct strbuf *err);
/* 1 with *r filled, 0 at the end, -1 with err on a truncated record or a
 * weight too long. */
int shard_in_credit(struct shard_in *in, struct credit_rec *r, struct strbuf *err);
void shard_in_close(struct shard_in *in);

/* Writes dir/sums.bin (through a temporary name and a rename, so that it
 * exists only complete): hdr, then per model of sums[0..hdr->nmodels) its
 * recon, credit_rows[m] and cells. 0 or -1 with err. */
int shard_sums_write(const char *dir, const struct shard_header *hdr,
                     const struct model_sums *sums, const uint64_t *credit_rows,
                     struct strbuf *err);

/* Reads dir/sums.bin, checks its header against want (want->shard
 * included), and adds its sums into sums[0..nmodels) (initialized by the
 * caller) and its credit record counts into credit_rows. Cells must lie in
 * the range (period < nperiods) and groups (rank < ncamp/nchan). 0 or -1
 * with err. */
int shard_sums_read(const char *dir, const struct shard_header *want, size_t nperiods,
                    size_t ncamp, size_t nchan, struct model_sums *sums, uint64_t *credit_rows,
                    struct strbuf *err);

/* Writes dir/fit.bin: the counts, p and every slot's counts, RE and phi
 * (doubles as their bits, so the merge gets exactly what the shard used).
 * 0 or -1 with err. */
int shard_fit_write(const char *dir, const struct dd_fit *fit, struct strbuf *err);

/* Reads dir/fit.bin into fit (initialized here; release with
 * dd_fit_release whatever the result), checking that it has nchan slots
 * and finite values. 0 or -1 with err. */
int shard_fit_read(const char *dir, size_t nchan, struct dd_fit *fit, struct strbuf *err);

#endif
