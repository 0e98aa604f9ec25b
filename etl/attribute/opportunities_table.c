/* Writing opportunities.csv (see opportunities_table.h): the coverage of
 * the outputs picks the rows, link_counts_build the two counts, and
 * opp_row_build the cells, which go through the shared CSV writer (quoting,
 * CRLF, BOM, and the formula guard on every text column). */
#include "etl/attribute/opportunities_table.h"

#include <stdlib.h>

#include "etl/common/csvout.h"
#include "transforms/base/xalloc.h"
#include "transforms/link.h"
#include "transforms/opportunity_row.h"

static void write_cells(struct csv_out *o, const char *const *cells, bool numbers) {
  for (int c = 0; c < OPP_NCOLS; c++) {
    if (numbers && opp_col_is_number((enum opp_col)c))
      csv_out_num(o, cells[c]);
    else
      csv_out_text(o, cells[c]);
  }
  csv_out_end_row(o);
}

int opportunities_table_write(const struct etl_config *cfg, const struct dataset *ds,
                              const struct emit_range *r, int64_t as_of, const char *dir,
                              uint64_t *rows, struct strbuf *err) {
  char *path = xasprintf("%s/%s", dir, TABLE_OPPORTUNITIES);
  struct csv_out *o;
  int rc = csv_out_open(&o, path, false, cfg->excel_bom, err);
  free(path);
  *rows = 0;
  if (rc != 0)
    return -1;
  write_cells(o, opp_col_names, false);

  uint8_t *cover = coverage_build(ds, r);
  struct link_counts lc;
  link_counts_build(&lc, ds, as_of, cfg->lookback_days, cfg->account_based, cover);
  struct opp_row row;
  for (size_t op = 0; op < ds->nopps; op++) {
    if (!cover[op])
      continue;
    opp_row_build(&row, ds, op, &r->pc, lc.people[op], lc.touches[op]);
    write_cells(o, row.cell, true);
  }
  link_counts_release(&lc);
  free(cover);
  *rows = csv_out_rows(o) - 1;
  return csv_out_close(o, err);
}
