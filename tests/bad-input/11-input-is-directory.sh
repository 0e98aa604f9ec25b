# A file input that is a directory.
EXIT=1
MESSAGE='fx_rates.csv: Is a directory'
setup() { rm in/fx_rates.csv && mkdir in/fx_rates.csv; }
