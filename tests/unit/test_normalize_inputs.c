/* The normalize stage on the input rules of contract 1.2, over small
 * exports written to a scratch folder: inputs in several files (a Marketo
 * directory with a file whose columns are in another order, a CRM pattern
 * of two export parts with an entity in parts), re-exported rows against
 * true duplicates (and a copy of a rejected row), per-file line numbers,
 * sources and counts (read = kept + rejected + deleted + skipped), the
 * reject ratio over the whole input, kinds as names (two type ids sharing a
 * kind, matched by a `kind` channel rule), a CloseDate with a time, the
 * warning for a cost row of an unconfigured channel, and the faults of an
 * entity twice in one part or in no part. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "etl/common/config.h"
#include "etl/normalize/normalize.h"
#include "tests/unit/check.h"
#include "transforms/base/calendar.h"

static char dir[64];

static void write_file(const char *name, const char *text) {
  char path[256];
  snprintf(path, sizeof(path), "%s/%s", dir, name);
  FILE *f = fopen(path, "w");
  if (!f) {
    perror(path);
    exit(1);
  }
  fputs(text, f);
  fclose(f);
}

static void make_dir(const char *name) {
  char path[256];
  snprintf(path, sizeof(path), "%s/%s", dir, name);
  mkdir(path, 0755);
}

/* --- a CRM export in two parts ------------------------------------------------ */

static void write_crm(void) {
  make_dir("crm");
  make_dir("crm/WE_1");
  make_dir("crm/WE_2");
  make_dir("crm/WE_2/export");
  write_file("crm/WE_1/Campaign.csv",
             "Id,Name,Type\n"
             "701000000000001AAA,Q1 Launch,Webinar\n");
  write_file("crm/WE_1/Lead.csv",
             "Id,Email,CreatedDate\n"
             "00Q000000000001AAA,ann@example.com,2024-01-05T10:00:00Z\n");
  write_file("crm/WE_2/Contact.csv", "Id,Email,AccountId,CreatedDate\n");
  write_file("crm/WE_2/export/Opportunity.csv",
             "Id,AccountId,CreatedDate,CloseDate,IsClosed,IsWon,Amount\n"
             "006000000000001AAA,001000000000001AAA,2024-06-01T00:00:00Z,2024-09-20T12:30:00Z,true,true,100\n"
             "006000000000002AAA,001000000000001AAA,2024-06-01T00:00:00Z,2024-09-20,true,true,100\n"
             "006000000000003AAA,001000000000001AAA,2024-06-01T00:00:00Z,2024-09-20T23:00:00,true,true,100\n");
  write_file("crm/WE_1/OpportunityContactRole.csv", "Id,OpportunityId,ContactId\n");
  /* CampaignMember in parts: the second part's first row repeats an Id of
   * the first part (a duplicate across parts), and it has a deleted row */
  write_file("crm/WE_1/CampaignMember.csv",
             "Id,CampaignId,LeadId,HasResponded,CreatedDate\n"
             "00v000000000001AAA,701000000000001AAA,00Q000000000001AAA,true,2024-05-01T00:00:00Z\n");
  write_file("crm/WE_2/CampaignMember.csv",
             "CreatedDate,HasResponded,LeadId,CampaignId,Id,IsDeleted\n"
             "2024-05-02T00:00:00Z,true,00Q000000000001AAA,701000000000001AAA,00v000000000001AAA,false\n"
             "2024-05-03T00:00:00Z,true,00Q000000000001AAA,701000000000001AAA,00v000000000002AAA,false\n"
             "2024-05-04T00:00:00Z,true,00Q000000000001AAA,701000000000001AAA,00v000000000003AAA,true\n");
}

/* --- Marketo in several files ---------------------------------------------------- */

