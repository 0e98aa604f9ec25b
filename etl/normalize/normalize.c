/* Orchestration of the normalize stage (see normalize.h): inputs in
 * dependency order, then identity, touches, the reject-ratio check, and the
 * outputs. */
#include "etl/normalize/normalize.h"

#include <stdlib.h>
#include <string.h>

#include "transforms/base/xalloc.h"

void norm_state_init(struct norm_state *st, const struct etl_config *conf, struct dataset *ds) {
  memset(st, 0, sizeof(*st));
  st->conf = conf;
  st->jobs = 1;
  st->ds = ds;
  reject_log_init(&st->log);
  fx_table_init(&st->fx, conf->currency);
  strpool_init(&st->scratch);
  strpool_init(&st->keys);
  strpool_init(&st->guids);
  u64window_init(&st->guid_nums);
  u64map_init(&st->mlead_nums);
  idmap_init(&st->campaign_by_id);
  idmap_init(&st->campaign_by_key);
  idmap_init(&st->lead_by_id);
  idmap_init(&st->contact_by_id);
  idmap_init(&st->opp_by_id);
  idmap_init(&st->mlead_by_key);
  strbuf_init(&st->report);
  ma_attributes_init(&st->attrs);
  utm_init(&st->utm);
  st->kind_ids = xcalloc(conf->nma_types ? conf->nma_types : 1, sizeof(*st->kind_ids));
  st->log_level = STAGE_LOG_INFO;
  for (int f = 0; f < RF_COUNT; f++)
    st->rule_fields[f] = channel_rules_test(conf->rules, (enum rule_field)f);
  stage_progress_init(&st->progress, "etl-normalize", 0, false);
}

/* The Marketo keys and GUIDs are needed only while the inputs are read;
 * releasing them before the final sorts lowers the stage's peak memory.
 * norm_state_release calls it too (it is idempotent). */
static void release_marketo_keys(struct norm_state *st) {
  u64window_release(&st->guid_nums);
  u64map_release(&st->mlead_nums);
  u64dense_release(&st->mlead_dense);
  free(st->mlead_person);
  st->mlead_person = NULL;
  strpool_release(&st->guids);
  strpool_release(&st->scratch);
  idmap_release(&st->mlead_by_key);
  free(st->act_digests);
  st->act_digests = NULL;
  st->nact_digests = st->capact_digests = 0;
}

void norm_state_release(struct norm_state *st) {
  reject_log_release(&st->log);
  fx_table_release(&st->fx);
  release_marketo_keys(st);
  strpool_release(&st->keys);
  free(st->campaigns);
  free(st->leads);
  free(st->contacts);
  free(st->roles);
  free(st->members);
  free(st->mleads);
  idmap_release(&st->campaign_by_id);
  idmap_release(&st->campaign_by_key);
  idmap_release(&st->lead_by_id);
  idmap_release(&st->contact_by_id);
  idmap_release(&st->opp_by_id);
  if (st->people_built)
    identity_release(&st->identity);
  strbuf_release(&st->report);
  normalize_channel_memo_free(st);
  free(st->kind_ids);
  strbuf_release(&st->idbuf);
  strbuf_release(&st->sb);
  strbuf_release(&st->memo_key);
  strbuf_release(&st->actid);
  strbuf_release(&st->host);
  ma_attributes_release(&st->attrs);
  utm_release(&st->utm);
  memset(st, 0, sizeof(*st));
}

enum norm_result normalize_run(struct norm_state *st, struct strbuf *err) {
  if (normalize_fx(st, err) != 0 || normalize_crm(st, err) != 0)
    return NORM_DATA_FAULT;
  if (!st->check_only)
    normalize_people(st);
  if (normalize_ma(st, err) != 0 || normalize_costs(st, err) != 0)
    return NORM_DATA_FAULT;
  if (st->check_only)
    return NORM_OK;
  bool full = strpool_full(&st->scratch) || strpool_full(&st->guids);
  release_marketo_keys(st);
  normalize_finish(st);
  if (full || strpool_full(&st->ds->strings) || strpool_full(&st->keys)) {
    strbuf_addf(err, "the inputs hold more than 4 GiB of distinct text, the limit of one run");
    return NORM_DATA_FAULT;
  }
  if (reject_log_check_ratio(&st->log, st->conf->max_reject_ratio, err) != 0)
    return NORM_REJECT_RATIO;
  return NORM_OK;
}
