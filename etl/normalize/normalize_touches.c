/* Touches of the normalize stage (contract §3.2): channels from the rules
 * (memoized per distinct combination of rule fields, since a nightly run
 * classifies millions of touches over a few thousand combinations), CRM
 * touches from campaign members, de-duplication of (person, campaign,
 * channel, time) keeping the smallest touch_id, and the final ordering and
 * re-indexing that establish the invariants of transforms/dataset.h. */
#include <stdlib.h>
#include <string.h>

#include "etl/common/psort.h"
#include "etl/normalize/normalize.h"
#include "transforms/base/xalloc.h"

/* --- channel memo -------------------------------------------------------- */
/* The memo maps the rule fields of a touch, joined with \x1f into one key
 * interned in st->keys, to the channel's id in ds->strings: one hash
 * lookup per touch instead of one PCRE2 match per rule. */
struct channel_memo {
  struct idmap by_key;
};

str_id normalize_channel(struct norm_state *st, const char *const fields[RF_COUNT]) {
  struct channel_memo *m = st->channel_cache;
  if (!m) {
    m = st->channel_cache = xcalloc(1, sizeof(*m));
    idmap_init(&m->by_key);
  }
  struct strbuf *key = &st->memo_key;
  strbuf_reset(key);
  for (int i = 0; i < RF_COUNT; i++) {
    if (i)
      strbuf_addc(key, '\x1f');
    /* only the fields some rule tests: the others cannot change the
     * channel, and leaving them out keeps the memo to a few combinations */
    if (fields[i] && st->rule_fields[i])
      strbuf_adds(key, fields[i]);
  }
  str_id kid = strpool_intern(&st->keys, key->buf, key->len);
  uint32_t channel;
  if (idmap_get(&m->by_key, kid, &channel))
    return channel;
  const char *name = channel_classify(st->conf->rules, fields, &st->rule_limit_hits);
  channel = norm_text(st, name, strlen(name));
  idmap_put(&m->by_key, kid, channel);
  return channel;
}

void normalize_channel_memo_free(struct norm_state *st) {
  struct channel_memo *m = st->channel_cache;
  if (m)
    idmap_release(&m->by_key);
  free(m);
  st->channel_cache = NULL;
}

void normalize_add_touch(struct norm_state *st, str_id touch_id, uint32_t person,
                         uint32_t campaign, int64_t time, str_id kind, str_id channel) {
  struct dataset *ds = st->ds;
  XGROW(ds->touches, st->captouches, ds->ntouches + 1);
  struct ds_touch *t = &ds->touches[ds->ntouches++];
  memset(t, 0, sizeof(*t));
  t->touch_id = touch_id;
  t->person = person;
  t->campaign = campaign;
  t->time = time;
  t->kind = kind;
  t->channel = channel;
}

const char *norm_person_lead_source(const struct norm_state *st, uint32_t person) {
  if (!st->rule_fields[RF_LEAD_SOURCE])
    return "";
  return ds_str(st->ds, st->ds->persons[person].lead_source);
}

/* CRM touches: campaign members that responded (or all of them). */
static void member_touches(struct norm_state *st) {
  str_id kind = STR_EMPTY; /* interned with the first touch */
  for (size_t i = 0; i < st->nmembers; i++) {
    const struct norm_member *m = &st->members[i];
    if (!m->responded && !st->conf->crm_touches_all)
      continue;
    uint32_t person = m->contact != DS_NONE ? st->contacts[m->contact].person
                                            : st->leads[m->lead].person;
    const char *fields[RF_COUNT] = {NULL};
    fields[RF_CAMPAIGN_TYPE] = ds_str(st->ds, st->campaigns[m->campaign].type);
    fields[RF_KIND] = TOUCH_KIND_CAMPAIGN_RESPONSE;
    fields[RF_LEAD_SOURCE] = norm_person_lead_source(st, person);
    str_id channel = normalize_channel(st, fields);
    strbuf_reset(&st->sb);
    strbuf_adds(&st->sb, "cm:");
    strbuf_adds(&st->sb, ds_str(st->ds, m->id));
    /* member ids are unique (duplicates are rejected): no lookup needed */
    str_id tid = strpool_add_unique(&st->ds->strings, st->sb.buf, st->sb.len);
    if (kind == STR_EMPTY)
      kind = norm_text(st, TOUCH_KIND_CAMPAIGN_RESPONSE, strlen(TOUCH_KIND_CAMPAIGN_RESPONSE));
    normalize_add_touch(st, tid, person, m->campaign, m->time, kind, channel);
  }
}

/* --- ordering ------------------------------------------------------------- */
/* qsort has no context argument: the pool being compared is passed here. */
static const struct strpool *sort_pool;

