/* Unit tests for etl/input/presplit.h (the pre-split files of etl-split)
 * and their replay through etl/input/reader.h:
 *  - a round trip of records (empty fields, a NUL byte, a 1 MiB field,
 *    many blocks), counters, SHA-256, a recorded fault and an open fault;
 *  - a file split with presplit_input (plain CSV, gzip, a faulty CSV, a
 *    missing file, a zip CRM part, an unreadable archive) reads back
 *    through etl_reader_open_presplit / etl_container_open_presplit exactly
 *    as the original reader reads the file: records, lines, end or fault
 *    and its message, size, SHA-256, the container's answers;
 *  - damage: every prefix and every single flipped byte of a pre-split file
 *    is refused (on opening or when the damaged frame is read) with a
 *    message naming the file, never read as other records.
 * Inputs are built in a scratch folder (kept when a check fails). */
#include <archive.h>
#include <archive_entry.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "etl/input/presplit.h"
#include "etl/input/reader.h"
#include "tests/unit/check.h"
#include "transforms/base/strbuf.h"
#include "transforms/base/xalloc.h"

static char scratch[64];
static const char *const entities[] = {"Campaign", "Lead", "Contact", NULL};

static struct etl_input_opts opts(void) {
  struct etl_input_opts o;
  memset(&o, 0, sizeof(o));
  o.max_input_bytes = UINT64_C(1) << 32;
  o.max_expand_ratio = 1000.0;
  return o;
}

static char *scratch_path(const char *name) { return xasprintf("%s/%s", scratch, name); }

static void write_bytes(const char *name, const void *data, size_t len) {
  char *path = scratch_path(name);
  FILE *f = fopen(path, "wb");
  if (!f || fwrite(data, 1, len, f) != len || fclose(f) != 0) {
    perror(path);
    exit(2);
  }
  free(path);
}

static struct strbuf read_all(const char *path) {
  struct strbuf sb = STRBUF_INIT;
  FILE *f = fopen(path, "rb");
  char buf[65536];
  size_t n;
  while (f && (n = fread(buf, 1, sizeof(buf), f)) > 0)
    strbuf_add(&sb, buf, n);
  if (f)
    fclose(f);
  return sb;
}

static void write_zip(const char *name, const char *const *paths, const char *const *data,
                      size_t n) {
  char *path = scratch_path(name);
  struct archive *a = archive_write_new();
  archive_write_set_format_zip(a);
  if (archive_write_open_filename(a, path) != ARCHIVE_OK)
    exit(2);
  for (size_t i = 0; i < n; i++) {
    struct archive_entry *e = archive_entry_new();
    archive_entry_set_pathname(e, paths[i]);
    archive_entry_set_filetype(e, AE_IFREG);
    archive_entry_set_perm(e, 0644);
    archive_entry_set_size(e, (la_int64_t)strlen(data[i]));
    if (archive_write_header(a, e) != ARCHIVE_OK ||
        archive_write_data(a, data[i], strlen(data[i])) != (la_ssize_t)strlen(data[i]))
      exit(2);
    archive_entry_free(e);
  }
  archive_write_close(a);
  archive_write_free(a);
  free(path);
}

/* Every record of r as "LINE:len:f1|f2\n", then the end ("EOF sha bytes")
 * or the fault ("FAULT message"). */
static void drain(struct etl_reader *r, struct strbuf *out) {
  const struct etl_record *h = etl_reader_header(r);
  struct etl_record rec = *h;
  int rc = ETL_READ_OK;
  strbuf_addf(out, "source %s, %" PRIu64 " bytes\n", etl_reader_source(r), etl_reader_file_bytes(r));
  do {
    strbuf_addf(out, "%" PRIu64 ":", rec.line);
    for (size_t i = 0; i < rec.nfields; i++) {
      strbuf_addf(out, "%s%zu=", i ? "|" : "", rec.lens[i]);
      strbuf_add(out, rec.fields[i], rec.lens[i]);
      if (rec.fields[i][rec.lens[i]] != '\0')
        strbuf_adds(out, "(not NUL-terminated)");
    }
    strbuf_addc(out, '\n');
  } while ((rc = etl_reader_next(r, &rec)) == ETL_READ_OK);
  if (rc == ETL_READ_EOF)
    strbuf_addf(out, "EOF %s %" PRIu64 "\n", etl_reader_sha256(r), etl_reader_bytes_out(r));
  else
    strbuf_addf(out, "FAULT %s\n", etl_reader_error(r));
  CHECK(etl_reader_next(r, &rec) == rc); /* the end is sticky */
}

