/* The Salesforce entities of the normalize stage (contract §1.1, §2,
 * §9): Campaign, Lead, Contact, Opportunity, OpportunityContactRole,
 * CampaignMember and the optional OpportunityHistory, read from the CRM
 * archive or directory in dependency order
 * so that every reference can be checked against rows already kept. Each
 * row goes through the checks in the contract's order: field count (the
 * table), IsDeleted, values, references, duplicate key. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "etl/normalize/normalize.h"
#include "etl/input/reader.h"
#include "transforms/base/calendar.h"
#include "transforms/base/xalloc.h"
#include "transforms/funnel_stages.h"

#define NCOLS(a) (sizeof(a) / sizeof((a)[0]))

/* Reads the primary key cell; rejects the row when it is empty. */
static int row_key(struct norm_state *st, struct input_table *t, size_t col, str_id *id) {
  size_t n;
  const char *s = input_table_get(t, col, &n);
  if (n == 0) {
    norm_reject_missing(st, t, col, NULL);
    return -1;
  }
  *id = norm_sfid(st, s, n);
  return 0;
}

static str_id opt_sfid(struct norm_state *st, struct input_table *t, size_t col) {
  size_t n;
  const char *s = input_table_get(t, col, &n);
  return n ? norm_sfid(st, s, n) : STR_EMPTY;
}

static str_id opt_text(struct norm_state *st, struct input_table *t, size_t col) {
  size_t n;
  const char *s = input_table_get(t, col, &n);
  return norm_text(st, s, n);
}

static str_id currency_code(struct norm_state *st, struct input_table *t, size_t col) {
  const char *code = norm_currency(st, t, col);
  return norm_text(st, code, st->sb.len);
}

static const char *S(const struct norm_state *st, str_id id) { return ds_str(st->ds, id); }

static void reject_dup(struct norm_state *st, struct input_table *t, size_t col, str_id id) {
  reject_add(&st->log, t->input, t->rec.line, S(st, id), t->specs[col].name, SEV_ERROR,
             "duplicate Id (first kept row wins)");
}

/* --- Campaign ----------------------------------------------------------- */
enum { CA_ID, CA_NAME, CA_TYPE, CA_START, CA_END, CA_COST, CA_CUR, CA_DEL };
static const struct col_spec campaign_cols[] = {
    {"Id", true},        {"Name", true},       {"Type", true},
    {"StartDate", false}, {"EndDate", false}, {"ActualCost", false},
    {"CurrencyIsoCode", false}, {"IsDeleted", false}};

static void campaign_row(struct norm_state *st, struct input_table *t, struct idmap *seen) {
  (void)seen; /* duplicates are found through the entity's own id map */
  str_id id;
  if (row_key(st, t, CA_ID, &id) != 0 || norm_skip_deleted(st, t, CA_DEL, S(st, id)))
    return;
  struct ts_value start = {0}, end = {0};
  bool has_start, has_end;
  int64_t cost = 0;
  if (norm_ts(st, t, CA_START, S(st, id), false, &start, &has_start) != 0 ||
      norm_ts(st, t, CA_END, S(st, id), false, &end, &has_end) != 0 ||
      norm_money(st, t, CA_COST, S(st, id), &cost) != 0)
    return;
  uint32_t prev;
  if (idmap_get(&st->campaign_by_id, id, &prev)) {
    reject_dup(st, t, CA_ID, id);
    return;
  }
  XGROW(st->campaigns, st->capcampaigns, st->ncampaigns + 1);
  struct norm_campaign *c = &st->campaigns[st->ncampaigns];
  memset(c, 0, sizeof(*c));
  c->id = id;
  c->name = opt_text(st, t, CA_NAME);
  c->type = opt_text(st, t, CA_TYPE);
  c->currency = currency_code(st, t, CA_CUR);
  c->cost_cents = cost;
  c->start = has_start ? start.written_day : DS_NO_DAY;
  c->end = has_end && has_start && end.written_day >= start.written_day ? end.written_day : c->start;
  size_t kn;
  const char *name = input_table_get(t, CA_NAME, &kn);
  campaign_key(name, kn, &st->sb);
  c->key = st->sb.len ? strpool_intern(&st->keys, st->sb.buf, st->sb.len) : STR_EMPTY;
  idmap_put(&st->campaign_by_id, id, (uint32_t)st->ncampaigns);
  input_table_keep(t, S(st, id));
  if (cost != 0 && !has_start)
    reject_add(&st->log, t->input, t->rec.line, S(st, id), "ActualCost", SEV_WARNING,
               "ActualCost without StartDate: cost not counted");
  if (cost != 0 && has_start) {
    int64_t conv;
    if (fx_convert(&st->fx, S(st, c->currency), start.written_day, cost, &conv) != 0) {
      reject_add(&st->log, t->input, t->rec.line, S(st, id), "CurrencyIsoCode", SEV_WARNING,
                 "no fx rate for %s on StartDate: cost not counted", S(st, c->currency));
      c->cost_cents = 0;
    } else {
      c->cost_cents = conv;
    }
  }
  st->ncampaigns++;
}

