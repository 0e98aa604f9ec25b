/* The values of pipeline.conf (contract §7, §9 "Configuration values"):
 * each [pipeline] key with its syntax and bounds, exact model weights
 * (the names of periods, kinds and built-in models are transforms/model.c),
 * and the known columns of every input for [columns "ENTITY"]. The INI syntax and the
 * cross-section checks live in config.c. Numbers are checked on their text
 * (no sign, no exponent), so a bound such as max_reject_ratio <= 1 is exact
 * ("1.0000000000000000001" is refused) and a typo never parses as 0. */
#include "etl/common/config.h"

#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "transforms/values.h"
#include "transforms/base/xalloc.h"

/* --- Number syntax ---------------------------------------------------------- */

/* Splits "12.50" into its integer and fraction digits: digits, an optional
 * '.', at least one digit overall; nothing else. 0 or -1. */
struct dec_text {
  const char *ip, *fp;
  size_t in, fn;
};

static int dec_split(const char *s, struct dec_text *d) {
  d->ip = s;
  d->in = strspn(s, "0123456789");
  const char *p = s + d->in;
  d->fp = p;
  d->fn = 0;
  if (*p == '.') {
    d->fp = p + 1;
    d->fn = strspn(d->fp, "0123456789");
    p = d->fp + d->fn;
  }
  return (*p == '\0' && d->in + d->fn > 0) ? 0 : -1;
}

static bool all_zero(const char *s, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (s[i] != '0')
      return false;
  return true;
}

static bool dec_is_zero(const struct dec_text *d) {
  return all_zero(d->ip, d->in) && all_zero(d->fp, d->fn);
}

/* Exactly: value <= 1. */
static bool dec_le_one(const struct dec_text *d) {
  size_t lead = 0;
  while (lead < d->in && d->ip[lead] == '0')
    lead++;
  size_t sig = d->in - lead; /* significant integer digits */
  if (sig == 0)
    return true;
  return sig == 1 && d->ip[lead] == '1' && all_zero(d->fp, d->fn);
}

/* A whole number: digits only, at most max. 0 or -1. */
static int whole_parse(const char *s, uint64_t max, uint64_t *out) {
  if (!*s || s[strspn(s, "0123456789")] != '\0')
    return -1;
  uint64_t v = 0;
  for (; *s; s++) {
    unsigned d = (unsigned)(*s - '0');
    if (v > (max - d) / 10)
      return -1;
    v = v * 10 + d;
  }
  *out = v;
  return 0;
}

int model_weight_parse(const char *s, int64_t *out, const char **why) {
  struct dec_text d;
  if (*s == '-') {
    *why = "is negative";
    return -1;
  }
  if (dec_split(s, &d) < 0) {
    *why = "is not a decimal number";
    return -1;
  }
  if (d.fn > 9) {
    *why = "has more than 9 decimals";
    return -1;
  }
  /* Integer part, leading zeros skipped, at most 1000. */
  size_t lead = 0;
  while (lead < d.in && d.ip[lead] == '0')
    lead++;
  uint64_t ip = 0;
  for (size_t i = lead; i < d.in; i++) {
    ip = ip * 10 + (uint64_t)(d.ip[i] - '0');
    if (ip > 1000)
      break;
  }
  int64_t frac = 0;
  for (size_t i = 0; i < 9; i++)
    frac = frac * 10 + (i < d.fn ? d.fp[i] - '0' : 0);
  if (ip > 1000 || (ip == 1000 && frac > 0)) {
    *why = "is over 1000";
    return -1;
  }
  *out = (int64_t)ip * WEIGHT_SCALE + frac;
  return 0;
}

/* --- [pipeline] keys -------------------------------------------------------- */

typedef int (*setter_fn)(struct etl_config *c, const char *key, const char *v,
                         struct strbuf *err);

static int bad(struct strbuf *err, const char *key, const char *v, const char *what) {
  strbuf_addf(err, "%s: '%s' %s", key, v, what);
  return -1;
}

