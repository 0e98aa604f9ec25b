/* Shard spans and the partial files of a shard (see shard.h): a small
 * little-endian record format over buffered stdio, with sticky errors like
 * csvout, and a checked reader for etl-merge. */
#include "etl/attribute/shard.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "transforms/base/xalloc.h"

#define SUMS_MAGIC "ETLSUMS1"
#define CREDITS_MAGIC "ETLCRED1"
#define FIT_MAGIC "ETLFIT01"
#define MAGIC_LEN 8
#define IO_BUF (1 << 20)

/* --- Spans ----------------------------------------------------------------- */

static int parse_uint(const char *s, size_t n, unsigned *out) {
  unsigned long v = 0;
  if (n == 0 || n > 4)
    return -1;
  for (size_t k = 0; k < n; k++) {
    if (s[k] < '0' || s[k] > '9')
      return -1;
    v = v * 10 + (unsigned long)(s[k] - '0');
  }
  *out = (unsigned)v;
  return 0;
}

int shard_parse(const char *s, unsigned *i, unsigned *n) {
  const char *slash = strchr(s, '/');
  unsigned a, b;
  if (!slash || parse_uint(s, (size_t)(slash - s), &a) || parse_uint(slash + 1, strlen(slash + 1), &b))
    return -1;
  if (b < 1 || b > SHARD_MAX || a >= b)
    return -1;
  *i = a;
  *n = b;
  return 0;
}

void shard_span(size_t nopps, unsigned i, unsigned n, size_t *first, size_t *end) {
  *first = (size_t)((unsigned __int128)nopps * i / n);
  *end = (size_t)((unsigned __int128)nopps * (i + 1) / n);
}

char *shard_credits_path(const char *dir, size_t model) {
  return xasprintf("%s/credits-%zu.bin", dir, model);
}

static uint64_t fnv(uint64_t h, const void *p, size_t n) {
  const unsigned char *b = p;
  for (size_t k = 0; k < n; k++) {
    h ^= b[k];
    h *= 0x100000001b3ULL;
  }
  return h;
}

uint64_t shard_config_tag(const struct etl_config *cfg) {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (size_t m = 0; m < cfg->nmodels; m++) {
    const struct model_def *md = &cfg->models[m];
    int64_t kind = md->kind;
    h = fnv(h, md->name, strlen(md->name) + 1);
    h = fnv(h, &kind, sizeof kind);
    h = fnv(h, md->weight, sizeof md->weight);
    h = fnv(h, &md->middle, sizeof md->middle);
  }
  int64_t flags = cfg->account_based;
  h = fnv(h, &cfg->lookback_days, sizeof cfg->lookback_days);
  h = fnv(h, &cfg->half_life_days, sizeof cfg->half_life_days);
  return fnv(h, &flags, sizeof flags);
}

/* --- Little-endian output ---------------------------------------------------- */

struct shard_out {
  FILE *f;
  char *path;
  int err; /* first errno, sticky */
};

static int out_open(struct shard_out **o, const char *path, const char *magic,
                    struct strbuf *err) {
  FILE *f = fopen(path, "wbe");
  if (!f) {
    strbuf_addf(err, "%s: %s", path, strerror(errno));
    return -1;
  }
  *o = xcalloc(1, sizeof(**o));
  (*o)->f = f;
  (*o)->path = xstrdup(path);
  setvbuf(f, NULL, _IOFBF, IO_BUF);
  if (fwrite(magic, 1, MAGIC_LEN, f) != MAGIC_LEN)
    (*o)->err = errno ? errno : EIO;
  return 0;
}

static void put_bytes(struct shard_out *o, const void *p, size_t n) {
  if (!o->err && n && fwrite(p, 1, n, o->f) != n)
    o->err = errno ? errno : EIO;
}

static void put_u64(struct shard_out *o, uint64_t v) {
  unsigned char b[8];
  for (int k = 0; k < 8; k++)
    b[k] = (unsigned char)(v >> (8 * k));
  put_bytes(o, b, 8);
}

static void put_u32(struct shard_out *o, uint32_t v) {
  unsigned char b[4];
  for (int k = 0; k < 4; k++)
    b[k] = (unsigned char)(v >> (8 * k));
  put_bytes(o, b, 4);
}

static void put_i128(struct shard_out *o, __int128 v) {
  unsigned __int128 u = (unsigned __int128)v;
  put_u64(o, (uint64_t)u);
  put_u64(o, (uint64_t)(u >> 64));
}

