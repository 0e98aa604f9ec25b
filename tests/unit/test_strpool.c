/* Interning, id maps and the growable buffer: identity of equal strings,
 * growth past the initial tables, adopt + index round trip. */
#include <stdio.h>
#include <stdlib.h>

#include "tests/unit/check.h"
#include "transforms/base/idmap.h"
#include "transforms/base/strbuf.h"
#include "transforms/base/strpool.h"
#include "transforms/base/xalloc.h"

int main(void) {
  struct strpool p;
  strpool_init(&p);
  CHECK_I64(strpool_interns(&p, ""), STR_EMPTY);
  str_id a = strpool_interns(&p, "alpha");
  str_id b = strpool_interns(&p, "beta");
  CHECK(a != b && a != STR_EMPTY);
  CHECK_I64(strpool_interns(&p, "alpha"), a);
  CHECK_STR(strpool_str(&p, b), "beta");
  char key[32];
  str_id ids[5000];
  for (int i = 0; i < 5000; i++) {
    snprintf(key, sizeof(key), "k%d", i);
    ids[i] = strpool_interns(&p, key);
  }
  int same = 1;
  for (int i = 0; i < 5000; i++) {
    snprintf(key, sizeof(key), "k%d", i);
    str_id got;
    same &= strpool_find(&p, key, strlen(key), &got) && got == ids[i];
  }
  CHECK(same);
  CHECK(!strpool_find(&p, "missing", 7, &a) || 0);
  /* an unindexed string: stored, readable, never found, a second copy on intern */
  size_t count = p.count;
  str_id u = strpool_add_unique(&p, "ma:123", 6);
  CHECK_STR(strpool_str(&p, u), "ma:123");
  CHECK_I64((int64_t)p.count, (int64_t)count);
  CHECK(!strpool_find(&p, "ma:123", 6, &a));
  str_id u2 = strpool_interns(&p, "ma:123");
  CHECK(u2 != u && u2 != STR_EMPTY);
  CHECK_STR(strpool_str(&p, u2), "ma:123");
  CHECK_I64(strpool_add_unique(&p, "", 0), STR_EMPTY);
  /* adopt a copy of the blob and rebuild the index */
  char *blob = xmalloc(p.len);
  memcpy(blob, p.blob, p.len);
  struct strpool q;
  strpool_adopt(&q, blob, p.len);
  strpool_index(&q);
  str_id got;
  CHECK(strpool_find(&q, "k4999", 5, &got) && got == ids[4999]);
  CHECK_I64(strpool_interns(&q, "beta"), b);
  strpool_release(&q);
  strpool_release(&p);

  struct idmap m;
  idmap_init(&m);
  for (uint32_t i = 0; i < 10000; i++)
    idmap_put(&m, i * 7, i);
  uint32_t v;
  CHECK(idmap_get(&m, 7 * 9999, &v) && v == 9999);
  CHECK(!idmap_get(&m, 5, &v));
  idmap_put(&m, 0, 42);
  CHECK(idmap_get(&m, 0, &v) && v == 42);
  CHECK_I64(m.count, 10000);
  idmap_release(&m);

  struct strbuf sb = STRBUF_INIT;
  CHECK_STR(strbuf_str(&sb), "");
  strbuf_addf(&sb, "%s-%d", "x", 12);
  strbuf_addc(&sb, '!');
  CHECK_STR(sb.buf, "x-12!");
  char *d = strbuf_detach(&sb);
  CHECK_STR(d, "x-12!");
  CHECK(sb.buf == NULL);
  free(d);
  return check_exit();
}
