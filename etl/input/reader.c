/* CSV records from any input (see reader.h), and the CRM containers that
 * hold them. The bytes come from a byte_source (plain, gzip, archive entry);
 * etl/input/csv_tokenizer.h splits them into fields exactly as libcsv does
 * when driven as below, about six times faster. libcsv remains the parser
 * of record: etl_reader_open_memory_libcsv reads through it, and the
 * differential tests (tests/fuzz/fuzz_csv_diff.c, test_csv_tokenizer.c)
 * hold the two to the same fields, lines and faults. Everything below the
 * split (line numbers, field limit, faults) is shared by both.
 *
 * How libcsv 3.0.3 is driven (behaviour checked against its source and by
 * experiment):
 * - csv_set_space_func(no_space): by default libcsv drops spaces and tabs
 *   around unquoted fields; with a function that says "no byte is a space"
 *   values come through untouched (and a space after a closing quote is
 *   text after the quote).
 * - CSV_STRICT turns `"ab"c` into CSV_EPARSE (wanted), but it also rejects a
 *   quote inside an unquoted field (`ab"c`), which the contract makes
 *   literal. csv_parse() stops at the offending byte; when that byte is a
 *   quote and the parser is not in a quoted field (p->quoted == 0) it is the
 *   literal case: that one byte is fed with CSV_STRICT off (libcsv then
 *   appends it to the field) and strict parsing resumes. Any other EPARSE
 *   (p->quoted == 1, a byte after the closing quote) is the fault.
 * - CSV_STRICT_FINI makes csv_fini() fail on an unterminated quoted field.
 * - libcsv ends a record at CR or LF and skips empty lines; CRLF ends the
 *   record at the CR and the LF is then an empty line. A lone CR therefore
 *   also ends a record; only LF counts as a line break here.
 * - The data is fed one physical line (up to and including '\n') at a time.
 *   After a line, a record is still open exactly when the parser is inside
 *   a quoted field (p->quoted), which gives the line where the next record
 *   starts. A record's line is the line where its first byte is.
 * - libcsv grows its field buffer by blk_size steps; the reader checks the
 *   buffered length (p->entry_pos) after every csv_parse() call, which is
 *   at most one chunk, so a huge field costs at most 1 MiB + one chunk.
 *   entry_pos may hold the closing quote of a quoted field (one byte more
 *   than the value); the exact check is on the finished field's length.
 * - `null` handling (null_is_empty): libcsv's field callback does not say
 *   whether the field was quoted, so both `null` and `"null"` become "".
 * Every CSV fault names the line where the faulty record starts.
 *
 * A reader (and a CRM container) can also replay a pre-split file written
 * by etl-split (presplit.h): the records come from the file instead of the
 * CSV split, with the same lines, counters, SHA-256, end and fault; the
 * row digests and the record pipe above them are the same. */
#include "etl/input/reader.h"

#include <csv.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "etl/input/archive_entry.h"
#include "etl/input/byte_source.h"
#include "etl/input/csv_tokenizer.h"
#include "etl/input/prefetch_source.h"
#include "etl/input/presplit.h"
#include "etl/input/record_pipe.h"
#include "etl/input/gzip_stream.h"
#include "etl/input/hash_source.h"
#include "etl/input/row_digest.h"
#include "transforms/base/xalloc.h"

#define READ_CHUNK (256u * 1024u)
#define RATIO_FLOOR 1048576u /* expansion ratio checked once past 1 MiB */
#define CSV_OPTS (CSV_STRICT | CSV_STRICT_FINI)
#define CSV_BLOCK (64u * 1024u)
#define FEED_BATCH 64 /* records parsed ahead per refill of the queue */

static const struct etl_input_opts default_opts = {UINT64_C(68719476736), 1000.0, false, false, 0};

/* A finished record waiting to be handed out. */
struct rec_slot {
  size_t first;   /* index of its first field */
  size_t nfields;
  uint64_t line;
};

struct etl_reader {
  char *source;
  struct etl_input_opts opts;
  struct byte_source *src;
  uint64_t file_bytes;
  bool reference_csv;        /* split with libcsv (etl_reader_open_memory_libcsv) */
  struct csv_parser csv;     /* with reference_csv */
  struct csv_tokenizer tok;  /* otherwise: the same splits, faster */

