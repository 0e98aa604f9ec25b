/* UTM parameters, URL queries, referrer hosts and campaign keys (contract
 * §3.2, §9 "People and touches"). */
#include "tests/unit/check.h"
#include "transforms/values.h"

static struct utm u;
static struct strbuf sb = STRBUF_INIT;

static void q(const char *s) { utm_from_query(s, strlen(s), &u); }

/* "source|medium|campaign" of the last query, into sb. */
static const char *utm3(void) {
  strbuf_reset(&sb);
  strbuf_addf(&sb, "%s|%s|%s", strbuf_str(&u.source), strbuf_str(&u.medium),
              strbuf_str(&u.campaign));
  return strbuf_str(&sb);
}

static void test_query(void) {
  q("utm_source=google&utm_medium=cpc&utm_campaign=Q1+Launch%21");
  CHECK_STR(utm3(), "google|cpc|Q1 Launch!");
  q("?utm_source=a");
  CHECK_STR(utm3(), "a||");
  q("??utm_source=a"); /* only one '?' is dropped */
  CHECK_STR(utm3(), "||");
  q("UTM_Source=a&Utm_MEDIUM=b&utm%5Fcampaign=c");
  CHECK_STR(utm3(), "a|b|c");
  q("utm%5fsource=x&utm+source=y&utm_source%20=z"); /* %-decoded name matches */
  CHECK_STR(utm3(), "x||");
  q("utm_source=first&utm_source=second");
  CHECK_STR(utm3(), "first||");
  q("utm_source=&utm_source=second"); /* first occurrence wins, even empty */
  CHECK_STR(utm3(), "||");
  q("utm_source&utm_source=second&utm_medium=m"); /* no '=': empty value */
  CHECK_STR(utm3(), "|m|");
  q("utm_medium=%zz%4&utm_source=%4&utm_campaign=100%");
  CHECK_STR(utm3(), "%4|%zz%4|100%");
  q("utm_source=%4g%g4%%41");
  CHECK_STR(utm3(), "%4g%g4%A||");
  q("utm_source=a%2Bb%2bc+d%20e");
  CHECK_STR(strbuf_str(&u.source), "a+b+c d e"); /* %2B is a literal plus */
  q("utm_source=a=b&&&utm_medium=&x=1");
  CHECK_STR(utm3(), "a=b||");
  q("utm_campaign=Caf%C3%A9");
  CHECK_STR(utm3(), "||Caf\xC3\xA9");
  q("utm_sources=a&xutm_source=b&utm_mediu=c");
  CHECK_STR(utm3(), "||");
  q("");
  CHECK_STR(utm3(), "||");
  /* Values are kept as written (not lowercased or trimmed). */
  q("utm_source=%20Google%20");
  CHECK_STR(strbuf_str(&u.source), " Google ");
  /* A %00 becomes a NUL byte in the value; its length says so. */
  q("utm_source=a%00b");
  CHECK_I64(u.source.len, 3);
  /* n is honoured. */
  utm_from_query("utm_source=abcdef", 13, &u);
  CHECK_STR(strbuf_str(&u.source), "ab");
  /* Reset between calls. */
  q("utm_source=a&utm_medium=b");
  q("utm_campaign=c");
  CHECK_STR(utm3(), "||c");
}

static const char *query_of(const char *url) {
  const char *qs;
  size_t n;
  static char out[256];
  if (!url_query(url, strlen(url), &qs, &n))
    return "(none)";
  snprintf(out, sizeof out, "%.*s", (int)n, qs);
  return out;
}

static void test_url_query(void) {
  CHECK_STR(query_of("www.example.com/pricing?utm_source=a&b=c#frag"), "utm_source=a&b=c");
  CHECK_STR(query_of("https://x.com/?a=1?b=2"), "a=1?b=2");
  CHECK_STR(query_of("https://x.com/?"), "");
  CHECK_STR(query_of("https://x.com/?#"), "");
  CHECK_STR(query_of("https://x.com/"), "(none)");
  CHECK_STR(query_of("https://x.com/#a?b=c"), "b=c"); /* literal: after the first ?, before # */
  CHECK_STR(query_of(""), "(none)");
}

