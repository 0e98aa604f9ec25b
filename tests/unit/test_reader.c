/* Unit tests for etl/input/reader.h: CSV parsing rules, line numbers, gzip and
 * archive sources, containers and the file-level limits of contract §8
 * and §9 "File-level parsing". Every input is built at run time in a
 * scratch folder (kept when a check fails). */
#include <archive.h>
#include <archive_entry.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "etl/input/reader.h"
#include "tests/unit/check.h"
#include "transforms/base/strbuf.h"
#include "transforms/base/xalloc.h"

#define MIB 1048576u

static char scratch[64];

static const struct etl_input_opts plain_opts = {UINT64_C(68719476736), 1000.0, false, false, 0};

/* --- building inputs ----------------------------------------------------- */

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

/* One gzip member of data (deflate level 9). */
static struct strbuf gzip_member(const void *data, size_t len) {
  struct strbuf out = STRBUF_INIT;
  z_stream zs;
  memset(&zs, 0, sizeof(zs));
  if (deflateInit2(&zs, 9, Z_DEFLATED, 16 + MAX_WBITS, 9, Z_DEFAULT_STRATEGY) != Z_OK)
    exit(2);
  size_t bound = deflateBound(&zs, (uLong)len) + 64;
  strbuf_grow(&out, bound);
  zs.next_in = (Bytef *)(uintptr_t)data;
  zs.avail_in = (uInt)len;
  zs.next_out = (Bytef *)out.buf;
  zs.avail_out = (uInt)bound;
  if (deflate(&zs, Z_FINISH) != Z_STREAM_END)
    exit(2);
  out.len = bound - zs.avail_out;
  out.buf[out.len] = '\0';
  deflateEnd(&zs);
  return out;
}

/* A gzip file written with zlib's gzopen/gzwrite (the usual producer). */
static void write_gzfile(const char *name, const char *data) {
  char *path = scratch_path(name);
  gzFile g = gzopen(path, "wb");
  if (!g || gzwrite(g, data, (unsigned)strlen(data)) != (int)strlen(data) || gzclose(g) != Z_OK)
    exit(2);
  free(path);
}

enum arch_kind { ZIP, TAR, TGZ };

struct ent {
  const char *path; /* ends with '/' for a directory */
  const char *data;
  size_t len;       /* 0: strlen(data) */
};

static void write_archive(const char *name, enum arch_kind kind, const struct ent *ents, size_t n) {
  char *path = scratch_path(name);
  struct archive *a = archive_write_new();
  if (kind == ZIP) {
    archive_write_set_format_zip(a);
    archive_write_set_options(a, "zip:compression-level=9");
  } else {
    archive_write_set_format_pax_restricted(a);
    if (kind == TGZ) {
      archive_write_add_filter_gzip(a);
      archive_write_set_options(a, "gzip:compression-level=9");
    }
  }
  if (archive_write_open_filename(a, path) != ARCHIVE_OK)
    exit(2);
  for (size_t i = 0; i < n; i++) {
    struct archive_entry *e = archive_entry_new();
    size_t plen = strlen(ents[i].path);
    bool dir = ents[i].path[plen - 1] == '/';
    size_t len = dir ? 0 : ents[i].len ? ents[i].len : strlen(ents[i].data);
    archive_entry_set_pathname(e, ents[i].path);
    archive_entry_set_filetype(e, dir ? AE_IFDIR : AE_IFREG);
    archive_entry_set_perm(e, dir ? 0755 : 0644);
    archive_entry_set_size(e, (la_int64_t)len);
    if (archive_write_header(a, e) != ARCHIVE_OK)
      exit(2);
    if (len && archive_write_data(a, ents[i].data, len) != (la_ssize_t)len)
      exit(2);
    archive_entry_free(e);
  }
  archive_write_close(a);
  archive_write_free(a);
  free(path);
}

static struct strbuf read_file(const char *name) {
  char *path = scratch_path(name);
  struct strbuf sb = STRBUF_INIT;
  FILE *f = fopen(path, "rb");
  char buf[65536];
  size_t n;
  while (f && (n = fread(buf, 1, sizeof(buf), f)) > 0)
    strbuf_add(&sb, buf, n);
  if (f)
    fclose(f);
  free(path);
  return sb;
}

/* --- reading ------------------------------------------------------------- */

/* Every remaining record as "LINE:f1|f2|...\n" (out NULL: just read them);
 * returns the final status. */
static int slurp(struct etl_reader *r, struct strbuf *out) {
  struct etl_record rec;
  int rc;
  while ((rc = etl_reader_next(r, &rec)) == ETL_READ_OK) {
    if (!out)
      continue;
    strbuf_addf(out, "%llu:", (unsigned long long)rec.line);
    for (size_t i = 0; i < rec.nfields; i++) {
      if (i)
        strbuf_addc(out, '|');
      strbuf_add(out, rec.fields[i], rec.lens[i]);
      if (strlen(rec.fields[i]) != rec.lens[i] && memchr(rec.fields[i], 0, rec.lens[i]) == NULL)
        strbuf_adds(out, "<not NUL-terminated>");
    }
    strbuf_addc(out, '\n');
  }
  return rc;
}

/* Header as "f1|f2" plus every record, or "OPEN: message". */
struct result {
  int status; /* of the last read, or -2 when open failed */
  struct strbuf text;
  struct strbuf err;
};

static struct result read_reader(struct etl_reader *r, int open_rc, struct strbuf *err,
                                 bool collect) {
  struct result res = {0, STRBUF_INIT, STRBUF_INIT};
  if (open_rc != 0) {
    res.status = -2;
    strbuf_addf(&res.err, "%s", strbuf_str(err));
    strbuf_release(err);
    return res;
  }
  const struct etl_record *h = etl_reader_header(r);
  strbuf_addf(&res.text, "H%llu:", (unsigned long long)h->line);
  for (size_t i = 0; i < h->nfields; i++) {
    if (i)
      strbuf_addc(&res.text, '|');
    strbuf_add(&res.text, h->fields[i], h->lens[i]);
  }
  strbuf_addc(&res.text, '\n');
  res.status = slurp(r, collect ? &res.text : NULL);
  strbuf_adds(&res.err, etl_reader_error(r));
  etl_reader_free(r);
  strbuf_release(err);
  return res;
}

static struct result read_mem_opts(const void *data, size_t len, const char *source,
                                   const struct etl_input_opts *opts) {
  struct strbuf err = STRBUF_INIT;
  struct etl_reader *r = NULL;
  int rc = etl_reader_open_memory(&r, data, len, source, opts, &err);
  return read_reader(r, rc, &err, true);
}

/* The same without collecting the records (big inputs). */
static struct result read_mem_quiet(const void *data, size_t len, const char *source,
                                    const struct etl_input_opts *opts) {
  struct strbuf err = STRBUF_INIT;
  struct etl_reader *r = NULL;
  int rc = etl_reader_open_memory(&r, data, len, source, opts, &err);
  return read_reader(r, rc, &err, false);
}

