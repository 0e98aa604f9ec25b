/* Atomic publishing of a run's tables into out_dir (contract §5.4, §9
 * "Publishing"; docs/operations.md "What a run leaves in out_dir"), in the
 * manner of git's
 * lockfile.h: everything is written into hidden folders inside out_dir and
 * renamed into place, so a run that fails or is killed leaves no partial
 * directory under the published name and the previous one intact.
 *
 * Layout inside out_dir:
 *   .lock                      flock()ed for the whole run (never removed)
 *   .work-<pid>-<8 hex>        intermediate files of the stages
 *   .stage-<pid>-<8 hex>       the tables of this run, renamed to <range>
 *   .old-<pid>-<8 hex>         only when the file system cannot exchange
 *   .latest-<pid>-<8 hex>      the next `latest` link, before its rename
 *   .failed/                   kept rejects of failed runs (failed_runs.h)
 *   <from>_<to>                published tables
 *   latest                     symbolic link to the last published <from>_<to>
 * Hidden entries of exactly those four forms are leftovers of killed runs
 * and are removed by the next run once it holds the lock; nothing else in
 * out_dir is ever touched.
 *
 * Functions return 0 (PUBLISH_OK) or -1 (PUBLISH_ERROR) with the reason in
 * err; publish_lock may also return PUBLISH_BUSY. */
#ifndef ATTR_PUBLISH_H
#define ATTR_PUBLISH_H

#include <stdbool.h>
#include <sys/types.h>

#include "transforms/base/strbuf.h"

enum publish_status { PUBLISH_ERROR = -1, PUBLISH_OK = 0, PUBLISH_BUSY = 1 };

enum publish_flags {
  /* Replace by two renames as on a file system without RENAME_EXCHANGE
   * (for tests of that path). */
  PUBLISH_NO_EXCHANGE = 1 << 0,
};

struct publish {
  char *out_dir; /* as given */
  int dir_fd;    /* out_dir, -1 until publish_open */
  int lock_fd;   /* out_dir/.lock, -1 until publish_lock */
  char *work_name, *stage_name; /* entries of out_dir, NULL until created */
  char *work_path, *stage_path; /* out_dir/<name>, for the stages' argv */
  unsigned flags;               /* enum publish_flags, 0 by default */
};

void publish_init(struct publish *p);

/* Creates out_dir and its parents (mode 0777 & ~umask) if missing, checks
 * that it is a directory and opens it. -1 with err ("out_dir 'out' is not a
 * directory", "cannot create out_dir 'a/b': Permission denied"). */
int publish_open(struct publish *p, const char *out_dir, struct strbuf *err);

/* What `etl check` asks without changing anything: out_dir is a writable
 * folder, or can be created (its nearest existing parent is a writable
 * folder). -1 with err ("out_dir 'out' is not a directory", "out_dir 'out'
 * is not writable: Permission denied", "cannot create out_dir 'a/b': 'a'
 * is not a directory"). */
int publish_check_out_dir(const char *out_dir, struct strbuf *err);

/* Takes an exclusive flock on out_dir/.lock (created if missing). With
 * wait, blocks until it is free; otherwise PUBLISH_BUSY if another process
 * holds it. The lock is held until publish_release. */
int publish_lock(struct publish *p, bool wait, struct strbuf *err);

/* true for the names of the hidden folders of the layout above. */
bool publish_is_leftover_name(const char *name);

/* Removes every leftover entry of out_dir (call with the lock held). Returns
 * the number removed, or -1 with err. */
int publish_clean_leftovers(struct publish *p, struct strbuf *err);

/* Creates this run's work and stage folders. */
int publish_begin(struct publish *p, struct strbuf *err);

/* Copies the regular file src to stage/<name>. */
int publish_copy_to_stage(struct publish *p, const char *src, const char *name,
                          struct strbuf *err);

/* true when name may be published: non-empty, no '/', not starting with '.'
 * (hidden names are reserved for the layout above). */
bool publish_valid_name(const char *name);

/* Publishes the stage folder as out_dir/<name>: fsyncs every file of the
 * stage folder and the folder, renames it to name (or, when name exists,
 * exchanges the two atomically with renameat2(RENAME_EXCHANGE)), fsyncs
 * out_dir, then removes the previous tree. On success the stage folder is
 * gone. *replaced tells whether a previous name was replaced (may be NULL).
 * On failure nothing visible under name has changed. */
int publish_commit(struct publish *p, const char *name, bool *replaced, struct strbuf *err);

/* Points out_dir/latest at name (a published folder): a symbolic link made
 * under a hidden temporary name and renamed over `latest`, so that a reader
 * always finds the previous or the new target, never none. */
int publish_point_latest(struct publish *p, const char *name, struct strbuf *err);

/* Removes this run's work and stage folders if they exist (after a failure,
 * or the work folder after publish_commit). */
int publish_cleanup(struct publish *p, struct strbuf *err);

/* Releases the lock, closes out_dir and frees p's contents. Does not remove
 * anything: call publish_cleanup first. */
void publish_release(struct publish *p);

/* Removes dirfd/name and, for a directory, everything below it, without
 * following symbolic links (a link is removed, never its target). A missing
 * name is not an error. */
int remove_tree_at(int dirfd, const char *name, struct strbuf *err);

/* Copies the regular file src to dst (created, must not exist). */
int copy_file(const char *src, const char *dst, struct strbuf *err);

/* Names of dirfd's entries that satisfy keep(), in directory order;
 * NULL-terminated, free with free_names. NULL with err when the folder
 * cannot be read. */
char **list_entries(int dirfd, bool (*keep)(const char *), struct strbuf *err);
void free_names(char **names);

/* fsync()s every regular file directly in the directory dirfd/name, then
 * the directory. */
int fsync_dir_files_at(int dirfd, const char *name, struct strbuf *err);

#endif
