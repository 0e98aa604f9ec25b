/* Boolean cells (contract §2, §9 "Values"): exactly true/false/1/0 in any
 * case, empty meaning false; anything else is a value fault. */
#include <strings.h>

#include "transforms/values.h"

int bool_parse(const char *s, size_t n, bool *out) {
  if (n == 0 || (n == 1 && s[0] == '0') || (n == 5 && strncasecmp(s, "false", 5) == 0)) {
    *out = false;
    return 0;
  }
  if ((n == 1 && s[0] == '1') || (n == 4 && strncasecmp(s, "true", 4) == 0)) {
    *out = true;
    return 0;
  }
  return -1;
}