int shard_out_close(struct shard_out *o, struct strbuf *err) {
  if (!o)
    return 0;
  if (fflush(o->f) != 0 && !o->err)
    o->err = errno ? errno : EIO;
  if (fclose(o->f) != 0 && !o->err)
    o->err = errno ? errno : EIO;
  int rc = 0;
  if (o->err) {
    strbuf_addf(err, "%s: %s", o->path, strerror(o->err));
    rc = -1;
  }
  free(o->path);
  free(o);
  return rc;
}

int shard_out_open(struct shard_out **o, const char *path, struct strbuf *err) {
  return out_open(o, path, CREDITS_MAGIC, err);
}

void shard_out_credit(struct shard_out *o, const struct credit_rec *r) {
  size_t wlen = strnlen(r->weight, sizeof r->weight - 1);
  put_u32(o, r->opp);
  put_u32(o, r->touch);
  put_u32(o, r->campaign);
  put_u64(o, (uint64_t)r->pip);
  put_u64(o, (uint64_t)r->rev);
  unsigned char small[2] = {r->flags, (unsigned char)wlen};
  put_bytes(o, small, 2);
  put_bytes(o, r->weight, wlen);
}

/* --- Little-endian input -------------------------------------------------------- */

struct shard_in {
  FILE *f;
  char *path;
  bool short_read;
};

static int in_open(struct shard_in **in, const char *path, const char *magic,
                   struct strbuf *err) {
  char got[MAGIC_LEN];
  FILE *f = fopen(path, "rbe");
  if (!f) {
    strbuf_addf(err, "%s: %s", path, strerror(errno));
    return -1;
  }
  setvbuf(f, NULL, _IOFBF, IO_BUF);
  if (fread(got, 1, MAGIC_LEN, f) != MAGIC_LEN || memcmp(got, magic, MAGIC_LEN) != 0) {
    strbuf_addf(err, "%s: not a partial result of etl-attribute --shard", path);
    fclose(f);
    return -1;
  }
  *in = xcalloc(1, sizeof(**in));
  (*in)->f = f;
  (*in)->path = xstrdup(path);
  return 0;
}

void shard_in_close(struct shard_in *in) {
  if (!in)
    return;
  fclose(in->f);
  free(in->path);
  free(in);
}

/* Reads n bytes; false (and short_read) at the end of the file. */
static bool get_bytes(struct shard_in *in, void *p, size_t n) {
  if (in->short_read)
    return false;
  if (n && fread(p, 1, n, in->f) != n) {
    in->short_read = true;
    return false;
  }
  return true;
}

static uint64_t get_u64(struct shard_in *in) {
  unsigned char b[8] = {0};
  uint64_t v = 0;
  get_bytes(in, b, 8);
  for (int k = 7; k >= 0; k--)
    v = v << 8 | b[k];
  return v;
}

static uint32_t get_u32(struct shard_in *in) {
  unsigned char b[4] = {0};
  uint32_t v = 0;
  get_bytes(in, b, 4);
  for (int k = 3; k >= 0; k--)
    v = v << 8 | b[k];
  return v;
}

static __int128 get_i128(struct shard_in *in) {
  uint64_t lo = get_u64(in), hi = get_u64(in);
  return (__int128)((unsigned __int128)hi << 64 | lo);
}

int shard_in_open(struct shard_in **in, const char *path, struct strbuf *err) {
  return in_open(in, path, CREDITS_MAGIC, err);
}

int shard_in_credit(struct shard_in *in, struct credit_rec *r, struct strbuf *err) {
  int c = getc(in->f);
  if (c == EOF && !in->short_read)
    return 0;
  ungetc(c, in->f);
  r->opp = get_u32(in);
  r->touch = get_u32(in);
  r->campaign = get_u32(in);
  r->pip = (int64_t)get_u64(in);
  r->rev = (int64_t)get_u64(in);
  unsigned char small[2] = {0, 0};
  get_bytes(in, small, 2);
  r->flags = small[0];
  if (small[1] >= sizeof r->weight) {
    strbuf_addf(err, "%s: corrupt credit record", in->path);
    return -1;
  }
  get_bytes(in, r->weight, small[1]);
  r->weight[small[1]] = '\0';
  if (in->short_read) {
    strbuf_addf(err, "%s: truncated", in->path);
    return -1;
  }
  return 1;
}

