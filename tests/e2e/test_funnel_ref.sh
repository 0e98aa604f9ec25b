#!/usr/bin/env bash
# funnel.csv against an independent reading of its definition
# (tests/tools/funnel_ref.py, Python, no code shared with the pipeline): on
# the fixtures under several configurations (periods, fiscal quarters, a
# shorter stage list, a --from/--to range, excel_bom), and on random exports
# from tests/tools/funnel_random.py (FUNNEL_RANDOM_CASES, default 40) that
# stress stage names, ties, deleted, duplicate and unknown rows. Every
# published funnel.csv must equal the reference byte for byte and hold the
# invariants of check_funnel. The reference runs once over all cases (a
# batch), to keep the test quick.
. "$(dirname "$0")/lib.sh"

command -v python3 >/dev/null || fail "python3 is needed (scripts/setup installs it)"
TOOLS="$ATTR_SOURCE_DIR/tests/tools"
BATCH="$SCRATCH/batch.txt"
CASES=()

published() { find "$1" -mindepth 1 -maxdepth 1 -type d ! -name '.*'; }

# run_case DIR [ETL OPTIONS...]: runs etl in DIR and queues the reference
# over the published range.
run_case() {
  local dir=$1 pub range
  shift
  (cd "$dir" && "$ETL" run -c pipeline.conf --as-of "$AS_OF" --quiet "$@" >/dev/null 2>run.err) ||
    { cat "$dir/run.err" >&2; fail "$dir: etl run failed"; }
  pub=$(published "$dir/out")
  range=$(basename "$pub")
  echo "$dir/pipeline.conf ${range%_*} ${range#*_} $dir/ref.csv" >>"$BATCH"
  CASES+=("$dir")
}

# --- the fixtures -------------------------------------------------------------
fixture_case() { # fixture_case NAME "ETL OPTIONS" [pipeline lines...]
  local name=$1 opts=$2
  shift 2
  make_conf "$SCRATCH/$name" "$@"
  # shellcheck disable=SC2086
  run_case "$SCRATCH/$name" $opts
}
fixture_case default ""
fixture_case week "" "period = week"
fixture_case fiscal_quarter "" "period = quarter" "fiscal_year_start_month = 4"
fixture_case fiscal_year "" "period = year" "fiscal_year_start_month = 2"
fixture_case day_range "--from 2024-03-10 --to 2024-11-20" "period = day"
fixture_case bom_short "" "excel_bom = true" "[funnel]" "stages = Qualification, Proposal/Price Quote"
[ "$(grep -c ',Proposal/Price Quote,2,' "$(published "$SCRATCH/bom_short/out")/funnel.csv")" -gt 0 ] ||
  fail "bom_short: the shorter stage list was not used"
nfixture=${#CASES[@]}

# --- random exports -------------------------------------------------------------
n=${FUNNEL_RANDOM_CASES:-40}
python3 "$TOOLS/funnel_random.py" 1 "$n" "$SCRATCH/random" >"$SCRATCH/random.txt" ||
  fail "funnel_random.py failed"
while read -r seed from to; do
  if [ "$from" = - ]; then
    run_case "$SCRATCH/random/$seed"
  else
    run_case "$SCRATCH/random/$seed" --from "$from" --to "$to"
  fi
done <"$SCRATCH/random.txt"
[ "${#CASES[@]}" -eq $((nfixture + n)) ] || fail "expected $((nfixture + n)) cases, ran ${#CASES[@]}"

# --- the reference, then the comparison -------------------------------------------
python3 "$TOOLS/funnel_ref.py" --batch "$BATCH" || fail "funnel_ref.py failed"
rows=0
for dir in "${CASES[@]}"; do
  pub=$(published "$dir/out")
  if ! cmp -s "$dir/ref.csv" "$pub/funnel.csv"; then
    diff "$dir/ref.csv" "$pub/funnel.csv" | head -20 >&2 || true
    fail "$dir: funnel.csv differs from the reference"
  fi
  "$ATTR_BIN_DIR/check_funnel" "$pub" >/dev/null || fail "$dir: funnel invariants"
  rows=$((rows + $(wc -l <"$dir/ref.csv") - 1))
done
[ "$rows" -gt 500 ] || fail "the cases gave only $rows funnel rows"
echo "funnel.csv equals the reference: $nfixture fixture configurations and $n random exports, $rows rows"
