#!/usr/bin/env bash
# report.html in a real browser (headless Debian chromium, through the
# DevTools protocol): the fixtures' report loads with no request but its
# own file, no console error, every section, and headline numbers equal to
# reconciliation.csv; it prints (A4 landscape PDF) and is screenshotted.
# Every run publishes funnel.csv, so the funnel section is always there; a
# run with markov and shapley adds the model-fit section, and so does a
# sample model_fit.csv (with a sample funnel.csv). The checker itself is
# shown to fail on a page that lacks a section, misstates a number or
# requests another file.
# UPDATE_SCREENSHOT=1 copies the screenshot to docs/report.png.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/report/browser.sh"
need_browser

make_conf "$SCRATCH/run"
cd "$SCRATCH/run"
"$ETL" run -c pipeline.conf --as-of "$AS_OF" --quiet >run.out 2>run.err || {
  cat run.err >&2
  fail "the run failed"
}
pub=$(published_dir out)
[ -s "$pub/report.html" ] || fail "no report.html published"
grep -q '"name": "report.html"' "$pub/manifest.json" || fail "report.html not in the manifest"

base=headline,channels,campaigns,periods,quality,run
[ -s "$pub/funnel.csv" ] || fail "no funnel.csv published"
browser_check --html "$pub/report.html" --sections "$base,funnel" --recon "$pub/reconciliation.csv" \
  --none script --none 'link[rel=stylesheet]' --none iframe --none '[src]' --none '[href]' \
  --none '#model-fit' --text 'Best lead sources' \
  --text 'Newsletter – Spring 2024' --text 'Reconciled' --text 'As of2025-06-30T00:00:00Z' \
  --screenshot shot.png --pdf report.pdf || fail "the fixtures' report fails in the browser"
[ "$(head -c 8 shot.png | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ] || fail "no PNG screenshot"
[ "$(stat -c %s shot.png)" -gt 100000 ] || fail "the screenshot is nearly empty"
[ "$(head -c 5 report.pdf)" = "%PDF-" ] || fail "the page does not print"
grep -aqE 'MediaBox \[0 0 841(\.[0-9]+)? 59[45]' report.pdf || fail "not printed on A4 landscape"

if [ "${UPDATE_SCREENSHOT:-0}" = 1 ]; then
  cp shot.png "$ATTR_SOURCE_DIR/docs/report.png"
  echo "docs/report.png updated"
fi

# the page written alone from the published folder is the published one
"$ATTR_BIN_DIR/etl-report" --dir "$pub" --out alone.html 2>/dev/null || fail "etl-report alone failed"
cmp -s alone.html "$pub/report.html" || fail "etl-report alone wrote another page"

# with the funnel and the data-driven models' tables, their sections appear
cp -r "$pub" full
cp "$REPORT_DIR/funnel.csv" "$REPORT_DIR/model_fit.csv" full/
"$ATTR_BIN_DIR/etl-report" --dir full -c pipeline.conf 2>/dev/null || fail "etl-report on the full folder failed"
browser_check --html full/report.html --sections "$base,funnel,model-fit" \
  --recon full/reconciliation.csv --none script \
  --text 'Best lead sources' --text 'Partner Referral' --text 'markov' --text 'shapley' \
  || fail "the full report fails in the browser"

# a run with the data-driven models publishes model_fit.csv: its section appears
make_conf "$SCRATCH/dd" "models = first_touch, linear, markov, shapley"
(cd "$SCRATCH/dd" && "$ETL" run -c pipeline.conf --as-of "$AS_OF" --quiet >run.out 2>run.err) ||
  { cat "$SCRATCH/dd/run.err" >&2; fail "the run with markov and shapley failed"; }
dd=$(published_dir "$SCRATCH/dd/out")
[ -f "$dd/model_fit.csv" ] || fail "no model_fit.csv published"
browser_check --html "$dd/report.html" --sections "$base,funnel,model-fit" \
  --recon "$dd/reconciliation.csv" --none script --text 'removal effect' --text 'Shapley value' \
  || fail "the report with the data-driven models fails in the browser"

# the checker fails when it should: a section missing, a number wrong, a request
sed 's/<section id="campaigns">/<section id="elsewhere">/' "$pub/report.html" >no_section.html
browser_check --html no_section.html --sections "$base" >/dev/null 2>check.err &&
  fail "a page without its campaigns section passed"
grep -q "section 'campaigns' appears 0 times" check.err || fail "missing section not reported: $(cat check.err)"
total=$(awk -F, 'NR == 2 { print $7 }' "$pub/reconciliation.csv")
shown=$(printf '%s' "$total" | sed -E ':a; s/^([0-9]+)([0-9]{3})/\1,\2/; ta')
grep -q "data-field=\"revenue_total\">$shown<" "$pub/report.html" || fail "revenue_total $shown not in the page"
sed "0,/data-field=\"revenue_total\">$shown</s//data-field=\"revenue_total\">1$shown</" \
  "$pub/report.html" >wrong_number.html
browser_check --html wrong_number.html --recon "$pub/reconciliation.csv" >/dev/null 2>check.err &&
  fail "a page with a wrong headline number passed"
grep -q "revenue_total: page shows '1$shown'" check.err || fail "wrong number not reported: $(cat check.err)"
sed 's|<footer>|<img src="http://127.0.0.1:9/pixel.png"><footer>|' "$pub/report.html" >request.html
browser_check --html request.html >/dev/null 2>check.err && fail "a page requesting another host passed"
grep -q 'request outside the file: http://127.0.0.1:9/pixel.png' check.err ||
  fail "the request was not reported: $(cat check.err)"
echo "report.html: every section, headline = reconciliation.csv, no request, no console error"