/* --- sums.bin ------------------------------------------------------------------ */

static void put_header(struct shard_out *o, const struct shard_header *h) {
  put_u32(o, h->shard);
  put_u32(o, h->nshards);
  put_u32(o, h->nmodels);
  put_u64(o, h->nopps);
  put_u64(o, h->ntouches);
  put_u64(o, h->ncampaigns);
  put_u64(o, h->npersons);
  put_u64(o, h->config_tag);
  put_u64(o, (uint64_t)h->as_of);
  put_bytes(o, h->range, sizeof h->range);
}

static void get_header(struct shard_in *in, struct shard_header *h) {
  memset(h, 0, sizeof(*h));
  h->shard = get_u32(in);
  h->nshards = get_u32(in);
  h->nmodels = get_u32(in);
  h->nopps = get_u64(in);
  h->ntouches = get_u64(in);
  h->ncampaigns = get_u64(in);
  h->npersons = get_u64(in);
  h->config_tag = get_u64(in);
  h->as_of = (int64_t)get_u64(in);
  get_bytes(in, h->range, sizeof h->range);
  h->range[sizeof h->range - 1] = '\0';
}

static void put_cells(struct shard_out *o, const struct agg_map *m) {
  put_u64(o, m->ncells);
  for (size_t c = 0; c < m->ncells; c++) {
    const struct agg_cell *x = &m->cells[c];
    put_u64(o, x->key);
    put_i128(o, x->opps);
    put_i128(o, x->won);
    put_u64(o, (uint64_t)x->pipeline);
    put_u64(o, (uint64_t)x->revenue);
  }
}

static void put_recon(struct shard_out *o, const struct recon *r) {
  put_u64(o, (uint64_t)r->opps);
  put_u64(o, (uint64_t)r->won);
  put_u64(o, (uint64_t)r->pipeline_attributed);
  put_u64(o, (uint64_t)r->pipeline_unattributed);
  put_u64(o, (uint64_t)r->revenue_attributed);
  put_u64(o, (uint64_t)r->revenue_unattributed);
}

int shard_sums_write(const char *dir, const struct shard_header *hdr,
                     const struct model_sums *sums, const uint64_t *credit_rows,
                     struct strbuf *err) {
  char *tmp = xasprintf("%s/.%s.tmp", dir, SHARD_SUMS);
  char *path = xasprintf("%s/%s", dir, SHARD_SUMS);
  struct shard_out *o;
  int rc = out_open(&o, tmp, SUMS_MAGIC, err);
  if (rc == 0) {
    put_header(o, hdr);
    for (size_t m = 0; m < hdr->nmodels; m++) {
      put_recon(o, &sums[m].recon);
      put_u64(o, credit_rows[m]);
      put_cells(o, &sums[m].campaign);
      put_cells(o, &sums[m].channel);
    }
    rc = shard_out_close(o, err);
  }
  if (rc == 0 && rename(tmp, path) != 0) {
    strbuf_addf(err, "%s: %s", path, strerror(errno));
    rc = -1;
  }
  if (rc != 0)
    remove(tmp);
  free(tmp);
  free(path);
  return rc;
}

static bool header_matches(const struct shard_header *a, const struct shard_header *b) {
  return a->shard == b->shard && a->nshards == b->nshards && a->nmodels == b->nmodels &&
         a->nopps == b->nopps && a->ntouches == b->ntouches && a->ncampaigns == b->ncampaigns &&
         a->npersons == b->npersons && a->config_tag == b->config_tag && a->as_of == b->as_of &&
         strcmp(a->range, b->range) == 0;
}

static void get_recon(struct shard_in *in, struct recon *r) {
  r->opps += (int64_t)get_u64(in);
  r->won += (int64_t)get_u64(in);
  r->pipeline_attributed += (int64_t)get_u64(in);
  r->pipeline_unattributed += (int64_t)get_u64(in);
  r->revenue_attributed += (int64_t)get_u64(in);
  r->revenue_unattributed += (int64_t)get_u64(in);
}

/* Adds the cells of one map; -1 on a cell outside the limits. */
static int get_cells(struct shard_in *in, struct agg_map *m, size_t nperiods, size_t ngroups) {
  uint64_t n = get_u64(in);
  for (uint64_t c = 0; c < n && !in->short_read; c++) {
    uint64_t key = get_u64(in);
    __int128 opps = get_i128(in), won = get_i128(in);
    int64_t pipeline = (int64_t)get_u64(in), revenue = (int64_t)get_u64(in);
    uint32_t period = (uint32_t)(key >> 32), rank = (uint32_t)key;
    if (in->short_read)
      break;
    if (period >= nperiods || rank >= ngroups)
      return -1;
    struct agg_cell *x = agg_map_get(m, period, rank);
    x->opps += opps;
    x->won += won;
    x->pipeline += pipeline;
    x->revenue += revenue;
  }
  return 0;
}

