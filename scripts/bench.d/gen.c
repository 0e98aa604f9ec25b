/* Deterministic generator of realistic benchmark inputs for the attribution
 * pipeline (scripts/gen, scripts/bench): a Salesforce data export as a zip
 * (every field quoted, CRLF, many unused columns) and a Marketo bulk extract
 * of leads and activities as gzip files (`null` for empty cells, JSON
 * `attributes` whose quotes are doubled).
 *
 * Every property of an entity is a pure function of (seed, entity kind,
 * index) through splitmix64, so the three parts (crm, ma_leads,
 * ma_activities) can run as separate processes on separate cores and still
 * agree on ids, emails, dates and campaign names; the same scale always
 * gives byte-identical files (for one zlib/libarchive version).
 *
 * The data is deliberately free of what the DuckDB reference SQL
 * (duckdb.sql) would have to special-case: no rejected rows, no duplicate
 * keys or touches, no fx, no 15-character ids, no IsDeleted rows that are
 * referenced, UTC timestamps only, emails that are valid after lowercasing.
 *
 *   gen --scale small|medium|large --part crm|ma_leads|ma_activities --out DIR
 *       [--history]
 *
 * --history adds OpportunityHistory.csv to the CRM export (stage changes of
 * every opportunity, for the funnel table); every other file stays
 * byte-identical, so the same scale with and without history can be
 * compared.
 *
 * Writes DIR/crm_export.zip, DIR/marketo_leads.csv.gz or
 * DIR/marketo_activities.csv.gz (through a temporary name, renamed when
 * complete) and DIR/sizes-<part>.tsv: name, compressed bytes, uncompressed
 * bytes, data rows. */
#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <pthread.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zlib.h>

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
#define DAY 86400LL
#define SEED 0x5EEDA77121B07ULL

/* --- deterministic randomness ------------------------------------------ */

