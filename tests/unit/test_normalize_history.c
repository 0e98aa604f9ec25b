/* The normalize stage and OpportunityHistory (contract §1.1, §8, §9 "Order
 * of checks", "Several files"): an optional entity; its required columns;
 * IsDeleted; missing values (a blank StageName included; an empty
 * CreatedDate is allowed); the OpportunityId
 * reference to a kept opportunity; duplicate Ids after 15->18 conversion;
 * the reject ratio; the (opportunity, CreatedDate, Id) order in the data
 * set; and the opportunity's StageName and LeadSource, trimmed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "etl/common/config.h"
#include "etl/normalize/normalize.h"
#include "tests/unit/check.h"
#include "transforms/base/calendar.h"
#include "transforms/link.h"

static char dir[64];

static void write_file(const char *name, const char *text) {
  char path[256];
  snprintf(path, sizeof(path), "%s/%s", dir, name);
  FILE *f = fopen(path, "w");
  fputs(text, f);
  fclose(f);
}

static void remove_file(const char *name) {
  char path[256];
  snprintf(path, sizeof(path), "%s/%s", dir, name);
  unlink(path);
}

static const char *crm_campaign = "Id,Name,Type\n701000000000001AAA,Webinar,Webinar\n";
static const char *crm_lead = "Id,Email,CreatedDate\n";
static const char *crm_contact = "Id,Email,AccountId,CreatedDate\n";
/* 1: open, stage with spaces; 2: rejected (no JPY rate); 3: won */
static const char *crm_opp =
    "Id,AccountId,CreatedDate,CloseDate,IsClosed,IsWon,Amount,CurrencyIsoCode,StageName,LeadSource\n"
    "006000000000001AAA,001,2024-06-01T00:00:00Z,2024-09-30,false,false,10,,\"  Qualification \",\" Web \"\n"
    "006000000000002AAA,001,2024-06-01T00:00:00Z,2024-09-30,false,false,10,JPY,Prospecting,Web\n"
    "006000000000003AAA,001,2024-06-02T00:00:00Z,2024-09-30,true,true,10,,Closed Won,\n";
static const char *crm_role = "Id,OpportunityId,ContactId\n";
static const char *crm_member = "Id,CampaignId,HasResponded,CreatedDate\n";

/* Lines (header = 1):
 *  2 kept            opp 1 day 1 Prospecting
 *  3 kept            opp 1 day 3 Qualification (out of time order in the file)
 *  4 kept            opp 1 day 2 Prospecting (only the amount changed)
 *  5 deleted         opp 1 (skipped)
 *  6 kept            opp 3, Id 15 chars, stage with spaces
 *  7 reject          unknown opportunity
 *  8 reject          opportunity 2 was rejected (fx): unknown
 *  9 reject          empty StageName
 * 10 reject          blank StageName (only spaces)
 * 11 reject          bad CreatedDate and unknown opp: the value is reported
 * 12 reject          empty OpportunityId
 * 13 reject          duplicate of line 6 (after 15->18)
 * 14 reject          IsDeleted 'yes'
 * 15 reject          unknown opp and a duplicate Id: the reference is reported
 * 16 kept            the Id of deleted line 5, live: not a duplicate
 * 17 kept            opp 3, same time as line 6, smaller Id: sorts first
 * 18 reject          empty Id
 * 19 kept            opp 3, CreatedDate empty (not a required value): no time */
static const char *history =
    "Id,OpportunityId,CreatedDate,StageName,IsDeleted,Amount\n"
    "008000000000001AAA,006000000000001AAA,2024-06-01T00:00:00Z,Prospecting,false,10\n"
    "008000000000002AAA,006000000000001,2024-06-03T00:00:00Z,Qualification,false,10\n"
    "008000000000003AAA,006000000000001AAA,2024-06-02T00:00:00Z,Prospecting,,20\n"
    "008000000000004AAA,006000000000001AAA,2024-06-02T00:00:00Z,Prospecting,TRUE,20\n"
    "008000000000009,006000000000003AAA,2024-06-05T00:00:00Z,\" Needs Analysis \",0,10\n"
    "008000000000010AAA,006000000000099AAA,2024-06-05T00:00:00Z,Prospecting,false,10\n"
    "008000000000011AAA,006000000000002AAA,2024-06-05T00:00:00Z,Prospecting,false,10\n"
    "008000000000012AAA,006000000000001AAA,2024-06-05T00:00:00Z,,false,10\n"
    "008000000000013AAA,006000000000001AAA,2024-06-05T00:00:00Z,\"   \",false,10\n"
    "008000000000014AAA,006000000000099AAA,2024-02-30T00:00:00Z,Prospecting,false,10\n"
    "008000000000015AAA,,2024-06-05T00:00:00Z,Prospecting,false,10\n"
    "008000000000009AAA,006000000000003AAA,2024-06-06T00:00:00Z,Prospecting,false,10\n"
    "008000000000016AAA,006000000000001AAA,2024-06-05T00:00:00Z,Prospecting,yes,10\n"
    "008000000000001AAA,006000000000098AAA,2024-06-05T00:00:00Z,Prospecting,false,10\n"
    "008000000000004AAA,006000000000001AAA,2024-06-04T00:00:00Z,Negotiation/Review,false,10\n"
    "008000000000000AAA,006000000000003AAA,2024-06-05T00:00:00Z,Closed Won,false,10\n"
    ",006000000000003AAA,2024-06-05T00:00:00Z,Closed Won,false,10\n"
    "008000000000017AAA,006000000000003AAA,,Value Proposition,false,10\n";