static int set_currency(struct etl_config *c, const char *key, const char *v,
                        struct strbuf *err) {
  const char *s = v + strspn(v, " \t");
  size_t n = strlen(s);
  while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
    n--;
  if (n != 3)
    return bad(err, key, v, "is not a 3-letter currency code");
  for (size_t i = 0; i < n; i++) {
    char ch = s[i];
    if (ch >= 'a' && ch <= 'z')
      ch = (char)(ch - 'a' + 'A');
    if (ch < 'A' || ch > 'Z')
      return bad(err, key, v, "is not a 3-letter currency code");
    c->currency[i] = ch;
  }
  c->currency[n] = '\0';
  return 0;
}

static int set_period(struct etl_config *c, const char *key, const char *v, struct strbuf *err) {
  int p = period_kind_from_name(v);
  if (p < 0)
    return bad(err, key, v, "is not one of day, week, month, quarter, year");
  c->period = (enum period_kind)p;
  return 0;
}

static int set_lookback(struct etl_config *c, const char *key, const char *v,
                        struct strbuf *err) {
  uint64_t d;
  if (whole_parse(v, (uint64_t)INT64_MAX / 86400, &d) < 0)
    return bad(err, key, v, "is not a whole number >= 0 (of days)");
  c->lookback_days = (int64_t)d;
  return 0;
}

/* A decimal > 0 (optionally also <= 1) as a double. */
static int positive_decimal(const char *key, const char *v, double *out, struct strbuf *err) {
  struct dec_text d;
  if (dec_split(v, &d) < 0 || dec_is_zero(&d))
    return bad(err, key, v, "is not a decimal number > 0");
  double x = strtod(v, NULL);
  if (!isfinite(x) || x <= 0)
    return bad(err, key, v, "is out of range");
  *out = x;
  return 0;
}

static int set_half_life(struct etl_config *c, const char *key, const char *v,
                         struct strbuf *err) {
  return positive_decimal(key, v, &c->half_life_days, err);
}

static int set_expand_ratio(struct etl_config *c, const char *key, const char *v,
                            struct strbuf *err) {
  return positive_decimal(key, v, &c->max_expand_ratio, err);
}

static int set_reject_ratio(struct etl_config *c, const char *key, const char *v,
                            struct strbuf *err) {
  struct dec_text d;
  if (dec_split(v, &d) < 0 || !dec_le_one(&d))
    return bad(err, key, v, "is not a decimal number from 0 to 1");
  c->max_reject_ratio = strtod(v, NULL);
  return 0;
}

static int bool_value(const char *key, const char *v, bool *out, struct strbuf *err) {
  if (strcasecmp(v, "true") == 0 || strcmp(v, "1") == 0)
    *out = true;
  else if (strcasecmp(v, "false") == 0 || strcmp(v, "0") == 0)
    *out = false;
  else
    return bad(err, key, v, "is not true, false, 1 or 0");
  return 0;
}

static int set_account_based(struct etl_config *c, const char *key, const char *v,
                             struct strbuf *err) {
  return bool_value(key, v, &c->account_based, err);
}

static int set_requires_utm(struct etl_config *c, const char *key, const char *v,
                            struct strbuf *err) {
  return bool_value(key, v, &c->web_visit_requires_utm, err);
}

static int set_excel_bom(struct etl_config *c, const char *key, const char *v,
                         struct strbuf *err) {
  return bool_value(key, v, &c->excel_bom, err);
}

static int set_utc_offset(struct etl_config *c, const char *key, const char *v,
                          struct strbuf *err) {
  int32_t secs;
  if (utc_offset_parse(v, strlen(v), &secs) < 0)
    return bad(err, key, v, "is not a UTC offset like +00:00, -05:00 or +0530");
  c->naive_utc_offset = secs;
  return 0;
}

static int set_fiscal_month(struct etl_config *c, const char *key, const char *v,
                            struct strbuf *err) {
  uint64_t m;
  if (whole_parse(v, 12, &m) < 0 || m < 1)
    return bad(err, key, v, "is not a month number from 1 to 12");
  c->fiscal_year_start_month = (int)m;
  return 0;
}

