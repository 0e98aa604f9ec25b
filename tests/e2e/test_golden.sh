#!/usr/bin/env bash
# End-to-end golden test on fixtures/: the normalize stage's data set dump
# and rejects.csv, and every published table, must equal the files in
# fixtures/expected/; with the data-driven models (models = linear, markov,
# shapley), every table and model_fit.csv must equal the files in
# fixtures/expected-datadriven/. After a deliberate change, regenerate them with
#   UPDATE_GOLDEN=1 ctest -R golden   (then review the diff before committing)
. "$(dirname "$0")/lib.sh"
EXPECTED="$FIXTURES/expected"

make_conf "$SCRATCH/run"
cd "$SCRATCH/run"

mkdir work
"$ATTR_BIN_DIR/etl-normalize" -c pipeline.conf --work work 2>normalize.log
"$ATTR_BIN_DIR/etl-dump" work/dataset.bin >dataset.txt

"$ETL" run -c pipeline.conf --as-of "$AS_OF" --quiet >run.out 2>run.err
published=$(find out -mindepth 1 -maxdepth 1 -type d ! -name '.*')
[ "$(echo "$published" | wc -l)" -eq 1 ] || fail "expected one published directory, got: $published"

compare() { # compare NAME ACTUAL_FILE
  local name=$1 actual=$2
  if [ "${UPDATE_GOLDEN:-0}" = 1 ]; then
    cp "$actual" "$EXPECTED/$name"
    return
  fi
  [ -f "$EXPECTED/$name" ] || fail "missing golden file fixtures/expected/$name"
  if ! cmp -s "$actual" "$EXPECTED/$name"; then
    diff -u "$EXPECTED/$name" "$actual" | head -40 >&2 || true
    fail "$name differs from fixtures/expected/$name"
  fi
}

mkdir -p "$EXPECTED"
compare dataset.txt dataset.txt
compare rejects.csv work/rejects.csv
cmp -s work/rejects.csv "$published/rejects.csv" || fail "published rejects.csv differs from the stage's"
for t in attribution_by_campaign.csv attribution_by_channel.csv reconciliation.csv \
         opportunities.csv funnel.csv; do
  compare "$t" "$published/$t"
done
gzip -dc "$published/touch_credits.csv.gz" >touch_credits.csv
compare touch_credits.csv touch_credits.csv
echo "golden: $(basename "$published") matches fixtures/expected"

# --- the data-driven models -------------------------------------------------
EXPECTED="$FIXTURES/expected-datadriven"
make_conf "$SCRATCH/datadriven" "models = linear, markov, shapley"
cd "$SCRATCH/datadriven"
"$ETL" run -c pipeline.conf --as-of "$AS_OF" --quiet >run.out 2>run.err
published=$(find out -mindepth 1 -maxdepth 1 -type d ! -name '.*')
mkdir -p "$EXPECTED"
for t in attribution_by_campaign.csv attribution_by_channel.csv reconciliation.csv model_fit.csv; do
  compare "$t" "$published/$t"
done
gzip -dc "$published/touch_credits.csv.gz" >touch_credits.csv
compare touch_credits.csv touch_credits.csv
echo "golden: the data-driven models match fixtures/expected-datadriven"