/* Campaign keys: the smallest Id wins for two campaigns with one key. */
static void index_campaign_keys(struct norm_state *st) {
  for (size_t i = 0; i < st->ncampaigns; i++) {
    const struct norm_campaign *c = &st->campaigns[i];
    if (c->key == STR_EMPTY)
      continue;
    uint32_t other;
    if (idmap_get(&st->campaign_by_key, c->key, &other) &&
        strcmp(S(st, st->campaigns[other].id), S(st, c->id)) <= 0)
      continue;
    idmap_put(&st->campaign_by_key, c->key, (uint32_t)i);
  }
}

/* --- Lead ----------------------------------------------------------------- */
enum { LE_ID, LE_EMAIL, LE_CREATED, LE_SOURCE, LE_CONV, LE_CONTACT, LE_OPP, LE_DEL };
static const struct col_spec lead_cols[] = {
    {"Id", true},           {"Email", true},           {"CreatedDate", true},
    {"LeadSource", false},  {"IsConverted", false},    {"ConvertedContactId", false},
    {"ConvertedOpportunityId", false}, {"IsDeleted", false}};

static void lead_row(struct norm_state *st, struct input_table *t, struct idmap *seen) {
  (void)seen; /* duplicates are found through the entity's own id map */
  str_id id;
  if (row_key(st, t, LE_ID, &id) != 0 || norm_skip_deleted(st, t, LE_DEL, S(st, id)))
    return;
  struct ts_value created;
  bool converted;
  if (norm_ts(st, t, LE_CREATED, S(st, id), true, &created, NULL) != 0 ||
      norm_bool(st, t, LE_CONV, S(st, id), &converted) != 0)
    return;
  uint32_t prev;
  if (idmap_get(&st->lead_by_id, id, &prev)) {
    reject_dup(st, t, LE_ID, id);
    return;
  }
  size_t n;
  const char *email = input_table_get(t, LE_EMAIL, &n);
  bool invalid;
  XGROW(st->leads, st->capleads, st->nleads + 1);
  struct norm_lead *l = &st->leads[st->nleads];
  l->id = id;
  l->email = norm_email(st, email, n, &invalid);
  l->created = created.utc;
  l->converted = converted;
  l->lead_source = opt_text(st, t, LE_SOURCE);
  l->conv_contact = opt_sfid(st, t, LE_CONTACT);
  l->conv_opp = opt_sfid(st, t, LE_OPP);
  l->person = DS_NONE;
  idmap_put(&st->lead_by_id, id, (uint32_t)st->nleads++);
  input_table_keep(t, S(st, id));
  if (invalid)
    norm_warn_email(st, t, LE_EMAIL, S(st, id));
}

/* --- Contact -------------------------------------------------------------- */
enum { CO_ID, CO_EMAIL, CO_ACCOUNT, CO_CREATED, CO_SOURCE, CO_DEL };
static const struct col_spec contact_cols[] = {
    {"Id", true},          {"Email", true},       {"AccountId", true},
    {"CreatedDate", true}, {"LeadSource", false}, {"IsDeleted", false}};

static void contact_row(struct norm_state *st, struct input_table *t, struct idmap *seen) {
  (void)seen; /* duplicates are found through the entity's own id map */
  str_id id;
  if (row_key(st, t, CO_ID, &id) != 0 || norm_skip_deleted(st, t, CO_DEL, S(st, id)))
    return;
  struct ts_value created;
  if (norm_ts(st, t, CO_CREATED, S(st, id), true, &created, NULL) != 0)
    return;
  uint32_t prev;
  if (idmap_get(&st->contact_by_id, id, &prev)) {
    reject_dup(st, t, CO_ID, id);
    return;
  }
  size_t n;
  const char *email = input_table_get(t, CO_EMAIL, &n);
  bool invalid;
  XGROW(st->contacts, st->capcontacts, st->ncontacts + 1);
  struct norm_contact *c = &st->contacts[st->ncontacts];
  c->id = id;
  c->email = norm_email(st, email, n, &invalid);
  c->account = opt_sfid(st, t, CO_ACCOUNT);
  c->created = created.utc;
  c->lead_source = opt_text(st, t, CO_SOURCE);
  c->person = DS_NONE;
  idmap_put(&st->contact_by_id, id, (uint32_t)st->ncontacts++);
  input_table_keep(t, S(st, id));
  if (invalid)
    norm_warn_email(st, t, CO_EMAIL, S(st, id));
}