/* What a reader opened with rc gives: its records or its open fault. */
static void describe(struct etl_reader *r, int rc, const struct strbuf *err, struct strbuf *out) {
  if (rc != 0)
    strbuf_addf(out, "OPEN FAULT %s\n", strbuf_str(err));
  else
    drain(r, out);
  etl_reader_free(r);
}

/* --- the writer and the parser ---------------------------------------------- */

static void test_round_trip(void) {
  char *path = scratch_path("rt.rec");
  struct presplit_head head = {"crm", "/data/acts.zip", true, 12345, 99.5};
  struct presplit_writer *w;
  struct strbuf err = STRBUF_INIT;
  CHECK(presplit_writer_open(&w, path, &head, &err) == 0);
  presplit_writer_stream(w, "acts.csv", 777);
  char *big = xmalloc(ETL_MAX_FIELD_BYTES + 1);
  memset(big, 'x', ETL_MAX_FIELD_BYTES);
  big[ETL_MAX_FIELD_BYTES] = '\0';
  char nul[] = {'a', '\0', 'b', '\0'}, id[] = "id", empty[] = "", v[] = "v", w2[] = "w";
  char *f0[] = {id, empty, nul, NULL};
  size_t l0[] = {2, 0, 3};
  struct etl_record rec = {1, 3, f0, l0, NULL};
  presplit_writer_record(w, &rec, 10, 20);
  char *f1[] = {big, NULL};
  size_t l1[] = {ETL_MAX_FIELD_BYTES};
  for (uint64_t i = 0; i < 3000; i++) { /* several blocks */
    char num[32];
    snprintf(num, sizeof num, "%" PRIu64, i);
    char *f[] = {num, v, w2, NULL};
    size_t l[] = {strlen(num), 1, 1};
    struct etl_record r = {i + 2, 3, f, l, NULL};
    presplit_writer_record(w, i == 1500 ? &(struct etl_record){i + 2, 1, f1, l1, NULL} : &r,
                           100 + i, 200 + i);
  }
  presplit_writer_fault(w, "acts.csv:3002: unterminated quoted field", 5000, 6000);
  presplit_writer_stream(w, "nothing.csv", 0);
  presplit_writer_open_fault(w, "nothing.csv: No such file or directory");
  presplit_writer_container(w, NULL, false, "acts.zip", 999);
  presplit_writer_entity(w, "Lead", 1, NULL, 0, "sub/acts.csv");
  presplit_writer_entity(w, "Contact", 1, NULL, 1, "nothing.csv");
  presplit_writer_entity(w, "Campaign", 0, "", 0, NULL);
  presplit_writer_entity(w, "Opportunity", -1, "acts.zip: two entries for Opportunity", 0, NULL);
  uint64_t written = 0;
  CHECK(presplit_writer_commit(w, &written, &err) == 0);
  struct stat st;
  CHECK(stat(path, &st) == 0 && (uint64_t)st.st_size == written);

  struct presplit_file *f;
  CHECK(presplit_file_open(&f, path, &err) == 0);
  if (!f) {
    fprintf(stderr, "%s\n", strbuf_str(&err));
    free(path);
    free(big);
    return;
  }
  const struct presplit_head *h = presplit_file_head(f);
  CHECK_STR(h->key, "crm");
  CHECK_STR(h->path, "/data/acts.zip");
  CHECK(h->crm && h->max_input_bytes == 12345 && h->max_expand_ratio == 99.5);
  CHECK(presplit_file_streams(f) == 2);
  const char *msg, *name, *entry;
  bool dir;
  uint64_t bytes;
  size_t stream;
  CHECK(presplit_file_container(f, &msg, &dir, &name, &bytes) == 1);
  CHECK(!dir && bytes == 999);
  CHECK_STR(name, "acts.zip");
  CHECK(presplit_file_entity(f, "Lead", &msg, &stream, &entry) == 1 && stream == 0);
  CHECK_STR(entry, "sub/acts.csv");
  CHECK_STR(presplit_file_entry(f, 1), "nothing.csv");
  CHECK(presplit_file_entity(f, "Campaign", &msg, &stream, &entry) == 0);
  CHECK(presplit_file_entity(f, "Opportunity", &msg, &stream, &entry) == -1);
  CHECK_STR(msg, "acts.zip: two entries for Opportunity");
  CHECK(presplit_file_entity(f, "OpportunityHistory", &msg, &stream, &entry) == -2);

  struct presplit_stream *s;
  CHECK(presplit_stream_open(&s, f, 0, &err) == 0);
  CHECK_STR(presplit_stream_source(s), "acts.csv");
  CHECK(presplit_stream_file_bytes(s) == 777);
  struct etl_record got;
  CHECK(presplit_stream_next(s, &got) == ETL_READ_OK);
  CHECK(got.line == 1 && got.nfields == 3 && got.lens[2] == 3 && memcmp(got.fields[2], nul, 4) == 0);
  CHECK(got.lens[1] == 0 && got.fields[1][0] == '\0' && got.fields[3] == NULL);
  uint64_t n = 0, in, out;
  bool same = true;
  int rc;
  while ((rc = presplit_stream_next(s, &got)) == ETL_READ_OK) {
    char num[32];
    snprintf(num, sizeof num, "%" PRIu64, n);
    if (n == 1500)
      same &= got.nfields == 1 && got.lens[0] == ETL_MAX_FIELD_BYTES && got.fields[0][5] == 'x';
    else
      same &= got.line == n + 2 && got.nfields == 3 && strcmp(got.fields[0], num) == 0 &&
              strcmp(got.fields[2], "w") == 0;
    n++;
  }
  CHECK(same);
  CHECK(n == 3000);
  CHECK(rc == ETL_READ_FAULT);
  CHECK_STR(presplit_stream_error(s), "acts.csv:3002: unterminated quoted field");
  CHECK(presplit_stream_next(s, &got) == ETL_READ_FAULT);
  presplit_stream_counters(s, &in, &out);
  CHECK(in == 5000 && out == 6000);
  presplit_stream_free(s);

  strbuf_reset(&err);
  CHECK(presplit_stream_open(&s, f, 1, &err) == 1);
  CHECK_STR(strbuf_str(&err), "nothing.csv: No such file or directory");
  strbuf_reset(&err);
  CHECK(presplit_stream_open(&s, f, 2, &err) == -1);
  presplit_file_free(f);
  strbuf_release(&err);
  free(big);
  free(path);
}