static struct result read_mem(const char *csv) {
  return read_mem_opts(csv, strlen(csv), "t.csv", &plain_opts);
}

static struct result read_path(const char *name, const struct etl_input_opts *opts) {
  struct strbuf err = STRBUF_INIT;
  struct etl_reader *r = NULL;
  char *path = scratch_path(name);
  int rc = etl_reader_open_path(&r, path, NULL, opts, &err);
  free(path);
  return read_reader(r, rc, &err, true);
}

static void result_release(struct result *res) {
  strbuf_release(&res->text);
  strbuf_release(&res->err);
}

#define EXPECT_READ(res, want_status, want_text, want_err)                  \
  do {                                                                       \
    struct result r_ = (res);                                                \
    CHECK_I64(r_.status, want_status);                                       \
    CHECK_STR(strbuf_str(&r_.text), want_text);                              \
    CHECK_STR(strbuf_str(&r_.err), want_err);                                \
    result_release(&r_);                                                     \
  } while (0)

/* --- CSV rules ----------------------------------------------------------- */

static void test_plain(void) {
  EXPECT_READ(read_mem("a,b\n1,2\n3,4\n"), ETL_READ_EOF, "H1:a|b\n2:1|2\n3:3|4\n", "");
  /* no final newline */
  EXPECT_READ(read_mem("a,b\n1,2\n3,4"), ETL_READ_EOF, "H1:a|b\n2:1|2\n3:3|4\n", "");
  /* header only */
  EXPECT_READ(read_mem("a,b\n"), ETL_READ_EOF, "H1:a|b\n", "");
  /* empty fields and values with spaces stay as written */
  EXPECT_READ(read_mem(" a , b \n,\n \t,x \n"), ETL_READ_EOF, "H1: a | b \n2:|\n3: \t|x \n", "");
  /* wrong field counts are passed through for the caller to judge */
  EXPECT_READ(read_mem("a,b\n1\n1,2,3\n"), ETL_READ_EOF, "H1:a|b\n2:1\n3:1|2|3\n", "");
  EXPECT_READ(read_mem(""), -2, "", "t.csv: empty file, no header row");
  EXPECT_READ(read_mem("\n\n"), -2, "", "t.csv: empty file, no header row");
}

/* The reader hands every byte through: NUL bytes (input_table.h rejects
 * such rows) and invalid UTF-8 (published as is) alike, quoted or not. */
static void test_raw_bytes(void) {
  static const char nul[] = "a,b\n1\0002,\"x\000y\"\n\000,\n";
  static const char want[] = "H1:a|b\n2:1\0002|x\000y\n3:\000|\n";
  struct result r = read_mem_opts(nul, sizeof(nul) - 1, "t.csv", &plain_opts);
  CHECK_I64(r.status, ETL_READ_EOF);
  CHECK_I64(r.text.len, sizeof(want) - 1); /* strcmp would stop at the NUL */
  CHECK(r.text.len == sizeof(want) - 1 && memcmp(r.text.buf, want, sizeof(want) - 1) == 0);
  CHECK_STR(strbuf_str(&r.err), "");
  result_release(&r);
  EXPECT_READ(read_mem("a,b\n\xff\xfe,\"\xc3(\x80\"\n\xed\xa0\x80,\xf8\x88\x80\x80\x80\n"), ETL_READ_EOF,
              "H1:a|b\n2:\xff\xfe|\xc3(\x80\n3:\xed\xa0\x80|\xf8\x88\x80\x80\x80\n", "");
}

static void test_crlf_bom_blank(void) {
  EXPECT_READ(read_mem("a,b\r\n1,2\r\n\r\n3,\"4\"\r\n"), ETL_READ_EOF,
              "H1:a|b\n2:1|2\n4:3|4\n", "");
  /* mixed endings */
  EXPECT_READ(read_mem("a\r\n1\n2\r\n"), ETL_READ_EOF, "H1:a\n2:1\n3:2\n", "");
  /* a lone CR ends a record (libcsv) but not a line */
  EXPECT_READ(read_mem("a\n1\r2\n3\n"), ETL_READ_EOF, "H1:a\n2:1\n2:2\n3:3\n", "");
  /* BOM at the start is dropped, elsewhere kept */
  EXPECT_READ(read_mem("\xEF\xBB\xBFId,x\n1,2\n"), ETL_READ_EOF, "H1:Id|x\n2:1|2\n", "");
  EXPECT_READ(read_mem("\xEF\xBB\xBF\"Id\"\n1\n"), ETL_READ_EOF, "H1:Id\n2:1\n", "");
  EXPECT_READ(read_mem("Id\n\xEF\xBB\xBF" "1\n"), ETL_READ_EOF, "H1:Id\n2:\xEF\xBB\xBF" "1\n", "");
  EXPECT_READ(read_mem("\xEF\xBB" "Id\n"), ETL_READ_EOF, "H1:\xEF\xBB" "Id\n", "");
  /* blank lines count as lines, produce no record */
  EXPECT_READ(read_mem("\n\nh\n\n\n1\n\n2\n\n"), ETL_READ_EOF, "H3:h\n6:1\n8:2\n", "");
  EXPECT_READ(read_mem("h\r\n\r\n\r\n1\r\n"), ETL_READ_EOF, "H1:h\n4:1\n", "");
}

static void test_quotes(void) {
  /* a record after a 3-line quoted field starts on the right line */
  EXPECT_READ(read_mem("h,i\n\"x\ny\nz\",q\nnext,r\n"), ETL_READ_EOF,
              "H1:h|i\n2:x\ny\nz|q\n5:next|r\n", "");
  EXPECT_READ(read_mem("h,i\r\nq,\"x\r\n\r\ny\"\r\n\r\nnext,r\r\n"), ETL_READ_EOF,
              "H1:h|i\n2:q|x\r\n\r\ny\n6:next|r\n", "");
  /* quoted field opening on a line of its own record */
  EXPECT_READ(read_mem("h\n\"\n\"\n\"a\"\n"), ETL_READ_EOF, "H1:h\n2:\n\n4:a\n", "");
  EXPECT_READ(read_mem("h\n\"a\"\"b\",\"\",\"c,d\"\n"), ETL_READ_EOF, "H1:h\n2:a\"b||c,d\n", "");
  /* literal quote inside an unquoted field */
  EXPECT_READ(read_mem("h,i\nab\"c,d\"\n"), ETL_READ_EOF, "H1:h|i\n2:ab\"c|d\"\n", "");
  EXPECT_READ(read_mem("h\nx\"y\"\"z\n"), ETL_READ_EOF, "H1:h\n2:x\"y\"\"z\n", "");
  EXPECT_READ(read_mem("h,i\n \"a\",b\n"), ETL_READ_EOF, "H1:h|i\n2: \"a\"|b\n", "");
  /* text after a closing quote */
  EXPECT_READ(read_mem("h\n1\n\"ab\"c\n"), ETL_READ_FAULT, "H1:h\n2:1\n",
              "t.csv:3: text after closing quote");
  EXPECT_READ(read_mem("h\n\"ab\" ,x\n"), ETL_READ_FAULT, "H1:h\n",
              "t.csv:2: text after closing quote");
  EXPECT_READ(read_mem("h\n\"a\nb\"c\n"), ETL_READ_FAULT, "H1:h\n",
              "t.csv:2: text after closing quote");
  EXPECT_READ(read_mem("\"h\"x\n"), -2, "", "t.csv:1: text after closing quote");
  /* unterminated quote at the end */
  EXPECT_READ(read_mem("h\n1\n\"abc\n\n"), ETL_READ_FAULT, "H1:h\n2:1\n",
              "t.csv:3: unterminated quoted field");
  EXPECT_READ(read_mem("h\n1,\"abc"), ETL_READ_FAULT, "H1:h\n", "t.csv:2: unterminated quoted field");
  EXPECT_READ(read_mem("h\n\"abc\""), ETL_READ_EOF, "H1:h\n2:abc\n", "");
  EXPECT_READ(read_mem("h\n\"ab\"\"\""), ETL_READ_EOF, "H1:h\n2:ab\"\n", "");
}