static const char *conf_text = "[pipeline]\nmax_reject_ratio = %s\n[input]\ncrm = crm\n%s";

static const struct reject *reject_at(const struct reject_log *log, uint64_t line) {
  for (size_t i = 0; i < log->n; i++)
    if (strcmp(log->items[i].entity, "OpportunityHistory") == 0 && log->items[i].line == line)
      return &log->items[i];
  return NULL;
}

static void expect_reject(const struct reject_log *log, uint64_t line, const char *id,
                          const char *field, const char *reason_part) {
  const struct reject *r = reject_at(log, line);
  CHECK(r != NULL);
  if (!r) {
    fprintf(stderr, "  no reject on line %llu\n", (unsigned long long)line);
    return;
  }
  CHECK_STR(r->id, id);
  CHECK_STR(r->field, field);
  CHECK(strstr(r->reason, reason_part) != NULL);
  CHECK(r->severity == SEV_ERROR);
}

static const struct input_stats *stats_of(const struct reject_log *log, const char *entity) {
  for (size_t i = 0; i < log->ninputs; i++)
    if (strcmp(log->inputs[i].entity, entity) == 0)
      return &log->inputs[i];
  return NULL;
}

struct run {
  struct dataset ds;
  struct norm_state st;
  struct etl_config conf;
  enum norm_result res;
  struct strbuf err;
};

static void run(struct run *r, const char *ratio, const char *extra) {
  char text[1024], path[256];
  snprintf(text, sizeof(text), conf_text, ratio, extra);
  write_file("pipeline.conf", text);
  snprintf(path, sizeof(path), "%s/pipeline.conf", dir);
  struct strbuf cerr = STRBUF_INIT;
  if (etl_config_load(&r->conf, path, &cerr) != 0) {
    fprintf(stderr, "config: %s\n", strbuf_str(&cerr));
    exit(1);
  }
  strbuf_release(&cerr);
  strbuf_init(&r->err);
  dataset_init(&r->ds);
  norm_state_init(&r->st, &r->conf, &r->ds);
  r->res = normalize_run(&r->st, &r->err);
}

static void done(struct run *r) {
  norm_state_release(&r->st);
  dataset_release(&r->ds);
  etl_config_release(&r->conf);
  strbuf_release(&r->err);
}

static const char *opp_id(const struct dataset *ds, const struct ds_history *h) {
  return ds_str(ds, ds->opps[h->opp].id);
}

static void test_without_history(void) {
  struct run r;
  remove_file("crm/OpportunityHistory.csv");
  run(&r, "1", "");
  CHECK_I64(r.res, NORM_OK);
  if (r.res != NORM_OK)
    fprintf(stderr, "  normalize: %s\n", strbuf_str(&r.err));
  CHECK_I64(r.ds.nhistory, 0);
  CHECK(stats_of(&r.st.log, "OpportunityHistory") == NULL); /* not an input of this run */
  CHECK_I64(r.ds.nopps, 2);
  if (r.ds.nopps == 2) {
    CHECK_STR(ds_str(&r.ds, r.ds.opps[0].stage), "Qualification"); /* trimmed */
    CHECK_STR(ds_str(&r.ds, r.ds.opps[0].lead_source), "Web");
    CHECK_STR(ds_str(&r.ds, r.ds.opps[1].stage), "Closed Won");
    CHECK_STR(ds_str(&r.ds, r.ds.opps[1].lead_source), "");
  }
  done(&r);
}

