# A damaged deflate stream in the middle of a gzip file.
EXIT=1
MESSAGE='marketo_activities.csv.gz: corrupt gzip data'
setup() {
  local i
  for i in 4000 4001 4002 4003; do poke in/marketo_activities.csv.gz "$i"; done
}