static void test_from_attributes(void) {
  struct ma_attributes a;
  ma_attributes_init(&a);
  const char *why;
#define ATTR(json) ma_attributes_parse(json, strlen(json), &a, &why)
  CHECK(ATTR("{\"Query Parameters\":\"utm_source=qp\",\"Webpage URL\":"
             "\"www.x.com/?utm_source=url&utm_medium=m\"}") == 0);
  utm_from_attributes(&a, &u);
  CHECK_STR(utm3(), "qp||"); /* all three from the same source */
  CHECK(ATTR("{\"Query Parameters\":\"\",\"Webpage URL\":"
             "\"www.x.com/?utm_source=url&utm_medium=m#utm_campaign=c\"}") == 0);
  utm_from_attributes(&a, &u);
  CHECK_STR(utm3(), "url|m|");
  CHECK(ATTR("{\"Query Parameters\":null,\"Webpage URL\":\"x.com?utm_medium=m\"}") == 0);
  utm_from_attributes(&a, &u);
  CHECK_STR(utm3(), "|m|");
  CHECK(ATTR("{\"Query Parameters\":\"ref=nav\",\"Webpage URL\":\"x.com?utm_medium=m\"}") ==
        0);
  utm_from_attributes(&a, &u);
  CHECK_STR(utm3(), "||"); /* non-empty Query Parameters wins even without utm */
  CHECK(ATTR("{\"Webpage URL\":\"www.example.com/pricing\"}") == 0);
  utm_from_attributes(&a, &u);
  CHECK_STR(utm3(), "||");
  CHECK(ATTR("") == 0);
  utm_from_attributes(&a, &u);
  CHECK_STR(utm3(), "||");
#undef ATTR
  ma_attributes_release(&a);
}

static const char *host(const char *url) {
  referrer_host(url, strlen(url), &sb);
  return strbuf_str(&sb);
}

static void test_referrer_host(void) {
  CHECK_STR(host("https://User:pw@WWW.Google.com:443/path?q#f"), "www.google.com");
  CHECK_STR(host("https://www.google.com/"), "www.google.com");
  CHECK_STR(host("www.linkedin.com/feed"), "www.linkedin.com");
  CHECK_STR(host("HTTP://Example.COM"), "example.com");
  CHECK_STR(host("https://example.com?x=1"), "example.com");
  CHECK_STR(host("https://example.com#top"), "example.com");
  CHECK_STR(host("android-app://com.google.android.gm/"), "com.google.android.gm");
  CHECK_STR(host("//cdn.example.com/x"), "cdn.example.com");
  CHECK_STR(host("localhost:8080/x"), "localhost");
  CHECK_STR(host("https://[2001:DB8::1]:8443/"), "[2001:db8::1]");
  CHECK_STR(host("https://a@b@Host.com/"), "host.com");
  CHECK_STR(host("https://host.com/a@b.com"), "host.com"); /* '@' after the path */
  CHECK_STR(host("www.x.com/r?u=https://y.com/"), "www.x.com");
  CHECK_STR(host("1http://x.com/"), "1http"); /* not a scheme: cut at '/', then port */
  CHECK_STR(host("https://"), "");
  CHECK_STR(host(""), "");
  CHECK_STR(host("/relative/path"), "");
  CHECK_STR(host("ht tp://x.com"), "ht tp");
  referrer_host("https://A.com/zzz", 13, &sb);
  CHECK_STR(strbuf_str(&sb), "a.com");
}

static const char *key(const char *s) {
  campaign_key(s, strlen(s), &sb);
  return strbuf_str(&sb);
}

static void test_campaign_key(void) {
  CHECK_STR(key("Q1 Launch!!"), "q1-launch");
  CHECK_STR(key("--A__b--"), "a-b");
  CHECK_STR(key("Q1 Launch"), "q1-launch");
  CHECK_STR(key("q1-launch"), "q1-launch");
  CHECK_STR(key("Q1_LAUNCH"), "q1-launch");
  CHECK_STR(key("a"), "a");
  CHECK_STR(key("AZaz09"), "azaz09");
  CHECK_STR(key("@[`{/:"), ""); /* neighbours of A-Z, a-z, 0-9 */
  CHECK_STR(key("a@b[c`d{e/f:g"), "a-b-c-d-e-f-g");
  CHECK_STR(key("Caf\xC3\xA9 Days"), "caf-days"); /* bytes >= 0x80 separate */
  CHECK_STR(key("\xC3\xA9t\xC3\xA9"), "t");
  CHECK_STR(key(""), "");
  CHECK_STR(key("!!!"), "");
  campaign_key("Ab cd", 4, &sb);
  CHECK_STR(strbuf_str(&sb), "ab-c");
}

/* Absent values may arrive as (NULL, 0), e.g. a never-grown strbuf. */
static void test_null_empty(void) {
  const char *qs = "x";
  size_t n = 9;
  utm_from_query(NULL, 0, &u);
  CHECK_STR(utm3(), "||");
  CHECK(url_query(NULL, 0, &qs, &n) == 0 && n == 0);
  referrer_host(NULL, 0, &sb);
  CHECK(sb.buf != NULL && sb.len == 0);
  campaign_key(NULL, 0, &sb);
  CHECK(sb.buf != NULL && sb.len == 0);
}

int main(void) {
  utm_init(&u);
  test_null_empty();
  test_query();
  test_url_query();
  test_from_attributes();
  test_referrer_host();
  test_campaign_key();
  utm_release(&u);
  strbuf_release(&sb);
  return check_exit();
}
