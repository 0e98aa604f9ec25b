/* Activity rows prepared on the parsing thread (see normalize_prep.h). The
 * bytes of a prepared row: a header (type index, the rejection reason as a
 * pointer to its static text, five lengths) and then the five strings. */
#include "etl/normalize/normalize_prep.h"

#include <stdlib.h>
#include <string.h>

#include "transforms/base/xalloc.h"
#include "transforms/utf8.h"
#include "transforms/values.h"

struct prep_head {
  const char *why;
  int32_t type_index;
  uint32_t len[5]; /* source, medium, campaign, host, key */
};

/* Per file: where its type and attributes columns are, and the scratch
 * the parse needs (owned by the parsing thread). */
struct prep_file {
  const struct etl_config *conf;
  int col_type, col_attrs;
  struct ma_attributes attrs;
  struct utm utm;
  struct strbuf host, key;
};

static int header_column(const struct etl_record *h, const char *name) {
  for (size_t i = 0; i < h->nfields; i++)
    if (strcmp(h->fields[i], name) == 0)
      return (int)i;
  return -1;
}

static void *prep_open(void *ctx, const struct etl_record *header) {
  const struct etl_config *conf = ctx;
  int type = header_column(header, etl_config_column(conf, "ma_activities", "activityTypeId"));
  int attrs = header_column(header, etl_config_column(conf, "ma_activities", "attributes"));
  if (type < 0 || attrs < 0)
    return NULL; /* the table reports the missing column */
  struct prep_file *f = xcalloc(1, sizeof(*f));
  f->conf = conf;
  f->col_type = type;
  f->col_attrs = attrs;
  ma_attributes_init(&f->attrs);
  utm_init(&f->utm);
  strbuf_init(&f->host);
  strbuf_init(&f->key);
  return f;
}

static void prep_close(void *state) {
  struct prep_file *f = state;
  ma_attributes_release(&f->attrs);
  utm_release(&f->utm);
  strbuf_release(&f->host);
  strbuf_release(&f->key);
  free(f);
}

/* The configured type of a cell as the rules parse it: its index, or -1. */
static int configured_type(const struct etl_config *conf, const char *s, size_t n) {
  if (n == 0 || n > 9)
    return -1;
  long v = 0;
  for (size_t i = 0; i < n; i++) {
    if (s[i] < '0' || s[i] > '9')
      return -1;
    v = v * 10 + (s[i] - '0');
  }
  const char *kind;
  return etl_config_ma_kind(conf, v, &kind);
}

static void prep_row(void *state, const struct etl_record *rec, struct strbuf *out) {
  struct prep_file *f = state;
  const char *type = rec->fields[f->col_type], *attrs = rec->fields[f->col_attrs];
  size_t tn = rec->lens[f->col_type], an = rec->lens[f->col_attrs];
  int ti = configured_type(f->conf, type, tn);
  /* only rows whose cells reach the rules unchanged: valid UTF-8, no NUL */
  if (ti < 0 || utf8_valid_prefix(attrs, an) != an || memchr(attrs, '\0', an))
    return;
  if (an == 4 && memcmp(attrs, "null", 4) == 0)
    an = 0; /* the Marketo `null`, as the table reads it */
  struct prep_head h;
  memset(&h, 0, sizeof(h));
  h.type_index = ti;
  strbuf_reset(&f->host);
  strbuf_reset(&f->key);
  struct utm *u = &f->utm;
  if (ma_attributes_parse(attrs, an, &f->attrs, &h.why) == 0) {
    h.why = NULL;
    utm_from_attributes(&f->attrs, u);
    if (f->attrs.has_referrer_url)
      referrer_host(strbuf_str(&f->attrs.referrer_url), f->attrs.referrer_url.len, &f->host);
    if (u->campaign.len)
      campaign_key(u->campaign.buf, u->campaign.len, &f->key);
  } else {
    strbuf_reset(&u->source);
    strbuf_reset(&u->medium);
    strbuf_reset(&u->campaign);
  }
  const struct strbuf *parts[5] = {&u->source, &u->medium, &u->campaign, &f->host, &f->key};
  for (int i = 0; i < 5; i++)
    h.len[i] = (uint32_t)parts[i]->len;
  strbuf_add(out, &h, sizeof(h));
  for (int i = 0; i < 5; i++)
    strbuf_add(out, strbuf_str(parts[i]), parts[i]->len);
}

void act_prep_init(struct etl_row_prep *p, const struct etl_config *conf) {
  p->open = prep_open;
  p->row = prep_row;
  p->close = prep_close;
  p->ctx = (void *)conf; /* read only, from every parsing thread */
}

bool act_prep_decode(const char *prep, size_t len, struct act_prep *out) {
  struct prep_head h;
  if (!prep || len < sizeof(h))
    return false;
  memcpy(&h, prep, sizeof(h));
  const char *p = prep + sizeof(h);
  const char **s[5] = {&out->source, &out->medium, &out->campaign, &out->host, &out->key};
  size_t *n[5] = {&out->source_len, &out->medium_len, &out->campaign_len, &out->host_len,
                  &out->key_len};
  for (int i = 0; i < 5; i++) {
    *s[i] = p;
    *n[i] = h.len[i];
    p += h.len[i];
  }
  out->type_index = h.type_index;
  out->why = h.why;
  return true;
}