static void write_marketo(void) {
  make_dir("leads");
  write_file("leads/leads_1.csv",
             "id,email,createdAt,sfdcLeadId\n"
             "1,ann@example.com,2024-01-01T00:00:00Z,00Q000000000001AAA\n"
             "2,bob@example.com,2024-01-01T00:00:00Z,null\n");
  write_file("leads/leads_2.csv",
             "id,email,createdAt,sfdcLeadId\n"
             "2,bob@example.com,2024-01-01T00:00:00Z,null\n"   /* re-export: skipped */
             "1,ann@example.com,2024-01-02T00:00:00Z,00Q000000000001AAA\n" /* duplicate */
             "3,cat@example.com,2024-01-03T00:00:00Z,\n");
  make_dir("acts");
  /* January: g1 (touch), g2 (an unconfigured type), g3 (rejected: bad date) */
  write_file("acts/acts_2024-01.csv",
             "marketoGUID,leadId,activityDate,activityTypeId,attributes\n"
             "g1,1,2024-05-10T00:00:00Z,10,{}\n"
             "g2,1,2024-05-11T00:00:00Z,7,null\n"
             "g3,2,2024-02-30T00:00:00Z,46,{}\n");
  /* February, columns in another order: g2 again (re-export), g1 with
   * another date (a true duplicate), g3 again (a copy of a rejected row is
   * examined on its own: rejected again), g4 new (type 46, same kind) */
  write_file("acts/acts_2024-02.csv",
             "attributes,activityTypeId,activityDate,leadId,marketoGUID\n"
             "null,7,2024-05-11T00:00:00Z,1,g2\n"
             "{},10,2024-05-12T00:00:00Z,1,g1\n"
             "{},46,2024-02-30T00:00:00Z,2,g3\n"
             "{},46,2024-05-13T00:00:00Z,2,g4\n"
             "{},11,2024-05-14T00:00:00Z,3,g5\n");
  write_file("acts/README.txt", "not read\n");
}

static void write_costs(void) {
  write_file("costs.csv",
             "date,campaign_id,channel,amount,currency\n"
             "2024-07-01,,paid search ,10.00,\n"       /* 2: warning */
             "2024-07-01,,  Email Opens  ,10.00,\n"    /* 3: trimmed, configured */
             "2024-07-01,,Other,10.00,\n"              /* 4: Other */
             "2024-07-01,,email opens,10.00,\n");      /* 5: names are exact: warning */
}

static const char *conf_text =
    "[pipeline]\nmax_reject_ratio = %s\nnaive_utc_offset = +02:00\n"
    "ma_touch_types = 10:email_open, 46:email_open, 11:email_click\n"
    "[input]\ncrm = crm/WE_*\nma_activities = acts\nma_leads = leads/leads_*.csv\n"
    "costs = costs.csv\n"
    "[channel \"Email Opens\"]\nkind = ^email_open$\n"
    "[channel \"Email\"]\nkind = ^email_click$\n";

static int run(const char *ratio, struct dataset *ds, struct norm_state *st,
               struct etl_config *conf, struct strbuf *err) {
  char text[1024], path[256];
  snprintf(text, sizeof(text), conf_text, ratio);
  write_file("pipeline.conf", text);
  snprintf(path, sizeof(path), "%s/pipeline.conf", dir);
  struct strbuf cerr = STRBUF_INIT;
  if (etl_config_load(conf, path, &cerr) != 0) {
    fprintf(stderr, "config: %s\n", strbuf_str(&cerr));
    exit(1);
  }
  strbuf_release(&cerr);
  dataset_init(ds);
  norm_state_init(st, conf, ds);
  return normalize_run(st, err);
}

static void finish(struct dataset *ds, struct norm_state *st, struct etl_config *conf,
                   struct strbuf *err) {
  norm_state_release(st);
  dataset_release(ds);
  etl_config_release(conf);
  strbuf_reset(err);
}

static const struct input_stats *stats_of(const struct reject_log *log, const char *source) {
  for (size_t i = 0; i < log->ninputs; i++)
    if (strcmp(log->inputs[i].source, source) == 0)
      return &log->inputs[i];
  return NULL;
}

/* "source:line:field:severity:reason" of every reject of `entity`, in
 * insertion order. */
static struct strbuf rejects_of(const struct reject_log *log, const char *entity) {
  struct strbuf sb = STRBUF_INIT;
  for (size_t i = 0; i < log->n; i++) {
    const struct reject *r = &log->items[i];
    if (strcmp(r->entity, entity) == 0)
      strbuf_addf(&sb, "%s:%llu:%s:%s:%s\n", r->source, (unsigned long long)r->line, r->field,
                  r->severity == SEV_ERROR ? "error" : "warning", r->reason);
  }
  return sb;
}

static const struct ds_touch *touch_named(const struct dataset *ds, const char *id) {
  for (size_t i = 0; i < ds->ntouches; i++)
    if (strcmp(ds_str(ds, ds->touches[i].touch_id), id) == 0)
      return &ds->touches[i];
  return NULL;
}

static const struct ds_opportunity *opp_named(const struct dataset *ds, const char *id) {
  for (size_t i = 0; i < ds->nopps; i++)
    if (strcmp(ds_str(ds, ds->opps[i].id), id) == 0)
      return &ds->opps[i];
  return NULL;
}

