/* Minimal unit-test harness shared by tests/unit/: CHECK records a failure
 * with file and line and goes on, so one run reports every broken case;
 * check_exit() turns the tally into the process exit status for ctest. */
#ifndef ATTR_CHECK_H
#define ATTR_CHECK_H

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

static int check_failures;
static int check_count;

#define CHECK(cond)                                                          \
  do {                                                                       \
    check_count++;                                                           \
    if (!(cond)) {                                                           \
      check_failures++;                                                      \
      fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
    }                                                                        \
  } while (0)

#define CHECK_STR(got, want)                                                 \
  do {                                                                       \
    const char *g_ = (got), *w_ = (want);                                    \
    check_count++;                                                           \
    if (!g_ || strcmp(g_, w_) != 0) {                                        \
      check_failures++;                                                      \
      fprintf(stderr, "%s:%d: got '%s', want '%s'\n", __FILE__, __LINE__,     \
              g_ ? g_ : "(null)", w_);                                       \
    }                                                                        \
  } while (0)

#define CHECK_I64(got, want)                                                 \
  do {                                                                       \
    long long g_ = (long long)(got), w_ = (long long)(want);                 \
    check_count++;                                                           \
    if (g_ != w_) {                                                          \
      check_failures++;                                                      \
      fprintf(stderr, "%s:%d: %s = %lld, want %lld\n", __FILE__, __LINE__,    \
              #got, g_, w_);                                                 \
    }                                                                        \
  } while (0)

static inline int check_exit(void) {
  if (check_failures) {
    fprintf(stderr, "%d of %d checks failed\n", check_failures, check_count);
    return 1;
  }
  printf("%d checks passed\n", check_count);
  return 0;
}

#endif
