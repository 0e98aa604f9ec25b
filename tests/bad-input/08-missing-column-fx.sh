# fx_rates.csv lacks the rate column.
EXIT=1
MESSAGE="fx_rates.csv: missing required column 'rate'"
setup() { csv_edit in/fx_rates.csv sed '1s/,rate/,fx_rate/'; }
