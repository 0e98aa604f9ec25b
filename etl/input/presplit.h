/* The pre-split form of one input file (docs/scale-out.md "Normalize as a
 * job array"): what etl-split writes for one file of a run's inputs, so
 * that etl-normalize --from-split can replay the file's CSV records without
 * inflating or splitting it again. A plain file (.csv, .csv.gz) is one
 * stream; a CRM export part (an archive or a directory) is its container
 * listing plus one stream per entity etl-normalize reads from it. A stream
 * holds exactly what the reader (reader.h) handed out: the header and
 * every record with its line number, then either the end (the SHA-256 and
 * byte counts of the file) or the file-level fault with its message, at
 * the point where the reader met it; a file that could not be opened is
 * its open fault alone. Replaying it gives the records, counts, checksum
 * and faults of the original reader, so the stage's outputs do not change.
 *
 * File layout (integers little-endian; "varint" is LEB128; a string is a
 * varint length and its bytes):
 *   "ATTRSPL1"                            magic, format version 1
 *   frames: kind (1 byte), payload length (u32), CRC-32 of kind and
 *   payload (u32), payload:
 *     'H' head: key, path, crm flag (1 byte), max_input_bytes (varint),
 *         max_expand_ratio (the double's 8 bytes)
 *     per stream: 'S' start: stream number, source, file bytes; then
 *         'O' open fault: message (ends the stream), or
 *         'R' records: bytes in, bytes out (the reader's counters after
 *             the block), count, then per record: line, field count, per
 *             field: length, bytes, a NUL byte;
 *         ... closed by 'E' end: bytes in, bytes out, SHA-256 hex, or by
 *         'F' fault: bytes in, bytes out, message
 *     'D' directory: container (1 byte: 0 none, 1 open, 2 open fault;
 *         then message, is-directory byte, name, file bytes), entities
 *         (count; per entity: name, find result + 1, message, stream,
 *         entry path), streams (count; the offset of each 'S' frame)
 *   trailer: offset of 'D' (u64), total length (u64), "ATTRSPLE"
 * A file shorter or longer than its trailer says is refused when opened
 * (a task killed while writing leaves no file: it writes beside and
 * renames), a frame whose CRC does not match when it is read. Every error
 * names the file. */
#ifndef ATTR_PRESPLIT_H
#define ATTR_PRESPLIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "etl/input/reader.h"
#include "transforms/base/strbuf.h"

/* What the file was split from, and the limits it was read with. */
struct presplit_head {
  const char *key;  /* the [input] key ("crm" for a CRM part) */
  const char *path; /* the path as the input list resolved it */
  bool crm;
  uint64_t max_input_bytes;
  double max_expand_ratio;
};

/* --- Writing --------------------------------------------------------------- */

struct presplit_writer;

/* Creates "<path>.tmp.<pid>" and writes the head. 0, or -1 with err. */
int presplit_writer_open(struct presplit_writer **out, const char *path,
                         const struct presplit_head *head, struct strbuf *err);
/* Starts stream number presplit_writer_streams(w) - 1 after the call. */
void presplit_writer_stream(struct presplit_writer *w, const char *source, uint64_t file_bytes);
size_t presplit_writer_streams(const struct presplit_writer *w);
/* The stream's file could not be opened (the reader's message). */
void presplit_writer_open_fault(struct presplit_writer *w, const char *msg);
/* One record; in/out are the reader's byte counters after it. */
void presplit_writer_record(struct presplit_writer *w, const struct etl_record *rec, uint64_t in,
                            uint64_t out);
/* The stream ended (sha256 may be NULL) or met a fault (the message). */
void presplit_writer_end(struct presplit_writer *w, const char *sha256, uint64_t in,
                         uint64_t out);
void presplit_writer_fault(struct presplit_writer *w, const char *msg, uint64_t in, uint64_t out);
/* The CRM part's container: opened (msg NULL) or not (msg). */
void presplit_writer_container(struct presplit_writer *w, const char *msg, bool is_dir,
                               const char *name, uint64_t file_bytes);
/* What etl_container_find said for entity: rc 1 (stream, entry), 0 or -1
 * (msg: what it appended to its error). */
void presplit_writer_entity(struct presplit_writer *w, const char *entity, int rc,
                            const char *msg, size_t stream, const char *entry);