/* --- splitting real inputs and replaying them ------------------------------- */

/* Splits path (a plain file) into NAME.rec and checks that the replay reads
 * what the reader reads. */
static void check_file(const char *name, const char *path) {
  struct etl_input_opts o = opts();
  struct strbuf err = STRBUF_INIT, want = STRBUF_INIT, got = STRBUF_INIT;
  struct etl_reader *r = NULL;
  int rc = etl_reader_open_path(&r, path, NULL, &o, &err);
  describe(r, rc, &err, &want);

  char *rec = xasprintf("%s/%s.rec", scratch, name);
  struct presplit_head head = {"costs", path, false, o.max_input_bytes, o.max_expand_ratio};
  struct presplit_counts counts;
  strbuf_reset(&err);
  CHECK(presplit_input(&head, entities, &o, rec, &counts, &err) == 0);
  struct presplit_file *f = NULL;
  CHECK(presplit_file_open(&f, rec, &err) == 0);
  strbuf_reset(&err);
  r = NULL;
  rc = etl_reader_open_presplit(&r, f, 0, path, &o, &err);
  describe(r, rc, &err, &got);
  if (strcmp(strbuf_str(&want), strbuf_str(&got)) != 0) {
    check_failures++;
    fprintf(stderr, "%s: replay differs\n--- reader\n%s--- replay\n%s", name, strbuf_str(&want),
            strbuf_str(&got));
  }
  check_count++;
  CHECK(counts.written > 0 && counts.streams == 1);
  presplit_file_free(f);
  free(rec);
  strbuf_release(&err);
  strbuf_release(&want);
  strbuf_release(&got);
}

