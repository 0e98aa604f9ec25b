/* Shards (etl/attribute/shard.h): "I/N" parsing at its bounds, spans that tile the
 * opportunities for any N (more shards than opportunities included), the
 * credit record file and sums.bin written and read back exactly, and every
 * way the reader refuses a partial: another run's header, a cell outside the
 * range or groups, truncation, trailing bytes, a foreign file. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "etl/attribute/shard.h"
#include "tests/unit/check.h"
#include "transforms/base/xalloc.h"

static char dir[] = "/tmp/test_shard.XXXXXX";

static void test_parse(void) {
  unsigned i = 99, n = 99;
  CHECK(shard_parse("0/1", &i, &n) == 0);
  CHECK_I64(i, 0);
  CHECK_I64(n, 1);
  CHECK(shard_parse("999/1000", &i, &n) == 0);
  CHECK_I64(i, 999);
  CHECK_I64(n, 1000);
  CHECK(shard_parse("0/1001", &i, &n) == -1);  /* N above the maximum */
  CHECK(shard_parse("1000/1000", &i, &n) == -1); /* I == N */
  CHECK(shard_parse("1/1", &i, &n) == -1);
  CHECK(shard_parse("0/0", &i, &n) == -1);
  CHECK(shard_parse("-1/2", &i, &n) == -1);
  CHECK(shard_parse("1/", &i, &n) == -1);
  CHECK(shard_parse("/2", &i, &n) == -1);
  CHECK(shard_parse("1", &i, &n) == -1);
  CHECK(shard_parse(" 1/2", &i, &n) == -1);
  CHECK(shard_parse("1/2x", &i, &n) == -1);
  CHECK(shard_parse("1/2/3", &i, &n) == -1);
  CHECK(shard_parse("99999/100000", &i, &n) == -1);
}

/* Spans are contiguous, in order, cover [0, nopps) and differ in size by at
 * most one. */
static void test_span(void) {
  static const size_t nopps[] = {0, 1, 7, 29, 1000, 1001};
  static const unsigned nshards[] = {1, 2, 3, 4, 8, 50, 1000};
  for (size_t a = 0; a < sizeof nopps / sizeof nopps[0]; a++)
    for (size_t b = 0; b < sizeof nshards / sizeof nshards[0]; b++) {
      size_t next = 0, lo = (size_t)-1, hi = 0;
      for (unsigned i = 0; i < nshards[b]; i++) {
        size_t first, end;
        shard_span(nopps[a], i, nshards[b], &first, &end);
        CHECK(first == next);
        CHECK(end >= first);
        next = end;
        lo = end - first < lo ? end - first : lo;
        hi = end - first > hi ? end - first : hi;
      }
      CHECK(next == nopps[a]);
      CHECK(hi - lo <= 1);
    }
  size_t first, end;
  shard_span(10, 0, 3, &first, &end);
  CHECK(first == 0 && end == 3);
  shard_span(10, 2, 3, &first, &end);
  CHECK(first == 6 && end == 10);
}

static void make_rec(struct credit_rec *r, uint32_t opp, const char *weight) {
  memset(r, 0, sizeof(*r));
  r->opp = opp;
  r->touch = opp * 3;
  r->campaign = DS_NONE;
  r->flags = (uint8_t)(opp & 0x1f);
  r->pip = -123456789012LL + opp;
  r->rev = INT64_MAX - opp;
  snprintf(r->weight, sizeof r->weight, "%s", weight);
}

static char *path_in(const char *name) { return xasprintf("%s/%s", dir, name); }