  unsigned char *chunk;
  size_t chunk_len, chunk_pos;
  bool bom_checked;
  bool at_eof;          /* source ended and csv_fini() ran */
  bool failed;
  bool field_too_long;  /* set by the field callback */
  uint64_t too_long_line; /* start line of that field's record */
  uint64_t cur_line;    /* line of the bytes being fed */
  uint64_t start_line;  /* line where the record in progress starts */

  /* Fields of queued records and of the record in progress. */
  char *bytes;
  size_t nbytes, bytes_cap;
  size_t *foff, *flen;
  size_t nf, f_cap;
  size_t rec_first; /* first field of the record in progress */
  struct rec_slot *q;
  size_t qhead, qlen, q_cap;
  char **out_fields;
  size_t out_cap;

  struct etl_record header;
  char *header_bytes;
  struct strbuf err;
  struct record_pipe *pipe; /* records parsed on a second thread, after the header */
  struct presplit_stream *replay; /* records replayed from a pre-split file, or NULL */
  struct hash_result digest; /* SHA-256 of the file (entry), set at its end */
  struct row_digester rows;  /* with opts.row_digests, once the header is read */
  bool rows_ready;
  unsigned char row_digest[ROW_DIGEST_LEN]; /* of the record handed out */
};

/* --- libcsv callbacks ---------------------------------------------------- */

static int no_space(unsigned char c) {
  (void)c;
  return 0;
}

/* Once a field is too long nothing more is stored or queued: the fault is
 * raised when csv_parse() returns. */
static void on_field(void *s, size_t len, void *data) {
  struct etl_reader *r = data;
  if (r->field_too_long)
    return;
  if (len > ETL_MAX_FIELD_BYTES) {
    r->too_long_line = r->start_line;
    r->field_too_long = true;
    return;
  }
  if (r->opts.null_is_empty && len == 4 && memcmp(s, "null", 4) == 0)
    len = 0;
  XGROW(r->bytes, r->bytes_cap, r->nbytes + len + 1);
  if (len)
    memcpy(r->bytes + r->nbytes, s, len);
  r->bytes[r->nbytes + len] = '\0';
  if (r->nf == r->f_cap) {
    size_t cap = r->f_cap ? 2 * r->f_cap : 64;
    r->foff = xreallocarray(r->foff, cap, sizeof(*r->foff));
    r->flen = xreallocarray(r->flen, cap, sizeof(*r->flen));
    r->f_cap = cap;
  }
  r->foff[r->nf] = r->nbytes;
  r->flen[r->nf] = len;
  r->nf++;
  r->nbytes += len + 1;
}

static void on_record(int c, void *data) {
  struct etl_reader *r = data;
  (void)c;
  if (r->field_too_long)
    return;
  XGROW(r->q, r->q_cap, r->qlen + 1);
  r->q[r->qlen].first = r->rec_first;
  r->q[r->qlen].nfields = r->nf - r->rec_first;
  r->q[r->qlen].line = r->start_line;
  r->qlen++;
  r->rec_first = r->nf;
  /* The next record starts on this line at the earliest (after a lone CR);
   * after a '\n' the line-break handling moves it on. */
  r->start_line = r->cur_line;
}

/* --- faults -------------------------------------------------------------- */

static int fail(struct etl_reader *r, const char *what) {
  r->failed = true;
  strbuf_reset(&r->err);
  strbuf_addf(&r->err, "%s: %s", r->source, what);
  return -1;
}

static int fail_line(struct etl_reader *r, const char *what) {
  r->failed = true;
  strbuf_reset(&r->err);
  strbuf_addf(&r->err, "%s:%" PRIu64 ": %s", r->source, r->start_line, what);
  return -1;
}

static int fail_src(struct etl_reader *r, struct strbuf *msg) {
  int rc = fail(r, strbuf_str(msg));
  strbuf_release(msg);
  return rc;
}

/* max_input_bytes and max_expand_ratio, after every read. */
static int check_limits(struct etl_reader *r) {
  uint64_t out = r->src->out;
  if (out > r->opts.max_input_bytes) {
    r->failed = true;
    strbuf_reset(&r->err);
    strbuf_addf(&r->err, "%s: exceeds max_input_bytes %" PRIu64 " (uncompressed)", r->source,
                r->opts.max_input_bytes);
    return -1;
  }
  if (r->src->compressed && out > RATIO_FLOOR) {
    double in = r->src->in ? (double)r->src->in : 1.0;
    if ((double)out > r->opts.max_expand_ratio * in) {
      r->failed = true;
      strbuf_reset(&r->err);
      strbuf_addf(&r->err, "%s: expands past max_expand_ratio %g", r->source,
                  r->opts.max_expand_ratio);
      return -1;
    }
  }
  return 0;
}

