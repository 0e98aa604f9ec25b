/* Group sums of the attribution tables (see aggregate.h): the emitted
 * range, the group dictionaries, a small open-addressing map from
 * (period, group rank) to sums, and the loops that fill it. */
#include "transforms/aggregate.h"

#include <stdlib.h>
#include <string.h>

#include "transforms/base/calendar.h"
#include "transforms/credit.h"
#include "transforms/base/xalloc.h"

/* --- Range ------------------------------------------------------------- */

struct earliest {
  int32_t day;
};

static void earliest_note(struct earliest *e, int32_t day) {
  if (day != DS_NO_DAY && (e->day == DS_NO_DAY || day < e->day))
    e->day = day;
}

static void earliest_share(void *ctx, int32_t start, int64_t share) {
  if (share != 0)
    earliest_note(ctx, start);
}

static int32_t day_of(int64_t t) { return (int32_t)cal_day_of(t); }

/* A campaign's cost span, or false when its cost is not counted. */
static bool campaign_span(const struct ds_campaign *c, int32_t *start, int32_t *end) {
  if (c->cost_start == DS_NO_DAY || c->cost_cents == 0)
    return false;
  *start = c->cost_start;
  *end = c->cost_end >= c->cost_start ? c->cost_end : c->cost_start;
  return true;
}

int32_t range_data_start(const struct dataset *ds, const struct period_cfg *pc) {
  struct earliest e = {DS_NO_DAY};
  int32_t start, end;
  for (size_t t = 0; t < ds->ntouches; t++)
    earliest_note(&e, day_of(ds->touches[t].time));
  for (size_t o = 0; o < ds->nopps; o++) {
    earliest_note(&e, day_of(ds->opps[o].created));
    if (ds->opps[o].flags & DS_OPP_WON)
      earliest_note(&e, ds->opps[o].close_day);
  }
  for (size_t c = 0; c < ds->ncampaigns; c++)
    if (campaign_span(&ds->campaigns[c], &start, &end))
      cost_spread(ds->campaigns[c].cost_cents, start, end, pc, earliest_share, &e);
  for (size_t i = 0; i < ds->ncosts; i++)
    if (ds->costs[i].cents != 0 && ds->costs[i].day != DS_NO_DAY)
      earliest_note(&e, period_start(pc, ds->costs[i].day));
  return e.day;
}

void range_build(struct emit_range *r, const struct period_cfg *pc, int32_t from, int32_t to) {
  size_t cap = 0;
  memset(r, 0, sizeof(*r));
  r->pc = *pc;
  int32_t s = period_start(pc, from);
  for (;;) {
    XGROW(r->starts, cap, r->n + 1);
    r->starts[r->n++] = s;
    int32_t e = period_end(pc, s);
    if (e >= to) {
      r->last_day = e;
      break;
    }
    s = e + 1;
  }
  r->first_day = r->starts[0];
}

int range_resolve(struct emit_range *r, const struct dataset *ds, const struct period_cfg *pc,
                  int64_t as_of, int32_t from, int32_t to) {
  if (to == DS_NO_DAY)
    to = day_of(as_of);
  if (from != DS_NO_DAY) {
    if (from > to)
      return -1;
  } else {
    from = range_data_start(ds, pc);
    if (from == DS_NO_DAY || from > to)
      from = to;
  }
  range_build(r, pc, from, to);
  return 0;
}

void range_release(struct emit_range *r) {
  free(r->starts);
  memset(r, 0, sizeof(*r));
}

long range_index(const struct emit_range *r, int32_t day) {
  if (r->n == 0 || day == DS_NO_DAY || day < r->first_day || day > r->last_day)
    return -1;
  size_t lo = 0, hi = r->n; /* first start > day */
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (r->starts[mid] <= day)
      lo = mid + 1;
    else
      hi = mid;
  }
  return (long)lo - 1;
}

void range_name(const struct emit_range *r, char out[32]) {
  cal_format_date(r->first_day, out);
  out[10] = '_';
  cal_format_date(r->last_day, out + 11);
}

/* --- Groups ------------------------------------------------------------ */

/* str_id -> value, open addressing (key + 1, 0 = free). */
struct idmap32 {
  uint32_t *keys, *vals;
  size_t nslots, n;
};

static size_t mix32(uint32_t k, size_t nslots) {
  uint64_t h = (uint64_t)k * 0x9E3779B97F4A7C15ULL;
  return (size_t)(h >> 32) & (nslots - 1);
}

