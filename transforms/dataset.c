/* Lifetime of the normalized data set (see dataset.h). */
#include "transforms/dataset.h"

#include <stdlib.h>
#include <string.h>

void dataset_init(struct dataset *ds) {
  memset(ds, 0, sizeof(*ds));
  strpool_init(&ds->strings);
}

void dataset_release(struct dataset *ds) {
  strpool_release(&ds->strings);
  free(ds->campaigns);
  free(ds->persons);
  free(ds->touches);
  free(ds->opps);
  free(ds->links);
  free(ds->costs);
  free(ds->history);
  memset(ds, 0, sizeof(*ds));
}