static int set_crm_touches(struct etl_config *c, const char *key, const char *v,
                           struct strbuf *err) {
  if (strcasecmp(v, "responded") == 0)
    c->crm_touches_all = false;
  else if (strcasecmp(v, "all") == 0)
    c->crm_touches_all = true;
  else
    return bad(err, key, v, "is not responded or all");
  return 0;
}

static int set_max_input_bytes(struct etl_config *c, const char *key, const char *v,
                               struct strbuf *err) {
  uint64_t n;
  if (whole_parse(v, UINT64_MAX, &n) < 0 || n == 0)
    return bad(err, key, v, "is not a whole number of bytes > 0");
  c->max_input_bytes = n;
  return 0;
}

static int set_out_dir(struct etl_config *c, const char *key, const char *v,
                       struct strbuf *err) {
  if (!*v)
    return bad(err, key, v, "is empty");
  free(c->out_dir);
  c->out_dir = etl_config_resolve(c, v);
  return 0;
}

/* One "ID:KIND" item of ma_touch_types, white space around both parts
 * allowed. */
static int touch_type_item(const char *key, const char *item, size_t n, struct ma_touch_type *out,
                           struct strbuf *err) {
  char *s = xstrndup(item, n);
  for (size_t e = strlen(s); e && (s[e - 1] == ' ' || s[e - 1] == '\t');)
    s[--e] = '\0';
  char *colon = strchr(s, ':');
  int rc = -1;
  if (!colon) {
    bad(err, key, s, "is not ID:KIND");
    goto done;
  }
  *colon = '\0';
  char *id = s + strspn(s, " \t");
  for (char *e = colon; e > id && (e[-1] == ' ' || e[-1] == '\t');)
    *--e = '\0';
  char *kind = colon + 1 + strspn(colon + 1, " \t");
  uint64_t v;
  if (whole_parse(id, (uint64_t)LONG_MAX, &v) < 0 || v == 0) {
    strbuf_addf(err, "%s: activity type id '%s' is not a whole number > 0", key, id);
    goto done;
  }
  if (!touch_kind_name_valid(kind)) {
    strbuf_addf(err,
                "%s: kind '%s' is not a kind name (1 to %d characters of a-z, 0-9 and _, "
                "starting with a letter)", key, kind, TOUCH_KIND_MAX);
    goto done;
  }
  if (strcmp(kind, TOUCH_KIND_CAMPAIGN_RESPONSE) == 0) {
    strbuf_addf(err, "%s: kind '%s' is the kind of CRM campaign members; give activities "
                "another name", key, kind);
    goto done;
  }
  out->type_id = (long)v;
  memcpy(out->kind, kind, strlen(kind) + 1);
  rc = 0;
done:
  free(s);
  return rc;
}

/* "1:web_visit, 2:form_fill, 11:email_click"; an empty value configures no
 * activity type (the MA export then yields no touches). */
static int set_ma_touch_types(struct etl_config *c, const char *key, const char *v,
                              struct strbuf *err) {
  struct ma_touch_type *types = NULL;
  size_t n = 0, cap = 0;
  const char *p = v + strspn(v, " \t");
  while (*p) {
    size_t len = strcspn(p, ",");
    struct ma_touch_type t;
    if (strspn(p, " \t") >= len) {
      strbuf_addf(err, "%s: empty item in '%s'", key, v);
      goto fail;
    }
    if (touch_type_item(key, p, len, &t, err) < 0)
      goto fail;
    for (size_t i = 0; i < n; i++)
      if (types[i].type_id == t.type_id) {
        strbuf_addf(err, "%s: activity type %ld is listed twice", key, t.type_id);
        goto fail;
      }
    XGROW(types, cap, n + 1);
    types[n++] = t;
    p += len;
    if (*p == ',' && !p[1 + strspn(p + 1, " \t")]) {
      strbuf_addf(err, "%s: empty item in '%s'", key, v);
      goto fail;
    }
    if (*p == ',')
      p++;
  }
  free(c->ma_types);
  c->ma_types = types;
  c->nma_types = n;
  return 0;
fail:
  free(types);
  return -1;
}

