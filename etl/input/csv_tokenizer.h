/* A CSV tokenizer that splits records exactly as the reader drives libcsv
 * (etl/input/reader.c: CSV_STRICT | CSV_STRICT_FINI, no byte is a space, a
 * quote inside an unquoted field is literal), at a fraction of its cost: it
 * finds the next delimiter, quote or line end 16 bytes at a time and hands
 * out fields that need no unescaping as pointers into the input instead of
 * copying every byte through a per-character state machine. libcsv stays
 * the parser of record: tests/fuzz/fuzz_csv_diff.c and
 * tests/unit/test_csv_tokenizer.c feed the same bytes through both and
 * require the same fields, records, line numbers and faults.
 *
 * The rules, as libcsv applies them with those options:
 *   - ',' ends a field, CR or LF ends a record; a line end before any field
 *     of a record is skipped (empty lines give no record);
 *   - a field starting with '"' is quoted: up to the next lone '"', with
 *     "" for a quote, delimiters and line ends inside taken as text; after
 *     the closing quote only ',', CR or LF may follow, anything else is the
 *     fault "text after closing quote";
 *   - at the end, an unterminated quoted field is a fault; an open record
 *     is ended.
 * Internal to etl/input/reader.c. */
#ifndef ATTR_CSV_TOKENIZER_H
#define ATTR_CSV_TOKENIZER_H

#include <stdbool.h>
#include <stddef.h>

typedef void (*csv_field_fn)(void *field, size_t len, void *data);
typedef void (*csv_record_fn)(int c, void *data);

struct csv_tokenizer {
  int state;   /* where the last byte left the tokenizer (csv_tokenizer.c) */
  bool quoted; /* the field in progress is quoted (libcsv's p->quoted) */
  char *buf;   /* the field in progress when it spans pieces or has "" */
  size_t len, cap;
};

void csv_tokenizer_init(struct csv_tokenizer *t);
void csv_tokenizer_release(struct csv_tokenizer *t);

/* Splits len bytes, calling on_field for each field (the bytes are valid
 * during the call only; not NUL-terminated) and on_record after the last
 * field of each record. Returns len, or on the fault "text after closing
 * quote" the number of bytes consumed before the offending byte, after
 * which the tokenizer must not be fed again. */
size_t csv_tokenizer_feed(struct csv_tokenizer *t, const unsigned char *s, size_t len,
                          csv_field_fn on_field, csv_record_fn on_record, void *data);

/* Ends the input: -1 on an unterminated quoted field, else 0 (an open
 * record ended). */
int csv_tokenizer_finish(struct csv_tokenizer *t, csv_field_fn on_field, csv_record_fn on_record,
                         void *data);

/* Bytes of the field in progress as libcsv counts them (its entry_pos:
 * a closing quote not yet confirmed counts one). */
size_t csv_tokenizer_pending(const struct csv_tokenizer *t);

#endif