static void idmap32_grow(struct idmap32 *m);

static uint32_t *idmap32_slot(struct idmap32 *m, str_id k, bool insert) {
  if (insert && (m->n + 1) * 2 > m->nslots)
    idmap32_grow(m);
  size_t i = mix32(k, m->nslots);
  while (m->keys[i] && m->keys[i] != k + 1)
    i = (i + 1) & (m->nslots - 1);
  if (!m->keys[i]) {
    if (!insert)
      return NULL;
    m->keys[i] = k + 1;
    m->vals[i] = 0;
    m->n++;
  }
  return &m->vals[i];
}

static void idmap32_grow(struct idmap32 *m) {
  struct idmap32 old = *m;
  m->nslots = old.nslots ? old.nslots * 2 : 64;
  m->keys = xcalloc(m->nslots, sizeof(uint32_t));
  m->vals = xcalloc(m->nslots, sizeof(uint32_t));
  m->n = 0;
  for (size_t i = 0; i < old.nslots; i++)
    if (old.keys[i])
      *idmap32_slot(m, old.keys[i] - 1, true) = old.vals[i];
  free(old.keys);
  free(old.vals);
}

static int cmp_strp(const void *a, const void *b) {
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

struct name_sort {
  const char *const *names;
};

static int cmp_group(const void *a, const void *b, void *arg) {
  const struct name_sort *ns = arg;
  uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
  int c = strcmp(ns->names[x], ns->names[y]);
  if (c)
    return c;
  return x < y ? -1 : x > y;
}

static void campaign_groups(struct groups *g, const struct dataset *ds) {
  size_t n = ds->ncampaigns + 2;
  const char **names = xreallocarray(NULL, n, sizeof(*names));
  for (size_t c = 0; c < ds->ncampaigns; c++)
    names[c] = ds_str(ds, ds->campaigns[c].id);
  g->camp_none = (uint32_t)ds->ncampaigns;
  g->camp_unattributed = (uint32_t)ds->ncampaigns + 1;
  names[g->camp_none] = GROUP_NONE;
  names[g->camp_unattributed] = GROUP_UNATTRIBUTED;
  g->ncamp_groups = n;
  g->camp_group = xreallocarray(NULL, n, sizeof(uint32_t));
  g->camp_rank = xreallocarray(NULL, n, sizeof(uint32_t));
  for (size_t i = 0; i < n; i++)
    g->camp_group[i] = (uint32_t)i;
  struct name_sort ns = {names};
  qsort_r(g->camp_group, n, sizeof(uint32_t), cmp_group, &ns);
  for (size_t r = 0; r < n; r++)
    g->camp_rank[g->camp_group[r]] = (uint32_t)r;
  free(names);
}

size_t names_sort_unique(const char **names, size_t n) {
  if (n > 1)
    qsort(names, n, sizeof(*names), cmp_strp);
  size_t u = 0;
  for (size_t i = 0; i < n; i++)
    if (u == 0 || strcmp(names[u - 1], names[i]) != 0)
      names[u++] = names[i];
  return u;
}

uint32_t names_rank(const char *const *sorted, size_t n, const char *name) {
  size_t lo = 0, hi = n;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (strcmp(sorted[mid], name) < 0)
      lo = mid + 1;
    else
      hi = mid;
  }
  return (uint32_t)lo;
}

static uint32_t rank_of(const struct groups *g, const char *name) {
  return names_rank(g->chan_names, g->nchannels, name);
}

