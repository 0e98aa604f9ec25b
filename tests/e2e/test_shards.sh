# End-to-end test of sharded runs with the local executor (README "Running
# on a cluster"): on the fixtures, `etl run --shards N` publishes tables
# byte-identical to the unsharded run for N = 1, 2, 4, 8 and more shards
# than opportunities, under several configurations and a --from/--to range,
# the data-driven models (markov, shapley: their fit is global) included;
# a failing shard task fails the run and publishes nothing; etl-attribute
# --shard and etl-merge refuse bad options and foreign or damaged partials.
# With more than one shard the run cuts the data set with etl-partition and
# each shard reads only its part: the parts are smaller than the data set,
# hold what account linking needs, and a part of another run or shard, or a
# damaged one, is refused.
. "$(dirname "$0")/lib.sh"

TABLES="attribution_by_campaign.csv attribution_by_channel.csv touch_credits.csv.gz reconciliation.csv
  opportunities.csv funnel.csv rejects.csv model_fit.csv"

published() { find "$1" -mindepth 1 -maxdepth 1 -type d ! -name '.*'; }

# same_tables A B: every table of two published folders is byte-identical.
same_tables() {
  local t
  [ "$(basename "$1")" = "$(basename "$2")" ] || fail "ranges differ: $1 $2"
  for t in $TABLES report.html; do
    [ "$t" = model_fit.csv ] && [ ! -e "$1/$t" ] && [ ! -e "$2/$t" ] && continue
    cmp -s "$1/$t" "$2/$t" || fail "$t differs: $1 vs $2"
  done
}

# check_config NAME "SHARD COUNTS" RUN_OPTIONS PIPELINE_LINES...: the
# unsharded run, then each shard count, compared.
check_config() {
  local name=$1 counts=$2 opts=$3 n base
  shift 3
  make_conf "$SCRATCH/$name" "$@"
  cd "$SCRATCH/$name"
  # shellcheck disable=SC2086
  expect_exit 0 "$ETL" run -q --as-of "$AS_OF" $opts
  mkdir base
  mv "$(published out)" base/
  base=$(published base)
  for n in $counts; do
    rm -rf out
    # shellcheck disable=SC2086
    expect_exit 0 "$ETL" run -q --as-of "$AS_OF" $opts --shards "$n" --jobs 3
    same_tables "$base" "$(published out)"
    [ -z "$(find out -mindepth 1 -maxdepth 1 -name '.*' ! -name .lock)" ] || fail "leftovers in out"
  done
  echo "$name: shards $counts byte-identical"
}

# 50 shards: more than the 29 opportunities, so some shards are empty
check_config default "1 2 4 8 50" ""
check_config week "1 2 4 8" "" "period = week"
check_config account "1 2 4 8" "" "account_based = true"
check_config bom_fiscal "1 2 4 8" "" "excel_bom = true" "fiscal_year_start_month = 4" "period = quarter"
check_config range "1 2 4 8" "--from 2024-02-10 --to 2024-11-03"
check_config funnel_stages "1 3 8" "" "[funnel]" "stages = Qualification, Needs Analysis, Negotiation/Review"
dd="models = first_touch, time_decay, markov, shapley, primary_campaign"
check_config datadriven "1 2 3 8 50" "" "$dd"
check_config datadriven_range "2 4" "--from 2024-06-01 --to 2024-12-31" "$dd" "account_based = true"
check_config datadriven_account "1 2 8 50" "" "$dd" "account_based = true" "lookback_days = 30"
[ -f "$(published "$SCRATCH/datadriven/base")/model_fit.csv" ] || fail "datadriven: no model_fit.csv"

# --- the sharded stages' messages and the merge stage in the manifest ----------

cd "$SCRATCH/default"
rm -rf out
expect_exit 0 "$ETL" run --as-of "$AS_OF" --shards 4 --jobs 2
grep -qE '^etl-attribute: [0-9TZ:-]+ shard 3/4: 9 models, ' "$SCRATCH/last.err" || fail "no shard summary"
grep -qE '^etl-merge: [0-9TZ:-]+ 4 shards, ' "$SCRATCH/last.err" || fail "no merge summary"
grep -q '"name": "etl-merge"' "$(published out)/manifest.json" || fail "manifest lacks etl-merge"
grep -q '"name": "etl-partition"' "$(published out)/manifest.json" || fail "manifest lacks etl-partition"
grep -qE '^etl-partition: [0-9TZ:-]+ 4 parts, 29 opportunities, ' "$SCRATCH/last.err" || fail "no partition summary"

