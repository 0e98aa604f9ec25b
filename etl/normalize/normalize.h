/* The normalize stage (etl-normalize): reads every input of pipeline.conf,
 * applies the row rules of contract §2, §3.1, §3.2, §8 and §9 (checks in
 * the contract's order: field count, IsDeleted, values, references, duplicate
 * key), converts money to corporate cents, resolves people and touches, and
 * produces the data set (transforms/dataset.h) and the reject log.
 *
 * The work is split by input family: normalize_crm.c (the Salesforce
 * entities), normalize_ma.c (Marketo leads and activities), normalize_side.c
 * (fx rates and cost rows), normalize_people.c (identity, over the rules of
 * transforms/identity.h), and
 * normalize_touches.c (channels, de-duplication, final ordering);
 * normalize.c runs them in dependency order. */
#ifndef ATTR_NORMALIZE_H
#define ATTR_NORMALIZE_H

#include <stdbool.h>
#include <stdint.h>

#include "etl/common/config.h"
#include "etl/input/input_set.h"
#include "etl/input/presplit.h"
#include "etl/input/input_table.h"
#include "etl/common/rejects.h"
#include "etl/common/stage_log.h"
#include "transforms/dataset.h"
#include "transforms/fx.h"
#include "transforms/identity.h"
#include "transforms/base/idmap.h"
#include "transforms/base/u64map.h"
#include "transforms/base/u64window.h"
#include "transforms/values.h"

/* Result codes of the stage (mapped to exit codes by the program).
 * NORM_REJECT_RATIO: every input was read but too many rows were rejected;
 * the reject log is complete, so the program still writes rejects.csv and
 * inputs.tsv (not the data set) for the operator. */
enum norm_result { NORM_OK = 0, NORM_DATA_FAULT = 1, NORM_REJECT_RATIO = 2, NORM_IO_ERROR = 3 };

struct norm_campaign {
  str_id id, name, type, currency, key;
  int64_t cost_cents; /* ActualCost as written, in its currency */
  int32_t start, end; /* written days, DS_NO_DAY */
};

struct norm_lead {
  str_id id, email, lead_source, conv_contact, conv_opp;
  int64_t created;
  bool converted;
  uint32_t person;
};

struct norm_contact {
  str_id id, email, account, lead_source;
  int64_t created;
  uint32_t person;
};

struct norm_member {
  uint32_t campaign, lead, contact; /* indexes or DS_NONE */
  str_id id;
  int64_t time;
  bool responded;
};

struct norm_mlead {
  str_id email, sfdc_lead, sfdc_contact;
  int64_t created;
  uint32_t person; /* DS_NONE until mapped */
  str_id key;      /* the Marketo id as written */
  unsigned char digest[INPUT_DIGEST_LEN]; /* of its raw row (re-exports, §1.2) */
};

/* The digest of a kept activity row (re-exports, contract §1.2), by the
 * str_id of its marketoGUID in norm_state.guids. */
struct kept_digest {
  str_id guid;
  unsigned char digest[INPUT_DIGEST_LEN];
};

struct norm_state {
  const struct etl_config *conf;
  bool check_only;
  unsigned jobs; /* >= 1: the input files read at once (the next jobs - 1
                    files of a multi-file input are opened ahead) */
  const struct presplit_index *presplit; /* --from-split: every input file is
                    replayed from its pre-split file (not owned); NULL: read */
  struct dataset *ds; /* output; its string pool holds every id */
  struct reject_log log;
  struct fx_table fx;
  struct strpool scratch; /* rule-field values, email keys, Marketo ids */
  struct strpool keys;    /* campaign keys and channel memo keys: a few thousand
                             strings, looked up per touch, so kept apart from
                             the big pools where each lookup misses the caches */
  struct strpool guids;   /* every non-numeric marketoGUID, for duplicates */
  struct u64window guid_nums; /* numeric marketoGUIDs (u64window.h) -> the first 8
                                 bytes of the kept row's digest, for duplicates
                                 and re-exports */
  struct u64map mlead_nums; /* numeric Marketo lead ids -> index in mleads */
  struct u64dense mlead_dense; /* the same as an array of persons, when dense */
  uint32_t *mlead_person;   /* per Marketo lead: its person, once leads are read
                               (mleads itself is released then) */

  struct norm_campaign *campaigns;
  size_t ncampaigns, capcampaigns;
  struct norm_lead *leads;
  size_t nleads, capleads;
  struct norm_contact *contacts;
  size_t ncontacts, capcontacts;
  struct ds_link *roles; /* (opp index, contact index) */
  size_t nroles, caproles;
  struct norm_member *members;
  size_t nmembers, capmembers;
  struct norm_mlead *mleads;
  size_t nmleads, capmleads;
  size_t capopps, captouches, capcosts, caphistory;

  struct idmap campaign_by_id, campaign_by_key, lead_by_id, contact_by_id, opp_by_id,
      mlead_by_key;

  struct strbuf idbuf, sb, memo_key, actid, host; /* scratch */
  struct strbuf report; /* check mode: what each input matched, warnings (stdout) */
  struct kept_digest *act_digests; /* of each kept activity with a non-numeric
                                      GUID, in ascending guid order */
  size_t nact_digests, capact_digests;
  struct ma_attributes attrs;
  struct utm utm;
  struct identity identity; /* normalize_people.c: persons, email candidates */
  bool people_built;        /* identity holds something to release */
  unsigned rule_limit_hits;
  enum stage_log_level log_level; /* STAGE_LOG_INFO after init */
  struct stage_progress progress; /* the terminal progress line (disabled after init) */
  void *channel_cache; /* normalize_touches.c */
  bool rule_fields[RF_COUNT]; /* per field: some channel rule tests it */
  str_id *kind_ids; /* per conf->ma_types entry: its kind interned, STR_EMPTY until used */
};

