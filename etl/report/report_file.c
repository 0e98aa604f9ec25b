/* Files of etl-report (see report_file.h). */
#include "etl/report/report_file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "transforms/base/xalloc.h"

static int write_all(int fd, const char *p, size_t n) {
  while (n) {
    ssize_t w = write(fd, p, n);
    if (w < 0 && errno == EINTR)
      continue;
    if (w < 0)
      return -1;
    p += w;
    n -= (size_t)w;
  }
  return 0;
}

int report_write_atomic(const char *path, const void *data, size_t n, struct strbuf *err) {
  const char *slash = strrchr(path, '/');
  const char *base = slash ? slash + 1 : path;
  int dirlen = slash ? (int)(slash - path) + 1 : 0;
  char *tmp = xasprintf("%.*s.%s.tmp-%ld", dirlen, path, base, (long)getpid());
  int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
  int rc = -1, e = 0;
  if (fd < 0)
    e = errno;
  else if (write_all(fd, data, n) < 0 || fsync(fd) < 0)
    e = errno;
  else
    rc = 0;
  if (fd >= 0 && close(fd) < 0 && rc == 0) {
    e = errno;
    rc = -1;
  }
  if (rc == 0 && rename(tmp, path) < 0) {
    e = errno;
    rc = -1;
  }
  if (rc < 0) {
    strbuf_addf(err, "%s: %s", path, strerror(e));
    unlink(tmp);
  }
  free(tmp);
  return rc;
}

int report_file_sha256(const char *path, char hex[SHA256_HEX_LEN + 1]) {
  FILE *f = fopen(path, "rbe");
  if (!f)
    return -1;
  struct sha256 s;
  unsigned char buf[65536], digest[SHA256_DIGEST_LEN];
  size_t n;
  sha256_init(&s);
  while ((n = fread(buf, 1, sizeof buf, f)) > 0)
    sha256_update(&s, buf, n);
  int bad = ferror(f);
  fclose(f);
  if (bad) {
    sha256_discard(&s);
    return -1;
  }
  sha256_final(&s, digest);
  sha256_hex(digest, hex);
  return 0;
}