/* --- feeding libcsv ------------------------------------------------------ */

/* Inside a quoted field (libcsv's p->quoted). */
static bool in_quotes(const struct etl_reader *r) {
  return r->reference_csv ? r->csv.quoted != 0 : r->tok.quoted;
}

static int check_field_size(struct etl_reader *r) {
  if (r->field_too_long)
    r->start_line = r->too_long_line;
  size_t pending = r->reference_csv ? r->csv.entry_pos : csv_tokenizer_pending(&r->tok);
  if (r->field_too_long || pending > (size_t)ETL_MAX_FIELD_BYTES + 1)
    return fail_line(r, "field longer than 1048576 bytes");
  return 0;
}

/* Feeds one piece of a line to libcsv, handling a literal quote inside an
 * unquoted field (see the top of the file). */
static int feed_piece(struct etl_reader *r, const unsigned char *s, size_t len) {
  if (!r->reference_csv) {
    if (csv_tokenizer_feed(&r->tok, s, len, on_field, on_record, r) < len)
      return fail_line(r, "text after closing quote");
    return check_field_size(r);
  }
  size_t done = 0;
  while (done < len) {
    done += csv_parse(&r->csv, s + done, len - done, on_field, on_record, r);
    if (done == len)
      break;
    int e = csv_error(&r->csv);
    if (e == CSV_EPARSE && s[done] == '"' && !r->csv.quoted) {
      csv_set_opts(&r->csv, CSV_OPTS & ~CSV_STRICT);
      size_t n = csv_parse(&r->csv, s + done, 1, on_field, on_record, r);
      csv_set_opts(&r->csv, CSV_OPTS);
      r->csv.status = CSV_SUCCESS; /* csv_parse never clears it */
      if (n == 1) {
        done++;
        continue;
      }
      e = csv_error(&r->csv);
    }
    if (e == CSV_EPARSE)
      return fail_line(r, "text after closing quote");
    return fail_line(r, csv_strerror(e));
  }
  return check_field_size(r);
}

static int finish_csv(struct etl_reader *r) {
  if (r->reference_csv ? csv_fini(&r->csv, on_field, on_record, r) != 0
                            : csv_tokenizer_finish(&r->tok, on_field, on_record, r) != 0)
    return fail_line(r, "unterminated quoted field");
  r->at_eof = true;
  return check_field_size(r);
}

static int read_chunk(struct etl_reader *r) {
  struct strbuf msg = STRBUF_INIT;
  ssize_t n = byte_source_fill(r->src, r->chunk, READ_CHUNK, &msg);
  if (n < 0)
    return fail_src(r, &msg);
  strbuf_release(&msg);
  r->chunk_len = (size_t)n;
  r->chunk_pos = 0;
  return check_limits(r);
}

static void skip_bom(struct etl_reader *r) {
  r->bom_checked = true;
  const unsigned char *c = r->chunk + r->chunk_pos;
  if (r->chunk_len - r->chunk_pos >= 3 && c[0] == 0xEF && c[1] == 0xBB && c[2] == 0xBF)
    r->chunk_pos += 3;
}

/* Feeds lines until at least one record is queued, the chunk is used up,
 * or the input ends. */
static int feed(struct etl_reader *r) {
  if (r->chunk_pos == r->chunk_len) {
    if (read_chunk(r) < 0)
      return -1;
    if (r->chunk_len == 0)
      return finish_csv(r);
  }
  if (!r->bom_checked)
    skip_bom(r);
  while (r->chunk_pos < r->chunk_len && r->qlen < FEED_BATCH) {
    const unsigned char *s = r->chunk + r->chunk_pos;
    size_t avail = r->chunk_len - r->chunk_pos;
    const unsigned char *nl = memchr(s, '\n', avail);
    size_t len = nl ? (size_t)(nl - s) + 1 : avail;
    if (feed_piece(r, s, len) < 0)
      return -1;
    r->chunk_pos += len;
    if (nl) {
      r->cur_line++;
      if (!in_quotes(r))
        r->start_line = r->cur_line;
    }
  }
  return 0;
}

/* Drops the fields of records already handed out, keeping those of the
 * record in progress. */