/* Writes the directory and trailer, syncs, renames the file to its path.
 * Returns 0 with *written (the file's size), or -1 with err (the file is
 * removed). Frees w either way. */
int presplit_writer_commit(struct presplit_writer *w, uint64_t *written, struct strbuf *err);

/* Splits one input of the run (etl-split's work): a plain file through
 * etl_reader_open_path, or a CRM part through etl_container_open and, for
 * each of entities (NULL-terminated, in reading order), etl_container_find
 * and etl_container_open_at; opts as etl-normalize reads it. A fault of the
 * input is recorded, not returned. Returns 0 with the counts, or -1 with
 * err when the pre-split file cannot be written. */
struct presplit_counts {
  uint64_t streams, records, faults; /* faults: open or read faults recorded */
  uint64_t bytes_in, bytes_out;      /* compressed read, uncompressed split */
  uint64_t written;                  /* size of the pre-split file */
};
int presplit_input(const struct presplit_head *head, const char *const *entities,
                   const struct etl_input_opts *opts, const char *out_path,
                   struct presplit_counts *counts, struct strbuf *err);

/* --- Reading --------------------------------------------------------------- */

struct presplit_file;

/* Opens a pre-split file and checks its magic, length, head and directory.
 * 0, or -1 with "<path>: <what>" in err. */
int presplit_file_open(struct presplit_file **out, const char *path, struct strbuf *err);
/* The same over memory (tests, fuzzing); data must outlive the file. */
int presplit_file_open_memory(struct presplit_file **out, const void *data, size_t len,
                              const char *name, struct strbuf *err);
void presplit_file_free(struct presplit_file *f);

const struct presplit_head *presplit_file_head(const struct presplit_file *f);
const char *presplit_file_name(const struct presplit_file *f);
size_t presplit_file_streams(const struct presplit_file *f);
/* The container of a CRM part: 0 when the file is no CRM part, 1 when it
 * opened (name, is_dir, file_bytes set), -1 when it did not (msg). */
int presplit_file_container(const struct presplit_file *f, const char **msg, bool *is_dir,
                            const char **name, uint64_t *file_bytes);
/* etl_container_find's recorded answer for entity: 1 (stream, entry), 0,
 * -1 (msg); -2 when the file does not record the entity at all. */
int presplit_file_entity(const struct presplit_file *f, const char *entity, const char **msg,
                         size_t *stream, const char **entry);

/* The entry path of the entity read from stream i ("" if none). */
const char *presplit_file_entry(const struct presplit_file *f, size_t i);

/* A cursor over one stream; the file must outlive it. */
struct presplit_stream;

/* Opens stream i. 0 with its source and file bytes; 1 when the stream is
 * an open fault (the message in err, as the reader gave it); -1 with err
 * when the file is damaged. */
int presplit_stream_open(struct presplit_stream **out, const struct presplit_file *f, size_t i,
                         struct strbuf *err);
const char *presplit_stream_source(const struct presplit_stream *s);
uint64_t presplit_stream_file_bytes(const struct presplit_stream *s);
/* Next record (valid until the next call): ETL_READ_OK, ETL_READ_EOF, or
 * ETL_READ_FAULT with the message in presplit_stream_error (the recorded
 * fault, or the damage found in the file). */
int presplit_stream_next(struct presplit_stream *s, struct etl_record *rec);
const char *presplit_stream_error(const struct presplit_stream *s);
/* The reader's counters as of the last block read, and the SHA-256 ("" until
 * the end). */
void presplit_stream_counters(const struct presplit_stream *s, uint64_t *in, uint64_t *out);
const char *presplit_stream_sha256(const struct presplit_stream *s);
void presplit_stream_free(struct presplit_stream *s);

/* --- The pre-split files of a run ------------------------------------------ */

/* DIR/0.rec, DIR/1.rec, ... (up to the first that does not exist), open. */
struct presplit_index;

/* 0, or -1 with err (no 0.rec, a damaged file). */
int presplit_index_open(struct presplit_index **out, const char *dir, struct strbuf *err);
/* The file split from path (a CRM part when crm), or NULL. */
const struct presplit_file *presplit_index_find(const struct presplit_index *x, bool crm,
                                                const char *path);
const char *presplit_index_dir(const struct presplit_index *x);
void presplit_index_free(struct presplit_index *x);

/* "DIR/I.rec" (caller frees). */
char *presplit_path(const char *dir, size_t task);

#endif
