# Invalid UTF-8 passes through unchanged: a campaign name with a lone
# continuation byte and a Latin-1 byte is published byte for byte.
EXIT=0
OWN_OUT=1
MESSAGE=''
setup() {
  grep -qF '"Webinar: Modern Data Stack 2024"' crm/Campaign.csv || return 1
  csv_edit crm/Campaign.csv sed 's/"Webinar: Modern Data Stack 2024"/"Webinar: Bad \x80\xe9 bytes"/'
  pack_crm
}
verify() {
  grep -qaF $',Webinar: Bad \x80\xe9 bytes,Webinar,' own_out/*/attribution_by_campaign.csv \
    || fail "the name was not passed through"
  if grep -qaF 'Modern Data Stack' own_out/*/attribution_by_campaign.csv; then fail "the old name is still there"; fi
}
