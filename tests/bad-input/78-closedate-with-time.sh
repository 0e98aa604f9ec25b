# A CloseDate written with a time ends the opportunity's window at that time
# (contract 1.2): O1 closes 2024-09-20 and its last touch is at 23:59:59
# that day. Written as a date it is eligible (the published fixtures);
# written as 2024-09-20T23:59:58Z it is one second late, and written as
# 2024-09-20T23:59:59Z exactly on the end, eligible again. The revenue
# period stays September 2024.
EXIT=0
OWN_OUT=1
MESSAGE=''
setup() {
  grep -q '^"0065g0wXCSoz5oAA2Q",.*"2024-09-20",' crm/Opportunity.csv || return 1
  cp -r crm crm_exact
  csv_edit crm/Opportunity.csv sed '/^"0065g0wXCSoz5oAA2Q",/s/"2024-09-20"/"2024-09-20T23:59:58Z"/'
  csv_edit crm_exact/Opportunity.csv sed '/^"0065g0wXCSoz5oAA2Q",/s/"2024-09-20"/"2024-09-20T23:59:59Z"/'
  pack_crm
}
verify() {
  # (decompressed first: grep -q would end gzip with SIGPIPE under pipefail)
  gzip -dc "$OUT"/[0-9]*/touch_credits.csv.gz >base.csv
  gzip -dc own_out/[0-9]*/touch_credits.csv.gz >late.csv
  grep -q '^last_touch,0065g0wXCSoz5oAA2Q,ma:560458,' base.csv ||
    fail "baseline: the 23:59:59 touch is not eligible"
  if grep -q ',0065g0wXCSoz5oAA2Q,ma:560458,' late.csv; then
    fail "a touch after the CloseDate's time is still eligible"
  fi
  grep -q '^last_touch,0065g0wXCSoz5oAA2Q,' late.csv || fail "O1 lost its last touch"
  # exactly at the time: eligible again (the upper end is inclusive)
  rm -rf crm && mv crm_exact crm && pack_crm
  sed -i 's|^out_dir *=.*|out_dir = own_out2|' pipeline.conf
  "$ETL" run -c pipeline.conf --as-of "$AS_OF" --quiet >run2.out 2>run2.err || fail "second run: $(cat run2.err)"
  gzip -dc own_out2/[0-9]*/touch_credits.csv.gz >exact.csv
  grep -q '^last_touch,0065g0wXCSoz5oAA2Q,ma:560458,' exact.csv ||
    fail "a touch exactly at the CloseDate's time is not eligible"
}
