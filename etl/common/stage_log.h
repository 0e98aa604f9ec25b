/* Logging of the stage programs for schedulers (contract §8,
 * docs/operations.md "Logs"): a level chosen by the environment variable
 * ETL_LOG (the driver sets it from --quiet / --verbose), log lines stamped
 * in UTC, and a progress line
 * (bytes read of the total, rate, ETA) that is redrawn in place with '\r'
 * only when stderr is a terminal, so that logs captured by a scheduler
 * never hold it. Errors go through the same line printer, whatever the
 * level (prog_error, etl/common/program.h), after stage_progress_clear.
 * stage_log_seconds is the one clock of every program. */
#ifndef ATTR_STAGE_LOG_H
#define ATTR_STAGE_LOG_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "transforms/base/strbuf.h"

enum stage_log_level {
  STAGE_LOG_QUIET = 0,   /* errors and warnings only */
  STAGE_LOG_INFO = 1,    /* plus one summary line per stage (default) */
  STAGE_LOG_VERBOSE = 2, /* plus one line per input */
};

/* The level named by `value` ("quiet", "info", "verbose"); NULL, empty or
 * anything else is STAGE_LOG_INFO. */
enum stage_log_level stage_log_level_parse(const char *value);
/* stage_log_level_parse(getenv("ETL_LOG")). */
enum stage_log_level stage_log_level_from_env(void);

/* Writes the current UTC time as "YYYY-MM-DDTHH:MM:SSZ" into buf (at least
 * 21 bytes) and returns buf. */
char *stage_log_utc_now(char buf[21]);

/* Prints "PROG: YYYY-MM-DDTHH:MM:SSZ MESSAGE\n" to stderr. */
void stage_log_line(const char *prog, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void stage_log_vline(const char *prog, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));

/* Seconds of a monotonic clock (for durations). */
double stage_log_seconds(void);

/* The progress line of one program. All functions are no-ops when it is
 * not enabled. */
struct stage_progress {
  const char *prog;
  bool enabled;
  uint64_t total;   /* bytes to read: the inputs' sizes on disk */
  uint64_t base;    /* bytes of the inputs already finished */
  double start;     /* stage_log_seconds() at init */
  double last_draw; /* when the line was last drawn; < 0: never */
  size_t drawn;     /* length of the line on screen, 0 when cleared */
};

#define STAGE_PROGRESS_MIN_INTERVAL 0.25 /* seconds between two redraws */

/* enabled should be isatty(2) && level >= STAGE_LOG_INFO; a total of 0
 * disables the line too. prog is not copied. */
void stage_progress_init(struct stage_progress *p, const char *prog, uint64_t total, bool enabled);
/* `current` bytes of the input in progress have been read: redraws the
 * line when the last draw is at least STAGE_PROGRESS_MIN_INTERVAL old. */
void stage_progress_update(struct stage_progress *p, uint64_t current);
/* An input of `bytes` bytes is finished. */
void stage_progress_input_done(struct stage_progress *p, uint64_t bytes);
/* Erases the line (call before printing anything else to stderr). */
void stage_progress_clear(struct stage_progress *p);

/* The text of the line, without prefix or '\r', e.g.
 * "12.3 of 45.6 MB read (27%), 30.1 MB/s, ETA 0:01". done is capped at
 * total; rate and ETA are left out while seconds or done is 0. */
void stage_progress_format(struct strbuf *out, uint64_t done, uint64_t total, double seconds);

#endif
