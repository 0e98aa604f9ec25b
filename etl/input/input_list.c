/* The files of a run's inputs (see input_list.h). */
#include "etl/input/input_list.h"

#include <stdlib.h>
#include <string.h>

#include "etl/input/input_set.h"
#include "transforms/base/xalloc.h"

static int add_key(struct input_list *l, size_t *cap, const char *key, const char *path,
                   bool crm, struct strbuf *err) {
  if (!path)
    return 0;
  struct input_set set;
  int rc = input_set_resolve(&set, key, path, crm, err);
  for (size_t i = 0; rc == 0 && i < set.n; i++) {
    XGROW(l->files, *cap, l->n + 1);
    l->files[l->n].key = key;
    l->files[l->n].path = set.paths[i]; /* handed over */
    l->files[l->n].crm = crm;
    l->n++;
  }
  if (rc == 0)
    set.n = 0;
  input_set_release(&set);
  return rc;
}

int input_list_resolve(struct input_list *l, const struct etl_config *conf, struct strbuf *err) {
  size_t cap = 0;
  memset(l, 0, sizeof(*l));
  if (add_key(l, &cap, "fx_rates", conf->fx_rates, false, err) != 0 ||
      add_key(l, &cap, "crm", conf->crm, true, err) != 0 ||
      add_key(l, &cap, "ma_leads", conf->ma_leads, false, err) != 0 ||
      add_key(l, &cap, "ma_activities", conf->ma_activities, false, err) != 0 ||
      add_key(l, &cap, "costs", conf->costs, false, err) != 0)
    return -1;
  return 0;
}

void input_list_release(struct input_list *l) {
  for (size_t i = 0; i < l->n; i++)
    free(l->files[i].path);
  free(l->files);
  memset(l, 0, sizeof(*l));
}
