/* Unit tests for the identity rules (transforms/identity.h), on records
 * built in memory: contacts are persons; a converted lead with a known
 * contact is that contact's person, any other lead its own; a contact
 * person takes the CreatedDate of its earliest converted lead and the first
 * non-empty LeadSource in (CreatedDate, Id) order (ties on the date broken
 * by the Id, both sides); links from contact roles, then from leads with a
 * known ConvertedOpportunityId; Marketo leads by sfdcContactId, then
 * sfdcLeadId, then email (Contact first, then CreatedDate, then Id), else
 * none; every new person zeroed, padding included. */
#include <stdlib.h>

#include "tests/unit/check.h"
#include "transforms/identity.h"

static struct dataset ds;

static str_id S(const char *s) { return strpool_interns(&ds.strings, s); }

static const char *key_of(uint32_t person) { return ds_str(&ds, ds.persons[person].key); }

/* Contacts C1, C2; leads L1..L5. */
static struct id_contact contacts[2];
static struct id_lead leads[5];

static void setup(void) {
  dataset_init(&ds);
  contacts[0] = (struct id_contact){S("C1"), S("ann@x.com"), S("A1"), S("Web"), 5000};
  contacts[1] = (struct id_contact){S("C2"), S("bob@x.com"), S("A2"), STR_EMPTY, 6000};
  /* L1, L2 converted into C1 (L2 earlier); L3 converted, contact unknown;
   * L4 not converted although it names C2; L5 not converted, names an
   * opportunity. */
  leads[0] = (struct id_lead){S("L1"), S("ann@x.com"), S("Event"), 3000, true, 0, 0};
  leads[1] = (struct id_lead){S("L2"), STR_EMPTY, STR_EMPTY, 2000, true, 0, DS_NONE};
  leads[2] = (struct id_lead){S("L3"), S("cy@x.com"), S("Ads"), 1000, true, DS_NONE, DS_NONE};
  leads[3] = (struct id_lead){S("L4"), S("bob@x.com"), STR_EMPTY, 100, false, 1, DS_NONE};
  leads[4] = (struct id_lead){S("L5"), S("dee@x.com"), STR_EMPTY, 7000, false, DS_NONE, 1};
}

static void test_people(void) {
  struct identity id;
  setup();
  identity_build(&id, &ds, contacts, 2, leads, 5);
  /* C1, C2, then the leads that are persons of their own: L3, L4, L5 */
  CHECK_I64(ds.npersons, 5);
  CHECK_STR(key_of(id.contact_person[0]), "C1");
  CHECK_STR(key_of(id.contact_person[1]), "C2");
  CHECK_I64(id.lead_person[0], id.contact_person[0]);
  CHECK_I64(id.lead_person[1], id.contact_person[0]);
  CHECK_STR(key_of(id.lead_person[2]), "L3"); /* its contact is unknown */
  CHECK_STR(key_of(id.lead_person[3]), "L4"); /* not converted */
  CHECK_STR(key_of(id.lead_person[4]), "L5");
  const struct ds_person *c1 = &ds.persons[id.contact_person[0]];
  CHECK_I64(c1->created, 2000);                /* L2, the earliest converted lead */
  CHECK_STR(ds_str(&ds, c1->lead_source), "Event"); /* L2 has none: L1's */
  CHECK_STR(ds_str(&ds, c1->account), "A1");
  CHECK_I64(c1->origin, PERSON_CONTACT);
  const struct ds_person *c2 = &ds.persons[id.contact_person[1]];
  CHECK_I64(c2->created, 6000); /* no converted lead: its own */
  CHECK_I64(c2->lead_source, STR_EMPTY);
  const struct ds_person *l3 = &ds.persons[id.lead_person[2]];
  CHECK_I64(l3->origin, PERSON_LEAD);
  CHECK_I64(l3->account, STR_EMPTY);
  CHECK_STR(ds_str(&ds, l3->lead_source), "Ads");
  CHECK_I64(l3->created, 1000);
  /* padding zeroed: the struct compares equal to one built field by field */
  struct ds_person want;
  memset(&want, 0, sizeof want);
  want.key = l3->key;
  want.lead_source = l3->lead_source;
  want.created = 1000;
  want.origin = PERSON_LEAD;
  CHECK(memcmp(&want, l3, sizeof want) == 0);
  identity_release(&id);
  dataset_release(&ds);
}

/* Converted leads created at the same moment: the smaller Id wins, for the
 * created time and the LeadSource alike, whatever the input order. */
