/* part.bin (see part_file.h): a fixed header, the channel names, the two
 * index arrays; checked on reading so that a damaged or foreign file is an
 * error, never a wrong table. */
#include "etl/attribute/part_file.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "transforms/base/xalloc.h"

#define PART_MAGIC "ATTRPT01"
#define PART_VERSION 1u

struct part_head {
  char magic[8];
  uint32_t version, shard, nshards, pad;
  uint64_t nopps, ntouches, ncampaigns, npersons, config_tag;
  int64_t as_of;
  int32_t first_day, last_day;
  uint64_t nchan, blob_len, part_nopps, part_ntouches;
};

char *part_path(const char *parts, unsigned shard, const char *name) {
  return xasprintf("%s/%u/%s", parts, shard, name);
}

static void head_of(const struct part_meta *m, size_t blob_len, struct part_head *h) {
  memset(h, 0, sizeof(*h));
  memcpy(h->magic, PART_MAGIC, sizeof h->magic);
  h->version = PART_VERSION;
  h->shard = m->shard;
  h->nshards = m->nshards;
  h->nopps = m->nopps;
  h->ntouches = m->ntouches;
  h->ncampaigns = m->ncampaigns;
  h->npersons = m->npersons;
  h->config_tag = m->config_tag;
  h->as_of = m->as_of;
  h->first_day = m->first_day;
  h->last_day = m->last_day;
  h->nchan = m->nchan;
  h->blob_len = blob_len;
  h->part_nopps = m->part_nopps;
  h->part_ntouches = m->part_ntouches;
}

static bool put(FILE *f, const void *p, size_t size, size_t n) {
  return n == 0 || fwrite(p, size, n, f) == n;
}

int part_meta_write(const char *path, const struct part_meta *m, struct strbuf *err) {
  struct part_head h;
  size_t blob_len = 0;
  for (size_t c = 0; c < m->nchan; c++)
    blob_len += strlen(m->names[c]) + 1;
  head_of(m, blob_len, &h);
  errno = 0;
  FILE *f = fopen(path, "wbe");
  bool ok = f && put(f, &h, sizeof h, 1);
  for (size_t c = 0; ok && c < m->nchan; c++)
    ok = put(f, m->names[c], 1, strlen(m->names[c]) + 1);
  ok = ok && put(f, m->opp, sizeof(uint32_t), m->part_nopps) &&
       put(f, m->touch, sizeof(uint32_t), m->part_ntouches);
  if (f && fclose(f) != 0)
    ok = false;
  if (!ok)
    strbuf_addf(err, "%s: %s", path, strerror(errno ? errno : EIO));
  return ok ? 0 : -1;
}

/* n ascending indices below limit. */
static bool ascending(const uint32_t *v, size_t n, uint64_t limit) {
  for (size_t i = 0; i < n; i++)
    if (v[i] >= limit || (i > 0 && v[i] <= v[i - 1]))
      return false;
  return true;
}

/* Splits the blob into m->nchan names, sorted and unique. */
static bool split_names(struct part_meta *m) {
  size_t k = 0;
  m->names = xreallocarray(NULL, m->nchan ? m->nchan : 1, sizeof(*m->names));
  for (size_t at = 0; at < m->blob_len; k++) {
    const char *s = m->blob + at;
    if (k >= m->nchan || (k > 0 && strcmp(m->names[k - 1], s) >= 0))
      return false;
    m->names[k] = s;
    at += strlen(s) + 1;
  }
  return k == m->nchan && (m->blob_len == 0 || m->blob[m->blob_len - 1] == '\0');
}

static void meta_of(const struct part_head *h, struct part_meta *m) {
  m->shard = h->shard;
  m->nshards = h->nshards;
  m->nopps = h->nopps;
  m->ntouches = h->ntouches;
  m->ncampaigns = h->ncampaigns;
  m->npersons = h->npersons;
  m->config_tag = h->config_tag;
  m->as_of = h->as_of;
  m->first_day = h->first_day;
  m->last_day = h->last_day;
  m->nchan = h->nchan;
  m->blob_len = h->blob_len;
  m->part_nopps = h->part_nopps;
  m->part_ntouches = h->part_ntouches;
}

/* Reads the arrays after the header; false on a short read. */
static bool read_body(FILE *f, struct part_meta *m) {
  m->blob = xreallocarray(NULL, m->blob_len + 1, 1);
  m->blob[m->blob_len] = '\0';
  m->opp = xreallocarray(NULL, m->part_nopps ? m->part_nopps : 1, sizeof(uint32_t));
  m->touch = xreallocarray(NULL, m->part_ntouches ? m->part_ntouches : 1, sizeof(uint32_t));
  return fread(m->blob, 1, m->blob_len, f) == m->blob_len &&
         fread(m->opp, sizeof(uint32_t), m->part_nopps, f) == m->part_nopps &&
         fread(m->touch, sizeof(uint32_t), m->part_ntouches, f) == m->part_ntouches &&
         getc(f) == EOF;
}

int part_meta_read(const char *path, struct part_meta *m, struct strbuf *err) {
  struct part_head h;
  memset(m, 0, sizeof(*m));
  FILE *f = fopen(path, "rbe");
  if (!f) {
    strbuf_addf(err, "%s: %s", path, strerror(errno));
    return -1;
  }
  const uint64_t sane = (uint64_t)1 << 32; /* indices are 32-bit */
  bool ok = fread(&h, sizeof h, 1, f) == 1 && memcmp(h.magic, PART_MAGIC, 8) == 0 &&
            h.version == PART_VERSION && h.part_nopps <= h.nopps && h.nopps < sane &&
            h.part_ntouches <= h.ntouches && h.ntouches < sane && h.nchan < sane &&
            h.blob_len < sane;
  if (ok) {
    meta_of(&h, m);
    ok = read_body(f, m) && split_names(m) && ascending(m->opp, m->part_nopps, m->nopps) &&
         ascending(m->touch, m->part_ntouches, m->ntouches);
  }
  fclose(f);
  if (!ok)
    strbuf_addf(err, "%s: not a part written by etl-partition, or damaged", path);
  return ok ? 0 : -1;
}

void part_meta_release(struct part_meta *m) {
  free(m->names);
  free(m->blob);
  free(m->opp);
  free(m->touch);
  memset(m, 0, sizeof(*m));
}