static void channel_groups(struct groups *g, const struct dataset *ds) {
  struct idmap32 ids = {0};
  for (size_t t = 0; t < ds->ntouches; t++)
    idmap32_slot(&ids, ds->touches[t].channel, true);
  for (size_t c = 0; c < ds->ncampaigns; c++)
    idmap32_slot(&ids, ds->campaigns[c].channel, true);
  for (size_t i = 0; i < ds->ncosts; i++)
    if (ds->costs[i].campaign == DS_NONE)
      idmap32_slot(&ids, ds->costs[i].channel, true);

  /* Distinct names, bytewise, "(unattributed)" among them. */
  g->chan_names = xreallocarray(NULL, ids.n + 1, sizeof(*g->chan_names));
  size_t n = 0;
  for (size_t i = 0; i < ids.nslots; i++)
    if (ids.keys[i])
      g->chan_names[n++] = ds_str(ds, ids.keys[i] - 1);
  g->chan_names[n++] = GROUP_UNATTRIBUTED;
  g->nchannels = names_sort_unique(g->chan_names, n);
  for (size_t i = 0; i < ids.nslots; i++)
    if (ids.keys[i])
      ids.vals[i] = rank_of(g, ds_str(ds, ids.keys[i] - 1));
  g->chan_unattributed = rank_of(g, GROUP_UNATTRIBUTED);

  g->touch_chan = xreallocarray(NULL, ds->ntouches ? ds->ntouches : 1, sizeof(uint32_t));
  for (size_t t = 0; t < ds->ntouches; t++)
    g->touch_chan[t] = *idmap32_slot(&ids, ds->touches[t].channel, false);
  g->camp_chan = xreallocarray(NULL, ds->ncampaigns ? ds->ncampaigns : 1, sizeof(uint32_t));
  for (size_t c = 0; c < ds->ncampaigns; c++)
    g->camp_chan[c] = *idmap32_slot(&ids, ds->campaigns[c].channel, false);
  g->cost_chan = xreallocarray(NULL, ds->ncosts ? ds->ncosts : 1, sizeof(uint32_t));
  for (size_t i = 0; i < ds->ncosts; i++) {
    const struct ds_cost *k = &ds->costs[i];
    g->cost_chan[i] = k->campaign == DS_NONE ? *idmap32_slot(&ids, k->channel, false)
                                             : g->camp_chan[k->campaign];
  }
  free(ids.keys);
  free(ids.vals);
}

void groups_build(struct groups *g, const struct dataset *ds) {
  memset(g, 0, sizeof(*g));
  campaign_groups(g, ds);
  channel_groups(g, ds);
}

/* The rank of name among g's channels, or -1 when it is not one. */
static long named_rank(const struct groups *g, const char *name) {
  uint32_t r = rank_of(g, name);
  return r < g->nchannels && strcmp(g->chan_names[r], name) == 0 ? (long)r : -1;
}

int groups_build_named(struct groups *g, const struct dataset *ds, const char *const *names,
                       size_t n) {
  memset(g, 0, sizeof(*g));
  campaign_groups(g, ds);
  g->nchannels = n;
  g->chan_names = xreallocarray(NULL, n ? n : 1, sizeof(*g->chan_names));
  memcpy(g->chan_names, names, n * sizeof(*names));
  g->touch_chan = xreallocarray(NULL, ds->ntouches ? ds->ntouches : 1, sizeof(uint32_t));
  g->camp_chan = xreallocarray(NULL, ds->ncampaigns ? ds->ncampaigns : 1, sizeof(uint32_t));
  g->cost_chan = xreallocarray(NULL, ds->ncosts ? ds->ncosts : 1, sizeof(uint32_t));
  long r, u = named_rank(g, GROUP_UNATTRIBUTED);
  int rc = u < 0 ? -1 : 0;
  g->chan_unattributed = (uint32_t)(u < 0 ? 0 : u);
  for (size_t i = 1; i < n; i++)
    if (strcmp(names[i - 1], names[i]) >= 0)
      rc = -1;
  for (size_t t = 0; rc == 0 && t < ds->ntouches; t++)
    if ((r = named_rank(g, ds_str(ds, ds->touches[t].channel))) < 0)
      rc = -1;
    else
      g->touch_chan[t] = (uint32_t)r;
  for (size_t c = 0; rc == 0 && c < ds->ncampaigns; c++)
    if ((r = named_rank(g, ds_str(ds, ds->campaigns[c].channel))) < 0)
      rc = -1;
    else
      g->camp_chan[c] = (uint32_t)r;
  for (size_t i = 0; rc == 0 && i < ds->ncosts; i++) {
    const struct ds_cost *k = &ds->costs[i];
    if (k->campaign != DS_NONE)
      g->cost_chan[i] = g->camp_chan[k->campaign];
    else if ((r = named_rank(g, ds_str(ds, k->channel))) < 0)
      rc = -1;
    else
      g->cost_chan[i] = (uint32_t)r;
  }
  return rc;
}

void groups_release(struct groups *g) {
  free(g->camp_rank);
  free(g->camp_group);
  free(g->chan_names);
  free(g->touch_chan);
  free(g->camp_chan);
  free(g->cost_chan);
  memset(g, 0, sizeof(*g));
}

