/* Unit tests for where the driver finds its stages (etl/driver/stage_dir.h):
 * $ETL_STAGE_DIR first; beside an installed etl, ../libexec/etl when it
 * holds the stages; else etl's own folder (the build tree); the root and a
 * bare name as edge cases. */
#include <stdlib.h>

#include "etl/driver/stage_dir.h"
#include "tests/unit/check.h"

static const char *present; /* the one path exists() says yes to */
static int exists(const char *path) { return present && !strcmp(path, present); }

static void check_choice(const char *exe, const char *env, const char *there, const char *want) {
  present = there;
  char *got = stage_dir_choose(exe, env, "../libexec/etl", exists);
  CHECK_STR(got, want);
  free(got);
}

int main(void) {
  /* installed: P/bin/etl finds P/bin/../libexec/etl */
  check_choice("/opt/p/bin/etl", NULL, "/opt/p/bin/../libexec/etl/etl-normalize",
               "/opt/p/bin/../libexec/etl");
  /* build tree: nothing in ../libexec/etl, the stages sit beside etl */
  check_choice("/src/build/bin/etl", NULL, NULL, "/src/build/bin");
  check_choice("/src/build/bin/etl", "", NULL, "/src/build/bin");
  /* the environment wins over both */
  check_choice("/opt/p/bin/etl", "/elsewhere", "/opt/p/bin/../libexec/etl/etl-normalize",
               "/elsewhere");
  /* edge cases */
  check_choice("/etl", NULL, NULL, "/");
  check_choice("/etl", NULL, "/../libexec/etl/etl-normalize", "/../libexec/etl");
  check_choice("etl", NULL, NULL, ".");
  return check_exit();
}
