/* A shard's part of a data set (see partition.h): mark the people the
 * shard's opportunities can reach, then copy every array's kept records in
 * order, renumbering indices and re-interning strings into the part's pool. */
#include "transforms/partition.h"

#include <stdlib.h>
#include <string.h>

#include "transforms/base/xalloc.h"

void part_index_build(struct part_index *ix, const struct dataset *ds, bool account_based) {
  memset(ix, 0, sizeof(*ix));
  ix->ds = ds;
  ix->account_based = account_based;
  link_index_build(&ix->link, ds, account_based);
  ix->hist_first = xcalloc(ds->nopps + 1, sizeof(size_t));
  for (size_t h = 0; h < ds->nhistory; h++)
    ix->hist_first[ds->history[h].opp + 1]++;
  for (size_t o = 0; o < ds->nopps; o++)
    ix->hist_first[o + 1] += ix->hist_first[o];
  ix->mark = xcalloc(ds->npersons ? ds->npersons : 1, 1);
}

void part_index_release(struct part_index *ix) {
  link_index_release(&ix->link);
  free(ix->hist_first);
  free(ix->mark);
  memset(ix, 0, sizeof(*ix));
}

void part_map_release(struct part_map *m) {
  free(m->opp);
  free(m->touch);
  memset(m, 0, sizeof(*m));
}

/* Marks the people of account acct (non-empty). */
static void mark_account(struct part_index *ix, const char *acct) {
  size_t a, b;
  link_index_account(&ix->link, ix->ds, acct, &a, &b);
  for (; a < b; a++)
    ix->mark[ix->link.by_account[a]] = 1;
}

/* Marks the people of the opportunities [first, end). */
static void mark_people(struct part_index *ix, size_t first, size_t end) {
  const struct dataset *ds = ix->ds;
  memset(ix->mark, 0, ds->npersons);
  for (size_t l = ix->link.link_first[first]; l < ix->link.link_first[end]; l++)
    ix->mark[ds->links[l].person] = 1;
  if (!ix->link.by_account)
    return;
  for (size_t o = first; o < end; o++) {
    const char *acct = ds_str(ds, ds->opps[o].account);
    if (acct[0])
      mark_account(ix, acct);
  }
}

static str_id copy_str(struct dataset *part, const struct dataset *ds, str_id id) {
  return id == STR_EMPTY ? STR_EMPTY : strpool_interns(&part->strings, ds_str(ds, id));
}

static void copy_campaigns(struct dataset *part, const struct dataset *ds) {
  part->ncampaigns = ds->ncampaigns;
  part->campaigns = xreallocarray(NULL, ds->ncampaigns ? ds->ncampaigns : 1, sizeof(*ds->campaigns));
  for (size_t c = 0; c < ds->ncampaigns; c++) {
    struct ds_campaign x = ds->campaigns[c];
    x.id = copy_str(part, ds, x.id);
    x.name = copy_str(part, ds, x.name);
    x.type = copy_str(part, ds, x.type);
    x.channel = copy_str(part, ds, x.channel);
    part->campaigns[c] = x;
  }
}

static void copy_costs(struct dataset *part, const struct dataset *ds) {
  part->ncosts = ds->ncosts;
  part->costs = xreallocarray(NULL, ds->ncosts ? ds->ncosts : 1, sizeof(*ds->costs));
  for (size_t i = 0; i < ds->ncosts; i++) {
    struct ds_cost x = ds->costs[i];
    x.channel = copy_str(part, ds, x.channel);
    part->costs[i] = x;
  }
}

