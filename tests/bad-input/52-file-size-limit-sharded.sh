# The case of 50-file-size-limit-tables with --shards 2: the shards' partial
# files fit under the limit, the tables etl-merge writes do not. etl-merge
# ignores SIGXFSZ like every program (etl/common/program.h), so its write
# fails with EFBIG and the run exits 3 as the unsharded one does, instead
# of "etl-merge died of signal 25" and exit 153.
EXIT=3
MESSAGE='File too large'
ARGS=(--shards 2)
setup() { :; }
run_case() {
  set +e
  (ulimit -f 120 && exec "$ETL" run -c pipeline.conf --as-of "$AS_OF" "${ARGS[@]}") \
    >run.out 2>run.err </dev/null
  STATUS=$?
  set -e
}
verify() {
  grep -qE '^etl-merge: .*File too large' run.err || fail "not the merge stage: $(cat run.err)"
  grep -q 'died of signal' run.err && fail "a stage died of a signal: $(cat run.err)"
  return 0
}
