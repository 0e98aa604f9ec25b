/* The exit codes of every program of the pipeline (contract §8,
 * docs/operations.md "Exit codes"), in one
 * documented table so that no program invents its own numbers (curl's
 * _EXITCODES.md is the model). A process that ends because of a signal it
 * received or a stage that died of one exits ETL_EXIT_SIGNAL_BASE + N, the
 * shell convention.
 *
 *   code  meaning
 *   0     success
 *   1     data fault: rejects over max_reject_ratio, a file-level fault, an
 *         input that cannot be read
 *   2     usage or configuration error (also a stage program that cannot
 *         be started)
 *   3     I/O error writing outputs (out_dir not a directory or cannot be
 *         created included)
 *   4     another run holds the lock on out_dir (or --wait=SECONDS ran out)
 *   5     out of memory (an allocation failed; nothing was published)
 *   128+N the run was interrupted by signal N (SIGINT, SIGTERM, SIGHUP) or a
 *         stage died of signal N; nothing was published */
#ifndef ATTR_EXITCODES_H
#define ATTR_EXITCODES_H

enum etl_exit {
  ETL_EXIT_OK = 0,
  ETL_EXIT_DATA = 1,
  ETL_EXIT_USAGE = 2,
  ETL_EXIT_IO = 3,
  ETL_EXIT_LOCKED = 4,
  ETL_EXIT_NOMEM = 5,
};

#define ETL_EXIT_SIGNAL_BASE 128

/* The table above as --help text, for every program's usage message. */
#define ETL_EXIT_CODES_HELP                                                   \
  "Exit codes:\n"                                                             \
  "  0      success\n"                                                        \
  "  1      data fault (rejects over the threshold, a file-level fault,\n"    \
  "         an input that cannot be read)\n"                                  \
  "  2      usage or configuration error\n"                                   \
  "  3      I/O error writing outputs (out_dir not a directory or cannot\n"   \
  "         be created included)\n"                                           \
  "  4      another run holds the lock on out_dir (--wait=SECONDS: it\n"   \
  "         still did when the time ran out)\n"                              \
  "  5      out of memory\n"                                                 \
  "  128+N  interrupted by signal N, or a stage died of signal N\n"

#endif
