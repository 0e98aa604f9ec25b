/* Resolving an [input] path into files (see input_set.h). glob(3) sorts
 * with strcoll, which depends on the locale; the matches are sorted again
 * with strcmp so that the reading order is bytewise everywhere. */
#include "etl/input/input_set.h"

#include <dirent.h>
#include <errno.h>
#include <glob.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "transforms/base/xalloc.h"

struct path_list {
  char **v;
  size_t n, cap;
};

static void list_add(struct path_list *l, char *owned) {
  XGROW(l->v, l->cap, l->n + 1);
  l->v[l->n++] = owned;
}

static int cmp_paths(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

char *input_path_absolute(const char *path) {
  if (path[0] == '/')
    return xstrdup(path);
  char *cwd = getcwd(NULL, 0);
  if (!cwd)
    return xstrdup(path);
  const char *rest = strncmp(path, "./", 2) == 0 ? path + 2 : path;
  char *abs = xasprintf("%s%s%s", cwd, strcmp(cwd, "/") == 0 ? "" : "/", rest);
  free(cwd);
  return abs;
}

static bool has_glob_chars(const char *s) { return strpbrk(s, "*?[") != NULL; }

static bool ends_with_ci(const char *s, const char *suffix) {
  size_t n = strlen(s), k = strlen(suffix);
  return n > k && strcasecmp(s + n - k, suffix) == 0;
}

/* A CSV file of a directory input: *.csv or *.csv.gz (any case), not hidden. */
static bool csv_name(const char *name) {
  return name[0] != '.' && (ends_with_ci(name, ".csv") || ends_with_ci(name, ".csv.gz"));
}

/* Adds the CSV files directly inside dir (regular files, links followed). */
static int list_dir(const char *key, const char *dir, struct path_list *l, struct strbuf *err) {
  DIR *d = opendir(dir);
  if (!d) {
    char *abs = input_path_absolute(dir);
    strbuf_addf(err, "[input] %s: %s: %s", key, abs, strerror(errno));
    free(abs);
    return -1;
  }
  size_t dlen = strlen(dir);
  const char *sep = dlen && dir[dlen - 1] == '/' ? "" : "/";
  struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    if (!csv_name(e->d_name))
      continue;
    char *p = xasprintf("%s%s%s", dir, sep, e->d_name);
    struct stat st;
    if (stat(p, &st) == 0 && S_ISREG(st.st_mode))
      list_add(l, p);
    else
      free(p);
  }
  closedir(d);
  return 0;
}

/* Adds one existing path: for crm a part as it is; for a file input a
 * directory's CSV files or the file itself. */
static int add_path(const char *key, const char *path, bool crm, const struct stat *st,
                    struct path_list *l, struct strbuf *err) {
  if (!crm && S_ISDIR(st->st_mode))
    return list_dir(key, path, l, err);
  list_add(l, xstrdup(path));
  return 0;
}

static int expand_pattern(struct input_set *s, const char *pattern, bool crm, struct path_list *l,
                          struct strbuf *err) {
  glob_t g;
  memset(&g, 0, sizeof(g));
  int rc = glob(pattern, GLOB_NOSORT, NULL, &g);
  if (rc == GLOB_NOSPACE) {
    globfree(&g);
    strbuf_addf(err, "[input] %s: pattern %s: out of memory", s->key, s->abs);
    return -1;
  }
  if (rc == GLOB_ABORTED) {
    globfree(&g);
    strbuf_addf(err, "[input] %s: pattern %s: a folder on its way cannot be read", s->key,
                s->abs);
    return -1;
  }
  int out = 0;
  for (size_t i = 0; out == 0 && rc == 0 && i < g.gl_pathc; i++) {
    struct stat st;
    if (stat(g.gl_pathv[i], &st) != 0)
      continue; /* a dangling link matches the pattern but is no file */
    out = add_path(s->key, g.gl_pathv[i], crm, &st, l, err);
  }
  globfree(&g);
  return out;
}

static void no_match(const struct input_set *s, bool crm, struct strbuf *err) {
  if (s->form == INPUT_PATTERN)
    strbuf_addf(err, "[input] %s: no %s matches the pattern %s", s->key,
                crm ? "archive or directory" : "file", s->abs);
  else
    strbuf_addf(err, "[input] %s: the directory %s has no *.csv or *.csv.gz file directly "
                "inside it", s->key, s->abs);
}

int input_set_resolve(struct input_set *s, const char *key, const char *path, bool crm,
                      struct strbuf *err) {
  memset(s, 0, sizeof(*s));
  s->key = xstrdup(key);
  s->abs = input_path_absolute(path);
  s->crm = crm;
  struct path_list l = {NULL, 0, 0};
  struct stat st;
  int rc;
  if (stat(path, &st) == 0) {
    s->form = S_ISDIR(st.st_mode) ? INPUT_DIRECTORY : INPUT_FILE;
    rc = add_path(key, path, crm, &st, &l, err);
  } else if (has_glob_chars(path)) {
    s->form = INPUT_PATTERN;
    rc = expand_pattern(s, path, crm, &l, err);
  } else {
    s->form = INPUT_FILE;
    strbuf_addf(err, "[input] %s: %s: %s", key, s->abs, strerror(errno));
    rc = -1;
  }
  if (rc == 0 && l.n == 0) {
    no_match(s, crm, err);
    rc = -1;
  }
  if (l.n > 1)
    qsort(l.v, l.n, sizeof(*l.v), cmp_paths);
  s->paths = l.v;
  s->n = l.n;
  return rc;
}

void input_set_release(struct input_set *s) {
  for (size_t i = 0; i < s->n; i++)
    free(s->paths[i]);
  free(s->paths);
  free(s->key);
  free(s->abs);
  memset(s, 0, sizeof(*s));
}

void input_set_describe(const struct input_set *s, struct strbuf *out) {
  static const char *const forms[] = {"file", "directory", "pattern"};
  /* a CRM directory is one export part, like an archive */
  bool listed = s->form == INPUT_PATTERN || (s->form == INPUT_DIRECTORY && !s->crm);
  strbuf_addf(out, "%s: %s %s", s->key, forms[s->form], s->abs);
  if (listed)
    strbuf_addf(out, ": %zu match%s", s->n, s->n == 1 ? "" : "es");
  strbuf_addc(out, '\n');
  if (!listed)
    return;
  for (size_t i = 0; i < s->n; i++) {
    char *abs = input_path_absolute(s->paths[i]);
    strbuf_addf(out, "  %s\n", abs);
    free(abs);
  }
}