static void test_ties(void) {
  for (int order = 0; order < 2; order++) {
    struct identity id;
    dataset_init(&ds);
    struct id_contact c = {S("C9"), STR_EMPTY, STR_EMPTY, S("Own"), 9000};
    struct id_lead a = {S("LB"), STR_EMPTY, S("Second"), 4000, true, 0, DS_NONE};
    struct id_lead b = {S("LA"), STR_EMPTY, S("First"), 4000, true, 0, DS_NONE};
    struct id_lead late = {S("L0"), STR_EMPTY, S("Late"), 4001, true, 0, DS_NONE};
    struct id_lead ls[3] = {order ? b : a, order ? a : b, late};
    identity_build(&id, &ds, &c, 1, ls, 3);
    CHECK_I64(ds.npersons, 1);
    CHECK_STR(ds_str(&ds, ds.persons[0].lead_source), "First");
    CHECK_I64(ds.persons[0].created, 4000);
    identity_release(&id);
    dataset_release(&ds);
  }
}

static void test_links(void) {
  struct identity id;
  setup();
  identity_build(&id, &ds, contacts, 2, leads, 5);
  struct id_role roles[] = {{3, 1}, {2, 0}};
  identity_link(&id, &ds, roles, 2, leads, 5);
  /* the roles in order, then L1 (-> opportunity 0) and L5 (-> 1) */
  CHECK_I64(ds.nlinks, 4);
  if (ds.nlinks == 4) {
    CHECK(ds.links[0].opp == 3 && ds.links[0].person == id.contact_person[1]);
    CHECK(ds.links[1].opp == 2 && ds.links[1].person == id.contact_person[0]);
    CHECK(ds.links[2].opp == 0 && ds.links[2].person == id.contact_person[0]);
    CHECK(ds.links[3].opp == 1 && ds.links[3].person == id.lead_person[4]);
  }
  identity_release(&id);
  dataset_release(&ds);
}

static uint32_t marketo(const struct identity *id, uint32_t contact, uint32_t lead,
                        const char *email) {
  struct id_marketo m = {contact, lead, email ? S(email) : STR_EMPTY};
  return identity_marketo_person(id, &m);
}

static void test_marketo(void) {
  struct identity id;
  setup();
  identity_build(&id, &ds, contacts, 2, leads, 5);
  /* sfdcContactId first, then sfdcLeadId, then email */
  CHECK_I64(marketo(&id, 1, 2, "cy@x.com"), id.contact_person[1]);
  CHECK_I64(marketo(&id, DS_NONE, 2, "ann@x.com"), id.lead_person[2]);
  /* bob@x.com: Contact C2 before Lead L4, although L4 is older */
  CHECK_I64(marketo(&id, DS_NONE, DS_NONE, "bob@x.com"), id.contact_person[1]);
  CHECK_I64(marketo(&id, DS_NONE, DS_NONE, "cy@x.com"), id.lead_person[2]);
  CHECK_I64(marketo(&id, DS_NONE, DS_NONE, "nobody@x.com"), DS_NONE);
  CHECK_I64(marketo(&id, DS_NONE, DS_NONE, NULL), DS_NONE);
  /* out-of-range indexes count as unknown */
  CHECK_I64(marketo(&id, 7, 99, NULL), DS_NONE);
  /* a person of its own for the caller to make: appended, zeroed */
  uint32_t p = identity_add_person(&id, &ds, S("mkto:42"), STR_EMPTY, STR_EMPTY, 123,
                                   PERSON_MA_ONLY);
  CHECK_I64(p, 5);
  CHECK_STR(key_of(p), "mkto:42");
  CHECK_I64(ds.persons[p].origin, PERSON_MA_ONLY);
  identity_release(&id);
  dataset_release(&ds);
}

/* Two leads share an email: the older one, and on a tie the smaller Id. */
static void test_email_order(void) {
  struct identity id;
  dataset_init(&ds);
  struct id_lead ls[3] = {
      {S("LZ"), S("e@x.com"), STR_EMPTY, 500, false, DS_NONE, DS_NONE},
      {S("LY"), S("e@x.com"), STR_EMPTY, 400, false, DS_NONE, DS_NONE},
      {S("LX"), S("e@x.com"), STR_EMPTY, 400, false, DS_NONE, DS_NONE},
  };
  identity_build(&id, &ds, NULL, 0, ls, 3);
  CHECK_STR(key_of(marketo(&id, DS_NONE, DS_NONE, "e@x.com")), "LX");
  identity_release(&id);
  dataset_release(&ds);
}

int main(void) {
  test_people();
  test_ties();
  test_links();
  test_marketo();
  test_email_order();
  return check_exit();
}
