/* Finding the stage programs (see stage_dir.h). */
#include "etl/driver/stage_dir.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "transforms/base/xalloc.h"

#ifndef ATTR_STAGE_REL
#define ATTR_STAGE_REL "../libexec/etl"
#endif

#define PROBE "etl-normalize"

char *stage_dir_choose(const char *exe, const char *env, const char *rel,
                       int (*exists)(const char *path)) {
  if (env && *env)
    return xstrdup(env);
  const char *slash = strrchr(exe, '/');
  char *own = slash ? xstrndup(exe, slash == exe ? 1 : (size_t)(slash - exe)) : xstrdup(".");
  char *installed = xasprintf("%s/%s", strcmp(own, "/") ? own : "", rel);
  char *probe = xasprintf("%s/" PROBE, installed);
  bool there = exists(probe);
  free(probe);
  if (there) {
    free(own);
    return installed;
  }
  free(installed);
  return own;
}

static int executable(const char *path) { return access(path, X_OK) == 0; }

char *stage_dir_find(struct strbuf *err) {
  size_t cap = 256;
  for (;;) {
    char *buf = xmalloc(cap);
    ssize_t n = readlink("/proc/self/exe", buf, cap);
    if (n < 0) {
      strbuf_addf(err, "cannot find the folder of etl: /proc/self/exe: %s", strerror(errno));
      free(buf);
      return NULL;
    }
    if ((size_t)n < cap) {
      buf[n] = '\0';
      char *dir = stage_dir_choose(buf, getenv("ETL_STAGE_DIR"), ATTR_STAGE_REL, executable);
      free(buf);
      return dir;
    }
    free(buf);
    cap *= 2;
  }
}
