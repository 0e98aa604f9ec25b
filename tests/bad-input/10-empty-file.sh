# An input with no header row at all.
EXIT=1
MESSAGE='costs.csv: empty file, no header row'
setup() { printf '\r\n\n' >in/costs.csv; }
