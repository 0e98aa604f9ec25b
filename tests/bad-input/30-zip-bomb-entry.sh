# An archive entry that expands past max_expand_ratio: Lead.csv is a header
# and 20 MiB of zeros (about 1000:1), the limit 100. The fault comes
# while reading, long before the 20 MiB are inflated.
EXIT=1
MESSAGE='crm_export.zip:Lead.csv: expands past max_expand_ratio 100'
setup() {
  { head -n1 crm/Lead.csv; head -c 20M /dev/zero; } >bomb && mv bomb crm/Lead.csv
  pack_crm
  conf_pipeline 'max_expand_ratio = 100'
}