static void test_files(void) {
  const char *csv = "\xEF\xBB\xBFid,name,amount\r\n1,\"a, b\",3\n\n2,\"multi\nline\",4\n3,,\n"
                    "4,x\"y,5\n";
  write_bytes("plain.csv", csv, strlen(csv));
  char *p = scratch_path("plain.csv");
  check_file("plain", p);
  free(p);

  char *gz = scratch_path("plain.csv.gz");
  gzFile g = gzopen(gz, "wb");
  if (!g || gzwrite(g, csv, (unsigned)strlen(csv)) != (int)strlen(csv) || gzclose(g) != Z_OK)
    exit(2);
  check_file("gzip", gz);
  /* a gzip file cut short: the records before the cut, then the fault */
  struct strbuf whole = read_all(gz);
  write_bytes("cut.csv.gz", whole.buf, whole.len - 6);
  p = scratch_path("cut.csv.gz");
  check_file("cut", p);
  free(p);
  strbuf_release(&whole);
  free(gz);

  const char *bad = "id,name\n1,ok\n2,\"open\n3,never closed\n";
  write_bytes("bad.csv", bad, strlen(bad));
  p = scratch_path("bad.csv");
  check_file("bad", p);
  free(p);

  write_bytes("empty.csv", "", 0);
  p = scratch_path("empty.csv");
  check_file("empty", p);
  free(p);

  p = scratch_path("missing.csv");
  check_file("missing", p);
  free(p);
}

/* A CRM part split and replayed: the container's answers and each entity. */
static void check_container(const char *name, const char *path) {
  struct etl_input_opts o = opts();
  struct strbuf err = STRBUF_INIT, want = STRBUF_INIT, got = STRBUF_INIT;
  char *rec = xasprintf("%s/%s.rec", scratch, name);
  struct presplit_head head = {"crm", path, true, o.max_input_bytes, o.max_expand_ratio};
  struct presplit_counts counts;
  CHECK(presplit_input(&head, entities, &o, rec, &counts, &err) == 0);
  struct presplit_file *f = NULL;
  CHECK(presplit_file_open(&f, rec, &err) == 0);

  for (int pass = 0; pass < 2; pass++) {
    struct strbuf *out = pass ? &got : &want;
    struct etl_container *c = NULL;
    strbuf_reset(&err);
    int rc = pass ? etl_container_open_presplit(&c, f, path, &o, &err)
                  : etl_container_open(&c, path, &o, &err);
    if (rc != 0) {
      strbuf_addf(out, "CONTAINER FAULT %s\n", strbuf_str(&err));
      continue;
    }
    strbuf_addf(out, "container %s dir=%d bytes=%" PRIu64 "\n", etl_container_name(c),
                etl_container_is_dir(c), etl_container_file_bytes(c));
    for (const char *const *e = entities; *e; e++) {
      size_t index = 0;
      strbuf_reset(&err);
      int frc = etl_container_find(c, *e, &index, &err);
      strbuf_addf(out, "%s: find %d %s\n", *e, frc, strbuf_str(&err));
      if (frc == 0) {
        strbuf_reset(&err);
        etl_container_describe_missing(c, *e, &err);
        strbuf_addf(out, "  %s\n", strbuf_str(&err));
      }
      if (frc != 1)
        continue;
      strbuf_addf(out, "  entry %s\n", etl_container_member_path(c, index));
      struct etl_reader *r = NULL;
      strbuf_reset(&err);
      rc = etl_container_open_at(c, index, &r, &err);
      describe(r, rc, &err, out);
    }
    size_t index;
    strbuf_reset(&err);
    if (pass == 1) /* an entity the split did not look for */
      CHECK(etl_container_find(c, "Opportunity", &index, &err) == -1 &&
            strstr(strbuf_str(&err), "the split did not look for Opportunity"));
    etl_container_free(c);
  }
  if (strcmp(strbuf_str(&want), strbuf_str(&got)) != 0) {
    check_failures++;
    fprintf(stderr, "%s: replay differs\n--- reader\n%s--- replay\n%s", name, strbuf_str(&want),
            strbuf_str(&got));
  }
  check_count++;
  presplit_file_free(f);
  free(rec);
  strbuf_release(&err);
  strbuf_release(&want);
  strbuf_release(&got);
}

