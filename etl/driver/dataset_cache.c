/* The normalized data-set cache of `etl run` (see dataset_cache.h): the key
 * of a run, and fetching, checking and storing out_dir/.cache. */
#include "etl/driver/dataset_cache.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <isa-l/crc64.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <glob.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "etl/driver/publish.h"
#include "transforms/base/xalloc.h"

#define CACHE_NAME ".cache"
#define NEW_PREFIX ".cache-new-"
#define OLD_PREFIX ".cache-old-"
#define KEY_NAME "key"
#define KEY_MAGIC "etl dataset cache 1\n"
#define SUMS_LINE "--- files\n"
#define IO_CHUNK (1u << 20)

static const char *const cached_files[] = DATASET_CACHE_FILES;
#define NFILES (sizeof cached_files / sizeof cached_files[0])

/* [pipeline] keys that only etl-attribute reads. */
static const char *const attribution_keys[] = {
    "models", "period", "lookback_days", "half_life_days", "account_based",
    "fiscal_year_start_month", "out_dir"};

struct dataset_cache {
  int dir_fd; /* out_dir, not owned */
  const struct etl_config *config;
  char *config_path, *normalize_path;
  struct strbuf key;
};

/* --- the key ------------------------------------------------------------- */

/* Paths go into the key one per line: bytes that could break a line or a
 * field are %-escaped. */
static void add_escaped(struct strbuf *sb, const char *s) {
  for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
    if (*p <= ' ' || *p == '%' || *p == 0x7f)
      strbuf_addf(sb, "%%%02X", *p);
    else
      strbuf_addc(sb, (char)*p);
  }
}

static void add_stat(struct strbuf *key, const char *tag, const char *path, const struct stat *st) {
  strbuf_addf(key, "%s ", tag);
  add_escaped(key, path);
  strbuf_addf(key, " %jd %jd.%09ld %jd.%09ld %ju %ju\n", (intmax_t)st->st_size,
              (intmax_t)st->st_mtim.tv_sec, st->st_mtim.tv_nsec, (intmax_t)st->st_ctim.tv_sec,
              st->st_ctim.tv_nsec, (uintmax_t)st->st_ino, (uintmax_t)st->st_dev);
}

static void add_error(struct strbuf *key, const char *tag, const char *path, int e) {
  strbuf_addf(key, "%s ", tag);
  add_escaped(key, path);
  strbuf_addf(key, " error %d\n", e);
}

