#!/usr/bin/env bash
# Logging of etl-normalize for schedulers (etl/common/stage_log.h): with ETL_LOG
# unset or "info" one summary line on stderr (UTC time stamp, inputs, rows
# read / kept / rejected, warnings, seconds) whose counts agree with
# inputs.tsv; "quiet" prints nothing; "verbose" adds one line per input.
# Errors are printed at every level, time-stamped like every line. stderr
# that is not a terminal never gets the progress line ('\r'); on a terminal
# it does, and is erased before the summary line. The terminal comes from
# util-linux's `script` (package bsdutils, installed by scripts/setup): the
# test fails without it rather than skip the check.
. "$(dirname "$0")/lib.sh"
NORMALIZE="$ATTR_BIN_DIR/etl-normalize"
command -v script >/dev/null ||
  fail "no 'script' (util-linux, Debian package bsdutils) to provide a terminal: run scripts/setup"

make_conf "$SCRATCH/run"
cd "$SCRATCH/run"
# ten copies of every activity (new GUIDs), so that the progress line has
# something to show
mkdir in
gzip -dc "$FIXTURES/marketo_activities.csv.gz" |
  awk -F, -v OFS=, 'NR == 1 { print; next } { g = $1; for (k = 0; k < 10; k++) { $1 = k * 1000000 + g; print } }' |
  gzip -n >in/marketo_activities.csv.gz
sed -i 's|^ma_activities *=.*|ma_activities = in/marketo_activities.csv.gz|' pipeline.conf

ts_re='[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z'
summary_re="^etl-normalize: ($ts_re) ([0-9]+) inputs, ([0-9]+) rows read, ([0-9]+) kept, ([0-9]+) rejected, ([0-9]+) warnings, [0-9]+\.[0-9]{2} s$"

run_normalize() { # run_normalize LEVEL|- : stderr in $1.err
  rm -rf work && mkdir work
  if [ "$1" = - ]; then
    env -u ETL_LOG "$NORMALIZE" -c pipeline.conf --work work 2>"log_$1.err"
  else
    ETL_LOG=$1 "$NORMALIZE" -c pipeline.conf --work work 2>"log_$1.err"
  fi
}

# default and info: one line, counts as in inputs.tsv, a time stamp of now
for level in - info; do
  before=$(date -u +%s)
  run_normalize "$level" || fail "etl-normalize failed: $(cat "log_$level.err")"
  after=$(date -u +%s)
  [ "$(wc -l <"log_$level.err")" -eq 1 ] || fail "ETL_LOG=$level: expected one line, got: $(cat "log_$level.err")"
  line=$(cat "log_$level.err")
  [[ $line =~ $summary_re ]] || fail "ETL_LOG=$level: summary line: $line"
  t=$(date -u -d "${BASH_REMATCH[1]}" +%s)
  [ "$t" -ge "$before" ] && [ "$t" -le "$after" ] || fail "time stamp ${BASH_REMATCH[1]} is not UTC now"
  want=$(awk -F'\t' '{ n++; r += $3; k += $4; j += $5 } END { print n, r, k, j }' work/inputs.tsv)
  got="${BASH_REMATCH[2]} ${BASH_REMATCH[3]} ${BASH_REMATCH[4]} ${BASH_REMATCH[5]}"
  [ "$got" = "$want" ] || fail "summary counts $got, inputs.tsv says $want"
  warnings=$(grep -c ',warning,' work/rejects.csv || true)
  [ "${BASH_REMATCH[6]}" = "$warnings" ] || fail "summary warnings ${BASH_REMATCH[6]}, rejects.csv has $warnings"
  [ "${BASH_REMATCH[3]}" -gt 3000 ] || fail "too few rows for this test"
  if grep -q $'\r' "log_$level.err"; then fail "a progress line on a stderr that is not a terminal"; fi
done

# quiet: nothing; a fault is still reported
run_normalize quiet || fail "etl-normalize failed"
[ ! -s log_quiet.err ] || fail "ETL_LOG=quiet printed: $(cat log_quiet.err)"
cp pipeline.conf good.conf
sed -i 's|^fx_rates *=.*|fx_rates = nowhere.csv|' pipeline.conf
if run_normalize quiet; then fail "a missing input passed"; fi
grep -qE "^etl-normalize: $ts_re \[input\] fx_rates: /.*/nowhere.csv: No such file or directory\$" log_quiet.err || fail "quiet fault: $(cat log_quiet.err)"
cp good.conf pipeline.conf

# verbose: one line per input, in inputs.tsv order, then the summary
run_normalize verbose || fail "etl-normalize failed"
n=$(wc -l <work/inputs.tsv)
[ "$(wc -l <log_verbose.err)" -eq $((n + 1)) ] || fail "verbose: $(cat log_verbose.err)"
want=$(awk -F'\t' '{ printf "etl-normalize: %s: %s read, %s kept, %s rejected, %s deleted, %s skipped\n", $1, $3, $4, $5, $6, $7 }' work/inputs.tsv)
got=$(head -n "$n" log_verbose.err | sed -E "s/^etl-normalize: $ts_re /etl-normalize: /")
[ "$(head -n "$n" log_verbose.err | grep -cE "^etl-normalize: $ts_re ")" -eq "$n" ] ||
  fail "verbose lines without a time stamp: $(cat log_verbose.err)"
[ "$got" = "$want" ] || fail "verbose lines:
$(cat log_verbose.err)
want:
$want"
[[ $(tail -n1 log_verbose.err) =~ $summary_re ]] || fail "verbose summary: $(tail -n1 log_verbose.err)"

# on a terminal: the progress line, redrawn with '\r' and erased
script -qec true /dev/null >/dev/null 2>&1 || fail "'script' cannot provide a terminal here"
rm -rf work && mkdir work
script -qec "env -u ETL_LOG '$NORMALIZE' -c pipeline.conf --work work" /dev/null >tty.out </dev/null ||
  fail "etl-normalize on a terminal failed: $(cat tty.out)"
grep -q $'\retl-normalize: [0-9.]* of [0-9.]* MB read ([0-9]*%)' tty.out || fail "no progress line on a terminal: $(cat -A tty.out)"
# the summary line starts after the erased progress line
tr -d '\n' <tty.out | grep -qE $'\r *\retl-normalize: [0-9T:Z-]+ [0-9]+ inputs' || fail "progress not erased: $(cat -A tty.out)"
echo "stage logging: progress line checked on a terminal"
echo "stage logging: all checks passed"