/* --- Opportunity ------------------------------------------------------------ */
enum { OP_ID, OP_ACCOUNT, OP_CREATED, OP_CLOSE, OP_CLOSED, OP_WON, OP_AMOUNT, OP_CUR, OP_CAMPAIGN, OP_DEL,
       OP_STAGE, OP_SOURCE, OP_NAME };
static const struct col_spec opp_cols[] = {
    {"Id", true},       {"AccountId", true},         {"CreatedDate", true}, {"CloseDate", true},
    {"IsClosed", true}, {"IsWon", true},             {"Amount", true},
    {"CurrencyIsoCode", false}, {"CampaignId", false}, {"IsDeleted", false},
    {"StageName", false}, {"LeadSource", false}, {"Name", false}};

static int convert_or_reject(struct norm_state *st, struct input_table *t, str_id id, str_id cur,
                             int32_t day, const char *what, int64_t cents, int64_t *out) {
  int rc = fx_convert(&st->fx, S(st, cur), day, cents, out);
  if (rc == 0)
    return 0;
  char date[16];
  cal_format_date(day, date);
  if (rc == -1)
    reject_add(&st->log, t->input, t->rec.line, S(st, id), "CurrencyIsoCode", SEV_ERROR,
               "no fx rate for %s on %s (%s)", S(st, cur), date, what);
  else
    reject_add(&st->log, t->input, t->rec.line, S(st, id), "Amount", SEV_ERROR,
               "amount overflows after conversion to %s", st->conf->currency);
  return -1;
}

static void opportunity_row(struct norm_state *st, struct input_table *t, struct idmap *seen) {
  (void)seen; /* duplicates are found through the entity's own id map */
  str_id id;
  if (row_key(st, t, OP_ID, &id) != 0 || norm_skip_deleted(st, t, OP_DEL, S(st, id)))
    return;
  struct ts_value created, close;
  bool closed, won;
  int64_t amount;
  if (norm_ts(st, t, OP_CREATED, S(st, id), true, &created, NULL) != 0 ||
      norm_ts(st, t, OP_CLOSE, S(st, id), true, &close, NULL) != 0 ||
      norm_bool(st, t, OP_CLOSED, S(st, id), &closed) != 0 ||
      norm_bool(st, t, OP_WON, S(st, id), &won) != 0 ||
      norm_money(st, t, OP_AMOUNT, S(st, id), &amount) != 0)
    return;
  str_id cur = currency_code(st, t, OP_CUR);
  int64_t pipeline, revenue = 0;
  if (convert_or_reject(st, t, id, cur, (int32_t)cal_day_of(created.utc), "CreatedDate", amount,
                        &pipeline) != 0)
    return;
  if (won && convert_or_reject(st, t, id, cur, close.written_day, "CloseDate", amount,
                               &revenue) != 0)
    return;
  uint32_t prev;
  if (idmap_get(&st->opp_by_id, id, &prev)) {
    reject_dup(st, t, OP_ID, id);
    return;
  }
  XGROW(st->ds->opps, st->capopps, st->ds->nopps + 1);
  struct ds_opportunity *o = &st->ds->opps[st->ds->nopps];
  memset(o, 0, sizeof(*o));
  o->id = id;
  o->account = opt_sfid(st, t, OP_ACCOUNT);
  str_id campaign = opt_sfid(st, t, OP_CAMPAIGN);
  uint32_t ci;
  o->campaign = campaign != STR_EMPTY && idmap_get(&st->campaign_by_id, campaign, &ci) ? ci : DS_NONE;
  o->flags = (closed ? DS_OPP_CLOSED : 0) | (won ? DS_OPP_WON : 0);
  o->created = created.utc;
  o->close_day = close.written_day;
  /* a CloseDate written with a time ends the window at that time (contract
   * §9 Values, 1.2); a date alone at 23:59:59 of that day */
  o->close_end = close.date_only ? (int64_t)close.written_day * SECS_PER_DAY -
                                       st->conf->naive_utc_offset + SECS_PER_DAY - 1
                                 : close.utc;
  o->pipeline_cents = pipeline;
  o->revenue_cents = revenue;
  o->stage = norm_trimmed_text(st, t, OP_STAGE);
  o->lead_source = norm_trimmed_text(st, t, OP_SOURCE);
  o->amount_cents = amount;
  o->name = opt_text(st, t, OP_NAME);
  o->currency = S(st, cur)[0] ? cur : norm_text(st, st->conf->currency, strlen(st->conf->currency));
  idmap_put(&st->opp_by_id, id, (uint32_t)st->ds->nopps++);
  input_table_keep(t, S(st, id));
}

