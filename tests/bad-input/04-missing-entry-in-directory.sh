# The CRM export is a directory without Contact.csv (nor Contact.csv.gz).
EXIT=1
MESSAGE='crm: no Contact.csv or Contact.csv.gz'
setup() {
  rm crm/Contact.csv
  sed -i 's|^crm *=.*|crm = crm|' pipeline.conf
}