static void test_credits(void) {
  char *path = path_in("credits-0.bin");
  char w63[64];
  memset(w63, '7', 63);
  w63[63] = '\0';
  const char *weights[] = {"", "0.250000", w63};
  struct strbuf err = STRBUF_INIT;
  struct shard_out *o;
  struct credit_rec r, got;

  CHECK(shard_out_open(&o, path, &err) == 0);
  for (uint32_t k = 0; k < 3; k++) {
    make_rec(&r, k, weights[k]);
    if (k == 2) {
      r.touch = DS_NONE;
      r.campaign = 5;
    }
    shard_out_credit(o, &r);
  }
  CHECK(shard_out_close(o, &err) == 0);

  struct shard_in *in;
  CHECK(shard_in_open(&in, path, &err) == 0);
  for (uint32_t k = 0; k < 3; k++) {
    make_rec(&r, k, weights[k]);
    if (k == 2) {
      r.touch = DS_NONE;
      r.campaign = 5;
    }
    CHECK_I64(shard_in_credit(in, &got, &err), 1);
    CHECK(got.opp == r.opp && got.touch == r.touch && got.campaign == r.campaign);
    CHECK(got.flags == r.flags && got.pip == r.pip && got.rev == r.rev);
    CHECK_STR(got.weight, r.weight);
  }
  CHECK_I64(shard_in_credit(in, &got, &err), 0); /* the end */
  shard_in_close(in);

  /* cut inside the last record: truncated */
  struct stat sb;
  CHECK(stat(path, &sb) == 0);
  CHECK(truncate(path, sb.st_size - 1) == 0);
  CHECK(shard_in_open(&in, path, &err) == 0);
  CHECK_I64(shard_in_credit(in, &got, &err), 1);
  CHECK_I64(shard_in_credit(in, &got, &err), 1);
  strbuf_reset(&err);
  CHECK_I64(shard_in_credit(in, &got, &err), -1);
  CHECK(strstr(strbuf_str(&err), "truncated") != NULL);
  shard_in_close(in);

  /* a weight length of 64 is corrupt */
  FILE *f = fopen(path, "r+b");
  CHECK(f != NULL);
  fseek(f, 8 + 4 * 3 + 8 * 2 + 1, SEEK_SET); /* magic, 3 u32, 2 i64, flags */
  fputc(64, f);
  fclose(f);
  CHECK(shard_in_open(&in, path, &err) == 0);
  strbuf_reset(&err);
  CHECK_I64(shard_in_credit(in, &got, &err), -1);
  CHECK(strstr(strbuf_str(&err), "corrupt") != NULL);
  shard_in_close(in);

  /* not a credit file */
  f = fopen(path, "wb");
  fputs("ETLSUMS1", f);
  fclose(f);
  strbuf_reset(&err);
  CHECK(shard_in_open(&in, path, &err) == -1);
  CHECK(strstr(strbuf_str(&err), "not a partial result") != NULL);
  strbuf_release(&err);
  free(path);
}

static void header(struct shard_header *h, unsigned shard) {
  memset(h, 0, sizeof(*h));
  h->shard = shard;
  h->nshards = 4;
  h->nmodels = 2;
  h->nopps = 29;
  h->ntouches = 412;
  h->ncampaigns = 12;
  h->npersons = 80;
  h->config_tag = 0x1234;
  h->as_of = 1751241600;
  snprintf(h->range, sizeof h->range, "2024-01-01_2025-06-30");
}

/* Two models with a few cells; FIX18 sums beyond 64 bits. */
static void fill_sums(struct model_sums *ms) {
  memset(ms, 0, 2 * sizeof(*ms));
  for (int m = 0; m < 2; m++) {
    struct agg_cell *c = agg_map_get(&ms[m].campaign, 0, 3);
    c->opps = (__int128)1 << 70;
    c->won = 7;
    c->pipeline = -5;
    c->revenue = 9;
    c = agg_map_get(&ms[m].campaign, 5, 13); /* the last period and group */
    c->opps = 1;
    c = agg_map_get(&ms[m].channel, 2, 4);
    c->won = -((__int128)3 << 66);
    c->revenue = 1234567;
    ms[m].recon.opps = 3 + m;
    ms[m].recon.won = 1;
    ms[m].recon.pipeline_attributed = 100;
    ms[m].recon.pipeline_unattributed = -1;
    ms[m].recon.revenue_attributed = 7;
    ms[m].recon.revenue_unattributed = 8;
  }
}

static void release_sums(struct model_sums *ms, size_t n) {
  for (size_t m = 0; m < n; m++)
    model_sums_release(&ms[m]);
}

/* Reads the sums with the limits nperiods 6, ncamp 14, nchan 5. */
static int read_sums(const struct shard_header *want, struct model_sums *got, uint64_t *rows,
                     struct strbuf *err) {
  strbuf_reset(err);
  return shard_sums_read(dir, want, 6, 14, 5, got, rows, err);
}