/* --- OpportunityContactRole ---------------------------------------------- */
enum { OR_ID, OR_OPP, OR_CONTACT, OR_DEL };
static const struct col_spec role_cols[] = {
    {"Id", true}, {"OpportunityId", true}, {"ContactId", true}, {"IsDeleted", false}};

static int required_ref(struct norm_state *st, struct input_table *t, size_t col, str_id id,
                        str_id *ref) {
  size_t n;
  input_table_get(t, col, &n);
  if (n == 0) {
    norm_reject_missing(st, t, col, S(st, id));
    return -1;
  }
  *ref = opt_sfid(st, t, col);
  return 0;
}

static void unknown_ref(struct norm_state *st, struct input_table *t, size_t col, str_id id,
                        str_id ref) {
  reject_add(&st->log, t->input, t->rec.line, S(st, id), t->specs[col].name, SEV_ERROR,
             "unknown reference '%s'", S(st, ref));
}

static void role_row(struct norm_state *st, struct input_table *t, struct idmap *seen) {
  str_id id, opp, contact;
  if (row_key(st, t, OR_ID, &id) != 0 || norm_skip_deleted(st, t, OR_DEL, S(st, id)))
    return;
  if (required_ref(st, t, OR_OPP, id, &opp) != 0 || required_ref(st, t, OR_CONTACT, id, &contact) != 0)
    return;
  uint32_t oi, ci, prev;
  if (!idmap_get(&st->opp_by_id, opp, &oi)) {
    unknown_ref(st, t, OR_OPP, id, opp);
    return;
  }
  if (!idmap_get(&st->contact_by_id, contact, &ci)) {
    unknown_ref(st, t, OR_CONTACT, id, contact);
    return;
  }
  if (idmap_get(seen, id, &prev)) {
    reject_dup(st, t, OR_ID, id);
    return;
  }
  idmap_put(seen, id, 0);
  XGROW(st->roles, st->caproles, st->nroles + 1);
  st->roles[st->nroles].opp = oi;
  st->roles[st->nroles].person = ci; /* contact index until people are built */
  st->nroles++;
  input_table_keep(t, S(st, id));
}

/* --- CampaignMember ------------------------------------------------------- */
enum { CM_ID, CM_CAMPAIGN, CM_LEAD, CM_CONTACT, CM_RESPONDED, CM_CREATED, CM_FIRST, CM_DEL };
static const struct col_spec member_cols[] = {
    {"Id", true},           {"CampaignId", true},   {"LeadId", false},
    {"ContactId", false},   {"HasResponded", true}, {"CreatedDate", true},
    {"FirstRespondedDate", false}, {"IsDeleted", false}};

static void member_row(struct norm_state *st, struct input_table *t, struct idmap *seen) {
  str_id id, campaign;
  if (row_key(st, t, CM_ID, &id) != 0 || norm_skip_deleted(st, t, CM_DEL, S(st, id)))
    return;
  /* values in the contract's column order: CampaignId, HasResponded,
   * CreatedDate, then LeadId/ContactId, FirstRespondedDate */
  struct ts_value created, first;
  bool responded, has_first;
  if (required_ref(st, t, CM_CAMPAIGN, id, &campaign) != 0 ||
      norm_bool(st, t, CM_RESPONDED, S(st, id), &responded) != 0 ||
      norm_ts(st, t, CM_CREATED, S(st, id), true, &created, NULL) != 0)
    return;
  str_id lead = opt_sfid(st, t, CM_LEAD), contact = opt_sfid(st, t, CM_CONTACT);
  if (lead == STR_EMPTY && contact == STR_EMPTY) {
    reject_add(&st->log, t->input, t->rec.line, S(st, id), "LeadId", SEV_ERROR,
               "neither LeadId nor ContactId is set");
    return;
  }
  if (norm_ts(st, t, CM_FIRST, S(st, id), false, &first, &has_first) != 0)
    return;
  uint32_t ci, li = DS_NONE, ki = DS_NONE, prev;
  if (!idmap_get(&st->campaign_by_id, campaign, &ci)) {
    unknown_ref(st, t, CM_CAMPAIGN, id, campaign);
    return;
  }
  if (lead != STR_EMPTY && !idmap_get(&st->lead_by_id, lead, &li)) {
    unknown_ref(st, t, CM_LEAD, id, lead);
    return;
  }
  if (contact != STR_EMPTY && !idmap_get(&st->contact_by_id, contact, &ki)) {
    unknown_ref(st, t, CM_CONTACT, id, contact);
    return;
  }
  if (idmap_get(seen, id, &prev)) {
    reject_dup(st, t, CM_ID, id);
    return;
  }
  idmap_put(seen, id, 0);
  XGROW(st->members, st->capmembers, st->nmembers + 1);
  struct norm_member *m = &st->members[st->nmembers++];
  m->campaign = ci;
  m->lead = li;
  m->contact = ki;
  m->id = id;
  m->time = has_first ? first.utc : created.utc;
  m->responded = responded;
  input_table_keep(t, S(st, id));
}

