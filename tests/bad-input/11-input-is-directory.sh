# A file input that names a directory holding no CSV file: a missing input,
# named with its key and full path.
EXIT=1
setup() {
  rm in/fx_rates.csv && mkdir in/fx_rates.csv && touch in/fx_rates.csv/notes.txt
  MESSAGE="[input] fx_rates: the directory $(pwd -P)/in/fx_rates.csv has no *.csv or *.csv.gz file directly inside it"
}
