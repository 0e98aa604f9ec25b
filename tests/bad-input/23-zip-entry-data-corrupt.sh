# The compressed data of Lead.csv inside the zip is damaged (the central
# directory is intact): the entry fails its CRC or does not inflate.
EXIT=1
MESSAGE='crm_export.zip:Lead.csv'
setup() {
  local off
  off=$(grep -obUa 'Lead.csv' in/crm_export.zip | head -n1 | cut -d: -f1)
  [ -n "$off" ] || return 1
  for i in 200 201 202 203 204 205; do poke in/crm_export.zip $((off + i)); done
}
