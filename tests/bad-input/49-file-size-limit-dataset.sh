# A file size limit (ulimit -f) that the normalize stage's data set passes:
# the write fails with EFBIG (SIGXFSZ is ignored), exit 3, nothing published.
EXIT=3
MESSAGE='File too large'
setup() { :; }
run_case() {
  set +e
  (ulimit -f 4 && exec "$ETL" run -c pipeline.conf --as-of "$AS_OF") >run.out 2>run.err </dev/null
  STATUS=$?
  set -e
}
verify() { grep -q 'etl-normalize' run.err || fail "not the normalize stage: $(cat run.err)"; }
