/* The skeleton every executable of the pipeline shares (etl, etl-normalize,
 * etl-attribute, etl-merge, etl-dump and any later stage), so that no
 * program copies option handling, printers or exit-code decisions:
 *
 *   - prog_init(): the program's name and help text, SIGPIPE and SIGXFSZ
 *     ignored (a closed pipe or a file size limit becomes a write error,
 *     EPIPE/EFBIG, and so exit 3, never death by a signal), the log level
 *     from ETL_LOG, and the out-of-memory path of xalloc.h (a message, then
 *     exit ETL_EXIT_NOMEM);
 *   - the common options --help (stdout, exit 0), --version (the program's
 *     and the linked libraries' versions, exit 0), --quiet and --verbose,
 *     handled by prog_option() in every getopt_long loop;
 *   - one checked number parser for counts (--jobs, --shards, I/N);
 *   - the printers: every line is "PROG: YYYY-MM-DDTHH:MM:SSZ message" on
 *     stderr (errors too, so that a cron log can be read by time); only a
 *     command-line error is printed plainly, with the --help hint;
 *   - prog_exit(): stdout flushed and checked, so that a program whose
 *     output could not be written (`etl --version >/dev/full`) does not
 *     exit 0.
 *
 * State: the name, the help text and the level are process-wide (the
 * printers are called from library code that has no handle to pass them
 * through). prog_init() sets them once at the start of main; after that only
 * --quiet/--verbose change the level, before any work starts. The strings
 * passed in are borrowed (string literals in practice). */
#ifndef ATTR_PROGRAM_H
#define ATTR_PROGRAM_H

#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#include "etl/common/exitcodes.h"
#include "etl/common/stage_log.h"

/* The largest --jobs of every program (threads of one etl-attribute, or
 * shard tasks the local executor runs at once). */
#define PROG_MAX_JOBS 256

/* What --as-of accepts (ts_parse, transforms/values.h), for messages. */
#define PROG_AS_OF_FORMATS                                                        \
  "YYYY-MM-DD (23:59:59 of that day), or YYYY-MM-DDTHH:MM:SS (or a blank "    \
  "for T) with an optional fraction and Z, +HH:MM or -HH:MM (none: the "       \
  "config's naive_utc_offset)"

/* Returned by the option helpers when the program goes on. */
#define PROG_CONTINUE (-1)

/* Sets the program's name (for messages) and --help text, ignores SIGPIPE
 * and SIGXFSZ, takes the log level from ETL_LOG and installs the
 * out-of-memory handler. Call first in main. */
void prog_init(const char *name, const char *usage);
const char *prog_name(void);

/* The disposition of SIGPIPE or SIGXFSZ the process had before prog_init
 * ignored them, for the programs it starts (run_stage.h): false when
 * prog_init has not run. */
bool prog_inherited_action(int sig, struct sigaction *act);

/* The common long options, for the end of a getopt_long table (before the
 * terminating {NULL, 0, NULL, 0}), and their short letters. */
#define PROG_COMMON_LONGOPTS                                                 \
  {"help", no_argument, NULL, 'h'}, {"version", no_argument, NULL, 'V'},     \
      {"quiet", no_argument, NULL, 'q'}, {"verbose", no_argument, NULL, 'v'}
#define PROG_COMMON_SHORTOPTS "hVqv"

/* The end of every getopt_long switch: c is a common option ('h', 'V',
 * 'q', 'v') or getopt's ':' / '?'. Prints the help or the versions (and
 * returns prog_exit(ETL_EXIT_OK)), sets the level (PROG_CONTINUE), or
 * reports the unknown option or missing value (ETL_EXIT_USAGE). Call with
 * opterr = 0 and an optstring starting with ':'. */
int prog_option(int c, char **argv);

/* getopt_long with the common options taken care of: returns the next
 * option that is the program's own (as getopt_long returns it),
 * PROG_OPTS_END when the options are over (optind at the first operand),
 * or PROG_OPTS_EXIT with *exit_code set (--help or --version answered, an
 * unknown option or a missing value reported). optstring must start with
 * ':' and hold PROG_COMMON_SHORTOPTS; longopts must hold
 * PROG_COMMON_LONGOPTS. */
#define PROG_OPTS_END 0
#define PROG_OPTS_EXIT (-2)
int prog_getopt(int argc, char **argv, const char *optstring, const struct option *longopts,
                int *exit_code);
/* After the options: PROG_CONTINUE when no operand is left, else the
 * usage error ("unexpected argument 'x'", ETL_EXIT_USAGE). */
int prog_no_operands(int argc, char **argv);

/* --quiet / --verbose: the level of this process and, through ETL_LOG, of
 * the stage programs it starts. */
void prog_set_level(enum stage_log_level level);
enum stage_log_level prog_level(void);

/* Prints "NAME VERSION" and the versions of zlib, libarchive, PCRE2 and
 * libcsv to stdout. */
void prog_print_version(void);

/* A count written with decimal digits only (no sign, no blank, no other
 * character: " +3" and "3x" are refused), of at most len characters of s,
 * from min to max. 0 with *out, or -1. */
int prog_parse_count_n(const char *s, size_t len, long min, long max, long *out);
/* The same for a whole NUL-terminated string. */
int prog_parse_count(const char *s, long min, long max, long *out);

/* The value of a count option (--jobs, --shards): PROG_CONTINUE with *out,
 * or the usage error "--jobs 'x': expected a whole number from 1 to 256". */
int prog_count_option(const char *opt, const char *arg, long min, long max, long *out);

/* "NAME: TS message" on stderr: prog_info at the info level and above,
 * prog_verbose at the verbose level only, prog_error always. */
void prog_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void prog_verbose(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void prog_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void prog_verror(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));

/* "NAME: message" and "Try 'NAME --help' for more information." on
 * stderr; returns ETL_EXIT_USAGE. */
int prog_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Flushes stdout and checks that everything written to it arrived. When
 * not, reports it and turns a successful rc into ETL_EXIT_IO. Returns the
 * exit code: `return prog_exit(rc);` at the end of main. */
int prog_exit(int rc);

#endif
