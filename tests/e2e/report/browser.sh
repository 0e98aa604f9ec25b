# Shared by the report's browser tests (sourced after lib.sh): makes sure
# Debian's chromium and node are there (installing them as root when they
# are missing, like scripts/setup; the tests are never skipped), and runs
# browser_check.mjs.
REPORT_DIR="$ATTR_SOURCE_DIR/tests/e2e/report"
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}

need_browser() {
  if [ -x "$CHROMIUM" ] && command -v node >/dev/null 2>&1; then
    return 0
  fi
  [ "$(id -u)" -eq 0 ] || fail "chromium and node are missing: run scripts/setup (as root)"
  echo "installing chromium nodejs" >&2
  apt-get update -qq >&2 || fail "apt-get update failed: cannot install chromium"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    chromium nodejs >&2 || fail "cannot install chromium nodejs"
  [ -x "$CHROMIUM" ] && command -v node >/dev/null 2>&1 || fail "chromium or node still missing"
}

# browser_check ARGS...: the checker with a fresh profile in the scratch folder.
browser_check() {
  local profile
  profile=$(mktemp -d "$SCRATCH/chromium.XXXXXX")
  node "$REPORT_DIR/browser_check.mjs" --chromium "$CHROMIUM" --profile "$profile" "$@"
}

# published_dir OUT: the one published range folder in OUT.
published_dir() {
  local d
  d=$(find "$1" -mindepth 1 -maxdepth 1 -type d ! -name '.*')
  [ -n "$d" ] && [ "$(echo "$d" | wc -l)" -eq 1 ] || fail "expected one published folder in $1: $d"
  echo "$d"
}