/* --- Sparse sums ------------------------------------------------------- */

void agg_map_init(struct agg_map *m) { memset(m, 0, sizeof(*m)); }

void agg_map_release(struct agg_map *m) {
  free(m->cells);
  free(m->slots);
  memset(m, 0, sizeof(*m));
}

static size_t mix64(uint64_t k, size_t nslots) {
  k ^= k >> 31;
  k *= 0x9E3779B97F4A7C15ULL;
  k ^= k >> 29;
  return (size_t)k & (nslots - 1);
}

static size_t agg_probe(const struct agg_map *m, uint64_t key) {
  size_t i = mix64(key, m->nslots);
  while (m->slots[i] && m->cells[m->slots[i] - 1].key != key)
    i = (i + 1) & (m->nslots - 1);
  return i;
}

static void agg_rehash(struct agg_map *m) {
  free(m->slots);
  m->nslots = m->nslots ? m->nslots * 2 : 256;
  m->slots = xcalloc(m->nslots, sizeof(uint32_t));
  for (size_t c = 0; c < m->ncells; c++)
    m->slots[agg_probe(m, m->cells[c].key)] = (uint32_t)c + 1;
}

struct agg_cell *agg_map_get(struct agg_map *m, uint32_t period, uint32_t rank) {
  uint64_t key = agg_key(period, rank);
  if ((m->ncells + 1) * 2 > m->nslots)
    agg_rehash(m);
  size_t i = agg_probe(m, key);
  if (!m->slots[i]) {
    XGROW(m->cells, m->cap, m->ncells + 1);
    memset(&m->cells[m->ncells], 0, sizeof(m->cells[0]));
    m->cells[m->ncells].key = key;
    m->slots[i] = (uint32_t)++m->ncells;
  }
  return &m->cells[m->slots[i] - 1];
}

const struct agg_cell *agg_map_find(const struct agg_map *m, uint32_t period, uint32_t rank) {
  if (!m->nslots)
    return NULL;
  size_t i = agg_probe(m, agg_key(period, rank));
  return m->slots[i] ? &m->cells[m->slots[i] - 1] : NULL;
}

/* --- Base sums: touches and cost -------------------------------------- */

struct cost_ctx {
  struct base_sums *b;
  const struct emit_range *r;
  uint32_t camp_rank, chan_rank;
};

static void add_cost(struct base_sums *b, long p, uint32_t camp_rank, bool in_campaign,
                     uint32_t chan_rank, int64_t cents) {
  if (p < 0 || cents == 0)
    return;
  if (in_campaign)
    agg_map_get(&b->campaign, (uint32_t)p, camp_rank)->cost += cents;
  agg_map_get(&b->channel, (uint32_t)p, chan_rank)->cost += cents;
}

static void cost_share(void *ctx, int32_t start, int64_t share) {
  struct cost_ctx *cc = ctx;
  add_cost(cc->b, range_index(cc->r, start), cc->camp_rank, true, cc->chan_rank, share);
}

void base_sums_build(struct base_sums *b, const struct dataset *ds, const struct groups *g,
                     const struct emit_range *r) {
  agg_map_init(&b->campaign);
  agg_map_init(&b->channel);
  for (size_t t = 0; t < ds->ntouches; t++) {
    const struct ds_touch *tc = &ds->touches[t];
    long p = range_index(r, day_of(tc->time));
    if (p < 0)
      continue;
    uint32_t cg = tc->campaign == DS_NONE ? g->camp_none : tc->campaign;
    agg_map_get(&b->campaign, (uint32_t)p, g->camp_rank[cg])->touches++;
    agg_map_get(&b->channel, (uint32_t)p, g->touch_chan[t])->touches++;
  }
  for (size_t c = 0; c < ds->ncampaigns; c++) {
    int32_t start, end;
    if (!campaign_span(&ds->campaigns[c], &start, &end))
      continue;
    struct cost_ctx cc = {b, r, g->camp_rank[c], g->camp_chan[c]};
    cost_spread(ds->campaigns[c].cost_cents, start, end, &r->pc, cost_share, &cc);
  }
  for (size_t i = 0; i < ds->ncosts; i++) {
    const struct ds_cost *k = &ds->costs[i];
    bool in_campaign = k->campaign != DS_NONE;
    add_cost(b, range_index(r, k->day), in_campaign ? g->camp_rank[k->campaign] : 0, in_campaign,
             g->cost_chan[i], k->cents);
  }
}

