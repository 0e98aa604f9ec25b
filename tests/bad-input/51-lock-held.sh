# Another process holds the lock on out_dir: exit 4 at once.
EXIT=4
MESSAGE='another run holds the lock on'
setup() { :; }
run_case() {
  set +e
  (
    exec 9>>"$OUT/.lock"
    flock -n 9 || exit 99
    timeout 20 "$ETL" run -c pipeline.conf --as-of "$AS_OF" 9>&-
  ) >run.out 2>run.err </dev/null
  STATUS=$?
  set -e
}
