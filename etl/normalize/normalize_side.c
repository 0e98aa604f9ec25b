/* The optional side inputs of the normalize stage (contract §1.3, §9):
 * fx rates, read first because opportunity and campaign amounts are
 * converted while they are read, and cost rows, read last because they
 * reference campaigns. */
#include <ctype.h>
#include <string.h>

#include "etl/normalize/normalize.h"
#include "transforms/base/xalloc.h"

#define NCOLS(a) (sizeof(a) / sizeof((a)[0]))

/* --- fx rates ------------------------------------------------------------- */
enum { FX_CUR, FX_DATE, FX_RATE };
static const struct col_spec fx_cols[] = {
    {"currency", true}, {"effective_date", true}, {"rate", true}};

static void fx_row(struct norm_state *st, struct input_table *t) {
  size_t n;
  const char *cur = input_table_get(t, FX_CUR, &n);
  const char *code = norm_currency(st, t, FX_CUR);
  if (st->sb.len == 0) {
    norm_reject_missing(st, t, FX_CUR, NULL);
    return;
  }
  if (st->sb.len >= sizeof(((struct fx_rate *)0)->currency)) {
    reject_add(&st->log, t->input, t->rec.line, NULL, "currency", SEV_ERROR,
               "'%s': not a currency code", cur);
    return;
  }
  struct ts_value day;
  if (norm_ts(st, t, FX_DATE, NULL, true, &day, NULL) != 0)
    return;
  const char *rs = input_table_get(t, FX_RATE, &n);
  if (n == 0) {
    norm_reject_missing(st, t, FX_RATE, NULL);
    return;
  }
  struct decimal rate;
  const char *why = "not a rate";
  if (rate_parse(rs, n, &rate, &why) != 0) {
    reject_add(&st->log, t->input, t->rec.line, NULL, "rate", SEV_ERROR, "'%s': %s", rs, why);
    return;
  }
  if (fx_table_add(&st->fx, code, day.written_day, &rate) != 0) {
    reject_add(&st->log, t->input, t->rec.line, NULL, "currency", SEV_ERROR,
               "duplicate rate for %s on this date (first kept row wins)", code);
    return;
  }
  input_table_keep(t, NULL);
}

int normalize_fx(struct norm_state *st, struct strbuf *err) {
  struct input_table t;
  int rc = norm_open_file(st, st->conf->fx_rates, "fx_rates", false, fx_cols, NCOLS(fx_cols), &t,
                          err);
  if (rc <= 0) {
    fx_table_seal(&st->fx);
    return rc;
  }
  /* read in check mode too: the currency check of opportunities needs it */
  while ((rc = input_table_next(&t, err)) > 0)
    fx_row(st, &t);
  norm_log_input(st, "fx_rates");
  input_table_close(&t);
  fx_table_seal(&st->fx);
  return rc < 0 ? -1 : 0;
}

/* --- cost rows ------------------------------------------------------------ */
enum { CS_DATE, CS_CAMPAIGN, CS_CHANNEL, CS_AMOUNT, CS_CUR };
static const struct col_spec cost_cols[] = {{"date", true},
                                            {"campaign_id", true},
                                            {"channel", true},
                                            {"amount", true},
                                            {"currency", true}};

/* A channel cost row whose channel (trimmed) is neither Other nor a
 * [channel] section would quietly make a channel of its own (contract §9
 * "rejects.csv"): a warning, the row is kept as written. */
static void warn_unknown_channel(struct norm_state *st, struct input_table *t, const char *s,
                                 size_t n) {
  while (n && isspace((unsigned char)*s))
    s++, n--;
  while (n && isspace((unsigned char)s[n - 1]))
    n--;
  if (channel_rules_known(st->conf->rules, s, n))
    return;
  reject_add(&st->log, t->input, t->rec.line, NULL, "channel", SEV_WARNING,
             "channel '%.*s' is not a configured channel", (int)n, s);
}

static void cost_row(struct norm_state *st, struct input_table *t) {
  /* values in column order: date, campaign_id/channel, amount, currency */
  struct ts_value day;
  if (norm_ts(st, t, CS_DATE, NULL, true, &day, NULL) != 0)
    return;
  size_t n, cn, hn;
  const char *cid = input_table_get(t, CS_CAMPAIGN, &cn);
  const char *chan = input_table_get(t, CS_CHANNEL, &hn);
  if ((cn == 0) == (hn == 0)) {
    reject_add(&st->log, t->input, t->rec.line, NULL, cn ? "campaign_id" : "channel", SEV_ERROR,
               "exactly one of campaign_id and channel must be set");
    return;
  }
  input_table_get(t, CS_AMOUNT, &n);
  if (n == 0) {
    norm_reject_missing(st, t, CS_AMOUNT, NULL);
    return;
  }
  int64_t cents;
  if (norm_money(st, t, CS_AMOUNT, NULL, &cents) != 0)
    return;
  const char *code = norm_currency(st, t, CS_CUR);
  int64_t conv;
  int rc = fx_convert(&st->fx, code, day.written_day, cents, &conv);
  if (rc != 0) {
    reject_add(&st->log, t->input, t->rec.line, NULL, "currency", SEV_ERROR,
               rc == -1 ? "no fx rate for %s on the cost date" : "amount overflows in %s",
               code);
    return;
  }
  uint32_t campaign = DS_NONE;
  str_id channel = STR_EMPTY;
  if (cn) {
    str_id id = norm_sfid(st, cid, cn);
    if (!idmap_get(&st->campaign_by_id, id, &campaign)) {
      reject_add(&st->log, t->input, t->rec.line, NULL, "campaign_id", SEV_ERROR,
                 "unknown reference '%s'", ds_str(st->ds, id));
      return;
    }
  } else {
    channel = norm_text(st, chan, hn);
  }
  struct dataset *ds = st->ds;
  XGROW(ds->costs, st->capcosts, ds->ncosts + 1);
  struct ds_cost *c = &ds->costs[ds->ncosts++];
  memset(c, 0, sizeof(*c));
  c->day = day.written_day;
  c->campaign = campaign;
  c->channel = channel;
  c->cents = conv;
  input_table_keep(t, NULL);
  if (channel != STR_EMPTY)
    warn_unknown_channel(st, t, chan, hn);
}

int normalize_costs(struct norm_state *st, struct strbuf *err) {
  struct input_table t;
  int rc = norm_open_file(st, st->conf->costs, "costs", false, cost_cols, NCOLS(cost_cols), &t,
                          err);
  if (rc <= 0)
    return rc;
  if (!st->check_only) {
    while ((rc = input_table_next(&t, err)) > 0)
      cost_row(st, &t);
    norm_log_input(st, "costs");
  }
  input_table_close(&t);
  return rc < 0 ? -1 : 0;
}