static void test_null_is_empty(void) {
  const char *csv = "a,b,c,d,e\nnull,\"null\",nullx,NULL, null\n";
  struct etl_input_opts o = plain_opts;
  o.null_is_empty = true;
  EXPECT_READ(read_mem_opts(csv, strlen(csv), "t.csv", &o), ETL_READ_EOF,
              "H1:a|b|c|d|e\n2:||nullx|NULL| null\n", "");
  o.null_is_empty = false;
  EXPECT_READ(read_mem_opts(csv, strlen(csv), "t.csv", &o), ETL_READ_EOF,
              "H1:a|b|c|d|e\n2:null|null|nullx|NULL| null\n", "");
}

/* A value of n bytes ('x', with '\n' at [1] when multiline and '"' at [3]
 * when quoted) as a CSV "h\n<field>\nend\n", and the records expected. */
static void big_field_csv(size_t n, bool quoted, bool multiline, struct strbuf *csv,
                          struct strbuf *want) {
  char *value = xmalloc(n + 1);
  memset(value, 'x', n);
  if (multiline && n > 2)
    value[1] = '\n';
  if (quoted && n > 4)
    value[3] = '"';
  strbuf_adds(csv, "h\n");
  if (quoted)
    strbuf_addc(csv, '"');
  for (size_t i = 0; i < n; i++) {
    if (value[i] == '"')
      strbuf_addc(csv, '"');
    strbuf_addc(csv, value[i]);
  }
  if (quoted)
    strbuf_addc(csv, '"');
  strbuf_adds(csv, "\nend\n");
  strbuf_adds(want, "H1:h\n2:");
  strbuf_add(want, value, n);
  strbuf_addf(want, "\n%d:end\n", multiline ? 4 : 3);
  free(value);
}

static void check_big_field(size_t n, bool quoted, bool multiline) {
  struct strbuf csv = STRBUF_INIT, want = STRBUF_INIT;
  big_field_csv(n, quoted, multiline, &csv, &want);
  struct result res = read_mem_opts(csv.buf, csv.len, "t.csv", &plain_opts);
  if (n <= ETL_MAX_FIELD_BYTES) {
    CHECK_I64(res.status, ETL_READ_EOF);
    CHECK_STR(strbuf_str(&res.err), "");
    CHECK(strcmp(strbuf_str(&res.text), want.buf) == 0);
  } else {
    CHECK_I64(res.status, ETL_READ_FAULT);
    CHECK_STR(strbuf_str(&res.text), "H1:h\n");
    CHECK_STR(strbuf_str(&res.err), "t.csv:2: field longer than 1048576 bytes");
  }
  result_release(&res);
  strbuf_release(&csv);
  strbuf_release(&want);
}

static void test_field_size(void) {
  check_big_field(ETL_MAX_FIELD_BYTES, false, false);
  check_big_field(ETL_MAX_FIELD_BYTES + 1, false, false);
  check_big_field(ETL_MAX_FIELD_BYTES, true, false);
  check_big_field(ETL_MAX_FIELD_BYTES + 1, true, false);
  check_big_field(ETL_MAX_FIELD_BYTES, true, true);
  check_big_field(ETL_MAX_FIELD_BYTES + 1, true, true);
  check_big_field(3 * MIB, false, false);
  check_big_field(3 * MIB, true, true);
  /* the line of a multi-line record that ends with a too long field */
  struct strbuf csv = STRBUF_INIT, unused = STRBUF_INIT;
  big_field_csv(ETL_MAX_FIELD_BYTES + 1, true, false, &csv, &unused);
  strbuf_release(&unused);
  struct strbuf full = STRBUF_INIT;
  strbuf_adds(&full, "h,i\n1,2\n\"a\nb\",");
  strbuf_add(&full, csv.buf + 2, csv.len - 2);
  struct result res = read_mem_opts(full.buf, full.len, "t.csv", &plain_opts);
  CHECK_I64(res.status, ETL_READ_FAULT);
  CHECK_STR(strbuf_str(&res.err), "t.csv:3: field longer than 1048576 bytes");
  result_release(&res);
  strbuf_release(&full);
  strbuf_release(&csv);
  /* a field at the limit that ends the file without a newline */
  struct strbuf last = STRBUF_INIT;
  strbuf_adds(&last, "h\n");
  strbuf_grow(&last, ETL_MAX_FIELD_BYTES + 1);
  memset(last.buf + last.len, 'y', ETL_MAX_FIELD_BYTES + 1);
  for (size_t extra = 0; extra < 2; extra++) {
    struct result r2 = read_mem_opts(last.buf, 2 + ETL_MAX_FIELD_BYTES + extra, "t.csv", &plain_opts);
    CHECK_I64(r2.status, extra ? ETL_READ_FAULT : ETL_READ_EOF);
    CHECK_I64(r2.text.len, extra ? 5 : 5 + 2 + ETL_MAX_FIELD_BYTES + 1);
    result_release(&r2);
  }
  strbuf_release(&last);
}

/* Many records across several 256 KiB chunks, some with quoted newlines and
 * literal quotes; every line number and value is predictable. */