static uint64_t mix64(uint64_t z) {
  z += 0x9E3779B97F4A7C15ULL;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

struct rng {
  uint64_t s;
};

/* The stream of entity `idx` of kind `kind`. */
static struct rng rng_for(uint32_t kind, uint64_t idx) {
  struct rng r = {mix64(SEED ^ mix64(((uint64_t)kind << 48) ^ idx))};
  return r;
}

static uint64_t rng_next(struct rng *r) {
  r->s += 0x9E3779B97F4A7C15ULL;
  uint64_t z = r->s;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

/* Uniform in [0, 1). */
static double rng_u01(struct rng *r) { return (double)(rng_next(r) >> 11) * 0x1.0p-53; }

/* Uniform integer in [lo, hi] (hi >= lo). */
static int64_t rng_range(struct rng *r, int64_t lo, int64_t hi) {
  return lo + (int64_t)(rng_next(r) % (uint64_t)(hi - lo + 1));
}

static bool rng_chance(struct rng *r, double p) { return rng_u01(r) < p; }

/* A skewed index in [0, n): low indices are more frequent (density ~ 1/sqrt). */
static uint32_t rng_skewed(struct rng *r, uint32_t n) {
  double u = rng_u01(r);
  uint32_t i = (uint32_t)(u * u * n);
  return i < n ? i : n - 1;
}

/* Entity kinds for rng_for. */
enum {
  K_ACCOUNT = 1, K_CAMPAIGN, K_LEAD, K_DCONTACT, K_MAONLY, K_OPP, K_CONVOPP, K_MEMBERS,
  K_ACTIVITY, K_MLEAD, K_OCR, K_NAME, K_HIST
};

/* --- calendar ------------------------------------------------------------ */

static int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  int64_t era = (y >= 0 ? y : y - 399) / 400;
  unsigned yoe = (unsigned)(y - era * 400);
  unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + (int64_t)doe - 719468;
}

static void civil_from_days(int64_t z, int *y, int *m, int *d) {
  z += 719468;
  int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  unsigned doe = (unsigned)(z - era * 146097);
  unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t yy = (int64_t)yoe + era * 400;
  unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  unsigned mp = (5 * doy + 2) / 153;
  *d = (int)(doy - (153 * mp + 2) / 5 + 1);
  *m = (int)(mp < 10 ? mp + 3 : mp - 9);
  *y = (int)(yy + (*m <= 2));
}

static int64_t ts_of(int y, unsigned m, unsigned d) { return days_from_civil(y, m, d) * DAY; }

static int64_t floor_div(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

/* --- scale and world ----------------------------------------------------- */

struct world {
  const char *scale;
  uint32_t naccounts, ncampaigns, nleads, ndcontacts, nmaonly, nopps;
  uint64_t nmembers, nactivities;
  int64_t t_people0, t_data0, t_asof, t_export;
};

static struct world W;

static int world_init(const char *scale) {
  double f;
  if (strcmp(scale, "small") == 0)
    f = 0.01;
  else if (strcmp(scale, "medium") == 0)
    f = 0.1;
  else if (strcmp(scale, "large") == 0)
    f = 1.0;
  else
    return -1;
  W.scale = scale;
  W.naccounts = (uint32_t)(60000 * f);
  W.ncampaigns = (uint32_t)(3000 * f) < 150 ? 150 : (uint32_t)(3000 * f);
  W.nleads = (uint32_t)(1000000 * f);
  W.ndcontacts = (uint32_t)(130000 * f);
  W.nmaonly = (uint32_t)(150000 * f);
  W.nopps = (uint32_t)(150000 * f);
  W.nmembers = (uint64_t)(3000000 * f);
  W.nactivities = (uint64_t)(10000000 * f);
  W.t_people0 = ts_of(2021, 1, 1);
  W.t_data0 = ts_of(2022, 1, 1);
  W.t_asof = ts_of(2025, 6, 30) + DAY - 1; /* 2025-06-30T23:59:59Z, as bench.conf's as_of */
  W.t_export = ts_of(2025, 7, 1) + 2 * 3600;
  return 0;
}

/* A time in [lo, hi] denser towards hi (a growing business). */
static int64_t growing_time(struct rng *r, int64_t lo, int64_t hi) {
  double u = sqrt(rng_u01(r));
  return lo + (int64_t)(u * (double)(hi - lo));
}

/* --- word lists ------------------------------------------------------------ */

static const char *const first_names[] = {
    "James", "Mary", "Robert", "Patricia", "John", "Jennifer", "Michael", "Linda", "David",
    "Elizabeth", "William", "Barbara", "Richard", "Susan", "Joseph", "Jessica", "Thomas", "Sarah",
    "Charles", "Karen", "Christopher", "Lisa", "Daniel", "Nancy", "Matthew", "Betty", "Anthony",
    "Sandra", "Mark", "Margaret", "Donald", "Ashley", "Steven", "Kimberly", "Andrew", "Emily",
    "Paul", "Donna", "Joshua", "Michelle", "Kenneth", "Carol", "Kevin", "Amanda", "Brian",
    "Melissa", "George", "Deborah", "Timothy", "Stephanie", "Ronald", "Rebecca", "Jason", "Sharon",
    "Edward", "Laura", "Jeffrey", "Cynthia", "Ryan", "Dorothy", "Jacob", "Amy", "Gary", "Kathleen",
    "Nicholas", "Angela", "Eric", "Shirley", "Jonathan", "Emma", "Stephen", "Brenda", "Larry",
    "Pamela", "Justin", "Nicole", "Scott", "Anna", "Brandon", "Samantha", "Benjamin", "Katherine",
    "Samuel", "Christine", "Gregory", "Debra", "Alexander", "Rachel", "Patrick", "Carolyn",
    "Frank", "Janet", "Raymond", "Maria", "Jack", "Olivia", "Dennis", "Heather", "Jerry", "Helen",
    "Tyler", "Catherine", "Aaron", "Diane", "Jose", "Julie", "Adam", "Victoria", "Nathan", "Joyce",
    "Henry", "Lauren", "Zachary", "Kelly", "Douglas", "Christina", "Peter", "Ruth", "Kyle", "Joan",
    "Noah", "Virginia", "Ethan", "Judith", "Jeremy", "Evelyn", "Christian", "Hannah", "Walter",
    "Andrea", "Keith", "Megan", "Austin", "Cheryl", "Roger", "Jacqueline", "Terry", "Madison",
    "Sean", "Teresa", "Gerald", "Abigail", "Carl", "Sophia", "Dylan", "Martha", "Harold", "Sara",
    "Jordan", "Gloria", "Jesse", "Janice", "Bryan", "Kathryn", "Lawrence", "Ann", "Arthur",
    "Isabella", "Gabriel", "Judy", "Bruce", "Charlotte", "Logan", "Julia", "Billy", "Grace", "Joe",
    "Amber", "Alan", "Alice", "Juan", "Jean", "Elijah", "Denise", "Willie", "Frances", "Albert",
    "Danielle", "Wayne", "Marilyn", "Randy", "Natalie", "Mason", "Beverly", "Vincent", "Diana",
    "Liam", "Brittany", "Roy", "Theresa", "Bobby", "Kayla", "Caleb", "Alexis", "Bradley", "Doris",
    "Russell", "Lori", "Lucas", "Tiffany", "Bjorn", "Ines", "Lukas", "Chloe", "Mateo", "Yuki"};

static const char *const last_names[] = {
    "Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez",
    "Martinez", "Hernandez", "Lopez", "Gonzalez", "Wilson", "Anderson", "Thomas", "Taylor",
    "Moore", "Jackson", "Martin", "Lee", "Perez", "Thompson", "White", "Harris", "Sanchez",
    "Clark", "Ramirez", "Lewis", "Robinson", "Walker", "Young", "Allen", "King", "Wright", "Scott",
    "Torres", "Nguyen", "Hill", "Flores", "Green", "Adams", "Nelson", "Baker", "Hall", "Rivera",
    "Campbell", "Mitchell", "Carter", "Roberts", "Gomez", "Phillips", "Evans", "Turner", "Diaz",
    "Parker", "Cruz", "Edwards", "Collins", "Reyes", "Stewart", "Morris", "Morales", "Murphy",
    "Cook", "Rogers", "Gutierrez", "Ortiz", "Morgan", "Cooper", "Peterson", "Bailey", "Reed",
    "Kelly", "Howard", "Ramos", "Kim", "Cox", "Ward", "Richardson", "Watson", "Brooks", "Chavez",
    "Wood", "James", "Bennett", "Gray", "Mendoza", "Ruiz", "Hughes", "Price", "Alvarez",
    "Castillo", "Sanders", "Patel", "Myers", "Long", "Ross", "Foster", "Jimenez", "Powell",
    "Jenkins", "Perry", "Russell", "Sullivan", "Bell", "Coleman", "Butler", "Henderson", "Barnes",
    "Gonzales", "Fisher", "Vasquez", "Simmons", "Romero", "Jordan", "Patterson", "Alexander",
    "Hamilton", "Graham", "Reynolds", "Griffin", "Wallace", "Moreno", "West", "Cole", "Hayes",
    "Bryant", "Herrera", "Gibson", "Ellis", "Tran", "Medina", "Aguilar", "Stevens", "Murray",
    "Ford", "Castro", "Marshall", "Owens", "Harrison", "Fernandez", "McDonald", "Woods",
    "Washington", "Kennedy", "Wells", "Vargas", "Henry", "Chen", "Freeman", "Webb", "Tucker",
    "Guzman", "Burns", "Crawford", "Olson", "Simpson", "Porter", "Hunter", "Gordon", "Mendez",
    "Silva", "Shaw", "Snyder", "Mason", "Dixon", "Munoz", "Hunt", "Hicks", "Holmes", "Palmer",
    "Wagner", "Black", "Robertson", "Boyd", "Rose", "Stone", "Salazar", "Fox", "Warren", "Mills",
    "Meyer", "Rice", "Schmidt", "Garza", "Daniels", "Ferguson", "Nichols", "Stephens", "Soto",
    "Weaver", "Ryan", "Gardner", "Payne", "Grant", "Dunn", "Kelley", "Spencer", "Hawkins",
    "Arnold", "Pierce", "Vazquez", "Hansen", "Peters", "Santos", "Hart", "Bradley", "Knight",
    "Elliott", "Cunningham", "Duncan", "Armstrong", "Hudson", "Carroll", "Lane", "Riley",
    "Andrews", "Alvarado", "Ray", "Delgado", "Berry", "Perkins", "Hoffman", "Johnston", "Matthews",
    "Pena", "Richards", "Contreras", "Willis", "Carpenter", "Lawrence", "Sandoval", "O'Brien",
    "O'Connor", "Muller", "Schneider", "Fischer", "Weber", "Becker", "Dubois", "Lefebvre",
    "Rossi", "Russo", "Bianchi", "Tanaka", "Suzuki", "Sato", "Kowalski", "Novak", "Jensen"};

static const char *const company_a[] = {
    "Northwind", "Contoso", "Fabrikam", "Litware", "Adatum", "Tailspin", "Wingtip", "Proseware",
    "Alpine", "Harbor", "Redwood", "Summit", "Blue Yonder", "Cobalt", "Dynamic", "Pied Beacon",
    "Lakeshore", "Granite", "Silverline", "Evergreen", "Ironbridge", "Bluewater", "Crescent",
    "Pinnacle", "Keystone", "Horizon", "Sterling", "Oakridge", "Riverbend", "Westfield",
    "Brightpath", "Clearview", "Trident", "Vertex", "Apex", "Nimbus", "Quantum", "Helix",
    "Orion", "Atlas", "Beacon", "Cedar", "Falcon", "Meridian", "Polaris", "Sapphire", "Titan",
    "Zenith", "Aurora", "Catalyst"};
static const char *const company_b[] = {
    "Systems", "Labs", "Industries", "Logistics", "Health", "Energy", "Financial", "Analytics",
    "Software", "Manufacturing", "Retail", "Foods", "Networks", "Partners", "Group", "Holdings",
    "Technologies", "Media", "Robotics", "Pharma", "Capital", "Insurance", "Motors", "Airlines",
    "Consulting", "Security", "Biotech", "Solutions", "Materials", "Devices"};
static const char *const company_c[] = {"Inc.", "LLC", "Ltd", "GmbH", "Corp.", "S.A.", "plc", "AG",
                                        "Co.", "B.V."};

static const char *const freemail[] = {"gmail.com", "outlook.com", "yahoo.com", "hotmail.com",
                                       "icloud.com", "proton.me", "gmx.de", "web.de"};
static const char *const titles[] = {
    "Data Engineer", "VP Marketing", "Marketing Manager", "CTO", "CIO", "Head of Analytics",
    "Director of IT", "Software Engineer", "Product Manager", "CFO", "Operations Manager",
    "Sales Director", "Demand Generation Manager", "Business Analyst", "Architect",
    "Procurement Lead", "CEO", "IT Manager", "Data Scientist", "Controller"};
static const char *const lead_sources[] = {"Web", "Partner Referral", "Purchased List",
                                           "Trade Show", "Webinar", "Advertisement", "Phone Inquiry",
                                           "Employee Referral", "Other", ""};
static const char *const industries[] = {"Technology", "Energy", "Healthcare", "Finance",
                                         "Manufacturing", "Retail", "Education", "Media",
                                         "Government", "Transportation"};
static const char *const countries[] = {"United States", "Germany", "United Kingdom", "France",
                                        "Canada", "Australia", "Japan", "Brazil", "Netherlands",
                                        "Switzerland", "Spain", "India"};
static const char *const topics[] = {
    "Data Cloud Basics", "Customer 360", "Zero Trust Security", "AI for Sales", "Retargeting",
    "Pipeline Analytics", "Supply Chain Visibility", "Modern Data Stack", "Cost Optimization",
    "Product Launch", "Industry Benchmark Report", "Revenue Operations", "Kubernetes at Scale",
    "Privacy by Design", "Forecasting 101", "Partner Enablement", "Digital Workplace",
    "Cloud Migration", "Attribution Done Right", "Self-Service BI", "Edge Computing",
    "Fraud Detection", "Customer Onboarding", "Quarterly Roadmap", "Compliance Automation"};
static const char *const regions[] = {"US", "EMEA", "APAC", "DACH", "UK", "LATAM", "Nordics",
                                      "ANZ", "Benelux", "France"};
static const char *const cities[] = {"Las Vegas", "San Francisco", "New York", "London",
                                     "München", "Zürich", "São Paulo", "Paris", "Amsterdam",
                                     "Singapore", "Sydney", "Chicago", "Austin", "Berlin",
                                     "Toronto", "Tokyo"};
static const char *const partners[] = {"AWS", "Google Cloud", "Microsoft", "Snowflake", "Accenture",
                                       "Deloitte", "SAP", "Databricks"};
static const char *const months[] = {"January", "February", "March", "April", "May", "June",
                                     "July", "August", "September", "October", "November",
                                     "December"};
static const char *const web_pages[] = {"www.example.com/pricing", "www.example.com/",
                                        "www.example.com/product/overview",
                                        "www.example.com/blog/attribution-models",
                                        "www.example.com/customers", "www.example.com/demo",
                                        "www.example.com/resources/ebook",
                                        "www.example.com/webinars", "www.example.com/contact",
                                        "www.example.com/integrations", "www.example.com/careers",
                                        "www.example.com/docs/getting-started"};
static const char *const user_agents[] = {
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/122.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_3) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.3 Safari/605.1.15",
    "Mozilla/5.0 (X11; Linux x86_64; rv:123.0) Gecko/20100101 Firefox/123.0",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_3 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like "
    "Gecko) Version/17.3 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/121.0 Safari/537.36 Edg/121.0"};
static const char *const referrers[] = {"https://www.google.com/", "https://www.bing.com/",
                                        "https://www.linkedin.com/", "https://t.co/",
                                        "https://duckduckgo.com/", "https://www.facebook.com/",
                                        "https://news.ycombinator.com/", ""};
static const char *const forms[] = {"MKTO - Contact Us Form", "MKTO - Demo Request",
                                    "MKTO - eBook Download", "MKTO - Webinar Registration",
                                    "MKTO - Newsletter Signup"};
static const char *const unmatched_campaigns[] = {"brand", "retargeting_q3", "spring-promo",
                                                  "always-on", "competitor-conquest",
                                                  "lookalike_2024", "generic", "remarketing"};

#define PICK(r, list) ((list)[rng_next(r) % ARRAY_LEN(list)])

/* --- Salesforce ids ------------------------------------------------------- */

static const char b62[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/* An 18-character id: 3-character key prefix, "5g0", 9 base-62 characters
 * of a bijection of idx (unique per prefix), and the case checksum. */
static void sfid(char out[19], const char *prefix, uint64_t idx) {
  uint64_t v = (idx * 0x9E3779B97F4A7C15ULL + 0x1234567ULL) & ((1ULL << 48) - 1);
  memcpy(out, prefix, 3);
  memcpy(out + 3, "5g0", 3);
  for (int i = 14; i >= 6; i--) {
    out[i] = b62[v % 62];
    v /= 62;
  }
  for (int chunk = 0; chunk < 3; chunk++) {
    unsigned bits = 0;
    for (int j = 0; j < 5; j++) {
      char c = out[chunk * 5 + j];
      if (c >= 'A' && c <= 'Z')
        bits |= 1u << j;
    }
    out[15 + chunk] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"[bits];
  }
  out[18] = '\0';
}

/* --- people ----------------------------------------------------------------
 * Person space: leads [0, nleads), direct contacts [nleads, +ndcontacts),
 * Marketo-only people after them. A converted lead and its contact are one
 * person (same index). */

struct person {
  bool deleted;         /* leads only: IsDeleted rows nothing refers to */
  bool converted;       /* leads: converted into contact "003" + index */
  bool is_contact;      /* converted lead or direct contact */
  bool has_mlead;       /* has a Marketo lead record */
  int64_t created;      /* the lead's (or direct contact's) CreatedDate */
  int64_t conv_time;    /* converted leads: ConvertedDate / contact CreatedDate */
  uint32_t account;     /* contacts */
  uint32_t first, last; /* name indices */
  uint32_t dup;         /* email disambiguation number */
  uint8_t email_kind;   /* 0 company domain, 1 freemail */
  uint8_t lead_source;
};

static void person_get(uint32_t p, struct person *o) {
  memset(o, 0, sizeof(*o));
  struct rng r;
  uint32_t combos = (uint32_t)(ARRAY_LEN(first_names) * ARRAY_LEN(last_names));
  uint32_t c = (uint32_t)(((uint64_t)p * 2654435761u) % combos);
  o->first = c % (uint32_t)ARRAY_LEN(first_names);
  o->last = c / (uint32_t)ARRAY_LEN(first_names);
  o->dup = p / combos;
  if (p < W.nleads) {
    r = rng_for(K_LEAD, p);
    o->created = growing_time(&r, W.t_people0, W.t_asof - 12 * DAY);
    o->deleted = rng_chance(&r, 0.004);
    o->lead_source = (uint8_t)(rng_next(&r) % ARRAY_LEN(lead_sources));
    o->email_kind = rng_chance(&r, 0.25);
    int64_t delay = rng_range(&r, 3, 150) * DAY + rng_range(&r, 0, DAY - 1);
    o->converted = !o->deleted && rng_chance(&r, 0.12) && o->created + delay < W.t_asof - 5 * DAY;
    o->conv_time = o->created + delay;
    o->is_contact = o->converted;
    o->account = (uint32_t)(rng_next(&r) % W.naccounts);
    o->has_mlead = !o->deleted;
  } else if (p < W.nleads + W.ndcontacts) {
    r = rng_for(K_DCONTACT, p);
    o->created = W.t_people0 + (int64_t)(rng_u01(&r) * (double)(W.t_asof - 12 * DAY - W.t_people0));
    o->conv_time = o->created;
    o->is_contact = true;
    o->account = (uint32_t)(rng_next(&r) % W.naccounts);
    o->lead_source = (uint8_t)(rng_next(&r) % ARRAY_LEN(lead_sources));
    o->has_mlead = rng_chance(&r, 0.9);
  } else {
    r = rng_for(K_MAONLY, p);
    o->created = growing_time(&r, W.t_people0, W.t_asof - 3 * DAY);
    o->email_kind = rng_chance(&r, 0.5);
    o->account = (uint32_t)(rng_next(&r) % W.naccounts);
    o->has_mlead = true;
  }
}

static uint32_t npersons(void) { return W.nleads + W.ndcontacts + W.nmaonly; }

/* Marketo lead id of person p. */
static uint64_t mkto_id(uint32_t p) { return 1000001ULL + (uint64_t)p * 3 + (p % 3); }

/* Lower-case slug of a text: ASCII letters and digits, other runs -> sep. */
static size_t slug(const char *s, char *out, size_t cap, char sep, bool lower) {
  size_t n = 0;
  bool gap = false;
  for (; *s && n + 2 < cap; s++) {
    unsigned char c = (unsigned char)*s;
    bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    if (!alnum) {
      gap = true;
      continue;
    }
    if (gap && n)
      out[n++] = sep;
    gap = false;
    out[n++] = (char)(lower && c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  }
  out[n] = '\0';
  return n;
}

static void company_name(uint32_t acct, char *out, size_t cap) {
  struct rng r = rng_for(K_ACCOUNT, acct);
  const char *a = PICK(&r, company_a), *b = PICK(&r, company_b), *c = PICK(&r, company_c);
  snprintf(out, cap, "%s %s %s", a, b, c);
}

static void company_domain(uint32_t acct, char *out, size_t cap) {
  char name[128], s[128];
  company_name(acct, name, sizeof name);
  slug(name, s, sizeof s, '-', true);
  snprintf(out, cap, "%s-%u.example", s, acct % 997);
}

/* The person's email as the CRM writes it (lower case). */
static void person_email(uint32_t p, const struct person *o, char *out, size_t cap) {
  char dom[160], local[128], f[48], l[48];
  slug(first_names[o->first], f, sizeof f, '-', true);
  slug(last_names[o->last], l, sizeof l, '-', true);
  if (o->dup)
    snprintf(local, sizeof local, "%s.%s%u", f, l, o->dup);
  else
    snprintf(local, sizeof local, "%s.%s", f, l);
  if (o->email_kind == 1 && !o->is_contact)
    snprintf(dom, sizeof dom, "%s", freemail[p % ARRAY_LEN(freemail)]);
  else
    company_domain(o->account, dom, sizeof dom);
  snprintf(out, cap, "%s@%s", local, dom);
}

/* --- campaigns -------------------------------------------------------------- */

enum ctype {
  CT_WEBINAR, CT_CONFERENCE, CT_TRADESHOW, CT_EMAIL, CT_NEWSLETTER, CT_PAIDSEARCH, CT_DISPLAY,
  CT_SOCIAL, CT_PARTNERS, CT_SYNDICATION, CT_DIRECTMAIL, CT_EVENT, CT_REFERRAL, CT_OTHER, CT_N
};

static const struct {
  const char *type; /* Salesforce Type picklist value */
  unsigned weight;  /* share of campaigns */
  int min_days, max_days;
  int64_t min_cost, max_cost; /* dollars */
  double members;   /* relative member count */
  double respond;   /* P(HasResponded) */
  const char *medium; /* utm_medium of its links ("" none) */
  const char *source;
} CT[CT_N] = {
    [CT_WEBINAR] = {"Webinar", 16, 1, 1, 500, 6000, 1.0, 0.45, "email", "marketo"},
    [CT_CONFERENCE] = {"Conference", 6, 2, 4, 8000, 90000, 0.5, 0.55, "", ""},
    [CT_TRADESHOW] = {"Trade Show", 5, 2, 3, 10000, 60000, 0.6, 0.5, "", ""},
    [CT_EMAIL] = {"Email", 18, 1, 21, 0, 1500, 3.0, 0.12, "email", "marketo"},
    [CT_NEWSLETTER] = {"Newsletter", 5, 1, 1, 0, 500, 4.0, 0.08, "email", "newsletter"},
    [CT_PAIDSEARCH] = {"Paid Search", 10, 30, 120, 5000, 60000, 0.8, 0.9, "cpc", "google"},
    [CT_DISPLAY] = {"Display", 6, 30, 90, 3000, 40000, 0.5, 0.85, "display", "doubleclick"},
    [CT_SOCIAL] = {"Social Media", 6, 14, 60, 1000, 25000, 0.6, 0.85, "paid-social", "linkedin"},
    [CT_PARTNERS] = {"Partners", 6, 60, 180, 2000, 30000, 0.5, 0.6, "referral", "partner"},
    [CT_SYNDICATION] = {"Content Syndication", 6, 30, 60, 4000, 30000, 0.7, 0.95, "syndication",
                        "techtarget"},
    [CT_DIRECTMAIL] = {"Direct Mail", 4, 14, 14, 2000, 20000, 0.4, 0.1, "", ""},
    [CT_EVENT] = {"Event", 4, 1, 2, 1000, 15000, 0.3, 0.6, "", ""},
    [CT_REFERRAL] = {"Referral Program", 2, 90, 365, 0, 5000, 0.2, 0.7, "referral", "customer"},
    [CT_OTHER] = {"Other", 6, 7, 60, 0, 8000, 0.4, 0.3, "", ""},
};

struct campaign {
  uint32_t idx;
  enum ctype type;
  int64_t start_day, end_day; /* always set (used for member dates) */
  bool has_start, has_end;
  int64_t cost_cents, budget_cents;
  char id[19];
  char name[160];
};

static enum ctype pick_ctype(struct rng *r) {
  unsigned total = 0;
  for (int i = 0; i < CT_N; i++)
    total += CT[i].weight;
  unsigned x = (unsigned)(rng_next(r) % total);
  for (int i = 0; i < CT_N; i++) {
    if (x < CT[i].weight)
      return (enum ctype)i;
    x -= CT[i].weight;
  }
  return CT_OTHER;
}

static void fiscal(int64_t day, int *fy, int *q) {
  int y, m, d;
  civil_from_days(day, &y, &m, &d);
  *fy = (y + (m >= 2 ? 1 : 0)) % 100; /* fiscal year starting in February */
  *q = ((m + 10) % 12) / 3 + 1;
}

static void campaign_get(uint32_t c, struct campaign *o) {
  struct rng r = rng_for(K_CAMPAIGN, c);
  memset(o, 0, sizeof(*o));
  o->idx = c;
  o->type = pick_ctype(&r);
  int64_t first = W.t_data0 / DAY - 120, last = W.t_asof / DAY - 10;
  double step = (double)(last - first) / W.ncampaigns;
  o->start_day = first + (int64_t)(c * step + rng_u01(&r) * step);
  o->end_day = o->start_day + rng_range(&r, CT[o->type].min_days, CT[o->type].max_days) - 1;
  o->has_start = !rng_chance(&r, 0.015);
  o->has_end = o->has_start && !rng_chance(&r, 0.04);
  int64_t dollars = rng_range(&r, CT[o->type].min_cost, CT[o->type].max_cost);
  o->cost_cents = o->has_start ? dollars * 100 + rng_range(&r, 0, 99) : 0;
  o->budget_cents = (dollars + dollars / 10) * 100;
  sfid(o->id, "701", c);

  int fy, q, y, m, d;
  fiscal(o->start_day, &fy, &q);
  civil_from_days(o->start_day, &y, &m, &d);
  const char *topic = PICK(&r, topics), *region = PICK(&r, regions);
  switch (o->type) {
  case CT_WEBINAR:
    snprintf(o->name, sizeof o->name, "FY%02d Q%d Webinar: %s (%s)", fy, q, topic, region);
    break;
  case CT_CONFERENCE:
    snprintf(o->name, sizeof o->name, "FY%02d Q%d Conference: %s %d", fy, q, PICK(&r, cities), y);
    break;
  case CT_TRADESHOW:
    snprintf(o->name, sizeof o->name, "Trade Show - %s Expo %d, Booth %d", PICK(&r, cities), y,
             (int)rng_range(&r, 100, 999));
    break;
  case CT_EMAIL:
    snprintf(o->name, sizeof o->name, "%d-%02d Nurture | %s - Email %d", y, m, topic,
             (int)rng_range(&r, 1, 6));
    break;
  case CT_NEWSLETTER:
    snprintf(o->name, sizeof o->name, "Newsletter %s %d (%s)", months[m - 1], y, region);
    break;
  case CT_PAIDSEARCH:
    snprintf(o->name, sizeof o->name, "%s Ads - %s - %s FY%02d", rng_chance(&r, 0.8) ? "Google" : "Bing",
             topic, region, fy);
    break;
  case CT_DISPLAY:
    snprintf(o->name, sizeof o->name, "Display | %s, %s %d", topic, region, y);
    break;
  case CT_SOCIAL:
    snprintf(o->name, sizeof o->name, "LinkedIn Sponsored - %s - Q%d %d", topic, q, y);
    break;
  case CT_PARTNERS:
    snprintf(o->name, sizeof o->name, "%s Co-Marketing: %s FY%02d", PICK(&r, partners), topic, fy);
    break;
  case CT_SYNDICATION:
    snprintf(o->name, sizeof o->name, "Syndication - \"%s\" eBook (%s)", topic, region);
    break;
  case CT_DIRECTMAIL:
    snprintf(o->name, sizeof o->name, "Direct Mail - %s Kit %d-%02d", topic, y, m);
    break;
  case CT_EVENT:
    snprintf(o->name, sizeof o->name, "Executive Dinner %s %d-%02d-%02d", PICK(&r, cities), y, m, d);
    break;
  case CT_REFERRAL:
    snprintf(o->name, sizeof o->name, "Customer Referral Program %d", y);
    break;
  default:
    snprintf(o->name, sizeof o->name, "Misc - %s %d Q%d", topic, y, q);
    break;
  }
}

/* --- output sinks ------------------------------------------------------------ */

struct sink {
  char *buf;
  size_t len, cap;
  uint64_t raw, rows;
  struct pgz *gz; /* gzip */
  /* zip entry */
  struct archive *a;
  const char *path;
};

#define SINK_BUF (1u << 20)

static void die(const char *what) {
  fprintf(stderr, "gen: %s\n", what);
  exit(1);
}

static void sink_init(struct sink *s) {
  memset(s, 0, sizeof(*s));
  s->cap = SINK_BUF;
  s->buf = malloc(s->cap);
  if (!s->buf)
    die("out of memory");
}

struct pgz;
static void gz_flush(struct sink *s);

static void sink_flush(struct sink *s) {
  if (!s->len)
    return;
  if (s->a) {
    la_ssize_t w = archive_write_data(s->a, s->buf, s->len);
    if (w < 0 || (size_t)w != s->len)
      die(archive_error_string(s->a));
  } else {
    gz_flush(s);
  }
  s->raw += s->len;
  s->len = 0;
}

static inline void put(struct sink *s, const char *p, size_t n) {
  if (s->len + n > s->cap) {
    sink_flush(s);
    if (n > s->cap)
      die("record too long");
  }
  memcpy(s->buf + s->len, p, n);
  s->len += n;
}

static inline void puts_(struct sink *s, const char *p) { put(s, p, strlen(p)); }

static inline void putc_(struct sink *s, char c) {
  if (s->len + 1 > s->cap)
    sink_flush(s);
  s->buf[s->len++] = c;
}

static void put_u64(struct sink *s, uint64_t v) {
  char tmp[24];
  int n = 0;
  do {
    tmp[n++] = (char)('0' + v % 10);
    v /= 10;
  } while (v);
  while (n)
    putc_(s, tmp[--n]);
}

static void put_2(struct sink *s, int v) {
  putc_(s, (char)('0' + v / 10));
  putc_(s, (char)('0' + v % 10));
}

static void put_date(struct sink *s, int64_t day) {
  int y, m, d;
  civil_from_days(day, &y, &m, &d);
  put_u64(s, (uint64_t)y);
  putc_(s, '-');
  put_2(s, m);
  putc_(s, '-');
  put_2(s, d);
}

/* "YYYY-MM-DDTHH:MM:SS" (then the caller's suffix). */
static void put_time(struct sink *s, int64_t t) {
  int64_t day = floor_div(t, DAY), sec = t - day * DAY;
  put_date(s, day);
  putc_(s, 'T');
  put_2(s, (int)(sec / 3600));
  putc_(s, ':');
  put_2(s, (int)(sec / 60 % 60));
  putc_(s, ':');
  put_2(s, (int)(sec % 60));
}

static void put_money(struct sink *s, int64_t cents) {
  if (cents < 0) {
    putc_(s, '-');
    cents = -cents;
  }
  put_u64(s, (uint64_t)(cents / 100));
  putc_(s, '.');
  put_2(s, (int)(cents % 100));
}

/* Salesforce cells: every field quoted, quotes doubled. */
static void q_begin(struct sink *s, bool first) {
  if (!first)
    putc_(s, ',');
  putc_(s, '"');
}
static void q_end(struct sink *s) { putc_(s, '"'); }

static void q_str(struct sink *s, bool first, const char *v) {
  q_begin(s, first);
  for (; *v; v++) {
    if (*v == '"')
      putc_(s, '"');
    putc_(s, *v);
  }
  q_end(s);
}
static void q_u64(struct sink *s, uint64_t v) {
  q_begin(s, false);
  put_u64(s, v);
  q_end(s);
}
static void q_date(struct sink *s, int64_t day) {
  q_begin(s, false);
  put_date(s, day);
  q_end(s);
}
static void q_sftime(struct sink *s, int64_t t) {
  q_begin(s, false);
  put_time(s, t);
  puts_(s, ".000Z");
  q_end(s);
}
static void q_money(struct sink *s, int64_t cents) {
  q_begin(s, false);
  put_money(s, cents);
  q_end(s);
}
static void q_bool(struct sink *s, bool b) { q_str(s, false, b ? "true" : "false"); }
static void sf_eol(struct sink *s) {
  put(s, "\r\n", 2);
  s->rows++;
}

/* --- parallel gzip -----------------------------------------------------------
 * One gzip member written the way pigz does it: the text is cut into fixed
 * chunks, each deflated on a worker thread as raw deflate primed with the
 * previous chunk's last 32 KiB and ended with a sync flush (the last one with
 * Z_FINISH), and the pieces are concatenated in order under one header and a
 * trailer whose CRC is combined with crc32_combine. The bytes depend only on
 * the chunk size, never on thread timing. */

#define GZ_CHUNK (4u << 20)
#define GZ_DICT 32768u
#define GZ_SLOTS 4
#define GZ_THREADS 2

enum { JOB_FREE, JOB_QUEUED, JOB_RUNNING, JOB_DONE };

struct gz_job {
  unsigned char *in, *out;
  size_t in_len, out_len, out_cap, dict_len;
  unsigned char dict[GZ_DICT];
  uLong crc;
  bool last;
  int state;
  uint64_t seq;
};

struct pgz {
  FILE *f;
  pthread_t th[GZ_THREADS];
  pthread_mutex_t mu;
  pthread_cond_t cv;
  struct gz_job jobs[GZ_SLOTS];
  uint64_t next_submit, next_write;
  unsigned char tail[GZ_DICT]; /* last bytes of the previous chunk */
  size_t tail_len;
  uLong crc;
  uint64_t total, written;
  bool stop;
};

static void gz_compress(struct gz_job *j) {
  z_stream z;
  memset(&z, 0, sizeof(z));
  if (deflateInit2(&z, 6, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) != Z_OK)
    die("deflateInit2 failed");
  if (j->dict_len && deflateSetDictionary(&z, j->dict, (uInt)j->dict_len) != Z_OK)
    die("deflateSetDictionary failed");
  size_t need = deflateBound(&z, j->in_len) + 64;
  if (need > j->out_cap) {
    free(j->out);
    j->out = malloc(need);
    j->out_cap = need;
    if (!j->out)
      die("out of memory");
  }
  z.next_in = j->in;
  z.avail_in = (uInt)j->in_len;
  z.next_out = j->out;
  z.avail_out = (uInt)j->out_cap;
  int rc = deflate(&z, j->last ? Z_FINISH : Z_SYNC_FLUSH);
  if (rc == Z_STREAM_ERROR || z.avail_in != 0 || (j->last && rc != Z_STREAM_END))
    die("deflate failed");
  j->out_len = j->out_cap - z.avail_out;
  deflateEnd(&z);
  j->crc = crc32(0L, j->in, (uInt)j->in_len);
}

static void *gz_worker(void *arg) {
  struct pgz *g = arg;
  pthread_mutex_lock(&g->mu);
  for (;;) {
    struct gz_job *pick = NULL;
    for (int i = 0; i < GZ_SLOTS; i++)
      if (g->jobs[i].state == JOB_QUEUED && (!pick || g->jobs[i].seq < pick->seq))
        pick = &g->jobs[i];
    if (!pick) {
      if (g->stop)
        break;
      pthread_cond_wait(&g->cv, &g->mu);
      continue;
    }
    pick->state = JOB_RUNNING;
    pthread_mutex_unlock(&g->mu);
    gz_compress(pick);
    pthread_mutex_lock(&g->mu);
    pick->state = JOB_DONE;
    pthread_cond_broadcast(&g->cv);
  }
  pthread_mutex_unlock(&g->mu);
  return NULL;
}

/* Writes finished chunks in order (lock held). */
static void gz_drain(struct pgz *g) {
  for (;;) {
    struct gz_job *j = &g->jobs[g->next_write % GZ_SLOTS];
    if (g->next_write >= g->next_submit || j->state != JOB_DONE)
      return;
    if (j->out_len && fwrite(j->out, 1, j->out_len, g->f) != j->out_len)
      die("write failed");
    g->written += j->out_len;
    g->crc = crc32_combine(g->crc, j->crc, (z_off_t)j->in_len);
    g->total += j->in_len;
    j->state = JOB_FREE;
    g->next_write++;
  }
}

static void gz_submit(struct pgz *g, const char *data, size_t n, bool last) {
  pthread_mutex_lock(&g->mu);
  struct gz_job *j = &g->jobs[g->next_submit % GZ_SLOTS];
  for (;;) {
    gz_drain(g);
    if (j->state == JOB_FREE)
      break;
    pthread_cond_wait(&g->cv, &g->mu);
  }
  memcpy(j->in, data, n);
  j->in_len = n;
  memcpy(j->dict, g->tail, g->tail_len);
  j->dict_len = g->tail_len;
  j->last = last;
  j->seq = g->next_submit++;
  j->state = JOB_QUEUED;
  size_t keep = n < GZ_DICT ? n : GZ_DICT;
  if (keep == GZ_DICT) {
    memcpy(g->tail, data + n - keep, keep);
    g->tail_len = keep;
  } else { /* a short chunk: slide the window */
    size_t old = g->tail_len + keep > GZ_DICT ? GZ_DICT - keep : g->tail_len;
    memmove(g->tail, g->tail + g->tail_len - old, old);
    memcpy(g->tail + old, data, keep);
    g->tail_len = old + keep;
  }
  pthread_cond_broadcast(&g->cv);
  pthread_mutex_unlock(&g->mu);
}

static void gz_open(struct sink *s, const char *path) {
  sink_init(s);
  free(s->buf);
  s->cap = GZ_CHUNK;
  s->buf = malloc(s->cap);
  struct pgz *g = calloc(1, sizeof(*g));
  if (!s->buf || !g)
    die("out of memory");
  g->f = fopen(path, "wb");
  if (!g->f)
    die(strerror(errno));
  /* gzip header: deflate, no name, mtime 0, OS unix (as gzip -n). */
  static const unsigned char hdr[10] = {0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3};
  if (fwrite(hdr, 1, sizeof hdr, g->f) != sizeof hdr)
    die("write failed");
  g->written = sizeof hdr;
  g->crc = crc32(0L, Z_NULL, 0);
  pthread_mutex_init(&g->mu, NULL);
  pthread_cond_init(&g->cv, NULL);
  for (int i = 0; i < GZ_SLOTS; i++) {
    g->jobs[i].in = malloc(GZ_CHUNK);
    if (!g->jobs[i].in)
      die("out of memory");
  }
  for (int i = 0; i < GZ_THREADS; i++)
    if (pthread_create(&g->th[i], NULL, gz_worker, g) != 0)
      die("pthread_create failed");
  s->gz = g;
}

static void gz_flush(struct sink *s) { gz_submit(s->gz, s->buf, s->len, false); }

/* Finishes the stream; returns the file's size in bytes. */
static uint64_t gz_close(struct sink *s) {
  struct pgz *g = s->gz;
  s->raw += s->len;
  gz_submit(g, s->buf, s->len, true);
  s->len = 0;
  pthread_mutex_lock(&g->mu);
  while (g->next_write < g->next_submit) {
    gz_drain(g);
    if (g->next_write < g->next_submit)
      pthread_cond_wait(&g->cv, &g->mu);
  }
  g->stop = true;
  pthread_cond_broadcast(&g->cv);
  pthread_mutex_unlock(&g->mu);
  for (int i = 0; i < GZ_THREADS; i++)
    pthread_join(g->th[i], NULL);
  unsigned char trl[8];
  for (int i = 0; i < 4; i++) {
    trl[i] = (unsigned char)(g->crc >> (8 * i));
    trl[4 + i] = (unsigned char)(g->total >> (8 * i));
  }
  if (fwrite(trl, 1, sizeof trl, g->f) != sizeof trl || fclose(g->f) != 0)
    die("write failed");
  uint64_t size = g->written + sizeof trl;
  for (int i = 0; i < GZ_SLOTS; i++) {
    free(g->jobs[i].in);
    free(g->jobs[i].out);
  }
  pthread_mutex_destroy(&g->mu);
  pthread_cond_destroy(&g->cv);
  free(g);
  free(s->buf);
  return size;
}

static void zip_entry_begin(struct sink *s, struct archive *a, const char *path) {
  sink_init(s);
  s->a = a;
  s->path = path;
  struct archive_entry *e = archive_entry_new();
  archive_entry_set_pathname(e, path);
  archive_entry_set_filetype(e, AE_IFREG);
  archive_entry_set_perm(e, 0644);
  archive_entry_set_mtime(e, W.t_export, 0);
  archive_entry_unset_size(e);
  if (archive_write_header(a, e) != ARCHIVE_OK)
    die(archive_error_string(a));
  archive_entry_free(e);
}

static void zip_entry_end(struct sink *s, FILE *sizes) {
  sink_flush(s);
  if (archive_write_finish_entry(s->a) != ARCHIVE_OK)
    die(archive_error_string(s->a));
  fprintf(sizes, "crm_export.zip:%s\t%s\t%llu\t%llu\n", s->path, "-", (unsigned long long)s->raw,
          (unsigned long long)s->rows);
  free(s->buf);
}

/* --- CRM: in-memory relations the CRM files share ------------------------- */

struct crm {
  uint32_t *contacts;     /* person indices that are contacts, ascending */
  uint32_t ncontacts;
  uint32_t *acct_first;   /* naccounts + 1 offsets into by_acct */
  uint32_t *by_acct;      /* contact persons grouped by account */
  uint32_t *lead_conv_opp; /* per lead: opportunity index + 1, 0 none */
  struct person *persons; /* every person */
};

static void crm_build(struct crm *c) {
  uint32_t np = npersons();
  memset(c, 0, sizeof(*c));
  c->persons = calloc(np, sizeof(*c->persons));
  c->contacts = calloc(W.nleads + W.ndcontacts, sizeof(uint32_t));
  c->acct_first = calloc(W.naccounts + 1, sizeof(uint32_t));
  c->lead_conv_opp = calloc(W.nleads, sizeof(uint32_t));
  if (!c->persons || !c->contacts || !c->acct_first || !c->lead_conv_opp)
    die("out of memory");
  for (uint32_t p = 0; p < np; p++) {
    person_get(p, &c->persons[p]);
    if (c->persons[p].is_contact) {
      c->contacts[c->ncontacts++] = p;
      c->acct_first[c->persons[p].account + 1]++;
    }
  }
  for (uint32_t a = 0; a < W.naccounts; a++)
    c->acct_first[a + 1] += c->acct_first[a];
  c->by_acct = calloc(c->ncontacts ? c->ncontacts : 1, sizeof(uint32_t));
  uint32_t *fill = calloc(W.naccounts, sizeof(uint32_t));
  if (!c->by_acct || !fill)
    die("out of memory");
  for (uint32_t i = 0; i < c->ncontacts; i++) {
    uint32_t p = c->contacts[i], a = c->persons[p].account;
    c->by_acct[c->acct_first[a] + fill[a]++] = p;
  }
  free(fill);
}

static void crm_free(struct crm *c) {
  free(c->persons);
  free(c->contacts);
  free(c->acct_first);
  free(c->by_acct);
  free(c->lead_conv_opp);
}

/* --- opportunities -------------------------------------------------------- */

struct opp {
  uint32_t account;
  int64_t created;
  int64_t close_day;
  bool closed, won;
  int64_t cents;
  int32_t campaign; /* -1 none */
  uint32_t roles[4];
  unsigned nroles;
  int32_t conv_lead; /* the lead whose conversion created it, or -1 */
};

static bool contact_time_ok(const struct crm *c, uint32_t p, int64_t t) {
  return c->persons[p].conv_time <= t;
}

/* Opportunity j: the first ones come from lead conversions (in lead order,
 * every third converted lead), the rest are opened on accounts later. */
static void opp_build(struct crm *c, struct opp *ops) {
  uint32_t j = 0;
  for (uint32_t p = 0; p < W.nleads && j < W.nopps; p++) {
    const struct person *pe = &c->persons[p];
    if (!pe->converted)
      continue;
    struct rng r = rng_for(K_CONVOPP, p);
    if (!rng_chance(&r, 0.33))
      continue;
    struct opp *o = &ops[j];
    memset(o, 0, sizeof(*o));
    o->account = pe->account;
    o->created = pe->conv_time + rng_range(&r, 0, 7200);
    o->roles[o->nroles++] = p;
    o->conv_lead = (int32_t)p;
    c->lead_conv_opp[p] = j + 1;
    j++;
  }
  for (; j < W.nopps; j++) {
    struct rng r = rng_for(K_OPP, j);
    struct opp *o = &ops[j];
    memset(o, 0, sizeof(*o));
    o->conv_lead = -1;
    uint32_t a;
    do
      a = (uint32_t)(rng_next(&r) % W.naccounts);
    while (c->acct_first[a] == c->acct_first[a + 1]);
    o->account = a;
    o->created = growing_time(&r, W.t_data0 + 10 * DAY, W.t_asof - 2 * DAY);
    uint32_t lo = c->acct_first[a], n = c->acct_first[a + 1] - lo;
    uint32_t first = c->by_acct[lo + rng_next(&r) % n];
    if (!contact_time_ok(c, first, o->created))
      o->created = c->persons[first].conv_time + rng_range(&r, 2, 30) * DAY;
    if (o->created > W.t_asof - DAY)
      o->created = W.t_asof - DAY - rng_range(&r, 0, 3600);
    o->roles[o->nroles++] = first;
  }
  for (j = 0; j < W.nopps; j++) {
    struct rng r = rng_for(K_OCR, j);
    struct opp *o = &ops[j];
    uint32_t lo = c->acct_first[o->account], n = c->acct_first[o->account + 1] - lo;
    unsigned want = 1 + (unsigned)rng_range(&r, 0, 3);
    for (unsigned tries = 0; o->nroles < want && tries < 8; tries++) {
      uint32_t p = c->by_acct[lo + rng_next(&r) % n];
      bool dup = false;
      for (unsigned k = 0; k < o->nroles; k++)
        dup |= o->roles[k] == p;
      if (!dup)
        o->roles[o->nroles++] = p;
    }
    int64_t cday = floor_div(o->created, DAY);
    o->close_day = cday + rng_range(&r, 14, 270);
    int64_t asof_day = floor_div(W.t_asof, DAY);
    if (o->close_day <= asof_day) {
      o->closed = !rng_chance(&r, 0.08); /* stale open opportunities */
      o->won = o->closed && rng_chance(&r, 0.34);
    } else if (rng_chance(&r, 0.05)) {
      o->close_day = asof_day - rng_range(&r, 0, 3); /* closed early */
      if (o->close_day < cday)
        o->close_day = cday;
      o->closed = true;
      o->won = rng_chance(&r, 0.5);
    }
    double u = rng_u01(&r);
    int64_t dollars = (int64_t)(2000.0 * exp(u * 5.3)); /* 2k .. 400k */
    o->cents = rng_chance(&r, 0.3) ? (dollars / 500) * 50000 : dollars * 100 + rng_range(&r, 0, 99);
    o->campaign = -1;
    if (rng_chance(&r, 0.6)) {
      /* the primary campaign: one started up to ~90 days before */
      int64_t first = W.t_data0 / DAY - 120, last = W.t_asof / DAY - 10;
      double step = (double)(last - first) / W.ncampaigns;
      int64_t ci = (int64_t)((double)(cday - first) / step) - rng_range(&r, 0, (int64_t)(90 / step) + 1);
      if (ci >= 0 && ci < (int64_t)W.ncampaigns)
        o->campaign = (int32_t)ci;
    }
  }
}

/* --- CRM files -------------------------------------------------------------- */

static const char *const acct_types[] = {"Customer", "Prospect", "Partner", "Customer - Direct",
                                         "Other"};

static void write_accounts(struct archive *a, FILE *sizes) {
  struct sink s;
  zip_entry_begin(&s, a, "Account.csv");
  puts_(&s, "\"Id\",\"IsDeleted\",\"MasterRecordId\",\"Name\",\"Type\",\"BillingCountry\","
            "\"Industry\",\"CurrencyIsoCode\",\"OwnerId\",\"CreatedDate\",\"SystemModstamp\"\r\n");
  char id[19], name[128];
  for (uint32_t i = 0; i < W.naccounts; i++) {
    struct rng r = rng_for(K_NAME, 5000000000ULL + i);
    sfid(id, "001", i);
    company_name(i, name, sizeof name);
    q_str(&s, true, id);
    q_bool(&s, false);
    q_str(&s, false, "");
    q_str(&s, false, name);
    q_str(&s, false, PICK(&r, acct_types));
    q_str(&s, false, PICK(&r, countries));
    q_str(&s, false, PICK(&r, industries));
    q_str(&s, false, "USD");
    q_str(&s, false, "0055g00000AbCdEAAV");
    q_sftime(&s, W.t_people0 - rng_range(&r, 0, 900) * DAY + rng_range(&r, 0, DAY - 1));
    q_sftime(&s, W.t_export);
    sf_eol(&s);
  }
  zip_entry_end(&s, sizes);
}

static const char *const camp_status[] = {"Completed", "Completed", "Completed", "Aborted"};

static void write_campaigns(struct archive *a, FILE *sizes) {
  struct sink s;
  zip_entry_begin(&s, a, "Campaign.csv");
  puts_(&s, "\"Id\",\"IsDeleted\",\"Name\",\"ParentId\",\"Type\",\"Status\",\"StartDate\","
            "\"EndDate\",\"CurrencyIsoCode\",\"ExpectedRevenue\",\"BudgetedCost\",\"ActualCost\","
            "\"ExpectedResponse\",\"NumberSent\",\"IsActive\",\"Description\",\"OwnerId\","
            "\"CreatedDate\",\"CreatedById\",\"LastModifiedDate\",\"SystemModstamp\"\r\n");
  struct campaign c;
  for (uint32_t i = 0; i < W.ncampaigns; i++) {
    campaign_get(i, &c);
    struct rng r = rng_for(K_NAME, i);
    bool active = c.end_day >= W.t_asof / DAY;
    q_str(&s, true, c.id);
    q_bool(&s, false);
    q_str(&s, false, c.name);
    q_str(&s, false, "");
    q_str(&s, false, CT[c.type].type);
    q_str(&s, false, active ? "In Progress" : PICK(&r, camp_status));
    if (c.has_start)
      q_date(&s, c.start_day);
    else
      q_str(&s, false, "");
    if (c.has_end)
      q_date(&s, c.end_day);
    else
      q_str(&s, false, "");
    q_str(&s, false, "USD");
    q_money(&s, 0);
    q_money(&s, c.budget_cents);
    q_money(&s, c.cost_cents);
    q_str(&s, false, "0.0");
    q_u64(&s, (uint64_t)rng_range(&r, 0, 20000));
    q_bool(&s, active);
    q_str(&s, false, rng_chance(&r, 0.1) ? "Owner: Field Marketing\nRegion lead approved" : "");
    q_str(&s, false, "0055g00000AbCdEAAV");
    q_sftime(&s, (c.start_day - rng_range(&r, 7, 40)) * DAY + rng_range(&r, 0, DAY - 1));
    q_str(&s, false, "0055g00000AbCdEAAV");
    q_sftime(&s, W.t_export);
    q_sftime(&s, W.t_export);
    sf_eol(&s);
  }
  zip_entry_end(&s, sizes);
}

static const char *const lead_status_open[] = {"Open - Not Contacted", "Working - Contacted",
                                               "Closed - Not Converted", "Nurture"};
static const char *const salutations[] = {"Mr.", "Ms.", "Dr.", "Mrs.", "", "Prof."};

static void write_leads(const struct crm *c, struct archive *a, FILE *sizes) {
  struct sink s;
  zip_entry_begin(&s, a, "Lead.csv");
  puts_(&s, "\"Id\",\"IsDeleted\",\"MasterRecordId\",\"LastName\",\"FirstName\",\"Company\","
            "\"Email\",\"Status\",\"LeadSource\",\"IsConverted\",\"ConvertedDate\","
            "\"ConvertedAccountId\",\"ConvertedContactId\",\"ConvertedOpportunityId\","
            "\"Description\",\"OwnerId\",\"CreatedDate\",\"LastModifiedDate\",\"SystemModstamp\"\r\n");
  char id[19], ref[19], email[320], comp[128];
  for (uint32_t p = 0; p < W.nleads; p++) {
    const struct person *pe = &c->persons[p];
    struct rng r = rng_for(K_NAME, 1000000000ULL + p);
    sfid(id, "00Q", p);
    person_email(p, pe, email, sizeof email);
    company_name(pe->account, comp, sizeof comp);
    q_str(&s, true, id);
    q_bool(&s, pe->deleted);
    q_str(&s, false, "");
    q_str(&s, false, last_names[pe->last]);
    q_str(&s, false, first_names[pe->first]);
    q_str(&s, false, comp);
    q_str(&s, false, email);
    q_str(&s, false, pe->converted ? "Closed - Converted" : PICK(&r, lead_status_open));
    q_str(&s, false, lead_sources[pe->lead_source]);
    q_bool(&s, pe->converted);
    if (pe->converted) {
      q_date(&s, floor_div(pe->conv_time, DAY));
      sfid(ref, "001", pe->account);
      q_str(&s, false, ref);
      sfid(ref, "003", p);
      q_str(&s, false, ref);
      if (c->lead_conv_opp[p]) {
        sfid(ref, "006", c->lead_conv_opp[p] - 1);
        q_str(&s, false, ref);
      } else {
        q_str(&s, false, "");
      }
    } else {
      q_str(&s, false, "");
      q_str(&s, false, "");
      q_str(&s, false, "");
      q_str(&s, false, "");
    }
    q_str(&s, false, rng_chance(&r, 0.02) ? "Asked for a \"quick\" call, prefers email" : "");
    q_str(&s, false, "0055g00000AbCdEAAV");
    q_sftime(&s, pe->created);
    q_sftime(&s, W.t_export - rng_range(&r, 0, 200) * DAY);
    q_sftime(&s, W.t_export);
    sf_eol(&s);
  }
  zip_entry_end(&s, sizes);
}

static void write_contacts(const struct crm *c, struct archive *a, FILE *sizes) {
  struct sink s;
  zip_entry_begin(&s, a, "Contact.csv");
  puts_(&s, "\"Id\",\"IsDeleted\",\"MasterRecordId\",\"AccountId\",\"LastName\",\"FirstName\","
            "\"Salutation\",\"Email\",\"Phone\",\"Title\",\"LeadSource\",\"OwnerId\","
            "\"CreatedDate\",\"LastModifiedDate\",\"SystemModstamp\"\r\n");
  char id[19], ref[19], email[320], phone[32];
  for (uint32_t i = 0; i < c->ncontacts; i++) {
    uint32_t p = c->contacts[i];
    const struct person *pe = &c->persons[p];
    struct rng r = rng_for(K_NAME, 2000000000ULL + p);
    sfid(id, "003", p);
    sfid(ref, "001", pe->account);
    person_email(p, pe, email, sizeof email);
    snprintf(phone, sizeof phone, "+1 555 %04d", (int)rng_range(&r, 0, 9999));
    q_str(&s, true, id);
    q_bool(&s, false);
    q_str(&s, false, "");
    q_str(&s, false, ref);
    q_str(&s, false, last_names[pe->last]);
    q_str(&s, false, first_names[pe->first]);
    q_str(&s, false, PICK(&r, salutations));
    q_str(&s, false, email);
    q_str(&s, false, phone);
    q_str(&s, false, PICK(&r, titles));
    q_str(&s, false, lead_sources[pe->lead_source]);
    q_str(&s, false, "0055g00000AbCdEAAV");
    q_sftime(&s, pe->conv_time);
    q_sftime(&s, W.t_export - rng_range(&r, 0, 200) * DAY);
    q_sftime(&s, W.t_export);
    sf_eol(&s);
  }
  zip_entry_end(&s, sizes);
}

static const char *const stages_open[] = {"Prospecting", "Qualification", "Needs Analysis",
                                          "Proposal/Price Quote", "Negotiation/Review"};
static const char *const opp_kinds[] = {"Pilot", "Expansion", "New Business", "Renewal",
                                        "Upsell, Phase 2", "Platform"};
static const char *const roles[] = {"Decision Maker", "Economic Buyer", "Technical Buyer",
                                    "Evaluator", "Influencer", "Business User"};

static void write_opps(const struct crm *c, const struct opp *ops, struct archive *a, FILE *sizes) {
  struct sink s;
  zip_entry_begin(&s, a, "Opportunity.csv");
  puts_(&s, "\"Id\",\"IsDeleted\",\"AccountId\",\"Name\",\"Description\",\"StageName\",\"Amount\","
            "\"Probability\",\"ExpectedRevenue\",\"CloseDate\",\"Type\",\"LeadSource\","
            "\"IsClosed\",\"IsWon\",\"ForecastCategory\",\"CurrencyIsoCode\",\"CampaignId\","
            "\"OwnerId\",\"CreatedDate\",\"LastModifiedDate\",\"SystemModstamp\"\r\n");
  char id[19], ref[19], comp[128], name[200];
  for (uint32_t j = 0; j < W.nopps; j++) {
    const struct opp *o = &ops[j];
    struct rng r = rng_for(K_NAME, 3000000000ULL + j);
    sfid(id, "006", j);
    sfid(ref, "001", o->account);
    company_name(o->account, comp, sizeof comp);
    const char *kind = PICK(&r, opp_kinds);
    snprintf(name, sizeof name, "%s - %s", comp, kind);
    int prob = o->won ? 100 : o->closed ? 0 : (int)rng_range(&r, 1, 9) * 10;
    q_str(&s, true, id);
    q_bool(&s, false);
    q_str(&s, false, ref);
    q_str(&s, false, name);
    q_str(&s, false, rng_chance(&r, 0.01) ? "Champion left in Q2.\r\nRe-engaged via partner." : "");
    q_str(&s, false, o->won ? "Closed Won" : o->closed ? "Closed Lost" : PICK(&r, stages_open));
    q_money(&s, o->cents);
    q_u64(&s, (uint64_t)prob);
    q_money(&s, o->cents / 100 * prob);
    q_date(&s, o->close_day);
    q_str(&s, false, o->conv_lead >= 0 ? "New Business" : kind);
    q_str(&s, false, lead_sources[c->persons[o->roles[0]].lead_source]);
    q_bool(&s, o->closed);
    q_bool(&s, o->won);
    q_str(&s, false, o->won ? "Closed" : o->closed ? "Omitted" : "Pipeline");
    q_str(&s, false, "USD");
    if (o->campaign >= 0) {
      sfid(ref, "701", (uint64_t)o->campaign);
      q_str(&s, false, ref);
    } else {
      q_str(&s, false, "");
    }
    q_str(&s, false, "0055g00000AbCdEAAV");
    q_sftime(&s, o->created);
    q_sftime(&s, W.t_export - rng_range(&r, 0, 100) * DAY);
    q_sftime(&s, W.t_export);
    sf_eol(&s);
  }
  zip_entry_end(&s, sizes);
}

static void write_roles(const struct opp *ops, struct archive *a, FILE *sizes) {
  struct sink s;
  zip_entry_begin(&s, a, "OpportunityContactRole.csv");
  puts_(&s, "\"Id\",\"OpportunityId\",\"ContactId\",\"Role\",\"IsPrimary\",\"CreatedDate\","
            "\"LastModifiedDate\",\"SystemModstamp\",\"IsDeleted\"\r\n");
  char id[19], oid[19], cid[19];
  uint64_t n = 0;
  for (uint32_t j = 0; j < W.nopps; j++) {
    const struct opp *o = &ops[j];
    struct rng r = rng_for(K_NAME, 4000000000ULL + j);
    sfid(oid, "006", j);
    for (unsigned k = 0; k < o->nroles; k++) {
      sfid(id, "00K", n++);
      sfid(cid, "003", o->roles[k]);
      q_str(&s, true, id);
      q_str(&s, false, oid);
      q_str(&s, false, cid);
      q_str(&s, false, PICK(&r, roles));
      q_bool(&s, k == 0);
      q_sftime(&s, o->created + rng_range(&r, 0, 5 * DAY));
      q_sftime(&s, W.t_export);
      q_sftime(&s, W.t_export);
      q_bool(&s, false);
      sf_eol(&s);
    }
  }
  zip_entry_end(&s, sizes);
}

/* A CRM person for a campaign member: contacts (converted leads or direct
 * contacts) 45% of the time, other leads otherwise, skewed towards the
 * engaged ones; never a deleted lead. */
static uint32_t pick_member(const struct crm *c, struct rng *r) {
  for (;;) {
    uint32_t p = rng_chance(r, 0.45) ? c->contacts[rng_skewed(r, c->ncontacts)]
                                     : rng_skewed(r, W.nleads);
    if (!c->persons[p].deleted)
      return p;
  }
}

static const char *const status_resp[] = {"Responded", "Attended", "Registered", "Clicked"};
static const char *const status_sent[] = {"Sent", "Invited", "No Show", "Sent"};

static void write_members(const struct crm *c, struct archive *a, FILE *sizes) {
  struct sink s;
  zip_entry_begin(&s, a, "CampaignMember.csv");
  puts_(&s, "\"Id\",\"IsDeleted\",\"CampaignId\",\"LeadId\",\"ContactId\",\"Status\","
            "\"HasResponded\",\"CreatedDate\",\"LastModifiedDate\",\"SystemModstamp\","
            "\"FirstRespondedDate\",\"LeadOrContactId\"\r\n");
  /* Members per campaign, proportional to the type's weight. */
  double total = 0;
  struct campaign cp;
  for (uint32_t i = 0; i < W.ncampaigns; i++) {
    campaign_get(i, &cp);
    total += CT[cp.type].members;
  }
  char id[19], lid[19], cid[19];
  uint64_t m = 0, emitted = 0;
  double acc = 0;
  uint32_t *seen = NULL;
  size_t seen_cap = 0;
  int64_t asof_day = floor_div(W.t_asof, DAY);
  for (uint32_t i = 0; i < W.ncampaigns; i++) {
    campaign_get(i, &cp);
    acc += CT[cp.type].members / total * (double)W.nmembers;
    uint64_t want = i + 1 == W.ncampaigns ? W.nmembers - emitted : (uint64_t)acc - emitted;
    emitted += want;
    size_t cap = 16;
    while (cap < want * 2)
      cap *= 2;
    if (cap > seen_cap) {
      free(seen);
      seen = malloc(cap * sizeof(uint32_t));
      seen_cap = cap;
      if (!seen)
        die("out of memory");
    }
    memset(seen, 0, cap * sizeof(uint32_t));
    struct rng r = rng_for(K_MEMBERS, i);
    int64_t lo = (cp.start_day - 30) * DAY, hi = (cp.end_day + 7) * DAY;
    if (hi > W.t_asof)
      hi = W.t_asof;
    if (lo > hi)
      lo = hi - DAY;
    for (uint64_t k = 0; k < want;) {
      uint32_t p = pick_member(c, &r);
      size_t h = (size_t)(mix64(p) & (cap - 1));
      while (seen[h] && seen[h] != p + 1)
        h = (h + 1) & (cap - 1);
      if (seen[h])
        continue; /* already a member: Salesforce allows one membership */
      seen[h] = p + 1;
      k++;
      const struct person *pe = &c->persons[p];
      int64_t created = lo + (int64_t)(rng_u01(&r) * (double)(hi - lo));
      bool responded = rng_chance(&r, CT[cp.type].respond);
      sfid(id, "00v", m++);
      bool lead = p < W.nleads;
      if (lead)
        sfid(lid, "00Q", p);
      if (pe->is_contact)
        sfid(cid, "003", p);
      q_str(&s, true, id);
      q_bool(&s, false);
      q_str(&s, false, cp.id);
      q_str(&s, false, lead ? lid : "");
      q_str(&s, false, pe->is_contact ? cid : "");
      q_str(&s, false, responded ? PICK(&r, status_resp) : PICK(&r, status_sent));
      q_bool(&s, responded);
      q_sftime(&s, created);
      q_sftime(&s, W.t_export - rng_range(&r, 0, 300) * DAY);
      q_sftime(&s, W.t_export);
      int64_t cday = floor_div(created, DAY);
      if (responded && !rng_chance(&r, 0.04)) {
        int64_t rday = cday + rng_range(&r, 0, 10);
        if (rday < cp.start_day)
          rday = cp.start_day + rng_range(&r, 0, 2);
        if (rday > asof_day)
          rday = asof_day;
        q_date(&s, rday);
      } else {
        q_str(&s, false, "");
      }
      q_str(&s, false, pe->is_contact ? cid : lid);
      sf_eol(&s);
    }
  }
  free(seen);
  zip_entry_end(&s, sizes);
}

/* --- OpportunityHistory (--history) ---------------------------------------- */

static const char *const std_stages[] = {
    "Prospecting",         "Qualification",       "Needs Analysis",       "Value Proposition",
    "Id. Decision Makers", "Perception Analysis", "Proposal/Price Quote", "Negotiation/Review"};
static const int stage_prob[] = {10, 10, 20, 50, 60, 70, 75, 90};

/* The StageName write_opps gave open opportunity j: its draws replayed. */
static const char *open_stage_of(uint32_t j, const struct opp *o) {
  struct rng r = rng_for(K_NAME, 3000000000ULL + j);
  (void)PICK(&r, opp_kinds);
  if (!o->won && !o->closed)
    (void)rng_range(&r, 1, 9);
  (void)rng_chance(&r, 0.01);
  return PICK(&r, stages_open);
}

static int stage_index(const char *name) {
  for (int i = 0; i < (int)ARRAY_LEN(std_stages); i++)
    if (strcmp(std_stages[i], name) == 0)
      return i;
  return 0;
}

struct hist_writer {
  struct sink *s;
  uint64_t n; /* rows written: the next Id */
  const struct opp *o;
  char oid[19];
};

static void hist_row(struct hist_writer *h, int64_t t, const char *stage, int prob,
                     const char *forecast, int64_t cents) {
  char id[19];
  sfid(id, "008", h->n++);
  q_str(h->s, true, id);
  q_bool(h->s, false);
  q_str(h->s, false, h->oid);
  q_str(h->s, false, "0055g00000AbCdEAAV");
  q_sftime(h->s, t);
  q_str(h->s, false, stage);
  q_money(h->s, cents);
  q_money(h->s, cents / 100 * prob);
  q_date(h->s, h->o->close_day);
  q_u64(h->s, (uint64_t)prob);
  q_str(h->s, false, forecast);
  q_sftime(h->s, W.t_export);
  sf_eol(h->s);
}

/* Opportunity j's path: up the stages from its creation (a quarter of the
 * middle stages skipped), an amount change now and then, a return to an
 * earlier stage once in a while, and Closed Won / Closed Lost at its close. */
static void opp_history(struct hist_writer *h, uint32_t j) {
  const struct opp *o = h->o;
  struct rng r = rng_for(K_HIST, j);
  int last = (int)ARRAY_LEN(std_stages) - 1;
  int top = o->won ? (int)rng_range(&r, 4, last)
            : o->closed ? (int)rng_range(&r, 0, 5) : stage_index(open_stage_of(j, o));
  int visit[16], n = 0;
  for (int i = 0; i <= top; i++)
    if (i == 0 || i == top || !rng_chance(&r, 0.25))
      visit[n++] = i;
  int64_t start = o->created + (rng_chance(&r, 0.3) ? rng_range(&r, 60, 30 * 3600) : 0);
  int64_t end = o->closed ? o->close_day * DAY + 9 * 3600 : W.t_asof - DAY;
  if (end <= start + n * 3600)
    end = start + (n + 1) * 3600;
  int64_t step = (end - start) / (n + 1), t = start, cents = o->cents;
  for (int k = 0; k < n; k++) {
    int i = visit[k];
    hist_row(h, t, std_stages[i], stage_prob[i], i == last ? "Commit" : "Pipeline", cents);
    if (rng_chance(&r, 0.25)) { /* only the amount changes */
      cents = cents / 100 * (100 + rng_range(&r, -15, 15));
      hist_row(h, t + step / 2, std_stages[i], stage_prob[i], "Pipeline", cents);
    }
    if (k > 1 && rng_chance(&r, 0.05)) /* back one stage for a while */
      hist_row(h, t + step * 3 / 4, std_stages[visit[k - 1]], stage_prob[visit[k - 1]],
               "Pipeline", cents);
    t += step / 2 + (int64_t)(rng_u01(&r) * (double)step);
    if (t > end)
      t = end;
  }
  if (o->closed)
    hist_row(h, o->close_day * DAY + 17 * 3600, o->won ? "Closed Won" : "Closed Lost",
             o->won ? 100 : 0, o->won ? "Closed" : "Omitted", o->cents);
}

static void write_history(const struct opp *ops, struct archive *a, FILE *sizes) {
  struct sink s;
  zip_entry_begin(&s, a, "OpportunityHistory.csv");
  puts_(&s, "\"Id\",\"IsDeleted\",\"OpportunityId\",\"CreatedById\",\"CreatedDate\","
            "\"StageName\",\"Amount\",\"ExpectedRevenue\",\"CloseDate\",\"Probability\","
            "\"ForecastCategory\",\"SystemModstamp\"\r\n");
  struct hist_writer h = {&s, 0, NULL, ""};
  for (uint32_t j = 0; j < W.nopps; j++) {
    h.o = &ops[j];
    sfid(h.oid, "006", j);
    opp_history(&h, j);
  }
  zip_entry_end(&s, sizes);
}

static int part_crm(const char *dir, FILE *sizes, bool history) {
  struct crm c;
  crm_build(&c);
  struct opp *ops = calloc(W.nopps ? W.nopps : 1, sizeof(*ops));
  if (!ops)
    die("out of memory");
  opp_build(&c, ops);

  char tmp[4096], path[4096];
  snprintf(tmp, sizeof tmp, "%s/.crm_export.zip.tmp", dir);
  snprintf(path, sizeof path, "%s/crm_export.zip", dir);
  struct archive *a = archive_write_new();
  if (archive_write_set_format_zip(a) != ARCHIVE_OK ||
      archive_write_set_options(a, "zip:compression=deflate") != ARCHIVE_OK)
    die(archive_error_string(a));
  /* Level 6 like zip/gzip defaults; older libarchive lacks the option. */
  (void)archive_write_set_options(a, "zip:compression-level=6");
  if (archive_write_open_filename(a, tmp) != ARCHIVE_OK)
    die(archive_error_string(a));
  write_accounts(a, sizes);
  write_campaigns(a, sizes);
  write_leads(&c, a, sizes);
  write_contacts(&c, a, sizes);
  write_opps(&c, ops, a, sizes);
  write_roles(ops, a, sizes);
  write_members(&c, a, sizes);
  if (history)
    write_history(ops, a, sizes);
  if (archive_write_close(a) != ARCHIVE_OK)
    die(archive_error_string(a));
  archive_write_free(a);
  if (rename(tmp, path) != 0)
    die(strerror(errno));
  struct stat st;
  if (stat(path, &st) == 0)
    fprintf(sizes, "crm_export.zip\t%lld\t-\t-\n", (long long)st.st_size);
  free(ops);
  crm_free(&c);
  return 0;
}

/* --- Marketo leads -------------------------------------------------------------- */

/* Marketo cells: unquoted unless needed, `null` for empty. */
static void m_str(struct sink *s, const char *v) {
  putc_(s, ',');
  if (!*v) {
    puts_(s, "null");
    return;
  }
  if (strpbrk(v, ",\"\r\n")) {
    putc_(s, '"');
    for (; *v; v++) {
      if (*v == '"')
        putc_(s, '"');
      putc_(s, *v);
    }
    putc_(s, '"');
  } else {
    puts_(s, v);
  }
}

/* Mixed-case spelling of an email (Marketo keeps what the form got). */
static void email_variant(char *e, struct rng *r) {
  if (!rng_chance(r, 0.15))
    return;
  bool up = true;
  for (char *p = e; *p; p++) {
    if (up && *p >= 'a' && *p <= 'z')
      *p = (char)(*p - 'a' + 'A');
    up = *p == '.' || *p == '@';
  }
}

static int part_ma_leads(const char *dir, FILE *sizes) {
  char tmp[4096], path[4096];
  snprintf(tmp, sizeof tmp, "%s/.marketo_leads.csv.gz.tmp", dir);
  snprintf(path, sizeof path, "%s/marketo_leads.csv.gz", dir);
  struct sink s;
  gz_open(&s, tmp);
  puts_(&s, "id,email,firstName,lastName,company,createdAt,updatedAt,sfdcLeadId,sfdcContactId,"
            "sfdcType\n");
  char email[320], comp[128], lid[19], cid[19];
  struct person pe;
  for (uint32_t p = 0; p < npersons(); p++) {
    person_get(p, &pe);
    if (!pe.has_mlead)
      continue;
    struct rng r = rng_for(K_MLEAD, p);
    person_email(p, &pe, email, sizeof email);
    if (p >= W.nleads + W.ndcontacts) {
      /* Marketo-only people: addresses the CRM does not know. */
      char *at = strchr(email, '@');
      memmove(at + 4, at, strlen(at) + 1);
      memcpy(at, ".mkt", 4);
    }
    email_variant(email, &r);
    company_name(pe.account, comp, sizeof comp);
    bool lead = p < W.nleads;
    /* How Marketo knows the CRM record: ids when synced, else only email. */
    bool with_lead = lead && rng_chance(&r, 0.85);
    bool with_contact = pe.is_contact && rng_chance(&r, 0.75);
    if (with_lead)
      sfid(lid, "00Q", p);
    if (with_contact)
      sfid(cid, "003", p);
    int64_t created = pe.created - rng_range(&r, 0, 3 * DAY);
    put_u64(&s, mkto_id(p));
    m_str(&s, email);
    m_str(&s, first_names[pe.first]);
    m_str(&s, last_names[pe.last]);
    m_str(&s, rng_chance(&r, 0.3) ? "" : comp);
    putc_(&s, ',');
    put_time(&s, created);
    putc_(&s, 'Z');
    putc_(&s, ',');
    put_time(&s, W.t_export - rng_range(&r, 0, 300) * DAY);
    putc_(&s, 'Z');
    m_str(&s, with_lead ? lid : "");
    m_str(&s, with_contact ? cid : "");
    m_str(&s, with_contact ? "Contact" : with_lead ? "Lead" : "");
    putc_(&s, '\n');
    s.rows++;
  }
  uint64_t rows = s.rows;
  uint64_t comp_bytes = gz_close(&s);
  uint64_t raw = s.raw;
  if (rename(tmp, path) != 0)
    die(strerror(errno));
  fprintf(sizes, "marketo_leads.csv.gz\t%llu\t%llu\t%llu\n", (unsigned long long)comp_bytes,
          (unsigned long long)raw, (unsigned long long)rows);
  return 0;
}

/* --- Marketo activities ----------------------------------------------------------- */

/* Percent-encodes text for a query string; space as '+' or "%20". */
static size_t url_encode(const char *v, char *out, size_t cap, bool plus) {
  size_t n = 0;
  for (; *v && n + 4 < cap; v++) {
    unsigned char c = (unsigned char)*v;
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
        c == '_' || c == '.' || c == '~') {
      out[n++] = (char)c;
    } else if (c == ' ' && plus) {
      out[n++] = '+';
    } else {
      out[n++] = '%';
      out[n++] = "0123456789ABCDEF"[c >> 4];
      out[n++] = "0123456789ABCDEF"[c & 15];
    }
  }
  out[n] = '\0';
  return n;
}

/* A utm_campaign value that names campaign c in one of the ways marketers
 * write it; its campaign key is always the campaign name's key. */
static void utm_campaign_for(const struct campaign *c, struct rng *r, char *out, size_t cap) {
  double u = rng_u01(r);
  if (u < 0.4)
    slug(c->name, out, cap, '-', true);
  else if (u < 0.65)
    url_encode(c->name, out, cap, false);
  else if (u < 0.85)
    url_encode(c->name, out, cap, true);
  else
    slug(c->name, out, cap, '_', false);
}

struct activity_mix {
  int type;
  double share;
};
static const struct activity_mix MIX[] = {{1, 0.45}, {2, 0.05}, {11, 0.08}, {10, 0.14},
                                          {7, 0.18}, {6, 0.06}, {12, 0.01}, {13, 0.03}};

static int pick_type(struct rng *r) {
  double u = rng_u01(r);
  for (size_t i = 0; i < ARRAY_LEN(MIX); i++) {
    if (u < MIX[i].share)
      return MIX[i].type;
    u -= MIX[i].share;
  }
  return 1;
}

/* Contacts of the person space, for picking active people. */
struct people_index {
  uint32_t *contacts, ncontacts;
};

static void people_index_build(struct people_index *ix) {
  ix->contacts = malloc((W.nleads + W.ndcontacts) * sizeof(uint32_t));
  if (!ix->contacts)
    die("out of memory");
  ix->ncontacts = 0;
  struct person pe;
  for (uint32_t p = 0; p < W.nleads + W.ndcontacts; p++) {
    person_get(p, &pe);
    if (pe.is_contact && pe.has_mlead)
      ix->contacts[ix->ncontacts++] = p;
  }
}

/* The person of an activity: contacts 35%, leads 50%, Marketo-only 15%. */
static uint32_t pick_actor(const struct people_index *ix, struct rng *r) {
  for (;;) {
    double u = rng_u01(r);
    uint32_t p;
    if (u < 0.35)
      p = ix->contacts[rng_skewed(r, ix->ncontacts)];
    else if (u < 0.85)
      p = rng_skewed(r, W.nleads);
    else
      p = W.nleads + W.ndcontacts + rng_skewed(r, W.nmaonly);
    struct person pe;
    person_get(p, &pe);
    if (pe.has_mlead)
      return p;
  }
}

/* JSON text inside a CSV cell: quotes doubled. */
static void jkey(struct sink *s, bool first, const char *k) {
  if (!first)
    puts_(s, ", ");
  puts_(s, "\"\"");
  puts_(s, k);
  puts_(s, "\"\": ");
}
static void jstr(struct sink *s, bool first, const char *k, const char *v) {
  jkey(s, first, k);
  puts_(s, "\"\"");
  puts_(s, v);
  puts_(s, "\"\"");
}
static void jnum(struct sink *s, bool first, const char *k, uint64_t v) {
  jkey(s, first, k);
  put_u64(s, v);
}

/* The UTM query of a touch-worthy visit at time t, or "" (organic, direct). */
static void utm_query(struct rng *r, int64_t t, char *q, size_t cap) {
  double u = rng_u01(r);
  char camp[400];
  const char *src, *med;
  if (u < 0.62) {
    /* a campaign running around t */
    int64_t first = W.t_data0 / DAY - 120, last = W.t_asof / DAY - 10;
    double step = (double)(last - first) / W.ncampaigns;
    int64_t day = floor_div(t, DAY);
    int64_t hi = (int64_t)((double)(day - first) / step);
    int64_t lo = hi - (int64_t)(100 / step) - 1;
    if (hi >= (int64_t)W.ncampaigns)
      hi = W.ncampaigns - 1;
    if (lo < 0)
      lo = 0;
    if (hi < lo)
      hi = lo;
    struct campaign c;
    campaign_get((uint32_t)rng_range(r, lo, hi), &c);
    med = CT[c.type].medium;
    src = CT[c.type].source;
    if (!*med) {
      med = rng_chance(r, 0.5) ? "email" : "social";
      src = *med == 'e' ? "marketo" : "linkedin";
    }
    utm_campaign_for(&c, r, camp, sizeof camp);
  } else if (u < 0.8) {
    static const char *const meds[] = {"cpc", "paid-social", "display", "social", "cpm",
                                       "ppc", "paid_search", "email", "affiliate"};
    static const char *const srcs[] = {"google", "linkedin", "facebook", "bing", "reddit",
                                       "capterra", "g2"};
    med = PICK(r, meds);
    src = PICK(r, srcs);
    snprintf(camp, sizeof camp, "%s", PICK(r, unmatched_campaigns));
  } else {
    static const char *const meds[] = {"organic", "referral", "seo", "Social", "CPC"};
    static const char *const srcs[] = {"google", "bing", "partner-portal", "twitter", "newsletter"};
    med = PICK(r, meds);
    src = PICK(r, srcs);
    camp[0] = '\0';
  }
  if (camp[0])
    snprintf(q, cap, "%sutm_source=%s&utm_medium=%s&utm_campaign=%s",
             rng_chance(r, 0.1) ? "gclid=Cj0KCQjw_x1&" : "", src, med, camp);
  else
    snprintf(q, cap, "utm_source=%s&utm_medium=%s", src, med);
}

static int part_ma_activities(const char *dir, FILE *sizes) {
  char tmp[4096], path[4096];
  snprintf(tmp, sizeof tmp, "%s/.marketo_activities.csv.gz.tmp", dir);
  snprintf(path, sizeof path, "%s/marketo_activities.csv.gz", dir);
  struct people_index ix;
  people_index_build(&ix);
  struct sink s;
  gz_open(&s, tmp);
  puts_(&s, "marketoGUID,leadId,activityDate,activityTypeId,campaignId,primaryAttributeValueId,"
            "primaryAttributeValue,attributes\n");
  char q[600], url[800];
  uint64_t guid = 200000000ULL;
  double span = (double)(W.t_asof - W.t_data0);
  for (uint64_t i = 0; i < W.nactivities; i++) {
    struct rng r = rng_for(K_ACTIVITY, i);
    /* times increase with i; density grows over the years */
    int64_t t = W.t_data0 + (int64_t)(sqrt(((double)i + 0.5) / (double)W.nactivities) * span);
    uint32_t p = pick_actor(&ix, &r);
    int type = pick_type(&r);
    guid += 1 + rng_next(&r) % 3;
    put_u64(&s, guid);
    putc_(&s, ',');
    put_u64(&s, mkto_id(p));
    putc_(&s, ',');
    put_time(&s, t);
    putc_(&s, 'Z');
    putc_(&s, ',');
    put_u64(&s, (uint64_t)type);
    putc_(&s, ',');
    switch (type) {
    case 1:
    case 2: {
      unsigned page = (unsigned)(rng_next(&r) % ARRAY_LEN(web_pages));
      bool utm = rng_chance(&r, type == 1 ? 0.35 : 0.6);
      q[0] = '\0';
      if (utm)
        utm_query(&r, t, q, sizeof q);
      else if (rng_chance(&r, 0.2))
        snprintf(q, sizeof q, "ref=nav&_ga=2.%u", (unsigned)(rng_next(&r) % 100000));
      /* Where the query lives: usually the Query Parameters attribute,
       * sometimes only the Webpage URL (the attribute absent or empty). */
      double where = rng_u01(&r);
      bool in_url = q[0] && where < 0.12;
      bool empty_attr = in_url && where < 0.04;
      if (in_url)
        snprintf(url, sizeof url, "%s?%s", web_pages[page], q);
      else
        snprintf(url, sizeof url, "%s", web_pages[page]);
      if (type == 1) {
        puts_(&s, "null,");
        put_u64(&s, 100 + page);
        putc_(&s, ',');
        puts_(&s, web_pages[page]);
      } else {
        put_u64(&s, 3000 + rng_next(&r) % 40);
        putc_(&s, ',');
        put_u64(&s, 1000 + page % ARRAY_LEN(forms));
        putc_(&s, ',');
        puts_(&s, forms[page % ARRAY_LEN(forms)]);
      }
      puts_(&s, ",\"{");
      jnum(&s, true, "Webpage ID", 100 + page);
      char ip[32];
      snprintf(ip, sizeof ip, "203.0.%u.%u", (unsigned)(rng_next(&r) % 256),
               (unsigned)(rng_next(&r) % 256));
      jstr(&s, false, "Client IP Address", ip);
      if (!in_url && q[0])
        jstr(&s, false, "Query Parameters", q);
      else if (empty_attr || rng_chance(&r, 0.3))
        jstr(&s, false, "Query Parameters", "");
      jstr(&s, false, "Referrer URL", PICK(&r, referrers));
      jstr(&s, false, "User Agent", PICK(&r, user_agents));
      jstr(&s, false, "Webpage URL", url);
      puts_(&s, "}\"");
      break;
    }
    case 11: {
      put_u64(&s, 5000 + rng_next(&r) % 300);
      putc_(&s, ',');
      put_u64(&s, 9000 + rng_next(&r) % 500);
      struct campaign c;
      campaign_get((uint32_t)(rng_next(&r) % W.ncampaigns), &c);
      char mail[200];
      snprintf(mail, sizeof mail, "%s.Email", c.name);
      m_str(&s, mail);
      puts_(&s, ",\"{");
      jnum(&s, true, "Campaign Run ID", rng_next(&r) % 100000);
      jnum(&s, false, "Choice Number", 0);
      jstr(&s, false, "Device", rng_chance(&r, 0.3) ? "iPhone" : "Desktop");
      jstr(&s, false, "Is Mobile Device", rng_chance(&r, 0.3) ? "true" : "false");
      snprintf(url, sizeof url, "https://www.example.com/%s?utm_source=marketo&utm_medium=email",
               web_pages[rng_next(&r) % ARRAY_LEN(web_pages)] + 16);
      jstr(&s, false, "Link", url);
      jstr(&s, false, "Platform", "Windows");
      jnum(&s, false, "Step ID", rng_next(&r) % 50);
      jstr(&s, false, "User Agent", PICK(&r, user_agents));
      puts_(&s, "}\"");
      break;
    }
    case 6:
    case 7:
    case 10: {
      put_u64(&s, 5000 + rng_next(&r) % 300);
      putc_(&s, ',');
      put_u64(&s, 9000 + rng_next(&r) % 500);
      struct campaign c;
      campaign_get((uint32_t)(rng_next(&r) % W.ncampaigns), &c);
      char mail[200];
      snprintf(mail, sizeof mail, "%s.Email", c.name);
      m_str(&s, mail);
      puts_(&s, ",\"{");
      jnum(&s, true, "Campaign Run ID", rng_next(&r) % 100000);
      jnum(&s, false, "Choice Number", 0);
      jnum(&s, false, "Step ID", rng_next(&r) % 50);
      if (type == 10) {
        jstr(&s, false, "Device", rng_chance(&r, 0.3) ? "iPhone" : "Desktop");
        jstr(&s, false, "Platform", "Windows");
        jstr(&s, false, "User Agent", PICK(&r, user_agents));
      }
      puts_(&s, "}\"");
      break;
    }
    case 12:
      puts_(&s, "null,null,null,\"{");
      jstr(&s, true, "Source Type", "New lead");
      jstr(&s, false, "Form Name", PICK(&r, forms));
      jstr(&s, false, "Lead Source", "Web");
      puts_(&s, "}\"");
      break;
    default: /* 13 Change Data Value */
      puts_(&s, "null,51,Lead Status,\"{");
      jstr(&s, true, "New Value", rng_chance(&r, 0.5) ? "MQL" : "SQL");
      jstr(&s, false, "Old Value", "Lead");
      jstr(&s, false, "Reason", "Scoring threshold reached");
      jstr(&s, false, "Source", "Marketo Flow Action");
      puts_(&s, "}\"");
      break;
    }
    putc_(&s, '\n');
    s.rows++;
  }
  uint64_t rows = s.rows;
  uint64_t comp_bytes = gz_close(&s);
  uint64_t raw = s.raw;
  if (rename(tmp, path) != 0)
    die(strerror(errno));
  fprintf(sizes, "marketo_activities.csv.gz\t%llu\t%llu\t%llu\n", (unsigned long long)comp_bytes,
          (unsigned long long)raw, (unsigned long long)rows);
  free(ix.contacts);
  return 0;
}

/* --- main ------------------------------------------------------------------------- */

static int usage(FILE *f, int rc) {
  fputs("usage: gen --scale small|medium|large --part crm|ma_leads|ma_activities --out DIR\n"
        "           [--history]\n", f);
  return rc;
}

int main(int argc, char **argv) {
  const char *scale = NULL, *part = NULL, *dir = NULL;
  bool history = false;
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--help") == 0)
      return usage(stdout, 0);
    if (strcmp(argv[i], "--history") == 0) {
      history = true;
      continue;
    }
    if (i + 1 >= argc)
      return usage(stderr, 2);
    if (strcmp(argv[i], "--scale") == 0)
      scale = argv[++i];
    else if (strcmp(argv[i], "--part") == 0)
      part = argv[++i];
    else if (strcmp(argv[i], "--out") == 0)
      dir = argv[++i];
    else
      return usage(stderr, 2);
  }
  if (!scale || !part || !dir || world_init(scale) != 0)
    return usage(stderr, 2);
  char path[4096];
  snprintf(path, sizeof path, "%s/sizes-%s.tsv", dir, part);
  FILE *sizes = fopen(path, "w");
  if (!sizes)
    die(strerror(errno));
  int rc;
  if (strcmp(part, "crm") == 0)
    rc = part_crm(dir, sizes, history);
  else if (strcmp(part, "ma_leads") == 0)
    rc = part_ma_leads(dir, sizes);
  else if (strcmp(part, "ma_activities") == 0)
    rc = part_ma_activities(dir, sizes);
  else
    return usage(stderr, 2);
  if (fclose(sizes) != 0)
    die("cannot write sizes");
  return rc;
}
