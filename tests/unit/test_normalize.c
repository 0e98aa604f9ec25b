/* The normalize stage on small hand-written exports (a CRM directory, Marketo
 * files, fx and costs written to a scratch folder): identity (§3.1), touches
 * (§3.2), row checks and their order (§8, §9), and the reject ratio. Each
 * case names the rule it pins down. */
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
  fputs(text, f);
  fclose(f);
}

/* 15-char ids and their 18-char forms used below:
 *   003000000000001 -> 003000000000001AAA (all digits: every chunk 0 -> 'A') */
static const char *crm_campaign =
    "Id,Name,Type,StartDate,EndDate,ActualCost,IsDeleted\n"
    "701000000000001AAA,Q1 Launch!,Webinar,2024-07-01,2024-10-17,18000,false\n"
    "701000000000002AAA,q1 launch,Advertisement,,,,false\n"      /* same key, larger Id */
    "701000000000003AAA,Deleted one,Webinar,,,,true\n"
    "701000000000004AAA,Costly,Webinar,,,500,false\n"            /* cost without StartDate */
    "701000000000001AAA,Duplicate,Webinar,,,,false\n";
static const char *crm_lead =
    "Id,Email,CreatedDate,LeadSource,IsConverted,ConvertedContactId,ConvertedOpportunityId,IsDeleted\n"
    "00Q000000000001AAA,Ann@Example.com,2024-01-05T10:00:00Z,Web,true,003000000000001,,false\n"
    "00Q000000000002AAA,ann2@example.com,2024-01-03T10:00:00Z,,true,003000000000001AAA,006000000000001,false\n"
    "00Q000000000003AAA,bob@example.com,2024-02-01,Partner,false,,006000000000001AAA,false\n"
    "00Q000000000004AAA,not-an-email,2023-02-29,,false,,,false\n"  /* invalid date: reject */
    "00Q000000000005AAA, mailto:<Cat@Example.COM> ,2024-03-01T00:00:00+05:30,,false,,,false\n";
static const char *crm_contact =
    "Id,Email,AccountId,CreatedDate,LeadSource,IsDeleted\n"
    "003000000000001AAA,ann@example.com,001000000000001,2024-02-10T00:00:00Z,Event,false\n"
    "003000000000002AAA,bad@,001000000000001AAA,2024-02-11T00:00:00Z,,false\n";
static const char *crm_opp =
    "Id,AccountId,CreatedDate,CloseDate,IsClosed,IsWon,Amount,CurrencyIsoCode,CampaignId,IsDeleted\n"
    "006000000000001AAA,001000000000001AAA,2024-06-01T00:00:00Z,2024-09-30,true,true,1000.005,,701000000000001,false\n"
    "006000000000002AAA,001000000000001AAA,2024-06-01T00:00:00Z,2024-09-30,true,false,12,JPY,,false\n"
    "006000000000003AAA,001000000000001AAA,2024-06-01T00:00:00Z,2024-09-30,false,false,\"12,000\",,,false\n"
    "006000000000004AAA,001000000000001AAA,2024-06-01T00:00:00Z,2024-09-30,false,false,1.5E+03,eur,,false\n";
static const char *crm_role =
    "Id,OpportunityId,ContactId,IsDeleted\n"
    "00K000000000001AAA,006000000000001AAA,003000000000001,false\n"
    "00K000000000002AAA,006000000000002AAA,003000000000001AAA,false\n" /* opp rejected by fx */
    "00K000000000003AAA,006000000000001AAA,003000000000009AAA,false\n"; /* unknown contact */
static const char *crm_member =
    "Id,CampaignId,LeadId,ContactId,HasResponded,CreatedDate,FirstRespondedDate,IsDeleted\n"
    "00v000000000001AAA,701000000000001AAA,,003000000000001AAA,true,2024-05-01T00:00:00Z,2024-05-02,false\n"
    "00v000000000002AAA,701000000000001AAA,00Q000000000003AAA,,false,2024-05-01T00:00:00Z,,false\n"
    "00v000000000003AAA,701000000000003AAA,00Q000000000003AAA,,true,2024-05-01T00:00:00Z,,false\n" /* deleted campaign */
    "00v000000000004AAA,701000000000001AAA,,,true,2024-05-01T00:00:00Z,,false\n"; /* no person */
