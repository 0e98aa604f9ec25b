/* Fuzz target for the pipeline.conf loader (etl/common/config.h): any bytes are
 * parsed as a config file from memory (no disk I/O); a config that loads
 * then classifies a few touches with its channel rules and answers the
 * lookups. Nothing may crash, hang (patterns run under a match limit) or
 * leak, whatever the input. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "etl/common/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void exercise(const struct etl_config *c) {
  static const char *const touches[][RF_COUNT] = {
      {"google", "cpc", "Q1 Launch", "www.google.com", "Webinar", "web_visit", "Partner"},
      {NULL, NULL, NULL, NULL, NULL, "email_click", NULL},
      {"", "", "", "", "", "", ""},
      {"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!", "\xff\xfe", "\xc3(", "t.co", "Trade Show",
       "campaign_response", "\xe2\x82"},
  };
  unsigned hits = 0;
  for (size_t i = 0; i < sizeof(touches) / sizeof(touches[0]); i++)
    (void)channel_classify(c->rules, touches[i], &hits);
  (void)etl_config_column(c, "Lead", "Email");
  (void)etl_config_column(c, "ma_leads", "sfdcContactId");
  const char *k;
  for (size_t i = 0; i < c->nma_types; i++)
    if (etl_config_ma_kind(c, c->ma_types[i].type_id, &k) < 0 || !touch_kind_name_valid(k))
      abort();
  for (size_t i = 0; i < c->nmodels; i++)
    (void)model_builtin(c->models[i].name, &(struct model_def){0});
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  struct etl_config c;
  struct strbuf err = STRBUF_INIT;
  if (etl_config_parse(&c, "conf/fuzz.conf", (const char *)data, size, &err) == 0)
    exercise(&c);
  etl_config_release(&c);
  strbuf_release(&err);
  return 0;
}
