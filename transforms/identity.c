/* The identity rules (see identity.h). */
#include "transforms/identity.h"

#include <stdlib.h>
#include <string.h>

#include "transforms/base/xalloc.h"

/* Email candidates in id->emails: a contact index, or a lead index with
 * LEAD_BIT set. */
#define LEAD_BIT 0x80000000u

uint32_t identity_add_person(struct identity *id, struct dataset *ds, str_id key, str_id account,
                             str_id lead_source, int64_t created, enum ds_person_origin origin) {
  XGROW(ds->persons, id->cappersons, ds->npersons + 1);
  struct ds_person *p = &ds->persons[ds->npersons];
  memset(p, 0, sizeof(*p)); /* padding too: dataset.bin is byte-identical run to run */
  p->key = key;
  p->account = account;
  p->lead_source = lead_source;
  p->created = created;
  p->origin = origin;
  return (uint32_t)ds->npersons++;
}

/* (CreatedDate, Id bytewise) order of two records. */
static bool earlier(const struct dataset *ds, int64_t ca, str_id ia, int64_t cb, str_id ib) {
  if (ca != cb)
    return ca < cb;
  return strcmp(ds_str(ds, ia), ds_str(ds, ib)) < 0;
}

/* For each contact: its earliest converted lead, and the first one with a
 * LeadSource; then the contact persons take their values. */
static void follow_converted_leads(struct identity *id, struct dataset *ds,
                                   const struct id_lead *leads, const uint32_t *contact_of) {
  const struct id_lead **first_created = xcalloc(id->ncontacts + 1, sizeof(*first_created));
  const struct id_lead **first_source = xcalloc(id->ncontacts + 1, sizeof(*first_source));
  for (size_t i = 0; i < id->nleads; i++) {
    const struct id_lead *l = &leads[i];
    uint32_t ci = contact_of[i];
    if (ci == DS_NONE)
      continue;
    const struct id_lead *fc = first_created[ci], *fs = first_source[ci];
    if (!fc || earlier(ds, l->created, l->id, fc->created, fc->id))
      first_created[ci] = l;
    if (l->lead_source != STR_EMPTY && (!fs || earlier(ds, l->created, l->id, fs->created, fs->id)))
      first_source[ci] = l;
  }
  for (size_t ci = 0; ci < id->ncontacts; ci++) {
    struct ds_person *p = &ds->persons[id->contact_person[ci]];
    if (first_created[ci])
      p->created = first_created[ci]->created;
    if (first_source[ci])
      p->lead_source = first_source[ci]->lead_source;
  }
  free(first_created);
  free(first_source);
}

/* Candidate a before b for one email: Contact first, then (CreatedDate, Id). */
static bool candidate_before(const struct dataset *ds, const struct id_contact *contacts,
                             const struct id_lead *leads, uint32_t a, uint32_t b) {
  bool la = (a & LEAD_BIT) != 0, lb = (b & LEAD_BIT) != 0;
  if (la != lb)
    return lb;
  int64_t ca = la ? leads[a & ~LEAD_BIT].created : contacts[a].created;
  int64_t cb = lb ? leads[b & ~LEAD_BIT].created : contacts[b].created;
  str_id ia = la ? leads[a & ~LEAD_BIT].id : contacts[a].id;
  str_id ib = lb ? leads[b & ~LEAD_BIT].id : contacts[b].id;
  return earlier(ds, ca, ia, cb, ib);
}

static void index_emails(struct identity *id, const struct dataset *ds,
                         const struct id_contact *contacts, const struct id_lead *leads) {
  size_t n = id->ncontacts + id->nleads;
  for (size_t k = 0; k < n; k++) {
    bool lead = k >= id->ncontacts;
    uint32_t v = lead ? (uint32_t)(k - id->ncontacts) | LEAD_BIT : (uint32_t)k;
    str_id email = lead ? leads[v & ~LEAD_BIT].email : contacts[v].email;
    uint32_t cur;
    if (email == STR_EMPTY)
      continue;
    if (!idmap_get(&id->emails, email, &cur) || candidate_before(ds, contacts, leads, v, cur))
      idmap_put(&id->emails, email, v);
  }
}

void identity_build(struct identity *id, struct dataset *ds, const struct id_contact *contacts,
                    size_t ncontacts, const struct id_lead *leads, size_t nleads) {
  memset(id, 0, sizeof(*id));
  idmap_init(&id->emails);
  id->cappersons = ds->npersons;
  id->caplinks = ds->nlinks;
  id->ncontacts = ncontacts;
  id->nleads = nleads;
  id->contact_person = xcalloc(ncontacts + 1, sizeof(uint32_t));
  id->lead_person = xcalloc(nleads + 1, sizeof(uint32_t));
  uint32_t *contact_of = xcalloc(nleads + 1, sizeof(uint32_t)); /* merged leads' contacts */
  for (size_t i = 0; i < ncontacts; i++) {
    const struct id_contact *c = &contacts[i];
    id->contact_person[i] =
        identity_add_person(id, ds, c->id, c->account, c->lead_source, c->created, PERSON_CONTACT);
  }
  for (size_t i = 0; i < nleads; i++) {
    const struct id_lead *l = &leads[i];
    bool merged = l->converted && l->contact != DS_NONE && l->contact < ncontacts;
    contact_of[i] = merged ? l->contact : DS_NONE;
    id->lead_person[i] =
        merged ? id->contact_person[l->contact]
               : identity_add_person(id, ds, l->id, STR_EMPTY, l->lead_source, l->created,
                                     PERSON_LEAD);
  }
  follow_converted_leads(id, ds, leads, contact_of);
  free(contact_of);
  index_emails(id, ds, contacts, leads);
}

static void add_link(struct identity *id, struct dataset *ds, uint32_t opp, uint32_t person) {
  XGROW(ds->links, id->caplinks, ds->nlinks + 1);
  ds->links[ds->nlinks].opp = opp;
  ds->links[ds->nlinks].person = person;
  ds->nlinks++;
}

void identity_link(struct identity *id, struct dataset *ds, const struct id_role *roles,
                   size_t nroles, const struct id_lead *leads, size_t nleads) {
  for (size_t i = 0; i < nroles; i++)
    add_link(id, ds, roles[i].opp, id->contact_person[roles[i].contact]);
  for (size_t i = 0; i < nleads && i < id->nleads; i++)
    if (leads[i].opp != DS_NONE)
      add_link(id, ds, leads[i].opp, id->lead_person[i]);
}

uint32_t identity_marketo_person(const struct identity *id, const struct id_marketo *m) {
  uint32_t v;
  if (m->contact != DS_NONE && m->contact < id->ncontacts)
    return id->contact_person[m->contact];
  if (m->lead != DS_NONE && m->lead < id->nleads)
    return id->lead_person[m->lead];
  if (m->email != STR_EMPTY && idmap_get(&id->emails, m->email, &v))
    return (v & LEAD_BIT) ? id->lead_person[v & ~LEAD_BIT] : id->contact_person[v];
  return DS_NONE;
}

void identity_release(struct identity *id) {
  free(id->contact_person);
  free(id->lead_person);
  idmap_release(&id->emails);
  memset(id, 0, sizeof(*id));
}
