/* The table writer (contract §5.5, §9 "Tables"): quoting only where needed,
 * CRLF, the formula guard on text cells only, the BOM, and gzip output that
 * has mtime 0, no name, and decompresses to the same bytes. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <zlib.h>

#include "etl/common/csvout.h"
#include "tests/unit/check.h"

static char *slurp(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f)
    return NULL;
  static char buf[65536];
  *len = fread(buf, 1, sizeof(buf) - 1, f);
  buf[*len] = '\0';
  fclose(f);
  return buf;
}

static void write_sample(const char *path, int gz, int bom) {
  struct csv_out *o;
  struct strbuf err = STRBUF_INIT;
  CHECK(csv_out_open(&o, path, gz, bom, &err) == 0);
  csv_out_text(o, "plain");
  csv_out_text(o, "a,b");
  csv_out_text(o, "say \"hi\"");
  csv_out_text(o, "=SUM(A1)");
  csv_out_text(o, "-x,y");
  csv_out_num(o, "-12.50");
  csv_out_end_row(o);
  csv_out_text(o, "+1");
  csv_out_text(o, "@me");
  csv_out_text(o, "\tx");
  csv_out_text(o, "\rx");
  csv_out_text(o, "line\nbreak");
  csv_out_text(o, "");
  csv_out_end_row(o);
  CHECK_I64(csv_out_rows(o), 2);
  CHECK(csv_out_close(o, &err) == 0);
  strbuf_release(&err);
}

static const char expected[] =
    "plain,\"a,b\",\"say \"\"hi\"\"\",'=SUM(A1),\"'-x,y\",-12.50\r\n"
    "'+1,'@me,'\tx,\"'\rx\",\"line\nbreak\",\r\n";

int main(void) {
  char dir[] = "/tmp/test_csvout.XXXXXX";
  CHECK(mkdtemp(dir) != NULL);
  char path[256];
  size_t len;
  snprintf(path, sizeof(path), "%s/a.csv", dir);
  write_sample(path, 0, 0);
  CHECK_STR(slurp(path, &len), expected);
  write_sample(path, 0, 1);
  char *got = slurp(path, &len);
  CHECK(len == sizeof(expected) - 1 + 3 && memcmp(got, "\xEF\xBB\xBF", 3) == 0);
  unlink(path);

  snprintf(path, sizeof(path), "%s/a.csv.gz", dir);
  write_sample(path, 1, 1);
  got = slurp(path, &len);
  CHECK(len > 18 && (unsigned char)got[0] == 0x1f && (unsigned char)got[1] == 0x8b);
  CHECK(got[3] == 0);                                   /* no FNAME */
  CHECK(got[4] == 0 && got[5] == 0 && got[6] == 0 && got[7] == 0); /* mtime 0 */
  gzFile g = gzopen(path, "rb");
  char out[4096];
  int n = gzread(g, out, sizeof(out) - 1);
  gzclose(g);
  CHECK(n == (int)sizeof(expected) - 1 + 3);
  out[n > 0 ? n : 0] = '\0';
  CHECK(memcmp(out, "\xEF\xBB\xBF", 3) == 0);
  CHECK_STR(out + 3, expected);
  unlink(path);

  /* many blocks (the writer compresses 256 KiB at a time) and an empty
   * file: zlib reads back exactly what was written, CRC and length checked
   * by gzread at the end of the stream */
  static const int nrows[] = {0, 60000};
  for (size_t k = 0; k < sizeof nrows / sizeof nrows[0]; k++) {
    struct csv_out *w;
    struct strbuf werr = STRBUF_INIT, want = STRBUF_INIT;
    CHECK(csv_out_open(&w, path, 1, 0, &werr) == 0);
    for (int i = 0; i < nrows[k]; i++) {
      char cell[32];
      snprintf(cell, sizeof cell, "row %d,%d", i, i * 7919 % 1000);
      csv_out_text(w, cell);
      csv_out_num(w, "12.50");
      csv_out_end_row(w);
      strbuf_addf(&want, "\"%s\",12.50\r\n", cell);
    }
    CHECK(csv_out_close(w, &werr) == 0);
    gzFile gin = gzopen(path, "rb");
    char *back = malloc(want.len + 2);
    int nb = gzread(gin, back, (unsigned)want.len + 1);
    CHECK(gzclose(gin) == Z_OK);
    CHECK(nb == (int)want.len && memcmp(back, want.buf ? want.buf : "", want.len) == 0);
    free(back);
    strbuf_release(&want);
    strbuf_release(&werr);
    unlink(path);
  }

  /* a write error is reported at close: /dev/full */
  struct csv_out *o;
  struct strbuf err = STRBUF_INIT;
  if (csv_out_open(&o, "/dev/full", 0, 0, &err) == 0) {
    for (int i = 0; i < 100000; i++) {
      csv_out_text(o, "some text to fill the buffer");
      csv_out_end_row(o);
    }
    CHECK(csv_out_close(o, &err) == -1);
    CHECK(strstr(strbuf_str(&err), "No space left") != NULL);
  }
  strbuf_release(&err);
  rmdir(dir);
  return check_exit();
}
