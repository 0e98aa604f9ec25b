# The configuration file does not exist.
EXIT=2
MESSAGE='nowhere.conf'
setup() { :; }
run_case() {
  set +e
  "$ETL" run -c nowhere.conf --as-of "$AS_OF" >run.out 2>run.err </dev/null
  STATUS=$?
  set -e
}