# --work-dir: the run folder is made there and removed afterwards
mkdir wd
expect_exit 0 "$ETL" run -q --as-of "$AS_OF" --shards 2 --work-dir wd
[ -z "$(ls -A wd)" ] || fail "--work-dir not cleaned: $(ls wd)"
expect_exit 0 "$ETL" run -q --as-of "$AS_OF" --shards 2 --work-dir wd/new
[ -d wd/new ] && [ -z "$(ls -A wd/new)" ] || fail "--work-dir not created or not cleaned"

# --- a failing shard task ----------------------------------------------------------

stages="$SCRATCH/stages"
make_failing_shard_stages "$stages"
make_conf "$SCRATCH/fail"
cd "$SCRATCH/fail"
expect_exit 3 env ETL_STAGE_DIR="$stages" "$ETL" run --as-of "$AS_OF" --shards 4 --jobs 2
grep -qxE 'etl: [0-9T:Z-]{20} stage etl-attribute\[2\] failed with exit status 3' "$SCRATCH/last.err" ||
  fail "failed shard not named: $(cat "$SCRATCH/last.err")"
grep -q 'etl-merge' "$SCRATCH/last.err" && fail "etl-merge ran after a failed shard"
[ -z "$(find out -mindepth 1 -maxdepth 1 ! -name .lock)" ] || fail "published or left: $(ls -A out)"
# the shards are the only thing that fails: shards 1 and 3 of 4 alone pass
expect_exit 0 env ETL_STAGE_DIR="$stages" "$ETL" run -q --as-of "$AS_OF" --shards 3
echo "failing shard: exit 3, named, nothing published"

# a failing etl-partition: its status is the run's, no shard runs, nothing published
stages2="$SCRATCH/stages_partition"
make_failing_shard_stages "$stages2"
mv "$stages2/etl-partition" "$stages2/etl-partition.real"
printf '#!/bin/sh\necho "etl-partition: injected failure" >&2\nexit 3\n' >"$stages2/etl-partition"
chmod +x "$stages2/etl-partition"
make_conf "$SCRATCH/failpart"
cd "$SCRATCH/failpart"
expect_exit 3 env ETL_STAGE_DIR="$stages2" "$ETL" run --as-of "$AS_OF" --shards 2
grep -qxE 'etl: [0-9T:Z-]{20} stage etl-partition failed with exit status 3' "$SCRATCH/last.err" ||
  fail "failed partition not named: $(cat "$SCRATCH/last.err")"
grep -q 'etl-attribute' "$SCRATCH/last.err" && fail "shards ran after a failed partition"
[ -z "$(find out -mindepth 1 -maxdepth 1 ! -name .lock)" ] || fail "published or left: $(ls -A out)"
# one shard does not partition
expect_exit 0 env ETL_STAGE_DIR="$stages2" "$ETL" run -q --as-of "$AS_OF" --shards 1
echo "failing partition: exit 3, named, no shard run, nothing published"

# --- options -----------------------------------------------------------------------

expect_exit 2 "$ETL" run --shards 0
grep -q "^etl: --shards '0': expected a whole number from 1 to 1000$" "$SCRATCH/last.err" || fail "--shards 0"
expect_exit 2 "$ETL" run --shards 1001
expect_exit 2 "$ETL" run --executor pbs
grep -q "^etl: --executor 'pbs': expected local or slurm$" "$SCRATCH/last.err" || fail "--executor pbs"
expect_exit 2 "$ETL" run --partition debug
grep -q -- '--partition, --time-limit and --sbatch-arg need --executor slurm' "$SCRATCH/last.err" ||
  fail "--partition without slurm"
expect_exit 2 "$ETL" run --sbatch-arg=--mem=1G

# --- etl-attribute --shard and etl-merge on their own ------------------------------

cd "$SCRATCH/default"
B="$ATTR_BIN_DIR"
mkdir -p st/work st/parts
"$B/etl-normalize" -c pipeline.conf --work st/work 2>/dev/null
common=(-c pipeline.conf --dataset st/work/dataset.bin --as-of "$AS_OF")
expect_exit 2 "$B/etl-attribute" "${common[@]}" --shard 0/2
expect_exit 2 "$B/etl-attribute" "${common[@]}" --partial st/parts/0
expect_exit 2 "$B/etl-attribute" "${common[@]}" --shard 2/2 --partial st/parts/2
expect_exit 2 "$B/etl-attribute" "${common[@]}" --shard 0/1001 --partial st/parts/0
expect_exit 0 "$B/etl-attribute" "${common[@]}" --shard 999/1000 --partial st/last
expect_exit 2 "$B/etl-attribute" "${common[@]}" --shard 0/2 --partial st/parts/0 --out st/x
expect_exit 0 "$B/etl-attribute" "${common[@]}" --shard 0/2 --partial st/parts/0
expect_exit 0 "$B/etl-attribute" "${common[@]}" --shard 1/2 --partial st/parts/1
expect_exit 0 "$B/etl-attribute" "${common[@]}" --out st/full --range-file st/full.range
expect_exit 0 "$B/etl-merge" "${common[@]}" --partials st/parts --shards 2 --out st/merged \
  --range-file st/merged.range
