/* The normalized data set: what etl-normalize produces from the exports and
 * etl-attribute consumes. All text is interned in one string pool; all money
 * is already in integer cents of the corporate currency (fx applied; only an
 * opportunity's amount_cents stays in its own currency, for display); all
 * times are UTC seconds. Arrays of plain fixed-size structs so that the
 * intermediate file (etl/common/dataset_io.h) is the arrays written as they are.
 *
 * Invariants established by etl-normalize:
 *  - campaigns sorted by id (bytewise), ids unique;
 *  - persons sorted by key (bytewise), keys unique;
 *  - touches de-duplicated (§3.2) and sorted by (person, time, touch_id);
 *  - opportunities sorted by id (bytewise), ids unique, fx already applied
 *    (the Amount as written is kept beside, in the deal's own currency);
 *  - links sorted by (opp, person), unique: contact roles and converted
 *    leads (account_based linking is done by the attribution stage);
 *  - costs in file order, already converted to corporate cents;
 *  - history (OpportunityHistory rows of kept opportunities) sorted by
 *    (opp, CreatedDate, Id bytewise), ids unique. */
#ifndef ATTR_DATASET_H
#define ATTR_DATASET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "transforms/base/strpool.h"

#define DS_NONE UINT32_MAX /* "no index" for optional references */
#define DS_NO_DAY INT32_MIN
#define DS_NO_TIME INT64_MIN /* an optional timestamp left empty */

struct ds_campaign {
  str_id id, name, type;
  str_id channel;      /* channel of the campaign's Type alone (rules) */
  int64_t cost_cents;  /* ActualCost in corporate cents; 0 when not counted */
  int32_t cost_start;  /* StartDate day number (written date), DS_NO_DAY */
  int32_t cost_end;    /* EndDate day (>= cost_start; = start if absent/before) */
};

enum ds_person_origin { PERSON_CONTACT = 0, PERSON_LEAD = 1, PERSON_MA_ONLY = 2 };

struct ds_person {
  str_id key;         /* Contact Id, Lead Id, or "mkto:<id>" */
  str_id account;     /* Contact AccountId; empty for leads and MA-only */
  str_id lead_source; /* §9 "People and touches" */
  int64_t created;    /* person_created, UTC seconds */
  uint32_t origin;    /* enum ds_person_origin */
};

struct ds_touch {
  str_id touch_id;   /* "cm:<Id>" or "ma:<marketoGUID>" */
  str_id channel;
  uint32_t person;   /* index into persons */
  uint32_t campaign; /* index into campaigns, or DS_NONE */
  int64_t time;      /* UTC seconds */
  str_id kind;       /* kind name: campaign_response, or from ma_touch_types */
  uint32_t pad;
};

struct ds_opportunity {
  str_id id, account;
  uint32_t campaign;      /* Primary Campaign Source index, or DS_NONE */
  uint32_t flags;         /* DS_OPP_CLOSED | DS_OPP_WON */
  str_id stage;           /* StageName, trimmed */
  str_id lead_source;     /* LeadSource, trimmed */
  int64_t created;        /* CreatedDate, UTC seconds */
  int64_t close_end;      /* end of CloseDate: 23:59:59 at naive offset, UTC s */
  int32_t close_day;      /* CloseDate written date, day number */
  int32_t pad;
  int64_t pipeline_cents; /* Amount at the CreatedDate rate */
  int64_t revenue_cents;  /* Amount at the CloseDate rate (won only, else 0) */
  /* The deal as the CRM shows it, for opportunities.csv: */
  str_id name;            /* Name as written */
  str_id currency;        /* CurrencyIsoCode trimmed, upper case; corporate when empty */
  int64_t amount_cents;   /* Amount in that currency (before fx) */
};
#define DS_OPP_CLOSED 1u
#define DS_OPP_WON 2u

struct ds_link {
  uint32_t opp, person;
};

struct ds_cost {
  int32_t day;       /* written date */
  uint32_t campaign; /* index, or DS_NONE for a channel cost row */
  str_id channel;    /* channel row: its channel; campaign row: empty */
  uint32_t pad;
  int64_t cents;     /* corporate cents */
};

/* One kept OpportunityHistory row (contract §1.1): a stage, amount,
 * probability or close date change of an opportunity. */
struct ds_history {
  str_id id;
  uint32_t opp;    /* index into opps */
  int64_t created; /* CreatedDate, UTC seconds; DS_NO_TIME when empty */
  str_id stage;    /* StageName, trimmed (never empty) */
  uint32_t pad;
};

struct dataset {
  struct strpool strings;
  struct ds_campaign *campaigns;
  size_t ncampaigns;
  struct ds_person *persons;
  size_t npersons;
  struct ds_touch *touches;
  size_t ntouches;
  struct ds_opportunity *opps;
  size_t nopps;
  struct ds_link *links;
  size_t nlinks;
  struct ds_cost *costs;
  size_t ncosts;
  struct ds_history *history; /* empty without OpportunityHistory.csv */
  size_t nhistory;
};

void dataset_init(struct dataset *ds);
void dataset_release(struct dataset *ds);
static inline const char *ds_str(const struct dataset *ds, str_id id) {
  return strpool_str(&ds->strings, id);
}

#endif
