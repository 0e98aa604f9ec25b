/* Reading, writing and dumping the intermediate data set (see
 * dataset_io.h). The arrays are written as they are in memory; the header
 * records the struct sizes so that a file from a different build is refused
 * instead of misread. */
#include "etl/common/dataset_io.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "etl/common/config.h"
#include "transforms/base/calendar.h"
#include "transforms/base/xalloc.h"

#define DS_MAGIC "ATTRDS01"
#define DS_VERSION 3u /* 2: opportunity stage and lead source, history; 3: touch kinds as names */
#define DS_NARRAYS 7
#define DS_NSECTIONS (DS_NARRAYS + 1)

struct ds_header {
  char magic[8];
  uint32_t version;
  uint32_t sizes[DS_NARRAYS];
  uint64_t counts[DS_NSECTIONS]; /* strings bytes, then the arrays */
};

static void fill_sizes(uint32_t sizes[DS_NARRAYS]) {
  sizes[0] = sizeof(struct ds_campaign);
  sizes[1] = sizeof(struct ds_person);
  sizes[2] = sizeof(struct ds_touch);
  sizes[3] = sizeof(struct ds_opportunity);
  sizes[4] = sizeof(struct ds_link);
  sizes[5] = sizeof(struct ds_cost);
  sizes[6] = sizeof(struct ds_history);
}

int dataset_write(const struct dataset *ds, const char *path, struct strbuf *err) {
  FILE *f = fopen(path, "wb");
  if (!f) {
    strbuf_addf(err, "%s: %s", path, strerror(errno));
    return -1;
  }
  struct ds_header h;
  memset(&h, 0, sizeof(h));
  memcpy(h.magic, DS_MAGIC, 8);
  h.version = DS_VERSION;
  fill_sizes(h.sizes);
  uint64_t counts[DS_NSECTIONS] = {ds->strings.len, ds->ncampaigns, ds->npersons,
                                   ds->ntouches,     ds->nopps,      ds->nlinks,
                                   ds->ncosts,       ds->nhistory};
  memcpy(h.counts, counts, sizeof(counts));
  const void *data[DS_NSECTIONS] = {ds->strings.blob, ds->campaigns, ds->persons, ds->touches,
                                    ds->opps,         ds->links,     ds->costs,   ds->history};
  size_t elem[DS_NSECTIONS] = {1,          h.sizes[0], h.sizes[1], h.sizes[2],
                               h.sizes[3], h.sizes[4], h.sizes[5], h.sizes[6]};
  int ok = fwrite(&h, sizeof(h), 1, f) == 1;
  for (int i = 0; ok && i < DS_NSECTIONS; i++)
    if (counts[i])
      ok = fwrite(data[i], elem[i], counts[i], f) == counts[i];
  if (fflush(f) != 0)
    ok = 0;
  int saved = errno;
  if (fclose(f) != 0)
    ok = 0;
  if (!ok) {
    strbuf_addf(err, "%s: %s", path, strerror(saved ? saved : EIO));
    return -1;
  }
  return 0;
}

/* Asks for transparent huge pages over the whole pages of a large array
 * about to be filled: reading the data set into 4 KiB pages took one page
 * fault per page (a fifth of a backfill's etl-attribute on the large
 * benchmark, in a virtual machine where faults are dear). Advisory: a
 * kernel without THP, or with it off, just says no. */
static void huge_pages(void *p, size_t bytes) {
  const size_t huge = (size_t)2 << 20;
  if (bytes < 2 * huge)
    return;
  uintptr_t start = ((uintptr_t)p + huge - 1) & ~(uintptr_t)(huge - 1);
  uintptr_t end = ((uintptr_t)p + bytes) & ~(uintptr_t)(huge - 1);
  if (end > start)
    (void)madvise((void *)start, end - start, MADV_HUGEPAGE);
}

static void *read_array(FILE *f, uint64_t count, size_t elem, int *ok) {
  if (!*ok || count == 0)
    return NULL;
  if (count > SIZE_MAX / elem) {
    *ok = 0;
    return NULL;
  }
  size_t bytes = (size_t)count * elem;
  void *p = xmalloc(bytes);
  huge_pages(p, bytes);
  if (fread(p, elem, (size_t)count, f) != count)
    *ok = 0;
  return p;
}