static void test_sums(void) {
  struct model_sums ms[2], got[2];
  struct shard_header h, want;
  struct strbuf err = STRBUF_INIT;
  uint64_t rows[2] = {11, 0}, got_rows[2] = {0, 0};
  char *path = path_in(SHARD_SUMS);

  fill_sums(ms);
  header(&h, 1);
  CHECK(shard_sums_write(dir, &h, ms, rows, &err) == 0);
  char *tmp = path_in("." SHARD_SUMS ".tmp");
  CHECK(access(tmp, F_OK) != 0); /* renamed into place */
  free(tmp);

  /* read twice: the sums add up */
  memset(got, 0, sizeof got);
  CHECK(read_sums(&h, got, got_rows, &err) == 0);
  CHECK(read_sums(&h, got, got_rows, &err) == 0);
  CHECK(got_rows[0] == 22 && got_rows[1] == 0);
  for (int m = 0; m < 2; m++) {
    const struct agg_cell *c = agg_map_find(&got[m].campaign, 0, 3);
    CHECK(c && c->opps == ((__int128)1 << 71) && c->won == 14 && c->pipeline == -10 &&
          c->revenue == 18);
    c = agg_map_find(&got[m].channel, 2, 4);
    CHECK(c && c->won == -((__int128)3 << 67) && c->revenue == 2469134);
    CHECK(agg_map_find(&got[m].channel, 0, 3) == NULL);
    CHECK(got[m].recon.opps == 2 * (3 + m) && got[m].recon.pipeline_unattributed == -2);
  }
  release_sums(got, 2);

  /* every header field must match */
  for (int field = 0; field < 10; field++) {
    want = h;
    switch (field) {
    case 0: want.shard = 2; break;
    case 1: want.nshards = 5; break;
    case 2: want.nmodels = 1; break;
    case 3: want.nopps++; break;
    case 4: want.ntouches++; break;
    case 5: want.ncampaigns++; break;
    case 6: want.npersons++; break;
    case 7: want.config_tag++; break;
    case 8: want.as_of++; break;
    case 9: want.range[9] = '2'; break;
    }
    memset(got, 0, sizeof got);
    CHECK(read_sums(&want, got, got_rows, &err) == -1);
    CHECK(strstr(strbuf_str(&err), "written for another run or shard") != NULL);
    release_sums(got, 2);
  }

  /* cells at the limits pass (above); one past them does not */
  memset(got, 0, sizeof got);
  strbuf_reset(&err);
  CHECK(shard_sums_read(dir, &h, 5, 14, 5, got, got_rows, &err) == -1); /* period 5 of 5 */
  CHECK(strstr(strbuf_str(&err), "outside the range or groups") != NULL);
  release_sums(got, 2);
  memset(got, 0, sizeof got);
  CHECK(shard_sums_read(dir, &h, 6, 13, 5, got, got_rows, &err) == -1); /* rank 13 of 13 */
  release_sums(got, 2);
  memset(got, 0, sizeof got);
  CHECK(shard_sums_read(dir, &h, 6, 14, 4, got, got_rows, &err) == -1); /* rank 4 of 4 */
  release_sums(got, 2);

  /* trailing bytes, then truncation */
  FILE *f = fopen(path, "ab");
  fputc(0, f);
  fclose(f);
  memset(got, 0, sizeof got);
  CHECK(read_sums(&h, got, got_rows, &err) == -1);
  CHECK(strstr(strbuf_str(&err), "trailing bytes") != NULL);
  release_sums(got, 2);
  struct stat sb;
  CHECK(stat(path, &sb) == 0);
  CHECK(truncate(path, sb.st_size - 2) == 0);
  memset(got, 0, sizeof got);
  CHECK(read_sums(&h, got, got_rows, &err) == -1);
  CHECK(strstr(strbuf_str(&err), "truncated") != NULL);
  release_sums(got, 2);

  unlink(path);
  memset(got, 0, sizeof got);
  CHECK(read_sums(&h, got, got_rows, &err) == -1);
  CHECK(strstr(strbuf_str(&err), "No such file") != NULL);
  release_sums(got, 2);

  release_sums(ms, 2);
  strbuf_release(&err);
  free(path);
}

static void test_config_tag(void) {
  struct model_def models[2];
  memset(models, 0, sizeof models);
  models[0].name = (char *)"linear";
  models[0].kind = MODEL_POSITION;
  models[0].middle = WEIGHT_SCALE;
  models[1].name = (char *)"time_decay";
  models[1].kind = MODEL_TIME_DECAY;
  struct etl_config a;
  memset(&a, 0, sizeof a);
  a.models = models;
  a.nmodels = 2;
  a.lookback_days = 365;
  a.half_life_days = 7;
  uint64_t t0 = shard_config_tag(&a);
  CHECK(shard_config_tag(&a) == t0);
  a.half_life_days = 7.5;
  CHECK(shard_config_tag(&a) != t0);
  a.half_life_days = 7;
  a.account_based = true;
  CHECK(shard_config_tag(&a) != t0);
  a.account_based = false;
  a.lookback_days = 364;
  CHECK(shard_config_tag(&a) != t0);
  a.lookback_days = 365;
  models[0].middle = WEIGHT_SCALE - 1;
  CHECK(shard_config_tag(&a) != t0);
  models[0].middle = WEIGHT_SCALE;
  a.nmodels = 1;
  CHECK(shard_config_tag(&a) != t0);
  a.nmodels = 2;
  CHECK(shard_config_tag(&a) == t0);
}

int main(void) {
  if (!mkdtemp(dir)) {
    perror("mkdtemp");
    return 1;
  }
  test_parse();
  test_span();
  test_credits();
  test_sums();
  test_config_tag();
  char *cmd = xasprintf("rm -rf '%s'", dir);
  if (system(cmd) != 0)
    fprintf(stderr, "cannot remove %s\n", dir);
  free(cmd);
  return check_exit();
}
