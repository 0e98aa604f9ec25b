/* Identity: who is one person, and which people link to which opportunity
 * (contract §3.1 "People", §3.3; docs/tables.md "Who is one person").
 * Pure rules over plain arrays, with no file and no stage state, so that
 * tests/unit/test_identity.c states them case by case; the normalize stage
 * (etl/normalize/normalize_people.c) only resolves ids to indexes and
 * calls them.
 *
 *  - every Contact is a person (PERSON_CONTACT, keyed by its Id);
 *  - a converted Lead whose ConvertedContactId is a known contact is that
 *    contact's person; any other Lead is a person of its own
 *    (PERSON_LEAD);
 *  - a contact person's person_created is the CreatedDate of its earliest
 *    converted lead, and its LeadSource the first non-empty LeadSource of
 *    its converted leads, both in (CreatedDate, Id bytewise) order; with
 *    no such lead, the contact's own values;
 *  - links: every OpportunityContactRole (its contact's person), then every
 *    Lead whose ConvertedOpportunityId is a known opportunity (the lead's
 *    person; IsConverted is not asked), in input order (the stage sorts
 *    and de-duplicates them later);
 *  - a Marketo lead is the person of its sfdcContactId (a known contact),
 *    else of its sfdcLeadId (a known lead), else of the best CRM record
 *    with its email: a Contact before a Lead, then the earlier CreatedDate,
 *    then the smaller Id (bytewise); else it has none, and the caller makes
 *    it a person of its own ("mkto:<id>", PERSON_MA_ONLY).
 *
 * Persons are appended to ds->persons, links to ds->links (every new
 * struct zeroed first, padding too, so that the intermediate file is
 * byte-identical run to run). Ids are str_ids of ds->strings. */
#ifndef ATTR_IDENTITY_H
#define ATTR_IDENTITY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "transforms/base/idmap.h"
#include "transforms/dataset.h"

/* A Contact as identity needs it. */
struct id_contact {
  str_id id, email, account, lead_source;
  int64_t created;
};

/* A Lead; contact and opp are the indexes of its ConvertedContactId and
 * ConvertedOpportunityId (in the contacts given and in ds->opps), DS_NONE
 * when empty or unknown. */
struct id_lead {
  str_id id, email, lead_source;
  int64_t created;
  bool converted;
  uint32_t contact, opp;
};

/* An OpportunityContactRole: opportunity index and contact index. */
struct id_role {
  uint32_t opp, contact;
};

/* A Marketo lead: the indexes of its sfdcContactId and sfdcLeadId among
 * the contacts and leads (DS_NONE when empty or unknown), and its email
 * (normalized, STR_EMPTY when none). */
struct id_marketo {
  uint32_t contact, lead;
  str_id email;
};

struct identity {
  uint32_t *contact_person; /* per contact: its person */
  uint32_t *lead_person;    /* per lead: its person */
  size_t ncontacts, nleads;
  struct idmap emails;      /* email -> best candidate (see identity.c) */
  size_t cappersons, caplinks; /* capacities of ds->persons, ds->links */
};

/* Makes the persons of contacts and leads (appended to ds->persons, which
 * the caller owns) and remembers each one's person and the email
 * candidates. Release id with identity_release. */
void identity_build(struct identity *id, struct dataset *ds, const struct id_contact *contacts,
                    size_t ncontacts, const struct id_lead *leads, size_t nleads);

/* Appends the links of the roles, then of the converted leads with a known
 * opportunity, to ds->links. */
void identity_link(struct identity *id, struct dataset *ds, const struct id_role *roles,
                   size_t nroles, const struct id_lead *leads, size_t nleads);

/* The person of a Marketo lead, or DS_NONE when it matches no CRM record. */
uint32_t identity_marketo_person(const struct identity *id, const struct id_marketo *m);

/* Appends a person (key, account, LeadSource, created, origin) to
 * ds->persons; returns its index. */
uint32_t identity_add_person(struct identity *id, struct dataset *ds, str_id key, str_id account,
                             str_id lead_source, int64_t created, enum ds_person_origin origin);

void identity_release(struct identity *id);

#endif
