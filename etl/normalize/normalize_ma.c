/* The marketing-automation inputs of the normalize stage (contract
 * §1.2, §3.1, §3.2, §9): Marketo leads, each mapped to a person once, then
 * activities, each checked (field count, marketoGUID, activityDate,
 * activityTypeId, leadId, duplicate GUID) and, for the configured types,
 * turned into a touch with its UTM parameters, campaign and channel. */
#include <stdlib.h>
#include <string.h>

#include "etl/normalize/normalize.h"
#include "transforms/base/xalloc.h"

#define NCOLS(a) (sizeof(a) / sizeof((a)[0]))

/* --- Marketo leads ------------------------------------------------------ */
enum { ML_ID, ML_EMAIL, ML_CREATED, ML_SFLEAD, ML_SFCONTACT };
static const struct col_spec mlead_cols[] = {{"id", true},
                                             {"email", true},
                                             {"createdAt", true},
                                             {"sfdcLeadId", false},
                                             {"sfdcContactId", false}};

static void mlead_row(struct norm_state *st, struct input_table *t) {
  size_t n;
  const char *idtext = input_table_get(t, ML_ID, &n);
  size_t n_id = n;
  if (n == 0) {
    norm_reject_missing(st, t, ML_ID, NULL);
    return;
  }
  str_id key = strpool_intern(&st->scratch, idtext, n);
  const char *id = strpool_str(&st->scratch, key);
  struct ts_value created;
  if (norm_ts(st, t, ML_CREATED, id, true, &created, NULL) != 0)
    return;
  uint32_t prev;
  unsigned char digest[INPUT_DIGEST_LEN];
  input_table_row_digest(t, digest);
  if (idmap_get(&st->mlead_by_key, key, &prev)) {
    if (memcmp(st->mleads[prev].digest, digest, INPUT_DIGEST_LEN) == 0) {
      input_table_skipped(t); /* a re-export of the kept row (contract §1.2) */
      return;
    }
    reject_add(&st->log, t->input, t->rec.line, id, "id", SEV_ERROR,
               "duplicate id (first kept row wins)");
    return;
  }
  const char *email = input_table_get(t, ML_EMAIL, &n);
  bool invalid;
  struct norm_mlead m;
  m.email = norm_email(st, email, n, &invalid);
  id = strpool_str(&st->scratch, key); /* the pool may have moved */
  const char *s = input_table_get(t, ML_SFLEAD, &n);
  m.sfdc_lead = n ? norm_sfid(st, s, n) : STR_EMPTY;
  s = input_table_get(t, ML_SFCONTACT, &n);
  m.sfdc_contact = n ? norm_sfid(st, s, n) : STR_EMPTY;
  m.created = created.utc;
  m.key = key;
  memcpy(m.digest, digest, INPUT_DIGEST_LEN);
  m.person = normalize_map_mlead(st, &m);
  XGROW(st->mleads, st->capmleads, st->nmleads + 1);
  st->mleads[st->nmleads] = m;
  uint64_t num, unused;
  if (u64_canonical_decimal(idtext, n_id, &num))
    u64map_add(&st->mlead_nums, num, st->nmleads, &unused);
  idmap_put(&st->mlead_by_key, key, (uint32_t)st->nmleads++);
  input_table_keep(t, strpool_str(&st->scratch, key));
  if (invalid)
    norm_warn_email(st, t, ML_EMAIL, strpool_str(&st->scratch, key));
}

/* --- activities ----------------------------------------------------------- */
enum { AC_GUID, AC_LEAD, AC_DATE, AC_TYPE, AC_ATTRS };
static const struct col_spec activity_cols[] = {{"marketoGUID", true},
                                                {"leadId", true},
                                                {"activityDate", true},
                                                {"activityTypeId", true},
                                                {"attributes", true}};

static int parse_type(const char *s, size_t n, long *out) {
  if (n == 0 || n > 9)
    return -1;
  long v = 0;
  for (size_t i = 0; i < n; i++) {
    if (s[i] < '0' || s[i] > '9')
      return -1;
    v = v * 10 + (s[i] - '0');
  }
  *out = v;
  return 0;
}

