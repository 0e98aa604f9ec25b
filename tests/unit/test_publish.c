/* Publishing (publish.h) in a scratch folder under $TMPDIR: out_dir
 * creation and checks, the lock (a second holder is told "busy", and gets
 * it once released), which hidden names count as leftovers and their
 * removal (never following a symlink), publishing a range that is absent,
 * replacing one that exists (atomic exchange and the two-rename fallback),
 * refused names, copying into the stage folder, the `latest` link (made
 * and replaced, no temporary left), what `etl check` says about out_dir
 * (both sides: a folder, a missing one under a folder or a file, a file),
 * and the pruning of kept failed runs (the newest 5, hidden names never
 * counted). The scratch folder is
 * removed when every check passes and kept (and named) otherwise. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "etl/driver/failed_runs.h"
#include "etl/driver/publish.h"
#include "tests/unit/check.h"
#include "transforms/base/xalloc.h"

static char *scratch;

static char *path_of(const char *rel) { return xasprintf("%s/%s", scratch, rel); }

static void write_file(const char *rel, const char *text) {
  char *p = path_of(rel);
  FILE *f = fopen(p, "w");
  if (f) {
    fputs(text, f);
    fclose(f);
  }
  free(p);
}

/* The file's text ("" when missing); caller frees. */
static char *read_text(const char *rel) {
  char *p = path_of(rel);
  char buf[4096];
  size_t n = 0;
  FILE *f = fopen(p, "r");
  if (f) {
    n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
  }
  buf[n] = '\0';
  free(p);
  return xstrdup(buf);
}

static int kind_of(const char *rel) {
  struct stat st;
  char *p = path_of(rel);
  int rc = lstat(p, &st);
  free(p);
  if (rc < 0)
    return 0;
  return S_ISDIR(st.st_mode) ? 'd' : S_ISLNK(st.st_mode) ? 'l' : S_ISREG(st.st_mode) ? 'f' : '?';
}

static void make_dir(const char *rel) {
  char *p = path_of(rel);
  mkdir(p, 0777);
  free(p);
}

/* Number of hidden entries of dir other than .lock. */
static int hidden_entries(const char *rel) {
  char *cmd = xasprintf("ls -A '%s/%s' | grep '^\\.' | grep -vx '.lock' | wc -l", scratch, rel);
  FILE *f = popen(cmd, "r");
  int n = -1;
  if (f) {
    if (fscanf(f, "%d", &n) != 1)
      n = -1;
    pclose(f);
  }
  free(cmd);
  return n;
}

static void test_open(void) {
  struct publish p;
  struct strbuf err = STRBUF_INIT;
  char *nested = path_of("a/b/out");
  publish_init(&p);
  CHECK_I64(publish_open(&p, nested, &err), PUBLISH_OK);
  CHECK(kind_of("a/b/out") == 'd');
  CHECK(p.dir_fd >= 0);
  publish_release(&p);
  /* opening an existing directory again is fine */
  publish_init(&p);
  CHECK_I64(publish_open(&p, nested, &err), PUBLISH_OK);
  publish_release(&p);
  free(nested);

  write_file("plain", "x");
  char *plain = path_of("plain");
  publish_init(&p);
  strbuf_reset(&err);
  CHECK_I64(publish_open(&p, plain, &err), PUBLISH_ERROR);
  CHECK(strstr(strbuf_str(&err), "is not a directory") != NULL);
  publish_release(&p);

  char *under = path_of("plain/sub");
  publish_init(&p);
  strbuf_reset(&err);
  CHECK_I64(publish_open(&p, under, &err), PUBLISH_ERROR);
  CHECK(strstr(strbuf_str(&err), "cannot create out_dir") != NULL);
  publish_release(&p);
  free(plain);
  free(under);
  strbuf_release(&err);
}

