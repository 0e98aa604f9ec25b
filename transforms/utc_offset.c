/* UTC offsets ("Z", "+05:30", "-0800"), shared by timestamp parsing and the
 * naive_utc_offset setting (declared in values.h). */
#include <ctype.h>

#include "transforms/values.h"

int utc_offset_parse(const char *s, size_t n, int32_t *secs) {
  if (n == 1 && s[0] == 'Z') {
    *secs = 0;
    return 0;
  }
  if ((n != 6 && n != 5) || (s[0] != '+' && s[0] != '-'))
    return -1;
  if (n == 6 && s[3] != ':')
    return -1;
  const char *mm = s + (n == 6 ? 4 : 3);
  if (!isdigit((unsigned char)s[1]) || !isdigit((unsigned char)s[2]) ||
      !isdigit((unsigned char)mm[0]) || !isdigit((unsigned char)mm[1]))
    return -1;
  int h = (s[1] - '0') * 10 + (s[2] - '0');
  int m = (mm[0] - '0') * 10 + (mm[1] - '0');
  if (h > 23 || m > 59)
    return -1;
  int32_t v = (int32_t)(h * 3600 + m * 60);
  *secs = s[0] == '-' ? -v : v;
  return 0;
}