static void test_chunk_boundaries(void) {
  struct strbuf csv = STRBUF_INIT, want = STRBUF_INIT;
  strbuf_adds(&csv, "\xEF\xBB\xBFid,val\r\n");
  strbuf_adds(&want, "H1:id|val\n");
  unsigned line = 2;
  for (unsigned i = 0; i < 60000; i++) {
    if (i % 7 == 0) {
      strbuf_addf(&csv, "%u,\"multi\r\nline %u\"\r\n", i, i);
      strbuf_addf(&want, "%u:%u|multi\r\nline %u\n", line, i, i);
      line += 2;
    } else if (i % 11 == 0) {
      strbuf_addf(&csv, "%u,lit\"q%u\n\n", i, i);
      strbuf_addf(&want, "%u:%u|lit\"q%u\n", line, i, i);
      line += 2;
    } else {
      strbuf_addf(&csv, "%u,v%u\n", i, i);
      strbuf_addf(&want, "%u:%u|v%u\n", line, i, i);
      line++;
    }
  }
  struct result res = read_mem_opts(csv.buf, csv.len, "t.csv", &plain_opts);
  CHECK_I64(res.status, ETL_READ_EOF);
  CHECK(strcmp(strbuf_str(&res.text), want.buf) == 0);
  result_release(&res);
  /* the same through gzip, written in two members split mid-record */
  struct strbuf gz = gzip_member(csv.buf, csv.len / 3);
  struct strbuf gz2 = gzip_member(csv.buf + csv.len / 3, csv.len - csv.len / 3);
  strbuf_add(&gz, gz2.buf, gz2.len);
  res = read_mem_opts(gz.buf, gz.len, "t.csv.gz", &plain_opts);
  CHECK_I64(res.status, ETL_READ_EOF);
  CHECK(strcmp(strbuf_str(&res.text), want.buf) == 0);
  result_release(&res);
  strbuf_release(&gz);
  strbuf_release(&gz2);
  strbuf_release(&csv);
  strbuf_release(&want);
}

static void test_column_lookup(void) {
  struct strbuf err = STRBUF_INIT;
  struct etl_reader *r = NULL;
  const char *csv = "\"Id\",Email,,Email, Name\n1,a@b,,c,d\n";
  CHECK_I64(etl_reader_open_memory(&r, csv, strlen(csv), "t.csv", &plain_opts, &err), 0);
  if (!r)
    return;
  CHECK_I64(etl_reader_column(r, "Id"), 0);
  CHECK_I64(etl_reader_column(r, "Email"), 1); /* the first of two */
  CHECK_I64(etl_reader_column(r, ""), 2);
  CHECK_I64(etl_reader_column(r, " Name"), 4);
  CHECK_I64(etl_reader_column(r, "Name"), -1);
  CHECK_I64(etl_reader_column(r, "id"), -1);
  CHECK_I64(etl_reader_column(r, "Emai"), -1);
  CHECK_STR(etl_reader_source(r), "t.csv");
  struct etl_record rec;
  CHECK_I64(etl_reader_next(r, &rec), ETL_READ_OK);
  CHECK_I64(rec.nfields, 5);
  CHECK_STR(rec.fields[etl_reader_column(r, "Email")], "a@b");
  /* the header stays valid after records are read */
  CHECK_STR(etl_reader_header(r)->fields[1], "Email");
  CHECK_I64(etl_reader_next(r, &rec), ETL_READ_EOF);
  CHECK_I64(etl_reader_next(r, &rec), ETL_READ_EOF);
  CHECK_STR(etl_reader_error(r), "");
  etl_reader_free(r);
  etl_reader_free(NULL);
  strbuf_release(&err);
}

/* --- files and gzip ------------------------------------------------------ */

static void test_files(void) {
  const char *csv = "a,b\n1,2\n";
  write_bytes("plain.csv", csv, strlen(csv));
  EXPECT_READ(read_path("plain.csv", &plain_opts), ETL_READ_EOF, "H1:a|b\n2:1|2\n", "");
  EXPECT_READ(read_path("nope.csv.gz", &plain_opts), -2, "",
              "nope.csv.gz: No such file or directory");
  char *adir = scratch_path("adir");
  mkdir(adir, 0755);
  free(adir);
  EXPECT_READ(read_path("adir", &plain_opts), -2, "", "adir: Is a directory");

  struct strbuf err = STRBUF_INIT;
  struct etl_reader *r = NULL;
  char *path = scratch_path("plain.csv");
  CHECK_I64(etl_reader_open_path(&r, path, "custom", &plain_opts, &err), 0);
  if (r) {
    CHECK_STR(etl_reader_source(r), "custom");
    CHECK_I64(etl_reader_file_bytes(r), strlen(csv));
    CHECK_I64(etl_reader_bytes_out(r), strlen(csv));
    CHECK_I64(etl_reader_bytes_in(r), strlen(csv));
    etl_reader_free(r);
  }
  free(path);
  strbuf_release(&err);
}

static void test_gzip(void) {
  const char *csv = "\xEF\xBB\xBF" "a,b\n1,\"x\ny\"\n3,4\n";
  const char *want = "H1:a|b\n2:1|x\ny\n4:3|4\n";
  write_gzfile("g.csv.gz", csv);
  EXPECT_READ(read_path("g.csv.gz", &plain_opts), ETL_READ_EOF, want, "");
  /* detected by content, not by name */
  struct strbuf gz = read_file("g.csv.gz");
  write_bytes("g.csv", gz.buf, gz.len);
  EXPECT_READ(read_path("g.csv", &plain_opts), ETL_READ_EOF, want, "");
  write_bytes("plain.csv.gz", csv, strlen(csv));
  EXPECT_READ(read_path("plain.csv.gz", &plain_opts), ETL_READ_EOF, want, "");

  struct strbuf err = STRBUF_INIT;
  struct etl_reader *r = NULL;
  char *path = scratch_path("g.csv.gz");
  CHECK_I64(etl_reader_open_path(&r, path, NULL, &plain_opts, &err), 0);
  if (r) {
    struct strbuf all = STRBUF_INIT;
    CHECK_I64(slurp(r, &all), ETL_READ_EOF);
    CHECK_STR(etl_reader_source(r), "g.csv.gz");
    CHECK_I64(etl_reader_file_bytes(r), gz.len);
    CHECK_I64(etl_reader_bytes_in(r), gz.len);
    CHECK_I64(etl_reader_bytes_out(r), strlen(csv));
    etl_reader_free(r);
    strbuf_release(&all);
  }
  free(path);
  strbuf_release(&err);

  /* multi-member: split at every byte position */
  size_t n = strlen(csv);
  for (size_t cut = 0; cut <= n; cut++) {
    struct strbuf m1 = gzip_member(csv, cut), m2 = gzip_member(csv + cut, n - cut);
    strbuf_add(&m1, m2.buf, m2.len);
    struct result res = read_mem_opts(m1.buf, m1.len, "m.csv.gz", &plain_opts);
    CHECK_I64(res.status, ETL_READ_EOF);
    CHECK_STR(strbuf_str(&res.text), want);
    result_release(&res);
    strbuf_release(&m1);
    strbuf_release(&m2);
  }
  /* three members, the middle one empty */
  struct strbuf m = gzip_member("a\n", 2), e = gzip_member("", 0), t = gzip_member("1\n", 2);
  strbuf_add(&m, e.buf, e.len);
  strbuf_add(&m, t.buf, t.len);
  EXPECT_READ(read_mem_opts(m.buf, m.len, "m.csv.gz", &plain_opts), ETL_READ_EOF, "H1:a\n2:1\n", "");
  strbuf_release(&m);
  strbuf_release(&e);
  strbuf_release(&t);
  strbuf_release(&gz);
}