static const char *ma_leads =
    "id,email,createdAt,sfdcLeadId,sfdcContactId\n"
    "1,null,2024-01-01T00:00:00Z,null,003000000000001\n"   /* by contact id */
    "2,,2024-01-01T00:00:00Z,00Q000000000002AAA,\n"        /* by converted lead */
    "3,BOB@example.com,2024-01-01T00:00:00Z,,\n"           /* by email, lead */
    "4,ann@example.com,2024-01-01T00:00:00Z,,\n"           /* by email: contact preferred */
    "5,zed@example.com,2024-01-01T00:00:00Z,,\n";          /* MA-only */
static const char *ma_acts =
    "marketoGUID,leadId,activityDate,activityTypeId,campaignId,primaryAttributeValueId,primaryAttributeValue,attributes\n"
    "g1,1,2024-05-10T00:00:00Z,2,null,1,x,\"{\"\"Query Parameters\"\":\"\"utm_source=google&utm_medium=cpc&utm_campaign=Q1+Launch\"\"}\"\n"
    "g0,1,2024-05-10T00:00:00Z,2,null,1,x,\"{\"\"Query Parameters\"\":\"\"utm_source=google&utm_medium=cpc&utm_campaign=q1-launch\"\"}\"\n"
    "g2,5,2024-05-11T00:00:00Z,1,null,1,x,\"{\"\"Webpage URL\"\":\"\"www.example.com/pricing\"\"}\"\n" /* no UTM: no touch */
    "g3,5,2024-05-12T00:00:00Z,1,null,1,x,\"{\"\"Webpage URL\"\":\"\"www.example.com/p?utm_medium=Email%20x#f\"\"}\"\n"
    "g4,9,2024-05-12T00:00:00Z,1,null,1,x,{}\n"   /* unknown lead: reject */
    "g5,5,2024-05-12T00:00:00Z,7,null,1,x,[1]\n"  /* unconfigured type: attributes not parsed */
    "g6,5,2024-05-12T00:00:00Z,2,null,1,x,[1]\n"  /* configured: not an object */
    "g3,5,2024-05-13T00:00:00Z,2,null,1,x,{}\n";  /* duplicate GUID */
static const char *fx =
    "currency,effective_date,rate\n"
    "EUR,2024-01-01,1.1\n"
    "EUR,2024-01-01,1.2\n";
static const char *costs =
    "date,campaign_id,channel,amount,currency\n"
    "2024-07-01,701000000000001,,100.00,\n"
    "2024-07-01,,Paid Search,50.00,EUR\n"
    "2024-07-01,701000000000001AAA,Paid Search,1,\n";

static const char *conf_text =
    "[pipeline]\nmax_reject_ratio = %s\n"
    "[input]\ncrm = crm\nma_activities = acts.csv\nma_leads = leads.csv\n"
    "fx_rates = fx.csv\ncosts = costs.csv\n"
    "[channel \"Paid Search\"]\nutm_medium = ^cpc$\n"
    "[channel \"Email\"]\nutm_medium = email\n"
    "[channel \"Events\"]\ncampaign_type = webinar\n";

static int person_of(const struct dataset *ds, const char *key) {
  for (size_t i = 0; i < ds->npersons; i++)
    if (strcmp(ds_str(ds, ds->persons[i].key), key) == 0)
      return (int)i;
  return -1;
}

static const struct ds_touch *touch_named(const struct dataset *ds, const char *id) {
  for (size_t i = 0; i < ds->ntouches; i++)
    if (strcmp(ds_str(ds, ds->touches[i].touch_id), id) == 0)
      return &ds->touches[i];
  return NULL;
}

static int has_reject(const struct reject_log *log, const char *entity, const char *field,
                      const char *reason_part, enum reject_severity sev) {
  for (size_t i = 0; i < log->n; i++) {
    const struct reject *r = &log->items[i];
    if (strcmp(r->entity, entity) == 0 && strcmp(r->field, field) == 0 &&
        strstr(r->reason, reason_part) && r->severity == sev)
      return 1;
  }
  return 0;
}