/* --- OpportunityHistory (optional) ---------------------------------------- */
enum { HI_ID, HI_OPP, HI_CREATED, HI_STAGE, HI_DEL };
static const struct col_spec history_cols[] = {
    {"Id", true}, {"OpportunityId", true}, {"CreatedDate", true}, {"StageName", true},
    {"IsDeleted", false}};

static void history_row(struct norm_state *st, struct input_table *t, struct idmap *seen) {
  str_id id, opp;
  if (row_key(st, t, HI_ID, &id) != 0 || norm_skip_deleted(st, t, HI_DEL, S(st, id)))
    return;
  /* CreatedDate is not among the values the contract requires (§9): an
   * empty one keeps the row, without a time */
  struct ts_value created;
  bool dated;
  if (required_ref(st, t, HI_OPP, id, &opp) != 0 ||
      norm_ts(st, t, HI_CREATED, S(st, id), false, &created, &dated) != 0)
    return;
  size_t n;
  const char *stage = input_table_get(t, HI_STAGE, &n);
  stage = funnel_trim(stage, &n);
  if (n == 0) { /* stage names are trimmed: blank is missing */
    norm_reject_missing(st, t, HI_STAGE, S(st, id));
    return;
  }
  uint32_t oi, prev;
  if (!idmap_get(&st->opp_by_id, opp, &oi)) {
    unknown_ref(st, t, HI_OPP, id, opp);
    return;
  }
  if (idmap_get(seen, id, &prev)) {
    reject_dup(st, t, HI_ID, id);
    return;
  }
  idmap_put(seen, id, 0);
  XGROW(st->ds->history, st->caphistory, st->ds->nhistory + 1);
  struct ds_history *h = &st->ds->history[st->ds->nhistory++];
  memset(h, 0, sizeof(*h));
  h->id = id;
  h->opp = oi; /* index before the opportunities are sorted (normalize_finish) */
  h->created = dated ? created.utc : DS_NO_TIME;
  h->stage = norm_text(st, stage, n);
  input_table_stats(t)->kept++;
}

/* --- driver of this file ---------------------------------------------------- */
typedef void (*row_fn)(struct norm_state *, struct input_table *, struct idmap *);

struct crm_entity {
  const char *name;
  const struct col_spec *cols;
  size_t ncols;
  row_fn row;
  bool optional; /* an absent entry is no fault */
};

static const struct crm_entity crm_entities[] = {
    {"Campaign", campaign_cols, NCOLS(campaign_cols), campaign_row, false},
    {"Lead", lead_cols, NCOLS(lead_cols), lead_row, false},
    {"Contact", contact_cols, NCOLS(contact_cols), contact_row, false},
    {"Opportunity", opp_cols, NCOLS(opp_cols), opportunity_row, false},
    {"OpportunityContactRole", role_cols, NCOLS(role_cols), role_row, false},
    {"CampaignMember", member_cols, NCOLS(member_cols), member_row, false},
    /* last, so that the other inputs keep their place in the manifest */
    {"OpportunityHistory", history_cols, NCOLS(history_cols), history_row, true},
};

/* --- etl check: currencies of opportunities with no fx rate ---------------- */

struct missing_rate {
  char code[16];
  uint64_t opps;
  int32_t day;       /* the first date that needed a rate */
  const char *what;  /* "CreatedDate" or "CloseDate" */
  uint64_t line;
  char *source;
};