int shard_sums_read(const char *dir, const struct shard_header *want, size_t nperiods,
                    size_t ncamp, size_t nchan, struct model_sums *sums, uint64_t *credit_rows,
                    struct strbuf *err) {
  char *path = xasprintf("%s/%s", dir, SHARD_SUMS);
  struct shard_in *in;
  struct shard_header got;
  int rc = in_open(&in, path, SUMS_MAGIC, err);
  if (rc != 0) {
    free(path);
    return -1;
  }
  get_header(in, &got);
  if (!in->short_read && !header_matches(&got, want)) {
    strbuf_addf(err, "%s: written for another run or shard (shard %u/%u, range %s)", path,
                got.shard, got.nshards, got.range);
    rc = -1;
  }
  for (size_t m = 0; rc == 0 && m < want->nmodels && !in->short_read; m++) {
    get_recon(in, &sums[m].recon);
    credit_rows[m] += get_u64(in);
    if (get_cells(in, &sums[m].campaign, nperiods, ncamp) != 0 ||
        get_cells(in, &sums[m].channel, nperiods, nchan) != 0) {
      strbuf_addf(err, "%s: a cell outside the range or groups", path);
      rc = -1;
    }
  }
  if (rc == 0 && (in->short_read || getc(in->f) != EOF)) {
    strbuf_addf(err, "%s: %s", path, in->short_read ? "truncated" : "trailing bytes");
    rc = -1;
  }
  shard_in_close(in);
  free(path);
  return rc;
}

/* --- The data-driven fit ------------------------------------------------------ */

static uint64_t double_bits(double x) {
  uint64_t b;
  memcpy(&b, &x, sizeof b);
  return b;
}

static double bits_double(uint64_t b) {
  double x;
  memcpy(&x, &b, sizeof x);
  return x;
}

int shard_fit_write(const char *dir, const struct dd_fit *fit, struct strbuf *err) {
  char *path = xasprintf("%s/%s", dir, SHARD_FIT);
  struct shard_out *o;
  int rc = out_open(&o, path, FIT_MAGIC, err);
  free(path);
  if (rc != 0)
    return -1;
  put_u64(o, fit->nchan);
  put_u64(o, fit->njourneys);
  put_u64(o, fit->nconv);
  put_u64(o, double_bits(fit->p));
  for (size_t c = 0; c < fit->nchan; c++) {
    put_u64(o, fit->journeys[c]);
    put_u64(o, fit->conversions[c]);
    put_u64(o, double_bits(fit->re[c]));
    put_u64(o, double_bits(fit->phi[c]));
  }
  return shard_out_close(o, err);
}

int shard_fit_read(const char *dir, size_t nchan, struct dd_fit *fit, struct strbuf *err) {
  char *path = xasprintf("%s/%s", dir, SHARD_FIT);
  struct shard_in *in;
  int rc = -1;
  dd_fit_init(fit, nchan);
  if (in_open(&in, path, FIT_MAGIC, err) != 0) {
    free(path);
    return -1;
  }
  bool ok = get_u64(in) == nchan;
  fit->njourneys = get_u64(in);
  fit->nconv = get_u64(in);
  fit->p = bits_double(get_u64(in));
  ok = ok && isfinite(fit->p);
  for (size_t c = 0; ok && c < nchan && !in->short_read; c++) {
    fit->journeys[c] = get_u64(in);
    fit->conversions[c] = get_u64(in);
    fit->re[c] = bits_double(get_u64(in));
    fit->phi[c] = bits_double(get_u64(in));
    ok = isfinite(fit->re[c]) && isfinite(fit->phi[c]);
  }
  if (in->short_read)
    strbuf_addf(err, "%s: truncated", path);
  else if (!ok)
    strbuf_addf(err, "%s: not the fit of this data set", path);
  else if (getc(in->f) != EOF)
    strbuf_addf(err, "%s: trailing bytes", path);
  else
    rc = 0;
  shard_in_close(in);
  free(path);
  return rc;
}
