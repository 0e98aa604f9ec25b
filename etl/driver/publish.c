/* Atomic publishing into out_dir (see publish.h). */
#include "etl/driver/publish.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "transforms/base/xalloc.h"

#ifndef RENAME_EXCHANGE
#define RENAME_EXCHANGE (1 << 1)
#endif

#define LOCK_NAME ".lock"

#define LATEST_NAME "latest"

static const char *const leftover_prefixes[] = {".work-", ".stage-", ".old-", ".latest-"};

void publish_init(struct publish *p) {
  memset(p, 0, sizeof *p);
  p->dir_fd = -1;
  p->lock_fd = -1;
}

/* --- out_dir ------------------------------------------------------------- */

static int mkdir_one(const char *path) {
  if (mkdir(path, 0777) == 0 || errno == EEXIST)
    return 0;
  return -1;
}

/* mkdir -p: creates every missing component of path. */
static int mkdir_parents(const char *path) {
  char *tmp = xstrdup(path);
  int rc = 0;
  for (char *s = tmp + 1; *s && rc == 0; s++) {
    if (*s != '/' || s[-1] == '/')
      continue;
    *s = '\0';
    rc = mkdir_one(tmp);
    *s = '/';
  }
  if (rc == 0)
    rc = mkdir_one(tmp);
  free(tmp);
  return rc;
}

