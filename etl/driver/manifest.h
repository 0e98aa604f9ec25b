/* manifest.json of a published run (contract §5.4, docs/tables.md
 * "manifest.json"), and of a failed run whose rejects are kept
 * (failed_runs.h; it ends with "failure", the reason):
 * tool version, config digest, as_of, range, every input with its row
 * counts (from the normalize stage's inputs.tsv), every output with bytes,
 * data rows and SHA-256, and the wall time of each stage. The text is
 * stable: keys in a fixed order, 2-space indent, outputs sorted by name, so
 * identical runs give identical manifests apart from the stage times. */
#ifndef ATTR_MANIFEST_H
#define ATTR_MANIFEST_H

#include <stddef.h>
#include <stdint.h>

#include "etl/common/sha256.h"
#include "transforms/base/strbuf.h"

/* One input file (or CRM archive entry): read = kept + rejected + deleted
 * + skipped. */
struct manifest_input {
  char *name;
  char *input;  /* the CRM entity or [input] key it belongs to */
  uint64_t bytes, rows_read, rows_kept, rows_rejected, rows_deleted, rows_skipped;
  char sha256[SHA256_HEX_LEN + 1]; /* of the file as read; "" when unknown */
};

struct manifest_output {
  char *name;
  uint64_t bytes;
  uint64_t rows; /* data records, header excluded */
  char sha256[SHA256_HEX_LEN + 1];
  /* the file as scanned: a rescan reuses the entry while these are the same */
  uint64_t dev, ino;
  int64_t mtime_sec, mtime_nsec;
};

struct manifest_stage {
  char *name;
  double seconds;
  const char *cache; /* etl-normalize with the data-set cache: "hit" or "miss"
                        (static string, written as "cache"); else NULL */
};

struct manifest {
  char *version;
  char *config_path;
  char config_sha256[SHA256_HEX_LEN + 1];
  char *as_of;
  char *currency;              /* the corporate currency, NULL until set */
  char *range_from, *range_to; /* YYYY-MM-DD */
  struct manifest_input *inputs;
  size_t ninputs, inputs_cap;
  struct manifest_output *outputs;
  size_t noutputs, outputs_cap;
  struct manifest_output *scanned; /* the outputs of the last scan, for a rescan */
  size_t nscanned;
  struct manifest_stage *stages;
  size_t nstages, stages_cap;
  char *failure; /* NULL, or why the run failed (a failed run's manifest) */
};

void manifest_init(struct manifest *m);
void manifest_release(struct manifest *m);

/* Sets the version, as_of and config path and hashes the config file. */
int manifest_set_run(struct manifest *m, const char *version, const char *config_path,
                     const char *as_of, struct strbuf *err);

/* States the corporate currency every amount of the tables is in. */
void manifest_set_currency(struct manifest *m, const char *currency);

/* Sets range_from/range_to from a range name "YYYY-MM-DD_YYYY-MM-DD";
 * -1 with err when name is not of that form. */
int manifest_set_range(struct manifest *m, const char *name, struct strbuf *err);

/* Marks the manifest as a failed run's, with the reason (copied). */
void manifest_set_failure(struct manifest *m, const char *why);

void manifest_add_stage(struct manifest *m, const char *name, double seconds);
/* Sets the cache state (a static string) of the last stage named name. */
void manifest_set_stage_cache(struct manifest *m, const char *name, const char *state);

/* Parses inputs.tsv (lines name, bytes, rows_read, rows_kept,
 * rows_rejected, rows_deleted, rows_skipped, sha256 ("-" when unknown),
 * input, tab-separated, LF or CRLF ends) and appends one input per line. -1
 * with err ("inputs.tsv:3: expected 9 fields") on a malformed line. */
int manifest_parse_inputs(struct manifest *m, const char *text, size_t n, struct strbuf *err);
/* The same, reading the file at path. */
int manifest_read_inputs(struct manifest *m, const char *path, struct strbuf *err);

/* Appends one output per regular file of dir (sorted by name, skipping
 * hidden names and `skip`, which may be NULL), with bytes, rows and SHA-256.
 * rows: CSV data records of *.csv, and of *.csv.gz after decompression
 * (0 for other files). -1 with err on an unreadable or corrupt file. */
int manifest_scan_outputs(struct manifest *m, const char *dir, const char *skip,
                          struct strbuf *err);

/* Forgets every output (to scan the folder again after another file was
 * written into it). */
void manifest_clear_outputs(struct manifest *m);

/* The JSON text, ending in a newline. */
void manifest_format(const struct manifest *m, struct strbuf *out);
/* Writes manifest_format's text to path (created, must not exist) and
 * fsyncs it. */
int manifest_write(const struct manifest *m, const char *path, struct strbuf *err);

/* Appends s[0..n) as a JSON string with its quotes: '"', '\\' and control
 * characters escaped (\n, \t, ... or \u00XX), valid UTF-8 kept as is, each
 * byte of an invalid UTF-8 sequence written as \ufffd. */
void json_add_string(struct strbuf *out, const char *s, size_t n);

/* Counts CSV records in a stream of chunks: a record ends at CRLF outside
 * double quotes; a final record without CRLF counts too. */
struct csv_counter {
  uint64_t records;
  int in_quotes;
  int prev_cr;     /* last byte seen was an unquoted CR */
  int open_record; /* bytes seen since the last record end */
};
void csv_counter_init(struct csv_counter *c);
void csv_counter_feed(struct csv_counter *c, const void *data, size_t n);
/* Records in total; the header is one of them. */
uint64_t csv_counter_records(const struct csv_counter *c);

#endif
