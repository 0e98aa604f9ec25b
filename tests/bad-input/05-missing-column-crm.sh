# Opportunity.csv lacks the required Amount column.
EXIT=1
MESSAGE="crm_export.zip:Opportunity.csv: missing required column 'Amount'"
setup() {
  csv_edit crm/Opportunity.csv sed '1s/"Amount"/"Amount_"/'
  pack_crm
}
