# The CRM export as a .tar.gz with damaged compressed data.
EXIT=1
MESSAGE='crm_export.tgz: '
setup() {
  pack_crm tgz in/crm_export.tgz
  for i in 3000 3001 3002 3003; do poke in/crm_export.tgz "$i"; done
  sed -i 's|^crm *=.*|crm = in/crm_export.tgz|' pipeline.conf
}
