# The CRM archive has no Lead.csv.
EXIT=1
MESSAGE='crm_export.zip: no entry Lead.csv'
setup() {
  rm crm/Lead.csv
  pack_crm
}