/* Notes the first date of the row that has no rate in its currency. */
static void note_missing_rate(struct missing_rate **list, size_t *n, size_t *cap, const char *code,
                              int32_t day, const char *what, const struct input_table *t) {
  for (size_t i = 0; i < *n; i++)
    if (strcmp((*list)[i].code, code) == 0) {
      (*list)[i].opps++;
      return;
    }
  XGROW(*list, *cap, *n + 1);
  struct missing_rate *m = &(*list)[(*n)++];
  memset(m, 0, sizeof(*m));
  snprintf(m->code, sizeof(m->code), "%s", code);
  m->opps = 1;
  m->day = day;
  m->what = what;
  m->line = t->rec.line;
  m->source = xstrdup(input_table_stats(t)->source);
}

/* Reads the opportunities' currency and dates only, and reports in
 * st->report every currency whose opportunities would be rejected for want
 * of a rate (the rows' other faults are left to the run). */
static int check_currencies(struct norm_state *st, struct input_table *t, struct strbuf *err) {
  struct missing_rate *list = NULL;
  size_t n = 0, cap = 0;
  int rc;
  while ((rc = input_table_next(t, err)) > 0) {
    const char *code = norm_currency(st, t, OP_CUR);
    struct ts_value created, close;
    bool won = false;
    size_t len, clen, wlen;
    const char *cs = input_table_get(t, OP_CREATED, &len);
    const char *ks = input_table_get(t, OP_CLOSE, &clen);
    const char *ws = input_table_get(t, OP_WON, &wlen);
    const char *why;
    int64_t out;
    if (!*code || ts_parse(cs, len, st->conf->naive_utc_offset, &created, &why) != 0)
      continue;
    if (fx_convert(&st->fx, code, (int32_t)cal_day_of(created.utc), 100, &out) == -1) {
      note_missing_rate(&list, &n, &cap, code, (int32_t)cal_day_of(created.utc), "CreatedDate", t);
      continue;
    }
    if (bool_parse(ws, wlen, &won) == 0 && won &&
        ts_parse(ks, clen, st->conf->naive_utc_offset, &close, &why) == 0 &&
        fx_convert(&st->fx, code, close.written_day, 100, &out) == -1)
      note_missing_rate(&list, &n, &cap, code, close.written_day, "CloseDate", t);
  }
  for (size_t i = 0; i < n; i++) {
    char date[16];
    cal_format_date(list[i].day, date);
    strbuf_addf(&st->report,
                "warning: %" PRIu64 " opportunit%s in %s %s no fx rate (the first needs one "
                "on %s, its %s: %s line %" PRIu64 "); without a rate they are rejected\n",
                list[i].opps, list[i].opps == 1 ? "y" : "ies", list[i].code,
                list[i].opps == 1 ? "has" : "have", date, list[i].what, list[i].source,
                list[i].line);
    free(list[i].source);
  }
  free(list);
  return rc;
}

static int read_entity(struct norm_state *st, const struct norm_crm *crm,
                       const struct crm_entity *e, struct strbuf *err) {
  struct input_table t;
  int found = norm_open_crm(st, crm, e->name, e->optional, e->cols, e->ncols, &t, err);
  if (found == 0) /* an optional entity in no part */
    return 0;
  if (found < 0)
    return -1;
  int rc = 0;
  if (st->check_only && e->row == opportunity_row)
    rc = check_currencies(st, &t, err);
  if (!st->check_only) {
    struct idmap seen;
    idmap_init(&seen);
    while ((rc = input_table_next(&t, err)) > 0)
      e->row(st, &t, &seen);
    idmap_release(&seen);
    norm_log_input(st, e->name);
  }
  input_table_close(&t);
  return rc < 0 ? -1 : 0;
}

int normalize_crm(struct norm_state *st, struct strbuf *err) {
  struct norm_crm crm;
  int rc = norm_crm_open(st, &crm, err);
  for (size_t i = 0; rc == 0 && i < NCOLS(crm_entities); i++) {
    rc = read_entity(st, &crm, &crm_entities[i], err);
    if (rc == 0 && i == 0)
      index_campaign_keys(st);
  }
  norm_crm_close(&crm);
  return rc;
}

const char *const *normalize_crm_entity_names(void) {
  static const char *names[NCOLS(crm_entities) + 1];
  for (size_t i = 0; i < NCOLS(crm_entities); i++)
    names[i] = crm_entities[i].name;
  return names;
}
