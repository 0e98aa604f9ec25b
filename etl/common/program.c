/* The program skeleton shared by every executable (see program.h). */
#include "etl/common/program.h"

#include <archive.h>
#include <csv.h>
#include <errno.h>
#include <limits.h>
#include <pcre2.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "transforms/base/xalloc.h"

#ifndef ATTR_VERSION
#error "ATTR_VERSION must be defined (CMake defines it)"
#endif

/* Set once by prog_init (see program.h "State"). */
static const char *the_name = "etl";
static const char *the_usage = "";
static enum stage_log_level the_level = STAGE_LOG_INFO;
static struct sigaction inherited_pipe, inherited_xfsz;
static bool inherited_saved;

/* xalloc's failure path: the program decides, with its own exit code. The
 * message is built without allocating. */
static void out_of_memory(size_t n) {
  char stamp[21];
  fflush(stdout);
  fprintf(stderr, "%s: %s out of memory (allocating %zu bytes); nothing was published\n",
          the_name, stage_log_utc_now(stamp), n);
  _exit(ETL_EXIT_NOMEM); /* no atexit work: it could allocate again */
}

void prog_init(const char *name, const char *usage) {
  the_name = name;
  the_usage = usage;
  struct sigaction ign;
  memset(&ign, 0, sizeof ign);
  ign.sa_handler = SIG_IGN;
  sigemptyset(&ign.sa_mask);
  /* a write to a closed pipe fails with EPIPE, past a file size limit with
   * EFBIG: exit 3, never death by a signal */
  sigaction(SIGPIPE, &ign, &inherited_pipe);
  sigaction(SIGXFSZ, &ign, &inherited_xfsz);
  inherited_saved = true;
  the_level = stage_log_level_from_env();
  xalloc_set_failure_handler(out_of_memory);
}

const char *prog_name(void) { return the_name; }

bool prog_inherited_action(int sig, struct sigaction *act) {
  if (!inherited_saved || (sig != SIGPIPE && sig != SIGXFSZ))
    return false;
  *act = sig == SIGPIPE ? inherited_pipe : inherited_xfsz;
  return true;
}

void prog_set_level(enum stage_log_level level) {
  static const char *const names[] = {"quiet", "info", "verbose"};
  the_level = level;
  setenv("ETL_LOG", names[level], 1); /* the stages started from here */
}

enum stage_log_level prog_level(void) { return the_level; }

void prog_print_version(void) {
  char pcre[64] = "";
  pcre2_config(PCRE2_CONFIG_VERSION, pcre);
  printf("%s %s\n", the_name, ATTR_VERSION);
  printf("zlib %s\n", zlibVersion());
  printf("%s\n", archive_version_details());
  printf("PCRE2 %s\n", pcre);
  printf("libcsv %d.%d.%d\n", CSV_MAJOR, CSV_MINOR, CSV_RELEASE);
}

int prog_option(int c, char **argv) {
  switch (c) {
  case 'h':
    fputs(the_usage, stdout);
    return prog_exit(ETL_EXIT_OK);
  case 'V':
    prog_print_version();
    return prog_exit(ETL_EXIT_OK);
  case 'q':
    prog_set_level(STAGE_LOG_QUIET);
    return PROG_CONTINUE;
  case 'v':
    prog_set_level(STAGE_LOG_VERBOSE);
    return PROG_CONTINUE;
  case ':':
    return prog_usage_error("option '%s' needs a value", argv[optind - 1]);
  default: {
    char shortopt[3] = {'-', (char)optopt, '\0'};
    return prog_usage_error("unknown option '%s'",
                            optopt > 0 && optopt < 256 ? shortopt : argv[optind - 1]);
  }
  }
}

int prog_getopt(int argc, char **argv, const char *optstring, const struct option *longopts,
                int *exit_code) {
  int c;
  opterr = 0;
  while ((c = getopt_long(argc, argv, optstring, longopts, NULL)) != -1) {
    if (c != 'h' && c != 'V' && c != 'q' && c != 'v' && c != ':' && c != '?')
      return c;
    int rc = prog_option(c, argv);
    if (rc != PROG_CONTINUE) {
      *exit_code = rc;
      return PROG_OPTS_EXIT;
    }
  }
  return PROG_OPTS_END;
}

int prog_no_operands(int argc, char **argv) {
  if (optind < argc)
    return prog_usage_error("unexpected argument '%s'", argv[optind]);
  return PROG_CONTINUE;
}

int prog_parse_count_n(const char *s, size_t len, long min, long max, long *out) {
  long v = 0;
  if (len == 0)
    return -1;
  for (size_t i = 0; i < len; i++) {
    if (s[i] < '0' || s[i] > '9')
      return -1;
    int digit = s[i] - '0';
    if (v > (LONG_MAX - digit) / 10)
      return -1;
    v = v * 10 + digit;
  }
  if (v < min || v > max)
    return -1;
  *out = v;
  return 0;
}

int prog_parse_count(const char *s, long min, long max, long *out) {
  return prog_parse_count_n(s, strlen(s), min, max, out);
}

int prog_count_option(const char *opt, const char *arg, long min, long max, long *out) {
  if (prog_parse_count(arg, min, max, out) == 0)
    return PROG_CONTINUE;
  return prog_usage_error("%s '%s': expected a whole number from %ld to %ld", opt, arg, min, max);
}

void prog_error(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  prog_verror(fmt, ap);
  va_end(ap);
}

/* The one line printer of every program, at a level. */
static void log_at(enum stage_log_level level, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));
static void log_at(enum stage_log_level level, const char *fmt, va_list ap) {
  if (the_level >= level)
    stage_log_vline(the_name, fmt, ap);
}

void prog_verror(const char *fmt, va_list ap) { log_at(STAGE_LOG_QUIET, fmt, ap); }

void prog_info(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  log_at(STAGE_LOG_INFO, fmt, ap);
  va_end(ap);
}

void prog_verbose(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  log_at(STAGE_LOG_VERBOSE, fmt, ap);
  va_end(ap);
}

int prog_usage_error(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fprintf(stderr, "%s: ", the_name);
  vfprintf(stderr, fmt, ap);
  fprintf(stderr, "\nTry '%s --help' for more information.\n", the_name);
  va_end(ap);
  return ETL_EXIT_USAGE;
}

int prog_exit(int rc) {
  errno = 0;
  if (fflush(stdout) == 0 && !ferror(stdout))
    return rc;
  int e = errno ? errno : EIO;
  prog_error("cannot write to standard output: %s", strerror(e));
  return rc == ETL_EXIT_OK ? ETL_EXIT_IO : rc;
}
