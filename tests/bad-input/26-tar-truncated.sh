# The CRM export as a plain .tar cut inside an entry's data.
EXIT=1
MESSAGE='crm_export.tar:CampaignMember.csv: Truncated input file'
setup() {
  pack_crm tar in/crm_export.tar
  cut_at in/crm_export.tar 30000
  sed -i 's|^crm *=.*|crm = in/crm_export.tar|' pipeline.conf
}