static void drop_consumed(struct etl_reader *r) {
  size_t keep = r->nf - r->rec_first;
  size_t base = keep ? r->foff[r->rec_first] : r->nbytes;
  if (base > 0)
    memmove(r->bytes, r->bytes + base, r->nbytes - base);
  for (size_t i = 0; i < keep; i++) {
    r->foff[i] = r->foff[r->rec_first + i] - base;
    r->flen[i] = r->flen[r->rec_first + i];
  }
  r->nbytes -= base;
  r->nf = keep;
  r->rec_first = 0;
  r->qhead = r->qlen = 0;
}

/* Records parsed before a fault are handed out first, then the fault. */
static int csv_next(struct etl_reader *r, struct etl_record *rec) {
  if (r->qhead == r->qlen) {
    if (r->failed)
      return ETL_READ_FAULT;
    drop_consumed(r);
    while (r->qlen == 0 && !r->failed) {
      if (r->at_eof)
        return ETL_READ_EOF;
      feed(r);
    }
    if (r->qlen == 0)
      return ETL_READ_FAULT;
  }
  const struct rec_slot *slot = &r->q[r->qhead++];
  XGROW(r->out_fields, r->out_cap, slot->nfields + 1);
  for (size_t i = 0; i < slot->nfields; i++)
    r->out_fields[i] = r->bytes + r->foff[slot->first + i];
  r->out_fields[slot->nfields] = NULL;
  rec->line = slot->line;
  rec->nfields = slot->nfields;
  rec->fields = r->out_fields;
  rec->lens = r->flen + slot->first;
  return ETL_READ_OK;
}

/* The next record of a pre-split file: the same records, then the same
 * end or fault (with its message) as the reader that split it. */
static int replay_next(struct etl_reader *r, struct etl_record *rec) {
  if (r->failed)
    return ETL_READ_FAULT;
  int rc = presplit_stream_next(r->replay, rec);
  if (rc == ETL_READ_FAULT) {
    r->failed = true;
    strbuf_reset(&r->err);
    strbuf_adds(&r->err, presplit_stream_error(r->replay));
  } else if (rc == ETL_READ_EOF) {
    snprintf(r->digest.hex, sizeof r->digest.hex, "%s", presplit_stream_sha256(r->replay));
  }
  return rc;
}

static int reader_next_sync(struct etl_reader *r, struct etl_record *rec) {
  int rc = r->replay ? replay_next(r, rec) : csv_next(r, rec);
  if (rc != ETL_READ_OK)
    return rc;
  rec->digest = NULL;
  if (r->rows_ready && rec->nfields == r->rows.nfields) {
    row_digester_row(&r->rows, rec, r->row_digest);
    rec->digest = r->row_digest;
  }
  return ETL_READ_OK;
}

int etl_reader_next(struct etl_reader *r, struct etl_record *rec) {
  return r->pipe ? record_pipe_next(r->pipe, rec) : reader_next_sync(r, rec);
}

static int pipe_pull(void *ctx, struct etl_record *rec) { return reader_next_sync(ctx, rec); }

static void pipe_counters(void *ctx, uint64_t *in, uint64_t *out) {
  const struct etl_reader *r = ctx;
  if (r->replay) {
    presplit_stream_counters(r->replay, in, out);
    return;
  }
  *in = r->src ? r->src->in : 0;
  *out = r->src ? r->src->out : 0;
}

/* --- opening ------------------------------------------------------------- */

static const char *base_name(const char *path, char **owned) {
  size_t n = strlen(path);
  while (n > 1 && path[n - 1] == '/')
    n--;
  size_t start = n;
  while (start > 0 && path[start - 1] != '/')
    start--;
  if (start == n) /* "/" */
    start = 0;
  *owned = xstrndup(path + start, n - start);
  return *owned;
}

static struct etl_reader *reader_new(const char *source, const struct etl_input_opts *opts) {
  struct etl_reader *r = xcalloc(1, sizeof(*r));
  r->source = xstrdup(source);
  r->opts = opts ? *opts : default_opts;
  r->chunk = xmalloc(READ_CHUNK);
  r->cur_line = r->start_line = 1;
  strbuf_init(&r->err);
  csv_init(&r->csv, CSV_OPTS);
  csv_set_space_func(&r->csv, no_space);
  csv_set_realloc_func(&r->csv, xrealloc);
  csv_set_free_func(&r->csv, free);
  csv_set_blk_size(&r->csv, CSV_BLOCK);
  csv_tokenizer_init(&r->tok);
  return r;
}

