/* Identity in the normalize stage: a thin adapter over transforms/identity.h,
 * which holds the rules (who is one person, which people link to which
 * opportunity, how a Marketo lead finds its person). This file only turns
 * the CRM rows' ids into indexes through the stage's id maps, hands the
 * rows to those rules, and interns the key "mkto:<id>" of a Marketo lead
 * that matches nobody. */
#include <stdlib.h>

#include "etl/normalize/normalize.h"
#include "transforms/base/xalloc.h"

/* The index id maps to, or DS_NONE when id is empty or unknown. */
static uint32_t index_of(const struct idmap *map, str_id id) {
  uint32_t i;
  return id != STR_EMPTY && idmap_get(map, id, &i) ? i : DS_NONE;
}

static struct id_contact *id_contacts(const struct norm_state *st) {
  struct id_contact *c = xcalloc(st->ncontacts + 1, sizeof(*c));
  for (size_t i = 0; i < st->ncontacts; i++) {
    const struct norm_contact *n = &st->contacts[i];
    c[i] = (struct id_contact){n->id, n->email, n->account, n->lead_source, n->created};
  }
  return c;
}

static struct id_lead *id_leads(const struct norm_state *st) {
  struct id_lead *l = xcalloc(st->nleads + 1, sizeof(*l));
  for (size_t i = 0; i < st->nleads; i++) {
    const struct norm_lead *n = &st->leads[i];
    l[i] = (struct id_lead){n->id,        n->email,
                            n->lead_source, n->created,
                            n->converted, index_of(&st->contact_by_id, n->conv_contact),
                            index_of(&st->opp_by_id, n->conv_opp)};
  }
  return l;
}

void normalize_people(struct norm_state *st) {
  struct id_contact *contacts = id_contacts(st);
  struct id_lead *leads = id_leads(st);
  struct id_role *roles = xcalloc(st->nroles + 1, sizeof(*roles));
  for (size_t i = 0; i < st->nroles; i++) /* ds_link holds (opp, contact index) here */
    roles[i] = (struct id_role){st->roles[i].opp, st->roles[i].person};
  identity_build(&st->identity, st->ds, contacts, st->ncontacts, leads, st->nleads);
  identity_link(&st->identity, st->ds, roles, st->nroles, leads, st->nleads);
  for (size_t i = 0; i < st->ncontacts; i++)
    st->contacts[i].person = st->identity.contact_person[i];
  for (size_t i = 0; i < st->nleads; i++)
    st->leads[i].person = st->identity.lead_person[i];
  st->people_built = true;
  free(contacts);
  free(leads);
  free(roles);
}

uint32_t normalize_map_mlead(struct norm_state *st, const struct norm_mlead *m) {
  struct id_marketo q = {index_of(&st->contact_by_id, m->sfdc_contact),
                         index_of(&st->lead_by_id, m->sfdc_lead), m->email};
  uint32_t person = identity_marketo_person(&st->identity, &q);
  if (person != DS_NONE)
    return person;
  strbuf_reset(&st->sb);
  strbuf_adds(&st->sb, "mkto:");
  strbuf_adds(&st->sb, strpool_str(&st->scratch, m->key));
  str_id key = strpool_intern(&st->ds->strings, st->sb.buf, st->sb.len);
  return identity_add_person(&st->identity, st->ds, key, STR_EMPTY, STR_EMPTY, m->created,
                             PERSON_MA_ONLY);
}
