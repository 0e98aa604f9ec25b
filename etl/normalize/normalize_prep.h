/* The part of an activity's rules that needs nothing but its own row: the
 * JSON attributes of a configured type parsed, its UTM parameters decoded,
 * its referrer host and campaign key. With etl-normalize --jobs > 1 it runs
 * on the reader's parsing thread (etl_row_prep, etl/input/reader.h), one
 * batch of rows ahead of the row rules, so that on two cores the main
 * thread is left with the lookups. The main thread uses a prepared row
 * exactly where it would have computed the same values; a row whose cells
 * the input layer changes (invalid UTF-8) is not prepared and takes the
 * ordinary path, so the outputs are the same for every --jobs. */
#ifndef ATTR_NORMALIZE_PREP_H
#define ATTR_NORMALIZE_PREP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "etl/common/config.h"
#include "etl/input/reader.h"

/* A prepared activity, decoded from the record's prep bytes. The strings
 * point into those bytes (valid as long as the record). */
struct act_prep {
  int type_index;  /* etl_config_ma_kind of the row's type */
  const char *why; /* attributes rejected: the reason (a static string); NULL: parsed */
  const char *source, *medium, *campaign, *host, *key;
  size_t source_len, medium_len, campaign_len, host_len, key_len;
};

/* The prep of the ma_activities input, over conf (which must outlive every
 * reader using it). */
void act_prep_init(struct etl_row_prep *p, const struct etl_config *conf);
/* Decodes a record's prep bytes: true and *out, or false when there are
 * none (the row takes the ordinary path). */
bool act_prep_decode(const char *prep, size_t len, struct act_prep *out);

#endif
