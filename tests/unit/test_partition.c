/* A shard's part of a data set (transforms/partition.h) and the channel
 * groups of the whole over it (groups_build_named): for every shard count
 * and with account_based on and off, linking an opportunity in its part
 * gives the same eligible touches (mapped back to the whole), lc_time and
 * window end as in the whole data set; the part keeps the data-set
 * invariants (link_check), holds only the people its opportunities reach
 * (a person of another account stays out), every campaign and cost, the
 * history of its opportunities; the channel ranks equal the whole's. */
#include <stdlib.h>

#include "tests/unit/check.h"
#include "transforms/aggregate.h"
#include "transforms/link.h"
#include "transforms/partition.h"
#include "transforms/base/xalloc.h"

#define DAY 86400
#define T0 1700000000

static struct dataset ds;

static str_id S(const char *s) { return strpool_interns(&ds.strings, s); }

static const char *const channels[] = {"Email", "Events", "Paid", "Zeta"};

/* 12 people (keys p00..p11, in order) over accounts A, B, C and none; each
 * with 0-4 touches; 10 opportunities (o00..o09) on those accounts, linked
 * to some people; 2 campaigns, 2 costs, history rows. Deterministic. */
static void build(void) {
  static const char *const accounts[] = {"A", "B", "C", ""};
  char buf[32];
  dataset_init(&ds);
  ds.ncampaigns = 2;
  ds.campaigns = xcalloc(2, sizeof(*ds.campaigns));
  for (size_t c = 0; c < 2; c++) {
    snprintf(buf, sizeof buf, "c%zu", c);
    ds.campaigns[c].id = S(buf);
    ds.campaigns[c].channel = S(channels[c * 3]); /* Email, Zeta */
  }
  ds.ncosts = 2;
  ds.costs = xcalloc(2, sizeof(*ds.costs));
  ds.costs[0].campaign = 1;
  ds.costs[1].campaign = DS_NONE;
  ds.costs[1].channel = S("Radio"); /* a channel only a cost row has */
  ds.persons = xcalloc(12, sizeof(*ds.persons));
  ds.touches = xcalloc(48, sizeof(*ds.touches));
  for (uint32_t p = 0; p < 12; p++) {
    snprintf(buf, sizeof buf, "p%02u", p);
    ds.persons[p].key = S(buf);
    ds.persons[p].account = S(accounts[p % 4]);
    ds.persons[p].created = T0 + (int64_t)p * DAY;
    for (uint32_t k = 0; k < p % 5; k++) {
      struct ds_touch *t = &ds.touches[ds.ntouches];
      snprintf(buf, sizeof buf, "t%02u_%u", p, k);
      t->touch_id = S(buf);
      t->channel = S(channels[(p + k) % 3]);
      t->person = p;
      t->campaign = k % 2 ? DS_NONE : k / 2 % 2;
      t->time = T0 + (int64_t)(p * 3 + k * 7) * DAY;
      ds.ntouches++;
    }
  }
  ds.npersons = 12;
  ds.opps = xcalloc(10, sizeof(*ds.opps));
  ds.links = xcalloc(20, sizeof(*ds.links));
  ds.history = xcalloc(20, sizeof(*ds.history));
  for (uint32_t o = 0; o < 10; o++) {
    struct ds_opportunity *x = &ds.opps[o];
    snprintf(buf, sizeof buf, "o%02u", o);
    x->id = S(buf);
    x->account = S(accounts[o % 4]);
    x->campaign = DS_NONE;
    x->created = T0 + (int64_t)(o * 5) * DAY;
    x->flags = o % 3 ? DS_OPP_CLOSED : 0;
    x->close_end = T0 + (int64_t)(o * 9 + 30) * DAY;
    if (o % 2 == 0) {
      ds.links[ds.nlinks].opp = o;
      ds.links[ds.nlinks++].person = (o * 5 + 1) % 12;
    }
    for (uint32_t h = 0; h < o % 3; h++) {
      snprintf(buf, sizeof buf, "h%02u_%u", o, h);
      ds.history[ds.nhistory].id = S(buf);
      ds.history[ds.nhistory].opp = o;
      ds.history[ds.nhistory].stage = S("Stage");
      ds.history[ds.nhistory++].created = x->created + h;
    }
  }
  ds.nopps = 10;
}

/* Linking o in the part equals linking its whole index in the whole. */
static void check_links(const struct dataset *part, const struct part_map *map, bool account) {
  struct linkage whole, lk;
  linkage_build(&whole, &ds, T0 + 200 * (int64_t)DAY, 20, account, NULL);
  linkage_build(&lk, part, T0 + 200 * (int64_t)DAY, 20, account, NULL);
  for (size_t o = 0; o < part->nopps; o++) {
    size_t n, nw;
    const uint32_t *t = linkage_touches(&lk, o, &n);
    const uint32_t *tw = linkage_touches(&whole, map->opp[o], &nw);
    CHECK_I64(n, nw);
    for (size_t i = 0; i < n && i < nw; i++)
      CHECK_I64(map->touch[t[i]], tw[i]);
    CHECK_I64(lk.lc_time[o], whole.lc_time[map->opp[o]]);
    CHECK_I64(lk.end[o], whole.end[map->opp[o]]);
  }
  linkage_release(&whole);
  linkage_release(&lk);
}

