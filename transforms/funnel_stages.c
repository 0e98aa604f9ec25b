/* The funnel's stage list (see funnel_stages.h): parsing the config value
 * and finding a CRM stage name in it. */
#include "transforms/funnel_stages.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "transforms/base/xalloc.h"

static bool is_trim_space(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

const char *funnel_trim(const char *s, size_t *n) {
  size_t len = *n;
  while (len && is_trim_space(*s))
    s++, len--;
  while (len && is_trim_space(s[len - 1]))
    len--;
  *n = len;
  return s;
}

void funnel_stages_release(struct funnel_stages *s) {
  for (size_t i = 0; i < s->n; i++)
    free(s->names[i]);
  free(s->names);
  s->names = NULL;
  s->n = 0;
}

static int position_of(char *const *names, size_t count, const char *s, size_t n) {
  for (size_t i = 0; i < count; i++)
    if (strlen(names[i]) == n && memcmp(names[i], s, n) == 0)
      return (int)i;
  return FUNNEL_NO_STAGE;
}

/* Appends the trimmed item s[0..n) to list, or fails with why. */
static int add_name(struct funnel_stages *list, const char *text, const char *s, size_t n,
                    struct strbuf *why) {
  s = funnel_trim(s, &n);
  if (n == 0) {
    strbuf_addf(why, "empty stage name in '%s'", text);
    return -1;
  }
  if (position_of(list->names, list->n, s, n) != FUNNEL_NO_STAGE) {
    strbuf_addf(why, "stage '%.*s' is listed twice", (int)n, s);
    return -1;
  }
  if (list->n == FUNNEL_MAX_STAGES) {
    strbuf_addf(why, "more than %d stages", FUNNEL_MAX_STAGES);
    return -1;
  }
  list->names = xreallocarray(list->names, list->n + 1, sizeof(char *));
  list->names[list->n++] = xstrndup(s, n);
  return 0;
}

int funnel_stages_parse(struct funnel_stages *out, const char *text, struct strbuf *why) {
  struct funnel_stages list = {NULL, 0};
  const char *p = text;
  for (;;) {
    const char *comma = strchr(p, ',');
    size_t n = comma ? (size_t)(comma - p) : strlen(p);
    if (add_name(&list, text, p, n, why) != 0) {
      funnel_stages_release(&list);
      return -1;
    }
    if (!comma)
      break;
    p = comma + 1;
  }
  funnel_stages_release(out);
  *out = list;
  return 0;
}

int funnel_stage_position(const struct funnel_stages *st, const char *s, size_t n) {
  s = funnel_trim(s, &n);
  return position_of(st->names, st->n, s, n);
}