static void run(const char *ratio, struct dataset *ds, struct norm_state *st,
                struct etl_config *conf, enum norm_result *res, struct strbuf *err) {
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
  *res = normalize_run(st, err);
}

int main(void) {
  snprintf(dir, sizeof(dir), "/tmp/test_normalize.XXXXXX");
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
  write_file("leads.csv", ma_leads);
  write_file("acts.csv", ma_acts);
  write_file("fx.csv", fx);
  write_file("costs.csv", costs);

  struct dataset ds;
  struct norm_state st;
  struct etl_config conf;
  enum norm_result res;
  struct strbuf err = STRBUF_INIT;
  run("1", &ds, &st, &conf, &res, &err);
  CHECK_I64(res, NORM_OK);
  if (res != NORM_OK)
    fprintf(stderr, "normalize: %s\n", strbuf_str(&err));
  const struct reject_log *log = &st.log;

  /* §3.1: the converted leads are the contact; person_created = earliest lead */
  int ann = person_of(&ds, "003000000000001AAA");
  CHECK(ann >= 0);
  CHECK(person_of(&ds, "00Q000000000001AAA") < 0);
  CHECK(person_of(&ds, "00Q000000000003AAA") >= 0); /* unconverted: own person */
  if (ann >= 0) {
    CHECK_I64(ds.persons[ann].created, cal_days_from_civil(2024, 1, 3) * 86400 + 36000);
    /* LeadSource: first non-empty of converted leads by (CreatedDate, Id) */
    CHECK_STR(ds_str(&ds, ds.persons[ann].lead_source), "Web");
    CHECK_STR(ds_str(&ds, ds.persons[ann].account), "001000000000001AAA");
  }
  /* +05:30 offset */
  int cat = person_of(&ds, "00Q000000000005AAA");
  CHECK(cat >= 0);
  if (cat >= 0)
    CHECK_I64(ds.persons[cat].created, cal_days_from_civil(2024, 2, 29) * 86400 + 18 * 3600 + 1800);
  /* Marketo mapping: 1 and 2 and 4 -> ann, 3 -> bob's lead, 5 -> mkto:5 */
  CHECK(person_of(&ds, "mkto:5") >= 0);
  CHECK(person_of(&ds, "mkto:1") < 0 && person_of(&ds, "mkto:2") < 0 && person_of(&ds, "mkto:3") < 0 &&
        person_of(&ds, "mkto:4") < 0);

  /* §3.2: duplicates (same person, campaign, channel, time) keep the smallest id */
  const struct ds_touch *g0 = touch_named(&ds, "ma:g0"), *g1 = touch_named(&ds, "ma:g1");
  CHECK(g0 != NULL && g1 == NULL);
  if (g0) {
    CHECK_I64(g0->person, ann);
    CHECK(g0->campaign != DS_NONE &&
          strcmp(ds_str(&ds, ds.campaigns[g0->campaign].id), "701000000000001AAA") == 0);
    CHECK_STR(ds_str(&ds, g0->channel), "Paid Search");
    CHECK_STR(ds_str(&ds, g0->kind), "form_fill");
  }
  CHECK(touch_named(&ds, "ma:g2") == NULL); /* web visit without UTM */
  const struct ds_touch *g3 = touch_named(&ds, "ma:g3");
  CHECK(g3 != NULL);
  if (g3) {
    CHECK_STR(ds_str(&ds, g3->channel), "Email"); /* utm from Webpage URL, %20 decoded */
    CHECK(g3->campaign == DS_NONE);
  }
  /* CRM touches: responded only; time = FirstRespondedDate */
  const struct ds_touch *cm1 = touch_named(&ds, "cm:00v000000000001AAA");
  CHECK(cm1 != NULL && touch_named(&ds, "cm:00v000000000002AAA") == NULL);
  if (cm1) {
    CHECK_I64(cm1->time, cal_days_from_civil(2024, 5, 2) * 86400);
    CHECK_STR(ds_str(&ds, cm1->channel), "Events");
  }
  /* links: role of opp 1 and converted lead 2 -> ann (once), lead 3 -> opp 1 */
  size_t opp1_links = 0;
  for (size_t i = 0; i < ds.nlinks; i++)
    if (strcmp(ds_str(&ds, ds.opps[ds.links[i].opp].id), "006000000000001AAA") == 0)
      opp1_links++;
  CHECK_I64(opp1_links, 2);

  /* money: 1000.005 -> 100001 cents; EUR 1500 at 1.1 -> 1650.00; 12,000 rejected */
  CHECK_I64(ds.nopps, 2);
  if (ds.nopps == 2) {
    CHECK_I64(ds.opps[0].pipeline_cents, 100001);
    CHECK_I64(ds.opps[0].revenue_cents, 100001);
    CHECK_I64(ds.opps[1].pipeline_cents, 165000);
    CHECK_I64(ds.opps[1].revenue_cents, 0);
    CHECK(ds.opps[0].campaign != DS_NONE);
  }
  CHECK(has_reject(log, "Opportunity", "CurrencyIsoCode", "no fx rate for JPY", SEV_ERROR));
  CHECK(has_reject(log, "Opportunity", "Amount", "12,000", SEV_ERROR));
  CHECK(has_reject(log, "OpportunityContactRole", "OpportunityId", "unknown reference", SEV_ERROR));
  CHECK(has_reject(log, "OpportunityContactRole", "ContactId", "unknown reference", SEV_ERROR));
  CHECK(has_reject(log, "Campaign", "Id", "duplicate", SEV_ERROR));
  CHECK(has_reject(log, "Campaign", "ActualCost", "without StartDate", SEV_WARNING));
  CHECK(has_reject(log, "Lead", "CreatedDate", "2023-02-29", SEV_ERROR));
  CHECK(!has_reject(log, "Lead", "Email", "not-an-email", SEV_WARNING)); /* rejected row: no warning */
  CHECK(has_reject(log, "Contact", "Email", "invalid email", SEV_WARNING));
  CHECK(has_reject(log, "CampaignMember", "CampaignId", "unknown reference", SEV_ERROR));
  CHECK(has_reject(log, "CampaignMember", "LeadId", "neither", SEV_ERROR));
  CHECK(has_reject(log, "ma_activities", "leadId", "unknown reference", SEV_ERROR));
  CHECK(has_reject(log, "ma_activities", "attributes", "", SEV_ERROR));
  CHECK(has_reject(log, "ma_activities", "marketoGUID", "duplicate", SEV_ERROR));
  CHECK(has_reject(log, "fx_rates", "currency", "duplicate", SEV_ERROR));
  CHECK(has_reject(log, "costs", "campaign_id", "exactly one", SEV_ERROR));
  CHECK_I64(ds.ncosts, 2);
  if (ds.ncosts == 2)
    CHECK_I64(ds.costs[1].cents, 5500);
  /* campaign key collision: the smallest Id wins; cost spread inputs kept */
  CHECK_I64(ds.ncampaigns, 3);
  if (ds.ncampaigns == 3) {
    CHECK_I64(ds.campaigns[0].cost_cents, 1800000);
    CHECK_I64(ds.campaigns[2].cost_cents, 0);
    CHECK_STR(ds_str(&ds, ds.campaigns[0].channel), "Events");
  }
  norm_state_release(&st);
  dataset_release(&ds);
  etl_config_release(&conf);
  strbuf_reset(&err);

  /* §8: more than max_reject_ratio of an input's rows rejected fails the run */
  run("0.2", &ds, &st, &conf, &res, &err);
  CHECK_I64(res, NORM_REJECT_RATIO);
  CHECK(strstr(strbuf_str(&err), "max_reject_ratio") != NULL);
  norm_state_release(&st);
  dataset_release(&ds);
  etl_config_release(&conf);
  strbuf_release(&err);

  /* crm_touches = all: members that did not respond are touches too;
   * web_visit_requires_utm = false: a visit without UTMs is a touch */
  run("1\ncrm_touches = all\nweb_visit_requires_utm = false", &ds, &st, &conf, &res, &err);
  CHECK_I64(res, NORM_OK);
  CHECK(touch_named(&ds, "cm:00v000000000002AAA") != NULL);
  CHECK(touch_named(&ds, "ma:g2") != NULL);
  norm_state_release(&st);
  dataset_release(&ds);
  etl_config_release(&conf);
  strbuf_release(&err);

  char cmd[128];
  snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
  CHECK(system(cmd) == 0);
  return check_exit();
}