/* Builds the touch of a kept activity of a configured type. */
static void activity_touch(struct norm_state *st, uint32_t person, int type_index,
                           int64_t time) {
  struct utm *u = &st->utm;
  const char *kind = st->conf->ma_types[type_index].kind;
  utm_from_attributes(&st->attrs, u);
  if (st->conf->web_visit_requires_utm && strcmp(kind, TOUCH_KIND_WEB_VISIT) == 0 &&
      u->source.len == 0 && u->medium.len == 0)
    return;
  uint32_t campaign = DS_NONE;
  if (u->campaign.len) {
    campaign_key(u->campaign.buf, u->campaign.len, &st->sb);
    str_id key;
    uint32_t ci;
    if (st->sb.len && strpool_find(&st->keys, st->sb.buf, st->sb.len, &key) &&
        idmap_get(&st->campaign_by_key, key, &ci))
      campaign = ci;
  }
  struct strbuf *host = &st->host; /* reused: no allocation per touch */
  strbuf_reset(host);
  if (st->attrs.has_referrer_url)
    referrer_host(strbuf_str(&st->attrs.referrer_url), st->attrs.referrer_url.len, host);
  const char *fields[RF_COUNT];
  fields[RF_UTM_SOURCE] = strbuf_str(&u->source);
  fields[RF_UTM_MEDIUM] = strbuf_str(&u->medium);
  fields[RF_UTM_CAMPAIGN] = strbuf_str(&u->campaign);
  fields[RF_REFERRER] = strbuf_str(host);
  fields[RF_CAMPAIGN_TYPE] = campaign == DS_NONE ? "" : ds_str(st->ds, st->campaigns[campaign].type);
  fields[RF_KIND] = kind;
  fields[RF_LEAD_SOURCE] = norm_person_lead_source(st, person);
  str_id channel = normalize_channel(st, fields);
  /* "ma:" + a GUID kept once: unique, so appended without a lookup */
  str_id touch_id = strpool_add_unique(&st->ds->strings, st->actid.buf, st->actid.len);
  str_id *kind_id = &st->kind_ids[type_index];
  if (*kind_id == STR_EMPTY) /* interned on first use: a kind name is never empty */
    *kind_id = norm_text(st, kind, strlen(kind));
  normalize_add_touch(st, touch_id, person, campaign, time, *kind_id, channel);
}

/* The digest kept for GUID gid. A GUID is interned when its row is kept and
 * the pool appends, so the kept digests are in ascending order of str_id:
 * a binary search finds one, and keeping one is an append (no random write
 * per row, which on a big extract costs more than the hash itself). */
static const struct kept_digest *kept_digest_find(const struct norm_state *st, str_id gid) {
  size_t lo = 0, hi = st->nact_digests;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (st->act_digests[mid].guid < gid)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo < st->nact_digests && st->act_digests[lo].guid == gid ? &st->act_digests[lo] : NULL;
}

/* An id cell read once: its value when it is a canonical decimal
 * (u64map.h), which decides whether it is looked up by number or by text. */
struct num_id {
  bool numeric;
  uint64_t num;
};

static struct num_id num_id_of(const char *s, size_t n) {
  struct num_id k;
  k.numeric = u64_canonical_decimal(s, n, &k.num);
  return k;
}

/* The person of the Marketo lead an activity's leadId names: by number for
 * a canonical decimal id (the dense array holds persons), else by its
 * interned text. */
static bool find_mlead_person(const struct norm_state *st, const char *lead, size_t n,
                              struct num_id k, uint32_t *person) {
  uint64_t num = k.num, v;
  uint32_t mi;
  if (k.numeric) {
    if (st->mlead_dense.value)
      return u64dense_get(&st->mlead_dense, num, person);
    if (!u64map_get(&st->mlead_nums, num, &v))
      return false;
    *person = st->mlead_person[v];
    return true;
  }
  str_id key;
  if (!strpool_find(&st->scratch, lead, n, &key) || !idmap_get(&st->mlead_by_key, key, &mi))
    return false;
  *person = st->mlead_person[mi];
  return true;
}

/* Once every Marketo lead is read, activities need only each lead's
 * person: keep that, as an array by number when the ids are dense, and
 * release the rows. */
static void index_mlead_persons(struct norm_state *st) {
  st->mlead_person = xmalloc((st->nmleads ? st->nmleads : 1) * sizeof(*st->mlead_person));
  for (size_t i = 0; i < st->nmleads; i++)
    st->mlead_person[i] = st->mleads[i].person;
  free(st->mleads);
  st->mleads = NULL;
  st->capmleads = 0;
  if (u64dense_build(&st->mlead_dense, &st->mlead_nums))
    for (size_t i = 0; i < st->mlead_dense.n; i++)
      if (st->mlead_dense.value[i] != UINT32_MAX)
        st->mlead_dense.value[i] = st->mlead_person[st->mlead_dense.value[i]];
}

/* Starts loading the GUID's and the lead's slots while the row's other
 * values are parsed: both tables are far larger than the caches. Always
 * inlined: as a function of its own, holding nothing but prefetches, GCC
 * finds it free of side effects and deletes the call at -O1 and above
 * (the built binary had no prefetch instruction at all). */
static inline __attribute__((always_inline)) void prefetch_keys(const struct norm_state *st,
                                                             struct num_id guid, struct num_id lead) {
  uint64_t lead_num = lead.num;
  if (guid.numeric && st->guid_nums.overflow.count)
    u64map_prefetch(&st->guid_nums.overflow, guid.num);
  if (!lead.numeric)
    return;
  if (!st->mlead_dense.value)
    u64map_prefetch(&st->mlead_nums, lead_num);
  else if (lead_num - st->mlead_dense.first < st->mlead_dense.n)
    __builtin_prefetch(&st->mlead_dense.value[lead_num - st->mlead_dense.first]);
}

/* Records the GUID of an activity that passed every other check: 0 when it
 * is new (the row is kept), 1 when a row with this GUID was kept and has
 * the same digest (a re-export), -1 when it was kept with another digest
 * (a duplicate). Numeric GUIDs compare the first 64 bits of the digest
 * (a false "same row" needs a 2^-64 coincidence); others the whole. */