static int cmp_cstr(const void *a, const void *b) {
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Every entry under dir, sorted by name, recursively (the reader's walk:
 * directory symbolic links are not followed, file links are). */
static void add_tree(struct strbuf *key, const char *dir) {
  struct dirent **names;
  int n = scandir(dir, &names, NULL, alphasort);
  if (n < 0) {
    add_error(key, "dir", dir, errno);
    return;
  }
  for (int i = 0; i < n; i++) {
    const char *name = names[i]->d_name;
    if (strcmp(name, ".") != 0 && strcmp(name, "..") != 0) {
      char *full = xasprintf("%s/%s", dir, name);
      struct stat st;
      if (lstat(full, &st) == 0 && S_ISDIR(st.st_mode)) {
        add_stat(key, "dir", full, &st);
        add_tree(key, full);
      } else if (stat(full, &st) == 0) {
        add_stat(key, "file", full, &st);
      } else {
        add_error(key, "file", full, errno);
      }
      free(full);
    }
    free(names[i]);
  }
  free(names);
}

static void add_path(struct strbuf *key, const char *path);

/* A glob pattern (contract: several files per input): every match, in
 * glob's sorted order, so a new, removed or changed file changes the key. */
static void add_glob(struct strbuf *key, const char *pattern) {
  glob_t g;
  int rc = glob(pattern, GLOB_NOSORT, NULL, &g);
  strbuf_addf(key, "glob %d ", rc);
  add_escaped(key, pattern);
  strbuf_addc(key, '\n');
  if (rc == 0) {
    qsort(g.gl_pathv, g.gl_pathc, sizeof *g.gl_pathv, cmp_cstr);
    for (size_t i = 0; i < g.gl_pathc; i++)
      add_path(key, g.gl_pathv[i]);
  }
  globfree(&g);
}

static void add_input(struct strbuf *key, const char *name, const char *path) {
  if (!path)
    return;
  strbuf_addf(key, "input %s\n", name);
  if (strpbrk(path, "*?[")) {
    add_glob(key, path);
    return;
  }
  add_path(key, path);
}

static void add_path(struct strbuf *key, const char *path) {
  struct stat st;
  if (stat(path, &st) != 0) {
    add_error(key, "file", path, errno);
  } else if (S_ISDIR(st.st_mode)) {
    add_stat(key, "dir", path, &st);
    add_tree(key, path);
  } else {
    add_stat(key, "file", path, &st);
  }
}

static bool is_blank(char ch) { return ch == ' ' || ch == '\t' || ch == '\r'; }

/* The lowercased word of s up to the first byte not in [A-Za-z0-9_-]. */
static size_t lower_word(const char *s, size_t n, char *out, size_t cap) {
  size_t k = 0;
  while (k < n && k + 1 < cap && (isalnum((unsigned char)s[k]) || s[k] == '_' || s[k] == '-')) {
    out[k] = (char)tolower((unsigned char)s[k]);
    k++;
  }
  out[k] = '\0';
  return k;
}

static bool attribution_only(const char *key) {
  for (size_t i = 0; i < sizeof attribution_keys / sizeof attribution_keys[0]; i++)
    if (strcmp(key, attribution_keys[i]) == 0)
      return true;
  return false;
}

/* One line of pipeline.conf, without its comment and outer blanks, unless
 * it is blank or a setting only attribution reads. */
static void add_config_line(struct strbuf *key, const char *s, size_t n, int *section) {
  enum { OTHER, PIPELINE, MODEL };
  bool quoted = false;
  for (size_t i = 0; i < n; i++) { /* the loader's comment rule */
    if (s[i] == '"')
      quoted = !quoted;
    else if (!quoted && (s[i] == '#' || s[i] == ';') && (i == 0 || is_blank(s[i - 1]))) {
      n = i;
      break;
    }
  }
  while (n && is_blank(*s))
    s++, n--;
  while (n && is_blank(s[n - 1]))
    n--;
  if (n == 0)
    return;
  char word[64];
  if (*s == '[') {
    size_t skip = 1;
    while (skip < n && is_blank(s[skip]))
      skip++;
    lower_word(s + skip, n - skip, word, sizeof word);
    *section = strcmp(word, "pipeline") == 0 ? PIPELINE : strcmp(word, "model") == 0 ? MODEL : OTHER;
    if (*section != OTHER) /* a [pipeline] header alone sets nothing; its keys carry it */
      return;
  } else if (*section == MODEL) {
    return;
  } else if (*section == PIPELINE) {
    lower_word(s, n, word, sizeof word);
    if (attribution_only(word))
      return;
  }
  strbuf_adds(key, *section == PIPELINE ? "conf [pipeline] " : "conf ");
  strbuf_add(key, s, n);
  strbuf_addc(key, '\n');
}

static void add_config(struct strbuf *key, const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f) {
    add_error(key, "config", path, errno);
    return;
  }
  struct strbuf text = STRBUF_INIT;
  char buf[8192];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, f)) > 0)
    strbuf_add(&text, buf, n);
  fclose(f);
  int section = 0;
  for (size_t pos = 0; pos < text.len;) {
    const char *nl = memchr(text.buf + pos, '\n', text.len - pos);
    size_t end = nl ? (size_t)(nl - text.buf) : text.len;
    add_config_line(key, text.buf + pos, end - pos, &section);
    pos = end + 1;
  }
  strbuf_release(&text);
}

static void build_key(struct dataset_cache *dc, struct strbuf *key) {
  const struct etl_config *c = dc->config;
  strbuf_reset(key);
  strbuf_adds(key, KEY_MAGIC);
  strbuf_addf(key, "version %s\n", ATTR_VERSION);
  struct stat st;
  if (stat(dc->normalize_path, &st) == 0)
    add_stat(key, "program", dc->normalize_path, &st);
  else
    add_error(key, "program", dc->normalize_path, errno);
  add_config(key, dc->config_path);
  add_input(key, "crm", c->crm);
  add_input(key, "ma_activities", c->ma_activities);
  add_input(key, "ma_leads", c->ma_leads);
  add_input(key, "fx_rates", c->fx_rates);
  add_input(key, "costs", c->costs);
}

