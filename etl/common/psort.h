/* Sorting a large array on two threads: each half sorted by qsort on its
 * own thread, then one merge. etl-normalize sorts millions of touches at
 * its end, when the threads that read the inputs have finished and one of
 * the machine's cores would otherwise wait. The comparison must be a total
 * order (no two elements compare equal unless they are the same bytes), as
 * every sort of the pipeline's tables is, so the result is exactly qsort's
 * whatever the number of threads. */
#ifndef ATTR_PSORT_H
#define ATTR_PSORT_H

#include <stddef.h>

/* Sorts base[0..n) like qsort. threads > 1 and a large enough array: two
 * threads and n * size bytes of scratch; otherwise plain qsort. The
 * comparison is called from both threads at once, so it must only read
 * shared state. */
void psort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *),
           unsigned threads);

#endif
