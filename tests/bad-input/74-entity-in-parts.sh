# The other side of 73: an entity in two parts (CampaignMember split over
# the two archives of a pattern, the second with its entries in a folder and
# an upper-case .ZIP) is one entity read in part order: the same tables as
# the single archive; rejects name each part with its own line numbers.
EXIT=0
OWN_OUT=1
MESSAGE=''
setup() {
  local n
  n=$(wc -l <crm/CampaignMember.csv)
  head -n 1 crm/CampaignMember.csv >cm2.csv
  sed -n "$((n / 2 + 1)),\$p" crm/CampaignMember.csv >>cm2.csv
  head -n "$((n / 2))" crm/CampaignMember.csv >cm1.csv
  grep -q $'"\r$' cm1.csv || return 1 # the cut is between records (no quoted line break)
  "$MKARCHIVE" zip in/WE_00D5g000001_1.ZIP Account.csv=crm/Account.csv Campaign.csv=crm/Campaign.csv \
    Contact.csv=crm/Contact.csv Lead.csv=crm/Lead.csv CampaignMember.csv=cm1.csv
  "$MKARCHIVE" zip in/WE_00D5g000001_2.ZIP export/Opportunity.csv=crm/Opportunity.csv \
    export/OpportunityContactRole.csv=crm/OpportunityContactRole.csv export/CampaignMember.csv=cm2.csv \
    export/OpportunityHistory.csv=crm/OpportunityHistory.csv
  sed -i 's|^crm *=.*|crm = in/WE_00D5g000001_*.ZIP|' pipeline.conf
}
verify() {
  local f name
  for f in "$OUT"/[0-9]*/*; do
    name=$(basename "$f")
    case $name in manifest.json | rejects.csv | report.html) continue ;; esac
    cmp -s "$f" own_out/[0-9]*/"$name" || fail "$name differs from the single archive's"
  done
  grep -q '^WE_00D5g000001_2.ZIP:export/CampaignMember.csv,[0-9]*,CampaignMember,' own_out/[0-9]*/rejects.csv ||
    fail "no reject named by the second part"
  [ "$(grep -c '^WE_00D5g000001_[12].ZIP:' own_out/[0-9]*/rejects.csv)" -eq "$(grep -c '^crm_export.zip:' "$OUT"/[0-9]*/rejects.csv)" ] ||
    fail "not the same number of CRM rejects"
}