#define CHECK_STATS(log, src, r, k, j, d, s)                                 \
  do {                                                                       \
    const struct input_stats *st_ = stats_of(log, src);                      \
    CHECK(st_ != NULL);                                                      \
    if (st_) {                                                               \
      CHECK_I64(st_->read, r);                                               \
      CHECK_I64(st_->kept, k);                                               \
      CHECK_I64(st_->rejected, j);                                           \
      CHECK_I64(st_->deleted, d);                                            \
      CHECK_I64(st_->skipped, s);                                            \
      CHECK_I64(st_->read, st_->kept + st_->rejected + st_->deleted + st_->skipped); \
      CHECK(strlen(st_->sha256) == 64);                                      \
    }                                                                        \
  } while (0)

static void test_several_files(void) {
  struct dataset ds;
  struct norm_state st;
  struct etl_config conf;
  struct strbuf err = STRBUF_INIT;
  int res = run("1", &ds, &st, &conf, &err);
  CHECK_I64(res, NORM_OK);
  if (res != NORM_OK)
    fprintf(stderr, "normalize: %s\n", strbuf_str(&err));
  const struct reject_log *log = &st.log;

  /* every file is its own input line, with its own counts */
  CHECK_STATS(log, "leads_1.csv", 2, 2, 0, 0, 0);
  CHECK_STATS(log, "leads_2.csv", 3, 1, 1, 0, 1);
  CHECK_STATS(log, "acts_2024-01.csv", 3, 2, 1, 0, 0);
  CHECK_STATS(log, "acts_2024-02.csv", 5, 2, 2, 0, 1);
  CHECK_STATS(log, "CampaignMember.csv", 1, 1, 0, 0, 0); /* WE_1's */
  CHECK(stats_of(log, "README.txt") == NULL);

  struct strbuf got = rejects_of(log, "ma_leads");
  CHECK_STR(strbuf_str(&got), "leads_2.csv:3:id:error:duplicate id (first kept row wins)\n");
  strbuf_release(&got);
  got = rejects_of(log, "ma_activities");
  CHECK_STR(strbuf_str(&got),
            "acts_2024-01.csv:4:activityDate:error:'2024-02-30T00:00:00Z': no such day\n"
            "acts_2024-02.csv:3:marketoGUID:error:duplicate marketoGUID (first kept row wins)\n"
            "acts_2024-02.csv:4:activityDate:error:'2024-02-30T00:00:00Z': no such day\n");
  strbuf_release(&got);
  /* CampaignMember in two parts: the Id of part 1 again in part 2 is a
   * duplicate (keys span the input); part 2's deleted row is counted */
  got = rejects_of(log, "CampaignMember");
  CHECK_STR(strbuf_str(&got),
            "CampaignMember.csv:2:Id:error:duplicate Id (first kept row wins)\n");
  strbuf_release(&got);
  size_t cm = 0;
  for (size_t i = 0; i < log->ninputs; i++)
    if (strcmp(log->inputs[i].entity, "CampaignMember") == 0) {
      cm++;
      if (cm == 2) {
        CHECK_I64(log->inputs[i].read, 3);
        CHECK_I64(log->inputs[i].kept, 1);
        CHECK_I64(log->inputs[i].deleted, 1);
      }
    }
  CHECK_I64(cm, 2);
  CHECK(touch_named(&ds, "cm:00v000000000002AAA") != NULL);
  CHECK(touch_named(&ds, "cm:00v000000000003AAA") == NULL);

  /* kinds as names: 10 and 46 share email_open; the kind rule sees it */
  const struct ds_touch *g1 = touch_named(&ds, "ma:g1"), *g4 = touch_named(&ds, "ma:g4");
  const struct ds_touch *g5 = touch_named(&ds, "ma:g5");
  CHECK(g1 && g4 && g5);
  if (g1 && g4 && g5) {
    CHECK_STR(ds_str(&ds, g1->kind), "email_open");
    CHECK_STR(ds_str(&ds, g4->kind), "email_open");
    CHECK_STR(ds_str(&ds, g1->channel), "Email Opens");
    CHECK_STR(ds_str(&ds, g4->channel), "Email Opens");
    CHECK_STR(ds_str(&ds, g5->kind), "email_click");
    CHECK_STR(ds_str(&ds, g5->channel), "Email");
    /* the first copy of g1 wins: its time, not the duplicate's */
    CHECK_I64(g1->time, (cal_days_from_civil(2024, 5, 10)) * 86400);
  }
  CHECK(touch_named(&ds, "ma:g2") == NULL); /* type 7: not configured */
  const struct ds_touch *cm1 = touch_named(&ds, "cm:00v000000000001AAA");
  if (cm1)
    CHECK_STR(ds_str(&ds, cm1->kind), "campaign_response");

  /* CloseDate with a time ends the window at that time (naive +02:00 when
   * written without an offset); a date alone at 23:59:59 naive; the period
   * stays the written date */
  const struct ds_opportunity *o1 = opp_named(&ds, "006000000000001AAA");
  const struct ds_opportunity *o2 = opp_named(&ds, "006000000000002AAA");
  const struct ds_opportunity *o3 = opp_named(&ds, "006000000000003AAA");
  int64_t day = cal_days_from_civil(2024, 9, 20);
  CHECK(o1 && o2 && o3);
  if (o1 && o2 && o3) {
    CHECK_I64(o1->close_end, day * 86400 + 12 * 3600 + 30 * 60);
    CHECK_I64(o2->close_end, day * 86400 + 86399 - 7200);
    CHECK_I64(o3->close_end, day * 86400 + 23 * 3600 - 7200);
    CHECK_I64(o1->close_day, day);
    CHECK_I64(o3->close_day, day);
  }

  /* cost rows naming no configured channel: a warning, the row kept */
  got = rejects_of(log, "costs");
  CHECK_STR(strbuf_str(&got),
            "costs.csv:2:channel:warning:channel 'paid search' is not a configured channel\n"
            "costs.csv:5:channel:warning:channel 'email opens' is not a configured channel\n");
  strbuf_release(&got);
  CHECK_I64(ds.ncosts, 4);
  finish(&ds, &st, &conf, &err);
  strbuf_release(&err);
}

