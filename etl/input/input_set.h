/* What one [input] key names, resolved into the paths to read (contract
 * §1.4): a file, a directory, or a POSIX glob pattern. For `crm` every
 * match is one export part (an archive, known by its content, or a
 * directory holding the entity files); for the other inputs a directory
 * stands for every `*.csv` and `*.csv.gz` file directly inside it. The
 * paths come out in bytewise order of their full paths, the order in which
 * they are read as one input. Nothing is opened here but directories.
 *
 * Decisions where the contract is silent (docs/inputs.md "Decisions"):
 * - a path that exists as written is taken literally even if it holds glob
 *   characters (a file named `Q[1].csv`);
 * - in a directory, the extensions `.csv` and `.csv.gz` match in any case
 *   (`.CSV`), and hidden files (a name starting with `.`) are skipped, as
 *   are subfolders and anything that is not a regular file;
 * - a pattern's match that is a directory is, for a file input, expanded
 *   like a configured directory; for `crm` it is an export part.
 * Messages name the key and the full (absolute) path or pattern, e.g.
 * "[input] ma_activities: no file matches the pattern /data/acts_*.csv". */
#ifndef ATTR_INPUT_SET_H
#define ATTR_INPUT_SET_H

#include <stdbool.h>
#include <stddef.h>

#include "transforms/base/strbuf.h"

enum input_form { INPUT_FILE, INPUT_DIRECTORY, INPUT_PATTERN };

struct input_set {
  char *key;      /* the [input] key, "ma_activities" */
  char *abs;      /* the configured path made absolute (for messages) */
  enum input_form form;
  bool crm;       /* resolved with the CRM rules */
  char **paths;   /* what to read, sorted bytewise; owned */
  size_t n;
};

/* Resolves `path` (already relative to the config's folder, as the config
 * loader gives it) for [input] `key`; `crm` selects the CRM rules above.
 * Returns 0 with s filled (n >= 1), or -1 with the message in err; s must
 * be released with input_set_release in both cases. A missing file, an
 * empty directory and a pattern matching nothing are all -1 (a missing
 * input, a file-level fault). */
int input_set_resolve(struct input_set *s, const char *key, const char *path, bool crm,
                      struct strbuf *err);
void input_set_release(struct input_set *s);

/* What was searched and what it matched, for `etl check`: one line
 * "ma_activities: directory /data/acts/: 3 files" (or "pattern ...",
 * "file ...") followed by one indented line per path. */
void input_set_describe(const struct input_set *s, struct strbuf *out);

/* path made absolute against the current directory (a copy; "." and ".."
 * components are kept as written). */
char *input_path_absolute(const char *path);

#endif