struct dataset_cache *dataset_cache_new(int out_dir_fd, const struct etl_config *c,
                                        const char *config_path, const char *normalize_path) {
  struct dataset_cache *dc = xcalloc(1, sizeof(*dc));
  dc->dir_fd = out_dir_fd;
  dc->config = c;
  dc->config_path = xstrdup(config_path);
  dc->normalize_path = xstrdup(normalize_path);
  strbuf_init(&dc->key);
  build_key(dc, &dc->key);
  return dc;
}

const char *dataset_cache_key(const struct dataset_cache *dc) { return strbuf_str(&dc->key); }

void dataset_cache_free(struct dataset_cache *dc) {
  if (!dc)
    return;
  free(dc->config_path);
  free(dc->normalize_path);
  strbuf_release(&dc->key);
  free(dc);
}

/* --- files ---------------------------------------------------------------- */

/* Size and CRC-64 of the file name in dirfd; -1 with errno. */
static int file_sum(int dirfd, const char *name, uint64_t *size, uint64_t *crc) {
  int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return -1;
  unsigned char *buf = xmalloc(IO_CHUNK);
  uint64_t c = 0, total = 0;
  ssize_t n;
  while ((n = read(fd, buf, IO_CHUNK)) > 0 || (n < 0 && errno == EINTR)) {
    if (n < 0)
      continue;
    c = crc64_ecma_refl(c, buf, (uint64_t)n);
    total += (uint64_t)n;
  }
  int e = errno;
  free(buf);
  close(fd);
  if (n < 0) {
    errno = e;
    return -1;
  }
  *size = total;
  *crc = c;
  return 0;
}

/* Copies from/name to to/name (mode 0666 & ~umask), fsynced. */
static int copy_file_at(int from, int to, const char *name) {
  int in = openat(from, name, O_RDONLY | O_CLOEXEC);
  if (in < 0)
    return -1;
  int out = openat(to, name, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
  if (out < 0) {
    close(in);
    return -1;
  }
  unsigned char *buf = xmalloc(IO_CHUNK);
  int rc = 0;
  for (;;) {
    ssize_t n = read(in, buf, IO_CHUNK);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0) {
      rc = n < 0 ? -1 : 0;
      break;
    }
    for (ssize_t off = 0; off < n && rc == 0;) {
      ssize_t w = write(out, buf + off, (size_t)(n - off));
      if (w < 0 && errno != EINTR)
        rc = -1;
      else if (w > 0)
        off += w;
    }
    if (rc)
      break;
  }
  int e = errno;
  if (rc == 0 && fsync(out) != 0)
    rc = -1, e = errno;
  free(buf);
  close(in);
  if (close(out) != 0 && rc == 0)
    rc = -1, e = errno;
  errno = e;
  return rc;
}

/* A hard link from/name -> to/name, or a copy when the two folders are on
 * different file systems (or links are not supported). */
static int link_or_copy(int from, int to, const char *name) {
  if (linkat(from, name, to, name, 0) == 0)
    return 0;
  if (errno != EXDEV && errno != EPERM && errno != EMLINK && errno != ENOTSUP)
    return -1;
  return copy_file_at(from, to, name);
}

static int fsync_at(int dirfd, const char *name) {
  int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return -1;
  int rc = fsync(fd);
  int e = errno;
  close(fd);
  errno = e;
  return rc;
}

static char *read_small_file(int dirfd, const char *name, size_t *len) {
  int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return NULL;
  struct strbuf sb = STRBUF_INIT;
  char buf[8192];
  ssize_t n;
  while ((n = read(fd, buf, sizeof buf)) > 0 || (n < 0 && errno == EINTR))
    if (n > 0)
      strbuf_add(&sb, buf, (size_t)n);
  close(fd);
  if (n < 0) {
    strbuf_release(&sb);
    return NULL;
  }
  *len = sb.len;
  return sb.buf ? strbuf_detach(&sb) : xstrdup("");
}

