/* The pipeline.conf loader (config.h, contract §7 and §9 "Config syntax"):
 * reads the git-config-style INI text line by line, dispatches each key to
 * its section, and once the whole file is read checks what spans sections
 * (the models of `models =` against the [model] sections, the required
 * inputs). The values of [pipeline] keys are parsed in config_values.c.
 *
 * Syntax, as the contract settles it: `[section]` or `[section "name"]`
 * (section names case-insensitive, the quoted name exact); `key = value`
 * with case-insensitive keys; `#` or `;` start a comment at the start of a
 * line or after white space, outside double quotes; a value wholly in double
 * quotes loses them; backslashes are literal. Decisions of this loader: a
 * line with an odd number of double quotes is an error (it would otherwise
 * hide a comment or a quote mistake); CRLF and a UTF-8 BOM are accepted; a
 * NUL byte is an error; a key repeated in the same section (or in a repeated
 * [pipeline]/[input] section) takes the last value.
 *
 * Inputs: `crm` is required (it holds the opportunities, nothing can be
 * attributed without it); `ma_activities` and `ma_leads` are optional but go
 * together (activities reference leads, each is useless alone); `fx_rates`
 * and `costs` are optional. Every relative path is taken relative to the
 * file's own folder. */
#include "etl/common/config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "transforms/base/xalloc.h"

#define DEFAULT_MODELS "first_touch, last_touch, linear, u_shaped, w_shaped, full_path, time_decay"
#define NAME_CHARS "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_"
#define MODEL_NAME_CHARS NAME_CHARS "-."

enum section { SEC_NONE, SEC_PIPELINE, SEC_INPUT, SEC_COLUMNS, SEC_CHANNEL, SEC_MODEL, SEC_FUNNEL };

static const char *const section_names[] = {
    [SEC_NONE] = "", [SEC_PIPELINE] = "pipeline", [SEC_INPUT] = "input",
    [SEC_COLUMNS] = "columns", [SEC_CHANNEL] = "channel", [SEC_MODEL] = "model",
    [SEC_FUNNEL] = "funnel",
};

enum input_key { IN_CRM, IN_MA_ACTIVITIES, IN_MA_LEADS, IN_FX_RATES, IN_COSTS, IN_COUNT };

static const char *const input_names[IN_COUNT] = {"crm", "ma_activities", "ma_leads", "fx_rates",
                                                  "costs"};

/* A [model "NAME"] section; copied into the config if `models =` names it. */
struct custom_model {
  struct model_def def;
  int line;
};

struct parser {
  struct etl_config *c;
  struct strbuf *err;
  int line;
  enum section sec;
  char *sub; /* the current section's quoted name, or NULL */
  struct custom_model *customs;
  size_t ncustoms, cap_customs;
  char *models_value; /* the last `models =`, NULL: the default */
  int models_line;
  int input_line[IN_COUNT];
};

/* --- Messages --------------------------------------------------------------- */

