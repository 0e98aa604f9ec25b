/* etl-normalize --from-split (docs/scale-out.md): the inputs come from the
 * pre-split files etl-split wrote, one per input file, instead of from the
 * files themselves. Only where a file is opened changes: each file part of
 * an input table replays its pre-split file, and each CRM export part is a
 * container replayed from its own; the row rules, the reject log and the
 * outputs are those of a plain run. */
#include "etl/normalize/normalize.h"

void norm_presplit_part(const struct norm_state *st, struct input_part *part) {
  if (!st->presplit || part->kind != INPUT_PART_FILE)
    return;
  part->kind = INPUT_PART_PRESPLIT;
  part->presplit = presplit_index_find(st->presplit, false, part->path);
}

int norm_container_open(const struct norm_state *st, const char *path,
                        const struct etl_input_opts *o, struct etl_container **out,
                        struct strbuf *err) {
  if (!st->presplit)
    return etl_container_open(out, path, o, err);
  return etl_container_open_presplit(out, presplit_index_find(st->presplit, true, path), path, o,
                                     err);
}
