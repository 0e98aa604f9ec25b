#!/usr/bin/env bash
# Hostile text in the data reaches report.html as text, never as markup.
# The fixtures are rewritten so that the two campaigns with the most
# revenue are named <script>alert(1)</script> and
# "><img src=x onerror=alert(1)>, a campaign Type reads <b>bold</b>, and a
# channel rule is named <svg onload=alert(1)>; the whole pipeline runs and
# publishes the page. In headless chromium the names must be in the page's
# text, no element may come from them (script, img, b, nested svg, event
# attributes), and no dialog may open, no error be logged; also with the
# page's Content-Security-Policy removed, so that escaping alone is shown
# to be enough.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/report/browser.sh"
need_browser
MKARCHIVE="$ATTR_BIN_DIR/mkarchive"
S1='<script>alert(1)</script>'
S2='"><img src=x onerror=alert(1)>'
S3='<svg onload=alert(1)>'

W="$SCRATCH/run"
mkdir -p "$W/crm" "$W/in"
cd "$W"
while IFS= read -r entry; do
  "$MKARCHIVE" cat "$FIXTURES/crm_export.zip" "$entry" >"crm/$entry"
done < <("$MKARCHIVE" list "$FIXTURES/crm_export.zip")
grep -q '"Newsletter – Spring 2024"' crm/Campaign.csv || fail "fixtures changed: no Newsletter – Spring 2024"
grep -q '"EMEA Paid Social Q3 2024"' crm/Campaign.csv || fail "fixtures changed: no EMEA Paid Social Q3 2024"
sed -i -e 's|"Newsletter – Spring 2024"|"<script>alert(1)</script>"|' \
  -e 's|"EMEA Paid Social Q3 2024"|"""><img src=x onerror=alert(1)>"|' \
  -e 's|"Trade Show"|"<b>bold</b>"|' crm/Campaign.csv
args=()
for f in crm/*.csv; do args+=("$(basename "$f")=$f"); done
"$MKARCHIVE" zip in/crm_export.zip "${args[@]}"
cp "$FIXTURES"/marketo_*.csv.gz "$FIXTURES/fx_rates.csv" "$FIXTURES/costs.csv" in/
sed -e "s|^out_dir *=.*|out_dir = out|" -e 's|= *fixtures/|= in/|' \
  -e 's|^\[channel "Referral"\]|[channel "<svg onload=alert(1)>"]|' \
  "$ATTR_SOURCE_DIR/pipeline.conf" >pipeline.conf
grep -qF "[channel \"$S3\"]" pipeline.conf || fail "channel rule not renamed"

"$ETL" run -c pipeline.conf --as-of "$AS_OF" --quiet >run.out 2>run.err || {
  cat run.err >&2
  fail "the run failed"
}
pub=$(published_dir out)
page="$pub/report.html"
# the names reached the tables, so the page had them to show
grep -qF "$S1" "$pub/attribution_by_campaign.csv" || fail "the first name is not in the tables"
grep -qF "$S3" "$pub/attribution_by_channel.csv" || fail "the channel is not in the tables"
# and the page holds them only escaped
for raw in '<script' '<img' '<b>' '<svg onload' 'onerror=alert(1)>' ; do
  ! grep -qF "$raw" "$page" || fail "raw '$raw' in report.html"
done
grep -qF '&lt;script&gt;alert(1)&lt;/script&gt;' "$page" || fail "the first name is not shown escaped"
grep -qF '&quot;&gt;&lt;img src=x onerror=alert(1)&gt;' "$page" || fail "the second name is not shown escaped"

checks=(--none script --none img --none b --none 'svg svg' --none '[onload]' --none '[onerror]'
        --none iframe --none object --none embed --text "$S1" --text "$S2" --text "$S3"
        --text '<b>bold</b>' --sections headline,channels,campaigns,periods,quality,run
        --recon "$pub/reconciliation.csv")
browser_check --html "$page" "${checks[@]}" || fail "the hostile names misbehave in the page"
grep -q '<meta http-equiv="Content-Security-Policy"' "$page" || fail "no Content-Security-Policy"
sed '/<meta http-equiv="Content-Security-Policy"/d' "$page" >nocsp.html
! grep -q 'Content-Security-Policy' nocsp.html || fail "the CSP is still there"
browser_check --html nocsp.html "${checks[@]}" || fail "without the CSP, the hostile names misbehave"

# the checker sees a script that runs: the same page with one name unescaped
sed '0,/&lt;script&gt;alert(1)&lt;\/script&gt;/s//<script>alert(1)<\/script>/' nocsp.html >broken.html
browser_check --html broken.html --none script >/dev/null 2>check.err &&
  fail "an unescaped script passed the check"
grep -q 'dialog' check.err || fail "the script's alert was not seen: $(cat check.err)"
echo "hostile names: shown as text, no element, no script ran"