/* --- leftovers ------------------------------------------------------------- */

static bool leftover_name(const char *name) {
  return strncmp(name, NEW_PREFIX, strlen(NEW_PREFIX)) == 0 ||
         strncmp(name, OLD_PREFIX, strlen(OLD_PREFIX)) == 0;
}

/* Removes the leftovers; errors are left to the next run. */
static void clean_leftovers(struct dataset_cache *dc) {
  struct strbuf ignored = STRBUF_INIT;
  int fd = dup(dc->dir_fd);
  DIR *d = fd < 0 ? NULL : fdopendir(fd);
  if (!d) {
    if (fd >= 0)
      close(fd);
    return;
  }
  rewinddir(d);
  char **names = NULL;
  size_t n = 0, cap = 0;
  struct dirent *de;
  while ((de = readdir(d)))
    if (leftover_name(de->d_name)) {
      XGROW(names, cap, n + 1);
      names[n++] = xstrdup(de->d_name);
    }
  closedir(d);
  for (size_t i = 0; i < n; i++) {
    remove_tree_at(dc->dir_fd, names[i], &ignored);
    free(names[i]);
  }
  free(names);
  strbuf_release(&ignored);
}

/* --- fetch ------------------------------------------------------------------ */

/* Checks each "<name> <size> <crc>" line of sums against the files in
 * cache_fd; true when all NFILES match. */
static bool sums_match(int cache_fd, const char *sums, struct strbuf *why) {
  size_t found = 0;
  for (const char *line = sums; *line;) {
    const char *nl = strchr(line, '\n');
    size_t len = nl ? (size_t)(nl - line) : strlen(line);
    char name[64];
    uint64_t size, crc, have_size, have_crc;
    char *text = xstrndup(line, len);
    int ok = sscanf(text, "%63s %" SCNu64 " %" SCNx64, name, &size, &crc) == 3;
    free(text);
    if (!ok) {
      strbuf_adds(why, "the cache's key file is damaged");
      return false;
    }
    if (file_sum(cache_fd, name, &have_size, &have_crc) != 0 || have_size != size ||
        have_crc != crc) {
      strbuf_addf(why, "the cached %s does not match its checksum", name);
      return false;
    }
    found++;
    line += len + (nl ? 1 : 0);
  }
  if (found != NFILES) {
    strbuf_adds(why, "the cache's key file is damaged");
    return false;
  }
  return true;
}

