/* Stage logging and the terminal progress line (see stage_log.h). */
#include "etl/common/stage_log.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "transforms/base/calendar.h"

enum stage_log_level stage_log_level_parse(const char *value) {
  if (value && strcmp(value, "quiet") == 0)
    return STAGE_LOG_QUIET;
  if (value && strcmp(value, "verbose") == 0)
    return STAGE_LOG_VERBOSE;
  return STAGE_LOG_INFO;
}

enum stage_log_level stage_log_level_from_env(void) {
  return stage_log_level_parse(getenv("ETL_LOG"));
}

char *stage_log_utc_now(char buf[21]) {
  char ts[32];
  cal_format_ts((int64_t)time(NULL), ts); /* the one timestamp formatter */
  snprintf(buf, 21, "%.20s", ts);
  return buf;
}

void stage_log_vline(const char *prog, const char *fmt, va_list ap) {
  char stamp[21];
  struct strbuf sb = STRBUF_INIT;
  strbuf_vaddf(&sb, fmt, ap);
  fprintf(stderr, "%s: %s %s\n", prog, stage_log_utc_now(stamp), strbuf_str(&sb));
  strbuf_release(&sb);
}

void stage_log_line(const char *prog, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  stage_log_vline(prog, fmt, ap);
  va_end(ap);
}

double stage_log_seconds(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void stage_progress_init(struct stage_progress *p, const char *prog, uint64_t total, bool enabled) {
  memset(p, 0, sizeof(*p));
  p->prog = prog;
  p->total = total;
  p->enabled = enabled && total > 0;
  p->start = stage_log_seconds();
  p->last_draw = -1.0;
}

static void add_duration(struct strbuf *out, double seconds) {
  uint64_t s = seconds < 0 ? 0 : (uint64_t)(seconds + 0.5);
  if (s >= 3600)
    strbuf_addf(out, "%llu:%02u:%02u", (unsigned long long)(s / 3600), (unsigned)(s / 60 % 60),
                (unsigned)(s % 60));
  else
    strbuf_addf(out, "%u:%02u", (unsigned)(s / 60), (unsigned)(s % 60));
}

void stage_progress_format(struct strbuf *out, uint64_t done, uint64_t total, double seconds) {
  if (done > total)
    done = total;
  const double mb = 1e6;
  strbuf_addf(out, "%.1f of %.1f MB read", (double)done / mb, (double)total / mb);
  if (total > 0)
    strbuf_addf(out, " (%u%%)", (unsigned)((double)done * 100.0 / (double)total));
  if (seconds <= 0 || done == 0)
    return;
  double rate = (double)done / seconds;
  strbuf_addf(out, ", %.1f MB/s, ETA ", rate / mb);
  add_duration(out, (double)(total - done) / rate);
}

static void draw(struct stage_progress *p, uint64_t done, double now) {
  struct strbuf sb = STRBUF_INIT;
  strbuf_addf(&sb, "%s: ", p->prog);
  stage_progress_format(&sb, done, p->total, now - p->start);
  /* pad over the previous, longer text */
  size_t len = sb.len;
  while (sb.len < p->drawn)
    strbuf_addc(&sb, ' ');
  fprintf(stderr, "\r%s", strbuf_str(&sb));
  fflush(stderr);
  p->drawn = len;
  p->last_draw = now;
  strbuf_release(&sb);
}

void stage_progress_update(struct stage_progress *p, uint64_t current) {
  if (!p->enabled)
    return;
  double now = stage_log_seconds();
  if (p->last_draw >= 0 && now - p->last_draw < STAGE_PROGRESS_MIN_INTERVAL)
    return;
  draw(p, p->base + current, now);
}

void stage_progress_input_done(struct stage_progress *p, uint64_t bytes) {
  if (p->enabled)
    p->base += bytes;
}

void stage_progress_clear(struct stage_progress *p) {
  if (!p->enabled || p->drawn == 0)
    return;
  fprintf(stderr, "\r%*s\r", (int)p->drawn, "");
  fflush(stderr);
  p->drawn = 0;
}
