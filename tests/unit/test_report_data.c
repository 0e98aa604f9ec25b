/* The report's data and page (etl/report/report_data.h, report_page.h)
 * over a hand-written run folder: sums over the range, the orders the page
 * relies on, rejects grouped by kind, faults named by file and line, the
 * sections present exactly when their tables are, hostile names escaped
 * everywhere, and the same bytes for the same folder. */
#include "etl/report/report_data.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "etl/report/report_page.h"
#include "tests/unit/check.h"
#include "transforms/base/xalloc.h"

static char dir[] = "/tmp/test_report_data.XXXXXX";

static void put(const char *name, const char *text) {
  char *path = xasprintf("%s/%s", dir, name);
  FILE *f = fopen(path, "wb");
  CHECK(f != NULL);
  if (f) {
    fputs(text, f);
    fclose(f);
  }
  free(path);
}

static void drop(const char *name) {
  char *path = xasprintf("%s/%s", dir, name);
  unlink(path);
  free(path);
}

#define EVIL1 "<script>alert(1)</script>"
#define EVIL2 "\"\"><img src=x onerror=alert(1)>" /* CSV-quoted: "" is one quote */

static const char manifest[] =
    "{\n  \"tool\": \"etl\",\n  \"version\": \"0.1.0\",\n  \"config\": {\n"
    "    \"path\": \"/nowhere/pipeline.conf\",\n    \"sha256\": \"abc123\"\n  },\n"
    "  \"as_of\": \"2025-06-30T00:00:00Z\",\n"
    "  \"range\": {\n    \"from\": \"2024-01-01\",\n    \"to\": \"2024-02-29\"\n  },\n"
    "  \"inputs\": [\n    {\n      \"name\": \"crm_export.zip:Lead.csv\",\n      \"bytes\": 10,\n"
    "      \"rows_read\": 76,\n      \"rows_kept\": 71,\n      \"rows_rejected\": 4\n    }\n  ],\n"
    "  \"outputs\": [],\n  \"stages\": []\n}\n";

static const char recon[] =
    "model,opportunities,pipeline_total,pipeline_attributed,pipeline_unattributed,"
    "won_opportunities,revenue_total,revenue_attributed,revenue_unattributed\r\n"
    "linear,3,300.00,250.00,50.00,2,200.00,150.00,50.00\r\n"
    "first_touch,3,300.00,300.00,0.00,2,200.00,200.00,0.00\r\n";

#define CHAN_HEAD \
  "period,period_start,period_end,model,channel,touches,opportunities,pipeline," \
  "won_opportunities,revenue,cost,roi\r\n"

/* periods out of order on purpose: the loader sorts them by start */
static const char chan[] = CHAN_HEAD
    "2024-02,2024-02-01,2024-02-29,linear,Email,2,0.500000,100.00,0.500000,80.00,10.00,7.0000\r\n"
    "2024-02,2024-02-01,2024-02-29,linear,Paid Search,1,0.500000,50.00,0.000000,0.00,0.00,\r\n"
    "2024-02,2024-02-01,2024-02-29,first_touch,Email,2,1.000000,150.00,1.000000,120.00,10.00,11.0000\r\n"
    "2024-01,2024-01-01,2024-01-31,linear,Email,1,0.250000,50.00,0.500000,30.00,5.00,5.0000\r\n"
    "2024-01,2024-01-01,2024-01-31,linear,Paid Search,1,0.750000,50.00,1.000000,40.00,20.00,1.0000\r\n"
    "2024-01,2024-01-01,2024-01-31,linear,(unattributed),0,1.000000,50.00,1.000000,50.00,0.00,\r\n"
    "2024-01,2024-01-01,2024-01-31,first_touch,Paid Search,1,2.000000,150.00,1.000000,80.00,20.00,3.0000\r\n";