static void test_lock(void) {
  struct publish a, b;
  struct strbuf err = STRBUF_INIT;
  char *out = path_of("lockout");
  publish_init(&a);
  publish_init(&b);
  CHECK_I64(publish_open(&a, out, &err), PUBLISH_OK);
  CHECK_I64(publish_open(&b, out, &err), PUBLISH_OK);
  CHECK_I64(publish_lock(&a, false, &err), PUBLISH_OK);
  CHECK(kind_of("lockout/.lock") == 'f');
  CHECK_I64(publish_lock(&b, false, &err), PUBLISH_BUSY);
  CHECK_I64(publish_lock(&b, false, &err), PUBLISH_BUSY);
  publish_release(&a); /* releases the lock */
  CHECK_I64(publish_lock(&b, false, &err), PUBLISH_OK);
  publish_release(&b);
  publish_init(&a);
  CHECK_I64(publish_open(&a, out, &err), PUBLISH_OK);
  CHECK_I64(publish_lock(&a, true, &err), PUBLISH_OK); /* free: --wait returns at once */
  CHECK_STR(strbuf_str(&err), "");
  publish_release(&a);
  free(out);
  strbuf_release(&err);
}

static void test_leftover_names(void) {
  static const struct {
    const char *name;
    bool ours;
  } cases[] = {
      {".work-1-0123abcd", true},     {".stage-99-ffffffff", true},
      {".old-7-00000000", true},      {".work-1234567890-0123abcd", true},
      {".work-12345678901-0123abcd", false}, /* 11 digits */
      {".work-1-0123abc", false},     {".work-1-0123abcde", false},
      {".work--0123abcd", false},     {".work-1-0123ABCD", false},
      {".work-1_0123abcd", false},    {"work-1-0123abcd", false},
      {".works-1-0123abcd", false},   {".lock", false},
      {".work-", false},              {"2024-01-01_2024-12-31", false},
      {".stage-1-0123abc/", false},   {".latest-42-0123abcd", true},
      {".latest-42", false},          {".failed", false},
      {"latest", false},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
    if (publish_is_leftover_name(cases[i].name) != cases[i].ours) {
      CHECK(!"leftover name");
      fprintf(stderr, "  name '%s'\n", cases[i].name);
    }
}

static void test_clean_leftovers(void) {
  struct publish p;
  struct strbuf err = STRBUF_INIT;
  make_dir("clean");
  make_dir("clean/.work-12-deadbeef");
  make_dir("clean/.work-12-deadbeef/sub");
  write_file("clean/.work-12-deadbeef/sub/data", "x");
  make_dir("clean/.stage-3-0badf00d");
  write_file("clean/.old-4-12345678", "old");
  make_dir("clean/.work-mine");
  make_dir("clean/2024-01-01_2024-12-31");
  write_file("clean/.keep", "k");
  make_dir("outside");
  write_file("outside/precious", "p");
  char *target = path_of("outside");
  char *link = path_of("clean/.stage-3-0badf00d/link");
  CHECK(symlink(target, link) == 0);
  free(target);
  free(link);

  char *out = path_of("clean");
  publish_init(&p);
  CHECK_I64(publish_open(&p, out, &err), PUBLISH_OK);
  CHECK_I64(publish_lock(&p, false, &err), PUBLISH_OK);
  CHECK_I64(publish_clean_leftovers(&p, &err), 3);
  CHECK(kind_of("clean/.work-12-deadbeef") == 0);
  CHECK(kind_of("clean/.stage-3-0badf00d") == 0);
  CHECK(kind_of("clean/.old-4-12345678") == 0);
  CHECK(kind_of("clean/.work-mine") == 'd');
  CHECK(kind_of("clean/.keep") == 'f');
  CHECK(kind_of("clean/2024-01-01_2024-12-31") == 'd');
  CHECK(kind_of("outside/precious") == 'f');
  CHECK_I64(publish_clean_leftovers(&p, &err), 0); /* nothing left to do */
  CHECK_STR(strbuf_str(&err), "");
  publish_release(&p);
  free(out);
  strbuf_release(&err);
}

/* Opens out_dir rel, locks it and creates the run folders, with one file
 * `name` holding `text` in the stage folder. */
static void begin_run(struct publish *p, const char *rel, const char *name, const char *text,
                      struct strbuf *err) {
  char *out = path_of(rel);
  publish_init(p);
  CHECK_I64(publish_open(p, out, err), PUBLISH_OK);
  CHECK_I64(publish_lock(p, false, err), PUBLISH_OK);
  CHECK_I64(publish_begin(p, err), PUBLISH_OK);
  CHECK(p->work_name && publish_is_leftover_name(p->work_name));
  CHECK(p->stage_name && publish_is_leftover_name(p->stage_name));
  CHECK(p->work_name && strncmp(p->work_name, ".work-", 6) == 0);
  CHECK(p->stage_name && strncmp(p->stage_name, ".stage-", 7) == 0);
  if (p->stage_path) {
    char *f = xasprintf("%s/%s", p->stage_path, name);
    FILE *fp = fopen(f, "w");
    if (fp) {
      fputs(text, fp);
      fclose(fp);
    }
    free(f);
  }
  free(out);
}

static void test_publish_absent(void) {
  struct publish p;
  struct strbuf err = STRBUF_INIT;
  bool replaced = true;
  begin_run(&p, "pub1", "table.csv", "new\r\n", &err);
  CHECK_I64(publish_commit(&p, "2024-01-01_2024-12-31", &replaced, &err), PUBLISH_OK);
  CHECK(!replaced);
  CHECK(p.stage_name == NULL);
  char *t = read_text("pub1/2024-01-01_2024-12-31/table.csv");
  CHECK_STR(t, "new\r\n");
  free(t);
  CHECK_I64(hidden_entries("pub1"), 1); /* the work folder */
  CHECK_I64(publish_cleanup(&p, &err), PUBLISH_OK);
  CHECK_I64(hidden_entries("pub1"), 0);
  CHECK_STR(strbuf_str(&err), "");
  publish_release(&p);
  strbuf_release(&err);
}

/* An existing range (a file and a subfolder) is replaced as a whole. */
static void check_replace(const char *rel, unsigned flags) {
  struct publish p;
  struct strbuf err = STRBUF_INIT;
  bool replaced = false;
  char *dir = xasprintf("%s/2024-01-01_2024-12-31", rel);
  char *old = xasprintf("%s/old.csv", dir);
  char *sub = xasprintf("%s/sub", dir);
  char *subf = xasprintf("%s/sub/f", dir);
  char *neu = xasprintf("%s/new.csv", dir);
  make_dir(rel);
  make_dir(dir);
  write_file(old, "old");
  make_dir(sub);
  write_file(subf, "f");
  begin_run(&p, rel, "new.csv", "new", &err);
  p.flags = flags;
  CHECK_I64(publish_commit(&p, "2024-01-01_2024-12-31", &replaced, &err), PUBLISH_OK);
  CHECK_STR(strbuf_str(&err), "");
  CHECK(replaced);
  CHECK(kind_of(old) == 0);
  CHECK(kind_of(sub) == 0);
  char *t = read_text(neu);
  CHECK_STR(t, "new");
  free(t);
  CHECK_I64(publish_cleanup(&p, &err), PUBLISH_OK);
  CHECK_I64(hidden_entries(rel), 0); /* the old tree and the work folder are gone */
  publish_release(&p);
  free(dir);
  free(old);
  free(sub);
  free(subf);
  free(neu);
  strbuf_release(&err);
}

static void test_publish_existing(void) {
  check_replace("pub2", 0);
  check_replace("pub3", PUBLISH_NO_EXCHANGE);
}

static void test_refused_names(void) {
  static const char *const bad[] = {"", ".hidden", ".work-1-0123abcd", "a/b", "..", "."};
  static const char *const good[] = {"2024-01-01_2024-12-31", "x", "a.b"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
    CHECK(!publish_valid_name(bad[i]));
  for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
    CHECK(publish_valid_name(good[i]));

  struct publish p;
  struct strbuf err = STRBUF_INIT;
  begin_run(&p, "pub4", "t.csv", "t", &err);
  CHECK_I64(publish_commit(&p, "../escape", NULL, &err), PUBLISH_ERROR);
  CHECK(strstr(strbuf_str(&err), "not a valid folder name") != NULL);
  CHECK(p.stage_name != NULL); /* still staged, removed by cleanup */
  CHECK(kind_of("escape") == 0);
  CHECK_I64(hidden_entries("pub4"), 2);
  strbuf_reset(&err);
  CHECK_I64(publish_cleanup(&p, &err), PUBLISH_OK);
  CHECK_I64(hidden_entries("pub4"), 0);
  publish_release(&p);
  strbuf_release(&err);
}

static void test_copy_to_stage(void) {
  struct publish p;
  struct strbuf err = STRBUF_INIT;
  begin_run(&p, "pub5", "t.csv", "t", &err);
  write_file("src.csv", "a,b\r\n1,\"x\r\ny\"\r\n");
  char *src = path_of("src.csv");
  CHECK_I64(publish_copy_to_stage(&p, src, "copy.csv", &err), PUBLISH_OK);
  char *rel = xasprintf("pub5/%s/copy.csv", p.stage_name);
  char *t = read_text(rel);
  CHECK_STR(t, "a,b\r\n1,\"x\r\ny\"\r\n");
  free(t);
  /* never overwrites */
  CHECK_I64(publish_copy_to_stage(&p, src, "copy.csv", &err), PUBLISH_ERROR);
  strbuf_reset(&err);
  char *missing = path_of("missing.csv");
  CHECK_I64(publish_copy_to_stage(&p, missing, "m.csv", &err), PUBLISH_ERROR);
  CHECK(strstr(strbuf_str(&err), "No such file") != NULL);
  strbuf_reset(&err);
  CHECK_I64(publish_cleanup(&p, &err), PUBLISH_OK);
  publish_release(&p);
  free(src);
  free(rel);
  free(missing);
  strbuf_release(&err);
}

static void test_remove_tree(void) {
  struct strbuf err = STRBUF_INIT;
  int fd = open(scratch, O_RDONLY | O_DIRECTORY);
  make_dir("tree");
  make_dir("tree/a");
  make_dir("tree/a/b");
  write_file("tree/a/b/f", "f");
  make_dir("tree/empty");
  make_dir("keep");
  write_file("keep/file", "k");
  char *dir = path_of("keep"), *file = path_of("keep/file");
  char *l1 = path_of("tree/a/dirlink"), *l2 = path_of("tree/filelink"), *l3 = path_of("toplink");
  CHECK(symlink(dir, l1) == 0);
  CHECK(symlink(file, l2) == 0);
  CHECK(symlink(dir, l3) == 0);
  CHECK_I64(remove_tree_at(fd, "tree", &err), 0);
  CHECK(kind_of("tree") == 0);
  CHECK_I64(remove_tree_at(fd, "toplink", &err), 0); /* the link, not its target */
  CHECK(kind_of("toplink") == 0);
  CHECK(kind_of("keep") == 'd');
  char *t = read_text("keep/file");
  CHECK_STR(t, "k");
  free(t);
  CHECK_I64(remove_tree_at(fd, "no-such-entry", &err), 0);
  write_file("single", "s");
  CHECK_I64(remove_tree_at(fd, "single", &err), 0);
  CHECK(kind_of("single") == 0);
  CHECK_STR(strbuf_str(&err), "");
  /* fsync of a folder's files; a missing folder is an error */
  CHECK_I64(fsync_dir_files_at(fd, "keep", &err), 0);
  CHECK_I64(fsync_dir_files_at(fd, "no-such-entry", &err), -1);
  CHECK(strstr(strbuf_str(&err), "no-such-entry") != NULL);
  close(fd);
  free(dir);
  free(file);
  free(l1);
  free(l2);
  free(l3);
  strbuf_release(&err);
}

/* Removes the scratch folder (with remove_tree_at itself). */
static void remove_scratch(void) {
  struct strbuf err = STRBUF_INIT;
  char *slash = strrchr(scratch, '/');
  *slash = '\0';
  int fd = open(*scratch ? scratch : "/", O_RDONLY | O_DIRECTORY);
  if (fd < 0 || remove_tree_at(fd, slash + 1, &err) < 0)
    fprintf(stderr, "cannot remove the scratch folder: %s\n", strbuf_str(&err));
  if (fd >= 0)
    close(fd);
  *slash = '/';
  strbuf_release(&err);
}

static void test_latest(void) {
  struct publish p;
  struct strbuf err = STRBUF_INIT;
  char *out = path_of("latest_out");
  publish_init(&p);
  CHECK(publish_open(&p, out, &err) == PUBLISH_OK);
  make_dir("latest_out/2024-01-01_2024-12-31");
  make_dir("latest_out/2023-01-01_2023-12-31");
  CHECK(publish_point_latest(&p, "2024-01-01_2024-12-31", &err) == PUBLISH_OK);
  CHECK(kind_of("latest_out/latest") == 'l');
  char *link = path_of("latest_out/latest"), target[64] = "";
  ssize_t n = readlink(link, target, sizeof target - 1);
  target[n > 0 ? n : 0] = '\0';
  CHECK_STR(target, "2024-01-01_2024-12-31");
  CHECK(publish_point_latest(&p, "2023-01-01_2023-12-31", &err) == PUBLISH_OK);
  n = readlink(link, target, sizeof target - 1);
  target[n > 0 ? n : 0] = '\0';
  CHECK_STR(target, "2023-01-01_2023-12-31");
  CHECK_I64(hidden_entries("latest_out"), 0); /* no .latest-* left */
  /* a real folder named latest is not replaced: an error */
  char *other = path_of("latest_dir");
  struct publish q;
  publish_init(&q);
  CHECK(publish_open(&q, other, &err) == PUBLISH_OK);
  make_dir("latest_dir/latest");
  write_file("latest_dir/latest/keep", "x");
  strbuf_reset(&err);
  CHECK(publish_point_latest(&q, "2024-01-01_2024-12-31", &err) == PUBLISH_ERROR);
  CHECK(strstr(strbuf_str(&err), "cannot point") != NULL);
  CHECK(kind_of("latest_dir/latest/keep") == 'f');
  CHECK_I64(hidden_entries("latest_dir"), 0);
  publish_release(&p);
  publish_release(&q);
  strbuf_release(&err);
  free(link);
  free(out);
  free(other);
}

static void check_out_dir(const char *rel, int want, const char *msg) {
  struct strbuf err = STRBUF_INIT;
  char *p = path_of(rel);
  CHECK_I64(publish_check_out_dir(p, &err), want);
  if (msg && !strstr(strbuf_str(&err), msg)) {
    CHECK(!"out_dir message");
    fprintf(stderr, "  %s: '%s' lacks '%s'\n", rel, strbuf_str(&err), msg);
  }
  free(p);
  strbuf_release(&err);
}

static void test_check_out_dir(void) {
  make_dir("chk");
  write_file("chk/file", "x");
  check_out_dir("chk", PUBLISH_OK, NULL);
  check_out_dir("chk/", PUBLISH_OK, NULL);
  check_out_dir("chk/new", PUBLISH_OK, NULL);
  check_out_dir("chk/new/deeper/still", PUBLISH_OK, NULL);
  check_out_dir("chk/file", PUBLISH_ERROR, "is not a directory");
  check_out_dir("chk/file/sub", PUBLISH_ERROR, "chk/file' is not a directory");
  CHECK_I64(kind_of("chk/new"), 0); /* nothing made */
  struct strbuf err = STRBUF_INIT;
  CHECK_I64(publish_check_out_dir("", &err), PUBLISH_ERROR);
  strbuf_release(&err);
}

/* Runs of one second: "-10" is newer than "-9", and the plain stamp oldest. */
static void test_prune_same_second(void) {
  struct strbuf err = STRBUF_INIT;
  make_dir("failed_s");
  make_dir("failed_s/20250101T000000Z");
  for (int k = 2; k <= 11; k++) {
    char *rel = xasprintf("failed_s/20250101T000000Z-%d", k);
    make_dir(rel);
    free(rel);
  }
  char *dir = path_of("failed_s");
  int fd = open(dir, O_RDONLY | O_DIRECTORY);
  CHECK_I64(failed_runs_prune(fd, FAILED_RUNS_KEEP, &err), 6);
  CHECK_I64(kind_of("failed_s/20250101T000000Z"), 0);
  CHECK_I64(kind_of("failed_s/20250101T000000Z-6"), 0);
  CHECK_I64(kind_of("failed_s/20250101T000000Z-7"), 'd');
  CHECK_I64(kind_of("failed_s/20250101T000000Z-9"), 'd');
  CHECK_I64(kind_of("failed_s/20250101T000000Z-10"), 'd');
  CHECK_I64(kind_of("failed_s/20250101T000000Z-11"), 'd');
  close(fd);
  free(dir);
  strbuf_release(&err);
}

static void test_prune_failed(void) {
  struct strbuf err = STRBUF_INIT;
  const char *names[] = {"20250101T000000Z", "20250102T000000Z", "20250102T000000Z-2",
                         "20250103T000000Z", "20250104T000000Z", "20250105T000000Z",
                         "20250106T000000Z"};
  make_dir("failed");
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
    char *rel = xasprintf("failed/%s", names[i]);
    make_dir(rel);
    free(rel);
  }
  make_dir("failed/.tmp-1");
  char *dir = path_of("failed");
  int fd = open(dir, O_RDONLY | O_DIRECTORY);
  CHECK_I64(failed_runs_prune(fd, FAILED_RUNS_KEEP, &err), 2);
  CHECK_I64(kind_of("failed/20250101T000000Z"), 0);
  CHECK_I64(kind_of("failed/20250102T000000Z"), 0);
  CHECK_I64(kind_of("failed/20250102T000000Z-2"), 'd');
  CHECK_I64(kind_of("failed/20250106T000000Z"), 'd');
  CHECK_I64(kind_of("failed/.tmp-1"), 'd'); /* hidden: not counted, not removed */
  CHECK_I64(failed_runs_prune(fd, FAILED_RUNS_KEEP, &err), 0);
  close(fd);
  free(dir);
  char stamp[17];
  failed_runs_stamp(1751335200LL, stamp); /* 2025-07-01T02:00:00Z */
  CHECK_STR(stamp, "20250701T020000Z");
  strbuf_release(&err);
}

int main(void) {
  char tmpl[4096];
  const char *tmp = getenv("TMPDIR");
  snprintf(tmpl, sizeof tmpl, "%s/test_publish.XXXXXX", tmp && *tmp ? tmp : "/tmp");
  scratch = mkdtemp(tmpl);
  if (!scratch) {
    perror("mkdtemp");
    return 1;
  }
  test_open();
  test_lock();
  test_leftover_names();
  test_clean_leftovers();
  test_publish_absent();
  test_publish_existing();
  test_refused_names();
  test_copy_to_stage();
  test_remove_tree();
  test_latest();
  test_check_out_dir();
  test_prune_failed();
  test_prune_same_second();
  int rc = check_exit();
  if (rc == 0)
    remove_scratch();
  else
    fprintf(stderr, "scratch folder kept: %s\n", scratch);
  return rc;
}
