/* Fuzz target for the JSON attributes parser (ma_attributes_parse), followed
 * by what the pipeline does with its result (UTMs, referrer host). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "transforms/values.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const char *s = (const char *)data;
  struct ma_attributes a;
  struct utm u;
  struct strbuf host = STRBUF_INIT;
  const char *why = NULL;
  ma_attributes_init(&a);
  utm_init(&u);
  if (ma_attributes_parse(s, size, &a, &why) != 0) {
    if (!why || strncmp(why, "attributes: ", 12) != 0 || a.has_webpage_url ||
        a.has_query_parameters || a.has_referrer_url)
      abort();
  } else {
    /* Decoding never grows a value beyond its escaped text. */
    if (a.query_parameters.len > size || a.webpage_url.len > size || a.referrer_url.len > size)
      abort();
    if (!a.has_webpage_url && a.webpage_url.len)
      abort();
    utm_from_attributes(&a, &u);
    referrer_host(a.referrer_url.buf ? a.referrer_url.buf : "", a.referrer_url.len, &host);
  }
  strbuf_release(&host);
  utm_release(&u);
  ma_attributes_release(&a);
  return 0;
}
