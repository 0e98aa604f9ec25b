/* Parses CSV records on a second thread: a producer calls the reader's own
 * pull function and copies each record into batches; the consumer takes them
 * in the same order, with the same line numbers, and then the same end (EOF)
 * or fault. On the benchmark, libcsv tokenizing is a quarter of
 * etl-normalize; this lets it run beside the row rules. Internal to
 * etl/input/reader.c. */
#ifndef ATTR_RECORD_PIPE_H
#define ATTR_RECORD_PIPE_H

#include <stdint.h>

#include "etl/input/reader.h"

/* Pulls the next record on the producer thread: ETL_READ_OK, _EOF, _FAULT. */
typedef int (*record_pull_fn)(void *ctx, struct etl_record *rec);
/* Reads the source's byte counters on the producer thread. */
typedef void (*record_counters_fn)(void *ctx, uint64_t *in, uint64_t *out);

struct record_pipe;

/* Starts the producer. Returns NULL if the thread cannot be started (the
 * caller then pulls synchronously). */
struct record_pipe *record_pipe_start(record_pull_fn pull, record_counters_fn counters, void *ctx);
/* Next record (valid until the next call) or the end status. After a fault,
 * whatever the pull function left in ctx (the message) is visible. */
int record_pipe_next(struct record_pipe *p, struct etl_record *rec);
/* Counters as of the batch being handed out. */
void record_pipe_counters(const struct record_pipe *p, uint64_t *in, uint64_t *out);
/* Stops and joins the producer, frees everything; NULL is a no-op. */
void record_pipe_stop(struct record_pipe *p);

#endif
