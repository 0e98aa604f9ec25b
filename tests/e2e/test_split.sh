#!/usr/bin/env bash
# A split normalize without Slurm (docs/scale-out.md): etl-split for every
# task (`etl-split --count` of them), then etl-normalize --from-split, against
# a plain etl-normalize of the same config:
#  1. the fixtures, and the fixtures' export in pieces (pipeline-split.conf:
#     two CRM archives, a directory of monthly extracts, patterns): the same
#     dataset.bin, rejects.csv and inputs.tsv byte for byte, also with
#     --jobs 3 on the merge (files replayed ahead);
#  2. the bad-input cases of tests/bad-input/ that etl-normalize meets (not
#     those of the driver): the same exit code, the same messages on stderr,
#     the same outputs (those written); a case whose inputs cannot even be
#     listed fails etl-split --count with etl-normalize's message;
#  3. damaged pre-split files: a truncated one, a flipped byte, a missing one,
#     one of other inputs: the merge fails (exit 1) naming the file.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/bad_input_lib.sh"
SPLIT="$ATTR_BIN_DIR/etl-split"
NORM="$ATTR_BIN_DIR/etl-normalize"

# normalize_both DIR [MERGE_ARGS...]: in DIR, a plain etl-normalize into plain/
# and a split one into work/ (work/split/*.rec, then the merge); sets
# PLAIN_RC and SPLIT_RC; stderr in plain.err and split.err. Each task must
# succeed: a fault of an input is the merge's to report.
normalize_both() {
  local dir=$1 n i
  shift
  (
    cd "$dir"
    rm -rf plain work
    mkdir plain work
    set +e
    "$NORM" -c pipeline.conf --work plain 2>plain.err
    echo $? >plain.rc
    n=$("$SPLIT" -c pipeline.conf --count 2>count.err)
    echo $? >count.rc
    set -e
    if [ "$(cat count.rc)" -ne 0 ]; then
      echo none >split.rc
      exit 0
    fi
    [ "$n" -ge 1 ] || fail "$dir: etl-split --count printed '$n'"
    for i in $(seq 0 $((n - 1))); do
      "$SPLIT" -c pipeline.conf --work work --task "$i" 2>>tasks.err ||
        fail "$dir: etl-split --task $i failed: $(cat tasks.err)"
      [ -f "work/split/$i.rec" ] || fail "$dir: no work/split/$i.rec"
    done
    [ -z "$(find work/split -name '*.tmp.*')" ] || fail "$dir: temporary files left"
    set +e
    "$NORM" -c pipeline.conf --work work --from-split work/split "$@" 2>split.err
    echo $? >split.rc
    set -e
  )
}

# stderr without time stamps and seconds
clean_err() { sed -E -e 's/[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z/TS/' -e 's/[0-9]+\.[0-9]+ s$/N s/' "$1"; }

# same_outputs DIR LABEL: the split run's exit code, stderr and outputs are
# the plain run's.
same_outputs() {
  local dir=$1 label=$2 f
  [ "$(cat "$dir/plain.rc")" = "$(cat "$dir/split.rc")" ] ||
    fail "$label: exit $(cat "$dir/split.rc") from the split, $(cat "$dir/plain.rc") plain: $(cat "$dir/split.err")"
  [ "$(clean_err "$dir/plain.err")" = "$(clean_err "$dir/split.err")" ] || {
    diff -u <(clean_err "$dir/plain.err") <(clean_err "$dir/split.err") >&2 || true
    fail "$label: stderr differs"
  }
  for f in dataset.bin rejects.csv inputs.tsv; do
    if [ -f "$dir/plain/$f" ]; then
      cmp -s "$dir/plain/$f" "$dir/work/$f" || fail "$label: $f differs"
    else
      [ ! -f "$dir/work/$f" ] || fail "$label: $f written by the split run only"
    fi
  done
}

# --- 1. the fixtures, whole and in pieces ------------------------------------

make_conf "$SCRATCH/fixtures"
normalize_both "$SCRATCH/fixtures"
[ "$(cat "$SCRATCH/fixtures/split.rc")" = 0 ] || fail "fixtures: $(cat "$SCRATCH/fixtures/split.err")"
same_outputs "$SCRATCH/fixtures" fixtures
[ "$(ls "$SCRATCH/fixtures/work/split" | wc -l)" -eq 5 ] || fail "fixtures: not 5 pre-split files"
grep -q 'task 1/5: crm .*crm_export.zip: [0-9]* records in 7 streams' "$SCRATCH/fixtures/tasks.err" ||
  fail "fixtures: the CRM task did not split 7 entities: $(cat "$SCRATCH/fixtures/tasks.err")"
cp -r "$SCRATCH/fixtures/work/split" "$SCRATCH/fixtures-split" # for part 3

