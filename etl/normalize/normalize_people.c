/* Identity (CONTRACT.md §3.1, §9 "People and touches"): contacts are
 * people; a converted lead with a known ConvertedContactId is its contact's
 * person, any other lead its own; person_created and LeadSource follow the
 * converted leads; Marketo leads map by sfdcContactId, sfdcLeadId, then
 * email (Contact first, then record CreatedDate, then record Id), else they
 * become MA-only people "mkto:<id>". Also builds the opportunity links of
 * contact roles and converted leads. */
#include <stdlib.h>
#include <string.h>

#include "etl/normalize/normalize.h"
#include "transforms/base/xalloc.h"

static uint32_t add_person(struct norm_state *st, str_id key, str_id account, str_id lead_source,
                           int64_t created, enum ds_person_origin origin) {
  struct dataset *ds = st->ds;
  XGROW(ds->persons, st->cappersons, ds->npersons + 1);
  struct ds_person *p = &ds->persons[ds->npersons];
  memset(p, 0, sizeof(*p)); /* padding too: dataset.bin is byte-identical run to run */
  p->key = key;
  p->account = account;
  p->lead_source = lead_source;
  p->created = created;
  p->origin = origin;
  return (uint32_t)ds->npersons++;
}

/* Lead order for "the first non-empty LeadSource of its converted leads
 * ordered by (CreatedDate, Id)". */
static int lead_before(const struct norm_state *st, const struct norm_lead *a,
                       const struct norm_lead *b) {
  if (a->created != b->created)
    return a->created < b->created;
  return strcmp(ds_str(st->ds, a->id), ds_str(st->ds, b->id)) < 0;
}

static void resolve_people(struct norm_state *st) {
  for (size_t i = 0; i < st->ncontacts; i++) {
    struct norm_contact *c = &st->contacts[i];
    c->person = add_person(st, c->id, c->account, c->lead_source, c->created, PERSON_CONTACT);
  }
  /* For each contact person: the earliest converted lead (created) and the
   * first converted lead with a LeadSource, in (CreatedDate, Id) order. */
  const struct norm_lead **first_created = xcalloc(st->ncontacts + 1, sizeof(*first_created));
  const struct norm_lead **first_source = xcalloc(st->ncontacts + 1, sizeof(*first_source));
  for (size_t i = 0; i < st->nleads; i++) {
    struct norm_lead *l = &st->leads[i];
    uint32_t ci;
    if (l->converted && l->conv_contact != STR_EMPTY &&
        idmap_get(&st->contact_by_id, l->conv_contact, &ci)) {
      l->person = st->contacts[ci].person;
      if (!first_created[ci] || lead_before(st, l, first_created[ci]))
        first_created[ci] = l;
      if (l->lead_source != STR_EMPTY && (!first_source[ci] || lead_before(st, l, first_source[ci])))
        first_source[ci] = l;
      continue;
    }
    l->person = add_person(st, l->id, STR_EMPTY, l->lead_source, l->created, PERSON_LEAD);
  }
  for (size_t ci = 0; ci < st->ncontacts; ci++) {
    struct ds_person *p = &st->ds->persons[st->contacts[ci].person];
    if (first_created[ci])
      p->created = first_created[ci]->created;
    if (first_source[ci])
      p->lead_source = first_source[ci]->lead_source;
  }
  free(first_created);
  free(first_source);
}

/* Email candidates: value = contact index, or lead index | LEAD_BIT. */
#define LEAD_BIT 0x80000000u

static void candidate_fields(const struct norm_state *st, uint32_t v, int *is_lead,
                             int64_t *created, str_id *id) {
  *is_lead = (v & LEAD_BIT) != 0;
  if (*is_lead) {
    const struct norm_lead *l = &st->leads[v & ~LEAD_BIT];
    *created = l->created;
    *id = l->id;
  } else {
    const struct norm_contact *c = &st->contacts[v];
    *created = c->created;
    *id = c->id;
  }
}

static int candidate_before(const struct norm_state *st, uint32_t a, uint32_t b) {
  int la, lb;
  int64_t ca, cb;
  str_id ia, ib;
  candidate_fields(st, a, &la, &ca, &ia);
  candidate_fields(st, b, &lb, &cb, &ib);
  if (la != lb)
    return la < lb;
  if (ca != cb)
    return ca < cb;
  return strcmp(ds_str(st->ds, ia), ds_str(st->ds, ib)) < 0;
}

static void offer_email(struct norm_state *st, struct idmap *emails, str_id email, uint32_t v) {
  if (email == STR_EMPTY)
    return;
  uint32_t cur;
  if (!idmap_get(emails, email, &cur) || candidate_before(st, v, cur))
    idmap_put(emails, email, v);
}

static struct idmap *email_index(struct norm_state *st) {
  struct idmap *emails = xmalloc(sizeof(*emails));
  idmap_init(emails);
  for (size_t i = 0; i < st->ncontacts; i++)
    offer_email(st, emails, st->contacts[i].email, (uint32_t)i);
  for (size_t i = 0; i < st->nleads; i++)
    offer_email(st, emails, st->leads[i].email, (uint32_t)i | LEAD_BIT);
  return emails;
}

static void add_links(struct norm_state *st) {
  struct dataset *ds = st->ds;
  size_t cap = 0;
  for (size_t i = 0; i < st->nroles; i++) {
    XGROW(ds->links, cap, ds->nlinks + 1);
    ds->links[ds->nlinks].opp = st->roles[i].opp;
    ds->links[ds->nlinks].person = st->contacts[st->roles[i].person].person;
    ds->nlinks++;
  }
  for (size_t i = 0; i < st->nleads; i++) {
    const struct norm_lead *l = &st->leads[i];
    uint32_t oi;
    if (l->conv_opp == STR_EMPTY || !idmap_get(&st->opp_by_id, l->conv_opp, &oi))
      continue;
    XGROW(ds->links, cap, ds->nlinks + 1);
    ds->links[ds->nlinks].opp = oi;
    ds->links[ds->nlinks].person = l->person;
    ds->nlinks++;
  }
}

void normalize_people(struct norm_state *st) {
  resolve_people(st);
  add_links(st);
  st->email_map = email_index(st);
}

uint32_t normalize_map_mlead(struct norm_state *st, const struct norm_mlead *m) {
  uint32_t i;
  if (m->sfdc_contact != STR_EMPTY && idmap_get(&st->contact_by_id, m->sfdc_contact, &i))
    return st->contacts[i].person;
  if (m->sfdc_lead != STR_EMPTY && idmap_get(&st->lead_by_id, m->sfdc_lead, &i))
    return st->leads[i].person;
  if (m->email != STR_EMPTY && idmap_get(st->email_map, m->email, &i))
    return (i & LEAD_BIT) ? st->leads[i & ~LEAD_BIT].person : st->contacts[i].person;
  strbuf_reset(&st->sb);
  strbuf_adds(&st->sb, "mkto:");
  strbuf_adds(&st->sb, strpool_str(&st->scratch, m->key));
  str_id pk = strpool_intern(&st->ds->strings, st->sb.buf, st->sb.len);
  return add_person(st, pk, STR_EMPTY, STR_EMPTY, m->created, PERSON_MA_ONLY);
}