static const struct {
  const char *key;
  setter_fn set;
} pipeline_keys[] = {
    {"currency", set_currency},
    {"period", set_period},
    {"lookback_days", set_lookback},
    {"half_life_days", set_half_life},
    {"account_based", set_account_based},
    {"max_reject_ratio", set_reject_ratio},
    {"naive_utc_offset", set_utc_offset},
    {"fiscal_year_start_month", set_fiscal_month},
    {"crm_touches", set_crm_touches},
    {"web_visit_requires_utm", set_requires_utm},
    {"ma_touch_types", set_ma_touch_types},
    {"excel_bom", set_excel_bom},
    {"max_expand_ratio", set_expand_ratio},
    {"max_input_bytes", set_max_input_bytes},
    {"out_dir", set_out_dir},
};

int etl_config_set_pipeline(struct etl_config *c, const char *key, const char *value,
                            struct strbuf *err) {
  for (size_t i = 0; i < sizeof(pipeline_keys) / sizeof(pipeline_keys[0]); i++)
    if (strcasecmp(key, pipeline_keys[i].key) == 0)
      return pipeline_keys[i].set(c, pipeline_keys[i].key, value, err) < 0 ? -1 : 0;
  return 1;
}

/* --- Columns of every input (§1, plus Campaign.CurrencyIsoCode of §5.1) ---- */

static const struct {
  const char *entity;
  const char *columns[16]; /* NULL-terminated */
} entity_columns[] = {
    {"Campaign",
     {"Id", "Name", "Type", "StartDate", "EndDate", "ActualCost", "BudgetedCost",
      "CurrencyIsoCode", "IsDeleted", NULL}},
    {"Lead",
     {"Id", "Email", "CreatedDate", "LeadSource", "IsConverted", "ConvertedDate",
      "ConvertedContactId", "ConvertedAccountId", "ConvertedOpportunityId", "IsDeleted", NULL}},
    {"Contact", {"Id", "Email", "AccountId", "CreatedDate", "LeadSource", "IsDeleted", NULL}},
    {"Opportunity",
     {"Id", "AccountId", "CreatedDate", "CloseDate", "IsClosed", "IsWon", "Amount", "Name",
      "StageName", "CurrencyIsoCode", "CampaignId", "LeadSource", "IsDeleted", NULL}},
    {"OpportunityContactRole",
     {"Id", "OpportunityId", "ContactId", "Role", "IsPrimary", "IsDeleted", NULL}},
    {"CampaignMember",
     {"Id", "CampaignId", "HasResponded", "CreatedDate", "LeadId", "ContactId",
      "FirstRespondedDate", "Status", "IsDeleted", NULL}},
    {"OpportunityHistory", {"Id", "OpportunityId", "CreatedDate", "StageName", "IsDeleted", NULL}},
    {"ma_activities",
     {"marketoGUID", "leadId", "activityDate", "activityTypeId", "campaignId",
      "primaryAttributeValueId", "primaryAttributeValue", "attributes", NULL}},
    {"ma_leads", {"id", "email", "createdAt", "sfdcLeadId", "sfdcContactId", NULL}},
    {"fx_rates", {"currency", "effective_date", "rate", NULL}},
    {"costs", {"date", "campaign_id", "channel", "amount", "currency", NULL}},
};

const char *const *etl_entity_columns(const char *entity) {
  for (size_t i = 0; i < sizeof(entity_columns) / sizeof(entity_columns[0]); i++)
    if (strcmp(entity, entity_columns[i].entity) == 0)
      return entity_columns[i].columns;
  return NULL;
}

int etl_entity_column(const char *entity, const char *name, const char **canonical) {
  for (size_t i = 0; i < sizeof(entity_columns) / sizeof(entity_columns[0]); i++) {
    if (strcmp(entity, entity_columns[i].entity) != 0)
      continue;
    for (const char *const *col = entity_columns[i].columns; *col; col++)
      if (strcasecmp(name, *col) == 0) {
        *canonical = *col;
        return 1;
      }
    return 0;
  }
  return -1;
}