static int fail(struct parser *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(struct parser *p, const char *fmt, ...) {
  va_list ap;
  strbuf_reset(p->err);
  if (p->line > 0)
    strbuf_addf(p->err, "%s:%d: ", p->c->path, p->line);
  else
    strbuf_addf(p->err, "%s: ", p->c->path);
  va_start(ap, fmt);
  strbuf_vaddf(p->err, fmt, ap);
  va_end(ap);
  return -1;
}

/* "[channel \"Paid Search\"]" or "[pipeline]" for messages. */
static const char *section_label(const struct parser *p, struct strbuf *sb) {
  strbuf_reset(sb);
  if (p->sub)
    strbuf_addf(sb, "[%s \"%s\"]", section_names[p->sec], p->sub);
  else
    strbuf_addf(sb, "[%s]", section_names[p->sec]);
  return sb->buf;
}

static int fail_unknown_key(struct parser *p, const char *key) {
  struct strbuf sb = STRBUF_INIT;
  fail(p, "unknown key '%s' in %s", key, section_label(p, &sb));
  strbuf_release(&sb);
  return -1;
}

/* --- Text helpers ----------------------------------------------------------- */

static bool is_space(char ch) { return ch == ' ' || ch == '\t'; }

static char *trim(char *s) {
  while (is_space(*s))
    s++;
  size_t n = strlen(s);
  while (n && is_space(s[n - 1]))
    s[--n] = '\0';
  return s;
}

/* Cuts off a comment (in place) and checks that quotes are balanced. */
static int strip_comment(struct parser *p, char *s) {
  bool quoted = false;
  for (size_t i = 0; s[i]; i++) {
    if (s[i] == '"') {
      quoted = !quoted;
    } else if (!quoted && (s[i] == '#' || s[i] == ';') && (i == 0 || is_space(s[i - 1]))) {
      s[i] = '\0';
      break;
    }
  }
  return quoted ? fail(p, "unterminated double quote") : 0;
}

/* A value wholly in double quotes loses them: "a # b" -> a # b. */
static char *unquote(char *v) {
  size_t n = strlen(v);
  if (n >= 2 && v[0] == '"' && v[n - 1] == '"' && !memchr(v + 1, '"', n - 2)) {
    v[n - 1] = '\0';
    return v + 1;
  }
  return v;
}

/* --- Sections --------------------------------------------------------------- */

static int enter_columns(struct parser *p) {
  const char *canonical;
  if (etl_entity_column(p->sub, "", &canonical) < 0)
    return fail(p,
                "unknown entity in [columns \"%s\"] (expected Campaign, Lead, Contact, "
                "Opportunity, OpportunityContactRole, CampaignMember, OpportunityHistory, "
                "ma_activities, ma_leads, fx_rates or costs)",
                p->sub);
  return 0;
}

static int enter_model(struct parser *p) {
  struct model_def tmp;
  const char *name = p->sub;
  if (model_builtin(name, &tmp))
    return fail(p, "model \"%s\": the name of a built-in model", name);
  if (name[strspn(name, MODEL_NAME_CHARS)] != '\0')
    return fail(p, "model \"%s\": a model name takes letters, digits, '_', '-' and '.'", name);
  for (size_t i = 0; i < p->ncustoms; i++)
    if (strcmp(p->customs[i].def.name, name) == 0)
      return fail(p, "model \"%s\" is already defined at line %d", name, p->customs[i].line);
  XGROW(p->customs, p->cap_customs, p->ncustoms + 1);
  struct custom_model *m = &p->customs[p->ncustoms++];
  memset(m, 0, sizeof(*m));
  m->def.name = xstrdup(name);
  m->def.kind = MODEL_POSITION;
  m->line = p->line;
  return 0;
}

static int enter_section(struct parser *p, const char *name, char *sub) {
  free(p->sub);
  p->sub = sub;
  p->sec = SEC_NONE;
  for (int s = SEC_PIPELINE; s <= SEC_FUNNEL; s++)
    if (strcasecmp(name, section_names[s]) == 0)
      p->sec = (enum section)s;
  if (p->sec == SEC_NONE)
    return sub ? fail(p, "unknown section [%s \"%s\"]", name, sub)
               : fail(p, "unknown section [%s]", name);
  bool named = p->sec == SEC_COLUMNS || p->sec == SEC_CHANNEL || p->sec == SEC_MODEL;
  if (!named && sub)
    return fail(p, "section [%s] takes no name", section_names[p->sec]);
  if (named && (!sub || !*sub))
    return fail(p, "section [%s] needs a name: [%s \"NAME\"]", section_names[p->sec],
                section_names[p->sec]);
  switch (p->sec) {
  case SEC_COLUMNS:
    return enter_columns(p);
  case SEC_CHANNEL:
    channel_rules_begin(p->c->rules, sub);
    return 0;
  case SEC_MODEL:
    return enter_model(p);
  default:
    return 0;
  }
}

/* "[name]" or "[name "sub"]", s trimmed and starting with '['. */
static int parse_header(struct parser *p, char *s) {
  size_t n = strlen(s);
  if (n < 2 || s[n - 1] != ']')
    return fail(p, "invalid section header '%s'", s);
  s[n - 1] = '\0';
  char *in = trim(s + 1);
  size_t nl = strspn(in, NAME_CHARS);
  char *rest = in + nl;
  while (is_space(*rest))
    rest++;
  char *sub = NULL;
  if (*rest == '"') {
    char *q = strchr(rest + 1, '"'); /* present: quotes are balanced */
    sub = xstrndup(rest + 1, (size_t)(q - rest - 1));
    rest = q + 1;
    while (is_space(*rest))
      rest++;
  }
  if (nl == 0 || *rest) {
    free(sub);
    return fail(p, "invalid section header '%s]'", s);
  }
  in[nl] = '\0';
  return enter_section(p, in, sub);
}

/* --- Keys ------------------------------------------------------------------- */

static char **input_slot(struct etl_config *c, enum input_key k) {
  switch (k) {
  case IN_CRM:
    return &c->crm;
  case IN_MA_ACTIVITIES:
    return &c->ma_activities;
  case IN_MA_LEADS:
    return &c->ma_leads;
  case IN_FX_RATES:
    return &c->fx_rates;
  default:
    return &c->costs;
  }
}

static int key_input(struct parser *p, const char *key, const char *value) {
  for (int k = 0; k < IN_COUNT; k++) {
    if (strcasecmp(key, input_names[k]) != 0)
      continue;
    if (!*value)
      return fail(p, "input %s: empty path", input_names[k]);
    char **slot = input_slot(p->c, (enum input_key)k);
    free(*slot);
    *slot = etl_config_resolve(p->c, value);
    p->input_line[k] = p->line;
    return 0;
  }
  return fail_unknown_key(p, key);
}

static int key_columns(struct parser *p, const char *key, const char *value) {
  const char *canonical;
  if (etl_entity_column(p->sub, key, &canonical) != 1)
    return fail(p, "unknown column '%s' in [columns \"%s\"]", key, p->sub);
  if (!*value)
    return fail(p, "[columns \"%s\"] %s: empty header", p->sub, canonical);
  struct etl_config *c = p->c;
  for (size_t i = 0; i < c->nremaps; i++) {
    struct column_remap *r = &c->remaps[i];
    if (strcmp(r->entity, p->sub) == 0 && strcmp(r->canonical, canonical) == 0) {
      free(r->header);
      r->header = xstrdup(value);
      return 0;
    }
  }
  c->remaps = xreallocarray(c->remaps, c->nremaps + 1, sizeof(*c->remaps));
  struct column_remap *r = &c->remaps[c->nremaps++];
  r->entity = xstrdup(p->sub);
  r->canonical = xstrdup(canonical);
  r->header = xstrdup(value);
  return 0;
}

static int key_channel(struct parser *p, const char *key, const char *value) {
  int f = rule_field_from_name(key);
  if (f < 0)
    return fail(p,
                "channel \"%s\": unknown field '%s' (expected utm_source, utm_medium, "
                "utm_campaign, referrer, campaign_type, kind or lead_source)",
                p->sub, key);
  if (!*value)
    return fail(p, "channel \"%s\": %s: empty pattern (write ^$ to match an empty field)",
                p->sub, rule_field_name((enum rule_field)f));
  struct strbuf why = STRBUF_INIT;
  int rc = 0;
  if (channel_rules_add_field(p->c->rules, (enum rule_field)f, value, &why) < 0)
    rc = fail(p, "channel \"%s\": %s", p->sub, strbuf_str(&why));
  strbuf_release(&why);
  return rc;
}

static int key_model(struct parser *p, const char *key, const char *value) {
  static const char *const keys[] = {[MS_FT] = "ft", [MS_LC] = "lc", [MS_OC] = "oc",
                                     [MS_CW] = "cw", [MS_LT] = "lt", [MS_COUNT] = "middle"};
  struct model_def *m = &p->customs[p->ncustoms - 1].def;
  for (int k = 0; k <= MS_COUNT; k++) {
    if (strcasecmp(key, keys[k]) != 0)
      continue;
    int64_t w;
    const char *why;
    if (model_weight_parse(value, &w, &why) < 0)
      return fail(p, "model \"%s\": %s: '%s' %s", m->name, keys[k], value, why);
    if (k == MS_COUNT)
      m->middle = w;
    else
      m->weight[k] = w;
    return 0;
  }
  return fail_unknown_key(p, key);
}

static int key_pipeline(struct parser *p, const char *key, const char *value) {
  if (strcasecmp(key, "models") == 0) {
    free(p->models_value);
    p->models_value = xstrdup(value);
    p->models_line = p->line;
    return 0;
  }
  struct strbuf why = STRBUF_INIT;
  int rc = etl_config_set_pipeline(p->c, key, value, &why);
  if (rc == 1)
    rc = fail_unknown_key(p, key);
  else if (rc < 0)
    fail(p, "%s", strbuf_str(&why));
  strbuf_release(&why);
  return rc;
}

/* [funnel] stages = A, B, C (a repeated key: the last wins). */
static int key_funnel(struct parser *p, const char *key, const char *value) {
  if (strcasecmp(key, "stages") != 0)
    return fail_unknown_key(p, key);
  struct strbuf why = STRBUF_INIT;
  int rc = 0;
  if (funnel_stages_parse(&p->c->funnel, value, &why) < 0)
    rc = fail(p, "[funnel] stages: %s", strbuf_str(&why));
  strbuf_release(&why);
  return rc;
}

/* "key = value", s trimmed and not a header. */
static int parse_key(struct parser *p, char *s) {
  char *eq = strchr(s, '=');
  if (!eq)
    return fail(p, "expected 'key = value' or a [section], got '%s'", s);
  *eq = '\0';
  char *key = trim(s);
  char *value = unquote(trim(eq + 1));
  if (!*key || strpbrk(key, " \t\""))
    return fail(p, "invalid key '%s'", key);
  switch (p->sec) {
  case SEC_PIPELINE:
    return key_pipeline(p, key, value);
  case SEC_INPUT:
    return key_input(p, key, value);
  case SEC_COLUMNS:
    return key_columns(p, key, value);
  case SEC_CHANNEL:
    return key_channel(p, key, value);
  case SEC_MODEL:
    return key_model(p, key, value);
  case SEC_FUNNEL:
    return key_funnel(p, key, value);
  default:
    return fail(p, "key '%s' outside any section", key);
  }
}

static int parse_line(struct parser *p, const char *text, size_t n) {
  if (memchr(text, '\0', n))
    return fail(p, "NUL byte in the file");
  char *buf = xstrndup(text, n);
  int rc = strip_comment(p, buf);
  if (rc == 0) {
    char *s = trim(buf);
    if (*s == '[')
      rc = parse_header(p, s);
    else if (*s)
      rc = parse_key(p, s);
  }
  free(buf);
  return rc;
}

/* --- Checks once the file is read ------------------------------------------ */

static int check_customs(struct parser *p) {
  for (size_t i = 0; i < p->ncustoms; i++) {
    const struct model_def *m = &p->customs[i].def;
    int64_t sum = m->middle;
    for (int k = 0; k < MS_COUNT; k++)
      sum += m->weight[k];
    if (sum == 0) {
      p->line = p->customs[i].line;
      return fail(p, "model \"%s\": every weight is 0", m->name);
    }
  }
  return 0;
}

/* Appends model `name` to c->models, or fails. */
static int add_model(struct parser *p, const char *name) {
  struct model_def def;
  const char *canonical = model_builtin(name, &def);
  if (!canonical) {
    for (size_t i = 0; i < p->ncustoms && !canonical; i++)
      if (strcmp(p->customs[i].def.name, name) == 0) {
        def = p->customs[i].def;
        canonical = def.name;
      }
  }
  if (!canonical)
    return fail(p, "models: unknown model '%s' (not built in, no [model \"%s\"] section)", name,
                name);
  struct etl_config *c = p->c;
  for (size_t i = 0; i < c->nmodels; i++)
    if (strcmp(c->models[i].name, canonical) == 0)
      return fail(p, "models: '%s' is listed twice", canonical);
  c->models = xreallocarray(c->models, c->nmodels + 1, sizeof(*c->models));
  def.name = xstrdup(canonical);
  c->models[c->nmodels++] = def;
  return 0;
}

static int resolve_models(struct parser *p) {
  const char *text = p->models_value ? p->models_value : DEFAULT_MODELS;
  p->line = p->models_value ? p->models_line : 0;
  char *copy = xstrdup(text);
  int rc = 0;
  if (!*trim(copy))
    rc = fail(p, "models: no model listed");
  for (char *item = copy; rc == 0 && item;) {
    char *comma = strchr(item, ',');
    if (comma)
      *comma = '\0';
    char *name = trim(item);
    rc = *name ? add_model(p, name) : fail(p, "models: empty name in '%s'", text);
    item = comma ? comma + 1 : NULL;
  }
  free(copy);
  return rc;
}

static int check_inputs(struct parser *p) {
  const struct etl_config *c = p->c;
  if (!c->crm) {
    p->line = 0;
    return fail(p, "[input] crm is not set (the CRM export is required)");
  }
  if (!c->ma_activities != !c->ma_leads) {
    bool acts = c->ma_activities != NULL;
    p->line = p->input_line[acts ? IN_MA_ACTIVITIES : IN_MA_LEADS];
    return fail(p, "[input] %s is set without %s (the marketing-automation export needs both)",
                acts ? "ma_activities" : "ma_leads", acts ? "ma_leads" : "ma_activities");
  }
  return 0;
}

/* --- Driver ----------------------------------------------------------------- */

static void parser_release(struct parser *p) {
  for (size_t i = 0; i < p->ncustoms; i++)
    free(p->customs[i].def.name);
  free(p->customs);
  free(p->sub);
  free(p->models_value);
}

static int parse_text(struct parser *p, const char *text, size_t len) {
  size_t pos = 0;
  if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
    pos = 3;
  while (pos < len) {
    const char *nl = memchr(text + pos, '\n', len - pos);
    size_t end = nl ? (size_t)(nl - text) : len;
    size_t n = end - pos;
    if (n && text[pos + n - 1] == '\r')
      n--;
    p->line++;
    if (parse_line(p, text + pos, n) < 0)
      return -1;
    pos = end + 1;
  }
  if (check_customs(p) < 0 || resolve_models(p) < 0 || check_inputs(p) < 0)
    return -1;
  return 0;
}

static char *dir_of(const char *path) {
  const char *slash = strrchr(path, '/');
  if (!slash)
    return xstrdup(".");
  if (slash == path)
    return xstrdup("/");
  return xstrndup(path, (size_t)(slash - path));
}

char *etl_config_resolve(const struct etl_config *c, const char *p) {
  if (p[0] == '/' || !c->path || !strchr(c->path, '/'))
    return xstrdup(p);
  size_t n = strlen(c->dir);
  return xasprintf("%s%s%s", c->dir, (n && c->dir[n - 1] == '/') ? "" : "/", p);
}

/* Every default of §7; models are filled once the file is read. */
static void config_init(struct etl_config *c, const char *path) {
  static const struct ma_touch_type default_types[] = {
      {1, TOUCH_KIND_WEB_VISIT}, {2, "form_fill"}, {11, "email_click"}};
  memset(c, 0, sizeof(*c));
  c->path = xstrdup(path);
  c->dir = dir_of(path);
  memcpy(c->currency, "USD", 4);
  c->period = PERIOD_MONTH;
  c->lookback_days = 365;
  c->half_life_days = 7;
  c->account_based = false;
  c->max_reject_ratio = 0.01;
  c->naive_utc_offset = 0;
  c->fiscal_year_start_month = 1;
  c->crm_touches_all = false;
  c->web_visit_requires_utm = true;
  c->nma_types = sizeof(default_types) / sizeof(default_types[0]);
  c->ma_types = xmalloc(sizeof(default_types));
  memcpy(c->ma_types, default_types, sizeof(default_types));
  c->excel_bom = false;
  c->max_expand_ratio = 1000;
  c->max_input_bytes = 68719476736ULL;
  c->out_dir = etl_config_resolve(c, "out");
  c->rules = channel_rules_new();
  struct strbuf why = STRBUF_INIT;
  /* cannot fail: the default list is valid (tests/unit/test_funnel.c) */
  (void)funnel_stages_parse(&c->funnel, FUNNEL_DEFAULT_STAGES, &why);
  strbuf_release(&why);
}

static int parse_into(struct etl_config *c, const char *text, size_t len, struct strbuf *err) {
  struct parser p;
  memset(&p, 0, sizeof(p));
  p.c = c;
  p.err = err;
  int rc = parse_text(&p, text, len);
  parser_release(&p);
  return rc;
}

int etl_config_parse(struct etl_config *c, const char *path, const char *text, size_t len,
                     struct strbuf *err) {
  config_init(c, path);
  return parse_into(c, text, len, err);
}

/* Reads the whole file; -1 with "path: reason". */
static int read_file(const char *path, struct strbuf *out, struct strbuf *err) {
  FILE *f = fopen(path, "rb");
  if (!f) {
    strbuf_reset(err);
    strbuf_addf(err, "%s: %s", path, strerror(errno));
    return -1;
  }
  char chunk[8192];
  size_t n;
  while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
    strbuf_add(out, chunk, n);
  int bad = ferror(f);
  int saved = errno;
  fclose(f);
  if (bad) {
    strbuf_reset(err);
    strbuf_addf(err, "%s: %s", path, strerror(saved));
    return -1;
  }
  return 0;
}

int etl_config_load(struct etl_config *c, const char *path, struct strbuf *err) {
  config_init(c, path);
  struct strbuf text = STRBUF_INIT;
  int rc = read_file(path, &text, err);
  if (rc == 0)
    rc = parse_into(c, strbuf_str(&text), text.len, err);
  strbuf_release(&text);
  return rc;
}

void etl_config_release(struct etl_config *c) {
  free(c->path);
  free(c->dir);
  for (size_t i = 0; i < c->nmodels; i++)
    free(c->models[i].name);
  free(c->models);
  free(c->ma_types);
  free(c->out_dir);
  free(c->crm);
  free(c->ma_activities);
  free(c->ma_leads);
  free(c->fx_rates);
  free(c->costs);
  for (size_t i = 0; i < c->nremaps; i++) {
    free(c->remaps[i].entity);
    free(c->remaps[i].canonical);
    free(c->remaps[i].header);
  }
  free(c->remaps);
  channel_rules_free(c->rules);
  funnel_stages_release(&c->funnel);
  memset(c, 0, sizeof(*c));
}

/* --- Lookups ---------------------------------------------------------------- */

const char *etl_config_column(const struct etl_config *c, const char *entity, const char *name) {
  for (size_t i = 0; i < c->nremaps; i++) {
    const struct column_remap *r = &c->remaps[i];
    if (strcmp(r->entity, entity) == 0 && strcasecmp(r->canonical, name) == 0)
      return r->header;
  }
  return name;
}

int etl_config_ma_kind(const struct etl_config *c, long type_id, const char **kind) {
  for (size_t i = 0; i < c->nma_types; i++)
    if (c->ma_types[i].type_id == type_id) {
      *kind = c->ma_types[i].kind;
      return (int)i;
    }
  return -1;
}
