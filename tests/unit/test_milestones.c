/* Milestones (contract §4): FT, LC (last touch at or before lc_time, else
 * FT), OC (last touch at or before the opportunity's creation, else absent),
 * CW (last touch, won only), LT; and their "FT+LC" text. Each boundary is
 * tested on both sides. */
#include "transforms/credit.h"

#include "tests/unit/check.h"

#define FT MS_BIT(MS_FT)
#define LC MS_BIT(MS_LC)
#define OC MS_BIT(MS_OC)
#define CW MS_BIT(MS_CW)
#define LT MS_BIT(MS_LT)

static const int64_t T4[] = {100, 200, 200, 300};

/* Runs milestones_compute over T4 and returns the flags of touch i. */
static unsigned flags4(int64_t lc, int64_t oc, bool won, size_t i) {
  uint8_t f[4];
  milestones_compute(T4, 4, lc, oc, won, f);
  return f[i];
}

static void test_single_touch(void) {
  int64_t t[] = {1000};
  uint8_t f[1];
  milestones_compute(t, 1, 500, 999, false, f);
  CHECK_I64(f[0], FT | LC | LT);
  milestones_compute(t, 1, 1000, 1000, true, f);
  CHECK_I64(f[0], FT | LC | OC | CW | LT);
}

static void test_lead_creation(void) {
  /* Before every touch: LC falls back to FT. */
  CHECK_I64(flags4(99, 0, false, 0), FT | LC);
  /* Exactly at t1 / one second before t2 / exactly at t2 (equal times: the
   * later one in order) / after the last. */
  CHECK_I64(flags4(100, 0, false, 0), FT | LC);
  CHECK_I64(flags4(199, 0, false, 0), FT | LC);
  CHECK_I64(flags4(200, 0, false, 0), FT);
  CHECK_I64(flags4(200, 0, false, 1), 0);
  CHECK_I64(flags4(200, 0, false, 2), LC);
  CHECK_I64(flags4(299, 0, false, 3), LT);
  CHECK_I64(flags4(300, 0, false, 3), LC | LT);
}

static void test_opportunity_creation(void) {
  for (size_t i = 0; i < 4; i++)
    CHECK(!(flags4(0, 99, false, i) & OC)); /* before every touch: absent */
  CHECK_I64(flags4(0, 100, false, 0), FT | LC | OC);
  CHECK_I64(flags4(0, 199, false, 0), FT | LC | OC);
  CHECK_I64(flags4(0, 200, false, 2), OC);
  CHECK_I64(flags4(0, 1000, false, 3), OC | LT);
}

static void test_closed_won(void) {
  CHECK_I64(flags4(0, 0, true, 3), CW | LT);
  CHECK_I64(flags4(0, 0, false, 3), LT);
  CHECK_I64(flags4(0, 0, true, 0), FT | LC);
}

static void test_format(void) {
  char out[16];
  milestones_format(0, out);
  CHECK_STR(out, "");
  milestones_format(FT | LC, out);
  CHECK_STR(out, "FT+LC");
  milestones_format(LT | FT, out);
  CHECK_STR(out, "FT+LT");
  milestones_format(OC, out);
  CHECK_STR(out, "OC");
  milestones_format(CW | OC | LT, out);
  CHECK_STR(out, "OC+CW+LT");
  milestones_format(FT | LC | OC | CW | LT, out);
  CHECK_STR(out, "FT+LC+OC+CW+LT");
}

int main(void) {
  test_single_touch();
  test_lead_creation();
  test_opportunity_creation();
  test_closed_won();
  test_format();
  return check_exit();
}
