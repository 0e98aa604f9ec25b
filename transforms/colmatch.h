/* Near matches between a column name the pipeline looks for and the headers
 * a file has, for the message about missing required columns: an export
 * whose `CloseDate` came out as `closedate`, `Amount ` or `Close Date` gets
 * a suggestion instead of a bare "missing column". Pure function. */
#ifndef ATTR_COLMATCH_H
#define ATTR_COLMATCH_H

#include <stdbool.h>
#include <stddef.h>

/* The header among headers[0..n) (lens[i] bytes each) that best looks like
 * `want`, or -1 if none is close. Closeness, best first: equal ignoring ASCII
 * case; equal after trimming white space (and ignoring case); equal once
 * case, white space, '_', '-' and '.' are ignored; a case-insensitive edit
 * distance (Levenshtein) of 1 for names of 4 or 5 characters, 2 from 6 on
 * (none for shorter names: `Id` and `ia` are not alike).
 * Ties go to the first header in file order. Headers with taken[i] true
 * (already someone's exact match; taken may be NULL) are never suggested. */
int column_suggest(const char *want, const char *const *headers, const size_t *lens, size_t n,
                   const bool *taken);

#endif
