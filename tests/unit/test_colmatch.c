/* Column name suggestions for missing required columns: each kind of near
 * match, the boundary of the edit distance on both sides, the preference
 * order, ties, and headers already taken. */
#include "tests/unit/check.h"
#include "transforms/colmatch.h"

static int suggest(const char *want, const char *const *h, size_t n, const bool *taken) {
  size_t lens[16];
  for (size_t i = 0; i < n; i++)
    lens[i] = strlen(h[i]);
  return column_suggest(want, h, lens, n, taken);
}

int main(void) {
  const char *h1[] = {"Id", "closedate", "Amount ", "Close Date", "IsWon"};
  CHECK_I64(suggest("CloseDate", h1, 5, NULL), 1);   /* case only: best */
  CHECK_I64(suggest("Amount", h1, 5, NULL), 2);      /* trailing space */
  const char *h2[] = {"Close Date", "close_date"};
  CHECK_I64(suggest("CloseDate", h2, 2, NULL), 0);   /* separators, first wins the tie */
  const char *h3[] = {"CampaignID", "Campaign_Id"};
  CHECK_I64(suggest("CampaignId", h3, 2, NULL), 0);
  /* edit distance: 2 allowed from 6 characters on, 1 below */
  const char *h4[] = {"CreatdDate"};
  CHECK_I64(suggest("CreatedDate", h4, 1, NULL), 0); /* one deletion */
  const char *h5[] = {"CretdDate"};
  CHECK_I64(suggest("CreatedDate", h5, 1, NULL), 0); /* two */
  const char *h6[] = {"CrtdDate"};
  CHECK_I64(suggest("CreatedDate", h6, 1, NULL), -1); /* three: too far */
  const char *h7[] = {"Amont"};
  CHECK_I64(suggest("Amount", h7, 1, NULL), 0);
  const char *h8[] = {"Amnt"};
  CHECK_I64(suggest("Amount", h8, 1, NULL), 0);      /* 6 characters: 2 allowed */
  const char *h9[] = {"ia", "Idx", "ID "};
  CHECK_I64(suggest("Id", h9, 3, NULL), 2);          /* short names: case and spaces only */
  CHECK_I64(suggest("Id", h9, 2, NULL), -1);
  const char *h10[] = {"rte"};
  CHECK_I64(suggest("rate", h10, 1, NULL), 0);       /* 4 characters: 1 allowed */
  const char *h10b[] = {"dat"};
  CHECK_I64(suggest("date", h10b, 1, NULL), 0);
  CHECK_I64(suggest("dat", (const char *[]){"date"}, 1, NULL), -1); /* 3 characters: none */
  const char *h11[] = {"rt"};
  CHECK_I64(suggest("rate", h11, 1, NULL), -1);      /* 2 for a 4-character name: too far */
  /* a closer kind beats file order */
  const char *h12[] = {"Amounts", "AMOUNT"};
  CHECK_I64(suggest("Amount", h12, 2, NULL), 1);
  /* taken headers are skipped */
  const char *h13[] = {"Amount", "amount "};
  const bool taken[] = {true, false};
  CHECK_I64(suggest("Amount", h13, 2, taken), 1);
  /* nothing alike, and an empty header list */
  const char *h14[] = {"foo", "bar"};
  CHECK_I64(suggest("CloseDate", h14, 2, NULL), -1);
  CHECK_I64(suggest("CloseDate", h14, 0, NULL), -1);
  /* separators alone never make a match out of nothing */
  const char *h15[] = {"__"};
  CHECK_I64(suggest("-", h15, 1, NULL), -1);
  return check_exit();
}