int dataset_read(struct dataset *ds, const char *path, struct strbuf *err) {
  memset(ds, 0, sizeof(*ds));
  FILE *f = fopen(path, "rb");
  if (!f) {
    strpool_init(&ds->strings);
    strbuf_addf(err, "%s: %s", path, strerror(errno));
    return -1;
  }
  struct ds_header h;
  uint32_t sizes[DS_NARRAYS];
  fill_sizes(sizes);
  int ok = fread(&h, sizeof(h), 1, f) == 1 && memcmp(h.magic, DS_MAGIC, 8) == 0 &&
           h.version == DS_VERSION && memcmp(h.sizes, sizes, sizeof(sizes)) == 0 &&
           h.counts[0] >= 1 && h.counts[0] <= UINT32_MAX;
  char *blob = read_array(f, ok ? h.counts[0] : 0, 1, &ok);
  ds->campaigns = read_array(f, h.counts[1], sizes[0], &ok);
  ds->persons = read_array(f, h.counts[2], sizes[1], &ok);
  ds->touches = read_array(f, h.counts[3], sizes[2], &ok);
  ds->opps = read_array(f, h.counts[4], sizes[3], &ok);
  ds->links = read_array(f, h.counts[5], sizes[4], &ok);
  ds->costs = read_array(f, h.counts[6], sizes[5], &ok);
  ds->history = read_array(f, h.counts[7], sizes[6], &ok);
  fclose(f);
  if (ok && blob[h.counts[0] - 1] != '\0')
    ok = 0;
  if (!ok) {
    free(blob);
    dataset_release(ds);
    strpool_init(&ds->strings);
    strbuf_addf(err, "%s: not a data set written by this version of etl-normalize", path);
    return -1;
  }
  strpool_adopt(&ds->strings, blob, h.counts[0]);
  ds->ncampaigns = h.counts[1];
  ds->npersons = h.counts[2];
  ds->ntouches = h.counts[3];
  ds->nopps = h.counts[4];
  ds->nlinks = h.counts[5];
  ds->ncosts = h.counts[6];
  ds->nhistory = h.counts[7];
  return 0;
}

static void dump_day(FILE *out, int32_t day) {
  char buf[16];
  if (day == DS_NO_DAY) {
    fputs("-", out);
    return;
  }
  cal_format_date(day, buf);
  fputs(buf, out);
}

static void dump_ts(FILE *out, int64_t t) {
  char buf[32];
  cal_format_ts(t, buf);
  fputs(buf, out);
}

/* Free text with its line breaks and tabs escaped, so that one record stays
 * one line ("Expansion\nPhase 2"). */
static void dump_text(FILE *out, const char *s) {
  for (; *s; s++) {
    if (*s == '\n')
      fputs("\\n", out);
    else if (*s == '\r')
      fputs("\\r", out);
    else if (*s == '\t')
      fputs("\\t", out);
    else if (*s == '\\')
      fputs("\\\\", out);
    else
      fputc(*s, out);
  }
}

