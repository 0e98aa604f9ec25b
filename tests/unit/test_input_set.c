/* What an [input] path names (contract §1.4), resolved against a scratch
 * folder: a file, a directory's CSV files (any case of the extension, not
 * hidden, not in subfolders), a glob pattern (one match and several, in
 * bytewise order whatever the locale), a CRM pattern of archives and
 * directories, and each way of matching nothing, with the key and the full
 * path in the message. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "etl/input/input_set.h"
#include "tests/unit/check.h"

static char root[256];

static void touch(const char *rel) {
  char path[512];
  snprintf(path, sizeof(path), "%s/%s", root, rel);
  FILE *f = fopen(path, "w");
  if (f) {
    fputs("x\n", f);
    fclose(f);
  }
}

static void mkdir_rel(const char *rel) {
  char path[512];
  snprintf(path, sizeof(path), "%s/%s", root, rel);
  mkdir(path, 0755);
}

/* "FORM n: base1 base2 ..." or "ERR message" (root shown as ROOT). */
static struct strbuf resolve(const char *key, const char *rel, bool crm) {
  struct strbuf out = STRBUF_INIT, err = STRBUF_INIT;
  struct input_set s;
  char path[512];
  snprintf(path, sizeof(path), "%s/%s", root, rel);
  if (input_set_resolve(&s, key, path, crm, &err) != 0) {
    const char *m = strbuf_str(&err), *at;
    strbuf_adds(&out, "ERR ");
    while ((at = strstr(m, root))) {
      strbuf_add(&out, m, (size_t)(at - m));
      strbuf_adds(&out, "ROOT");
      m = at + strlen(root);
    }
    strbuf_adds(&out, m);
  } else {
    static const char *const forms[] = {"file", "directory", "pattern"};
    strbuf_addf(&out, "%s %zu:", forms[s.form], s.n);
    for (size_t i = 0; i < s.n; i++)
      strbuf_addf(&out, " %s", s.paths[i] + strlen(root) + 1);
  }
  input_set_release(&s);
  strbuf_release(&err);
  return out;
}

#define EXPECT(key, rel, crm, want)                                          \
  do {                                                                       \
    struct strbuf got_ = resolve(key, rel, crm);                             \
    CHECK_STR(strbuf_str(&got_), want);                                      \
    strbuf_release(&got_);                                                   \
  } while (0)

