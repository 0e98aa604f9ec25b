# An Opportunity.csv whose CloseDate came out as `closedate` and whose Amount
# header has a trailing space: both missing columns in one message, the
# headers found, the near matches and the [columns "Opportunity"] lines to
# add (the value with a space quoted).
EXIT=1
MESSAGE="crm_export.zip:Opportunity.csv: missing required columns 'CloseDate', 'Amount'"
setup() {
  csv_edit crm/Opportunity.csv sed -e '1s/"CloseDate"/"closedate"/' -e '1s/"Amount"/"Amount "/'
  pack_crm
}
verify() {
  grep -qF "  headers found (" run.err || fail "no headers listed"
  grep -qF "'closedate', " run.err || fail "closedate not among the headers"
  grep -qF "  near matches: 'closedate' for CloseDate, 'Amount ' for Amount; if they are the same columns, add to the config:" run.err ||
    fail "no near matches: $(cat run.err)"
  grep -qxF '    [columns "Opportunity"]' run.err || fail "no [columns] section line"
  grep -qxF '    CloseDate = closedate' run.err || fail "no CloseDate line"
  grep -qxF '    Amount = "Amount "' run.err || fail "no Amount line"
}
