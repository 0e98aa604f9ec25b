# The signature of the first central directory record is damaged.
EXIT=1
MESSAGE='crm_export.zip: '
setup() {
  local off
  off=$(grep -obUaP 'PK\x01\x02' in/crm_export.zip | head -n1 | cut -d: -f1)
  [ -n "$off" ] || return 1
  poke in/crm_export.zip "$off"
}