int dataset_cache_fetch(struct dataset_cache *dc, const char *run_dir, struct strbuf *why,
                        struct strbuf *err) {
  clean_leftovers(dc);
  int cache_fd = openat(dc->dir_fd, CACHE_NAME, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (cache_fd < 0) {
    strbuf_adds(why, "no cache");
    return 0;
  }
  size_t len = 0;
  char *text = read_small_file(cache_fd, KEY_NAME, &len);
  char *split = text ? strstr(text, SUMS_LINE) : NULL;
  int rc = 0;
  if (!split || memchr(text, '\0', len)) {
    strbuf_adds(why, "the cache's key file is missing or damaged");
  } else if ((size_t)(split - text) != dc->key.len || memcmp(text, dc->key.buf, dc->key.len) != 0) {
    strbuf_adds(why, "an input, a setting normalize reads or etl-normalize changed");
  } else if (sums_match(cache_fd, split + strlen(SUMS_LINE), why)) {
    int run_fd = open(run_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    rc = run_fd < 0 ? -1 : 1;
    for (size_t i = 0; i < NFILES && rc == 1; i++)
      if (link_or_copy(cache_fd, run_fd, cached_files[i]) != 0) {
        strbuf_addf(err, "cannot take %s from the data-set cache into %s: %s", cached_files[i],
                    run_dir, strerror(errno));
        rc = -1;
      }
    if (run_fd < 0)
      strbuf_addf(err, "cannot open the work folder %s: %s", run_dir, strerror(errno));
    else
      close(run_fd);
  }
  free(text);
  close(cache_fd);
  return rc;
}

/* --- store ------------------------------------------------------------------ */

/* Fills the new cache folder (open as fd) from run_fd: the files, then the
 * key with their sums, everything fsynced. */
static int fill_new(int run_fd, int fd, const struct strbuf *key, struct strbuf *err) {
  struct strbuf text = STRBUF_INIT;
  strbuf_add(&text, key->buf, key->len);
  strbuf_adds(&text, SUMS_LINE);
  int rc = 0;
  for (size_t i = 0; i < NFILES && rc == 0; i++) {
    uint64_t size, crc;
    const char *name = cached_files[i];
    if (link_or_copy(run_fd, fd, name) != 0 || fsync_at(fd, name) != 0 ||
        file_sum(fd, name, &size, &crc) != 0) {
      strbuf_addf(err, "cannot store %s in the data-set cache: %s", name, strerror(errno));
      rc = -1;
    } else {
      strbuf_addf(&text, "%s %" PRIu64 " %016" PRIx64 "\n", name, size, crc);
    }
  }
  if (rc == 0) {
    int kfd = openat(fd, KEY_NAME, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    ssize_t w = kfd < 0 ? -1 : write(kfd, text.buf, text.len);
    if (w != (ssize_t)text.len || fsync(kfd) != 0 || fsync(fd) != 0) {
      strbuf_addf(err, "cannot write the data-set cache's key: %s", strerror(errno));
      rc = -1;
    }
    if (kfd >= 0)
      close(kfd);
  }
  strbuf_release(&text);
  return rc;
}

/* Puts the folder `name` in place of .cache: an atomic exchange, or where
 * the file system has none, .cache -> .cache-old-*, name -> .cache. */
static int swap_in(struct dataset_cache *dc, const char *name, struct strbuf *err) {
  if (renameat2(dc->dir_fd, name, dc->dir_fd, CACHE_NAME, RENAME_NOREPLACE) == 0)
    return 0;
  int rc = -1;
  if (errno == EEXIST &&
      renameat2(dc->dir_fd, name, dc->dir_fd, CACHE_NAME, RENAME_EXCHANGE) == 0) {
    rc = 0; /* name now holds the old cache */
  } else if (errno == EEXIST || errno == EINVAL || errno == ENOSYS) {
    char *old = xasprintf(OLD_PREFIX "%ld-%08x", (long)getpid(), (unsigned)time(NULL));
    if (renameat(dc->dir_fd, CACHE_NAME, dc->dir_fd, old) == 0 &&
        renameat(dc->dir_fd, name, dc->dir_fd, CACHE_NAME) == 0) {
      rc = 0;
      remove_tree_at(dc->dir_fd, old, err);
    }
    free(old);
  }
  if (rc != 0)
    strbuf_addf(err, "cannot put the data-set cache in place: %s", strerror(errno));
  else if (fsync(dc->dir_fd) != 0)
    rc = 0; /* in place; durability of the rename is best effort */
  return rc;
}

int dataset_cache_store(struct dataset_cache *dc, const char *run_dir, struct strbuf *err) {
  struct strbuf now = STRBUF_INIT;
  build_key(dc, &now);
  bool same = now.len == dc->key.len && memcmp(now.buf, dc->key.buf, now.len) == 0;
  strbuf_release(&now);
  if (!same)
    return 1;
  clean_leftovers(dc);
  char *name = xasprintf(NEW_PREFIX "%ld-%08x", (long)getpid(), (unsigned)time(NULL));
  int run_fd = open(run_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  int rc = -1;
  if (run_fd < 0) {
    strbuf_addf(err, "cannot open the work folder %s: %s", run_dir, strerror(errno));
  } else if (mkdirat(dc->dir_fd, name, 0777) != 0) {
    strbuf_addf(err, "cannot create %s in out_dir: %s", name, strerror(errno));
  } else {
    int fd = openat(dc->dir_fd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    rc = fd < 0 ? -1 : fill_new(run_fd, fd, &dc->key, err);
    if (fd >= 0)
      close(fd);
    if (rc == 0)
      rc = swap_in(dc, name, err);
    struct strbuf ignored = STRBUF_INIT; /* the next run removes what is left */
    remove_tree_at(dc->dir_fd, name, &ignored); /* the old cache, or a failed new one */
    strbuf_release(&ignored);
  }
  if (run_fd >= 0)
    close(run_fd);
  free(name);
  return rc;
}
