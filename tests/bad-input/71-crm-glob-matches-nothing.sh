# A CRM pattern that matches no archive or directory (here because the
# export sits in another folder): a missing input naming the pattern.
EXIT=1
setup() {
  sed -i 's|^crm *=.*|crm = exports/WE_00D5g000001_*.ZIP|' pipeline.conf
  MESSAGE="[input] crm: no archive or directory matches the pattern $(pwd -P)/exports/WE_00D5g000001_*.ZIP"
}
