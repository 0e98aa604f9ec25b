/* One record reader for every input of contract §1 and §9 "Inputs" /
 * "File-level parsing": plain .csv, .csv.gz (multi-member, streamed), an
 * entry of a .zip/.tar/.tar.gz/.tgz read through libarchive without
 * extracting, or a file of a CRM directory. Records come from libcsv; the
 * reader strips a UTF-8 BOM, accepts CRLF/LF and quoted newlines, knows the
 * physical line where each record starts (header = line 1, blank lines count
 * as lines but are not records), optionally maps the literal `null` to empty,
 * and enforces the file-level limits (1 MiB field, max_expand_ratio,
 * max_input_bytes). Every fault message names the source and, for CSV
 * faults, the line: "crm_export.zip:Lead.csv:17: unterminated quoted field".
 * Archive entry names are only matched, never used as paths. */
#ifndef ATTR_READER_H
#define ATTR_READER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "transforms/base/strbuf.h"

#define ETL_MAX_FIELD_BYTES 1048576u

struct etl_input_opts {
  uint64_t max_input_bytes; /* cap on uncompressed bytes of one input */
  double max_expand_ratio;  /* uncompressed / compressed, checked past 1 MiB */
  bool null_is_empty;       /* marketing-automation files: `null` == "" */
  bool row_digests;         /* each record's digest by column name (row_digest.h),
                               computed on the thread that parses ahead */
  unsigned read_ahead;      /* input tables (input_table.h): how many of the
                               next files of an input are opened, inflated and
                               split while the current one is read (0: none) */
};

enum etl_read_status {
  ETL_READ_OK = 0,
  ETL_READ_EOF = 1,
  ETL_READ_FAULT = -1, /* file-level fault; message in etl_reader_error() */
};

/* One CSV record. Fields are NUL-terminated and owned by the reader; they
 * stay valid until the next etl_reader_next() call. */
struct etl_record {
  uint64_t line; /* physical line where the record starts (header = 1) */
  size_t nfields;
  char **fields;
  size_t *lens;
  /* with row_digests, for a record of the header's field count: its
   * 16-byte digest (row_digest.h), valid as long as the fields; else NULL */
  const unsigned char *digest;
};

struct etl_reader;

/* Opens a plain .csv or a gzip .csv.gz file (detected by magic bytes, not by
 * name) and reads its header. `source` is the name used in messages and
 * rejects (normally the file's base name); NULL means the base name of path.
 * Returns 0 and *out (caller frees with etl_reader_free), or -1 with a
 * message in err ("marketo_leads.csv.gz: No such file or directory"); a
 * file with no header row at all (empty, or only blank lines) is -1
 * ("Lead.csv: empty file, no header row"), as is any fault met while
 * reading the header. */
int etl_reader_open_path(struct etl_reader **out, const char *path, const char *source,
                         const struct etl_input_opts *opts, struct strbuf *err);

/* Opens a reader over an in-memory buffer (tests, fuzzing). The buffer may
 * be gzip-compressed (detected by magic bytes); it must outlive the reader. */
int etl_reader_open_memory(struct etl_reader **out, const void *data, size_t len,
                           const char *source, const struct etl_input_opts *opts,
                           struct strbuf *err);

/* The same, with libcsv itself splitting the records instead of the
 * tokenizer that matches it (etl/input/csv_tokenizer.h): the reference of
 * the differential tests. */
int etl_reader_open_memory_libcsv(struct etl_reader **out, const void *data, size_t len,
                                  const char *source, const struct etl_input_opts *opts,
                                  struct strbuf *err);

/* Next record. ETL_READ_OK fills *rec; ETL_READ_EOF at the end;
 * ETL_READ_FAULT on a file-level fault (truncated/corrupt gzip or archive,
 * bad CRC, unterminated quote at EOF, text after a closing quote, field over
 * 1 MiB, expansion limits, trailing garbage after the last gzip member).
 * Records before the faulty one are returned first; once FAULT is returned
 * it is returned again. A CSV fault message gives the line where the faulty
 * record starts ("Lead.csv:17: text after closing quote"). Values are as
 * written (no trimming); with null_is_empty, `null` and `"null"` both read
 * as "". Records are split as libcsv does: a lone CR also ends a record but
 * only LF counts as a line break. The field count is not checked. */
int etl_reader_next(struct etl_reader *r, struct etl_record *rec);