int publish_open(struct publish *p, const char *out_dir, struct strbuf *err) {
  struct stat st;
  free(p->out_dir);
  p->out_dir = xstrdup(out_dir);
  if (!*out_dir) {
    strbuf_adds(err, "out_dir is empty");
    return PUBLISH_ERROR;
  }
  if (mkdir_parents(out_dir) < 0) {
    strbuf_addf(err, "cannot create out_dir '%s': %s", out_dir, strerror(errno));
    return PUBLISH_ERROR;
  }
  if (stat(out_dir, &st) < 0) {
    strbuf_addf(err, "out_dir '%s': %s", out_dir, strerror(errno));
    return PUBLISH_ERROR;
  }
  if (!S_ISDIR(st.st_mode)) {
    strbuf_addf(err, "out_dir '%s' is not a directory", out_dir);
    return PUBLISH_ERROR;
  }
  p->dir_fd = open(out_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (p->dir_fd < 0) {
    strbuf_addf(err, "cannot open out_dir '%s': %s", out_dir, strerror(errno));
    return PUBLISH_ERROR;
  }
  return PUBLISH_OK;
}

/* The nearest existing entry of path: path itself or its closest parent
 * ("." for a relative name without one). NULL with errno when none can be
 * found for another reason than a missing component. Caller frees. */
static char *nearest_existing(const char *path, struct stat *st) {
  char *tmp = xstrdup(path);
  size_t len = strlen(tmp);
  while (len > 1 && tmp[len - 1] == '/')
    tmp[--len] = '\0';
  while (stat(tmp, st) != 0) {
    char *slash = strrchr(tmp, '/');
    bool root = !strcmp(tmp, ".") || !strcmp(tmp, "/");
    if ((errno != ENOENT && errno != ENOTDIR) || root) {
      free(tmp);
      return NULL;
    }
    if (!slash) {
      free(tmp);
      tmp = xstrdup(".");
    } else {
      slash[slash == tmp ? 1 : 0] = '\0';
    }
  }
  return tmp;
}

int publish_check_out_dir(const char *out_dir, struct strbuf *err) {
  struct stat st;
  if (!*out_dir) {
    strbuf_adds(err, "out_dir is empty");
    return PUBLISH_ERROR;
  }
  char *dir = nearest_existing(out_dir, &st);
  int rc = PUBLISH_ERROR;
  if (!dir)
    strbuf_addf(err, "cannot create out_dir '%s': %s", out_dir, strerror(errno));
  else if (!S_ISDIR(st.st_mode) && !strcmp(dir, out_dir))
    strbuf_addf(err, "out_dir '%s' is not a directory", out_dir);
  else if (!S_ISDIR(st.st_mode))
    strbuf_addf(err, "cannot create out_dir '%s': '%s' is not a directory", out_dir, dir);
  else if (access(dir, W_OK | X_OK) != 0 && !strcmp(dir, out_dir))
    strbuf_addf(err, "out_dir '%s' is not writable: %s", out_dir, strerror(errno));
  else if (access(dir, W_OK | X_OK) != 0)
    strbuf_addf(err, "cannot create out_dir '%s' in '%s': %s", out_dir, dir, strerror(errno));
  else
    rc = PUBLISH_OK;
  free(dir);
  return rc;
}

/* --- lock ---------------------------------------------------------------- */

int publish_lock(struct publish *p, bool wait, struct strbuf *err) {
  if (p->lock_fd < 0) {
    p->lock_fd = openat(p->dir_fd, LOCK_NAME, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0666);
    if (p->lock_fd < 0) {
      strbuf_addf(err, "cannot open lock file '%s/%s': %s", p->out_dir, LOCK_NAME,
                  strerror(errno));
      return PUBLISH_ERROR;
    }
  }
  int rc;
  do
    rc = flock(p->lock_fd, LOCK_EX | (wait ? 0 : LOCK_NB));
  while (rc < 0 && errno == EINTR);
  if (rc == 0)
    return PUBLISH_OK;
  if (errno == EWOULDBLOCK)
    return PUBLISH_BUSY;
  strbuf_addf(err, "cannot lock '%s/%s': %s", p->out_dir, LOCK_NAME, strerror(errno));
  return PUBLISH_ERROR;
}

/* --- leftovers ----------------------------------------------------------- */

/* "<digits>-<8 lower-case hex>" */
static bool is_pid_rand(const char *s) {
  size_t digits = strspn(s, "0123456789");
  if (digits == 0 || digits > 10 || s[digits] != '-')
    return false;
  s += digits + 1;
  return strspn(s, "0123456789abcdef") == 8 && s[8] == '\0';
}

bool publish_is_leftover_name(const char *name) {
  for (size_t i = 0; i < sizeof leftover_prefixes / sizeof leftover_prefixes[0]; i++) {
    size_t n = strlen(leftover_prefixes[i]);
    if (strncmp(name, leftover_prefixes[i], n) == 0)
      return is_pid_rand(name + n);
  }
  return false;
}

char **list_entries(int dirfd, bool (*keep)(const char *), struct strbuf *err) {
  int fd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  DIR *d = fd < 0 ? NULL : fdopendir(fd);
  if (!d) {
    strbuf_addf(err, "cannot read directory: %s", strerror(errno));
    if (fd >= 0)
      close(fd);
    return NULL;
  }
  char **names = NULL;
  size_t n = 0, cap = 0;
  struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    if (!keep(e->d_name))
      continue;
    XGROW(names, cap, n + 2);
    names[n++] = xstrdup(e->d_name);
  }
  closedir(d);
  XGROW(names, cap, n + 1);
  names[n] = NULL;
  return names;
}

void free_names(char **names) {
  for (size_t i = 0; names && names[i]; i++)
    free(names[i]);
  free(names);
}

int publish_clean_leftovers(struct publish *p, struct strbuf *err) {
  char **names = list_entries(p->dir_fd, publish_is_leftover_name, err);
  if (!names) {
    strbuf_addf(err, " (out_dir '%s')", p->out_dir);
    return PUBLISH_ERROR;
  }
  int removed = 0;
  for (size_t i = 0; names[i]; i++) {
    if (remove_tree_at(p->dir_fd, names[i], err) < 0) {
      removed = PUBLISH_ERROR;
      break;
    }
    removed++;
  }
  free_names(names);
  return removed;
}

/* --- run folders --------------------------------------------------------- */

static uint32_t random_u32(void) {
  uint32_t r;
  if (getrandom(&r, sizeof r, GRND_NONBLOCK) == (ssize_t)sizeof r)
    return r;
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return (uint32_t)ts.tv_nsec ^ (uint32_t)ts.tv_sec ^ ((uint32_t)getpid() << 16);
}