static int keep_guid(struct norm_state *st, const char *guid, size_t n, struct num_id key,
                     const unsigned char digest[INPUT_DIGEST_LEN]) {
  uint64_t d64, kept;
  memcpy(&d64, digest, sizeof(d64));
  if (key.numeric)
    return u64window_add(&st->guid_nums, key.num, d64, &kept) ? 0 : kept == d64 ? 1 : -1;
  /* the pool only grows for a GUID it has not seen: no separate set needed */
  size_t known = st->guids.count;
  str_id gid = strpool_intern(&st->guids, guid, n);
  if (st->guids.count == known) {
    const struct kept_digest *k = kept_digest_find(st, gid);
    return k && memcmp(k->digest, digest, INPUT_DIGEST_LEN) == 0 ? 1 : -1;
  }
  XGROW(st->act_digests, st->capact_digests, st->nact_digests + 1);
  st->act_digests[st->nact_digests].guid = gid;
  memcpy(st->act_digests[st->nact_digests].digest, digest, INPUT_DIGEST_LEN);
  st->nact_digests++;
  return 0;
}

static void activity_row(struct norm_state *st, struct input_table *t) {
  size_t n, ln, tn;
  const char *guid = input_table_get(t, AC_GUID, &n);
  if (n == 0) {
    norm_reject_missing(st, t, AC_GUID, NULL);
    return;
  }
  strbuf_reset(&st->actid);
  strbuf_adds(&st->actid, "ma:");
  strbuf_add(&st->actid, guid, n);
  const char *id = st->actid.buf;
  const char *lead = input_table_get(t, AC_LEAD, &ln);
  const char *type = input_table_get(t, AC_TYPE, &tn);
  struct num_id guid_key = num_id_of(guid, n), lead_key = num_id_of(lead, ln);
  prefetch_keys(st, guid_key, lead_key);
  struct ts_value date;
  long type_id = 0;
  const char *kind = NULL;
  const char *why = NULL;
  /* values in column order: marketoGUID, leadId, activityDate,
   * activityTypeId, attributes */
  if (ln == 0) {
    norm_reject_missing(st, t, AC_LEAD, id + 3);
    return;
  }
  if (norm_ts(st, t, AC_DATE, id + 3, true, &date, NULL) != 0)
    return;
  if (tn == 0) {
    norm_reject_missing(st, t, AC_TYPE, id + 3);
    return;
  }
  if (parse_type(type, tn, &type_id) != 0) {
    reject_add(&st->log, t->input, t->rec.line, id + 3, "activityTypeId", SEV_ERROR,
               "'%s': not an activity type id", type);
    return;
  }
  int type_index = etl_config_ma_kind(st->conf, type_id, &kind);
  bool configured = type_index >= 0;
  if (configured) {
    size_t an;
    const char *attrs = input_table_get(t, AC_ATTRS, &an);
    if (ma_attributes_parse(attrs, an, &st->attrs, &why) != 0) {
      reject_add(&st->log, t->input, t->rec.line, id + 3, "attributes", SEV_ERROR, "%s", why);
      return;
    }
  }
  uint32_t person;
  if (!find_mlead_person(st, lead, ln, lead_key, &person)) {
    reject_add(&st->log, t->input, t->rec.line, id + 3, "leadId",
               SEV_ERROR, "unknown reference '%s'", lead);
    return;
  }
  unsigned char digest[INPUT_DIGEST_LEN];
  input_table_row_digest(t, digest);
  int seen = keep_guid(st, guid, n, guid_key, digest);
  if (seen != 0) {
    if (seen > 0) {
      input_table_skipped(t); /* a re-export of the kept row (contract §1.2) */
      return;
    }
    reject_add(&st->log, t->input, t->rec.line, id + 3, "marketoGUID", SEV_ERROR,
               "duplicate marketoGUID (first kept row wins)");
    return;
  }
  input_table_keep(t, id + 3);
  if (configured)
    activity_touch(st, person, type_index, date.utc);
}

int normalize_ma(struct norm_state *st, struct strbuf *err) {
  struct input_table t;
  int rc = norm_open_file(st, st->conf->ma_leads, "ma_leads", true, mlead_cols,
                          NCOLS(mlead_cols), &t, err);
  if (rc < 0)
    return -1;
  if (rc > 0) {
    if (!st->check_only) {
      while ((rc = input_table_next(&t, err)) > 0)
        mlead_row(st, &t);
      norm_log_input(st, "ma_leads");
    }
    input_table_close(&t);
    if (rc < 0)
      return -1;
  }
  if (!st->check_only)
    index_mlead_persons(st);
  rc = norm_open_file(st, st->conf->ma_activities, "ma_activities", true, activity_cols,
                      NCOLS(activity_cols), &t, err);
  if (rc <= 0)
    return rc;
  if (!st->check_only) {
    while ((rc = input_table_next(&t, err)) > 0)
      activity_row(st, &t);
    norm_log_input(st, "ma_activities");
  }
  input_table_close(&t);
  return rc < 0 ? -1 : 0;
}