/* The header record (read by open). */
const struct etl_record *etl_reader_header(const struct etl_reader *r);
/* Index of the column whose header is exactly `name`, or -1. */
int etl_reader_column(const struct etl_reader *r, const char *name);
/* Message of the last fault (empty if none). */
const char *etl_reader_error(const struct etl_reader *r);
/* Name used for messages and rejects.csv `source`. */
const char *etl_reader_source(const struct etl_reader *r);
/* Compressed bytes consumed from the file (or entry) so far, and
 * uncompressed bytes produced so far. */
uint64_t etl_reader_bytes_in(const struct etl_reader *r);
uint64_t etl_reader_bytes_out(const struct etl_reader *r);
/* Size in bytes of the input: the file on disk, or for an archive entry
 * the entry's uncompressed size as the archive states it. */
uint64_t etl_reader_file_bytes(const struct etl_reader *r);
/* Lower-case hex SHA-256 of the file as stored (a .csv.gz: its compressed
 * bytes) or of an archive entry's content, computed while reading; NULL
 * until the reader has returned ETL_READ_EOF (call it only then: the hash
 * is finished on the thread that reads ahead). */
const char *etl_reader_sha256(const struct etl_reader *r);
/* Closes everything; NULL is a no-op. */
void etl_reader_free(struct etl_reader *r);

/* --- Replaying a pre-split file (etl/input/presplit.h) ------------------- */
struct presplit_file;

/* Opens stream `stream` of a pre-split file as a reader that hands out the
 * records, counters, SHA-256, end and fault the split reader met, in the
 * same order; an open fault recorded by the split is this call's -1 with
 * its message. f NULL: -1, "<path>: no pre-split file of it ...". f must
 * outlive the reader. */
int etl_reader_open_presplit(struct etl_reader **out, const struct presplit_file *f,
                             size_t stream, const char *path, const struct etl_input_opts *opts,
                             struct strbuf *err);

/* --- CRM containers: an archive or a directory ------------------------- */
struct etl_container;

/* Opens an archive (.zip through its central directory, .tar, .tar.gz,
 * .tgz; detected by content) or a directory, and lists its entries.
 * Returns 0, or -1 with a message (missing file, corrupt archive). */
int etl_container_open(struct etl_container **out, const char *path,
                       const struct etl_input_opts *opts, struct strbuf *err);

/* Finds the entry for `entity` (the rule below). Returns 1 with *index, 0
 * when there is none (err untouched), -1 on two matches or a control
 * character in the entry's name (err says which). */
int etl_container_find(const struct etl_container *c, const char *entity, size_t *index,
                       struct strbuf *err);
/* Appends "crm_export.zip: no entry Lead.csv" (a directory: "crm: no
 * Lead.csv or Lead.csv.gz") to err. */
void etl_container_describe_missing(const struct etl_container *c, const char *entity,
                                    struct strbuf *err);
/* Opens entry `index` (from etl_container_find) as a reader: 0 or -1. */
int etl_container_open_at(struct etl_container *c, size_t index, struct etl_reader **out,
                          struct strbuf *err);
/* Path of entry `index` inside the archive or directory. */
const char *etl_container_member_path(const struct etl_container *c, size_t index);

/* Opens the entry for `entity`: the entry whose base name is
 * "<entity>.csv" (or "<entity>.csv.gz" in a directory), in any subfolder,
 * exact case. Returns 1 with *out, 0 if there is none (err says so), -1 on a
 * fault (two matches, a control character in the entry's name, unreadable
 * entry). The reader's source is
 * "<archive base name>:<entry path>" or, for a directory, the file's base
 * name. The reader may be used after the container is freed. */
int etl_container_open_entity(struct etl_container *c, const char *entity,
                              struct etl_reader **out, struct strbuf *err);

/* The same over an archive in memory (tests, fuzzing); data must outlive
 * the container and every reader opened from it. name is used in messages
 * and sources (NULL: "(memory)"). Directories have no memory form. */
int etl_container_open_memory(struct etl_container **out, const void *data, size_t len,
                              const char *name, const struct etl_input_opts *opts,
                              struct strbuf *err);

/* A CRM part replayed from its pre-split file (f must outlive it): find
 * gives the answers the split got, open_at replays the entity's stream. A
 * container that could not be opened when split is -1 with its message
 * here; f NULL is -1 naming path. */
int etl_container_open_presplit(struct etl_container **out, const struct presplit_file *f,
                                const char *path, const struct etl_input_opts *opts,
                                struct strbuf *err);
/* True for a CRM directory (not an archive). */
bool etl_container_is_dir(const struct etl_container *c);
/* Base name of the container (for messages). */
const char *etl_container_name(const struct etl_container *c);
uint64_t etl_container_file_bytes(const struct etl_container *c);
void etl_container_free(struct etl_container *c);

#endif