/* The part's records are the whole's, in order, with the same text. */
static void check_part(const struct dataset *part, const struct part_map *map, size_t first,
                       size_t end, const struct groups *gw) {
  const char *why = NULL;
  CHECK(link_check(part, &why) == 0);
  CHECK_I64(part->nopps, end - first);
  CHECK_I64(part->ncampaigns, ds.ncampaigns);
  CHECK_I64(part->ncosts, ds.ncosts);
  for (size_t o = 0; o < part->nopps; o++) {
    CHECK_I64(map->opp[o], first + o);
    CHECK_STR(ds_str(part, part->opps[o].id), ds_str(&ds, ds.opps[first + o].id));
  }
  for (size_t t = 0; t < part->ntouches; t++) {
    const struct ds_touch *a = &part->touches[t], *b = &ds.touches[map->touch[t]];
    CHECK_STR(ds_str(part, a->touch_id), ds_str(&ds, b->touch_id));
    CHECK_STR(ds_str(part, part->persons[a->person].key), ds_str(&ds, ds.persons[b->person].key));
  }
  size_t nh = 0;
  for (size_t h = 0; h < ds.nhistory; h++)
    nh += ds.history[h].opp >= first && ds.history[h].opp < end;
  CHECK_I64(part->nhistory, nh);
  struct groups g;
  CHECK(groups_build_named(&g, part, gw->chan_names, gw->nchannels) == 0);
  CHECK_I64(g.chan_unattributed, gw->chan_unattributed);
  for (size_t t = 0; t < part->ntouches; t++)
    CHECK_I64(g.touch_chan[t], gw->touch_chan[map->touch[t]]);
  for (size_t i = 0; i < part->ncosts; i++)
    CHECK_I64(g.cost_chan[i], gw->cost_chan[i]);
  groups_release(&g);
}

static void check_cuts(bool account) {
  struct part_index ix;
  struct groups gw;
  groups_build(&gw, &ds);
  part_index_build(&ix, &ds, account);
  for (unsigned n = 1; n <= 11; n++) {
    size_t total = 0;
    for (unsigned i = 0; i < n; i++) {
      struct dataset part;
      struct part_map map;
      size_t first = ds.nopps * i / n, end = ds.nopps * (i + 1) / n;
      dataset_cut(&part, &map, &ix, first, end);
      check_part(&part, &map, first, end, &gw);
      check_links(&part, &map, account);
      total += part.nopps;
      dataset_release(&part);
      part_map_release(&map);
    }
    CHECK_I64(total, ds.nopps);
  }
  part_index_release(&ix);
  groups_release(&gw);
}

/* Who is in the part of o02 (account C) alone. */
static void check_people(void) {
  struct part_index ix;
  struct dataset part;
  struct part_map map;
  part_index_build(&ix, &ds, false);
  dataset_cut(&part, &map, &ix, 2, 3); /* o02: linked to p11 only */
  CHECK_I64(part.npersons, 1);
  CHECK_STR(ds_str(&part, part.persons[0].key), "p11");
  dataset_release(&part);
  part_map_release(&map);
  part_index_release(&ix);
  part_index_build(&ix, &ds, true);
  dataset_cut(&part, &map, &ix, 2, 3); /* + every person of account C */
  CHECK_I64(part.npersons, 4); /* p02, p06, p10 of account C, and p11 */
  CHECK_STR(ds_str(&part, part.persons[0].key), "p02");
  CHECK_STR(ds_str(&part, part.persons[1].key), "p06");
  CHECK_STR(ds_str(&part, part.persons[2].key), "p10");
  CHECK_STR(ds_str(&part, part.persons[3].key), "p11");
  dataset_release(&part);
  part_map_release(&map);
  part_index_release(&ix);
}

/* Names lacking a channel of the data set, or unsorted: refused. */
static void check_named_refusals(void) {
  static const char *const lacking[] = {"(unattributed)", "Email", "Paid", "Radio", "Zeta"};
  static const char *const unsorted[] = {"(unattributed)", "Events", "Email", "Paid", "Radio",
                                         "Zeta"};
  struct groups g;
  CHECK(groups_build_named(&g, &ds, lacking, 5) == -1);
  groups_release(&g);
  CHECK(groups_build_named(&g, &ds, unsorted, 6) == -1);
  groups_release(&g);
}

int main(void) {
  build();
  check_cuts(false);
  check_cuts(true);
  check_people();
  check_named_refusals();
  dataset_release(&ds);
  return check_exit();
}