static void copy_header(struct etl_reader *r, const struct etl_record *rec) {
  size_t total = 0;
  for (size_t i = 0; i < rec->nfields; i++)
    total += rec->lens[i] + 1;
  r->header_bytes = xmalloc(total ? total : 1);
  r->header.fields = xcalloc(rec->nfields + 1, sizeof(char *));
  r->header.lens = xcalloc(rec->nfields + 1, sizeof(size_t));
  r->header.nfields = rec->nfields;
  r->header.line = rec->line;
  char *p = r->header_bytes;
  for (size_t i = 0; i < rec->nfields; i++) {
    memcpy(p, rec->fields[i], rec->lens[i] + 1);
    r->header.fields[i] = p;
    r->header.lens[i] = rec->lens[i];
    p += rec->lens[i] + 1;
  }
}

/* Reads the header; on failure frees r and puts the message in err. */
static int reader_start(struct etl_reader *r, struct etl_reader **out, struct strbuf *err) {
  struct etl_record rec;
  int rc = etl_reader_next(r, &rec);
  if (rc == ETL_READ_EOF)
    fail(r, "empty file, no header row");
  if (rc != ETL_READ_OK) {
    strbuf_adds(err, strbuf_str(&r->err));
    etl_reader_free(r);
    *out = NULL;
    return -1;
  }
  copy_header(r, &rec);
  if (r->opts.row_digests) {
    row_digester_init(&r->rows, &r->header);
    r->rows_ready = true;
  }
  r->pipe = record_pipe_start(pipe_pull, pipe_counters, r);
  *out = r;
  return 0;
}

/* Takes over raw, peeks at the first chunk and stacks a gzip stream on it
 * when it starts with the gzip magic. */
static int reader_open_raw(struct etl_reader *r, struct byte_source *raw) {
  struct strbuf msg = STRBUF_INIT;
  ssize_t n = byte_source_fill(raw, r->chunk, READ_CHUNK, &msg);
  if (n < 0) {
    r->src = raw;
    return fail_src(r, &msg);
  }
  strbuf_release(&msg);
  if (gzip_stream_magic(r->chunk, (size_t)n)) {
    r->src = byte_source_prefetch(gzip_stream_new(raw, r->chunk, (size_t)n));
    return 0;
  }
  r->src = raw;
  r->chunk_len = (size_t)n;
  return check_limits(r);
}

int etl_reader_open_path(struct etl_reader **out, const char *path, const char *source,
                         const struct etl_input_opts *opts, struct strbuf *err) {
  char *owned = NULL;
  if (!source)
    source = base_name(path, &owned);
  *out = NULL;
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  struct stat st;
  int e = 0;
  if (fd < 0 || fstat(fd, &st) != 0)
    e = errno;
  else if (S_ISDIR(st.st_mode))
    e = EISDIR;
  if (e) {
    if (fd >= 0)
      close(fd);
    strbuf_addf(err, "%s: %s", source, strerror(e));
    free(owned);
    return -1;
  }
  struct etl_reader *r = reader_new(source, opts);
  free(owned);
  r->file_bytes = S_ISREG(st.st_mode) ? (uint64_t)st.st_size : 0;
  reader_open_raw(r, byte_source_hash(byte_source_fd(fd), &r->digest));
  return reader_start(r, out, err);
}

static int open_memory(struct etl_reader **out, const void *data, size_t len, const char *source,
                       const struct etl_input_opts *opts, bool reference_csv, struct strbuf *err) {
  struct etl_reader *r = reader_new(source ? source : "(memory)", opts);
  r->reference_csv = reference_csv;
  r->file_bytes = len;
  reader_open_raw(r, byte_source_hash(byte_source_memory(data, len), &r->digest));
  return reader_start(r, out, err);
}

int etl_reader_open_memory(struct etl_reader **out, const void *data, size_t len,
                           const char *source, const struct etl_input_opts *opts,
                           struct strbuf *err) {
  return open_memory(out, data, len, source, opts, false, err);
}