static const char camp[] =
    "period,period_start,period_end,model,campaign_id,campaign_name,campaign_type,touches,"
    "opportunities,pipeline,won_opportunities,revenue,cost,roi\r\n"
    "2024-01,2024-01-01,2024-01-31,linear,C1," EVIL1 ",Webinar,1,0.250000,50.00,0.500000,30.00,5.00,5.0000\r\n"
    "2024-01,2024-01-01,2024-01-31,linear,C2,\"" EVIL2 "\",Email,1,0.750000,50.00,1.000000,40.00,20.00,1.0000\r\n"
    "2024-01,2024-01-01,2024-01-31,linear,C3,'=SUM(A1),Paid,1,0.000000,0.00,0.000000,0.00,7.00,-1.0000\r\n"
    "2024-01,2024-01-01,2024-01-31,first_touch,C1," EVIL1 ",Webinar,1,1.000000,99.00,0.000000,99.00,5.00,18.8000\r\n"
    "2024-02,2024-02-01,2024-02-29,linear,C1,,Webinar,2,0.500000,100.00,0.500000,80.00,10.00,7.0000\r\n";

static const char rejects[] =
    "source,line,entity,id,field,severity,reason\r\n"
    "Lead.csv,3,Lead,00Q1,CreatedDate,error,'2023-02-29': no such day\r\n"
    "Lead.csv,9,Lead,00Q2,Email,warning,\"'a@@b': invalid email, treated as absent\"\r\n"
    "Lead.csv,12,Lead,00Q3,CreatedDate,error,'2024-13-01': no such day\r\n";

static const char funnel[] =
    "period,period_start,period_end,dimension,group_id,group_name,stage,stage_order,reached,"
    "reached_pipeline,advanced,conversion,won,lost,open,median_days_in_stage,median_days_to_reach\r\n"
    "2024-01,2024-01-01,2024-01-31,all,(all),,Prospect,1,4,400.00,2,0.5000,1,1,1,3.5,0.0\r\n"
    "2024-01,2024-01-01,2024-01-31,all,(all),,Won,2,2,200.00,1,0.5000,1,0,1,,12.0\r\n"
    "2024-01,2024-01-01,2024-01-31,lead_source,Web,,Prospect,1,3,300.00,2,0.6667,1,1,0,3.5,0.0\r\n"
    "2024-02,2024-02-01,2024-02-29,all,(all),,Prospect,1,2,100.00,0,0.0000,0,2,0,1.0,0.0\r\n"
    "2024-02,2024-02-01,2024-02-29,lead_source," EVIL1 ",,Prospect,1,1,50.00,0,0.0000,0,1,0,1.0,0.0\r\n";

static const char fit[] =
    "model,channel,journeys,conversions,value,share\r\n"
    "markov,(all),10,4,0.400000,\r\n"
    "markov,Email,6,3,0.500000,0.625000\r\n"
    "markov," EVIL1 ",5,2,0.300000,0.375000\r\n";

static void good_folder(void) {
  put("manifest.json", manifest);
  put("reconciliation.csv", recon);
  put("attribution_by_channel.csv", chan);
  put("attribution_by_campaign.csv", camp);
  put("rejects.csv", rejects);
  drop("funnel.csv");
  drop("model_fit.csv");
}

static const char *S(const struct report_data *d, str_id id) { return report_str(d, id); }