static void test_containers(void) {
  const char *paths[] = {"export/Campaign.csv", "Lead.csv", "x/Contact.csv", "y/Contact.csv"};
  const char *data[] = {"Id,Name\nc1,One\nc2,\"Two\"\n", "Id,Email\nl1,a@b.c\n",
                        "Id\nk1\n", "Id\nk2\n"};
  write_zip("two.zip", paths, data, 2); /* no Contact: find 0 */
  char *p = scratch_path("two.zip");
  check_container("two", p);
  free(p);
  write_zip("dup.zip", paths, data, 4); /* Contact twice: find -1 */
  p = scratch_path("dup.zip");
  check_container("dup", p);
  /* an archive whose central directory is gone: the container's fault */
  struct strbuf zip = read_all(p);
  write_bytes("cut.zip", zip.buf, zip.len / 2);
  free(p);
  p = scratch_path("cut.zip");
  check_container("cutzip", p);
  free(p);
  strbuf_release(&zip);
  p = scratch_path("no-such.zip");
  check_container("nozip", p);
  free(p);
}

/* --- damage ------------------------------------------------------------------- */

/* Opens data as a pre-split file and reads every stream to its end: 0 when
 * everything read as written, else -1 with the message (which must name
 * the file). */
static int read_everything(const void *data, size_t len, struct strbuf *err) {
  struct presplit_file *f;
  if (presplit_file_open_memory(&f, data, len, "damaged.rec", err) != 0)
    return -1;
  int result = 0;
  for (size_t i = 0; i < presplit_file_streams(f) && result == 0; i++) {
    struct presplit_stream *s;
    struct strbuf msg = STRBUF_INIT;
    int rc = presplit_stream_open(&s, f, i, &msg);
    if (rc < 0) {
      strbuf_adds(err, strbuf_str(&msg));
      result = -1;
    } else if (rc == 0) {
      struct etl_record rec;
      while ((rc = presplit_stream_next(s, &rec)) == ETL_READ_OK)
        ;
      if (rc == ETL_READ_FAULT && strstr(presplit_stream_error(s), "damaged")) {
        strbuf_adds(err, presplit_stream_error(s));
        result = -1;
      }
      presplit_stream_free(s);
    }
    strbuf_release(&msg);
  }
  presplit_file_free(f);
  return result;
}

static void test_damage(void) {
  char *p = scratch_path("plain.rec"); /* from test_files */
  struct strbuf good = read_all(p);
  free(p);
  p = scratch_path("dup.rec"); /* a CRM part: a directory of entities */
  struct strbuf crm = read_all(p);
  free(p);
  const struct strbuf *files[] = {&good, &crm};
  for (size_t k = 0; k < 2; k++) {
    const struct strbuf *b = files[k];
    struct strbuf err = STRBUF_INIT;
    CHECK(b->len > 40 && read_everything(b->buf, b->len, &err) == 0);
    size_t undetected = 0, unnamed = 0;
    for (size_t n = 0; n < b->len; n++) { /* every prefix */
      strbuf_reset(&err);
      if (read_everything(b->buf, n, &err) == 0)
        undetected++;
      else if (!strstr(strbuf_str(&err), "damaged.rec: "))
        unnamed++;
    }
    unsigned char *copy = xmalloc(b->len);
    for (size_t i = 0; i < b->len; i++) { /* every flipped byte */
      memcpy(copy, b->buf, b->len);
      copy[i] ^= 0x5a;
      strbuf_reset(&err);
      if (read_everything(copy, b->len, &err) == 0)
        undetected++;
      else if (!strstr(strbuf_str(&err), "damaged.rec: "))
        unnamed++;
    }
    CHECK_I64(undetected, 0);
    CHECK_I64(unnamed, 0);
    free(copy);
    strbuf_release(&err);
  }
  strbuf_release(&good);
  strbuf_release(&crm);

  struct strbuf err = STRBUF_INIT;
  struct presplit_index *x;
  CHECK(presplit_index_open(&x, scratch, &err) == -1); /* no 0.rec */
  CHECK(strstr(strbuf_str(&err), "/0.rec: No such file or directory") != NULL);
  strbuf_release(&err);
}

int main(void) {
  snprintf(scratch, sizeof(scratch), "%s", "/tmp/test_presplit.XXXXXX");
  if (!mkdtemp(scratch)) {
    perror("mkdtemp");
    return 2;
  }
  test_round_trip();
  test_files();
  test_containers();
  test_damage();
  if (check_failures) {
    fprintf(stderr, "inputs kept in %s\n", scratch);
  } else {
    char *cmd = xasprintf("rm -rf '%s'", scratch);
    if (system(cmd) != 0)
      fprintf(stderr, "could not remove %s\n", scratch);
    free(cmd);
  }
  return check_exit();
}
