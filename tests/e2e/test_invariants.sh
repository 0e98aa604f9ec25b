#!/usr/bin/env bash
# Invariants on every run of the test data (check_invariants.c): credits sum
# to each opportunity's value, reconciliation is exact, and the by-campaign
# and by-channel tables agree per model and period; the data-driven models'
# weights and model_fit.csv hold together; opportunities.csv ties to
# reconciliation and to the credits; and funnel.csv holds together
# (check_funnel.c): reached never grows along the stages, advanced and won
# stay within reached, the `all` group is the sum of the campaign groups and
# of the lead-source groups. Run on the fixtures with the default config,
# with account_based linking, with weekly and fiscal quarterly periods, over
# a part of the data, with markov and shapley, with a shorter list of funnel
# stages and without OpportunityHistory, so that every code path is covered.
. "$(dirname "$0")/lib.sh"

RANGE=() # --from/--to of the next run_case, if any

run_case() { # run_case NAME [extra pipeline lines...]
  local name=$1
  shift
  make_conf "$SCRATCH/$name" "$@"
  cd "$SCRATCH/$name"
  mkdir -p work
  "$ATTR_BIN_DIR/etl-normalize" -c pipeline.conf --work work 2>/dev/null
  "$ETL" run -c pipeline.conf --as-of "$AS_OF" "${RANGE[@]}" --quiet >/dev/null 2>run.err ||
    { cat run.err >&2; fail "$name: etl run failed"; }
  local out
  out=$(find out -mindepth 1 -maxdepth 1 -type d ! -name '.*')
  "$ATTR_BIN_DIR/check_invariants" "$out" work/dataset.bin pipeline.conf >check.out ||
    fail "$name: invariants"
  grep -q '^opportunities: [1-9][0-9]* rows checked' check.out || fail "$name: no opportunities checked"
  "$ATTR_BIN_DIR/check_funnel" "$out" || fail "$name: funnel invariants"
  published=$PWD/$out
}

run_case default
run_case account_based "account_based = true"
run_case weekly "period = week"
run_case fiscal "period = quarter" "fiscal_year_start_month = 2"
run_case daily_lookback "period = day" "lookback_days = 30"
run_case datadriven "models = linear, markov, time_decay, shapley"
run_case datadriven_account "models = shapley, markov" "account_based = true" "period = week"
# a range that leaves out deals created before it but won in it, and deals
# created in it but won after it: opportunities.csv still ties to reconciliation
RANGE=(--from 2024-06-10 --to 2024-11-03)
run_case range "account_based = true"
grep -q '^opportunities: .* (2024-06-01..2024-11-30)$' check.out || fail "range: not the range asked"
RANGE=()
run_case funnel_short "[funnel]" "stages = Qualification, Needs Analysis, Proposal/Price Quote"
grep -q ',Qualification,1,' "$published/funnel.csv" &&
  grep -q ',Proposal/Price Quote,3,' "$published/funnel.csv" &&
  ! grep -q 'Prospecting\|Negotiation' "$published/funnel.csv" || fail "funnel_short: stages"

# The CRM export without OpportunityHistory: stages still count (from
# StageName), and every timing column is empty.
mkdir -p "$SCRATCH/crm_nohist"
"$ATTR_BIN_DIR/mkarchive" list "$FIXTURES/crm_export.zip" | while read -r entry; do
  [ "$entry" = OpportunityHistory.csv ] && continue
  "$ATTR_BIN_DIR/mkarchive" cat "$FIXTURES/crm_export.zip" "$entry" >"$SCRATCH/crm_nohist/$entry"
done
[ -f "$SCRATCH/crm_nohist/Opportunity.csv" ] || fail "could not take the fixtures apart"
run_case no_history "[input]" "crm = $SCRATCH/crm_nohist"
[ "$(awk 'NR > 1' "$published/funnel.csv" | wc -l)" -gt 0 ] || fail "no_history: no funnel rows"
"$ATTR_BIN_DIR/check_funnel" "$published" --no-timings || fail "no_history: timings without history"
# ... and they are not empty with it (so that the check above can fail)
"$ATTR_BIN_DIR/check_funnel" "$SCRATCH/default/$(cd "$SCRATCH/default" && find out -mindepth 1 \
  -maxdepth 1 -type d ! -name '.*')" --no-timings 2>/dev/null && fail "default: no timings at all"
echo "invariants hold in every case"