int etl_reader_open_presplit(struct etl_reader **out, const struct presplit_file *f,
                             size_t stream, const char *path, const struct etl_input_opts *opts,
                             struct strbuf *err) {
  *out = NULL;
  if (!f) {
    strbuf_addf(err, "%s: no pre-split file of it (was etl-split run for these inputs?)", path);
    return -1;
  }
  struct presplit_stream *s;
  if (presplit_stream_open(&s, f, stream, err) != 0)
    return -1; /* the recorded open fault, or damage */
  struct etl_reader *r = reader_new(presplit_stream_source(s), opts);
  r->replay = s;
  r->file_bytes = presplit_stream_file_bytes(s);
  return reader_start(r, out, err);
}

int etl_reader_open_memory_libcsv(struct etl_reader **out, const void *data, size_t len,
                                  const char *source, const struct etl_input_opts *opts,
                                  struct strbuf *err) {
  return open_memory(out, data, len, source, opts, true, err);
}

/* --- accessors ----------------------------------------------------------- */

const struct etl_record *etl_reader_header(const struct etl_reader *r) { return &r->header; }

int etl_reader_column(const struct etl_reader *r, const char *name) {
  size_t n = strlen(name);
  for (size_t i = 0; i < r->header.nfields; i++)
    if (r->header.lens[i] == n && memcmp(r->header.fields[i], name, n) == 0)
      return (int)i;
  return -1;
}

const char *etl_reader_error(const struct etl_reader *r) { return strbuf_str(&r->err); }
const char *etl_reader_source(const struct etl_reader *r) { return r->source; }
uint64_t etl_reader_bytes_in(const struct etl_reader *r) {
  uint64_t in, out;
  if (r->pipe)
    record_pipe_counters(r->pipe, &in, &out);
  else
    pipe_counters((void *)(uintptr_t)r, &in, &out);
  return in;
}

uint64_t etl_reader_bytes_out(const struct etl_reader *r) {
  uint64_t in, out;
  if (r->pipe)
    record_pipe_counters(r->pipe, &in, &out);
  else
    pipe_counters((void *)(uintptr_t)r, &in, &out);
  return out;
}
uint64_t etl_reader_file_bytes(const struct etl_reader *r) { return r->file_bytes; }
const char *etl_reader_sha256(const struct etl_reader *r) {
  return r->digest.hex[0] ? r->digest.hex : NULL;
}

void etl_reader_free(struct etl_reader *r) {
  if (!r)
    return;
  record_pipe_stop(r->pipe); /* before anything the producer thread uses */
  byte_source_free(r->src);
  presplit_stream_free(r->replay);
  csv_free(&r->csv);
  csv_tokenizer_release(&r->tok);
  free(r->source);
  free(r->chunk);
  free(r->bytes);
  free(r->foff);
  free(r->flen);
  free(r->q);
  free(r->out_fields);
  free(r->header.fields);
  free(r->header.lens);
  free(r->header_bytes);
  strbuf_release(&r->err);
  if (r->rows_ready)
    row_digester_release(&r->rows);
  free(r);
}

/* --- containers ---------------------------------------------------------- */

struct etl_container {
  char *name;
  char *path;        /* archive file or directory; NULL for memory */
  const void *data;  /* archive in memory */
  size_t len;
  bool is_dir;
  struct etl_input_opts opts;
  uint64_t file_bytes;
  struct etl_archive_member *members; /* for a directory: relative paths */
  size_t n;
  const struct presplit_file *presplit; /* replayed: entries are its streams */
};

static void add_member(struct etl_container *c, size_t *cap, char *path, uint64_t size) {
  XGROW(c->members, *cap, c->n + 1);
  c->members[c->n].path = path;
  c->members[c->n].ordinal = c->n;
  c->members[c->n].size = size;
  c->n++;
}

/* Lists the regular files under dir (relative path rel, "" at the top),
 * recursively; symbolic links to directories are not followed. */
static int walk_dir(struct etl_container *c, size_t *cap, const char *rel, struct strbuf *err) {
  char *dir = *rel ? xasprintf("%s/%s", c->path, rel) : xstrdup(c->path);
  DIR *d = opendir(dir);
  if (!d) {
    strbuf_addf(err, "%s: %s%s%s", c->name, rel, *rel ? ": " : "", strerror(errno));
    free(dir);
    return -1;
  }
  int rc = 0;
  struct dirent *de;
  while (rc == 0 && (de = readdir(d))) {
    if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
      continue;
    char *sub = *rel ? xasprintf("%s/%s", rel, de->d_name) : xstrdup(de->d_name);
    char *full = xasprintf("%s/%s", dir, de->d_name);
    struct stat st;
    if (lstat(full, &st) == 0 && S_ISDIR(st.st_mode)) {
      rc = walk_dir(c, cap, sub, err);
      free(sub);
    } else if (stat(full, &st) == 0 && S_ISREG(st.st_mode)) {
      c->file_bytes += (uint64_t)st.st_size;
      add_member(c, cap, sub, (uint64_t)st.st_size);
    } else {
      free(sub);
    }
    free(full);
  }
  closedir(d);
  free(dir);
  return rc;
}

