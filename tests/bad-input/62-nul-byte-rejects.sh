# The same NUL byte within the threshold: the run publishes (own out_dir)
# and rejects.csv holds the row with its field and reason.
EXIT=0
OWN_OUT=1
MESSAGE=''
setup() { csv_edit in/fx_rates.csv sed '3s/,\([0-9.]*\)\r\{0,1\}$/,\1\x00/'; }
verify() {
  grep -qF $'fx_rates.csv,3,fx_rates,,rate,error,NUL byte\r' own_out/[0-9]*/rejects.csv \
    || fail "rejects.csv lacks the NUL row: $(grep fx_rates own_out/[0-9]*/rejects.csv)"
}