static void test_load(void) {
  struct report_data d;
  struct strbuf err = STRBUF_INIT;
  good_folder();
  report_data_init(&d);
  CHECK(report_data_load(&d, dir, &err) == 0);
  CHECK_STR(strbuf_str(&err), "");
  CHECK_STR(S(&d, d.as_of), "2025-06-30T00:00:00Z");
  CHECK_I64(d.ninputs, 1);
  CHECK_I64(d.inputs[0].rejected, 4);
  CHECK_I64(d.nmodels, 2);
  CHECK_STR(S(&d, d.models[0].name), "linear");
  CHECK_I64(d.models[0].revenue_unattributed, 5000);
  /* channels bytewise, periods by start, sums over the range */
  CHECK_I64(d.nchannels, 3);
  CHECK_STR(S(&d, d.channels[0]), "(unattributed)");
  CHECK_STR(S(&d, d.channels[1]), "Email");
  CHECK_STR(S(&d, d.channels[2]), "Paid Search");
  CHECK_I64(d.nperiods, 2);
  CHECK_STR(S(&d, d.periods[0].label), "2024-01");
  const struct report_sums *email_linear = &d.channel_sums[1 * d.nmodels + 0];
  CHECK_I64(email_linear->revenue, 11000);
  CHECK_I64(email_linear->cost, 1500);
  CHECK_I64(email_linear->opportunities, 750000);
  CHECK_I64(email_linear->touches, 3);
  CHECK_I64(d.channel_sums[2 * d.nmodels + 1].revenue, 8000); /* Paid Search, first_touch */
  CHECK_I64(d.by_period_revenue[1 * d.nperiods + 0], 3000);  /* Email 2024-01, linear */
  CHECK_I64(d.by_period_revenue[1 * d.nperiods + 1], 8000);  /* Email 2024-02 */
  CHECK_I64(d.by_period_pipeline[0 * d.nperiods + 0], 5000); /* (unattributed) 2024-01 */
  /* campaigns of the first model only; the formula guard taken off */
  CHECK_I64(d.ncampaigns, 3);
  CHECK_STR(S(&d, d.campaigns[0].name), EVIL1);
  CHECK_I64(d.campaigns[0].sums.revenue, 11000);
  CHECK_STR(S(&d, d.campaigns[1].name), "\"><img src=x onerror=alert(1)>");
  CHECK_STR(S(&d, d.campaigns[2].name), "=SUM(A1)");
  /* rejects by kind, most frequent first */
  CHECK_I64(d.nerrors, 2);
  CHECK_I64(d.nwarnings, 1);
  CHECK_I64(d.nreasons, 2);
  CHECK_I64(d.reasons[0].count, 2);
  CHECK_STR(S(&d, d.reasons[0].reason), "'\xE2\x80\xA6': no such day");
  CHECK_I64(d.reasons[0].example_line, 3);
  CHECK(!d.has_funnel && !d.has_fit);
  report_data_release(&d);
  strbuf_release(&err);
}

static void test_mask(void) {
  struct strbuf s = STRBUF_INIT;
  report_mask_reason("unknown reference '0035g0QmcZeylTGASY'", &s);
  CHECK_STR(strbuf_str(&s), "unknown reference '\xE2\x80\xA6'");
  strbuf_reset(&s);
  report_mask_reason("'a' and 'b' but 'c", &s);
  CHECK_STR(strbuf_str(&s), "'\xE2\x80\xA6' and '\xE2\x80\xA6' but 'c");
  strbuf_reset(&s);
  report_mask_reason("no fx rate for EUR on 2024-01-20 (CreatedDate)", &s);
  CHECK_STR(strbuf_str(&s), "no fx rate for EUR on 2024-01-20 (CreatedDate)");
  strbuf_release(&s);
}

/* Loads the folder with `name` replaced by text; returns the error. */
static const char *fault(const char *name, const char *text) {
  static struct strbuf err = STRBUF_INIT;
  struct report_data d;
  good_folder();
  put(name, text);
  strbuf_reset(&err);
  report_data_init(&d);
  if (report_data_load(&d, dir, &err) == 0)
    strbuf_adds(&err, "(loaded)");
  report_data_release(&d);
  return strbuf_str(&err);
}