/* Runs the whole stage. On failure err holds the message. */
enum norm_result normalize_run(struct norm_state *st, struct strbuf *err);

void norm_state_init(struct norm_state *st, const struct etl_config *conf, struct dataset *ds);
void norm_state_release(struct norm_state *st);

/* The lead source of a person as a channel rule field, or "" when no rule
 * tests lead_source: the field then cannot change the channel, and reading
 * it was a cache miss per touch (persons are tens of MB on a big export). */
const char *norm_person_lead_source(const struct norm_state *st, uint32_t person);

/* --- shared helpers (normalize_util.c) --- */
/* Normalizes a Salesforce id cell (15 -> 18) and interns it. */
str_id norm_sfid(struct norm_state *st, const char *s, size_t n);
/* Interns a cell as is. */
str_id norm_text(struct norm_state *st, const char *s, size_t n);
/* Interns cell col of the current row trimmed of white space (StageName,
 * LeadSource of an opportunity). */
str_id norm_trimmed_text(struct norm_state *st, struct input_table *t, size_t col);
/* The CRM export: what `crm` matched (one or more parts, in bytewise order
 * of their paths), each an archive or a directory, open. */
struct norm_crm {
  struct input_set set;
  struct etl_container **parts;
  size_t n;
};
/* Resolves and opens every part of `crm`. 0, or -1 with err (missing input,
 * a part that is not a readable archive or directory); close it either way. */
int norm_crm_open(struct norm_state *st, struct norm_crm *crm, struct strbuf *err);
void norm_crm_close(struct norm_crm *crm);

/* With st->presplit (normalize_presplit.c): a file part becomes the replay
 * of its pre-split file; a CRM part is opened from its pre-split file. */
void norm_presplit_part(const struct norm_state *st, struct input_part *part);
int norm_container_open(const struct norm_state *st, const char *path,
                        const struct etl_input_opts *o, struct etl_container **out,
                        struct strbuf *err);
/* The CRM entities the stage reads, in its order (NULL-terminated, static):
 * what etl-split splits out of each CRM export part. */
const char *const *normalize_crm_entity_names(void);

/* Opens a CRM entity over every part that holds it (parts of one entity,
 * read in part order; two matches in one part are a fault) or an [input]
 * key's file, directory or pattern. Returns 1 with t open, 0 when the input
 * is not configured (or an optional entity is in no part), -1 with err on a
 * fault (missing file/entry/column). In check mode every file's header is
 * checked and what each input matched goes to st->report. */
int norm_open_crm(struct norm_state *st, const struct norm_crm *crm, const char *entity,
                  bool optional, const struct col_spec *specs, size_t n, struct input_table *t,
                  struct strbuf *err);
int norm_open_file(struct norm_state *st, const char *path, const char *key, bool ma,
                   const struct col_spec *specs, size_t n, struct input_table *t,
                   struct strbuf *err);
/* Parses an IsDeleted-style boolean cell of column i; rejects the row on an
 * unparseable value. Returns 1 when the row is deleted or rejected (skip it). */
int norm_skip_deleted(struct norm_state *st, struct input_table *t, size_t col, const char *id);
/* Parses timestamp column i. required: empty is a reject. Returns 0 (value
 * set; *present false for an empty optional cell) or -1 (row rejected). */
int norm_ts(struct norm_state *st, struct input_table *t, size_t col, const char *id,
            bool required, struct ts_value *v, bool *present);
int norm_bool(struct norm_state *st, struct input_table *t, size_t col, const char *id, bool *v);
int norm_money(struct norm_state *st, struct input_table *t, size_t col, const char *id,
               int64_t *cents);
/* Rejects the row for a missing required value of column i. */
void norm_reject_missing(struct norm_state *st, struct input_table *t, size_t col, const char *id);
/* Currency code of column col, trimmed and upper-cased (§9), in st->sb
 * (valid until st->sb is next used); never NULL, "" when empty. */
const char *norm_currency(struct norm_state *st, struct input_table *t, size_t col);
/* Normalizes an email cell; a kept row's invalid email is a warning that the
 * caller emits with norm_warn_email after the row is known to be kept. */
str_id norm_email(struct norm_state *st, const char *s, size_t n, bool *invalid);
void norm_warn_email(struct norm_state *st, struct input_table *t, size_t col, const char *id);
/* Log lines for the files of an input after it has been read (verbose
 * level only). */
void norm_log_input(struct norm_state *st, const char *entity);

/* --- per family --- */
int normalize_fx(struct norm_state *st, struct strbuf *err);
int normalize_crm(struct norm_state *st, struct strbuf *err);
int normalize_ma(struct norm_state *st, struct strbuf *err);
int normalize_costs(struct norm_state *st, struct strbuf *err);
/* Builds ds->persons from contacts and leads (before Marketo mapping). */
void normalize_people(struct norm_state *st);
/* Maps a Marketo lead to a person index (adds MA-only persons). */
uint32_t normalize_map_mlead(struct norm_state *st, const struct norm_mlead *m);
/* Channel of a touch or campaign from its rule fields. */
str_id normalize_channel(struct norm_state *st, const char *const fields[RF_COUNT]);
/* Frees the channel memo (idempotent). */
void normalize_channel_memo_free(struct norm_state *st);
/* Appends a touch to ds->touches; kind is its interned kind name. */
void normalize_add_touch(struct norm_state *st, str_id touch_id, uint32_t person,
                         uint32_t campaign, int64_t time, str_id kind, str_id channel);
/* Sorts and de-duplicates; establishes every invariant of dataset.h. */
void normalize_finish(struct norm_state *st);

#endif