static int member_cmp(const void *a, const void *b) {
  const struct etl_archive_member *x = a, *y = b;
  return strcmp(x->path, y->path);
}

static struct etl_container *container_new(const char *name, const struct etl_input_opts *opts) {
  struct etl_container *c = xcalloc(1, sizeof(*c));
  c->name = xstrdup(name);
  c->opts = opts ? *opts : default_opts;
  return c;
}

static int open_archive(struct etl_container *c, struct strbuf *err) {
  struct etl_archive_origin o = {c->path, c->data, c->len, c->name};
  return etl_archive_list(&o, &c->opts, &c->members, &c->n, err);
}

int etl_container_open(struct etl_container **out, const char *path,
                       const struct etl_input_opts *opts, struct strbuf *err) {
  char *name;
  base_name(path, &name);
  *out = NULL;
  struct stat st;
  if (stat(path, &st) != 0) {
    strbuf_addf(err, "%s: %s", name, strerror(errno));
    free(name);
    return -1;
  }
  struct etl_container *c = container_new(name, opts);
  free(name);
  c->path = xstrdup(path);
  int rc;
  if (S_ISDIR(st.st_mode)) {
    size_t cap = 0;
    c->is_dir = true;
    rc = walk_dir(c, &cap, "", err);
    if (c->n > 1)
      qsort(c->members, c->n, sizeof(*c->members), member_cmp);
  } else {
    c->file_bytes = (uint64_t)st.st_size;
    rc = open_archive(c, err);
  }
  if (rc < 0) {
    etl_container_free(c);
    return -1;
  }
  *out = c;
  return 0;
}

int etl_container_open_memory(struct etl_container **out, const void *data, size_t len,
                              const char *name, const struct etl_input_opts *opts,
                              struct strbuf *err) {
  struct etl_container *c = container_new(name ? name : "(memory)", opts);
  c->data = data;
  c->len = len;
  c->file_bytes = len;
  *out = NULL;
  if (open_archive(c, err) < 0) {
    etl_container_free(c);
    return -1;
  }
  *out = c;
  return 0;
}

static bool member_matches(const struct etl_container *c, const char *path, const char *want,
                           const char *want_gz) {
  const char *slash = strrchr(path, '/');
  const char *base = slash ? slash + 1 : path;
  return strcmp(base, want) == 0 || (c->is_dir && strcmp(base, want_gz) == 0);
}

static int open_member(struct etl_container *c, const struct etl_archive_member *m,
                       struct etl_reader **out, struct strbuf *err) {
  if (c->is_dir) {
    char *full = xasprintf("%s/%s", c->path, m->path);
    int rc = etl_reader_open_path(out, full, NULL, &c->opts, err);
    free(full);
    return rc;
  }
  struct etl_archive_origin o = {c->path, c->data, c->len, c->name};
  struct byte_source *src = etl_archive_open_member(&o, m, &c->opts, err);
  if (!src)
    return -1;
  char *source = xasprintf("%s:%s", c->name, m->path);
  struct etl_reader *r = reader_new(source, &c->opts);
  free(source);
  r->src = byte_source_prefetch(byte_source_hash(src, &r->digest));
  r->file_bytes = m->size; /* the entry's own size, not the archive's */
  return reader_start(r, out, err);
}

/* A control character in an entry name would break every line-based record
 * of the name (inputs.tsv, logs): such an entry is refused, the name shown
 * with C escapes. Returns true when the name is fine. */
static bool check_entry_name(const struct etl_container *c, const char *path, struct strbuf *err) {
  const unsigned char *p = (const unsigned char *)path;
  while (*p && *p >= 0x20 && *p != 0x7f)
    p++;
  if (!*p)
    return true;
  strbuf_addf(err, "%s: entry \"", c->name);
  for (p = (const unsigned char *)path; *p; p++) {
    if (*p == '"' || *p == '\\')
      strbuf_addf(err, "\\%c", *p);
    else if (*p < 0x20 || *p == 0x7f)
      strbuf_addf(err, "\\x%02x", *p);
    else
      strbuf_addc(err, (char)*p);
  }
  strbuf_adds(err, "\": control character in the name");
  return false;
}