/* The text of a result without its records (the records before a fault
 * depend on chunking). */
static void expect_fault_msg(struct result res, const char *want) {
  CHECK(res.status == ETL_READ_FAULT || res.status == -2);
  CHECK_STR(strbuf_str(&res.err), want);
  result_release(&res);
}

static void expect_ok(struct result res) {
  CHECK_I64(res.status, ETL_READ_EOF);
  CHECK_STR(strbuf_str(&res.err), "");
  result_release(&res);
}

static void test_gzip_faults(void) {
  struct strbuf csv = STRBUF_INIT;
  strbuf_adds(&csv, "id,val\n");
  for (int i = 0; i < 2000; i++)
    strbuf_addf(&csv, "%d,value %d\n", i, i * 7919 % 1000);
  struct strbuf gz = gzip_member(csv.buf, csv.len);
  /* truncated at several positions: always a fault naming the file */
  size_t cuts[] = {2, 3, 9, 10, 11, 20, gz.len / 2, gz.len - 9, gz.len - 8, gz.len - 5, gz.len - 1};
  for (size_t i = 0; i < sizeof(cuts) / sizeof(cuts[0]); i++) {
    struct result res = read_mem_opts(gz.buf, cuts[i], "t.csv.gz", &plain_opts);
    CHECK(res.status == ETL_READ_FAULT || res.status == -2);
    CHECK_STR(strbuf_str(&res.err), "t.csv.gz: truncated gzip stream (unexpected end of file)");
    result_release(&res);
  }
  /* and at every byte of a smaller stream: never a success, never another
   * message (one byte is not yet the gzip magic: it reads as a plain
   * one-byte file) */
  struct strbuf small = gzip_member(csv.buf, 1500);
  size_t bad_cuts = 0;
  for (size_t cut = 2; cut < small.len; cut++) {
    struct result res = read_mem_quiet(small.buf, cut, "t.csv.gz", &plain_opts);
    if (!(res.status == ETL_READ_FAULT || res.status == -2) ||
        strcmp(strbuf_str(&res.err), "t.csv.gz: truncated gzip stream (unexpected end of file)") != 0)
      bad_cuts++;
    result_release(&res);
  }
  CHECK_I64(bad_cuts, 0);
  CHECK(small.len > 400);
  strbuf_release(&small);
  /* the whole stream reads (the other side of the boundary) */
  struct result ok = read_mem_opts(gz.buf, gz.len, "t.csv.gz", &plain_opts);
  CHECK_I64(ok.status, ETL_READ_EOF);
  result_release(&ok);
  /* bad CRC-32 and bad length */
  struct strbuf bad = STRBUF_INIT;
  strbuf_add(&bad, gz.buf, gz.len);
  bad.buf[gz.len - 8] ^= 0x01;
  expect_fault_msg(read_mem_opts(bad.buf, bad.len, "t.csv.gz", &plain_opts),
                   "t.csv.gz: corrupt gzip data (incorrect data check)");
  bad.buf[gz.len - 8] ^= 0x01;
  bad.buf[gz.len - 1] ^= 0x01;
  expect_fault_msg(read_mem_opts(bad.buf, bad.len, "t.csv.gz", &plain_opts),
                   "t.csv.gz: corrupt gzip data (incorrect length check)");
  strbuf_release(&bad);
  /* trailing bytes after the last member */
  const char *tails[] = {"x", "\x1f", "\x1f\x8c", "\0\0\0\0", "\n"};
  size_t tail_len[] = {1, 1, 2, 4, 1};
  for (size_t i = 0; i < 5; i++) {
    struct strbuf g = STRBUF_INIT;
    strbuf_add(&g, gz.buf, gz.len);
    strbuf_add(&g, tails[i], tail_len[i]);
    expect_fault_msg(read_mem_opts(g.buf, g.len, "t.csv.gz", &plain_opts),
                     "t.csv.gz: trailing data after the last gzip member");
    strbuf_release(&g);
  }
  /* a second member that starts well but is cut short is truncation */
  struct strbuf g2 = STRBUF_INIT;
  strbuf_add(&g2, gz.buf, gz.len);
  strbuf_add(&g2, gz.buf, 12);
  expect_fault_msg(read_mem_opts(g2.buf, g2.len, "t.csv.gz", &plain_opts),
                   "t.csv.gz: truncated gzip stream (unexpected end of file)");
  strbuf_release(&g2);
  strbuf_release(&gz);
  strbuf_release(&csv);
}

/* n bytes of CSV lines "0\n" (deflate reaches ~1027:1 on it). */
static struct strbuf zeros_csv(size_t n) {
  struct strbuf sb = STRBUF_INIT;
  const char *line = "0\n";
  while (sb.len + strlen(line) <= n)
    strbuf_adds(&sb, line);
  while (sb.len < n)
    strbuf_addc(&sb, '\n');
  return sb;
}

