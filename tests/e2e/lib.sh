# Shared helpers of the end-to-end tests (sourced, not run): a scratch
# folder per test that is kept and printed when the test fails, a config
# that points at the fixtures and writes into the scratch folder, and
# assertions that never mistake a crash for an expected failure.
set -euo pipefail

: "${ATTR_SOURCE_DIR:?run through ctest (ATTR_SOURCE_DIR unset)}"
: "${ATTR_BIN_DIR:?run through ctest (ATTR_BIN_DIR unset)}"
ETL="$ATTR_BIN_DIR/etl"
FIXTURES="$ATTR_SOURCE_DIR/fixtures"
AS_OF="2025-06-30T00:00:00Z"
# The data-set cache of `etl run` (etl/driver/dataset_cache.h) is off here:
# these tests run fake stages or look at out_dir's listing. test_cache.sh
# turns it on.
export ETL_DATASET_CACHE=off

SCRATCH=$(mktemp -d "${TMPDIR:-/tmp}/attr-e2e.XXXXXX")
e2e_failed=0
e2e_cleanup() {
  if [ "$e2e_failed" -ne 0 ] || [ "${KEEP_SCRATCH:-0}" = 1 ]; then
    echo "scratch kept: $SCRATCH" >&2
  else
    rm -rf "$SCRATCH"
  fi
}
trap 'e2e_failed=1' ERR
trap e2e_cleanup EXIT

fail() {
  e2e_failed=1
  echo "FAIL: $*" >&2
  exit 1
}

# make_conf DIR [extra pipeline lines...]: pipeline.conf in DIR with the
# fixtures' inputs and out_dir = DIR/out.
make_conf() {
  local dir=$1
  shift
  mkdir -p "$dir"
  ln -sfn "$FIXTURES" "$dir/fixtures"
  sed -e "s|^out_dir *=.*|out_dir = out|" "$ATTR_SOURCE_DIR/pipeline.conf" >"$dir/pipeline.conf"
  if [ $# -gt 0 ]; then
    # a second [pipeline] section at the end: repeated keys, the last wins
    printf '\n[pipeline]\n' >>"$dir/pipeline.conf"
    printf '%s\n' "$@" >>"$dir/pipeline.conf"
  fi
}

# expect_exit CODE CMD...: runs CMD, checks its exit status is CODE and that
# it was not killed by a signal (status > 128 unless expected).
expect_exit() {
  local want=$1
  shift
  set +e
  "$@" >"$SCRATCH/last.out" 2>"$SCRATCH/last.err"
  local got=$?
  set -e
  if [ "$got" -ne "$want" ]; then
    cat "$SCRATCH/last.err" >&2
    fail "expected exit $want, got $got: $*"
  fi
}

# tree_digest DIR: one line per file with its sha256, for "byte-identical" checks.
tree_digest() {
  (cd "$1" && find . -type f -print0 | sort -z | xargs -0 sha256sum)
}

# csv_of FILE: prints a table, decompressing .gz.
csv_of() {
  case "$1" in
    *.gz) gzip -dc "$1" ;;
    *) cat "$1" ;;
  esac
}

# make_failing_shard_stages DIR: copies of the stage programs in DIR (for
# ETL_STAGE_DIR) whose etl-attribute fails shard 2/4 with exit 3, like a data
# fault would, and runs every other shard for real.
make_failing_shard_stages() {
  local dir=$1 p
  mkdir "$dir"
  for p in etl etl-split etl-normalize etl-partition etl-attribute etl-merge etl-report; do cp "$ATTR_BIN_DIR/$p" "$dir/"; done
  mv "$dir/etl-attribute" "$dir/etl-attribute.real"
  cat >"$dir/etl-attribute" <<'EOF'
#!/bin/sh
for a in "$@"; do
  if [ "$a" = 2/4 ]; then
    echo "etl-attribute: injected failure of shard 2/4" >&2
    exit 3
  fi
done
exec "$(dirname "$0")/etl-attribute.real" "$@"
EOF
  chmod +x "$dir/etl-attribute"
}
