/* Unit tests for etl/common/stage_log.h: the ETL_LOG levels, the UTC log line, the
 * progress text (bytes, percentage, rate, ETA, both sides of its cases),
 * and the progress line itself: drawn with '\r' only when enabled, at most
 * once per STAGE_PROGRESS_MIN_INTERVAL, erased by stage_progress_clear. */
#include <regex.h>
#include <stdlib.h>
#include <unistd.h>

#include "etl/common/stage_log.h"
#include "tests/unit/check.h"

static void test_levels(void) {
  CHECK(stage_log_level_parse("quiet") == STAGE_LOG_QUIET);
  CHECK(stage_log_level_parse("info") == STAGE_LOG_INFO);
  CHECK(stage_log_level_parse("verbose") == STAGE_LOG_VERBOSE);
  CHECK(stage_log_level_parse(NULL) == STAGE_LOG_INFO);
  CHECK(stage_log_level_parse("") == STAGE_LOG_INFO);
  CHECK(stage_log_level_parse("QUIET") == STAGE_LOG_INFO);
  CHECK(stage_log_level_parse("verbose ") == STAGE_LOG_INFO);
  setenv("ETL_LOG", "quiet", 1);
  CHECK(stage_log_level_from_env() == STAGE_LOG_QUIET);
  unsetenv("ETL_LOG");
  CHECK(stage_log_level_from_env() == STAGE_LOG_INFO);
}

static bool matches(const char *s, const char *re) {
  regex_t r;
  if (regcomp(&r, re, REG_EXTENDED | REG_NOSUB) != 0)
    return false;
  bool ok = regexec(&r, s, 0, NULL, 0) == 0;
  regfree(&r);
  return ok;
}

static void check_format(uint64_t done, uint64_t total, double secs, const char *want) {
  struct strbuf sb = STRBUF_INIT;
  stage_progress_format(&sb, done, total, secs);
  CHECK_STR(strbuf_str(&sb), want);
  strbuf_release(&sb);
}

static void test_format(void) {
  check_format(0, 45600000, 0, "0.0 of 45.6 MB read (0%)");
  check_format(12300000, 45600000, 0, "12.3 of 45.6 MB read (26%)"); /* no time yet */
  check_format(0, 45600000, 2, "0.0 of 45.6 MB read (0%)");          /* nothing read yet */
  check_format(12300000, 45600000, 1, "12.3 of 45.6 MB read (26%), 12.3 MB/s, ETA 0:03");
  check_format(10000000, 20000000, 10, "10.0 of 20.0 MB read (50%), 1.0 MB/s, ETA 0:10");
  check_format(1000000, 4601000000, 1, "1.0 of 4601.0 MB read (0%), 1.0 MB/s, ETA 1:16:40");
  check_format(1000000, 3600000000 + 1000000, 1, "1.0 of 3601.0 MB read (0%), 1.0 MB/s, ETA 1:00:00");
  check_format(1000000, 3600000000, 1, "1.0 of 3600.0 MB read (0%), 1.0 MB/s, ETA 59:59");
  check_format(30000000, 20000000, 3, "20.0 of 20.0 MB read (100%), 6.7 MB/s, ETA 0:00"); /* capped */
  check_format(5, 0, 1, "0.0 of 0.0 MB read");
}

static void test_utc(void) {
  char buf[21];
  CHECK(matches(stage_log_utc_now(buf), "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$"));
}

/* Runs fn with stderr sent to a file; returns what it wrote. */
static struct strbuf capture(void (*fn)(void)) {
  char path[] = "/tmp/test_stage_log.XXXXXX";
  int fd = mkstemp(path);
  fflush(stderr);
  int saved = dup(2);
  dup2(fd, 2);
  fn();
  fflush(stderr);
  dup2(saved, 2);
  close(saved);
  struct strbuf out = STRBUF_INIT;
  char buf[4096];
  ssize_t n;
  lseek(fd, 0, SEEK_SET);
  while ((n = read(fd, buf, sizeof(buf))) > 0)
    strbuf_add(&out, buf, (size_t)n);
  close(fd);
  unlink(path);
  return out;
}

static void log_line(void) { stage_log_line("etl-normalize", "%d inputs", 3); }

static void progress_disabled(void) {
  struct stage_progress p;
  stage_progress_init(&p, "x", 1000, false);
  stage_progress_update(&p, 10);
  stage_progress_clear(&p);
  stage_progress_init(&p, "x", 0, true); /* nothing to measure */
  stage_progress_update(&p, 10);
  stage_progress_clear(&p);
}

static void progress_enabled(void) {
  struct stage_progress p;
  stage_progress_init(&p, "x", 4000000, true);
  stage_progress_update(&p, 1000000);  /* first update: drawn */
  stage_progress_update(&p, 2000000);  /* too soon: not drawn */
  stage_progress_input_done(&p, 2000000);
  p.last_draw -= STAGE_PROGRESS_MIN_INTERVAL; /* as if the interval had passed */
  stage_progress_update(&p, 1000000);  /* drawn: 3 MB */
  stage_progress_clear(&p);
  stage_progress_clear(&p);            /* already clear: nothing */
}

static void test_output(void) {
  struct strbuf s = capture(log_line);
  CHECK(matches(strbuf_str(&s), "^etl-normalize: [0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z 3 inputs\n$"));
  strbuf_release(&s);
  s = capture(progress_disabled);
  CHECK_I64(s.len, 0);
  strbuf_release(&s);
  s = capture(progress_enabled);
  const char *o = strbuf_str(&s);
  CHECK(strncmp(o, "\rx: 1.0 of 4.0 MB read (25%)", 28) == 0);
  const char *second = strchr(o + 1, '\r');
  CHECK(second && strncmp(second, "\rx: 3.0 of 4.0 MB read (75%)", 28) == 0);
  /* then the erase: '\r', spaces over the line, '\r', and nothing after */
  const char *third = second ? strchr(second + 1, '\r') : NULL;
  CHECK(third && third[1] == ' ');
  CHECK(third && strlen(third) >= 3 && third[strlen(third) - 1] == '\r');
  CHECK(third && strspn(third + 1, " ") == strlen(third) - 2);
  CHECK(!strchr(o, '\n'));
  strbuf_release(&s);
}

int main(void) {
  test_levels();
  test_format();
  test_utc();
  test_output();
  return check_exit();
}
