# A file size limit that the data set fits under but the attribution tables
# (attribution_by_campaign.csv is about 170 kB) do not: etl-attribute fails
# with EFBIG, exit 3, nothing published.
EXIT=3
MESSAGE='File too large'
setup() { :; }
run_case() {
  set +e
  (ulimit -f 120 && exec "$ETL" run -c pipeline.conf --as-of "$AS_OF") >run.out 2>run.err </dev/null
  STATUS=$?
  set -e
}
verify() { grep -q 'etl-attribute' run.err || fail "not the attribute stage: $(cat run.err)"; }