/* The marked people and their touches; newp[p] = p's part index. */
static void copy_people(struct dataset *part, struct part_map *map, const struct part_index *ix,
                        uint32_t *newp) {
  const struct dataset *ds = ix->ds;
  size_t np = 0, nt = 0;
  for (size_t p = 0; p < ds->npersons; p++)
    if (ix->mark[p]) {
      np++;
      nt += ix->link.person_first[p + 1] - ix->link.person_first[p];
    }
  part->persons = xreallocarray(NULL, np ? np : 1, sizeof(*ds->persons));
  part->touches = xreallocarray(NULL, nt ? nt : 1, sizeof(*ds->touches));
  map->touch = xreallocarray(NULL, nt ? nt : 1, sizeof(uint32_t));
  for (size_t p = 0; p < ds->npersons; p++) {
    if (!ix->mark[p])
      continue;
    struct ds_person x = ds->persons[p];
    x.key = copy_str(part, ds, x.key);
    x.account = copy_str(part, ds, x.account);
    x.lead_source = copy_str(part, ds, x.lead_source);
    newp[p] = (uint32_t)part->npersons;
    part->persons[part->npersons++] = x;
    for (uint32_t t = ix->link.person_first[p]; t < ix->link.person_first[p + 1]; t++) {
      struct ds_touch y = ds->touches[t];
      y.touch_id = copy_str(part, ds, y.touch_id);
      y.channel = copy_str(part, ds, y.channel);
      y.kind = copy_str(part, ds, y.kind);
      y.person = newp[p];
      map->touch[part->ntouches] = t;
      part->touches[part->ntouches++] = y;
    }
  }
  map->ntouches = part->ntouches;
}

/* The opportunities [first, end), their links and their history. */
static void copy_opps(struct dataset *part, struct part_map *map, const struct part_index *ix,
                      size_t first, size_t end, const uint32_t *newp) {
  const struct dataset *ds = ix->ds;
  size_t n = end - first, nl = ix->link.link_first[end] - ix->link.link_first[first];
  size_t nh = ix->hist_first[end] - ix->hist_first[first];
  part->opps = xreallocarray(NULL, n ? n : 1, sizeof(*ds->opps));
  map->opp = xreallocarray(NULL, n ? n : 1, sizeof(uint32_t));
  for (size_t o = first; o < end; o++) {
    struct ds_opportunity x = ds->opps[o];
    x.id = copy_str(part, ds, x.id);
    x.account = copy_str(part, ds, x.account);
    x.stage = copy_str(part, ds, x.stage);
    x.lead_source = copy_str(part, ds, x.lead_source);
    x.name = copy_str(part, ds, x.name);
    x.currency = copy_str(part, ds, x.currency);
    map->opp[o - first] = (uint32_t)o;
    part->opps[o - first] = x;
  }
  part->nopps = map->nopps = n;
  part->links = xreallocarray(NULL, nl ? nl : 1, sizeof(*ds->links));
  for (size_t l = ix->link.link_first[first]; l < ix->link.link_first[end]; l++) {
    struct ds_link x = {ds->links[l].opp - (uint32_t)first, newp[ds->links[l].person]};
    part->links[part->nlinks++] = x;
  }
  part->history = xreallocarray(NULL, nh ? nh : 1, sizeof(*ds->history));
  for (size_t h = ix->hist_first[first]; h < ix->hist_first[end]; h++) {
    struct ds_history x = ds->history[h];
    x.id = copy_str(part, ds, x.id);
    x.stage = copy_str(part, ds, x.stage);
    x.opp -= (uint32_t)first;
    part->history[part->nhistory++] = x;
  }
}

void dataset_cut(struct dataset *part, struct part_map *map, struct part_index *ix, size_t first,
                 size_t end) {
  const struct dataset *ds = ix->ds;
  uint32_t *newp = xreallocarray(NULL, ds->npersons ? ds->npersons : 1, sizeof(uint32_t));
  dataset_init(part);
  memset(map, 0, sizeof(*map));
  mark_people(ix, first, end);
  copy_campaigns(part, ds);
  copy_costs(part, ds);
  copy_people(part, map, ix, newp);
  copy_opps(part, map, ix, first, end, newp);
  free(newp);
}
