# Invalid UTF-8 is replaced by U+FFFD, one per maximal invalid subpart (a
# lone continuation byte and a Latin-1 byte: two), before any other rule;
# the row is kept with one warning naming the column, and every output is
# valid UTF-8.
EXIT=0
OWN_OUT=1
MESSAGE=''
setup() {
  grep -qF '"Webinar: Modern Data Stack 2024"' crm/Campaign.csv || return 1
  csv_edit crm/Campaign.csv sed 's/"Webinar: Modern Data Stack 2024"/"Webinar: Bad \x80\xe9 bytes"/'
  pack_crm
}
verify() {
  grep -qaF $',Webinar: Bad \xef\xbf\xbd\xef\xbf\xbd bytes,Webinar,' own_out/[0-9]*/attribution_by_campaign.csv \
    || fail "the name was not repaired"
  if grep -qaF 'Modern Data Stack' own_out/[0-9]*/attribution_by_campaign.csv; then fail "the old name is still there"; fi
  local line
  line=$(grep -naF 'Bad ' crm/Campaign.csv | cut -d: -f1)
  grep -qE "^crm_export.zip:Campaign.csv,$line,Campaign,[0-9A-Za-z]{18},Name,warning,invalid UTF-8 replaced by U\+FFFD"$'\r$' \
    own_out/[0-9]*/rejects.csv || fail "no warning for line $line: $(grep -a 'UTF-8' own_out/[0-9]*/rejects.csv)"
  local f
  for f in own_out/[0-9]*/*.csv own_out/[0-9]*/*.json; do
    iconv -f UTF-8 -t UTF-8 "$f" >/dev/null 2>&1 || fail "$f is not valid UTF-8"
  done
  gzip -dc own_out/[0-9]*/touch_credits.csv.gz | iconv -f UTF-8 -t UTF-8 >/dev/null 2>&1 \
    || fail "touch_credits.csv.gz is not valid UTF-8"
}
