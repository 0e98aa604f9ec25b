# A NUL byte inside a field rejects the row (reason "NUL byte", the field
# named); with max_reject_ratio 0 the run fails on that input, and the
# reason is among the first ones.
EXIT=1
MESSAGE='fx_rates.csv: 1 of 4 fx_rates rows rejected (25.00%), more than max_reject_ratio 0; first reasons: line 3: rate: NUL byte'
setup() {
  csv_edit in/fx_rates.csv sed '3s/,\([0-9.]*\)\r\{0,1\}$/,\1\x00/'
  grep -qaP '\x00' in/fx_rates.csv || return 1
  conf_pipeline 'max_reject_ratio = 0'
}
