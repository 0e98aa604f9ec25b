# Rows with a wrong field count, and a quote inside an unquoted field, are
# row-level matters: rejected or kept, the run goes on (own out_dir).
EXIT=0
OWN_OUT=1
MESSAGE=''
setup() {
  printf '2025-01-31,,Paid Search,1.00\n2025-02-28,,Paid Search,1.00,USD,extra\n2025-03-31,,Pa"id,2.00,USD\n' >>in/costs.csv
}
verify() {
  grep -qF 'costs.csv,22,costs,,,error,"expected 5 fields, found 4"' own_out/[0-9]*/rejects.csv || fail "short row not rejected"
  grep -qF 'costs.csv,23,costs,,,error,"expected 5 fields, found 6"' own_out/[0-9]*/rejects.csv || fail "long row not rejected"
  grep -qF 'Pa""id' own_out/[0-9]*/attribution_by_channel.csv || fail "the literal quote did not reach the channel table"
}
