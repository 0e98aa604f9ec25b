# A .tar.gz whose first entry (Account.csv, which nobody reads) is a bomb:
# listing the archive inflates it, and that too is checked.
EXIT=1
MESSAGE='crm_export.tgz:Account.csv: expands past max_expand_ratio 100'
setup() {
  head -c 20M /dev/zero >crm/Account.csv
  pack_crm tgz in/crm_export.tgz
  sed -i 's|^crm *=.*|crm = in/crm_export.tgz|' pipeline.conf
  conf_pipeline 'max_expand_ratio = 100'
}
