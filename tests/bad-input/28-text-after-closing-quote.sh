# Text after a closing quote ("Paid Search"x) is a file-level fault.
EXIT=1
MESSAGE='costs.csv:4: text after closing quote'
setup() { csv_edit in/costs.csv sed '4s/^\([^,]*\),\([^,]*\),\([^,]*\),/\1,\2,"\3"x,/'; }
verify() { sed -n 4p in/costs.csv | grep -q '"x,' || fail "the case did not damage line 4"; }
