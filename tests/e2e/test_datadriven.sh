#!/usr/bin/env bash
# The data-driven models markov and shapley end to end on the fixtures
# (contract §4.1, model_fit.csv of §5.4): the tables hold their rows and
# pass the invariants (check_invariants: weights of each opportunity sum to
# 1, shares sum to 1, ...); model_fit.csv is published exactly when a
# data-driven model is listed, is the same for markov alone and beside other
# models, and does not depend on --from/--to (the fit is learned from all
# the data up to as_of); as_of does change it; a [model] section may not
# take a data-driven model's name.
. "$(dirname "$0")/lib.sh"

published() { find "$1" -mindepth 1 -maxdepth 1 -type d ! -name '.*'; }

# run_case NAME RUN_OPTIONS PIPELINE_LINES...: runs into $SCRATCH/NAME/out
# and prints the published folder.
run_case() {
  local name=$1 opts=$2
  shift 2
  make_conf "$SCRATCH/$name" "$@"
  cd "$SCRATCH/$name"
  # shellcheck disable=SC2086
  "$ETL" run -q --as-of "$AS_OF" $opts >/dev/null 2>run.err ||
    { cat run.err >&2; fail "$name: etl run failed"; }
  published "$SCRATCH/$name/out"
}

invariants() { # invariants NAME DIR
  [ -f "$SCRATCH/$1/work/dataset.bin" ] || {
    mkdir -p "$SCRATCH/$1/work"
    (cd "$SCRATCH/$1" && "$ATTR_BIN_DIR/etl-normalize" -c pipeline.conf --work work 2>normalize.err) ||
      { cat "$SCRATCH/$1/normalize.err" >&2; fail "$1: etl-normalize failed"; }
  }
  "$ATTR_BIN_DIR/check_invariants" "$2" "$SCRATCH/$1/work/dataset.bin" >/dev/null ||
    fail "$1: invariants"
}

models="models = linear, time_decay, markov, shapley"
full=$(run_case full "" "$models")
[ -f "$full/model_fit.csv" ] || fail "no model_fit.csv with markov and shapley"
grep -q '"name": "model_fit.csv"' "$full/manifest.json" || fail "model_fit.csv not in the manifest"
[ "$(head -1 "$full/model_fit.csv")" = $'model,channel,journeys,conversions,value,share\r' ] ||
  fail "model_fit.csv header: $(head -1 "$full/model_fit.csv")"
# (no `gzip -dc | grep -q` below: with pipefail, grep quitting early fails gzip)
gzip -dc "$full/touch_credits.csv.gz" >"$SCRATCH/full_credits.csv"
grep -q $'^markov,(all),[0-9]*,[0-9]*,0\\.[0-9]\\{6\\},\r$' "$full/model_fit.csv" || fail "no markov (all) row"
grep -q $'^shapley,(all),' "$full/model_fit.csv" || fail "no shapley (all) row"
for m in markov shapley; do
  grep -q "^$m," "$full/reconciliation.csv" || fail "$m: no reconciliation row"
  grep -q "^[^,]*,[^,]*,[^,]*,$m," "$full/attribution_by_channel.csv" || fail "$m: no channel rows"
  grep -q "^[^,]*,[^,]*,[^,]*,$m," "$full/attribution_by_campaign.csv" || fail "$m: no campaign rows"
  grep -q "^$m,.*,FT" "$SCRATCH/full_credits.csv" || fail "$m: touch_credits without milestones"
done
invariants full "$full"

# the fit does not depend on the emitted range
n=0
for range in "--from 2024-02-10 --to 2024-11-03" "--from 2025-01-01" "--to 2024-03-31"; do
  name=range$((++n))
  dir=$(run_case "$name" "$range" "$models")
  [ "$(basename "$dir")" != "$(basename "$full")" ] || fail "$range: the same range as the full run"
  cmp -s "$full/model_fit.csv" "$dir/model_fit.csv" || fail "$range: model_fit.csv differs"
  invariants "$name" "$dir"
done

# markov alone: the same rows as beside the other models
alone=$(run_case alone "" "models = markov")
grep '^markov,' "$full/model_fit.csv" | cmp -s - <(tail -n +2 "$alone/model_fit.csv") ||
  fail "markov alone: another fit"
gzip -dc "$alone/touch_credits.csv.gz" | tail -n +2 >alone.csv
gzip -dc "$full/touch_credits.csv.gz" | grep '^markov,' | cmp -s - alone.csv ||
  fail "markov alone: other credits"

# as_of is part of the fit: an earlier one sees fewer journeys
make_conf "$SCRATCH/early" "$models"
(cd "$SCRATCH/early" && "$ETL" run -q --as-of 2024-12-31 >/dev/null 2>run.err) ||
  fail "early: $(cat "$SCRATCH/early/run.err")"
early=$(published "$SCRATCH/early/out")
[ "$(sed -n 2p "$early/model_fit.csv")" != "$(sed -n 2p "$full/model_fit.csv")" ] ||
  fail "as_of 2024-12-31 gives the same journeys as $AS_OF"

# account_based changes the journeys and still passes the invariants
acct=$(run_case account "" "$models" "account_based = true")
invariants account "$acct"
cmp -s "$full/model_fit.csv" "$acct/model_fit.csv" && fail "account_based: the same fit"

# no data-driven model: no model_fit.csv
plain=$(run_case plain "" "models = linear, time_decay")
[ ! -e "$plain/model_fit.csv" ] || fail "model_fit.csv without a data-driven model"

# the names are taken
make_conf "$SCRATCH/taken" "models = markov"
printf '[model "shapley"]\nft = 1\n' >>"$SCRATCH/taken/pipeline.conf"
cd "$SCRATCH/taken"
expect_exit 2 "$ETL" run --as-of "$AS_OF"
grep -q 'model "shapley": the name of a built-in model' "$SCRATCH/last.err" ||
  fail "custom model named shapley: $(cat "$SCRATCH/last.err")"
echo "data-driven models: tables, model_fit.csv, range independence and invariants"