int main(void) {
  const char *tmp = getenv("TMPDIR");
  snprintf(root, sizeof(root), "%s/test_input_set.XXXXXX", tmp && *tmp ? tmp : "/tmp");
  if (!mkdtemp(root))
    return 1;
  mkdir_rel("acts");
  touch("acts/b_2024-02.csv");
  touch("acts/B_2024-03.CSV.GZ"); /* bytewise: 'B' < 'a' < 'b' */
  touch("acts/a_2024-01.csv.gz");
  touch("acts/.hidden.csv");
  touch("acts/notes.txt");
  touch("acts/x.csv.bak");
  mkdir_rel("acts/sub.csv");
  touch("acts/sub.csv/c.csv");
  mkdir_rel("empty");
  touch("empty/readme.txt");
  touch("leads.csv.gz");
  touch("Q[1].csv");
  mkdir_rel("crm");
  touch("crm/WE_1.ZIP");
  touch("crm/WE_2.zip");
  mkdir_rel("crm/WE_3");
  touch("crm/WE_3/Lead.csv");

  /* one file */
  EXPECT("ma_leads", "leads.csv.gz", false, "file 1: leads.csv.gz");
  /* a directory: its CSV files directly inside, bytewise order */
  EXPECT("ma_activities", "acts", false,
         "directory 3: acts/B_2024-03.CSV.GZ acts/a_2024-01.csv.gz acts/b_2024-02.csv");
  EXPECT("ma_activities", "acts/", false,
         "directory 3: acts/B_2024-03.CSV.GZ acts/a_2024-01.csv.gz acts/b_2024-02.csv");
  /* a pattern: one match, several, a directory matched (expanded) */
  EXPECT("ma_activities", "acts/a_*", false, "pattern 1: acts/a_2024-01.csv.gz");
  EXPECT("ma_activities", "acts/[ab]_2024-0?.csv*", false,
         "pattern 2: acts/a_2024-01.csv.gz acts/b_2024-02.csv");
  EXPECT("ma_activities", "acts/sub*", false, "pattern 1: acts/sub.csv/c.csv");
  /* a path that exists as written is not a pattern */
  EXPECT("costs", "Q[1].csv", false, "file 1: Q[1].csv");
  /* crm: a pattern of archives (any case) and directories, each one part */
  EXPECT("crm", "crm/WE_*", true, "pattern 3: crm/WE_1.ZIP crm/WE_2.zip crm/WE_3");
  EXPECT("crm", "crm/WE_3", true, "directory 1: crm/WE_3");
  EXPECT("crm", "crm/WE_1.ZIP", true, "file 1: crm/WE_1.ZIP");

  /* matching nothing: a missing input, named with its key and full path */
  EXPECT("ma_leads", "nowhere.csv.gz", false,
         "ERR [input] ma_leads: ROOT/nowhere.csv.gz: No such file or directory");
  EXPECT("ma_activities", "acts/z_*.csv", false,
         "ERR [input] ma_activities: no file matches the pattern ROOT/acts/z_*.csv");
  EXPECT("crm", "exports/WE_*.ZIP", true,
         "ERR [input] crm: no archive or directory matches the pattern ROOT/exports/WE_*.ZIP");
  EXPECT("fx_rates", "empty", false,
         "ERR [input] fx_rates: the directory ROOT/empty has no *.csv or *.csv.gz file "
         "directly inside it");
  EXPECT("fx_rates", "empty/*.csv", false,
         "ERR [input] fx_rates: no file matches the pattern ROOT/empty/*.csv");

  /* what etl check prints */
  struct input_set s;
  struct strbuf err = STRBUF_INIT, out = STRBUF_INIT;
  char path[512];
  snprintf(path, sizeof(path), "%s/acts/*_2024-0[12]*", root);
  CHECK_I64(input_set_resolve(&s, "ma_activities", path, false, &err), 0);
  input_set_describe(&s, &out);
  struct strbuf want = STRBUF_INIT;
  strbuf_addf(&want, "ma_activities: pattern %s/acts/*_2024-0[12]*: 2 matches\n"
                     "  %s/acts/a_2024-01.csv.gz\n  %s/acts/b_2024-02.csv\n", root, root, root);
  CHECK_STR(strbuf_str(&out), strbuf_str(&want));
  input_set_release(&s);
  strbuf_reset(&out);
  snprintf(path, sizeof(path), "%s/crm/WE_3", root);
  CHECK_I64(input_set_resolve(&s, "crm", path, true, &err), 0);
  input_set_describe(&s, &out);
  strbuf_reset(&want);
  strbuf_addf(&want, "crm: directory %s/crm/WE_3\n", root);
  CHECK_STR(strbuf_str(&out), strbuf_str(&want));
  input_set_release(&s);

  /* relative paths are made absolute against the current directory */
  char *abs = input_path_absolute("./a/b.csv");
  char *cwd = getcwd(NULL, 0);
  strbuf_reset(&want);
  strbuf_addf(&want, "%s/a/b.csv", cwd);
  CHECK_STR(abs, strbuf_str(&want));
  free(abs);
  free(cwd);
  abs = input_path_absolute("/x/y");
  CHECK_STR(abs, "/x/y");
  free(abs);
  strbuf_release(&want);
  strbuf_release(&out);
  strbuf_release(&err);

  char cmd[600];
  snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
  if (check_failures == 0 && system(cmd) != 0)
    fprintf(stderr, "could not remove %s\n", root);
  return check_exit();
}