static void test_rows(void) {
  struct run r;
  write_file("crm/OpportunityHistory.csv", history);
  run(&r, "1", "");
  CHECK_I64(r.res, NORM_OK);
  if (r.res != NORM_OK)
    fprintf(stderr, "  normalize: %s\n", strbuf_str(&r.err));
  const struct reject_log *log = &r.st.log;

  expect_reject(log, 7, "008000000000010AAA", "OpportunityId", "unknown reference");
  expect_reject(log, 8, "008000000000011AAA", "OpportunityId", "unknown reference");
  expect_reject(log, 9, "008000000000012AAA", "StageName", "missing value");
  expect_reject(log, 10, "008000000000013AAA", "StageName", "missing value");
  expect_reject(log, 11, "008000000000014AAA", "CreatedDate", "2024-02-30");
  expect_reject(log, 12, "008000000000015AAA", "OpportunityId", "missing value");
  expect_reject(log, 13, "008000000000009AAA", "Id", "duplicate");
  expect_reject(log, 14, "008000000000016AAA", "IsDeleted", "not a boolean");
  expect_reject(log, 15, "008000000000001AAA", "OpportunityId", "unknown reference");
  expect_reject(log, 18, "", "Id", "missing value");
  for (uint64_t line = 2; line <= 6; line++)
    CHECK(reject_at(log, line) == NULL);
  CHECK(reject_at(log, 16) == NULL && reject_at(log, 17) == NULL);

  const struct input_stats *s = stats_of(log, "OpportunityHistory");
  CHECK(s != NULL);
  if (s) {
    CHECK_I64(s->read, 18);
    CHECK_I64(s->kept, 7);
    CHECK_I64(s->rejected, 10);
    CHECK_STR(s->source, "OpportunityHistory.csv");
  }

  /* order: opportunity 1 by time (the file had day 3 before day 2), then
   * opportunity 3: the undated row first, then the smaller Id first at
   * the same time */
  static const char *const want_id[] = {"008000000000001AAA", "008000000000003AAA",
                                        "008000000000002AAA", "008000000000004AAA",
                                        "008000000000017AAA", "008000000000000AAA",
                                        "008000000000009AAA"};
  static const char *const want_stage[] = {"Prospecting",       "Prospecting",
                                           "Qualification",     "Negotiation/Review",
                                           "Value Proposition", "Closed Won",
                                           "Needs Analysis"};
  CHECK_I64(r.ds.nhistory, 7);
  for (size_t i = 0; i < r.ds.nhistory && i < 7; i++) {
    const struct ds_history *h = &r.ds.history[i];
    CHECK_STR(ds_str(&r.ds, h->id), want_id[i]);
    CHECK_STR(ds_str(&r.ds, h->stage), want_stage[i]);
    CHECK_STR(opp_id(&r.ds, h), i < 4 ? "006000000000001AAA" : "006000000000003AAA");
  }
  if (r.ds.nhistory == 7) {
    CHECK_I64(r.ds.history[0].created, cal_days_from_civil(2024, 6, 1) * 86400);
    CHECK_I64(r.ds.history[4].created, DS_NO_TIME);
    CHECK_I64(r.ds.history[5].created, r.ds.history[6].created);
  }
  const char *why;
  CHECK(link_check(&r.ds, &why) == 0);
  done(&r);
}

static void test_ratio_and_columns(void) {
  struct run r;
  /* 10 of 18 rows rejected: over 0.5, named by its entity */
  run(&r, "0.5", "");
  CHECK_I64(r.res, NORM_REJECT_RATIO);
  CHECK(strstr(strbuf_str(&r.err), "OpportunityHistory") != NULL);
  done(&r);
  /* both sides of 10/18 = 0.5556 (Opportunity's 1/3 passes both) */
  run(&r, "0.555", "");
  CHECK_I64(r.res, NORM_REJECT_RATIO);
  done(&r);
  run(&r, "0.556", "");
  CHECK_I64(r.res, NORM_OK);
  done(&r);

  /* a missing required column is a file-level fault, even for an optional entity */
  write_file("crm/OpportunityHistory.csv",
             "Id,OpportunityId,CreatedDate,Stage\n008000000000001AAA,006000000000001AAA,2024-06-01,X\n");
  run(&r, "1", "");
  CHECK_I64(r.res, NORM_DATA_FAULT);
  CHECK(strstr(strbuf_str(&r.err), "StageName") != NULL);
  done(&r);
  /* ... which [columns] can remap */
  run(&r, "1", "[columns \"OpportunityHistory\"]\nStageName = Stage\n");
  CHECK_I64(r.res, NORM_OK);
  CHECK_I64(r.ds.nhistory, 1);
  if (r.ds.nhistory == 1)
    CHECK_STR(ds_str(&r.ds, r.ds.history[0].stage), "X");
  done(&r);
  /* an empty file (header only) is fine */
  write_file("crm/OpportunityHistory.csv", "Id,OpportunityId,CreatedDate,StageName\n");
  run(&r, "0.5", "");
  CHECK_I64(r.res, NORM_OK);
  CHECK_I64(r.ds.nhistory, 0);
  done(&r);
}

int main(void) {
  snprintf(dir, sizeof(dir), "/tmp/test_normalize_history.XXXXXX");
  CHECK(mkdtemp(dir) != NULL);
  char sub[128];
  snprintf(sub, sizeof(sub), "%s/crm", dir);
  mkdir(sub, 0755);
  write_file("crm/Campaign.csv", crm_campaign);
  write_file("crm/Lead.csv", crm_lead);
  write_file("crm/Contact.csv", crm_contact);
  write_file("crm/Opportunity.csv", crm_opp);
  write_file("crm/OpportunityContactRole.csv", crm_role);
  write_file("crm/CampaignMember.csv", crm_member);

  test_without_history();
  test_rows();
  test_ratio_and_columns();

  char cmd[128];
  snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
  CHECK(system(cmd) == 0);
  return check_exit();
}
