/* One input seen as a table: the files (or CRM archive entries) of one
 * [input] key or CRM entity, read one after the other as one input
 * (contract §1.4), with the column indexes of the canonical columns the
 * normalize stage needs, found per file (after [columns] remaps), and the
 * checks every row gets before any rule of its own (contract §9): the field
 * count, then in every column of §1 present in the file a NUL byte (the row
 * is rejected) and invalid UTF-8 (replaced by U+FFFD, one per maximal
 * subpart; the row gets a warning if it is kept). In the Marketo inputs a
 * cell holding `null` then reads as empty. The raw cells (as unquoted,
 * before U+FFFD and `null`) stay available for the re-export rule of §1.2.
 *
 * With opts->read_ahead = k, the next k files of the input are opened
 * while one is read, so that their inflating and CSV splitting run on
 * their own threads ahead of the row rules; rows still come in file order,
 * and a fault of a file opened early is reported when its turn comes, as
 * if it had been opened then.
 *
 * Each file keeps its own header, line numbers and `source`, and its own
 * counts in the reject log (rows read, kept, rejected, deleted, skipped, its
 * size and the SHA-256 of its bytes as read); the reject ratio sums them per
 * input (rejects.h). */
#ifndef ATTR_INPUT_TABLE_H
#define ATTR_INPUT_TABLE_H

#include <stdbool.h>
#include <stddef.h>

#include "etl/common/config.h"
#include "etl/input/reader.h"
#include "etl/input/row_digest.h"
#include "etl/common/rejects.h"
#include "etl/common/stage_log.h"

struct col_spec {
  const char *name; /* canonical column name */
  bool required;    /* the column must be in the header */
};

enum input_part_kind { INPUT_PART_FILE, INPUT_PART_ENTRY, INPUT_PART_READER, INPUT_PART_PRESPLIT };

/* One file of an input, opened when its turn comes. */
struct input_part {
  enum input_part_kind kind;
  struct etl_reader *early;        /* opened ahead of its turn (read_ahead), owned */
  char *early_err;                 /* or the fault met opening it early, owned */
  char *path;                      /* FILE: a .csv or .csv.gz file (owned) */
  struct etl_container *container; /* ENTRY: not owned; must outlive the table */
  size_t member;                   /* ENTRY: index from etl_container_find */
  struct etl_reader *reader;       /* READER: an open reader, owned (tests) */
  const struct presplit_file *presplit; /* PRESPLIT: the file `path` was split
                                           into (NULL: none; not owned) */
};

#define INPUT_DIGEST_LEN ROW_DIGEST_LEN /* bytes of a row digest (128 bits) */

struct input_table {
  const char *entity;
  const struct etl_config *conf;
  struct reject_log *log;
  const struct col_spec *specs;
  size_t ncols;
  struct etl_input_opts opts; /* for FILE parts */
  bool ma;                    /* Marketo: `null` reads as empty */
  struct input_part *parts;   /* owned */
  size_t nparts, part;        /* part: the file being read */
  struct stage_progress *progress; /* NULL, or updated while reading (not owned) */

  /* The file being read. */
  struct etl_reader *r;     /* owned; NULL between files */
  size_t input;             /* its index in log->inputs */
  int *cols;                /* per spec: field index or -1 */
  size_t nheader;
  const char **known;       /* per header field: its canonical §1 name, or NULL */

  /* The current row. */
  struct etl_record rec;    /* raw fields, as unquoted */
  const char **val;         /* per header field: the value the rules see */
  size_t *vlen;
  size_t val_cap;
  struct strbuf fixed;      /* repaired cells of the row */
  struct { size_t field, off; } *fix; /* which cells point into `fixed`, where */
  size_t fix_cap;
  const char *utf8_column;  /* first §1 column repaired in this row, or NULL */

  struct row_digester digester; /* row digests the reader did not compute */
  bool digester_ready;
};

/* Opens an input made of parts[0..nparts) (taken over, even on failure;
 * nparts >= 1) as `entity` (a CRM entity or an [input] key); ma selects the
 * Marketo `null` rule; opts apply to FILE parts. Opens the first file and
 * checks its header: a required column missing is a file-level fault (-1,
 * err: every missing column at once, the headers found, near matches and
 * the [columns] lines that would use them). Every file is registered in log
 * when it is opened. The table must be closed with input_table_close
 * whatever this returns. */
int input_table_open(struct input_table *t, const char *entity, const struct etl_config *conf,
                     const struct col_spec *specs, size_t nspecs, struct input_part *parts,
                     size_t nparts, bool ma, const struct etl_input_opts *opts,
                     struct reject_log *log, struct strbuf *err);
/* The same over one reader already open (taken over). */
int input_table_open_reader(struct input_table *t, struct etl_reader *r, const char *entity,
                            const struct etl_config *conf, const struct col_spec *specs,
                            size_t nspecs, struct reject_log *log, struct strbuf *err);
/* Opens the header of every file not yet opened and checks it, reading no
 * row (etl check). 0 or -1 with err. */
int input_table_check_headers(struct input_table *t, struct strbuf *err);
/* Next row with the right field count and no NUL byte in a §1 column: 1; 0
 * after the last row of the last file; -1 on a file-level fault (err set),
 * including a header fault of the next file. Rows with a wrong count or a
 * NUL are rejected (counted, in the log) and skipped. */
int input_table_next(struct input_table *t, struct strbuf *err);

/* Value of spec column i of the current row, as the rules see it ("" if
 * the column is absent from this file). */
static inline const char *input_table_get(const struct input_table *t, size_t i, size_t *len) {
  int c = t->cols[i];
  if (c < 0) {
    *len = 0;
    return "";
  }
  *len = t->vlen[c];
  return t->val[c];
}
static inline bool input_table_has(const struct input_table *t, size_t i) { return t->cols[i] >= 0; }
/* The stats of the file being read. */
static inline struct input_stats *input_table_stats(const struct input_table *t) {
  return &t->log->inputs[t->input];
}
/* The row is kept: counts it, and writes the UTF-8 warning of the row (if a
 * cell was repaired) with the row's id (may be NULL). Call it before any
 * other warning of the row. */
void input_table_keep(struct input_table *t, const char *id);
/* The row is deleted (IsDeleted = true) / a re-export skipped (§1.2). */
static inline void input_table_deleted(struct input_table *t) { input_table_stats(t)->deleted++; }
static inline void input_table_skipped(struct input_table *t) { input_table_stats(t)->skipped++; }

/* The 128-bit digest of the current row's raw fields by column name
 * (etl/input/row_digest.h): the reader's, computed on its parsing thread
 * for the files of a Marketo input, else computed here. */
void input_table_row_digest(struct input_table *t, unsigned char out[INPUT_DIGEST_LEN]);

/* Closes the file being read and frees everything (parts included); with a
 * progress line, counts the file's compressed bytes as finished. */
void input_table_close(struct input_table *t);

#endif