void dataset_dump(const struct dataset *ds, FILE *out) {
  fprintf(out, "# campaigns %zu\n", ds->ncampaigns);
  for (size_t i = 0; i < ds->ncampaigns; i++) {
    const struct ds_campaign *c = &ds->campaigns[i];
    fprintf(out, "campaign\t%s\t%s\t%s\tchannel=%s\tcost=%" PRId64 "\t", ds_str(ds, c->id),
            ds_str(ds, c->name), ds_str(ds, c->type), ds_str(ds, c->channel), c->cost_cents);
    dump_day(out, c->cost_start);
    fputs("..", out);
    dump_day(out, c->cost_end);
    fputc('\n', out);
  }
  static const char *const origins[] = {"contact", "lead", "ma"};
  fprintf(out, "# persons %zu\n", ds->npersons);
  for (size_t i = 0; i < ds->npersons; i++) {
    const struct ds_person *p = &ds->persons[i];
    fprintf(out, "person\t%s\t%s\taccount=%s\tlead_source=%s\tcreated=", ds_str(ds, p->key),
            p->origin < 3 ? origins[p->origin] : "?", ds_str(ds, p->account),
            ds_str(ds, p->lead_source));
    dump_ts(out, p->created);
    fputc('\n', out);
  }
  fprintf(out, "# touches %zu\n", ds->ntouches);
  for (size_t i = 0; i < ds->ntouches; i++) {
    const struct ds_touch *t = &ds->touches[i];
    fprintf(out, "touch\t%s\t%s\t", ds_str(ds, t->touch_id), ds_str(ds, ds->persons[t->person].key));
    dump_ts(out, t->time);
    fprintf(out, "\t%s\tcampaign=%s\tchannel=%s\n", ds_str(ds, t->kind),
            t->campaign == DS_NONE ? "" : ds_str(ds, ds->campaigns[t->campaign].id),
            ds_str(ds, t->channel));
  }
  fprintf(out, "# opportunities %zu\n", ds->nopps);
  for (size_t i = 0; i < ds->nopps; i++) {
    const struct ds_opportunity *o = &ds->opps[i];
    fprintf(out, "opportunity\t%s\taccount=%s\tcreated=", ds_str(ds, o->id), ds_str(ds, o->account));
    dump_ts(out, o->created);
    fputs("\tclose=", out);
    dump_day(out, o->close_day);
    fprintf(out, "\t%s%s\tpipeline=%" PRId64 "\trevenue=%" PRId64 "\tcampaign=%s\n",
            o->flags & DS_OPP_CLOSED ? "closed" : "open", o->flags & DS_OPP_WON ? ",won" : "",
            o->pipeline_cents, o->revenue_cents,
            o->campaign == DS_NONE ? "" : ds_str(ds, ds->campaigns[o->campaign].id));
  }
  fprintf(out, "# links %zu\n", ds->nlinks);
  for (size_t i = 0; i < ds->nlinks; i++)
    fprintf(out, "link\t%s\t%s\n", ds_str(ds, ds->opps[ds->links[i].opp].id),
            ds_str(ds, ds->persons[ds->links[i].person].key));
  fprintf(out, "# costs %zu\n", ds->ncosts);
  for (size_t i = 0; i < ds->ncosts; i++) {
    const struct ds_cost *c = &ds->costs[i];
    fputs("cost\t", out);
    dump_day(out, c->day);
    fprintf(out, "\tcampaign=%s\tchannel=%s\t%" PRId64 "\n",
            c->campaign == DS_NONE ? "" : ds_str(ds, ds->campaigns[c->campaign].id),
            ds_str(ds, c->channel), c->cents);
  }
  /* Added with opportunities.csv, after the older sections so that their
   * text stays as it was: each deal's amount in its own currency and name. */
  fprintf(out, "# opportunity amounts %zu\n", ds->nopps);
  for (size_t i = 0; i < ds->nopps; i++) {
    const struct ds_opportunity *o = &ds->opps[i];
    fprintf(out, "opportunity_amount\t%s\tamount=%" PRId64 " %s\tname=", ds_str(ds, o->id),
            o->amount_cents, ds_str(ds, o->currency));
    dump_text(out, ds_str(ds, o->name));
    fputc('\n', out);
  }
  /* Added with the funnel, after the older sections so that their text
   * stays as it was. */
  fprintf(out, "# opportunity stages %zu\n", ds->nopps);
  for (size_t i = 0; i < ds->nopps; i++)
    fprintf(out, "opportunity_stage\t%s\tstage=%s\tlead_source=%s\n", ds_str(ds, ds->opps[i].id),
            ds_str(ds, ds->opps[i].stage), ds_str(ds, ds->opps[i].lead_source));
  fprintf(out, "# history %zu\n", ds->nhistory);
  for (size_t i = 0; i < ds->nhistory; i++) {
    const struct ds_history *hr = &ds->history[i];
    fprintf(out, "history\t%s\t%s\t", ds_str(ds, hr->id), ds_str(ds, ds->opps[hr->opp].id));
    if (hr->created == DS_NO_TIME)
      fputs("-", out);
    else
      dump_ts(out, hr->created);
    fprintf(out, "\tstage=%s\n", ds_str(ds, hr->stage));
  }
}
