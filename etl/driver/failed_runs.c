/* Keeping the rejects of failed runs (see failed_runs.h). */
#include "etl/driver/failed_runs.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "transforms/base/calendar.h"
#include "transforms/base/xalloc.h"

#define TMP_PREFIX ".tmp-"

void failed_runs_stamp(long long utc, char buf[17]) {
  char ts[32];
  size_t n = 0;
  cal_format_ts((int64_t)utc, ts); /* YYYY-MM-DDTHH:MM:SSZ */
  for (const char *c = ts; *c && n < 16; c++)
    if (*c != '-' && *c != ':')
      buf[n++] = *c;
  buf[n] = '\0';
}

static bool visible(const char *name) { return name[0] != '.'; }
static bool temporary(const char *name) { return !strncmp(name, TMP_PREFIX, strlen(TMP_PREFIX)); }

/* The run number of name within its stamp: 1 for "STAMP", k for
 * "STAMP-k"; *stamp_len gets the stamp's length. */
static long run_number(const char *name, size_t *stamp_len) {
  const char *dash = strchr(name, '-');
  *stamp_len = dash ? (size_t)(dash - name) : strlen(name);
  return dash ? strtol(dash + 1, NULL, 10) : 1;
}

/* By stamp, then by run number ("-10" after "-9"): the order of the runs. */
static int by_run(const void *a, const void *b) {
  const char *x = *(char *const *)a, *y = *(char *const *)b;
  size_t lx, ly;
  long kx = run_number(x, &lx), ky = run_number(y, &ly);
  int c = strncmp(x, y, lx < ly ? lx : ly);
  if (c || lx != ly)
    return c ? c : (lx < ly ? -1 : 1);
  return kx < ky ? -1 : kx > ky;
}

/* The highest run number kept under stamp, 0 when none. */
static long last_run(int fd, const char *stamp) {
  struct strbuf ignored = STRBUF_INIT;
  char **names = list_entries(fd, visible, &ignored);
  size_t sl = strlen(stamp), len;
  long last = 0;
  for (size_t i = 0; names && names[i]; i++) {
    long k = run_number(names[i], &len);
    if (len == sl && !strncmp(names[i], stamp, sl) && k > last)
      last = k;
  }
  free_names(names);
  strbuf_release(&ignored);
  return last;
}

int failed_runs_prune(int fd, size_t keep, struct strbuf *err) {
  char **names = list_entries(fd, visible, err);
  size_t n = 0;
  int removed = 0;
  if (!names)
    return -1;
  while (names[n])
    n++;
  qsort(names, n, sizeof *names, by_run);
  for (size_t i = 0; i + keep < n && removed >= 0; i++)
    removed = remove_tree_at(fd, names[i], err) < 0 ? -1 : removed + 1;
  free_names(names);
  return removed;
}

/* Removes the temporary entries a killed run left. */
static int remove_temporaries(int fd, struct strbuf *err) {
  char **names = list_entries(fd, temporary, err);
  int rc = names ? 0 : -1;
  for (size_t i = 0; names && names[i] && rc == 0; i++)
    rc = remove_tree_at(fd, names[i], err);
  free_names(names);
  return rc;
}

/* The entry's contents in fd/tmp (path: its full name). */
static int fill(const char *src_dir, const char *path, struct manifest *m, struct strbuf *err) {
  char *src = xasprintf("%s/rejects.csv", src_dir);
  char *dst = xasprintf("%s/rejects.csv", path);
  char *man = xasprintf("%s/manifest.json", path);
  int rc = copy_file(src, dst, err);
  if (rc == 0)
    rc = manifest_scan_outputs(m, path, "manifest.json", err);
  if (rc == 0)
    rc = manifest_write(m, man, err);
  free(src);
  free(dst);
  free(man);
  return rc;
}

/* Renames fd/tmp to stamp, or stamp-2, stamp-3, ... when taken: always
 * after the last run kept under stamp, even once pruning freed an earlier
 * name, so that the newest run sorts last. The name used in *name (caller
 * frees). */
static int settle(int fd, const char *tmp, const char *stamp, char **name, struct strbuf *err) {
  for (long k = last_run(fd, stamp) + 1; k < 1000; k++) {
    char *n = k == 1 ? xstrdup(stamp) : xasprintf("%s-%ld", stamp, k);
    struct stat st;
    if (fstatat(fd, n, &st, AT_SYMLINK_NOFOLLOW) != 0 && errno == ENOENT) {
      if (renameat(fd, tmp, fd, n) == 0 && fsync(fd) == 0) {
        *name = n;
        return 0;
      }
      strbuf_addf(err, "cannot rename '%s' to '%s': %s", tmp, n, strerror(errno));
      free(n);
      return -1;
    }
    free(n);
  }
  strbuf_addf(err, "too many failed runs named %s", stamp);
  return -1;
}

/* Everything after out_dir/.failed is open as fd. */
static int keep_in(int fd, const char *failed_path, const char *src_dir, const char *stamp,
                   struct manifest *m, char **kept, struct strbuf *err) {
  char *tmp = xasprintf(TMP_PREFIX "%ld", (long)getpid());
  char *tmp_path = xasprintf("%s/%s", failed_path, tmp);
  char *name = NULL;
  int rc = remove_temporaries(fd, err);
  if (rc == 0 && mkdirat(fd, tmp, 0777) != 0) {
    strbuf_addf(err, "cannot create '%s': %s", tmp_path, strerror(errno));
    rc = -1;
  }
  if (rc == 0)
    rc = fill(src_dir, tmp_path, m, err);
  if (rc == 0)
    rc = fsync_dir_files_at(fd, tmp, err);
  if (rc == 0)
    rc = settle(fd, tmp, stamp, &name, err);
  if (rc != 0) {
    struct strbuf ignored = STRBUF_INIT;
    remove_tree_at(fd, tmp, &ignored);
    strbuf_release(&ignored);
  } else if (failed_runs_prune(fd, FAILED_RUNS_KEEP, err) < 0) {
    rc = -1;
  }
  if (rc == 0)
    *kept = xasprintf("%s/%s", failed_path, name);
  free(name);
  free(tmp);
  free(tmp_path);
  return rc;
}

int failed_runs_keep(struct publish *p, const char *src_dir, const char *stamp,
                     struct manifest *m, char **kept, struct strbuf *err) {
  char *failed_path = xasprintf("%s/%s", p->out_dir, FAILED_RUNS_DIR);
  int rc = -1;
  if (mkdirat(p->dir_fd, FAILED_RUNS_DIR, 0777) != 0 && errno != EEXIST) {
    strbuf_addf(err, "cannot create '%s': %s", failed_path, strerror(errno));
  } else {
    int fd = openat(p->dir_fd, FAILED_RUNS_DIR, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) {
      strbuf_addf(err, "cannot open '%s': %s", failed_path, strerror(errno));
    } else {
      rc = keep_in(fd, failed_path, src_dir, stamp, m, kept, err);
      close(fd);
    }
  }
  free(failed_path);
  return rc;
}
