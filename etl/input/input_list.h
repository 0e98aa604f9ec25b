/* Every file a run's inputs name, in one list: what the [input] keys and
 * the CRM export resolve to (input_set.h), key by key in the order
 * etl-normalize reads them (fx_rates, crm, ma_leads, ma_activities, costs),
 * each key's files in their reading order. A CRM export part (an archive or
 * a directory) is one entry. The list numbers the tasks of a split run
 * (docs/scale-out.md): task I of etl-split splits entry I, and the driver
 * submits one task per entry. */
#ifndef ATTR_INPUT_LIST_H
#define ATTR_INPUT_LIST_H

#include <stdbool.h>
#include <stddef.h>

#include "etl/common/config.h"
#include "transforms/base/strbuf.h"

struct input_list_file {
  const char *key; /* the [input] key (static) */
  char *path;      /* as input_set_resolve gives it; owned */
  bool crm;        /* a CRM export part */
};

struct input_list {
  struct input_list_file *files;
  size_t n;
};

/* Resolves every configured input. 0, or -1 with the message of the first
 * input that does not resolve (as etl-normalize would report it); l must
 * be released either way. */
int input_list_resolve(struct input_list *l, const struct etl_config *conf, struct strbuf *err);
void input_list_release(struct input_list *l);

#endif