/* Creates a fresh hidden folder "<prefix><pid>-<8 hex>" in out_dir. */
static int make_run_dir(struct publish *p, const char *prefix, char **name, char **path,
                        struct strbuf *err) {
  for (int tries = 0; tries < 32; tries++) {
    char *n = xasprintf("%s%ld-%08x", prefix, (long)getpid(), (unsigned)random_u32());
    if (mkdirat(p->dir_fd, n, 0777) == 0) {
      *name = n;
      *path = xasprintf("%s/%s", p->out_dir, n);
      return PUBLISH_OK;
    }
    int e = errno;
    free(n);
    if (e != EEXIST) {
      strbuf_addf(err, "cannot create a folder in out_dir '%s': %s", p->out_dir, strerror(e));
      return PUBLISH_ERROR;
    }
  }
  strbuf_addf(err, "cannot create a folder in out_dir '%s': too many name clashes", p->out_dir);
  return PUBLISH_ERROR;
}

int publish_begin(struct publish *p, struct strbuf *err) {
  if (make_run_dir(p, ".work-", &p->work_name, &p->work_path, err) < 0)
    return PUBLISH_ERROR;
  return make_run_dir(p, ".stage-", &p->stage_name, &p->stage_path, err);
}

static int write_all(int fd, const char *buf, size_t n) {
  while (n) {
    ssize_t w = write(fd, buf, n);
    if (w < 0 && errno == EINTR)
      continue;
    if (w < 0)
      return -1;
    buf += w;
    n -= (size_t)w;
  }
  return 0;
}

static int copy_fd(int in, int out) {
  char buf[65536];
  for (;;) {
    ssize_t r = read(in, buf, sizeof buf);
    if (r < 0 && errno == EINTR)
      continue;
    if (r <= 0)
      return (int)r;
    if (write_all(out, buf, (size_t)r) < 0)
      return -1;
  }
}