void base_sums_release(struct base_sums *b) {
  agg_map_release(&b->campaign);
  agg_map_release(&b->channel);
}

uint8_t *coverage_build(const struct dataset *ds, const struct emit_range *r) {
  uint8_t *cover = xcalloc(ds->nopps ? ds->nopps : 1, 1);
  for (size_t o = 0; o < ds->nopps; o++) {
    const struct ds_opportunity *op = &ds->opps[o];
    if (range_index(r, day_of(op->created)) >= 0)
      cover[o] |= COVER_CREATED;
    if ((op->flags & DS_OPP_WON) && range_index(r, op->close_day) >= 0)
      cover[o] |= COVER_WON;
  }
  return cover;
}

/* --- Model sums -------------------------------------------------------- */

/* Adds one weight and amount into the campaign and channel cells of a
 * period; won selects the won/revenue columns. */
static void add_credit(struct model_sums *ms, long p, uint32_t camp_rank, uint32_t chan_rank,
                       bool won, __int128 weight, int64_t cents) {
  struct agg_cell *cells[2] = {agg_map_get(&ms->campaign, (uint32_t)p, camp_rank), NULL};
  cells[1] = agg_map_get(&ms->channel, (uint32_t)p, chan_rank);
  for (int i = 0; i < 2; i++) {
    if (won) {
      cells[i]->won += weight;
      cells[i]->revenue += cents;
    } else {
      cells[i]->opps += weight;
      cells[i]->pipeline += cents;
    }
  }
}

static void sum_attributed(struct model_sums *ms, const struct attr_ctx *c,
                           const struct groups *g, const struct opp_credits *oc, long pc,
                           long pw) {
  for (size_t i = 0; i < oc->k; i++) {
    uint32_t camp = credit_campaign(c->ds, oc, i);
    uint32_t camp_rank = g->camp_rank[camp == DS_NONE ? g->camp_none : camp];
    uint32_t chan_rank = oc->touches ? g->touch_chan[oc->touches[i]] : g->camp_chan[camp];
    __int128 w = credit_weight_fix18(oc, i);
    if (pc >= 0)
      add_credit(ms, pc, camp_rank, chan_rank, false, w, oc->pip[i]);
    if (pw >= 0)
      add_credit(ms, pw, camp_rank, chan_rank, true, w, oc->rev[i]);
  }
}

void model_sums_build(struct model_sums *ms, const struct attr_ctx *c, const struct model_def *m,
                      const struct groups *g, const struct emit_range *r, const uint8_t *cover) {
  const struct dataset *ds = c->ds;
  struct attr_scratch s;
  struct opp_credits oc;
  uint32_t un_camp = g->camp_rank[g->camp_unattributed];

  memset(ms, 0, sizeof(*ms));
  attr_scratch_init(&s);
  for (size_t o = 0; o < ds->nopps; o++) {
    if (!cover[o])
      continue;
    const struct ds_opportunity *op = &ds->opps[o];
    long pc = (cover[o] & COVER_CREATED) ? range_index(r, day_of(op->created)) : -1;
    long pw = (cover[o] & COVER_WON) ? range_index(r, op->close_day) : -1;
    attribute_opp(c, m, o, &s, &oc);
    if (pc >= 0)
      ms->recon.opps++;
    if (pw >= 0)
      ms->recon.won++;
    if (oc.attributed) {
      sum_attributed(ms, c, g, &oc, pc, pw);
      if (pc >= 0)
        ms->recon.pipeline_attributed += op->pipeline_cents;
      if (pw >= 0)
        ms->recon.revenue_attributed += op->revenue_cents;
      continue;
    }
    if (pc >= 0) {
      add_credit(ms, pc, un_camp, g->chan_unattributed, false, FIX18_ONE, op->pipeline_cents);
      ms->recon.pipeline_unattributed += op->pipeline_cents;
    }
    if (pw >= 0) {
      add_credit(ms, pw, un_camp, g->chan_unattributed, true, FIX18_ONE, op->revenue_cents);
      ms->recon.revenue_unattributed += op->revenue_cents;
    }
  }
  attr_scratch_release(&s);
}

void model_sums_release(struct model_sums *ms) {
  agg_map_release(&ms->campaign);
  agg_map_release(&ms->channel);
}
