# Lead.csv ends inside a quoted field: the message gives the line where the
# unfinished record starts.
EXIT=1
MESSAGE=''
setup() {
  local n
  n=$(($(wc -l <crm/Lead.csv) + 1))
  printf '"00Q5g0B7Kt57AaOZZZ","false","","Open, never closed\r\n' >>crm/Lead.csv
  pack_crm
  MESSAGE="crm_export.zip:Lead.csv:$n: unterminated quoted field"
}