static void test_limits(void) {
  const char *csv = "a,b\n1,2\n3,4\n";
  size_t n = strlen(csv);
  struct etl_input_opts o = plain_opts;
  /* max_input_bytes: plain and gzip, both sides */
  o.max_input_bytes = n;
  expect_ok(read_mem_quiet(csv, n, "t.csv", &o));
  o.max_input_bytes = n - 1;
  expect_fault_msg(read_mem_quiet(csv, n, "t.csv", &o), "t.csv: exceeds max_input_bytes 11 (uncompressed)");
  struct strbuf gz = gzip_member(csv, n);
  o.max_input_bytes = n;
  expect_ok(read_mem_quiet(gz.buf, gz.len, "t.csv.gz", &o));
  o.max_input_bytes = n - 1;
  expect_fault_msg(read_mem_quiet(gz.buf, gz.len, "t.csv.gz", &o),
                   "t.csv.gz: exceeds max_input_bytes 11 (uncompressed)");
  strbuf_release(&gz);
  /* a big input: the cap holds across chunks */
  struct strbuf big = zeros_csv(3 * MIB);
  o.max_input_bytes = 3 * MIB;
  expect_ok(read_mem_quiet(big.buf, big.len, "t.csv", &o));
  o.max_input_bytes = 3 * MIB - 1;
  expect_fault_msg(read_mem_quiet(big.buf, big.len, "t.csv", &o),
                   "t.csv: exceeds max_input_bytes 3145727 (uncompressed)");

  /* expansion ratio of a gzip bomb-like stream */
  struct strbuf bomb_csv = zeros_csv(4 * MIB);
  struct strbuf bomb = gzip_member(bomb_csv.buf, bomb_csv.len);
  double ratio = (double)bomb_csv.len / (double)bomb.len;
  CHECK(ratio > 1000.0 && ratio < 1100.0);
  o = plain_opts;
  expect_fault_msg(read_mem_quiet(bomb.buf, bomb.len, "b.csv.gz", &o),
                   "b.csv.gz: expands past max_expand_ratio 1000");
  o.max_expand_ratio = 1100;
  expect_ok(read_mem_quiet(bomb.buf, bomb.len, "b.csv.gz", &o));
  /* the ratio does not apply to plain files */
  o.max_expand_ratio = 0.5;
  expect_ok(read_mem_quiet(bomb_csv.buf, bomb_csv.len, "b.csv", &o));
  /* checked only once past 1 MiB uncompressed */
  struct strbuf mib = zeros_csv(MIB), mib1 = zeros_csv(MIB + 1);
  struct strbuf gmib = gzip_member(mib.buf, mib.len), gmib1 = gzip_member(mib1.buf, mib1.len);
  o.max_expand_ratio = 1;
  expect_ok(read_mem_quiet(gmib.buf, gmib.len, "m.csv.gz", &o));
  expect_fault_msg(read_mem_quiet(gmib1.buf, gmib1.len, "m.csv.gz", &o),
                   "m.csv.gz: expands past max_expand_ratio 1");
  strbuf_release(&mib);
  strbuf_release(&mib1);
  strbuf_release(&gmib);
  strbuf_release(&gmib1);
  strbuf_release(&bomb);
  strbuf_release(&bomb_csv);
  strbuf_release(&big);
}

/* --- containers ---------------------------------------------------------- */

/* Opens `entity` in container file `name`: "rc=R source=S\n<records>" or
 * "rc=R err=E". */
static struct strbuf open_entity(const char *name, const char *entity,
                                 const struct etl_input_opts *opts) {
  struct strbuf out = STRBUF_INIT, err = STRBUF_INIT;
  struct etl_container *c = NULL;
  char *path = scratch_path(name);
  int rc = etl_container_open(&c, path, opts, &err);
  free(path);
  if (rc != 0) {
    strbuf_addf(&out, "open=%d err=%s", rc, strbuf_str(&err));
    strbuf_release(&err);
    return out;
  }
  struct etl_reader *r = NULL;
  rc = etl_container_open_entity(c, entity, &r, &err);
  etl_container_free(c); /* the reader outlives its container */
  if (rc != 1) {
    strbuf_addf(&out, "rc=%d err=%s", rc, strbuf_str(&err));
    strbuf_release(&err);
    return out;
  }
  strbuf_addf(&out, "rc=1 source=%s\n", etl_reader_source(r));
  int st = slurp(r, etl_reader_file_bytes(r) < MIB ? &out : NULL);
  if (st == ETL_READ_FAULT)
    strbuf_addf(&out, "FAULT %s", etl_reader_error(r));
  etl_reader_free(r);
  strbuf_release(&err);
  return out;
}

#define EXPECT_ENTITY(name, entity, want)                                    \
  do {                                                                       \
    struct strbuf got_ = open_entity(name, entity, &plain_opts);             \
    CHECK_STR(strbuf_str(&got_), want);                                      \
    strbuf_release(&got_);                                                   \
  } while (0)

static const struct ent crm_entries[] = {
    {"export/", "", 0},
    {"export/Lead.csv", "Id,Email\n\"L1\",a@b\n\nL2,c@d\n", 0},
    {"export/sub/Contact.csv", "Id\r\nC1\r\n", 0},
    {"Account.csv", "Id\nA1\n", 0},
    {"export/OpportunityContactRole.csv", "Id\nR1\n", 0},
    {"Campaign.csv.gz", "x", 0},
};

static void test_archive_kind(const char *name, enum arch_kind kind) {
  write_archive(name, kind, crm_entries, sizeof(crm_entries) / sizeof(crm_entries[0]));
  char want[256];
  snprintf(want, sizeof(want), "rc=1 source=%s:export/Lead.csv\n2:L1|a@b\n4:L2|c@d\n", name);
  EXPECT_ENTITY(name, "Lead", want);
  snprintf(want, sizeof(want), "rc=1 source=%s:export/sub/Contact.csv\n2:C1\n", name);
  EXPECT_ENTITY(name, "Contact", want);
  snprintf(want, sizeof(want), "rc=1 source=%s:Account.csv\n2:A1\n", name);
  EXPECT_ENTITY(name, "Account", want);
  snprintf(want, sizeof(want), "rc=0 err=%s: no entry lead.csv", name);
  EXPECT_ENTITY(name, "lead", want);
  snprintf(want, sizeof(want), "rc=0 err=%s: no entry Opportunity.csv", name);
  EXPECT_ENTITY(name, "Opportunity", want);
  snprintf(want, sizeof(want), "rc=0 err=%s: no entry Campaign.csv", name); /* .gz only in dirs */
  EXPECT_ENTITY(name, "Campaign", want);
  snprintf(want, sizeof(want), "rc=0 err=%s: no entry export.csv", name);
  EXPECT_ENTITY(name, "export", want);

  struct strbuf err = STRBUF_INIT;
  struct etl_container *c = NULL;
  char *path = scratch_path(name);
  CHECK_I64(etl_container_open(&c, path, &plain_opts, &err), 0);
  if (c) {
    struct stat st;
    stat(path, &st);
    CHECK_STR(etl_container_name(c), name);
    CHECK_I64(etl_container_file_bytes(c), st.st_size);
    struct etl_reader *r = NULL;
    CHECK_I64(etl_container_open_entity(c, "Lead", &r, &err), 1);
    if (r) {
      /* an entry's own size, and the SHA-256 of its content once read
       * (printf 'Id,Email\n"L1",a@b\n\nL2,c@d\n' | sha256sum) */
      CHECK_I64(etl_reader_file_bytes(r), strlen(crm_entries[1].data));
      CHECK_I64(slurp(r, NULL), ETL_READ_EOF);
      CHECK_STR(etl_reader_sha256(r),
                "85a68053485e7bd0c94235e3f12ca459079bdd15a15c6c7eaec60bcb76b61238");
      etl_reader_free(r);
    }
    etl_container_free(c);
  }
  etl_container_free(NULL);
  free(path);
  strbuf_release(&err);
}