run=$SCRATCH/pieces
mkdir -p "$run"
for f in crm_split marketo_split fx_rates.csv costs.csv; do ln -s "$FIXTURES/$f" "$run/$f"; done
sed -e 's|^out_dir *=.*|out_dir = out|' "$FIXTURES/pipeline-split.conf" >"$run/pipeline.conf"
normalize_both "$run" --jobs 3
[ "$(cat "$run/split.rc")" = 0 ] || fail "pieces: $(cat "$run/split.err")"
same_outputs "$run" pieces
n=$(ls "$run/work/split" | wc -l)
[ "$n" -ge 20 ] || fail "pieces: only $n pre-split files"
cmp -s "$run/plain/inputs.tsv" "$FIXTURES/expected-split/inputs.tsv" || fail "pieces: inputs.tsv is not the golden one"
echo "fixtures and pieces ($n files): byte-identical"

# --- 2. bad inputs -------------------------------------------------------------

bad_input_base "$SCRATCH/base" "$SCRATCH/out"
ncases=0
nlisted=0
for file in "$CASES_DIR"/*.sh; do
  name=$(basename "$file" .sh)
  case $name in 43-* | 46-* | 47-* | 48-* | 49-* | 50-* | 51-* | 52-*) continue ;; esac # the driver's
  dir="$SCRATCH/cases/$name"
  mkdir -p "$dir"
  cp -r "$SCRATCH/base/in" "$SCRATCH/base/crm" "$SCRATCH/base/pipeline.conf" "$dir/"
  (
    cd "$dir"
    EXIT='' MESSAGE='' OWN_OUT=0 KEEPS_REJECTS=0
    ARGS=()
    verify() { :; }
    # shellcheck disable=SC1090
    . "$file"
    setup
  ) || fail "$name: setup failed"
  normalize_both "$dir"
  if [ "$(cat "$dir/split.rc")" = none ]; then
    # the inputs cannot be listed: etl-split says what etl-normalize says
    [ "$(cat "$dir/count.rc")" = "$(cat "$dir/plain.rc")" ] ||
      fail "$name: etl-split --count exit $(cat "$dir/count.rc"), etl-normalize $(cat "$dir/plain.rc")"
    [ "$(clean_err "$dir/count.err" | sed 's/^etl-split:/etl-normalize:/')" = "$(clean_err "$dir/plain.err")" ] ||
      fail "$name: etl-split --count says '$(cat "$dir/count.err")', etl-normalize '$(cat "$dir/plain.err")'"
  else
    same_outputs "$dir" "$name"
    nlisted=$((nlisted + 1))
  fi
  ncases=$((ncases + 1))
done
[ "$nlisted" -ge 30 ] || fail "only $nlisted bad-input cases went through the split"
echo "bad inputs: $ncases cases, $nlisted split and merged, the same codes, messages and outputs"

# --- 3. damaged pre-split files -------------------------------------------------

dir=$SCRATCH/fixtures
damage() { # damage LABEL MESSAGE_ERE: the merge of work/split fails naming the file
  set +e
  (cd "$dir" && "$NORM" -c pipeline.conf --work work --from-split work/split 2>damage.err)
  local rc=$?
  set -e
  [ "$rc" -eq 1 ] || fail "$1: the merge exited $rc: $(cat "$dir/damage.err")"
  grep -qE "$2" "$dir/damage.err" || fail "$1: the message is '$(cat "$dir/damage.err")'"
  rm -rf "$dir/work/split"
  cp -r "$SCRATCH/fixtures-split" "$dir/work/split"
}
truncate -s -100 "$dir/work/split/3.rec"
damage truncated 'work/split/3\.rec: incomplete pre-split file \([0-9]+ bytes, no end mark: cut short or damaged\)'
head -c 100 "$dir/work/split/3.rec" >>"$dir/work/split/1.rec"
damage appended 'work/split/1\.rec: incomplete pre-split file \([0-9]+ bytes, no end mark'
size=$(stat -c %s "$dir/work/split/3.rec")
printf 'X' | dd of="$dir/work/split/3.rec" bs=1 seek=$((size / 2)) conv=notrunc status=none
damage flipped 'work/split/3\.rec: damaged pre-split file at byte [0-9]+: .*checksum mismatch'
rm "$dir/work/split/2.rec"
damage missing 'marketo_leads\.csv\.gz: no pre-split file of it'
cp "$dir/work/split/4.rec" "$dir/work/split/0.rec"
damage other 'fx_rates\.csv: no pre-split file of it'
: >"$dir/work/split/0.rec"
damage empty 'work/split/0\.rec: not a pre-split file'
echo "damaged pre-split files: refused, named"
echo "split: all cases passed"
