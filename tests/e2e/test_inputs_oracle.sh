#!/usr/bin/env bash
# An independent reading of the 1.2 input rules (tests/tools/inputs_oracle.py,
# Python standard library, written from the contract) against etl-normalize:
# per-file sources and line numbers in rejects.csv, re-exports against true
# duplicates across files and column orders, U+FFFD per maximal subpart
# (Python's own bytes.decode('utf-8', 'replace') as the oracle), the
# per-file counts and SHA-256 of inputs.tsv, on the fixtures (single-file and
# split) and on random inputs in several files.
. "$(dirname "$0")/lib.sh"
ORACLE="$ATTR_SOURCE_DIR/tests/tools/inputs_oracle.py"
command -v python3 >/dev/null || fail "python3 is needed for the independent reading"

# run_check DIR CONF [DUMP]: etl-normalize on CONF, then the comparison
run_check() {
  local dir=$1 conf=$2 dump=${3:-}
  mkdir -p "$dir/work"
  "$ATTR_BIN_DIR/etl-normalize" -c "$conf" --work "$dir/work" 2>"$dir/normalize.err" ||
    fail "etl-normalize on $conf: $(cat "$dir/normalize.err")"
  if [ -n "$dump" ]; then
    "$ATTR_BIN_DIR/etl-dump" "$dir/work/dataset.bin" >"$dump"
  fi
  python3 "$ORACLE" check "$conf" "$dir/work" $dump >"$dir/oracle.out" ||
    fail "the independent reading differs on $conf:
$(cat "$dir/oracle.out")"
  tail -n1 "$dir/oracle.out"
}

# the fixtures, single-file and split
make_conf "$SCRATCH/one"
run_check "$SCRATCH/one" "$SCRATCH/one/pipeline.conf"
split=$SCRATCH/split
mkdir -p "$split"
for f in crm_split marketo_split fx_rates.csv costs.csv; do ln -s "$FIXTURES/$f" "$split/$f"; done
sed -e 's|^out_dir *=.*|out_dir = out|' "$FIXTURES/pipeline-split.conf" >"$split/pipeline.conf"
run_check "$split" "$split/pipeline.conf"

# random inputs in several files; the oracle must also see every repair,
# duplicate and re-export it generated, so a check that finds nothing fails
total=0
for seed in 1 2 3 4 5 6 7 8; do
  d=$SCRATCH/random-$seed
  python3 "$ORACLE" gen "$seed" "$d"
  run_check "$d" "$d/pipeline.conf" "$d/dump.txt"
  total=$((total + $(grep -c 'U+FFFD\|duplicate' "$d/work/rejects.csv" || true)))
done
[ "$total" -ge 100 ] || fail "the random inputs exercised too little ($total repairs and duplicates)"
echo "inputs oracle: fixtures and 8 random exports agree"