static void test_archives(void) {
  test_archive_kind("crm.zip", ZIP);
  test_archive_kind("crm.tar", TAR);
  test_archive_kind("crm.tar.gz", TGZ);
  test_archive_kind("crm.tgz", TGZ);

  /* two matches are a fault, in any pair of folders */
  struct ent dup[] = {{"Lead.csv", "Id\n1\n", 0}, {"x/y/Lead.csv", "Id\n2\n", 0}};
  write_archive("dup.zip", ZIP, dup, 2);
  EXPECT_ENTITY("dup.zip", "Lead", "rc=-1 err=dup.zip: two entries for Lead: Lead.csv and x/y/Lead.csv");
  struct ent dup2[] = {{"a/Lead.csv", "Id\n1\n", 0}, {"a/Lead.csv", "Id\n2\n", 0}};
  write_archive("dup.tar", TAR, dup2, 2);
  EXPECT_ENTITY("dup.tar", "Lead", "rc=-1 err=dup.tar: two entries for Lead: a/Lead.csv and a/Lead.csv");
  /* a single match among similar names */
  struct ent near[] = {{"Lead.csv.bak", "x", 0}, {"MyLead.csv", "x", 0}, {"Lead.CSV", "x", 0},
                       {"in/Lead.csv", "Id\n3\n", 0}};
  write_archive("near.zip", ZIP, near, 4);
  EXPECT_ENTITY("near.zip", "Lead", "rc=1 source=near.zip:in/Lead.csv\n2:3\n");

  /* an entry with a CSV fault names the entry and the line */
  struct ent badcsv[] = {{"d/Lead.csv", "Id\n1\n\"open\n", 0}};
  write_archive("badcsv.zip", ZIP, badcsv, 1);
  EXPECT_ENTITY("badcsv.zip", "Lead",
                "rc=1 source=badcsv.zip:d/Lead.csv\n2:1\nFAULT badcsv.zip:d/Lead.csv:3: unterminated quoted field");
  /* entry names: "../" and absolute ones are only matched; a control
   * character in the name of a matched entry is refused (shown escaped), in
   * an entry nobody asks for it does not matter */
  struct ent names[] = {{"../../up/Lead.csv", "Id\n4\n", 0},
                        {"/abs/Contact.csv", "Id\n5\n", 0},
                        {"a\tb\n\"q\\/Campaign.csv", "Id\n6\n", 0},
                        {"x\x7f/Opportunity.csv", "Id\n7\n", 0},
                        {"new\nline/Account.csv", "Id\n8\n", 0}};
  write_archive("names.tar", TAR, names, 5);
  EXPECT_ENTITY("names.tar", "Lead", "rc=1 source=names.tar:../../up/Lead.csv\n2:4\n");
  EXPECT_ENTITY("names.tar", "Contact", "rc=1 source=names.tar:/abs/Contact.csv\n2:5\n");
  EXPECT_ENTITY("names.tar", "Campaign",
                "rc=-1 err=names.tar: entry \"a\\x09b\\x0a\\\"q\\\\/Campaign.csv\": control character in the name");
  EXPECT_ENTITY("names.tar", "Opportunity",
                "rc=-1 err=names.tar: entry \"x\\x7f/Opportunity.csv\": control character in the name");
  /* an empty entry */
  struct ent empty[] = {{"Lead.csv", "", 0}};
  write_archive("empty.tar", TAR, empty, 1);
  EXPECT_ENTITY("empty.tar", "Lead", "rc=-1 err=empty.tar:Lead.csv: empty file, no header row");
}

/* Offset of the data of the first local header named `name` in a zip. */
static size_t zip_entry_data(const struct strbuf *zip, const char *name) {
  size_t nlen = strlen(name);
  for (size_t p = 0; p + 30 + nlen <= zip->len; p++) {
    const unsigned char *h = (const unsigned char *)zip->buf + p;
    if (memcmp(h, "PK\3\4", 4) == 0 && (size_t)(h[26] | h[27] << 8) == nlen &&
        memcmp(h + 30, name, nlen) == 0)
      return p + 30 + nlen + (size_t)(h[28] | h[29] << 8);
  }
  return 0;
}

static void test_corrupt_archives(void) {
  struct strbuf csv = STRBUF_INIT;
  strbuf_adds(&csv, "Id,Name\n");
  for (int i = 0; i < 5000; i++)
    strbuf_addf(&csv, "%d,name %d\n", i, i * 31 % 977);
  struct ent ents[] = {{"Account.csv", "Id\nA1\n", 0}, {"export/Lead.csv", csv.buf, csv.len}};
  write_archive("c.zip", ZIP, ents, 2);
  write_archive("c.tar", TAR, ents, 2);
  write_archive("c.tgz", TGZ, ents, 2);
  struct strbuf zip = read_file("c.zip"), tar = read_file("c.tar"), tgz = read_file("c.tgz");

  /* zip without its central directory (truncated) */
  write_bytes("cut.zip", zip.buf, zip.len / 2);
  struct strbuf got = open_entity("cut.zip", "Lead", &plain_opts);
  CHECK(strncmp(got.buf, "open=-1 err=cut.zip: ", 21) == 0);
  strbuf_release(&got);
  /* zip whose entry data is damaged: CRC or inflate error on reading */
  struct strbuf dz = STRBUF_INIT;
  strbuf_add(&dz, zip.buf, zip.len);
  size_t data = zip_entry_data(&zip, "export/Lead.csv");
  CHECK(data > 0 && data + 200 < zip.len);
  for (size_t i = data + 100; i < data + 160 && i < dz.len; i++)
    dz.buf[i] ^= 0x55;
  write_bytes("dmg.zip", dz.buf, dz.len);
  got = open_entity("dmg.zip", "Lead", &plain_opts);
  CHECK(strstr(got.buf, "FAULT dmg.zip:export/Lead.csv: ") != NULL ||
        strncmp(got.buf, "rc=-1 err=dmg.zip:export/Lead.csv: ", 35) == 0);
  strbuf_release(&got);
  strbuf_release(&dz);
  /* tar cut in the middle of the entry data */
  write_bytes("cut.tar", tar.buf, 512 * 3 + 20000);
  got = open_entity("cut.tar", "Lead", &plain_opts);
  /* the fault is met while the listing skips the entry: it is named */
  CHECK(strncmp(got.buf, "open=-1 err=cut.tar:export/Lead.csv: ", 37) == 0);
  strbuf_release(&got);
  /* tar.gz cut short, and with a bad CRC */
  write_bytes("cut.tgz", tgz.buf, tgz.len - 10);
  got = open_entity("cut.tgz", "Lead", &plain_opts);
  CHECK(strncmp(got.buf, "open=-1 err=cut.tgz:export/Lead.csv: ", 37) == 0);
  strbuf_release(&got);
  /* not an archive at all */
  write_bytes("notarch.zip", csv.buf, csv.len);
  got = open_entity("notarch.zip", "Lead", &plain_opts);
  CHECK(strncmp(got.buf, "open=-1 err=notarch.zip: ", 25) == 0);
  strbuf_release(&got);
  EXPECT_ENTITY("missing.zip", "Lead", "open=-1 err=missing.zip: No such file or directory");
  /* the intact ones read */
  got = open_entity("c.tgz", "Lead", &plain_opts);
  CHECK(strncmp(got.buf, "rc=1 source=c.tgz:export/Lead.csv\n2:0|name 0\n", 44) == 0);
  CHECK(strstr(got.buf, "FAULT") == NULL);
  strbuf_release(&got);
  strbuf_release(&zip);
  strbuf_release(&tar);
  strbuf_release(&tgz);
  strbuf_release(&csv);
}

