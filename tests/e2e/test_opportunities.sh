#!/usr/bin/env bash
# opportunities.csv beyond its golden rows (fixtures/expected): what a
# finance reader relies on when a deal is missing or sits at a range's edge.
#  - every kept opportunity has a row over the default range, and every
#    opportunity rejected as an error is absent and has its reject row;
#  - the manifest lists the table with its rows;
#  - a range keeps a deal created before it but won in it, and a deal
#    created in it but won after it, each with its full values;
#  - period labels by ISO week and by fiscal quarter; excel_bom.
. "$(dirname "$0")/lib.sh"

published() { find "$1" -mindepth 1 -maxdepth 1 -type d ! -name '.*'; }

# row ID FILE: the row of opportunity ID (one line: the fixtures' multi-line
# name is on another deal).
row() { grep "^$1," "$2" || fail "no row for $1 in $2"; }

# field N LINE: the Nth comma-separated field (the rows used have no quoted comma).
field() { echo "$2" | cut -d, -f"$1" | tr -d '\r'; }

# --- the default range: kept = rows, rejected = absent ------------------------

make_conf "$SCRATCH/default"
cd "$SCRATCH/default"
expect_exit 0 "$ETL" run -q --as-of "$AS_OF"
pub=$(published out)
O="$pub/opportunities.csv"
m="$pub/manifest.json"
kept=$(grep -A4 '"name": "crm_export.zip:Opportunity.csv"' "$m" | sed -n 's/.*"rows_kept": \([0-9]*\).*/\1/p')
rows=$(grep -A3 '"name": "opportunities.csv"' "$m" | sed -n 's/.*"rows": \([0-9]*\).*/\1/p')
[ -n "$kept" ] && [ "$kept" -gt 0 ] || fail "manifest: no rows_kept for Opportunity.csv"
[ "$rows" = "$kept" ] || fail "opportunities.csv has $rows rows, the CRM kept $kept deals"
rejected=$(awk -F, '$3 == "Opportunity" && $6 == "error" { print $4 }' "$pub/rejects.csv")
[ "$(echo "$rejected" | wc -l)" -eq 5 ] || fail "expected 5 rejected deals, got: $rejected"
for id in $rejected; do
  ! grep -q "^$id," "$O" || fail "rejected deal $id has a row"
done
# the deleted deal is skipped, neither kept nor rejected
! grep -q '^0065g0LGTIdDopfA4C' "$O" "$pub/rejects.csv" || fail "the deleted deal shows"

# --- a range: deals cut on both sides keep their whole values -----------------

expect_exit 0 "$ETL" run -q --as-of "$AS_OF" --from 2024-08-01 --to 2024-08-31
R="out/2024-08-01_2024-08-31/opportunities.csv"
[ -f "$R" ] || fail "no range folder: $(ls out)"
# created 2024-05-08, won 2024-08-10: in, its created_period outside the range
r=$(row 0065g0HwVYTdlD1A0J "$R")
[ "$(field 5 "$r") $(field 13 "$r") $(field 14 "$r")" = "2024-05-08 2024-05 2024-08" ] || fail "won in range: $r"
[ "$(field 11 "$r") $(field 12 "$r")" = "111749.35 111749.35" ] || fail "won in range values: $r"
# created 2024-08-20, won 2024-12-05 (after the range): in, revenue shown
r=$(row 0065g0eptY0VcppAQC "$R")
[ "$(field 9 "$r") $(field 10 "$r") $(field 11 "$r") $(field 12 "$r")" = "EUR 62000.00 67034.40 67859.00" ] ||
  fail "created in range: $r"
# created before the range and lost (after it): out
! grep -q '^0065g073V5q4aYJAIY,' "$R" || fail "a lost deal created before the range has a row"

# --- weeks, fiscal quarters, BOM ----------------------------------------------

make_conf "$SCRATCH/week" "period = week"
cd "$SCRATCH/week"
expect_exit 0 "$ETL" run -q --as-of "$AS_OF"
r=$(row 0065g0LOq1vkqHPAGY "$(published out)/opportunities.csv")
# created Monday 2024-12-02, closed Monday 2025-01-20
[ "$(field 13 "$r") $(field 14 "$r")" = "2024-W49 2025-W04" ] || fail "ISO weeks: $r"
# created 2024-06-30T23:59:59Z, a Sunday: the UTC date's week
r=$(row 0065g09Bz3YvgbuAEB "$(published out)/opportunities.csv")
[ "$(field 5 "$r") $(field 13 "$r") $(field 14 "$r")" = "2024-06-30 2024-W26 2024-W27" ] || fail "week edge: $r"

make_conf "$SCRATCH/fiscal" "period = quarter" "fiscal_year_start_month = 4" "excel_bom = true"
cd "$SCRATCH/fiscal"
expect_exit 0 "$ETL" run -q --as-of "$AS_OF"
F="$(published out)/opportunities.csv"
[ "$(head -c 3 "$F" | od -An -tx1 | tr -d ' \n')" = efbbbf ] || fail "excel_bom: no BOM"
head -c 100 "$F" | tail -c +4 | grep -q '^opportunity_id,opportunity_name,' || fail "excel_bom: header after the BOM"
r=$(row 0065g0LOq1vkqHPAGY "$F")
# fiscal years from April, named by their ending year
[ "$(field 13 "$r") $(field 14 "$r")" = "FY2025-Q3 FY2025-Q4" ] || fail "fiscal quarters: $r"
echo "opportunities.csv: kept = rows, rejects absent, range edges, weeks, fiscal, BOM"