/* The reject ratio is over the whole input: acts_2024-01 alone is 1 of 3
 * (33%) and acts_2024-02 2 of 5 (40%), together 3 of 8 = 37.5%. */
static void test_ratio_spans_files(void) {
  struct dataset ds;
  struct norm_state st;
  struct etl_config conf;
  struct strbuf err = STRBUF_INIT;
  CHECK_I64(run("0.375", &ds, &st, &conf, &err), NORM_OK);
  finish(&ds, &st, &conf, &err);
  CHECK_I64(run("0.374", &ds, &st, &conf, &err), NORM_REJECT_RATIO);
  CHECK_STR(strbuf_str(&err),
            "ma_activities (2 files, acts_2024-01.csv ...): 3 of 8 ma_activities rows rejected "
            "(37.50%), more than max_reject_ratio 0.374; first reasons: acts_2024-01.csv:4: "
            "activityDate: '2024-02-30T00:00:00Z': no such day; acts_2024-02.csv:3: marketoGUID: "
            "duplicate marketoGUID (first kept row wins); acts_2024-02.csv:4: activityDate: "
            "'2024-02-30T00:00:00Z': no such day");
  finish(&ds, &st, &conf, &err);
  strbuf_release(&err);
}

/* Two matches of an entity inside one part are a fault; an entity in no
 * part is a fault naming the pattern. */
static void test_crm_faults(void) {
  struct dataset ds;
  struct norm_state st;
  struct etl_config conf;
  struct strbuf err = STRBUF_INIT;
  write_file("crm/WE_2/Campaign.csv", "Id,Name,Type\n");
  write_file("crm/WE_2/export/Campaign.csv", "Id,Name,Type\n");
  CHECK_I64(run("1", &ds, &st, &conf, &err), NORM_DATA_FAULT);
  CHECK_STR(strbuf_str(&err), "WE_2: two entries for Campaign: Campaign.csv and export/Campaign.csv");
  finish(&ds, &st, &conf, &err);
  char path[256];
  snprintf(path, sizeof(path), "%s/crm/WE_2/export/Campaign.csv", dir);
  unlink(path);
  /* in WE_2 once: a second part of Campaign, fine */
  CHECK_I64(run("1", &ds, &st, &conf, &err), NORM_OK);
  finish(&ds, &st, &conf, &err);
  snprintf(path, sizeof(path), "%s/crm/WE_2/Contact.csv", dir);
  unlink(path);
  CHECK_I64(run("1", &ds, &st, &conf, &err), NORM_DATA_FAULT);
  struct strbuf want = STRBUF_INIT;
  strbuf_addf(&want, "[input] crm: no Contact.csv in any of the 2 export parts of %s/crm/WE_*",
              dir);
  CHECK_STR(strbuf_str(&err), strbuf_str(&want));
  strbuf_release(&want);
  finish(&ds, &st, &conf, &err);
  strbuf_release(&err);
}

int main(void) {
  snprintf(dir, sizeof(dir), "/tmp/test_normalize_inputs.XXXXXX");
  if (!mkdtemp(dir))
    return 1;
  write_crm();
  write_marketo();
  write_costs();
  test_several_files();
  test_ratio_spans_files();
  test_crm_faults();
  char cmd[128];
  snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
  if (check_failures == 0 && system(cmd) != 0)
    fprintf(stderr, "could not remove %s\n", dir);
  return check_exit();
}
