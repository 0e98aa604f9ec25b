# The CRM export as a .tar.gz cut short.
EXIT=1
MESSAGE='truncated gzip input'
setup() {
  pack_crm tgz in/crm_export.tgz
  cut_at in/crm_export.tgz -2000
  sed -i 's|^crm *=.*|crm = in/crm_export.tgz|' pipeline.conf
}
verify() { grep -qE 'crm_export\.tgz:[A-Za-z]+\.csv: truncated gzip input' run.err || fail "the entry is not named"; }
