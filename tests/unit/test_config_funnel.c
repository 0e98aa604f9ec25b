/* pipeline.conf `[funnel] stages` (contract §7): the default list,
 * a custom list, trimming, and every configuration error (an empty name,
 * a name twice, an unknown key, a named [funnel] section) with its line;
 * plus the [columns "OpportunityHistory"] remap of the new entity. */
#include <stdlib.h>

#include "etl/common/config.h"
#include "tests/unit/check.h"

#define INPUT "[input]\ncrm = crm.zip\n" /* the one required input: 2 lines */

static int parse(struct etl_config *c, const char *text, struct strbuf *err) {
  return etl_config_parse(c, "pipeline.conf", text, strlen(text), err);
}

static void expect_error(const char *text, const char *want) {
  struct etl_config c;
  struct strbuf err = STRBUF_INIT;
  CHECK(parse(&c, text, &err) < 0);
  CHECK_STR(strbuf_str(&err), want);
  etl_config_release(&c);
  strbuf_release(&err);
}

/* Loads text, which must be valid, and checks the stage list. */
static void expect_stages(const char *text, size_t n, const char *const *want) {
  struct etl_config c;
  struct strbuf err = STRBUF_INIT;
  int rc = parse(&c, text, &err);
  CHECK(rc == 0);
  if (rc)
    fprintf(stderr, "  unexpected error: %s\n", strbuf_str(&err));
  CHECK_I64(c.funnel.n, n);
  for (size_t i = 0; i < n && i < c.funnel.n; i++)
    CHECK_STR(c.funnel.names[i], want[i]);
  etl_config_release(&c);
  strbuf_release(&err);
}

static void test_default(void) {
  static const char *const std[] = {"Prospecting",        "Qualification",       "Needs Analysis",
                                    "Value Proposition",  "Id. Decision Makers", "Perception Analysis",
                                    "Proposal/Price Quote", "Negotiation/Review"};
  expect_stages(INPUT, 8, std);
  /* an empty [funnel] section keeps the default */
  expect_stages(INPUT "[funnel]\n", 8, std);
  /* written out explicitly, the same list */
  expect_stages(INPUT "[funnel]\nstages = " FUNNEL_DEFAULT_STAGES "\n", 8, std);
}

static void test_custom(void) {
  static const char *const three[] = {"Discovery", "Demo", "Proposal"};
  expect_stages(INPUT "[funnel]\nstages = Discovery,Demo ,  Proposal\n", 3, three);
  /* key and section names are case-insensitive; a quoted value loses its quotes */
  expect_stages(INPUT "[FUNNEL]\nStages = \"Discovery, Demo, Proposal\"\n", 3, three);
  /* a repeated key or section: the last wins */
  static const char *const one[] = {"Only"};
  expect_stages(INPUT "[funnel]\nstages = A, B\n[funnel]\nstages = Only\n", 1, one);
  /* a comment after white space ends the value */
  expect_stages(INPUT "[funnel]\nstages = Only # the one stage\n", 1, one);
  static const char *const slash[] = {"Id. Decision Makers", "Proposal/Price Quote"};
  expect_stages(INPUT "[funnel]\nstages = Id. Decision Makers,Proposal/Price Quote\n", 2, slash);
}

static void test_errors(void) {
  expect_error(INPUT "[funnel]\nstages =\n",
               "pipeline.conf:4: [funnel] stages: empty stage name in ''");
  expect_error(INPUT "[funnel]\nstages = A,,B\n",
               "pipeline.conf:4: [funnel] stages: empty stage name in 'A,,B'");
  expect_error(INPUT "[funnel]\nstages = A, B,\n",
               "pipeline.conf:4: [funnel] stages: empty stage name in 'A, B,'");
  expect_error(INPUT "[funnel]\nstages = Demo, Trial,  Demo\n",
               "pipeline.conf:4: [funnel] stages: stage 'Demo' is listed twice");
  expect_error(INPUT "\n[funnel]\nstage = A\n",
               "pipeline.conf:5: unknown key 'stage' in [funnel]");
  expect_error(INPUT "[funnel \"x\"]\nstages = A\n",
               "pipeline.conf:3: section [funnel] takes no name");
  /* the key belongs to [funnel], not to [pipeline] */
  expect_error(INPUT "[pipeline]\nstages = A\n",
               "pipeline.conf:4: unknown key 'stages' in [pipeline]");
}

static void test_history_columns(void) {
  const char *canon;
  CHECK_I64(etl_entity_column("OpportunityHistory", "stagename", &canon), 1);
  CHECK_STR(canon, "StageName");
  CHECK_I64(etl_entity_column("OpportunityHistory", "IsDeleted", &canon), 1);
  CHECK_I64(etl_entity_column("OpportunityHistory", "Amount", &canon), 0);
  struct etl_config c;
  struct strbuf err = STRBUF_INIT;
  CHECK(parse(&c, INPUT "[columns \"OpportunityHistory\"]\nStageName = Stage\n", &err) == 0);
  CHECK_STR(etl_config_column(&c, "OpportunityHistory", "StageName"), "Stage");
  CHECK_STR(etl_config_column(&c, "OpportunityHistory", "CreatedDate"), "CreatedDate");
  etl_config_release(&c);
  strbuf_release(&err);
  expect_error(INPUT "[columns \"OpportunityHistory\"]\nAmount = A\n",
               "pipeline.conf:4: unknown column 'Amount' in [columns \"OpportunityHistory\"]");
}

int main(void) {
  test_default();
  test_custom();
  test_errors();
  test_history_columns();
  return check_exit();
}
