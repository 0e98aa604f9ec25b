#!/usr/bin/env bash
# etl-report's command line: --help and --version on stdout with exit 0,
# usage errors exit 2, a table it cannot read exits 1 naming the file and
# line, a page it cannot write exits 3; the default output is
# DIR/report.html, written with no temporary file left behind, and the
# currency comes from -c or from the manifest's unchanged config.
. "$(dirname "$0")/lib.sh"
R="$ATTR_BIN_DIR/etl-report"
make_conf "$SCRATCH/run"
cd "$SCRATCH/run"
"$ETL" run -c pipeline.conf --as-of "$AS_OF" --quiet >/dev/null 2>run.err || { cat run.err >&2; fail "run failed"; }
pub=$(find out -mindepth 1 -maxdepth 1 -type d ! -name '.*')
cp -r "$pub" dir
rm dir/report.html

expect_exit 0 "$R" --help
grep -q '^usage: etl-report --dir RUN_FOLDER' "$SCRATCH/last.out" || fail "--help: $(cat "$SCRATCH/last.out")"
[ ! -s "$SCRATCH/last.err" ] || fail "--help wrote to stderr"
expect_exit 0 "$R" --version
version=$(sed -n 's/^project(attribution VERSION \([0-9.]*\).*/\1/p' "$ATTR_SOURCE_DIR/CMakeLists.txt")
[ "$(head -n1 "$SCRATCH/last.out")" = "etl-report $version" ] || fail "--version: $(head -n1 "$SCRATCH/last.out")"
grep -q '^libcsv ' "$SCRATCH/last.out" || fail "--version lacks the libraries"

expect_exit 2 "$R"
grep -q 'etl-report: --dir is required' "$SCRATCH/last.err" || fail "no --dir: $(cat "$SCRATCH/last.err")"
expect_exit 2 "$R" --dir dir --bogus
grep -q "unknown option '--bogus'" "$SCRATCH/last.err" || fail "bogus: $(cat "$SCRATCH/last.err")"
expect_exit 2 "$R" --dir dir extra
grep -q "unexpected argument 'extra'" "$SCRATCH/last.err" || fail "extra: $(cat "$SCRATCH/last.err")"
expect_exit 2 "$R" --dir dir -c nowhere.conf
grep -q 'nowhere.conf' "$SCRATCH/last.err" || fail "bad -c: $(cat "$SCRATCH/last.err")"
[ ! -e dir/report.html ] || fail "a usage error wrote a page"

# the default output, and nothing else left in the folder
expect_exit 0 "$R" --dir dir
[ -s dir/report.html ] || fail "no dir/report.html"
[ -z "$(find dir -name '.*')" ] || fail "temporary files left: $(find dir -name '.*')"
cmp -s dir/report.html "$pub/report.html" || fail "the page differs from the published one"
grep -q 'amounts in USD' dir/report.html || fail "the manifest's config was not used for the currency"

# a changed config is not trusted for the currency; -c is
sed 's/^currency = USD/currency = EUR/' pipeline.conf >eur.conf
cp pipeline.conf keep.conf
cp eur.conf pipeline.conf
expect_exit 0 "$R" --dir dir --out changed.html
grep -q 'amounts in corporate currency' changed.html || fail "a changed config was trusted"
expect_exit 0 "$R" --dir dir --out eur.html -c eur.conf
grep -q 'amounts in EUR' eur.html || fail "-c not used"
cp keep.conf pipeline.conf

# faults: missing and damaged tables name the file (and line)
cp -r dir bad
rm bad/reconciliation.csv
expect_exit 1 "$R" --dir bad
grep -q 'etl-report: .*reconciliation.csv' "$SCRATCH/last.err" || fail "missing table: $(cat "$SCRATCH/last.err")"
cp dir/reconciliation.csv bad/
sed -i '3s/,[^,]*,\([^,]*\)\r$/,12.5x,\1\r/' bad/attribution_by_channel.csv # the cost
expect_exit 1 "$R" --dir bad
grep -q "^etl-report: attribution_by_channel.csv:3: cost '12.5x': not a number with 2 decimals$" "$SCRATCH/last.err" ||
  fail "damaged table: $(cat "$SCRATCH/last.err")"
printf '{\n  "tool": \n' >bad/manifest.json
expect_exit 1 "$R" --dir bad
grep -q '^etl-report: manifest.json:3: ' "$SCRATCH/last.err" || fail "damaged manifest: $(cat "$SCRATCH/last.err")"

# a page that cannot be written
expect_exit 3 "$R" --dir dir --out nowhere/report.html
grep -q 'etl-report: cannot write nowhere/report.html' "$SCRATCH/last.err" || fail "write error: $(cat "$SCRATCH/last.err")"
echo "etl-report: help, version, usage errors, faults by file and line, default output"