static void test_archive_limits(void) {
  struct strbuf bomb = zeros_csv(4 * MIB);
  struct ent ents[] = {{"Lead.csv", bomb.buf, bomb.len}, {"Contact.csv", "Id\n1\n", 0}};
  write_archive("bomb.zip", ZIP, ents, 2);
  struct etl_input_opts o = plain_opts;
  struct strbuf got = open_entity("bomb.zip", "Lead", &o);
  CHECK(strstr(got.buf, "FAULT bomb.zip:Lead.csv: expands past max_expand_ratio 1000") != NULL);
  strbuf_release(&got);
  o.max_expand_ratio = 1e6;
  got = open_entity("bomb.zip", "Lead", &o);
  CHECK(strstr(got.buf, "FAULT") == NULL);
  strbuf_release(&got);
  /* another entry of the same archive is not concerned */
  got = open_entity("bomb.zip", "Contact", &plain_opts);
  CHECK_STR(got.buf, "rc=1 source=bomb.zip:Contact.csv\n2:1\n");
  strbuf_release(&got);
  /* max_input_bytes on an entry, both sides */
  o = plain_opts;
  o.max_expand_ratio = 1e6;
  o.max_input_bytes = bomb.len;
  got = open_entity("bomb.zip", "Lead", &o);
  CHECK(strstr(got.buf, "FAULT") == NULL);
  strbuf_release(&got);
  o.max_input_bytes = bomb.len - 1;
  got = open_entity("bomb.zip", "Lead", &o);
  CHECK(strstr(got.buf, "FAULT bomb.zip:Lead.csv: exceeds max_input_bytes") != NULL);
  strbuf_release(&got);
  /* a tar.gz bomb is caught while the archive is listed (this tar stream
   * expands about 990:1) */
  write_archive("bomb.tgz", TGZ, ents, 2);
  o = plain_opts;
  o.max_expand_ratio = 500;
  got = open_entity("bomb.tgz", "Contact", &o);
  CHECK_STR(got.buf, "open=-1 err=bomb.tgz:Lead.csv: expands past max_expand_ratio 500");
  strbuf_release(&got);
  o.max_expand_ratio = 2000;
  got = open_entity("bomb.tgz", "Contact", &o);
  CHECK_STR(got.buf, "rc=1 source=bomb.tgz:Contact.csv\n2:1\n");
  strbuf_release(&got);
  strbuf_release(&bomb);
}

static void test_directory(void) {
  char *root = scratch_path("crmdir");
  char *sub = scratch_path("crmdir/export");
  char *deep = scratch_path("crmdir/export/deep");
  mkdir(root, 0755);
  mkdir(sub, 0755);
  mkdir(deep, 0755);
  write_bytes("crmdir/export/Contact.csv", "Id\nC1\n", 6);
  struct strbuf g = gzip_member("Id\n\nL1\n", 7);
  write_bytes("crmdir/export/deep/Lead.csv.gz", g.buf, g.len);
  write_bytes("crmdir/Account.csv", "Id\nA\n", 5);
  write_bytes("crmdir/Campaign.csv", "Id\nX\n", 5);
  write_bytes("crmdir/export/Campaign.csv.gz", g.buf, g.len);
  EXPECT_ENTITY("crmdir", "Lead", "rc=1 source=Lead.csv.gz\n3:L1\n");
  EXPECT_ENTITY("crmdir", "Contact", "rc=1 source=Contact.csv\n2:C1\n");
  EXPECT_ENTITY("crmdir", "Campaign",
                "rc=-1 err=crmdir: two entries for Campaign: Campaign.csv and export/Campaign.csv.gz");
  EXPECT_ENTITY("crmdir", "Opportunity", "rc=0 err=crmdir: no Opportunity.csv or Opportunity.csv.gz");
  EXPECT_ENTITY("crmdir", "contact", "rc=0 err=crmdir: no contact.csv or contact.csv.gz");
  struct strbuf err = STRBUF_INIT;
  struct etl_container *c = NULL;
  char *slash = xasprintf("%s/", root);
  CHECK_I64(etl_container_open(&c, slash, &plain_opts, &err), 0);
  if (c) {
    CHECK_STR(etl_container_name(c), "crmdir");
    CHECK_I64(etl_container_file_bytes(c), 6 + 5 + 5 + 2 * g.len);
    etl_container_free(c);
  }
  free(slash);
  strbuf_release(&err);
  strbuf_release(&g);
  free(root);
  free(sub);
  free(deep);
}

static void test_memory_container(void) {
  struct ent ents[] = {{"x/Lead.csv", "Id\nL\n", 0}};
  write_archive("m.zip", ZIP, ents, 1);
  struct strbuf zip = read_file("m.zip");
  struct strbuf err = STRBUF_INIT;
  struct etl_container *c = NULL;
  CHECK_I64(etl_container_open_memory(&c, zip.buf, zip.len, "mem.zip", &plain_opts, &err), 0);
  if (c) {
    struct etl_reader *r = NULL;
    CHECK_I64(etl_container_open_entity(c, "Lead", &r, &err), 1);
    etl_container_free(c);
    if (r) {
      struct strbuf all = STRBUF_INIT;
      CHECK_I64(slurp(r, &all), ETL_READ_EOF);
      CHECK_STR(all.buf, "2:L\n");
      CHECK_STR(etl_reader_source(r), "mem.zip:x/Lead.csv");
      strbuf_release(&all);
      etl_reader_free(r);
    }
  }
  CHECK_I64(etl_container_open_memory(&c, "junk", 4, "j.zip", &plain_opts, &err), -1);
  CHECK(strncmp(strbuf_str(&err), "j.zip: ", 7) == 0);
  strbuf_release(&err);
  strbuf_release(&zip);
}

int main(void) {
  snprintf(scratch, sizeof(scratch), "%s", "/tmp/test_reader.XXXXXX");
  if (!mkdtemp(scratch)) {
    perror("mkdtemp");
    return 2;
  }
  test_plain();
  test_raw_bytes();
  test_crlf_bom_blank();
  test_quotes();
  test_null_is_empty();
  test_field_size();
  test_chunk_boundaries();
  test_column_lookup();
  test_files();
  test_gzip();
  test_gzip_faults();
  test_limits();
  test_archives();
  test_corrupt_archives();
  test_archive_limits();
  test_directory();
  test_memory_container();
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