static int cmp_str_ids(str_id a, str_id b) {
  return a == b ? 0 : strcmp(strpool_str(sort_pool, a), strpool_str(sort_pool, b));
}

/* An item's sort key: its first 16 bytes, big-endian and padded with
 * NULs, decide almost every comparison without reading the string in the
 * pool (a cache miss each, for millions of persons); equal prefixes fall
 * back to the whole strings. Same order as strcmp. */
struct keyed {
  uint64_t head[2];
  str_id key;
  uint32_t old;
};

static void key_head(const char *s, uint64_t head[2]) {
  unsigned char b[16] = {0};
  size_t n = strnlen(s, sizeof b);
  memcpy(b, s, n);
  for (int w = 0; w < 2; w++) {
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
      v = v << 8 | b[8 * w + i];
    head[w] = v;
  }
}

static int cmp_keyed(const void *a, const void *b) {
  const struct keyed *x = a, *y = b;
  for (int w = 0; w < 2; w++)
    if (x->head[w] != y->head[w])
      return x->head[w] < y->head[w] ? -1 : 1;
  int c = cmp_str_ids(x->key, y->key);
  return c ? c : (x->old > y->old) - (x->old < y->old); /* equal texts: stable */
}

/* Returns map old index -> new index for items sorted by key. */
static uint32_t *sorted_order(const struct strpool *pool, size_t n, str_id (*key_of)(const void *, size_t),
                              const void *items, unsigned threads, uint32_t **order_out) {
  struct keyed *k = xmalloc((n ? n : 1) * sizeof(*k));
  for (size_t i = 0; i < n; i++) {
    k[i].key = key_of(items, i);
    k[i].old = (uint32_t)i;
    key_head(strpool_str(pool, k[i].key), k[i].head);
  }
  sort_pool = pool;
  psort(k, n, sizeof(*k), cmp_keyed, threads);
  uint32_t *remap = xmalloc((n ? n : 1) * sizeof(uint32_t));
  uint32_t *order = xmalloc((n ? n : 1) * sizeof(uint32_t));
  for (size_t i = 0; i < n; i++) {
    remap[k[i].old] = (uint32_t)i;
    order[i] = k[i].old;
  }
  free(k);
  *order_out = order;
  return remap;
}

static str_id person_key(const void *items, size_t i) {
  return ((const struct ds_person *)items)[i].key;
}
static str_id opp_key(const void *items, size_t i) {
  return ((const struct ds_opportunity *)items)[i].id;
}
static str_id campaign_key_of(const void *items, size_t i) {
  return ((const struct norm_campaign *)items)[i].id;
}

#define PERMUTE(arr, n, order, type)                                   \
  do {                                                                 \
    type *tmp_ = xmalloc(((n) ? (n) : 1) * sizeof(type));              \
    for (size_t i_ = 0; i_ < (n); i_++)                                \
      tmp_[i_] = (arr)[(order)[i_]];                                   \
    free(arr);                                                         \
    (arr) = tmp_;                                                      \
  } while (0)

static int cmp_touch_dedup(const void *a, const void *b) {
  const struct ds_touch *x = a, *y = b;
  if (x->person != y->person)
    return x->person < y->person ? -1 : 1;
  if (x->campaign != y->campaign)
    return x->campaign < y->campaign ? -1 : 1;
  if (x->channel != y->channel)
    return x->channel < y->channel ? -1 : 1;
  if (x->time != y->time)
    return x->time < y->time ? -1 : 1;
  return cmp_str_ids(x->touch_id, y->touch_id);
}

static int cmp_touch_final(const void *a, const void *b) {
  const struct ds_touch *x = a, *y = b;
  if (x->person != y->person)
    return x->person < y->person ? -1 : 1;
  if (x->time != y->time)
    return x->time < y->time ? -1 : 1;
  return cmp_str_ids(x->touch_id, y->touch_id);
}

static int cmp_link(const void *a, const void *b) {
  const struct ds_link *x = a, *y = b;
  if (x->opp != y->opp)
    return x->opp < y->opp ? -1 : 1;
  return (x->person > y->person) - (x->person < y->person);
}

