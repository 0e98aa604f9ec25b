/* The reject log of a run: every bad row (severity "error", row dropped) and
 * every kept row with a warning, with its source, line, entity, id, field and
 * reason, plus per-input counts of rows read, kept and rejected that feed the
 * reject-ratio check and the manifest. Written once, sorted by (source, line),
 * as rejects.csv (contract §5.4, §9 "rejects.csv"). */
#ifndef ATTR_REJECTS_H
#define ATTR_REJECTS_H

#include <stdbool.h>
#include <stdint.h>

#include "transforms/base/strbuf.h"

enum reject_severity { SEV_ERROR, SEV_WARNING };

struct reject {
  char *source, *entity, *id, *field, *reason;
  uint64_t line;
  uint64_t seq; /* insertion order, for a stable sort */
  enum reject_severity severity;
};

#define REJECTS_FIRST_REASONS 3

/* Counts for one file of an input (a CSV file or an archive entry); the
 * files of one input share its `entity`. read = kept + rejected + deleted +
 * skipped. */
struct input_stats {
  char *source;      /* "crm_export.zip:Lead.csv" */
  char *entity;      /* "Lead", "ma_activities": the input the file belongs to */
  uint64_t bytes;    /* file size (archive entries: the entry's uncompressed size) */
  uint64_t read;     /* data records, deleted and skipped ones included */
  uint64_t kept;
  uint64_t rejected; /* error rows */
  uint64_t deleted;  /* IsDeleted = true */
  uint64_t skipped;  /* re-exported Marketo rows (contract §1.2) */
  char sha256[65];   /* hex SHA-256 of the file as read; "" if not read to its end */
  struct {
    uint64_t line;
    char *text;      /* "CreatedDate: '2024-02-30': no such day" */
  } reasons[REJECTS_FIRST_REASONS]; /* the first error rows */
  unsigned nreasons;
};

struct reject_log {
  struct reject *items;
  size_t n, cap;
  struct input_stats *inputs;
  size_t ninputs, capinputs;
};

void reject_log_init(struct reject_log *log);
void reject_log_release(struct reject_log *log);
/* Registers an input and returns its index (stats live in log->inputs). */
size_t reject_log_input(struct reject_log *log, const char *source, const char *entity);
/* Records one reject or warning for input `input`; strings are copied.
 * Errors also count toward the input's `rejected` and first reasons. */
void reject_add(struct reject_log *log, size_t input, uint64_t line, const char *id,
                const char *field, enum reject_severity sev, const char *fmt, ...)
    __attribute__((format(printf, 7, 8)));
/* Checks every input's error ratio against max_ratio (failing when strictly
 * greater); an input of several files is one input (its entity), its ratio
 * taken over all of them. Returns 0, or -1 with a message naming the input,
 * its files, the ratio and the first reasons. */
int reject_log_check_ratio(const struct reject_log *log, double max_ratio, struct strbuf *err);
/* Writes rejects.csv sorted by (source, line). 0 or -1 with err. */
int reject_log_write(struct reject_log *log, const char *path, bool bom, struct strbuf *err);
/* Writes inputs.tsv: one line per file, tab-separated: source, bytes, rows
 * read, kept, rejected, deleted, skipped, sha256 (or "-"), entity. 0 or -1
 * with err. */
int reject_log_write_inputs(const struct reject_log *log, const char *path, struct strbuf *err);

#endif
