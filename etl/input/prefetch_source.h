/* A byte_source that runs another one in a background thread, a few blocks
 * ahead of the reader, so that inflating (ISA-L, libarchive) overlaps CSV
 * parsing on a second core. Bytes, errors and the in/out counters reach the
 * reader in the same order as without it; the producer never runs more than
 * PREFETCH_BLOCKS blocks ahead, so the expansion limits still stop a bomb
 * within a few MiB. Internal to etl/input/reader.c. */
#ifndef ATTR_PREFETCH_SOURCE_H
#define ATTR_PREFETCH_SOURCE_H

#include "etl/input/byte_source.h"

/* Takes ownership of inner. Never NULL; if the thread cannot be started the
 * inner source is returned as is. */
struct byte_source *byte_source_prefetch(struct byte_source *inner);

#endif
