/* etl-dump: prints an etl-normalize data set as text, for people reading
 * what the normalize stage produced and for the golden end-to-end test. */
#include <stdio.h>
#include <string.h>

#include "etl/common/dataset_io.h"

int main(int argc, char **argv) {
  if (argc == 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
    puts("usage: etl-dump DATASET\n\nPrints the data set written by etl-normalize "
         "(dataset.bin) as text: campaigns, persons, touches, opportunities, links, costs.");
    return 0;
  }
  if (argc != 2) {
    fputs("usage: etl-dump DATASET\n", stderr);
    return 2;
  }
  struct dataset ds;
  struct strbuf err = STRBUF_INIT;
  if (dataset_read(&ds, argv[1], &err) != 0) {
    fprintf(stderr, "etl-dump: %s\n", strbuf_str(&err));
    strbuf_release(&err);
    dataset_release(&ds);
    return 1;
  }
  dataset_dump(&ds, stdout);
  dataset_release(&ds);
  strbuf_release(&err);
  return ferror(stdout) ? 3 : 0;
}
