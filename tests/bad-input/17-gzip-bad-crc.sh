# A gzip file whose CRC-32 does not match its data.
EXIT=1
MESSAGE='marketo_activities.csv.gz: corrupt gzip data (incorrect data check)'
setup() { poke in/marketo_activities.csv.gz -8; }
