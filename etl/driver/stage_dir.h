/* Where the driver finds the stage programs (docs/operations.md
 * "Installing"): $ETL_STAGE_DIR when set; else, beside an installed etl,
 * the folder ATTR_STAGE_REL relative to etl's own folder (CMake sets it to
 * ../libexec/etl for the usual bin/ and libexec/ layout) when it holds
 * etl-normalize; else etl's own folder, as in the build tree (build/bin/).
 * etl's folder is that of /proc/self/exe, so it does not matter from
 * which folder or through which symbolic link etl is started. */
#ifndef ATTR_STAGE_DIR_H
#define ATTR_STAGE_DIR_H

#include "transforms/base/strbuf.h"

/* The folder (caller frees), or NULL with err. */
char *stage_dir_find(struct strbuf *err);

/* The choice above for an executable at exe and the environment value env
 * (NULL or "" when unset); exists(path) says whether a stage program is
 * there. Pure, for tests. Caller frees. */
char *stage_dir_choose(const char *exe, const char *env, const char *rel,
                       int (*exists)(const char *path));

#endif