for t in $TABLES; do
  [ "$t" = rejects.csv ] || [ "$t" = model_fit.csv ] && continue
  cmp -s "st/full/$t" "st/merged/$t" || fail "etl-merge: $t differs"
done
cmp -s st/full.range st/merged.range || fail "etl-merge: range file differs"
expect_exit 2 "$B/etl-merge" "${common[@]}" --partials st/parts --out st/m
expect_exit 2 "$B/etl-merge" "${common[@]}" --partials st/parts --shards 0 --out st/m
# a partial missing, of another run, or damaged
cp -r st/parts st/miss
rm -r st/miss/1
expect_exit 3 "$B/etl-merge" "${common[@]}" --partials st/miss --shards 2 --out st/m
grep -q 'st/miss/1/sums.bin: No such file or directory' "$SCRATCH/last.err" || fail "missing partial"
expect_exit 3 "$B/etl-merge" "${common[@]}" --partials st/parts --shards 3 --out st/m
grep -q 'st/parts/0/sums.bin: written for another run or shard (shard 0/2' "$SCRATCH/last.err" ||
  fail "partials of 2 shards merged as 3"
expect_exit 3 "$B/etl-merge" -c pipeline.conf --dataset st/work/dataset.bin --as-of 2025-06-29 \
  --partials st/parts --shards 2 --out st/m
grep -q 'written for another run or shard' "$SCRATCH/last.err" || fail "foreign partial accepted"
cp -r st/parts st/cut
f=st/cut/1/credits-0.bin
head -c $(($(stat -c %s "$f") - 3)) "$f" >"$f.tmp" && mv "$f.tmp" "$f"
expect_exit 3 "$B/etl-merge" "${common[@]}" --partials st/cut --shards 2 --out st/m
grep -q 'credits-0.bin: truncated' "$SCRATCH/last.err" || fail "truncated credits accepted"
cp st/parts/0/sums.bin st/cut/1/sums.bin
cp st/parts/1/credits-0.bin st/cut/1/credits-0.bin
expect_exit 3 "$B/etl-merge" "${common[@]}" --partials st/cut --shards 2 --out st/m
grep -q 'written for another run or shard (shard 0/2' "$SCRATCH/last.err" || fail "shard 0's sums accepted as shard 1's"

# the fit: each shard hands its own to etl-merge, which writes model_fit.csv
# and refuses shards that disagree or lack one
cd "$SCRATCH/datadriven"
mkdir -p dd/work dd/parts
"$B/etl-normalize" -c pipeline.conf --work dd/work 2>/dev/null
common=(-c pipeline.conf --dataset dd/work/dataset.bin --as-of "$AS_OF")
expect_exit 0 "$B/etl-attribute" "${common[@]}" --shard 0/2 --partial dd/parts/0
expect_exit 0 "$B/etl-attribute" "${common[@]}" --shard 1/2 --partial dd/parts/1
expect_exit 0 "$B/etl-attribute" "${common[@]}" --out dd/full
[ -f dd/parts/1/fit.bin ] || fail "shard 1 wrote no fit.bin"
expect_exit 0 "$B/etl-merge" "${common[@]}" --partials dd/parts --shards 2 --out dd/merged
cmp -s dd/full/model_fit.csv dd/merged/model_fit.csv || fail "etl-merge: model_fit.csv differs"
cp -r dd/parts dd/other
f=dd/other/1/fit.bin
# flip one bit of the last double (shard 1's Shapley value of the last channel)
last=$(($(stat -c %s "$f") - 1))
byte=$(od -An -tu1 -j "$last" -N1 "$f" | tr -d ' ')
printf "$(printf '\\%03o' $((byte ^ 1)))" | dd of="$f" bs=1 seek="$last" conv=notrunc 2>/dev/null
expect_exit 3 "$B/etl-merge" "${common[@]}" --partials dd/other --shards 2 --out dd/m
grep -q 'dd/other/1/fit.bin: the fit differs from shard 0' "$SCRATCH/last.err" || fail "differing fits merged"
rm dd/other/1/fit.bin
expect_exit 3 "$B/etl-merge" "${common[@]}" --partials dd/other --shards 2 --out dd/m
grep -q 'dd/other/1/fit.bin: No such file' "$SCRATCH/last.err" || fail "missing fit merged"
[ ! -e dd/m/model_fit.csv ] || fail "model_fit.csv written from disagreeing shards"