/* A replayed container answers as the split container did. */
static int presplit_find(const struct etl_container *c, const char *entity, size_t *index,
                         struct strbuf *err) {
  const char *msg, *entry;
  int rc = presplit_file_entity(c->presplit, entity, &msg, index, &entry);
  if (rc == -2)
    strbuf_addf(err, "%s: the split did not look for %s", presplit_file_name(c->presplit), entity);
  else if (rc == -1)
    strbuf_adds(err, msg);
  return rc == -2 ? -1 : rc;
}

int etl_container_find(const struct etl_container *c, const char *entity, size_t *index,
                       struct strbuf *err) {
  if (c->presplit)
    return presplit_find(c, entity, index, err);
  char *want = xasprintf("%s.csv", entity);
  char *want_gz = xasprintf("%s.csv.gz", entity);
  const struct etl_archive_member *found = NULL;
  int rc = 1;
  for (size_t i = 0; i < c->n && rc == 1; i++) {
    if (!member_matches(c, c->members[i].path, want, want_gz))
      continue;
    if (found) {
      strbuf_addf(err, "%s: two entries for %s: %s and %s", c->name, entity, found->path,
                  c->members[i].path);
      rc = -1;
    }
    found = &c->members[i];
    *index = i;
  }
  if (rc == 1 && !found)
    rc = 0;
  if (rc == 1 && !check_entry_name(c, found->path, err))
    rc = -1;
  free(want);
  free(want_gz);
  return rc;
}

void etl_container_describe_missing(const struct etl_container *c, const char *entity,
                                    struct strbuf *err) {
  if (c->is_dir)
    strbuf_addf(err, "%s: no %s.csv or %s.csv.gz", c->name, entity, entity);
  else
    strbuf_addf(err, "%s: no entry %s.csv", c->name, entity);
}

int etl_container_open_at(struct etl_container *c, size_t index, struct etl_reader **out,
                          struct strbuf *err) {
  *out = NULL;
  if (c->presplit)
    return etl_reader_open_presplit(out, c->presplit, index, c->name, &c->opts, err);
  return open_member(c, &c->members[index], out, err);
}

const char *etl_container_member_path(const struct etl_container *c, size_t index) {
  return c->presplit ? presplit_file_entry(c->presplit, index) : c->members[index].path;
}

int etl_container_open_presplit(struct etl_container **out, const struct presplit_file *f,
                                const char *path, const struct etl_input_opts *opts,
                                struct strbuf *err) {
  const char *msg = "", *name = "";
  bool is_dir = false;
  uint64_t bytes = 0;
  *out = NULL;
  if (!f) {
    strbuf_addf(err, "%s: no pre-split file of it (was etl-split run for these inputs?)", path);
    return -1;
  }
  int rc = presplit_file_container(f, &msg, &is_dir, &name, &bytes);
  if (rc <= 0) {
    if (rc == 0)
      strbuf_addf(err, "%s: split as a file, not as a CRM export part", presplit_file_name(f));
    else
      strbuf_adds(err, msg);
    return -1;
  }
  struct etl_container *c = container_new(name, opts);
  c->presplit = f;
  c->is_dir = is_dir;
  c->file_bytes = bytes;
  *out = c;
  return 0;
}

bool etl_container_is_dir(const struct etl_container *c) { return c->is_dir; }

int etl_container_open_entity(struct etl_container *c, const char *entity,
                              struct etl_reader **out, struct strbuf *err) {
  size_t index = 0;
  *out = NULL;
  int rc = etl_container_find(c, entity, &index, err);
  if (rc == 0)
    etl_container_describe_missing(c, entity, err);
  if (rc == 1 && etl_container_open_at(c, index, out, err) < 0)
    rc = -1;
  return rc;
}

const char *etl_container_name(const struct etl_container *c) { return c->name; }
uint64_t etl_container_file_bytes(const struct etl_container *c) { return c->file_bytes; }

void etl_container_free(struct etl_container *c) {
  if (!c)
    return;
  etl_archive_members_free(c->members, c->n);
  free(c->name);
  free(c->path);
  free(c);
}