static void test_faults(void) {
  CHECK_STR(fault("attribution_by_channel.csv",
                  CHAN_HEAD "2024-01,2024-01-01,2024-01-31,linear,Email,1,0.000000,1.00,0.000000,"
                            "1.00,0.00,\r\n2024-01,2024-01-01,2024-01-31,linear,Web,1,0.000000,"
                            "1.00,0.000000,12.5,0.00,\r\n"),
            "attribution_by_channel.csv:3: revenue '12.5': not a number with 2 decimals");
  CHECK_STR(fault("attribution_by_channel.csv",
                  CHAN_HEAD "2024-01,2024-01-01,2024-01-31,nope,Email,1,0.000000,1.00,0.000000,"
                            "1.00,0.00,\r\n"),
            "attribution_by_channel.csv:2: model 'nope' is not in reconciliation.csv");
  CHECK_STR(fault("attribution_by_channel.csv", CHAN_HEAD "2024-01,2024-01-01\r\n"),
            "attribution_by_channel.csv:2: expected 12 fields, found 2");
  CHECK_STR(fault("attribution_by_channel.csv",
                  CHAN_HEAD "2024-01,2024-01-01,2024-01-31,linear,Email,-1,0.000000,1.00,"
                            "0.000000,1.00,0.00,\r\n"),
            "attribution_by_channel.csv:2: touches '-1': not a whole number");
  CHECK_STR(fault("rejects.csv", "source,line,entity,id,field,severity\r\n"),
            "rejects.csv: no column 'reason'");
  CHECK_STR(fault("rejects.csv", "source,line,entity,id,field,severity,reason\r\n"
                                 "a,1,b,c,d,fatal,x\r\n"),
            "rejects.csv:2: severity 'fatal': expected error or warning");
  CHECK_STR(fault("reconciliation.csv", "model,opportunities,pipeline_total,"
                                        "pipeline_attributed,pipeline_unattributed,"
                                        "won_opportunities,revenue_total,revenue_attributed,"
                                        "revenue_unattributed\r\n"),
            "reconciliation.csv: no model");
  CHECK_STR(fault("manifest.json", "{\n  \"tool\": \"etl\",\n  \"version\" \"x\"\n}\n"),
            "manifest.json:3: expected ':'");
  CHECK_STR(fault("manifest.json", "{\"version\": \"1\", \"config\": {\"path\": \"p\", "
                                   "\"sha256\": \"s\"}, \"range\": {}}"),
            "manifest.json: 'as_of' missing or not a string");
  CHECK_STR(fault("funnel.csv", funnel), "(loaded)");
  CHECK_STR(fault("funnel.csv",
                  "period,period_start,period_end,dimension,group_id,group_name,stage,stage_order,"
                  "reached,reached_pipeline,advanced,conversion,won,lost,open,"
                  "median_days_in_stage,median_days_to_reach\r\n"
                  "2024-01,2024-01-01,2024-01-31,all,(all),,A,1,1,1.00,0,0.0000,0,0,1,,\r\n"
                  "2024-02,2024-02-01,2024-02-29,all,(all),,B,1,1,1.00,0,0.0000,0,0,1,,\r\n"),
            "funnel.csv:3: stage_order 1 is 'B' here but 'A' before");
  CHECK_STR(fault("model_fit.csv", "model,channel,journeys,conversions,value,share\r\n"
                                   "markov,Email,1,1,0.5,\r\n"),
            "model_fit.csv:2: value '0.5': not a number with 6 decimals");
  good_folder();
  drop("reconciliation.csv");
  struct report_data d;
  struct strbuf err = STRBUF_INIT;
  report_data_init(&d);
  CHECK(report_data_load(&d, dir, &err) < 0);
  CHECK(strstr(strbuf_str(&err), "reconciliation.csv") != NULL);
  report_data_release(&d);
  strbuf_release(&err);
}

/* The page of the folder as it is now. */
static char *page(void) {
  struct report_data d;
  struct strbuf err = STRBUF_INIT, out = STRBUF_INIT;
  report_data_init(&d);
  if (report_data_load(&d, dir, &err) == 0) {
    report_data_set_config(&d, "EUR", "month");
    report_page_write(&out, &d);
  } else {
    CHECK_STR(strbuf_str(&err), "");
    strbuf_adds(&out, "(not loaded)");
  }
  report_data_release(&d);
  strbuf_release(&err);
  return strbuf_detach(&out);
}