int copy_file(const char *src, const char *dst, struct strbuf *err) {
  int in = open(src, O_RDONLY | O_CLOEXEC);
  if (in < 0) {
    strbuf_addf(err, "cannot open '%s': %s", src, strerror(errno));
    return PUBLISH_ERROR;
  }
  int out = open(dst, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
  int rc = out < 0 ? -1 : copy_fd(in, out);
  int e = errno;
  if (out >= 0 && close(out) < 0 && rc == 0) {
    rc = -1;
    e = errno;
  }
  close(in);
  if (rc < 0)
    strbuf_addf(err, "cannot copy '%s' to '%s': %s", src, dst, strerror(e));
  return rc < 0 ? PUBLISH_ERROR : PUBLISH_OK;
}

int publish_copy_to_stage(struct publish *p, const char *src, const char *name,
                          struct strbuf *err) {
  char *dst = xasprintf("%s/%s", p->stage_path, name);
  int rc = copy_file(src, dst, err);
  free(dst);
  return rc;
}

/* --- commit -------------------------------------------------------------- */

bool publish_valid_name(const char *name) {
  return *name && name[0] != '.' && !strchr(name, '/');
}

static int rename_exchange(int dirfd, const char *a, const char *b) {
#ifdef SYS_renameat2
  return (int)syscall(SYS_renameat2, dirfd, a, dirfd, b, RENAME_EXCHANGE);
#else
  (void)dirfd, (void)a, (void)b;
  errno = ENOSYS;
  return -1;
#endif
}

static bool exchange_unsupported(int e) { return e == EINVAL || e == ENOSYS || e == EOPNOTSUPP; }

/* Without RENAME_EXCHANGE: name -> .old-*, stage -> name, then drop the old
 * tree. Not atomic: for a moment name is missing (a killed run leaves the
 * previous tables under .old-*). */
static int replace_by_renames(struct publish *p, const char *name, struct strbuf *err) {
  char *old = xasprintf(".old-%ld-%08x", (long)getpid(), (unsigned)random_u32());
  int rc = PUBLISH_ERROR;
  if (renameat(p->dir_fd, name, p->dir_fd, old) < 0) {
    strbuf_addf(err, "cannot rename '%s/%s': %s", p->out_dir, name, strerror(errno));
  } else if (renameat(p->dir_fd, p->stage_name, p->dir_fd, name) < 0) {
    strbuf_addf(err, "cannot rename '%s' to '%s/%s': %s", p->stage_path, p->out_dir, name,
                strerror(errno));
    if (renameat(p->dir_fd, old, p->dir_fd, name) < 0)
      strbuf_addf(err, "; the previous tables are in '%s/%s'", p->out_dir, old);
  } else {
    /* the stage name is free now: let it name the old tree for cleanup */
    if (renameat(p->dir_fd, old, p->dir_fd, p->stage_name) < 0)
      remove_tree_at(p->dir_fd, old, err);
    rc = PUBLISH_OK;
  }
  free(old);
  return rc;
}

static void forget_stage(struct publish *p) {
  free(p->stage_name);
  free(p->stage_path);
  p->stage_name = p->stage_path = NULL;
}

int publish_commit(struct publish *p, const char *name, bool *replaced, struct strbuf *err) {
  struct stat st;
  if (replaced)
    *replaced = false;
  if (!publish_valid_name(name)) {
    strbuf_addf(err, "cannot publish as '%s': not a valid folder name", name);
    return PUBLISH_ERROR;
  }
  if (!p->stage_name) {
    strbuf_adds(err, "nothing staged to publish");
    return PUBLISH_ERROR;
  }
  if (fsync_dir_files_at(p->dir_fd, p->stage_name, err) < 0)
    return PUBLISH_ERROR;
  if (fstatat(p->dir_fd, name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
    if (errno != ENOENT) {
      strbuf_addf(err, "cannot publish '%s/%s': %s", p->out_dir, name, strerror(errno));
      return PUBLISH_ERROR;
    }
    if (renameat(p->dir_fd, p->stage_name, p->dir_fd, name) < 0) {
      strbuf_addf(err, "cannot rename '%s' to '%s/%s': %s", p->stage_path, p->out_dir, name,
                  strerror(errno));
      return PUBLISH_ERROR;
    }
    forget_stage(p);
  } else {
    int rc = (p->flags & PUBLISH_NO_EXCHANGE) ? (errno = EINVAL, -1)
                                              : rename_exchange(p->dir_fd, p->stage_name, name);
    if (rc < 0 && !exchange_unsupported(errno)) {
      strbuf_addf(err, "cannot exchange '%s' with '%s/%s': %s", p->stage_path, p->out_dir, name,
                  strerror(errno));
      return PUBLISH_ERROR;
    }
    if (rc < 0 && replace_by_renames(p, name, err) < 0)
      return PUBLISH_ERROR;
    if (replaced)
      *replaced = true;
  }
  if (fsync(p->dir_fd) < 0) {
    strbuf_addf(err, "fsync of out_dir '%s': %s", p->out_dir, strerror(errno));
    return PUBLISH_ERROR;
  }
  /* the stage name now holds the previous tree, if any */
  if (p->stage_name && remove_tree_at(p->dir_fd, p->stage_name, err) < 0)
    return PUBLISH_OK; /* published; the leftover goes with the next run */
  forget_stage(p);
  return PUBLISH_OK;
}

/* --- the latest pointer ---------------------------------------------------- */

int publish_point_latest(struct publish *p, const char *name, struct strbuf *err) {
  for (int tries = 0; tries < 32; tries++) {
    char *tmp = xasprintf(".latest-%ld-%08x", (long)getpid(), (unsigned)random_u32());
    if (symlinkat(name, p->dir_fd, tmp) != 0) {
      int e = errno;
      free(tmp);
      if (e == EEXIST)
        continue;
      strbuf_addf(err, "cannot create a link in out_dir '%s': %s", p->out_dir, strerror(e));
      return PUBLISH_ERROR;
    }
    /* rename() replaces a link atomically: a reader sees the old or the new */
    if (renameat(p->dir_fd, tmp, p->dir_fd, LATEST_NAME) != 0) {
      strbuf_addf(err, "cannot point '%s/%s' at %s: %s", p->out_dir, LATEST_NAME, name,
                  strerror(errno));
      unlinkat(p->dir_fd, tmp, 0);
      free(tmp);
      return PUBLISH_ERROR;
    }
    free(tmp);
    if (fsync(p->dir_fd) < 0) {
      strbuf_addf(err, "fsync of out_dir '%s': %s", p->out_dir, strerror(errno));
      return PUBLISH_ERROR;
    }
    return PUBLISH_OK;
  }
  strbuf_addf(err, "cannot create a link in out_dir '%s': too many name clashes", p->out_dir);
  return PUBLISH_ERROR;
}

/* --- cleanup ------------------------------------------------------------- */

int publish_cleanup(struct publish *p, struct strbuf *err) {
  int rc = PUBLISH_OK;
  if (p->dir_fd < 0)
    return rc;
  if (p->work_name) {
    if (remove_tree_at(p->dir_fd, p->work_name, err) < 0)
      rc = PUBLISH_ERROR;
    free(p->work_name);
    free(p->work_path);
    p->work_name = p->work_path = NULL;
  }
  if (p->stage_name) {
    if (remove_tree_at(p->dir_fd, p->stage_name, err) < 0)
      rc = PUBLISH_ERROR;
    forget_stage(p);
  }
  return rc;
}

void publish_release(struct publish *p) {
  if (p->lock_fd >= 0)
    close(p->lock_fd);
  if (p->dir_fd >= 0)
    close(p->dir_fd);
  free(p->out_dir);
  free(p->work_name);
  free(p->work_path);
  free(p->stage_name);
  free(p->stage_path);
  publish_init(p);
}

/* --- trees --------------------------------------------------------------- */

static bool any_entry(const char *name) { return strcmp(name, ".") && strcmp(name, ".."); }

int remove_tree_at(int dirfd, const char *name, struct strbuf *err) {
  struct stat st;
  if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
    if (errno == ENOENT)
      return 0;
    strbuf_addf(err, "cannot remove '%s': %s", name, strerror(errno));
    return -1;
  }
  if (S_ISDIR(st.st_mode)) {
    int fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) {
      strbuf_addf(err, "cannot remove '%s': %s", name, strerror(errno));
      return -1;
    }
    char **names = list_entries(fd, any_entry, err);
    int rc = names ? 0 : -1;
    for (size_t i = 0; names && names[i] && rc == 0; i++)
      if (remove_tree_at(fd, names[i], err) < 0) {
        strbuf_addf(err, " (in '%s')", name);
        rc = -1;
      }
    free_names(names);
    close(fd);
    if (rc < 0)
      return -1;
  }
  if (unlinkat(dirfd, name, S_ISDIR(st.st_mode) ? AT_REMOVEDIR : 0) < 0 && errno != ENOENT) {
    strbuf_addf(err, "cannot remove '%s': %s", name, strerror(errno));
    return -1;
  }
  return 0;
}

static int fsync_file_at(int dirfd, const char *name) {
  int fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0)
    return -1;
  int rc = fsync(fd);
  int e = errno;
  close(fd);
  errno = e;
  return rc;
}

int fsync_dir_files_at(int dirfd, const char *name, struct strbuf *err) {
  int fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) {
    strbuf_addf(err, "cannot open '%s': %s", name, strerror(errno));
    return -1;
  }
  char **names = list_entries(fd, any_entry, err);
  int rc = names ? 0 : -1;
  for (size_t i = 0; names && names[i] && rc == 0; i++) {
    struct stat st;
    if (fstatat(fd, names[i], &st, AT_SYMLINK_NOFOLLOW) == 0 && !S_ISREG(st.st_mode))
      continue;
    if (fsync_file_at(fd, names[i]) < 0) {
      strbuf_addf(err, "fsync of '%s/%s': %s", name, names[i], strerror(errno));
      rc = -1;
    }
  }
  if (rc == 0 && fsync(fd) < 0) {
    strbuf_addf(err, "fsync of '%s': %s", name, strerror(errno));
    rc = -1;
  }
  free_names(names);
  close(fd);
  return rc;
}