# --- etl-partition and etl-attribute --parts on their own --------------------------

cd "$SCRATCH/datadriven_account"
mkdir -p pa/work
"$B/etl-normalize" -c pipeline.conf --work pa/work 2>/dev/null
whole=(-c pipeline.conf --dataset pa/work/dataset.bin --as-of "$AS_OF")
expect_exit 0 "$B/etl-attribute" "${whole[@]}" --out pa/full
expect_exit 2 "$B/etl-partition" -c pipeline.conf --dataset pa/work/dataset.bin --as-of "$AS_OF" --out pa/p
expect_exit 0 "$B/etl-partition" "${whole[@]}" --shards 8 --out pa/parts
[ -f pa/parts/fit.bin ] || fail "etl-partition wrote no fit.bin with markov and shapley"
size=$(stat -c %s pa/work/dataset.bin)
for i in 0 1 2 3 4 5 6 7; do
  [ "$(stat -c %s "pa/parts/$i/dataset.bin")" -lt "$size" ] || fail "part $i is not smaller than the data set"
done
# a part is a data set of its own: 29 opportunities over 8 shards, 3 or 4 each
n=$("$B/etl-dump" pa/parts/7/dataset.bin | grep -cP '^opportunity\t') || true
[ "$n" -ge 3 ] && [ "$n" -le 4 ] || fail "part 7 holds $n opportunities"
pc=(-c pipeline.conf --as-of "$AS_OF")
expect_exit 2 "$B/etl-attribute" "${pc[@]}" --parts pa/parts --out pa/x
expect_exit 2 "$B/etl-attribute" "${whole[@]}" --parts pa/parts --shard 0/8 --partial pa/s/0
mkdir -p pa/s
for i in 0 1 2 3 4 5 6 7; do
  expect_exit 0 "$B/etl-attribute" "${pc[@]}" --parts pa/parts --shard "$i/8" --partial "pa/s/$i"
done
expect_exit 0 "$B/etl-merge" "${whole[@]}" --partials pa/s --shards 8 --out pa/merged
for t in $TABLES; do
  [ "$t" = rejects.csv ] && continue
  cmp -s "pa/full/$t" "pa/merged/$t" || fail "parts: $t differs from the unsharded run"
done
# refused as unreadable input (exit 1): the part of another shard count, another
# --as-of, another model list, a damaged part.bin, a missing fit
expect_exit 1 "$B/etl-attribute" "${pc[@]}" --parts pa/parts --shard 1/4 --partial pa/x
grep -q 'pa/parts/1/part.bin: cut for another run or shard (shard 1/8)' "$SCRATCH/last.err" ||
  fail "a part of 8 shards read as one of 4"
expect_exit 1 "$B/etl-attribute" -c pipeline.conf --as-of 2025-06-29 --parts pa/parts --shard 1/8 --partial pa/x
grep -q 'cut for another run or shard' "$SCRATCH/last.err" || fail "a part of another --as-of accepted"
sed 's/^models *=.*/models = first_touch, markov/' pipeline.conf >other.conf
expect_exit 1 "$B/etl-attribute" -c other.conf --as-of "$AS_OF" --parts pa/parts --shard 1/8 --partial pa/x
grep -q 'cut for another run or shard' "$SCRATCH/last.err" || fail "a part of other models accepted"
cp -r pa/parts pa/bad
f=pa/bad/2/part.bin
head -c $(($(stat -c %s "$f") - 2)) "$f" >"$f.tmp" && mv "$f.tmp" "$f"
expect_exit 1 "$B/etl-attribute" "${pc[@]}" --parts pa/bad --shard 2/8 --partial pa/x
grep -q 'pa/bad/2/part.bin: not a part written by etl-partition, or damaged' "$SCRATCH/last.err" ||
  fail "a truncated part.bin accepted"
cp pa/parts/3/part.bin pa/bad/2/part.bin
expect_exit 1 "$B/etl-attribute" "${pc[@]}" --parts pa/bad --shard 2/8 --partial pa/x
grep -q 'cut for another run or shard (shard 3/8)' "$SCRATCH/last.err" || fail "part 3's meta accepted for part 2"
rm pa/bad/fit.bin
expect_exit 1 "$B/etl-attribute" "${pc[@]}" --parts pa/bad --shard 4/8 --partial pa/x
grep -q 'pa/bad/fit.bin: No such file' "$SCRATCH/last.err" || fail "a part without the fit accepted"
echo "etl-partition: parts smaller than the data set, merged byte-identical, foreign parts refused"
echo "shards: all cases passed"
