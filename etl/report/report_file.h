/* The files etl-report touches besides the tables: the page, written
 * beside its target under a hidden temporary name, fsynced and renamed
 * into place (a crash leaves the previous page or none, never half of
 * one), and the SHA-256 of a file, to tell whether the config named in the
 * manifest is still the one the run used. */
#ifndef ATTR_REPORT_FILE_H
#define ATTR_REPORT_FILE_H

#include <stddef.h>

#include "etl/common/sha256.h"
#include "transforms/base/strbuf.h"

/* Writes data[0..n) to path atomically (temporary ".NAME.tmp-PID" in the
 * same folder, fsync, rename). Returns 0, or -1 with err ("report.html:
 * No space left on device"); the temporary file is removed on failure. */
int report_write_atomic(const char *path, const void *data, size_t n, struct strbuf *err);

/* Hex SHA-256 of the file at path: 0, or -1 when it cannot be read. */
int report_file_sha256(const char *path, char hex[SHA256_HEX_LEN + 1]);

#endif
