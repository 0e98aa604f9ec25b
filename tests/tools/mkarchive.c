/* Test tool: builds the archives of the bad-input and end-to-end tests with
 * libarchive (no zip, python or bsdtar needed), byte for byte the same on
 * every run (fixed mtime, owner and mode), with entry names exactly as given
 * (duplicates, "../" and absolute names included: that is the point), and
 * prints one entry of an existing archive so that tests can take the
 * fixtures apart without extracting anything to disk.
 *
 *   mkarchive zip|zip-store|tar|tgz OUT ENTRY=FILE|DIR/...
 *       ENTRY=FILE adds FILE's bytes under the name ENTRY (everything up to
 *       the last '='); an argument ending in '/' without '=' adds a folder.
 *   mkarchive cat ARCHIVE ENTRY    writes ENTRY's data to stdout
 *   mkarchive list ARCHIVE         prints the entry names, one a line
 * Exit 0, 1 on an error (message on stderr), 2 on a usage error. */
#include <archive.h>
#include <archive_entry.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FIXED_MTIME 1751241600 /* 2025-06-30T00:00:00Z */

static const char usage[] =
    "usage: mkarchive zip|zip-store|tar|tgz OUT ENTRY=FILE|DIR/...\n"
    "       mkarchive cat ARCHIVE ENTRY\n"
    "       mkarchive list ARCHIVE\n";

static int die(struct archive *a, const char *what) {
  fprintf(stderr, "mkarchive: %s: %s\n", what, a ? archive_error_string(a) : "failed");
  return 1;
}

static struct archive *writer(const char *fmt) {
  struct archive *a = archive_write_new();
  if (strcmp(fmt, "zip") == 0 || strcmp(fmt, "zip-store") == 0) {
    archive_write_set_format_zip(a);
    archive_write_set_options(a, strcmp(fmt, "zip") == 0 ? "zip:compression=deflate"
                                                         : "zip:compression=store");
  } else if (strcmp(fmt, "tar") == 0 || strcmp(fmt, "tgz") == 0) {
    archive_write_set_format_pax_restricted(a);
    if (strcmp(fmt, "tgz") == 0) {
      archive_write_add_filter_gzip(a);
      archive_write_set_options(a, "gzip:!timestamp");
    }
  } else {
    archive_write_free(a);
    return NULL;
  }
  return a;
}

static int add_entry(struct archive *a, const char *arg) {
  const char *eq = strrchr(arg, '=');
  size_t alen = strlen(arg);
  bool dir = !eq && alen > 0 && arg[alen - 1] == '/';
  if (!eq && !dir) {
    fprintf(stderr, "mkarchive: '%s': expected ENTRY=FILE or DIR/\n", arg);
    return 2;
  }
  char *name = dir ? strdup(arg) : strndup(arg, (size_t)(eq - arg));
  FILE *f = NULL;
  long size = 0;
  if (!dir) {
    f = fopen(eq + 1, "rb");
    if (!f || fseek(f, 0, SEEK_END) != 0 || (size = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0) {
      perror(eq + 1);
      free(name);
      if (f)
        fclose(f);
      return 1;
    }
  }
  struct archive_entry *e = archive_entry_new();
  archive_entry_set_pathname(e, name);
  archive_entry_set_filetype(e, dir ? AE_IFDIR : AE_IFREG);
  archive_entry_set_perm(e, dir ? 0755 : 0644);
  archive_entry_set_size(e, dir ? 0 : size);
  archive_entry_set_mtime(e, FIXED_MTIME, 0);
  archive_entry_set_uid(e, 0);
  archive_entry_set_gid(e, 0);
  int rc = archive_write_header(a, e) == ARCHIVE_OK ? 0 : die(a, name);
  char buf[65536];
  size_t n;
  while (rc == 0 && f && (n = fread(buf, 1, sizeof(buf), f)) > 0)
    if (archive_write_data(a, buf, n) != (la_ssize_t)n)
      rc = die(a, name);
  archive_entry_free(e);
  if (f)
    fclose(f);
  free(name);
  return rc;
}

static int create(const char *fmt, const char *out, int n, char **args) {
  struct archive *a = writer(fmt);
  if (!a) {
    fputs(usage, stderr);
    return 2;
  }
  if (archive_write_open_filename(a, out) != ARCHIVE_OK) {
    int rc = die(a, out);
    archive_write_free(a);
    return rc;
  }
  int rc = 0;
  for (int i = 0; rc == 0 && i < n; i++)
    rc = add_entry(a, args[i]);
  if (archive_write_close(a) != ARCHIVE_OK && rc == 0)
    rc = die(a, out);
  archive_write_free(a);
  return rc;
}

static struct archive *reader(const char *path) {
  struct archive *a = archive_read_new();
  archive_read_support_format_zip_seekable(a);
  archive_read_support_format_tar(a);
  archive_read_support_filter_gzip(a);
  if (archive_read_open_filename(a, path, 65536) != ARCHIVE_OK) {
    die(a, path);
    archive_read_free(a);
    return NULL;
  }
  return a;
}

/* want NULL: list the names; else write want's data to stdout. */
static int walk(const char *path, const char *want) {
  struct archive *a = reader(path);
  if (!a)
    return 1;
  struct archive_entry *e;
  int rc = want ? 1 : 0, r;
  while ((r = archive_read_next_header(a, &e)) == ARCHIVE_OK) {
    const char *name = archive_entry_pathname(e);
    if (!want) {
      printf("%s\n", name ? name : "");
      continue;
    }
    if (!name || strcmp(name, want) != 0)
      continue;
    const void *buf;
    size_t size;
    la_int64_t off;
    while ((r = archive_read_data_block(a, &buf, &size, &off)) == ARCHIVE_OK)
      fwrite(buf, 1, size, stdout);
    rc = r == ARCHIVE_EOF ? 0 : die(a, want);
    archive_read_free(a);
    return rc;
  }
  if (r != ARCHIVE_OK && r != ARCHIVE_EOF)
    rc = die(a, path);
  else if (want)
    fprintf(stderr, "mkarchive: %s: no entry %s\n", path, want);
  archive_read_free(a);
  return rc;
}

int main(int argc, char **argv) {
  if (argc >= 3 && strcmp(argv[1], "list") == 0 && argc == 3)
    return walk(argv[2], NULL);
  if (argc == 4 && strcmp(argv[1], "cat") == 0)
    return walk(argv[2], argv[3]);
  if (argc >= 3 && strcmp(argv[1], "cat") != 0 && strcmp(argv[1], "list") != 0)
    return create(argv[1], argv[2], argc - 3, argv + 3);
  fputs(usage, stderr);
  return 2;
}