static size_t count_of(const char *s, const char *what) {
  size_t n = 0;
  for (const char *p = s; (p = strstr(p, what)); p++)
    n++;
  return n;
}

static void test_page(void) {
  good_folder();
  char *a = page(), *b = page();
  CHECK_STR(a, b); /* deterministic */
  static const char *const always[] = {"headline", "channels", "campaigns", "periods", "quality",
                                       "run"};
  for (size_t i = 0; i < sizeof always / sizeof *always; i++) {
    char id[64];
    snprintf(id, sizeof id, "<section id=\"%s\">", always[i]);
    CHECK_I64(count_of(a, id), 1);
  }
  CHECK(strstr(a, "<section id=\"funnel\">") == NULL);
  CHECK(strstr(a, "<section id=\"model-fit\">") == NULL);
  CHECK(strstr(a, "amounts in EUR") != NULL);
  CHECK(strstr(a, "data-field=\"revenue_total\">200.00<") != NULL);
  CHECK(strstr(a, "data-check=\"pass\"") != NULL);
  /* no markup from the data: the only <script>-like text is escaped */
  CHECK(strstr(a, "<script") == NULL);
  CHECK(strstr(a, "<img") == NULL);
  CHECK(strstr(a, "&lt;script&gt;alert(1)&lt;/script&gt;") != NULL);
  CHECK(strstr(a, "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;") != NULL);
  CHECK(strstr(a, "=SUM(A1)") != NULL);
  CHECK(strstr(a, "http") == NULL || strstr(a, "http://www.w3.org/2000/svg") != NULL);
  CHECK(strstr(a, "src=") == NULL || strstr(a, "src=x") != NULL); /* only inside escaped text */
  free(a);
  free(b);

  put("funnel.csv", funnel);
  put("model_fit.csv", fit);
  a = page();
  CHECK_I64(count_of(a, "<section id=\"funnel\">"), 1);
  CHECK_I64(count_of(a, "<section id=\"model-fit\">"), 1);
  CHECK(strstr(a, "<script") == NULL);
  CHECK(strstr(a, "Best lead sources") != NULL);
  /* blocks balanced: one kept-together head per section */
  CHECK_I64(count_of(a, "<div"), count_of(a, "</div>"));
  CHECK_I64(count_of(a, "<div class=\"keep\">"), count_of(a, "<section "));
  CHECK_I64(count_of(a, "<section "), 8);
  CHECK_I64(count_of(a, "</section>"), 8);
  CHECK(strstr(a, ">62.5%<") != NULL); /* Email's share under markov */
  free(a);

  /* a model that does not reconcile is flagged, not hidden */
  put("reconciliation.csv",
      "model,opportunities,pipeline_total,pipeline_attributed,pipeline_unattributed,"
      "won_opportunities,revenue_total,revenue_attributed,revenue_unattributed\r\n"
      "linear,3,300.00,250.00,50.00,2,200.00,150.00,49.99\r\n"
      "first_touch,3,300.00,300.00,0.00,2,200.00,200.00,0.00\r\n");
  a = page();
  CHECK(strstr(a, "data-check=\"fail\"") != NULL);
  CHECK(strstr(a, "off by -0.01") != NULL);
  free(a);
}

int main(void) {
  if (!mkdtemp(dir)) {
    perror("mkdtemp");
    return 1;
  }
  test_load();
  test_mask();
  test_faults();
  test_page();
  static const char *const files[] = {"manifest.json", "reconciliation.csv",
                                      "attribution_by_channel.csv", "attribution_by_campaign.csv",
                                      "rejects.csv", "funnel.csv", "model_fit.csv"};
  for (size_t i = 0; i < sizeof files / sizeof *files; i++)
    drop(files[i]);
  rmdir(dir);
  return check_exit();
}
