/* The name tables of the domain vocabulary (see model.h): period and touch
 * kind names, and the built-in models of contract §4 with their exact
 * milestone weights. */
#include "transforms/model.h"

#include <string.h>
#include <strings.h>

/* --- Names ---------------------------------------------------------------- */

static const char *const period_names[] = {"day", "week", "month", "quarter", "year"};

const char *period_kind_name(enum period_kind p) {
  return (unsigned)p <= PERIOD_YEAR ? period_names[p] : "?";
}

bool touch_kind_name_valid(const char *s) {
  size_t n = strlen(s);
  if (n == 0 || n > TOUCH_KIND_MAX || s[0] < 'a' || s[0] > 'z')
    return false;
  return strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789_") == n;
}

int period_kind_from_name(const char *s) {
  for (int i = 0; i <= PERIOD_YEAR; i++)
    if (strcasecmp(s, period_names[i]) == 0)
      return i;
  return -1;
}

/* --- Built-in models (§4) --------------------------------------------------- */

#define MILLI(n) ((int64_t)(n) * (WEIGHT_SCALE / 1000)) /* n thousandths */

static const struct builtin_model {
  const char *name;
  enum model_kind kind;
  int64_t weight[MS_COUNT]; /* FT, LC, OC, CW, LT */
  int64_t middle;
} builtins[] = {
    {"first_touch", MODEL_POSITION, {MILLI(1000), 0, 0, 0, 0}, 0},
    {"last_touch", MODEL_POSITION, {0, 0, 0, 0, MILLI(1000)}, 0},
    {"linear", MODEL_POSITION, {0, 0, 0, 0, 0}, MILLI(1000)},
    {"u_shaped", MODEL_POSITION, {MILLI(400), MILLI(400), 0, 0, 0}, MILLI(200)},
    {"w_shaped", MODEL_POSITION, {MILLI(300), MILLI(300), MILLI(300), 0, 0}, MILLI(100)},
    {"full_path", MODEL_POSITION, {MILLI(225), MILLI(225), MILLI(225), MILLI(225), 0}, MILLI(100)},
    {"time_decay", MODEL_TIME_DECAY, {0, 0, 0, 0, 0}, 0},
    {"primary_campaign", MODEL_PRIMARY_CAMPAIGN, {0, 0, 0, 0, 0}, 0},
    {"markov", MODEL_MARKOV, {0, 0, 0, 0, 0}, 0},
    {"shapley", MODEL_SHAPLEY, {0, 0, 0, 0, 0}, 0},
};

const char *model_builtin(const char *name, struct model_def *out) {
  for (size_t i = 0; i < sizeof(builtins) / sizeof(builtins[0]); i++) {
    const struct builtin_model *b = &builtins[i];
    if (strcasecmp(name, b->name) != 0)
      continue;
    out->name = NULL;
    out->kind = b->kind;
    memcpy(out->weight, b->weight, sizeof(out->weight));
    out->middle = b->middle;
    return b->name;
  }
  return NULL;
}

