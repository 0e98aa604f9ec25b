# A configured Marketo file is missing: the message names the [input] key and
# the full path it resolved to (relative paths are relative to the config).
EXIT=1
setup() {
  rm in/marketo_leads.csv.gz
  MESSAGE="[input] ma_leads: $(pwd -P)/in/marketo_leads.csv.gz: No such file or directory"
}