static void finish_campaigns(struct norm_state *st) {
  struct dataset *ds = st->ds;
  uint32_t *order;
  uint32_t *remap = sorted_order(&ds->strings, st->ncampaigns, campaign_key_of, st->campaigns, st->jobs, &order);
  ds->ncampaigns = st->ncampaigns;
  ds->campaigns = xcalloc(ds->ncampaigns ? ds->ncampaigns : 1, sizeof(*ds->campaigns));
  for (size_t i = 0; i < ds->ncampaigns; i++) {
    const struct norm_campaign *c = &st->campaigns[order[i]];
    struct ds_campaign *d = &ds->campaigns[i];
    d->id = c->id;
    d->name = c->name;
    d->type = c->type;
    const char *fields[RF_COUNT] = {NULL};
    fields[RF_CAMPAIGN_TYPE] = ds_str(ds, c->type);
    d->channel = normalize_channel(st, fields);
    d->cost_cents = c->start == DS_NO_DAY ? 0 : c->cost_cents;
    d->cost_start = c->start;
    d->cost_end = c->end;
  }
  for (size_t i = 0; i < ds->ntouches; i++)
    if (ds->touches[i].campaign != DS_NONE)
      ds->touches[i].campaign = remap[ds->touches[i].campaign];
  for (size_t i = 0; i < ds->nopps; i++)
    if (ds->opps[i].campaign != DS_NONE)
      ds->opps[i].campaign = remap[ds->opps[i].campaign];
  for (size_t i = 0; i < ds->ncosts; i++)
    if (ds->costs[i].campaign != DS_NONE)
      ds->costs[i].campaign = remap[ds->costs[i].campaign];
  free(remap);
  free(order);
}

static void finish_persons_and_opps(struct norm_state *st) {
  struct dataset *ds = st->ds;
  uint32_t *order;
  uint32_t *remap = sorted_order(&ds->strings, ds->npersons, person_key, ds->persons, st->jobs, &order);
  PERMUTE(ds->persons, ds->npersons, order, struct ds_person);
  for (size_t i = 0; i < ds->ntouches; i++)
    ds->touches[i].person = remap[ds->touches[i].person];
  for (size_t i = 0; i < ds->nlinks; i++)
    ds->links[i].person = remap[ds->links[i].person];
  free(remap);
  free(order);
  remap = sorted_order(&ds->strings, ds->nopps, opp_key, ds->opps, st->jobs, &order);
  PERMUTE(ds->opps, ds->nopps, order, struct ds_opportunity);
  for (size_t i = 0; i < ds->nlinks; i++)
    ds->links[i].opp = remap[ds->links[i].opp];
  for (size_t i = 0; i < ds->nhistory; i++)
    ds->history[i].opp = remap[ds->history[i].opp];
  free(remap);
  free(order);
}

/* Orders each person's touches by (time, touch_id). The de-duplicating
 * sort left them grouped by person already, so sorting each group on its
 * own gives the same order as one sort of the whole array, in a fraction of
 * the time (groups are small and sit in the caches). */
static void sort_each_person(struct ds_touch *touches, size_t n) {
  for (size_t i = 0, j; i < n; i = j) {
    for (j = i + 1; j < n && touches[j].person == touches[i].person; j++)
      ;
    if (j - i > 1)
      qsort(touches + i, j - i, sizeof(*touches), cmp_touch_final);
  }
}

static void finish_touches_and_links(struct norm_state *st) {
  struct dataset *ds = st->ds;
  sort_pool = &ds->strings;
  /* the readers are done: both cores can sort */
  psort(ds->touches, ds->ntouches, sizeof(*ds->touches), cmp_touch_dedup, st->jobs);
  size_t k = 0;
  for (size_t i = 0; i < ds->ntouches; i++) {
    const struct ds_touch *t = &ds->touches[i];
    if (k && t->person == ds->touches[k - 1].person && t->campaign == ds->touches[k - 1].campaign &&
        t->channel == ds->touches[k - 1].channel && t->time == ds->touches[k - 1].time)
      continue; /* a duplicate: the kept one has the smaller touch_id */
    ds->touches[k++] = *t;
  }
  ds->ntouches = k;
  sort_each_person(ds->touches, ds->ntouches);
  if (ds->nlinks > 1)
    qsort(ds->links, ds->nlinks, sizeof(*ds->links), cmp_link);
  k = 0;
  for (size_t i = 0; i < ds->nlinks; i++)
    if (!k || cmp_link(&ds->links[i], &ds->links[k - 1]) != 0)
      ds->links[k++] = ds->links[i];
  ds->nlinks = k;
}

static int cmp_history(const void *a, const void *b) {
  const struct ds_history *x = a, *y = b;
  if (x->opp != y->opp)
    return x->opp < y->opp ? -1 : 1;
  if (x->created != y->created)
    return x->created < y->created ? -1 : 1;
  return cmp_str_ids(x->id, y->id);
}

/* The stage history in (opportunity, CreatedDate, Id) order (contract §5.6). */
static void finish_history(struct norm_state *st) {
  sort_pool = &st->ds->strings;
  if (st->ds->nhistory > 1) /* qsort of a NULL array is undefined, even when empty */
    qsort(st->ds->history, st->ds->nhistory, sizeof(*st->ds->history), cmp_history);
}

void normalize_finish(struct norm_state *st) {
  member_touches(st);
  finish_campaigns(st);
  finish_persons_and_opps(st);
  finish_touches_and_links(st);
  finish_history(st);
  normalize_channel_memo_free(st);
}
